// SPDX-License-Identifier: GPL-3.0-or-later
#include "ByteLevel.h"
#include "Unicode.h"

#include <array>

namespace qat::tok {

const char* const kGpt2Pattern =
    R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)";

namespace {

struct Tables {
    std::array<std::string, 256> encoded; // byte -> UTF-8 of its code point
    std::array<int, 512> decoded;         // code point (< 512) -> byte, or -1
    Tables() {
        decoded.fill(-1);
        std::array<char32_t, 256> cp{};
        std::array<bool, 256> printable{};
        for (int b = '!'; b <= '~'; ++b)
            printable[size_t(b)] = true;
        for (int b = 0xA1; b <= 0xAC; ++b)
            printable[size_t(b)] = true;
        for (int b = 0xAE; b <= 0xFF; ++b)
            printable[size_t(b)] = true;
        char32_t next = 256;
        for (int b = 0; b < 256; ++b)
            cp[size_t(b)] = printable[size_t(b)] ? char32_t(b) : next++;
        for (int b = 0; b < 256; ++b) {
            appendUtf8(encoded[size_t(b)], cp[size_t(b)]);
            decoded[cp[size_t(b)]] = b;
        }
    }
};

const Tables& tables() {
    static const Tables t;
    return t;
}

} // namespace

void byteLevelEncode(std::string_view bytes, std::string& out) {
    const Tables& t = tables();
    for (char c : bytes)
        out += t.encoded[static_cast<unsigned char>(c)];
}

bool byteLevelDecode(std::string_view token, std::string& out) {
    const Tables& t = tables();
    const size_t mark = out.size();
    size_t i = 0;
    while (i < token.size()) {
        const char32_t cp = nextCodePoint(token, i);
        if (cp >= 512 || t.decoded[cp] < 0) {
            out.resize(mark);
            return false;
        }
        out += char(t.decoded[cp]);
    }
    return true;
}

} // namespace qat::tok
