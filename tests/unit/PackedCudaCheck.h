// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The CUDA packed ops against the CPU reference (kernels/src), in plain C++ + torch, shared by the
// Qt test TestPackedCuda (label gpu) and `BenchPackedGemv --check` (which runs where Qt is not
// installed, e.g. on a GPU machine that gets only the binaries). Needs a build with CUDA kernels
// (QAT_KERNELS_HAVE_CUDA) and a CUDA device.
//
// Tolerances, with yRef the float32 CPU result on the same float16 x, u = 2^-11 (half an ulp of
// float16) and Σ|x||ŵ| the magnitude of the dot product:
//   dequantize                  bit for bit (float32; float16 / bfloat16: the float32 value rounded once)
//   GEMV, simt kernel           |y − yRef| <= 1.01·u·|yRef| + 1e-6·Σ|x|·s·2^(bits+1) + 1e-6
//                               (y's rounding to float16, plus float32 sums in another order; the
//                               kernel factors z and s out of each 32-value unit, so the float32
//                               error scales with s·2^bits, not |ŵ|)
//   GEMV, mma and half2 kernels as dequantize + cuBLAS float16 (they multiply the float16 Ŵ; the
//                               split-K kernels add their splits' float32 sums)
//   dequantize + cuBLAS float16 |y − yRef| <= 1.01·u·|yRef| + 1e-3·Σ|x||ŵ|    (Ŵ rounded to float16)
//   dequantize + cuBLAS float32 |y − yRef| <= 1e-5·Σ|x||ŵ| + 1e-6
//   dequantize + cuBLAS bf16    |y − yRef| <= 1.01·2^-8·|yRef| + 8e-3·Σ|x||ŵ|

#include "qat/kernels/BuildConfig.h"

#ifdef QAT_KERNELS_HAVE_CUDA

#include "cuda/CudaOps.h"
#include "qat/kernels/PackedLayout.h"
#include "qat/kernels/PackedOps.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <random>
#include <string>
#include <vector>

