// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file BlockAp.h
/// EfficientQAT phase 1, Block-AP (Chen et al. 2024): the decoder blocks are quantized one
/// at a time, in order. Each block's seven linears become fake-quant layers (min-max
/// initialised), and all of its parameters (weights, norms, scales and zero points) are
/// trained so that the block, fed the outputs of the already-quantized blocks before it,
/// reproduces the full-precision block's outputs on the full-precision inputs (MSE). The
/// trained block is then frozen (integer codes) and installed in the model. Torch-free.

#include "qat/Calibration.h"
#include "qat/Progress.h"
#include "qat/Quantization.h"
#include "qat/RunDirectory.h"
#include "qat/Status.h"

#include <cstdint>
#include <filesystem>
#include <vector>

namespace qat {

class Model;

/// Settings of Block-AP; the defaults are the paper's (EfficientQAT, Llama-2 recipes).
struct BlockApOptions {
    /// Passes over the training windows per block. Paper: 2.
    int64_t epochs = 2;
    /// Windows per optimizer step. Paper: 2.
    int64_t batchSize = 2;
    /// Learning rate of the weights and norms. 0 means "by bits", the paper's values:
    /// 2e-5 at 2 bits, 1e-5 at 3 bits and more (see weightLrFor).
    double weightLr = 0.0;
    /// Learning rate of the quantizer parameters (scales s and zero points z). Paper: 1e-4.
    double quantizerLr = 1e-4;
    /// AdamW weight decay of both groups. Paper: 0.
    double weightDecay = 0.0;
    /// The cosine schedule goes, per step, from each group's lr down to lr / finalLrDivisor
    /// over epochs × steps per epoch, restarted for each block. Paper: 20.
    double finalLrDivisor = 20.0;
    /// Train the two RMSNorm weights of each block (in the weight group). Paper: true.
    bool trainNorms = true;
    /// Seeds the per-epoch shuffle of the windows (std::mt19937_64) and torch, both
    /// re-seeded at each block from (seed, block), so that a resumed run trains block k
    /// exactly as an uninterrupted one. EfficientQAT's default seed is 2.
    uint64_t seed = 2;
    /// Storage of the activation caches; training and evaluation compute in float32 from
    /// them. Paper: float16 (EfficientQAT keeps its caches in fp16).
    CacheDType cacheDType = CacheDType::Float16;
    /// Empty: the caches live in memory on the compute device. A folder: they are files
    /// there (memory-mapped, CPU; deleted when done), for models whose caches do not fit in
    /// RAM. Per cache: windows × seqlen × hidden × (2 or 4) bytes; three caches per split.
    std::filesystem::path cacheDir;
    /// Where this phase sits among the run's phases (the PhaseChanged event).
    int64_t phaseIndex = 0;
    int64_t phaseCount = 1;

    /// The weight lr actually used at `bits` (weightLr, or the paper's value when 0).
    double weightLrFor(int bits) const {
        if (weightLr > 0.0) return weightLr;
        return bits <= 2 ? 2e-5 : 1e-5;
    }
};

/// Bytes of the activation caches for `windows` windows (train + val) of `seqlen` tokens.
int64_t blockApCacheBytes(const BlockApOptions& options, int64_t windows, int64_t seqlen, int64_t hidden);

/// Per block (index = block), what Block-AP measured.
struct BlockApResult {
    /// Output MSE against the full-precision block on the validation windows (the training
    /// windows when there are none), right after min-max initialisation and after training.
    std::vector<double> mseBefore, mseAfter;
    /// Wall time per block (as first trained, also for blocks restored from checkpoints).
    std::vector<double> seconds;
    /// Blocks restored from checkpoints instead of trained (a resumed run).
    int64_t restoredBlocks = 0;
};

/// Runs Block-AP over every decoder block of `model`, which must be in full precision
/// (nothing quantized yet). `data` gives the training windows (at least one) and the
/// validation windows (data.val, may be empty). On success every decoder linear is a frozen
/// quantized layer. Reports onPhase(BlockAp), then per block onBlockStarted, onStepLoss
/// (every step), onEpochEnd and onBlockFinished; polls sink->isCancelled() every step.
/// Outcomes: BadInput (spec, options or data), Cancelled, NonFinite (a NaN / infinite loss,
/// naming block and step), OutOfMemory. After a failure the blocks already done stay
/// quantized and the others in full precision.
///
/// With a run directory, each trained block is written to run->blockCheckpointPath(i)
/// (atomically) before the next starts, and blocks 0 .. run->lastFinishedBlock() found
/// there are restored instead of trained: their activations are recomputed (forward only)
/// and an onBlockFinished with the stored figures is reported for each. Training is
/// re-seeded per block, so a resumed run ends with the same integers as an uninterrupted
/// one. A checkpoint written with another spec is refused (BadInput).
Status runBlockAp(Model& model, const QuantSpec& spec, const BlockApOptions& options,
                  const CalibrationData& data, ProgressSink* sink, BlockApResult& out,
                  const RunDirectory* run = nullptr);

} // namespace qat
