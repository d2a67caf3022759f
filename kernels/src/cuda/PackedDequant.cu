// SPDX-License-Identifier: GPL-3.0-or-later
// The dequantize kernel family (PackedDequant.cuh).

#include "PackedDequant.cuh"

#include "CudaCheck.h"
#include "PackedBits.cuh"

#include <cuda_bf16.h>
#include <cuda_fp16.h>

#include <algorithm>
#include <stdexcept>
#include <type_traits>

namespace qat::kernels::cuda {
namespace {

constexpr int kThreads = 128; ///< output columns per block

template <typename T> __device__ __forceinline__ T fromFloat(float v);
template <> __device__ __forceinline__ float fromFloat<float>(float v) {
    return v;
}
template <> __device__ __forceinline__ __half fromFloat<__half>(float v) {
    return __float2half_rn(v);
}
template <> __device__ __forceinline__ __nv_bfloat16 fromFloat<__nv_bfloat16>(float v) {
    return __float2bfloat16_rn(v);
}

__device__ __forceinline__ float toFloat(float v) {
    return v;
}
__device__ __forceinline__ float toFloat(__half v) {
    return __half2float(v);
}

/// Stores N values contiguously at dst, in the widest vector stores (up to 16 bytes) that the
/// alignment of N · sizeof(T) allows; dst is aligned to N · sizeof(T) bytes.
template <typename T, int N> __device__ __forceinline__ void storeRun(T* dst, const float (&v)[N]) {
    constexpr int bytes = N * static_cast<int>(sizeof(T));
    constexpr int chunk = bytes % 16 == 0 ? 16 : bytes % 8 == 0 ? 8 : bytes % 4 == 0 ? 4 : 0;
    if constexpr (chunk == 0) {
#pragma unroll
        for (int j = 0; j < N; ++j)
            dst[j] = fromFloat<T>(v[j]);
    } else {
        constexpr int perChunk = chunk / static_cast<int>(sizeof(T));
        using Vec = std::conditional_t<chunk == 16, uint4, std::conditional_t<chunk == 8, uint2, uint32_t>>;
#pragma unroll
        for (int c = 0; c < N / perChunk; ++c) {
            union {
                Vec vec;
                T elems[perChunk];
            } u;
#pragma unroll
            for (int j = 0; j < perChunk; ++j)
                u.elems[j] = fromFloat<T>(v[c * perChunk + j]);
            reinterpret_cast<Vec*>(dst)[c] = u.vec;
        }
    }
}

template <int BITS, int J, int N>
__device__ __forceinline__ void unpackBlock(const uint32_t* w, uint32_t (&q)[N]) {
    if constexpr (J < N) {
        q[J] = codeAt<BITS, J>(w);
        unpackBlock<BITS, J + 1, N>(w, q);
    }
}

/// Thread (column c, blocks kb, kb + gridDim.y, …): one block of V values of column c each.
template <int BITS, typename TS, typename TO>
__global__ void __launch_bounds__(kThreads) dequantKernel(DequantArgs a) {
    constexpr int V = layout::valuesPerBlock(BITS);
    constexpr int W = layout::wordsPerBlock(BITS);
    const int64_t c = static_cast<int64_t>(blockIdx.x) * kThreads + threadIdx.x;
    if (c >= a.out) return;
    const int64_t out = a.out, in = a.in, group = a.group;
    const int64_t zeroWords = layout::qzerosCols(out, BITS);
    const TS* scales = static_cast<const TS*>(a.scales);
    TO* weight = static_cast<TO*>(a.weight);
    for (int64_t kb = blockIdx.y; kb * V < in; kb += gridDim.y) {
        uint32_t w[W];
#pragma unroll
        for (int t = 0; t < W; ++t)
            w[t] = __ldg(a.qweight + (kb * W + t) * out + c);
        uint32_t q[V];
        unpackBlock<BITS, 0, V>(w, q);
        const int64_t i0 = kb * V;
        int64_t g = i0 / group;
        int64_t next = (g + 1) * group; // first input row of the next group
        float s = toFloat(scales[g * out + c]);
        float z = static_cast<float>(codeAt(a.qzeros + g * zeroWords, c, BITS));
        float v[V];
#pragma unroll
        for (int j = 0; j < V; ++j) {
            if (i0 + j == next) { // groups smaller than a block (e.g. 3 bits, group 16)
                ++g;
                next += group;
                s = toFloat(scales[g * out + c]);
                z = static_cast<float>(codeAt(a.qzeros + g * zeroWords, c, BITS));
            }
            v[j] = (static_cast<float>(q[j]) - z) * s;
        }
        if (a.transposed) {
#pragma unroll
            for (int j = 0; j < V; ++j)
                weight[(i0 + j) * out + c] = fromFloat<TO>(v[j]);
        } else {
            storeRun<TO, V>(weight + c * in + i0, v);
        }
    }
}

template <int BITS, typename TS> void launchWithScales(const DequantArgs& a, dim3 grid, cudaStream_t stream) {
    switch (a.outType) {
    case ElemType::Float32:
        dequantKernel<BITS, TS, float><<<grid, kThreads, 0, stream>>>(a);
        break;
    case ElemType::Float16:
        dequantKernel<BITS, TS, __half><<<grid, kThreads, 0, stream>>>(a);
        break;
    case ElemType::BFloat16:
        dequantKernel<BITS, TS, __nv_bfloat16><<<grid, kThreads, 0, stream>>>(a);
        break;
    }
}

template <int BITS> void launchWithBits(const DequantArgs& a, dim3 grid, cudaStream_t stream) {
    if (a.scalesType == ElemType::Float16)
        launchWithScales<BITS, __half>(a, grid, stream);
    else if (a.scalesType == ElemType::Float32)
        launchWithScales<BITS, float>(a, grid, stream);
    else
        throw std::invalid_argument("launchDequantize: scales must be float16 or float32");
}

} // namespace

void launchDequantize(const DequantArgs& a, cudaStream_t stream) {
    if (!layout::isPackableShape(a.in, a.out, a.bits, a.group))
        throw std::invalid_argument("launchDequantize: shape does not pack");
    const int64_t blocks = a.in / layout::valuesPerBlock(a.bits);
    const dim3 grid(static_cast<unsigned>((a.out + kThreads - 1) / kThreads),
                    static_cast<unsigned>(std::min<int64_t>(blocks, 65535)));
    switch (a.bits) {
    case 2:
        launchWithBits<2>(a, grid, stream);
        break;
    case 3:
        launchWithBits<3>(a, grid, stream);
        break;
    case 4:
        launchWithBits<4>(a, grid, stream);
        break;
    case 8:
        launchWithBits<8>(a, grid, stream);
        break;
    }
    QAT_CUDA_CHECK(cudaGetLastError());
}

} // namespace qat::kernels::cuda
