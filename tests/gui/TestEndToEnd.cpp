// SPDX-License-Identifier: GPL-3.0-or-later
// The app driven as a user would: open stories260K on the Model page, choose Block-AP at
// W2 g64 on the Recipe page, add calibration and evaluation text on the Data page, press
// Start on the Run page, wait, read the perplexity the run measured, and find the run in the
// Results page's table; with two zero-shot tasks on (their first 8 items), the accuracies the
// Run page shows per stage are the ones the Results table reads back. Also: the window built from
// qat-studio's command-line options.

#include "DataPage.h"
#include "GuiSettings.h"
#include "MainWindow.h"
#include "ModelPage.h"
#include "PageDriver.h"
#include "RecipePage.h"
#include "ResultsModel.h"
#include "ResultsPage.h"
#include "RunPage.h"
#include "TaskPicker.h"
#include "TestPaths.h"

#include <QCheckBox>
#include <QComboBox>
#include <QCoreApplication>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFile>
#include <QListWidget>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

using namespace qat;

class TestEndToEnd : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_settingsDir, m_workspace;

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(m_settingsDir.isValid() && m_workspace.isValid());
        test::isolateSettings(m_settingsDir.path(), m_workspace.path());
    }

    void quantizeThroughThePages() {
        MainWindow window;
        window.show();
        auto* navigation = window.findChild<QListWidget*>(QStringLiteral("navigation"));
        QVERIFY(navigation);
        QCOMPARE(navigation->count(), 5);

        // Model
        QVERIFY(window.openModel(test::sharedPath("models/stories260K")));
        // Recipe, Data
        test::chooseRecipe(window, {Method::BlockAp, 2, 64, 1, 1e-3, 1e-3});
        test::chooseData(window, {test::sharedPath("data/tinystories-gen/calib.txt"),
                                  test::sharedPath("data/tinystories-gen/eval.txt"), 64, 16, 2, 20});
        TaskPicker* tasks = window.findChild<DataPage*>()->taskPicker();
        tasks->setTaskDir(test::sharedPath("data/zeroshot"));
        window.findChild<QCheckBox*>(QStringLiteral("taskCheck_arc_easy"))->click();
        window.findChild<QCheckBox*>(QStringLiteral("taskCheck_winogrande"))->click();
        window.findChild<QSpinBox*>(QStringLiteral("taskLimitSpin"))->setValue(8);
        // Run
        navigation->setCurrentRow(3);
        RunPage* run = window.runPage();
        QVERIFY(run->job().has_value());
        QCOMPARE(run->job()->method, Method::BlockAp);
        QVERIFY(QString::fromStdString(run->job()->out.string()).startsWith(m_workspace.path()));
        QSignalSpy finished(run, &RunPage::runFinished);
        auto* start = run->findChild<QPushButton*>(QStringLiteral("startButton"));
        QVERIFY(start->isEnabled());
        QTest::mouseClick(start, Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 300000);
        const RunOutcome outcome = run->lastOutcome();
        QVERIFY2(outcome.ok(), qPrintable(outcome.message));
        QCOMPARE(outcome.stages, (QStringList{"fp", "block-ap"}));
        const double fp = outcome.perplexity.at(0).at(0), quantized = outcome.perplexity.at(1).at(0);
        qInfo("stories260K through the pages: fp %.4f, Block-AP W2 g64 %.4f", fp, quantized);
        QVERIFY(std::abs(fp - 3.4252) < 0.01); // the first 20 windows of 512 of eval.txt
        QVERIFY(quantized > fp && std::isfinite(quantized));
        QVERIFY(QFile::exists(outcome.runFolder + "/quantized.safetensors"));
        QCOMPARE(run->job()->evalTasks, (std::vector<std::string>{"arc_easy", "winogrande"}));
        QCOMPARE(outcome.accuracy.size(), 2);
        auto* accuracyTable = run->findChild<QTableWidget*>(QStringLiteral("accuracyTable"));
        QVERIFY(accuracyTable && accuracyTable->isVisible());
        QCOMPARE(accuracyTable->rowCount(), 2);
        QCOMPARE(accuracyTable->columnCount(), 3);
        for (int s = 0; s < 2; ++s)
            for (int t = 0; t < 2; ++t) {
                const double a = outcome.accuracy.at(s).at(t);
                QVERIFY(a >= 0 && a <= 1 && std::abs(a * 8 - std::round(a * 8)) < 1e-9); // k of 8 items
                QCOMPARE(accuracyTable->item(s, t)->data(Qt::UserRole).toDouble(), a);
            }
        qInfo("zero-shot acc (first 8 items): fp %.3f / %.3f, Block-AP W2 g64 %.3f / %.3f",
              outcome.accuracy[0][0], outcome.accuracy[0][1], outcome.accuracy[1][0], outcome.accuracy[1][1]);

        // Results: the run is in the table with the numbers the Run page got.
        navigation->setCurrentRow(4);
        ResultsPage* results = window.resultsPage();
        QCOMPARE(results->model()->runs().size(), 1);
        const ResultsModel& table = *results->model();
        QStringList seen;
        for (int r = 0; r < table.rowCount(); ++r) {
            const double ppl =
                table.index(r, ResultsModel::FirstPerplexityColumn).data(ResultsModel::RawRole).toDouble();
            seen << table.rows()[r].stage;
            const int stage = table.rows()[r].stage == QLatin1String("fp") ? 0 : 1;
            // The Results table's accuracy columns read the run's eval.json back.
            QCOMPARE(table.taskSets(), (QStringList{"arc_easy · 8", "winogrande · 8"}));
            for (int t = 0; t < 2; ++t)
                QCOMPARE(
                    table.index(r, table.firstAccuracyColumn() + t).data(ResultsModel::RawRole).toDouble(),
                    outcome.accuracy.at(stage).at(t));
            if (table.rows()[r].stage == QLatin1String("fp")) QCOMPARE(ppl, fp);
            if (table.rows()[r].stage == QLatin1String("block-ap")) {
                QCOMPARE(ppl, quantized);
                QCOMPARE(table.rows()[r].runFolder, outcome.runFolder);
                QCOMPARE(table.index(r, ResultsModel::MethodColumn).data().toString(),
                         QStringLiteral("Block-AP W2 g64"));
            }
        }
        QCOMPARE(seen, (QStringList{"fp", "block-ap"}));
    }

    // qat-studio --model DIR --calibration FILE --eval FILE --preset FILE (what installer/demo.sh
    // starts): the pages hold them and the Run page is ready to start the preset's job.
    void startupOptionsFillThePages() {
        MainWindow window;
        StartupOptions options;
        options.model = test::sourcePath("resources/demo/stories260K");
        options.calibration = {test::sourcePath("resources/demo/text/calib.txt")};
        options.evaluation = {test::sourcePath("resources/demo/text/eval.txt")};
        options.preset = test::sourcePath("resources/presets/efficientqat-w2g64-demo.json");
        QString error;
        QVERIFY2(window.applyStartupOptions(options, &error), qPrintable(error));
        QCOMPARE(window.modelPage()->currentFolder(), QDir(options.model).absolutePath());
        auto* navigation = window.findChild<QListWidget*>(QStringLiteral("navigation"));
        QCOMPARE(navigation->currentRow(), int(MainWindow::RunPageIndex));
        const QuantizeJob job = window.currentJob();
        QCOMPARE(job.method, Method::EfficientQat);
        QCOMPARE(job.spec.bits, 2);
        QCOMPARE(job.spec.groupSize, 64);
        QCOMPARE(job.calibration.seqlen, 256);
        QCOMPARE(job.calibration.trainWindows, 1024);
        QCOMPARE(job.calibration.valWindows, 16);
        QCOMPARE(job.blockAp.weightLr, 1e-3);
        QCOMPARE(job.e2e.lr, 1e-3);
        QCOMPARE(job.evalSeqlen, 512); // the preset's, which no page shows
        QCOMPARE(job.calibration.files.size(), size_t(1));
        QCOMPARE(QString::fromStdString(job.calibration.files[0].string()), options.calibration[0]);
        QCOMPARE(job.evalFiles.size(), size_t(1));
        QCOMPARE(QString::fromStdString(job.evalFiles[0].string()), options.evaluation[0]);
        RunPage* run = window.runPage();
        QVERIFY(run->job().has_value());
        QCOMPARE(run->job()->method, Method::EfficientQat);
        QVERIFY(run->findChild<QPushButton*>(QStringLiteral("startButton"))->isEnabled());

        // What cannot be opened is said, and the rest still applies.
        MainWindow other;
        StartupOptions bad = options;
        bad.calibration = {QStringLiteral("/nonexistent/calib.txt")};
        QVERIFY(!other.applyStartupOptions(bad, &error));
        QVERIFY2(error.contains(QStringLiteral("/nonexistent/calib.txt")), qPrintable(error));
        QCOMPARE(other.currentJob().spec.bits, 2);
        QCOMPARE(other.findChild<QListWidget*>(QStringLiteral("navigation"))->currentRow(),
                 int(MainWindow::ModelPageIndex));
    }
};

QTEST_MAIN(TestEndToEnd)
#include "TestEndToEnd.moc"
