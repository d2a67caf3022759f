// SPDX-License-Identifier: GPL-3.0-or-later
#include "JobRunner.h"

#include <qat/Status.h>

#include <QDeadlineTimer>
#include <QThread>

namespace qat {

bool JobOutcome::cancelled() const {
    return errorKind == static_cast<int>(ErrorKind::Cancelled);
}

// ---- JobWorker ------------------------------------------------------------------------------

JobWorker::JobWorker() = default;
JobWorker::~JobWorker() = default;

void JobWorker::run() {
    JobOutcome outcome;
    try {
        outcome = work();
    } catch (const std::exception& e) { // nothing may cross the thread boundary
        outcome = JobOutcome{static_cast<int>(ErrorKind::Failure), QString::fromUtf8(e.what()), {}};
    } catch (...) {
        outcome = JobOutcome{static_cast<int>(ErrorKind::Failure), QStringLiteral("unknown error"), {}};
    }
    flushProgress();
    Q_EMIT done(outcome);
}

void JobWorker::reportProgress(qint64 done, qint64 total, const QString& what) {
    if (m_held && what != m_what) flushProgress(); // the end of the previous step is always shown
    m_done = done;
    m_total = total;
    m_what = what;
    m_held = true;
    if (!m_sinceEmit.isValid() || m_sinceEmit.elapsed() >= 50) flushProgress();
}

void JobWorker::flushProgress() {
    if (!m_held) return;
    m_held = false;
    Q_EMIT progress(m_done, m_total, m_what);
    m_sinceEmit.start();
}

// ---- JobRunner ------------------------------------------------------------------------------

JobRunner::JobRunner(const QString& threadName, QObject* parent) : QObject(parent), m_threadName(threadName) {
    qRegisterMetaType<qat::JobOutcome>();
}

JobRunner::~JobRunner() {
    shutdown(-1);
}

bool JobRunner::start(std::unique_ptr<JobWorker> worker) {
    if (m_thread || !worker) return false;
    const quint64 job = ++m_job;
    m_cancel = false;
    m_thread = new QThread(this);
    m_thread->setObjectName(m_threadName);
    m_worker = worker.release();
    m_worker->m_cancel = &m_cancel;
    m_worker->moveToThread(m_thread);
    // run() is called directly on the new thread as it starts; its done() ends the thread
    // (quit() before exec() makes exec() return at once) and reaches this runner queued.
    connect(m_thread, &QThread::started, m_worker, &JobWorker::run);
    connect(m_worker, &JobWorker::done, m_thread, &QThread::quit, Qt::DirectConnection);
    connect(m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    // A job ended by shutdown() is not reported, nor is anything it left queued.
    connect(m_worker, &JobWorker::progress, this,
            [this, job](qint64 done, qint64 total, const QString& what) {
                if (job == m_job) Q_EMIT progress(done, total, what);
            });
    connect(m_worker, &JobWorker::done, this, [this, job](const JobOutcome& outcome) {
        if (job == m_job) onWorkerDone(outcome);
    });
    Q_EMIT started(m_worker); // before the thread starts: connections made here miss nothing
    m_thread->start();
    return true;
}

void JobRunner::cancel() {
    if (m_thread) m_cancel = true;
}

void JobRunner::onWorkerDone(const JobOutcome& outcome) {
    if (m_thread) {
        m_thread->wait(); // ends right after done(); the worker is deleted as it ends
        delete m_thread;
        m_thread = nullptr;
    }
    if (outcome.ok())
        Q_EMIT succeeded(outcome.value);
    else if (outcome.cancelled())
        Q_EMIT cancelled(outcome.message);
    else
        Q_EMIT failed(outcome.errorKind, outcome.message);
    Q_EMIT finished(outcome);
}

bool JobRunner::shutdown(int timeoutMs) {
    if (!m_thread) return true;
    // Cancel; the worker returns at its next check and its thread ends with it (done() quits
    // it), so waiting for the thread is waiting for the worker.
    m_cancel = true;
    if (!m_thread->wait(timeoutMs < 0 ? QDeadlineTimer(QDeadlineTimer::Forever) : QDeadlineTimer(timeoutMs)))
        return false;
    ++m_job;
    delete m_thread;
    m_thread = nullptr;
    return true;
}

} // namespace qat
