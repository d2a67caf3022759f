// SPDX-License-Identifier: GPL-3.0-or-later
#include "QuantizeCommand.h"

#include "qat/Evaluation.h"
#include "qat/Model.h"
#include "qat/Progress.h"
#include "qat/Quantization.h"
#include "qat/QuantizeJob.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdlib>
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
        m_phase = e.phase;
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
        live("%s %s step %lld/%lld  loss %.4g  lr %.3g  left %s",
             m_phase == Phase::LrQat ? "LR-QAT" : "E2E-QP",
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
    Phase m_phase = Phase::Calibration;
    int64_t m_blocks = 0;
    Clock::time_point m_phaseStart, m_blockStart, m_e2eStart, m_lastDraw;
    int64_t m_blocksTimed = 0;
    double m_blockSeconds = 0.0;
    int64_t m_e2eSteps = -1, m_e2eFirst = 0;
};

// Each option that a --config file may also give, and its key there.
const std::vector<std::pair<const char*, const char*>> kOptionKeys = {
    {"--model", "/model"},
    {"--tokenizer", "/tokenizer"},
    {"--method", "/method"},
    {"--bits", "/bits"},
    {"--group", "/group"},
    {"--seed", "/seed"},
    {"--device", "/device"},
    {"--dtype", "/dtype"},
    {"--threads", "/threads"},
    {"--eval", "/eval/files"},
    {"--eval-seqlen", "/eval/seqlen"},
    {"--eval-max-windows", "/eval/max_windows"},
    {"--calib", "/calibration/files"},
    {"--calib-generate", "/calibration/generated_documents"},
    {"--seqlen", "/calibration/seqlen"},
    {"--train-windows", "/calibration/train_windows"},
    {"--val-windows", "/calibration/val_windows"},
    {"--val-fraction", "/calibration/val_fraction"},
    {"--epochs", "/block_ap/epochs"},
    {"--batch", "/block_ap/batch"},
    {"--weight-lr", "/block_ap/weight_lr"},
    {"--quant-lr", "/block_ap/quant_lr"},
    {"--weight-decay", "/block_ap/weight_decay"},
    {"--final-lr-divisor", "/block_ap/final_lr_divisor"},
    {"--freeze-norms", "/block_ap/train_norms"},
    {"--cache-dtype", "/block_ap/cache_dtype"},
    {"--e2e-lr", "/e2e_qp/lr"},
    {"--e2e-epochs", "/e2e_qp/epochs"},
    {"--e2e-batch", "/e2e_qp/batch"},
    {"--e2e-accumulation", "/e2e_qp/gradient_accumulation"},
    {"--e2e-warmup", "/e2e_qp/warmup_fraction"},
    {"--e2e-clip", "/e2e_qp/max_grad_norm"},
    {"--e2e-weight-decay", "/e2e_qp/weight_decay"},
    {"--e2e-train-zeros", "/e2e_qp/train_zeros"},
    {"--symmetric", "/quantizer/symmetric"},
    {"--range", "/quantizer/range"},
    {"--range", "/lr_qat/range"},
    {"--lp-norm", "/quantizer/p"},
    {"--lp-norm", "/lr_qat/p"},
    {"--rank", "/lr_qat/rank"},
    {"--lora-alpha", "/lr_qat/alpha"},
    {"--lr-qat-lr", "/lr_qat/lr"},
    {"--scale-lr", "/lr_qat/scale_lr"},
    {"--lr-qat-epochs", "/lr_qat/epochs"},
    {"--lr-qat-steps", "/lr_qat/steps"},
    {"--lr-qat-batch", "/lr_qat/batch"},
    {"--lr-qat-accumulation", "/lr_qat/gradient_accumulation"},
    {"--lr-qat-warmup", "/lr_qat/warmup_fraction"},
    {"--lr-qat-clip", "/lr_qat/max_grad_norm"},
    {"--lr-qat-weight-decay", "/lr_qat/weight_decay"},
    {"--beta2", "/lr_qat/beta2"},
    {"--phi0", "/lr_qat/phi0"},
    {"--bf16-adapters", "/lr_qat/bf16_adapters"},
};

