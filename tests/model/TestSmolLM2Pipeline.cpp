// SPDX-License-Identifier: GPL-3.0-or-later
// SmolLM2-135M-Instruct through the whole pipeline as a user runs it with qat-cli, on settings a
// CI machine affords (a few training steps on the C4 sample, perplexity on two windows of 512
// WikiText-2 tokens): RTN, Block-AP, EfficientQAT and LR-QAT; GPTQ and dequantized exports
// reloaded; an EfficientQAT run killed after a block and resumed. The full-size quality table is
// the benchmark tests/bench/bench_quality_smollm2.py.
#include "CliProcess.h"
#include "RunInterrupt.h"
#include "SmolLM2.h"
#include "TestPaths.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <csignal>

class TestSmolLM2Pipeline : public QObject {
    Q_OBJECT

private:
    using Result = qat::test::CliResult;
    QTemporaryDir m_tmp;
    QByteArray m_efficientQat; // quantized.safetensors of the uninterrupted EfficientQAT run
    double m_efficientQatPpl = 0;
    double m_rtnW3 = 0;

    static QString model() { return qat::test::smolLM2Folder(); }
    static QString wiki() { return qat::test::sharedPath("data/wikitext-2-raw/wiki.test.raw"); }
    static QString c4() { return qat::test::sharedPath("data/c4/c4-train-sample-1000.jsonl"); }
    QString out(const QString& name) const { return m_tmp.filePath(name); }

    static Result run(const QStringList& args) { return qat::test::runCli(args, 900000); }
    static QStringList evalArgs() {
        return {"--eval", wiki(), "--eval-seqlen", "512", "--eval-max-windows", "2"};
    }
    static QStringList width(int bits, int group) {
        return {"--bits", QString::number(bits), "--group", QString::number(group)};
    }
    // Calibration on the C4 sample, a handful of steps; one thread, so that a resumed run can be
    // compared byte for byte with an uninterrupted one.
    static QStringList calibArgs() {
        return {"--calib",       c4(), "--seqlen",  "128", "--train-windows", "16",
                "--val-windows", "4",  "--threads", "1"};
    }
    QStringList efficientQatArgs(const QString& folder) const {
        return QStringList{"quantize", "-m", model(), "--method", "efficientqat"} + width(3, 128) +
               calibArgs() +
               QStringList{"--weight-lr",        "1e-4", "--quant-lr", "1e-3", "--e2e-lr", "1e-4",
                           "--e2e-accumulation", "1",    "--out",      folder};
    }

    // The perplexity of each stage in RUN/eval.json, by stage name.
    static QMap<QString, double> stages(const QString& run) {
        QFile f(run + "/eval.json");
        QMap<QString, double> m;
        if (!f.open(QIODevice::ReadOnly)) return m;
        for (const QJsonValue& s : QJsonDocument::fromJson(f.readAll()).object()["stages"].toArray()) {
            const QJsonObject results = s.toObject()["results"].toObject();
            if (!results.isEmpty())
                m[s.toObject()["stage"].toString()] = results.begin()->toObject()["perplexity"].toDouble();
        }
        return m;
    }
    // `qat-cli eval` on the same two windows: of a model folder (-m) or of a run (--run).
    static double perplexity(const QString& option, const QString& folder) {
        const Result r =
            run({"eval", option, folder, "-d", wiki(), "--seqlen", "512", "--max-windows", "2", "--json"});
        if (r.code != 0) qWarning("%s", qPrintable(r.err));
        return r.code == 0 ? QJsonDocument::fromJson(r.out.toUtf8()).object()["perplexity"].toDouble() : -1;
    }
    static double fullPrecision() {
        static const double fp = perplexity("-m", model());
        return fp;
    }

private Q_SLOTS:
    void initTestCase() {
        QVERIFY2(QFile::exists(qEnvironmentVariable("QAT_CLI")), "QAT_CLI is not set");
        QVERIFY(m_tmp.isValid());
        QVERIFY(fullPrecision() > 1.0);
    }

