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

    double linear = 0, groups = 0, norms = 0;
    for (const TensorSummary& t : summary.tensors) {
        if (t.role != TensorRole::Layer) continue;
        if (t.shape.size() == 2) {
            linear += static_cast<double>(t.parameters);
            const double in = static_cast<double>(t.shape[1]);
            const double g = job.spec.groupSize > 0 ? static_cast<double>(job.spec.groupSize) : in;
            groups += static_cast<double>(t.shape[0]) * std::ceil(in / g);
        } else {
            norms += static_cast<double>(t.parameters);
        }
    }
    const double layers = std::max<double>(1, static_cast<double>(c.numLayers));
    const double hidden = static_cast<double>(c.hiddenSize), inter = static_cast<double>(c.intermediateSize);
    // The quantized state: 8-bit codes, a float32 step size and zero point per group, norms.
    const double quantized = linear + groups * 8 + norms * 4;
    const bool trains = job.method != Method::RoundToNearest;
    e.diskBytes = quantized * (trains ? 2 : 1);  // Block-AP's block checkpoints + quantized.safetensors
    if (job.method == Method::EfficientQat) e.diskBytes += groups * 4 * 3;  // step sizes with AdamW's moments

    if (!trains) {
        e.peakMemoryBytes = e.modelBytes;
        return e;
    }
    const double windows = static_cast<double>(job.calibration.trainWindows + job.calibration.valWindows);
    const double seqlen = static_cast<double>(std::min<int64_t>(job.calibration.seqlen, c.maxPositionEmbeddings));
    const double caches = static_cast<double>(blockApCacheBytes(job.blockAp, static_cast<int64_t>(windows),
                                                                static_cast<int64_t>(seqlen), c.hiddenSize));
    if (job.blockAp.cacheDir.empty()) e.cacheBytes = caches;
    else e.cacheDiskBytes = caches;
    // One block trained: weights, gradients and AdamW's two moments in float32, and a batch's
    // activations kept for the backward pass (q, k, v, attention scores, MLP).
    const double block = (linear + norms) / layers;
    const double batch = static_cast<double>(job.blockAp.batchSize);
    const double heads = static_cast<double>(c.numHeads);
    const double blockActivations = batch * seqlen * (6 * hidden + 4 * inter + 2 * heads * seqlen) * 4;
    const double blockAp = block * 4 * 4 + blockActivations;
    double e2e = 0;
    if (job.method == Method::EfficientQat) {
        // Checkpointed per block: each block's input, one block's activations, and the logits
        // with their gradient.
        const double eb = static_cast<double>(job.e2e.batchSize);
        e2e = eb * seqlen * hidden * layers * 4 + blockActivations * eb / std::max(1.0, batch) +
              eb * seqlen * static_cast<double>(c.vocabSize) * 4 * 3 + groups * 4 * 4;
    }
    e.trainingBytes = std::max(blockAp, e2e);
    e.peakMemoryBytes = e.modelBytes + std::max(e.cacheBytes + blockAp, e2e);
    return e;
}

} // namespace qat
