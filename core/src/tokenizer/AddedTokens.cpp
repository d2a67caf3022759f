// SPDX-License-Identifier: GPL-3.0-or-later
#include "AddedTokens.h"

namespace qat::tok {

namespace {

// The \w, \s, ^\s* and \s*$ regexes of tokenizers' added_vocabulary.rs (Unicode).
const Regex& wordAtStart() {
    static const Regex r(R"(^\w)");
    return r;
}
const Regex& wordAtEnd() {
    static const Regex r(R"(\w\z)");
    return r;
}
const Regex& spacesAtStart() {
    static const Regex r(R"(^\s*)");
    return r;
}
const Regex& spacesAtEnd() {
    static const Regex r(R"(\s*\z)");
    return r;
}

} // namespace

AddedTokenMatcher::AddedTokenMatcher(std::vector<AddedToken> tokens, const std::vector<std::string>& patterns)
    : m_tokens(std::move(tokens)) {
    m_trie.emplace_back();
    for (size_t k = 0; k < m_tokens.size(); ++k) {
        const std::string& p = patterns[k];
        if (p.empty()) continue;
        int32_t node = 0;
        for (char c : p) {
            const auto b = static_cast<unsigned char>(c);
            int32_t child = -1;
            for (const auto& [byte, index] : m_trie[size_t(node)].children)
                if (byte == b) child = index;
            if (child < 0) {
                child = int32_t(m_trie.size());
                m_trie[size_t(node)].children.emplace_back(b, child);
                m_trie.emplace_back();
            }
            node = child;
        }
        m_trie[size_t(node)].token = int32_t(k); // a later token with the same text wins
    }
}

int32_t AddedTokenMatcher::longestAt(std::string_view text, size_t pos, size_t& end) const {
    int32_t node = 0, found = -1;
    for (size_t i = pos; i < text.size(); ++i) {
        const auto b = static_cast<unsigned char>(text[i]);
        int32_t child = -1;
        for (const auto& [byte, index] : m_trie[size_t(node)].children)
            if (byte == b) {
                child = index;
                break;
            }
        if (child < 0) break;
        node = child;
        if (m_trie[size_t(node)].token >= 0) {
            found = m_trie[size_t(node)].token;
            end = i + 1;
        }
    }
    return found;
}

void AddedTokenMatcher::split(std::string_view text, bool matchSpecial, std::vector<TextPart>& parts) const {
    size_t startOffset = 0;
    size_t pos = 0;
    Span m;
    while (pos < text.size() && !m_tokens.empty()) {
        size_t stop = 0;
        const int32_t k = longestAt(text, pos, stop);
        if (k < 0) {
            ++pos;
            continue;
        }
        size_t start = pos;
        pos = stop; // matches do not overlap: the search goes on after this one
        const AddedToken& t = m_tokens[size_t(k)];
        if (t.special && !matchSpecial) continue;
        if (t.singleWord) {
            size_t lastChar = start;
            while (lastChar > 0 && (static_cast<unsigned char>(text[--lastChar]) & 0xC0) == 0x80) {
            }
            const bool startSpace =
                start == 0 || !wordAtEnd().find(text.substr(lastChar, start - lastChar), 0, m);
            const bool stopSpace = stop == text.size() || !wordAtStart().find(text.substr(stop), 0, m);
            if (!startSpace || !stopSpace) continue;
        }
        if (t.lstrip) {
            // Spaces an earlier match took are not taken again: look only after it.
            const std::string_view before = text.substr(startOffset, start - startOffset);
            if (spacesAtEnd().find(before, 0, m)) start = startOffset + m.first;
        }
        if (t.rstrip && spacesAtStart().find(text.substr(stop), 0, m)) stop += m.second;
        if (startOffset < start) parts.push_back({{startOffset, start}, -1});
        parts.push_back({{start, stop}, t.id});
        startOffset = stop;
        pos = stop;
    }
    if (startOffset != text.size() || parts.empty()) parts.push_back({{startOffset, text.size()}, -1});
}

} // namespace qat::tok
