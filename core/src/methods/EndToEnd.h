// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// End-to-end training on the language-model loss, shared by E2E-QP (trained step sizes of
// frozen integers) and LR-QAT (low-rank adapters inside the rounding): micro-batches of
// calibration windows, gradient accumulation, per-block gradient checkpointing, AdamW with a
// warm-up schedule, gradient clipping, progress events, and a resumable checkpoint in the run
// folder. The caller builds the optimizer over its trained tensors; this file runs the loop.

#include "model/Llama.h"
#include "qat/Calibration.h"
#include "qat/Progress.h"
#include "qat/RunDirectory.h"

#include <torch/torch.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace qat::e2e {

/// The learning-rate schedule after the linear warm-up.
enum class Schedule {
    Cosine, ///< Hugging Face's cosine decay to 0 (E2E-QP)
    Linear, ///< linear decay to 0 (LR-QAT)
};

/// The peak × the schedule's factor at optimizer step `step` (from 0) of `steps`.
double scheduledLr(Schedule schedule, double peak, int64_t step, int64_t steps, int64_t warmup);

/// Windows [first, last) of `windows` in `order` as (n, seqlen) int64 on `device`.
torch::Tensor batchOf(const std::vector<std::vector<int64_t>>& windows, const std::vector<size_t>& order,
                      size_t first, size_t last, int64_t seqlen, const torch::Device& device);

/// Next-token loss of a micro-batch, its gradient (× weight) accumulated into the trained
/// tensors; returns the loss (no backward when it is not finite). With checkpointing the
/// forward keeps only each block's input and the backward recomputes one block at a time.
// ids: (batch, seq)
double lossAndBackward(LlamaModel& llama, const torch::Tensor& ids, double weight, bool checkpointing);

/// Mean next-token loss over data.val (NaN without a validation set).
double validationLoss(LlamaModel& llama, const CalibrationData& data, int64_t batch,
                      const torch::Device& device);

/// A tensor the checkpoint keeps under `name`; `trained` ones are the optimizer's and get
/// their AdamW moments kept too.
struct CheckpointTensor {
    std::string name;
    torch::Tensor tensor;
    bool trained = true;
};

struct LoopSettings {
    std::string what;     ///< "E2E-QP", "LR-QAT": messages and errors
    std::string lrOption; ///< the CLI option to suggest when the loss diverges
    std::string format;   ///< the checkpoint's "format" metadata
    /// Metadata the checkpoint records and that must match when it is resumed (bits, ...).
    std::map<std::string, std::string> settings;
    int64_t epochs = 1;
    int64_t maxSteps = 0; ///< > 0: stop after this many optimizer steps (epochs is then ignored)
    int64_t batchSize = 2;
    int64_t gradientAccumulation = 1;
    double warmupFraction = 0.0;
    Schedule schedule = Schedule::Cosine;
    std::vector<double> peakLrs; ///< one per param group of the optimizer
    double maxGradNorm = 0.0;
    uint64_t seed = 2;
    bool gradientCheckpointing = true;
    double checkpointSeconds = 60.0;
};

struct LoopResult {
    double initialTrainLoss = 0.0;
    double finalTrainLoss = 0.0;
    double initialValLoss = 0.0;
    double finalValLoss = 0.0;
    int64_t steps = 0;
    int64_t resumedAtStep = 0;
};

/// BadInput (throws) for settings the loop cannot run or data without training windows.
void checkSettings(const LoopSettings& settings, const CalibrationData& data);

/// Optimizer steps a loop with `settings` takes over `windows` training windows.
int64_t totalSteps(const LoopSettings& settings, size_t windows);

/// Runs the loop: one E2eStep event per optimizer step, an EpochEnd (block -1) per epoch,
/// cancellation polled every micro-batch (Cancelled, after writing the checkpoint), NonFinite
/// on a diverging loss. With a run directory, the checkpoint (the tensors, AdamW moments,
/// position) is written to run->e2eCheckpointPath() every settings.checkpointSeconds, when
/// cancelled and at the end, and a loop that finds one continues from it. Throws qat::Error.
void trainEndToEnd(LlamaModel& llama, const torch::Device& device, const CalibrationData& data,
                   torch::optim::AdamW& optimizer, const std::vector<CheckpointTensor>& tensors,
                   const LoopSettings& settings, ProgressSink* sink, const RunDirectory* run,
                   LoopResult& out);

} // namespace qat::e2e
