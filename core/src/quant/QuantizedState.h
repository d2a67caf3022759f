// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Frozen quantized decoder blocks as safetensors tensors: Block-AP's per-block checkpoints
// and a run's final state (quantized.safetensors) share this layout.
//
//   model.layers.<i>.<linear path>.codes    uint8   (out, in)      integers in [0, 2^bits - 1]
//   model.layers.<i>.<linear path>.scales   float32 (out, ngroups) step sizes s
//   model.layers.<i>.<linear path>.zeros    float32 (out, ngroups) integral zero points in [0, 2^bits - 1]
//   model.layers.<i>.<linear path>.bias     float32 (out)          only where the model has biases
//   model.layers.<i>.input_layernorm.weight, post_attention_layernorm.weight   float32 (hidden)
//
// with metadata "format" = "qat-studio-quantized-1", "bits" and "group_size".

#include "formats/SafeTensorsFile.h"
#include "model/Layers.h"
#include "qat/ModelConfig.h"
#include "qat/Quantization.h"
#include "qat/Status.h"

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace qat {

inline const std::string kQuantizedFormat = "qat-studio-quantized-1";

using NamedTensors = std::vector<std::pair<std::string, torch::Tensor>>;

/// Appends the tensors of frozen decoder block `layer` (every linear a FrozenQuantLinear).
/// Throws naming the layer that is not quantized.
void appendFrozenBlock(const DecoderBlock& block, int64_t layer, NamedTensors& out);

/// "(a, b)": a tensor shape in load errors.
std::string shapeText(c10::IntArrayRef shape);

/// The metadata every such file carries.
std::map<std::string, std::string> quantizedMetadata(const QuantSpec& spec);

/// The spec a file was written with; throws Error(BadInput) naming the file when the
/// metadata is missing or not ours.
QuantSpec quantizedSpecOf(const SafeTensorsFile& file);

/// Runs `fn`, which reads block checkpoint `path`; an error it throws gets how to recover added
/// (remove the file: the run quantizes that block again).
template <class Fn>
auto readingBlockCheckpoint(const std::filesystem::path& path, Fn&& fn) -> decltype(fn()) {
    try {
        return fn();
    } catch (const Error& e) {
        fail(e.kind(), std::string(e.what()) + " -- remove " + path.string() +
                           " and run the same command again: the run quantizes that block again");
    }
}

/// Rebuilds frozen decoder block `layer` from `file`, checking every shape against
/// `config` and every code and zero point against the spec's range; computes in `dtype`
/// on `device`. Throws Error(BadInput) naming the file and tensor.
DecoderBlock loadFrozenBlock(const SafeTensorsFile& file, int64_t layer, const ModelConfig& config,
                             const QuantSpec& spec, torch::ScalarType dtype, const torch::Device& device);

} // namespace qat
