// SPDX-License-Identifier: GPL-3.0-or-later
#include "quant/FakeQuant.h"

#include <string>

namespace qat::quant {

using torch::Tensor;
using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

GroupLayout groupLayout(int64_t in, int64_t groupSize) {
    TORCH_CHECK(in > 0, "quantizer: input dimension must be positive, got ", in);
    GroupLayout l;
    l.in = in;
    l.group = (groupSize <= 0 || groupSize >= in) ? in : groupSize;
    l.ngroups = (in + l.group - 1) / l.group;
    return l;
}

// t: (out, in) -> (out, ngroups, group), the ragged tail padded with zeros
Tensor toGroups(const Tensor& t, const GroupLayout& l) {
    const int64_t out = t.size(0);
    if (!l.ragged()) return t.reshape({out, l.ngroups, l.group});
    return torch::constant_pad_nd(t, {0, l.ngroups * l.group - l.in}, 0).view({out, l.ngroups, l.group});
}

// t: (out, ngroups, group) -> (out, in), padding dropped
Tensor fromGroups(const Tensor& t, const GroupLayout& l) {
    const int64_t out = t.size(0);
    if (!l.ragged()) return t.reshape({out, l.in});
    return t.reshape({out, l.ngroups * l.group}).narrow(1, 0, l.in).contiguous();
}

namespace {

void checkArgs(const Tensor& w, const Tensor& s, const Tensor& z, int bits, const GroupLayout& l) {
    TORCH_CHECK(bits >= 2 && bits <= 8, "quantizer: bits must be between 2 and 8, got ", bits);
    TORCH_CHECK(w.dim() == 2, "quantizer: weight must be (out, in), got ", w.sizes());
    const std::vector<int64_t> expected{w.size(0), l.ngroups};
    TORCH_CHECK(s.sizes() == expected, "quantizer: scale must be ", expected, ", got ", s.sizes());
    TORCH_CHECK(z.sizes() == expected, "quantizer: zero must be ", expected, ", got ", z.sizes());
    TORCH_CHECK(s.scalar_type() == w.scalar_type() && z.scalar_type() == w.scalar_type(),
                "quantizer: weight, scale and zero must share a dtype");
}

// The forward's intermediate values, grouped. wg: (out, ngroups, group); sc, zr: (out, ngroups, 1)
struct Forward {
    Tensor sc, zr, x, q, qc;
};

Forward computeForward(const Tensor& wg, const Tensor& s, const Tensor& z, int bits) {
    Forward f;
    f.sc = effectiveScale(s).unsqueeze(-1);
    f.zr = effectiveZero(z, bits).unsqueeze(-1);
    f.x = wg / f.sc;
    f.q = torch::round(f.x) + f.zr;
    f.qc = torch::clamp(f.q, 0, static_cast<double>(maxCode(bits)));
    return f;
}

class FakeQuantFn : public torch::autograd::Function<FakeQuantFn> {
public:
    // w: (out, in); s, z: (out, ngroups) -> (out, in)
    static Tensor forward(AutogradContext* ctx, const Tensor& w, const Tensor& s, const Tensor& z,
                          int64_t bits, int64_t groupSize) {
        const GroupLayout l = groupLayout(w.size(1), groupSize);
        const Forward f = computeForward(toGroups(w, l), s, z, static_cast<int>(bits));
        ctx->save_for_backward({w, s, z});
        ctx->saved_data["bits"] = bits;
        ctx->saved_data["group"] = groupSize;
        return fromGroups((f.qc - f.zr) * f.sc, l);
    }

