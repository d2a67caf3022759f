// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file RunController.h
/// Owns the worker thread of a quantization run: start, cancel (the run folder stays
/// resumable), resume (start the same job again) and a clean shutdown (cancel, wait for the
/// worker, quit the thread, wait for it). One run at a time.

#include "RunWorker.h"

#include <QObject>
#include <QPointer>

#include <atomic>

class QThread;

namespace qat {

class RunController : public QObject {
    Q_OBJECT

public:
    explicit RunController(QObject* parent = nullptr);
    ~RunController() override;

    bool isRunning() const { return m_thread != nullptr; }
    /// The worker of the current run (to connect to its signals right after start()), or nullptr.
    RunWorker* worker() const { return m_worker; }

    /// Starts `job` on a new thread; false (and nothing started) when a run is going on.
    bool start(const QuantizeJob& job);
    /// Asks the engine to stop at its next step; finished() follows with ErrorKind::Cancelled.
    void cancel();
    /// Cancels and blocks until the worker thread has ended (at most `timeoutMs`); true when it has.
    bool shutdown(int timeoutMs = 60000);

Q_SIGNALS:
    /// A run started; connect to worker()'s signals here for its progress.
    void started(qat::RunWorker* worker);
    /// The run ended (success, cancel or error); the thread is gone when this is delivered.
    void finished(const qat::RunOutcome& outcome);

private:
    void onWorkerFinished(const qat::RunOutcome& outcome);

    QThread* m_thread = nullptr;
    QPointer<RunWorker> m_worker;
    std::atomic<bool> m_cancel{false};
};

} // namespace qat
