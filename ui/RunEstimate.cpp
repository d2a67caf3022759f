// SPDX-License-Identifier: GPL-3.0-or-later
#include "RunEstimate.h"

#include <qat/BlockAp.h>

#include <algorithm>
#include <cmath>

namespace qat {

RunEstimate estimateRun(const ModelSummary& summary, const QuantizeJob& job) {
    RunEstimate e;
    const ModelConfig& c = summary.config;
    const double bytes = job.dtype == ComputeDType::BFloat16 ? 2.0 : 4.0;
    e.modelBytes = static_cast<double>(summary.parameters) * bytes;

    // LR-QAT's adapters: A (out × r) and B (r × in) per decoder linear.
    const double rank = static_cast<double>(std::max<int64_t>(1, job.lrQat.rank));
    double linear = 0, groups = 0, norms = 0, adapters = 0;
    for (const TensorSummary& t : summary.tensors) {
        if (t.role != TensorRole::Layer) continue;
        if (t.shape.size() == 2) {
            linear += static_cast<double>(t.parameters);
            const double out = static_cast<double>(t.shape[0]), in = static_cast<double>(t.shape[1]);
            const double g = job.spec.groupSize > 0 ? static_cast<double>(job.spec.groupSize) : in;
            groups += out * std::ceil(in / g);
            adapters += rank * (in + out);
        } else {
            norms += static_cast<double>(t.parameters);
        }
    }
    const double layers = std::max<double>(1, static_cast<double>(c.numLayers));
    const double hidden = static_cast<double>(c.hiddenSize), inter = static_cast<double>(c.intermediateSize);
    // The quantized state: 8-bit codes, a float32 step size and zero point per group, norms.
    const double quantized = linear + groups * 8 + norms * 4;
    if (job.method == Method::RoundToNearest) {
        e.diskBytes = quantized;
        e.peakMemoryBytes = e.modelBytes;
        return e;
    }

    const double seqlen =
        static_cast<double>(std::min<int64_t>(job.calibration.seqlen, c.maxPositionEmbeddings));
    const double heads = static_cast<double>(c.numHeads);
    // A batch's activations of one block kept for its backward pass (q, k, v, attention
    // scores, MLP), in float32.
    const auto blockActivations = [&](double batch) {
        return batch * seqlen * (6 * hidden + 4 * inter + 2 * heads * seqlen) * 4;
    };
    // End-to-end training, checkpointed per block: each block's input, one block's
    // activations, and the logits with their gradient.
    const auto endToEnd = [&](double batch) {
        return batch * seqlen * hidden * layers * 4 + blockActivations(batch) +
               batch * seqlen * static_cast<double>(c.vocabSize) * 4 * 3;
    };

    if (job.method == Method::Gptq) {
        // The calibration windows' inputs to the current block and its outputs in the compute
        // dtype, a batch's activations, one Hessian (the widest input) in float32; the block
        // checkpoints and quantized.safetensors on disk.
        const double windows = static_cast<double>(job.calibration.trainWindows + job.calibration.valWindows);
        const double width = std::max(hidden, inter);
        e.cacheBytes = windows * seqlen * hidden * bytes * 2;
        e.trainingBytes = width * width * 4 + blockActivations(static_cast<double>(job.gptq.batchSize));
        e.peakMemoryBytes = e.modelBytes + e.cacheBytes + e.trainingBytes;
        e.diskBytes = quantized * 2;
        return e;
    }

    if (job.method == Method::LrQat) {
        // The full-precision weights stay (they come back on a failure); besides them Φ0 in
        // its storage type, A and B with gradients and AdamW's two moments, the step sizes
        // likewise in float32, and the end-to-end activations.
        const double phi0 = job.lrQat.phi0 == Phi0Storage::Int8       ? 1.0
                            : job.lrQat.phi0 == Phi0Storage::BFloat16 ? 2.0
                                                                      : 4.0;
        const double adapterBytes = job.lrQat.bf16Adapters ? 2.0 : 4.0;
        e.trainingBytes = linear * phi0 + adapters * adapterBytes * 4 + groups * 4 * 4 +
                          endToEnd(static_cast<double>(job.lrQat.batchSize));
        e.peakMemoryBytes = e.modelBytes + e.trainingBytes;
        // quantized.safetensors, and e2e.safetensors: A, B and the step sizes with their moments.
        e.diskBytes = quantized + adapters * adapterBytes * 3 + groups * 4 * 3;
        return e;
    }

    e.diskBytes = quantized * 2; // Block-AP's block checkpoints + quantized.safetensors
    if (job.method == Method::EfficientQat) e.diskBytes += groups * 4 * 3; // step sizes with AdamW's moments
    const double windows = static_cast<double>(job.calibration.trainWindows + job.calibration.valWindows);
    const double caches = static_cast<double>(blockApCacheBytes(job.blockAp, static_cast<int64_t>(windows),
                                                                static_cast<int64_t>(seqlen), c.hiddenSize));
    if (job.blockAp.cacheDir.empty())
        e.cacheBytes = caches;
    else
        e.cacheDiskBytes = caches;
    // One block trained: weights, gradients and AdamW's two moments in float32, and a batch's
    // activations.
    const double block = (linear + norms) / layers;
    const double blockAp = block * 4 * 4 + blockActivations(static_cast<double>(job.blockAp.batchSize));
    const double e2e = job.method == Method::EfficientQat
                           ? endToEnd(static_cast<double>(job.e2e.batchSize)) + groups * 4 * 4
                           : 0;
    e.trainingBytes = std::max(blockAp, e2e);
    e.peakMemoryBytes = e.modelBytes + std::max(e.cacheBytes + blockAp, e2e);
    return e;
}

} // namespace qat
