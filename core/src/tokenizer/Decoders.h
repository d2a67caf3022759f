// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// tokenizer.json decoders: ByteLevel, Metaspace, ByteFallback, Fuse, Strip, Replace, Sequence.
// Each rewrites the list of token strings (tokenizers' decode_chain); the result is joined.

#include "PreTokenizers.h"
#include "Regex.h"

#include <memory>
#include <string>
#include <vector>

namespace qat::tok {

class Decoder {
public:
    virtual ~Decoder() = default;
    virtual void decodeChain(std::vector<std::string>& tokens) const = 0;
};

/// Byte-level code points back to bytes; the result as UTF-8 with invalid bytes as U+FFFD.
class ByteLevelDecoder final : public Decoder {
public:
    void decodeChain(std::vector<std::string>& tokens) const override;
};

class MetaspaceDecoder final : public Decoder {
public:
    MetaspaceDecoder(std::string replacement, PrependScheme scheme)
        : m_replacement(std::move(replacement)), m_scheme(scheme) {}
    void decodeChain(std::vector<std::string>& tokens) const override;

private:
    std::string m_replacement;
    PrependScheme m_scheme;
};

/// Runs of `<0xNN>` tokens as the bytes they stand for (U+FFFD per byte when not UTF-8).
class ByteFallbackDecoder final : public Decoder {
public:
    void decodeChain(std::vector<std::string>& tokens) const override;
};

class FuseDecoder final : public Decoder {
public:
    void decodeChain(std::vector<std::string>& tokens) const override;
};

/// Up to `start` leading and `stop` trailing `content` characters removed from each token.
class StripDecoder final : public Decoder {
public:
    StripDecoder(char32_t content, size_t start, size_t stop)
        : m_content(content), m_start(start), m_stop(stop) {}
    void decodeChain(std::vector<std::string>& tokens) const override;

private:
    char32_t m_content;
    size_t m_start, m_stop;
};

class ReplaceDecoder final : public Decoder {
public:
    ReplaceDecoder(Pattern pattern, std::string content)
        : m_pattern(std::move(pattern)), m_content(std::move(content)) {}
    void decodeChain(std::vector<std::string>& tokens) const override;

private:
    Pattern m_pattern;
    std::string m_content;
};

class SequenceDecoder final : public Decoder {
public:
    explicit SequenceDecoder(std::vector<std::unique_ptr<Decoder>> steps) : m_steps(std::move(steps)) {}
    void decodeChain(std::vector<std::string>& tokens) const override {
        for (const auto& s : m_steps)
            s->decodeChain(tokens);
    }

private:
    std::vector<std::unique_ptr<Decoder>> m_steps;
};

} // namespace qat::tok
