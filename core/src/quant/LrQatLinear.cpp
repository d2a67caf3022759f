// SPDX-License-Identifier: GPL-3.0-or-later
#include "quant/LrQatLinear.h"

#include <cmath>

namespace qat {

using torch::Tensor;
using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

Tensor storePhi0(const Tensor& phi, int bits, Phi0Storage storage) {
    torch::NoGradGuard noGrad;
    switch (storage) {
    case Phi0Storage::Float32:
        return phi.to(torch::kFloat32).clone();
    case Phi0Storage::BFloat16:
        return phi.to(torch::kBFloat16);
    case Phi0Storage::Int8:
        break;
    }
    const int64_t m = phi0FixedPointSteps(bits);
    const Tensor q = torch::round(phi);
    Tensor f = torch::round(phi * static_cast<double>(m));
    if (m > 1) {
        // Keep the fixed-point value strictly inside round(Φ0)'s interval, so that it rounds to
        // the same integer whatever the tie rule: at most one fixed-point step from Φ0.
        const Tensor qm = q * static_cast<double>(m);
        f = torch::max(torch::min(f, qm + static_cast<double>(m / 2 - 1)),
                       qm - static_cast<double>(m / 2 - 1));
    }
    return f.clamp(-128, 127).to(torch::kInt8);
}

Tensor loadPhi0(const Tensor& stored, int bits) {
    if (stored.scalar_type() == torch::kInt8)
        return stored.to(torch::kFloat32) / static_cast<double>(phi0FixedPointSteps(bits));
    return stored.to(torch::kFloat32);
}

namespace {

struct Rebuilt {
    Tensor qc;   // (out, ngroups, group) clamped integers, float32
    Tensor sc;   // (out, ngroups, 1) s', float32
    Tensor mask; // (out, ngroups, group) integer inside the range (before the clamp)
};

// The weight's integers and step sizes from Φ0, A, B and s, grouped.
Rebuilt rebuild(const Tensor& phi0, const Tensor& a, const Tensor& b, const Tensor& s, int bits,
                const quant::GroupLayout& l, double c, bool withMask) {
    const Tensor m = torch::addmm(loadPhi0(phi0, bits), a.to(torch::kFloat32), b.to(torch::kFloat32), 1.0, c);
    const Tensor q = quant::toGroups(torch::round(m), l);
    const double lo = static_cast<double>(quant::symmetricMin(bits));
    const double hi = static_cast<double>(quant::symmetricMax(bits));
    Rebuilt r;
    if (withMask) r.mask = (q >= lo).logical_and_(q <= hi);
    r.qc = torch::clamp(q, lo, hi);
    r.sc = quant::effectiveScale(s.to(torch::kFloat32)).unsqueeze(-1);
    return r;
}

// ŵ = s' · qc in float32, then the compute dtype; (out, in)
Tensor weightOf(const Rebuilt& r, const quant::GroupLayout& l, torch::ScalarType dtype) {
    return quant::fromGroups(r.qc * r.sc, l).to(dtype);
}

// y = x ŵᵀ with ŵ rebuilt in the backward from Φ0, A, B and s instead of kept.
class LrQatLinearFn : public torch::autograd::Function<LrQatLinearFn> {
public:
    // x: (..., in); a: (out, r); b: (r, in); s: (out, ngroups); phi0: (out, in)
    static Tensor forward(AutogradContext* ctx, const Tensor& x, const Tensor& a, const Tensor& b,
                          const Tensor& s, const Tensor& phi0, int64_t bits, int64_t groupSize, double c) {
        const quant::GroupLayout l = quant::groupLayout(phi0.size(1), groupSize);
        const Tensor w =
            weightOf(rebuild(phi0, a, b, s, static_cast<int>(bits), l, c, false), l, x.scalar_type());
        ctx->save_for_backward({x, a, b, s, phi0});
        ctx->saved_data["bits"] = bits;
        ctx->saved_data["group"] = groupSize;
        ctx->saved_data["c"] = c;
        return torch::nn::functional::linear(x, w);
    }

