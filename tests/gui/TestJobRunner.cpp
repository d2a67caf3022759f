// SPDX-License-Identifier: GPL-3.0-or-later
// JobRunner with a counting job: the job runs on the runner's named thread, its progress arrives
// throttled with the last report always delivered, a cancel stops it at its next check, an
// exception becomes a failure, one job runs at a time, and a job ended by shutdown() is not
// reported.

#include "JobRunner.h"

#include <qat/Status.h>

#include <QSignalSpy>
#include <QTest>
#include <QThread>

#include <stdexcept>

using namespace qat;

namespace {

// Counts to `steps`, sleeping `ms` per step, reporting each; throws at step `throwAt`.
class CountingWorker : public JobWorker {
public:
    CountingWorker(int steps, int ms, int throwAt = -1) : m_steps(steps), m_ms(ms), m_throwAt(throwAt) {}
    QString threadName; // the thread work() ran on; read after the job ended

protected:
    JobOutcome work() override {
        threadName = QThread::currentThread()->objectName();
        for (int i = 1; i <= m_steps; ++i) {
            if (isCancelled())
                return {int(ErrorKind::Cancelled), QStringLiteral("cancelled before step %1").arg(i), i - 1};
            QThread::msleep(m_ms);
            if (i == m_throwAt) throw std::runtime_error("broken at step " + std::to_string(i));
            reportProgress(i, m_steps, QStringLiteral("counting"));
        }
        return {0, QString(), QStringLiteral("%1 on %2").arg(m_steps).arg(threadName)};
    }

private:
    int m_steps, m_ms, m_throwAt;
};

} // namespace

class TestJobRunner : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void succeedsWithThrottledProgress() {
        JobRunner runner(QStringLiteral("qat-test"));
        QSignalSpy started(&runner, &JobRunner::started);
        QSignalSpy progress(&runner, &JobRunner::progress);
        QSignalSpy succeeded(&runner, &JobRunner::succeeded);
        QSignalSpy finished(&runner, &JobRunner::finished);
        QVERIFY(runner.start(std::make_unique<CountingWorker>(200, 2)));
        QCOMPARE(started.count(), 1);
        QVERIFY(runner.isRunning());
        QVERIFY(runner.worker() != nullptr);
        QVERIFY(!runner.start(std::make_unique<CountingWorker>(1, 0))); // one at a time
        QVERIFY(finished.wait(30000));
        QVERIFY(!runner.isRunning());
        QVERIFY(runner.worker() == nullptr); // deleted with its thread
        QCOMPARE(succeeded.count(), 1);
        QCOMPARE(succeeded.at(0).at(0).toString(), QStringLiteral("200 on qat-test"));
        const auto outcome = finished.at(0).at(0).value<JobOutcome>();
        QVERIFY(outcome.ok() && !outcome.cancelled());
        // 200 steps of at least 2 ms: at most one report per 50 ms (and the last), not 200.
        QVERIFY2(progress.count() >= 2 && progress.count() <= 20,
                 qPrintable(QString::number(progress.count())));
        qint64 previous = 0;
        for (const auto& p : progress) {
            QVERIFY(p.at(0).toLongLong() > previous);
            previous = p.at(0).toLongLong();
            QCOMPARE(p.at(1).toLongLong(), 200);
            QCOMPARE(p.at(2).toString(), QStringLiteral("counting"));
        }
        QCOMPARE(previous, 200); // the last report is always delivered
    }

    void cancelStopsAtTheNextCheck() {
        JobRunner runner(QStringLiteral("qat-test"));
        QSignalSpy cancelled(&runner, &JobRunner::cancelled);
        QSignalSpy succeeded(&runner, &JobRunner::succeeded);
        QSignalSpy finished(&runner, &JobRunner::finished);
        const auto cancelOnProgress = connect(&runner, &JobRunner::progress, &runner, [&] {
            runner.cancel();
            QVERIFY(runner.isCancelling());
        });
        QVERIFY(runner.start(std::make_unique<CountingWorker>(100000, 1)));
        QVERIFY(finished.wait(30000));
        QCOMPARE(cancelled.count(), 1);
        QCOMPARE(succeeded.count(), 0);
        const auto outcome = finished.at(0).at(0).value<JobOutcome>();
        QVERIFY(outcome.cancelled());
        QVERIFY(outcome.value.toInt() > 0 && outcome.value.toInt() < 100000);
        QVERIFY(outcome.message.startsWith(QStringLiteral("cancelled before step")));
        QVERIFY(!runner.isCancelling());
        // The next job starts with the flag cleared.
        disconnect(cancelOnProgress);
        QVERIFY(runner.start(std::make_unique<CountingWorker>(3, 0)));
        QVERIFY(finished.wait(30000));
        QVERIFY(finished.at(1).at(0).value<JobOutcome>().ok());
    }

    void anExceptionIsAFailure() {
        JobRunner runner(QStringLiteral("qat-test"));
        QSignalSpy failed(&runner, &JobRunner::failed);
        QSignalSpy finished(&runner, &JobRunner::finished);
        QVERIFY(runner.start(std::make_unique<CountingWorker>(10, 0, 3)));
        QVERIFY(finished.wait(30000));
        QCOMPARE(failed.count(), 1);
        QCOMPARE(failed.at(0).at(0).toInt(), int(ErrorKind::Failure));
        QCOMPARE(failed.at(0).at(1).toString(), QStringLiteral("broken at step 3"));
    }

    void shutdownEndsTheJobUnreported() {
        JobRunner runner(QStringLiteral("qat-test"));
        QSignalSpy finished(&runner, &JobRunner::finished);
        QSignalSpy progress(&runner, &JobRunner::progress);
        QVERIFY(runner.start(std::make_unique<CountingWorker>(100000, 1)));
        QTRY_VERIFY_WITH_TIMEOUT(progress.count() > 0, 30000);
        QVERIFY(runner.shutdown(30000));
        QVERIFY(!runner.isRunning());
        const int reported = progress.count();
        QTest::qWait(200); // whatever the job left queued is dropped
        QCOMPARE(finished.count(), 0);
        QCOMPARE(progress.count(), reported);
        QVERIFY(runner.start(std::make_unique<CountingWorker>(2, 0)));
        QVERIFY(finished.wait(30000));
        QCOMPARE(finished.count(), 1);
        QVERIFY(finished.at(0).at(0).value<JobOutcome>().ok());
    }
};

QTEST_GUILESS_MAIN(TestJobRunner)
#include "TestJobRunner.moc"
