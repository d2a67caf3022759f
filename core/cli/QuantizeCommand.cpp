// SPDX-License-Identifier: GPL-3.0-or-later
#include "QuantizeCommand.h"

#include "qat/Evaluation.h"
#include "qat/Model.h"
#include "qat/Progress.h"
#include "qat/Quantization.h"
#include "qat/RunDirectory.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <unistd.h>

#ifndef QAT_VERSION
#define QAT_VERSION "dev"
#endif

namespace qat::cli {

namespace {

std::atomic<bool> g_interrupted{false};

extern "C" void onSigint(int) { g_interrupted = true; }

int report(const Status& s) {
    if (s.ok()) return 0;
    std::cerr << "qat-cli: error (" << errorKindName(s.kind) << "): " << s.message << "\n";
    return exitCodeFor(s.kind);
}

std::string clock(double seconds) {
    if (!std::isfinite(seconds) || seconds < 0) return "--:--";
    const long long t = static_cast<long long>(seconds + 0.5);
    char text[32];
    if (t >= 3600)
        std::snprintf(text, sizeof text, "%lld:%02lld:%02lld", t / 3600, t / 60 % 60, t % 60);
    else
        std::snprintf(text, sizeof text, "%lld:%02lld", t / 60, t % 60);
    return text;
}

std::string bar(double fraction, int width = 24) {
    const int filled = std::clamp(static_cast<int>(fraction * width + 0.5), 0, width);
    return "[" + std::string(static_cast<size_t>(filled), '#') + std::string(static_cast<size_t>(width - filled), '.') + "]";
}

// The terminal side of the progress: JSON lines on stdout (--json), or a live line on a
// TTY stderr (phase, block, step, bars and times left) plus one summary line per finished
// block on stdout.
class TerminalSink : public ProgressSink {
    using Clock = std::chrono::steady_clock;

public:
    TerminalSink(bool json, bool tty) : m_json(json), m_tty(tty && !json) {}
    ~TerminalSink() override { endLine(); }

    void onLog(const std::string& line) override {
        json(LogLine{line});
        if (m_json) return;
        endLine();
        std::printf("%s\n", line.c_str());
        std::fflush(stdout);
    }
    void onEvalProgress(const EvalProgress& p) override {
        if (!m_tty) return;
        const double f = p.windowsTotal ? static_cast<double>(p.windowsDone) / static_cast<double>(p.windowsTotal) : 1.0;
        live("%s %s %lld/%lld windows  ppl %.4f", p.dataset.c_str(), bar(f).c_str(), static_cast<long long>(p.windowsDone),
             static_cast<long long>(p.windowsTotal), p.runningPerplexity);
    }
    void onPhase(const PhaseChanged& e) override {
        json(e);
        m_phaseStart = Clock::now();
        m_blocksTimed = 0;
        m_blockSeconds = 0.0;
    }
    void onBlockStarted(const BlockStarted& e) override {
        json(e);
        m_blocks = e.blocks;
        m_blockStart = Clock::now();
    }
    void onStepLoss(const StepLoss& e) override {
        json(e);
        if (!m_tty || e.block < 0) return;
        const double done = static_cast<double>(e.step + 1) / static_cast<double>(std::max<int64_t>(1, e.steps));
        const double elapsed = seconds(m_blockStart);
        const double blockLeft = elapsed / done - elapsed;
        // The blocks after this one take about as long as the blocks timed so far.
        const double perBlock = m_blocksTimed ? m_blockSeconds / static_cast<double>(m_blocksTimed) : elapsed / done;
        const double phaseLeft = blockLeft + perBlock * static_cast<double>(m_blocks - e.block - 1);
        live("Block-AP block %lld/%lld %s step %lld/%lld  loss %.4g  left: block %s, Block-AP %s",
             static_cast<long long>(e.block + 1), static_cast<long long>(m_blocks), bar(done).c_str(),
             static_cast<long long>(e.step + 1), static_cast<long long>(e.steps), e.loss, clock(blockLeft).c_str(),
             clock(phaseLeft).c_str());
    }
    void onEpochEnd(const EpochEnd& e) override { json(e); }
    void onBlockFinished(const BlockFinished& e) override {
        json(e);
        if (m_blockStart != Clock::time_point{}) {
            m_blockSeconds += e.seconds;
            ++m_blocksTimed;
        }
        if (m_json) return;
        endLine();
        std::printf("block %lld: MSE %.6g -> %.6g  (%.1f s)\n", static_cast<long long>(e.block), e.mseBefore, e.mseAfter,
                    e.seconds);
        std::fflush(stdout);
    }
    void onE2eStep(const E2eStep& e) override {
        json(e);
        if (!m_tty) return;
        if (m_e2eSteps != e.steps || e.step < m_e2eFirst) {
            m_e2eSteps = e.steps;
            m_e2eFirst = e.step;
            m_e2eStart = Clock::now();
        }
        const double done = static_cast<double>(e.step + 1 - m_e2eFirst);
        const double left = seconds(m_e2eStart) / done * static_cast<double>(e.steps - e.step - 1);
        live("E2E-QP %s step %lld/%lld  loss %.4g  lr %.3g  left %s",
             bar(static_cast<double>(e.step + 1) / static_cast<double>(std::max<int64_t>(1, e.steps))).c_str(),
             static_cast<long long>(e.step + 1), static_cast<long long>(e.steps), e.loss, e.lr, clock(left).c_str());
    }
    void onEvalResult(const EvalResult& e) override {
        json(e);
        endLine();
    }
    bool isCancelled() const override { return g_interrupted.load(); }

