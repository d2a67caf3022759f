// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// tokenizer_config.json: the special tokens (bos/eos/pad/unk) and add_bos_token.

#include <optional>
#include <string>
#include <string_view>

namespace qat::tok {

struct TokenizerConfig {
    std::string file;
    std::optional<std::string> bos, eos, pad, unk; // token texts
    std::optional<bool> addBos;
};

/// Parses tokenizer_config.json text; each token is a string or `{"content": ...}`, null for
/// none. Throws Error(BadInput) naming `file` and the field.
TokenizerConfig parseTokenizerConfig(std::string_view text, const std::string& file);

} // namespace qat::tok
