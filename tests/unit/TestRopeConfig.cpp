// SPDX-License-Identifier: GPL-3.0-or-later
// The rope settings of config.json in both forms: `rope_parameters` (transformers >= 5) and
// `rope_theta` + `rope_scaling` (older), which wins when both are present (as in transformers
// 5.25), the defaults, and the rope types refused; `head_dim: null` and `dtype` / `torch_dtype`.
// The logits these settings lead to are checked against transformers in tests/model/TestRopeScaling.
#include "qat/ModelConfig.h"
#include "qat/Status.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

using qat::ErrorKind;
using qat::RopeType;

Q_DECLARE_METATYPE(qat::RopeType)

namespace {

const std::string kFile = "/models/llama-rope/config.json";

// config.json as transformers 5.25 writes it (LlamaConfig.save_pretrained, llama3 scaling):
// the rope settings only under `rope_parameters`, no top-level rope_theta, `dtype`.
const char* kTransformers5Config = R"({
  "architectures": [
    "LlamaForCausalLM"
  ],
  "attention_bias": false,
  "attention_dropout": 0.0,
  "bos_token_id": 1,
  "dtype": "float32",
  "eos_token_id": 2,
  "head_dim": 16,
  "hidden_act": "silu",
  "hidden_size": 64,
  "initializer_range": 0.02,
  "intermediate_size": 128,
  "max_position_embeddings": 8192,
  "mlp_bias": false,
  "model_type": "llama",
  "num_attention_heads": 4,
  "num_hidden_layers": 2,
  "num_key_value_heads": 2,
  "pad_token_id": null,
  "pretraining_tp": 1,
  "rms_norm_eps": 1e-06,
  "rope_parameters": {
    "factor": 8.0,
    "high_freq_factor": 4.0,
    "low_freq_factor": 1.0,
    "original_max_position_embeddings": 64,
    "rope_theta": 500000.0,
    "rope_type": "llama3"
  },
  "tie_word_embeddings": false,
  "transformers_version": "5.25.0",
  "use_cache": true,
  "vocab_size": 256
})";

QJsonObject baseConfig() {
    return QJsonObject{
        {"architectures", QJsonArray{"LlamaForCausalLM"}},
        {"hidden_size", 64},
        {"intermediate_size", 128},
        {"num_hidden_layers", 2},
        {"num_attention_heads", 4},
        {"num_key_value_heads", 2},
        {"vocab_size", 256},
        {"max_position_embeddings", 8192},
    };
}

QJsonObject with(QJsonObject o, const QString& key, const QJsonValue& v) {
    o.insert(key, v);
    return o;
}

QJsonObject llama3(double theta = 500000.0) {
    return QJsonObject{{"rope_type", "llama3"},   {"rope_theta", theta},
                       {"factor", 8.0},           {"low_freq_factor", 1.0},
                       {"high_freq_factor", 4.0}, {"original_max_position_embeddings", 64}};
}

qat::ModelConfig parse(const QJsonObject& o) {
    return qat::parseModelConfig(QJsonDocument(o).toJson().toStdString(), kFile);
}

} // namespace

class TestRopeConfig : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void transformers5Config();
    void ropeForms_data();
    void ropeForms();
    void llama3OriginalContext_data();
    void llama3OriginalContext();
    void refuses_data();
    void refuses();
    void headDimNull();
    void dtype_data();
    void dtype();
    void ropeTypeNames();
};

void TestRopeConfig::transformers5Config() {
    const qat::ModelConfig c = qat::parseModelConfig(kTransformers5Config, kFile);
    QCOMPARE(c.ropeTheta, 500000.0);
    QVERIFY(c.ropeScaling.has_value());
    QCOMPARE(c.ropeScaling->type, RopeType::Llama3);
    QCOMPARE(c.ropeScaling->factor, 8.0);
    QCOMPARE(c.ropeScaling->lowFreqFactor, 1.0);
    QCOMPARE(c.ropeScaling->highFreqFactor, 4.0);
    QCOMPARE(c.ropeScaling->originalMaxPositionEmbeddings, int64_t(64));
    QCOMPARE(c.headDim, int64_t(16));
    QCOMPARE(c.torchDtype, std::string("float32"));
}

