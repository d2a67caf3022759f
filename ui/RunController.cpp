// SPDX-License-Identifier: GPL-3.0-or-later
#include "RunController.h"

#include <QThread>

namespace qat {

RunController::RunController(QObject* parent) : QObject(parent) {
    qRegisterMetaType<qat::StepPoint>();
    qRegisterMetaType<QVector<qat::StepPoint>>();
    qRegisterMetaType<qat::RunOutcome>();
}

RunController::~RunController() { shutdown(); }

bool RunController::start(const QuantizeJob& job) {
    if (m_thread) return false;
    m_cancel = false;
    m_thread = new QThread(this);
    m_thread->setObjectName(QStringLiteral("qat-run"));
    m_worker = new RunWorker(job, &m_cancel);
    m_worker->moveToThread(m_thread);
    connect(m_thread, &QThread::started, m_worker, &RunWorker::run);
    connect(m_worker, &RunWorker::finished, this, &RunController::onWorkerFinished); // queued: GUI thread
    connect(m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    m_thread->start();
    Q_EMIT started(m_worker);
    return true;
}

void RunController::cancel() { m_cancel = true; }

void RunController::onWorkerFinished(const RunOutcome& outcome) {
    if (m_thread) {
        m_thread->quit();
        m_thread->wait();
        m_thread->deleteLater();
        m_thread = nullptr;
    }
    Q_EMIT finished(outcome);
}

bool RunController::shutdown(int timeoutMs) {
    if (!m_thread) return true;
    m_cancel = true;
    // The worker returns from run() at the engine's next step; its queued finished() is
    // then dropped with the controller, so quit the thread here.
    m_thread->quit();
    if (!m_thread->wait(timeoutMs)) return false;
    delete m_thread;
    m_thread = nullptr;
    return true;
}

} // namespace qat
