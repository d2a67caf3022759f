// SPDX-License-Identifier: GPL-3.0-or-later
#include "quant/QuantLinear.h"

namespace qat {

namespace {
// bias: (out) or undefined
std::optional<torch::Tensor> optionalBias(const torch::Tensor& bias) {
    if (bias.defined()) return bias;
    return std::nullopt;
}
} // namespace

QuantLinear::QuantLinear(const DenseLinear& dense, const QuantSpec& spec)
    : QuantLinear(dense.weight.detach().clone(), torch::Tensor(), torch::Tensor(),
                  dense.biasTensor.defined() ? dense.biasTensor.detach() : torch::Tensor(), spec) {}

QuantLinear::QuantLinear(torch::Tensor w, torch::Tensor s, torch::Tensor z, torch::Tensor b,
                         const QuantSpec& spec)
    : LinearBase(w.size(1), w.size(0)), m_spec(spec),
      m_layout(quant::groupLayout(w.size(1), spec.groupSize)) {
    TORCH_CHECK(spec.bits >= 2 && spec.bits <= 8, "bits must be between 2 and 8, got ", spec.bits);
    if (!s.defined() || !z.defined()) {
        quant::ScaleZero init = quant::minMaxInit(w, spec.bits, spec.groupSize);
        s = init.scale;
        z = init.zero;
    }
    weight = register_parameter("weight", w.detach(), true);
    scale = register_parameter("scale", s.detach().to(w.scalar_type()), true);
    zero = register_parameter("zero", z.detach().to(w.scalar_type()), true);
    if (b.defined()) biasTensor = register_parameter("bias", b.detach(), false);
}

torch::Tensor QuantLinear::effectiveWeight() {
    return quant::fakeQuantize(weight, scale, zero, m_spec.bits, m_spec.groupSize);
}

torch::Tensor QuantLinear::forward(const torch::Tensor& x) {
    const torch::Tensor w = effectiveWeight();
    return biasTensor.defined() ? torch::nn::functional::linear(x, w, biasTensor)
                                : torch::nn::functional::linear(x, w);
}

std::optional<torch::Tensor> QuantLinear::bias() const {
    return optionalBias(biasTensor);
}

std::shared_ptr<FrozenQuantLinear> QuantLinear::freeze() const {
    torch::NoGradGuard noGrad;
    const torch::Tensor codes = quant::quantizeCodes(weight, scale, zero, m_spec.bits, m_spec.groupSize);
    // Stored as the forward uses them, so that dequantize() reproduces the fake-quant weight.
    const torch::Tensor s = quant::effectiveScale(scale).to(torch::kFloat32);
    const torch::Tensor z = quant::effectiveZero(zero, m_spec.bits).to(torch::kFloat32);
    const torch::Tensor b = biasTensor.defined() ? biasTensor.detach() : torch::Tensor();
    return std::make_shared<FrozenQuantLinear>(codes, s, z, b, m_spec, weight.scalar_type());
}

FrozenQuantLinear::FrozenQuantLinear(torch::Tensor c, torch::Tensor s, torch::Tensor z, torch::Tensor b,
                                     const QuantSpec& spec, torch::ScalarType dtype)
    : LinearBase(c.size(1), c.size(0)), m_spec(spec) {
    TORCH_CHECK(c.scalar_type() == torch::kUInt8, "frozen quantized layer: codes must be uint8");
    TORCH_CHECK(c.max().item<int64_t>() <= quant::maxCode(spec.bits),
                "frozen quantized layer: a code exceeds ", spec.bits, " bits");
    codes = register_buffer("codes", c);
    scale = register_buffer("scale", s.to(torch::kFloat32));
    zero = register_buffer("zero", z.to(torch::kFloat32));
    if (b.defined()) biasTensor = register_buffer("bias", b.detach());
    m_weight = dequantize().to(dtype);
}

torch::Tensor FrozenQuantLinear::dequantize() const {
    return quant::dequantize(codes, scale, zero, m_spec.groupSize);
}

torch::Tensor FrozenQuantLinear::forward(const torch::Tensor& x) {
    return biasTensor.defined() ? torch::nn::functional::linear(x, m_weight, biasTensor)
                                : torch::nn::functional::linear(x, m_weight);
}

std::optional<torch::Tensor> FrozenQuantLinear::bias() const {
    return optionalBias(biasTensor);
}

} // namespace qat