// Columns: the rope fields added to the base config, and what transformers 5.25 makes of them
// (checked with AutoConfig.from_pretrained): the rope type (Default: no scaling), factor, theta.
void TestRopeConfig::ropeForms_data() {
    QTest::addColumn<QJsonObject>("fields");
    QTest::addColumn<RopeType>("type");
    QTest::addColumn<double>("factor");
    QTest::addColumn<double>("theta");
    const QJsonObject linear2{{"rope_type", "linear"}, {"factor", 2.0}};

    QTest::newRow("nothing: theta 10000") << QJsonObject{} << RopeType::Default << 0.0 << 10000.0;
    QTest::newRow("old: rope_theta only")
        << QJsonObject{{"rope_theta", 500000.0}} << RopeType::Default << 0.0 << 500000.0;
    QTest::newRow("old: rope_scaling null")
        << QJsonObject{{"rope_theta", 1e6}, {"rope_scaling", QJsonValue::Null}} << RopeType::Default << 0.0
        << 1e6;
    QJsonObject llama3Old = llama3();
    llama3Old.remove("rope_theta");
    QTest::newRow("old: llama3") << QJsonObject{{"rope_theta", 500000.0}, {"rope_scaling", llama3Old}}
                                 << RopeType::Llama3 << 8.0 << 500000.0;
    QTest::newRow("old: linear, key 'type'")
        << QJsonObject{{"rope_theta", 20000.0},
                       {"rope_scaling", QJsonObject{{"type", "linear"}, {"factor", 4.0}}}}
        << RopeType::Linear << 4.0 << 20000.0;
    QTest::newRow("old: llama3 without theta: 10000")
        << QJsonObject{{"rope_scaling", QJsonObject{{"rope_type", "llama3"},
                                                    {"factor", 8.0},
                                                    {"low_freq_factor", 1.0},
                                                    {"high_freq_factor", 4.0}}}}
        << RopeType::Llama3 << 8.0 << 10000.0;
    QTest::newRow("new: llama3") << QJsonObject{{"rope_parameters", llama3()}} << RopeType::Llama3 << 8.0
                                 << 500000.0;
    QTest::newRow("new: linear") << QJsonObject{{"rope_parameters", with(linear2, "rope_theta", 1000.0)}}
                                 << RopeType::Linear << 2.0 << 1000.0;
    QTest::newRow("new: default") << QJsonObject{{"rope_parameters",
                                                  QJsonObject{{"rope_type", "default"}, {"rope_theta", 1e6}}}}
                                  << RopeType::Default << 0.0 << 1e6;
    QTest::newRow("new: no type means default")
        << QJsonObject{{"rope_parameters", QJsonObject{{"rope_theta", 1e6}}}} << RopeType::Default << 0.0
        << 1e6;
    QTest::newRow("new: key 'type'") << QJsonObject{{"rope_parameters", QJsonObject{{"type", "linear"},
                                                                                    {"factor", 3.0},
                                                                                    {"rope_theta", 1000.0}}}}
                                     << RopeType::Linear << 3.0 << 1000.0;
    QTest::newRow("new: empty") << QJsonObject{{"rope_parameters", QJsonObject{}}} << RopeType::Default << 0.0
                                << 10000.0;
    QTest::newRow("new: without theta: 10000")
        << QJsonObject{{"rope_parameters", linear2}} << RopeType::Linear << 2.0 << 10000.0;
    // Both forms. The dict's own theta wins over the top-level one ...
    QTest::newRow("both: rope_parameters theta over rope_theta")
        << QJsonObject{{"rope_theta", 10000.0}, {"rope_parameters", llama3(500000.0)}} << RopeType::Llama3
        << 8.0 << 500000.0;
    // ... which fills in when the dict has none.
    QTest::newRow("both: rope_theta fills rope_parameters in")
        << QJsonObject{{"rope_theta", 123.0}, {"rope_parameters", linear2}} << RopeType::Linear << 2.0
        << 123.0;
    // A non-empty rope_scaling replaces rope_parameters whole, theta included.
    QTest::newRow("both: rope_scaling over rope_parameters")
        << QJsonObject{{"rope_theta", 10000.0},
                       {"rope_scaling", linear2},
                       {"rope_parameters", llama3(500000.0)}}
        << RopeType::Linear << 2.0 << 10000.0;
    QTest::newRow("both: rope_scaling default over rope_parameters")
        << QJsonObject{{"rope_scaling", QJsonObject{{"rope_type", "default"}}}, {"rope_parameters", llama3()}}
        << RopeType::Default << 0.0 << 10000.0;
    QTest::newRow("both: rope_scaling's own theta")
        << QJsonObject{{"rope_theta", 1.0},
                       {"rope_scaling", with(linear2, "rope_theta", 7.0)},
                       {"rope_parameters", llama3()}}
        << RopeType::Linear << 2.0 << 7.0;
    QTest::newRow("both: rope_scaling null") << QJsonObject{{"rope_theta", 10000.0},
                                                            {"rope_scaling", QJsonValue::Null},
                                                            {"rope_parameters", llama3()}}
                                             << RopeType::Llama3 << 8.0 << 500000.0;
    QTest::newRow("both: rope_scaling empty") << QJsonObject{{"rope_theta", 10000.0},
                                                             {"rope_scaling", QJsonObject{}},
                                                             {"rope_parameters", llama3()}}
                                              << RopeType::Llama3 << 8.0 << 500000.0;
}

