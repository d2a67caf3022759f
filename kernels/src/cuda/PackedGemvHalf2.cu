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
//
// Half2SplitK (GemvConfig::kernel = Half2SplitK or Half2SplitKPdl): the same work per block on a
// grid of column tiles x K splits (whole groups each), for shapes whose column tiles alone leave
// multiprocessors idle or need several waves; the splits meet in a float32 workspace, added in a
// fixed order by the last block of each tile to arrive (PackedGemv.cuh).

#include "PackedGemv.cuh"

#include "CudaCheck.h"
#include "PackedBits.cuh"

#include <cuda_fp16.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <mutex>
#include <stdexcept>
#include <tuple>
#include <type_traits>
#include <vector>

namespace qat::kernels::cuda {
namespace {

constexpr int kValuesPerUnit = 32;       ///< a unit: 32 values of a column, `bits` words (PackedLayout.h)
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
__device__ __forceinline__ void processHalf2Unit(const Half2Unit<BITS>& d, int u, const GemvArgs& a,
                                                 int64_t c0, float (&accF)[M][4]) {
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
                    const __half2 wHat =
                        __hmul2(__hsub2(q2, z2[p]), s2[p]); // (q − z)·s, exact then rounded once
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

// --- Split-K ----------------------------------------------------------------------------------

/// The Half2 kernel on a grid of column tiles (blockIdx.x) x K splits (blockIdx.y): split s takes
/// units [s · unitsPerSplit, (s + 1) · unitsPerSplit) of the input dimension (whole groups; empty
/// past the end), with the Half2 kernel's work split, pipeline and in-block reduction. One split:
/// y directly. More: the block's float32 sums go to workspace[s][r][column]; the last block of the
/// tile to arrive (arrival counter per tile) adds the splits in order 0, 1, … and writes y.
template <int BITS, int M>
__global__ void __launch_bounds__(kGemvMaxThreads)
    gemvHalf2SplitKKernel(GemvArgs a, int colQuads, int unitsPerSplit) {
    constexpr int D = half2Depth<BITS, M>();
    extern __shared__ float partial[]; // [warps][M][colQuads · 4]
    __shared__ int lastOfTile;
    const int tid = static_cast<int>(threadIdx.x);
    const int lane = tid & 31, warp = tid >> 5, warps = static_cast<int>(blockDim.x) >> 5;
    const int cq = tid % colQuads, ks = tid / colQuads;
    const int kSlices = static_cast<int>(blockDim.x) / colQuads;
    const int width = colQuads * 4;
    const int64_t c0 = static_cast<int64_t>(blockIdx.x) * width + cq * 4;
    const int units = static_cast<int>(a.in / kValuesPerUnit);
    const int unitsPerGroup = static_cast<int>(a.group / kValuesPerUnit);
    const int split = static_cast<int>(blockIdx.y), splits = static_cast<int>(gridDim.y);
    const int uBegin = static_cast<int>(static_cast<int64_t>(split) * unitsPerSplit < units
                                            ? static_cast<int64_t>(split) * unitsPerSplit
                                            : units);
    const int uEnd = units - uBegin < unitsPerSplit ? units : uBegin + unitsPerSplit;
    const bool active = c0 < a.out;
    const uint4* qw = reinterpret_cast<const uint4*>(a.qweight + (active ? c0 : 0));
    const int64_t rowStride4 = a.out / 4;

    Half2Unit<BITS> buf[D];
    // The weights do not depend on the previous kernel: load them before waiting for it.
    if (active)
        unrolled<0, D - 1>([&](auto ic) {
            constexpr int i = decltype(ic)::value;
            const int u = uBegin + ks + i * kSlices;
            if (u < uEnd) loadHalf2Unit<BITS>(buf[i], a, qw, u, rowStride4, c0, unitsPerGroup);
        });
    // Also before anything touches x, y, the workspace or the counters (the previous kernel of the
    // stream may be a GEMV on the same workspace and counters).
    waitForPreviousKernels();

    float accF[M][4] = {};
    if (active) {
        for (int base = uBegin + ks; base < uEnd; base += D * kSlices) {
            unrolled<0, D>([&](auto ic) {
                constexpr int i = decltype(ic)::value;
                const int u = base + i * kSlices;
                const int ahead = u + (D - 1) * kSlices;
                if (ahead < uEnd)
                    loadHalf2Unit<BITS>(buf[(i + D - 1) % D], a, qw, ahead, rowStride4, c0, unitsPerGroup);
                if (u < uEnd) processHalf2Unit<BITS, M>(buf[i], u, a, c0, accF);
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
    if (splits == 1) {
        for (int idx = tid; idx < M * width; idx += static_cast<int>(blockDim.x)) {
            const int r = idx / width, col = idx % width;
            if (r >= a.m || colBase + col >= a.out) continue;
            float sum = 0.0f;
            for (int w = 0; w < warps; ++w)
                sum += partial[(w * M + r) * width + col];
            y[r * a.out + colBase + col] = __float2half_rn(sum);
        }
        return;
    }
    // This split's sums of the tile: workspace[split][r][column].
    for (int idx = tid; idx < M * width; idx += static_cast<int>(blockDim.x)) {
        const int r = idx / width, col = idx % width;
        if (r >= a.m || colBase + col >= a.out) continue;
        float sum = 0.0f;
        for (int w = 0; w < warps; ++w)
            sum += partial[(w * M + r) * width + col];
        a.workspace[(static_cast<int64_t>(split) * a.m + r) * a.out + colBase + col] = sum;
    }
    // Publish them, then count this block's arrival; the block that arrives last on the tile (every
    // other split's sums then written and visible) reduces.
    __threadfence();
    __syncthreads();
    if (tid == 0)
        lastOfTile = atomicAdd(a.counters + blockIdx.x, 1u) == static_cast<unsigned int>(splits - 1) ? 1 : 0;
    __syncthreads();
    if (lastOfTile == 0) return;
    __threadfence();
    for (int idx = tid; idx < M * width; idx += static_cast<int>(blockDim.x)) {
        const int r = idx / width, col = idx % width;
        if (r >= a.m || colBase + col >= a.out) continue;
        float sum = 0.0f;
        for (int s = 0; s < splits; ++s) // in split order: the same y whichever block arrives last
            sum += __ldcg(a.workspace + (static_cast<int64_t>(s) * a.m + r) * a.out + colBase + col);
        y[r * a.out + colBase + col] = __float2half_rn(sum);
    }
    if (tid == 0)
        atomicExch(a.counters + blockIdx.x, 0u); // every split has counted: ready for the next launch
}

size_t splitKSharedBytes(int m, int colQuads, int threads) {
    return static_cast<size_t>(threads / 32) * m * colQuads * 4 * sizeof(float);
}

template <int BITS, int M>
void launchHalf2SplitKRows(const GemvArgs& a, int colQuads, int threads, int splits, bool pdl,
                           cudaStream_t stream) {
    const int width = colQuads * 4;
    const int64_t groups = a.in / a.group;
    const int64_t groupsPerSplit = (groups + splits - 1) / splits;
    const int unitsPerSplit = static_cast<int>(groupsPerSplit * (a.group / kValuesPerUnit));
    cudaLaunchConfig_t config = {};
    config.gridDim = dim3(static_cast<unsigned>((a.out + width - 1) / width), static_cast<unsigned>(splits));
    config.blockDim = dim3(static_cast<unsigned>(threads));
    config.dynamicSmemBytes = splitKSharedBytes(M, colQuads, threads);
    config.stream = stream;
    cudaLaunchAttribute attribute[1] = {};
    attribute[0].id = cudaLaunchAttributeProgrammaticStreamSerialization;
    attribute[0].val.programmaticStreamSerializationAllowed = 1;
    config.attrs = attribute;
    config.numAttrs = pdl ? 1 : 0;
    QAT_CUDA_CHECK(cudaLaunchKernelEx(&config, gemvHalf2SplitKKernel<BITS, M>, a, colQuads, unitsPerSplit));
}

template <int BITS>
void launchHalf2SplitKBits(const GemvArgs& a, int colQuads, int threads, int splits, bool pdl,
                           cudaStream_t stream) {
    if (a.m == 1)
        launchHalf2SplitKRows<BITS, 1>(a, colQuads, threads, splits, pdl, stream);
    else if (a.m == 2)
        launchHalf2SplitKRows<BITS, 2>(a, colQuads, threads, splits, pdl, stream);
    else if (a.m <= 4)
        launchHalf2SplitKRows<BITS, 4>(a, colQuads, threads, splits, pdl, stream);
    else
        launchHalf2SplitKRows<BITS, 8>(a, colQuads, threads, splits, pdl, stream);
}

/// Resident blocks of the split-K kernel a multiprocessor holds, queried once per (device, bits, rows,
/// colQuads, threads); at least 1.
template <int BITS, int M> int splitKBlocksPerSm(int device, int colQuads, int threads) {
    static std::mutex mutex;
    static std::map<std::tuple<int, int, int>, int> cache;
    const std::lock_guard<std::mutex> lock(mutex);
    const auto key = std::make_tuple(device, colQuads, threads);
    const auto found = cache.find(key);
    if (found != cache.end()) return found->second;
    int current = 0;
    QAT_CUDA_CHECK(cudaGetDevice(&current));
    if (current != device) QAT_CUDA_CHECK(cudaSetDevice(device));
    int blocks = 0;
    const cudaError_t error = cudaOccupancyMaxActiveBlocksPerMultiprocessor(
        &blocks, gemvHalf2SplitKKernel<BITS, M>, threads, splitKSharedBytes(M, colQuads, threads));
    if (current != device) QAT_CUDA_CHECK(cudaSetDevice(current));
    QAT_CUDA_CHECK(error);
    blocks = blocks > 0 ? blocks : 1;
    cache.emplace(key, blocks);
    return blocks;
}

template <int BITS> int splitKBlocksPerSmRows(int device, int m, int colQuads, int threads) {
    if (m == 1) return splitKBlocksPerSm<BITS, 1>(device, colQuads, threads);
    if (m == 2) return splitKBlocksPerSm<BITS, 2>(device, colQuads, threads);
    if (m <= 4) return splitKBlocksPerSm<BITS, 4>(device, colQuads, threads);
    return splitKBlocksPerSm<BITS, 8>(device, colQuads, threads);
}

int splitKBlocksPerSmBits(int device, int bits, int m, int colQuads, int threads) {
    if (bits == 2) return splitKBlocksPerSmRows<2>(device, m, colQuads, threads);
    if (bits == 4) return splitKBlocksPerSmRows<4>(device, m, colQuads, threads);
    return splitKBlocksPerSmRows<8>(device, m, colQuads, threads);
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

GemvConfig chooseGemvSplitKConfig(int64_t in, int64_t out, int bits, int64_t group, int m, GemvConfig cfg,
                                  int device) {
    if (!gemvHalf2Supports(bits))
        throw std::invalid_argument("launchGemv: the half2 kernels take 2, 4 or 8 bits");
    if (cfg.threads == 0) cfg.threads = 128;
    if (cfg.colQuads != 0 && cfg.splits != 0) return cfg;
    const int64_t groups = in / group;
    const int64_t maxSplits = groups < 65535 ? groups : 65535;
    // Tile widths from the widest (longer contiguous rows of qweight, fewer splits to add up); the
    // first that fills its waves of resident blocks best wins.
    const std::vector<int> widths =
        cfg.colQuads != 0 ? std::vector<int>{cfg.colQuads} : std::vector<int>{16, 8, 4};
    GemvConfig best = cfg;
    double bestUse = -1.0;
    for (const int colQuads : widths) {
        // One wave: the blocks all multiprocessors hold at once.
        const int64_t wave = static_cast<int64_t>(gemvMultiprocessors(device)) *
                             splitKBlocksPerSmBits(device, bits, m, colQuads, cfg.threads);
        const int64_t tiles = (out + 4 * colQuads - 1) / (4 * colQuads);
        int64_t splits = cfg.splits;
        if (splits == 0) {
            splits = std::clamp<int64_t>(wave / tiles, 1, maxSplits);
            const int64_t groupsPerSplit = (groups + splits - 1) / splits;
            splits = (groups + groupsPerSplit - 1) / groupsPerSplit; // the same split size, no empty split
        }
        const int64_t blocks = tiles * splits;
        const double use =
            static_cast<double>(blocks) / static_cast<double>(((blocks + wave - 1) / wave) * wave);
        if (use > bestUse + 1e-9) {
            bestUse = use;
            best.colQuads = colQuads;
            best.splits = static_cast<int>(splits);
        }
    }
    return best;
}

void launchGemvHalf2SplitK(const GemvArgs& a, int colQuads, int threads, int splits, bool pdl,
                           cudaStream_t stream) {
    switch (a.bits) {
    case 2:
        launchHalf2SplitKBits<2>(a, colQuads, threads, splits, pdl, stream);
        break;
    case 4:
        launchHalf2SplitKBits<4>(a, colQuads, threads, splits, pdl, stream);
        break;
    case 8:
        launchHalf2SplitKBits<8>(a, colQuads, threads, splits, pdl, stream);
        break;
    default:
        throw std::invalid_argument("launchGemvHalf2SplitK: 2, 4 or 8 bits");
    }
    QAT_CUDA_CHECK(cudaGetLastError());
}

} // namespace qat::kernels::cuda