    // grads[0]: (..., out) -> gradients of x, a, b and s
    static variable_list backward(AutogradContext* ctx, variable_list grads) {
        const auto saved = ctx->get_saved_variables();
        const Tensor& x = saved[0];
        const Tensor& a = saved[1];
        const Tensor& b = saved[2];
        const Tensor& s = saved[3];
        const Tensor& phi0 = saved[4];
        const int bits = static_cast<int>(ctx->saved_data["bits"].toInt());
        const quant::GroupLayout l = quant::groupLayout(phi0.size(1), ctx->saved_data["group"].toInt());
        const double c = ctx->saved_data["c"].toDouble();
        const Rebuilt r = rebuild(phi0, a, b, s, bits, l, c, true);
        const Tensor g = grads[0];
        const int64_t out = phi0.size(0), in = phi0.size(1);

        Tensor gx, ga, gb, gs;
        if (ctx->needs_input_grad(0)) gx = g.matmul(weightOf(r, l, x.scalar_type()));
        if (ctx->needs_input_grad(1) || ctx->needs_input_grad(2) || ctx->needs_input_grad(3)) {
            // dL/dŵ (out, in) in float32, grouped
            const Tensor gw =
                quant::toGroups(g.reshape({-1, out}).t().matmul(x.reshape({-1, in})).to(torch::kFloat32), l);
            if (ctx->needs_input_grad(3)) gs = (gw * r.qc).sum(-1); // dŵ/ds' = the integer
            if (ctx->needs_input_grad(1) || ctx->needs_input_grad(2)) {
                const Tensor gm = quant::fromGroups(gw * r.sc * r.mask, l); // dL/d(Φ0 + c·A·B)
                if (ctx->needs_input_grad(1))
                    ga = gm.matmul(b.to(torch::kFloat32).t()).mul_(c).to(a.scalar_type());
                if (ctx->needs_input_grad(2))
                    gb = a.to(torch::kFloat32).t().matmul(gm).mul_(c).to(b.scalar_type());
            }
        }
        return {gx, ga, gb, gs, Tensor(), Tensor(), Tensor(), Tensor()};
    }
};

Tensor roundSte(const Tensor& x) {
    return (torch::round(x) - x).detach() + x;
}

} // namespace

LrQatLinear::LrQatLinear(LinearBase& dense, const QuantSpec& spec, const LrQatLayerOptions& o,
                         at::Generator& generator)
    : LinearBase(dense.inFeatures(), dense.outFeatures()), m_spec(spec),
      m_layout(quant::groupLayout(dense.inFeatures(), spec.groupSize)), m_c(o.adapterScale),
      m_checkpointing(o.weightCheckpointing) {
    TORCH_CHECK(o.rank >= 1, "LR-QAT: rank must be at least 1, got ", o.rank);
    torch::NoGradGuard noGrad;
    const Tensor w = dense.effectiveWeight().detach();
    m_dtype = w.scalar_type();
    const Tensor w32 = w.to(torch::kFloat32);
    const quant::ScaleZero sz = quant::symmetricInit(w32, spec.bits, spec.groupSize, o.range, o.p);
    const Tensor s0 = quant::effectiveScale(sz.scale);
    const Tensor phi = quant::fromGroups(quant::toGroups(w32, m_layout) / s0.unsqueeze(-1), m_layout)
                           .clamp(static_cast<double>(quant::symmetricMin(spec.bits)),
                                  static_cast<double>(quant::symmetricMax(spec.bits)));
    phi0 = register_buffer("phi0", storePhi0(phi, spec.bits, o.phi0));
    const auto adapterType = o.bf16Adapters ? torch::kBFloat16 : torch::kFloat32;
    const auto options = torch::TensorOptions().dtype(adapterType).device(w.device());
    a = register_parameter("a", torch::zeros({m_out, o.rank}, options));
    // Kaiming-uniform with a = √5 (as torch.nn.Linear's weight): U(-1/√in, 1/√in).
    const double bound = 1.0 / std::sqrt(static_cast<double>(m_in));
    const Tensor u = torch::rand({o.rank, m_in}, generator, torch::TensorOptions().dtype(torch::kFloat32));
    b = register_parameter("b", ((u * 2.0 - 1.0) * bound).to(options));
    scale = register_parameter("scale", s0.to(torch::kFloat32).clone());
    if (const auto bias = dense.bias()) biasTensor = register_buffer("bias", bias->detach());
}

Tensor LrQatLinear::integers() const {
    torch::NoGradGuard noGrad;
    return quant::fromGroups(rebuild(phi0, a, b, scale, m_spec.bits, m_layout, m_c, false).qc, m_layout);
}

Tensor LrQatLinear::effectiveWeight() {
    torch::NoGradGuard noGrad;
    return weightOf(rebuild(phi0, a, b, scale, m_spec.bits, m_layout, m_c, false), m_layout, m_dtype);
}

Tensor LrQatLinear::forward(const Tensor& x) {
    if (m_checkpointing) {
        const Tensor y = LrQatLinearFn::apply(x, a, b, scale, phi0, static_cast<int64_t>(m_spec.bits),
                                              m_spec.groupSize, m_c);
        return biasTensor.defined() ? y + biasTensor : y;
    }
    // The plain composition: autograd keeps the (out, in) intermediates and ŵ.
    const double lo = static_cast<double>(quant::symmetricMin(m_spec.bits));
    const double hi = static_cast<double>(quant::symmetricMax(m_spec.bits));
    const Tensor m =
        torch::addmm(loadPhi0(phi0, m_spec.bits), a.to(torch::kFloat32), b.to(torch::kFloat32), 1.0, m_c);
    const Tensor q = torch::clamp(quant::toGroups(roundSte(m), m_layout), lo, hi);
    const Tensor sc = (torch::clamp(scale, quant::kScaleMin, quant::kScaleMax) - scale).detach() + scale;
    const Tensor w = quant::fromGroups(q * sc.unsqueeze(-1), m_layout).to(x.scalar_type());
    return biasTensor.defined() ? torch::nn::functional::linear(x, w, biasTensor)
                                : torch::nn::functional::linear(x, w);
}

std::optional<torch::Tensor> LrQatLinear::bias() const {
    if (biasTensor.defined()) return biasTensor;
    return std::nullopt;
}

std::shared_ptr<FrozenQuantLinear> LrQatLinear::merge() const {
    torch::NoGradGuard noGrad;
    const double z = static_cast<double>(quant::symmetricZero(m_spec.bits));
    const Tensor codes = (integers() + z).to(torch::kUInt8);
    const Tensor s = quant::effectiveScale(scale.detach()).to(torch::kFloat32).clone();
    return std::make_shared<FrozenQuantLinear>(codes, s, torch::full_like(s, z), biasTensor, m_spec, m_dtype);
}

} // namespace qat
