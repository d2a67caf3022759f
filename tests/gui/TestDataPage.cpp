// SPDX-License-Identifier: GPL-3.0-or-later
// The Data page: files and window settings write the job; the token preview counts with
// the model's tokenizer and says whether the text is long enough.

#include "DataPage.h"
#include "TestPaths.h"

#include <QCheckBox>
#include <QSpinBox>
#include <QTest>

using namespace qat;

class TestDataPage : public QObject {
    Q_OBJECT

private Q_SLOTS:
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
};

QTEST_MAIN(TestDataPage)
#include "TestDataPage.moc"