    // grads[0]: (out, in) -> gradients of w (out, in), s and z (out, ngroups)
    static variable_list backward(AutogradContext* ctx, variable_list grads) {
        const auto saved = ctx->get_saved_variables();
        const Tensor& w = saved[0];
        const Tensor& s = saved[1];
        const Tensor& z = saved[2];
        const int bits = static_cast<int>(ctx->saved_data["bits"].toInt());
        const GroupLayout l = groupLayout(w.size(1), ctx->saved_data["group"].toInt());
        const Forward f = computeForward(toGroups(w, l), s, z, bits);
        // Padded positions get a zero gradient, so they add nothing to the group sums below.
        const Tensor g = toGroups(grads[0].to(w.scalar_type()), l);
        const Tensor inRange = (f.q >= 0).logical_and_(f.q <= static_cast<double>(maxCode(bits)));

        Tensor gw, gs, gz;
        // dŵ/dw = 1 where the code is not clipped (s · 1/s through the straight-through round).
        if (ctx->needs_input_grad(0)) gw = fromGroups(g * inRange, l);
        // dŵ/ds' = (qc - z') - [in range] · w / s'   (the clamp of s is straight-through).
        // In range qc - z' = round(x), and round(x) - x is exact in floating point: computed
        // that way the terms do not cancel (they would at 8 bits, where both are up to 255).
        if (ctx->needs_input_grad(1)) {
            const Tensor rx = torch::round(f.x);
            gs = (g * torch::where(inRange, rx - f.x, f.qc - f.zr)).sum(-1);
        }
        // dŵ/dz' = -s' where the code is clipped, 0 inside (round and clamp of z straight-through)
        if (ctx->needs_input_grad(2)) gz = -(g * inRange.logical_not()).sum(-1) * f.sc.squeeze(-1);
        return {gw, gs, gz, Tensor(), Tensor()};
    }
};

Tensor roundSte(const Tensor& x) {
    return (torch::round(x) - x).detach() + x;
}
Tensor clampSte(const Tensor& x, double lo, double hi) {
    return (torch::clamp(x, lo, hi) - x).detach() + x;
}

} // namespace

Tensor effectiveScale(const Tensor& s) {
    return torch::clamp(s.detach(), kScaleMin, kScaleMax);
}
Tensor effectiveZero(const Tensor& z, int bits) {
    return torch::clamp(torch::round(z.detach()), 0, static_cast<double>(maxCode(bits)));
}

ScaleZero minMaxInit(const Tensor& w, int bits, int64_t groupSize) {
    torch::NoGradGuard noGrad;
    TORCH_CHECK(w.dim() == 2, "quantizer: weight must be (out, in), got ", w.sizes());
    const GroupLayout l = groupLayout(w.size(1), groupSize);
    const int64_t out = w.size(0);
    const Tensor wd = w.detach();
    Tensor lo, hi;
    if (!l.ragged()) {
        const Tensor wg = wd.reshape({out, l.ngroups, l.group});
        lo = wg.amin(-1);
        hi = wg.amax(-1);
    } else { // full groups, then the shorter tail of each row
        const int64_t full = (l.ngroups - 1) * l.group;
        const Tensor wg = wd.narrow(1, 0, full).reshape({out, l.ngroups - 1, l.group});
        const Tensor tail = wd.narrow(1, full, l.tail());
        lo = torch::cat({wg.amin(-1), tail.amin(-1, true)}, 1);
        hi = torch::cat({wg.amax(-1), tail.amax(-1, true)}, 1);
    }
    ScaleZero r;
    r.scale = ((hi - lo) / static_cast<double>(maxCode(bits))).clamp(kScaleMin, kScaleMax);
    r.zero = torch::round(torch::clamp(-(lo / r.scale), kZeroMin, kZeroMax));
    return r;
}

Tensor fakeQuantize(const Tensor& w, const Tensor& s, const Tensor& z, int bits, int64_t groupSize) {
    checkArgs(w, s, z, bits, groupLayout(w.size(1), groupSize));
    return FakeQuantFn::apply(w, s, z, static_cast<int64_t>(bits), groupSize);
}

Tensor fakeQuantizeReference(const Tensor& w, const Tensor& s, const Tensor& z, int bits, int64_t groupSize) {
    const GroupLayout l = groupLayout(w.size(1), groupSize);
    checkArgs(w, s, z, bits, l);
    // Column j of a row belongs to group j / group: expand s and z to (out, in).
    const Tensor column = torch::arange(l.in, torch::TensorOptions().dtype(torch::kLong).device(w.device()));
    const Tensor index = torch::div(column, l.group, "floor");
    const Tensor sc = clampSte(s, kScaleMin, kScaleMax).index_select(1, index);
    const Tensor zr = clampSte(roundSte(z), 0, static_cast<double>(maxCode(bits))).index_select(1, index);
    Tensor q = roundSte(w / sc) + zr;
    q = torch::clamp(q, 0, static_cast<double>(maxCode(bits)));
    return (q - zr) * sc;
}

Tensor quantizeCodes(const Tensor& w, const Tensor& s, const Tensor& z, int bits, int64_t groupSize) {
    torch::NoGradGuard noGrad;
    const GroupLayout l = groupLayout(w.size(1), groupSize);
    checkArgs(w, s, z, bits, l);
    const Forward f = computeForward(toGroups(w.detach(), l), s, z, bits);
    return fromGroups(f.qc, l).to(torch::kUInt8);
}

Tensor dequantize(const Tensor& codes, const Tensor& scale, const Tensor& zero, int64_t groupSize) {
    torch::NoGradGuard noGrad;
    TORCH_CHECK(codes.dim() == 2 && codes.scalar_type() == torch::kUInt8,
                "dequantize: codes must be (out, in) uint8");
    const GroupLayout l = groupLayout(codes.size(1), groupSize);
    const std::vector<int64_t> expected{codes.size(0), l.ngroups};
    TORCH_CHECK(scale.sizes() == expected && zero.sizes() == expected, "dequantize: scale and zero must be ",
                expected, ", got ", scale.sizes(), " and ", zero.sizes());
    const Tensor sc = effectiveScale(scale).unsqueeze(-1);
    // Frozen zero points are already integers in the code range.
    const Tensor zr = torch::round(zero.to(scale.scalar_type())).unsqueeze(-1);
    const Tensor c = toGroups(codes.to(scale.scalar_type()), l);
    return fromGroups((c - zr) * sc, l);
}

ScaleZero symmetricInit(const Tensor& w, int bits, int64_t groupSize, RangeInit range, double p) {
    torch::NoGradGuard noGrad;
    TORCH_CHECK(w.dim() == 2, "quantizer: weight must be (out, in), got ", w.sizes());
    TORCH_CHECK(bits >= 2 && bits <= 8, "quantizer: bits must be between 2 and 8, got ", bits);
    TORCH_CHECK(p > 0.0, "quantizer: the Lp norm's p must be positive, got ", p);
    const GroupLayout l = groupLayout(w.size(1), groupSize);
    const Tensor wg = toGroups(w.detach().to(torch::kFloat32), l); // padding is 0 and quantizes to 0 exactly
    const double lo = static_cast<double>(symmetricMin(bits)), hi = static_cast<double>(symmetricMax(bits));
    const Tensor amax = wg.abs().amax(-1);                       // (out, ngroups)
    const Tensor full = (amax / hi).clamp(kScaleMin, kScaleMax); // the min-max step: no weight clipped
    Tensor best = full;
    if (range == RangeInit::Lp) {
        Tensor bestError;
        for (int k = kLpCandidates; k >= 1; --k) {
            const double ratio = kLpSmallestRatio + (1.0 - kLpSmallestRatio) * (k - 1) / (kLpCandidates - 1);
            const Tensor s = (full * ratio).clamp(kScaleMin, kScaleMax).unsqueeze(-1);
            const Tensor err = (torch::clamp(torch::round(wg / s), lo, hi) * s - wg).abs_().pow_(p).sum(-1);
            if (!bestError.defined()) {
                bestError = err;
                best = s.squeeze(-1);
            } else {
                // Strictly better only: ties keep the larger step (fewer clipped weights).
                const Tensor better = err < bestError;
                bestError = torch::where(better, err, bestError);
                best = torch::where(better, s.squeeze(-1), best);
            }
        }
    }
    ScaleZero r;
    r.scale = best.to(w.scalar_type());
    r.zero = torch::full_like(r.scale, static_cast<double>(symmetricZero(bits)));
    return r;
}

double lpError(const Tensor& w, const Tensor& scale, int bits, int64_t groupSize, double p) {
    torch::NoGradGuard noGrad;
    const GroupLayout l = groupLayout(w.size(1), groupSize);
    const Tensor wg = toGroups(w.detach().to(torch::kFloat32), l);
    const Tensor s = effectiveScale(scale.to(torch::kFloat32)).unsqueeze(-1);
    const Tensor q = torch::clamp(torch::round(wg / s), static_cast<double>(symmetricMin(bits)),
                                  static_cast<double>(symmetricMax(bits)));
    return (q * s - wg).abs().pow(p).sum().item<double>();
}

} // namespace qat::quant
