// SPDX-License-Identifier: GPL-3.0-or-later
// Loading model folders: the stories260K demo model as a single file and sharded, and every
// way a folder can be wrong, each refused with a message that names the culprit (file,
// index entry, tensor, dtype, shape or config field).
//
// Broken folders are built in a QTemporaryDir from the stories260K files, rewritten by a small
// safetensors writer of this test (independent of the engine's reader: Qt's JSON only).
#include "qat/Model.h"
#include "qat/ModelSummary.h"
#include "qat/Status.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>

using qat::ErrorKind;

namespace {

const QString kStories = QStringLiteral(QAT_SHARED_DIR "/models/stories260K");

struct RawTensor {
    QString name;
    QString dtype;
    QList<qint64> shape;
    QByteArray data;
};

int dtypeBytes(const QString& dtype) {
    if (dtype == "F64" || dtype == "I64") return 8;
    if (dtype == "F32" || dtype == "I32") return 4;
    if (dtype == "F16" || dtype == "BF16" || dtype == "I16") return 2;
    return 1;
}

QByteArray readAll(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

bool writeAll(const QString& path, const QByteArray& bytes) {
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
}

// Reads a safetensors file with Qt's JSON parser, in data order.
QList<RawTensor> readSafetensors(const QString& path) {
    const QByteArray file = readAll(path);
    if (file.size() < 8) return {};
    quint64 n = 0;
    for (int i = 7; i >= 0; --i)
        n = (n << 8) | quint8(file[i]);
    const QJsonObject header = QJsonDocument::fromJson(file.mid(8, qsizetype(n))).object();
    QList<RawTensor> out;
    for (auto it = header.begin(); it != header.end(); ++it) {
        if (it.key() == "__metadata__") continue;
        const QJsonObject o = it.value().toObject();
        RawTensor t;
        t.name = it.key();
        t.dtype = o.value("dtype").toString();
        for (const auto& d : o.value("shape").toArray())
            t.shape << d.toInteger();
        const qint64 begin = o.value("data_offsets").toArray().at(0).toInteger();
        const qint64 end = o.value("data_offsets").toArray().at(1).toInteger();
        t.data = file.mid(qsizetype(8 + n + begin), qsizetype(end - begin));
        out << t;
    }
    std::sort(out.begin(), out.end(), [&](const RawTensor& a, const RawTensor& b) {
        return header.value(a.name)["data_offsets"][0].toInteger() <
               header.value(b.name)["data_offsets"][0].toInteger();
    });
    return out;
}

// Writes tensors back to back in the given order, the header space-padded to 8 bytes.
bool writeSafetensors(const QString& path, const QList<RawTensor>& tensors) {
    QJsonObject header{{"__metadata__", QJsonObject{{"format", "pt"}}}};
    QByteArray data;
    for (const RawTensor& t : tensors) {
        QJsonArray shape;
        for (qint64 d : t.shape)
            shape << d;
        header.insert(t.name, QJsonObject{{"dtype", t.dtype},
                                          {"shape", shape},
                                          {"data_offsets", QJsonArray{qint64(data.size()),
                                                                      qint64(data.size() + t.data.size())}}});
        data += t.data;
    }
    QByteArray json = QJsonDocument(header).toJson(QJsonDocument::Compact);
    json += QByteArray((8 - json.size() % 8) % 8, ' ');
    QByteArray prefix(8, '\0');
    for (int i = 0; i < 8; ++i)
        prefix[i] = char((quint64(json.size()) >> (8 * i)) & 0xFF);
    return writeAll(path, prefix + json + data);
}

RawTensor* findTensor(QList<RawTensor>& tensors, const QString& name) {
    for (RawTensor& t : tensors)
        if (t.name == name) return &t;
    return nullptr;
}

QList<qint64> parseShape(const QString& text) {
    QList<qint64> shape;
    for (const QString& d : text.split(',', Qt::SkipEmptyParts))
        shape << d.trimmed().toLongLong();
    return shape;
}

qint64 numel(const QList<qint64>& shape) {
    qint64 n = 1;
    for (qint64 d : shape)
        n *= d;
    return n;
}

// A regular expression for a shape printed in any usual way: [64, 172], (64, 172), 64x172.
QRegularExpression shapePattern(const QList<qint64>& shape) {
    QStringList dims;
    for (qint64 d : shape)
        dims << QString::number(d);
    return QRegularExpression("(^|\\D)" + dims.join("\\s*[,x\\s]\\s*") + "(\\D|$)");
}

const QString kShard1 = "model-00001-of-00002.safetensors";
const QString kShard2 = "model-00002-of-00002.safetensors";
const QString kIndex = "model.safetensors.index.json";

// How a test folder is broken.
enum class Break {
    None,
    Pickled,          // target: the pickled file, in place of any safetensors
    NoWeights,        // config and tokenizer only
    IndexEntry,       // sharded; weight_map[target] = value ("$DIR" -> the folder)
    MissingShard,     // sharded; weight_map[target] names a shard that does not exist
    MissingTensor,    // single file without target
    MissingInShard,   // sharded; the index lists target but its shard lacks it
    WrongShape,       // target stored with shape value (zeros)
    WrongDType,       // target stored as dtype value (zeros), same shape
    TruncatedWeights, // model.safetensors cut to value bytes
    ConfigField,      // config.json with target set to the JSON value (or removed when value is empty)
    NoConfig,         // no config.json
};

} // namespace

Q_DECLARE_METATYPE(Break)

class TestModelLoading : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void loadsStories260K();
    void loadsRewrittenCopy();
    void loadsShardedCopy();
    void prefersSafetensorsOverPickle();
    void loadsBf16UntiedModel();
    void refusesUntiedModelWithoutHead();
    void refuses_data();
    void refuses();
    void inspectRefuses_data();
    void inspectRefuses();
    void inspectsStories260K();

private:
    void addRefusalRows(bool forInspect);
    void checkRefusal(bool inspect);
    QString makeFolder(Break kind, const QString& target, const QString& value);
    bool writeSharded(const QString& dir, const QList<RawTensor>& tensors, const QJsonObject& mapEdits);
    static std::vector<float> logits(const QString& folder, QString* error);

