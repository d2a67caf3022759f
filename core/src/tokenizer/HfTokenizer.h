// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The tokenizer.json tokenizer: added tokens → normalizer → pre-tokenizer → BPE on encode,
// ids → token strings → decoder on decode, as Hugging Face tokenizers does.

#include "AddedTokens.h"
#include "Bpe.h"
#include "Decoders.h"
#include "Normalizers.h"
#include "PreTokenizers.h"
#include "qat/Tokenizer.h"

#include <memory>
#include <string>
#include <vector>

namespace qat::tok {

/// What the tokenizer.json parser builds.
struct HfParts {
    std::filesystem::path file;
    std::unique_ptr<Bpe> model;
    std::unique_ptr<Normalizer> normalizer;     // may be null
    std::unique_ptr<PreTokenizer> preTokenizer; // may be null
    std::unique_ptr<Decoder> decoder;           // may be null: tokens joined with spaces
    std::vector<AddedToken> added;
    int64_t bos = -1, eos = -1, pad = -1, unk = -1;
    bool addsBos = false;
};

class HfTokenizer final : public Tokenizer {
public:
    explicit HfTokenizer(HfParts parts);

    TokenizerKind kind() const override { return TokenizerKind::HuggingFace; }
    std::vector<int64_t> encode(const std::string& text, bool matchSpecial = true) const override;
    std::string decode(const std::vector<int64_t>& ids, bool skipSpecial = false) const override;
    std::string piece(int64_t id) const override;
    int64_t vocabSize() const override { return int64_t(m_pieces.size()); }

private:
    std::vector<int64_t> encodeText(const std::string& text, bool matchSpecial) const;
    // One stretch of text between added tokens, from normalization on.
    void encodeSegment(std::string segment, bool atStart, bool matchSpecial, std::vector<int64_t>& ids) const;
    void encodeNormalized(std::string segment, bool atStart, std::vector<int64_t>& ids) const;

    std::unique_ptr<Bpe> m_model;
    std::unique_ptr<Normalizer> m_normalizer;
    std::unique_ptr<PreTokenizer> m_preTokenizer;
    std::unique_ptr<Decoder> m_decoder;
    std::unique_ptr<AddedTokenMatcher> m_raw;        // added tokens matched before normalization
    std::unique_ptr<AddedTokenMatcher> m_normalized; // ... and after it
    std::vector<std::string> m_pieces;               // id -> vocabulary entry
    std::vector<std::string> m_decodeForms;          // id -> what the decoder is given
    std::vector<bool> m_known;                       // id -> the file defines it
    std::vector<bool> m_isSpecial;                   // id -> dropped by decode(skipSpecial)
};

} // namespace qat::tok