void TestRopeConfig::ropeForms() {
    QFETCH(QJsonObject, fields);
    QFETCH(RopeType, type);
    QFETCH(double, factor);
    QFETCH(double, theta);
    QJsonObject o = baseConfig();
    for (auto it = fields.begin(); it != fields.end(); ++it)
        o.insert(it.key(), it.value());
    const qat::ModelConfig c = parse(o);
    QCOMPARE(c.ropeTheta, theta);
    if (type == RopeType::Default) {
        QVERIFY(!c.ropeScaling);
        return;
    }
    QVERIFY(c.ropeScaling.has_value());
    QCOMPARE(c.ropeScaling->type, type);
    QCOMPARE(c.ropeScaling->factor, factor);
}

// llama3's original context: a top-level value, else the rope dict's, else max_position_embeddings.
void TestRopeConfig::llama3OriginalContext_data() {
    QTest::addColumn<QJsonValue>("topLevel");
    QTest::addColumn<QJsonValue>("inDict");
    QTest::addColumn<int>("expected");
    QTest::newRow("in the dict") << QJsonValue(QJsonValue::Undefined) << QJsonValue(64) << 64;
    QTest::newRow("absent: max_position_embeddings")
        << QJsonValue(QJsonValue::Undefined) << QJsonValue(QJsonValue::Undefined) << 8192;
    QTest::newRow("null: max_position_embeddings")
        << QJsonValue(QJsonValue::Undefined) << QJsonValue(QJsonValue::Null) << 8192;
    QTest::newRow("top-level wins") << QJsonValue(128) << QJsonValue(64) << 128;
}

void TestRopeConfig::llama3OriginalContext() {
    QFETCH(QJsonValue, topLevel);
    QFETCH(QJsonValue, inDict);
    QFETCH(int, expected);
    QJsonObject rope = llama3();
    rope.remove("original_max_position_embeddings");
    if (!inDict.isUndefined()) rope.insert("original_max_position_embeddings", inDict);
    QJsonObject o = with(baseConfig(), "rope_parameters", rope);
    if (!topLevel.isUndefined()) o.insert("original_max_position_embeddings", topLevel);
    const qat::ModelConfig c = parse(o);
    QVERIFY(c.ropeScaling.has_value());
    QCOMPARE(c.ropeScaling->originalMaxPositionEmbeddings, int64_t(expected));
}

