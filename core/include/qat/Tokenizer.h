// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file Tokenizer.h
/// One tokenizer interface over the two kinds model folders ship: a Hugging Face
/// `tokenizer.json` (BPE, byte-level or sentencepiece-style) and a sentencepiece
/// `tokenizer.model`.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace qat {

enum class TokenizerKind {
    HuggingFace,   ///< tokenizer.json (with tokenizer_config.json beside it when present)
    SentencePiece, ///< tokenizer.model
};

/// "tokenizer.json" / "sentencepiece".
const char* tokenizerKindName(TokenizerKind kind);

class Tokenizer {
public:
    /// Loads a tokenizer file of either kind: a file whose name ends in `.json` is read as
    /// tokenizer.json (and the tokenizer_config.json beside it, when present, for the BOS/EOS
    /// tokens and add_bos_token), anything else as a sentencepiece model. Throws
    /// qat::Error(BadInput) naming the file and, for tokenizer.json, the field.
    static std::unique_ptr<Tokenizer> load(const std::filesystem::path& file);
    /// The tokenizer file of a model folder: tokenizer.json when present, else tokenizer.model,
    /// else nothing.
    static std::optional<std::filesystem::path> findInFolder(const std::filesystem::path& folder);

    virtual ~Tokenizer();

    virtual TokenizerKind kind() const = 0;

    /// Encodes text as the tokenizer does with add_special_tokens=False: no BOS/EOS added.
    /// With `matchSpecial` (the default, as Hugging Face tokenizers do), special tokens written
    /// in the text (e.g. "<|im_start|>") are matched whole; without it they are plain text.
    /// Added tokens that are not special are always matched. A sentencepiece model has no
    /// special tokens in text: the flag changes nothing there.
    virtual std::vector<int64_t> encode(const std::string& text, bool matchSpecial = true) const = 0;
    /// Decodes ids. Special tokens are written out unless `skipSpecial` (sentencepiece always
    /// drops its control pieces). Ids outside the vocabulary are skipped.
    virtual std::string decode(const std::vector<int64_t>& ids, bool skipSpecial = false) const = 0;
    /// The vocabulary entry of one id as the file spells it ("Ġworld", "▁the"); empty when the
    /// id is out of range.
    virtual std::string piece(int64_t id) const = 0;
    /// Number of ids, added tokens included (the largest id + 1).
    virtual int64_t vocabSize() const = 0;

    /// -1 when the tokenizer has none.
    int64_t bosId() const { return m_bos; }
    int64_t eosId() const { return m_eos; }
    int64_t padId() const { return m_pad; }
    int64_t unkId() const { return m_unk; }
    /// Whether the tokenizer itself puts BOS in front of an encoding (add_bos_token, or a
    /// post-processor template that starts with it).
    bool addsBos() const { return m_addsBos; }
    /// Ids of the special tokens (control pieces for sentencepiece), ascending.
    const std::vector<int64_t>& specialIds() const { return m_special; }
    const std::filesystem::path& file() const { return m_file; }

protected:
    Tokenizer() = default;
    std::filesystem::path m_file;
    int64_t m_bos = -1;
    int64_t m_eos = -1;
    int64_t m_pad = -1;
    int64_t m_unk = -1;
    bool m_addsBos = false;
    std::vector<int64_t> m_special;
};

} // namespace qat
