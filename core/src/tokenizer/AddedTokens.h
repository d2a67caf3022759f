// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// tokenizer.json's added_tokens and how they are found in text (tokenizers' AddedVocabulary):
// leftmost-longest matches, with lstrip / rstrip / single_word.

#include "Regex.h"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace qat::tok {

struct AddedToken {
    int64_t id = -1;
    std::string content;
    bool special = false;
    bool lstrip = false;
    bool rstrip = false;
    bool singleWord = false;
    bool normalized = false;
};

/// A part of a text: an added token (`id` >= 0) or text between them (`id` -1).
struct TextPart {
    Span span;
    int64_t id;
};

/// Finds a set of added tokens in text.
class AddedTokenMatcher {
public:
    /// `patterns[k]` is what `tokens[k]` is matched as (its content, or its normalized form).
    AddedTokenMatcher(std::vector<AddedToken> tokens, const std::vector<std::string>& patterns);
    bool empty() const { return m_tokens.empty(); }

    /// `text` as parts covering it whole; special tokens are skipped unless `matchSpecial`.
    void split(std::string_view text, bool matchSpecial, std::vector<TextPart>& parts) const;

private:
    struct Node {
        std::vector<std::pair<unsigned char, int32_t>> children;
        int32_t token = -1; // index into m_tokens of the pattern ending here
    };
    // The longest pattern starting at `pos` (index into m_tokens) and its end; -1 when none.
    int32_t longestAt(std::string_view text, size_t pos, size_t& end) const;

    std::vector<AddedToken> m_tokens;
    std::vector<Node> m_trie;
};

} // namespace qat::tok
