// SPDX-License-Identifier: GPL-3.0-or-later
// Packed low-bit GEMV benchmark (kernels/): y = x @ Ŵᵀ for one token (x: (1, in)) at Llama-2-7B's
// linear shapes, in x out = 4096 x 4096 (q/k/v/o), 4096 x 11008 (gate/up), 11008 x 4096 (down);
// W4 g128 and W2 g64.
//
//   BenchPackedGemv [--device cuda|cpu] [--check] [--sweep] [--sweep-kernels NAMES] [--sweep-seconds S]
//                   [--iters N]
//
// --device cuda (default): the fused CUDA GEMV (kernels/src/cuda/PackedGemv.cu) against an fp16
//   at::matmul of x (1, in) by a dense fp16 weight (out, in) (x @ Wᵀ, cuBLAS), in one run. Both
//   are timed as CUDA graphs of many back-to-back calls (no launch overhead in the figure), each
//   call on another copy of its weights, enough copies to overflow the L2 cache four times, so
//   every call reads its weight from device memory. Reported per call: µs, effective GB/s (bytes
//   of packed weight + scales + zeros + x + y, or dense weight + x + y, over the time), and the
//   share of the device's peak memory bandwidth (memory clock x bus width x 2, queried; a known
//   figure by name where the query gives nothing; the JSON says which). Skips (77) without CUDA
//   kernels in the build or a CUDA device.
//   Each GEMV kernel (simt, mma, half2, half2-pdl, half2-splitk, half2-splitk-pdl; PackedGemv.cuh) is
//   also timed on its own at its default launch shape (indented rows, with that launch: columns x
//   threads a block, and K splits; JSON rows[].kernels): % of peak and speedup over the fp16 matmul.
//   Exit 1 when one of them disagrees with dequantize + matmul.
// --sweep: also times every GEMV launch shape (columns per block x threads per block, and K splits
//   for the split-K kernels) per case, one line each, then the best.
// --sweep-kernels NAMES: the sweep (implied) for the kernels whose names start with one of the
//   comma-separated NAMES only, e.g. "half2" (half2, half2-pdl, half2-splitk, half2-splitk-pdl).
// --sweep-seconds S: at most about S seconds of sweep in all (S / 6 a case; the launch shapes left
//   when a case's share is spent are skipped, and the output says how many).
// --check: first runs the CUDA-vs-CPU correctness checks of tests/unit/PackedCudaCheck.h (the
//   gpu test's, without Qt: the GPU machines have no Qt), every GEMV kernel at rows 1 … 8, and fails
//   (1) when one breaks.
// --device cpu: the CPU line: dequantMatmul (the fused CPU path) against dequantize() then
//   torch::matmul, and against a dense float32 torch::matmul, on the same shapes, float32 x,
//   torch's default threads ($QAT_BENCH_THREADS to change). Then a weight prepared once
//   (preparePacked) against preparing on every call, at small decode shapes.
//
// Output: a table on stdout and ${QAT_BENCH_DIR:-<build>/bench}/bench_packed_gemv.json (cuda) or
// bench_packed_gemv_cpu.json (cpu). Never fails on speed. Exit codes: 0 ok, 1 failure, 77 skipped.

#include "BenchSupport.h"
#include "qat/kernels/BuildConfig.h"

#include "qat/kernels/Dispatch.h"
#include "qat/kernels/PackedOps.h"

#ifdef QAT_KERNELS_HAVE_CUDA
#include "PackedCudaCheck.h"
#include "cuda/CudaCheck.h"
#include "cuda/CudaOps.h"

#include <ATen/cuda/CUDAGraph.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#include <cuda_runtime_api.h>
#endif

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <functional>
#include <iostream>
#include <limits>
#include <map>
#include <string>
#include <tuple>
#include <vector>

namespace fs = std::filesystem;
using nlohmann::json;
using namespace qat::bench;
namespace kn = qat::kernels;

