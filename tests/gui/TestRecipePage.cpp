// SPDX-License-Identifier: GPL-3.0-or-later
// The Recipe page: presets load into the fields (the bundled demo presets too), the
// fields write the job, bits per parameter follows bits and group, a saved preset reads
// back the same and is accepted by the engine's own parser, LR-QAT's fields write its
// options, and the Advanced section shows only the chosen method's fields.

#include "RecipePage.h"
#include "TestPaths.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFile>
#include <QFormLayout>
#include <QGroupBox>
#include <QJsonDocument>
#include <QJsonObject>
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
        QVERIFY2(
            page.loadPreset(QStringLiteral(QAT_SOURCE_DIR "/resources/presets/efficientqat-w2g64-demo.json"),
                            &error),
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
        QCOMPARE(page.findChild<QLabel*>(QStringLiteral("bitsPerParamLabel"))->text(),
                 QStringLiteral("2.281"));
    }

    void fieldsWriteTheJobAndPresetsRoundTrip() {
        RecipePage page;
        page.findChild<QSpinBox*>(QStringLiteral("bitsSpin"))->setValue(3);
        auto* group = page.findChild<QComboBox*>(QStringLiteral("groupCombo"));
        group->setCurrentIndex(group->findData(128));
        page.findChild<QDoubleSpinBox*>(QStringLiteral("e2eLrSpin"))->setValue(3e-4);
        QCOMPARE(page.findChild<QLabel*>(QStringLiteral("bitsPerParamLabel"))->text(),
                 QStringLiteral("3.148"));
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

    void lrQatFieldsWriteTheJob() {
        RecipePage page;
        auto* method = page.findChild<QComboBox*>(QStringLiteral("methodCombo"));
        const int lrQat = method->findData(int(Method::LrQat));
        QVERIFY(lrQat >= 0);
        method->setCurrentIndex(lrQat);
        page.findChild<QSpinBox*>(QStringLiteral("lrQatRankSpin"))->setValue(8);
        page.findChild<QDoubleSpinBox*>(QStringLiteral("lrQatAlphaSpin"))->setValue(16.0);
        page.findChild<QDoubleSpinBox*>(QStringLiteral("lrQatLrSpin"))->setValue(2e-3);
        page.findChild<QDoubleSpinBox*>(QStringLiteral("lrQatScaleLrSpin"))->setValue(3e-5);
        page.findChild<QSpinBox*>(QStringLiteral("lrQatStepsSpin"))->setValue(40);
        page.findChild<QSpinBox*>(QStringLiteral("lrQatBatchSpin"))->setValue(4);
        auto* phi0 = page.findChild<QComboBox*>(QStringLiteral("phi0Combo"));
        phi0->setCurrentIndex(phi0->findText(QStringLiteral("bfloat16")));
        auto* range = page.findChild<QComboBox*>(QStringLiteral("rangeCombo"));
        range->setCurrentIndex(range->findData(int(RangeInit::MinMax)));
        // Epochs do not count once steps are given; p only for the Lp search.
        QVERIFY(!page.findChild<QSpinBox*>(QStringLiteral("lrQatEpochsSpin"))->isEnabled());
        QVERIFY(!page.findChild<QDoubleSpinBox*>(QStringLiteral("lpNormSpin"))->isEnabled());

        QuantizeJob job;
        page.applyTo(job);
        QCOMPARE(job.method, Method::LrQat);
        QCOMPARE(job.lrQat.rank, int64_t(8));
        QCOMPARE(job.lrQat.alpha, 16.0);
        QCOMPARE(job.lrQat.lr, 2e-3);
        QCOMPARE(job.lrQat.scaleLr, 3e-5);
        QCOMPARE(job.lrQat.steps, int64_t(40));
        QCOMPARE(job.lrQat.batchSize, int64_t(4));
        QCOMPARE(job.lrQat.phi0, Phi0Storage::BFloat16);
        QCOMPARE(job.lrQat.range, RangeInit::MinMax);

        // The engine's JSON of the job, and a preset that reads back into another page.
        const QJsonObject config =
            QJsonDocument::fromJson(QByteArray::fromStdString(jobConfigJson(job))).object();
        QCOMPARE(config.value("method").toString(), QStringLiteral("lr-qat"));
        const QJsonObject l = config.value("lr_qat").toObject();
        QCOMPARE(l.value("rank").toInt(), 8);
        QCOMPARE(l.value("phi0").toString(), QStringLiteral("bfloat16"));
        QCOMPARE(l.value("range").toString(), QStringLiteral("minmax"));
        QCOMPARE(l.value("steps").toInt(), 40);
        QTemporaryDir tmp;
        QString error;
        QVERIFY2(page.savePreset(tmp.path() + "/lr-qat.json", &error), qPrintable(error));
        RecipePage other;
        QVERIFY2(other.loadPreset(tmp.path() + "/lr-qat.json", &error), qPrintable(error));
        QCOMPARE(other.findChild<QComboBox*>(QStringLiteral("methodCombo"))->currentData().toInt(),
                 int(Method::LrQat));
        QCOMPARE(other.findChild<QSpinBox*>(QStringLiteral("lrQatRankSpin"))->value(), 8);
        QCOMPARE(other.findChild<QComboBox*>(QStringLiteral("phi0Combo"))->currentText(),
                 QStringLiteral("bfloat16"));
        QuantizeJob back;
        other.applyTo(back);
        QCOMPARE(back.lrQat.scaleLr, 3e-5);
        QCOMPARE(QString::fromStdString(jobConfigJson(back)), QString::fromStdString(jobConfigJson(job)));
    }

    // GPTQ from the method list: its fields write the job, and a preset reads back.
    void gptqFieldsWriteTheJob() {
        RecipePage page;
        auto* method = page.findChild<QComboBox*>(QStringLiteral("methodCombo"));
        method->setCurrentIndex(method->findData(int(Method::Gptq)));
        QVERIFY(method->currentIndex() >= 0);
        page.findChild<QDoubleSpinBox*>(QStringLiteral("gptqDampSpin"))->setValue(0.05);
        page.findChild<QSpinBox*>(QStringLiteral("gptqBlockSpin"))->setValue(64);
        page.findChild<QSpinBox*>(QStringLiteral("gptqBatchSpin"))->setValue(4);
        QuantizeJob job;
        page.applyTo(job);
        QCOMPARE(job.method, Method::Gptq);
        QCOMPARE(job.gptq.damp, 0.05);
        QCOMPARE(job.gptq.blockSize, int64_t(64));
        QCOMPARE(job.gptq.batchSize, int64_t(4));
        const QJsonObject config =
            QJsonDocument::fromJson(QByteArray::fromStdString(jobConfigJson(job))).object();
        QCOMPARE(config.value("method").toString(), QStringLiteral("gptq"));
        QCOMPARE(config.value("gptq").toObject().value("damp").toDouble(), 0.05);
        QVERIFY(!config.contains("block_ap") && !config.contains("lr_qat"));
        QTemporaryDir tmp;
        QString error;
        QVERIFY2(page.savePreset(tmp.path() + "/gptq.json", &error), qPrintable(error));
        RecipePage other;
        QVERIFY2(other.loadPreset(tmp.path() + "/gptq.json", &error), qPrintable(error));
        QuantizeJob back;
        other.applyTo(back);
        QCOMPARE(QString::fromStdString(jobConfigJson(back)), QString::fromStdString(jobConfigJson(job)));
    }

    void advancedShowsTheChosenMethod_data() {
        QTest::addColumn<int>("method");
        QTest::addColumn<QStringList>("shown");
        QTest::addColumn<QStringList>("hidden");
        const QStringList lrQat{"lrQatRankSpin",   "lrQatAlphaSpin", "lrQatLrSpin",    "lrQatScaleLrSpin",
                                "lrQatEpochsSpin", "lrQatStepsSpin", "lrQatBatchSpin", "phi0Combo"};
        QTest::newRow("efficientqat")
            << int(Method::EfficientQat) << QStringList{"epochsSpin", "weightLrSpin", "e2eLrSpin"}
            << lrQat + QStringList{"symmetricCheck", "rangeCombo", "lpNormSpin"};
        QTest::newRow("block-ap") << int(Method::BlockAp) << QStringList{"epochsSpin", "cacheDTypeCombo"}
                                  << lrQat + QStringList{"e2eLrSpin", "rangeCombo"};
        QTest::newRow("lr-qat") << int(Method::LrQat) << lrQat + QStringList{"rangeCombo", "lpNormSpin"}
                                << QStringList{"epochsSpin", "weightLrSpin", "e2eLrSpin",
                                               "e2eTrainZerosCheck", "symmetricCheck"};
        QTest::newRow("rtn") << int(Method::RoundToNearest) << QStringList{"symmetricCheck"}
                             << lrQat + QStringList{"epochsSpin", "e2eLrSpin", "rangeCombo", "lpNormSpin",
                                                    "gptqDampSpin"};
        QTest::newRow("gptq") << int(Method::Gptq)
                              << QStringList{"gptqDampSpin", "gptqBlockSpin", "gptqBatchSpin"}
                              << lrQat +
                                     QStringList{"epochsSpin", "e2eLrSpin", "symmetricCheck", "rangeCombo"};
    }

    void advancedShowsTheChosenMethod() {
        QFETCH(int, method);
        QFETCH(QStringList, shown);
        QFETCH(QStringList, hidden);
        RecipePage page;
        auto* advanced = page.findChild<QGroupBox*>(QStringLiteral("advancedBox"));
        auto* form = qobject_cast<QFormLayout*>(advanced->layout());
        QVERIFY(form);
        auto* combo = page.findChild<QComboBox*>(QStringLiteral("methodCombo"));
        combo->setCurrentIndex(combo->findData(method));
        advanced->setChecked(true);
        // A field and its form label are shown or hidden together.
        const auto visible = [&](const QString& name) {
            auto* w = page.findChild<QWidget*>(name);
            if (!w) qFatal("no %s", qPrintable(name));
            QWidget* label = form->labelForField(w);
            if (label && label->isVisibleTo(&page) != w->isVisibleTo(&page))
                qFatal("%s: label apart", qPrintable(name));
            return w->isVisibleTo(&page);
        };
        for (const QString& name : shown)
            QVERIFY2(visible(name), qPrintable(name));
        for (const QString& name : hidden)
            QVERIFY2(!visible(name), qPrintable(name));
        // Closed, the section shows nothing.
        advanced->setChecked(false);
        for (const QString& name : shown)
            QVERIFY2(!visible(name), qPrintable(name));
    }

    void symmetricRoundToNearest() {
        RecipePage page;
        auto* advanced = page.findChild<QGroupBox*>(QStringLiteral("advancedBox"));
        advanced->setChecked(true);
        auto* combo = page.findChild<QComboBox*>(QStringLiteral("methodCombo"));
        combo->setCurrentIndex(combo->findData(int(Method::RoundToNearest)));
        auto* range = page.findChild<QComboBox*>(QStringLiteral("rangeCombo"));
        QVERIFY(!range->isVisibleTo(&page));
        page.findChild<QCheckBox*>(QStringLiteral("symmetricCheck"))->setChecked(true);
        QVERIFY(range->isVisibleTo(&page));
        page.findChild<QDoubleSpinBox*>(QStringLiteral("lpNormSpin"))->setValue(3.0);
        QuantizeJob job;
        page.applyTo(job);
        QCOMPARE(job.method, Method::RoundToNearest);
        QVERIFY(job.quantizer.symmetric);
        QCOMPARE(job.quantizer.range, RangeInit::Lp);
        QCOMPARE(job.quantizer.p, 3.0);
        // And back: a symmetric min-max job shows as such.
        job.quantizer.range = RangeInit::MinMax;
        RecipePage other;
        other.setFrom(job);
        QVERIFY(other.findChild<QCheckBox*>(QStringLiteral("symmetricCheck"))->isChecked());
        QCOMPARE(other.findChild<QComboBox*>(QStringLiteral("rangeCombo"))->currentData().toInt(),
                 int(RangeInit::MinMax));
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
