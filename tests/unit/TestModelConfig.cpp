// SPDX-License-Identifier: GPL-3.0-or-later
// config.json parsing: required fields, types, defaults, and the architectures and rope
// types the engine refuses.
#include "qat/ModelConfig.h"
#include "qat/Status.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

using qat::ErrorKind;

namespace {

const std::string kFile = "/models/my-llama/config.json";

// The stories260K config (shared/models/stories260K/config.json), as a base to edit.
QJsonObject baseConfig() {
    return QJsonObject{
        {"architectures", QJsonArray{"LlamaForCausalLM"}},
        {"model_type", "llama"},
        {"hidden_size", 64},
        {"intermediate_size", 172},
        {"num_hidden_layers", 5},
        {"num_attention_heads", 8},
        {"num_key_value_heads", 4},
        {"head_dim", 8},
        {"vocab_size", 512},
        {"max_position_embeddings", 512},
        {"rms_norm_eps", 1e-05},
        {"rope_theta", 10000.0},
        {"hidden_act", "silu"},
        {"tie_word_embeddings", true},
        {"attention_bias", false},
        {"mlp_bias", false},
        {"bos_token_id", 1},
        {"eos_token_id", 2},
        {"torch_dtype", "float32"},
    };
}

// A minimal config: only the required fields.
QJsonObject minimalConfig(const char* architecture = "LlamaForCausalLM") {
    return QJsonObject{
        {"architectures", QJsonArray{architecture}},
        {"hidden_size", 64},
        {"intermediate_size", 128},
        {"num_hidden_layers", 2},
        {"num_attention_heads", 4},
        {"vocab_size", 100},
    };
}

std::string text(const QJsonObject& o) {
    return QJsonDocument(o).toJson().toStdString();
}

QJsonObject with(QJsonObject o, const QString& key, const QJsonValue& v) {
    o.insert(key, v);
    return o;
}

QJsonObject without(QJsonObject o, const QString& key) {
    o.remove(key);
    return o;
}

QJsonObject llama3Scaling() {
    return QJsonObject{{"rope_type", "llama3"},
                       {"factor", 32.0},
                       {"low_freq_factor", 1.0},
                       {"high_freq_factor", 4.0},
                       {"original_max_position_embeddings", 8192}};
}

} // namespace

class TestModelConfig : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void parsesStories260K();
    void minimalConfigDefaults();
    void refuses_data();
    void refuses();
    void refusesInvalidJson_data();
    void refusesInvalidJson();
    void ropeScalingLlama3();
    void ropeScalingDefaultOrNull_data();
    void ropeScalingDefaultOrNull();
    void attentionBias_data();
    void attentionBias();
    void headDim_data();
    void headDim();
    void groupedQueryAttention_data();
    void groupedQueryAttention();
    void tokenIds();
    void loadModelConfigFromFile();
};

void TestModelConfig::parsesStories260K() {
    const QString path = QStringLiteral(QAT_SHARED_DIR "/models/stories260K/config.json");
    if (!QFile::exists(path)) QSKIP(qPrintable("missing " + path));
    const qat::ModelConfig c = qat::loadModelConfig(path.toStdString());
    QCOMPARE(c.architecture, std::string("LlamaForCausalLM"));
    QCOMPARE(c.modelType, std::string("llama"));
    QCOMPARE(c.hiddenSize, int64_t(64));
    QCOMPARE(c.intermediateSize, int64_t(172));
    QCOMPARE(c.numLayers, int64_t(5));
    QCOMPARE(c.numHeads, int64_t(8));
    QCOMPARE(c.numKvHeads, int64_t(4));
    QCOMPARE(c.headDim, int64_t(8));
    QCOMPARE(c.vocabSize, int64_t(512));
    QCOMPARE(c.maxPositionEmbeddings, int64_t(512));
    QCOMPARE(c.rmsNormEps, 1e-5);
    QCOMPARE(c.ropeTheta, 10000.0);
    QVERIFY(!c.ropeScaling);
    QVERIFY(c.tieWordEmbeddings);
    QVERIFY(!c.attentionBias);
    QVERIFY(!c.mlpBias);
    QCOMPARE(c.bosTokenId, int64_t(1));
    QCOMPARE(c.eosTokenId, int64_t(2));
    QCOMPARE(c.torchDtype, std::string("float32"));
}