// Columns: the rope fields, the expected kind, the field the message must name, a further text.
void TestRopeConfig::refuses_data() {
    QTest::addColumn<QJsonObject>("fields");
    QTest::addColumn<int>("kind");
    QTest::addColumn<QString>("field");
    QTest::addColumn<QString>("also");
    const int bad = int(ErrorKind::BadInput);
    const int unsupported = int(ErrorKind::Unsupported);
    auto rope = [](const QString& type) { return QJsonObject{{"rope_type", type}, {"factor", 4.0}}; };

    for (const char* type : {"yarn", "dynamic", "longrope", "proportional", "su"}) {
        QTest::addRow("rope_parameters %s", type)
            << QJsonObject{{"rope_parameters", with(rope(type), "rope_theta", 1e6)}} << unsupported
            << "rope_parameters.rope_type" << type;
        QTest::addRow("rope_scaling %s", type)
            << QJsonObject{{"rope_theta", 1e6}, {"rope_scaling", rope(type)}} << unsupported
            << "rope_scaling.rope_type" << type;
    }
    QTest::newRow("rope_parameters yarn, key 'type'")
        << QJsonObject{{"rope_parameters", QJsonObject{{"type", "yarn"}, {"factor", 4.0}}}} << unsupported
        << "rope_parameters.type"
        << "supported: default, linear, llama3";
    // rope_scaling is the one read when both are present, so its yarn is refused.
    QTest::newRow("rope_scaling yarn over rope_parameters llama3")
        << QJsonObject{{"rope_scaling", rope("yarn")}, {"rope_parameters", llama3()}} << unsupported
        << "rope_scaling.rope_type"
        << "yarn";
    QTest::newRow("rope_parameters as string")
        << QJsonObject{{"rope_parameters", "llama3"}} << bad << "rope_parameters"
        << "object";
    QTest::newRow("rope_parameters as list")
        << QJsonObject{{"rope_parameters", QJsonArray{llama3()}}} << bad << "rope_parameters"
        << "object";
    QTest::newRow("rope_type as number") << QJsonObject{{"rope_parameters", QJsonObject{{"rope_type", 3}}}}
                                         << bad << "rope_parameters.rope_type"
                                         << "string";
    QTest::newRow("factor without a type")
        << QJsonObject{{"rope_parameters", QJsonObject{{"factor", 4.0}, {"rope_theta", 1e6}}}} << bad
        << "rope_parameters.rope_type"
        << "missing";
    QTest::newRow("rope_parameters theta as string")
        << QJsonObject{{"rope_parameters", with(llama3(), "rope_theta", "500000")}} << bad
        << "rope_parameters.rope_theta"
        << "number";
    QTest::newRow("rope_parameters theta zero")
        << QJsonObject{{"rope_parameters", with(llama3(), "rope_theta", 0)}} << bad
        << "rope_parameters.rope_theta"
        << "positive";
    QTest::newRow("top-level theta negative")
        << QJsonObject{{"rope_theta", -1.0}, {"rope_parameters", QJsonObject{{"rope_type", "default"}}}}
        << bad << "rope_theta"
        << "positive";
    QTest::newRow("linear without factor")
        << QJsonObject{{"rope_parameters", QJsonObject{{"rope_type", "linear"}}}} << bad
        << "rope_parameters.factor"
        << "missing";
    QTest::newRow("linear factor zero")
        << QJsonObject{{"rope_parameters", QJsonObject{{"rope_type", "linear"}, {"factor", 0}}}} << bad
        << "rope_parameters.factor"
        << "positive";
    QJsonObject noLow = llama3();
    noLow.remove("low_freq_factor");
    QTest::newRow("llama3 without low_freq_factor")
        << QJsonObject{{"rope_parameters", noLow}} << bad << "rope_parameters.low_freq_factor"
        << "missing";
    QTest::newRow("llama3 high not above low")
        << QJsonObject{{"rope_parameters", with(llama3(), "high_freq_factor", 1.0)}} << bad
        << "rope_parameters"
        << "high_freq_factor";
    QTest::newRow("llama3 original context as float")
        << QJsonObject{{"rope_parameters", with(llama3(), "original_max_position_embeddings", 64.5)}} << bad
        << "rope_parameters.original_max_position_embeddings"
        << "integer";
}

