// SPDX-License-Identifier: GPL-3.0-or-later
#include "Decoders.h"
#include "ByteLevel.h"
#include "Normalizers.h"
#include "Unicode.h"

namespace qat::tok {

void ByteLevelDecoder::decodeChain(std::vector<std::string>& tokens) const {
    std::string bytes;
    for (const std::string& t : tokens)
        if (!byteLevelDecode(t, bytes)) bytes += t;
    tokens.assign(1, utf8Lossy(bytes));
}

void MetaspaceDecoder::decodeChain(std::vector<std::string>& tokens) const {
    for (size_t i = 0; i < tokens.size(); ++i) {
        const std::string& t = tokens[i];
        std::string out;
        out.reserve(t.size());
        size_t k = 0;
        while (k < t.size()) {
            if (!m_replacement.empty() && t.compare(k, m_replacement.size(), m_replacement) == 0) {
                if (!(i == 0 && m_scheme != PrependScheme::Never)) out += ' ';
                k += m_replacement.size();
            } else {
                out += t[k++];
            }
        }
        tokens[i].swap(out);
    }
}

namespace {

int byteToken(const std::string& t) {
    if (t.size() != 6 || t.compare(0, 3, "<0x") != 0 || t[5] != '>') return -1;
    int v = 0;
    for (size_t k = 3; k < 5; ++k) {
        const char c = t[k];
        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= c - '0';
        else if (c >= 'A' && c <= 'F')
            v |= c - 'A' + 10;
        else if (c >= 'a' && c <= 'f')
            v |= c - 'a' + 10;
        else
            return -1;
    }
    return v;
}

void flushBytes(std::string& bytes, std::vector<std::string>& out) {
    if (bytes.empty()) return;
    if (utf8Valid(bytes))
        out.push_back(bytes);
    else
        for (size_t k = 0; k < bytes.size(); ++k)
            out.emplace_back("\xEF\xBF\xBD");
    bytes.clear();
}

} // namespace

void ByteFallbackDecoder::decodeChain(std::vector<std::string>& tokens) const {
    std::vector<std::string> out;
    out.reserve(tokens.size());
    std::string bytes;
    for (std::string& t : tokens) {
        const int b = byteToken(t);
        if (b >= 0) {
            bytes += char(b);
        } else {
            flushBytes(bytes, out);
            out.push_back(std::move(t));
        }
    }
    flushBytes(bytes, out);
    tokens.swap(out);
}

void FuseDecoder::decodeChain(std::vector<std::string>& tokens) const {
    std::string joined;
    for (const std::string& t : tokens)
        joined += t;
    tokens.assign(1, std::move(joined));
}

void StripDecoder::decodeChain(std::vector<std::string>& tokens) const {
    for (std::string& t : tokens) {
        std::vector<size_t> starts; // byte offset of each code point
        std::vector<char32_t> cps;
        size_t i = 0;
        while (i < t.size()) {
            starts.push_back(i);
            cps.push_back(nextCodePoint(t, i));
        }
        starts.push_back(t.size());
        size_t startCut = 0;
        for (size_t k = 0; k < cps.size() && k < m_start; ++k) {
            if (cps[k] != m_content) break;
            startCut = k + 1;
        }
        size_t stopCut = cps.size();
        for (size_t k = 0; k < m_stop && k < cps.size(); ++k) {
            const size_t index = cps.size() - k - 1;
            if (cps[index] != m_content) break;
            stopCut = index;
        }
        if (stopCut < startCut) stopCut = startCut;
        t = t.substr(starts[startCut], starts[stopCut] - starts[startCut]);
    }
}

void ReplaceDecoder::decodeChain(std::vector<std::string>& tokens) const {
    for (std::string& t : tokens)
        t = replaceAll(t, m_pattern, m_content);
}

} // namespace qat::tok
