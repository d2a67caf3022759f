// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The BPE model of tokenizer.json: merges ranked over pairs of ids, byte fallback, unknown
// tokens (fused or not), ignore_merges, continuing_subword_prefix / end_of_word_suffix, and a
// cache of the words seen.

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace qat::tok {

struct BpeOptions {
    std::optional<std::string> unkToken;
    std::string continuingSubwordPrefix;
    std::string endOfWordSuffix;
    bool fuseUnk = false;
    bool byteFallback = false;
    bool ignoreMerges = false;
};

class Bpe {
public:
    /// `tokens[id]` is the vocabulary (an empty string for an id the vocabulary skips);
    /// `merges` pairs of ids in rank order, `mergedIds` the id each merge makes.
    Bpe(std::vector<std::string> tokens, const std::vector<std::pair<int32_t, int32_t>>& merges,
        const std::vector<int32_t>& mergedIds, BpeOptions options);

    /// Appends the ids of one pre-tokenized word (valid UTF-8). Throws when the word needs an
    /// unknown token and the model has none in its vocabulary.
    void tokenize(std::string_view word, std::vector<int64_t>& out) const;

    /// -1 when absent.
    int32_t tokenId(std::string_view token) const;
    const std::string& token(int32_t id) const { return m_tokens[size_t(id)]; }
    int32_t size() const { return int32_t(m_tokens.size()); }
    int32_t unkId() const { return m_unkId; }

private:
    struct MergeTarget {
        int32_t rank;
        int32_t id;
    };
    static uint64_t key(int32_t a, int32_t b) { return (uint64_t(uint32_t(a)) << 32) | uint32_t(b); }
    void mergeWord(std::string_view word, std::vector<int32_t>& ids) const;

    std::vector<std::string> m_tokens;
    std::unordered_map<std::string_view, int32_t> m_vocab; // views into m_tokens
    std::unordered_map<uint64_t, MergeTarget> m_merges;
    BpeOptions m_options;
    int32_t m_unkId = -1;

    static constexpr size_t kCacheMaxWord = 256;
    static constexpr size_t kCacheCapacity = 200000;
    mutable std::mutex m_cacheMutex;
    mutable std::unordered_map<std::string, std::vector<int32_t>> m_cache;
};

} // namespace qat::tok
