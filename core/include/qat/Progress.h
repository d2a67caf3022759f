// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file Progress.h
/// How long-running engine work reports progress and is cancelled. Plain C++ only:
/// the CLI prints these events, the GUI adapts them to Qt signals, and a run folder's
/// metrics.jsonl stores them one JSON object per line (see eventToJson / eventFromJson).

#include "qat/Names.h"
#include "qat/Status.h"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace qat {

/// Progress of an evaluation pass.
struct EvalProgress {
    std::string dataset; ///< file name
    int64_t windowsDone = 0;
    int64_t windowsTotal = 0;
    double runningPerplexity = 0.0; ///< exp(mean NLL) over the windows done so far
};

/// Progress of a zero-shot task (see ZeroShot.h). Not stored in metrics.jsonl.
struct TaskProgress {
    std::string task; ///< the task's name ("arc_easy")
    int64_t itemsDone = 0;
    int64_t itemsTotal = 0;
    double runningAccuracy = 0.0; ///< `acc` over the items done so far
};

/// A new phase begins: `index` of `count` phases this run will go through (0-based).
struct PhaseChanged {
    Phase phase = Phase::Calibration;
    int64_t index = 0;
    int64_t count = 0;
};

/// Block-AP starts training decoder block `block` of `blocks` (0-based).
struct BlockStarted {
    int64_t block = 0;
    int64_t blocks = 0;
};

/// One optimizer step of Block-AP (block >= 0) or of E2E-QP (block == -1).
/// `step` counts from 0 within the block (or the E2E phase), of `steps`.
struct StepLoss {
    int64_t block = 0;
    int64_t step = 0;
    int64_t steps = 0;
    double loss = 0.0; ///< may be NaN or infinite (written as null in JSON)
    double lr = 0.0;
};

/// An epoch of Block-AP on `block` ends: mean training loss and validation loss
/// (NaN when there is no validation set).
struct EpochEnd {
    int64_t block = 0;
    int64_t epoch = 0; ///< 0-based
    int64_t epochs = 0;
    double trainLoss = 0.0;
    double valLoss = 0.0;
};

/// Block-AP finished `block`: output MSE against the full-precision block on the
/// validation windows before training (right after initial quantization) and after.
struct BlockFinished {
    int64_t block = 0;
    double mseBefore = 0.0;
    double mseAfter = 0.0;
    double seconds = 0.0; ///< wall time spent on this block
};

/// One optimizer step of end-to-end training, E2E-QP or LR-QAT (0-based `step` of `steps`).
struct E2eStep {
    int64_t step = 0;
    int64_t steps = 0;
    double loss = 0.0;
    double lr = 0.0;
};

/// A finished perplexity evaluation.
struct EvalResult {
    std::string dataset; ///< file name
    double perplexity = 0.0;
    int64_t windows = 0;
    int64_t seqlen = 0;
    /// The job's stage this measures (qat::stageName);
    /// empty outside a quantization job (and in metrics.jsonl files written before it existed).
    std::string stage = {};
};

/// A finished zero-shot task (see ZeroShot.h).
struct TaskResult {
    std::string task; ///< the task's name ("arc_easy")
    double acc = 0.0;
    double accNorm = 0.0; ///< NaN when the task has no acc_norm (WinoGrande, BoolQ)
    int64_t items = 0;
    /// The job's stage this measures (qat::stageName); empty outside a quantization job.
    std::string stage = {};
};

/// A process starts (or resumes) a quantization job in its run folder: the first event each
/// session writes to metrics.jsonl, so that readers tell the sessions of a resumed run apart.
struct RunStarted {
    bool resumed = false; ///< the folder held this job already
};

/// A session of a job ends, completed (`kind` None) or with the named outcome (Cancelled,
/// NonFinite, OutOfMemory, BadInput ...). A killed process writes none.
struct RunEnded {
    ErrorKind kind = ErrorKind::None;
    std::string message = {}; ///< the error's message (empty when completed)
};

/// A human-readable log line.
struct LogLine {
    std::string text;
};

/// Any progress event (what metrics.jsonl holds, one per line).
using ProgressEvent = std::variant<PhaseChanged, BlockStarted, StepLoss, EpochEnd, BlockFinished, E2eStep,
                                   EvalResult, LogLine, EvalProgress, RunStarted, RunEnded, TaskResult>;

