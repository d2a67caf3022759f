// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file PackedOps.h
/// Torch API over the packed layout (PackedLayout.h): pack / unpack of code and zero-point
/// tensors, dequantization and dequantize-and-multiply. Internal to kernels/ and its tests;
/// public headers of the project stay torch-free.
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

} // namespace qat::kernels
