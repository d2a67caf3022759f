// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The shapes of one Llama-2-7B decoder block, which the block benchmarks build with random
// weights: hidden 4096, intermediate 11008, 32 heads, 32 KV heads, head_dim 128, RMSNorm eps
// 1e-5, rope theta 10000.

#include "model/TensorNames.h"
#include "qat/ModelConfig.h"

#include <cstdint>

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

using names::linearShape; ///< (out, in) of a slot's weight (TensorNames.h)

} // namespace qat::bench
