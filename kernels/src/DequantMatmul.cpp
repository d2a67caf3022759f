// SPDX-License-Identifier: GPL-3.0-or-later
// dequantMatmul (PackedOps.h): the front end, which validates and dispatches by device
// (Dispatch.h), and the CPU implementation: y = x @ Ŵᵀ straight from the packed layout, never
// holding all of Ŵ.
//
// Two paths, by the number of rows m of x:
//  - m <= kFusedMaxRows (decode): tiles of output columns in parallel (at::parallel_for); a tile
//    is walked in register tiles of m × 64/m columns (64 / 32 / 16 / 8 columns for 1 / 2 / 3-4 /
//    5-8 rows): per input row, the tile's weights are unpacked and dequantized in registers and
//    multiply-added into accumulators that stay in registers over the whole input dimension.
//    Columns left over go through a row buffer. Pure loops, no BLAS, no weight buffer.
//  - larger m (prefill, perplexity): slabs of input rows, one after another; each slab of Ŵᵀ
//    (at most kSlabFloats floats) is dequantized in parallel, then the BLAS adds x[:, slab] @ slab
//    into y. The BLAS is called outside any parallel region, so it can use every thread itself.

#include "Dequant.h"
#include "Dispatch.h"
#include "qat/kernels/PackedOps.h"

#include <ATen/Parallel.h>

#include <algorithm>

