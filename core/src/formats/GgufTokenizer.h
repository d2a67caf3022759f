// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// A model's tokenizer as GGUF metadata (tokenizer.ggml.*) the way llama.cpp reads it, and back:
// a sentencepiece tokenizer.model as the `llama` vocabulary (tokens, scores, token types), a
// byte-level BPE tokenizer.json as the `gpt2` vocabulary (tokens, token types, merges and the
// name llama.cpp gives its pre-tokenizer), both with the BOS/EOS/UNK/PAD ids, add_bos_token and
// the chat template. Torch-free.

#include "formats/GgufFile.h"
#include "qat/Tokenizer.h"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace qat::gguf {

/// Writes the tokenizer.ggml.* keys of `tokenizer` (loaded from its file, tokenizer.file()), the
/// vocabulary padded with unused "[PAD<id>]" entries up to `vocabSize` rows of the embedding.
/// Returns what the reader should know (e.g. a pre-tokenizer llama.cpp has no name for, written
/// as "default"). Throws Error(BadInput / Unsupported) naming the file and field.
std::vector<std::string> setTokenizerMetadata(GgufWriter& writer, const Tokenizer& tokenizer,
                                              int64_t vocabSize);

/// The tokenizer a GGUF file's `gpt2` vocabulary describes. A `llama` (sentencepiece) vocabulary
/// is refused with Unsupported: give the model's tokenizer.model instead.
std::unique_ptr<Tokenizer> tokenizerFromGguf(const GgufFile& file);

} // namespace qat::gguf