    QList<RawTensor> m_tensors;
    QByteArray m_config;
    std::unique_ptr<QTemporaryDir> m_dir;
};

void TestModelLoading::initTestCase() {
    if (!QFile::exists(kStories + "/model.safetensors")) QSKIP(qPrintable("missing " + kStories));
    m_tensors = readSafetensors(kStories + "/model.safetensors");
    QCOMPARE(m_tensors.size(), 47);
    m_config = readAll(kStories + "/config.json");
    QVERIFY(!m_config.isEmpty());
}

void TestModelLoading::init() {
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

std::vector<float> TestModelLoading::logits(const QString& folder, QString* error) {
    std::unique_ptr<qat::Model> model;
    qat::Status s = qat::Model::load(folder.toStdString(), qat::LoadOptions{}, model);
    std::vector<float> out;
    if (s.ok()) s = model->lastLogits({1, 403, 407}, out);
    if (!s.ok() && error) *error = QString::fromStdString(s.message);
    return out;
}

// Splits the tensors over two shards (layers 0-2 and embedding in the first) with an index;
// `mapEdits` overrides weight_map entries (a null value removes the entry).
bool TestModelLoading::writeSharded(const QString& dir, const QList<RawTensor>& tensors,
                                    const QJsonObject& mapEdits) {
    QList<RawTensor> first, second;
    QJsonObject map;
    for (const RawTensor& t : tensors) {
        const bool early = t.name.startsWith("model.embed_tokens") || t.name.startsWith("model.layers.0.") ||
                           t.name.startsWith("model.layers.1.") || t.name.startsWith("model.layers.2.");
        (early ? first : second) << t;
        map.insert(t.name, early ? kShard1 : kShard2);
    }
    for (auto it = mapEdits.begin(); it != mapEdits.end(); ++it) {
        if (it.value().isNull())
            map.remove(it.key());
        else
            map.insert(it.key(), it.value());
    }
    qint64 total = 0;
    for (const RawTensor& t : tensors)
        total += t.data.size();
    const QJsonObject index{{"metadata", QJsonObject{{"total_size", total}}}, {"weight_map", map}};
    return writeSafetensors(QDir(dir).filePath(kShard1), first) &&
           writeSafetensors(QDir(dir).filePath(kShard2), second) &&
           writeAll(QDir(dir).filePath(kIndex), QJsonDocument(index).toJson());
}

QString TestModelLoading::makeFolder(Break kind, const QString& target, const QString& value) {
    const QString dir = m_dir->path();
    const QDir d(dir);
    QList<RawTensor> tensors = m_tensors;
    QByteArray config = m_config;
    bool ok = QFile::copy(kStories + "/tokenizer.model", d.filePath("tokenizer.model"));

    switch (kind) {
    case Break::None:
        ok = ok && writeSafetensors(d.filePath("model.safetensors"), tensors);
        break;
    case Break::Pickled:
        // The start of a zip-format torch.save file; its content does not matter: it must not be read.
        ok = ok && writeAll(d.filePath(target), QByteArray("PK\x03\x04", 4) + QByteArray(60, '\0'));
        break;
    case Break::NoWeights:
        break;
    case Break::IndexEntry: {
        QString entry = value;
        entry.replace("$DIR", dir);
        ok = ok && writeSharded(dir, tensors, QJsonObject{{target, entry}});
        break;
    }
    case Break::MissingShard:
        ok = ok && writeSharded(dir, tensors, QJsonObject{{target, value}});
        break;
    case Break::MissingTensor:
        tensors.removeIf([&](const RawTensor& t) { return t.name == target; });
        ok = ok && writeSafetensors(d.filePath("model.safetensors"), tensors);
        break;
    case Break::MissingInShard: {
        QList<RawTensor> kept = tensors;
        kept.removeIf([&](const RawTensor& t) { return t.name == target; });
        // The index still maps `target` to its shard.
        QJsonObject edits;
        ok = ok && writeSharded(dir, kept, edits);
        QFile f(d.filePath(kIndex));
        ok = ok && f.open(QIODevice::ReadOnly);
        QJsonObject index = QJsonDocument::fromJson(f.readAll()).object();
        f.close();
        QJsonObject map = index.value("weight_map").toObject();
        map.insert(target, target.startsWith("model.layers.4.") ? kShard2 : kShard1);
        index.insert("weight_map", map);
        ok = ok && writeAll(d.filePath(kIndex), QJsonDocument(index).toJson());
        break;
    }
    case Break::WrongShape: {
        RawTensor* t = findTensor(tensors, target);
        ok = ok && t;
        if (t) {
            t->shape = parseShape(value);
            t->data = QByteArray(qsizetype(numel(t->shape) * dtypeBytes(t->dtype)), '\0');
        }
        ok = ok && writeSafetensors(d.filePath("model.safetensors"), tensors);
        break;
    }
    case Break::WrongDType: {
        RawTensor* t = findTensor(tensors, target);
        ok = ok && t;
        if (t) {
            t->dtype = value;
            t->data = QByteArray(qsizetype(numel(t->shape) * dtypeBytes(value)), '\0');
        }
        ok = ok && writeSafetensors(d.filePath("model.safetensors"), tensors);
        break;
    }
    case Break::TruncatedWeights: {
        ok = ok && writeSafetensors(d.filePath("model.safetensors"), tensors);
        QFile f(d.filePath("model.safetensors"));
        ok = ok && f.resize(value.toLongLong());
        break;
    }
    case Break::ConfigField: {
        QJsonObject o = QJsonDocument::fromJson(config).object();
        if (value.isEmpty())
            o.remove(target);
        else
            o.insert(target, QJsonDocument::fromJson("[" + value.toUtf8() + "]").array().at(0));
        config = QJsonDocument(o).toJson();
        ok = ok && writeSafetensors(d.filePath("model.safetensors"), tensors);
        break;
    }
    case Break::NoConfig:
        ok = ok && writeSafetensors(d.filePath("model.safetensors"), tensors);
        break;
    }
    if (kind != Break::NoConfig) ok = ok && writeAll(d.filePath("config.json"), config);
    return ok ? dir : QString();
}

void TestModelLoading::loadsStories260K() {
    std::unique_ptr<qat::Model> model;
    const qat::Status s = qat::Model::load(kStories.toStdString(), qat::LoadOptions{}, model);
    QVERIFY2(s.ok(), s.message.c_str());
    QVERIFY(model);
    QCOMPARE(model->config().hiddenSize, int64_t(64));
    QCOMPARE(model->config().numKvHeads, int64_t(4));
    QCOMPARE(model->parameterCount(), int64_t(260032)); // shared/README.md (tied head counted once)
    QVERIFY(model->tokenizer());

    // shared/README.md: greedy decoding from BOS starts with 403 (an independent float64 reference).
    std::vector<float> out;
    const qat::Status g = model->lastLogits({1}, out);
    QVERIFY2(g.ok(), g.message.c_str());
    QCOMPARE(int(out.size()), 512);
    QCOMPARE(int(std::max_element(out.begin(), out.end()) - out.begin()), 403);
}

// The test's own writer must produce a folder that loads to the very same model, or the
// refusals below would prove nothing.
void TestModelLoading::loadsRewrittenCopy() {
    const QString dir = makeFolder(Break::None, {}, {});
    QVERIFY(!dir.isEmpty());
    QString error;
    const std::vector<float> original = logits(kStories, &error);
    QVERIFY2(!original.empty(), qPrintable(error));
    const std::vector<float> copy = logits(dir, &error);
    QVERIFY2(!copy.empty(), qPrintable(error));
    QVERIFY(copy == original);
}

void TestModelLoading::loadsShardedCopy() {
    const QString dir = m_dir->path();
    QVERIFY(QFile::copy(kStories + "/config.json", QDir(dir).filePath("config.json")));
    QVERIFY(QFile::copy(kStories + "/tokenizer.model", QDir(dir).filePath("tokenizer.model")));
    QVERIFY(writeSharded(dir, m_tensors, {}));
    QString error;
    const std::vector<float> original = logits(kStories, &error);
    QVERIFY2(!original.empty(), qPrintable(error));
    const std::vector<float> sharded = logits(dir, &error);
    QVERIFY2(!sharded.empty(), qPrintable(error));
    QVERIFY(sharded == original);

    qat::ModelSummary summary;
    const qat::Status s = qat::inspectModel(dir.toStdString(), summary);
    QVERIFY2(s.ok(), s.message.c_str());
    QCOMPARE(summary.parameters, int64_t(260032));
    QCOMPARE(int(summary.weightFiles.size()), 2);
    QCOMPARE(int(summary.tensors.size()), 47);
}

// A leftover pytorch_model.bin next to model.safetensors is ignored, never unpickled.
void TestModelLoading::prefersSafetensorsOverPickle() {
    const QString dir = makeFolder(Break::None, {}, {});
    QVERIFY(!dir.isEmpty());
    QVERIFY(writeAll(QDir(dir).filePath("pytorch_model.bin"), QByteArray("not a pickle")));
    QString error;
    QVERIFY2(!logits(dir, &error).empty(), qPrintable(error));
}

// tiny-random-llama-2: BF16 weights, an untied head, no tokenizer.model in the folder.
void TestModelLoading::loadsBf16UntiedModel() {
    const QString folder = QStringLiteral(QAT_SHARED_DIR "/models/tiny-random-llama-2");
    if (!QFile::exists(folder + "/model.safetensors")) QSKIP(qPrintable("missing " + folder));
    std::unique_ptr<qat::Model> model;
    const qat::Status s = qat::Model::load(folder.toStdString(), qat::LoadOptions{}, model);
    QVERIFY2(s.ok(), s.message.c_str());
    QVERIFY(!model->config().tieWordEmbeddings);
    // 2 x 3000 x 16 (embedding, head) + 2 layers x (4 x 16 x 16 + 3 x 16 x 64 + 2 x 16) + 16.
    QCOMPARE(model->parameterCount(), int64_t(104272));
    QVERIFY(model->tokenizer() == nullptr);
    std::vector<float> out;
    const qat::Status g = model->lastLogits({1, 2, 3}, out);
    QVERIFY2(g.ok(), g.message.c_str());
    QCOMPARE(int(out.size()), 3000);
}

void TestModelLoading::refusesUntiedModelWithoutHead() {
    const QString folder = QStringLiteral(QAT_SHARED_DIR "/models/tiny-random-llama-2");
    if (!QFile::exists(folder + "/model.safetensors")) QSKIP(qPrintable("missing " + folder));
    const QDir d(m_dir->path());
    QVERIFY(QFile::copy(folder + "/config.json", d.filePath("config.json")));
    QList<RawTensor> tensors = readSafetensors(folder + "/model.safetensors");
    QCOMPARE(tensors.size(), 21);
    tensors.removeIf([](const RawTensor& t) { return t.name == "lm_head.weight"; });
    QVERIFY(writeSafetensors(d.filePath("model.safetensors"), tensors));
    std::unique_ptr<qat::Model> model;
    const qat::Status s = qat::Model::load(d.path().toStdString(), qat::LoadOptions{}, model);
    QVERIFY2(!s.ok(), "a model without its untied head was accepted");
    QCOMPARE(s.kind, ErrorKind::BadInput);
    QVERIFY2(QString::fromStdString(s.message).contains("lm_head.weight"), s.message.c_str());
    QVERIFY2(QString::fromStdString(s.message).contains("model.safetensors"), s.message.c_str());
}

// Columns: how the folder is broken (target, value), the kind, texts the message must
// contain ("$DIR" -> the folder), and shapes (expected, found) it must print.
void TestModelLoading::addRefusalRows(bool forInspect) {
    QTest::addColumn<Break>("kind");
    QTest::addColumn<QString>("target");
    QTest::addColumn<QString>("value");
    QTest::addColumn<int>("errorKind");
    QTest::addColumn<QStringList>("mustContain");
    QTest::addColumn<QStringList>("shapes");
    const int bad = int(ErrorKind::BadInput);
    const QStringList noShapes;

    for (const char* pickle : {"pytorch_model.bin", "model.pt", "weights.pth", "last.ckpt"})
        QTest::addRow("pickled %s", pickle)
            << Break::Pickled << pickle << "" << bad << QStringList{pickle, "safetensors"} << noShapes;
    QTest::newRow("no weights") << Break::NoWeights << ""
                                << "" << bad << QStringList{"$DIR", "safetensors"} << noShapes;

    // The index may only name plain files inside the folder.
    const QString norm = "model.norm.weight";
    const QList<QPair<const char*, QString>> entries{
        {"parent folder", "../" + kShard2},   {"subfolder", "sub/" + kShard2},
        {"backslash", "sub\\" + kShard2},     {"dot-dot", ".."},
        {"absolute, outside", "/etc/passwd"}, {"absolute, inside the folder", "$DIR/" + kShard2},
    };
    for (const auto& [what, entry] : entries)
        QTest::addRow("index entry: %s", what)
            << Break::IndexEntry << norm << entry << bad << QStringList{kIndex, entry} << noShapes;
    QTest::newRow("index entry: missing shard")
        << Break::MissingShard << norm << "model-00003-of-00003.safetensors" << bad
        << QStringList{"model-00003-of-00003.safetensors"} << noShapes;

    // Configuration errors carry the config.json path.
    QTest::newRow("config: no hidden_size")
        << Break::ConfigField << "hidden_size"
        << "" << bad << QStringList{"$DIR/config.json", "field 'hidden_size'"} << noShapes;
    QTest::newRow("config: vocab_size as string")
        << Break::ConfigField << "vocab_size"
        << "\"512\"" << bad << QStringList{"$DIR/config.json", "field 'vocab_size'"} << noShapes;
    QTest::newRow("config: unsupported architecture")
        << Break::ConfigField << "architectures"
        << "[\"GPTNeoXForCausalLM\"]" << int(ErrorKind::Unsupported)
        << QStringList{"$DIR/config.json", "GPTNeoXForCausalLM"} << noShapes;
    QTest::newRow("config: unsupported rope type")
        << Break::ConfigField << "rope_scaling"
        << R"({"rope_type": "yarn", "factor": 4.0})" << int(ErrorKind::Unsupported)
        << QStringList{"$DIR/config.json", "yarn"} << noShapes;
    QTest::newRow("config: missing") << Break::NoConfig << ""
                                     << "" << bad << QStringList{"config.json"} << noShapes;

    QTest::newRow("weights: truncated data area")
        << Break::TruncatedWeights << ""
        << "500000" << bad << QStringList{"model.safetensors"} << noShapes;
    QTest::newRow("weights: truncated header")
        << Break::TruncatedWeights << ""
        << "100" << bad << QStringList{"model.safetensors"} << noShapes;
    QTest::newRow("weights: 4 bytes") << Break::TruncatedWeights << ""
                                      << "4" << bad << QStringList{"model.safetensors"} << noShapes;
    if (forInspect) return;

    // Tensors: named with their file.
    for (const char* t :
         {"model.layers.1.mlp.up_proj.weight", "model.norm.weight", "model.embed_tokens.weight",
          "model.layers.4.self_attn.v_proj.weight", "model.layers.0.input_layernorm.weight"})
        QTest::addRow("missing %s", t)
            << Break::MissingTensor << t << "" << bad << QStringList{t, "model.safetensors"} << noShapes;
    QTest::newRow("missing in its shard")
        << Break::MissingInShard << "model.layers.4.mlp.down_proj.weight"
        << "" << bad << QStringList{"model.layers.4.mlp.down_proj.weight", kShard2} << noShapes;

    QTest::newRow("shape: q_proj with GQA rows")
        << Break::WrongShape << "model.layers.2.self_attn.q_proj.weight"
        << "32,64" << bad << QStringList{"model.layers.2.self_attn.q_proj.weight"}
        << QStringList{"64,64", "32,64"};
    QTest::newRow("shape: up_proj transposed")
        << Break::WrongShape << "model.layers.0.mlp.up_proj.weight"
        << "64,172" << bad << QStringList{"model.layers.0.mlp.up_proj.weight"}
        << QStringList{"172,64", "64,172"};
    QTest::newRow("shape: embedding one row short")
        << Break::WrongShape << "model.embed_tokens.weight"
        << "511,64" << bad << QStringList{"model.embed_tokens.weight"} << QStringList{"512,64", "511,64"};
    QTest::newRow("shape: norm") << Break::WrongShape << "model.layers.3.post_attention_layernorm.weight"
                                 << "65" << bad
                                 << QStringList{"model.layers.3.post_attention_layernorm.weight"}
                                 << QStringList{"64", "65"};
    QTest::newRow("shape: norm as matrix")
        << Break::WrongShape << "model.norm.weight"
        << "1,64" << bad << QStringList{"model.norm.weight"} << QStringList{"64", "1,64"};
    // The config asks for 8 KV heads: k_proj and v_proj would be (64, 64) but are stored (32, 64).
    QTest::newRow("config/weights mismatch: KV heads")
        << Break::ConfigField << "num_key_value_heads"
        << "8" << bad << QStringList{"self_attn.", "_proj.weight"} << QStringList{"64,64", "32,64"};

    for (const auto& [tensor, dtype] :
         QList<QPair<const char*, const char*>>{{"model.layers.0.self_attn.k_proj.weight", "I32"},
                                                {"model.layers.3.mlp.gate_proj.weight", "I64"},
                                                {"model.norm.weight", "U8"},
                                                {"model.embed_tokens.weight", "BOOL"}})
        QTest::addRow("dtype %s of %s", dtype, tensor)
            << Break::WrongDType << tensor << dtype << bad << QStringList{tensor, dtype} << noShapes;
}

void TestModelLoading::checkRefusal(bool inspect) {
    QFETCH(Break, kind);
    QFETCH(QString, target);
    QFETCH(QString, value);
    QFETCH(int, errorKind);
    QFETCH(QStringList, mustContain);
    QFETCH(QStringList, shapes);

    const QString dir = makeFolder(kind, target, value);
    QVERIFY2(!dir.isEmpty(), "could not build the test folder");

    qat::Status s;
    if (inspect) {
        qat::ModelSummary summary;
        s = qat::inspectModel(dir.toStdString(), summary);
    } else {
        std::unique_ptr<qat::Model> model;
        s = qat::Model::load(dir.toStdString(), qat::LoadOptions{}, model);
        QVERIFY2(s.ok() || !model, "a model was returned with an error");
    }
    const QString message = QString::fromStdString(s.message);
    QVERIFY2(!s.ok(), "the folder was accepted");
    QVERIFY2(int(s.kind) == errorKind,
             qPrintable(QString("kind %1, expected %2: %3").arg(int(s.kind)).arg(errorKind).arg(message)));
    for (QString text : mustContain) {
        text.replace("$DIR", dir);
        QVERIFY2(message.contains(text), qPrintable("'" + text + "' not named: " + message));
    }
    // Shapes are looked for with the folder's path taken out (it may hold digits).
    QString rest = message;
    rest.replace(dir, "<dir>");
    for (const QString& shape : shapes)
        QVERIFY2(shapePattern(parseShape(shape)).match(rest).hasMatch(),
                 qPrintable("shape [" + shape + "] not printed: " + message));
}

void TestModelLoading::refuses_data() {
    addRefusalRows(false);
}
void TestModelLoading::refuses() {
    checkRefusal(false);
}

// What inspectModel can see from config.json and the headers alone must fail it too.
void TestModelLoading::inspectRefuses_data() {
    addRefusalRows(true);
}
void TestModelLoading::inspectRefuses() {
    checkRefusal(true);
}

void TestModelLoading::inspectsStories260K() {
    qat::ModelSummary summary;
    const qat::Status s = qat::inspectModel(kStories.toStdString(), summary);
    QVERIFY2(s.ok(), s.message.c_str());
    QCOMPARE(summary.parameters, int64_t(260032));
    QCOMPARE(summary.dtype, std::string("F32"));
    QCOMPARE(int(summary.tensors.size()), 47);
    QCOMPARE(summary.sizeOnDisk, uint64_t(QFileInfo(kStories + "/model.safetensors").size()));
    QVERIFY(summary.tokenizer.has_value());
    QCOMPARE(summary.tokenizer->kind, std::string("sentencepiece"));
    QCOMPARE(summary.tokenizer->bosId, int64_t(1));
    QCOMPARE(summary.tokenizer->bos, std::string("<s>"));
    QCOMPARE(summary.tokenizer->eosId, int64_t(2));
    QCOMPARE(summary.config.numLayers, int64_t(5));
    const auto down =
        std::find_if(summary.tensors.begin(), summary.tensors.end(), [](const qat::TensorSummary& t) {
            return t.name == "model.layers.0.mlp.down_proj.weight";
        });
    QVERIFY(down != summary.tensors.end());
    QCOMPARE(down->shape, (std::vector<int64_t>{64, 172}));
    QCOMPARE(down->parameters, int64_t(64 * 172));
}

QTEST_GUILESS_MAIN(TestModelLoading)
#include "TestModelLoading.moc"
