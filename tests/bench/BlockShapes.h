// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The shapes of one Llama-2-7B decoder block, which the block benchmarks build with random
// weights: hidden 4096, intermediate 11008, 32 heads, 32 KV heads, head_dim 128, RMSNorm eps
// 1e-5, rope theta 10000.

#include "TensorNames.h"
#include "qat/ModelConfig.h"

#include <cstdint>
#include <utility>

namespace qat::bench {

inline ModelConfig llama2Block() {
    ModelConfig c;
    c.architecture = "LlamaForCausalLM";
    c.modelType = "llama";
    c.hiddenSize = 4096;
    c.intermediateSize = 11008;
    c.numLayers = 1;
    c.numHeads = 32;
    c.numKvHeads = 32;
    c.headDim = 128;
    c.rmsNormEps = 1e-5;
    c.ropeTheta = 10000.0;
    return c;
}

/// (out, in) of a slot's weight.
inline std::pair<int64_t, int64_t> linearShape(names::LinearSlot slot, const ModelConfig& c) {
    using names::LinearSlot;
    const int64_t qDim = c.numHeads * c.headDim, kvDim = c.numKvHeads * c.headDim;
    switch (slot) {
    case LinearSlot::Q: return {qDim, c.hiddenSize};
    case LinearSlot::K:
    case LinearSlot::V: return {kvDim, c.hiddenSize};
    case LinearSlot::O: return {c.hiddenSize, qDim};
    case LinearSlot::Gate:
    case LinearSlot::Up: return {c.intermediateSize, c.hiddenSize};
    case LinearSlot::Down: return {c.hiddenSize, c.intermediateSize};
    }
    return {0, 0};
}

} // namespace qat::bench
