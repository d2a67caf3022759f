// SPDX-License-Identifier: GPL-3.0-or-later
#include "PreTokenizers.h"
#include "ByteLevel.h"

#include <algorithm>

namespace qat::tok {

namespace {

struct Cut {
    Span span;
    bool isMatch; // after `invert`
    bool remove;
};

// tokenizers' Pattern::find_matches: the whole text as alternating gaps and matches.
void alternate(size_t size, const std::vector<Span>& matches, bool invert, std::vector<Cut>& cuts) {
    cuts.clear();
    if (size == 0) {
        cuts.push_back({{0, 0}, invert, false});
        return;
    }
    size_t prev = 0;
    for (const Span& m : matches) {
        if (prev != m.first) cuts.push_back({{prev, m.first}, invert, false});
        cuts.push_back({m, !invert, false});
        prev = m.second;
    }
    if (prev != size) cuts.push_back({{prev, size}, invert, false});
}

} // namespace

void splitPiece(const PreToken& piece, const std::vector<Span>& matches, SplitBehavior behavior, bool invert,
                std::vector<PreToken>& out) {
    thread_local std::vector<Cut> cuts, merged;
    alternate(piece.text.size(), matches, invert, cuts);
    merged.clear();
    switch (behavior) {
    case SplitBehavior::Isolated:
        merged = cuts;
        break;
    case SplitBehavior::Removed:
        for (Cut c : cuts) {
            c.remove = c.isMatch;
            merged.push_back(c);
        }
        break;
    case SplitBehavior::Contiguous: {
        bool previous = false;
        for (const Cut& c : cuts) {
            if (c.isMatch == previous && !merged.empty())
                merged.back().span.second = c.span.second;
            else
                merged.push_back(c);
            previous = c.isMatch;
        }
        break;
    }
    case SplitBehavior::MergedWithPrevious: {
        bool previous = false;
        for (const Cut& c : cuts) {
            if (c.isMatch && !previous && !merged.empty())
                merged.back().span.second = c.span.second;
            else
                merged.push_back(c);
            previous = c.isMatch;
        }
        break;
    }
    case SplitBehavior::MergedWithNext: {
        bool previous = false;
        for (size_t k = cuts.size(); k-- > 0;) {
            const Cut& c = cuts[k];
            if (c.isMatch && !previous && !merged.empty())
                merged.back().span.first = c.span.first;
            else
                merged.push_back(c);
            previous = c.isMatch;
        }
        std::reverse(merged.begin(), merged.end());
        break;
    }
    }
    for (const Cut& c : merged) {
        if (c.remove || c.span.second <= c.span.first) continue;
        out.push_back({piece.text.substr(c.span.first, c.span.second - c.span.first),
                       piece.atStart && c.span.first == 0});
    }
}

void SplitPreTokenizer::apply(std::vector<PreToken>& pieces) const {
    std::vector<PreToken> out;
    out.reserve(pieces.size());
    std::vector<Span> matches;
    for (const PreToken& p : pieces) {
        matches.clear();
        m_pattern.findAll(p.text, matches);
        splitPiece(p, matches, m_behavior, m_invert, out);
    }
    pieces.swap(out);
}

ByteLevelPreTokenizer::ByteLevelPreTokenizer(bool addPrefixSpace, bool useRegex)
    : m_addPrefixSpace(addPrefixSpace), m_useRegex(useRegex), m_regex(kGpt2Pattern) {}

void ByteLevelPreTokenizer::apply(std::vector<PreToken>& pieces) const {
    std::vector<PreToken> out;
    out.reserve(pieces.size() * 4);
    std::vector<Span> matches;
    for (PreToken& p : pieces) {
        if (m_addPrefixSpace && (p.text.empty() || p.text[0] != ' ')) p.text.insert(0, " ");
        if (m_useRegex) {
            matches.clear();
            m_regex.findAll(p.text, matches);
            splitPiece(p, matches, SplitBehavior::Isolated, false, out);
        } else if (!p.text.empty()) {
            out.push_back(std::move(p));
        }
    }
    for (PreToken& p : out) {
        std::string mapped;
        mapped.reserve(p.text.size() * 2);
        byteLevelEncode(p.text, mapped);
        p.text.swap(mapped);
    }
    pieces.swap(out);
}

DigitsPreTokenizer::DigitsPreTokenizer(bool individual) : m_regex(individual ? R"(\p{N})" : R"(\p{N}+)") {}

void DigitsPreTokenizer::apply(std::vector<PreToken>& pieces) const {
    std::vector<PreToken> out;
    out.reserve(pieces.size() * 2);
    std::vector<Span> matches;
    for (const PreToken& p : pieces) {
        matches.clear();
        m_regex.findAll(p.text, matches);
        splitPiece(p, matches, SplitBehavior::Isolated, false, out);
    }
    pieces.swap(out);
}

void MetaspacePreTokenizer::apply(std::vector<PreToken>& pieces) const {
    std::vector<PreToken> out;
    out.reserve(pieces.size());
    std::vector<Span> matches;
    const Pattern replacement = Pattern::literal(m_replacement);
    for (PreToken& p : pieces) {
        std::string text;
        text.reserve(p.text.size() + 8);
        for (char c : p.text) {
            if (c == ' ')
                text += m_replacement;
            else
                text += c;
        }
        const bool startsWithReplacement = text.compare(0, m_replacement.size(), m_replacement) == 0;
        if (!startsWithReplacement &&
            (m_scheme == PrependScheme::Always || (m_scheme == PrependScheme::First && p.atStart)))
            text.insert(0, m_replacement);
        PreToken piece{std::move(text), p.atStart};
        if (m_split) {
            matches.clear();
            replacement.findAll(piece.text, matches);
            splitPiece(piece, matches, SplitBehavior::MergedWithNext, false, out);
        } else if (!piece.text.empty()) {
            out.push_back(std::move(piece));
        }
    }
    pieces.swap(out);
}

} // namespace qat::tok
