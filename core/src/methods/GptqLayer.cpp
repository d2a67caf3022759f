// SPDX-License-Identifier: GPL-3.0-or-later
// GPTQ on one layer: dampening and Cholesky of the inverse Hessian, then the columns in order
// with lazy batch updates.
#include "methods/GptqLayer.h"

#include "qat/Status.h"
#include "quant/FakeQuant.h"

#include <algorithm>
#include <cstdio>
#include <string>

namespace qat {

namespace {

using torch::indexing::Slice;

constexpr double kDampGrowth = 10.0;
constexpr int kDampRetries = 4; // up to 1e4 times the dampening asked

std::string fraction(double v) {
    char text[32];
    std::snprintf(text, sizeof text, "%g", v);
    return text;
}

// The upper Cholesky factor of H⁻¹ after dampening, retried with more dampening when H + λI
// is not positive definite. h: (in, in) -> (in, in)
torch::Tensor inverseCholesky(const torch::Tensor& h, double damp, const std::string& name, double& used) {
    const double meanDiagonal = h.diagonal().mean().item<double>();
    for (int attempt = 0; attempt <= kDampRetries; ++attempt) {
        torch::Tensor hd = h.clone();
        hd.diagonal().add_(damp * meanDiagonal);
        auto [lower, info] = torch::linalg_cholesky_ex(hd);
        if (info.item<int64_t>() == 0) {
            auto [upper, info2] = torch::linalg_cholesky_ex(torch::cholesky_inverse(lower), /*upper=*/true);
            if (info2.item<int64_t>() == 0 && torch::isfinite(upper).all().item<bool>()) {
                used = damp;
                return upper;
            }
        }
        damp *= kDampGrowth;
    }
    fail(ErrorKind::NonFinite, name + ": the Hessian of its inputs is not positive definite even with " +
                                   fraction(damp / kDampGrowth) +
                                   " of its mean diagonal added; the calibration data may be too small or "
                                   "hold non-finite activations");
}

} // namespace

GptqLayer gptqQuantizeLayer(const torch::Tensor& weight, const torch::Tensor& hessian, const QuantSpec& spec,
                            double damp, int64_t blockSize, const std::string& name) {
    torch::NoGradGuard noGrad;
    const auto dtype = hessian.scalar_type();
    const int64_t out = weight.size(0), in = weight.size(1);
    TORCH_CHECK(hessian.dim() == 2 && hessian.size(0) == in && hessian.size(1) == in, name,
                ": the Hessian must be (", in, ", ", in, "), got ", hessian.sizes());
    const quant::GroupLayout layout = quant::groupLayout(in, spec.groupSize);
    const int64_t group = layout.group;
    const double maxq = static_cast<double>(quant::maxCode(spec.bits));

    torch::Tensor w = weight.to(dtype).clone();
    torch::Tensor h = hessian.clone();
    const torch::Tensor dead = h.diagonal() == 0;
    GptqLayer r;
    r.deadInputs = dead.sum().item<int64_t>();
    if (r.deadInputs > 0) {
        h.diagonal().masked_fill_(dead, 1.0);
        w.index_put_({Slice(), dead}, 0.0);
    }
    const torch::Tensor hinv = inverseCholesky(h, damp, name, r.damp);

    torch::Tensor codes = torch::empty({out, in}, weight.options().dtype(dtype));
    r.scale = torch::empty({out, layout.ngroups}, weight.options().dtype(dtype));
    r.zero = torch::empty({out, layout.ngroups}, weight.options().dtype(dtype));
    torch::Tensor s, z; // (out) of the current group
    for (int64_t i1 = 0; i1 < in; i1 += blockSize) {
        const int64_t i2 = std::min(i1 + blockSize, in);
        const int64_t count = i2 - i1;
        torch::Tensor w1 = w.index({Slice(), Slice(i1, i2)}).clone();
        torch::Tensor err1 = torch::zeros_like(w1);
        const torch::Tensor hinv1 = hinv.index({Slice(i1, i2), Slice(i1, i2)});
        for (int64_t i = 0; i < count; ++i) {
            const int64_t j = i1 + i;
            if (j % group == 0) {
                // The group's columns as the columns before j left them: those in this batch are
                // up to date in w1; those past it still lack this batch's updates so far.
                const int64_t g2 = std::min(j + group, in);
                torch::Tensor cols = w1.index({Slice(), Slice(i, std::min(g2, i2) - i1)});
                if (g2 > i2)
                    cols = torch::cat({cols, w.index({Slice(), Slice(i2, g2)}) -
                                                 err1.index({Slice(), Slice(0, i)})
                                                     .matmul(hinv.index({Slice(i1, j), Slice(i2, g2)}))},
                                      1);
                const quant::ScaleZero sz = quant::minMaxInit(cols, spec.bits, 0);
                s = quant::effectiveScale(sz.scale).squeeze(1);
                z = quant::effectiveZero(sz.zero, spec.bits).squeeze(1);
                r.scale.select(1, j / group).copy_(s);
                r.zero.select(1, j / group).copy_(z);
            }
            const torch::Tensor col = w1.select(1, i);
            const torch::Tensor q = torch::clamp(torch::round(col / s) + z, 0.0, maxq);
            codes.select(1, j).copy_(q);
            const torch::Tensor e = (col - (q - z) * s) / hinv1.index({i, i});
            w1.index({Slice(), Slice(i, count)})
                .sub_(e.unsqueeze(1).matmul(hinv1.index({i, Slice(i, count)}).unsqueeze(0)));
            err1.select(1, i).copy_(e);
        }
        if (i2 < in)
            w.index({Slice(), Slice(i2, in)}).sub_(err1.matmul(hinv.index({Slice(i1, i2), Slice(i2, in)})));
    }
    r.codes = codes.to(torch::kUInt8);
    return r;
}

} // namespace qat
