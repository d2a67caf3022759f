// SPDX-License-Identifier: GPL-3.0-or-later
// Block-AP step benchmark: one training step of core's Block-AP (zero_grad, forward, MSE
// loss, backward, AdamW step) on a random decoder block of Llama-2-7B's shape, W2 g64
// fake-quant, against the same step written in PyTorch eager (tests/bench/eager_blockap_step.py)
// on the same weights and inputs in the same run. Prints a table, writes
// bench_blockap_step.json, and fails when the two first-step losses disagree (a correctness
// cross-check), never on speed.
//
// The block: hidden 4096, intermediate 11008, 32 heads, 32 KV heads, head_dim 128, RMSNorm
// eps 1e-5, rope theta 10000; N(0, 0.02) weights, norms at 1, x ~ N(0, 1), y = the
// full-precision block's output on x; all float32. Core's side builds its trainable block
// as Block-AP does (methods/BlockAp.cpp, makeTrainable and train): QuantLinear layers with
// min-max scales and zero points, trainable norms, AdamW with the weights and norms at
// 2e-5 and the scales and zero points at 1e-4, weight decay 0.
//
//   BenchBlockApStep [--device cpu|cuda] [--batch B] [--seqlen S] [--warmup W] [--steps N]
// Defaults: cuda when torch sees a GPU (batch 2, seqlen 2048, 1 warm-up, 10 timed steps),
// else cpu (batch 1, seqlen 256, 1 warm-up, 2 timed steps: a step takes 10-20 s on two cores).
// Each side's fastest timed step counts.
//
// Environment (all optional): QAT_PYTHON (the Python with torch), QAT_BENCH_DIR (where the
// JSON goes, default <build>/bench), QAT_BENCH_THREADS (intra-op threads on both sides,
// default torch's), QAT_BENCH_SCRIPTS_DIR (the folder of eager_blockap_step.py, default this
// source tree's tests/bench). Exit codes: 0 ok, 1 failure (including a loss mismatch), 77 skipped
// (no Python with torch).

#include "BenchSupport.h"
#include "BlockShapes.h"

#include "formats/SafeTensorsFile.h"
#include "model/Layers.h"
#include "model/TensorNames.h"
#include "quant/QuantLinear.h"

#include <ATen/DeviceAccelerator.h>
#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include <sys/resource.h>

namespace fs = std::filesystem;
using nlohmann::json;
using namespace qat::bench;

namespace {

constexpr double kLossRelTolerance = 1e-4;
constexpr uint64_t kSeed = 20240601;
constexpr double kInitStd = 0.02;
constexpr double kWeightLr = 2e-5;    // BlockApOptions::weightLrFor(2)
constexpr double kQuantizerLr = 1e-4; // BlockApOptions::quantizerLr
constexpr double kMiB = 1024.0 * 1024.0;

using NamedTensors = std::vector<std::pair<std::string, torch::Tensor>>;

struct Options {
    torch::Device device{torch::kCPU};
    int64_t batch = 0, seqlen = 0, warmup = 1, steps = 0; // 0: the device's default
};

qat::QuantSpec w2g64() {
    qat::QuantSpec s;
    s.bits = 2;
    s.groupSize = 64;
    return s;
}

std::string number(double v) {
    char text[64];
    std::snprintf(text, sizeof text, "%.17g", v);
    return text;
}

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
                throw std::runtime_error("--device cuda: LibTorch sees no GPU (torch::cuda::is_available)");
            o.device = torch::Device(value);
        } else if (flag == "--batch") {
            o.batch = parseInt(flag, value);
        } else if (flag == "--seqlen") {
            o.seqlen = parseInt(flag, value);
        } else if (flag == "--warmup") {
            o.warmup = parseInt(flag, value);
        } else if (flag == "--steps") {
            o.steps = parseInt(flag, value);
        } else {
            throw std::runtime_error("unknown option " + flag);
        }
    }
    const bool cuda = o.device.is_cuda();
    if (o.batch <= 0) o.batch = cuda ? 2 : 1;
    if (o.seqlen <= 0) o.seqlen = cuda ? 2048 : 256;
    if (o.steps <= 0) o.steps = cuda ? 10 : 2;
    o.warmup = std::max<int64_t>(0, o.warmup);
    return o;
}

std::string deviceName(const torch::Device& d) {
    return d.is_cuda() ? "cuda" : "cpu";
}

// --- the data both sides read --------------------------------------------------------------

std::string linearName(qat::names::LinearSlot slot) {
    return std::string(qat::names::linearPath(slot)) + ".weight";
}

