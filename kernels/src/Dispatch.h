// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file Dispatch.h (internal)
/// The table of packed-op implementations, one per device type. dequantize() and dequantMatmul()
/// (PackedOps.cpp) validate their arguments once, then call backendFor(device): Dispatch.cpp is the
/// only place that maps a device type to an implementation.

#include "qat/kernels/BuildConfig.h"
#include "qat/kernels/PackedOps.h"

#include <torch/torch.h>

#include <cstdint>

namespace qat::kernels::detail {

/// One device's implementation of the packed ops. Arguments arrive validated (checkPacked, all
/// tensors on the backend's device, dtypes as PackedOps.h documents).
struct PackedBackend {
    const char* name;
    /// qweight (in * bits / 32, out), qzeros (groups, out * bits / 32), scales (groups, out)
    /// returns: Ŵ (out, in), contiguous, in `dtype` (float32, float16 or bfloat16).
    torch::Tensor (*dequantize)(const torch::Tensor& qweight, const torch::Tensor& qzeros,
                                const torch::Tensor& scales, int bits, int64_t group,
                                torch::ScalarType dtype);
    /// x: (m, in), m >= 1, float32 / bfloat16 / float16, and a weight prepared on this device
    /// (preparePacked) → x @ Ŵᵀ: (m, out) in x's dtype.
    torch::Tensor (*matmul)(const torch::Tensor& x, const PreparedPacked& weight);
};

/// The CPU implementation (PackedOps.cpp, DequantMatmul.cpp): the reference.
const PackedBackend& cpuBackend();
#ifdef QAT_KERNELS_HAVE_CUDA
/// The CUDA implementation (cuda/CudaBackend.cpp).
const PackedBackend& cudaBackend();
#endif

/// The implementation for tensors on `device`; throws c10::Error naming `what` when this build
/// has none.
const PackedBackend& backendFor(const c10::Device& device, const char* what);

} // namespace qat::kernels::detail
