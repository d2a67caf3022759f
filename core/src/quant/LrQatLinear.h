// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The LR-QAT linear layer (see qat/LrQat.h):
//
//   ŵ = s' · clamp(round(Φ0 + c·A·B), -2^(N-1), 2^(N-1) - 1),   c = α / r,  s' = clamp(s, 1e-4, 1e4)
//
// computed per group of the input dimension in float32 and cast to the compute dtype. The
// straight-through rounding passes the gradient to Φ0 + c·A·B where the integer is inside the
// range; the clamp of s is straight-through too.

#include "model/Layers.h"
#include "qat/LrQat.h"
#include "quant/FakeQuant.h"
#include "quant/QuantLinear.h"

#include <memory>

namespace qat {

/// Φ0 in int8 fixed point: the number of fixed-point steps per integer (2^(8-N)).
inline int64_t phi0FixedPointSteps(int bits) {
    return int64_t{1} << (8 - bits);
}

/// Φ0 as stored: int8 fixed point (see Phi0Storage::Int8), bfloat16 or float32.
// phi: (out, in) float32, already clamped to the integer range -> (out, in)
torch::Tensor storePhi0(const torch::Tensor& phi, int bits, Phi0Storage storage);
/// The stored Φ0 back as float32.
// stored: (out, in) -> (out, in) float32
torch::Tensor loadPhi0(const torch::Tensor& stored, int bits);

struct LrQatLayerOptions {
    int64_t rank = 32;
    double adapterScale = 1.0; ///< c = α / r
    Phi0Storage phi0 = Phi0Storage::Int8;
    bool bf16Adapters = false;
    RangeInit range = RangeInit::Lp;
    double p = 4.0;
    bool weightCheckpointing = true;
};

class LrQatLinear : public LinearBase {
public:
    /// From a full-precision layer: s0 by the symmetric range search, Φ0 = clamp(W0 / s0),
    /// A = 0, B Kaiming-uniform drawn from `generator` (a CPU generator).
    LrQatLinear(LinearBase& dense, const QuantSpec& spec, const LrQatLayerOptions& options,
                at::Generator& generator);

    // x: (..., in) -> (..., out)
    torch::Tensor forward(const torch::Tensor& x) override;
    /// ŵ (out, in) in the compute dtype, without gradient.
    torch::Tensor effectiveWeight() override;
    std::optional<torch::Tensor> bias() const override;

    /// The merged frozen layer: codes = clamp(round(Φ0 + c·A·B)) + 2^(N-1), zero 2^(N-1),
    /// the current step sizes; it computes exactly what forward() computes.
    std::shared_ptr<FrozenQuantLinear> merge() const;

    /// The clamped integers round(Φ0 + c·A·B) as float32 (out, in), without gradient.
    torch::Tensor integers() const;

    const QuantSpec& spec() const { return m_spec; }
    double adapterScale() const { return m_c; }

    torch::Tensor phi0;       // (out, in) as stored
    torch::Tensor a;          // (out, r), parameter
    torch::Tensor b;          // (r, in), parameter
    torch::Tensor scale;      // (out, ngroups) float32, parameter
    torch::Tensor biasTensor; // (out) or undefined

private:
    QuantSpec m_spec;
    quant::GroupLayout m_layout;
    double m_c;
    bool m_checkpointing;
    torch::ScalarType m_dtype;
};

} // namespace qat
