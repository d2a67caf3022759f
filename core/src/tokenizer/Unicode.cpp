// SPDX-License-Identifier: GPL-3.0-or-later
#include "Unicode.h"
#include "qat/Status.h"

#include <unicode/normalizer2.h>
#include <unicode/unistr.h>

namespace qat::tok {

void appendUtf8(std::string& out, char32_t cp) {
    if (cp < 0x80) {
        out += char(cp);
    } else if (cp < 0x800) {
        out += char(0xC0 | (cp >> 6));
        out += char(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += char(0xE0 | (cp >> 12));
        out += char(0x80 | ((cp >> 6) & 0x3F));
        out += char(0x80 | (cp & 0x3F));
    } else {
        out += char(0xF0 | (cp >> 18));
        out += char(0x80 | ((cp >> 12) & 0x3F));
        out += char(0x80 | ((cp >> 6) & 0x3F));
        out += char(0x80 | (cp & 0x3F));
    }
}

char32_t nextCodePoint(std::string_view s, size_t& i) {
    const auto lead = static_cast<unsigned char>(s[i]);
    const size_t n = utf8Length(lead);
    if (n == 1 || i + n > s.size()) {
        ++i;
        return lead;
    }
    char32_t cp = lead & (0x7F >> n);
    for (size_t k = 1; k < n; ++k)
        cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    i += n;
    return cp;
}

namespace {

// Length of the valid UTF-8 sequence at s[i], or 0 when invalid; `bad` is then the length
// of the maximal invalid subpart (Unicode's "substitution of maximal subparts").
size_t validSequence(std::string_view s, size_t i, size_t& bad) {
    const auto b0 = static_cast<unsigned char>(s[i]);
    bad = 1;
    if (b0 < 0x80) return 1;
    size_t n;
    unsigned char lo = 0x80, hi = 0xBF;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
        n = 2;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
        n = 3;
        if (b0 == 0xE0) lo = 0xA0;
        if (b0 == 0xED) hi = 0x9F;
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        n = 4;
        if (b0 == 0xF0) lo = 0x90;
        if (b0 == 0xF4) hi = 0x8F;
    } else {
        return 0;
    }
    for (size_t k = 1; k < n; ++k) {
        if (i + k >= s.size()) return 0;
        const auto b = static_cast<unsigned char>(s[i + k]);
        const unsigned char l = (k == 1) ? lo : 0x80, h = (k == 1) ? hi : 0xBF;
        if (b < l || b > h) return 0;
        bad = k + 1;
    }
    return n;
}

} // namespace

bool utf8Valid(std::string_view bytes) {
    size_t i = 0, bad;
    while (i < bytes.size()) {
        if (static_cast<unsigned char>(bytes[i]) < 0x80) {
            ++i;
            continue;
        }
        const size_t n = validSequence(bytes, i, bad);
        if (n == 0) return false;
        i += n;
    }
    return true;
}

std::string utf8Lossy(std::string_view bytes) {
    if (utf8Valid(bytes)) return std::string(bytes);
    std::string out;
    out.reserve(bytes.size() + 8);
    size_t i = 0, bad;
    while (i < bytes.size()) {
        const size_t n = validSequence(bytes, i, bad);
        if (n == 0) {
            out += "\xEF\xBF\xBD";
            i += bad;
        } else {
            out.append(bytes.substr(i, n));
            i += n;
        }
    }
    return out;
}

std::string normalizeUnicode(std::string_view text, NormalForm form) {
    bool ascii = true;
    for (char c : text)
        if (static_cast<unsigned char>(c) >= 0x80) {
            ascii = false;
            break;
        }
    if (ascii) return std::string(text); // ASCII is in every normal form
    UErrorCode status = U_ZERO_ERROR;
    const icu::Normalizer2* n = nullptr;
    switch (form) {
    case NormalForm::Nfc:
        n = icu::Normalizer2::getNFCInstance(status);
        break;
    case NormalForm::Nfkc:
        n = icu::Normalizer2::getNFKCInstance(status);
        break;
    case NormalForm::Nfd:
        n = icu::Normalizer2::getNFDInstance(status);
        break;
    case NormalForm::Nfkd:
        n = icu::Normalizer2::getNFKDInstance(status);
        break;
    }
    if (U_FAILURE(status) || !n) fail(ErrorKind::Failure, "ICU normalizer unavailable");
    const icu::UnicodeString in =
        icu::UnicodeString::fromUTF8(icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));
    const icu::UnicodeString out = n->normalize(in, status);
    if (U_FAILURE(status))
        fail(ErrorKind::Failure, std::string("ICU normalization failed: ") + u_errorName(status));
    std::string result;
    out.toUTF8String(result);
    return result;
}

} // namespace qat::tok