    // RTN at W4 g128 and W3 g128: the run's own before/after table agrees with qat-cli eval, and
    // the quantized model is worse than full precision (the 3-bit one far worse).
    void roundToNearest() {
        const Result w4 = run(QStringList{"quantize", "-m", model(), "--method", "rtn"} + width(4, 128) +
                              evalArgs() + QStringList{"--out", out("rtn-w4")});
        QVERIFY2(w4.code == 0, qPrintable(w4.err));
        const QMap<QString, double> s = stages(out("rtn-w4"));
        QVERIFY2(s.contains("fp") && s.contains("rtn"), qPrintable(w4.out));
        QVERIFY(std::abs(s["fp"] / fullPrecision() - 1) < 1e-6);
        QVERIFY(std::abs(perplexity("--run", out("rtn-w4")) / s["rtn"] - 1) < 1e-6);
        qInfo("fp %.4f, RTN W4 g128 %.4f", s["fp"], s["rtn"]);
        QVERIFY(s["rtn"] > s["fp"] && s["rtn"] < 2 * s["fp"]);

        const Result w3 = run(QStringList{"quantize", "-m", model(), "--method", "rtn"} + width(3, 128) +
                              QStringList{"--out", out("rtn-w3")});
        QVERIFY2(w3.code == 0, qPrintable(w3.err));
        m_rtnW3 = perplexity("--run", out("rtn-w3"));
        qInfo("RTN W3 g128 %.4f", m_rtnW3);
        QVERIFY(m_rtnW3 > 2 * s["rtn"]);
    }

    // Block-AP alone at W3 g128, eight steps per block, already improves on RTN.
    void blockAp() {
        QVERIFY(m_rtnW3 > 0);
        const Result r =
            run(QStringList{"quantize", "-m", model(), "--method", "block-ap"} + width(3, 128) + calibArgs() +
                QStringList{"--weight-lr", "1e-4", "--quant-lr", "1e-3", "--out", out("block-ap")});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        int finished = 0;
        for (const QJsonObject& e : qat::test::runEvents(out("block-ap")))
            finished += e["event"].toString() == "block_finished";
        QCOMPARE(finished, 30);
        const double ppl = perplexity("--run", out("block-ap"));
        qInfo("Block-AP W3 g128 %.4f (RTN %.4f)", ppl, m_rtnW3);
        QVERIFY(ppl < 0.9 * m_rtnW3);
    }

    // EfficientQAT (Block-AP, then E2E-QP) at W3 g128, with its perplexity table.
    void efficientQat() {
        QVERIFY(m_rtnW3 > 0);
        const Result r = run(efficientQatArgs(out("efficientqat")) + evalArgs());
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const QMap<QString, double> s = stages(out("efficientqat"));
        QVERIFY2(s.contains("block-ap") && s.contains("block-ap+e2e-qp"), qPrintable(r.out));
        m_efficientQatPpl = s["block-ap+e2e-qp"];
        qInfo("EfficientQAT W3 g128: Block-AP %.4f, + E2E-QP %.4f (RTN %.4f)", s["block-ap"],
              m_efficientQatPpl, m_rtnW3);
        QVERIFY(m_efficientQatPpl < 0.9 * m_rtnW3);
        QVERIFY(std::abs(perplexity("--run", out("efficientqat")) / m_efficientQatPpl - 1) < 1e-6);
        m_efficientQat = qat::test::quantizedState(out("efficientqat"));
        QVERIFY(m_efficientQat.size() > 1000000);
    }

