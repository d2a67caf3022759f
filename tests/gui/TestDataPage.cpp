// SPDX-License-Identifier: GPL-3.0-or-later
// The Data page: files and window settings write the job; the token preview counts with
// the model's tokenizer and says whether the text is long enough; the zero-shot box counts
// each task file's items, refuses a malformed one naming its file and line, remembers its
// folder and estimates the cost.

#include "DataPage.h"
#include "GuiSettings.h"
#include "TaskPicker.h"
#include "TestPaths.h"

#include <QCheckBox>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QSettings>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>

using namespace qat;

class TestDataPage : public QObject {
    Q_OBJECT

    QTemporaryDir m_settingsDir, m_workspace;

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(m_settingsDir.isValid() && m_workspace.isValid());
        test::isolateSettings(m_settingsDir.path(), m_workspace.path());
    }

    void writesTheJobAndPreviewsTokens() {
        DataPage page;
        page.setTokenizerFile(test::sharedPath("models/stories260K/tokenizer.model"));
        page.addCalibrationFile(test::sharedPath("data/tinystories-gen/calib.txt"));
        page.addEvaluationFile(test::sharedPath("data/tinystories-gen/eval.txt"));
        page.findChild<QSpinBox*>(QStringLiteral("seqlenSpin"))->setValue(256);
        page.findChild<QSpinBox*>(QStringLiteral("trainWindowsSpin"))->setValue(1024);
        page.findChild<QSpinBox*>(QStringLiteral("valWindowsSpin"))->setValue(16);
        QuantizeJob job;
        page.applyTo(job);
        QCOMPARE(job.calibration.files.size(), size_t(1));
        QCOMPARE(job.evalFiles.size(), size_t(1));
        QCOMPARE(job.calibration.seqlen, int64_t(256));
        QCOMPARE(job.calibration.trainWindows, int64_t(1024));
        QCOMPARE(job.generatedDocuments, int64_t(0));
        // The demo text holds well over 1040 × 256 tokens.
        QVERIFY2(page.calibrationTokens() > 1040 * 256, qPrintable(page.previewText()));
        QVERIFY2(page.previewText().contains(QStringLiteral("enough")), qPrintable(page.previewText()));
        page.findChild<QSpinBox*>(QStringLiteral("trainWindowsSpin"))->setValue(100000);
        QVERIFY2(page.previewText().contains(QStringLiteral("too short")), qPrintable(page.previewText()));

        page.findChild<QCheckBox*>(QStringLiteral("selfGeneratedCheck"))->setChecked(true);
        page.findChild<QSpinBox*>(QStringLiteral("generatedSpin"))->setValue(64);
        page.applyTo(job);
        QCOMPARE(job.generatedDocuments, int64_t(64));
        QVERIFY(job.calibration.files.empty());
    }

    void zeroShotTasks() {
        const QString shared = test::sharedPath("data/zeroshot");
        {
            DataPage page;
            auto* arc = page.findChild<QCheckBox*>(QStringLiteral("taskCheck_arc_easy"));
            QVERIFY(arc);
            QVERIFY(!arc->isEnabled()); // no folder yet
            QVERIFY(page.taskPicker()->estimateText().contains(QStringLiteral("folder")));
            page.setTokenizerFile(test::sharedPath("models/stories260K/tokenizer.model"));
            page.setModelParameters(260000);
            page.taskPicker()->setTaskDir(shared);
            QVERIFY(arc->isEnabled());
            QCOMPARE(arc->text(), QStringLiteral("ARC-Easy (2,376 items)"));
            QCOMPARE(page.findChild<QCheckBox*>(QStringLiteral("taskCheck_hellaswag"))->text(),
                     QStringLiteral("HellaSwag (10,042 items)"));
            arc->click();
            page.findChild<QCheckBox*>(QStringLiteral("taskCheck_winogrande"))->click();
            page.findChild<QSpinBox*>(QStringLiteral("taskLimitSpin"))->setValue(100);
            const QString estimate = page.taskPicker()->estimateText();
            QVERIFY2(estimate.startsWith(QStringLiteral("200 items per evaluation, about ")) &&
                         estimate.contains(QStringLiteral("CPU")),
                     qPrintable(estimate));
            QuantizeJob job;
            page.applyTo(job);
            QCOMPARE(job.evalTasks, (std::vector<std::string>{"arc_easy", "winogrande"}));
            QCOMPARE(QString::fromStdString(job.taskDir.string()), shared);
            QCOMPARE(job.taskLimit, int64_t(100));
            QCOMPARE(job.taskAddBos, false);
            // And back.
            job.evalTasks = {"boolq"};
            job.taskAddBos = true;
            page.setFrom(job);
            QuantizeJob again;
            page.applyTo(again);
            QCOMPARE(again.evalTasks, std::vector<std::string>{"boolq"});
            QCOMPARE(again.taskAddBos, true);
        }
        // The folder is remembered for the next session.
        QCOMPARE(QSettings().value(QStringLiteral("zeroShot/taskDir")).toString(), shared);
        DataPage next;
        QCOMPARE(next.findChild<QLineEdit*>(QStringLiteral("taskDirEdit"))->text(), shared);

        // A malformed task file cannot be chosen; its box names the file and the line.
        QTemporaryDir bad;
        QFile f(bad.filePath(QStringLiteral("piqa.jsonl")));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(R"({"id": "0", "context": "Q", "choices": [" a", " b"], "gold": 5, "norm_len": [1, 1]})"
                "\n");
        f.close();
        next.taskPicker()->setTaskDir(bad.path());
        auto* piqa = next.findChild<QCheckBox*>(QStringLiteral("taskCheck_piqa"));
        QVERIFY(!piqa->isEnabled());
        QVERIFY2(piqa->toolTip().contains(bad.filePath(QStringLiteral("piqa.jsonl")) + ": line 1") &&
                     piqa->toolTip().contains(QStringLiteral("'gold'")),
                 qPrintable(piqa->toolTip()));
        QVERIFY2(next.findChild<QCheckBox*>(QStringLiteral("taskCheck_boolq"))
                     ->toolTip()
                     .contains(QStringLiteral("not found")),
                 qPrintable(next.findChild<QCheckBox*>(QStringLiteral("taskCheck_boolq"))->toolTip()));
    }
};

QTEST_MAIN(TestDataPage)
#include "TestDataPage.moc"
