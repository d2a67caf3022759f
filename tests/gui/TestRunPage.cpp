// SPDX-License-Identifier: GPL-3.0-or-later
// The Run page driven as a user would: Start runs a real Block-AP quantization of
// stories260K on the worker thread, the charts and log fill with its numbers; Cancel ends
// in the resumable state and Resume completes the run. A few LR-QAT steps fill its own
// loss chart (titled LR-QAT, the Block-AP charts hidden), its run folder is as large as the
// run estimate says, and the Results table lists it as LR-QAT.

#include "ResultsModel.h"
#include "RunCharts.h"
#include "RunEstimate.h"
#include "RunPage.h"
#include "TestPaths.h"

#include <qat/ModelSummary.h>

#include <QDir>
#include <QFileInfo>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

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

    void lrQatStepsInItsOwnChart() {
        RunPage page;
        page.resize(1000, 700);
        page.show();
        const QString workspace = m_tmp.path() + "/lr-qat-workspace";
        QuantizeJob j = job(workspace + "/run");
        j.method = Method::LrQat;
        j.spec = QuantSpec{4, 64};
        j.calibration.trainWindows = 8;
        j.lrQat.rank = 8;
        j.lrQat.steps = 4;
        page.setJob(j);
        RunCharts* charts = page.charts();
        // Before Start already: LR-QAT fills no per-block chart.
        QVERIFY(!charts->blockLossPlot()->isVisibleTo(&page));
        QVERIFY(!charts->blockMsePlot()->isVisibleTo(&page));
        QVERIFY(charts->e2ePlot()->isVisibleTo(&page));
        QVERIFY2(charts->e2eTitle().startsWith(QStringLiteral("LR-QAT")), qPrintable(charts->e2eTitle()));

        QList<int> phases;
        int steps = 0;
        connect(page.controller(), &RunController::started, this, [&](RunWorker* w) {
            connect(w, &RunWorker::phaseChanged, this, [&](int phase, int, int) { phases << phase; });
            connect(w, &RunWorker::stepLosses, this, [&](const QVector<StepPoint>& points) {
                for (const StepPoint& p : points)
                    steps += p.block == -1 && p.steps == 4 && std::isfinite(p.loss) ? 1 : -1000;
            });
        });
        QSignalSpy finished(&page, &RunPage::runFinished);
        page.start();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 240000);
        QVERIFY2(page.lastOutcome().ok(), qPrintable(page.lastOutcome().message));
        QCOMPARE(page.lastOutcome().stages, (QStringList{"fp", "lr-qat"}));
        QCOMPARE(phases, QList<int>{int(Phase::LrQat)});
        QCOMPARE(steps, 4);
        charts->replotDirty();
        QCOMPARE(charts->e2ePlot()->graph(0)->data()->size(), 4);
        QCOMPARE(charts->blockLossPlot()->graph(0)->data()->size(), 0);
        QCOMPARE(charts->perplexityPlot()->graph(0)->data()->size(), 2);
        const QString log = page.findChild<QPlainTextEdit*>(QStringLiteral("logPane"))->toPlainText();
        QVERIFY2(log.contains(QStringLiteral("LR-QAT W4 g64: rank 8")), qPrintable(log));

        // The run folder against the estimate: the quantized state and the LR-QAT checkpoint
        // (A, B and the step sizes with AdamW's moments), within 25%.
        ModelSummary summary;
        QVERIFY(inspectModel(j.model, summary).ok());
        const RunEstimate estimate = estimateRun(summary, j);
        const QString folder = page.lastOutcome().runFolder;
        QVERIFY(QFileInfo::exists(folder + "/e2e.safetensors"));
        const qint64 written = QFileInfo(folder + "/quantized.safetensors").size() +
                               QFileInfo(folder + "/e2e.safetensors").size();
        qInfo("LR-QAT run folder: estimated %.0f bytes, written %lld", estimate.diskBytes,
              static_cast<long long>(written));
        QVERIFY(std::abs(estimate.diskBytes - written) < 0.25 * written);
        // Φ0 in float32 instead of int8: 3 more bytes per decoder-linear weight at the peak.
        QuantizeJob phi0Float = j;
        phi0Float.lrQat.phi0 = Phi0Storage::Float32;
        double linear = 0;
        for (const TensorSummary& t : summary.tensors)
            if (t.role == TensorRole::Layer && t.shape.size() == 2)
                linear += static_cast<double>(t.parameters);
        QCOMPARE(estimateRun(summary, phi0Float).peakMemoryBytes - estimate.peakMemoryBytes, 3 * linear);

        // The Results table names the stage.
        ResultsModel results;
        results.setRuns(scanWorkspace(workspace));
        int row = -1;
        for (int r = 0; r < results.rowCount(); ++r)
            if (results.rows()[r].stage == QLatin1String("lr-qat")) row = r;
        QVERIFY(row >= 0);
        QVERIFY(results.rows()[row].finished && results.rows()[row].isFinalStage);
        QCOMPARE(results.index(row, ResultsModel::MethodColumn).data().toString(),
                 QStringLiteral("LR-QAT W4 g64"));
        QCOMPARE(
            results.index(row, ResultsModel::FirstPerplexityColumn).data(ResultsModel::RawRole).toDouble(),
            page.lastOutcome().perplexity.at(1).at(0));
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
