// SPDX-License-Identifier: GPL-3.0-or-later
// LR-QAT memory benchmark: peak memory of training one random decoder block of Llama-2-7B's
// shape with LR-QAT (core's LrQatLinear: int8 fixed-point Φ0, rank-32 adapters, step sizes,
// ŵ rebuilt in the backward) against full-weight QAT of the same block (core's QuantLinear,
// EfficientQAT's fake quant: every weight trained with its scales and zero points), in one run,
// as a ratio. Two LR-QAT variants show what each memory saving is worth: Φ0 in bfloat16
// instead of int8, and ŵ kept for autograd instead of rebuilt.
//
// Every side: the block's 7 linears become the trained layers (generated one at a time from a
// seeded N(0, 0.02), so the dense block never exists whole), norms frozen, x ~ N(0, 1) of
// (batch, seqlen, 4096), loss = MSE to a fixed random target, AdamW (full-weight QAT: weights
// 2e-5, scales and zero points 1e-4; LR-QAT: A and B 1e-3, step sizes 1e-5, β2 0.95), W4 per
// channel (the LR-QAT paper's main weight-only setting). The step sizes start from min-max:
// the Lp search changes no memory and takes minutes on a CPU at this size.
//
// Memory: on the CPU, the bytes of tensor storage live through c10's CPU allocator (a
// counting allocator installed over the default one: exact, no allocator caching, no
// page-level noise); on CUDA, the caching allocator's allocated bytes. "resident" is what the
// trained block holds before the first step (parameters, buffers, x and the target); "peak"
// the largest amount during the steps, AdamW's moments included.
//
//   BenchLrQatMemory [--device cpu|cuda] [--batch B] [--seqlen S] [--steps N] [--rank R]
// QAT_BENCH_THREADS sets the intra-op threads (default torch's).
// Defaults: cuda when torch sees a GPU (batch 1, seqlen 2048, 2 steps), else cpu (batch 1,
// seqlen 256, 2 steps). Writes bench_lrqat_memory.json to $QAT_BENCH_DIR (default
// <build>/bench). Fails when a loss is not finite or LR-QAT does not take less memory than
// full-weight QAT; never on time.

#include "BenchSupport.h"
#include "BlockShapes.h"

#include "model/Layers.h"
#include "quant/LrQatLinear.h"
#include "quant/QuantLinear.h"

#include <ATen/CPUGeneratorImpl.h>
#include <ATen/DeviceAccelerator.h>
#include <c10/core/CPUAllocator.h>
#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>

using nlohmann::json;
using namespace qat::bench;

namespace {

constexpr double kMiB = 1024.0 * 1024.0;
constexpr uint64_t kSeed = 20240607;

// Counts the bytes of live CPU tensor storage and their peak.
class CountingCpuAllocator final : public c10::Allocator {
public:
    explicit CountingCpuAllocator(c10::Allocator* base) : m_base(base) {}

    c10::DataPtr allocate(size_t n) override {
        auto* ctx = new Context{m_base->allocate(n), n, this};
        add(static_cast<int64_t>(n));
        void* data = ctx->inner.get();
        return {data, ctx, &CountingCpuAllocator::release, c10::Device(c10::DeviceType::CPU)};
    }
    void copy_data(void* dest, const void* src, std::size_t count) const override {
        std::memcpy(dest, src, count);
    }

    int64_t current() const { return m_current.load(); }
    int64_t peak() const { return m_peak.load(); }
    void resetPeak() { m_peak.store(m_current.load()); }

private:
    struct Context {
        c10::DataPtr inner;
        size_t bytes;
        CountingCpuAllocator* owner;
    };
    static void release(void* p) {
        auto* ctx = static_cast<Context*>(p);
        ctx->owner->add(-static_cast<int64_t>(ctx->bytes));
        delete ctx;
    }
    void add(int64_t n) {
        const int64_t now = m_current.fetch_add(n) + n;
        int64_t seen = m_peak.load();
        while (now > seen && !m_peak.compare_exchange_weak(seen, now)) {
        }
    }

