// SPDX-License-Identifier: GPL-3.0-or-later
#include "RunPage.h"

#include "Application.h"
#include "RunCharts.h"
#include "RunHistory.h"

#include <qat/ZeroShot.h>

#include <QDir>
#include <QEvent>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace qat {

namespace {

QString clockText(double seconds) {
    if (!std::isfinite(seconds) || seconds < 0) return QStringLiteral("--:--");
    const qint64 t = static_cast<qint64>(seconds + 0.5);
    return t >= 3600 ? QStringLiteral("%1:%2:%3")
                           .arg(t / 3600)
                           .arg(t / 60 % 60, 2, 10, QLatin1Char('0'))
                           .arg(t % 60, 2, 10, QLatin1Char('0'))
                     : QStringLiteral("%1:%2").arg(t / 60).arg(t % 60, 2, 10, QLatin1Char('0'));
}

} // namespace

RunPage::RunPage(QWidget* parent) : QWidget(parent) {
    qRegisterMetaType<qat::RunPage::State>();
    m_controller = new RunController(this);
    m_charts = new RunCharts(this);
    m_charts->setObjectName(QStringLiteral("runCharts"));

    m_jobLabel = new QLabel(this);
    m_jobLabel->setObjectName(QStringLiteral("jobLabel"));
    m_jobLabel->setWordWrap(true);
    m_jobLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_stateLabel = new QLabel(this);
    m_stateLabel->setObjectName(QStringLiteral("stateLabel"));
    m_etaLabel = new QLabel(this);
    m_etaLabel->setObjectName(QStringLiteral("etaLabel"));

    m_startButton = new QPushButton(this);
    m_startButton->setIcon(actionIcon(QStringLiteral("start")));
    m_startButton->setObjectName(QStringLiteral("startButton"));
    m_cancelButton = new QPushButton(this);
    m_cancelButton->setIcon(actionIcon(QStringLiteral("cancel")));
    m_cancelButton->setObjectName(QStringLiteral("cancelButton"));
    m_resumeButton = new QPushButton(this);
    m_resumeButton->setIcon(actionIcon(QStringLiteral("resume")));
    m_resumeButton->setObjectName(QStringLiteral("resumeButton"));

    m_overall = new QProgressBar(this);
    m_overall->setObjectName(QStringLiteral("overallProgress"));
    m_overall->setRange(0, 1000);
    m_phase = new QProgressBar(this);
    m_phase->setObjectName(QStringLiteral("phaseProgress"));
    m_phase->setRange(0, 1000);

    m_log = new QPlainTextEdit(this);
    m_log->setObjectName(QStringLiteral("logPane"));
    m_log->setReadOnly(true);
    m_log->setMaximumBlockCount(5000);
    m_log->setMaximumHeight(140);
    m_accuracy = new QTableWidget(this);
    m_accuracy->setObjectName(QStringLiteral("accuracyTable"));
    m_accuracy->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_accuracy->setMaximumHeight(130);
    m_accuracy->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_accuracy->hide();

    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_startButton);
    buttons->addWidget(m_cancelButton);
    buttons->addWidget(m_resumeButton);
    buttons->addStretch();
    buttons->addWidget(m_stateLabel);
    auto* bars = new QHBoxLayout;
    bars->addWidget(m_overall, 1);
    bars->addWidget(m_phase, 1);
    bars->addWidget(m_etaLabel);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_jobLabel);
    layout->addLayout(buttons);
    layout->addLayout(bars);
    layout->addWidget(m_charts, 1);
    layout->addWidget(m_accuracy);
    layout->addWidget(m_log);

    connect(m_startButton, &QPushButton::clicked, this, &RunPage::start);
    connect(m_resumeButton, &QPushButton::clicked, this, &RunPage::start);
    connect(m_cancelButton, &QPushButton::clicked, this, &RunPage::cancel);
    connect(m_controller, &RunController::started, this, &RunPage::connectWorker);
    connect(m_controller, &RunController::finished, this, &RunPage::onFinished);
    retranslateUi();
    setState(State::Idle);
}

RunPage::~RunPage() {
    m_controller->shutdown();
}

void RunPage::setJob(const QuantizeJob& job) {
    m_job = job;
    if (!m_controller->isRunning()) {
        m_charts->setMethod(job.method);
        setupAccuracyTable();
    }
    updateJobLabel();
    setState(m_state == State::Running ? m_state : State::Idle);
}

void RunPage::setupAccuracyTable() {
    m_accuracy->clear();
    m_accuracy->setRowCount(0);
    const bool tasks = m_job && !m_job->evalTasks.empty();
    m_accuracy->setVisible(tasks);
    if (!tasks) return;
    QStringList headers;
    for (const auto& t : m_job->evalTasks) {
        const ZeroShotTask* task = findZeroShotTask(t);
        headers << (task ? QString::fromUtf8(task->title) : QString::fromStdString(t));
    }
    headers << tr("Average");
    m_accuracy->setColumnCount(static_cast<int>(headers.size()));
    m_accuracy->setHorizontalHeaderLabels(headers);
}