torch::Tensor take(const NamedTensors& t, const std::string& name) {
    for (const auto& [n, v] : t)
        if (n == name) return v;
    throw std::runtime_error("no tensor " + name);
}

// The full-precision block (seeded, CPU, float32), x and y = block(x); y computed on `device`.
NamedTensors makeData(const qat::ModelConfig& c, const Options& o) {
    torch::NoGradGuard noGrad;
    torch::manual_seed(kSeed);
    NamedTensors t;
    for (int s = 0; s < qat::names::kLinearSlots; ++s) {
        const auto slot = static_cast<qat::names::LinearSlot>(s);
        const auto [out, in] = linearShape(slot, c);
        t.emplace_back(linearName(slot), torch::randn({out, in}).mul_(kInitStd));
    }
    t.emplace_back("input_layernorm.weight", torch::ones({c.hiddenSize}));
    t.emplace_back("post_attention_layernorm.weight", torch::ones({c.hiddenSize}));
    const torch::Tensor x = torch::randn({o.batch, o.seqlen, c.hiddenSize});

    std::vector<std::shared_ptr<qat::LinearBase>> dense;
    for (int s = 0; s < qat::names::kLinearSlots; ++s)
        dense.push_back(std::make_shared<qat::DenseLinear>(
            take(t, linearName(static_cast<qat::names::LinearSlot>(s))).to(o.device), torch::Tensor()));
    using qat::names::LinearSlot;
    auto lin = [&](LinearSlot s) { return dense[static_cast<size_t>(s)]; };
    qat::DecoderBlock fp(
        qat::RmsNorm(take(t, "input_layernorm.weight").to(o.device), c.rmsNormEps),
        qat::Attention(c, lin(LinearSlot::Q), lin(LinearSlot::K), lin(LinearSlot::V), lin(LinearSlot::O)),
        qat::RmsNorm(take(t, "post_attention_layernorm.weight").to(o.device), c.rmsNormEps),
        qat::Mlp(lin(LinearSlot::Gate), lin(LinearSlot::Up), lin(LinearSlot::Down)));
    const auto [ropeCos, ropeSin] = qat::RotaryEmbedding(c).tables(0, o.seqlen, o.device);
    const torch::Tensor y = fp->forward(x.to(o.device), ropeCos, ropeSin).to(torch::kCPU);
    t.emplace_back("x", x);
    t.emplace_back("y", y);
    return t;
}

// --- core's side ---------------------------------------------------------------------------

// As methods/BlockAp.cpp's makeTrainable: float32 copies of the weights, the linears as
// min-max initialised QuantLinear layers, the norms trainable.
struct TrainableBlock {
    qat::DecoderBlock block{nullptr};
    std::vector<std::shared_ptr<qat::QuantLinear>> linears; // in slot order
};

TrainableBlock makeTrainable(const NamedTensors& t, const qat::ModelConfig& c, const qat::QuantSpec& spec,
                             const torch::Device& device) {
    torch::NoGradGuard noGrad;
    TrainableBlock tb;
    for (int s = 0; s < qat::names::kLinearSlots; ++s) {
        const torch::Tensor w = take(t, linearName(static_cast<qat::names::LinearSlot>(s)))
                                    .to(device, torch::kFloat32, false, true);
        tb.linears.push_back(
            std::make_shared<qat::QuantLinear>(w, torch::Tensor(), torch::Tensor(), torch::Tensor(), spec));
    }
    auto norm = [&](const std::string& name) {
        qat::RmsNorm n(take(t, name).to(device, torch::kFloat32, false, true), c.rmsNormEps);
        n->weight.set_requires_grad(true);
        return n;
    };
    using qat::names::LinearSlot;
    auto lin = [&](LinearSlot s) {
        return std::static_pointer_cast<qat::LinearBase>(tb.linears[static_cast<size_t>(s)]);
    };
    qat::Attention attention(c, lin(LinearSlot::Q), lin(LinearSlot::K), lin(LinearSlot::V),
                             lin(LinearSlot::O));
    qat::Mlp mlp(lin(LinearSlot::Gate), lin(LinearSlot::Up), lin(LinearSlot::Down));
    tb.block = qat::DecoderBlock(norm("input_layernorm.weight"), attention,
                                 norm("post_attention_layernorm.weight"), mlp);
    return tb;
}

// "cuda" means the current device, index 0 here.
c10::DeviceIndex deviceIndex(const torch::Device& d) {
    return d.index() < 0 ? 0 : d.index();
}

