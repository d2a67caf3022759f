// SPDX-License-Identifier: GPL-3.0-or-later
// SmolLM2-135M-Instruct (a real pretrained Llama with a byte-level BPE tokenizer.json) through
// qat-cli as a user runs it: inspect, tokenize (every reference case of the shared fixture),
// WikiText-2 perplexity and a greedy continuation, each against transformers' figures computed
// in this build by tests/model/smollm2_reference.py.
#include "CliProcess.h"
#include "SmolLM2.h"
#include "TestPaths.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

class TestSmolLM2 : public QObject {
    Q_OBJECT

private:
    using Result = qat::test::CliResult;
    static Result run(const QStringList& args, int timeoutMs = 300000) {
        return qat::test::runCli(args, timeoutMs);
    }
    static QJsonObject json(const Result& r) { return QJsonDocument::fromJson(r.out.toUtf8()).object(); }
    static QString model() { return qat::test::smolLM2Folder(); }

private Q_SLOTS:
    void initTestCase() { QVERIFY2(QFile::exists(qEnvironmentVariable("QAT_CLI")), "QAT_CLI is not set"); }

    void inspectNamesTheTokenizer() {
        const Result r = run({"inspect", model(), "--json"});
        QCOMPARE(r.code, 0);
        const QJsonObject j = json(r);
        QCOMPARE(j["layers"].toInt(), 30);
        QCOMPARE(j["hidden_size"].toInt(), 576);
        QCOMPARE(j["kv_heads"].toInt(), 3);
        QCOMPARE(j["vocab_size"].toInt(), 49152);
        QCOMPARE(j["tie_word_embeddings"].toBool(), true);
        QCOMPARE(j["tensors"].toArray().size(), 272); // the shared README's count
        const QJsonObject t = j["tokenizer"].toObject();
        QCOMPARE(t["kind"].toString(), QStringLiteral("tokenizer.json"));
        QCOMPARE(t["bos_id"].toInt(), 1); // tokenizer_config.json: bos_token <|im_start|>
        QCOMPARE(t["bos"].toString(), QStringLiteral("<|im_start|>"));
        QCOMPARE(t["eos_id"].toInt(), 2);
        QCOMPARE(t["adds_bos"].toBool(), false);
        const Result text = run({"inspect", model()});
        QCOMPARE(text.code, 0);
        QVERIFY2(text.out.contains("tokenizer.json") && text.out.contains("<|im_start|> (id 1)"),
                 qPrintable(text.out));
    }

    // Every case of the shared fixture, encoded by the tokenizers library, through qat-cli tokenize.
    void tokenizeMatchesTheReferenceCases() {
        QFile f(qat::test::sharedPath("models/smollm2-135m-instruct-q4_1/tokenizer_cases.json"));
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QJsonArray cases = QJsonDocument::fromJson(f.readAll()).object()["cases"].toArray();
        QCOMPARE(cases.size(), 45);
        QTemporaryDir dir;
        int n = 0;
        for (const QJsonValue& v : cases) {
            const QJsonObject c = v.toObject();
            const QString file = dir.filePath(QString::number(n++) + ".txt");
            QFile text(file);
            QVERIFY(text.open(QIODevice::WriteOnly));
            text.write(c["text"].toString().toUtf8());
            text.close();
            const Result r = run({"tokenize", "--model", model(), "--file", file, "--special", "--json"});
            QVERIFY2(r.code == 0, qPrintable(r.err));
            const QJsonObject j = json(r);
            QVERIFY2(j["ids"].toArray() == c["ids"].toArray(),
                     qPrintable(QStringLiteral("case %1: %2").arg(n - 1).arg(c["text"].toString().left(80))));
            QCOMPARE(j["decoded"].toString(), c["decoded"].toString());
            QCOMPARE(j["pieces"].toArray(), c["tokens"].toArray());
        }
    }

    // The perplexity protocol with the tokenizer's BOS (<|im_start|>) in front: transformers'
    // float32 figure within 1e-4 relative.
    void wikiTextPerplexityMatchesTransformers() {
        const QJsonObject ref = qat::test::smolLM2Reference()["perplexity"].toObject();
        if (ref.isEmpty()) QFAIL("no transformers reference (fixture smollm2_reference)");
        const Result r = run({"eval", "-m", model(), "-d", ref["file"].toString(), "--seqlen",
                              QString::number(ref["seqlen"].toInt()), "--max-windows",
                              QString::number(ref["windows"].toInt()), "--json"},
                             3600 * 1000);
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const QJsonObject j = json(r);
        QCOMPARE(j["tokens"].toInteger(), ref["tokens"].toInteger());
        QCOMPARE(j["predictions"].toInteger(), ref["predictions"].toInteger());
        const double ours = j["perplexity"].toDouble();
        const double theirs = ref["perplexity"].toDouble();
        qInfo("SmolLM2 wiki.test.raw seqlen %d, %d windows: perplexity %.6f, transformers %.6f (rel. diff "
              "%.2e)",
              ref["seqlen"].toInt(), ref["windows"].toInt(), ours, theirs, std::abs(ours - theirs) / theirs);
        QVERIFY2(std::abs(ours - theirs) <= 1e-4 * theirs, qPrintable(QString::number(ours, 'g', 10)));
    }

    // A greedy continuation of 32 tokens (past the EOS) equals transformers'.
    void greedyContinuationMatchesTransformers() {
        const QJsonObject ref = qat::test::smolLM2Reference()["greedy"].toObject();
        if (ref.isEmpty()) QFAIL("no transformers reference (fixture smollm2_reference)");
        const QJsonArray expected = ref["generated_ids"].toArray();
        const Result r = run({"generate", "-m", model(), "--prompt", ref["prompt"].toString(), "-n",
                              QString::number(expected.size()), "--ignore-eos", "--json"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const QJsonObject j = json(r);
        QCOMPARE(j["prompt_ids"].toArray(), ref["prompt_ids"].toArray()); // no BOS: add_bos_token is false
        QCOMPARE(j["ids"].toArray(), expected);
        QVERIFY(j["text"].toString().startsWith(QStringLiteral(" Paris.")));
    }
};

QAT_SMOLLM2_TEST_MAIN(QCoreApplication, TestSmolLM2)
#include "TestSmolLM2.moc"
