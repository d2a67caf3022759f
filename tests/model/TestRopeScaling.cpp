// SPDX-License-Identifier: GPL-3.0-or-later
// RoPE scaling against Hugging Face transformers: tiny random Llama models saved by transformers
// 5 (config.json with `rope_parameters`: llama3, linear), or rewritten by hand in the older
// forms (`rope_theta` + `rope_scaling`, both forms at once, no theta), with transformers' float32
// logits at every position of each sequence. Written by make_rope_models.py (the fixture
// RopeModels); see tests/model/CMakeLists.txt. Exits 77 when that script had no transformers.
//
// Tolerances: the inverse frequencies within 1e-6 relative (both sides compute them with the
// same float32 ops, so they agree to the bit in practice); the logits within 1e-4 absolute
// (they reach about 7 in magnitude; the wrong rope settings move them by 8 or more).
#include "formats/SafeTensorsFile.h"
#include "model/ModelImpl.h"
#include "qat/Model.h"

#include <QtTest>

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <fstream>
#include <iostream>

using namespace qat;

namespace {

constexpr double kLogitTolerance = 1e-4;   // absolute
constexpr double kInvFreqTolerance = 1e-6; // relative

// The fixture's output folder, from the test's environment; empty without a Python at configure time.
std::filesystem::path modelsDir() {
    const char* dir = std::getenv("QAT_ROPE_MODELS");
    return dir ? std::filesystem::path(dir) : std::filesystem::path();
}

nlohmann::json readReference(std::string& skipReason) {
    const std::filesystem::path dir = modelsDir();
    if (dir.empty()) {
        skipReason = "no Python configured (QAT_BENCH_PYTHON is empty), so no transformers reference";
        return {};
    }
    std::ifstream in(dir / "rope_reference.json");
    if (!in) return {}; // initTestCase reports it
    nlohmann::json j = nlohmann::json::parse(in);
    if (j.contains("skip")) skipReason = j["skip"].get<std::string>();
    return j;
}

} // namespace

class TestRopeScaling : public QObject {
    Q_OBJECT

public:
    explicit TestRopeScaling(nlohmann::json reference) : m_reference(std::move(reference)) {}

private:
    nlohmann::json m_reference;

private Q_SLOTS:
    void initTestCase() {
        QVERIFY2(m_reference.contains("cases"),
                 qPrintable(QString::fromStdString((modelsDir() / "rope_reference.json").string()) +
                            " is missing or has no cases: did the fixture RopeModels run?"));
        QVERIFY(m_reference["cases"].size() >= 6);
        qInfo("reference: transformers %s, torch %s", m_reference["transformers"].get<std::string>().c_str(),
              m_reference["torch"].get<std::string>().c_str());
    }

    void matchesTransformers_data() {
        QTest::addColumn<int>("index");
        for (size_t i = 0; i < m_reference["cases"].size(); ++i)
            QTest::newRow(m_reference["cases"][i]["name"].get<std::string>().c_str()) << static_cast<int>(i);
    }

    void matchesTransformers() {
        QFETCH(int, index);
        const nlohmann::json& c = m_reference["cases"][static_cast<size_t>(index)];
        const std::string name = c["name"].get<std::string>();
        std::unique_ptr<Model> model;
        const Status st = Model::load(modelsDir() / name, LoadOptions{}, model);
        QVERIFY2(st.ok(), st.message.c_str());

        // The rope settings read as transformers read them.
        const ModelConfig& config = model->config();
        const std::string type = config.ropeScaling ? ropeTypeName(config.ropeScaling->type) : "default";
        QCOMPARE(type, c["rope_type"].get<std::string>());
        QCOMPARE(config.ropeTheta, c["rope_theta"].get<double>());
        if (config.ropeScaling) QCOMPARE(config.ropeScaling->factor, c["factor"].get<double>());

        const SafeTensorsFile reference(modelsDir() / (name + ".reference.safetensors"));
        const torch::Tensor expectedInvFreq = reference.load("inv_freq", torch::kFloat32);
        const torch::Tensor invFreq = model->impl().llama->rotary().invFreq();
        QVERIFY(invFreq.sizes() == expectedInvFreq.sizes());
        const double invFreqDiff = ((invFreq - expectedInvFreq).abs() / expectedInvFreq).max().item<double>();
        QVERIFY2(invFreqDiff <= kInvFreqTolerance,
                 qPrintable(QString("inv_freq relative difference %1").arg(invFreqDiff)));

        torch::InferenceMode guard;
        double worst = 0.0;
        for (int k = 0; k < c["sequences"].get<int>(); ++k) {
            const torch::Tensor ids = reference.loadRaw("ids." + std::to_string(k));
            const torch::Tensor expected = reference.load("logits." + std::to_string(k), torch::kFloat32);
            const torch::Tensor logits = model->impl().llama->forward(ids.unsqueeze(0)).squeeze(0);
            QVERIFY(logits.sizes() == expected.sizes());
            const torch::Tensor diff = (logits - expected).abs();
            const double maxDiff = diff.max().item<double>();
            worst = std::max(worst, maxDiff);
            if (maxDiff > kLogitTolerance) {
                const int64_t at = diff.argmax().item<int64_t>();
                QFAIL(qPrintable(QString("%1, sequence %2 (%3 tokens): |Δlogit| %4 at position %5, token %6")
                                     .arg(QString::fromStdString(name))
                                     .arg(k)
                                     .arg(ids.size(0))
                                     .arg(maxDiff)
                                     .arg(at / expected.size(1))
                                     .arg(at % expected.size(1))));
            }
        }
        qInfo("%-20s %-45s max |Δlogit| %.2e (wrong rope moves them %.1f), inv_freq max relative %.1e",
              name.c_str(), c["form"].get<std::string>().c_str(), worst,
              c["plain_rope_max_diff"].get<double>(), invFreqDiff);
    }
};

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    std::string skipReason;
    nlohmann::json reference = readReference(skipReason);
    if (!skipReason.empty()) {
        std::cout << "SKIP: " << skipReason << std::endl;
        return 77;
    }
    TestRopeScaling test(std::move(reference));
    return QTest::qExec(&test, argc, argv);
}

#include "TestRopeScaling.moc"
