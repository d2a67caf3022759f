// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// GPT-2's byte-level alphabet: every byte as a printable code point (bytes_to_unicode) and back.

#include <string>
#include <string_view>

namespace qat::tok {

/// The GPT-2 pre-tokenizer pattern of tokenizers' ByteLevel.
extern const char* const kGpt2Pattern;

/// Each byte of `bytes` as its byte-level code point, UTF-8 encoded; appended to `out`.
void byteLevelEncode(std::string_view bytes, std::string& out);

/// The bytes a byte-level token stands for, appended to `out`; false (nothing appended) when
/// a code point of `token` is outside the alphabet.
bool byteLevelDecode(std::string_view token, std::string& out);

} // namespace qat::tok
