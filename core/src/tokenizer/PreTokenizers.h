// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// tokenizer.json pre-tokenizers: Split, ByteLevel, Digits, Metaspace, Sequence. Each turns the
// pieces of a text into smaller pieces, as tokenizers' PreTokenizedString::split does (empty
// pieces vanish).

#include "Regex.h"

#include <memory>
#include <string>
#include <vector>

namespace qat::tok {

/// One piece of the text on its way to the model.
struct PreToken {
    std::string text;
    /// Whether it starts where the whole input starts (Metaspace's prepend_scheme "first").
    bool atStart = false;
};

/// tokenizers' SplitDelimiterBehavior.
enum class SplitBehavior { Removed, Isolated, MergedWithPrevious, MergedWithNext, Contiguous };

/// Splits `piece` at `matches` (sorted, non-overlapping) with `behavior`; `invert` swaps which
/// spans count as the delimiter. Appends the non-empty results to `out`.
void splitPiece(const PreToken& piece, const std::vector<Span>& matches, SplitBehavior behavior, bool invert,
                std::vector<PreToken>& out);

class PreTokenizer {
public:
    virtual ~PreTokenizer() = default;
    virtual void apply(std::vector<PreToken>& pieces) const = 0;
};

class SplitPreTokenizer final : public PreTokenizer {
public:
    SplitPreTokenizer(Pattern pattern, SplitBehavior behavior, bool invert)
        : m_pattern(std::move(pattern)), m_behavior(behavior), m_invert(invert) {}
    void apply(std::vector<PreToken>& pieces) const override;

private:
    Pattern m_pattern;
    SplitBehavior m_behavior;
    bool m_invert;
};

/// Optional prefix space, the GPT-2 regex (use_regex), then every byte as its byte-level code point.
class ByteLevelPreTokenizer final : public PreTokenizer {
public:
    ByteLevelPreTokenizer(bool addPrefixSpace, bool useRegex);
    void apply(std::vector<PreToken>& pieces) const override;

private:
    bool m_addPrefixSpace;
    bool m_useRegex;
    Regex m_regex;
};

/// Numeric characters (Unicode N*) isolated: one by one, or in runs.
class DigitsPreTokenizer final : public PreTokenizer {
public:
    explicit DigitsPreTokenizer(bool individual);
    void apply(std::vector<PreToken>& pieces) const override;

private:
    Regex m_regex;
};

enum class PrependScheme { First, Always, Never };

/// Spaces replaced by `replacement`, which is prepended per `scheme`; with `split`, a piece per
/// word (the replacement merged with the word that follows it).
class MetaspacePreTokenizer final : public PreTokenizer {
public:
    MetaspacePreTokenizer(std::string replacement, PrependScheme scheme, bool split)
        : m_replacement(std::move(replacement)), m_scheme(scheme), m_split(split) {}
    void apply(std::vector<PreToken>& pieces) const override;

private:
    std::string m_replacement;
    PrependScheme m_scheme;
    bool m_split;
};

class SequencePreTokenizer final : public PreTokenizer {
public:
    explicit SequencePreTokenizer(std::vector<std::unique_ptr<PreTokenizer>> steps)
        : m_steps(std::move(steps)) {}
    void apply(std::vector<PreToken>& pieces) const override {
        for (const auto& s : m_steps)
            s->apply(pieces);
    }

private:
    std::vector<std::unique_ptr<PreTokenizer>> m_steps;
};

} // namespace qat::tok
