// SPDX-License-Identifier: GPL-3.0-or-later
// LR-QAT: low-rank adapters inside the rounding, trained end to end, then merged.
#include "qat/LrQat.h"

#include "methods/EndToEnd.h"
#include "model/ModelImpl.h"
#include "quant/LrQatLinear.h"
#include "quant/QuantizedState.h"

#include <ATen/CPUGeneratorImpl.h>

#include <chrono>
#include <cmath>
#include <cstdio>

namespace qat {

namespace {

struct Swapped {
    int64_t block;
    names::LinearSlot slot;
    std::shared_ptr<LinearBase> original;
    std::shared_ptr<LrQatLinear> trainable;
};

std::string number(double v) {
    char text[64];
    std::snprintf(text, sizeof text, "%.17g", v);
    return text;
}

void checkOptions(const LrQatOptions& o) {
    if (o.rank < 1)
        fail(ErrorKind::BadInput, "LR-QAT: rank must be at least 1, got " + std::to_string(o.rank));
    if (o.alpha < 0.0) fail(ErrorKind::BadInput, "LR-QAT: alpha must not be negative");
    if (!(o.p > 0.0)) fail(ErrorKind::BadInput, "LR-QAT: the Lp range search needs p > 0");
    if (o.beta1 < 0.0 || o.beta1 >= 1.0 || o.beta2 < 0.0 || o.beta2 >= 1.0)
        fail(ErrorKind::BadInput, "LR-QAT: AdamW betas must be in [0, 1)");
}

// The shared end-to-end loop's settings for LR-QAT; `settings` are what a checkpoint must match.
e2e::LoopSettings loopSettings(const QuantSpec& spec, const LrQatOptions& o) {
    e2e::LoopSettings ls;
    ls.what = "LR-QAT";
    ls.lrOption = "--lr-qat-lr";
    ls.format = "qat-studio-lr-qat-1";
    ls.settings = quantizedMetadata(spec);
    ls.settings.erase("format");
    ls.settings["rank"] = std::to_string(o.rank);
    ls.settings["adapter_scale"] = number(lrQatAdapterScale(o));
    ls.settings["phi0"] = phi0StorageName(o.phi0);
    ls.settings["adapters"] = o.bf16Adapters ? "bfloat16" : "float32";
    ls.settings["range"] = rangeInitName(o.range);
    ls.settings["p"] = number(o.p);
    ls.settings["seed"] = std::to_string(o.seed);
    ls.epochs = o.epochs;
    ls.maxSteps = o.steps;
    ls.batchSize = o.batchSize;
    ls.gradientAccumulation = o.gradientAccumulation;
    ls.warmupFraction = o.warmupFraction;
    ls.schedule = e2e::Schedule::Linear;
    ls.peakLrs = {o.lr, o.scaleLr};
    ls.maxGradNorm = o.maxGradNorm;
    ls.seed = o.seed;
    ls.gradientCheckpointing = o.gradientCheckpointing;
    ls.checkpointSeconds = o.checkpointSeconds;
    return ls;
}

void checkFullPrecision(LlamaModel& llama) {
    for (int64_t i = 0; i < llama->numBlocks(); ++i)
        for (int s = 0; s < names::kLinearSlots; ++s) {
            const auto slot = static_cast<names::LinearSlot>(s);
            if (!std::dynamic_pointer_cast<DenseLinear>(llama->block(i)->linear(slot)))
                fail(ErrorKind::BadInput, "LR-QAT needs a full-precision model: " +
                                              names::linearWeight(i, slot) + " is already quantized");
        }
}

LrQatLayerOptions layerOptions(const LrQatOptions& o) {
    LrQatLayerOptions lo;
    lo.rank = o.rank;
    lo.adapterScale = lrQatAdapterScale(o);
    lo.phi0 = o.phi0;
    lo.bf16Adapters = o.bf16Adapters;
    lo.range = o.range;
    lo.p = o.p;
    lo.weightCheckpointing = o.weightCheckpointing;
    return lo;
}

// What the swap puts in training: the adapters and the step sizes (the optimizer's two groups)
// and every tensor a checkpoint keeps.
struct Trainables {
    std::vector<torch::Tensor> adapters, scales;
    std::vector<e2e::CheckpointTensor> kept;
};

// Replaces every decoder linear by an LrQatLinear around it (recorded in `swapped`, so a failure
// can put the originals back) and counts the trained parameters into `out`.
Trainables swapInAdapters(LlamaModel& llama, const QuantSpec& spec, const LrQatOptions& o, ProgressSink* sink,
                          std::vector<Swapped>& swapped, LrQatResult& out) {
    const LrQatLayerOptions lo = layerOptions(o);
    at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(o.seed);
    Trainables t;
    for (int64_t i = 0; i < llama->numBlocks(); ++i) {
        if (sink && sink->isCancelled()) fail(ErrorKind::Cancelled, "LR-QAT cancelled");
        for (int s = 0; s < names::kLinearSlots; ++s) {
            const auto slot = static_cast<names::LinearSlot>(s);
            DecoderBlock block = llama->block(i);
            auto original = block->linear(slot);
            auto layer = std::make_shared<LrQatLinear>(*original, spec, lo, generator);
            block->replaceLinear(slot, layer);
            swapped.push_back({i, slot, original, layer});
            t.adapters.push_back(layer->a);
            t.adapters.push_back(layer->b);
            t.scales.push_back(layer->scale);
            const std::string name = names::linearModule(i, slot);
            t.kept.push_back({name + ".lora_a", layer->a, true});
            t.kept.push_back({name + ".lora_b", layer->b, true});
            t.kept.push_back({name + ".scales", layer->scale, true});
            out.adapterParameters += layer->a.numel() + layer->b.numel();
            out.scaleParameters += layer->scale.numel();
        }
    }
    return t;
}

void copyLoopResult(const e2e::LoopResult& r, LrQatResult& out) {
    out.initialTrainLoss = r.initialTrainLoss;
    out.finalTrainLoss = r.finalTrainLoss;
    out.initialValLoss = r.initialValLoss;
    out.finalValLoss = r.finalValLoss;
    out.steps = r.steps;
    out.resumedAtStep = r.resumedAtStep;
}

void train(Model& model, const QuantSpec& spec, const LrQatOptions& o, const CalibrationData& data,
           ProgressSink* sink, LrQatResult& out, const RunDirectory* run) {
    const auto start = std::chrono::steady_clock::now();
    Model::Impl& impl = model.impl();
    LlamaModel& llama = impl.llama;
    checkOptions(o);
    const e2e::LoopSettings ls = loopSettings(spec, o);
    e2e::checkSettings(ls, data);
    checkFullPrecision(llama);
    if (sink) sink->onPhase(PhaseChanged{Phase::LrQat, o.phaseIndex, o.phaseCount});

    std::vector<Swapped> swapped;
    try {
        out = LrQatResult{};
        Trainables t = swapInAdapters(llama, spec, o, sink, swapped, out);
        const auto adam = [&](double lr) {
            return std::make_unique<torch::optim::AdamWOptions>(
                torch::optim::AdamWOptions(lr).betas({o.beta1, o.beta2}).weight_decay(o.weightDecay));
        };
        torch::optim::AdamW optimizer({torch::optim::OptimizerParamGroup(t.adapters, adam(o.lr)),
                                       torch::optim::OptimizerParamGroup(t.scales, adam(o.scaleLr))});
        if (sink && !(run && run->hasE2eCheckpoint()))
            sink->onLog("LR-QAT W" + std::to_string(spec.bits) + " g" + std::to_string(spec.groupSize) +
                        ": rank " + std::to_string(o.rank) + ", " + std::to_string(out.adapterParameters) +
                        " adapter and " + std::to_string(out.scaleParameters) +
                        " step-size parameters, Φ0 in " + phi0StorageName(o.phi0) + ", " +
                        std::to_string(e2e::totalSteps(ls, data.train.size())) + " steps of " +
                        std::to_string(o.batchSize * o.gradientAccumulation) + " windows");
        e2e::LoopResult r;
        e2e::trainEndToEnd(llama, impl.device, data, optimizer, t.kept, ls, sink, run, r);
        copyLoopResult(r, out);
        for (const Swapped& s : swapped)
            llama->block(s.block)->replaceLinear(s.slot, s.trainable->merge());
    } catch (...) {
        for (auto it = swapped.rbegin(); it != swapped.rend(); ++it)
            llama->block(it->block)->replaceLinear(it->slot, it->original);
        throw;
    }
    out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (sink)
        sink->onLog("LR-QAT done: train loss " + std::to_string(out.initialTrainLoss) + " -> " +
                    std::to_string(out.finalTrainLoss) + ", val loss " + std::to_string(out.initialValLoss) +
                    " -> " + std::to_string(out.finalValLoss) + "; adapters merged into the integers");
}

} // namespace

double lrQatAdapterScale(const LrQatOptions& options) {
    const double alpha = options.alpha > 0.0 ? options.alpha : static_cast<double>(options.rank);
    return alpha / static_cast<double>(std::max<int64_t>(1, options.rank));
}

Status runLrQat(Model& model, const QuantSpec& spec, const LrQatOptions& options, const CalibrationData& data,
                ProgressSink* sink, LrQatResult& out, const RunDirectory* run) {
    Status st = validate(spec, model.config());
    if (!st.ok()) return st;
    return guarded([&] { train(model, spec, options, data, sink, out, run); });
}

} // namespace qat
