// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file PackedDequant.cuh (internal)
/// The dequantize kernel family: packed qweight / qzeros / scales → Ŵ, in either orientation.
/// Raw device pointers, torch-free (CudaBackend.cpp converts tensors).
///
/// Any packable shape (PackedLayout.h's rules), any group size: a thread takes one block of
/// layout::valuesPerBlock(bits) values of one output column (one word; three for 3 bits) and
/// finds each value's group as i / group.
/// Ŵ[o][i] = (q[i][o] − z[i / group][o]) · s[i / group][o], computed in float32 (exact: the
/// difference is a small integer, one rounding in the product), then rounded once to the output
/// type. Bit for bit the CPU dequantize().

#include <cuda_runtime_api.h>

#include <cstdint>

namespace qat::kernels::cuda {

enum class ElemType { Float32, Float16, BFloat16 };

struct DequantArgs {
    const uint32_t* qweight = nullptr; ///< (in * bits / 32, out)
    const uint32_t* qzeros = nullptr;  ///< (in / group, out * bits / 32)
    const void* scales = nullptr;      ///< (in / group, out), scalesType (Float32 or Float16)
    ElemType scalesType = ElemType::Float16;
    void* weight = nullptr; ///< output, outType: (out, in), or (in, out) when transposed
    ElemType outType = ElemType::Float32;
    bool transposed = false; ///< write Ŵᵀ (in, out) (coalesced; the GEMM path's operand)
    int64_t in = 0;
    int64_t out = 0;
    int64_t group = 0;
    int bits = 0;
};

/// Launches the dequantize kernel on `stream`. Shapes must be packable (the caller checked);
/// throws std::runtime_error on a CUDA error.
void launchDequantize(const DequantArgs& args, cudaStream_t stream);

} // namespace qat::kernels::cuda