namespace {

struct Case {
    int bits;
    int64_t group, in, out;
    std::string name() const {
        return "W" + std::to_string(bits) + "g" + std::to_string(group) + " " + std::to_string(in) + "x" +
               std::to_string(out);
    }
};

std::vector<Case> cases() {
    std::vector<Case> all;
    for (const auto& [bits, group] : {std::pair<int, int64_t>{4, 128}, {2, 64}})
        for (const auto& [in, out] : {std::pair<int64_t, int64_t>{4096, 4096}, {4096, 11008}, {11008, 4096}})
            all.push_back({bits, group, in, out});
    return all;
}

/// Bytes one packed call reads and writes: qweight, scales (fp16), qzeros, x and y (fp16 on CUDA).
double packedBytes(const Case& c, int64_t elemBytes) {
    const int64_t groups = c.in / c.group;
    return static_cast<double>(c.in * c.bits / 8 * c.out + groups * c.out * 2 + groups * c.out * c.bits / 8 +
                               (c.in + c.out) * elemBytes);
}

struct Options {
    std::string device = "cuda";
    bool check = false, sweep = false;
    std::vector<std::string> sweepKernels; // name prefixes; empty: every kernel
    double sweepSeconds = 0;               // 0: no limit
    int iters = 0;                         // 0: the device's default
};

/// "a,b,c" → {"a", "b", "c"} (empty entries dropped).
std::vector<std::string> splitList(const std::string& list) {
    std::vector<std::string> items;
    size_t start = 0;
    while (start <= list.size()) {
        const size_t comma = std::min(list.find(',', start), list.size());
        if (comma > start) items.push_back(list.substr(start, comma - start));
        start = comma + 1;
    }
    return items;
}

Options parse(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) throw std::runtime_error(a + " needs a value");
            return argv[++i];
        };
        if (a == "--device")
            o.device = value();
        else if (a == "--check")
            o.check = true;
        else if (a == "--sweep")
            o.sweep = true;
        else if (a == "--sweep-kernels") {
            o.sweepKernels = splitList(value());
            o.sweep = true;
        } else if (a == "--sweep-seconds")
            o.sweepSeconds = std::stod(value());
        else if (a == "--iters")
            o.iters = std::stoi(value());
        else
            throw std::runtime_error(
                "unknown argument " + a +
                " (usage: BenchPackedGemv [--device cuda|cpu] [--check] [--sweep] [--sweep-kernels NAMES] "
                "[--sweep-seconds S] [--iters N])");
    }
    if (o.device != "cuda" && o.device != "cpu") throw std::runtime_error("--device must be cuda or cpu");
    return o;
}

void writeJson(const json& out, const std::string& name) {
    const fs::path dir = envOr("QAT_BENCH_DIR", QAT_BENCH_DIR);
    fs::create_directories(dir);
    const fs::path file = dir / name;
    std::ofstream(file) << out.dump(2) << "\n";
    std::cout << "[bench] wrote " << file.string() << std::endl;
}

// --- CPU -------------------------------------------------------------------------------------

