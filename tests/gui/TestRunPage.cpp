// SPDX-License-Identifier: GPL-3.0-or-later
// The Run page driven as a user would: Start runs a real Block-AP quantization of
// stories260K on the worker thread, the charts and log fill with its numbers; Cancel ends
// in the resumable state and Resume completes the run.

#include "RunCharts.h"
#include "RunPage.h"
#include "TestPaths.h"

#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace qat;

class TestRunPage : public QObject {
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

    void startFillsChartsAndLog() {
        RunPage page;
        page.resize(1000, 700);
        page.show();
        auto* start = page.findChild<QPushButton*>(QStringLiteral("startButton"));
        QVERIFY(start);
        QVERIFY(!start->isEnabled()); // no job yet
        page.setJob(job(m_tmp.path() + "/run"));
        QVERIFY(start->isEnabled());
        QSignalSpy finished(&page, &RunPage::runFinished);
        QTest::mouseClick(start, Qt::LeftButton);
        QCOMPARE(page.state(), RunPage::State::Running);
        QVERIFY(!start->isEnabled());
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 240000);
        QCOMPARE(page.state(), RunPage::State::Finished);
        page.charts()->replotDirty();
        // One bar per block before and after, one perplexity point per stage.
        auto* mse = page.charts()->blockMsePlot();
        QCOMPARE(mse->plottableCount(), 2);
        QCOMPARE(static_cast<QCPBars*>(mse->plottable(0))->data()->size(), 5);
        QCOMPARE(static_cast<QCPBars*>(mse->plottable(1))->data()->size(), 5);
        QCOMPARE(page.charts()->perplexityPlot()->graph(0)->data()->size(), 2);
        QVERIFY(page.charts()->blockLossPlot()->graph(0)->data()->size() > 0);
        const QString log = page.findChild<QPlainTextEdit*>(QStringLiteral("logPane"))->toPlainText();
        QVERIFY2(log.contains(QStringLiteral("block 4: MSE")), qPrintable(log));
        QCOMPARE(page.lastOutcome().stages, (QStringList{"fp", "block-ap"}));
    }

    void cancelThenResume() {
        RunPage page;
        page.setJob(job(m_tmp.path() + "/cancel"));
        QSignalSpy finished(&page, &RunPage::runFinished);
        auto* cancel = page.findChild<QPushButton*>(QStringLiteral("cancelButton"));
        auto* resume = page.findChild<QPushButton*>(QStringLiteral("resumeButton"));
        bool firstRun = true;
        connect(page.controller(), &RunController::started, this, [&](RunWorker* w) {
            if (!firstRun) return;
            firstRun = false;
            connect(w, &RunWorker::blockFinished, &page, [&](qint64 b) {
                if (b == 0 && cancel->isEnabled()) QTest::mouseClick(cancel, Qt::LeftButton);
            });
        });
        page.start();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 240000);
        QCOMPARE(page.state(), RunPage::State::Cancelled);
        QVERIFY(resume->isEnabled());
        QTest::mouseClick(resume, Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, 240000);
        QCOMPARE(page.state(), RunPage::State::Finished);
        QVERIFY(page.lastOutcome().resumed);
    }
};

QTEST_MAIN(TestRunPage)
#include "TestRunPage.moc"
