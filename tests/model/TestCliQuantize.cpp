// SPDX-License-Identifier: GPL-3.0-or-later
// `qat-cli quantize` as a user runs it: RTN and Block-AP on stories260K with the
// before/after perplexity table, the run folder's files, and the bad-input exit codes.
#include "CliProcess.h"
#include "TestPaths.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>

class TestCliQuantize : public QObject {
    Q_OBJECT

private:
    using Result = qat::test::CliResult;
    static Result run(const QStringList& args) { return qat::test::runCli(args); }

    static QString stories() { return qat::test::sharedPath("models/stories260K"); }
    static QString evalFile() { return qat::test::sharedPath("data/tinystories-gen/eval.txt"); }
    static QString calibFile() { return qat::test::sharedPath("data/tinystories-gen/calib.txt"); }

    // The perplexity printed for `stage` in the table (the first eval file), or -1.
    static double tablePerplexity(const QString& out, const QString& stage) {
        const QRegularExpression re(
            QStringLiteral("^%1\\s+([0-9.]+)\\s*$").arg(QRegularExpression::escape(stage)),
            QRegularExpression::MultilineOption);
        const auto m = re.match(out);
        return m.hasMatch() ? m.captured(1).toDouble() : -1.0;
    }

    static bool near(double value, double expected, double relative) {
        return std::abs(value - expected) <= relative * expected;
    }

    QTemporaryDir m_tmp;

private Q_SLOTS:
    void initTestCase() {
        QVERIFY2(QFile::exists(qEnvironmentVariable("QAT_CLI")), "QAT_CLI is not set");
        QVERIFY(m_tmp.isValid());
    }

    void help() {
        const Result r = run({"quantize", "--help"});
        QCOMPARE(r.code, 0);
        QVERIFY2(r.out.contains("--method") && r.out.contains("resum"), qPrintable(r.out));
    }

    void roundToNearestWithTableAndRunFolder() {
        const QString out = m_tmp.path() + "/rtn";
        const Result r = run({"quantize", "-m", stories(), "--method", "rtn", "--bits", "4", "--group", "64",
                              "--eval", evalFile(), "--eval-seqlen", "512", "--eval-max-windows", "100",
                              "--threads", "1", "--out", out});
        QVERIFY2(r.code == 0, qPrintable(r.err + r.out));
        const double fp = tablePerplexity(r.out, "fp"), rtn = tablePerplexity(r.out, "rtn");
        qInfo("W4 g64, 100 windows of 512: fp %.4f, RTN %.4f", fp, rtn);
        QVERIFY2(near(fp, 3.5265, 0.005), qPrintable(r.out));
        QVERIFY2(near(rtn, 3.956, 0.005), qPrintable(r.out));
        for (const char* f : {"run.json", "metrics.jsonl", "eval.json"})
            QVERIFY2(QFile::exists(out + "/" + f), f);
        QFile metrics(out + "/metrics.jsonl");
        QVERIFY(metrics.open(QIODevice::ReadOnly));
        int lines = 0;
        while (!metrics.atEnd()) {
            const QByteArray line = metrics.readLine().trimmed();
            if (line.isEmpty()) continue;
            QJsonParseError e;
            QVERIFY2(QJsonDocument::fromJson(line, &e).isObject(), line.constData());
            ++lines;
        }
        QVERIFY(lines >= 3);
        QFile runJson(out + "/run.json");
        QVERIFY(runJson.open(QIODevice::ReadOnly));
        const QByteArray rj = runJson.readAll();
        QVERIFY2(rj.contains("\"method\"") && rj.contains("rtn"), rj.constData());

        QVERIFY(QFile::exists(out + "/quantized.safetensors"));

        // The same run again: resumed (here: redone from its state), the same figures.
        const Result again = run({"quantize", "-m", stories(), "--method", "rtn", "--bits", "4", "--group",
                                  "64", "--eval", evalFile(), "--eval-seqlen", "512", "--eval-max-windows",
                                  "100", "--threads", "1", "--out", out});
        QVERIFY2(again.code == 0, qPrintable(again.err + again.out));
        QVERIFY2(again.out.contains("resuming"), qPrintable(again.out));
        QCOMPARE(tablePerplexity(again.out, "rtn"), rtn);

        // Another run in the same folder: refused, naming the field that differs; nothing overwritten.
        const Result other = run(
            {"quantize", "-m", stories(), "--method", "rtn", "--bits", "3", "--group", "64", "--out", out});
        QCOMPARE(other.code, 2);
        QVERIFY2(other.err.contains("bits"), qPrintable(other.err));
        runJson.seek(0);
        QCOMPARE(runJson.readAll(), rj);

        // qat-cli eval --run evaluates the run's quantized state: the same perplexity.
        const Result ev = run({"eval", "--run", out, "--data", evalFile(), "--seqlen", "512", "--max-windows",
                               "100", "--threads", "1", "--json"});
        QVERIFY2(ev.code == 0, qPrintable(ev.err + ev.out));
        const QJsonObject ej = QJsonDocument::fromJson(ev.out.toUtf8()).object();
        QVERIFY2(std::abs(ej.value("perplexity").toDouble() - rtn) < 1e-3, qPrintable(ev.out));
        QCOMPARE(ej.value("bits").toInt(), 4);
    }

