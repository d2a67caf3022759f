// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file RunHistory.h
/// The runs in a workspace folder, read back through core's RunFolder reader (run.json,
/// eval.json, metrics.jsonl's events, blocks/, quantized.safetensors): what each run was
/// asked to do, how far it got, what it measured and how long it took. The Results page
/// lists them; nothing here is kept anywhere else, so the workspace is the run history.

#include <QString>
#include <QStringList>
#include <QVector>

#include <optional>

namespace qat {

/// One evaluated stage of a run (named by qat::stageName).
struct StageRecord {
    QString stage;
    QVector<double> perplexity; ///< per file of RunRecord::evalFiles (NaN: not measured)
    /// Active seconds of the run until this stage's evaluation ended (NaN: unknown, e.g. in
    /// runs written before evaluation results named their stage).
    double seconds = 0.0;
    QVector<double> accuracy; ///< zero-shot acc per task of RunRecord::tasks (NaN: not measured)
};

/// A run folder as found on disk.
struct RunRecord {
    QString folder;      ///< absolute
    QString name;        ///< the folder's name
    QString modelFolder; ///< the full-precision model folder (RunFolder::modelFolder)
    QString method;      ///< run.json's method name (qat::methodName)
    int bits = 0;
    qint64 groupSize = 0;
    QString created;       ///< run.json's "created" (ISO 8601, UTC)
    bool finished = false; ///< quantized.safetensors is there
    qint64 blocksDone = 0; ///< Block-AP checkpoints in blocks/ (an unbroken sequence from 0)
    QStringList evalFiles; ///< file names, in eval.json's (or run.json's) order
    qint64 evalSeqlen = 0;
    qint64 evalMaxWindows = 0;
    QStringList tasks;    ///< zero-shot task names (qat::zeroShotTasks), in eval.json's order
    qint64 taskLimit = 0; ///< first N items of each task (0: all)
    QVector<StageRecord> stages;
    /// Active seconds the run has spent (the sum over its sessions; a resumed run starts a
    /// new session with a RunStarted event). NaN when metrics.jsonl holds no timestamps.
    double seconds = 0.0;
    /// True when this run's settings can be resumed from the Run page (not finished).
    bool resumable() const { return !finished; }
};

/// Reads one run folder; nullopt when RunFolder::read refuses it (no readable run.json, a
/// malformed file). `error`, when given, receives why.
std::optional<RunRecord> readRun(const QString& folder, QString* error = nullptr);

/// Every run folder directly inside `workspace` (sub-folders with a run.json), newest first
/// (by run.json's "created", then by name).
QVector<RunRecord> scanWorkspace(const QString& workspace);

/// The workspace the app uses: QSettings "workspace", or <app data>/runs when unset.
QString workspaceFolder();

/// The display name of a stage: "Full precision", "RTN", "Block-AP", "EfficientQAT", "LR-QAT".
QString stageDisplayName(const QString& stage);

/// The stage that holds a method's quantized model, by run.json's method name (qat::finalStage:
/// EfficientQAT's is Block-AP + E2E-QP's, each other method's is named after it).
QString finalStageOf(const QString& method);

} // namespace qat
