// SPDX-License-Identifier: GPL-3.0-or-later
#include "RunWorker.h"

#include <chrono>

namespace qat {

namespace {

// Adapts core's progress sink to the worker's signals, batching step losses.
class SignalSink : public ProgressSink {
    using Clock = std::chrono::steady_clock;

public:
    explicit SignalSink(RunWorker& worker) : m_worker(worker) {}

    void onLog(const std::string& line) override { Q_EMIT m_worker.logLine(QString::fromStdString(line)); }
    void onEvalProgress(const EvalProgress& p) override {
        Q_EMIT m_worker.evalProgress(QString::fromStdString(p.dataset), p.windowsDone, p.windowsTotal,
                                     p.runningPerplexity);
    }
    void onPhase(const PhaseChanged& e) override {
        flush();
        Q_EMIT m_worker.phaseChanged(static_cast<int>(e.phase), static_cast<int>(e.index),
                                     static_cast<int>(e.count));
    }
    void onBlockStarted(const BlockStarted& e) override {
        flush();
        Q_EMIT m_worker.blockStarted(e.block, e.blocks);
    }
    void onStepLoss(const StepLoss& e) override { add(StepPoint{e.block, e.step, e.steps, e.loss, e.lr}); }
    void onE2eStep(const E2eStep& e) override { add(StepPoint{-1, e.step, e.steps, e.loss, e.lr}); }
    void onEpochEnd(const EpochEnd& e) override {
        flush();
        Q_EMIT m_worker.epochEnded(e.block, e.epoch, e.epochs, e.trainLoss, e.valLoss);
    }
    void onBlockFinished(const BlockFinished& e) override {
        flush();
        Q_EMIT m_worker.blockFinished(e.block, e.mseBefore, e.mseAfter, e.seconds);
    }
    void onEvalResult(const EvalResult& e) override {
        flush();
        Q_EMIT m_worker.evalResult(QString::fromStdString(e.dataset), e.perplexity, e.windows);
    }
    void onTaskProgress(const TaskProgress& p) override {
        // At most ~10 emissions a second, and the last item of each task.
        const auto now = Clock::now();
        if (p.itemsDone < p.itemsTotal && now - m_lastTaskEmit < std::chrono::milliseconds(100)) return;
        m_lastTaskEmit = now;
        Q_EMIT m_worker.taskProgress(QString::fromStdString(p.task), p.itemsDone, p.itemsTotal,
                                     p.runningAccuracy);
    }
    void onTaskResult(const TaskResult& e) override {
        flush();
        Q_EMIT m_worker.taskResult(QString::fromStdString(e.task), e.acc, e.accNorm, e.items,
                                   QString::fromStdString(e.stage));
    }
    bool isCancelled() const override { return m_worker.isCancelled(); }

    void flush() {
        if (m_pending.isEmpty()) return;
        Q_EMIT m_worker.stepLosses(m_pending);
        m_pending.clear();
        m_lastEmit = Clock::now();
    }

private:
    void add(const StepPoint& p) {
        m_pending.push_back(p);
        if (Clock::now() - m_lastEmit >= std::chrono::milliseconds(50)) flush();
    }

    RunWorker& m_worker;
    QVector<StepPoint> m_pending;
    Clock::time_point m_lastEmit{};
    Clock::time_point m_lastTaskEmit{};
};

} // namespace

RunWorker::RunWorker(QuantizeJob job) : m_job(std::move(job)) {}

JobOutcome RunWorker::work() {
    SignalSink sink(*this);
    QuantizeJobResult result;
    Status st;
    try {
        st = runQuantizeJob(m_job, &sink, result);
    } catch (const std::exception& e) { // nothing may cross the thread boundary
        st = Status::error(ErrorKind::Failure, e.what());
    }
    sink.flush();
    RunOutcome outcome;
    outcome.errorKind = static_cast<int>(st.kind);
    outcome.message = QString::fromStdString(st.message);
    outcome.runFolder = QString::fromStdString(result.runFolder.string());
    outcome.resumed = result.resumed;
    outcome.evalSeqlen = result.evalSeqlen;
    for (const auto& s : result.stages) {
        outcome.stages << QString::fromStdString(s.stage);
        outcome.perplexity.push_back(QVector<double>(s.perplexity.begin(), s.perplexity.end()));
        QVector<double> acc;
        for (const auto& t : s.zeroShot.tasks)
            acc << t.acc;
        outcome.accuracy.push_back(acc);
    }
    return JobOutcome{outcome.errorKind, outcome.message, QVariant::fromValue(outcome)};
}

} // namespace qat