void TestModelConfig::minimalConfigDefaults() {
    const qat::ModelConfig c = qat::parseModelConfig(text(minimalConfig()), kFile);
    QCOMPARE(c.modelType, std::string("llama"));
    QCOMPARE(c.numKvHeads, int64_t(4)); // no GQA unless given
    QCOMPARE(c.headDim, int64_t(16));   // hidden / heads
    QCOMPARE(c.maxPositionEmbeddings, int64_t(2048));
    QCOMPARE(c.rmsNormEps, 1e-6);
    QCOMPARE(c.ropeTheta, 10000.0);
    QVERIFY(!c.ropeScaling);
    QVERIFY(!c.tieWordEmbeddings);
    QVERIFY(!c.attentionBias);
    QVERIFY(!c.mlpBias);
    QCOMPARE(c.bosTokenId, int64_t(1));
    QCOMPARE(c.eosTokenId, int64_t(2));
    QVERIFY(c.torchDtype.empty());
}

// Columns: the config, the expected kind, the field the message must name
// (as "field 'NAME'"), and a further text the message must contain.
void TestModelConfig::refuses_data() {
    QTest::addColumn<QJsonObject>("config");
    QTest::addColumn<int>("kind");
    QTest::addColumn<QString>("field");
    QTest::addColumn<QString>("also");
    const int bad = int(ErrorKind::BadInput);
    const int unsupported = int(ErrorKind::Unsupported);
    const QJsonObject base = baseConfig();

    // Missing fields.
    for (const char* f : {"architectures", "hidden_size", "intermediate_size", "num_hidden_layers",
                          "num_attention_heads", "vocab_size"}) {
        QTest::addRow("missing %s", f) << without(base, f) << bad << f << "missing";
        QTest::addRow("null %s", f) << with(base, f, QJsonValue::Null) << bad << f << "missing";
    }
    // Wrong types.
    QTest::newRow("hidden_size as string") << with(base, "hidden_size", "64") << bad << "hidden_size"
                                           << "integer";
    QTest::newRow("hidden_size fractional") << with(base, "hidden_size", 64.5) << bad << "hidden_size"
                                            << "integer";
    QTest::newRow("num_hidden_layers as bool")
        << with(base, "num_hidden_layers", true) << bad << "num_hidden_layers"
        << "integer";
    QTest::newRow("vocab_size as array") << with(base, "vocab_size", QJsonArray{512}) << bad << "vocab_size"
                                         << "integer";
    QTest::newRow("num_key_value_heads as string")
        << with(base, "num_key_value_heads", "4") << bad << "num_key_value_heads"
        << "integer";
    QTest::newRow("head_dim as string") << with(base, "head_dim", "8") << bad << "head_dim"
                                        << "integer";
    QTest::newRow("rms_norm_eps as string") << with(base, "rms_norm_eps", "1e-5") << bad << "rms_norm_eps"
                                            << "number";
    QTest::newRow("rope_theta as string") << with(base, "rope_theta", "10000") << bad << "rope_theta"
                                          << "number";
    QTest::newRow("tie_word_embeddings as string")
        << with(base, "tie_word_embeddings", "true") << bad << "tie_word_embeddings"
        << "";
    QTest::newRow("tie_word_embeddings as 1")
        << with(base, "tie_word_embeddings", 1) << bad << "tie_word_embeddings"
        << "";
    QTest::newRow("attention_bias as string") << with(base, "attention_bias", "no") << bad << "attention_bias"
                                              << "";
    QTest::newRow("architectures as string")
        << with(base, "architectures", "LlamaForCausalLM") << bad << "architectures"
        << "";
    QTest::newRow("architectures empty")
        << with(base, "architectures", QJsonArray{}) << bad << "architectures"
        << "";
    QTest::newRow("hidden_act as number") << with(base, "hidden_act", 1) << bad << "hidden_act"
                                          << "string";
    QTest::newRow("rope_scaling as string") << with(base, "rope_scaling", "llama3") << bad << "rope_scaling"
                                            << "";
    // Values out of range.
    QTest::newRow("hidden_size zero") << with(base, "hidden_size", 0) << bad << "hidden_size"
                                      << "positive";
    QTest::newRow("num_attention_heads negative")
        << with(base, "num_attention_heads", -8) << bad << "num_attention_heads"
        << "positive";
    QTest::newRow("rms_norm_eps zero") << with(base, "rms_norm_eps", 0) << bad << "rms_norm_eps"
                                       << "positive";
    QTest::newRow("odd head_dim") << with(base, "head_dim", 7) << bad << "head_dim"
                                  << "even";
    QTest::newRow("hidden not divisible by heads")
        << with(with(without(base, "head_dim"), "num_attention_heads", 6), "num_key_value_heads", 2) << bad
        << "hidden_size"
        << "";
    // GQA: the KV heads must divide the query heads.
    QTest::newRow("kv heads do not divide heads")
        << with(base, "num_key_value_heads", 3) << bad << "num_key_value_heads"
        << "divide";
    QTest::newRow("more kv heads than heads")
        << with(base, "num_key_value_heads", 16) << bad << "num_key_value_heads"
        << "";
    QTest::newRow("kv heads zero") << with(base, "num_key_value_heads", 0) << bad << "num_key_value_heads"
                                   << "positive";
    // Incomplete llama3 rope scaling.
    QTest::newRow("llama3 without factor")
        << with(base, "rope_scaling", without(llama3Scaling(), "factor")) << bad << "rope_scaling.factor"
        << "missing";
    QTest::newRow("llama3 factor as string")
        << with(base, "rope_scaling", with(llama3Scaling(), "factor", "8")) << bad << "rope_scaling.factor"
        << "number";
    QTest::newRow("rope_scaling without a type")
        << with(base, "rope_scaling", QJsonObject{{"factor", 2.0}}) << bad << "rope_scaling.rope_type"
        << "missing";

    // Valid, but not something this engine runs.
    QTest::newRow("GPT-2") << with(base, "architectures", QJsonArray{"GPT2LMHeadModel"}) << unsupported
                           << "architectures"
                           << "GPT2LMHeadModel";
    QTest::newRow("Mixtral") << with(base, "architectures", QJsonArray{"MixtralForCausalLM"}) << unsupported
                             << "architectures"
                             << "MixtralForCausalLM";
    QTest::newRow("rope type yarn") << with(base, "rope_scaling",
                                            QJsonObject{{"rope_type", "yarn"}, {"factor", 4.0}})
                                    << unsupported << "rope_scaling.rope_type"
                                    << "yarn";
    QTest::newRow("rope type longrope (old spelling 'type')")
        << with(base, "rope_scaling", QJsonObject{{"type", "longrope"}, {"factor", 2.0}}) << unsupported
        << "rope_scaling.type"
        << "longrope";
    QTest::newRow("rope type dynamic")
        << with(base, "rope_scaling", QJsonObject{{"rope_type", "dynamic"}, {"factor", 2.0}}) << unsupported
        << "rope_scaling.rope_type"
        << "dynamic";
    QTest::newRow("gelu activation") << with(base, "hidden_act", "gelu") << unsupported << "hidden_act"
                                     << "gelu";
}

