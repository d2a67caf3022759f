// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file RunEstimate.h
/// What a quantization job will need, from the model's summary (no weights loaded) and the
/// job's settings: memory at the peak (the model in its compute type, plus Block-AP's
/// activation caches and one block's training state, or E2E-QP's checkpointed activations
/// and logits, whichever is larger; for LR-QAT, Φ0, the adapters and step sizes with their
/// gradients and AdamW moments, and the end-to-end activations) and disk for the run folder
/// (a Block-AP checkpoint per block, the final quantized state, and E2E-QP's or LR-QAT's
/// checkpoint; the quantized state holds 8-bit codes plus each group's 32-bit step size and
/// zero point). Estimates, within tens of percent.

#include <qat/ModelSummary.h>
#include <qat/QuantizeJob.h>

namespace qat {

struct RunEstimate {
    double modelBytes = 0;    ///< the model's weights in the compute dtype
    double cacheBytes = 0;    ///< Block-AP's activation caches (0 when in files, or for RTN)
    double trainingBytes = 0; ///< the larger of one Block-AP block's training state and E2E-QP's; LR-QAT's
    double peakMemoryBytes = 0;
    double diskBytes = 0;      ///< the run folder
    double cacheDiskBytes = 0; ///< Block-AP caches kept in files (a cache folder was given)
};

RunEstimate estimateRun(const ModelSummary& summary, const QuantizeJob& job);

} // namespace qat
