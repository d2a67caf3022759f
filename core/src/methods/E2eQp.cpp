// SPDX-License-Identifier: GPL-3.0-or-later
// EfficientQAT's E2E-QP: end-to-end training of the step sizes (and optionally zero
// points) of frozen quantized layers with the language-model loss.
#include "qat/E2eQp.h"

#include "ModelImpl.h"
#include "SafeTensorsFile.h"
#include "quant/QuantLinear.h"
#include "quant/QuantizedState.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <numeric>
#include <random>
#include <string>

namespace qat {

namespace {

/// A frozen quantized layer during E2E-QP: the same integer codes, with the scale (and
/// optionally the zero point) as trainable parameters; ŵ = (q - z) · s recomputed with
/// autograd at every forward, so ∂ŵ/∂s = q - z.
class ScaleTrainableLinear : public LinearBase {
public:
    ScaleTrainableLinear(FrozenQuantLinear& frozen, bool trainZeros)
        : LinearBase(frozen.inFeatures(), frozen.outFeatures()), m_spec(frozen.spec()),
          m_dtype(frozen.effectiveWeight().scalar_type()), m_trainZeros(trainZeros) {
        torch::NoGradGuard noGrad;
        codes = register_buffer("codes", frozen.codes);
        scale = register_parameter("scale", frozen.scale.detach().clone(), true);
        zero = register_parameter("zero", frozen.zero.detach().clone(), trainZeros);
        if (frozen.biasTensor.defined()) biasTensor = register_buffer("bias", frozen.biasTensor);
        const quant::GroupLayout l = quant::groupLayout(m_in, m_spec.groupSize);
        // Column j belongs to group j / group (the last group may be shorter).
        m_groupOf = torch::clamp(
            torch::div(torch::arange(m_in, torch::TensorOptions().dtype(torch::kInt64).device(codes.device())),
                       l.group, "floor"),
            0, l.ngroups - 1);
        m_codes = codes.to(torch::kFloat32);
    }

    // -> (out, in) in the compute dtype, differentiable in scale (and zero)
    torch::Tensor effectiveWeight() override {
        torch::Tensor z = zero;
        if (m_trainZeros) z = z + (torch::round(z) - z).detach();  // straight-through rounding
        const torch::Tensor s = scale.index_select(1, m_groupOf); // (out, in)
        const torch::Tensor zf = z.index_select(1, m_groupOf);
        return ((m_codes - zf) * s).to(m_dtype);
    }

    // x: (..., in) -> (..., out)
    torch::Tensor forward(const torch::Tensor& x) override {
        const torch::Tensor w = effectiveWeight();
        return biasTensor.defined() ? torch::nn::functional::linear(x, w, biasTensor)
                                    : torch::nn::functional::linear(x, w);
    }
    std::optional<torch::Tensor> bias() const override {
        if (biasTensor.defined()) return biasTensor;
        return std::nullopt;
    }

    /// The frozen layer with the trained values (the dequantized cache rebuilt).
    std::shared_ptr<FrozenQuantLinear> freeze() const {
        torch::NoGradGuard noGrad;
        const torch::Tensor z = m_trainZeros ? torch::round(zero.detach()) : zero.detach().clone();
        return std::make_shared<FrozenQuantLinear>(codes, scale.detach().clone(), z,
                                                   biasTensor.defined() ? biasTensor : torch::Tensor(), m_spec,
                                                   m_dtype);
    }

