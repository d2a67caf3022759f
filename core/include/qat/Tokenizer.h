// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file Tokenizer.h
/// A sentencepiece tokenizer (`tokenizer.model`).

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace qat {

class Tokenizer {
public:
    /// Loads a sentencepiece model. Throws qat::Error(BadInput) naming the file.
    static std::unique_ptr<Tokenizer> load(const std::filesystem::path& file);
    ~Tokenizer();

    /// Encodes text without BOS/EOS.
    std::vector<int64_t> encode(const std::string& text) const;
    /// Decodes ids (BOS/EOS and other control pieces are dropped).
    std::string decode(const std::vector<int64_t>& ids) const;
    /// The text of one piece, as sentencepiece spells it.
    std::string piece(int64_t id) const;

    int64_t vocabSize() const;
    int64_t bosId() const;
    int64_t eosId() const;
    const std::filesystem::path& file() const { return m_file; }

private:
    Tokenizer();
    struct Impl;
    std::unique_ptr<Impl> m_impl;
    std::filesystem::path m_file;
};

} // namespace qat