    c10::Allocator* m_base;
    std::atomic<int64_t> m_current{0}, m_peak{0};
};

CountingCpuAllocator* g_counter = nullptr;

struct Options {
    torch::Device device{torch::kCPU};
    int64_t batch = 1, seqlen = 0, steps = 2, rank = 32;
};

Options parseOptions(int argc, char** argv) {
    Options o;
    o.device = torch::cuda::is_available() ? torch::Device(torch::kCUDA) : torch::Device(torch::kCPU);
    for (int i = 1; i < argc; ++i) {
        const std::string flag = argv[i];
        if (i + 1 >= argc) throw std::runtime_error("usage: " + flag + " needs a value");
        const std::string value = argv[++i];
        if (flag == "--device") {
            if (value != "cpu" && value != "cuda")
                throw std::runtime_error("--device: cpu or cuda, not " + value);
            if (value == "cuda" && !torch::cuda::is_available())
                throw std::runtime_error("--device cuda: LibTorch sees no GPU");
            o.device = torch::Device(value);
        } else if (flag == "--batch") {
            o.batch = parseInt(flag, value);
        } else if (flag == "--seqlen") {
            o.seqlen = parseInt(flag, value);
        } else if (flag == "--steps") {
            o.steps = parseInt(flag, value);
        } else if (flag == "--rank") {
            o.rank = parseInt(flag, value);
        } else {
            throw std::runtime_error("unknown option " + flag);
        }
    }
    if (o.seqlen <= 0) o.seqlen = o.device.is_cuda() ? 2048 : 256;
    return o;
}

// Bytes of tensor storage in use on `device` now, and the peak since the last reset.
struct Usage {
    double current = 0.0, peak = 0.0;
};

void resetPeak(const torch::Device& d) {
    if (d.is_cuda()) {
        at::accelerator::synchronizeDevice(0);
        at::accelerator::resetPeakStats(0);
    } else {
        g_counter->resetPeak();
    }
}

Usage usage(const torch::Device& d) {
    if (d.is_cuda()) {
        at::accelerator::synchronizeDevice(0);
        const auto s = at::accelerator::getDeviceStats(0);
        return {static_cast<double>(s.allocated_bytes[0].current),
                static_cast<double>(s.allocated_bytes[0].peak)};
    }
    return {static_cast<double>(g_counter->current()), static_cast<double>(g_counter->peak())};
}

enum class Side { FullQat, LrQat, LrQatBf16Phi0, LrQatKeepWeight };

const char* sideName(Side s) {
    switch (s) {
    case Side::FullQat:
        return "full-weight QAT";
    case Side::LrQat:
        return "LR-QAT";
    case Side::LrQatBf16Phi0:
        return "LR-QAT, Φ0 bfloat16";
    case Side::LrQatKeepWeight:
        return "LR-QAT, ŵ kept for autograd";
    }
    return "";
}
const char* sideKey(Side s) {
    switch (s) {
    case Side::FullQat:
        return "full_qat";
    case Side::LrQat:
        return "lr_qat";
    case Side::LrQatBf16Phi0:
        return "lr_qat_phi0_bf16";
    case Side::LrQatKeepWeight:
        return "lr_qat_no_weight_checkpointing";
    }
    return "";
}

json runSide(Side side, const qat::ModelConfig& c, const Options& o) {
    const torch::Device dev = o.device;
    if (dev.is_cuda()) at::accelerator::emptyCache();
    const Usage before = usage(dev);
    const qat::QuantSpec spec{4, 0};
    qat::LrQatLayerOptions lo;
    lo.rank = o.rank;
    lo.adapterScale = 1.0;
    lo.range = qat::RangeInit::MinMax;
    lo.phi0 = side == Side::LrQatBf16Phi0 ? qat::Phi0Storage::BFloat16 : qat::Phi0Storage::Int8;
    lo.weightCheckpointing = side != Side::LrQatKeepWeight;
    at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(kSeed + 1);
    torch::manual_seed(kSeed);

    std::vector<std::shared_ptr<qat::LinearBase>> linears;
    std::vector<torch::Tensor> big, small;
    for (int s = 0; s < qat::names::kLinearSlots; ++s) {
        torch::NoGradGuard noGrad;
        const auto [out, in] = linearShape(static_cast<qat::names::LinearSlot>(s), c);
        qat::DenseLinear dense(torch::randn({out, in}).mul_(0.02).to(dev), torch::Tensor());
        if (side == Side::FullQat) {
            auto l = std::make_shared<qat::QuantLinear>(dense, spec);
            big.push_back(l->weight);
            small.push_back(l->scale);
            small.push_back(l->zero);
            linears.push_back(l);
        } else {
            auto l = std::make_shared<qat::LrQatLinear>(dense, spec, lo, gen);
            big.push_back(l->a);
            big.push_back(l->b);
            small.push_back(l->scale);
            linears.push_back(l);
        }
    }
    using qat::names::LinearSlot;
    auto lin = [&](LinearSlot s) { return linears[static_cast<size_t>(s)]; };
    const auto ones = torch::ones({c.hiddenSize}, torch::TensorOptions().device(dev));
    qat::DecoderBlock block(
        qat::RmsNorm(ones, c.rmsNormEps),
        qat::Attention(c, lin(LinearSlot::Q), lin(LinearSlot::K), lin(LinearSlot::V), lin(LinearSlot::O)),
        qat::RmsNorm(ones.clone(), c.rmsNormEps),
        qat::Mlp(lin(LinearSlot::Gate), lin(LinearSlot::Up), lin(LinearSlot::Down)));
    const torch::Tensor x = torch::randn({o.batch, o.seqlen, c.hiddenSize}).to(dev);
    const torch::Tensor y = torch::randn({o.batch, o.seqlen, c.hiddenSize}).to(dev);
    const auto [ropeCos, ropeSin] = qat::RotaryEmbedding(c).tables(0, o.seqlen, dev);

    const bool full = side == Side::FullQat;
    const auto adam = [&](double lr) {
        return std::make_unique<torch::optim::AdamWOptions>(
            torch::optim::AdamWOptions(lr).betas({0.9, full ? 0.999 : 0.95}).weight_decay(0.0));
    };
    std::vector<torch::optim::OptimizerParamGroup> groups;
    groups.emplace_back(big, adam(full ? 2e-5 : 1e-3));
    groups.emplace_back(small, adam(full ? 1e-4 : 1e-5));
    torch::optim::AdamW optimizer(std::move(groups), torch::optim::AdamWOptions(1e-3));

    int64_t trained = 0, bigBytes = 0;
    for (const auto& t : big) {
        trained += t.numel();
        bigBytes += t.numel() * t.element_size();
    }
    for (const auto& t : small)
        trained += t.numel();
    const Usage resident = usage(dev);
    resetPeak(dev);
    std::vector<double> losses, ms;
    for (int64_t i = 0; i < o.steps; ++i) {
        const auto start = std::chrono::steady_clock::now();
        optimizer.zero_grad();
        const torch::Tensor loss = torch::mse_loss(block->forward(x, ropeCos, ropeSin), y);
        const double value = loss.item<double>();
        loss.backward();
        optimizer.step();
        if (dev.is_cuda()) at::accelerator::synchronizeDevice(0);
        ms.push_back(
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
        losses.push_back(value);
        std::cout << "[" << sideName(side) << "] step " << i + 1 << ": loss " << value << ", " << ms.back()
                  << " ms" << std::endl;
        if (!std::isfinite(value))
            throw std::runtime_error(std::string(sideName(side)) + ": loss is not finite");
    }
    const Usage after = usage(dev);
    return {{"side", sideName(side)},
            {"trained_parameters", trained},
            {"resident_mib", (resident.current - before.current) / kMiB},
            {"peak_mib", (after.peak - before.current) / kMiB},
            {"ms_per_step", *std::min_element(ms.begin(), ms.end())},
            {"losses", losses}};
}

} // namespace

int main(int argc, char** argv) {
    try {
        const Options o = parseOptions(argc, argv);
        static CountingCpuAllocator counter(c10::GetCPUAllocator());
        g_counter = &counter;
        c10::SetCPUAllocator(&counter, /*priority=*/100);
        if (const int64_t threads = envInt("QAT_BENCH_THREADS", 0); threads > 0)
            torch::set_num_threads(static_cast<int>(threads));
        const qat::ModelConfig c = llama2Block();
        std::printf("LR-QAT memory: one Llama-2-7B-shaped block, W4 per channel, rank %lld, batch %lld x "
                    "%lld tokens, "
                    "%s, %lld steps per side\n",
                    static_cast<long long>(o.rank), static_cast<long long>(o.batch),
                    static_cast<long long>(o.seqlen), o.device.is_cuda() ? "cuda" : "cpu",
                    static_cast<long long>(o.steps));
        json sides = json::object();
        for (Side s : {Side::FullQat, Side::LrQat, Side::LrQatBf16Phi0, Side::LrQatKeepWeight})
            sides[sideKey(s)] = runSide(s, c, o);
        const double full = sides["full_qat"]["peak_mib"].get<double>();
        const double lr = sides["lr_qat"]["peak_mib"].get<double>();
        json out = {{"benchmark", "lrqat_memory"},
                    {"device", o.device.is_cuda() ? "cuda" : "cpu"},
                    {"batch", o.batch},
                    {"seqlen", o.seqlen},
                    {"rank", o.rank},
                    {"bits", 4},
                    {"group", "per channel"},
                    {"memory_method", o.device.is_cuda()
                                          ? "CUDA caching allocator's allocated bytes"
                                          : "live bytes through c10's CPU allocator (counting wrapper)"},
                    {"sides", sides},
                    {"peak_ratio_full_over_lr_qat", full / lr},
                    {"resident_ratio_full_over_lr_qat", sides["full_qat"]["resident_mib"].get<double>() /
                                                            sides["lr_qat"]["resident_mib"].get<double>()}};
        std::printf("\n%-30s %14s %14s %14s %12s\n", "side", "trained", "resident MiB", "peak MiB",
                    "ms/step");
        for (const auto& [key, s] : sides.items())
            std::printf("%-30s %14lld %14.1f %14.1f %12.0f\n", s["side"].get<std::string>().c_str(),
                        static_cast<long long>(s["trained_parameters"].get<int64_t>()),
                        s["resident_mib"].get<double>(), s["peak_mib"].get<double>(),
                        s["ms_per_step"].get<double>());
        std::printf("peak memory, full-weight QAT / LR-QAT: %.2fx (resident %.2fx)\n", full / lr,
                    out["resident_ratio_full_over_lr_qat"].get<double>());
        const std::filesystem::path dir = envOr("QAT_BENCH_DIR", QAT_BENCH_DIR);
        std::filesystem::create_directories(dir);
        std::ofstream(dir / "bench_lrqat_memory.json") << out.dump(2) << "\n";
        std::printf("wrote %s\n", (dir / "bench_lrqat_memory.json").string().c_str());
        if (!(lr < full)) {
            std::fprintf(
                stderr,
                "BenchLrQatMemory: LR-QAT's peak (%.1f MiB) is not below full-weight QAT's (%.1f MiB)\n", lr,
                full);
            return 1;
        }
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "BenchLrQatMemory: %s\n", e.what());
        return 1;
    }
}