    void endLine() {
        if (m_open) std::fputs("\r\033[K", stderr);
        m_open = false;
    }

private:
    static double seconds(Clock::time_point since) {
        return std::chrono::duration<double>(Clock::now() - since).count();
    }

    template <class... Args> void live(const char* format, Args... args) {
        // At most ~10 redraws a second.
        const auto now = Clock::now();
        if (m_open && now - m_lastDraw < std::chrono::milliseconds(100)) return;
        m_lastDraw = now;
        std::fputs("\r\033[K", stderr);
        std::fprintf(stderr, format, args...);
        std::fflush(stderr);
        m_open = true;
    }

    void json(const ProgressEvent& e) {
        if (!m_json) return;
        std::printf("%s\n", eventToJson(e).c_str());
        std::fflush(stdout);
    }

    bool m_json;
    bool m_tty;
    bool m_open = false;
    int64_t m_blocks = 0;
    Clock::time_point m_phaseStart, m_blockStart, m_e2eStart, m_lastDraw;
    int64_t m_blocksTimed = 0;
    double m_blockSeconds = 0.0;
    int64_t m_e2eSteps = -1, m_e2eFirst = 0;
};

const char* cacheDTypeName(CacheDType t) {
    switch (t) {
    case CacheDType::Float16: return "float16";
    case CacheDType::BFloat16: return "bfloat16";
    case CacheDType::Float32: return "float32";
    }
    return "float16";
}

CacheDType cacheDTypeFrom(const std::string& name) {
    if (name == "bfloat16") return CacheDType::BFloat16;
    if (name == "float32") return CacheDType::Float32;
    return CacheDType::Float16;
}

// The run's configuration as stored in run.json (and read back by --config).
std::vector<std::string> absolutePaths(const std::vector<std::string>& files) {
    std::vector<std::string> out;
    for (const auto& f : files) out.push_back(std::filesystem::absolute(f).lexically_normal().string());
    return out;
}

nlohmann::json configJson(const QuantizeArgs& a) {
    // Paths are stored absolute, so that the same run resumes from any working folder.
    nlohmann::json calib = {{"files", absolutePaths(a.calib)},
                            {"generated_documents", a.generatedDocuments},
                            {"seqlen", a.calibration.seqlen},
                            {"train_windows", a.calibration.trainWindows},
                            {"val_windows", a.calibration.valWindows},
                            {"val_fraction", a.calibration.valFraction},
                            {"seed", a.calibration.seed}};
    nlohmann::json j = {{"model", a.model.empty() ? std::string() : std::filesystem::absolute(a.model).lexically_normal().string()},
                        {"method", a.method},
                        {"bits", a.bits},
                        {"group", a.group},
                        {"seed", a.seed},
                        {"device", a.device},
                        {"dtype", a.dtype},
                        {"threads", a.threads},
                        {"eval", {{"files", absolutePaths(a.eval)}, {"seqlen", a.evalSeqlen}, {"max_windows", a.evalMaxWindows}}}};
    if (a.method != "rtn") j["calibration"] = calib;
    if (a.method != "rtn")
        j["block_ap"] = {{"epochs", a.blockAp.epochs},
                         {"batch", a.blockAp.batchSize},
                         {"weight_lr", a.blockAp.weightLrFor(a.bits)},
                         {"quant_lr", a.blockAp.quantizerLr},
                         {"weight_decay", a.blockAp.weightDecay},
                         {"final_lr_divisor", a.blockAp.finalLrDivisor},
                         {"train_norms", a.blockAp.trainNorms},
                         {"cache_dtype", cacheDTypeName(a.blockAp.cacheDType)},
                         {"seed", a.blockAp.seed}};
    if (a.method == "efficientqat")
        j["e2e_qp"] = {{"lr", e2eQpLearningRate(a.e2e, a.bits)},
                       {"epochs", a.e2e.epochs},
                       {"batch", a.e2e.batchSize},
                       {"gradient_accumulation", a.e2e.gradientAccumulation},
                       {"warmup_fraction", a.e2e.warmupFraction},
                       {"max_grad_norm", a.e2e.maxGradNorm},
                       {"weight_decay", a.e2e.weightDecay},
                       {"train_zeros", a.e2e.trainZeros},
                       {"seed", a.e2e.seed}};
    return j;
}

// Fills every option the command line did not give from `config` (a preset, or a
// run.json whose "config" holds the settings). Keys as configJson writes them; unknown
// keys are refused so that a typo in a preset does not pass silently.
Status applyConfig(const std::string& file, QuantizeArgs& a) {
    std::ifstream in(file);
    if (!in) return Status::error(ErrorKind::BadInput, file + ": cannot be read");
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(in);
    } catch (const std::exception& e) {
        return Status::error(ErrorKind::BadInput, file + ": not valid JSON (" + e.what() + ")");
    }
    if (j.is_object() && j.contains("config") && j["config"].is_object()) j = j["config"];
    if (!j.is_object()) return Status::error(ErrorKind::BadInput, file + ": expected a JSON object of settings");

