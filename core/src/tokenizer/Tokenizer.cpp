// SPDX-License-Identifier: GPL-3.0-or-later
#include "qat/Tokenizer.h"
#include "qat/Status.h"

#include <sentencepiece_processor.h>

namespace qat {

struct Tokenizer::Impl {
    sentencepiece::SentencePieceProcessor sp;
};

Tokenizer::Tokenizer() : m_impl(std::make_unique<Impl>()) {}
Tokenizer::~Tokenizer() = default;

std::unique_ptr<Tokenizer> Tokenizer::load(const std::filesystem::path& file) {
    std::unique_ptr<Tokenizer> t(new Tokenizer());
    t->m_file = file;
    std::error_code ec;
    if (!std::filesystem::is_regular_file(file, ec))
        fail(ErrorKind::BadInput, file.string() + ": tokenizer file not found");
    const auto status = t->m_impl->sp.Load(file.string());
    if (!status.ok())
        fail(ErrorKind::BadInput, file.string() + ": not a sentencepiece model: " + status.ToString());
    return t;
}

std::vector<int64_t> Tokenizer::encode(const std::string& text) const {
    std::vector<int> ids;
    const auto status = m_impl->sp.Encode(text, &ids);
    if (!status.ok()) fail(ErrorKind::Failure, m_file.string() + ": encoding failed: " + status.ToString());
    return std::vector<int64_t>(ids.begin(), ids.end());
}

std::string Tokenizer::decode(const std::vector<int64_t>& ids) const {
    std::vector<int> v;
    v.reserve(ids.size());
    const int64_t n = vocabSize();
    for (int64_t id : ids)
        if (id >= 0 && id < n) v.push_back(static_cast<int>(id));
    std::string text;
    const auto status = m_impl->sp.Decode(v, &text);
    if (!status.ok()) fail(ErrorKind::Failure, m_file.string() + ": decoding failed: " + status.ToString());
    return text;
}

std::string Tokenizer::piece(int64_t id) const {
    if (id < 0 || id >= vocabSize()) return {};
    return m_impl->sp.IdToPiece(static_cast<int>(id));
}

int64_t Tokenizer::vocabSize() const {
    return m_impl->sp.GetPieceSize();
}
int64_t Tokenizer::bosId() const {
    return m_impl->sp.bos_id();
}
int64_t Tokenizer::eosId() const {
    return m_impl->sp.eos_id();
}

} // namespace qat