void TestModelConfig::refuses() {
    QFETCH(QJsonObject, config);
    QFETCH(int, kind);
    QFETCH(QString, field);
    QFETCH(QString, also);
    try {
        qat::parseModelConfig(text(config), kFile);
        QFAIL("the config was accepted");
    } catch (const qat::Error& e) {
        const QString message = QString::fromStdString(e.what());
        QVERIFY2(int(e.kind()) == kind,
                 qPrintable(QString("kind %1, expected %2: %3").arg(int(e.kind())).arg(kind).arg(message)));
        QVERIFY2(message.contains(QString::fromStdString(kFile)), qPrintable("file not named: " + message));
        QVERIFY2(message.contains("field '" + field + "'"),
                 qPrintable("field '" + field + "' not named: " + message));
        if (!also.isEmpty())
            QVERIFY2(message.contains(also, Qt::CaseInsensitive),
                     qPrintable("no '" + also + "' in: " + message));
    }
}

void TestModelConfig::refusesInvalidJson_data() {
    QTest::addColumn<QByteArray>("json");
    QTest::newRow("empty") << QByteArray();
    QTest::newRow("truncated") << QByteArray(R"({"architectures": ["LlamaForCausalLM"], "hidden_size": )");
    QTest::newRow("array") << QByteArray(R"([{"hidden_size": 64}])");
    QTest::newRow("string") << QByteArray(R"("LlamaForCausalLM")");
    QTest::newRow("trailing comma") << QByteArray(R"({"hidden_size": 64,})");
}

