// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file Gptq.h
/// GPTQ (Frantar et al. 2022), the one-shot baseline beside round-to-nearest: each decoder
/// linear is quantized column by column, the rounding error of each column spread over the
/// columns not yet quantized through the inverse Hessian of the layer's inputs
/// (H = 2 X Xᵀ over the calibration tokens). Sequential as GPTQ's reference runs it: block by
/// block, each block fed the outputs of the already quantized blocks before it, and within a
/// block q/k/v, then o, then gate/up, then down, each group's inputs computed with the layers
/// before it already quantized. The quantizer is every method's (asymmetric min-max per group
/// along the input dimension, quant/FakeQuant.h), so a GPTQ run freezes, exports and packs like
/// any other. A group's scale and zero point are fitted when its first column is reached, on
/// the weights as the earlier columns' updates left them (the paper's column-by-column order;
/// the lazy batch updates give the same result). Torch-free.

#include "qat/Calibration.h"
#include "qat/Progress.h"
#include "qat/Quantization.h"
#include "qat/RunDirectory.h"
#include "qat/Status.h"

#include <cstdint>
#include <string>
#include <vector>

namespace qat {

class Model;

/// Settings of GPTQ; the defaults are the reference implementation's.
struct GptqOptions {
    /// Dampening: this fraction of the mean of H's diagonal is added to the diagonal. A Hessian
    /// that is still not positive definite is retried with ten times more, and the log says so.
    double damp = 0.01;
    /// Columns per lazy batch update.
    int64_t blockSize = 128;
    /// Windows per forward pass when collecting the layers' inputs.
    int64_t batchSize = 8;
    /// Where this phase sits among the run's phases (the PhaseChanged event).
    int64_t phaseIndex = 0;
    int64_t phaseCount = 1;
};

/// Per block (index = block), what GPTQ measured.
struct GptqResult {
    /// Output MSE of the block against its full-precision self on the same inputs (the
    /// validation windows, else the first training windows): round-to-nearest, then GPTQ.
    std::vector<double> mseRtn, mseGptq;
    std::vector<double> seconds;
    /// Blocks restored from checkpoints instead of quantized (a resumed run).
    int64_t restoredBlocks = 0;
    /// Layers whose Hessian needed more dampening than asked, with what was used.
    std::vector<std::string> dampened;
};

/// Runs GPTQ over every decoder block of `model` (in full precision). `data.train` gives the
/// calibration windows (at least one). With `run`, each finished block is written to its
/// checkpoint and a resumed run restores the blocks found there; the result is the same.
/// Cancelled (checked before each block and each group of layers) leaves the finished blocks'
/// checkpoints.
Status runGptq(Model& model, const QuantSpec& spec, const GptqOptions& options, const CalibrationData& data,
               ProgressSink* sink, GptqResult& out, const RunDirectory* run = nullptr);

} // namespace qat
