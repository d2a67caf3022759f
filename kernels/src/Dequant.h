// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file Dequant.h
/// The CPU dequantization inner loop shared by dequantize() and dequantMatmul(). Internal.

#include "qat/kernels/PackedLayout.h"
#include "qat/kernels/PackedOps.h"

#include <torch/torch.h>

#include <cstdint>

/// Marks a hot CPU loop to be compiled twice, for x86-64-v3 (AVX2, FMA) and for the baseline,
/// the better one picked at load time (GCC / Clang function multiversioning on x86-64 ELF).
/// Define QAT_KERNELS_NO_MULTIVERSION to build the baseline only.
#if defined(__x86_64__) && defined(__ELF__) && (defined(__GNUC__) || defined(__clang__)) &&                  \
    !defined(QAT_KERNELS_NO_MULTIVERSION)
#define QAT_KERNELS_MULTIVERSION __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define QAT_KERNELS_MULTIVERSION
#endif

namespace qat::kernels::detail {

/// A validated packed weight with its zero points unpacked and its scales in float32, the
/// form the CPU loops read. Both small: (groups, out).
struct PreparedWeight {
    PackedShape shape;
    int bits = 0;
    int64_t group = 0;
    torch::Tensor qweight; ///< (in * bits / 32, out) int32, contiguous
    torch::Tensor zeros;   ///< (groups, out) float32, contiguous
    torch::Tensor scales;  ///< (groups, out) float32, contiguous
    const uint32_t* words = nullptr;
    const float* zeroData = nullptr;
    const float* scaleData = nullptr;
};

/// Checks the tensors (checkPacked) and prepares them; throws c10::Error.
PreparedWeight prepareWeight(const torch::Tensor& qweight, const torch::Tensor& qzeros,
                             const torch::Tensor& scales, int bits, int64_t group);

/// dst[c - c0] = (q[k][c] − z[g][c]) · s[g][c] for c in [c0, c1), g = k / group: one input row
/// of the transposed weight. The loop over columns is contiguous, branch-free and vectorizable.
inline void dequantRow(const PreparedWeight& w, int64_t k, int64_t c0, int64_t c1, float* dst) {
    const int64_t out = w.shape.out;
    const layout::BitPosition pos = layout::bitPosition(k, w.bits);
    const int64_t g = layout::groupOf(k, w.group);
    const uint32_t* __restrict lo = w.words + pos.word * out + c0;
    const float* __restrict z = w.zeroData + g * out + c0;
    const float* __restrict s = w.scaleData + g * out + c0;
    const uint32_t mask = layout::valueMask(w.bits);
    const int shift = pos.shift;
    const int64_t n = c1 - c0;
    float* __restrict d = dst;
    if (pos.straddles) {
        const uint32_t* __restrict hi = lo + out;
        const int up = layout::kWordBits - shift;
        for (int64_t c = 0; c < n; ++c) {
            const auto q = static_cast<int32_t>(((lo[c] >> shift) | (hi[c] << up)) & mask);
            d[c] = (static_cast<float>(q) - z[c]) * s[c];
        }
    } else {
        for (int64_t c = 0; c < n; ++c) {
            const auto q = static_cast<int32_t>((lo[c] >> shift) & mask);
            d[c] = (static_cast<float>(q) - z[c]) * s[c];
        }
    }
}

/// Dequantizes whole input rows [k0, k1) of the transposed weight into dst, (k1 − k0, out)
/// row-major. Multiversioned (PackedOps.cpp).
void dequantRows(const PreparedWeight& w, int64_t k0, int64_t k1, float* dst);

/// The CPU backend's entries (Dispatch.h): dequantize (PackedOps.cpp) and x @ Ŵᵀ
/// (DequantMatmul.cpp). Arguments as PackedBackend documents.
torch::Tensor cpuDequantize(const torch::Tensor& qweight, const torch::Tensor& qzeros,
                            const torch::Tensor& scales, int bits, int64_t group, torch::ScalarType dtype);
torch::Tensor cpuMatmul(const torch::Tensor& x, const PreparedPacked& weight);

} // namespace qat::kernels::detail
