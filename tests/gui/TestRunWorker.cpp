// SPDX-License-Identifier: GPL-3.0-or-later
// The run worker on its thread: a real Block-AP quantization of stories260K reports one
// block-started and one block-finished per block with finite losses; a cancel ends in the
// cancelled state and running the same job again resumes and completes.

#include "RunController.h"
#include "TestPaths.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

using namespace qat;

class TestRunWorker : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_tmp;

    QuantizeJob job(const QString& out) const {
        QuantizeJob j;
        j.model = test::sharedPath("models/stories260K").toStdString();
        j.method = Method::BlockAp;
        j.spec = QuantSpec{2, 64};
        j.calibration.files = {test::sharedPath("data/tinystories-gen/calib.txt").toStdString()};
        j.calibration.seqlen = 64;
        j.calibration.trainWindows = 16;
        j.calibration.valWindows = 2;
        j.blockAp.epochs = 1;
        j.blockAp.weightLr = 1e-3;
        j.blockAp.quantizerLr = 1e-3;
        j.threads = 1;
        j.evalFiles = {test::sharedPath("data/tinystories-gen/eval.txt").toStdString()};
        j.evalSeqlen = 512;
        j.evalMaxWindows = 4;
        j.out = out.toStdString();
        return j;
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_tmp.isValid()); }

    void blockEventsThroughTheThread() {
        RunController controller;
        QSignalSpy finished(&controller, &RunController::finished);
        QList<qint64> started, done;
        QList<double> mse;
        int steps = 0;
        connect(&controller, &RunController::started, this, [&](RunWorker* w) {
            connect(w, &RunWorker::blockStarted, this, [&](qint64 b, qint64) { started << b; });
            connect(w, &RunWorker::blockFinished, this, [&](qint64 b, double before, double after, double) {
                done << b;
                mse << before << after;
            });
            connect(w, &RunWorker::stepLosses, this, [&](const QVector<StepPoint>& p) {
                for (const auto& s : p)
                    steps += std::isfinite(s.loss) ? 1 : -1000;
            });
        });
        QVERIFY(controller.start(job(m_tmp.path() + "/run")));
        QVERIFY(controller.isRunning());
        QVERIFY(!controller.start(job(m_tmp.path() + "/other"))); // one at a time
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 240000);
        const auto outcome = finished.at(0).at(0).value<RunOutcome>();
        QVERIFY2(outcome.ok(), qPrintable(outcome.message));
        QVERIFY(!controller.isRunning());
        QCOMPARE(started, (QList<qint64>{0, 1, 2, 3, 4}));
        QCOMPARE(done, (QList<qint64>{0, 1, 2, 3, 4}));
        for (double v : mse)
            QVERIFY(std::isfinite(v) && v > 0);
        QCOMPARE(steps, 5 * 8); // 16 windows / batch 2, one epoch, five blocks
        QCOMPARE(outcome.stages, (QStringList{"fp", "block-ap"}));
        QVERIFY(outcome.perplexity.at(1).at(0) > outcome.perplexity.at(0).at(0));
    }

    void cancelThenResume() {
        const QString out = m_tmp.path() + "/cancelled";
        RunController controller;
        QSignalSpy finished(&controller, &RunController::finished);
        connect(&controller, &RunController::started, this, [&](RunWorker* w) {
            connect(w, &RunWorker::blockFinished, &controller, [&](qint64 b) {
                if (b == 1) controller.cancel();
            });
        });
        QVERIFY(controller.start(job(out)));
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 240000);
        const auto cancelled = finished.at(0).at(0).value<RunOutcome>();
        QCOMPARE(cancelled.errorKind, int(ErrorKind::Cancelled));

        QList<qint64> done;
        disconnect(&controller, &RunController::started, this, nullptr);
        connect(&controller, &RunController::started, this, [&](RunWorker* w) {
            connect(w, &RunWorker::blockFinished, this, [&](qint64 b) { done << b; });
        });
        QVERIFY(controller.start(job(out)));
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, 240000);
        const auto resumed = finished.at(1).at(0).value<RunOutcome>();
        QVERIFY2(resumed.ok(), qPrintable(resumed.message));
        QVERIFY(resumed.resumed);
        QCOMPARE(done, (QList<qint64>{0, 1, 2, 3, 4})); // restored blocks report too
    }

    void shutdownDuringARun() {
        RunController controller;
        QVERIFY(controller.start(job(m_tmp.path() + "/shutdown")));
        QTest::qWait(200);
        QVERIFY(controller.shutdown(120000));
        QVERIFY(!controller.isRunning());
    }
};

QTEST_MAIN(TestRunWorker)
#include "TestRunWorker.moc"
