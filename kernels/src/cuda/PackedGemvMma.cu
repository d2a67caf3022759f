// SPDX-License-Identifier: GPL-3.0-or-later
// The Mma kernel of the GEMV family (PackedGemv.cuh): tensor cores, 2, 4 and 8 bits. Opt-in
// (GemvConfig::kernel = Mma); launchGemv() checks the shape and calls launchGemvMma().

#include "PackedGemv.cuh"

#include "CudaCheck.h"
#include "PackedBits.cuh"

#include <cuda_fp16.h>

#include <cstring>

namespace qat::kernels::cuda {
namespace {

__device__ __forceinline__ __half2 asHalf2(uint32_t v) {
    __half2 h;
    memcpy(&h, &v, sizeof h);
    return h;
}
__device__ __forceinline__ uint32_t asWord(__half2 h) {
    uint32_t v;
    memcpy(&v, &h, sizeof v);
    return v;
}

/// d += A · B for one m16n8k16 tile, float16 in, float32 accumulators; A rows 8 … 15 are zero.
__device__ __forceinline__ void mma16816(float (&d)[4], uint32_t aLow, uint32_t aHigh, uint32_t b0,
                                         uint32_t b1) {
    asm volatile("mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32 {%0, %1, %2, %3}, {%4, %5, %6, %7}, "
                 "{%8, %9}, {%0, %1, %2, %3};\n"
                 : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
                 : "r"(aLow), "r"(0u), "r"(aHigh), "r"(0u), "r"(b0), "r"(b1));
}

/// cp.async: a global → shared copy that the thread does not wait for (sm_80+), in groups.
__device__ __forceinline__ void copyAsync16(void* shared, const void* global) {
    const auto s = static_cast<uint32_t>(__cvta_generic_to_shared(shared));
    asm volatile("cp.async.cg.shared.global [%0], [%1], 16;\n" ::"r"(s), "l"(global));
}
__device__ __forceinline__ void copyAsync8(void* shared, const void* global) {
    const auto s = static_cast<uint32_t>(__cvta_generic_to_shared(shared));
    asm volatile("cp.async.ca.shared.global [%0], [%1], 8;\n" ::"r"(s), "l"(global));
}
__device__ __forceinline__ void copyAsync4(void* shared, const void* global) {
    const auto s = static_cast<uint32_t>(__cvta_generic_to_shared(shared));
    asm volatile("cp.async.ca.shared.global [%0], [%1], 4;\n" ::"r"(s), "l"(global));
}
__device__ __forceinline__ void copyAsyncCommit() {
    asm volatile("cp.async.commit_group;\n" ::);
}
template <int N> __device__ __forceinline__ void copyAsyncWait() {
    asm volatile("cp.async.wait_group %0;\n" ::"n"(N));
}

constexpr int kMmaStages = 6; ///< k-blocks in flight per warp (cp.async into shared memory)

/// What lane `lane` of a warp needs for one k-block, landed in shared memory by its own cp.async:
/// its 16 bytes of qweight, the scales and zero-point word of their group, its slice of x.
template <int BITS> struct MmaStage {
    static constexpr int V = layout::valuesPerWord(BITS);
    static constexpr int XVecs = V >= 8 ? V / 8 : 1; ///< 16-byte pieces of the lane's x slice
    uint4 words[32];
    uint4 x[XVecs][32];
    uint2 scales[32];
    uint32_t zeros[32];
};

template <int BITS> constexpr size_t mmaSharedBytes(int threads) {
    return static_cast<size_t>(threads / 32) * kMmaStages * sizeof(MmaStage<BITS>);
}

/// Lane (n, t) of a warp; its B columns col … col + 3, its x row n (zero when n >= m).
/// k-block b: word rows 4b … 4b + 3 = values 4V·b … 4V·b + 4V − 1, V = 32 / BITS values a word;
/// lane t holds word row 4b + t, i.e. values kPart = 4V·b + V·t … + V − 1, as float16 pairs
/// (value i, value i + V/2), i < V/2 (the and-or of PackedGemv.cuh). mma step s (V/4 of them)
/// takes pairs 2s and 2s + 1 as B's two registers, and x[kPart + 2s, kPart + 2s + V/2] and
/// x[kPart + 2s + 1, kPart + 2s + 1 + V/2] as A's, so both sides see the same k in each slot.
/// Each lane copies what it needs kMmaStages − 1 blocks ahead into its own shared-memory slots
/// (cp.async; no barrier: a lane reads only what it copied itself).
template <int BITS> __global__ void __launch_bounds__(kGemvMaxThreads) gemvMmaKernel(GemvArgs a) {
    constexpr int V = layout::valuesPerWord(BITS);
    constexpr int kBlock = 4 * V;
    constexpr uint32_t kPairMask = layout::valueMask(BITS) * 0x00010001u;
    constexpr uint32_t kMagic = 0x64006400u; // float16 1024 in both halves
    using Stage = MmaStage<BITS>;
    __shared__ float partial[kGemvMaxThreads / 32][kGemvMaxRows][32];
    extern __shared__ uint4 stageMemory[];

    const int lane = static_cast<int>(threadIdx.x) & 31, warp = static_cast<int>(threadIdx.x) >> 5;
    const int warps = static_cast<int>(blockDim.x) >> 5;
    const int n = lane >> 2, t = lane & 3;
    const int64_t c0 = static_cast<int64_t>(blockIdx.x) * 32;
    const int64_t col = c0 + 4 * n;
    const bool active = col < a.out;
    const bool hasRow = n < a.m;
    const int blocks = static_cast<int>(a.in / kBlock);
    const int b0 = static_cast<int>(static_cast<int64_t>(blocks) * warp / warps);
    const int b1 = static_cast<int>(static_cast<int64_t>(blocks) * (warp + 1) / warps);
    const int64_t rowStride4 = a.out / 4;
    const uint4* qw = reinterpret_cast<const uint4*>(a.qweight + (active ? col : 0)) + t * rowStride4;
    const __half* xRow = static_cast<const __half*>(a.x) + (hasRow ? n : 0) * a.in;
    const int64_t zeroWords = layout::qzerosCols(a.out, BITS);
    const __half* scaleBase = static_cast<const __half*>(a.scales) + col;
    const uint32_t* zeroBase = a.qzeros + col * BITS / layout::kWordBits;
    const int zeroShift = static_cast<int>(col * BITS % layout::kWordBits);
    const int group = static_cast<int>(a.group);
    Stage* stages = reinterpret_cast<Stage*>(stageMemory) + warp * kMmaStages;

    auto fill = [&](Stage& st, int bi) {
        const int kPart = bi * kBlock + V * t;
        if (active) {
            copyAsync16(&st.words[lane], qw + static_cast<int64_t>(bi) * 4 * rowStride4);
            const int g = kPart / group;
            copyAsync8(&st.scales[lane], scaleBase + g * a.out);
            copyAsync4(&st.zeros[lane], zeroBase + g * zeroWords);
        }
        if (hasRow) {
            if constexpr (V >= 8) {
#pragma unroll
                for (int v = 0; v < Stage::XVecs; ++v)
                    copyAsync16(&st.x[v][lane], reinterpret_cast<const uint4*>(xRow + kPart) + v);
            } else {
                copyAsync8(&st.x[0][lane], xRow + kPart);
            }
        }
    };

    float acc[4][4] = {};
#pragma unroll
    for (int i = 0; i < kMmaStages - 1; ++i) {
        if (b0 + i < b1) fill(stages[i], b0 + i);
        copyAsyncCommit(); // one group per block, empty ones too: the wait below counts groups
    }
    for (int bi = b0; bi < b1; ++bi) {
        const int ahead = bi + kMmaStages - 1;
        if (ahead < b1) fill(stages[(ahead - b0) % kMmaStages], ahead);
        copyAsyncCommit();
        copyAsyncWait<kMmaStages - 1>(); // block bi's group has landed
        const Stage& st = stages[(bi - b0) % kMmaStages];
        // Inactive lanes: scales 0, zero points 0, codes 0, so their Ŵ is 0; rows >= m: x is 0.
        const uint4 words = active ? st.words[lane] : make_uint4(0, 0, 0, 0);
        const uint2 scales = active ? st.scales[lane] : make_uint2(0, 0);
        const uint32_t zBits = active ? st.zeros[lane] >> zeroShift : 0u;
        uint32_t xw[V / 2];
        if constexpr (V >= 8) {
#pragma unroll
            for (int v = 0; v < Stage::XVecs; ++v) {
                const uint4 xv = hasRow ? st.x[v][lane] : make_uint4(0, 0, 0, 0);
                xw[4 * v] = xv.x, xw[4 * v + 1] = xv.y, xw[4 * v + 2] = xv.z, xw[4 * v + 3] = xv.w;
            }
        } else {
            const uint2 xv = hasRow ? *reinterpret_cast<const uint2*>(&st.x[0][lane]) : make_uint2(0, 0);
            xw[0] = xv.x, xw[1] = xv.y;
        }
        const uint32_t scale2[4] = {__byte_perm(scales.x, 0, 0x1010), __byte_perm(scales.x, 0, 0x3232),
                                    __byte_perm(scales.y, 0, 0x1010), __byte_perm(scales.y, 0, 0x3232)};
        const uint32_t cw[4] = {words.x, words.y, words.z, words.w};
#pragma unroll
        for (int s = 0; s < V / 4; ++s) {
            const uint32_t aLow = __byte_perm(xw[s], xw[s + V / 4], 0x5410);
            const uint32_t aHigh = __byte_perm(xw[s], xw[s + V / 4], 0x7632);
#pragma unroll
            for (int j = 0; j < 4; ++j) {
                const uint32_t zero2 =
                    kMagic | (((zBits >> (j * BITS)) & layout::valueMask(BITS)) * 0x00010001u);
                const uint32_t p0 = ((cw[j] >> (2 * s * BITS)) & kPairMask) | kMagic;
                const uint32_t p1 = ((cw[j] >> ((2 * s + 1) * BITS)) & kPairMask) | kMagic;
                const __half2 z = asHalf2(zero2), sc = asHalf2(scale2[j]);
                const uint32_t w0 = asWord(__hmul2(__hsub2(asHalf2(p0), z), sc));
                const uint32_t w1 = asWord(__hmul2(__hsub2(asHalf2(p1), z), sc));
                mma16816(acc[j], aLow, aHigh, w0, w1);
            }
        }
    }
    copyAsyncWait<0>();
    // Lane (n, t) holds row n, columns 8t + j (acc[j][0]) and 8t + 4 + j (acc[j][1]) of the block.
    if (hasRow)
#pragma unroll
        for (int j = 0; j < 4; ++j) {
            partial[warp][n][8 * t + j] = acc[j][0];
            partial[warp][n][8 * t + 4 + j] = acc[j][1];
        }
    __syncthreads();
    __half* y = static_cast<__half*>(a.y);
    for (int idx = static_cast<int>(threadIdx.x); idx < a.m * 32; idx += static_cast<int>(blockDim.x)) {
        const int r = idx >> 5, c = idx & 31;
        if (c0 + c >= a.out) continue;
        float sum = 0.0f;
        for (int w = 0; w < warps; ++w)
            sum += partial[w][r][c];
        y[r * a.out + c0 + c] = __float2half_rn(sum);
    }
}

template <int BITS> void launchMma(const GemvArgs& a, int threads, cudaStream_t stream) {
    // More than 48 KB of dynamic shared memory needs a per-kernel opt-in, once.
    static const bool optedIn = [] {
        QAT_CUDA_CHECK(cudaFuncSetAttribute(gemvMmaKernel<BITS>, cudaFuncAttributeMaxDynamicSharedMemorySize,
                                            static_cast<int>(mmaSharedBytes<BITS>(kGemvMaxThreads))));
        return true;
    }();
    (void)optedIn;
    const auto blocks = static_cast<unsigned>((a.out + 31) / 32);
    gemvMmaKernel<BITS><<<blocks, threads, mmaSharedBytes<BITS>(threads), stream>>>(a);
}

} // namespace

void launchGemvMma(const GemvArgs& a, int threads, cudaStream_t stream) {
    switch (a.bits) {
    case 2:
        launchMma<2>(a, threads, stream);
        break;
    case 4:
        launchMma<4>(a, threads, stream);
        break;
    case 8:
        launchMma<8>(a, threads, stream);
        break;
    default:
        throw std::invalid_argument("launchGemvMma: 2, 4 or 8 bits");
    }
    QAT_CUDA_CHECK(cudaGetLastError());
}

} // namespace qat::kernels::cuda