namespace qat::test::packedcuda {

namespace kn = qat::kernels;

/// A random packed weight on the CPU: codes and zero points uniform over [0, 2^bits), scales
/// uniform in [1e-3, 5e-2] as float16.
struct Packed {
    int64_t in = 0, out = 0, group = 0;
    int bits = 0;
    torch::Tensor qweight, qzeros, scales;
};

inline Packed randomPacked(int64_t in, int64_t out, int bits, int64_t group, uint64_t seed) {
    torch::manual_seed(seed);
    Packed p{in, out, group, bits, {}, {}, {}};
    const int64_t groups = in / group;
    const int64_t top = int64_t{1} << bits;
    p.qweight = kn::packQWeight(torch::randint(0, top, {in, out}, torch::kInt32), bits);
    p.qzeros = kn::packQZeros(torch::randint(0, top, {groups, out}, torch::kInt32), bits);
    p.scales = (torch::rand({groups, out}) * 0.049 + 0.001).to(torch::kHalf);
    return p;
}

/// A random packable shape: in a multiple of group and of 32 (so the GEMV applies when group is a
/// multiple of 32), out a multiple of the layout's block, neither a multiple of the kernels' tiles.
inline std::pair<int64_t, int64_t> randomShape(std::mt19937& rng, int bits, int64_t group, int64_t maxIn,
                                               int64_t maxOut) {
    const int64_t inUnit = std::lcm<int64_t>(group, 32), outUnit = kn::layout::valuesPerBlock(bits);
    std::uniform_int_distribution<int64_t> ins(1, std::max<int64_t>(1, maxIn / inUnit)),
        outs(1, std::max<int64_t>(1, maxOut / outUnit));
    return {inUnit * ins(rng), outUnit * outs(rng)};
}

struct Check {
    std::string what; ///< e.g. "gemv m3 (in 640, out 352)"
    std::string path; ///< "dequantize", "gemv", "dequant+cublas"
    int bits = 0;
    int64_t group = 0;
    double maxAbsError = 0; ///< max |y − yRef|
    double worst = 0;       ///< max |y − yRef| / tolerance (<= 1 passes); 0 for exact checks
    bool ok = true;
};

struct OnDevice {
    torch::Tensor qweight, qzeros, scales;
};
inline OnDevice toCuda(const Packed& p) {
    return {p.qweight.cuda(), p.qzeros.cuda(), p.scales.cuda()};
}

/// dequantize on CUDA == dequantize on the CPU, bit for bit, in float32 / float16 / bfloat16, with
/// float16 and float32 scales.
inline std::vector<Check> compareDequantize(const Packed& p) {
    std::vector<Check> checks;
    const OnDevice d = toCuda(p);
    const torch::Tensor ref = kn::dequantize(p.qweight, p.qzeros, p.scales, p.bits, p.group);
    for (torch::ScalarType dtype : {torch::kFloat, torch::kHalf, torch::kBFloat16}) {
        for (bool floatScales : {false, true}) {
            const torch::Tensor s = floatScales ? d.scales.to(torch::kFloat) : d.scales;
            const torch::Tensor w = kn::dequantize(d.qweight, d.qzeros, s, p.bits, p.group, dtype).cpu();
            const torch::Tensor expected = ref.to(dtype);
            Check c;
            c.what = std::string("dequantize ") + c10::toString(dtype) +
                     (floatScales ? " (fp32 scales)" : "") + " (in " + std::to_string(p.in) + ", out " +
                     std::to_string(p.out) + ")";
            c.path = "dequantize";
            c.bits = p.bits;
            c.group = p.group;
            c.ok = w.sizes() == expected.sizes() && w.scalar_type() == dtype && w.is_contiguous() &&
                   torch::equal(w, expected);
            c.maxAbsError =
                w.sizes() == expected.sizes()
                    ? (w.to(torch::kFloat) - expected.to(torch::kFloat)).abs().max().item<double>()
                    : INFINITY;
            checks.push_back(c);
        }
    }
    return checks;
}

/// x (rows, in) in xType on CUDA through kn::dequantMatmul (whatever path the dispatch takes),
/// against the CPU's float32 result on the same x values. `config`, when given, forces the
/// fused GEMV with that launch shape instead.
inline Check compareMatmul(const Packed& p, int64_t rows, torch::ScalarType xType, uint64_t seed,
                           const kn::cuda::GemvConfig* config = nullptr) {
    torch::NoGradGuard noGrad;
    torch::manual_seed(seed);
    const OnDevice d = toCuda(p);
    const torch::Tensor x = torch::randn({rows, p.in}).to(xType);
    const torch::Tensor xf = x.to(torch::kFloat);
    const torch::Tensor yRef = kn::dequantMatmul(xf, p.qweight, p.qzeros, p.scales, p.bits, p.group);
    const torch::Tensor xc = x.cuda();
    const bool gemv = config || kn::detail::cudaGemvApplies(xc, d.scales, p.in, p.out, p.bits, p.group);
    const kn::cuda::GemvKernel kernel =
        kn::cuda::resolveGemvKernel(p.in, p.bits, config ? *config : kn::cuda::GemvConfig{});
    const torch::Tensor yc =
        config ? kn::detail::cudaGemv(xc, d.qweight, d.qzeros, d.scales, p.bits, p.group, *config)
               : kn::dequantMatmul(xc, d.qweight, d.qzeros, d.scales, p.bits, p.group);
    Check c;
    c.bits = p.bits;
    c.group = p.group;
    c.path = gemv ? std::string("gemv-") + kn::cuda::gemvKernelName(kernel) : std::string("dequant+cublas");
    c.what = c.path + " " + c10::toString(xType) + " m" + std::to_string(rows) + " (in " +
             std::to_string(p.in) + ", out " + std::to_string(p.out) + ")";
    if (config)
        c.what +=
            std::string(" ") + kn::cuda::gemvKernelName(kernel) + " colQuads " +
            std::to_string(config->colQuads) + " threads " + std::to_string(config->threads) +
            (kn::cuda::gemvIsSplitK(kernel) ? " splits " + std::to_string(config->splits) : std::string());
    if (yc.scalar_type() != xType || yc.sizes() != yRef.sizes()) {
        c.ok = false;
        c.what += ": wrong dtype or shape";
        return c;
    }
    const torch::Tensor y = yc.cpu().to(torch::kFloat);
    const torch::Tensor w = kn::dequantize(p.qweight, p.qzeros, p.scales, p.bits, p.group); // (out, in)
    const torch::Tensor magnitude = torch::matmul(xf.abs(), w.abs().t());                   // Σ|x||ŵ|
    constexpr double u = 1.0 / 2048.0;
    torch::Tensor tol;
    if (gemv && kernel == kn::cuda::GemvKernel::Simt) {
        const torch::Tensor sIn = p.scales.to(torch::kFloat).repeat_interleave(p.group, 0); // (in, out)
        tol =
            1.01 * u * yRef.abs() + 1e-6 * std::ldexp(1.0, p.bits + 1) * torch::matmul(xf.abs(), sIn) + 1e-6;
    } else if (xType == torch::kHalf) { // dequantize + cuBLAS, or the mma / half2 GEMV: the float16 Ŵ
        tol = 1.01 * u * yRef.abs() + 1e-3 * magnitude;
    } else if (xType == torch::kBFloat16) {
        tol = 1.01 / 256.0 * yRef.abs() + 8e-3 * magnitude;
    } else {
        tol = 1e-5 * magnitude + 1e-6;
    }
    const torch::Tensor err = (y - yRef).abs();
    c.maxAbsError = err.max().item<double>();
    c.worst = (err / tol).max().item<double>();
    c.ok = std::isfinite(c.worst) && c.worst <= 1.0;
    return c;
}

/// Everything for one (bits, group): `trials` random shapes, each checked through dequantize in
/// every dtype, the GEMV at 1, 3 and 8 rows, the GEMM path at 9 and 40 rows, float32 and
/// bfloat16 x; plus one Llama-sized weight (4096 inputs) at 1 row.
inline std::vector<Check> checkBitsGroup(int bits, int64_t group, uint64_t seed, int trials) {
    std::vector<Check> checks;
    std::mt19937 rng(static_cast<uint32_t>(seed));
    auto append = [&](std::vector<Check> more) { checks.insert(checks.end(), more.begin(), more.end()); };
    for (int t = 0; t < trials; ++t) {
        const auto [in, out] = randomShape(rng, bits, group, 1536, 640);
        const Packed p = randomPacked(in, out, bits, group, seed * 131 + t);
        append(compareDequantize(p));
        for (int64_t rows : {1, 3, 8, 9, 40})
            checks.push_back(compareMatmul(p, rows, torch::kHalf, seed + 7 * rows + t));
        checks.push_back(compareMatmul(p, 2, torch::kFloat, seed + 1000 + t));
        checks.push_back(compareMatmul(p, 1, torch::kBFloat16, seed + 2000 + t));
    }
    if (4096 % group == 0) {
        const Packed big =
            randomPacked(4096, 8 * kn::layout::valuesPerBlock(bits) * 8, bits, group, seed + 99);
        checks.push_back(compareMatmul(big, 1, torch::kHalf, seed + 98));
    }
    return checks;
}

/// The fused GEMV at every launch shape the benchmark may try, every kernel, on one ragged shape.
inline std::vector<Check> checkGemvConfigs(int bits, uint64_t seed) {
    std::vector<Check> checks;
    const Packed p = randomPacked(32 * 38, 32 * 51, bits, 32, seed); // 1632 columns: ragged for 64 and 128
    std::vector<kn::cuda::GemvConfig> configs;
    for (int colQuads : {2, 4, 8, 16, 32})
        for (int threads : {64, 128, 256, 512})
            if (threads / 32 * 8 * colQuads * 4 * 4 <= 48 * 1024)
                configs.push_back({colQuads, threads, kn::cuda::GemvKernel::Simt});
    if (kn::cuda::gemvMmaSupports(p.in, bits))
        for (int threads : {64, 128, 256, 512})
            configs.push_back({0, threads, kn::cuda::GemvKernel::Mma});
    if (kn::cuda::gemvHalf2Supports(bits)) {
        for (kn::cuda::GemvKernel kernel : {kn::cuda::GemvKernel::Half2, kn::cuda::GemvKernel::Half2Pdl})
            for (int colQuads : {2, 4, 8, 16, 32})
                for (int threads : {64, 128, 256, 512})
                    if (threads / 32 * 8 * colQuads * 4 * 4 <= 48 * 1024)
                        configs.push_back({colQuads, threads, kernel});
        // Split-K: tile widths and block sizes, each with splits chosen (0), one split, and 5, 7, 20
        // and all 38 of the 38 groups (20: 2 groups a split, the last split empty; 7: 6 groups a
        // split, the last 2); its programmatic-dependent-launch twin with fewer.
        const std::pair<int, int> shapes[] = {{2, 64}, {4, 128}, {8, 256}, {16, 128}, {32, 256}, {4, 512}};
        for (const auto& [colQuads, threads] : shapes) {
            for (int splits : {0, 1, 5, 7, 20, 38})
                configs.push_back({colQuads, threads, kn::cuda::GemvKernel::Half2SplitK, splits});
            for (int splits : {0, 20})
                configs.push_back({colQuads, threads, kn::cuda::GemvKernel::Half2SplitKPdl, splits});
        }
    }
    for (const kn::cuda::GemvConfig& config : configs)
        for (int64_t rows : {1, 5, 8})
            checks.push_back(compareMatmul(p, rows, torch::kHalf,
                                           seed + config.colQuads + config.threads + config.splits + rows,
                                           &config));
    return checks;
}

/// Every GEMV kernel that takes (bits, group), at its default launch shape, at every row count
/// 1 … kGemvMaxRows, on one shape whose columns are ragged for every tile (1632 = 51 · 32) and
/// whose input dimension holds whole groups of 32, 64 and 128 (1152 = 9 · 128). The split-K
/// kernels also at few groups: in = 128 (4, 2 or 1 groups) and in = 3 · group with 208 columns
/// (ragged for every tile), each with the splits chosen, as many splits as groups, and (more than
/// one group) 2 splits; and at 9 groups of 128 in 4 splits (3 groups a split, the last split empty).
inline std::vector<Check> checkGemvKernels(int bits, int64_t group, uint64_t seed) {
    std::vector<Check> checks;
    const Packed p = randomPacked(1152, 1632, bits, group, seed);
    if (!kn::cuda::gemvSupports(p.in, p.out, bits, group, 1)) return checks;
    for (kn::cuda::GemvKernel kernel : kn::cuda::kGemvKernels) {
        if (!kn::cuda::gemvKernelSupports(kernel, p.in, bits)) continue;
        const kn::cuda::GemvConfig config{0, 0, kernel};
        for (int64_t rows = 1; rows <= kn::cuda::kGemvMaxRows; ++rows)
            checks.push_back(
                compareMatmul(p, rows, torch::kHalf, seed + 11 * rows + static_cast<int>(kernel), &config));
    }
    if (!kn::cuda::gemvHalf2Supports(bits)) return checks;
    for (kn::cuda::GemvKernel kernel :
         {kn::cuda::GemvKernel::Half2SplitK, kn::cuda::GemvKernel::Half2SplitKPdl}) {
        for (const auto& [in, out] : {std::pair<int64_t, int64_t>{128, 1632}, {3 * group, 208}}) {
            if (!kn::cuda::gemvSupports(in, out, bits, group, 1)) continue;
            const Packed small = randomPacked(in, out, bits, group, seed + static_cast<uint64_t>(in + out));
            const int groups = static_cast<int>(in / group);
            std::vector<kn::cuda::GemvConfig> configs{{0, 0, kernel, 0}, {16, 128, kernel, groups}};
            if (groups > 1) configs.push_back({4, 64, kernel, 2});
            for (const kn::cuda::GemvConfig& config : configs)
                for (int64_t rows : {1, 3, 8})
                    checks.push_back(compareMatmul(small, rows, torch::kHalf,
                                                   seed + 13 * rows + static_cast<uint64_t>(config.splits),
                                                   &config));
        }
        if (group == 128)
            for (int64_t rows : {1, 6}) {
                const kn::cuda::GemvConfig config{8, 128, kernel, 4};
                checks.push_back(compareMatmul(p, rows, torch::kHalf, seed + 17 * rows, &config));
            }
    }
    return checks;
}

} // namespace qat::test::packedcuda

#endif // QAT_KERNELS_HAVE_CUDA
