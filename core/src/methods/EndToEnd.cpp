// SPDX-License-Identifier: GPL-3.0-or-later
// The end-to-end training loop shared by E2E-QP and LR-QAT.
#include "methods/EndToEnd.h"

#include "formats/SafeTensorsFile.h"
#include "qat/Status.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <limits>
#include <numeric>
#include <random>

namespace qat::e2e {

namespace {

// logits: (batch, seq, vocab), ids: (batch, seq) -> mean next-token cross entropy over
// batch × (seq - 1) predictions
torch::Tensor nextTokenLoss(const torch::Tensor& logits, const torch::Tensor& ids) {
    const int64_t vocab = logits.size(-1);
    return torch::nn::functional::cross_entropy(logits.slice(1, 0, logits.size(1) - 1).reshape({-1, vocab}),
                                                ids.slice(1, 1).reshape({-1}));
}

// ids: (batch, seq) -> the whole model's next-token loss
torch::Tensor lmLoss(LlamaModel& llama, const torch::Tensor& ids) {
    return nextTokenLoss(llama->forward(ids), ids);
}

std::string number(double v) {
    char text[64];
    std::snprintf(text, sizeof text, "%.17g", v);
    return text;
}

// Where the loop stands, as a checkpoint keeps it.
struct Position {
    int64_t step = 0;      // optimizer steps done
    double epochSum = 0.0; // sum of step losses in the current epoch so far
    double initialTrainLoss = 0.0;
    double initialValLoss = std::numeric_limits<double>::quiet_NaN();
};

// AdamW's state of one parameter, created empty when the optimizer has none yet.
torch::optim::AdamWParamState* adamState(torch::optim::AdamW& optimizer, const torch::Tensor& p,
                                         bool create) {
    auto& states = optimizer.state();
    auto it = states.find(p.unsafeGetTensorImpl());
    if (it == states.end()) {
        if (!create) return nullptr;
        auto state = std::make_unique<torch::optim::AdamWParamState>();
        state->exp_avg(torch::zeros_like(p, torch::MemoryFormat::Preserve));
        state->exp_avg_sq(torch::zeros_like(p, torch::MemoryFormat::Preserve));
        it = states.emplace(p.unsafeGetTensorImpl(), std::move(state)).first;
    }
    return static_cast<torch::optim::AdamWParamState*>(it->second.get());
}

void writeCheckpoint(const RunDirectory& run, const LoopSettings& s,
                     const std::vector<CheckpointTensor>& tensors, torch::optim::AdamW& optimizer,
                     const Position& pos, int64_t steps) {
    torch::NoGradGuard noGrad;
    std::vector<std::pair<std::string, torch::Tensor>> out;
    int64_t adamStep = 0;
    // Stored as they are (float32 or bfloat16): a resumed run continues bit for bit.
    for (const CheckpointTensor& t : tensors) {
        out.emplace_back(t.name, t.tensor.detach().cpu().contiguous());
        if (!t.trained) continue;
        if (auto* st = adamState(optimizer, t.tensor, false)) {
            out.emplace_back(t.name + ".exp_avg", st->exp_avg().cpu().contiguous());
            out.emplace_back(t.name + ".exp_avg_sq", st->exp_avg_sq().cpu().contiguous());
            adamStep = st->step();
        }
    }
    std::map<std::string, std::string> meta = s.settings;
    meta["format"] = s.format;
    meta["step"] = std::to_string(pos.step);
    meta["steps"] = std::to_string(steps);
    meta["adam_step"] = std::to_string(adamStep);
    meta["epoch_sum"] = number(pos.epochSum);
    meta["initial_train_loss"] = number(pos.initialTrainLoss);
    meta["initial_val_loss"] = number(pos.initialValLoss);
    writeSafeTensors(run.e2eCheckpointPath(), out, meta);
}

// Restores a checkpoint into the tensors and the optimizer; returns the position.
Position readCheckpoint(const RunDirectory& run, const LoopSettings& s,
                        const std::vector<CheckpointTensor>& tensors, torch::optim::AdamW& optimizer,
                        int64_t steps) {
    torch::NoGradGuard noGrad;
    const SafeTensorsFile file(run.e2eCheckpointPath());
    const std::string where = file.path().string();
    const auto& m = file.header().metadata;
    auto field = [&](const std::string& key) -> const std::string& {
        auto it = m.find(key);
        if (it == m.end()) fail(ErrorKind::BadInput, where + ": metadata \"" + key + "\" is missing");
        return it->second;
    };
    if (field("format") != s.format)
        fail(ErrorKind::BadInput, where + ": not a " + s.what + " checkpoint (format \"" + field("format") +
                                      "\"); remove it to start the phase again");
    bool same = std::stoll(field("steps")) == steps;
    for (const auto& [key, value] : s.settings)
        same = same && field(key) == value;
    if (!same)
        fail(ErrorKind::BadInput, where + ": written by a " + s.what +
                                      " phase with other settings; remove it to start the phase again");
    Position pos;
    pos.step = std::stoll(field("step"));
    pos.epochSum = std::strtod(field("epoch_sum").c_str(), nullptr);
    pos.initialTrainLoss = std::strtod(field("initial_train_loss").c_str(), nullptr);
    pos.initialValLoss = std::strtod(field("initial_val_loss").c_str(), nullptr);
    const int64_t adamStep = std::stoll(field("adam_step"));
    for (const CheckpointTensor& t : tensors) {
        auto get = [&](const std::string& k, const torch::Tensor& like) {
            if (!file.header().find(k)) fail(ErrorKind::BadInput, where + ": tensor " + k + " is missing");
            torch::Tensor v = file.loadRaw(k);
            if (v.sizes() != like.sizes() || v.scalar_type() != like.scalar_type())
                fail(ErrorKind::BadInput, where + ": tensor " + k + " does not match the model's layer");
            return v.to(like.device());
        };
        torch::Tensor p = t.tensor;
        p.copy_(get(t.name, p));
        if (!t.trained || adamStep == 0) continue;
        auto* st = adamState(optimizer, p, true);
        st->exp_avg(get(t.name + ".exp_avg", p));
        st->exp_avg_sq(get(t.name + ".exp_avg_sq", p));
        st->step(adamStep);
    }
    return pos;
}

} // namespace

double scheduledLr(Schedule schedule, double peak, int64_t step, int64_t steps, int64_t warmup) {
    if (step < warmup)
        return peak * static_cast<double>(step) / static_cast<double>(std::max<int64_t>(1, warmup));
    const double progress =
        static_cast<double>(step - warmup) / static_cast<double>(std::max<int64_t>(1, steps - warmup));
    if (schedule == Schedule::Linear) return peak * std::max(0.0, 1.0 - progress);
    return peak * 0.5 * (1.0 + std::cos(M_PI * progress));
}

torch::Tensor batchOf(const std::vector<std::vector<int64_t>>& windows, const std::vector<size_t>& order,
                      size_t first, size_t last, int64_t seqlen, const torch::Device& device) {
    std::vector<int64_t> flat;
    flat.reserve((last - first) * static_cast<size_t>(seqlen));
    for (size_t i = first; i < last; ++i) {
        const auto& w = windows[order[i]];
        TORCH_CHECK(static_cast<int64_t>(w.size()) == seqlen, "training window ", order[i], " has ", w.size(),
                    " tokens, expected ", seqlen);
        flat.insert(flat.end(), w.begin(), w.end());
    }
    return torch::tensor(flat, torch::kInt64).view({static_cast<int64_t>(last - first), seqlen}).to(device);
}

double lossAndBackward(LlamaModel& llama, const torch::Tensor& ids, double weight, bool checkpointing) {
    if (!checkpointing) {
        const torch::Tensor loss = lmLoss(llama, ids);
        const double value = loss.item<double>();
        if (std::isfinite(value)) (loss * weight).backward();
        return value;
    }
    const auto [cos, sin] = llama->rotary().tables(0, ids.size(1), ids.device());
    std::vector<torch::Tensor> inputs;
    torch::Tensor hidden;
    {
        torch::NoGradGuard noGrad;
        hidden = llama->embed(ids);
        for (int64_t i = 0; i < llama->numBlocks(); ++i) {
            inputs.push_back(hidden);
            hidden = llama->block(i)->forward(hidden, cos, sin);
        }
    }
    torch::Tensor last = hidden.detach().requires_grad_(true);
    const torch::Tensor loss = nextTokenLoss(llama->head(last), ids);
    const double value = loss.item<double>();
    if (!std::isfinite(value)) return value;
    (loss * weight).backward();
    torch::Tensor grad = last.grad();
    for (int64_t i = llama->numBlocks() - 1; i >= 0; --i) {
        torch::Tensor x = inputs[static_cast<size_t>(i)].detach().requires_grad_(i > 0);
        const torch::Tensor y = llama->block(i)->forward(x, cos, sin);
        y.backward(grad);
        inputs[static_cast<size_t>(i)] = torch::Tensor();
        if (i > 0) grad = x.grad();
    }
    return value;
}

double validationLoss(LlamaModel& llama, const CalibrationData& data, int64_t batch,
                      const torch::Device& device) {
    if (data.val.empty()) return std::numeric_limits<double>::quiet_NaN();
    torch::NoGradGuard noGrad;
    std::vector<size_t> order(data.val.size());
    std::iota(order.begin(), order.end(), size_t{0});
    double sum = 0.0;
    for (size_t i = 0; i < order.size(); i += static_cast<size_t>(batch)) {
        const size_t last = std::min(order.size(), i + static_cast<size_t>(batch));
        sum += lmLoss(llama, batchOf(data.val, order, i, last, data.seqlen, device)).item<double>() *
               static_cast<double>(last - i);
    }
    return sum / static_cast<double>(order.size());
}

void checkSettings(const LoopSettings& s, const CalibrationData& data) {
    const std::string w = s.what + ": ";
    if (s.epochs < 1 && s.maxSteps <= 0) fail(ErrorKind::BadInput, w + "epochs must be at least 1");
    if (s.maxSteps < 0) fail(ErrorKind::BadInput, w + "steps must not be negative");
    if (s.batchSize < 1) fail(ErrorKind::BadInput, w + "batch size must be at least 1");
    if (s.gradientAccumulation < 1) fail(ErrorKind::BadInput, w + "gradient accumulation must be at least 1");
    for (double lr : s.peakLrs)
        if (lr < 0.0) fail(ErrorKind::BadInput, w + "learning rate must not be negative");
    if (s.warmupFraction < 0.0 || s.warmupFraction > 1.0)
        fail(ErrorKind::BadInput, w + "warm-up fraction must be in [0, 1]");
    if (s.maxGradNorm < 0.0) fail(ErrorKind::BadInput, w + "gradient clip must not be negative");
    if (data.train.empty()) fail(ErrorKind::BadInput, w + "no training windows");
    if (data.seqlen < 2) fail(ErrorKind::BadInput, w + "windows need at least 2 tokens");
}

int64_t totalSteps(const LoopSettings& s, size_t windows) {
    const size_t perStep = static_cast<size_t>(std::max<int64_t>(1, s.batchSize * s.gradientAccumulation));
    const int64_t stepsPerEpoch = static_cast<int64_t>((windows + perStep - 1) / perStep);
    return s.maxSteps > 0 ? s.maxSteps : stepsPerEpoch * s.epochs;
}

namespace {

// The loop's shape: windows per optimizer step, steps per epoch, steps, epochs, warmup steps.
struct StepPlan {
    size_t windows = 0;
    size_t perStep = 0;
    int64_t stepsPerEpoch = 0;
    int64_t steps = 0;
    int64_t epochs = 0;
    int64_t warmup = 0;
};

StepPlan planSteps(const LoopSettings& s, size_t windows) {
    StepPlan p;
    p.windows = windows;
    p.perStep = static_cast<size_t>(s.batchSize * s.gradientAccumulation);
    p.stepsPerEpoch = static_cast<int64_t>((windows + p.perStep - 1) / p.perStep);
    p.steps = totalSteps(s, windows);
    p.epochs = (p.steps + p.stepsPerEpoch - 1) / p.stepsPerEpoch;
    p.warmup = static_cast<int64_t>(std::ceil(s.warmupFraction * static_cast<double>(p.steps)));
    return p;
}

// Where the loop starts: the run's checkpoint when `resumed`, else step 0 with the initial
// validation loss measured.
Position startPosition(LlamaModel& llama, const torch::Device& device, const CalibrationData& data,
                       torch::optim::AdamW& optimizer, const std::vector<CheckpointTensor>& tensors,
                       const LoopSettings& s, const StepPlan& plan, ProgressSink* sink,
                       const RunDirectory* run, bool resumed) {
    Position pos;
    if (resumed) {
        pos = readCheckpoint(*run, s, tensors, optimizer, plan.steps);
        if (sink)
            sink->onLog(s.what + ": resuming after step " + std::to_string(pos.step) + " of " +
                        std::to_string(plan.steps) + " from " + run->e2eCheckpointPath().filename().string());
    } else {
        pos.initialValLoss = validationLoss(llama, data, s.batchSize, device);
    }
    return pos;
}

// Sets every param group's scheduled learning rate for `step`; returns the first group's.
double applySchedule(torch::optim::AdamW& optimizer, const LoopSettings& s, const StepPlan& plan,
                     int64_t step) {
    double lr0 = 0.0;
    for (size_t g = 0; g < optimizer.param_groups().size(); ++g) {
        const double lr = scheduledLr(s.schedule, s.peakLrs[g], step, plan.steps, plan.warmup);
        if (g == 0) lr0 = lr;
        static_cast<torch::optim::AdamWOptions&>(optimizer.param_groups()[g].options()).lr(lr);
    }
    return lr0;
}

// The gradients of one optimizer step: windows [first, end) of `order` in micro-batches, each
// loss weighted by its share of the step; returns the step's loss. A cancel between micro-batches
// calls `saveBeforeCancel` (the step's partial gradients are dropped) and throws Cancelled.
double accumulateGradients(LlamaModel& llama, const torch::Device& device, const CalibrationData& data,
                           const std::vector<size_t>& order, size_t first, size_t end, int64_t step,
                           const LoopSettings& s, ProgressSink* sink,
                           const std::function<void()>& saveBeforeCancel) {
    const double stepWindows = static_cast<double>(end - first);
    double stepLoss = 0.0;
    for (size_t mb = first; mb < end; mb += static_cast<size_t>(s.batchSize)) {
        if (sink && sink->isCancelled()) {
            saveBeforeCancel();
            fail(ErrorKind::Cancelled, s.what + " cancelled");
        }
        const size_t mbEnd = std::min(end, mb + static_cast<size_t>(s.batchSize));
        const double weight = static_cast<double>(mbEnd - mb) / stepWindows;
        const double value =
            lossAndBackward(llama, batchOf(data.train, order, mb, mbEnd, data.seqlen, device), weight,
                            s.gradientCheckpointing);
        if (!std::isfinite(value))
            fail(ErrorKind::NonFinite, s.what + " step " + std::to_string(step + 1) + ": loss is " +
                                           (std::isnan(value) ? "NaN" : "infinite") + "; try a lower " +
                                           s.lrOption);
        stepLoss += value * weight;
    }
    return stepLoss;
}

// Draws the next epoch's order of the windows (a Fisher-Yates shuffle of 0 … n-1).
void shuffle(std::vector<size_t>& order, std::mt19937_64& rng) {
    std::iota(order.begin(), order.end(), size_t{0});
    for (size_t i = order.size(); i > 1; --i)
        std::swap(order[i - 1], order[rng() % i]);
}

} // namespace

void trainEndToEnd(LlamaModel& llama, const torch::Device& device, const CalibrationData& data,
                   torch::optim::AdamW& optimizer, const std::vector<CheckpointTensor>& tensors,
                   const LoopSettings& s, ProgressSink* sink, const RunDirectory* run, LoopResult& out) {
    checkSettings(s, data);
    TORCH_CHECK(s.peakLrs.size() == optimizer.param_groups().size(),
                "one peak learning rate per param group");
    std::vector<torch::Tensor> params;
    for (const auto& group : optimizer.param_groups())
        for (const auto& p : group.params())
            params.push_back(p);
    const StepPlan plan = planSteps(s, data.train.size());
    out = LoopResult{};
    const bool resumed = run && run->hasE2eCheckpoint();
    Position pos = startPosition(llama, device, data, optimizer, tensors, s, plan, sink, run, resumed);
    if (resumed) out.resumedAtStep = pos.step;
    out.initialValLoss = pos.initialValLoss;

    auto lastSave = std::chrono::steady_clock::now();
    auto save = [&] {
        if (!run) return;
        writeCheckpoint(*run, s, tensors, optimizer, pos, plan.steps);
        lastSave = std::chrono::steady_clock::now();
    };

    std::mt19937_64 rng(s.seed);
    std::vector<size_t> order(plan.windows);
    int64_t step = 0;
    for (int64_t epoch = 0; epoch < plan.epochs; ++epoch) {
        const int64_t epochSteps = std::min(plan.stepsPerEpoch, plan.steps - epoch * plan.stepsPerEpoch);
        shuffle(order, rng); // every epoch's shuffle is drawn, also for epochs a resumed run skips
        if (step + epochSteps <= pos.step && epoch + 1 < plan.epochs) {
            step += epochSteps;
            continue;
        }
        if (step >= pos.step) pos.epochSum = 0.0; // (a resumed run keeps the restored sum of this epoch)
        const int64_t epochEnd = step + epochSteps;
        for (size_t first = 0; step < epochEnd; first += plan.perStep, ++step) {
            if (step < pos.step) continue; // done before the checkpoint
            const double lr0 = applySchedule(optimizer, s, plan, step);
            optimizer.zero_grad();
            const double stepLoss =
                accumulateGradients(llama, device, data, order, first,
                                    std::min(plan.windows, first + plan.perStep), step, s, sink, save);
            if (s.maxGradNorm > 0.0) torch::nn::utils::clip_grad_norm_(params, s.maxGradNorm);
            optimizer.step();
            if (step == 0) pos.initialTrainLoss = stepLoss;
            pos.epochSum += stepLoss;
            pos.step = step + 1;
            if (sink) sink->onE2eStep(E2eStep{step, plan.steps, stepLoss, lr0});
            if (s.checkpointSeconds > 0.0 &&
                std::chrono::duration<double>(std::chrono::steady_clock::now() - lastSave).count() >=
                    s.checkpointSeconds)
                save();
        }
        out.finalTrainLoss = pos.epochSum / static_cast<double>(epochSteps);
        const bool last = epoch + 1 == plan.epochs;
        const double val = last ? validationLoss(llama, data, s.batchSize, device)
                                : std::numeric_limits<double>::quiet_NaN();
        if (last) out.finalValLoss = val;
        if (sink) sink->onEpochEnd(EpochEnd{-1, epoch, plan.epochs, out.finalTrainLoss, val});
    }
    out.steps = step;
    out.initialTrainLoss = pos.initialTrainLoss;
    save();
}

} // namespace qat::e2e
