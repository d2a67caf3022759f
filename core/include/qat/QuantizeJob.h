// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file QuantizeJob.h
/// A whole quantization job as `qat-cli quantize` and the desktop app run it: load the
/// model and the calibration data, open (or resume) the run folder, evaluate in full
/// precision, run the method's phases with their checkpoints, save quantized.safetensors,
/// evaluate after each phase and write eval.json. Torch-free: the GUI's worker calls it.

#include "qat/BlockAp.h"
#include "qat/Calibration.h"
#include "qat/E2eQp.h"
#include "qat/Gptq.h"
#include "qat/LrQat.h"
#include "qat/Model.h"
#include "qat/Names.h"
#include "qat/Progress.h"
#include "qat/Quantization.h"
#include "qat/Status.h"
#include "qat/ZeroShot.h"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace qat {

/// Everything a job needs. The defaults are the paper's (see each options struct).
struct QuantizeJob {
    std::filesystem::path model;     ///< the full-precision model folder
    std::filesystem::path tokenizer; ///< tokenizer file to use instead of the folder's (optional)
    Device device = Device::Cpu;
    ComputeDType dtype = ComputeDType::Float32;
    int threads = 0; ///< CPU threads (0: LibTorch's default)
    Method method = Method::EfficientQat;
    QuantSpec spec{4, 128};
    /// Round-to-nearest's quantizer form (asymmetric min-max by default; symmetric with an
    /// Lp or min-max range). LR-QAT is always symmetric and takes its range from lrQat.
    QuantizerOptions quantizer;
    /// Calibration text (calibration.files) or, with generatedDocuments > 0, that many
    /// documents sampled from the model itself. RTN needs neither.
    CalibrationOptions calibration;
    int64_t generatedDocuments = 0;
    BlockApOptions blockAp;
    E2eQpOptions e2e;
    LrQatOptions lrQat;
    GptqOptions gptq;
    std::vector<std::filesystem::path> evalFiles; ///< perplexity before and after each phase
    int64_t evalSeqlen = 2048;                    ///< capped at the model's context
    int64_t evalMaxWindows = 0;                   ///< 0: all
    /// Zero-shot tasks (qat/ZeroShot.h names) scored before and after each phase like perplexity,
    /// from the task files in taskDir.
    std::vector<std::string> evalTasks;
    std::filesystem::path taskDir;
    int64_t taskLimit = 0;   ///< score only the first N items of each task (0: all)
    bool taskAddBos = false; ///< BOS in front of every request (off: lm-eval 0.4.2, as EfficientQAT ran)
    /// Seeds the calibration windows, Block-AP, E2E-QP and LR-QAT (copied into their options).
    uint64_t seed = 2;
    std::filesystem::path out; ///< the run folder: created, or resumed when it holds this job
};

/// The job's settings as run.json's "config" object (paths absolute).
std::string jobConfigJson(const QuantizeJob& job);

/// Sets the job's fields from a JSON object of settings (a preset, or a run.json whose
/// "config" holds them), keys as jobConfigJson writes them, except the keys (JSON pointers
/// of the table in qat/JobSettings.h) in `keep`. `source` names the text in errors.
/// BadInput naming the key on a wrong type, a number outside the table's range, an unknown
/// name or an unknown key ("comment" keys are allowed); then nothing is set.
Status applyJobConfig(const std::string& jsonText, const std::string& source, QuantizeJob& job,
                      const std::set<std::string>& keep = {});

/// What an interrupted run of `method` keeps in its folder and resumes from, for messages:
/// "every finished block", "every finished block and E2E-QP's last checkpoint", "LR-QAT's last
/// checkpoint", "nothing worth keeping" (round-to-nearest starts again).
std::string resumePointText(Method method);

/// Checks what can be checked without the model: method data, bits, group sign, files.
Status checkJob(const QuantizeJob& job);

/// Perplexity of one stage (named by stageName) on each eval file, and its zero-shot accuracy.
struct StageResult {
    std::string stage;
    std::vector<double> perplexity; ///< per eval file, in job.evalFiles order
    std::vector<int64_t> windows;
    ZeroShotResult zeroShot; ///< per task, in job.evalTasks order (none without tasks)
};

struct QuantizeJobResult {
    std::filesystem::path runFolder;
    bool resumed = false; ///< the folder held this job already
    int64_t evalSeqlen = 0;
    std::vector<StageResult> stages;
    BlockApResult blockAp;
    E2eQpResult e2e;
    LrQatResult lrQat;
    GptqResult gptq;
};

/// Runs the job, reporting every event to `sink` (and to RUN/metrics.jsonl). On a failure
/// (Cancelled, NonFinite, OutOfMemory, ...) the run folder keeps what is done and `out`
/// holds what was measured; running the same job again resumes it.
Status runQuantizeJob(const QuantizeJob& job, ProgressSink* sink, QuantizeJobResult& out);

} // namespace qat
