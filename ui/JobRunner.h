// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file JobRunner.h
/// Long work off the GUI thread, one way for every job (a quantization run, a generation, an
/// export). A JobWorker subclass does the work in work(); JobRunner moves it to a named QThread
/// it owns, relays its progress and reports how the job ended. Only value types cross the
/// thread boundary (JobOutcome, QVariant of a registered value type, numbers and strings).
/// Cancel is a std::atomic<bool> the runner sets directly and the worker polls (a core
/// ProgressSink's isCancelled() returns JobWorker::isCancelled()). Progress is throttled to at
/// most ~20 emissions a second, the last one always delivered. Each job gets a thread of its own
/// that ends with the job (the worker's done() quits it), so shutdown is: cancel, then wait for
/// the thread, which is waiting for the worker. One job at a time.

#include <QElapsedTimer>
#include <QMetaType>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QVariant>

#include <atomic>
#include <memory>

class QThread;

namespace qat {

/// How a job ended.
struct JobOutcome {
    int errorKind = 0; ///< a qat::ErrorKind as an int: 0 success, ErrorKind::Cancelled, ...
    QString message;   ///< what went wrong (empty on success)
    QVariant
        value; ///< what the job produced (the worker's class documents the type); may be set on failure too
    bool ok() const { return errorKind == 0; }
    bool cancelled() const;
};

/// The work of one job, run on the runner's thread. Subclasses implement work(), which (or the
/// core sink it passes on) calls reportProgress() and polls isCancelled().
class JobWorker : public QObject {
    Q_OBJECT

public:
    JobWorker();
    ~JobWorker() override;

    /// True once the runner has been asked to cancel (thread-safe; poll between steps).
    bool isCancelled() const { return m_cancel && m_cancel->load(); }
    /// From the job's thread (work() or a core sink it calls): emits progress() unless the last
    /// emission was under 50 ms ago; a held-back report is sent when the next one starts a new
    /// step (`what` changes) or when the job ends.
    void reportProgress(qint64 done, qint64 total, const QString& what);

public Q_SLOTS:
    /// Runs work() on the calling (worker) thread, catching everything it throws, delivers the
    /// last progress and emits done().
    void run();

Q_SIGNALS:
    /// `done` of `total` units (`total` 0: unknown) of the step `what` (text for the user).
    void progress(qint64 done, qint64 total, const QString& what);
    /// The job ended; the runner turns this into its own signals.
    void done(const qat::JobOutcome& outcome);

protected:
    /// The job. Returns its outcome; an exception becomes ErrorKind::Failure with its message.
    virtual JobOutcome work() = 0;

private:
    friend class JobRunner;
    void flushProgress();

    const std::atomic<bool>* m_cancel = nullptr; ///< the runner's; set before the thread starts
    QElapsedTimer m_sinceEmit;
    bool m_held = false;
    qint64 m_done = 0, m_total = 0;
    QString m_what;
};

/// Owns the thread of one job at a time and its cancel flag.
class JobRunner : public QObject {
    Q_OBJECT

public:
    /// `threadName` names every job's thread (e.g. "qat-run"), for debuggers and profilers.
    explicit JobRunner(const QString& threadName, QObject* parent = nullptr);
    /// Cancels a job in progress and waits for it, however long it takes.
    ~JobRunner() override;

    bool isRunning() const { return m_thread != nullptr; }
    /// True between cancel() and the end of the job.
    bool isCancelling() const { return isRunning() && m_cancel.load(); }
    /// The worker of the job in progress (to connect to its own signals after start()), or nullptr.
    JobWorker* worker() const { return m_worker; }

    /// Starts `worker` on a new thread; false (and the worker deleted) when a job is going on.
    bool start(std::unique_ptr<JobWorker> worker);
    /// Asks the job to stop at its next check; cancelled() and finished() follow.
    void cancel();
    /// Cancels and waits for the job's thread to end (at most `timeoutMs`, -1: no limit);
    /// true when it has (or there was none). The job's end is then not signalled.
    bool shutdown(int timeoutMs = 60000);

Q_SIGNALS:
    /// A job started; connect to the worker's own signals here.
    void started(qat::JobWorker* worker);
    /// The job's progress (see JobWorker::progress).
    void progress(qint64 done, qint64 total, const QString& what);
    /// The job succeeded with `value` (delivered before finished()).
    void succeeded(const QVariant& value);
    /// The job failed (`errorKind` a qat::ErrorKind as an int), before finished().
    void failed(int errorKind, const QString& message);
    /// The job stopped on a cancel, before finished().
    void cancelled(const QString& message);
    /// The job ended, whichever way; its thread is gone when this is delivered.
    void finished(const qat::JobOutcome& outcome);

private:
    void onWorkerDone(const qat::JobOutcome& outcome);

    QString m_threadName;
    QThread* m_thread = nullptr;
    QPointer<JobWorker> m_worker;
    std::atomic<bool> m_cancel{false};
    quint64 m_job = 0; ///< the current job's number; signals of an earlier one are dropped
};

} // namespace qat

Q_DECLARE_METATYPE(qat::JobOutcome)
