// SPDX-License-Identifier: GPL-3.0-or-later
#include "Bpe.h"
#include "Unicode.h"
#include "qat/Status.h"

#include <queue>

namespace qat::tok {

Bpe::Bpe(std::vector<std::string> tokens, const std::vector<std::pair<int32_t, int32_t>>& merges,
         const std::vector<int32_t>& mergedIds, BpeOptions options)
    : m_tokens(std::move(tokens)), m_options(std::move(options)) {
    m_vocab.reserve(m_tokens.size());
    for (size_t id = 0; id < m_tokens.size(); ++id)
        if (!m_tokens[id].empty()) m_vocab.emplace(m_tokens[id], int32_t(id));
    m_merges.reserve(merges.size());
    for (size_t r = 0; r < merges.size(); ++r)
        m_merges[key(merges[r].first, merges[r].second)] =
            MergeTarget{int32_t(r), mergedIds[r]}; // the last wins
    if (m_options.unkToken) m_unkId = tokenId(*m_options.unkToken);
}

int32_t Bpe::tokenId(std::string_view token) const {
    const auto it = m_vocab.find(token);
    return it == m_vocab.end() ? -1 : it->second;
}

namespace {

struct Symbol {
    int32_t id;
    int32_t prev;
    int32_t next;
    bool alive;
};

struct Candidate {
    int32_t rank;
    int32_t pos;
    int32_t id;
    // std::priority_queue pops the largest: lowest rank first, then the leftmost.
    bool operator<(const Candidate& o) const { return rank != o.rank ? rank > o.rank : pos > o.pos; }
};

} // namespace

void Bpe::mergeWord(std::string_view word, std::vector<int32_t>& ids) const {
    // The word's characters as ids (tokenizers' BPE::merge_word).
    std::vector<Symbol> symbols;
    symbols.reserve(word.size());
    int32_t unkId = -1;
    auto pushSymbol = [&](int32_t id) {
        const auto n = int32_t(symbols.size());
        symbols.push_back({id, n - 1, n + 1, true});
    };
    auto flushUnk = [&]() {
        if (unkId >= 0) pushSymbol(unkId);
        unkId = -1;
    };
    std::string scratch;
    size_t i = 0;
    while (i < word.size()) {
        const size_t begin = i;
        i += utf8Length(static_cast<unsigned char>(word[i]));
        if (i > word.size()) i = word.size();
        std::string_view ch = word.substr(begin, i - begin);
        const bool first = begin == 0, last = i == word.size();
        if ((!first && !m_options.continuingSubwordPrefix.empty()) ||
            (last && !m_options.endOfWordSuffix.empty())) {
            scratch.assign(first ? std::string() : m_options.continuingSubwordPrefix);
            scratch.append(ch);
            if (last) scratch += m_options.endOfWordSuffix;
            ch = scratch;
        }
        const int32_t id = tokenId(ch);
        if (id >= 0) {
            flushUnk();
            pushSymbol(id);
            continue;
        }
        if (m_options.byteFallback) {
            static const char* hex = "0123456789ABCDEF";
            std::vector<int32_t> bytes;
            bool all = true;
            for (char c : ch) {
                const auto b = static_cast<unsigned char>(c);
                const char name[7] = {'<', '0', 'x', hex[b >> 4], hex[b & 15], '>', 0};
                const int32_t bid = tokenId(std::string_view(name, 6));
                if (bid < 0) {
                    all = false;
                    break;
                }
                bytes.push_back(bid);
            }
            if (all) {
                // As tokenizers does, a pending unknown token is not flushed before the bytes.
                for (int32_t b : bytes)
                    pushSymbol(b);
                continue;
            }
        }
        if (m_options.unkToken) {
            if (m_unkId < 0)
                fail(ErrorKind::BadInput,
                     "the unknown token '" + *m_options.unkToken + "' is not in the vocabulary");
            if (unkId >= 0 && !m_options.fuseUnk) flushUnk();
            unkId = m_unkId;
        }
    }
    flushUnk();
    if (!symbols.empty()) symbols.back().next = -1;

    // Merge the best-ranked pair until none is left (tokenizers' Word::merge_all).
    std::priority_queue<Candidate> queue;
    for (size_t p = 0; p + 1 < symbols.size(); ++p) {
        const auto it = m_merges.find(key(symbols[p].id, symbols[p + 1].id));
        if (it != m_merges.end()) queue.push({it->second.rank, int32_t(p), it->second.id});
    }
    while (!queue.empty()) {
        const Candidate top = queue.top();
        queue.pop();
        Symbol& s = symbols[size_t(top.pos)];
        if (!s.alive || s.next < 0) continue;
        Symbol& right = symbols[size_t(s.next)];
        const auto it = m_merges.find(key(s.id, right.id));
        if (it == m_merges.end() || it->second.id != top.id) continue; // stale entry
        s.id = top.id;
        right.alive = false;
        s.next = right.next;
        if (s.next >= 0) symbols[size_t(s.next)].prev = top.pos;
        if (s.prev >= 0) {
            const auto l = m_merges.find(key(symbols[size_t(s.prev)].id, s.id));
            if (l != m_merges.end()) queue.push({l->second.rank, s.prev, l->second.id});
        }
        if (s.next >= 0) {
            const auto r = m_merges.find(key(s.id, symbols[size_t(s.next)].id));
            if (r != m_merges.end()) queue.push({r->second.rank, top.pos, r->second.id});
        }
    }
    for (const Symbol& s : symbols)
        if (s.alive) ids.push_back(s.id);
}

void Bpe::tokenize(std::string_view word, std::vector<int64_t>& out) const {
    if (word.empty()) return;
    if (m_options.ignoreMerges) {
        const int32_t id = tokenId(word);
        if (id >= 0) {
            out.push_back(id);
            return;
        }
    }
    const bool cacheable = word.size() < kCacheMaxWord;
    if (cacheable) {
        std::lock_guard<std::mutex> lock(m_cacheMutex);
        const auto it = m_cache.find(std::string(word));
        if (it != m_cache.end()) {
            out.insert(out.end(), it->second.begin(), it->second.end());
            return;
        }
    }
    std::vector<int32_t> ids;
    mergeWord(word, ids);
    out.insert(out.end(), ids.begin(), ids.end());
    if (cacheable) {
        std::lock_guard<std::mutex> lock(m_cacheMutex);
        if (m_cache.size() < kCacheCapacity) m_cache.emplace(std::string(word), std::move(ids));
    }
}

} // namespace qat::tok