// The job from the parsed options (and the --config file for what they leave out).
Status makeJob(const QuantizeArgs& a, QuantizeJob& job) {
    job = a.job;
    job.model = a.model;
    job.tokenizer = a.tokenizer;
    job.out = a.out;
    job.device = a.device == "cuda" ? Device::Cuda : Device::Cpu;
    job.dtype = a.dtype == "bfloat16" ? ComputeDType::BFloat16 : ComputeDType::Float32;
    job.blockAp.cacheDType = a.cacheDType == "bfloat16" ? CacheDType::BFloat16
                             : a.cacheDType == "float32" ? CacheDType::Float32
                                                         : CacheDType::Float16;
    if (const auto m = methodFromName(a.method)) job.method = *m;
    if (const auto r = rangeInitFromName(a.range)) job.quantizer.range = job.lrQat.range = *r;
    if (const auto f = phi0StorageFromName(a.phi0)) job.lrQat.phi0 = *f;
    job.quantizer.p = job.lrQat.p = a.p;
    job.lrQat.gradientCheckpointing = job.e2e.gradientCheckpointing;
    job.calibration.files.assign(a.calib.begin(), a.calib.end());
    job.evalFiles.assign(a.eval.begin(), a.eval.end());
    if (!a.config.empty()) {
        std::ifstream in(a.config);
        if (!in) return Status::error(ErrorKind::BadInput, a.config + ": cannot be read");
        const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        std::set<std::string> given;
        for (const auto& [option, key] : kOptionKeys)
            if (a.command && a.command->count(option) > 0) given.insert(key);
        Status st = applyJobConfig(text, a.config, job, given);
        if (!st.ok()) return st;
    } else if (a.method.empty()) {
        return Status::error(ErrorKind::BadInput, "no method: give --method rtn, block-ap, efficientqat or lr-qat");
    }
    if (job.model.empty()) return Status::error(ErrorKind::BadInput, "no model: give --model DIR (or a --config that names one)");
    if (job.method != Method::RoundToNearest && job.calibration.files.empty() && job.generatedDocuments == 0)
        return Status::error(ErrorKind::BadInput, std::string("--method ") + methodName(job.method) +
                                                      " needs calibration text: give --calib FILE, or --calib-generate N "
                                                      "to let the model write it (rtn needs none)");
    return Status::success(); // the rest is checkJob's, in runQuantizeJob
}

int reportRun(const Status& s, const std::string& out) {
    const int code = report(s);
    if (s.kind == ErrorKind::Cancelled || s.kind == ErrorKind::NonFinite || s.kind == ErrorKind::OutOfMemory)
        std::cerr << "qat-cli: " << out
                  << " keeps every finished block; run the same command again to resume from there\n";
    return code;
}

} // namespace

