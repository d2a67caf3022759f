// SPDX-License-Identifier: GPL-3.0-or-later
// The Half2 kernel of the GEMV family (PackedGemv.cuh): CUDA cores, float16 unpacking and products,
// float32 sums; 2, 4 and 8 bits. Opt-in (GemvConfig::kernel = Half2 or Half2Pdl); launchGemv()
// checks the shape and the launch shape and calls launchGemvHalf2().
//
// Per value the Simt kernel spends two integer instructions (shift, and-or) to make a float of the
// code, and Hopper has half as many integer lanes as float32 lanes. Here a column pair's codes
// become float16 pairs with one byte permute per 16 bits of two words, then one shift and one
// lop3 (and-or) per pair: about one integer instruction for two values. The rest runs on the
// float lanes, two values an instruction: (1024 + q) − (1024 + z) (exact), times s (the float16
// Ŵ of the GEMM path, bit for bit), times x, summed in float16 over chains of kChain values a
// column, each chain then added into float32.

#include "PackedGemv.cuh"

#include "CudaCheck.h"
#include "PackedBits.cuh"

#include <cuda_fp16.h>

#include <cstring>
#include <stdexcept>
#include <type_traits>

namespace qat::kernels::cuda {
namespace {

constexpr int kValuesPerUnit = 32; ///< a unit: 32 values of a column, `bits` words (PackedLayout.h)
constexpr uint32_t kMagic = 0x64006400u; ///< float16 1024 in both halves: 1024 + q for q < 1024 is exact

/// f(std::integral_constant<int, I>) for I in [I, N): a loop whose index is a compile-time constant.
template <int I, int N, typename F> __device__ __forceinline__ void unrolled(F&& f) {
    if constexpr (I < N) {
        f(std::integral_constant<int, I>{});
        unrolled<I + 1, N>(f);
    }
}

__device__ __forceinline__ __half2 asHalf2(uint32_t v) {
    __half2 h;
    memcpy(&h, &v, sizeof h);
    return h;
}

/// 16 bytes of qweight, read once (as the Simt kernel: non-coherent, not kept in L1, 256-byte L2 fetch).
__device__ __forceinline__ uint4 loadStreamingHalf2(const uint4* p) {
    uint4 v;
    asm("ld.global.nc.L1::no_allocate.L2::256B.v4.u32 {%0, %1, %2, %3}, [%4];"
        : "=r"(v.x), "=r"(v.y), "=r"(v.z), "=r"(v.w)
        : "l"(p));
    return v;
}

/// Programmatic dependent launch: wait until the kernels this one depends on have finished and their
/// writes are visible (a no-op when the kernel was launched without the attribute), and let the next
/// kernel of the stream start early. sm_90 and newer; nothing on older targets.
__device__ __forceinline__ void waitForPreviousKernels() {
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 900
    asm volatile("griddepcontrol.wait;" ::: "memory");
#endif
}
__device__ __forceinline__ void allowNextKernel() {
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 900
    asm volatile("griddepcontrol.launch_dependents;" ::: "memory");
#endif
}

/// Units a thread keeps in flight (loaded ahead of the one it computes): as many as the registers
/// allow under __launch_bounds__(kGemvMaxThreads) (128 a thread).
template <int BITS, int M> constexpr int half2Depth() {
    if constexpr (M > 2) return 2;
    return BITS == 2 ? 4 : BITS == 4 ? 3 : 2;
}

/// What one unit needs from memory: the BITS word rows of the thread's 4 columns, their 4 float16
/// scales and the zero-point word that holds their 4 zero points (x is read while computing).
template <int BITS> struct Half2Unit {
    uint4 w[BITS];
    uint2 s;
    uint32_t z;
};

template <int BITS>
__device__ __forceinline__ void loadHalf2Unit(Half2Unit<BITS>& d, const GemvArgs& a, const uint4* qw, int u,
                                              int64_t rowStride4, int64_t c0, int unitsPerGroup) {
#pragma unroll
    for (int t = 0; t < BITS; ++t)
        d.w[t] = loadStreamingHalf2(qw + (static_cast<int64_t>(u) * BITS + t) * rowStride4);
    const int64_t g = u / unitsPerGroup;
    d.s = __ldg(reinterpret_cast<const uint2*>(static_cast<const __half*>(a.scales) + g * a.out + c0));
    // 2, 4, 8 bits and c0 a multiple of 4: the 4 zero points never cross a word.
    d.z = __ldg(a.qzeros + g * layout::qzerosCols(a.out, BITS) + c0 * BITS / layout::kWordBits);
}

/// V / 2 float16 values of x (one 16-bit half of a word's values), as V / 4 half2 words (at least one).
template <int V> struct XHalf {
    static constexpr int Words = V / 4 >= 1 ? V / 4 : 1;
    uint32_t w[Words];
};

template <int V> __device__ __forceinline__ void loadXHalf(XHalf<V>& x, const __half* p) {
    if constexpr (V == 16) { // 8 values, 16 bytes
        const uint4 v = __ldg(reinterpret_cast<const uint4*>(p));
        x.w[0] = v.x, x.w[1] = v.y, x.w[2] = v.z, x.w[3] = v.w;
    } else if constexpr (V == 8) { // 4 values, 8 bytes
        const uint2 v = __ldg(reinterpret_cast<const uint2*>(p));
        x.w[0] = v.x, x.w[1] = v.y;
    } else { // V == 4: 2 values, 4 bytes
        x.w[0] = __ldg(reinterpret_cast<const unsigned int*>(p));
    }
}

/// accF[r][c] += Σ_{k in unit u} x[r][k] · Ŵ[c0 + c][k] for the thread's 4 columns.
/// Columns (0, 1) and (2, 3) are the two halves of float16 pairs: the halfword h of word t of
/// both columns is joined with one byte permute, and its value j is then
/// ((joined >> j·BITS) & mask·0x00010001) | 1024·(1, 1) = (1024 + q[c][k], 1024 + q[c + 1][k]) for
/// k = t·V + h·V/2 + j, V = 32 / BITS values a word (no value crosses a word at 2, 4, 8 bits).
template <int BITS, int M>
__device__ __forceinline__ void processHalf2Unit(const Half2Unit<BITS>& d, int u, const GemvArgs& a, int64_t c0,
                                                 float (&accF)[M][4]) {
    constexpr int V = layout::valuesPerWord(BITS);
    constexpr int kChain = V / 2 < 4 ? V / 2 : 4; ///< values a column summed in float16 before float32
    constexpr uint32_t kPairMask = layout::valueMask(BITS) * 0x00010001u;
    uint32_t w[4][BITS];
#pragma unroll
    for (int t = 0; t < BITS; ++t) {
        w[0][t] = d.w[t].x;
        w[1][t] = d.w[t].y;
        w[2][t] = d.w[t].z;
        w[3][t] = d.w[t].w;
    }
    // Zero points of the 4 columns as 1024 + z pairs, scales as float16 pairs, per column pair.
    const uint32_t zw = d.z >> static_cast<int>((c0 * BITS) % layout::kWordBits);
    const uint32_t mask = layout::valueMask(BITS);
    const __half2 z2[2] = {
        asHalf2(kMagic | (zw & mask) | (((zw >> BITS) & mask) << 16)),
        asHalf2(kMagic | ((zw >> (2 * BITS)) & mask) | (((zw >> (3 * BITS)) & mask) << 16))};
    const __half2 s2[2] = {asHalf2(d.s.x), asHalf2(d.s.y)};
    const __half* xUnit = static_cast<const __half*>(a.x) + static_cast<int64_t>(u) * kValuesPerUnit;

    unrolled<0, BITS>([&](auto tc) {
        constexpr int t = decltype(tc)::value;
        unrolled<0, 2>([&](auto hc) {
            constexpr int h = decltype(hc)::value;
            // x values t·V + h·V/2 … + V/2 − 1 of each row.
            XHalf<V> x[M];
#pragma unroll
            for (int r = 0; r < M; ++r)
                if (M == 1 || r < a.m) loadXHalf<V>(x[r], xUnit + r * a.in + t * V + h * (V / 2));
#pragma unroll
            for (int p = 0; p < 2; ++p) {
                const uint32_t joined = __byte_perm(w[2 * p][t], w[2 * p + 1][t], h ? 0x7632 : 0x5410);
                __half2 chain[M];
                unrolled<0, V / 2>([&](auto jc) {
                    constexpr int j = decltype(jc)::value;
                    const __half2 q2 = asHalf2(((joined >> (j * BITS)) & kPairMask) | kMagic);
                    const __half2 wHat = __hmul2(__hsub2(q2, z2[p]), s2[p]); // (q − z)·s, exact then rounded once
#pragma unroll
                    for (int r = 0; r < M; ++r) {
                        if (M > 1 && r >= a.m) continue;
                        const __half2 xw = asHalf2(x[r].w[j / 2]);
                        const __half2 xk = j % 2 == 0 ? __low2half2(xw) : __high2half2(xw);
                        chain[r] = j % kChain == 0 ? __hmul2(xk, wHat) : __hfma2(xk, wHat, chain[r]);
                        if (j % kChain == kChain - 1) {
                            const float2 f = __half22float2(chain[r]);
                            accF[r][2 * p] += f.x;
                            accF[r][2 * p + 1] += f.y;
                        }
                    }
                });
            }
        });
    });
}

/// Same work split and reduction as the Simt kernel (PackedGemv.cu): a block is colQuads column
/// quads × (threads / colQuads) k-slices; slice ks takes units ks, ks + kSlices, …, keeping
/// half2Depth() − 1 units loaded ahead of the one it computes.
template <int BITS, int M>
__global__ void __launch_bounds__(kGemvMaxThreads) gemvHalf2Kernel(GemvArgs a, int colQuads) {
    constexpr int D = half2Depth<BITS, M>();
    extern __shared__ float partial[]; // [warps][M][colQuads · 4]
    const int tid = static_cast<int>(threadIdx.x);
    const int lane = tid & 31, warp = tid >> 5, warps = static_cast<int>(blockDim.x) >> 5;
    const int cq = tid % colQuads, ks = tid / colQuads;
    const int kSlices = static_cast<int>(blockDim.x) / colQuads;
    const int width = colQuads * 4;
    const int64_t c0 = static_cast<int64_t>(blockIdx.x) * width + cq * 4;
    const int units = static_cast<int>(a.in / kValuesPerUnit);
    const int unitsPerGroup = static_cast<int>(a.group / kValuesPerUnit);
    const bool active = c0 < a.out;
    const uint4* qw = reinterpret_cast<const uint4*>(a.qweight + (active ? c0 : 0));
    const int64_t rowStride4 = a.out / 4;

    Half2Unit<BITS> buf[D];
    // The weights do not depend on the previous kernel: load them before waiting for it.
    if (active)
        unrolled<0, D - 1>([&](auto ic) {
            constexpr int i = decltype(ic)::value;
            const int u = ks + i * kSlices;
            if (u < units) loadHalf2Unit<BITS>(buf[i], a, qw, u, rowStride4, c0, unitsPerGroup);
        });
    waitForPreviousKernels();

    float accF[M][4] = {};
    if (active) {
        for (int base = ks; base < units; base += D * kSlices) {
            unrolled<0, D>([&](auto ic) {
                constexpr int i = decltype(ic)::value;
                const int u = base + i * kSlices;
                const int ahead = u + (D - 1) * kSlices;
                if (ahead < units)
                    loadHalf2Unit<BITS>(buf[(i + D - 1) % D], a, qw, ahead, rowStride4, c0, unitsPerGroup);
                if (u < units) processHalf2Unit<BITS, M>(buf[i], u, a, c0, accF);
            });
        }
    }
    allowNextKernel();
    // The k-slices of one warp (lanes cq, cq + colQuads, …), then the warps.
    for (int offset = colQuads; offset < 32; offset <<= 1)
#pragma unroll
        for (int r = 0; r < M; ++r)
#pragma unroll
            for (int c = 0; c < 4; ++c)
                accF[r][c] += __shfl_xor_sync(0xffffffffu, accF[r][c], offset);
    if (lane < colQuads)
#pragma unroll
        for (int r = 0; r < M; ++r)
#pragma unroll
            for (int c = 0; c < 4; ++c)
                partial[(warp * M + r) * width + lane * 4 + c] = accF[r][c];
    __syncthreads();
    __half* y = static_cast<__half*>(a.y);
    const int64_t colBase = static_cast<int64_t>(blockIdx.x) * width;
    for (int idx = tid; idx < M * width; idx += static_cast<int>(blockDim.x)) {
        const int r = idx / width, col = idx % width;
        if (r >= a.m || colBase + col >= a.out) continue;
        float sum = 0.0f;
        for (int w = 0; w < warps; ++w)
            sum += partial[(w * M + r) * width + col];
        y[r * a.out + colBase + col] = __float2half_rn(sum);
    }
}

template <int BITS, int M>
void launchHalf2Rows(const GemvArgs& a, int colQuads, int threads, bool pdl, cudaStream_t stream) {
    const int width = colQuads * 4;
    cudaLaunchConfig_t config = {};
    config.gridDim = dim3(static_cast<unsigned>((a.out + width - 1) / width));
    config.blockDim = dim3(static_cast<unsigned>(threads));
    config.dynamicSmemBytes = static_cast<size_t>(threads / 32) * M * width * sizeof(float);
    config.stream = stream;
    cudaLaunchAttribute attribute[1] = {};
    attribute[0].id = cudaLaunchAttributeProgrammaticStreamSerialization;
    attribute[0].val.programmaticStreamSerializationAllowed = 1;
    config.attrs = attribute;
    config.numAttrs = pdl ? 1 : 0;
    QAT_CUDA_CHECK(cudaLaunchKernelEx(&config, gemvHalf2Kernel<BITS, M>, a, colQuads));
}

template <int BITS>
void launchHalf2Bits(const GemvArgs& a, int colQuads, int threads, bool pdl, cudaStream_t stream) {
    if (a.m == 1)
        launchHalf2Rows<BITS, 1>(a, colQuads, threads, pdl, stream);
    else if (a.m == 2)
        launchHalf2Rows<BITS, 2>(a, colQuads, threads, pdl, stream);
    else if (a.m <= 4)
        launchHalf2Rows<BITS, 4>(a, colQuads, threads, pdl, stream);
    else
        launchHalf2Rows<BITS, 8>(a, colQuads, threads, pdl, stream);
}

} // namespace

bool gemvHalf2Supports(int bits) {
    return bits == 2 || bits == 4 || bits == 8;
}

void launchGemvHalf2(const GemvArgs& a, int colQuads, int threads, bool pdl, cudaStream_t stream) {
    switch (a.bits) {
    case 2:
        launchHalf2Bits<2>(a, colQuads, threads, pdl, stream);
        break;
    case 4:
        launchHalf2Bits<4>(a, colQuads, threads, pdl, stream);
        break;
    case 8:
        launchHalf2Bits<8>(a, colQuads, threads, pdl, stream);
        break;
    default:
        throw std::invalid_argument("launchGemvHalf2: 2, 4 or 8 bits");
    }
    QAT_CUDA_CHECK(cudaGetLastError());
}

} // namespace qat::kernels::cuda