void TestModelConfig::refusesInvalidJson() {
    QFETCH(QByteArray, json);
    try {
        qat::parseModelConfig(json.toStdString(), kFile);
        QFAIL("accepted");
    } catch (const qat::Error& e) {
        QCOMPARE(e.kind(), ErrorKind::BadInput);
        QVERIFY2(QString(e.what()).contains(QString::fromStdString(kFile)), e.what());
    }
}

// Llama 3.1's block, as shipped in meta-llama/Llama-3.1-8B's config.json.
void TestModelConfig::ropeScalingLlama3() {
    QJsonObject o = with(baseConfig(), "rope_scaling",
                         QJsonObject{{"rope_type", "llama3"},
                                     {"factor", 8.0},
                                     {"low_freq_factor", 1.0},
                                     {"high_freq_factor", 4.0},
                                     {"original_max_position_embeddings", 8192}});
    o = with(o, "rope_theta", 500000.0);
    const qat::ModelConfig c = qat::parseModelConfig(text(o), kFile);
    QVERIFY(c.ropeScaling.has_value());
    QCOMPARE(c.ropeScaling->type, qat::RopeType::Llama3);
    QCOMPARE(c.ropeScaling->factor, 8.0);
    QCOMPARE(c.ropeScaling->lowFreqFactor, 1.0);
    QCOMPARE(c.ropeScaling->highFreqFactor, 4.0);
    QCOMPARE(c.ropeScaling->originalMaxPositionEmbeddings, int64_t(8192));
    QCOMPARE(c.ropeTheta, 500000.0);

    // Llama 3.2's values, and the old key "type".
    const qat::ModelConfig c2 =
        qat::parseModelConfig(text(with(baseConfig(), "rope_scaling",
                                        with(without(llama3Scaling(), "rope_type"), "type", "llama3"))),
                              kFile);
    QVERIFY(c2.ropeScaling.has_value());
    QCOMPARE(c2.ropeScaling->factor, 32.0);
}

void TestModelConfig::ropeScalingDefaultOrNull_data() {
    QTest::addColumn<QJsonValue>("scaling");
    QTest::newRow("null") << QJsonValue(QJsonValue::Null);
    QTest::newRow("rope_type default") << QJsonValue(QJsonObject{{"rope_type", "default"}});
}

void TestModelConfig::ropeScalingDefaultOrNull() {
    QFETCH(QJsonValue, scaling);
    const qat::ModelConfig c =
        qat::parseModelConfig(text(with(baseConfig(), "rope_scaling", scaling)), kFile);
    QVERIFY(!c.ropeScaling);
}

void TestModelConfig::attentionBias_data() {
    QTest::addColumn<QString>("architecture");
    QTest::addColumn<QJsonValue>("given");
    QTest::addColumn<bool>("expected");
    QTest::newRow("Llama default") << "LlamaForCausalLM" << QJsonValue(QJsonValue::Undefined) << false;
    QTest::newRow("Mistral default") << "MistralForCausalLM" << QJsonValue(QJsonValue::Undefined) << false;
    QTest::newRow("Qwen2 default") << "Qwen2ForCausalLM" << QJsonValue(QJsonValue::Undefined) << true;
    QTest::newRow("Qwen2 null") << "Qwen2ForCausalLM" << QJsonValue(QJsonValue::Null) << true;
    QTest::newRow("Llama explicit true") << "LlamaForCausalLM" << QJsonValue(true) << true;
    QTest::newRow("Qwen2 explicit false") << "Qwen2ForCausalLM" << QJsonValue(false) << false;
}

void TestModelConfig::attentionBias() {
    QFETCH(QString, architecture);
    QFETCH(QJsonValue, given);
    QFETCH(bool, expected);
    QJsonObject o = minimalConfig(architecture.toUtf8().constData());
    if (!given.isUndefined()) o.insert("attention_bias", given);
    const qat::ModelConfig c = qat::parseModelConfig(text(o), kFile);
    QCOMPARE(c.attentionBias, expected);
    QCOMPARE(c.architecture, architecture.toStdString());
}

