// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// What llama.cpp's `llama` and `qwen2` architectures expect of a GGUF file, in one place: the
// tensor names (token_embd, blk.N.attn_q, ...), the hyperparameter keys, the row order of the
// rotary projections, and the file type. Used by the GGUF export and by reading a GGUF back.
// Torch-free.

#include "formats/GgmlTypes.h"
#include "formats/GgufFile.h"
#include "qat/ModelConfig.h"

#include <cstdint>
#include <string>
#include <vector>

namespace qat::gguf {

/// llama.cpp's architecture name for a config: "qwen2" for Qwen2, else "llama" (Llama, Mistral,
/// SmolLM).
std::string ggufArchitecture(const ModelConfig& config);

/// The GGUF name of a checkpoint tensor ("model.layers.3.mlp.up_proj.weight" ->
/// "blk.3.ffn_up.weight"); empty for a name outside the table.
std::string ggufTensorName(const std::string& checkpointName);
/// The checkpoint name of a GGUF tensor; empty for a name outside the table.
std::string checkpointTensorName(const std::string& ggufName);

/// True when the architecture stores q and k rows in llama.cpp's interleaved rotary order (the
/// `llama` architecture does; `qwen2` keeps Hugging Face's halves).
bool permutesRotaryRows(const ModelConfig& config);
/// Row order of a q or k projection in the GGUF file: row r of the file is row order[r] of the
/// checkpoint. `heads`: the projection's heads (numHeads for q, numKvHeads for k).
std::vector<int64_t> rotaryRowOrder(int64_t heads, int64_t headDim);

/// The architecture's hyperparameters (general.architecture, context and embedding lengths, block
/// count, feed-forward length, head counts, rope dimension and base, rope scaling where linear,
/// RMS-norm epsilon, vocabulary size).
void setArchitectureMetadata(GgufWriter& writer, const ModelConfig& config);
/// The config a GGUF file's metadata describes (the reverse of setArchitectureMetadata). Throws
/// Error(BadInput) naming the file and the key.
ModelConfig configFromGguf(const GgufFile& file);

/// llama.cpp's general.file_type for a file whose quantized linears are mostly `type`.
uint32_t ggufFileType(GgmlType type);

} // namespace qat::gguf