int64_t procStatusKb(const char* key) {
    std::ifstream f("/proc/self/status");
    std::string line;
    const std::string prefix = std::string(key) + ":";
    while (std::getline(f, line))
        if (line.rfind(prefix, 0) == 0) return std::stoll(line.substr(prefix.size()));
    return -1;
}

/// Peak memory of the steps, from a reset made just before the first one; the same method
/// as eager_blockap_step.py's MemoryProbe (see there).
class MemoryProbe {
public:
    explicit MemoryProbe(const torch::Device& d) : m_device(d) {}

    void reset() {
        if (m_device.is_cuda()) {
            at::accelerator::synchronizeDevice(index());
            at::accelerator::emptyCache(); // reserved bytes start from what is in use
            at::accelerator::resetPeakStats(index());
            m_baseline = static_cast<double>(stats().allocated_bytes[0].current);
            return;
        }
        std::ofstream clear("/proc/self/clear_refs");
        clear << "5";
        clear.flush();
        m_hwmReset = static_cast<bool>(clear);
        m_baseline = static_cast<double>(procStatusKb("VmRSS")) * 1024.0;
    }

    json report() const {
        if (m_device.is_cuda()) {
            at::accelerator::synchronizeDevice(index());
            const auto s = stats();
            const double peak = static_cast<double>(s.allocated_bytes[0].peak);
            return {{"method",
                     "CUDA caching allocator's peak allocated bytes (at::accelerator) after resetPeakStats"},
                    {"baseline_mib", m_baseline / kMiB},
                    {"peak_mib", peak / kMiB},
                    {"growth_mib", (peak - m_baseline) / kMiB},
                    {"peak_reserved_mib", static_cast<double>(s.reserved_bytes[0].peak) / kMiB}};
        }
        double peak = 0.0;
        if (m_hwmReset) {
            peak = static_cast<double>(procStatusKb("VmHWM")) * 1024.0;
        } else {
            struct rusage ru {};
            ::getrusage(RUSAGE_SELF, &ru);
            peak = static_cast<double>(ru.ru_maxrss) * 1024.0;
        }
        return {{"method", m_hwmReset ? "VmHWM after a reset through /proc/self/clear_refs"
                                      : "ru_maxrss (no reset: includes loading)"},
                {"baseline_mib", m_baseline / kMiB},
                {"peak_mib", peak / kMiB},
                {"growth_mib", (peak - m_baseline) / kMiB}};
    }

private:
    c10::DeviceIndex index() const { return deviceIndex(m_device); }
    c10::CachingDeviceAllocator::DeviceStats stats() const {
        return at::accelerator::getDeviceStats(index());
    }

    torch::Device m_device;
    double m_baseline = 0.0;
    bool m_hwmReset = false;
};

void synchronize(const torch::Device& d) {
    if (d.is_cuda()) at::accelerator::synchronizeDevice(deviceIndex(d));
}

