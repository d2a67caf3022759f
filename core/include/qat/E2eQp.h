// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file E2eQp.h
/// EfficientQAT phase 2, E2E-QP (Chen et al. 2024, "EfficientQAT: Efficient
/// Quantization-Aware Training for Large Language Models"): with the integer codes frozen
/// (after Block-AP or round-to-nearest), train only the quantization step sizes (and, as
/// an option, the zero points) end to end with the language-model loss, i.e. next-token
/// cross entropy over calibration windows. ŵ = (q - z) · s, so ∂ŵ/∂s = q - z.
/// Embeddings, norms and the head stay frozen. Torch-free: the GUI and the CLI include it.

#include "qat/Calibration.h"
#include "qat/Progress.h"
#include "qat/Quantization.h"
#include "qat/RunDirectory.h"
#include "qat/Status.h"

#include <cstdint>

namespace qat {

class Model;

/// E2E-QP settings. Defaults follow the paper / EfficientQAT's scripts.
struct E2eQpOptions {
    /// Peak learning rate of AdamW. 0 picks the paper's value by bit width:
    /// 2e-5 for 2 bits, 1e-5 for 3 bits and more.
    double lr = 0.0;
    /// Passes over the training windows. Paper: 1.
    int64_t epochs = 1;
    /// Windows per forward / backward pass (micro-batch).
    /// EfficientQAT's scripts: 2 per device.
    int64_t batchSize = 2;
    /// Micro-batches whose gradients are summed (averaged) before each optimizer step;
    /// the effective batch is batchSize × gradientAccumulation. EfficientQAT's scripts: 16
    /// (effective batch 32).
    int64_t gradientAccumulation = 16;
    /// Fraction of the optimizer steps spent in linear warm-up before the cosine decay
    /// (rounded up to whole steps, as Hugging Face's warmup_ratio). Paper: 0.03.
    double warmupFraction = 0.03;
    /// Clip of the global gradient norm over the trained parameters (0 = no clipping). Paper: 0.3.
    double maxGradNorm = 0.3;
    /// AdamW weight decay. EfficientQAT: 0.
    double weightDecay = 0.0;
    /// Train the zero points too (as continuous values with a straight-through rounding;
    /// stored rounded). Paper default: scales only.
    bool trainZeros = false;
    /// Seed of the shuffle of the training windows in each epoch.
    uint64_t seed = 2;
    /// Gradient checkpointing per decoder block: the forward keeps only each block's input,
    /// and the backward recomputes one block at a time, so activation memory is one block's
    /// instead of the whole model's (about a third more compute). Paper: on.
    bool gradientCheckpointing = true;
    /// With a run directory: write the E2E-QP checkpoint (trained values, AdamW moments,
    /// position) after the first optimizer step that ends this many seconds after the last
    /// one (0: only when cancelled and at the end).
    double checkpointSeconds = 60.0;
    /// Where this phase sits among the run's phases (the PhaseChanged event).
    int64_t phaseIndex = 0;
    int64_t phaseCount = 1;
};

/// What an E2E-QP run measured. Losses are mean next-token cross entropy (nats per token).
struct E2eQpResult {
    double initialTrainLoss = 0.0; ///< loss of the first optimizer step, before any update
    double finalTrainLoss = 0.0;   ///< mean loss over the last epoch's optimizer steps
    double initialValLoss = 0.0;   ///< on data.val before training (NaN when there is no val set)
    double finalValLoss = 0.0;     ///< on data.val after training (NaN when there is no val set)
    int64_t steps = 0;             ///< optimizer steps taken
    double lr = 0.0;               ///< the peak learning rate used
    double seconds = 0.0;          ///< wall time (of this call)
    int64_t resumedAtStep = 0;     ///< optimizer steps restored from a checkpoint (0: a fresh start)
};

/// The peak learning rate E2E-QP uses for `options` and `bits` (options.lr, or the paper's by bits).
double e2eQpLearningRate(const E2eQpOptions& options, int bits);

/// Trains the step sizes (and optionally zero points) of every quantized decoder linear
/// end to end on `data.train` (windows of data.seqlen tokens), AdamW with cosine schedule
/// and warm-up, gradient clipping and accumulation. The model must already hold frozen
/// quantized layers with the settings of `spec` (e.g. after quantizeRoundToNearest);
/// otherwise BadInput "E2E-QP needs a quantized model (run Block-AP or RTN first)".
/// Integer codes are never changed; afterwards each layer computes with its trained scales.
/// Reports PhaseChanged(E2eQp), one E2eStep per optimizer step and an EpochEnd (block -1)
/// per epoch; polls `sink` for cancellation every micro-batch (Cancelled) and stops with
/// NonFinite ("E2E-QP step N: loss is NaN", N counted from 1) on a non-finite loss. On any
/// error the model is left with the quantization parameters it had before the call.
///
/// With a run directory, the phase's state (trained scales and zero points, AdamW moments,
/// step, running losses) goes to run->e2eCheckpointPath() atomically every
/// options.checkpointSeconds, when cancelled and at the end; a call that finds one
/// continues from it (the run's integers must be the ones it was trained on) and ends with
/// the same values as an uninterrupted run. A finished checkpoint just installs its values.
Status runE2eQp(Model& model, const QuantSpec& spec, const E2eQpOptions& options, const CalibrationData& data,
                ProgressSink* sink, E2eQpResult& out, const RunDirectory* run = nullptr);

} // namespace qat