    const CLI::App* cmd = a.command;
    std::set<std::string> known;
    std::string error;
    auto take = [&](const char* option, const std::string& pointer, auto& field) {
        known.insert(pointer);
        if (!error.empty() || (cmd && cmd->count(option) > 0)) return;
        const nlohmann::json::json_pointer ptr(pointer);
        if (!j.contains(ptr)) return;
        try {
            j.at(ptr).get_to(field);
        } catch (const std::exception& e) {
            error = file + ": field " + pointer.substr(1) + ": " + e.what();
        }
    };
    double weightLr = a.blockAp.weightLr, e2eLr = a.e2e.lr;
    take("--model", "/model", a.model);
    take("--method", "/method", a.method);
    take("--bits", "/bits", a.bits);
    take("--group", "/group", a.group);
    take("--seed", "/seed", a.seed);
    take("--device", "/device", a.device);
    take("--dtype", "/dtype", a.dtype);
    take("--threads", "/threads", a.threads);
    take("--eval", "/eval/files", a.eval);
    take("--eval-seqlen", "/eval/seqlen", a.evalSeqlen);
    take("--eval-max-windows", "/eval/max_windows", a.evalMaxWindows);
    take("--calib", "/calibration/files", a.calib);
    take("--calib-generate", "/calibration/generated_documents", a.generatedDocuments);
    take("--seqlen", "/calibration/seqlen", a.calibration.seqlen);
    take("--train-windows", "/calibration/train_windows", a.calibration.trainWindows);
    take("--val-windows", "/calibration/val_windows", a.calibration.valWindows);
    take("--val-fraction", "/calibration/val_fraction", a.calibration.valFraction);
    known.insert("/calibration/seed"); // = seed
    take("--epochs", "/block_ap/epochs", a.blockAp.epochs);
    take("--batch", "/block_ap/batch", a.blockAp.batchSize);
    take("--weight-lr", "/block_ap/weight_lr", weightLr);
    take("--quant-lr", "/block_ap/quant_lr", a.blockAp.quantizerLr);
    take("--weight-decay", "/block_ap/weight_decay", a.blockAp.weightDecay);
    take("--final-lr-divisor", "/block_ap/final_lr_divisor", a.blockAp.finalLrDivisor);
    take("--freeze-norms", "/block_ap/train_norms", a.blockAp.trainNorms);
    take("--cache-dtype", "/block_ap/cache_dtype", a.cacheDType);
    known.insert("/block_ap/seed");
    take("--e2e-lr", "/e2e_qp/lr", e2eLr);
    take("--e2e-epochs", "/e2e_qp/epochs", a.e2e.epochs);
    take("--e2e-batch", "/e2e_qp/batch", a.e2e.batchSize);
    take("--e2e-accumulation", "/e2e_qp/gradient_accumulation", a.e2e.gradientAccumulation);
    take("--e2e-warmup", "/e2e_qp/warmup_fraction", a.e2e.warmupFraction);
    take("--e2e-clip", "/e2e_qp/max_grad_norm", a.e2e.maxGradNorm);
    take("--e2e-weight-decay", "/e2e_qp/weight_decay", a.e2e.weightDecay);
    take("--e2e-train-zeros", "/e2e_qp/train_zeros", a.e2e.trainZeros);
    known.insert("/e2e_qp/seed");
    if (!error.empty()) return Status::error(ErrorKind::BadInput, error);
    const nlohmann::json flat = j.flatten();
    for (const auto& item : flat.items()) {
        // Arrays flatten to /files/0 ...: compare their parent.
        std::string key = item.key();
        while (!known.count(key) && key.find('/', 1) != std::string::npos &&
               std::all_of(key.begin() + static_cast<std::ptrdiff_t>(key.rfind('/') + 1), key.end(), ::isdigit))
            key = key.substr(0, key.rfind('/'));
        if (!known.count(key) && !(key == "/comment" || key.rfind("/comment", 0) == 0))
            return Status::error(ErrorKind::BadInput, file + ": unknown setting \"" + item.key().substr(1) + "\"");
    }
    a.blockAp.weightLr = weightLr;
    a.e2e.lr = e2eLr;
    return Status::success();
}

struct Stage {
    std::string name;
    std::vector<double> perplexity;  // per eval file
    std::vector<int64_t> windows;
};

} // namespace

