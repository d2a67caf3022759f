// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file RunFolder.h
/// Reading a run folder back: the one reader of what RunDirectory and the quantization job
/// write (run.json, eval.json, metrics.jsonl, the checkpoints), for the CLI (`eval --run`,
/// `generate --run`), the export and the desktop app's run history. Torch-free and Qt-free.

#include "qat/Progress.h"
#include "qat/RunLayout.h"
#include "qat/Status.h"

#include <cstdint>
#include <filesystem>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace qat {

/// One process's session of a run: a resumed run has several. From metrics.jsonl: a session
/// begins with its RunStarted event (or, in files written before that event existed, with
/// the first event) and lasts until its last event.
struct RunSession {
    double start = std::numeric_limits<double>::quiet_NaN(); ///< Unix time, seconds
    double end = std::numeric_limits<double>::quiet_NaN();   ///< Unix time of its last event
    bool resumed = false;                                    ///< RunStarted's `resumed`
    /// How it ended (RunEnded); nullopt when the process wrote no end (killed, or still running).
    std::optional<ErrorKind> outcome;
    std::string message; ///< RunEnded's message
    double seconds() const { return end - start; }
};

/// One file's result in eval.json.
struct RunEvalEntry {
    double perplexity = std::numeric_limits<double>::quiet_NaN(); ///< NaN when written as null
    int64_t windows = 0;
};

/// One zero-shot task's result in eval.json (NaN where absent or null).
struct RunTaskEntry {
    double acc = std::numeric_limits<double>::quiet_NaN();
    double accStderr = std::numeric_limits<double>::quiet_NaN();
    double accNorm = std::numeric_limits<double>::quiet_NaN(); ///< NaN for tasks without acc_norm
    double accNormStderr = std::numeric_limits<double>::quiet_NaN();
    int64_t items = 0;
};

/// One stage of eval.json (named by qat::stageName).
struct RunEvalStage {
    std::string stage;
    std::map<std::string, RunEvalEntry> results; ///< by file name (as eval.json keys them)
    std::map<std::string, RunTaskEntry> tasks;   ///< by task name (ZeroShot.h)
    /// Mean acc of EfficientQAT's five tasks / of all six (NaN when not all were scored).
    double averageEfficientQat = std::numeric_limits<double>::quiet_NaN();
    double averageAll = std::numeric_limits<double>::quiet_NaN();
};

/// eval.json: the evaluation protocol and each measured stage, in order.
struct RunEval {
    std::vector<std::filesystem::path> files;
    int64_t seqlen = 0;
    int64_t maxWindows = 0;
    /// The zero-shot tasks asked for (eval.json's "zero_shot"; empty when none).
    std::vector<std::string> tasks;
    std::filesystem::path taskDir;
    int64_t taskLimit = 0; ///< 0: every item
    bool taskAddBos = false;
    std::vector<RunEvalStage> stages;
};

/// Where a run stands.
enum class RunState {
    Complete,  ///< quantized.safetensors is there and the last session did not fail
    Partial,   ///< stopped before the end with no recorded outcome (killed), or still running
    Cancelled, ///< the last session was cancelled
    Failed,    ///< the last session ended with an error (NonFinite, OutOfMemory, BadInput ...)
};

/// "complete", "partial", "cancelled", "failed".
const char* runStateName(RunState state);

/// Everything a run folder holds, read once.
struct RunFolder {
    RunLayout layout; ///< the paths (layout.folder: the folder as given)

    // ---- run.json ----
    std::string created;          ///< ISO 8601 UTC ("" when absent)
    std::string appVersion;       ///< versions.qat_studio
    std::string libtorchVersion;  ///< versions.libtorch
    std::string modelFingerprint; ///< model.fingerprint
    /// The full-precision model folder: model.folder (config.model in files without it).
    std::filesystem::path modelFolder;
    /// config.tokenizer: the tokenizer file the job was given (`--tokenizer`); empty when the
    /// model folder's own was used.
    std::filesystem::path tokenizer;
    /// The job configuration, run.json's "config" object as JSON text (applyJobConfig reads it).
    std::string configJson = "{}";
    std::string method; ///< config.method (qat::methodName)
    int bits = 0;       ///< config.bits (0 when absent)
    int64_t groupSize = 0;
    std::string device; ///< config.device
    std::string dtype;  ///< config.dtype
    /// config.eval: the evaluation the job was asked for.
    std::vector<std::filesystem::path> evalFiles;
    int64_t evalSeqlen = 0;
    int64_t evalMaxWindows = 0;

    // ---- eval.json ----
    std::optional<RunEval> eval; ///< nullopt when the run has none yet

    // ---- metrics.jsonl ----
    std::vector<ProgressEvent> events; ///< every event (none when the file is missing)
    std::vector<double> eventTimes;    ///< each event's Unix time (NaN when it has none)
    std::vector<RunSession> sessions;  ///< in order; only events with a time count
    /// Active seconds of the run at each stage's last evaluation result (stages whose results
    /// carry their stage name, i.e. runs written since EvalResult::stage exists).
    std::map<std::string, double> stageSeconds;
    std::optional<Phase> lastPhase; ///< the last phase the run entered

    // ---- checkpoints ----
    std::optional<int64_t> lastFinishedBlock; ///< see RunLayout::lastFinishedBlock
    bool hasE2eCheckpoint = false;
    bool hasQuantizedState = false;
    RunState state = RunState::Partial;

    /// Block-AP checkpoints present (an unbroken sequence from block 0).
    int64_t blocksDone() const { return lastFinishedBlock ? *lastFinishedBlock + 1 : 0; }
    /// Active seconds over all sessions; NaN when metrics.jsonl holds no timestamps.
    double activeSeconds() const;

    /// Reads `folder`. BadInput naming the file (and the field, or the line of
    /// metrics.jsonl) when run.json is missing or malformed, when eval.json or metrics.jsonl is
    /// malformed, or when a field has the wrong type; Unsupported for a run format newer than
    /// this version's. A missing eval.json or metrics.jsonl is no error.
    static Status read(const std::filesystem::path& folder, RunFolder& out);
};

/// The sessions of a run and its stages' active seconds, from metrics.jsonl's events and
/// their times (as RunFolder::read computes them).
void computeSessions(const std::vector<ProgressEvent>& events, const std::vector<double>& times,
                     std::vector<RunSession>& sessions, std::map<std::string, double>& stageSeconds);

} // namespace qat