    torch::Tensor codes, scale, zero, biasTensor;

private:
    QuantSpec m_spec;
    torch::ScalarType m_dtype;
    bool m_trainZeros;
    torch::Tensor m_groupOf; // (in) int64
    torch::Tensor m_codes;   // (out, in) float32
};

struct Swapped {
    int64_t block;
    names::LinearSlot slot;
    std::shared_ptr<LinearBase> original;
    std::shared_ptr<ScaleTrainableLinear> trainable;
};

std::string specName(const QuantSpec& s) {
    return "W" + std::to_string(s.bits) + " g" + std::to_string(s.groupSize);
}

// Collects every decoder linear as a FrozenQuantLinear of `spec`; throws BadInput otherwise.
std::vector<std::pair<int64_t, names::LinearSlot>> checkQuantized(LlamaModel& llama, const QuantSpec& spec) {
    std::vector<std::pair<int64_t, names::LinearSlot>> out;
    for (int64_t i = 0; i < llama->numBlocks(); ++i) {
        for (int s = 0; s < names::kLinearSlots; ++s) {
            const auto slot = static_cast<names::LinearSlot>(s);
            auto frozen = std::dynamic_pointer_cast<FrozenQuantLinear>(llama->block(i)->linear(slot));
            if (!frozen) fail(ErrorKind::BadInput, "E2E-QP needs a quantized model (run Block-AP or RTN first)");
            const QuantSpec& fs = frozen->spec();
            const bool sameGroup = fs.groupSize == spec.groupSize ||
                                   quant::groupLayout(frozen->inFeatures(), fs.groupSize).ngroups ==
                                       quant::groupLayout(frozen->inFeatures(), spec.groupSize).ngroups;
            if (fs.bits != spec.bits || !sameGroup)
                fail(ErrorKind::BadInput, "E2E-QP: " + names::linearWeight(i, slot) + " is quantized as " +
                                              specName(fs) + ", not " + specName(spec));
            out.emplace_back(i, slot);
        }
    }
    return out;
}

// ids: windows [first, last) of `windows` as (n, seqlen) int64 on `device`
torch::Tensor batchOf(const std::vector<std::vector<int64_t>>& windows, const std::vector<size_t>& order,
                      size_t first, size_t last, int64_t seqlen, const torch::Device& device) {
    std::vector<int64_t> flat;
    flat.reserve((last - first) * static_cast<size_t>(seqlen));
    for (size_t i = first; i < last; ++i) {
        const auto& w = windows[order[i]];
        TORCH_CHECK(static_cast<int64_t>(w.size()) == seqlen, "E2E-QP: window ", order[i], " has ", w.size(),
                    " tokens, expected ", seqlen);
        flat.insert(flat.end(), w.begin(), w.end());
    }
    return torch::tensor(flat, torch::kInt64).view({static_cast<int64_t>(last - first), seqlen}).to(device);
}

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

// Next-token loss of a micro-batch, with its gradient (× weight) accumulated into the
// trained parameters; the loss value is returned, and no backward pass is made when it is
// not finite. With checkpointing, the forward runs without autograd keeping each block's
// input, and the backward recomputes the blocks one at a time from the last.
// ids: (batch, seq)
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

double validationLoss(LlamaModel& llama, const CalibrationData& data, int64_t batch, const torch::Device& device) {
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

// Hugging Face's cosine schedule with linear warm-up; `step` counts from 0.
double scheduledLr(double peak, int64_t step, int64_t steps, int64_t warmup) {
    if (step < warmup) return peak * static_cast<double>(step) / static_cast<double>(std::max<int64_t>(1, warmup));
    const double progress =
        static_cast<double>(step - warmup) / static_cast<double>(std::max<int64_t>(1, steps - warmup));
    return peak * 0.5 * (1.0 + std::cos(M_PI * progress));
}

const std::string kE2eFormat = "qat-studio-e2e-1";

std::string number(double v) {
    char text[64];
    std::snprintf(text, sizeof text, "%.17g", v);
    return text;
}

// Where the loop stands, as a checkpoint keeps it.
struct Position {
    int64_t step = 0;          // optimizer steps done
    double epochSum = 0.0;     // sum of step losses in the current epoch so far
    double initialTrainLoss = 0.0;
    double initialValLoss = std::numeric_limits<double>::quiet_NaN();
};

std::string layerName(const Swapped& s) {
    return names::layerPrefix(s.block) + names::linearPath(s.slot);
}

// AdamW's state of one parameter, created empty when the optimizer has none yet.
torch::optim::AdamWParamState* adamState(torch::optim::AdamW& optimizer, const torch::Tensor& p, bool create) {
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

void writeCheckpoint(const RunDirectory& run, const QuantSpec& spec, const std::vector<Swapped>& swapped,
                     torch::optim::AdamW& optimizer, const Position& pos, int64_t steps, bool trainZeros) {
    torch::NoGradGuard noGrad;
    NamedTensors tensors;
    int64_t adamStep = 0;
    for (const Swapped& s : swapped) {
        const std::string name = layerName(s);
        auto add = [&](const std::string& what, const torch::Tensor& p, bool trained) {
            tensors.emplace_back(name + "." + what, p.detach().cpu().to(torch::kFloat32).contiguous());
            if (!trained) return;
            if (auto* st = adamState(optimizer, p, false)) {
                tensors.emplace_back(name + "." + what + ".exp_avg", st->exp_avg().cpu().contiguous());
                tensors.emplace_back(name + "." + what + ".exp_avg_sq", st->exp_avg_sq().cpu().contiguous());
                adamStep = st->step();
            }
        };
        add("scales", s.trainable->scale, true);
        add("zeros", s.trainable->zero, trainZeros);
    }
    auto meta = quantizedMetadata(spec);
    meta["format"] = kE2eFormat;
    meta["step"] = std::to_string(pos.step);
    meta["steps"] = std::to_string(steps);
    meta["adam_step"] = std::to_string(adamStep);
    meta["epoch_sum"] = number(pos.epochSum);
    meta["initial_train_loss"] = number(pos.initialTrainLoss);
    meta["initial_val_loss"] = number(pos.initialValLoss);
    meta["train_zeros"] = trainZeros ? "1" : "0";
    writeSafeTensors(run.e2eCheckpointPath(), tensors, meta);
}

// Restores a checkpoint into the trainable layers and the optimizer; returns the position.
Position readCheckpoint(const RunDirectory& run, const QuantSpec& spec, const std::vector<Swapped>& swapped,
                        torch::optim::AdamW& optimizer, int64_t steps, bool trainZeros) {
    torch::NoGradGuard noGrad;
    const SafeTensorsFile file(run.e2eCheckpointPath());
    const std::string where = file.path().string();
    const auto& m = file.header().metadata;
    auto field = [&](const char* key) -> const std::string& {
        auto it = m.find(key);
        if (it == m.end()) fail(ErrorKind::BadInput, where + ": metadata \"" + key + "\" is missing");
        return it->second;
    };
    if (field("format") != kE2eFormat) fail(ErrorKind::BadInput, where + ": not an E2E-QP checkpoint");
    if (field("bits") != std::to_string(spec.bits) || field("group_size") != std::to_string(spec.groupSize) ||
        std::stoll(field("steps")) != steps || (field("train_zeros") == "1") != trainZeros)
        fail(ErrorKind::BadInput, where + ": written by an E2E-QP phase with other settings (bits, group, steps "
                                          "or train_zeros); remove it to start the phase again");
    Position pos;
    pos.step = std::stoll(field("step"));
    pos.epochSum = std::strtod(field("epoch_sum").c_str(), nullptr);
    pos.initialTrainLoss = std::strtod(field("initial_train_loss").c_str(), nullptr);
    pos.initialValLoss = std::strtod(field("initial_val_loss").c_str(), nullptr);
    const int64_t adamStep = std::stoll(field("adam_step"));
    for (const Swapped& s : swapped) {
        const std::string name = layerName(s);
        auto load = [&](const std::string& what, torch::Tensor& p, bool trained) {
            const std::string key = name + "." + what;
            auto get = [&](const std::string& k) {
                const TensorEntry* e = file.header().find(k);
                if (!e) fail(ErrorKind::BadInput, where + ": tensor " + k + " is missing");
                torch::Tensor t = file.loadRaw(k);
                if (t.sizes() != p.sizes() || t.scalar_type() != torch::kFloat32)
                    fail(ErrorKind::BadInput, where + ": tensor " + k + " does not match the model's layer");
                return t.to(p.device());
            };
            p.copy_(get(key));
            if (!trained || adamStep == 0) return;
            auto* st = adamState(optimizer, p, true);
            st->exp_avg(get(key + ".exp_avg"));
            st->exp_avg_sq(get(key + ".exp_avg_sq"));
            st->step(adamStep);
        };
        load("scales", s.trainable->scale, true);
        load("zeros", s.trainable->zero, trainZeros);
    }
    return pos;
}

void checkOptions(const E2eQpOptions& o, const CalibrationData& data) {
    if (o.epochs < 1) fail(ErrorKind::BadInput, "E2E-QP: epochs must be at least 1");
    if (o.batchSize < 1) fail(ErrorKind::BadInput, "E2E-QP: batch size must be at least 1");
    if (o.gradientAccumulation < 1) fail(ErrorKind::BadInput, "E2E-QP: gradient accumulation must be at least 1");
    if (o.lr < 0.0) fail(ErrorKind::BadInput, "E2E-QP: learning rate must not be negative");
    if (o.warmupFraction < 0.0 || o.warmupFraction > 1.0)
        fail(ErrorKind::BadInput, "E2E-QP: warm-up fraction must be in [0, 1]");
    if (o.maxGradNorm < 0.0) fail(ErrorKind::BadInput, "E2E-QP: gradient clip must not be negative");
    if (data.train.empty()) fail(ErrorKind::BadInput, "E2E-QP: no training windows");
    if (data.seqlen < 2) fail(ErrorKind::BadInput, "E2E-QP: windows need at least 2 tokens");
}

void train(Model& model, const QuantSpec& spec, const E2eQpOptions& o, const CalibrationData& data,
           ProgressSink* sink, E2eQpResult& out, const RunDirectory* run) {
    const auto start = std::chrono::steady_clock::now();
    checkOptions(o, data);
    Model::Impl& impl = model.impl();
    LlamaModel& llama = impl.llama;
    const auto slots = checkQuantized(llama, spec);
    const double peak = e2eQpLearningRate(o, spec.bits);

    if (sink) sink->onPhase(PhaseChanged{Phase::E2eQp, o.phaseIndex, o.phaseCount});

    // Swap in the trainable layers; every other parameter is registered without gradient.
    std::vector<Swapped> swapped;
    auto restore = [&] {
        for (auto it = swapped.rbegin(); it != swapped.rend(); ++it)
            llama->block(it->block)->replaceLinear(it->slot, it->original);
    };
    try {
        std::vector<torch::Tensor> params;
        for (const auto& [b, slot] : slots) {
            DecoderBlock block = llama->block(b);
            auto original = block->linear(slot);
            auto trainable = std::make_shared<ScaleTrainableLinear>(
                static_cast<FrozenQuantLinear&>(*original), o.trainZeros);
            block->replaceLinear(slot, trainable);
            swapped.push_back({b, slot, original, trainable});
            params.push_back(trainable->scale);
            if (o.trainZeros) params.push_back(trainable->zero);
        }
        torch::optim::AdamW optimizer(params, torch::optim::AdamWOptions(peak).weight_decay(o.weightDecay));

        const size_t n = data.train.size();
        const size_t perStep = static_cast<size_t>(o.batchSize * o.gradientAccumulation);
        const int64_t stepsPerEpoch = static_cast<int64_t>((n + perStep - 1) / perStep);
        const int64_t steps = stepsPerEpoch * o.epochs;
        const int64_t warmup = static_cast<int64_t>(std::ceil(o.warmupFraction * static_cast<double>(steps)));
        out = E2eQpResult{};
        out.lr = peak;

        Position pos;
        const bool resumed = run && run->hasE2eCheckpoint();
        if (resumed) {
            pos = readCheckpoint(*run, spec, swapped, optimizer, steps, o.trainZeros);
            out.resumedAtStep = pos.step;
            if (sink)
                sink->onLog("E2E-QP: resuming after step " + std::to_string(pos.step) + " of " +
                            std::to_string(steps) + " from " + run->e2eCheckpointPath().filename().string());
        } else {
            pos.initialValLoss = validationLoss(llama, data, o.batchSize, impl.device);
        }
        out.initialValLoss = pos.initialValLoss;
        if (sink && !resumed)
            sink->onLog("E2E-QP " + specName(spec) + ": " + std::to_string(params.size()) +
                        " trained tensors, " + std::to_string(steps) + " steps of " + std::to_string(perStep) +
                        " windows, lr " + std::to_string(peak) +
                        (o.gradientCheckpointing ? ", gradient checkpointing per block" : ""));

        auto lastSave = std::chrono::steady_clock::now();
        auto save = [&] {
            if (!run) return;
            writeCheckpoint(*run, spec, swapped, optimizer, pos, steps, o.trainZeros);
            lastSave = std::chrono::steady_clock::now();
        };

        std::mt19937_64 rng(o.seed);
        std::vector<size_t> order(n);
        int64_t step = 0;
        for (int64_t epoch = 0; epoch < o.epochs; ++epoch) {
            // Every epoch's shuffle is drawn, also for epochs a resumed run skips.
            std::iota(order.begin(), order.end(), size_t{0});
            for (size_t i = n; i > 1; --i) std::swap(order[i - 1], order[rng() % i]);
            if (step + stepsPerEpoch <= pos.step && epoch + 1 < o.epochs) {
                step += stepsPerEpoch;
                continue;
            }
            if (step >= pos.step) pos.epochSum = 0.0; // (a resumed run keeps the restored sum of this epoch)
            for (size_t first = 0; first < n; first += perStep, ++step) {
                if (step < pos.step) continue; // done before the checkpoint
                const size_t stepEnd = std::min(n, first + perStep);
                const double stepWindows = static_cast<double>(stepEnd - first);
                const double lr = scheduledLr(peak, step, steps, warmup);
                for (auto& group : optimizer.param_groups())
                    static_cast<torch::optim::AdamWOptions&>(group.options()).lr(lr);
                optimizer.zero_grad();
                double stepLoss = 0.0;
                for (size_t mb = first; mb < stepEnd; mb += static_cast<size_t>(o.batchSize)) {
                    if (sink && sink->isCancelled()) {
                        save(); // at the start of this step: its partial gradients are dropped
                        fail(ErrorKind::Cancelled, "E2E-QP cancelled");
                    }
                    const size_t mbEnd = std::min(stepEnd, mb + static_cast<size_t>(o.batchSize));
                    const double weight = static_cast<double>(mbEnd - mb) / stepWindows;
                    const double value =
                        lossAndBackward(llama, batchOf(data.train, order, mb, mbEnd, data.seqlen, impl.device),
                                        weight, o.gradientCheckpointing);
                    if (!std::isfinite(value))
                        fail(ErrorKind::NonFinite, "E2E-QP step " + std::to_string(step + 1) + ": loss is " +
                                                       (std::isnan(value) ? "NaN" : "infinite") +
                                                       "; try a lower --e2e-lr");
                    stepLoss += value * weight;
                }
                if (o.maxGradNorm > 0.0) torch::nn::utils::clip_grad_norm_(params, o.maxGradNorm);
                optimizer.step();
                if (step == 0) pos.initialTrainLoss = stepLoss;
                pos.epochSum += stepLoss;
                pos.step = step + 1;
                if (sink) sink->onE2eStep(E2eStep{step, steps, stepLoss, lr});
                if (o.checkpointSeconds > 0.0 &&
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - lastSave).count() >=
                        o.checkpointSeconds)
                    save();
            }
            out.finalTrainLoss = pos.epochSum / static_cast<double>(stepsPerEpoch);
            const double val = epoch + 1 == o.epochs ? validationLoss(llama, data, o.batchSize, impl.device)
                                                     : std::numeric_limits<double>::quiet_NaN();
            if (epoch + 1 == o.epochs) out.finalValLoss = val;
            if (sink) sink->onEpochEnd(EpochEnd{-1, epoch, o.epochs, out.finalTrainLoss, val});
        }
        out.steps = step;
        out.initialTrainLoss = pos.initialTrainLoss;
        save();
        // Freeze the trained values back into FrozenQuantLinear layers.
        for (const Swapped& s : swapped) llama->block(s.block)->replaceLinear(s.slot, s.trainable->freeze());
    } catch (...) {
        restore();
        throw;
    }
    out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (sink)
        sink->onLog("E2E-QP done: train loss " + std::to_string(out.initialTrainLoss) + " -> " +
                    std::to_string(out.finalTrainLoss) + ", val loss " + std::to_string(out.initialValLoss) +
                    " -> " + std::to_string(out.finalValLoss));
}

} // namespace

double e2eQpLearningRate(const E2eQpOptions& options, int bits) {
    if (options.lr > 0.0) return options.lr;
    return bits <= 2 ? 2e-5 : 1e-5;
}

Status runE2eQp(Model& model, const QuantSpec& spec, const E2eQpOptions& options, const CalibrationData& data,
                ProgressSink* sink, E2eQpResult& out, const RunDirectory* run) {
    Status st = validate(spec, model.config());
    if (!st.ok()) return st;
    return guarded([&] { train(model, spec, options, data, sink, out, run); });
}

} // namespace qat