CLI::App* addQuantizeCommand(CLI::App& app, QuantizeArgs& a) {
    auto* q = app.add_subcommand(
        "quantize",
        "Quantize a model: rtn, block-ap or efficientqat (Block-AP then E2E-QP), with perplexity before and after.\n"
        "The run folder (--out) keeps run.json, metrics.jsonl, a checkpoint per finished block, the E2E-QP checkpoint,\n"
        "quantized.safetensors and eval.json. Running the same command on a folder that holds an interrupted run\n"
        "(Ctrl-C, a crash, a kill) resumes it after its last finished block and ends as an uninterrupted run would.");
    a.command = q;
    q->add_option("--config", a.config,
                  "JSON preset (or a run's run.json) giving every setting not given on the command line")
        ->check(CLI::ExistingFile);
    q->add_option("--model,-m", a.model, "Full-precision model folder")->check(CLI::ExistingDirectory);
    q->add_option("--method", a.method, "rtn, block-ap or efficientqat")
        ->check(CLI::IsMember({"rtn", "block-ap", "efficientqat"}));
    q->add_option("--bits", a.bits, "Bits per weight (2..8)")->capture_default_str();
    q->add_option("--group", a.group, "Weights per quantization group (0: whole rows)")->capture_default_str();
    q->add_option("--calib", a.calib, "Calibration text / JSONL files (block-ap and efficientqat)")
        ->check(CLI::ExistingFile);
    q->add_option("--calib-generate", a.generatedDocuments,
                  "Calibrate on N documents the model writes itself (sampled from BOS) instead of --calib")
        ->check(CLI::NonNegativeNumber);
    q->add_option("--out,-o", a.out, "Run folder: created when new, resumed when it holds the same run")->required();
    q->add_option("--eval", a.eval, "Text / JSONL files to measure perplexity on, before and after each phase")
        ->check(CLI::ExistingFile);
    q->add_option("--seqlen", a.calibration.seqlen, "Calibration window length in tokens")
        ->capture_default_str()
        ->check(CLI::Range(int64_t{2}, int64_t{1} << 20));
    q->add_option("--train-windows", a.calibration.trainWindows, "Training windows")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    q->add_option("--val-windows", a.calibration.valWindows, "Validation windows (0: none)")
        ->capture_default_str()
        ->check(CLI::NonNegativeNumber);
    q->add_option("--val-fraction", a.calibration.valFraction, "Fraction of the documents (the last) kept for validation")
        ->capture_default_str()
        ->check(CLI::Range(0.0, 0.9));
    q->add_option("--epochs", a.blockAp.epochs, "Block-AP epochs per block")->capture_default_str()->check(CLI::PositiveNumber);
    q->add_option("--batch", a.blockAp.batchSize, "Block-AP windows per optimizer step")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    q->add_option("--weight-lr", a.blockAp.weightLr, "Block-AP weight lr (0: the paper's by bits, 2e-5 / 1e-5)")
        ->capture_default_str()
        ->check(CLI::NonNegativeNumber);
    q->add_option("--quant-lr", a.blockAp.quantizerLr, "Block-AP scale / zero-point lr")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    q->add_option("--weight-decay", a.blockAp.weightDecay, "Block-AP AdamW weight decay")
        ->capture_default_str()
        ->check(CLI::NonNegativeNumber);
    q->add_option("--final-lr-divisor", a.blockAp.finalLrDivisor, "Block-AP cosine schedule ends at lr / this")
        ->capture_default_str()
        ->check(CLI::Range(1.0, 1e9));
    q->add_flag("!--freeze-norms", a.blockAp.trainNorms, "Block-AP: keep the norm weights fixed (trained by default)");
    q->add_option("--cache-dtype", a.cacheDType, "Block-AP activation caches: float16, bfloat16 or float32")
        ->check(CLI::IsMember({"float16", "bfloat16", "float32"}))
        ->capture_default_str();
    q->add_option("--cache-dir", a.blockAp.cacheDir,
                  "Keep Block-AP's activation caches in files there (memory-mapped) instead of RAM");
    q->add_option("--e2e-lr", a.e2e.lr, "E2E-QP peak lr (0: the paper's by bits, 2e-5 / 1e-5)")
        ->capture_default_str()
        ->check(CLI::NonNegativeNumber);
    q->add_option("--e2e-epochs", a.e2e.epochs, "E2E-QP epochs")->capture_default_str()->check(CLI::PositiveNumber);
    q->add_option("--e2e-batch", a.e2e.batchSize, "E2E-QP windows per micro-batch")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    q->add_option("--e2e-accumulation", a.e2e.gradientAccumulation,
                  "E2E-QP micro-batches per optimizer step (effective batch = batch x accumulation)")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    q->add_option("--e2e-warmup", a.e2e.warmupFraction, "E2E-QP fraction of steps in linear warm-up")
        ->capture_default_str()
        ->check(CLI::Range(0.0, 1.0));
    q->add_option("--e2e-clip", a.e2e.maxGradNorm, "E2E-QP gradient-norm clip (0: none)")
        ->capture_default_str()
        ->check(CLI::NonNegativeNumber);
    q->add_option("--e2e-weight-decay", a.e2e.weightDecay, "E2E-QP AdamW weight decay")
        ->capture_default_str()
        ->check(CLI::NonNegativeNumber);
    q->add_flag("--e2e-train-zeros", a.e2e.trainZeros, "E2E-QP: train the zero points too");
    q->add_option("--e2e-checkpoint-seconds", a.e2e.checkpointSeconds,
                  "E2E-QP: write a resumable checkpoint at most this often (0: only when cancelled and at the end)")
        ->capture_default_str()
        ->check(CLI::NonNegativeNumber);
    q->add_flag("!--no-gradient-checkpointing", a.e2e.gradientCheckpointing,
                "E2E-QP: keep every block's activations for the backward pass (faster, more memory)");
    q->add_option("--eval-seqlen", a.evalSeqlen, "Perplexity window (capped at max_position_embeddings)")
        ->capture_default_str()
        ->check(CLI::Range(int64_t{2}, int64_t{1} << 20));
    q->add_option("--eval-max-windows", a.evalMaxWindows, "Evaluate only the first N windows (0: all)")
        ->capture_default_str()
        ->check(CLI::NonNegativeNumber);
    q->add_option("--seed", a.seed, "Seed of the calibration windows and of training")->capture_default_str();
    q->add_option("--device", a.device, "cpu or cuda")->check(CLI::IsMember({"cpu", "cuda"}))->capture_default_str();
    q->add_option("--dtype", a.dtype, "Compute dtype: float32 or bfloat16")
        ->check(CLI::IsMember({"float32", "bfloat16"}))
        ->capture_default_str();
    q->add_option("--tokenizer", a.tokenizer, "tokenizer.model to use when the folder has none")->check(CLI::ExistingFile);
    q->add_option("--threads", a.threads, "CPU threads (0: LibTorch's default)")->check(CLI::NonNegativeNumber);
    q->add_flag("--json", a.json, "Print progress events and the result as JSON lines on stdout");
    return q;
}

