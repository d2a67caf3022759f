// SPDX-License-Identifier: GPL-3.0-or-later
#include "QuantizeCommand.h"
#include "CliModel.h"

#include "qat/Evaluation.h"
#include "qat/JobSettings.h"
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
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <unistd.h>

namespace qat::cli {

namespace {

std::atomic<bool> g_interrupted{false};

extern "C" void onSigint(int) {
    g_interrupted = true;
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
    return "[" + std::string(static_cast<size_t>(filled), '#') +
           std::string(static_cast<size_t>(width - filled), '.') + "]";
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
        const double f =
            p.windowsTotal ? static_cast<double>(p.windowsDone) / static_cast<double>(p.windowsTotal) : 1.0;
        live("%s %s %lld/%lld windows  ppl %.4f", p.dataset.c_str(), bar(f).c_str(),
             static_cast<long long>(p.windowsDone), static_cast<long long>(p.windowsTotal),
             p.runningPerplexity);
    }
    void onTaskProgress(const TaskProgress& p) override {
        if (!m_tty) return;
        const double f =
            p.itemsTotal ? static_cast<double>(p.itemsDone) / static_cast<double>(p.itemsTotal) : 1.0;
        live("%s %s %lld/%lld items  acc %.4f", p.task.c_str(), bar(f).c_str(),
             static_cast<long long>(p.itemsDone), static_cast<long long>(p.itemsTotal), p.runningAccuracy);
    }
    void onTaskResult(const TaskResult& e) override {
        json(e);
        endLine();
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
        const double done =
            static_cast<double>(e.step + 1) / static_cast<double>(std::max<int64_t>(1, e.steps));
        const double elapsed = seconds(m_blockStart);
        const double blockLeft = elapsed / done - elapsed;
        // The blocks after this one take about as long as the blocks timed so far.
        const double perBlock =
            m_blocksTimed ? m_blockSeconds / static_cast<double>(m_blocksTimed) : elapsed / done;
        const double phaseLeft = blockLeft + perBlock * static_cast<double>(m_blocks - e.block - 1);
        live("Block-AP block %lld/%lld %s step %lld/%lld  loss %.4g  left: block %s, Block-AP %s",
             static_cast<long long>(e.block + 1), static_cast<long long>(m_blocks), bar(done).c_str(),
             static_cast<long long>(e.step + 1), static_cast<long long>(e.steps), e.loss,
             clock(blockLeft).c_str(), clock(phaseLeft).c_str());
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
        std::printf("block %lld: MSE %.6g -> %.6g  (%.1f s)\n", static_cast<long long>(e.block), e.mseBefore,
                    e.mseAfter, e.seconds);
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
        live(
            "%s %s step %lld/%lld  loss %.4g  lr %.3g  left %s",
            m_phase == Phase::LrQat ? "LR-QAT" : "E2E-QP",
            bar(static_cast<double>(e.step + 1) / static_cast<double>(std::max<int64_t>(1, e.steps))).c_str(),
            static_cast<long long>(e.step + 1), static_cast<long long>(e.steps), e.loss, e.lr,
            clock(left).c_str());
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

// The option's first name as CLI11 counts it: "--model" of "--model,-m", "--freeze-norms" of
// "!--freeze-norms".
std::string optionName(const char* option) {
    std::string name(option);
    if (!name.empty() && name[0] == '!') name.erase(0, 1);
    return name.substr(0, name.find(','));
}

// The row whose option carries the value of `setting`'s (the first row with that option).
size_t optionRow(const JobSetting& setting) {
    const auto& table = jobSettings();
    for (size_t i = 0; i < table.size(); ++i)
        if (table[i].cliOption && optionName(table[i].cliOption) == optionName(setting.cliOption)) return i;
    return static_cast<size_t>(setting.id);
}

std::string number(double v) {
    std::ostringstream s;
    s << std::setprecision(12) << v;
    return s.str();
}

// The setting's valid range as a CLI11 validator (its message from the table).
CLI::Validator rangeCheck(const JobSetting& s) {
    const std::string low = s.aboveMinimum ? "(" : "[";
    const std::string text = std::isfinite(s.maximum)
                                 ? low + number(s.minimum) + " - " + number(s.maximum) + "]"
                                 : (s.aboveMinimum ? "> " : ">= ") + number(s.minimum);
    return CLI::Validator(
        [&s](std::string& in) -> std::string {
            double v = 0.0;
            if (!CLI::detail::lexical_cast(in, v)) return "not a number: " + in;
            const std::string why = settingRangeError(s, v);
            return why.empty() ? std::string()
                               : "--" + optionName(s.cliOption).substr(2) + " " + in + ": " + why;
        },
        text);
}

// One option of a table row, bound to its slot in `a.settings`.
void addSettingOption(CLI::App* q, const JobSetting& s, SettingValue& slot) {
    const bool ranged = std::isfinite(s.minimum) && !s.rangeCheckedByJob;
    CLI::Option* o = nullptr;
    switch (s.kind) {
    case SettingKind::Int:
        o = q->add_option(s.cliOption, std::get<int64_t>(slot), s.help)->capture_default_str();
        break;
    case SettingKind::Double:
        o = q->add_option(s.cliOption, std::get<double>(slot), s.help)->capture_default_str();
        break;
    case SettingKind::Bool:
        q->add_flag(s.cliOption, std::get<bool>(slot), s.help);
        return;
    case SettingKind::Choice:
        q->add_option(s.cliOption, std::get<std::string>(slot), s.help)
            ->check(CLI::IsMember(s.choices))
            ->capture_default_str();
        return;
    case SettingKind::Folder:
        q->add_option(s.cliOption, std::get<std::string>(slot), s.help)->check(CLI::ExistingDirectory);
        return;
    case SettingKind::File:
        q->add_option(s.cliOption, std::get<std::string>(slot), s.help)->check(CLI::ExistingFile);
        return;
    case SettingKind::Files:
        q->add_option(s.cliOption, std::get<std::vector<std::string>>(slot), s.help)
            ->check(CLI::ExistingFile);
        return;
    case SettingKind::Names: {
        std::vector<std::string> names = s.choices;
        names.push_back("all");
        q->add_option(s.cliOption, std::get<std::vector<std::string>>(slot), s.help)
            ->delimiter(',')
            ->check(CLI::IsMember(names));
        return;
    }
    }
    if (ranged) o->check(rangeCheck(s));
}

// The job from the parsed options (and the --config file for what they leave out).
Status makeJob(const QuantizeArgs& a, QuantizeJob& job) {
    job = a.job;
    job.out = a.out;
    job.lrQat.gradientCheckpointing = job.e2e.gradientCheckpointing;
    const auto& table = jobSettings();
    auto given = [&](const JobSetting& s) {
        return s.cliOption && a.command && a.command->count(optionName(s.cliOption)) > 0;
    };
    if (!a.config.empty()) {
        std::ifstream in(a.config);
        if (!in) return Status::error(ErrorKind::BadInput, a.config + ": cannot be read");
        const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        std::set<std::string> keep;
        for (const JobSetting& s : table)
            if (given(s)) keep.insert(s.key);
        Status st = applyJobConfig(text, a.config, job, keep);
        if (!st.ok()) return st;
    } else if (!given(jobSetting(JobSettingId::Method))) {
        return Status::error(ErrorKind::BadInput, "no method: give --method " +
                                                      nameList(jobSetting(JobSettingId::Method).choices));
    }
    for (const JobSetting& s : table)
        if (given(s)) s.set(job, a.settings.at(optionRow(s)));
    if (job.model.empty())
        return Status::error(ErrorKind::BadInput,
                             "no model: give --model DIR (or a --config that names one)");
    if (job.method != Method::RoundToNearest && job.calibration.files.empty() && job.generatedDocuments == 0)
        return Status::error(ErrorKind::BadInput,
                             std::string("--method ") + methodName(job.method) +
                                 " needs calibration text: give --calib FILE, or --calib-generate N "
                                 "to let the model write it (rtn needs none)");
    return Status::success(); // the rest is checkJob's, in runQuantizeJob
}

int reportRun(const Status& s, const std::string& out, Method method) {
    const int code = report(s);
    if (s.kind == ErrorKind::Cancelled || s.kind == ErrorKind::NonFinite || s.kind == ErrorKind::OutOfMemory)
        std::cerr << "qat-cli: " << out << " keeps " << resumePointText(method)
                  << "; run the same command again to resume from there\n";
    return code;
}

// The options that are no setting of the table: the run's and the phases' own.
void addRunOptions(CLI::App* q, QuantizeArgs& a) {
    QuantizeJob& j = a.job;
    q->add_option("--config", a.config,
                  "JSON preset (or a run's run.json) giving every setting not given on the command line")
        ->check(CLI::ExistingFile);
    q->add_option("--out,-o", a.out, "Run folder: created when new, resumed when it holds the same run")
        ->required();
    q->add_option("--cache-dir", j.blockAp.cacheDir,
                  "Keep Block-AP's activation caches in files there (memory-mapped) instead of RAM");
    q->add_option(
         "--e2e-checkpoint-seconds", j.e2e.checkpointSeconds,
         "E2E-QP: write a resumable checkpoint at most this often (0: only when cancelled and at the end)")
        ->capture_default_str()
        ->check(CLI::NonNegativeNumber);
    q->add_flag(
        "!--no-gradient-checkpointing", j.e2e.gradientCheckpointing,
        "E2E-QP and LR-QAT: keep every block's activations for the backward pass (faster, more memory)");
    q->add_option(
         "--lr-qat-checkpoint-seconds", j.lrQat.checkpointSeconds,
         "LR-QAT: write a resumable checkpoint at most this often (0: only when cancelled and at the end)")
        ->capture_default_str()
        ->check(CLI::NonNegativeNumber);
    q->add_flag("--json", a.json, "Print progress events and the result as JSON lines on stdout");
}

} // namespace

CLI::App* addQuantizeCommand(CLI::App& app, QuantizeArgs& a) {
    auto* q = app.add_subcommand("quantize",
                                 "Quantize a model: rtn, block-ap, efficientqat (Block-AP then E2E-QP), "
                                 "lr-qat (low-rank adapters inside the\n"
                                 "rounding, trained end to end) or gptq (one-shot, column by column), "
                                 "with perplexity before and after.\n"
                                 "The run folder (--out) keeps run.json, metrics.jsonl, a checkpoint "
                                 "per finished block, the E2E-QP / LR-QAT\n"
                                 "checkpoint,\n"
                                 "quantized.safetensors and eval.json. Running the same command on a "
                                 "folder that holds an interrupted run\n"
                                 "(Ctrl-C, a crash, a kill) resumes it after its last finished block "
                                 "and ends as an uninterrupted run would.");
    a.command = q;
    const auto& table = jobSettings();
    a.settings.clear();
    for (const JobSetting& s : table)
        a.settings.push_back(s.defaultValue);
    for (size_t i = 0; i < table.size(); ++i)
        if (table[i].cliOption && optionRow(table[i]) == i) addSettingOption(q, table[i], a.settings[i]);
    addRunOptions(q, a);
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
    if (!st.ok()) return reportRun(st, args.out, job.method);

    std::vector<std::string> names;
    for (const auto& f : job.evalFiles)
        names.push_back(f.filename().string());
    if (args.json) {
        nlohmann::json stages = nlohmann::json::array();
        for (const auto& s : result.stages) {
            nlohmann::json r = nlohmann::json::object();
            for (size_t i = 0; i < s.perplexity.size(); ++i)
                r[names[i]] = {{"perplexity", s.perplexity[i]}, {"windows", s.windows[i]}};
            nlohmann::json stage = {{"stage", s.stage}, {"results", r}};
            if (!s.zeroShot.tasks.empty())
                stage.update(nlohmann::json::parse(zeroShotResultJson(s.zeroShot)));
            stages.push_back(std::move(stage));
        }
        nlohmann::json done = {{"event", "done"},
                               {"run", result.runFolder.string()},
                               {"seqlen", result.evalSeqlen},
                               {"stages", stages}};
        std::printf("%s\n", done.dump().c_str());
    } else if (!result.stages.empty()) {
        std::printf("\n%-18s", "stage");
        for (const auto& n : names)
            std::printf("  %14s", n.c_str());
        std::printf("\n");
        for (const auto& s : result.stages) {
            std::printf("%-18s", s.stage.c_str());
            for (double p : s.perplexity)
                std::printf("  %14.4f", p);
            std::printf("\n");
        }
        if (!job.evalFiles.empty())
            std::printf("perplexity, windows of %lld tokens\n", static_cast<long long>(result.evalSeqlen));
        if (!job.evalTasks.empty()) {
            std::printf("\n%-18s", "stage");
            for (const auto& t : job.evalTasks)
                std::printf("  %13s", t.c_str());
            std::printf("  %8s\n", "average");
            for (const auto& s : result.stages) {
                std::printf("%-18s", s.stage.c_str());
                double sum = 0;
                for (const auto& t : s.zeroShot.tasks) {
                    std::printf("  %13.4f", t.acc);
                    sum += t.acc;
                }
                std::printf("  %8.4f\n", s.zeroShot.tasks.empty()
                                             ? 0.0
                                             : sum / static_cast<double>(s.zeroShot.tasks.size()));
            }
            std::printf("zero-shot acc%s\n",
                        job.taskLimit > 0
                            ? (", first " + std::to_string(job.taskLimit) + " items of each task").c_str()
                            : "");
        }
        std::printf("run folder %s\n", result.runFolder.string().c_str());
    } else {
        std::printf("done; run folder %s\n", result.runFolder.string().c_str());
    }
    std::fflush(stdout);
    return 0;
}

} // namespace qat::cli