// A task's accuracy at a stage: the stage's row (added when its first task arrives), the
// task's column, and the row's mean once every task is in.
void RunPage::onTaskResult(const QString& task, double acc, const QString& stage) {
    if (!m_job) return;
    const auto& tasks = m_job->evalTasks;
    const auto it = std::find(tasks.begin(), tasks.end(), task.toStdString());
    if (it == tasks.end()) return;
    const int column = static_cast<int>(it - tasks.begin());
    const QString name = stageDisplayName(stage);
    int row = m_accuracy->rowCount() - 1;
    if (row < 0 || m_accuracy->verticalHeaderItem(row)->text() != name) {
        row = m_accuracy->rowCount();
        m_accuracy->insertRow(row);
        m_accuracy->setVerticalHeaderItem(row, new QTableWidgetItem(name));
    }
    auto* item = new QTableWidgetItem(QLocale().toString(100.0 * acc, 'f', 1));
    item->setData(Qt::UserRole, acc);
    item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    m_accuracy->setItem(row, column, item);
    double sum = 0;
    for (int c = 0; c < static_cast<int>(tasks.size()); ++c) {
        if (!m_accuracy->item(row, c)) return;
        sum += m_accuracy->item(row, c)->data(Qt::UserRole).toDouble();
    }
    auto* mean =
        new QTableWidgetItem(QLocale().toString(100.0 * sum / static_cast<double>(tasks.size()), 'f', 1));
    mean->setData(Qt::UserRole, sum / static_cast<double>(tasks.size()));
    mean->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    m_accuracy->setItem(row, static_cast<int>(tasks.size()), mean);
}

void RunPage::updateJobLabel() {
    if (!m_job) {
        m_jobLabel->setText(tr("No job yet: choose a model, a recipe and data first."));
        return;
    }
    const QuantizeJob& j = *m_job;
    m_jobLabel->setText(tr("%1 · %2 · W%3 g%4 → %5")
                            .arg(QDir::toNativeSeparators(QString::fromStdString(j.model.string())),
                                 QString::fromLatin1(methodName(j.method)))
                            .arg(j.spec.bits)
                            .arg(j.spec.groupSize)
                            .arg(QDir::toNativeSeparators(QString::fromStdString(j.out.string()))));
}

void RunPage::start() {
    if (!m_job || m_controller->isRunning()) return;
    m_charts->clear();
    m_charts->setMethod(m_job->method);
    setupAccuracyTable();
    m_overall->setValue(0);
    m_phase->setValue(0);
    m_phaseIndex = 0;
    m_block = 0;
    m_phaseStart = -1.0;
    m_phaseClock.start();
    if (m_controller->start(*m_job)) setState(State::Running);
}

void RunPage::cancel() {
    if (!m_controller->isRunning()) return;
    m_controller->cancel();
    setState(State::Cancelling);
}