namespace qat::kernels {
namespace {

constexpr int64_t kFusedTile = 128; ///< output columns per parallel task, fused path
constexpr int64_t kMinSlabRows = 32;

#if defined(__GNUC__)
#define QAT_KERNELS_INLINE inline __attribute__((always_inline))
#else
#define QAT_KERNELS_INLINE inline
#endif

/// Columns of a register tile for M rows of x: M × COLS float accumulators, 64 in all (eight
/// 256-bit registers), so that they stay in registers across the whole input dimension.
constexpr int registerColumns(int m) {
    return m == 1 ? 64 : m == 2 ? 32 : m <= 4 ? 16 : 8;
}

/// y[r][c0 + c] = Σ_k x[r][k] · Ŵᵀ[k][c0 + c] for c < COLS, rows r < M: one register tile. Per
/// input row k, the COLS weights are unpacked and dequantized exactly as dequantRow() does,
/// then multiply-added into the accumulators; nothing is stored until the end. The same
/// arithmetic in the same order as the row-buffer loop (fusedColumns), so the same result.
template <int M, int COLS>
QAT_KERNELS_INLINE void registerTile(const detail::PreparedWeight& w, const float* x, int64_t c0, float* y) {
    const int64_t in = w.shape.in, out = w.shape.out, group = w.group;
    const int bits = w.bits;
    const uint32_t mask = layout::valueMask(bits);
    float acc[M][COLS] = {};
    for (int64_t g0 = 0; g0 < in; g0 += group) {
        const int64_t g = g0 / group;
        const float* __restrict z = w.zeroData + g * out + c0;
        const float* __restrict s = w.scaleData + g * out + c0;
        for (int64_t k = g0; k < g0 + group; ++k) {
            const layout::BitPosition pos = layout::bitPosition(k, bits);
            const uint32_t* __restrict lo = w.words + pos.word * out + c0;
            const int shift = pos.shift;
            float wv[COLS];
            if (pos.straddles) {
                const uint32_t* __restrict hi = lo + out;
                const int up = layout::kWordBits - shift;
#pragma GCC unroll 64
                for (int c = 0; c < COLS; ++c)
                    wv[c] =
                        (static_cast<float>(static_cast<int32_t>(((lo[c] >> shift) | (hi[c] << up)) & mask)) -
                         z[c]) *
                        s[c];
            } else {
#pragma GCC unroll 64
                for (int c = 0; c < COLS; ++c)
                    wv[c] = (static_cast<float>(static_cast<int32_t>((lo[c] >> shift) & mask)) - z[c]) * s[c];
            }
#pragma GCC unroll 8
            for (int r = 0; r < M; ++r) {
                const float xv = x[r * in + k];
#pragma GCC unroll 64
                for (int c = 0; c < COLS; ++c)
                    acc[r][c] += xv * wv[c];
            }
        }
    }
    for (int r = 0; r < M; ++r)
        std::copy(acc[r], acc[r] + COLS, y + r * out + c0);
}

/// Columns [c0, c1), at most kFusedTile, through a row buffer: the general loop, for the
/// columns left over after the register tiles. x: (m, in) float32 contiguous, m <= kFusedMaxRows;
/// y: (m, out) float32.
QAT_KERNELS_INLINE void fusedColumns(const detail::PreparedWeight& w, const float* x, int64_t m, int64_t c0,
                                     int64_t c1, float* y) {
    const int64_t in = w.shape.in, out = w.shape.out, n = c1 - c0;
    alignas(64) float acc[kFusedMaxRows][kFusedTile] = {};
    alignas(64) float row[kFusedTile];
    for (int64_t k = 0; k < in; ++k) {
        detail::dequantRow(w, k, c0, c1, row);
        for (int64_t r = 0; r < m; ++r) {
            const float xv = x[r * in + k];
            float* __restrict a = acc[r];
            const float* __restrict wr = row;
            for (int64_t c = 0; c < n; ++c)
                a[c] += xv * wr[c];
        }
    }
    for (int64_t r = 0; r < m; ++r)
        std::copy(acc[r], acc[r] + n, y + r * out + c0);
}

static_assert(kFusedTile % registerColumns(1) == 0 && registerColumns(kFusedMaxRows) * kFusedMaxRows <= 64);

template <int M>
QAT_KERNELS_INLINE void tileRows(const detail::PreparedWeight& w, const float* x, int64_t c0, int64_t c1,
                                 float* y) {
    constexpr int64_t cols = registerColumns(M);
    int64_t c = c0;
    for (; c + cols <= c1; c += cols)
        registerTile<M, cols>(w, x, c, y);
    if (c < c1) fusedColumns(w, x, M, c, c1, y);
}

/// One parallel task: columns [c0, c1) for m rows of x, register tiles then the rest.
QAT_KERNELS_MULTIVERSION
void fusedTile(const detail::PreparedWeight& w, const float* x, int64_t m, int64_t c0, int64_t c1, float* y) {
    switch (m) {
    case 1:
        tileRows<1>(w, x, c0, c1, y);
        break;
    case 2:
        tileRows<2>(w, x, c0, c1, y);
        break;
    case 3:
        tileRows<3>(w, x, c0, c1, y);
        break;
    case 4:
        tileRows<4>(w, x, c0, c1, y);
        break;
    case 5:
        tileRows<5>(w, x, c0, c1, y);
        break;
    case 6:
        tileRows<6>(w, x, c0, c1, y);
        break;
    case 7:
        tileRows<7>(w, x, c0, c1, y);
        break;
    default:
        tileRows<8>(w, x, c0, c1, y);
        break;
    }
}

/// x: (m, in) float32 contiguous; y: (m, out) float32 contiguous, overwritten.
void fused(const detail::PreparedWeight& w, const torch::Tensor& x, torch::Tensor& y) {
    const int64_t m = x.size(0), out = w.shape.out;
    const float* xd = x.data_ptr<float>();
    float* yd = y.data_ptr<float>();
    const int64_t tiles = (out + kFusedTile - 1) / kFusedTile;
    at::parallel_for(0, tiles, 1, [&](int64_t t0, int64_t t1) {
        for (int64_t t = t0; t < t1; ++t)
            fusedTile(w, xd, m, t * kFusedTile, std::min(out, (t + 1) * kFusedTile), yd);
    });
}

/// x: (m, in) float32; y: (m, out) float32 contiguous, overwritten.
void blocked(const detail::PreparedWeight& w, const torch::Tensor& x, torch::Tensor& y) {
    const int64_t in = w.shape.in, out = w.shape.out;
    const int64_t slabRows = std::min(in, std::max(kMinSlabRows, kSlabFloats / out));
    torch::Tensor slab = torch::empty({slabRows, out}, torch::kFloat);
    float* sd = slab.data_ptr<float>();
    const int64_t grain = std::max<int64_t>(1, 16384 / out);
    for (int64_t k0 = 0; k0 < in; k0 += slabRows) {
        const int64_t k1 = std::min(in, k0 + slabRows);
        at::parallel_for(k0, k1, grain,
                         [&](int64_t a, int64_t b) { detail::dequantRows(w, a, b, sd + (a - k0) * out); });
        const torch::Tensor block = slab.narrow(0, 0, k1 - k0);
        const torch::Tensor xs = x.narrow(1, k0, k1 - k0);
        if (k0 == 0)
            at::mm_out(y, xs, block);
        else
            y.addmm_(xs, block);
    }
}

} // namespace

namespace detail {

torch::Tensor cpuMatmul(const torch::Tensor& x, const PreparedPacked& weight) {
    const PreparedWeight& w = *weight.cpu();
    const torch::Tensor x2 =
        x.scalar_type() == torch::kFloat ? x.contiguous() : x.to(torch::kFloat).contiguous();
    torch::Tensor y = torch::empty({x2.size(0), w.shape.out}, torch::kFloat);
    if (x2.size(0) <= kFusedMaxRows)
        fused(w, x2, y);
    else
        blocked(w, x2, y);
    return x.scalar_type() == torch::kFloat ? y : y.to(x.scalar_type());
}

const PackedBackend& cpuBackend() {
    static const PackedBackend backend{"cpu", &cpuDequantize, &cpuMatmul};
    return backend;
}

} // namespace detail

namespace {

/// Checks x against a validated weight; returns it as (m, in).
torch::Tensor checkedRows(const torch::Tensor& x, const PackedShape& shape, const torch::Tensor& scales,
                          const c10::Device& device) {
    constexpr const char* what = "dequantMatmul";
    TORCH_CHECK(x.defined() && x.dim() >= 1, what, ": x must have at least one dimension");
    TORCH_CHECK(x.scalar_type() == torch::kFloat || x.scalar_type() == torch::kBFloat16 ||
                    x.scalar_type() == torch::kHalf,
                what, ": x must be float32, bfloat16 or float16, got ", x.scalar_type());
    TORCH_CHECK(
        !torch::GradMode::is_enabled() || (!x.requires_grad() && !scales.requires_grad()), what,
        " has no backward: call it under torch::NoGradGuard, or use dequantize() and matmul to train");
    TORCH_CHECK(x.device() == device, what, ": x is on ", x.device(), " but the packed weight on ", device);
    TORCH_CHECK(x.size(-1) == shape.in, what, ": x shape ", x.sizes(), " does not end in in = ", shape.in,
                " features of the packed weight");
    return x.reshape({-1, shape.in});
}

torch::Tensor multiply(const torch::Tensor& x, const torch::Tensor& x2, const PreparedPacked& weight) {
    std::vector<int64_t> outSizes = x.sizes().vec();
    outSizes.back() = weight.shape().out;
    if (x2.size(0) == 0) return torch::empty(outSizes, x.options());
    const detail::PackedBackend& backend = detail::backendFor(x.device(), "dequantMatmul");
    return backend.matmul(x2, weight).reshape(outSizes);
}

} // namespace

PreparedPacked preparePacked(const torch::Tensor& qweight, const torch::Tensor& qzeros,
                             const torch::Tensor& scales, int bits, int64_t group) {
    PreparedPacked p;
    p.m_shape = checkPacked(qweight, qzeros, scales, bits, group);
    // Own handles on the storages: a layer's buffer may later be given new data (Module::to uses
    // set_data), and the CPU form's raw pointers must stay valid until this is dropped.
    p.m_qweight = qweight.detach();
    p.m_qzeros = qzeros.detach();
    p.m_scales = scales.detach();
    p.m_versions[0] = qweight._version();
    p.m_versions[1] = qzeros._version();
    p.m_versions[2] = scales._version();
    p.m_bits = bits;
    p.m_group = group;
    if (qweight.device().is_cpu())
        p.m_cpu = std::make_shared<const detail::PreparedWeight>(
            detail::prepareWeight(p.m_qweight, p.m_qzeros, p.m_scales, bits, group));
    return p;
}

bool PreparedPacked::isFor(const torch::Tensor& qweight, const torch::Tensor& qzeros,
                           const torch::Tensor& scales, int bits, int64_t group) const {
    const auto same = [](const torch::Tensor& held, const torch::Tensor& t, uint32_t version) {
        return t.defined() && t.data_ptr() == held.data_ptr() && t.device() == held.device() &&
               t.scalar_type() == held.scalar_type() && t.sizes() == held.sizes() &&
               t.strides() == held.strides() && t._version() == version;
    };
    return defined() && m_bits == bits && m_group == group && same(m_qweight, qweight, m_versions[0]) &&
           same(m_qzeros, qzeros, m_versions[1]) && same(m_scales, scales, m_versions[2]);
}

torch::Tensor dequantMatmul(const torch::Tensor& x, const torch::Tensor& qweight, const torch::Tensor& qzeros,
                            const torch::Tensor& scales, int bits, int64_t group) {
    return dequantMatmul(x, preparePacked(qweight, qzeros, scales, bits, group));
}

torch::Tensor dequantMatmul(const torch::Tensor& x, const PreparedPacked& weight) {
    TORCH_CHECK(weight.defined(), "dequantMatmul: the prepared weight is empty");
    const torch::Tensor x2 = checkedRows(x, weight.shape(), weight.scales(), weight.qweight().device());
    return multiply(x, x2, weight);
}

} // namespace qat::kernels
