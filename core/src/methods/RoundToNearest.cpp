// SPDX-License-Identifier: GPL-3.0-or-later
// Quantization settings checks and the round-to-nearest (min-max) method.
#include "qat/Quantization.h"

#include "model/ModelImpl.h"
#include "quant/QuantLinear.h"

#include <algorithm>
#include <string>

namespace qat {

Status validate(const QuantSpec& spec, const ModelConfig& config) {
    if (config.gptq)
        return Status::error(ErrorKind::BadInput,
                             "the model is already quantized (config.json has a GPTQ quantization_config, " +
                                 std::to_string(config.gptq->bits) +
                                 " bits): quantize its full-precision original instead");
    if (spec.bits < 2 || spec.bits > 8)
        return Status::error(ErrorKind::BadInput,
                             "bits must be between 2 and 8, got " + std::to_string(spec.bits));
    if (spec.groupSize < 0)
        return Status::error(ErrorKind::BadInput, "group size must be positive (or 0 for whole rows), got " +
                                                      std::to_string(spec.groupSize));
    // Inputs of q/k/v/gate/up (hidden), o (heads * headDim) and down (intermediate).
    const int64_t largest =
        std::max({config.hiddenSize, config.numHeads * config.headDim, config.intermediateSize});
    if (spec.groupSize > largest)
        return Status::error(ErrorKind::BadInput,
                             "group size " + std::to_string(spec.groupSize) +
                                 " is larger than every input dimension of the model (largest " +
                                 std::to_string(largest) + ")");
    return Status::success();
}

double bitsPerParameter(const QuantSpec& spec, int64_t rowLength) {
    const int64_t group = spec.groupSize > 0 ? spec.groupSize : rowLength;
    if (group <= 0) return spec.bits;
    return spec.bits + (16.0 + spec.bits) / static_cast<double>(group);
}

namespace {

// The frozen round-to-nearest version of one layer. Scales and codes are computed in
// float32 whatever the compute dtype.
std::shared_ptr<LinearBase> roundToNearest(LinearBase& layer, const QuantSpec& spec,
                                           const QuantizerOptions& q) {
    const torch::Tensor w = layer.effectiveWeight().detach();
    const torch::Tensor w32 = w.to(torch::kFloat32);
    const quant::ScaleZero sz = q.symmetric
                                    ? quant::symmetricInit(w32, spec.bits, spec.groupSize, q.range, q.p)
                                    : quant::minMaxInit(w32, spec.bits, spec.groupSize);
    const torch::Tensor codes = quant::quantizeCodes(w32, sz.scale, sz.zero, spec.bits, spec.groupSize);
    const auto bias = layer.bias();
    return std::make_shared<FrozenQuantLinear>(
        codes, sz.scale, sz.zero, bias ? bias->detach() : torch::Tensor(), spec, w.scalar_type());
}

void quantizeAll(Model& model, const QuantSpec& spec, const QuantizerOptions& q, ProgressSink* sink) {
    torch::NoGradGuard noGrad;
    LlamaModel& llama = model.impl().llama;
    for (int64_t i = 0; i < llama->numBlocks(); ++i) {
        if (sink && sink->isCancelled())
            fail(ErrorKind::Cancelled, "round-to-nearest quantization cancelled");
        DecoderBlock block = llama->block(i);
        for (int s = 0; s < names::kLinearSlots; ++s) {
            const auto slot = static_cast<names::LinearSlot>(s);
            try {
                block->replaceLinear(slot, roundToNearest(*block->linear(slot), spec, q));
            } catch (const Error&) {
                throw;
            } catch (const std::exception& e) {
                fail(ErrorKind::Failure, "quantizing " + names::linearWeight(i, slot) + ": " + e.what());
            }
        }
        if (sink)
            sink->onLog(
                "round-to-nearest W" + std::to_string(spec.bits) + " g" + std::to_string(spec.groupSize) +
                (q.symmetric ? std::string(" symmetric (") + rangeInitName(q.range) + ")" : std::string()) +
                ": block " + std::to_string(i + 1) + "/" + std::to_string(llama->numBlocks()) + " done");
    }
}

} // namespace

Status quantizeRoundToNearest(Model& model, const QuantSpec& spec, ProgressSink* sink) {
    return quantizeRoundToNearest(model, spec, QuantizerOptions{}, sink);
}

Status quantizeRoundToNearest(Model& model, const QuantSpec& spec, const QuantizerOptions& quantizer,
                              ProgressSink* sink) {
    Status st = validate(spec, model.config());
    if (!st.ok()) return st;
    if (quantizer.symmetric && !(quantizer.p > 0.0))
        return Status::error(ErrorKind::BadInput,
                             "the Lp range search needs p > 0, got " + std::to_string(quantizer.p));
    return guarded([&] { quantizeAll(model, spec, quantizer, sink); });
}

} // namespace qat
