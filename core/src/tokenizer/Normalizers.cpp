// SPDX-License-Identifier: GPL-3.0-or-later
#include "Normalizers.h"

namespace qat::tok {

std::string replaceAll(const std::string& text, const Pattern& pattern, const std::string& content) {
    std::vector<Span> matches;
    pattern.findAll(text, matches);
    if (matches.empty()) return text;
    std::string out;
    out.reserve(text.size() + matches.size() * content.size());
    size_t prev = 0;
    for (const Span& m : matches) {
        out.append(text, prev, m.first - prev);
        out += content;
        prev = m.second;
    }
    out.append(text, prev, std::string::npos);
    return out;
}

void ReplaceNormalizer::normalize(std::string& text) const {
    text = replaceAll(text, m_pattern, m_content);
}

} // namespace qat::tok