void RunPage::connectWorker(RunWorker* w) {
    connect(w, &RunWorker::phaseChanged, this, [this](int, int index, int count) {
        m_phaseIndex = index;
        m_phaseCount = std::max(1, count);
        m_phaseStart = -1.0;
        m_phaseClock.start();
        m_phase->setValue(0);
    });
    connect(w, &RunWorker::blockStarted, this, [this](qint64 block, qint64 blocks) {
        m_block = block;
        m_blocks = std::max<qint64>(1, blocks);
    });
    connect(w, &RunWorker::stepLosses, this, [this](const QVector<StepPoint>& points) {
        if (points.isEmpty()) return;
        // The fraction of the phase done after `steps` steps of the point's block (Block-AP) or
        // of the end-to-end phase (block -1: E2E-QP, LR-QAT).
        const auto done = [this](const StepPoint& p, qint64 steps) {
            const double inBlock =
                static_cast<double>(steps) / static_cast<double>(std::max<qint64>(1, p.steps));
            return p.block >= 0 ? (static_cast<double>(m_block) + inBlock) / static_cast<double>(m_blocks)
                                : inBlock;
        };
        if (m_phaseStart < 0) m_phaseStart = done(points.front(), points.front().step);
        const StepPoint& p = points.back();
        const double phase = done(p, p.step + 1);
        m_phase->setValue(static_cast<int>(phase * 1000));
        m_overall->setValue(static_cast<int>((m_phaseIndex + phase) / m_phaseCount * 1000));
        // The rate of this session: a resumed run counts only the steps it has made itself.
        const double elapsed = m_phaseClock.elapsed() / 1000.0, made = phase - m_phaseStart;
        m_etaLabel->setText(
            tr("%1 left in this phase").arg(clockText(made > 0 ? elapsed * (1.0 - phase) / made : NAN)));
    });
    connect(w, &RunWorker::phaseChanged, m_charts, &RunCharts::onPhaseChanged);
    connect(w, &RunWorker::stepLosses, m_charts, &RunCharts::onStepLosses);
    connect(w, &RunWorker::blockStarted, m_charts, &RunCharts::onBlockStarted);
    connect(w, &RunWorker::epochEnded, m_charts, &RunCharts::onEpochEnded);
    connect(w, &RunWorker::blockFinished, m_charts, &RunCharts::onBlockFinished);
    connect(w, &RunWorker::evalResult, m_charts, &RunCharts::onEvalResult);
    connect(w, &RunWorker::blockFinished, this,
            [this](qint64 block, double before, double after, double seconds) {
                appendLog(tr("block %1: MSE %2 → %3 (%4 s)")
                              .arg(block)
                              .arg(before, 0, 'g', 4)
                              .arg(after, 0, 'g', 4)
                              .arg(seconds, 0, 'f', 1));
            });
    connect(w, &RunWorker::evalResult, this, [this](const QString& dataset, double ppl, qint64 windows) {
        appendLog(tr("perplexity on %1: %2 (%3 windows)").arg(dataset).arg(ppl, 0, 'f', 4).arg(windows));
    });
    connect(w, &RunWorker::logLine, this, &RunPage::appendLog);
    connect(w, &RunWorker::taskProgress, this,
            [this](const QString& task, qint64 done, qint64 total, double acc) {
                m_etaLabel->setText(tr("%1: %2 of %3 items, acc %4%")
                                        .arg(task)
                                        .arg(done)
                                        .arg(total)
                                        .arg(QLocale().toString(100.0 * acc, 'f', 1)));
            });
    connect(w, &RunWorker::taskResult, this,
            [this](const QString& task, double acc, double accNorm, qint64 items, const QString& stage) {
                onTaskResult(task, acc, stage);
                appendLog(std::isfinite(accNorm)
                              ? tr("%1 (%2 items): acc %3, acc_norm %4")
                                    .arg(task)
                                    .arg(items)
                                    .arg(acc, 0, 'f', 4)
                                    .arg(accNorm, 0, 'f', 4)
                              : tr("%1 (%2 items): acc %3").arg(task).arg(items).arg(acc, 0, 'f', 4));
            });
}

void RunPage::onFinished(const RunOutcome& outcome) {
    m_outcome = outcome;
    if (outcome.ok()) {
        m_overall->setValue(1000);
        m_phase->setValue(1000);
        m_etaLabel->clear();
        setState(State::Finished);
    } else if (outcome.errorKind == static_cast<int>(ErrorKind::Cancelled)) {
        appendLog(
            m_job && m_job->method == Method::LrQat
                ? tr("Cancelled. The run folder keeps LR-QAT's last checkpoint (written every minute): "
                     "Resume continues from there.")
                : tr("Cancelled. The run folder keeps every finished block: Resume continues from there."));
        setState(State::Cancelled);
    } else {
        appendLog(tr("Failed: %1").arg(outcome.message));
        setState(State::Failed);
    }
    Q_EMIT runFinished(outcome);
}

void RunPage::appendLog(const QString& line) {
    m_log->appendPlainText(line);
}

void RunPage::setState(State state) {
    m_state = state;
    const bool running = state == State::Running || state == State::Cancelling;
    m_startButton->setEnabled(m_job.has_value() && !running);
    m_cancelButton->setEnabled(state == State::Running);
    m_resumeButton->setEnabled(m_job.has_value() && (state == State::Cancelled || state == State::Failed));
    switch (state) {
    case State::Idle:
        m_stateLabel->setText(m_job ? tr("Ready") : QString());
        break;
    case State::Running:
        m_stateLabel->setText(tr("Running…"));
        break;
    case State::Cancelling:
        m_stateLabel->setText(tr("Cancelling at the next step…"));
        break;
    case State::Finished:
        m_stateLabel->setText(tr("Finished"));
        break;
    case State::Cancelled:
        m_stateLabel->setText(tr("Cancelled (resumable)"));
        break;
    case State::Failed:
        m_stateLabel->setText(tr("Failed"));
        break;
    }
    Q_EMIT stateChanged(state);
}

void RunPage::changeEvent(QEvent* event) {
    if (event->type() == QEvent::LanguageChange && m_startButton) {
        retranslateUi();
        setState(m_state);
    }
    QWidget::changeEvent(event);
}

void RunPage::retranslateUi() {
    m_startButton->setText(tr("&Start"));
    m_startButton->setToolTip(tr("Run the job; a run folder that holds it already is resumed (F5)"));
    m_cancelButton->setText(tr("&Cancel"));
    m_cancelButton->setToolTip(tr("Stop at the next training step; finished blocks are kept (Shift+F5)"));
    m_resumeButton->setText(tr("&Resume"));
    m_resumeButton->setToolTip(tr("Continue the cancelled run from its last finished block"));
    m_overall->setFormat(tr("overall %p%"));
    m_phase->setFormat(tr("phase %p%"));
    updateJobLabel();
}

} // namespace qat
