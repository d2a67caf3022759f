// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// tokenizer.json normalizers: NFC, NFKC (NFD, NFKD), Replace, Prepend, Sequence.

#include "Regex.h"
#include "Unicode.h"

#include <memory>
#include <string>
#include <vector>

namespace qat::tok {

class Normalizer {
public:
    virtual ~Normalizer() = default;
    /// Rewrites `text` (valid UTF-8) in place.
    virtual void normalize(std::string& text) const = 0;
};

class UnicodeNormalizer final : public Normalizer {
public:
    explicit UnicodeNormalizer(NormalForm form) : m_form(form) {}
    void normalize(std::string& text) const override { text = normalizeUnicode(text, m_form); }

private:
    NormalForm m_form;
};

/// Every match of the pattern replaced by `content`.
class ReplaceNormalizer final : public Normalizer {
public:
    ReplaceNormalizer(Pattern pattern, std::string content)
        : m_pattern(std::move(pattern)), m_content(std::move(content)) {}
    void normalize(std::string& text) const override;

private:
    Pattern m_pattern;
    std::string m_content;
};

/// `prepend` in front of a non-empty text.
class PrependNormalizer final : public Normalizer {
public:
    explicit PrependNormalizer(std::string prepend) : m_prepend(std::move(prepend)) {}
    void normalize(std::string& text) const override {
        if (!text.empty()) text.insert(0, m_prepend);
    }

private:
    std::string m_prepend;
};

class SequenceNormalizer final : public Normalizer {
public:
    explicit SequenceNormalizer(std::vector<std::unique_ptr<Normalizer>> steps) : m_steps(std::move(steps)) {}
    void normalize(std::string& text) const override {
        for (const auto& s : m_steps)
            s->normalize(text);
    }

private:
    std::vector<std::unique_ptr<Normalizer>> m_steps;
};

/// `text` with every match of `pattern` replaced by `content`.
std::string replaceAll(const std::string& text, const Pattern& pattern, const std::string& content);

} // namespace qat::tok
