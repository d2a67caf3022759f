// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file RunDirectory.h
/// A quantization run's folder: what it was asked to do, what happened, and the checkpoints
/// that let `qat-cli quantize --out RUN` pick up where an interrupted run stopped.
///
///     RUN/run.json                     configuration + model fingerprint + versions (atomic)
///     RUN/metrics.jsonl                every progress event, one JSON line each, flushed as it happens
///     RUN/blocks/block-000.safetensors Block-AP checkpoint of decoder block 0 (atomic: .tmp + rename)
///     RUN/e2e.safetensors              E2E-QP checkpoint
///     RUN/quantized.safetensors        the final quantized state (saveQuantizedState)
///     RUN/eval.json                    evaluation results (atomic)
///     RUN/model/                       the exported quantized model
///
/// Torch-free. Functions marked "throws" throw qat::Error and are meant for core's jobs;
/// wrap them in qat::guarded() at an API boundary.

#include "qat/Progress.h"
#include "qat/RunLayout.h"
#include "qat/Status.h"

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace qat {

/// What a run is; stored in run.json and compared when the folder is opened again.
struct RunSpec {
    /// The whole run configuration as a JSON object (method, bits, group size, Block-AP and
    /// E2E options, calibration options ...), written by the caller. Stored as "config".
    std::string configJson = "{}";
    /// The full-precision model folder; fingerprinted (see modelFingerprint).
    std::filesystem::path modelFolder;
    /// QAT Studio's version (the CLI and the GUI pass their QAT_VERSION).
    std::string appVersion;
    /// Top-level keys of the configuration that may differ when a run is resumed (e.g.
    /// "device", "threads", "eval"): they do not change what the checkpoints hold.
    std::vector<std::string> resumableFields;
};

class RunDirectory {
public:
    /// Creates `folder` (and its parents) and writes run.json, or opens an existing run:
    /// its run.json must hold the same model fingerprint and the same configuration
    /// (apart from `resumableFields`), else Error(BadInput) naming the first differing
    /// field ("config.block_ap.lr: the run has 0.0001, this one 0.0002"). A folder that
    /// exists, is not empty and has no run.json is refused (BadInput). Throws.
    static std::unique_ptr<RunDirectory> openOrCreate(const std::filesystem::path& folder,
                                                      const RunSpec& spec);
    /// The same, returning a Status.
    static Status open(const std::filesystem::path& folder, const RunSpec& spec,
                       std::unique_ptr<RunDirectory>& out);

    /// True when the folder already held this run (resume), false when it was created now.
    bool resumed() const { return m_resumed; }
    const std::filesystem::path& folder() const { return m_layout.folder; }
    /// The folder's paths (shared with RunFolder, the reader).
    const RunLayout& layout() const { return m_layout; }
    /// "fnv1a64:0123456789abcdef" (see modelFingerprint).
    const std::string& modelFingerprint() const { return m_fingerprint; }

    std::filesystem::path runJsonPath() const { return m_layout.runJson(); }
    std::filesystem::path metricsPath() const { return m_layout.metrics(); }
    std::filesystem::path evalJsonPath() const { return m_layout.evalJson(); }
    std::filesystem::path blocksDir() const { return m_layout.blocksDir(); }
    /// blocks/block-003.safetensors (three digits at least). The folder exists after open.
    std::filesystem::path blockCheckpointPath(int64_t block) const { return m_layout.blockCheckpoint(block); }
    std::filesystem::path e2eCheckpointPath() const { return m_layout.e2eCheckpoint(); }
    std::filesystem::path quantizedStatePath() const { return m_layout.quantizedState(); }
    std::filesystem::path exportDir() const { return m_layout.exportDir(); }

    /// The last block of the unbroken sequence of block checkpoints 0, 1, 2 ... present in
    /// blocks/ (see RunLayout::lastFinishedBlock). Block-AP trains blocks in order, so a
    /// resumed run continues at lastFinishedBlock() + 1.
    std::optional<int64_t> lastFinishedBlock() const { return m_layout.lastFinishedBlock(); }
    bool hasE2eCheckpoint() const { return m_layout.hasE2eCheckpoint(); }

    /// Writes eval.json atomically. Throws.
    void writeEvalJson(const std::string& jsonText) const;

private:
    RunDirectory() = default;
    RunLayout m_layout;
    std::string m_fingerprint;
    bool m_resumed = false;
};

/// A fast fingerprint of a model folder, "fnv1a64:<16 hex digits>": FNV-1a (64 bit) over
/// config.json, tokenizer.model, tokenizer.json, tokenizer_config.json and
/// model.safetensors.index.json (whole, when present),
/// and, for every *.safetensors file in name order, its name, its size, its whole header
/// (every tensor's name, dtype, shape and offsets) and a sample of its data (16 slices of
/// 64 KiB spread evenly, first and last included). It reads about 1 MiB per shard, so it
/// takes milliseconds even for a 7B model, and tells apart different architectures, shard
/// layouts and (with overwhelming likelihood) different weights. It is not a cryptographic
/// hash. Throws Error(BadInput) when the folder has no config.json.
std::string modelFingerprint(const std::filesystem::path& modelFolder);

/// Writes `bytes` to `file` atomically: NAME.tmp is written and fsync'ed, renamed over
/// NAME, and the folder fsync'ed. A crash leaves either the old file or the new one
/// (and perhaps a stale NAME.tmp), never a partial NAME. Throws Error(Failure).
void writeFileAtomic(const std::filesystem::path& file, const std::string& bytes);

/// The LibTorch version core was built against, e.g. "2.11.0".
std::string libtorchVersion();

/// A sink that appends every event to a metrics.jsonl file (eventToJson, stamped with the
/// wall-clock time) and flushes after each line, so the file is complete up to the last
/// event even when the process is killed. EvalProgress (per-window, transient) is not
/// written; EvalResult is. Thread-safe. A torn last line left by a crash is cut off when
/// the file is opened. Write errors never throw into the engine: the first is kept in error().
class MetricsWriter : public ProgressSink {
public:
    /// Opens (creating) `file` for appending. Throws Error(Failure) when it cannot.
    explicit MetricsWriter(const std::filesystem::path& file);
    ~MetricsWriter() override;
    MetricsWriter(const MetricsWriter&) = delete;
    MetricsWriter& operator=(const MetricsWriter&) = delete;

    /// Appends one event (any kind, EvalProgress included).
    void write(const ProgressEvent& event);

    void onLog(const std::string& line) override { write(LogLine{line}); }
    void onPhase(const PhaseChanged& e) override { write(e); }
    void onBlockStarted(const BlockStarted& e) override { write(e); }
    void onStepLoss(const StepLoss& e) override { write(e); }
    void onEpochEnd(const EpochEnd& e) override { write(e); }
    void onBlockFinished(const BlockFinished& e) override { write(e); }
    void onE2eStep(const E2eStep& e) override { write(e); }
    void onEvalResult(const EvalResult& e) override { write(e); }
    void onRunStarted(const RunStarted& e) override { write(e); }
    void onRunEnded(const RunEnded& e) override { write(e); }

    /// Empty while every write succeeded; else the first error.
    std::string error() const;

private:
    std::filesystem::path m_path;
    std::FILE* m_file = nullptr;
    mutable std::mutex m_mutex;
    std::string m_error;
};

} // namespace qat