    // The same run killed (SIGKILL) after its fourth block, then run again: it resumes from the
    // block checkpoint and ends byte for byte where the uninterrupted run ended.
    void killedRunResumes() {
        QVERIFY(!m_efficientQat.isEmpty());
        const QString folder = out("killed");
        QCOMPARE(qat::test::interruptRun(efficientQatArgs(folder), folder, "block_finished", "block", 3,
                                         SIGKILL, 600000),
                 -SIGKILL);
        QVERIFY(QFile::exists(folder + "/blocks/block-003.safetensors"));
        QVERIFY(!QFile::exists(folder + "/quantized.safetensors"));
        const Result again = run(efficientQatArgs(folder));
        QVERIFY2(again.code == 0, qPrintable(again.err));
        QVERIFY2(again.out.contains("restored from block-00"), qPrintable(again.out));
        QVERIFY2(qat::test::quantizedState(folder) == m_efficientQat,
                 "the resumed run differs from the uninterrupted one");
    }

    // Both export formats of the EfficientQAT run load back as model folders and compute what the
    // run computes: the packed GPTQ folder within 0.1% (its float16 scales), float32
    // dequantized weights within 1e-5.
    void exportsReload() {
        QVERIFY(m_efficientQatPpl > 0);
        const Result gptq =
            run({"export", "--run", out("efficientqat"), "--format", "gptq", "--out", out("gptq")});
        QVERIFY2(gptq.code == 0, qPrintable(gptq.err));
        const Result fake = run({"export", "--run", out("efficientqat"), "--format", "fake", "--dtype",
                                 "float32", "--out", out("fake")});
        QVERIFY2(fake.code == 0, qPrintable(fake.err));
        for (const QString& folder : {out("gptq"), out("fake")}) {
            QVERIFY(QFile::exists(folder + "/tokenizer.json"));
            const Result inspect = run({"inspect", folder, "--json"});
            QVERIFY2(inspect.code == 0, qPrintable(inspect.err));
            QCOMPARE(QJsonDocument::fromJson(inspect.out.toUtf8())
                         .object()["tokenizer"]
                         .toObject()["bos_id"]
                         .toInt(),
                     1);
        }
        const double packed = perplexity("-m", out("gptq"));
        const double dequantized = perplexity("-m", out("fake"));
        qInfo("EfficientQAT W3 g128: run %.6f, GPTQ export %.6f, dequantized export %.6f", m_efficientQatPpl,
              packed, dequantized);
        QVERIFY(std::abs(packed / m_efficientQatPpl - 1) < 1e-3);
        QVERIFY(std::abs(dequantized / m_efficientQatPpl - 1) < 1e-5);
    }

    // LR-QAT at W3 g128 (symmetric integers, low-rank adapters inside the rounding, merged at the
    // end) against its starting point, symmetric RTN with the same Lp range search.
    void lrQat() {
        const Result sym = run(QStringList{"quantize", "-m", model(), "--method", "rtn", "--symmetric"} +
                               width(3, 128) + QStringList{"--out", out("rtn-sym-w3")});
        QVERIFY2(sym.code == 0, qPrintable(sym.err));
        const double start = perplexity("--run", out("rtn-sym-w3"));
        const Result r =
            run(QStringList{"quantize", "-m", model(), "--method", "lr-qat"} + width(3, 128) + calibArgs() +
                evalArgs() + QStringList{"--lr-qat-lr", "1e-2", "--out", out("lr-qat")});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains("adapters merged into the integers"), qPrintable(r.out));
        const QMap<QString, double> s = stages(out("lr-qat"));
        QVERIFY2(s.contains("lr-qat"), qPrintable(r.out));
        qInfo("LR-QAT W3 g128 %.4f (symmetric RTN %.4f, fp %.4f)", s["lr-qat"], start, fullPrecision());
        QVERIFY(s["lr-qat"] > fullPrecision() && s["lr-qat"] < start);
        QVERIFY(std::abs(perplexity("--run", out("lr-qat")) / s["lr-qat"] - 1) < 1e-6);
    }
};

QAT_SMOLLM2_TEST_MAIN(QCoreApplication, TestSmolLM2Pipeline)
#include "TestSmolLM2Pipeline.moc"
