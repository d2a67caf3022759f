// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file PackedOps.h
/// Torch API over the packed layout (PackedLayout.h): pack / unpack of code and zero-point
/// tensors, dequantization and dequantize-and-multiply. The one kernels header that core's
/// torch code (packed layers, export) includes; it exposes torch types, so Qt code and core's
/// public headers never include it.
///
/// dequantize() and dequantMatmul() run where their tensors are: the CPU implementation (the
/// reference) or, in a build with CUDA kernels (qat/kernels/Dispatch.h), the CUDA one, picked in
/// one table (Dispatch.cpp). Pack / unpack are CPU only.
///
/// Tensors (the packed ones int32 holding uint32 bit patterns):
///   qweight (in * bits / 32, out)   qzeros (in / group, out * bits / 32)
///   scales  (in / group, out), fp16 in the layout (bf16 and fp32 are accepted too)
/// Dequantized weight, nn.Linear orientation: W (out, in), W[o][i] = (q[i][o] − z[g][o]) · s[g][o],
/// g = i / group.
///
/// Errors throw c10::Error (TORCH_CHECK) with the offending shapes in the message.

#include <torch/torch.h>

#include <cstdint>
#include <memory>

namespace qat::kernels {

/// Sizes of a validated packed weight.
struct PackedShape {
    int64_t in = 0;
    int64_t out = 0;
    int64_t groups = 0;
};

/// Checks dtypes, devices (all three on one device) and shapes of the packed tensors against the
/// layout and `group`; returns (in, out, groups). in is qweight.size(0) * 32 / bits, out is
/// qweight.size(1).
PackedShape checkPacked(const torch::Tensor& qweight, const torch::Tensor& qzeros,
                        const torch::Tensor& scales, int bits, int64_t group);

/// codes: (in, out) integer tensor with values in [0, 2^bits) → qweight (in * bits / 32, out) int32.
torch::Tensor packQWeight(const torch::Tensor& codes, int bits);
/// qweight: (in * bits / 32, out) int32 → codes (in, out) int32.
torch::Tensor unpackQWeight(const torch::Tensor& qweight, int bits);
/// zeros: (groups, out) integer tensor of raw zero points in [0, 2^bits) → qzeros (groups, out * bits / 32)
/// int32.
torch::Tensor packQZeros(const torch::Tensor& zeros, int bits);
/// qzeros: (groups, out * bits / 32) int32 → zeros (groups, out) int32.
torch::Tensor unpackQZeros(const torch::Tensor& qzeros, int bits);
/// g_idx: (in) int32, g_idx[i] = i / group.
torch::Tensor gIdxTensor(int64_t in, int64_t group);

/// The dequantized weight, materialized, on the tensors' device. Exact in float32 ((q − z) is a
/// small integer, one rounding in · s); float16 / bfloat16 are that value rounded once.
/// qweight: (in * bits / 32, out), qzeros: (in / group, out * bits / 32), scales: (in / group, out)
/// returns: (out, in) in `dtype` (float32, float16 or bfloat16), contiguous.
torch::Tensor dequantize(const torch::Tensor& qweight, const torch::Tensor& qzeros,
                         const torch::Tensor& scales, int bits, int64_t group,
                         torch::ScalarType dtype = torch::kFloat);

/// Rows of x up to which dequantMatmul fuses unpacking into the dot products: tiles of output
/// columns in parallel, one row of Ŵᵀ at a time, no weight buffer.
inline constexpr int64_t kFusedMaxRows = 8;
/// Above kFusedMaxRows, dequantMatmul dequantizes slabs of whole input rows of Ŵᵀ, at most this
/// many floats (4 MiB) but at least 32 rows each, and hands each slab to the BLAS.
inline constexpr int64_t kSlabFloats = int64_t{1} << 20;

/// y = x @ Ŵᵀ with Ŵ the dequantized (out, in) weight, on x's device (the packed tensors must be
/// on it too).
/// CPU: never materializes all of Ŵ (see kFusedMaxRows and kSlabFloats for the two paths).
/// CUDA (kernels/README.md): up to kFusedMaxRows rows of a float16 x with float16 scales, in and
/// group multiples of 32, a fused dequantize-GEMV kernel (float32 accumulation); otherwise Ŵᵀ is
/// dequantized into a temporary in x's dtype and multiplied by cuBLAS (at::matmul).
/// x: (..., in) float32, bfloat16 or float16; returns (..., out) in x's dtype (accumulated in
/// float32). Inference only: it has no backward, and refuses an x that requires grad while
/// grad mode is on (use dequantize() and torch::matmul to train through it).
torch::Tensor dequantMatmul(const torch::Tensor& x, const torch::Tensor& qweight, const torch::Tensor& qzeros,
                            const torch::Tensor& scales, int bits, int64_t group);

namespace detail {
struct PreparedWeight;
}

/// A packed weight checked once (checkPacked) and held with what its device's implementation
/// reads on every product: on the CPU, the zero points unpacked and the scales in float32. For a
/// layer that multiplies many times (a loaded packed model decodes a token with one product per
/// layer); dequantMatmul(x, qweight, …) prepares afresh on every call. Cheap to copy (shared).
class PreparedPacked {
public:
    PreparedPacked() = default;
    bool defined() const { return m_qweight.defined(); }
    const torch::Tensor& qweight() const { return m_qweight; }
    const torch::Tensor& qzeros() const { return m_qzeros; }
    const torch::Tensor& scales() const { return m_scales; }
    int bits() const { return m_bits; }
    int64_t group() const { return m_group; }
    const PackedShape& shape() const { return m_shape; }
    /// The CPU form; null unless the tensors are on the CPU.
    const detail::PreparedWeight* cpu() const { return m_cpu.get(); }
    /// Whether this was prepared from tensors with these very data (same memory, device, dtype,
    /// sizes and strides, not modified in place since: same version counters) and these bits and
    /// group. A layer re-prepares when not, e.g. after its buffers were given new data (moved to
    /// another device) or written in place.
    bool isFor(const torch::Tensor& qweight, const torch::Tensor& qzeros, const torch::Tensor& scales,
               int bits, int64_t group) const;

private:
    friend PreparedPacked preparePacked(const torch::Tensor&, const torch::Tensor&, const torch::Tensor&, int,
                                        int64_t);
    torch::Tensor m_qweight, m_qzeros, m_scales;
    uint32_t m_versions[3] = {0, 0, 0};
    int m_bits = 0;
    int64_t m_group = 0;
    PackedShape m_shape;
    std::shared_ptr<const detail::PreparedWeight> m_cpu;
};

/// Validates (as checkPacked) and prepares a packed weight for repeated products.
PreparedPacked preparePacked(const torch::Tensor& qweight, const torch::Tensor& qzeros,
                             const torch::Tensor& scales, int bits, int64_t group);

/// dequantMatmul with a prepared weight: the same result, bit for bit, without the per-call
/// validation and preparation.
torch::Tensor dequantMatmul(const torch::Tensor& x, const PreparedPacked& weight);

} // namespace qat::kernels
