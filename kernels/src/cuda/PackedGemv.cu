// SPDX-License-Identifier: GPL-3.0-or-later
// The dequantize-GEMV kernel family (PackedGemv.cuh): the Simt kernel (CUDA cores, float32) and the
// launch logic of all kernels (the Mma kernel is in PackedGemvMma.cu, Half2 and Half2SplitK in
// PackedGemvHalf2.cu).

#include "PackedGemv.cuh"

#include "CudaCheck.h"
#include "PackedBits.cuh"

#include <cuda_fp16.h>

#include <atomic>
#include <stdexcept>
#include <string>
#include <type_traits>

namespace qat::kernels::cuda {
namespace {

constexpr int kValuesPerUnit = 32; ///< a unit: 32 values of a column, `bits` words (PackedLayout.h)
constexpr int kMaxSharedBytes = 48 * 1024;

/// f(std::integral_constant<int, I>) for I in [I0, N): a loop whose index is a compile-time constant.
template <int I, int N, typename F> __device__ __forceinline__ void staticFor(F&& f) {
    if constexpr (I < N) {
        f(std::integral_constant<int, I>{});
        staticFor<I + 1, N>(f);
    }
}

/// 16 bytes of qweight, read once: through the non-coherent path, not kept in L1, with a hint to
/// fetch the surrounding 256 bytes into L2 (the neighbouring blocks' columns; 1-3 % faster on an H100).
__device__ __forceinline__ uint4 loadStreaming(const uint4* p) {
    uint4 v;
    asm("ld.global.nc.L1::no_allocate.L2::256B.v4.u32 {%0, %1, %2, %3}, [%4];"
        : "=r"(v.x), "=r"(v.y), "=r"(v.z), "=r"(v.w)
        : "l"(p));
    return v;
}

/// What one unit needs from memory, loaded a unit ahead so that no load waits inside the loop:
/// the BITS word rows of the thread's 4 columns, their scales and zero-point words and, for one
/// row of x, its 32 values.
template <int BITS, int M> struct UnitData {
    uint4 w[BITS];
    uint2 s;
    uint32_t z[2];
    uint4 x[M == 1 ? 4 : 1];
};

template <int BITS, int M>
__device__ __forceinline__ void loadUnit(UnitData<BITS, M>& d, const GemvArgs& a, const uint4* qw, int u,
                                         int64_t rowStride4, int64_t c0, int unitsPerGroup) {
#pragma unroll
    for (int t = 0; t < BITS; ++t)
        d.w[t] = loadStreaming(qw + (static_cast<int64_t>(u) * BITS + t) * rowStride4);
    const int64_t g = u / unitsPerGroup;
    d.s = __ldg(reinterpret_cast<const uint2*>(static_cast<const __half*>(a.scales) + g * a.out + c0));
    // Zero points of the 4 columns: 4 · BITS bits from column c0 of qzeros row g (3 bits may cross a word).
    const uint32_t* zLine = a.qzeros + g * layout::qzerosCols(a.out, BITS);
    const int64_t bit = c0 * BITS;
    d.z[0] = __ldg(zLine + bit / layout::kWordBits);
    d.z[1] = (bit % layout::kWordBits) + 4 * BITS > layout::kWordBits
                 ? __ldg(zLine + bit / layout::kWordBits + 1)
                 : 0u;
    if constexpr (M == 1) {
        const uint4* x = reinterpret_cast<const uint4*>(static_cast<const __half*>(a.x) +
                                                        static_cast<int64_t>(u) * kValuesPerUnit);
#pragma unroll
        for (int i = 0; i < 4; ++i)
            d.x[i] = __ldg(x + i);
    }
}

/// acc[r][c] += Σ_{k in unit u} x[r][k] · Ŵ[c0 + c][k] for the thread's 4 columns.
template <int BITS, int M>
__device__ __forceinline__ void processUnit(const UnitData<BITS, M>& d, int u, const GemvArgs& a, int64_t c0,
                                            float (&acc)[M][4]) {
    uint32_t w[4][BITS];
#pragma unroll
    for (int t = 0; t < BITS; ++t) {
        w[0][t] = d.w[t].x;
        w[1][t] = d.w[t].y;
        w[2][t] = d.w[t].z;
        w[3][t] = d.w[t].w;
    }
    const float2 s01 = __half22float2(*reinterpret_cast<const __half2*>(&d.s.x));
    const float2 s23 = __half22float2(*reinterpret_cast<const __half2*>(&d.s.y));
    const float s[4] = {s01.x, s01.y, s23.x, s23.y};
    const int shift = static_cast<int>((c0 * BITS) % layout::kWordBits);
    const uint64_t zBits = d.z[0] | (static_cast<uint64_t>(d.z[1]) << 32);
    float z[4];
#pragma unroll
    for (int c = 0; c < 4; ++c)
        z[c] =
            static_cast<float>(static_cast<uint32_t>(zBits >> (shift + c * BITS)) & layout::valueMask(BITS));

    float dot[M][4] = {}; // Σ x · (1 + q / 2^BITS)
    float xSum[M] = {};   // Σ x
    const __half* xUnit = static_cast<const __half*>(a.x) + static_cast<int64_t>(u) * kValuesPerUnit;
    // Chunks of CH values: decoded once for the 4 columns, used for every row of x. Fewer at a
    // time for many rows, to stay within the registers.
    constexpr int CH = M <= 2 ? 8 : 4;
    using XVec = std::conditional_t<CH == 8, uint4, uint2>;
    staticFor<0, kValuesPerUnit / CH>([&](auto chunk) {
        constexpr int J0 = decltype(chunk)::value * CH;
        float f[CH][4];
        staticFor<0, CH>([&](auto j) {
#pragma unroll
            for (int c = 0; c < 4; ++c)
                f[j][c] = unitFloatAt<BITS, J0 + decltype(j)::value>(w[c]);
        });
#pragma unroll
        for (int r = 0; r < M; ++r) {
            if (M > 1 && r >= a.m) break;
            XVec xRaw;
            if constexpr (M == 1)
                xRaw = d.x[decltype(chunk)::value];
            else
                xRaw = __ldg(reinterpret_cast<const XVec*>(xUnit + r * a.in + J0));
            const __half2* xh = reinterpret_cast<const __half2*>(&xRaw);
#pragma unroll
            for (int p = 0; p < CH / 2; ++p) {
                const float2 xv = __half22float2(xh[p]);
                xSum[r] += xv.x + xv.y;
#pragma unroll
                for (int c = 0; c < 4; ++c)
                    dot[r][c] = fmaf(xv.y, f[2 * p + 1][c], fmaf(xv.x, f[2 * p][c], dot[r][c]));
            }
        }
    });
    // Σ x · (q − z) · s = s · (2^BITS · dot − (2^BITS + z) · Σ x).
    constexpr float kLift = static_cast<float>(1 << BITS);
#pragma unroll
    for (int r = 0; r < M; ++r)
#pragma unroll
        for (int c = 0; c < 4; ++c)
            acc[r][c] = fmaf(s[c], fmaf(kLift, dot[r][c], -(kLift + z[c]) * xSum[r]), acc[r][c]);
}

template <int BITS, int M>
__global__ void __launch_bounds__(kGemvMaxThreads) gemvKernel(GemvArgs a, int colQuads) {
    extern __shared__ float partial[]; // [warps][M][colQuads · 4]
    const int tid = static_cast<int>(threadIdx.x);
    const int lane = tid & 31, warp = tid >> 5, warps = static_cast<int>(blockDim.x) >> 5;
    const int cq = tid % colQuads, ks = tid / colQuads;
    const int kSlices = static_cast<int>(blockDim.x) / colQuads;
    const int width = colQuads * 4;
    const int64_t c0 = static_cast<int64_t>(blockIdx.x) * width + cq * 4;
    const int units = static_cast<int>(a.in / kValuesPerUnit);
    const int unitsPerGroup = static_cast<int>(a.group / kValuesPerUnit);

    float acc[M][4] = {};
    if (c0 < a.out) {
        const uint4* qw = reinterpret_cast<const uint4*>(a.qweight + c0);
        const int64_t rowStride4 = a.out / 4;
        // Two units in flight: load the next while computing the current.
        UnitData<BITS, M> bufA, bufB;
        int u = ks;
        if (u < units) loadUnit<BITS, M>(bufA, a, qw, u, rowStride4, c0, unitsPerGroup);
        while (u < units) {
            const int u1 = u + kSlices;
            if (u1 < units) loadUnit<BITS, M>(bufB, a, qw, u1, rowStride4, c0, unitsPerGroup);
            processUnit<BITS, M>(bufA, u, a, c0, acc);
            if (u1 >= units) break;
            const int u2 = u1 + kSlices;
            if (u2 < units) loadUnit<BITS, M>(bufA, a, qw, u2, rowStride4, c0, unitsPerGroup);
            processUnit<BITS, M>(bufB, u1, a, c0, acc);
            u = u2;
        }
    }
    // The k-slices of one warp (lanes cq, cq + colQuads, …), then the warps.
    for (int offset = colQuads; offset < 32; offset <<= 1)
#pragma unroll
        for (int r = 0; r < M; ++r)
#pragma unroll
            for (int c = 0; c < 4; ++c)
                acc[r][c] += __shfl_xor_sync(0xffffffffu, acc[r][c], offset);
    if (lane < colQuads)
#pragma unroll
        for (int r = 0; r < M; ++r)
#pragma unroll
            for (int c = 0; c < 4; ++c)
                partial[(warp * M + r) * width + lane * 4 + c] = acc[r][c];
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

// --- Simt launch ----------------------------------------------------------------------------

template <int BITS, int M> void launchRows(const GemvArgs& a, const GemvConfig& cfg, cudaStream_t stream) {
    const int width = cfg.colQuads * 4;
    const auto blocks = static_cast<unsigned>((a.out + width - 1) / width);
    const size_t shared = static_cast<size_t>(cfg.threads / 32) * M * width * sizeof(float);
    gemvKernel<BITS, M><<<blocks, cfg.threads, shared, stream>>>(a, cfg.colQuads);
}

template <int BITS> void launchBits(const GemvArgs& a, const GemvConfig& cfg, cudaStream_t stream) {
    if (a.m == 1)
        launchRows<BITS, 1>(a, cfg, stream);
    else if (a.m == 2)
        launchRows<BITS, 2>(a, cfg, stream);
    else if (a.m <= 4)
        launchRows<BITS, 4>(a, cfg, stream);
    else
        launchRows<BITS, 8>(a, cfg, stream);
}

int multiprocessors(int device) {
    static std::atomic<int> cache[64] = {};
    if (device < 0 || device >= 64) device = 0;
    int n = cache[device].load(std::memory_order_relaxed);
    if (n == 0) {
        QAT_CUDA_CHECK(cudaDeviceGetAttribute(&n, cudaDevAttrMultiProcessorCount, device));
        cache[device].store(n, std::memory_order_relaxed);
    }
    return n;
}

} // namespace

bool gemvSupports(int64_t in, int64_t out, int bits, int64_t group, int m) {
    return layout::isPackableShape(in, out, bits, group) && in % kValuesPerUnit == 0 &&
           group % kValuesPerUnit == 0 && m >= 1 && m <= kGemvMaxRows &&
           in / kValuesPerUnit < (int64_t{1} << 30);
}

bool gemvMmaSupports(int64_t in, int bits) {
    return (bits == 2 || bits == 4 || bits == 8) && in % (4 * layout::valuesPerWord(bits)) == 0;
}

GemvConfig chooseGemvConfig(int64_t in, int64_t out, int bits, int device) {
    (void)in;
    // Measured on an H100 SXM (tests/bench/BenchPackedGemv --sweep, W4 g128 and W2 g64 at Llama-2-7B's
    // shapes): 16 columns a block was best or within 5 % everywhere; 256 threads while that gives
    // fewer than three blocks per multiprocessor, else 128.
    GemvConfig cfg;
    cfg.kernel = defaultGemvKernel(bits);
    cfg.colQuads = 4;
    const int64_t blocks = (out / 4 + cfg.colQuads - 1) / cfg.colQuads;
    cfg.threads = blocks >= 3 * static_cast<int64_t>(multiprocessors(device)) ? 128 : 256;
    return cfg;
}

int gemvMultiprocessors(int device) {
    return multiprocessors(device);
}

GemvConfig completeGemvConfig(int64_t in, int64_t out, int bits, int64_t group, int m, GemvConfig cfg,
                              int device) {
    if (!gemvSupports(in, out, bits, group, m))
        throw std::invalid_argument("launchGemv: unsupported shape (in " + std::to_string(in) + ", out " +
                                    std::to_string(out) + ", bits " + std::to_string(bits) + ", group " +
                                    std::to_string(group) + ", rows " + std::to_string(m) + ")");
    if (cfg.kernel == GemvKernel::Auto) {
        const GemvConfig chosen = chooseGemvConfig(in, out, bits, device);
        cfg.kernel = chosen.kernel;
        if (!gemvIsSplitK(chosen.kernel)) { // the split-K kernels choose their launch shape below
            if (cfg.threads == 0) cfg.threads = chosen.threads;
            if (cfg.colQuads == 0) cfg.colQuads = chosen.colQuads;
        }
    }
    if (cfg.kernel == GemvKernel::Mma && !gemvMmaSupports(in, bits))
        throw std::invalid_argument("launchGemv: the mma kernel takes 2, 4 or 8 bits with in a multiple of "
                                    "128 / bits");
    const bool half2 = cfg.kernel == GemvKernel::Half2 || cfg.kernel == GemvKernel::Half2Pdl;
    const bool splitK = gemvIsSplitK(cfg.kernel);
    if ((half2 || splitK) && !gemvHalf2Supports(bits))
        throw std::invalid_argument("launchGemv: the half2 kernels take 2, 4 or 8 bits");
    if (splitK) return chooseGemvSplitKConfig(in, out, bits, group, m, cfg, device);
    if (cfg.threads == 0) cfg.threads = 256;
    if ((cfg.kernel == GemvKernel::Simt || half2) && cfg.colQuads == 0) cfg.colQuads = 4;
    cfg.splits = 1;
    return cfg;
}

void launchGemv(const GemvArgs& a, GemvConfig cfg, int device, cudaStream_t stream) {
    cfg = completeGemvConfig(a.in, a.out, a.bits, a.group, a.m, cfg, device);
    const bool half2 = cfg.kernel == GemvKernel::Half2 || cfg.kernel == GemvKernel::Half2Pdl;
    const bool splitK = gemvIsSplitK(cfg.kernel);
    const int cq = cfg.colQuads;
    const bool cqOk = cfg.kernel == GemvKernel::Mma || cq == 2 || cq == 4 || cq == 8 || cq == 16 || cq == 32;
    const size_t shared = cfg.kernel == GemvKernel::Mma
                              ? 0
                              : static_cast<size_t>(cfg.threads / 32) * kGemvMaxRows * cq * 4 * sizeof(float);
    if (!cqOk || cfg.threads < 64 || cfg.threads > kGemvMaxThreads || cfg.threads % 32 != 0 ||
        shared > static_cast<size_t>(kMaxSharedBytes))
        throw std::invalid_argument("launchGemv: bad launch shape (colQuads " + std::to_string(cq) +
                                    ", threads " + std::to_string(cfg.threads) + ")");
    if (cfg.kernel == GemvKernel::Mma) {
        launchGemvMma(a, cfg.threads, stream);
        return;
    }
    if (half2) {
        launchGemvHalf2(a, cfg.colQuads, cfg.threads, cfg.kernel == GemvKernel::Half2Pdl, stream);
        return;
    }
    if (splitK) {
        const int64_t groups = a.in / a.group;
        if (cfg.splits < 1 || cfg.splits > groups || cfg.splits > 65535)
            throw std::invalid_argument("launchGemv: " + std::to_string(cfg.splits) + " splits for " +
                                        std::to_string(groups) + " groups (1 … groups, at most 65535)");
        if (cfg.splits > 1 && (a.workspace == nullptr || a.counters == nullptr))
            throw std::invalid_argument("launchGemv: a split-K launch with " + std::to_string(cfg.splits) +
                                        " splits needs a workspace and counters (see completeGemvConfig())");
        launchGemvHalf2SplitK(a, cfg.colQuads, cfg.threads, cfg.splits,
                              cfg.kernel == GemvKernel::Half2SplitKPdl, stream);
        return;
    }
    switch (a.bits) {
    case 2:
        launchBits<2>(a, cfg, stream);
        break;
    case 3:
        launchBits<3>(a, cfg, stream);
        break;
    case 4:
        launchBits<4>(a, cfg, stream);
        break;
    case 8:
        launchBits<8>(a, cfg, stream);
        break;
    }
    QAT_CUDA_CHECK(cudaGetLastError());
}

} // namespace qat::kernels::cuda
