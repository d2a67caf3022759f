// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file CudaOps.h (internal)
/// The CUDA backend's torch-level entries, beyond the dispatch table (Dispatch.h): the GEMV with
/// an explicit launch shape, for the benchmark's tuning sweep, and the dequantize-then-matmul
/// path on its own. Only in builds with CUDA kernels (QAT_KERNELS_HAVE_CUDA).

#include "cuda/PackedGemv.cuh"

#include <torch/torch.h>

#include <cstdint>

namespace qat::kernels::detail {

/// True when cudaGemv() takes these tensors: x float16 with 1 … 8 rows, scales float16, and the
/// shape rules of PackedGemv.cuh (in and group multiples of 32).
bool cudaGemvApplies(const torch::Tensor& x, const torch::Tensor& scales, int64_t in, int64_t out, int bits,
                     int64_t group);

/// The fused GEMV. x: (m, in) float16 CUDA, m <= 8 → (m, out) float16. `config` fields left
/// 0 / Auto are chosen (completeGemvConfig: the Simt kernel, tuned shape, for Auto). The split-K
/// kernels get a float32 workspace from the caching allocator per call and the arrival counters of
/// the current stream, allocated on the stream's first split-K call, which must not be inside a
/// CUDA graph capture (c10::Error then). Throws c10::Error where cudaGemvApplies() is false,
/// std::invalid_argument for a launch shape the kernels refuse.
torch::Tensor cudaGemv(const torch::Tensor& x, const torch::Tensor& qweight, const torch::Tensor& qzeros,
                       const torch::Tensor& scales, int bits, int64_t group, cuda::GemvConfig config = {});

/// The prefill path: Ŵᵀ (in, out) dequantized into a temporary in x's dtype, then at::matmul
/// (cuBLAS). x: (m, in) → (m, out) in x's dtype.
torch::Tensor cudaDequantThenMatmul(const torch::Tensor& x, const torch::Tensor& qweight,
                                    const torch::Tensor& qzeros, const torch::Tensor& scales, int bits,
                                    int64_t group);

} // namespace qat::kernels::detail
