// SPDX-License-Identifier: GPL-3.0-or-later
#include "RunController.h"

namespace qat {

RunController::RunController(QObject* parent) : QObject(parent) {
    qRegisterMetaType<qat::StepPoint>();
    qRegisterMetaType<QVector<qat::StepPoint>>();
    qRegisterMetaType<qat::RunOutcome>();
    m_runner = new JobRunner(QStringLiteral("qat-run"), this);
    // The runner only ever runs RunWorkers (start() below).
    connect(m_runner, &JobRunner::started, this,
            [this](JobWorker* w) { Q_EMIT started(static_cast<RunWorker*>(w)); });
    connect(m_runner, &JobRunner::finished, this, [this](const JobOutcome& o) {
        // RunWorker always returns a RunOutcome; an exception escaping it does not.
        Q_EMIT finished(o.value.canConvert<RunOutcome>()
                            ? o.value.value<RunOutcome>()
                            : RunOutcome{o.errorKind, o.message, {}, false, 0, {}, {}, {}});
    });
}

RunController::~RunController() {
    m_runner->shutdown(-1);
}

bool RunController::start(const QuantizeJob& job) {
    if (m_runner->isRunning()) return false;
    return m_runner->start(std::make_unique<RunWorker>(job));
}

} // namespace qat
