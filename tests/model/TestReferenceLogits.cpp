// SPDX-License-Identifier: GPL-3.0-or-later
// Forward-pass parity with Hugging Face transformers on tiny-random-llama-2 (bf16 weights,
// float32 compute): logits recorded independently in ../shared/.../reference_logits.json.
#include "TestPaths.h"

#include "qat/Generation.h"
#include "qat/Model.h"

#include <QtTest>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>

using namespace qat;

class TestReferenceLogits : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<Model> m_model;
    nlohmann::json m_reference;

private Q_SLOTS:
    void initTestCase() {
        const QString dir = test::sharedPath("models/tiny-random-llama-2");
        std::ifstream in((dir + "/reference_logits.json").toStdString());
        QVERIFY2(in.good(), "reference_logits.json not found");
        in >> m_reference;
        Status st = Model::load(dir.toStdString(), LoadOptions{}, m_model);
        QVERIFY2(st.ok(), st.message.c_str());
        QCOMPARE(m_model->config().numLayers, int64_t(2));
        QCOMPARE(m_model->config().tieWordEmbeddings, false);
        QVERIFY(m_model->tokenizer() == nullptr); // this model ships without one
    }

    void logitsMatch_data() {
        QTest::addColumn<int>("index");
        const auto& cases = m_reference["model_cases"];
        QVERIFY(cases.size() >= 3);
        for (size_t i = 0; i < cases.size(); ++i)
            QTest::newRow(("case " + std::to_string(i)).c_str()) << static_cast<int>(i);
    }

    void logitsMatch() {
        QFETCH(int, index);
        const auto& c = m_reference["model_cases"][static_cast<size_t>(index)];
        const auto ids = c["input_ids"].get<std::vector<int64_t>>();
        std::vector<float> logits;
        Status st = m_model->lastLogits(ids, logits);
        QVERIFY2(st.ok(), st.message.c_str());
        QCOMPARE(static_cast<int64_t>(logits.size()), m_model->config().vocabSize);
        double worst = 0.0;
        for (auto it = c["sampled_logits"].begin(); it != c["sampled_logits"].end(); ++it) {
            const size_t id = std::stoul(it.key());
            const double expected = it.value().get<double>();
            const double diff = std::abs(static_cast<double>(logits.at(id)) - expected);
            worst = std::max(worst, diff);
            QVERIFY2(
                diff <= 1e-4,
                qPrintable(QString("token %1: got %2, expected %3").arg(id).arg(logits[id]).arg(expected)));
        }
        qInfo("case %d: %zu ids, worst |Δlogit| = %.2e", index, ids.size(), worst);
        const int64_t argmax = std::max_element(logits.begin(), logits.end()) - logits.begin();
        QCOMPARE(argmax, c["greedy_token"].get<int64_t>());
    }

    void greedyContinuation_data() { logitsMatch_data(); }

    void greedyContinuation() {
        QFETCH(int, index);
        const auto& c = m_reference["model_cases"][static_cast<size_t>(index)];
        const auto expected = c["greedy_continuation"].get<std::vector<int64_t>>();
        GenerateOptions o;
        o.maxNewTokens = static_cast<int64_t>(expected.size());
        o.stopAtEos = false;
        std::vector<int64_t> out;
        Status st = generate(*m_model, c["input_ids"].get<std::vector<int64_t>>(), o, out);
        QVERIFY2(st.ok(), st.message.c_str());
        QCOMPARE(out, expected);
    }
};

QTEST_GUILESS_MAIN(TestReferenceLogits)
#include "TestReferenceLogits.moc"
