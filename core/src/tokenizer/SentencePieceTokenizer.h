// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The sentencepiece tokenizer (`tokenizer.model`), through libsentencepiece.

#include "qat/Tokenizer.h"

#include <memory>

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

private:
    SentencePieceTokenizer();
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace qat::tok
