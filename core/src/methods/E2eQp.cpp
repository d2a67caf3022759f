// SPDX-License-Identifier: GPL-3.0-or-later
// EfficientQAT's E2E-QP: end-to-end training of the step sizes (and optionally zero
// points) of frozen quantized layers with the language-model loss.
#include "qat/E2eQp.h"

#include "methods/EndToEnd.h"
#include "model/ModelImpl.h"
#include "quant/FakeQuant.h"
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
            torch::div(
                torch::arange(m_in, torch::TensorOptions().dtype(torch::kInt64).device(codes.device())),
                l.group, "floor"),
            0, l.ngroups - 1);
        m_codes = codes.to(torch::kFloat32);
    }

    // -> (out, in) in the compute dtype, differentiable in scale (and zero)
    torch::Tensor effectiveWeight() override {
        torch::Tensor z = zero;
        if (m_trainZeros) // straight-through rounding and clamp into the code range
            z = z + (quant::effectiveZero(z, m_spec.bits) - z).detach();
        // The step size as Block-AP uses it: clamped into [kScaleMin, kScaleMax], the clamp
        // straight-through, so a step that crosses zero never gives a negative or zero scale.
        const torch::Tensor sc = scale + (quant::effectiveScale(scale) - scale).detach();
        const torch::Tensor s = sc.index_select(1, m_groupOf); // (out, in)
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
        const torch::Tensor z =
            m_trainZeros ? quant::effectiveZero(zero, m_spec.bits) : zero.detach().clone();
        return std::make_shared<FrozenQuantLinear>(codes, quant::effectiveScale(scale), z,
                                                   biasTensor.defined() ? biasTensor : torch::Tensor(),
                                                   m_spec, m_dtype);
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
            if (!frozen)
                fail(ErrorKind::BadInput, "E2E-QP needs a quantized model (run Block-AP or RTN first)");
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

std::string layerName(const Swapped& s) {
    return names::layerPrefix(s.block) + names::linearPath(s.slot);
}

void train(Model& model, const QuantSpec& spec, const E2eQpOptions& o, const CalibrationData& data,
           ProgressSink* sink, E2eQpResult& out, const RunDirectory* run) {
    const auto start = std::chrono::steady_clock::now();
    Model::Impl& impl = model.impl();
    LlamaModel& llama = impl.llama;
    if (o.lr < 0.0) fail(ErrorKind::BadInput, "E2E-QP: learning rate must not be negative");
    const double peak = e2eQpLearningRate(o, spec.bits);
    e2e::LoopSettings ls;
    ls.what = "E2E-QP";
    ls.lrOption = "--e2e-lr";
    ls.format = "qat-studio-e2e-1";
    ls.settings = quantizedMetadata(spec);
    ls.settings.erase("format");
    ls.settings["train_zeros"] = o.trainZeros ? "1" : "0";
    ls.epochs = o.epochs;
    ls.batchSize = o.batchSize;
    ls.gradientAccumulation = o.gradientAccumulation;
    ls.warmupFraction = o.warmupFraction;
    ls.schedule = e2e::Schedule::Cosine;
    ls.peakLrs = {peak};
    ls.maxGradNorm = o.maxGradNorm;
    ls.seed = o.seed;
    ls.gradientCheckpointing = o.gradientCheckpointing;
    ls.checkpointSeconds = o.checkpointSeconds;
    e2e::checkSettings(ls, data);
    const auto slots = checkQuantized(llama, spec);

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
        std::vector<e2e::CheckpointTensor> kept;
        for (const Swapped& s : swapped) {
            kept.push_back({layerName(s) + ".scales", s.trainable->scale, true});
            kept.push_back({layerName(s) + ".zeros", s.trainable->zero, o.trainZeros});
        }
        out = E2eQpResult{};
        out.lr = peak;
        if (sink && !(run && run->hasE2eCheckpoint()))
            sink->onLog("E2E-QP " + specName(spec) + ": " + std::to_string(params.size()) +
                        " trained tensors, " + std::to_string(e2e::totalSteps(ls, data.train.size())) +
                        " steps of " + std::to_string(o.batchSize * o.gradientAccumulation) +
                        " windows, lr " + std::to_string(peak) +
                        (o.gradientCheckpointing ? ", gradient checkpointing per block" : ""));
        e2e::LoopResult r;
        e2e::trainEndToEnd(llama, impl.device, data, optimizer, kept, ls, sink, run, r);
        out.initialTrainLoss = r.initialTrainLoss;
        out.finalTrainLoss = r.finalTrainLoss;
        out.initialValLoss = r.initialValLoss;
        out.finalValLoss = r.finalValLoss;
        out.steps = r.steps;
        out.resumedAtStep = r.resumedAtStep;
        // Freeze the trained values back into FrozenQuantLinear layers.
        for (const Swapped& s : swapped)
            llama->block(s.block)->replaceLinear(s.slot, s.trainable->freeze());
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
