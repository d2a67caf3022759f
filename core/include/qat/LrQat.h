// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file LrQat.h
/// LR-QAT (Bondarenko, Del Chiaro, Nagel 2024, "Low-Rank Quantization-Aware Training for
/// LLMs"): every decoder linear becomes
///
///     ŵ = s · clamp(round(Φ0 + (α/r)·A·B), -2^(N-1), 2^(N-1) - 1)
///
/// with Φ0 = clamp(W0 / s0) computed once from the full-precision weight and kept frozen (as
/// int8 fixed point by default), low-rank adapters A (out × r, starting at zero) and B
/// (r × in, Kaiming-uniform), and trainable step sizes s (starting at s0 from a symmetric Lp
/// range search). Rounding is straight-through. The weight is rebuilt inside the layer's own
/// backward (checkpointing), so neither ŵ nor W0 is kept for it. Training is end to end on the
/// language-model loss; embeddings, norms and the head stay frozen. Afterwards A and B merge
/// into the integers, which are plain symmetric codes (z = 2^(N-1)) in the run's usual layout.
/// Torch-free: the GUI and the CLI include it.

#include "qat/Calibration.h"
#include "qat/Progress.h"
#include "qat/Quantization.h"
#include "qat/RunDirectory.h"
#include "qat/Status.h"

#include <cstdint>
#include <optional>
#include <string>

namespace qat {

class Model;

/// LR-QAT settings. Defaults follow the paper where this is meaningful for a calibration run.
struct LrQatOptions {
    int64_t rank = 32;     ///< r
    double alpha = 0.0;    ///< α; 0 means α = r (the adapters' product unscaled)
    double lr = 1e-3;      ///< peak learning rate of A and B (paper: 1e-3)
    double scaleLr = 1e-5; ///< peak learning rate of the step sizes (paper: 1e-5)
    double weightDecay = 0.0;
    double beta1 = 0.9;
    double beta2 = 0.95;   ///< AdamW β2 (paper: 0.95)
    int64_t epochs = 1;    ///< passes over the training windows
    int64_t steps = 0;     ///< > 0: this many optimizer steps instead of epochs
    int64_t batchSize = 2; ///< windows per forward / backward pass
    int64_t gradientAccumulation = 1;
    double warmupFraction = 0.1; ///< linear warm-up, then linear decay to 0
    double maxGradNorm = 1.0;    ///< global gradient-norm clip (paper: 1.0; 0 = none)
    Phi0Storage phi0 = Phi0Storage::Int8;
    bool bf16Adapters = false;       ///< keep A and B (and their AdamW moments) in bfloat16
    RangeInit range = RangeInit::Lp; ///< how s0 is found
    double p = 4.0;                  ///< the Lp search's norm (paper: 4)
    /// Rebuild ŵ inside each layer's backward instead of keeping it (and its intermediates)
    /// for autograd. Off only to compare memory and gradients.
    bool weightCheckpointing = true;
    /// Per-decoder-block activation checkpointing, as E2E-QP's.
    bool gradientCheckpointing = true;
    uint64_t seed = 2;               ///< B's initialisation and the shuffle of the windows
    double checkpointSeconds = 60.0; ///< with a run folder: how often the phase checkpoint is written
    int64_t phaseIndex = 0;
    int64_t phaseCount = 1;
};

/// What an LR-QAT run measured. Losses are mean next-token cross entropy (nats per token).
struct LrQatResult {
    double initialTrainLoss = 0.0;
    double finalTrainLoss = 0.0;
    double initialValLoss = 0.0; ///< with A = 0: the symmetric round-to-nearest model's
    double finalValLoss = 0.0;
    int64_t steps = 0;
    int64_t resumedAtStep = 0;
    int64_t adapterParameters = 0; ///< trained values in A and B
    int64_t scaleParameters = 0;   ///< trained step sizes
    double seconds = 0.0;
};

/// α / r for `options` (α = r when alpha is 0).
double lrQatAdapterScale(const LrQatOptions& options);

/// Trains the full-precision decoder linears of `model` with LR-QAT on `data.train` and
/// leaves them merged: frozen symmetric layers (codes = integer + 2^(N-1), z = 2^(N-1)) that
/// saveQuantizedState writes and the export packs. The model must be full precision
/// (BadInput otherwise). Reports PhaseChanged(LrQat), one E2eStep per optimizer step and an
/// EpochEnd (block -1) per epoch; polls `sink` for cancellation every micro-batch. On any
/// error the model is left as it was. With a run directory the phase's checkpoint (A, B, s,
/// AdamW moments, position) goes to run->e2eCheckpointPath() as E2E-QP's does, and a call
/// that finds one continues from it to the same result as an uninterrupted run.
Status runLrQat(Model& model, const QuantSpec& spec, const LrQatOptions& options, const CalibrationData& data,
                ProgressSink* sink, LrQatResult& out, const RunDirectory* run = nullptr);

} // namespace qat
