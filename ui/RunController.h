// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file RunController.h
/// The quantization run's side of a JobRunner ("qat-run" thread): start a QuantizeJob, cancel
/// (the run folder stays resumable), resume (start the same job again) and a clean shutdown,
/// with the run's own types: the RunWorker for its live signals and a RunOutcome at the end.
/// One run at a time.

#include "JobRunner.h"
#include "RunWorker.h"

#include <QObject>

namespace qat {

class RunController : public QObject {
    Q_OBJECT

public:
    explicit RunController(QObject* parent = nullptr);
    ~RunController() override;

    bool isRunning() const { return m_runner->isRunning(); }
    /// The worker of the current run (to connect to its signals right after start()), or nullptr.
    RunWorker* worker() const { return static_cast<RunWorker*>(m_runner->worker()); }
    /// The runner underneath (its progress(), succeeded(), failed(), cancelled() signals).
    JobRunner* runner() const { return m_runner; }

    /// Starts `job` on a new thread; false (and nothing started) when a run is going on.
    bool start(const QuantizeJob& job);
    /// Asks the engine to stop at its next step; finished() follows with ErrorKind::Cancelled.
    void cancel() { m_runner->cancel(); }
    /// Cancels and blocks until the worker thread has ended (at most `timeoutMs`); true when it has.
    bool shutdown(int timeoutMs = 60000) { return m_runner->shutdown(timeoutMs); }

Q_SIGNALS:
    /// A run started; connect to worker()'s signals here for its progress.
    void started(qat::RunWorker* worker);
    /// The run ended (success, cancel or error); the thread is gone when this is delivered.
    void finished(const qat::RunOutcome& outcome);

private:
    JobRunner* m_runner = nullptr;
};

} // namespace qat
