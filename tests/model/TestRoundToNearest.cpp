// SPDX-License-Identifier: GPL-3.0-or-later
// Round-to-nearest quantization of stories260K against the perplexities measured with an
// independent reference (../shared/README.md), and the checks of bad settings.
#include "TestPaths.h"

#include "qat/Evaluation.h"
#include "qat/Model.h"
#include "qat/Quantization.h"

#include <QtTest>

using namespace qat;

class TestRoundToNearest : public QObject {
    Q_OBJECT

private:
    static std::string modelDir() { return test::sharedPath("models/stories260K").toStdString(); }
    static std::string evalFile() { return test::sharedPath("data/tinystories-gen/eval.txt").toStdString(); }

private Q_SLOTS:
    void perplexityMatchesReference_data() {
        QTest::addColumn<int>("bits");
        QTest::addColumn<qint64>("group");
        QTest::addColumn<double>("expected"); // first 100 windows of eval.txt, seqlen 512
        QTest::newRow("W4 g64") << 4 << qint64(64) << 3.956;
        QTest::newRow("W3 g64") << 3 << qint64(64) << 8.106;
        QTest::newRow("W2 g64") << 2 << qint64(64) << 392.3;
        QTest::newRow("W2 g32") << 2 << qint64(32) << 303.2;
    }
    void perplexityMatchesReference() {
        QFETCH(int, bits);
        QFETCH(qint64, group);
        QFETCH(double, expected);
        std::unique_ptr<Model> model;
        Status st = Model::load(modelDir(), LoadOptions{}, model);
        QVERIFY2(st.ok(), st.message.c_str());
        st = quantizeRoundToNearest(*model, QuantSpec{bits, group});
        QVERIFY2(st.ok(), st.message.c_str());
        PerplexityOptions o;
        o.seqlen = 512;
        o.batchSize = 8;
        o.maxWindows = 100;
        PerplexityResult r;
        st = evaluatePerplexity(*model, evalFile(), o, r);
        QVERIFY2(st.ok(), st.message.c_str());
        QCOMPARE(r.windows, int64_t(100));
        qInfo("RTN W%d g%lld: ppl %.4f (reference %.4g)", bits, static_cast<long long>(group), r.perplexity,
              expected);
        QVERIFY2(std::abs(r.perplexity / expected - 1.0) <= 0.005,
                 qPrintable(QString("ppl %1, reference %2").arg(r.perplexity, 0, 'f', 4).arg(expected)));
    }

    void badSpecIsRefused_data() {
        QTest::addColumn<int>("bits");
        QTest::addColumn<qint64>("group");
        QTest::addColumn<QString>("message");
        QTest::newRow("bits 1") << 1 << qint64(64) << "bits must be between 2 and 8, got 1";
        QTest::newRow("bits 9") << 9 << qint64(64) << "bits must be between 2 and 8, got 9";
        QTest::newRow("bits 16") << 16 << qint64(64) << "bits must be between 2 and 8, got 16";
        QTest::newRow("group -1") << 4 << qint64(-1)
                                  << "group size must be positive (or 0 for whole rows), got -1";
        QTest::newRow("group 256")
            << 4 << qint64(256)
            << "group size 256 is larger than every input dimension of the model (largest 172)";
    }
    void badSpecIsRefused() {
        QFETCH(int, bits);
        QFETCH(qint64, group);
        QFETCH(QString, message);
        std::unique_ptr<Model> model;
        QVERIFY(Model::load(modelDir(), LoadOptions{}, model).ok());
        const QuantSpec spec{bits, group};
        Status st = validate(spec, model->config());
        QCOMPARE(st.kind, ErrorKind::BadInput);
        QCOMPARE(QString::fromStdString(st.message), message);
        // quantizeRoundToNearest refuses it the same way and leaves the model as it was.
        std::vector<float> before, after;
        QVERIFY(model->lastLogits({1, 403, 407}, before).ok());
        st = quantizeRoundToNearest(*model, spec);
        QCOMPARE(st.kind, ErrorKind::BadInput);
        QCOMPARE(QString::fromStdString(st.message), message);
        QVERIFY(model->lastLogits({1, 403, 407}, after).ok());
        QCOMPARE(after, before);
    }

    void goodSpecsAreAccepted_data() {
        QTest::addColumn<int>("bits");
        QTest::addColumn<qint64>("group");
        QTest::newRow("W2 whole row") << 2 << qint64(0);
        QTest::newRow("W8 g128 (whole row where in = 64)") << 8 << qint64(128);
        QTest::newRow("W3 g172") << 3 << qint64(172);
    }
    void goodSpecsAreAccepted() {
        QFETCH(int, bits);
        QFETCH(qint64, group);
        std::unique_ptr<Model> model;
        QVERIFY(Model::load(modelDir(), LoadOptions{}, model).ok());
        Status st = quantizeRoundToNearest(*model, QuantSpec{bits, group});
        QVERIFY2(st.ok(), st.message.c_str());
        std::vector<float> logits;
        QVERIFY(model->lastLogits({1, 403, 407}, logits).ok());
        QVERIFY(std::all_of(logits.begin(), logits.end(), [](float v) { return std::isfinite(v); }));
    }

    void bitsPerParameterConvention() {
        QCOMPARE(bitsPerParameter(QuantSpec{4, 128}), 4.0 + 20.0 / 128);
        QCOMPARE(bitsPerParameter(QuantSpec{2, 64}), 2.0 + 18.0 / 64);
        QCOMPARE(bitsPerParameter(QuantSpec{3, 0}), 3.0);
        QCOMPARE(bitsPerParameter(QuantSpec{3, 0}, 172), 3.0 + 19.0 / 172);
    }
};

QTEST_GUILESS_MAIN(TestRoundToNearest)
#include "TestRoundToNearest.moc"