void TestRopeConfig::refuses() {
    QFETCH(QJsonObject, fields);
    QFETCH(int, kind);
    QFETCH(QString, field);
    QFETCH(QString, also);
    QJsonObject o = baseConfig();
    for (auto it = fields.begin(); it != fields.end(); ++it)
        o.insert(it.key(), it.value());
    try {
        parse(o);
        QFAIL("the config was accepted");
    } catch (const qat::Error& e) {
        const QString message = QString::fromStdString(e.what());
        QVERIFY2(int(e.kind()) == kind,
                 qPrintable(QString("kind %1, expected %2: %3").arg(int(e.kind())).arg(kind).arg(message)));
        QVERIFY2(message.contains(QString::fromStdString(kFile)), qPrintable("file not named: " + message));
        QVERIFY2(message.contains("field '" + field + "'"),
                 qPrintable("field '" + field + "' not named: " + message));
        QVERIFY2(message.contains(also, Qt::CaseInsensitive), qPrintable("no '" + also + "' in: " + message));
    }
}

void TestRopeConfig::headDimNull() {
    QJsonObject o = with(with(baseConfig(), "head_dim", QJsonValue::Null), "rope_parameters", llama3());
    const qat::ModelConfig c = parse(o);
    QCOMPARE(c.headDim, int64_t(16)); // hidden_size / num_attention_heads
    QVERIFY(c.ropeScaling.has_value());
}

void TestRopeConfig::dtype_data() {
    QTest::addColumn<QJsonValue>("dtype");
    QTest::addColumn<QJsonValue>("torchDtype");
    QTest::addColumn<QString>("expected");
    const QJsonValue none(QJsonValue::Undefined);
    QTest::newRow("dtype (transformers >= 5)") << QJsonValue("bfloat16") << none << "bfloat16";
    QTest::newRow("torch_dtype (older)") << none << QJsonValue("float16") << "float16";
    QTest::newRow("both: dtype kept") << QJsonValue("bfloat16") << QJsonValue("float16") << "bfloat16";
    QTest::newRow("dtype null: torch_dtype")
        << QJsonValue(QJsonValue::Null) << QJsonValue("float32") << "float32";
    QTest::newRow("neither") << none << none << "";
}

void TestRopeConfig::dtype() {
    QFETCH(QJsonValue, dtype);
    QFETCH(QJsonValue, torchDtype);
    QFETCH(QString, expected);
    QJsonObject o = baseConfig();
    if (!dtype.isUndefined()) o.insert("dtype", dtype);
    if (!torchDtype.isUndefined()) o.insert("torch_dtype", torchDtype);
    QCOMPARE(QString::fromStdString(parse(o).torchDtype), expected);

    // A mistyped dtype is named.
    try {
        parse(with(baseConfig(), "dtype", 16));
        QFAIL("accepted");
    } catch (const qat::Error& e) {
        QCOMPARE(e.kind(), ErrorKind::BadInput);
        QVERIFY2(QString(e.what()).contains("field 'dtype'"), e.what());
    }
}

void TestRopeConfig::ropeTypeNames() {
    QCOMPARE(std::string(qat::ropeTypeName(RopeType::Default)), std::string("default"));
    QCOMPARE(std::string(qat::ropeTypeName(RopeType::Linear)), std::string("linear"));
    QCOMPARE(std::string(qat::ropeTypeName(RopeType::Llama3)), std::string("llama3"));
}

QTEST_GUILESS_MAIN(TestRopeConfig)
#include "TestRopeConfig.moc"
