// SPDX-License-Identifier: GPL-3.0-or-later
// EfficientQAT's E2E-QP: end-to-end training of the step sizes (and optionally zero
// points) of frozen quantized layers with the language-model loss.
#include "qat/E2eQp.h"

#include "ModelImpl.h"
#include "quant/QuantLinear.h"

#include <chrono>
#include <cmath>
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

// ids: (batch, seq) -> mean next-token cross entropy over batch × (seq - 1) predictions
torch::Tensor lmLoss(LlamaModel& llama, const torch::Tensor& ids) {
    const torch::Tensor logits = llama->forward(ids); // (batch, seq, vocab) float32
    const int64_t vocab = logits.size(-1);
    const torch::Tensor pred = logits.slice(1, 0, logits.size(1) - 1).reshape({-1, vocab});
    const torch::Tensor target = ids.slice(1, 1).reshape({-1});
    return torch::nn::functional::cross_entropy(pred, target);
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
           ProgressSink* sink, E2eQpResult& out) {
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
        out.initialValLoss = validationLoss(llama, data, o.batchSize, impl.device);
        if (sink)
            sink->onLog("E2E-QP " + specName(spec) + ": " + std::to_string(params.size()) +
                        " trained tensors, " + std::to_string(steps) + " steps of " + std::to_string(perStep) +
                        " windows, lr " + std::to_string(peak));

        std::mt19937_64 rng(o.seed);
        std::vector<size_t> order(n);
        int64_t step = 0;
        for (int64_t epoch = 0; epoch < o.epochs; ++epoch) {
            std::iota(order.begin(), order.end(), size_t{0});
            for (size_t i = n; i > 1; --i) std::swap(order[i - 1], order[rng() % i]);
            double epochSum = 0.0;
            for (size_t first = 0; first < n; first += perStep, ++step) {
                const size_t stepEnd = std::min(n, first + perStep);
                const double stepWindows = static_cast<double>(stepEnd - first);
                const double lr = scheduledLr(peak, step, steps, warmup);
                for (auto& group : optimizer.param_groups())
                    static_cast<torch::optim::AdamWOptions&>(group.options()).lr(lr);
                optimizer.zero_grad();
                double stepLoss = 0.0;
                for (size_t mb = first; mb < stepEnd; mb += static_cast<size_t>(o.batchSize)) {
                    if (sink && sink->isCancelled()) fail(ErrorKind::Cancelled, "E2E-QP cancelled");
                    const size_t mbEnd = std::min(stepEnd, mb + static_cast<size_t>(o.batchSize));
                    const double weight = static_cast<double>(mbEnd - mb) / stepWindows;
                    const torch::Tensor loss =
                        lmLoss(llama, batchOf(data.train, order, mb, mbEnd, data.seqlen, impl.device));
                    const double value = loss.item<double>();
                    if (!std::isfinite(value))
                        fail(ErrorKind::NonFinite, "E2E-QP step " + std::to_string(step + 1) + ": loss is " +
                                                       (std::isnan(value) ? "NaN" : "infinite"));
                    (loss * weight).backward();
                    stepLoss += value * weight;
                }
                if (o.maxGradNorm > 0.0) torch::nn::utils::clip_grad_norm_(params, o.maxGradNorm);
                optimizer.step();
                if (step == 0) out.initialTrainLoss = stepLoss;
                epochSum += stepLoss;
                if (sink) sink->onE2eStep(E2eStep{step, steps, stepLoss, lr});
            }
            out.finalTrainLoss = epochSum / static_cast<double>(stepsPerEpoch);
            const double val = epoch + 1 == o.epochs ? validationLoss(llama, data, o.batchSize, impl.device)
                                                     : std::numeric_limits<double>::quiet_NaN();
            if (epoch + 1 == o.epochs) out.finalValLoss = val;
            if (sink) sink->onEpochEnd(EpochEnd{-1, epoch, o.epochs, out.finalTrainLoss, val});
        }
        out.steps = step;
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
                ProgressSink* sink, E2eQpResult& out) {
    Status st = validate(spec, model.config());
    if (!st.ok()) return st;
    return guarded([&] { train(model, spec, options, data, sink, out); });
}

} // namespace qat
