// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file RunPage.h
/// The "Run" page: the job about to run, Start / Cancel / Resume, overall and per-phase
/// progress with the time left, the live charts, the zero-shot accuracy of each stage as it
/// arrives (a table shown when the job scores tasks) and a log pane. The run happens on the
/// RunController's worker thread; this page only consumes its signals.
/// Child objectNames for tests: "jobLabel", "startButton", "cancelButton", "resumeButton",
/// "overallProgress", "phaseProgress", "etaLabel", "stateLabel", "runCharts", "accuracyTable", "logPane".

#include "RunController.h"

#include <QElapsedTimer>
#include <QWidget>

#include <optional>

class QLabel;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QTableWidget;

namespace qat {

class RunCharts;

class RunPage : public QWidget {
    Q_OBJECT

public:
    enum class State { Idle, Running, Cancelling, Finished, Cancelled, Failed };

    explicit RunPage(QWidget* parent = nullptr);
    ~RunPage() override;

    /// The job Start (and Resume) runs.
    void setJob(const QuantizeJob& job);
    const std::optional<QuantizeJob>& job() const { return m_job; }

    State state() const { return m_state; }
    bool isRunning() const { return m_controller->isRunning(); }
    RunController* controller() const { return m_controller; }
    RunCharts* charts() const { return m_charts; }
    /// Zero-shot accuracy (%) per stage (rows) and task (columns, the mean last).
    QTableWidget* accuracyTable() const { return m_accuracy; }
    /// The outcome of the last run that ended.
    const RunOutcome& lastOutcome() const { return m_outcome; }

    /// Cancels a run and waits for its thread (the window's close path).
    bool shutdown(int timeoutMs = 60000) { return m_controller->shutdown(timeoutMs); }

public Q_SLOTS:
    void start();
    void cancel();

Q_SIGNALS:
    void stateChanged(qat::RunPage::State state);
    /// A run ended; the results page collects these.
    void runFinished(const qat::RunOutcome& outcome);

protected:
    void changeEvent(QEvent* event) override;

private:
    void connectWorker(RunWorker* worker);
    void onFinished(const RunOutcome& outcome);
    void setState(State state);
    void appendLog(const QString& line);
    void updateJobLabel();
    void setupAccuracyTable();
    void onTaskResult(const QString& task, double acc, const QString& stage);
    void retranslateUi();

    RunController* m_controller = nullptr;
    RunCharts* m_charts = nullptr;
    QLabel* m_jobLabel = nullptr;
    QLabel* m_stateLabel = nullptr;
    QLabel* m_etaLabel = nullptr;
    QPushButton* m_startButton = nullptr;
    QPushButton* m_cancelButton = nullptr;
    QPushButton* m_resumeButton = nullptr;
    QProgressBar* m_overall = nullptr;
    QProgressBar* m_phase = nullptr;
    QPlainTextEdit* m_log = nullptr;
    QTableWidget* m_accuracy = nullptr;

    std::optional<QuantizeJob> m_job;
    RunOutcome m_outcome;
    State m_state = State::Idle;
    // Progress: the phase (0 Block-AP / RTN / LR-QAT, 1 E2E-QP), the blocks, the steps, and
    // where in the phase this session began (a resumed run starts part-way).
    int m_phaseIndex = 0, m_phaseCount = 1;
    qint64 m_block = 0, m_blocks = 1;
    double m_phaseStart = -1.0;
    QElapsedTimer m_phaseClock;
};

} // namespace qat

Q_DECLARE_METATYPE(qat::RunPage::State)
