// SPDX-License-Identifier: GPL-3.0-or-later
// qat-cli as a user runs it: help on every subcommand, results, and exit codes that tell
// bad input (2) and unsupported models (3) from failures.
#include "CliProcess.h"
#include "TestPaths.h"

#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

class TestCli : public QObject {
    Q_OBJECT

private:
    using Result = qat::test::CliResult;
    static Result run(const QStringList& args) { return qat::test::runCli(args); }

    QString stories() const { return qat::test::sharedPath("models/stories260K"); }

    // A copy of stories260K with one file replaced.
    QString modelWith(QTemporaryDir& dir, const QString& name, const QByteArray& content) {
        for (const QString f : {"config.json", "model.safetensors", "tokenizer.model"})
            QFile::copy(stories() + "/" + f, dir.path() + "/" + f);
        QFile::setPermissions(dir.path() + "/config.json", QFile::ReadOwner | QFile::WriteOwner);
        QFile::remove(dir.path() + "/" + name);
        QFile out(dir.path() + "/" + name);
        out.open(QIODevice::WriteOnly);
        out.write(content);
        return dir.path();
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY2(QFile::exists(qEnvironmentVariable("QAT_CLI")), "QAT_CLI is not set"); }

    void helpOnEverySubcommand_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("top") << QStringList{"--help"} << "inspect";
        QTest::newRow("inspect") << QStringList{"inspect", "--help"} << "--json";
        QTest::newRow("eval") << QStringList{"eval", "--help"} << "--seqlen";
        QTest::newRow("generate") << QStringList{"generate", "--help"} << "--top-p";
    }
    void helpOnEverySubcommand() {
        QFETCH(QStringList, args);
        QFETCH(QString, mentions);
        const Result r = run(args);
        QCOMPARE(r.code, 0);
        QVERIFY2(r.out.contains(mentions), qPrintable(r.out));
    }

    void inspectPrintsSummary() {
        const Result r = run({"inspect", stories()});
        QCOMPARE(r.code, 0);
        QVERIFY(r.out.contains("LlamaForCausalLM"));
        QVERIFY(r.out.contains("260,032"));
        QVERIFY(r.out.contains("model.layers.4.mlp.down_proj.weight"));
        const Result j = run({"inspect", stories(), "--json"});
        QCOMPARE(j.code, 0);
        QVERIFY(j.out.contains("\"parameters\": 260032"));
    }

    void generateGreedy() {
        const Result r = run({"generate", "-m", stories(), "-n", "20"});
        QCOMPARE(r.code, 0);
        QVERIFY2(r.out.contains("Once upon a time, there was a little girl named Lily. She loved to play"),
                 qPrintable(r.out));
        QVERIFY(r.out.contains("ids: 403 407 261 378"));
    }

    void evalJson() {
        const Result r =
            run({"eval", "-m", stories(), "-d", qat::test::sharedPath("data/tinystories-gen/eval.txt"),
                 "--seqlen", "512", "--max-windows", "20", "--batch", "4", "--json"});
        QCOMPARE(r.code, 0);
        QVERIFY2(r.out.contains("\"windows\":20"), qPrintable(r.out));
        QVERIFY(r.out.contains("\"perplexity\":3."));
    }

    void badInputExitCodes_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<int>("code");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("no subcommand") << QStringList{} << 2 << "subcommand";
        QTest::newRow("unknown option") << QStringList{"eval",
                                                       "-m",
                                                       stories(),
                                                       "-d",
                                                       qat::test::sharedPath("data/tinystories-gen/eval.txt"),
                                                       "--frobnicate"}
                                        << 2 << "frobnicate";
        QTest::newRow("missing folder")
            << QStringList{"inspect", "/nonexistent/model"} << 2 << "/nonexistent/model";
        QTest::newRow("seqlen too small")
            << QStringList{"eval",
                           "-m",
                           stories(),
                           "-d",
                           qat::test::sharedPath("data/tinystories-gen/eval.txt"),
                           "--seqlen",
                           "1"}
            << 2 << "seqlen";
    }
    void badInputExitCodes() {
        QFETCH(QStringList, args);
        QFETCH(int, code);
        QFETCH(QString, mentions);
        const Result r = run(args);
        QCOMPARE(r.code, code);
        QVERIFY2((r.err + r.out).contains(mentions), qPrintable(r.err + r.out));
    }

    void pickleIsRefused() {
        QTemporaryDir dir;
        const QString model = modelWith(dir, "pytorch_model.bin", "not really a pickle");
        QFile::remove(model + "/model.safetensors");
        const Result r = run({"inspect", model});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("pytorch_model.bin") && r.err.contains("safetensors"), qPrintable(r.err));
    }

    void unsupportedArchitectureExits3() {
        QTemporaryDir dir;
        QFile f(stories() + "/config.json");
        QVERIFY(f.open(QIODevice::ReadOnly));
        QByteArray config = f.readAll().replace("LlamaForCausalLM", "GPT2LMHeadModel");
        const QString model = modelWith(dir, "config.json", config);
        const Result r =
            run({"eval", "-m", model, "-d", qat::test::sharedPath("data/tinystories-gen/eval.txt")});
        QCOMPARE(r.code, 3);
        QVERIFY2(r.err.contains("GPT2LMHeadModel") && r.err.contains("config.json"), qPrintable(r.err));
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "TestCli.moc"
