// SPDX-License-Identifier: GPL-3.0-or-later
// The CUDA backend of the packed ops (Dispatch.h): tensors in, raw pointers to the kernels of
// PackedDequant.cu and PackedGemv.cu out, on the tensors' device and its current stream.
//
// dequantMatmul on CUDA:
//  - rows <= kGemvMaxRows (8), float16 x, float16 scales, in and group multiples of 32: the fused
//    GEMV kernel (decode);
//  - otherwise (prefill, other dtypes or shapes): Ŵᵀ (in, out) is dequantized into a temporary in
//    x's dtype and multiplied with at::matmul (cuBLAS; float16 and bfloat16 on the tensor cores).
//    The simplest GEMM path: it writes and reads the temporary once per call.

#include "cuda/CudaOps.h"

#include "Dispatch.h"
#include "qat/kernels/PackedOps.h"
#include "cuda/PackedDequant.cuh"
#include "cuda/PackedGemv.cuh"

#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>

#include <cstdint>

namespace qat::kernels::detail {
namespace {

const uint32_t* words(const torch::Tensor& t) {
    return reinterpret_cast<const uint32_t*>(t.data_ptr<int32_t>());
}

/// t, contiguous, with its data aligned to `bytes` (a fresh copy when it is not).
torch::Tensor aligned(const torch::Tensor& t, size_t bytes) {
    torch::Tensor c = t.contiguous();
    if (reinterpret_cast<uintptr_t>(c.data_ptr()) % bytes != 0) c = c.clone();
    return c;
}

cuda::ElemType elemType(torch::ScalarType t) {
    switch (t) {
    case torch::kHalf:
        return cuda::ElemType::Float16;
    case torch::kBFloat16:
        return cuda::ElemType::BFloat16;
    default:
        return cuda::ElemType::Float32;
    }
}

/// Ŵ, or Ŵᵀ when `transposed`, in dtype. Scales other than float16 go to the kernel as float32
/// (exact for bfloat16 and float32).
torch::Tensor dequantizeOn(const torch::Tensor& qweight, const torch::Tensor& qzeros,
                           const torch::Tensor& scales, int bits, int64_t group, torch::ScalarType dtype,
                           bool transposed) {
    const c10::cuda::CUDAGuard guard(qweight.device());
    const PackedShape shape = checkPacked(qweight, qzeros, scales, bits, group);
    const torch::Tensor qw = qweight.contiguous(), qz = qzeros.contiguous();
    const torch::Tensor s =
        scales.scalar_type() == torch::kHalf ? scales.contiguous() : scales.to(torch::kFloat).contiguous();
    torch::Tensor weight = transposed ? torch::empty({shape.in, shape.out}, qw.options().dtype(dtype))
                                      : torch::empty({shape.out, shape.in}, qw.options().dtype(dtype));
    cuda::DequantArgs a;
    a.qweight = words(qw);
    a.qzeros = words(qz);
    a.scales = s.data_ptr();
    a.scalesType = elemType(s.scalar_type());
    a.weight = weight.data_ptr();
    a.outType = elemType(dtype);
    a.transposed = transposed;
    a.in = shape.in;
    a.out = shape.out;
    a.group = group;
    a.bits = bits;
    cuda::launchDequantize(a, c10::cuda::getCurrentCUDAStream(qweight.device().index()).stream());
    return weight;
}

torch::Tensor cudaDequantize(const torch::Tensor& qweight, const torch::Tensor& qzeros,
                             const torch::Tensor& scales, int bits, int64_t group, torch::ScalarType dtype) {
    return dequantizeOn(qweight, qzeros, scales, bits, group, dtype, false);
}

torch::Tensor cudaMatmul(const torch::Tensor& x, const PreparedPacked& w) {
    const torch::Tensor &qweight = w.qweight(), &qzeros = w.qzeros(), &scales = w.scales();
    const int bits = w.bits();
    const int64_t group = w.group();
    const PackedShape& shape = w.shape();
    if (cudaGemvApplies(x, scales, shape.in, shape.out, bits, group))
        return cudaGemv(x, qweight, qzeros, scales, bits, group);
    return cudaDequantThenMatmul(x, qweight, qzeros, scales, bits, group);
}

} // namespace

bool cudaGemvApplies(const torch::Tensor& x, const torch::Tensor& scales, int64_t in, int64_t out, int bits,
                     int64_t group) {
    return x.scalar_type() == torch::kHalf && scales.scalar_type() == torch::kHalf && x.dim() == 2 &&
           cuda::gemvSupports(in, out, bits, group, static_cast<int>(std::min<int64_t>(x.size(0), 1 << 20)));
}

torch::Tensor cudaGemv(const torch::Tensor& x, const torch::Tensor& qweight, const torch::Tensor& qzeros,
                       const torch::Tensor& scales, int bits, int64_t group, cuda::GemvConfig config) {
    constexpr const char* what = "cudaGemv";
    const PackedShape shape = checkPacked(qweight, qzeros, scales, bits, group);
    TORCH_CHECK(x.is_cuda() && x.device() == qweight.device(), what, ": x on ", x.device(),
                ", the packed weight on ", qweight.device());
    TORCH_CHECK(cudaGemvApplies(x, scales, shape.in, shape.out, bits, group), what,
                ": needs x (1 … 8, in) float16, float16 scales, in and group multiples of 32; got x ",
                x.sizes(), " ", x.scalar_type(), ", scales ", scales.scalar_type(), ", group ", group);
    const c10::cuda::CUDAGuard guard(x.device());
    const torch::Tensor xa = aligned(x, 16), qw = aligned(qweight, 16), qz = qzeros.contiguous(),
                        s = aligned(scales, 8);
    torch::Tensor y = torch::empty({x.size(0), shape.out}, x.options());
    cuda::GemvArgs a;
    a.qweight = words(qw);
    a.qzeros = words(qz);
    a.scales = s.data_ptr();
    a.x = xa.data_ptr();
    a.y = y.data_ptr();
    a.in = shape.in;
    a.out = shape.out;
    a.group = group;
    a.bits = bits;
    a.m = static_cast<int>(x.size(0));
    cuda::launchGemv(a, config, x.device().index(),
                     c10::cuda::getCurrentCUDAStream(x.device().index()).stream());
    return y;
}

torch::Tensor cudaDequantThenMatmul(const torch::Tensor& x, const torch::Tensor& qweight,
                                    const torch::Tensor& qzeros, const torch::Tensor& scales, int bits,
                                    int64_t group) {
    TORCH_CHECK(x.is_cuda() && x.device() == qweight.device(), "cudaDequantThenMatmul: x on ", x.device(),
                ", the packed weight on ", qweight.device());
    const torch::Tensor weightT = dequantizeOn(qweight, qzeros, scales, bits, group, x.scalar_type(), true);
    return at::matmul(x, weightT);
}

const PackedBackend& cudaBackend() {
    static const PackedBackend backend{"cuda", &cudaDequantize, &cudaMatmul};
    return backend;
}

} // namespace qat::kernels::detail