void TestModelConfig::headDim_data() {
    QTest::addColumn<int>("hidden");
    QTest::addColumn<int>("heads");
    QTest::addColumn<QJsonValue>("given");
    QTest::addColumn<int>("expected");
    QTest::newRow("default hidden/heads") << 64 << 4 << QJsonValue(QJsonValue::Undefined) << 16;
    QTest::newRow("default, Llama-2-7B") << 4096 << 32 << QJsonValue(QJsonValue::Undefined) << 128;
    QTest::newRow("null means default") << 64 << 8 << QJsonValue(QJsonValue::Null) << 8;
    // Mistral-Nemo style: head_dim given and unequal to hidden/heads.
    QTest::newRow("explicit, unequal to hidden/heads") << 5120 << 32 << QJsonValue(128) << 128;
    QTest::newRow("explicit, hidden not divisible") << 60 << 8 << QJsonValue(8) << 8;
}

void TestModelConfig::headDim() {
    QFETCH(int, hidden);
    QFETCH(int, heads);
    QFETCH(QJsonValue, given);
    QFETCH(int, expected);
    QJsonObject o = with(with(minimalConfig(), "hidden_size", hidden), "num_attention_heads", heads);
    if (!given.isUndefined()) o.insert("head_dim", given);
    const qat::ModelConfig c = qat::parseModelConfig(text(o), kFile);
    QCOMPARE(c.headDim, int64_t(expected));
}

void TestModelConfig::groupedQueryAttention_data() {
    QTest::addColumn<int>("heads");
    QTest::addColumn<QJsonValue>("kvHeads");
    QTest::addColumn<int>("expected");
    QTest::newRow("absent: multi-head") << 8 << QJsonValue(QJsonValue::Undefined) << 8;
    QTest::newRow("null: multi-head") << 8 << QJsonValue(QJsonValue::Null) << 8;
    QTest::newRow("equal") << 8 << QJsonValue(8) << 8;
    QTest::newRow("GQA 2:1") << 8 << QJsonValue(4) << 4;
    QTest::newRow("GQA 4:1 (Llama-3-8B)") << 32 << QJsonValue(8) << 8;
    QTest::newRow("multi-query") << 8 << QJsonValue(1) << 1;
}

void TestModelConfig::groupedQueryAttention() {
    QFETCH(int, heads);
    QFETCH(QJsonValue, kvHeads);
    QFETCH(int, expected);
    QJsonObject o = with(with(minimalConfig(), "hidden_size", heads * 8), "num_attention_heads", heads);
    if (!kvHeads.isUndefined()) o.insert("num_key_value_heads", kvHeads);
    const qat::ModelConfig c = qat::parseModelConfig(text(o), kFile);
    QCOMPARE(c.numHeads, int64_t(heads));
    QCOMPARE(c.numKvHeads, int64_t(expected));
}

void TestModelConfig::tokenIds() {
    // Llama-3-Instruct lists several EOS ids; the first is taken.
    QJsonObject o = with(with(minimalConfig(), "bos_token_id", 128000), "eos_token_id",
                         QJsonArray{128001, 128008, 128009});
    const qat::ModelConfig c = qat::parseModelConfig(text(o), kFile);
    QCOMPARE(c.bosTokenId, int64_t(128000));
    QCOMPARE(c.eosTokenId, int64_t(128001));
}

void TestModelConfig::loadModelConfigFromFile() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString missing = dir.filePath("config.json");
    try {
        qat::loadModelConfig(missing.toStdString());
        QFAIL("a missing file was read");
    } catch (const qat::Error& e) {
        QCOMPARE(e.kind(), ErrorKind::BadInput);
        QVERIFY2(QString(e.what()).contains(missing), e.what());
    }

    QFile f(missing);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(QJsonDocument(without(baseConfig(), "vocab_size")).toJson());
    f.close();
    try {
        qat::loadModelConfig(missing.toStdString());
        QFAIL("a config without vocab_size was accepted");
    } catch (const qat::Error& e) {
        QCOMPARE(e.kind(), ErrorKind::BadInput);
        QVERIFY2(QString(e.what()).contains(missing), e.what());
        QVERIFY2(QString(e.what()).contains("field 'vocab_size'"), e.what());
    }
}

QTEST_GUILESS_MAIN(TestModelConfig)
#include "TestModelConfig.moc"