CLI::App* addQuantizeCommand(CLI::App& app, QuantizeArgs& a) {
    auto* q = app.add_subcommand(
        "quantize",
        "Quantize a model: rtn, block-ap, efficientqat (Block-AP then E2E-QP) or lr-qat (low-rank adapters inside the\n"
        "rounding, trained end to end), with perplexity before and after.\n"
        "The run folder (--out) keeps run.json, metrics.jsonl, a checkpoint per finished block, the E2E-QP / LR-QAT\n"
        "checkpoint,\n"
        "quantized.safetensors and eval.json. Running the same command on a folder that holds an interrupted run\n"
        "(Ctrl-C, a crash, a kill) resumes it after its last finished block and ends as an uninterrupted run would.");
    a.command = q;
    QuantizeJob& j = a.job;
    q->add_option("--config", a.config,
                  "JSON preset (or a run's run.json) giving every setting not given on the command line")
        ->check(CLI::ExistingFile);
    q->add_option("--model,-m", a.model, "Full-precision model folder")->check(CLI::ExistingDirectory);
    q->add_option("--method", a.method, "rtn, block-ap, efficientqat or lr-qat")
        ->check(CLI::IsMember({"rtn", "block-ap", "efficientqat", "lr-qat"}));
    q->add_option("--bits", j.spec.bits, "Bits per weight (2..8)")->capture_default_str();
    q->add_option("--group", j.spec.groupSize, "Weights per quantization group (0: whole rows)")->capture_default_str();
    q->add_option("--calib", a.calib, "Calibration text / JSONL files (block-ap and efficientqat)")
        ->check(CLI::ExistingFile);
    q->add_option("--calib-generate", j.generatedDocuments,
                  "Calibrate on N documents the model writes itself (sampled from BOS) instead of --calib")
        ->check(CLI::NonNegativeNumber);
    q->add_option("--out,-o", a.out, "Run folder: created when new, resumed when it holds the same run")->required();
    q->add_option("--eval", a.eval, "Text / JSONL files to measure perplexity on, before and after each phase")
        ->check(CLI::ExistingFile);
    q->add_option("--seqlen", j.calibration.seqlen, "Calibration window length in tokens")
        ->capture_default_str()
        ->check(CLI::Range(int64_t{2}, int64_t{1} << 20));
    q->add_option("--train-windows", j.calibration.trainWindows, "Training windows")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    q->add_option("--val-windows", j.calibration.valWindows, "Validation windows (0: none)")
        ->capture_default_str()
        ->check(CLI::NonNegativeNumber);
    q->add_option("--val-fraction", j.calibration.valFraction, "Fraction of the documents (the last) kept for validation")
        ->capture_default_str()
        ->check(CLI::Range(0.0, 0.9));
    q->add_option("--epochs", j.blockAp.epochs, "Block-AP epochs per block")->capture_default_str()->check(CLI::PositiveNumber);
    q->add_option("--batch", j.blockAp.batchSize, "Block-AP windows per optimizer step")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    q->add_option("--weight-lr", j.blockAp.weightLr, "Block-AP weight lr (0: the paper's by bits, 2e-5 / 1e-5)")
        ->capture_default_str()
        ->check(CLI::NonNegativeNumber);
    q->add_option("--quant-lr", j.blockAp.quantizerLr, "Block-AP scale / zero-point lr")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    q->add_option("--weight-decay", j.blockAp.weightDecay, "Block-AP AdamW weight decay")
        ->capture_default_str()
        ->check(CLI::NonNegativeNumber);
    q->add_option("--final-lr-divisor", j.blockAp.finalLrDivisor, "Block-AP cosine schedule ends at lr / this")
        ->capture_default_str()
        ->check(CLI::Range(1.0, 1e9));
    q->add_flag("!--freeze-norms", j.blockAp.trainNorms, "Block-AP: keep the norm weights fixed (trained by default)");
    q->add_option("--cache-dtype", a.cacheDType, "Block-AP activation caches: float16, bfloat16 or float32")
        ->check(CLI::IsMember({"float16", "bfloat16", "float32"}))
        ->capture_default_str();
    q->add_option("--cache-dir", j.blockAp.cacheDir,
                  "Keep Block-AP's activation caches in files there (memory-mapped) instead of RAM");
    q->add_option("--e2e-lr", j.e2e.lr, "E2E-QP peak lr (0: the paper's by bits, 2e-5 / 1e-5)")
        ->capture_default_str()
        ->check(CLI::NonNegativeNumber);
    q->add_option("--e2e-epochs", j.e2e.epochs, "E2E-QP epochs")->capture_default_str()->check(CLI::PositiveNumber);
    q->add_option("--e2e-batch", j.e2e.batchSize, "E2E-QP windows per micro-batch")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    q->add_option("--e2e-accumulation", j.e2e.gradientAccumulation,
                  "E2E-QP micro-batches per optimizer step (effective batch = batch x accumulation)")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    q->add_option("--e2e-warmup", j.e2e.warmupFraction, "E2E-QP fraction of steps in linear warm-up")
        ->capture_default_str()
        ->check(CLI::Range(0.0, 1.0));
    q->add_option("--e2e-clip", j.e2e.maxGradNorm, "E2E-QP gradient-norm clip (0: none)")
        ->capture_default_str()
        ->check(CLI::NonNegativeNumber);
    q->add_option("--e2e-weight-decay", j.e2e.weightDecay, "E2E-QP AdamW weight decay")
        ->capture_default_str()
        ->check(CLI::NonNegativeNumber);
    q->add_flag("--e2e-train-zeros", j.e2e.trainZeros, "E2E-QP: train the zero points too");
    q->add_option("--e2e-checkpoint-seconds", j.e2e.checkpointSeconds,
                  "E2E-QP: write a resumable checkpoint at most this often (0: only when cancelled and at the end)")
        ->capture_default_str()
        ->check(CLI::NonNegativeNumber);
    q->add_flag("!--no-gradient-checkpointing", j.e2e.gradientCheckpointing,
                "E2E-QP and LR-QAT: keep every block's activations for the backward pass (faster, more memory)");
    q->add_flag("--symmetric", j.quantizer.symmetric,
                "rtn: symmetric signed integers (no zero point) with --range step sizes, instead of asymmetric min-max");
    q->add_option("--range", a.range, "Symmetric step sizes (rtn --symmetric, lr-qat): lp (Lp-error search) or minmax")
        ->check(CLI::IsMember({"lp", "minmax"}))
        ->capture_default_str();
    q->add_option("--lp-norm", a.p, "The p of the Lp range search (LR-QAT: 4; 2 is the MSE)")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    q->add_option("--rank", j.lrQat.rank, "LR-QAT adapter rank r")->capture_default_str()->check(CLI::PositiveNumber);
    q->add_option("--lora-alpha", j.lrQat.alpha, "LR-QAT alpha: the adapters' product is scaled by alpha / r (0: alpha = r)")
        ->capture_default_str()
        ->check(CLI::NonNegativeNumber);
    q->add_option("--lr-qat-lr", j.lrQat.lr, "LR-QAT peak lr of the adapters A and B")
        ->capture_default_str()
        ->check(CLI::NonNegativeNumber);
    q->add_option("--scale-lr", j.lrQat.scaleLr, "LR-QAT peak lr of the step sizes")
        ->capture_default_str()
        ->check(CLI::NonNegativeNumber);
    q->add_option("--lr-qat-epochs", j.lrQat.epochs, "LR-QAT epochs")->capture_default_str()->check(CLI::PositiveNumber);
    q->add_option("--lr-qat-steps", j.lrQat.steps, "LR-QAT optimizer steps instead of epochs (0: use epochs)")
        ->capture_default_str()
        ->check(CLI::NonNegativeNumber);
    q->add_option("--lr-qat-batch", j.lrQat.batchSize, "LR-QAT windows per micro-batch")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    q->add_option("--lr-qat-accumulation", j.lrQat.gradientAccumulation, "LR-QAT micro-batches per optimizer step")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    q->add_option("--lr-qat-warmup", j.lrQat.warmupFraction, "LR-QAT fraction of steps in linear warm-up")
        ->capture_default_str()
        ->check(CLI::Range(0.0, 1.0));
    q->add_option("--lr-qat-clip", j.lrQat.maxGradNorm, "LR-QAT gradient-norm clip (0: none)")
        ->capture_default_str()
        ->check(CLI::NonNegativeNumber);
    q->add_option("--lr-qat-weight-decay", j.lrQat.weightDecay, "LR-QAT AdamW weight decay")
        ->capture_default_str()
        ->check(CLI::NonNegativeNumber);
    q->add_option("--beta2", j.lrQat.beta2, "LR-QAT AdamW beta2")->capture_default_str()->check(CLI::Range(0.0, 0.999999));
    q->add_option("--phi0", a.phi0, "LR-QAT storage of the frozen W0/s0: int8 (fixed point), bfloat16 or float32")
        ->check(CLI::IsMember({"int8", "bfloat16", "float32"}))
        ->capture_default_str();
    q->add_flag("--bf16-adapters", j.lrQat.bf16Adapters, "LR-QAT: keep A and B in bfloat16");
    q->add_option("--lr-qat-checkpoint-seconds", j.lrQat.checkpointSeconds,
                  "LR-QAT: write a resumable checkpoint at most this often (0: only when cancelled and at the end)")
        ->capture_default_str()
        ->check(CLI::NonNegativeNumber);
    q->add_option("--eval-seqlen", j.evalSeqlen, "Perplexity window (capped at max_position_embeddings)")
        ->capture_default_str()
        ->check(CLI::Range(int64_t{2}, int64_t{1} << 20));
    q->add_option("--eval-max-windows", j.evalMaxWindows, "Evaluate only the first N windows (0: all)")
        ->capture_default_str()
        ->check(CLI::NonNegativeNumber);
    q->add_option("--seed", j.seed, "Seed of the calibration windows and of training")->capture_default_str();
    q->add_option("--device", a.device, "cpu or cuda")->check(CLI::IsMember({"cpu", "cuda"}))->capture_default_str();
    q->add_option("--dtype", a.dtype, "Compute dtype: float32 or bfloat16")
        ->check(CLI::IsMember({"float32", "bfloat16"}))
        ->capture_default_str();
    q->add_option("--tokenizer", a.tokenizer, "tokenizer.model to use when the folder has none")->check(CLI::ExistingFile);
    q->add_option("--threads", j.threads, "CPU threads (0: LibTorch's default)")->check(CLI::NonNegativeNumber);
    q->add_flag("--json", a.json, "Print progress events and the result as JSON lines on stdout");
    return q;
}