// Trains core's block for warmup + steps steps; `data` is consumed (the weights move into the block).
json runCore(NamedTensors& data, const qat::ModelConfig& c, const Options& o) {
    const torch::Device dev = o.device;
    TrainableBlock t = makeTrainable(data, c, w2g64(), dev);
    const torch::Tensor x = take(data, "x").to(dev);
    const torch::Tensor y = take(data, "y").to(dev);
    data.clear();
    const auto [ropeCos, ropeSin] = qat::RotaryEmbedding(c).tables(0, o.seqlen, dev);

    std::vector<torch::Tensor> weights, quantizers;
    for (const auto& l : t.linears) {
        weights.push_back(l->weight);
        quantizers.push_back(l->scale);
        quantizers.push_back(l->zero);
    }
    weights.push_back(t.block->inputNorm->weight);
    weights.push_back(t.block->postNorm->weight);
    std::vector<torch::optim::OptimizerParamGroup> groups;
    groups.emplace_back(weights, std::make_unique<torch::optim::AdamWOptions>(
                                     torch::optim::AdamWOptions(kWeightLr).weight_decay(0.0)));
    groups.emplace_back(quantizers, std::make_unique<torch::optim::AdamWOptions>(
                                        torch::optim::AdamWOptions(kQuantizerLr).weight_decay(0.0)));
    torch::optim::AdamW optimizer(std::move(groups), torch::optim::AdamWOptions(kWeightLr).weight_decay(0.0));

    MemoryProbe probe(dev);
    probe.reset();
    std::vector<double> ms, losses;
    for (int64_t i = 0; i < o.warmup + o.steps; ++i) {
        synchronize(dev);
        const auto start = std::chrono::steady_clock::now();
        optimizer.zero_grad();
        const torch::Tensor loss = torch::mse_loss(t.block->forward(x, ropeCos, ropeSin), y);
        const double value = loss.item<double>();
        loss.backward();
        optimizer.step();
        synchronize(dev);
        ms.push_back(
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
        losses.push_back(value);
        std::cout << "[core] step " << i + 1 << ": loss " << number(value) << ", " << ms.back() << " ms"
                  << std::endl;
        if (!std::isfinite(value))
            throw std::runtime_error("core's loss is not finite at step " + std::to_string(i + 1));
    }
    const std::vector<double> timed(
        ms.begin() + std::min<int64_t>(o.warmup, static_cast<int64_t>(ms.size()) - 1), ms.end());
    double mean = 0.0;
    for (double v : timed)
        mean += v / static_cast<double>(timed.size());
    return {{"ms_per_step", *std::min_element(timed.begin(), timed.end())},
            {"ms_mean", mean},
            {"ms_all", ms},
            {"losses", losses},
            {"warmup", o.warmup},
            {"steps", o.steps},
            {"memory", probe.report()},
            {"optimizer", "torch::optim::AdamW (LibTorch, one parameter at a time)"}};
}

// --- the eager peer ------------------------------------------------------------------------

json runEager(const fs::path& data, const qat::ModelConfig& c, const Options& o, int threads) {
    const qat::QuantSpec spec = w2g64();
    const std::string cmd =
        shellQuote(pythonPath()) + " " + shellQuote((scriptsDir() / "eager_blockap_step.py").string()) + " " +
        shellQuote(data.string()) + " --device " + deviceName(o.device) + " --threads " +
        std::to_string(threads) + " --warmup " + std::to_string(o.warmup) + " --steps " +
        std::to_string(o.steps) + " --bits " + std::to_string(spec.bits) + " --group " +
        std::to_string(spec.groupSize) + " --heads " + std::to_string(c.numHeads) + " --kv-heads " +
        std::to_string(c.numKvHeads) + " --head-dim " + std::to_string(c.headDim) + " --eps " +
        number(c.rmsNormEps) + " --theta " + number(c.ropeTheta) + " --lr-weight " + number(kWeightLr) +
        " --lr-quant " + number(kQuantizerLr);
    return lastJsonLine(runCapture(cmd), "eager_blockap_step.py");
}

// --- report --------------------------------------------------------------------------------

double relDiff(double a, double b) {
    return std::abs(a - b) / std::max(std::abs(b), 1e-30);
}

void printTable(const json& out) {
    const json& core = out["core"];
    const json& eager = out["eager"];
    std::printf(
        "\nBlock-AP step: Llama-2-7B block (hidden 4096, intermediate 11008, 32 heads), W2 g64, float32\n"
        "device %s (%s), batch %lld x seq %lld, %d threads, %lld warm-up + %lld timed steps\n\n",
        out["device"].get<std::string>().c_str(), out["device_name"].get<std::string>().c_str(),
        out["batch"].get<long long>(), out["seqlen"].get<long long>(), out["threads"].get<int>(),
        out["warmup"].get<long long>(), out["steps"].get<long long>());
    std::printf("%-6s %12s %12s %16s %14s %14s %14s\n", "side", "ms/step", "mean ms", "first loss",
                "mem base MiB", "mem peak MiB", "growth MiB");
    for (const auto& [name, side] : {std::pair<const char*, const json*>{"core", &core}, {"eager", &eager}}) {
        const json& m = (*side)["memory"];
        std::printf("%-6s %12.1f %12.1f %16.9g %14.0f %14.0f %14.0f\n", name,
                    (*side)["ms_per_step"].get<double>(), (*side)["ms_mean"].get<double>(),
                    (*side)["losses"][0].get<double>(), m["baseline_mib"].get<double>(),
                    m["peak_mib"].get<double>(), m["growth_mib"].get<double>());
    }
    std::printf(
        "\nratio core/eager step time: %.3f (below 1: core is faster; fastest timed step of each side)\n"
        "ratio core/eager memory: peak %.3f, growth %.3f\n"
        "first-step loss: relative difference %.3g (tolerance %.0e)%s; last step's: %.3g\n"
        "memory: %s\n\n",
        out["ratio_core_over_eager"].get<double>(), out["memory_peak_ratio_core_over_eager"].get<double>(),
        out["memory_growth_ratio_core_over_eager"].get<double>(), out["first_loss_rel_diff"].get<double>(),
        kLossRelTolerance, out["loss_ok"].get<bool>() ? "" : "  <-- LOSS MISMATCH",
        out["last_loss_rel_diff"].get<double>(), core["memory"]["method"].get<std::string>().c_str());
    std::fflush(stdout);
}

int run(int argc, char** argv) {
    const Options o = parseOptions(argc, argv);
    const int threads = benchThreads(); // throws Skip without Python and torch
    const fs::path peer = scriptsDir() / "eager_blockap_step.py";
    if (!fs::exists(peer))
        throw Skip("the eager peer " + peer.string() + " is missing (QAT_BENCH_SCRIPTS_DIR)");
    torch::set_num_threads(threads);
    const qat::ModelConfig c = llama2Block();

    TempDir work;
    const fs::path dataFile = work.path / "block.safetensors";
    std::cout << "[bench] random Llama-2-7B-shaped block, batch " << o.batch << " x seq " << o.seqlen << ", "
              << deviceName(o.device) << ", " << threads << " threads; writing " << dataFile.string()
              << std::endl;
    NamedTensors data = makeData(c, o);
    qat::writeSafeTensors(dataFile, data);

    std::cout << "[bench] core: " << o.warmup << " warm-up + " << o.steps << " timed steps..." << std::endl;
    json core = runCore(data, c, o);
    if (o.device.is_cuda()) at::accelerator::emptyCache(); // the eager peer gets the GPU's memory
    std::cout << "[bench] PyTorch eager..." << std::endl;
    json eager = runEager(dataFile, c, o, threads);

    const double coreFirst = core["losses"][0].get<double>(),
                 eagerFirst = eager.at("losses")[0].get<double>();
    const double firstDiff = relDiff(coreFirst, eagerFirst);
    const double lastDiff =
        relDiff(core["losses"].back().get<double>(), eager.at("losses").back().get<double>());
    const bool lossOk = std::isfinite(coreFirst) && firstDiff < kLossRelTolerance;
    const double eagerGrowth = eager.at("memory").at("growth_mib").get<double>();
    const double eagerPeak = eager.at("memory").at("peak_mib").get<double>();
    json out = {
        {"benchmark", "blockap_step"},
        {"device", deviceName(o.device)},
        {"device_name", eager.value("device_name", deviceName(o.device))},
        {"threads", threads},
        {"model", "llama2-7b-block (random)"},
        {"hidden", c.hiddenSize},
        {"intermediate", c.intermediateSize},
        {"heads", c.numHeads},
        {"kv_heads", c.numKvHeads},
        {"head_dim", c.headDim},
        {"bits", 2},
        {"group_size", 64},
        {"dtype", "float32"},
        {"batch", o.batch},
        {"seqlen", o.seqlen},
        {"warmup", o.warmup},
        {"steps", o.steps},
        {"lr_weight", kWeightLr},
        {"lr_quantizer", kQuantizerLr},
        {"core", core},
        {"eager", eager},
        {"ratio_core_over_eager", core["ms_per_step"].get<double>() / eager.at("ms_per_step").get<double>()},
        {"memory_peak_ratio_core_over_eager",
         eagerPeak > 0 ? core["memory"]["peak_mib"].get<double>() / eagerPeak : 0.0},
        {"memory_growth_ratio_core_over_eager",
         eagerGrowth > 0 ? core["memory"]["growth_mib"].get<double>() / eagerGrowth : 0.0},
        {"first_loss_rel_diff", firstDiff},
        {"last_loss_rel_diff", lastDiff},
        {"loss_rel_tolerance", kLossRelTolerance},
        {"loss_ok", lossOk}};
    printTable(out);
    const fs::path dir = envOr("QAT_BENCH_DIR", QAT_BENCH_DIR);
    fs::create_directories(dir);
    const fs::path file = dir / "bench_blockap_step.json";
    std::ofstream(file) << out.dump(2) << "\n";
    std::cout << "[bench] wrote " << file.string() << std::endl;
    if (!lossOk) {
        std::cerr << "FAIL: first-step loss core " << number(coreFirst) << " vs eager " << number(eagerFirst)
                  << " (relative difference " << firstDiff << ", tolerance " << kLossRelTolerance << ")\n";
        return 1;
    }
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    try {
        return run(argc, argv);
    } catch (const Skip& e) {
        std::cout << "SKIP: " << e.what() << std::endl;
        return kSkip;
    } catch (const std::exception& e) {
        std::cerr << "FAIL: " << e.what() << std::endl;
        return 1;
    }
}
