// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Quantized linear layers: the trainable fake-quant layer (EfficientQAT's Block-AP and
// E2E-QP train it) and the frozen one (integer codes, scales and zero points).

#include "model/Layers.h"
#include "qat/Quantization.h"
#include "quant/FakeQuant.h"

#include <memory>

namespace qat {

class FrozenQuantLinear;

/// y = x ŵᵀ (+ b) with ŵ the fake-quantized weight. Weight, scale and zero are trainable
/// parameters ("weight", "scale", "zero"); the bias (if any) is not.
class QuantLinear : public LinearBase {
public:
    /// Starts from a dense layer's weight, with min-max scales and zero points.
    QuantLinear(const DenseLinear& dense, const QuantSpec& spec);
    /// weight: (out, in); scale, zero: (out, ngroups); bias: (out) or undefined.
    QuantLinear(torch::Tensor weight, torch::Tensor scale, torch::Tensor zero, torch::Tensor bias,
                const QuantSpec& spec);

    // x: (..., in) -> (..., out)
    torch::Tensor forward(const torch::Tensor& x) override;
    /// The fake-quantized weight (out, in), differentiable in weight, scale and zero.
    torch::Tensor effectiveWeight() override;
    std::optional<torch::Tensor> bias() const override;

    /// The integer form: codes, s' and round(z)' as the forward uses them.
    std::shared_ptr<FrozenQuantLinear> freeze() const;

    const QuantSpec& spec() const { return m_spec; }
    const quant::GroupLayout& layout() const { return m_layout; }

    torch::Tensor weight;     // (out, in)
    torch::Tensor scale;      // (out, ngroups)
    torch::Tensor zero;       // (out, ngroups)
    torch::Tensor biasTensor; // (out) or undefined

private:
    QuantSpec m_spec;
    quant::GroupLayout m_layout;
};

/// A quantized layer with fixed integers: codes in [0, 2^bits - 1] as uint8, a float32 scale
/// and an integral float32 zero point per group. Computes with the dequantized weight,
/// cached in the compute dtype (the layer is immutable).
class FrozenQuantLinear : public LinearBase {
public:
    /// codes: (out, in) uint8; scale, zero: (out, ngroups) float32; bias: (out) or undefined.
    /// `dtype` is the dtype the layer computes in.
    FrozenQuantLinear(torch::Tensor codes, torch::Tensor scale, torch::Tensor zero, torch::Tensor bias,
                      const QuantSpec& spec, torch::ScalarType dtype);

    // x: (..., in) -> (..., out)
    torch::Tensor forward(const torch::Tensor& x) override;
    torch::Tensor effectiveWeight() override { return m_weight; }
    std::optional<torch::Tensor> bias() const override;

    /// (codes - zero) · scale: (out, in) in float32.
    torch::Tensor dequantize() const;

    const QuantSpec& spec() const { return m_spec; }
    torch::Tensor codes;      // (out, in) uint8
    torch::Tensor scale;      // (out, ngroups) float32
    torch::Tensor zero;       // (out, ngroups) float32, integral
    torch::Tensor biasTensor; // (out) or undefined

private:
    QuantSpec m_spec;
    torch::Tensor m_weight; // the cached dequantized weight (out, in), compute dtype
};

} // namespace qat