    void configPreset() {
        // A preset fills what the command line does not give; the command line wins.
        const QString preset = m_tmp.path() + "/preset.json";
        QFile f(preset);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QStringLiteral(R"({"method": "rtn", "bits": 3, "group": 64, "model": "%1",
                                  "eval": {"files": ["%2"], "seqlen": 512, "max_windows": 5}})")
                    .arg(stories(), evalFile())
                    .toUtf8());
        f.close();
        const QString out = m_tmp.path() + "/preset-run";
        const Result r = run({"quantize", "--config", preset, "--bits", "4", "--threads", "1", "--out", out});
        QVERIFY2(r.code == 0, qPrintable(r.err + r.out));
        QFile runJson(out + "/run.json");
        QVERIFY(runJson.open(QIODevice::ReadOnly));
        const QJsonObject config =
            QJsonDocument::fromJson(runJson.readAll()).object().value("config").toObject();
        QCOMPARE(config.value("bits").toInt(), 4);
        QCOMPARE(config.value("group").toInt(), 64);
        QCOMPARE(config.value("method").toString(), QStringLiteral("rtn"));
        // The run's own run.json reproduces it.
        const Result again =
            run({"quantize", "--config", out + "/run.json", "--out", m_tmp.path() + "/preset-run2"});
        QVERIFY2(again.code == 0, qPrintable(again.err + again.out));
        QCOMPARE(tablePerplexity(again.out, "rtn"), tablePerplexity(r.out, "rtn"));

        // A typo in a preset is an error naming the key.
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write(R"({"method": "rtn", "bitz": 3})");
        f.close();
        const Result bad =
            run({"quantize", "--config", preset, "-m", stories(), "--out", m_tmp.path() + "/typo"});
        QCOMPARE(bad.code, 2);
        QVERIFY2(bad.err.contains("bitz"), qPrintable(bad.err));
    }

    void blockApBeatsRoundToNearest() {
        const QStringList common{"-m",
                                 stories(),
                                 "--bits",
                                 "2",
                                 "--group",
                                 "64",
                                 "--eval",
                                 evalFile(),
                                 "--eval-seqlen",
                                 "512",
                                 "--eval-max-windows",
                                 "10",
                                 "--threads",
                                 "1"};
        const Result rtn =
            run(QStringList{"quantize", "--method", "rtn", "--out", m_tmp.path() + "/rtn2"} + common);
        QVERIFY2(rtn.code == 0, qPrintable(rtn.err + rtn.out));
        const Result r =
            run(QStringList{"quantize", "--method", "block-ap", "--calib", calibFile(), "--seqlen", "256",
                            "--train-windows", "16", "--val-windows", "4", "--epochs", "1", "--weight-lr",
                            "1e-3", "--quant-lr", "1e-3", "--out", m_tmp.path() + "/blockap"} +
                common);
        QVERIFY2(r.code == 0, qPrintable(r.err + r.out));
        const QRegularExpression summary(QStringLiteral("^block (\\d+): MSE \\S+ -> \\S+ +\\(\\S+ s\\)$"),
                                         QRegularExpression::MultilineOption);
        int blocks = 0;
        for (auto it = summary.globalMatch(r.out); it.hasNext(); it.next())
            ++blocks;
        QVERIFY2(blocks == 5, qPrintable(r.out));
        const double pplRtn = tablePerplexity(rtn.out, "rtn"),
                     pplBlockAp = tablePerplexity(r.out, "block-ap");
        qInfo("W2 g64, 10 windows of 512: RTN %.3f, Block-AP %.3f", pplRtn, pplBlockAp);
        QVERIFY2(pplRtn > 0 && pplBlockAp > 0, qPrintable(rtn.out + r.out));
        QVERIFY2(pplBlockAp < pplRtn, qPrintable(r.out));
        QVERIFY(QFile::exists(m_tmp.path() + "/blockap/eval.json"));
    }

    void selfGeneratedCalibration() {
        // No calibration text: the model writes its own (sampled from BOS).
        const Result r = run({"quantize",
                              "-m",
                              stories(),
                              "--method",
                              "block-ap",
                              "--bits",
                              "4",
                              "--group",
                              "64",
                              "--calib-generate",
                              "40",
                              "--seqlen",
                              "32",
                              "--train-windows",
                              "8",
                              "--val-windows",
                              "1",
                              "--epochs",
                              "1",
                              "--threads",
                              "1",
                              "--out",
                              m_tmp.path() + "/selfgen"});
        QVERIFY2(r.code == 0, qPrintable(r.err + r.out));
        QVERIFY2(r.out.contains("windows of 32 tokens from self-generated"), qPrintable(r.out));
        QVERIFY(QFile::exists(m_tmp.path() + "/selfgen/quantized.safetensors"));
    }

    void badInput_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("block-ap without --calib")
            << QStringList{"quantize", "-m",       stories(),
                           "--method", "block-ap", "--bits",
                           "2",        "--out",    m_tmp.path() + "/nocalib"}
            << "--calib";
        QTest::newRow("bits 9") << QStringList{"quantize", "-m",    stories(),
                                               "--method", "rtn",   "--bits",
                                               "9",        "--out", m_tmp.path() + "/bits9"}
                                << "bits must be between 2 and 8";
        QTest::newRow("bits 1") << QStringList{"quantize", "-m",    stories(),
                                               "--method", "rtn",   "--bits",
                                               "1",        "--out", m_tmp.path() + "/bits1"}
                                << "bits must be between 2 and 8";
        QTest::newRow("group negative") << QStringList{"quantize", "-m",    stories(),
                                                       "--method", "rtn",   "--group",
                                                       "-8",       "--out", m_tmp.path() + "/groupneg"}
                                        << "group size must be positive";
        // stories260K's widest input is 172 (down_proj).
        QTest::newRow("group larger than every input")
            << QStringList{"quantize", "-m",    stories(),
                           "--method", "rtn",   "--group",
                           "4096",     "--out", m_tmp.path() + "/groupbig"}
            << "larger than every input dimension";
        QTest::newRow("calibration text too short") << QStringList{"quantize",
                                                                   "-m",
                                                                   stories(),
                                                                   "--method",
                                                                   "block-ap",
                                                                   "--calib",
                                                                   evalFile(),
                                                                   "--seqlen",
                                                                   "512",
                                                                   "--train-windows",
                                                                   "100000",
                                                                   "--out",
                                                                   m_tmp.path() + "/short"}
                                                    << "tokens";
        QTest::newRow("unknown method")
            << QStringList{"quantize", "-m", stories(), "--method", "gptq", "--out", m_tmp.path() + "/gptq"}
            << "--method";
    }
    void badInput() {
        QFETCH(QStringList, args);
        QFETCH(QString, mentions);
        const Result r = run(args);
        QCOMPARE(r.code, 2);
        QVERIFY2((r.err + r.out).contains(mentions), qPrintable(r.err + r.out));
        QVERIFY(!QFile::exists(args.last() + "/run.json"));
    }
};

QTEST_GUILESS_MAIN(TestCliQuantize)
#include "TestCliQuantize.moc"
