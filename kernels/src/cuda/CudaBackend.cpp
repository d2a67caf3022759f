// SPDX-License-Identifier: GPL-3.0-or-later
// The CUDA backend of the packed ops (Dispatch.h): tensors in, raw pointers to the kernels of
// PackedDequant.cu and PackedGemv.cu out, on the tensors' device and its current stream.
//
// dequantMatmul on CUDA:
//  - rows <= kGemvMaxRows (8), float16 x, float16 scales, in and group multiples of 32: the fused
//    GEMV kernel (decode); the split-K kernels get a float32 workspace per call and a set of arrival
//    counters per stream (splitKCounters);
//  - otherwise (prefill, other dtypes or shapes): Ŵᵀ (in, out) is dequantized into a temporary in
//    x's dtype and multiplied with at::matmul (cuBLAS; float16 and bfloat16 on the tensor cores).
//    The simplest GEMM path: it writes and reads the temporary once per call.

#include "cuda/CudaOps.h"

#include "Dispatch.h"
#include "cuda/CudaCheck.h"
#include "cuda/PackedDequant.cuh"
#include "cuda/PackedGemv.cuh"
#include "qat/kernels/PackedOps.h"

#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <mutex>
#include <utility>
#include <vector>

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

/// The split-K counters for launches on (device, stream): at least `count`, zero between launches (each
/// launch leaves them 0). One set per stream, so that concurrent streams do not share them. Allocated,
/// zeroed, on the first use outside a CUDA graph capture; a set outgrown is kept (a graph captured
/// earlier may still use it), and none is ever freed (no CUDA call at exit).
unsigned int* splitKCounters(int device, cudaStream_t stream, int64_t count) {
    static std::mutex mutex;
    static auto* sets = new std::map<std::pair<int, cudaStream_t>, torch::Tensor>();
    static auto* outgrown = new std::vector<torch::Tensor>();
    const std::lock_guard<std::mutex> lock(mutex);
    torch::Tensor& set = (*sets)[{device, stream}];
    if (!set.defined() || set.numel() < count) {
        cudaStreamCaptureStatus capture = cudaStreamCaptureStatusNone;
        QAT_CUDA_CHECK(cudaStreamIsCapturing(stream, &capture));
        TORCH_CHECK(
            capture == cudaStreamCaptureStatusNone,
            "cudaGemv: the split-K kernels allocate their counters on a stream's first use, which cannot "
            "be inside a CUDA graph capture: run the GEMV once on this stream before capturing");
        if (set.defined()) outgrown->push_back(set);
        set = torch::zeros({std::max<int64_t>(count, 16384)},
                           torch::TensorOptions().dtype(torch::kInt32).device(torch::kCUDA, device));
    }
    return reinterpret_cast<unsigned int*>(set.data_ptr<int32_t>());
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
    const int device = x.device().index();
    const cudaStream_t stream = c10::cuda::getCurrentCUDAStream(device).stream();
    const int m = static_cast<int>(x.size(0));
    // Every field chosen here, so that the split-K workspace and counters fit the launch.
    config = cuda::completeGemvConfig(shape.in, shape.out, bits, group, m, config, device);
    torch::Tensor workspace; // per call from the caching allocator: stream-ordered, fine in graph captures
    cuda::GemvArgs a;
    if (cuda::gemvIsSplitK(config.kernel) && config.splits > 1) {
        workspace = torch::empty({config.splits, m, shape.out}, x.options().dtype(torch::kFloat));
        a.workspace = workspace.data_ptr<float>();
        a.counters = splitKCounters(device, stream, cuda::gemvColumnTiles(shape.out, config));
    }
    a.qweight = words(qw);
    a.qzeros = words(qz);
    a.scales = s.data_ptr();
    a.x = xa.data_ptr();
    a.y = y.data_ptr();
    a.in = shape.in;
    a.out = shape.out;
    a.group = group;
    a.bits = bits;
    a.m = m;
    cuda::launchGemv(a, config, device, stream);
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
