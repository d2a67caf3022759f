// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The sentencepiece tokenizer (`tokenizer.model`), through libsentencepiece.

#include "qat/Tokenizer.h"

#include <memory>
#include <string>
#include <vector>

namespace qat::tok {

class SentencePieceTokenizer final : public Tokenizer {
public:
    /// Throws Error(BadInput) naming the file.
    static std::unique_ptr<SentencePieceTokenizer> load(const std::filesystem::path& file);
    ~SentencePieceTokenizer() override;

    TokenizerKind kind() const override { return TokenizerKind::SentencePiece; }
    std::vector<int64_t> encode(const std::string& text, bool matchSpecial = true) const override;
    std::string decode(const std::vector<int64_t>& ids, bool skipSpecial = false) const override;
    std::string piece(int64_t id) const override;
    int64_t vocabSize() const override;

    /// A vocabulary entry with its score and kind, for writing the vocabulary elsewhere (GGUF).
    struct Piece {
        enum class Type { Normal, Unknown, Control, Unused, Byte };
        std::string text;
        float score = 0;
        Type type = Type::Normal;
    };
    std::vector<Piece> pieces() const;
    /// Whether the model puts "▁" in front of the text (its normalizer's add_dummy_prefix), as
    /// its encoding of a single letter shows.
    bool addsDummyPrefix() const;

private:
    SentencePieceTokenizer();
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace qat::tok
