// SPDX-License-Identifier: GPL-3.0-or-later
// The Recipe page: presets load into the fields (the bundled demo presets too), the
// fields write the job, bits per parameter follows bits and group, and a saved preset
// reads back the same and is accepted by the engine's own parser.

#include "RecipePage.h"
#include "TestPaths.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFile>
#include <QLabel>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>

using namespace qat;

class TestRecipePage : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void loadsTheDemoPreset() {
        RecipePage page;
        QString error;
        QVERIFY2(page.loadPreset(QStringLiteral(QAT_SOURCE_DIR "/resources/presets/efficientqat-w2g64-demo.json"), &error),
                 qPrintable(error));
        QuantizeJob job;
        page.applyTo(job);
        QCOMPARE(job.method, Method::EfficientQat);
        QCOMPARE(job.spec.bits, 2);
        QCOMPARE(job.spec.groupSize, int64_t(64));
        QCOMPARE(job.blockAp.weightLr, 1e-3);
        QCOMPARE(job.e2e.gradientAccumulation, int64_t(1));
        QCOMPARE(page.findChild<QSpinBox*>(QStringLiteral("bitsSpin"))->value(), 2);
        // 2 + (16 + 2) / 64 bits per weight.
        QCOMPARE(page.findChild<QLabel*>(QStringLiteral("bitsPerParamLabel"))->text(), QStringLiteral("2.281"));
    }

    void fieldsWriteTheJobAndPresetsRoundTrip() {
        RecipePage page;
        page.findChild<QSpinBox*>(QStringLiteral("bitsSpin"))->setValue(3);
        auto* group = page.findChild<QComboBox*>(QStringLiteral("groupCombo"));
        group->setCurrentIndex(group->findData(128));
        page.findChild<QDoubleSpinBox*>(QStringLiteral("e2eLrSpin"))->setValue(3e-4);
        QCOMPARE(page.findChild<QLabel*>(QStringLiteral("bitsPerParamLabel"))->text(), QStringLiteral("3.148"));
        QTemporaryDir tmp;
        const QString file = tmp.path() + "/mine.json";
        QString error;
        QVERIFY2(page.savePreset(file, &error), qPrintable(error));
        RecipePage other;
        QVERIFY2(other.loadPreset(file, &error), qPrintable(error));
        QuantizeJob a, b;
        page.applyTo(a);
        other.applyTo(b);
        QCOMPARE(b.spec.bits, 3);
        QCOMPARE(b.spec.groupSize, int64_t(128));
        QCOMPARE(b.e2e.lr, 3e-4);
        QCOMPARE(QString::fromStdString(jobConfigJson(b)), QString::fromStdString(jobConfigJson(a)));
    }

    void aBrokenPresetSaysWhy() {
        QTemporaryDir tmp;
        QFile f(tmp.path() + "/bad.json");
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(R"({"bitz": 3})");
        f.close();
        RecipePage page;
        QString error;
        QVERIFY(!page.loadPreset(f.fileName(), &error));
        QVERIFY2(error.contains(QStringLiteral("bitz")), qPrintable(error));
    }
};

QTEST_MAIN(TestRecipePage)
#include "TestRecipePage.moc"
