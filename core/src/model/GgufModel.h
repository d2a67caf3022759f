// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// A GGUF file (llama / qwen2 architecture, the tensor types of formats/GgmlTypes.h) read as a
// model: its metadata as the config, its tensors dequantized to the compute dtype under their
// checkpoint names (q and k rows back in Hugging Face's order), its tokenizer from the metadata
// unless one is given.

#include "formats/GgufFile.h"
#include "model/Llama.h"
#include "qat/ModelConfig.h"
#include "qat/Tokenizer.h"

#include <filesystem>
#include <memory>

namespace qat {

/// True when `path` names a GGUF file (a regular file whose name ends in .gguf).
bool isGgufFile(const std::filesystem::path& path);

/// The weights of a parsed GGUF file under their checkpoint names, float32 on the CPU. Throws
/// Error(BadInput) naming the file and the tensor for a tensor missing, unknown or of the wrong
/// shape.
WeightSource ggufWeights(const gguf::GgufFile& file, const ModelConfig& config);

} // namespace qat
