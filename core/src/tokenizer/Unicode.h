// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// UTF-8 helpers and Unicode normalization (ICU) for the tokenizer.json pipeline.

#include <cstddef>
#include <string>
#include <string_view>

namespace qat::tok {

/// Length in bytes of the UTF-8 sequence that starts with `lead` (1 for a stray byte).
inline size_t utf8Length(unsigned char lead) {
    if (lead < 0x80) return 1;
    if ((lead >> 5) == 0x6) return 2;
    if ((lead >> 4) == 0xE) return 3;
    if ((lead >> 3) == 0x1E) return 4;
    return 1;
}

/// Appends the UTF-8 encoding of `cp`.
void appendUtf8(std::string& out, char32_t cp);

/// The code point at `s[i]` (valid UTF-8 assumed); advances `i` past it.
char32_t nextCodePoint(std::string_view s, size_t& i);

/// `bytes` as valid UTF-8: every maximal invalid subsequence becomes one U+FFFD, as Rust's
/// String::from_utf8_lossy does. Returns the input unchanged when it is already valid.
std::string utf8Lossy(std::string_view bytes);

/// Whether `bytes` is valid UTF-8.
bool utf8Valid(std::string_view bytes);

enum class NormalForm { Nfc, Nfkc, Nfd, Nfkd };

/// `text` (valid UTF-8) in the given Unicode normal form, through ICU.
std::string normalizeUnicode(std::string_view text, NormalForm form);

} // namespace qat::tok
