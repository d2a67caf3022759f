// SPDX-License-Identifier: GPL-3.0-or-later
#include "QuantizeCommand.h"

#include "qat/Evaluation.h"
#include "qat/Model.h"
#include "qat/Progress.h"
#include "qat/Quantization.h"
#include "qat/RunDirectory.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
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

// The terminal side of the progress: JSON lines on stdout (--json), or a live line on a
// TTY stderr plus one summary line per finished block on stdout.
class TerminalSink : public ProgressSink {
public:
    TerminalSink(bool json, bool tty) : m_json(json), m_tty(tty && !json) {}
    ~TerminalSink() override { endLine(); }

    void onLog(const std::string& line) override { json(LogLine{line}); }
    void onEvalProgress(const EvalProgress& p) override {
        if (!m_tty) return;
        std::fprintf(stderr, "\r\033[K%s: %lld/%lld windows  ppl %.4f", p.dataset.c_str(),
                     static_cast<long long>(p.windowsDone), static_cast<long long>(p.windowsTotal), p.runningPerplexity);
        std::fflush(stderr);
        m_open = true;
    }
    void onPhase(const PhaseChanged& e) override { json(e); }
    void onBlockStarted(const BlockStarted& e) override {
        json(e);
        m_blocks = e.blocks;
    }
    void onStepLoss(const StepLoss& e) override {
        json(e);
        if (!m_tty) return;
        if (e.block >= 0)
            std::fprintf(stderr, "\r\033[Kblock %lld/%lld  step %lld/%lld  loss %.6g", static_cast<long long>(e.block),
                         static_cast<long long>(m_blocks), static_cast<long long>(e.step + 1),
                         static_cast<long long>(e.steps), e.loss);
        std::fflush(stderr);
        m_open = true;
    }
    void onEpochEnd(const EpochEnd& e) override { json(e); }
    void onBlockFinished(const BlockFinished& e) override {
        json(e);
        if (m_json) return;
        endLine();
        std::printf("block %lld: MSE %.6g -> %.6g  (%.1f s)\n", static_cast<long long>(e.block), e.mseBefore, e.mseAfter,
                    e.seconds);
        std::fflush(stdout);
    }
    void onE2eStep(const E2eStep& e) override {
        json(e);
        if (!m_tty) return;
        std::fprintf(stderr, "\r\033[KE2E-QP step %lld/%lld  loss %.6g  lr %.3g", static_cast<long long>(e.step + 1),
                     static_cast<long long>(e.steps), e.loss, e.lr);
        std::fflush(stderr);
        m_open = true;
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
    void json(const ProgressEvent& e) {
        if (!m_json) return;
        std::printf("%s\n", eventToJson(e).c_str());
        std::fflush(stdout);
    }

    bool m_json;
    bool m_tty;
    bool m_open = false;
    int64_t m_blocks = 0;
};

nlohmann::json configJson(const QuantizeArgs& a) {
    nlohmann::json calib = {{"files", a.calib},
                            {"seqlen", a.calibration.seqlen},
                            {"train_windows", a.calibration.trainWindows},
                            {"val_windows", a.calibration.valWindows},
                            {"val_fraction", a.calibration.valFraction},
                            {"seed", a.calibration.seed}};
    nlohmann::json j = {{"model", std::filesystem::absolute(a.model).string()},
                        {"method", a.method},
                        {"bits", a.bits},
                        {"group", a.group},
                        {"seed", a.seed},
                        {"device", a.device},
                        {"dtype", a.dtype},
                        {"threads", a.threads},
                        {"eval", {{"files", a.eval}, {"seqlen", a.evalSeqlen}, {"max_windows", a.evalMaxWindows}}}};
    if (a.method != "rtn") j["calibration"] = calib;
    if (a.method != "rtn")
        j["block_ap"] = {{"epochs", a.blockAp.epochs},
                         {"batch", a.blockAp.batchSize},
                         {"weight_lr", a.blockAp.weightLrFor(a.bits)},
                         {"quant_lr", a.blockAp.quantizerLr},
                         {"weight_decay", a.blockAp.weightDecay},
                         {"final_lr_divisor", a.blockAp.finalLrDivisor},
                         {"train_norms", a.blockAp.trainNorms},
                         {"seed", a.blockAp.seed}};
    if (a.method == "efficientqat")
        j["e2e_qp"] = {{"lr", e2eQpLearningRate(a.e2e, a.bits)},
                       {"epochs", a.e2e.epochs},
                       {"batch", a.e2e.batchSize},
                       {"gradient_accumulation", a.e2e.gradientAccumulation},
                       {"warmup_fraction", a.e2e.warmupFraction},
                       {"max_grad_norm", a.e2e.maxGradNorm},
                       {"train_zeros", a.e2e.trainZeros},
                       {"seed", a.e2e.seed}};
    return j;
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
        "--out must be a new (or empty) folder: a folder that already holds a run is refused, since resuming an\n"
        "interrupted run is not available yet.");
    q->add_option("--model,-m", a.model, "Full-precision model folder")->required()->check(CLI::ExistingDirectory);
    q->add_option("--method", a.method, "rtn, block-ap or efficientqat")
        ->required()
        ->check(CLI::IsMember({"rtn", "block-ap", "efficientqat"}));
    q->add_option("--bits", a.bits, "Bits per weight (2..8)")->capture_default_str()->check(CLI::Range(2, 8));
    q->add_option("--group", a.group, "Weights per quantization group (0: whole rows)")
        ->capture_default_str()
        ->check(CLI::NonNegativeNumber);
    q->add_option("--calib", a.calib, "Calibration text / JSONL files (required for block-ap and efficientqat)")
        ->check(CLI::ExistingFile);
    q->add_option("--out,-o", a.out, "Run folder to create (run.json, metrics.jsonl, eval.json); must not hold a run")
        ->required();
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
    q->add_option("--epochs", a.blockAp.epochs, "Block-AP epochs per block")->capture_default_str()->check(CLI::PositiveNumber);
    q->add_option("--batch", a.blockAp.batchSize, "Block-AP windows per optimizer step")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    q->add_option("--weight-lr", a.blockAp.weightLr, "Block-AP weight lr (0: the paper's by bits)")
        ->capture_default_str()
        ->check(CLI::NonNegativeNumber);
    q->add_option("--quant-lr", a.blockAp.quantizerLr, "Block-AP scale / zero-point lr")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    q->add_option("--e2e-lr", a.e2e.lr, "E2E-QP peak lr (0: the paper's by bits)")
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

int runQuantize(const QuantizeArgs& args) {
    QuantizeArgs a = args;
    if (a.method != "rtn" && a.calib.empty())
        return report(Status::error(ErrorKind::BadInput,
                                    "--method " + a.method + " needs calibration text: give --calib FILE (rtn needs none)"));
    a.calibration.seed = a.seed;
    a.blockAp.seed = a.seed;
    a.e2e.seed = a.seed;
    a.calibration.files.assign(a.calib.begin(), a.calib.end());

    const std::filesystem::path out(a.out);
    std::error_code ec;
    if (std::filesystem::exists(out / "run.json", ec))
        return report(Status::error(ErrorKind::BadInput, a.out +
                                                             " already holds a run (run.json); resuming a run is not "
                                                             "available yet: choose a new --out folder"));

    LoadOptions lo;
    lo.device = a.device == "cuda" ? Device::Cuda : Device::Cpu;
    lo.dtype = a.dtype == "bfloat16" ? ComputeDType::BFloat16 : ComputeDType::Float32;
    lo.tokenizerPath = a.tokenizer;
    lo.threads = a.threads;
    std::unique_ptr<Model> model;
    Status st = Model::load(a.model, lo, model);
    if (!st.ok()) return report(st);

    QuantSpec spec;
    spec.bits = a.bits;
    spec.groupSize = a.group;
    st = validate(spec, model->config());
    if (!st.ok()) return report(st);
    a.evalSeqlen = std::min(a.evalSeqlen, model->config().maxPositionEmbeddings);

    // Calibration data before the run folder, so that bad text leaves nothing behind.
    CalibrationData data;
    if (a.method != "rtn") {
        const Tokenizer* tok = model->tokenizer();
        if (!tok) return report(Status::error(ErrorKind::BadInput, a.model + ": no tokenizer.model; give --tokenizer"));
        st = guarded([&] { data = loadCalibrationData(*tok, a.calibration); });
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
    if (run->resumed())
        return report(Status::error(ErrorKind::BadInput,
                                    a.out + " already holds a run; resuming a run is not available yet: choose a new --out folder"));

    std::unique_ptr<MetricsWriter> metrics;
    st = guarded([&] { metrics = std::make_unique<MetricsWriter>(run->metricsPath()); });
    if (!st.ok()) return report(st);
    TerminalSink terminal(a.json, isatty(STDERR_FILENO) != 0);
    MultiSink sink({metrics.get(), &terminal});
    std::signal(SIGINT, onSigint);

    if (a.method != "rtn")
        sink.onLog("calibration: " + std::to_string(data.train.size()) + " training and " + std::to_string(data.val.size()) +
                   " validation windows of " + std::to_string(data.seqlen) + " tokens from " + data.source);

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

    st = evaluate("fp");
    if (st.ok()) {
        if (a.method == "rtn") {
            sink.onPhase(PhaseChanged{Phase::RoundToNearest, 0, 1});
            st = quantizeRoundToNearest(*model, spec, &sink);
            if (st.ok()) st = evaluate("rtn");
        } else {
            BlockApResult br;
            st = runBlockAp(*model, spec, a.blockAp, data, &sink, br);
            if (st.ok()) st = evaluate("block-ap");
            if (st.ok() && a.method == "efficientqat") {
                E2eQpResult er;
                E2eQpOptions eo = a.e2e;
                eo.phaseIndex = 1;
                eo.phaseCount = 2;
                st = runE2eQp(*model, spec, eo, data, &sink, er);
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
    if (!st.ok()) return report(st);
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