namespace {

// Checks of the settings that do not need the model.
Status checkArgs(const QuantizeArgs& a) {
    if (a.model.empty())
        return Status::error(ErrorKind::BadInput, "no model: give --model DIR (or a --config that names one)");
    std::error_code ec;
    if (!std::filesystem::is_directory(a.model, ec))
        return Status::error(ErrorKind::BadInput, "--model " + a.model + ": not a folder");
    if (a.method != "rtn" && a.method != "block-ap" && a.method != "efficientqat")
        return Status::error(ErrorKind::BadInput, a.method.empty()
                                                      ? "no method: give --method rtn, block-ap or efficientqat"
                                                      : "--method " + a.method + ": expected rtn, block-ap or efficientqat");
    if (a.bits < 2 || a.bits > 8)
        return Status::error(ErrorKind::BadInput, "--bits " + std::to_string(a.bits) + ": bits must be between 2 and 8");
    if (a.group < 0)
        return Status::error(ErrorKind::BadInput,
                             "--group " + std::to_string(a.group) + ": group size must be positive (or 0 for whole rows)");
    if (a.method != "rtn" && a.calib.empty() && a.generatedDocuments == 0)
        return Status::error(ErrorKind::BadInput, "--method " + a.method +
                                                      " needs calibration text: give --calib FILE, or --calib-generate N "
                                                      "to let the model write it (rtn needs none)");
    if (!a.calib.empty() && a.generatedDocuments > 0)
        return Status::error(ErrorKind::BadInput, "give either --calib or --calib-generate, not both");
    for (const auto& f : a.calib)
        if (!std::filesystem::is_regular_file(f, ec)) return Status::error(ErrorKind::BadInput, "--calib " + f + ": no such file");
    for (const auto& f : a.eval)
        if (!std::filesystem::is_regular_file(f, ec)) return Status::error(ErrorKind::BadInput, "--eval " + f + ": no such file");
    return Status::success();
}

int reportRun(const Status& s, const std::string& out) {
    const int code = report(s);
    if (s.kind == ErrorKind::Cancelled || s.kind == ErrorKind::NonFinite || s.kind == ErrorKind::OutOfMemory)
        std::cerr << "qat-cli: " << out
                  << " keeps every finished block; run the same command again to resume from there\n";
    return code;
}

} // namespace