/// Receiver of progress events. Called on the thread doing the work; implementations
/// must be cheap and thread-safe with respect to their own consumers. Every method has
/// an empty default, so a sink overrides only what it shows.
class ProgressSink {
public:
    virtual ~ProgressSink() = default;
    virtual void onLog(const std::string& /*line*/) {}
    virtual void onEvalProgress(const EvalProgress& /*progress*/) {}
    virtual void onTaskProgress(const TaskProgress& /*progress*/) {}
    virtual void onPhase(const PhaseChanged& /*event*/) {}
    virtual void onBlockStarted(const BlockStarted& /*event*/) {}
    virtual void onStepLoss(const StepLoss& /*event*/) {}
    virtual void onEpochEnd(const EpochEnd& /*event*/) {}
    virtual void onBlockFinished(const BlockFinished& /*event*/) {}
    virtual void onE2eStep(const E2eStep& /*event*/) {}
    virtual void onEvalResult(const EvalResult& /*event*/) {}
    virtual void onTaskResult(const TaskResult& /*event*/) {}
    virtual void onRunStarted(const RunStarted& /*event*/) {}
    virtual void onRunEnded(const RunEnded& /*event*/) {}
    /// Polled between steps; returning true ends the work with ErrorKind::Cancelled.
    virtual bool isCancelled() const { return false; }
};

/// Calls the sink method that matches the event's type (LogLine → onLog, ...).
/// Replays a stored history into a sink.
void deliver(ProgressSink& sink, const ProgressEvent& event);

/// Forwards every event to several sinks (e.g. the CLI printer and a run's MetricsWriter);
/// cancelled when any of them is. The sinks are not owned and must outlive it.
class MultiSink : public ProgressSink {
public:
    MultiSink() = default;
    explicit MultiSink(std::vector<ProgressSink*> sinks) : m_sinks(std::move(sinks)) {}
    void add(ProgressSink* sink) {
        if (sink) m_sinks.push_back(sink);
    }

    void onLog(const std::string& line) override;
    void onEvalProgress(const EvalProgress& e) override;
    void onTaskProgress(const TaskProgress& e) override;
    void onPhase(const PhaseChanged& e) override;
    void onBlockStarted(const BlockStarted& e) override;
    void onStepLoss(const StepLoss& e) override;
    void onEpochEnd(const EpochEnd& e) override;
    void onBlockFinished(const BlockFinished& e) override;
    void onE2eStep(const E2eStep& e) override;
    void onEvalResult(const EvalResult& e) override;
    void onTaskResult(const TaskResult& e) override;
    void onRunStarted(const RunStarted& e) override;
    void onRunEnded(const RunEnded& e) override;
    bool isCancelled() const override;

private:
    std::vector<ProgressSink*> m_sinks;
};

// ---- JSON lines -------------------------------------------------------------------------

/// The JSON name of an event's type: "phase", "block_started", "step_loss", "epoch_end",
/// "block_finished", "e2e_step", "eval_result", "log", "eval_progress", "run_started", "run_ended",
/// "task_result".
const char* eventName(const ProgressEvent& event);

/// One event as one line of JSON (no trailing newline), e.g.
/// `{"event":"block_finished","block":0,"mse_before":0.01,"mse_after":0.002,"seconds":3.5}`.
/// Field names are snake_case spellings of the struct members; a phase is written by name
/// (`{"event":"phase","phase":"block_ap","index":1,"count":3}`); the log line's text is
/// `"text"`; an evaluation result's stage is written only when it has one; a run's end is
/// `{"event":"run_ended","outcome":"cancelled","message":"..."}` (outcome "ok", "bad_input",
/// "unsupported", "out_of_memory", "non_finite", "cancelled" or "failure").
/// Non-finite numbers are written as null. `unixTime`, when given, is added as
/// `"time"` (seconds since 1970, fractional) — MetricsWriter stamps every line.
std::string eventToJson(const ProgressEvent& event, std::optional<double> unixTime = std::nullopt);

/// Parses one line written by eventToJson (unknown extra fields are ignored; null numbers
/// read back as NaN). `unixTime`, when given, receives the line's "time" (nullopt when it has
/// none). Throws qat::Error(BadInput) saying what is wrong.
ProgressEvent eventFromJson(const std::string& line, std::optional<double>* unixTime = nullptr);

/// Reads a metrics.jsonl file into events (blank lines skipped). A last line without a
/// newline that does not parse (a crash mid-write) is dropped; any other bad line is an
/// error naming the file and line number. `unixTimes`, when given, receives each event's
/// "time" (NaN for a line without one), index for index.
Status readEventsFile(const std::filesystem::path& file, std::vector<ProgressEvent>& out,
                      std::vector<double>* unixTimes = nullptr);

} // namespace qat
