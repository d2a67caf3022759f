// SPDX-License-Identifier: GPL-3.0-or-later
// stories260K, a real pretrained Llama: greedy decoding and perplexity against the facts
// measured with an independent float64 reference (../shared/README.md).
#include "TestPaths.h"

#include "qat/Evaluation.h"
#include "qat/Generation.h"
#include "qat/Model.h"

#include <QTemporaryDir>
#include <QtTest>

#include <fstream>

using namespace qat;

class TestStories260K : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<Model> m_model;
    const std::vector<int64_t> m_expected{403, 407, 261, 378, 432, 383, 286, 261, 376, 298,
                                          315, 421, 395, 317, 426, 338, 401, 396, 267, 337};

private Q_SLOTS:
    void initTestCase() {
        Status st = Model::load(test::sharedPath("models/stories260K").toStdString(), LoadOptions{}, m_model);
        QVERIFY2(st.ok(), st.message.c_str());
        QCOMPARE(m_model->parameterCount(), int64_t(260032));
        QVERIFY(m_model->tokenizer());
        QCOMPARE(m_model->tokenizer()->vocabSize(), int64_t(512));
        QCOMPARE(m_model->tokenizer()->bosId(), int64_t(1));
    }

    void greedyFromBos() {
        GenerateOptions o;
        o.maxNewTokens = 20;
        std::vector<int64_t> out;
        Status st = generate(*m_model, {1}, o, out);
        QVERIFY2(st.ok(), st.message.c_str());
        QCOMPARE(out, m_expected);
        QCOMPARE(QString::fromStdString(m_model->tokenizer()->decode(out)),
                 QStringLiteral("Once upon a time, there was a little girl named Lily. She loved to play"));
    }

    void kvCacheMatchesFullForward() {
        // The cached decode of step k must equal a fresh forward over the whole prefix.
        std::vector<int64_t> prefix{1};
        prefix.insert(prefix.end(), m_expected.begin(), m_expected.begin() + 10);
        std::vector<float> logits;
        QVERIFY(m_model->lastLogits(prefix, logits).ok());
        const int64_t argmax = std::max_element(logits.begin(), logits.end()) - logits.begin();
        QCOMPARE(argmax, m_expected[10]);
    }

    void samplingIsSeeded() {
        GenerateOptions o;
        o.greedy = false;
        o.temperature = 1.0;
        o.topP = 0.95;
        o.maxNewTokens = 40;
        o.stopAtEos = false;
        std::vector<int64_t> a, b, c;
        o.seed = 7;
        QVERIFY(generate(*m_model, {1}, o, a).ok());
        QVERIFY(generate(*m_model, {1}, o, b).ok());
        o.seed = 8;
        QVERIFY(generate(*m_model, {1}, o, c).ok());
        QCOMPARE(a, b);
        QVERIFY(a != c);
        // A nucleus this small holds only the most likely token: sampling becomes greedy.
        o.topP = 1e-9;
        o.maxNewTokens = 20;
        QVERIFY(generate(*m_model, {1}, o, c).ok());
        QCOMPARE(c, m_expected);
    }

    void perplexityFirst100Windows() {
        PerplexityOptions o;
        o.seqlen = 512;
        o.batchSize = 8;
        o.maxWindows = 100;
        PerplexityResult r;
        Status st = evaluatePerplexity(*m_model,
                                       test::sharedPath("data/tinystories-gen/eval.txt").toStdString(), o, r);
        QVERIFY2(st.ok(), st.message.c_str());
        QCOMPARE(r.windows, int64_t(100));
        QCOMPARE(r.predictions, int64_t(100 * 511));
        QVERIFY2(std::abs(r.perplexity - 3.5265) <= 0.002, qPrintable(QString::number(r.perplexity, 'f', 5)));
    }

    void perplexityWholeFile() {
        PerplexityOptions o;
        o.seqlen = 512;
        o.batchSize = 8;
        PerplexityResult r;
        Status st = evaluatePerplexity(*m_model,
                                       test::sharedPath("data/tinystories-gen/eval.txt").toStdString(), o, r);
        QVERIFY2(st.ok(), st.message.c_str());
        qInfo("stories260K eval.txt seqlen 512: ppl %.5f, mean NLL %.6f, %lld windows, %.0f tokens/s",
              r.perplexity, r.meanNll, static_cast<long long>(r.windows), r.tokensPerSecond);
        QCOMPARE(r.windows, int64_t(432));
        QVERIFY2(std::abs(r.perplexity - 3.4905) <= 0.002, qPrintable(QString::number(r.perplexity, 'f', 5)));
        QVERIFY(std::abs(r.meanNll - 1.25003) <= 5e-4);
    }

    void bfloat16ComputeStaysClose() {
        // Weights and activations in bfloat16 (norms and logits in float32): the same model,
        // a little less precise.
        LoadOptions lo;
        lo.dtype = ComputeDType::BFloat16;
        std::unique_ptr<Model> bf16;
        Status st = Model::load(test::sharedPath("models/stories260K").toStdString(), lo, bf16);
        QVERIFY2(st.ok(), st.message.c_str());
        PerplexityOptions o;
        o.seqlen = 512;
        o.batchSize = 8;
        o.maxWindows = 16;
        PerplexityResult a, b;
        const std::string data = test::sharedPath("data/tinystories-gen/eval.txt").toStdString();
        QVERIFY(evaluatePerplexity(*m_model, data, o, a).ok());
        QVERIFY(evaluatePerplexity(*bf16, data, o, b).ok());
        qInfo("first 16 windows: float32 %.4f, bfloat16 %.4f", a.perplexity, b.perplexity);
        QVERIFY(b.perplexity != a.perplexity);
        QVERIFY2(std::abs(b.perplexity / a.perplexity - 1.0) < 0.02,
                 qPrintable(QString::number(b.perplexity)));
    }

    void jsonlJoinsDocuments() {
        // The same stories as JSONL give the same tokens as the text joined by blank lines.
        QTemporaryDir dir;
        const std::string txt = (dir.path() + "/a.txt").toStdString();
        const std::string jsonl = (dir.path() + "/a.jsonl").toStdString();
        std::ofstream(txt) << "Once upon a time there was a cat.\n\nThe cat liked milk. It was happy.";
        std::ofstream(jsonl) << "{\"text\": \"Once upon a time there was a cat.\"}\n{\"text\": \"The cat "
                                "liked milk. It was happy.\"}\n";
        PerplexityOptions o;
        o.seqlen = 8;
        PerplexityResult a, b;
        QVERIFY(evaluatePerplexity(*m_model, txt, o, a).ok());
        QVERIFY(evaluatePerplexity(*m_model, jsonl, o, b).ok());
        QCOMPARE(a.tokens, b.tokens);
        QCOMPARE(a.perplexity, b.perplexity);
    }

    void tooShortDataNamesTheFile() {
        QTemporaryDir dir;
        const std::string txt = (dir.path() + "/short.txt").toStdString();
        std::ofstream(txt) << "Once upon a time.";
        PerplexityOptions o;
        o.seqlen = 512;
        PerplexityResult r;
        Status st = evaluatePerplexity(*m_model, txt, o, r);
        QCOMPARE(st.kind, ErrorKind::BadInput);
        QVERIFY2(QString::fromStdString(st.message).contains("short.txt"), st.message.c_str());
        QVERIFY2(QString::fromStdString(st.message).contains("fewer than one window"), st.message.c_str());
    }
};

QTEST_GUILESS_MAIN(TestStories260K)
#include "TestStories260K.moc"