int runQuantize(const QuantizeArgs& args) {
    QuantizeArgs a = args;
    if (!a.config.empty()) {
        Status st = applyConfig(a.config, a);
        if (!st.ok()) return report(st);
    }
    Status st = checkArgs(a);
    if (!st.ok()) return report(st);
    a.calibration.seed = a.seed;
    a.blockAp.seed = a.seed;
    a.e2e.seed = a.seed;
    a.blockAp.cacheDType = cacheDTypeFrom(a.cacheDType);
    a.calibration.files.assign(a.calib.begin(), a.calib.end());
    const std::filesystem::path out(a.out);

    LoadOptions lo;
    lo.device = a.device == "cuda" ? Device::Cuda : Device::Cpu;
    lo.dtype = a.dtype == "bfloat16" ? ComputeDType::BFloat16 : ComputeDType::Float32;
    lo.tokenizerPath = a.tokenizer;
    lo.threads = a.threads;
    std::unique_ptr<Model> model;
    st = Model::load(a.model, lo, model);
    if (!st.ok()) return report(st);

    QuantSpec spec;
    spec.bits = a.bits;
    spec.groupSize = a.group;
    st = validate(spec, model->config());
    if (!st.ok()) return report(st);
    a.evalSeqlen = std::min(a.evalSeqlen, model->config().maxPositionEmbeddings);

    TerminalSink terminal(a.json, isatty(STDERR_FILENO) != 0);
    std::signal(SIGINT, onSigint);
    std::signal(SIGTERM, onSigint);

    // Calibration data before the run folder, so that bad text leaves nothing behind.
    CalibrationData data;
    if (a.method != "rtn") {
        const Tokenizer* tok = model->tokenizer();
        if (a.generatedDocuments > 0) {
            GeneratedCalibrationOptions go;
            go.count = a.generatedDocuments;
            go.tokensPerSample = std::min<int64_t>(a.calibration.seqlen, model->config().maxPositionEmbeddings - 1);
            go.seed = a.seed;
            std::vector<std::vector<int64_t>> docs;
            st = generateCalibrationDocuments(*model, go, docs, &terminal);
            if (st.ok()) st = guarded([&] { data = makeCalibrationWindows(docs, a.calibration, "self-generated"); });
        } else {
            if (!tok) return report(Status::error(ErrorKind::BadInput, a.model + ": no tokenizer.model; give --tokenizer"));
            st = guarded([&] { data = loadCalibrationData(*tok, a.calibration); });
        }
        if (!st.ok()) return report(st);
    }

    RunSpec rs;
    rs.configJson = configJson(a).dump();
    rs.modelFolder = a.model;
    rs.appVersion = QAT_VERSION;
    rs.resumableFields = {"device", "dtype", "threads", "eval"};
    std::unique_ptr<RunDirectory> run;
    st = RunDirectory::open(out, rs, run);
    if (!st.ok()) return report(st);

    std::unique_ptr<MetricsWriter> metrics;
    st = guarded([&] { metrics = std::make_unique<MetricsWriter>(run->metricsPath()); });
    if (!st.ok()) return report(st);
    MultiSink sink({metrics.get(), &terminal});

    if (run->resumed()) {
        const auto last = run->lastFinishedBlock();
        sink.onLog("resuming " + run->folder().string() + ": " +
                   (last ? std::to_string(*last + 1) + " block(s) done" : std::string("no block done yet")) +
                   (run->hasE2eCheckpoint() ? ", E2E-QP checkpoint present" : ""));
    }
    if (a.method != "rtn") {
        sink.onLog("calibration: " + std::to_string(data.train.size()) + " training and " + std::to_string(data.val.size()) +
                   " validation windows of " + std::to_string(data.seqlen) + " tokens from " + data.source);
        const int64_t cache = blockApCacheBytes(a.blockAp, static_cast<int64_t>(data.train.size() + data.val.size()),
                                                data.seqlen, model->config().hiddenSize);
        sink.onLog("Block-AP activation caches: " + std::to_string((cache + (1 << 20) - 1) >> 20) + " MiB of " +
                   cacheDTypeName(a.blockAp.cacheDType) +
                   (a.blockAp.cacheDir.empty() ? std::string(" in memory") : " in files under " + a.blockAp.cacheDir.string()));
    }

    std::vector<Stage> stages;
    PerplexityOptions po;
    po.seqlen = a.evalSeqlen;
    po.maxWindows = a.evalMaxWindows;
    auto evaluate = [&](const std::string& stage) -> Status {
        if (a.eval.empty()) return Status::success();
        sink.onLog("evaluation: " + stage);
        Stage s{stage, {}, {}};
        for (const auto& file : a.eval) {
            PerplexityResult r;
            Status e = evaluatePerplexity(*model, file, po, r, &sink);
            if (!e.ok()) return e;
            sink.onEvalResult(EvalResult{std::filesystem::path(file).filename().string(), r.perplexity, r.windows, po.seqlen});
            s.perplexity.push_back(r.perplexity);
            s.windows.push_back(r.windows);
        }
        stages.push_back(std::move(s));
        return Status::success();
    };
    const std::map<std::string, std::string> stateMeta = {{"method", a.method}, {"qat_studio", QAT_VERSION}};

    st = evaluate("fp");
    if (st.ok()) {
        if (a.method == "rtn") {
            sink.onPhase(PhaseChanged{Phase::RoundToNearest, 0, 1});
            st = quantizeRoundToNearest(*model, spec, &sink);
            if (st.ok()) st = saveQuantizedState(*model, run->quantizedStatePath(), stateMeta);
            if (st.ok()) st = evaluate("rtn");
        } else {
            BlockApResult br;
            st = runBlockAp(*model, spec, a.blockAp, data, &sink, br, run.get());
            if (st.ok() && a.method == "block-ap") st = saveQuantizedState(*model, run->quantizedStatePath(), stateMeta);
            if (st.ok()) st = evaluate("block-ap");
            if (st.ok() && a.method == "efficientqat") {
                E2eQpResult er;
                E2eQpOptions eo = a.e2e;
                eo.phaseIndex = 1;
                eo.phaseCount = 2;
                st = runE2eQp(*model, spec, eo, data, &sink, er, run.get());
                if (st.ok()) st = saveQuantizedState(*model, run->quantizedStatePath(), stateMeta);
                if (st.ok()) st = evaluate("block-ap+e2e-qp");
            }
        }
    }
    terminal.endLine();
    // eval.json holds whatever was measured, also after a failure.
    nlohmann::json ej = {{"seqlen", po.seqlen}, {"max_windows", po.maxWindows}, {"files", a.eval}};
    nlohmann::json js = nlohmann::json::array();
    for (const auto& s : stages) {
        nlohmann::json results = nlohmann::json::object();
        for (size_t i = 0; i < s.perplexity.size(); ++i)
            results[std::filesystem::path(a.eval[i]).filename().string()] = {{"perplexity", s.perplexity[i]},
                                                                             {"windows", s.windows[i]}};
        js.push_back({{"stage", s.name}, {"results", results}});
    }
    ej["stages"] = js;
    Status we = guarded([&] { run->writeEvalJson(ej.dump(2) + "\n"); });
    if (!st.ok()) return reportRun(st, a.out);
    if (!we.ok()) return report(we);
    const std::string metricsError = metrics->error();
    if (!metricsError.empty()) return report(Status::error(ErrorKind::Failure, "metrics.jsonl: " + metricsError));

    if (a.json) {
        nlohmann::json done = {{"event", "done"}, {"run", run->folder().string()}, {"eval", ej}};
        std::printf("%s\n", done.dump().c_str());
    } else if (!stages.empty()) {
        std::printf("\n%-18s", "stage");
        for (const auto& f : a.eval) std::printf("  %14s", std::filesystem::path(f).filename().string().c_str());
        std::printf("\n");
        for (const auto& s : stages) {
            std::printf("%-18s", s.name.c_str());
            for (double p : s.perplexity) std::printf("  %14.4f", p);
            std::printf("\n");
        }
        std::printf("perplexity, windows of %lld tokens; run folder %s\n", static_cast<long long>(po.seqlen),
                    run->folder().string().c_str());
    } else {
        std::printf("done; run folder %s\n", run->folder().string().c_str());
    }
    std::fflush(stdout);
    return 0;
}

} // namespace qat::cli