int runQuantize(const QuantizeArgs& args) {
    QuantizeJob job;
    Status st = makeJob(args, job);
    if (!st.ok()) return report(st);

    TerminalSink terminal(args.json, isatty(STDERR_FILENO) != 0);
    std::signal(SIGINT, onSigint);
    std::signal(SIGTERM, onSigint);
    QuantizeJobResult result;
    st = runQuantizeJob(job, &terminal, result);
    terminal.endLine();
    if (!st.ok()) return reportRun(st, args.out);

    std::vector<std::string> names;
    for (const auto& f : job.evalFiles) names.push_back(f.filename().string());
    if (args.json) {
        nlohmann::json stages = nlohmann::json::array();
        for (const auto& s : result.stages) {
            nlohmann::json r = nlohmann::json::object();
            for (size_t i = 0; i < s.perplexity.size(); ++i) r[names[i]] = {{"perplexity", s.perplexity[i]}, {"windows", s.windows[i]}};
            stages.push_back({{"stage", s.stage}, {"results", r}});
        }
        nlohmann::json done = {{"event", "done"}, {"run", result.runFolder.string()}, {"seqlen", result.evalSeqlen}, {"stages", stages}};
        std::printf("%s\n", done.dump().c_str());
    } else if (!result.stages.empty()) {
        std::printf("\n%-18s", "stage");
        for (const auto& n : names) std::printf("  %14s", n.c_str());
        std::printf("\n");
        for (const auto& s : result.stages) {
            std::printf("%-18s", s.stage.c_str());
            for (double p : s.perplexity) std::printf("  %14.4f", p);
            std::printf("\n");
        }
        std::printf("perplexity, windows of %lld tokens; run folder %s\n", static_cast<long long>(result.evalSeqlen),
                    result.runFolder.string().c_str());
    } else {
        std::printf("done; run folder %s\n", result.runFolder.string().c_str());
    }
    std::fflush(stdout);
    return 0;
}

} // namespace qat::cli
