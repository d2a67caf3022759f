// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The tokenizer.json parser: every field type-checked, every component type known, every id and
// merge consistent; anything else is Error(BadInput) naming the file and the field.

#include "HfTokenizer.h"
#include "TokenizerConfig.h"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

namespace qat::tok {

/// Larger tokenizer.json files are refused (real ones are at most ~20 MB).
constexpr uint64_t kMaxTokenizerJsonBytes = 64ull << 20;

/// Builds the tokenizer from the text of a tokenizer.json named `file` and, when given, its
/// tokenizer_config.json.
std::unique_ptr<HfTokenizer> parseTokenizerJson(std::string_view text, const std::string& file,
                                                const TokenizerConfig* config = nullptr);

/// Reads `file` (size-limited) and the tokenizer_config.json beside it when present.
std::unique_ptr<HfTokenizer> loadTokenizerJson(const std::filesystem::path& file);

} // namespace qat::tok