/// The fastest of `reps` calls after one warm-up, in ms.
double bestMs(const std::function<void()>& f, int reps) {
    f();
    double best = 1e300;
    for (int r = 0; r < reps; ++r) {
        const auto t0 = std::chrono::steady_clock::now();
        f();
        best = std::min(
            best, std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    }
    return best;
}

/// A random packed weight of case c on the CPU: codes, zero points, float16 scales in [0.001, 0.011).
std::tuple<torch::Tensor, torch::Tensor, torch::Tensor> randomCpuWeight(const Case& c) {
    const int64_t top = int64_t{1} << c.bits, groups = c.in / c.group;
    return {kn::packQWeight(torch::randint(0, top, {c.in, c.out}, torch::kInt32), c.bits),
            kn::packQZeros(torch::randint(0, top, {groups, c.out}, torch::kInt32), c.bits),
            (torch::rand({groups, c.out}) * 0.01 + 0.001).to(torch::kHalf)};
}

int runCpu(const Options& o) {
    torch::NoGradGuard noGrad;
    const int64_t threads = envInt("QAT_BENCH_THREADS", 0);
    if (threads > 0) torch::set_num_threads(static_cast<int>(threads));
    const int reps = o.iters > 0 ? o.iters : 3;
    std::cout << "[bench] CPU, " << torch::get_num_threads() << " threads, batch 1, float32 x, best of "
              << reps << " after 1 warm-up" << std::endl;
    std::printf("%-20s %12s %14s %9s %12s %9s %10s\n", "case", "fused ms", "dequant+mm ms", "ratio",
                "dense mm ms", "ratio", "max |err|");
    json rows = json::array();
    for (const Case& c : cases()) {
        torch::manual_seed(1);
        torch::Tensor qweight, qzeros, scales;
        std::tie(qweight, qzeros, scales) = randomCpuWeight(c);
        const torch::Tensor x = torch::randn({1, c.in});
        torch::Tensor yFused, yRef;
        const double fused =
            bestMs([&] { yFused = kn::dequantMatmul(x, qweight, qzeros, scales, c.bits, c.group); }, reps);
        const double dequantMm = bestMs(
            [&] { yRef = torch::matmul(x, kn::dequantize(qweight, qzeros, scales, c.bits, c.group).t()); },
            reps);
        const torch::Tensor dense = kn::dequantize(qweight, qzeros, scales, c.bits, c.group);
        const double denseMm = bestMs([&] { torch::matmul(x, dense.t()); }, reps);
        const double err = (yFused - yRef).abs().max().item<double>();
        std::printf("%-20s %12.3f %14.3f %9.2f %12.3f %9.2f %10.2e\n", c.name().c_str(), fused, dequantMm,
                    dequantMm / fused, denseMm, denseMm / fused, err);
        rows.push_back({{"case", c.name()},
                        {"bits", c.bits},
                        {"group", c.group},
                        {"in", c.in},
                        {"out", c.out},
                        {"fused_ms", fused},
                        {"dequant_then_matmul_ms", dequantMm},
                        {"dense_fp32_matmul_ms", denseMm},
                        {"ratio_dequant_then_matmul_over_fused", dequantMm / fused},
                        {"ratio_dense_over_fused", denseMm / fused},
                        {"max_abs_diff", err}});
    }
    std::cout << "ratio above 1: the fused packed path is faster" << std::endl;

    // A loaded packed model calls the same layer once per token: a weight prepared once
    // (preparePacked, what PackedLinear holds) against validating and preparing on every call,
    // at small decode shapes (stories260K's 64-wide attention, per channel and g32; 288 and 768
    // wide models) where the per-call work is a large share, and one 7B shape where it is not.
    std::printf("\n%-20s %16s %16s %9s\n", "case (1 row)", "per-call us", "prepared us", "ratio");
    json prepRows = json::array();
    for (const Case& c : std::vector<Case>{
             {4, 64, 64, 64}, {4, 32, 64, 64}, {4, 32, 288, 288}, {4, 128, 768, 768}, {4, 128, 4096, 4096}}) {
        torch::manual_seed(2);
        torch::Tensor qweight, qzeros, scales;
        std::tie(qweight, qzeros, scales) = randomCpuWeight(c);
        const torch::Tensor x = torch::randn({1, c.in});
        const kn::PreparedPacked prepared = kn::preparePacked(qweight, qzeros, scales, c.bits, c.group);
        // Calls per timing: about 2·10^8 weight values, at least 20.
        const int calls = static_cast<int>(std::max<int64_t>(20, 200'000'000 / (c.in * c.out)));
        torch::Tensor yPer, yPrep;
        const double perCall = bestMs(
                                   [&] {
                                       for (int i = 0; i < calls; ++i)
                                           yPer =
                                               kn::dequantMatmul(x, qweight, qzeros, scales, c.bits, c.group);
                                   },
                                   reps) *
                               1000.0 / calls;
        const double prep = bestMs(
                                [&] {
                                    for (int i = 0; i < calls; ++i)
                                        yPrep = kn::dequantMatmul(x, prepared);
                                },
                                reps) *
                            1000.0 / calls;
        if (!torch::equal(yPer, yPrep)) {
            std::cerr << "FAIL: the prepared product differs from the per-call one at " << c.name()
                      << std::endl;
            return 1;
        }
        std::printf("%-20s %16.2f %16.2f %9.2f\n", c.name().c_str(), perCall, prep, perCall / prep);
        prepRows.push_back({{"case", c.name()},
                            {"bits", c.bits},
                            {"group", c.group},
                            {"in", c.in},
                            {"out", c.out},
                            {"calls", calls},
                            {"per_call_us", perCall},
                            {"prepared_us", prep},
                            {"ratio_per_call_over_prepared", perCall / prep}});
    }
    std::cout << "ratio above 1: preparing once is faster" << std::endl;
    writeJson({{"device", "cpu"},
               {"threads", torch::get_num_threads()},
               {"reps", reps},
               {"rows", rows},
               {"prepared_rows", prepRows}},
              "bench_packed_gemv_cpu.json");
    return 0;
}

// --- CUDA ------------------------------------------------------------------------------------
#ifdef QAT_KERNELS_HAVE_CUDA

namespace pc = qat::test::packedcuda;

struct Peak {
    double bytesPerSecond = 0;
    std::string source;
};

/// The device's peak memory bandwidth: memory clock (kHz) x bus width (bits) / 8 x 2 (double data
/// rate), queried; else a published figure for the device by name.
Peak peakBandwidth(int device, const std::string& name) {
    int clockKHz = 0, busBits = 0;
    try {
        QAT_CUDA_CHECK(cudaDeviceGetAttribute(&clockKHz, cudaDevAttrMemoryClockRate, device));
        QAT_CUDA_CHECK(cudaDeviceGetAttribute(&busBits, cudaDevAttrGlobalMemoryBusWidth, device));
    } catch (const std::exception& e) {
        std::cout << "[bench] memory clock / bus width query failed: " << e.what() << std::endl;
        clockKHz = busBits = 0;
    }
    if (clockKHz > 0 && busBits > 0)
        return {clockKHz * 1e3 * (busBits / 8.0) * 2.0, "queried: memory clock " +
                                                            std::to_string(clockKHz / 1000) + " MHz x " +
                                                            std::to_string(busBits) + "-bit bus x 2"};
    struct Known {
        const char* name;
        double bytesPerSecond;
    };
    for (const Known& k : {Known{"H100 PCIe", 2.0e12}, Known{"H100 NVL", 3.9e12}, Known{"H100", 3.35e12},
                           Known{"H200", 4.8e12}, Known{"A100-SXM4-80GB", 2.039e12}, Known{"A100", 1.555e12}})
        if (name.find(k.name) != std::string::npos)
            return {k.bytesPerSecond, std::string("published figure for ") + k.name +
                                          " (no clock / bus width from the driver)"};
    return {0, "unknown (no query result, no published figure for this device)"};
}

/// µs per call: `calls` calls (call(i), i = 0 …) captured into one CUDA graph on a side stream, the
/// graph replayed `replays` times after a warm-up replay; the fastest replay counts.
double graphMicros(const std::function<void(int)>& call, int calls, int replays) {
    const c10::cuda::CUDAStream stream = c10::cuda::getStreamFromPool();
    const c10::cuda::CUDAStreamGuard guard(stream);
    for (int i = 0; i < std::min(calls, 3); ++i) // outside the capture: cuBLAS handles, workspaces, caches
        call(i);
    QAT_CUDA_CHECK(cudaStreamSynchronize(stream.stream()));
    at::cuda::CUDAGraph graph;
    graph.capture_begin();
    for (int i = 0; i < calls; ++i)
        call(i);
    graph.capture_end();
    cudaEvent_t start = nullptr, stop = nullptr;
    QAT_CUDA_CHECK(cudaEventCreate(&start));
    QAT_CUDA_CHECK(cudaEventCreate(&stop));
    graph.replay();
    QAT_CUDA_CHECK(cudaStreamSynchronize(stream.stream()));
    float best = 1e30f;
    for (int r = 0; r < replays; ++r) {
        QAT_CUDA_CHECK(cudaEventRecord(start, stream.stream()));
        graph.replay();
        QAT_CUDA_CHECK(cudaEventRecord(stop, stream.stream()));
        QAT_CUDA_CHECK(cudaEventSynchronize(stop));
        float ms = 0;
        QAT_CUDA_CHECK(cudaEventElapsedTime(&ms, start, stop));
        best = std::min(best, ms);
    }
    QAT_CUDA_CHECK(cudaEventDestroy(start));
    QAT_CUDA_CHECK(cudaEventDestroy(stop));
    return best * 1000.0 / calls;
}

struct DeviceWeight {
    torch::Tensor qweight, qzeros, scales;
};

/// Random packed weights on the GPU (any bit pattern is a valid code).
DeviceWeight randomDeviceWeight(const Case& c) {
    const auto words = torch::TensorOptions().dtype(torch::kInt32).device(torch::kCUDA);
    const int64_t lo = std::numeric_limits<int32_t>::min(), hi = std::numeric_limits<int32_t>::max();
    const int64_t groups = c.in / c.group;
    return {torch::randint(lo, hi, {c.in * c.bits / 32, c.out}, words),
            torch::randint(lo, hi, {groups, c.out * c.bits / 32}, words),
            (torch::rand({groups, c.out}, torch::kCUDA) * 0.01 + 0.001).to(torch::kHalf)};
}

/// "columns x threads" a block, and " sK" for a split-K launch of K splits.
std::string launchText(const kn::cuda::GemvConfig& c) {
    std::string text =
        (c.kernel == kn::cuda::GemvKernel::Mma ? std::string("32") : std::to_string(c.colQuads * 4)) + "x" +
        std::to_string(c.threads);
    if (kn::cuda::gemvIsSplitK(c.kernel)) text += " s" + std::to_string(c.splits);
    return text;
}

json launchJson(const kn::cuda::GemvConfig& c) {
    return {{"kernel", kn::cuda::gemvKernelName(c.kernel)},
            {"col_quads", c.colQuads},
            {"threads", c.threads},
            {"splits", c.splits}};
}

/// True when the sweep takes `kernel`: no list, or its name starts with an entry of the list.
bool swept(const Options& o, kn::cuda::GemvKernel kernel) {
    if (o.sweepKernels.empty()) return true;
    const std::string name = kn::cuda::gemvKernelName(kernel);
    return std::any_of(o.sweepKernels.begin(), o.sweepKernels.end(),
                       [&](const std::string& prefix) { return name.rfind(prefix, 0) == 0; });
}

int runCheck() {
    std::cout << "[check] CUDA against the CPU reference (tests/unit/PackedCudaCheck.h)" << std::endl;
    const auto start = std::chrono::steady_clock::now();
    std::vector<pc::Check> all;
    for (int bits : {2, 3, 4, 8}) {
        for (int64_t group : {32, 64, 128}) {
            auto more = pc::checkBitsGroup(bits, group, static_cast<uint64_t>(1000 * bits + group), 3);
            all.insert(all.end(), more.begin(), more.end());
        }
        auto more = pc::checkGemvConfigs(bits, static_cast<uint64_t>(77 + bits));
        all.insert(all.end(), more.begin(), more.end());
        for (int64_t group : {32, 64, 128}) { // every kernel, rows 1 … 8
            auto kernels = pc::checkGemvKernels(bits, group, static_cast<uint64_t>(3000 * bits + group));
            all.insert(all.end(), kernels.begin(), kernels.end());
        }
    }
    for (const auto& [bits, group] : {std::pair<int, int64_t>{3, 16}, {2, 24}}) {
        auto more = pc::checkBitsGroup(bits, group, static_cast<uint64_t>(1000 * bits + group), 3);
        all.insert(all.end(), more.begin(), more.end());
    }
    // Per bit width and path: checks, failures, max |err|, max err / tolerance.
    std::map<std::pair<int, std::string>, std::tuple<int, int, double, double>> summary;
    int failed = 0;
    for (const pc::Check& c : all) {
        auto& [n, bad, err, worst] = summary[{c.bits, c.path}];
        ++n;
        bad += c.ok ? 0 : 1;
        err = std::max(err, c.maxAbsError);
        worst = std::max(worst, c.worst);
        if (!c.ok) {
            ++failed;
            std::cout << "[check] FAILED w" << c.bits << " g" << c.group << " " << c.what << ": max |err| "
                      << c.maxAbsError << ", " << c.worst << " x tolerance" << std::endl;
        }
    }
    std::printf("%-5s %-16s %7s %7s %12s %14s\n", "bits", "path", "checks", "failed", "max |err|",
                "err/tolerance");
    for (const auto& [key, v] : summary)
        std::printf("%-5d %-16s %7d %7d %12.3e %14.3f\n", key.first, key.second.c_str(), std::get<0>(v),
                    std::get<1>(v), std::get<2>(v), std::get<3>(v));
    std::cout << "[check] " << all.size() << " checks, " << failed << " failed, "
              << std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() << " s"
              << std::endl;
    return failed == 0 ? 0 : 1;
}

int runCuda(const Options& o) {
    if (o.check && runCheck() != 0) return 1;
    torch::NoGradGuard noGrad;
    const int device = 0;
    const c10::cuda::CUDAGuard guard(device);
    cudaDeviceProp prop{};
    QAT_CUDA_CHECK(cudaGetDeviceProperties(&prop, device));
    const std::string name = prop.name;
    const Peak peak = peakBandwidth(device, name);
    const double l2 = prop.l2CacheSize > 0 ? prop.l2CacheSize : 50e6;
    const int replays = o.iters > 0 ? o.iters : 10;
    std::cout << "[bench] " << name << ", " << prop.multiProcessorCount << " SMs, L2 " << l2 / 1e6
              << " MB, peak " << peak.bytesPerSecond / 1e9 << " GB/s (" << peak.source
              << "); kernels: " << kn::cudaBuildInfo() << std::endl;
    std::cout
        << "[bench] batch 1, fp16 x; per call, from CUDA graphs of back-to-back calls over rotating weight "
           "copies (>= 4x L2), best of "
        << replays << " replays" << std::endl;
    auto pct = [&](double gbs) {
        return peak.bytesPerSecond > 0 ? 100.0 * gbs * 1e9 / peak.bytesPerSecond : 0.0;
    };

    std::printf("%-20s %9s %9s %7s | %9s %9s %7s | %8s %10s %14s\n", "case", "gemv us", "GB/s", "%peak",
                "fp16 us", "GB/s", "%peak", "speedup", "max |diff|", "launch");
    json rows = json::array();
    int failures = 0; // kernels whose answer differs from dequantize + matmul, or that cannot be timed
    const auto benchStart = std::chrono::steady_clock::now();
    for (const Case& c : cases()) {
        const double bytes = packedBytes(c, 2);
        const int copies = static_cast<int>(std::max(2.0, std::ceil(4 * l2 / bytes)));
        std::vector<DeviceWeight> weights;
        for (int i = 0; i < copies; ++i)
            weights.push_back(randomDeviceWeight(c));
        const torch::Tensor x = torch::randn({1, c.in}, torch::kCUDA).to(torch::kHalf);
        const int calls = copies * std::max(1, (200 + copies - 1) / copies);
        const double gemvUs = graphMicros(
            [&](int i) {
                const DeviceWeight& w = weights[static_cast<size_t>(i % copies)];
                kn::dequantMatmul(x, w.qweight, w.qzeros, w.scales, c.bits, c.group);
            },
            calls, replays);
        // The same answer as dequantize (fp16) + at::matmul, as a sanity check.
        const DeviceWeight& w0 = weights[0];
        const torch::Tensor y = kn::dequantMatmul(x, w0.qweight, w0.qzeros, w0.scales, c.bits, c.group);
        const torch::Tensor yRef = at::matmul(
            x.to(torch::kFloat), kn::dequantize(w0.qweight, w0.qzeros, w0.scales, c.bits, c.group).t());
        const double diff = (y.to(torch::kFloat) - yRef).abs().max().item<double>();
        const double refScale = yRef.abs().max().item<double>();
        if (!(diff <= 2e-3 * refScale + 1e-3))
            throw std::runtime_error(c.name() + ": GEMV differs from dequantize + matmul by " +
                                     std::to_string(diff));

        // Every kernel at its default launch shape (the chooser picks one of them for dequantMatmul).
        struct KernelTime {
            kn::cuda::GemvConfig launch; // as completed for this case, m = 1
            double us, diff;
        };
        std::vector<KernelTime> kernelTimes;
        for (kn::cuda::GemvKernel kernel : kn::cuda::kGemvKernels) {
            if (!kn::cuda::gemvKernelSupports(kernel, c.in, c.bits)) continue;
            const kn::cuda::GemvConfig config{0, 0, kernel};
            double us = 0;
            try {
                us = graphMicros(
                    [&](int i) {
                        const DeviceWeight& w = weights[static_cast<size_t>(i % copies)];
                        kn::detail::cudaGemv(x, w.qweight, w.qzeros, w.scales, c.bits, c.group, config);
                    },
                    calls, replays);
            } catch (const std::exception& e) { // one kernel that cannot be timed does not hide the others
                std::cerr << "FAIL: " << c.name() << ": timing the " << kn::cuda::gemvKernelName(kernel)
                          << " GEMV: " << e.what() << std::endl;
                ++failures;
                continue;
            }
            const torch::Tensor yk =
                kn::detail::cudaGemv(x, w0.qweight, w0.qzeros, w0.scales, c.bits, c.group, config);
            const double kdiff = (yk.to(torch::kFloat) - yRef).abs().max().item<double>();
            if (!(kdiff <= 2e-3 * refScale + 1e-3)) {
                std::cerr << "FAIL: " << c.name() << ": the " << kn::cuda::gemvKernelName(kernel)
                          << " GEMV differs from dequantize + matmul by " << kdiff << std::endl;
                ++failures;
            }
            kernelTimes.push_back(
                {kn::cuda::completeGemvConfig(c.in, c.out, c.bits, c.group, 1, config, device), us, kdiff});
        }

        // Sweep of launch shapes.
        json sweep = json::array();
        int sweepSkipped = 0;
        if (o.sweep) {
            using kn::cuda::GemvKernel;
            std::vector<kn::cuda::GemvConfig> configs;
            if (swept(o, GemvKernel::Mma) && kn::cuda::gemvMmaSupports(c.in, c.bits))
                for (int threads : {128, 256, 512})
                    configs.push_back({0, threads, GemvKernel::Mma});
            for (GemvKernel kernel : {GemvKernel::Simt, GemvKernel::Half2, GemvKernel::Half2Pdl}) {
                if (!swept(o, kernel) || !kn::cuda::gemvKernelSupports(kernel, c.in, c.bits)) continue;
                for (int colQuads : {4, 8, 16, 32})
                    for (int threads : {128, 256, 512})
                        if (threads / 32 * 8 * colQuads * 4 * 4 <= 48 * 1024)
                            configs.push_back({colQuads, threads, kernel});
            }
            // Split-K: tile widths x block sizes x splits (0: chosen); its PDL twin on fewer.
            const int64_t groups = c.in / c.group;
            if (swept(o, GemvKernel::Half2SplitK) && kn::cuda::gemvHalf2Supports(c.bits))
                for (int colQuads : {4, 8, 16, 32})
                    for (int threads : {128, 256})
                        for (int splits : {0, 1, 2, 4, 8, 16})
                            if (splits <= groups)
                                configs.push_back({colQuads, threads, GemvKernel::Half2SplitK, splits});
            if (swept(o, GemvKernel::Half2SplitKPdl) && kn::cuda::gemvHalf2Supports(c.bits))
                for (int colQuads : {8, 16})
                    for (int threads : {128, 256})
                        for (int splits : {0, 2, 4, 8})
                            if (splits <= groups)
                                configs.push_back({colQuads, threads, GemvKernel::Half2SplitKPdl, splits});
            const double budget =
                o.sweepSeconds > 0 ? o.sweepSeconds / static_cast<double>(cases().size()) : 0;
            const auto sweepStart = std::chrono::steady_clock::now();
            for (const kn::cuda::GemvConfig& requested : configs) {
                if (budget > 0 &&
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - sweepStart).count() >
                        budget) {
                    ++sweepSkipped;
                    continue;
                }
                kn::cuda::GemvConfig config = requested;
                double us = 0;
                try {
                    config = kn::cuda::completeGemvConfig(c.in, c.out, c.bits, c.group, 1, requested, device);
                    us = graphMicros(
                        [&](int i) {
                            const DeviceWeight& w = weights[static_cast<size_t>(i % copies)];
                            kn::detail::cudaGemv(x, w.qweight, w.qzeros, w.scales, c.bits, c.group, config);
                        },
                        calls, replays);
                } catch (const std::exception& e) {
                    std::cerr << "FAIL: " << c.name() << ": timing "
                              << kn::cuda::gemvKernelName(config.kernel) << " " << launchText(config) << ": "
                              << e.what() << std::endl;
                    ++failures;
                    continue;
                }
                const double sgbs = bytes / us / 1e3;
                std::printf("  sweep %-17s %-12s %9.2f %9.0f %7.1f\n",
                            kn::cuda::gemvKernelName(config.kernel), launchText(config).c_str(), us, sgbs,
                            pct(sgbs));
                json row = launchJson(config);
                row["splits_requested"] = requested.splits;
                row["us"] = us;
                row["gb_per_s"] = sgbs;
                row["pct_peak"] = pct(sgbs);
                sweep.push_back(row);
            }
            std::printf("  sweep of %s: %zu launch shapes timed, %d skipped (time budget), %.1f s\n",
                        c.name().c_str(), sweep.size(), sweepSkipped,
                        std::chrono::duration<double>(std::chrono::steady_clock::now() - sweepStart).count());
        }
        weights.clear();

        // The fp16 dense peer: x (1, in) @ Wᵀ, W (out, in).
        const double denseBytes = static_cast<double>(c.in * c.out * 2 + (c.in + c.out) * 2);
        const int denseCopies = static_cast<int>(std::max(2.0, std::ceil(4 * l2 / denseBytes)));
        std::vector<torch::Tensor> dense;
        for (int i = 0; i < denseCopies; ++i)
            dense.push_back((torch::randn({c.out, c.in}, torch::kCUDA) * 0.02).to(torch::kHalf));
        const int denseCalls = denseCopies * std::max(1, (200 + denseCopies - 1) / denseCopies);
        const double denseUs =
            graphMicros([&](int i) { at::matmul(x, dense[static_cast<size_t>(i % denseCopies)].t()); },
                        denseCalls, replays);
        dense.clear();

        const kn::cuda::GemvConfig chosen =
            kn::cuda::completeGemvConfig(c.in, c.out, c.bits, c.group, 1, kn::cuda::GemvConfig{}, device);
        const double gbs = bytes / gemvUs / 1e3, denseGbs = denseBytes / denseUs / 1e3;
        const std::string launch =
            std::string(kn::cuda::gemvKernelName(chosen.kernel)) + " " + launchText(chosen);
        std::printf("%-20s %9.2f %9.0f %7.1f | %9.2f %9.0f %7.1f | %8.2f %10.2e %14s\n", c.name().c_str(),
                    gemvUs, gbs, pct(gbs), denseUs, denseGbs, pct(denseGbs), denseUs / gemvUs, diff,
                    launch.c_str());
        json kernelRows = json::array();
        for (const KernelTime& k : kernelTimes) {
            const double kgbs = bytes / k.us / 1e3;
            std::printf("  %-18s %9.2f %9.0f %7.1f | %9s %9s %7s | %8.2f %10.2e %14s\n",
                        kn::cuda::gemvKernelName(k.launch.kernel), k.us, kgbs, pct(kgbs), "", "", "",
                        denseUs / k.us, k.diff, launchText(k.launch).c_str());
            kernelRows.push_back({{"kernel", kn::cuda::gemvKernelName(k.launch.kernel)},
                                  {"launch", launchJson(k.launch)},
                                  {"us", k.us},
                                  {"gb_per_s", kgbs},
                                  {"pct_peak", pct(kgbs)},
                                  {"speedup_over_fp16_matmul", denseUs / k.us},
                                  {"max_abs_diff_vs_dequant_matmul", k.diff}});
        }
        if (o.sweep) {
            auto best = std::min_element(sweep.begin(), sweep.end(), [](const json& a, const json& b) {
                return a["us"].get<double>() < b["us"].get<double>();
            });
            if (best != sweep.end())
                std::printf("%-20s best launch: %s, %d columns x %d threads, %d splits, %.2f us, %.0f GB/s, "
                            "%.1f%% of peak\n",
                            "", (*best)["kernel"].get<std::string>().c_str(),
                            (*best)["kernel"] == "mma" ? 32 : (*best)["col_quads"].get<int>() * 4,
                            (*best)["threads"].get<int>(), (*best)["splits"].get<int>(),
                            (*best)["us"].get<double>(), (*best)["gb_per_s"].get<double>(),
                            (*best)["pct_peak"].get<double>());
        }
        rows.push_back({{"case", c.name()},
                        {"bits", c.bits},
                        {"group", c.group},
                        {"in", c.in},
                        {"out", c.out},
                        {"gemv_us", gemvUs},
                        {"gemv_bytes", bytes},
                        {"gemv_gb_per_s", gbs},
                        {"gemv_pct_peak", pct(gbs)},
                        {"fp16_matmul_us", denseUs},
                        {"fp16_matmul_bytes", denseBytes},
                        {"fp16_matmul_gb_per_s", denseGbs},
                        {"fp16_matmul_pct_peak", pct(denseGbs)},
                        {"speedup_over_fp16_matmul", denseUs / gemvUs},
                        {"max_abs_diff_vs_dequant_matmul", diff},
                        {"weight_copies", copies},
                        {"calls_per_graph", calls},
                        {"launch", launchJson(chosen)},
                        {"kernels", kernelRows},
                        {"sweep", sweep},
                        {"sweep_skipped", sweepSkipped}});
    }
    std::cout
        << "speedup above 1: the packed GEMV is faster than the fp16 matmul; indented rows: each kernel "
           "at its default launch shape (columns x threads a block, sK: K in K splits); "
        << std::chrono::duration<double>(std::chrono::steady_clock::now() - benchStart).count() << " s"
        << std::endl;
    writeJson({{"device", name},
               {"sms", prop.multiProcessorCount},
               {"l2_bytes", l2},
               {"peak_bytes_per_s", peak.bytesPerSecond},
               {"peak_source", peak.source},
               {"kernels", kn::cudaBuildInfo()},
               {"replays", replays},
               {"timing", "CUDA graph of back-to-back calls, rotating weight copies (>= 4x L2), best replay"},
               {"rows", rows},
               {"failures", failures}},
              "bench_packed_gemv.json");
    return failures == 0 ? 0 : 1;
}

#endif // QAT_KERNELS_HAVE_CUDA

} // namespace

int main(int argc, char** argv) {
    try {
        const Options o = parse(argc, argv);
        if (o.device == "cpu") return runCpu(o);
#ifdef QAT_KERNELS_HAVE_CUDA
        if (!torch::cuda::is_available()) throw Skip("no CUDA device visible to LibTorch");
        return runCuda(o);
#else
        throw Skip(
            "this build has no CUDA kernels (no CUDA toolkit at configure time, or QAT_WITH_CUDA=OFF)");
#endif
    } catch (const Skip& e) {
        std::cout << "SKIP: " << e.what() << std::endl;
        return kSkip;
    } catch (const std::exception& e) {
        std::cerr << "FAIL: " << e.what() << std::endl;
        return 1;
    }
}
