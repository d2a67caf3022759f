// SPDX-License-Identifier: GPL-3.0-or-later
#include "HfTokenizer.h"
#include "Unicode.h"
#include "qat/Status.h"

#include <algorithm>
#include <unordered_set>

namespace qat::tok {

HfTokenizer::HfTokenizer(HfParts parts)
    : m_model(std::move(parts.model)), m_normalizer(std::move(parts.normalizer)),
      m_preTokenizer(std::move(parts.preTokenizer)), m_decoder(std::move(parts.decoder)) {
    m_file = std::move(parts.file);
    m_bos = parts.bos;
    m_eos = parts.eos;
    m_pad = parts.pad;
    m_unk = parts.unk;
    m_addsBos = parts.addsBos;

    int64_t size = m_model->size();
    for (const AddedToken& t : parts.added)
        size = std::max(size, t.id + 1);
    m_pieces.resize(size_t(size));
    m_known.assign(size_t(size), false);
    m_isSpecial.assign(size_t(size), false);
    for (int32_t id = 0; id < m_model->size(); ++id) {
        m_pieces[size_t(id)] = m_model->token(id);
        m_known[size_t(id)] = !m_pieces[size_t(id)].empty();
    }
    m_decodeForms = m_pieces;

    std::vector<AddedToken> raw, normalized;
    std::vector<std::string> rawPatterns, normalizedPatterns;
    for (const AddedToken& t : parts.added) {
        m_pieces[size_t(t.id)] = t.content;
        m_decodeForms[size_t(t.id)] = t.content;
        m_known[size_t(t.id)] = true;
        if (t.normalized) {
            std::string form = t.content;
            if (m_normalizer) m_normalizer->normalize(form);
            m_decodeForms[size_t(t.id)] = form;
            normalized.push_back(t);
            normalizedPatterns.push_back(form);
        } else {
            raw.push_back(t);
            rawPatterns.push_back(t.content);
        }
        if (t.special) m_special.push_back(t.id);
    }
    // As tokenizers does, skipSpecial drops a token whose decode form is the text of a special
    // token (so not a special token that the normalizer changed, e.g. NFKC's "ﬁne" → "fine").
    std::unordered_set<std::string> specialTexts;
    for (const AddedToken& t : parts.added)
        if (t.special) specialTexts.insert(t.content);
    for (size_t id = 0; id < m_decodeForms.size(); ++id)
        m_isSpecial[id] = m_known[id] && specialTexts.count(m_decodeForms[id]) > 0;
    std::sort(m_special.begin(), m_special.end());
    m_special.erase(std::unique(m_special.begin(), m_special.end()), m_special.end());
    m_raw = std::make_unique<AddedTokenMatcher>(std::move(raw), rawPatterns);
    m_normalized = std::make_unique<AddedTokenMatcher>(std::move(normalized), normalizedPatterns);
}

std::vector<int64_t> HfTokenizer::encode(const std::string& input, bool matchSpecial) const {
    try {
        return encodeText(utf8Lossy(input), matchSpecial);
    } catch (const Error& e) {
        throw Error(e.kind(), m_file.string() + ": encoding: " + e.what());
    }
}

std::vector<int64_t> HfTokenizer::encodeText(const std::string& text, bool matchSpecial) const {
    std::vector<int64_t> ids;
    ids.reserve(text.size() / 3 + 8);
    std::vector<TextPart> parts;
    m_raw->split(text, matchSpecial, parts);
    for (const TextPart& p : parts) {
        if (p.id >= 0)
            ids.push_back(p.id);
        else
            encodeSegment(text.substr(p.span.first, p.span.second - p.span.first), p.span.first == 0,
                          matchSpecial, ids);
    }
    return ids;
}

void HfTokenizer::encodeSegment(std::string segment, bool atStart, bool matchSpecial,
                                std::vector<int64_t>& ids) const {
    if (m_normalizer) m_normalizer->normalize(segment);
    if (m_normalized->empty()) {
        encodeNormalized(std::move(segment), atStart, ids);
        return;
    }
    std::vector<TextPart> parts;
    m_normalized->split(segment, matchSpecial, parts);
    for (const TextPart& p : parts) {
        if (p.id >= 0)
            ids.push_back(p.id);
        else
            encodeNormalized(segment.substr(p.span.first, p.span.second - p.span.first),
                             atStart && p.span.first == 0, ids);
    }
}

void HfTokenizer::encodeNormalized(std::string segment, bool atStart, std::vector<int64_t>& ids) const {
    if (segment.empty()) return;
    std::vector<PreToken> pieces;
    pieces.push_back({std::move(segment), atStart});
    if (m_preTokenizer) m_preTokenizer->apply(pieces);
    for (const PreToken& p : pieces)
        m_model->tokenize(p.text, ids);
}

std::string HfTokenizer::decode(const std::vector<int64_t>& ids, bool skipSpecial) const {
    std::vector<std::string> tokens;
    tokens.reserve(ids.size());
    for (int64_t id : ids) {
        if (id < 0 || id >= vocabSize() || !m_known[size_t(id)]) continue;
        if (skipSpecial && m_isSpecial[size_t(id)]) continue;
        tokens.push_back(m_decodeForms[size_t(id)]);
    }
    if (!m_decoder) {
        std::string out;
        for (size_t k = 0; k < tokens.size(); ++k) {
            if (k) out += ' ';
            out += tokens[k];
        }
        return out;
    }
    m_decoder->decodeChain(tokens);
    std::string out;
    for (const std::string& t : tokens)
        out += t;
    return out;
}

std::string HfTokenizer::piece(int64_t id) const {
    if (id < 0 || id >= vocabSize()) return {};
    return m_pieces[size_t(id)];
}

} // namespace qat::tok
