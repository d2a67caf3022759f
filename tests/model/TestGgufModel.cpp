// SPDX-License-Identifier: GPL-3.0-or-later
// A GGUF file made by llama.cpp's own converter (the shared SmolLM2-135M-Instruct Q4_1) read as a
// model: its config equals the Hugging Face folder's that tools/smollm2_to_hf.py (the gguf package
// and transformers) made from the same file, its tokenizer rebuilt from the GGUF metadata encodes
// the shared reference cases as Hugging Face tokenizers does, and its logits equal the folder's
// (the q/k rows taken back from llama.cpp's rotary order, every Q4_1 and Q8_0 block dequantized).
// Malformed metadata is refused naming the file and the key.
#include "SmolLM2.h"
#include "TestPaths.h"

#include "qat/Model.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <fstream>

using namespace qat;

namespace {

std::string sharedGguf() {
    return qat::test::sharedPath("models/smollm2-135m-instruct-q4_1/SmolLM2-135M-Instruct.Q4_1.gguf")
        .toStdString();
}

} // namespace

class TestGgufModel : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void configEqualsTheConvertedFolder() {
        std::unique_ptr<Model> gguf, folder;
        Status st = Model::load(sharedGguf(), LoadOptions{}, gguf);
        QVERIFY2(st.ok(), st.message.c_str());
        st = Model::load(qat::test::smolLM2Folder().toStdString(), LoadOptions{}, folder);
        QVERIFY2(st.ok(), st.message.c_str());
        const ModelConfig& a = gguf->config();
        const ModelConfig& b = folder->config();
        QCOMPARE(a.hiddenSize, b.hiddenSize);
        QCOMPARE(a.intermediateSize, b.intermediateSize);
        QCOMPARE(a.numLayers, b.numLayers);
        QCOMPARE(a.numHeads, b.numHeads);
        QCOMPARE(a.numKvHeads, b.numKvHeads);
        QCOMPARE(a.headDim, b.headDim);
        QCOMPARE(a.vocabSize, b.vocabSize);
        QCOMPARE(a.maxPositionEmbeddings, b.maxPositionEmbeddings);
        QCOMPARE(a.ropeTheta, b.ropeTheta);
        QCOMPARE(float(a.rmsNormEps), float(b.rmsNormEps));
        QCOMPARE(a.tieWordEmbeddings, b.tieWordEmbeddings);
        QCOMPARE(gguf->parameterCount(), folder->parameterCount());

        // Logits of a prompt: the same weights, so the same numbers.
        const std::vector<int64_t> ids =
            folder->tokenizer()->encode("The capital of France is Paris, and the capital of");
        std::vector<float> la, lb;
        QVERIFY(gguf->lastLogits(ids, la).ok());
        QVERIFY(folder->lastLogits(ids, lb).ok());
        QCOMPARE(la.size(), lb.size());
        double worst = 0, scale = 0;
        for (size_t i = 0; i < la.size(); ++i) {
            worst = std::max(worst, double(std::abs(la[i] - lb[i])));
            scale = std::max(scale, double(std::abs(lb[i])));
        }
        qInfo("GGUF vs converted folder: largest logit difference %.3g (largest logit %.3g)", worst, scale);
        QVERIFY2(worst <= 1e-5 * scale, qPrintable(QString::number(worst)));
    }

    // The tokenizer rebuilt from tokenizer.ggml.* encodes every shared reference case as the
    // tokenizers library did.
    void tokenizerFromMetadataMatchesTheReferenceCases() {
        std::unique_ptr<Model> gguf;
        QVERIFY(Model::load(sharedGguf(), LoadOptions{}, gguf).ok());
        const Tokenizer* t = gguf->tokenizer();
        QVERIFY(t);
        QCOMPARE(t->bosId(), int64_t(1));
        QCOMPARE(t->eosId(), int64_t(2));
        QCOMPARE(t->addsBos(), false);
        QFile f(qat::test::sharedPath("models/smollm2-135m-instruct-q4_1/tokenizer_cases.json"));
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QJsonArray cases = QJsonDocument::fromJson(f.readAll()).object()["cases"].toArray();
        QCOMPARE(cases.size(), 45);
        for (const QJsonValue& v : cases) {
            const QJsonObject c = v.toObject();
            const std::vector<int64_t> ids = t->encode(c["text"].toString().toStdString());
            QJsonArray got;
            for (int64_t id : ids)
                got.append(qint64(id));
            QVERIFY2(got == c["ids"].toArray(), qPrintable(c["text"].toString().left(80)));
            QCOMPARE(QString::fromStdString(t->decode(ids)), c["decoded"].toString());
        }
    }

    // A copy of the file with one key's value broken is refused naming the file and the key.
    void brokenMetadataIsRefused() {
        std::ifstream in(sharedGguf(), std::ios::binary);
        std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        // "llama" -> "lxama" in general.architecture's value
        const std::string key = "general.architecture";
        const size_t at = bytes.find(key);
        QVERIFY(at != std::string::npos);
        const size_t value = bytes.find("llama", at + key.size());
        QVERIFY(value != std::string::npos && value < at + key.size() + 32);
        bytes[value + 1] = 'x';
        QTemporaryDir dir;
        const std::string file = dir.filePath("broken.gguf").toStdString();
        std::ofstream(file, std::ios::binary).write(bytes.data(), std::streamsize(bytes.size()));
        std::unique_ptr<Model> m;
        const Status st = Model::load(file, LoadOptions{}, m);
        QCOMPARE(st.kind, ErrorKind::Unsupported);
        QVERIFY2(
            QString::fromStdString(st.message).contains("broken.gguf: key general.architecture: 'lxama'"),
            st.message.c_str());
    }
};

QAT_SMOLLM2_TEST_MAIN(QCoreApplication, TestGgufModel)
#include "TestGgufModel.moc"
