// SPDX-License-Identifier: GPL-3.0-or-later
// The Tokenizer facade: which implementation a file gets, and where a folder keeps its tokenizer.
#include "qat/Tokenizer.h"
#include "SentencePieceTokenizer.h"
#include "TokenizerJson.h"

namespace qat {

const char* tokenizerKindName(TokenizerKind kind) {
    switch (kind) {
    case TokenizerKind::HuggingFace:
        return "tokenizer.json";
    case TokenizerKind::SentencePiece:
        return "sentencepiece";
    }
    return "unknown";
}

Tokenizer::~Tokenizer() = default;

std::unique_ptr<Tokenizer> Tokenizer::load(const std::filesystem::path& file) {
    if (file.extension() == ".json") return tok::loadTokenizerJson(file);
    return tok::SentencePieceTokenizer::load(file);
}

std::optional<std::filesystem::path> Tokenizer::findInFolder(const std::filesystem::path& folder) {
    std::error_code ec;
    for (const char* name : {"tokenizer.json", "tokenizer.model"}) {
        const std::filesystem::path p = folder / name;
        if (std::filesystem::is_regular_file(p, ec)) return p;
    }
    return std::nullopt;
}

} // namespace qat
