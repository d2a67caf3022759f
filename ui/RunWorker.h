// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file RunWorker.h
/// Runs a quantization job (core's runQuantizeJob) off the GUI thread and reports its
/// progress as Qt signals carrying value types only. A JobWorker: RunController starts it on
/// its JobRunner's "qat-run" thread; the engine polls the runner's cancel flag every step.
/// Step losses are batched: at most ~20 emissions a second.

#include "JobRunner.h"

#include <qat/QuantizeJob.h>

#include <QMetaType>
#include <QObject>
#include <QString>
#include <QVector>

namespace qat {

/// One Block-AP training step (block >= 0) or one end-to-end optimizer step, E2E-QP's or
/// LR-QAT's (block == -1; the last phaseChanged says which).
struct StepPoint {
    qint64 block = -1;
    qint64 step = 0;
    qint64 steps = 0;
    double loss = 0.0;
    double lr = 0.0;
};

/// How a job ended: ErrorKind as an int (0 = success), its message, and what it measured.
struct RunOutcome {
    int errorKind = 0;
    QString message;
    QString runFolder;
    bool resumed = false;
    qint64 evalSeqlen = 0;
    QStringList stages;                  ///< stage names (qat::stageName)
    QVector<QVector<double>> perplexity; ///< per stage, per evaluation file
    QVector<QVector<double>> accuracy;   ///< per stage, per zero-shot task (the job's evalTasks)
    bool ok() const { return errorKind == 0; }
};

/// The job's outcome (JobOutcome::value) is a RunOutcome, also on a cancel or an error.
class RunWorker : public JobWorker {
    Q_OBJECT

public:
    explicit RunWorker(QuantizeJob job);

Q_SIGNALS:
    /// `phase` is a qat::Phase (Phase::LrQat for LR-QAT's one phase).
    void phaseChanged(int phase, int index, int count);
    void blockStarted(qint64 block, qint64 blocks);
    void stepLosses(const QVector<qat::StepPoint>& points);
    void epochEnded(qint64 block, qint64 epoch, qint64 epochs, double trainLoss, double valLoss);
    void blockFinished(qint64 block, double mseBefore, double mseAfter, double seconds);
    void evalProgress(const QString& dataset, qint64 done, qint64 total, double runningPerplexity);
    void evalResult(const QString& dataset, double perplexity, qint64 windows);
    /// Zero-shot scoring: `done` of `total` items of `task`, `acc` over the items done.
    void taskProgress(const QString& task, qint64 done, qint64 total, double acc);
    /// A task's accuracy at `stage` (qat::stageName); accNorm NaN when the task has none.
    void taskResult(const QString& task, double acc, double accNorm, qint64 items, const QString& stage);
    void logLine(const QString& line);

protected:
    /// Runs the job to its end (or a cancel, or an error).
    JobOutcome work() override;

private:
    QuantizeJob m_job;
};

} // namespace qat

Q_DECLARE_METATYPE(qat::StepPoint)
Q_DECLARE_METATYPE(qat::RunOutcome)
