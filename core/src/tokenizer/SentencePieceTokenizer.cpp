// SPDX-License-Identifier: GPL-3.0-or-later
#include "SentencePieceTokenizer.h"
#include "qat/Status.h"

#include <sentencepiece_processor.h>

namespace qat::tok {

struct SentencePieceTokenizer::Impl {
    sentencepiece::SentencePieceProcessor sp;
};

SentencePieceTokenizer::SentencePieceTokenizer() : m_impl(std::make_unique<Impl>()) {}
SentencePieceTokenizer::~SentencePieceTokenizer() = default;

std::unique_ptr<SentencePieceTokenizer> SentencePieceTokenizer::load(const std::filesystem::path& file) {
    std::unique_ptr<SentencePieceTokenizer> t(new SentencePieceTokenizer());
    t->m_file = file;
    std::error_code ec;
    if (!std::filesystem::is_regular_file(file, ec))
        fail(ErrorKind::BadInput, file.string() + ": tokenizer file not found");
    const auto status = t->m_impl->sp.Load(file.string());
    if (!status.ok())
        fail(ErrorKind::BadInput, file.string() + ": not a sentencepiece model: " + status.ToString());
    const auto& sp = t->m_impl->sp;
    // sentencepiece answers -1 for the ids a model does not define.
    t->m_bos = sp.bos_id();
    t->m_eos = sp.eos_id();
    t->m_pad = sp.pad_id();
    t->m_unk = sp.unk_id();
    // Models that ship a sentencepiece file (Llama-2, Mistral v0.1) put BOS in front of a prompt,
    // as their tokenizer_config.json says (add_bos_token); encode itself adds nothing.
    t->m_addsBos = t->m_bos >= 0;
    for (int id = 0; id < sp.GetPieceSize(); ++id)
        if (sp.IsControl(id)) t->m_special.push_back(id);
    return t;
}

std::vector<int64_t> SentencePieceTokenizer::encode(const std::string& text, bool /*matchSpecial*/) const {
    std::vector<int> ids;
    const auto status = m_impl->sp.Encode(text, &ids);
    if (!status.ok()) fail(ErrorKind::Failure, m_file.string() + ": encoding failed: " + status.ToString());
    return std::vector<int64_t>(ids.begin(), ids.end());
}

std::string SentencePieceTokenizer::decode(const std::vector<int64_t>& ids, bool /*skipSpecial*/) const {
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

std::string SentencePieceTokenizer::piece(int64_t id) const {
    if (id < 0 || id >= vocabSize()) return {};
    return m_impl->sp.IdToPiece(static_cast<int>(id));
}

std::vector<SentencePieceTokenizer::Piece> SentencePieceTokenizer::pieces() const {
    const auto& sp = m_impl->sp;
    std::vector<Piece> out(static_cast<size_t>(sp.GetPieceSize()));
    for (int id = 0; id < sp.GetPieceSize(); ++id) {
        Piece& p = out[static_cast<size_t>(id)];
        p.text = sp.IdToPiece(id);
        p.score = sp.GetScore(id);
        p.type = sp.IsUnknown(id)   ? Piece::Type::Unknown
                 : sp.IsControl(id) ? Piece::Type::Control
                 : sp.IsUnused(id)  ? Piece::Type::Unused
                 : sp.IsByte(id)    ? Piece::Type::Byte
                                    : Piece::Type::Normal;
    }
    return out;
}

bool SentencePieceTokenizer::addsDummyPrefix() const {
    std::vector<std::string> pieces;
    m_impl->sp.Encode("a", &pieces).IgnoreError();
    return !pieces.empty() && pieces.front().rfind("\xe2\x96\x81", 0) == 0; // "▁"
}

int64_t SentencePieceTokenizer::vocabSize() const {
    return m_impl->sp.GetPieceSize();
}

} // namespace qat::tok
