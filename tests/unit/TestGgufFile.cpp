// SPDX-License-Identifier: GPL-3.0-or-later
// The GGUF container: files GgufWriter writes read the same in llama.cpp's Python gguf package,
// files that package writes read the same in GgufFile (gguf_reference.py, run here with the venv's
// Python; skipped saying why without it), malformed files are refused naming the file and the
// field, and the SmolLM2 Q4_1 file of ../shared parses.
#include "formats/GgufFile.h"
#include "qat/Status.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <cstring>
#include <limits>

using namespace qat::gguf;
using qat::ErrorKind;

namespace {

// A distinctive file name, so that a message naming it cannot be a coincidence.
const std::string kFile = "/models/llama/model-q4_1.gguf";

// --- raw GGUF bytes, built by hand (independent of GgufWriter) ---------------------------------

class Raw {
public:
    Raw& bytes(const QByteArray& b) {
        m_b += b;
        return *this;
    }
    Raw& u8(uint8_t v) { return bytes(QByteArray(1, char(v))); }
    Raw& u32(uint32_t v) { return le(v, 4); }
    Raw& u64(uint64_t v) { return le(v, 8); }
    Raw& str(const QByteArray& s) { return u64(uint64_t(s.size())).bytes(s); }
    Raw& header(uint32_t version, uint64_t tensors, uint64_t kvs) {
        return bytes("GGUF").u32(version).u64(tensors).u64(kvs);
    }
    Raw& key(const QByteArray& k, ValueType t) { return str(k).u32(uint32_t(t)); }
    Raw& kvU32(const QByteArray& k, uint32_t v) { return key(k, ValueType::UInt32).u32(v); }
    Raw& kvString(const QByteArray& k, const QByteArray& v) { return key(k, ValueType::String).str(v); }
    Raw& arrayOf(const QByteArray& k, ValueType element, uint64_t n) {
        return key(k, ValueType::Array).u32(uint32_t(element)).u64(n);
    }
    Raw& tensor(const QByteArray& name, std::vector<uint64_t> ne, uint32_t type, uint64_t offset) {
        str(name).u32(uint32_t(ne.size()));
        for (uint64_t n : ne)
            u64(n);
        return u32(type).u64(offset);
    }
    Raw& padTo(int alignment) {
        while (m_b.size() % alignment)
            m_b += '\0';
        return *this;
    }
    Raw& data(int n) {
        for (int i = 0; i < n; ++i)
            m_b += char(0x40 + i % 61);
        return *this;
    }
    operator QByteArray() const { return m_b; }

private:
    Raw& le(uint64_t v, int n) {
        for (int i = 0; i < n; ++i)
            m_b += char((v >> (8 * i)) & 0xFF);
        return *this;
    }
    QByteArray m_b;
};

constexpr uint32_t kF32 = 0, kQ4_0 = 2;

// A valid file that ends exactly where the last tensor's data ends: every shorter prefix is bad.
QByteArray smallValidFile() {
    Raw r;
    r.header(3, 2, 3).kvString("general.name", "tiny").kvU32("llama.block_count", 2);
    r.arrayOf("tokenizer.ggml.tokens", ValueType::String, 3).str("<s>").str("").str("▁a");
    r.tensor("a", {8}, kF32, 0).tensor("b", {32, 2}, kQ4_0, 32);
    return r.padTo(32).data(32 + 36);
}

const uint8_t* bytesOf(const QByteArray& b) {
    return reinterpret_cast<const uint8_t*>(b.constData());
}

// The message of the refusal of `bytes`, or "accepted" / a note on a wrong exception.
QString refusal(const QByteArray& bytes, ErrorKind* kind = nullptr) {
    try {
        GgufFile::fromBuffer(bytesOf(bytes), size_t(bytes.size()), kFile);
        return "accepted";
    } catch (const qat::Error& e) {
        if (kind) *kind = e.kind();
        return QString::fromStdString(e.what());
    } catch (const std::exception& e) {
        return QString("foreign exception: ") + e.what();
    }
}

// --- the JSON both sides are compared in (see gguf_reference.py) --------------------------------

const char* kTypeNames[] = {"u8",   "i8",     "u16",   "i16", "u32", "i32", "f32",
                            "bool", "string", "array", "u64", "i64", "f64"};

// One element of `type` from its little-endian bytes.
QJsonValue elementJson(ValueType type, const uint8_t* p) {
    const size_t size = valueTypeSize(type);
    uint64_t bits = 0;
    std::memcpy(&bits, p, size);
    switch (type) {
    case ValueType::Bool:
        return bits != 0;
    case ValueType::Float32:
    case ValueType::Float64:
        return QString(QByteArray(reinterpret_cast<const char*>(p), qsizetype(size)).toHex());
    case ValueType::Int8:
        return QString::number(int8_t(bits));
    case ValueType::Int16:
        return QString::number(int16_t(bits));
    case ValueType::Int32:
        return QString::number(int32_t(bits));
    case ValueType::Int64:
        return QString::number(qint64(bits));
    default:
        return QString::number(quint64(bits));
    }
}

QJsonObject valueJson(const std::string& key, const Value& v) {
    QJsonObject o{{"key", QString::fromStdString(key)}, {"type", kTypeNames[uint32_t(v.type())]}};
    if (v.type() == ValueType::String) {
        o["value"] = QString::fromStdString(v.asString());
    } else if (v.isArray()) {
        o["element"] = kTypeNames[uint32_t(v.elementType())];
        QJsonArray a;
        if (v.elementType() == ValueType::String) {
            for (const std::string& s : v.strings())
                a.append(QString::fromStdString(s));
        } else {
            const size_t size = valueTypeSize(v.elementType());
            for (size_t i = 0; i < v.size(); ++i)
                a.append(elementJson(v.elementType(), v.rawElements().data() + i * size));
        }
        o["value"] = a;
    } else {
        std::vector<uint8_t> encoded; // u32 type, then the value's bytes
        v.encode(encoded);
        o["value"] = elementJson(v.type(), encoded.data() + 4);
    }
    return o;
}

QString sha256(const uint8_t* p, uint64_t n) {
    return QCryptographicHash::hash(QByteArrayView(p, qsizetype(n)), QCryptographicHash::Sha256).toHex();
}

QJsonObject tensorJson(const TensorInfo& t, const QString& hash) {
    QJsonArray ne;
    for (uint64_t n : t.ne)
        ne.append(qint64(n));
    return {{"name", QString::fromStdString(t.name)},
            {"ne", ne},
            {"type", int(t.type)},
            {"offset", qint64(t.offset)},
            {"bytes", qint64(t.bytes)},
            {"sha256", hash}};
}

QJsonObject fileJson(const GgufFile& f) {
    QJsonArray kv, tensors;
    for (const auto& [key, value] : f.metadata())
        kv.append(valueJson(key, value));
    for (const TensorInfo& t : f.tensors())
        tensors.append(tensorJson(t, sha256(f.tensorData(t), t.bytes)));
    return {{"version", int(f.version())},
            {"alignment", qint64(f.alignment())},
            {"kv", kv},
            {"tensors", tensors}};
}

// The first difference between two descriptions ("" when equal), naming the key or tensor.
QString difference(const QJsonObject& expected, const QJsonObject& actual) {
    for (const char* field : {"version", "alignment"})
        if (expected[field] != actual[field])
            return QString("%1: expected %2, found %3")
                .arg(field, QJsonDocument({expected[field]}).toJson(QJsonDocument::Compact),
                     QJsonDocument({actual[field]}).toJson(QJsonDocument::Compact));
    for (const char* list : {"kv", "tensors"}) {
        const QJsonArray e = expected[list].toArray(), a = actual[list].toArray();
        for (qsizetype i = 0; i < std::min(e.size(), a.size()); ++i) {
            if (e[i] == a[i]) continue;
            const QJsonObject eo = e[i].toObject(), ao = a[i].toObject();
            const QString name = eo.contains("key") ? eo["key"].toString() : eo["name"].toString();
            for (auto it = eo.begin(); it != eo.end(); ++it)
                if (ao[it.key()] != it.value())
                    return QString("%1 %2 (#%3): %4: expected %5, found %6")
                        .arg(list, name)
                        .arg(i)
                        .arg(
                            it.key(),
                            QJsonDocument(QJsonArray{it.value()}).toJson(QJsonDocument::Compact).left(300),
                            QJsonDocument(QJsonArray{ao[it.key()]}).toJson(QJsonDocument::Compact).left(300));
            return QString("%1 #%2 differs").arg(list).arg(i);
        }
        if (e.size() != a.size())
            return QString("%1: expected %2 entries, found %3").arg(list).arg(e.size()).arg(a.size());
    }
    return {};
}

// --- the reference Python -----------------------------------------------------------------------

QString pythonPath() {
    const QByteArray env = qgetenv("QAT_PYTHON");
    return env.isEmpty() ? QString::fromUtf8(QAT_BENCH_PYTHON) : QString::fromLocal8Bit(env);
}

// Runs gguf_reference.py with `args`; false with `why` set when it cannot run here (no Python,
// no gguf: the caller skips); fails the test when it runs and breaks.
bool runReference(const QStringList& args, QJsonObject& out, QString& why) {
    const QString python = pythonPath();
    if (python.isEmpty() || !QFileInfo(python).isExecutable()) {
        why = "no reference Python (QAT_PYTHON / QAT_BENCH_PYTHON: '" + python + "')";
        return false;
    }
    QProcess p;
    p.start(python, QStringList{QStringLiteral(QAT_SOURCE_DIR "/tests/unit/gguf_reference.py")} + args);
    if (!p.waitForFinished(300000) || p.exitStatus() != QProcess::NormalExit) {
        why = "gguf_reference.py did not finish: " + p.errorString();
        out = {{"error", why}};
        return true;
    }
    const QByteArray err = p.readAllStandardError();
    if (p.exitCode() == 77) {
        why = QString::fromUtf8(err).trimmed();
        return false;
    }
    if (p.exitCode() != 0) {
        out = {{"error",
                QString("gguf_reference.py exited %1: %2").arg(p.exitCode()).arg(QString::fromUtf8(err))}};
        return true;
    }
    QJsonParseError parseError{};
    out = QJsonDocument::fromJson(p.readAllStandardOutput(), &parseError).object();
    if (parseError.error != QJsonParseError::NoError)
        out = {{"error", "bad JSON: " + parseError.errorString()}};
    return true;
}

// --- what the C++ side writes --------------------------------------------------------------------

struct TensorSpec {
    const char* name;
    std::vector<uint64_t> ne;
    GgmlType type;
};

const std::vector<TensorSpec>& writtenTensors() {
    static const std::vector<TensorSpec> specs = {
        {"token_embd.weight", {64, 5}, GgmlType::Q8_0},
        {"blk.0.attn_norm.weight", {64}, GgmlType::F32},
        {"blk.0.attn_q.weight", {64, 3}, GgmlType::Q4_0},
        {"blk.0.attn_k.weight", {32, 2}, GgmlType::Q4_1},
        {"blk.0.ffn_up.weight", {256, 2}, GgmlType::Q2_K},
        {"blk.0.ffn_gate.weight", {256, 1}, GgmlType::Q3_K},
        {"blk.0.ffn_down.weight", {512, 1}, GgmlType::Q4_K},
        {"output.weight", {7, 3}, GgmlType::F16},
        {"rope_freqs.weight", {3}, GgmlType::BF16},
        {"test.3d", {2, 3, 4}, GgmlType::F32},
        {"test.4d", {3, 1, 2, 1}, GgmlType::F32},
    };
    return specs;
}

// Deterministic bytes of tensor `index`.
std::vector<uint8_t> tensorBytes(size_t index, uint64_t n) {
    std::vector<uint8_t> out(n);
    uint32_t x = 2166136261u ^ uint32_t(index);
    for (uint8_t& b : out) {
        x = x * 1664525u + 1013904223u;
        b = uint8_t(x >> 24);
    }
    return out;
}

// A writer holding every value type and the tensors above; `alignment` 0 leaves the default.
GgufWriter makeWriter(uint32_t alignment) {
    GgufWriter w;
    w.set("general.architecture", Value::string("llama"));
    w.set("general.name", Value::string("placeholder, replaced in place below"));
    if (alignment) w.set("general.alignment", Value::u32(alignment));
    w.set("test.u8", Value::u8(250));
    w.set("test.i8", Value::i8(-128));
    w.set("test.u16", Value::u16(65535));
    w.set("test.i16", Value::i16(-2));
    w.set("test.u32", Value::u32(4000000000u));
    w.set("test.i32", Value::i32(std::numeric_limits<int32_t>::min()));
    w.set("test.u64", Value::u64(std::numeric_limits<uint64_t>::max()));
    w.set("test.i64", Value::i64(std::numeric_limits<int64_t>::min()));
    w.set("test.f32", Value::f32(0.1f));
    w.set("test.f32.nan", Value::f32(std::numeric_limits<float>::quiet_NaN()));
    w.set("test.f64", Value::f64(-1.0 / 3.0));
    w.set("test.true", Value::boolean(true));
    w.set("test.false", Value::boolean(false));
    w.set("test.empty", Value::string(""));
    w.set("tokenizer.ggml.tokens", Value::stringArray({"<unk>", "<s>", "", "▁Grüße", "世界", "😀", "a\nb"}));
    w.set("tokenizer.ggml.scores", Value::f32Array({0.f, -1.5f, 3.25e-8f, INFINITY, -0.f, 1e30f, -7.f}));
    w.set("tokenizer.ggml.token_type", Value::i32Array({2, 3, 3, 1, 1, 1, -1}));
    w.set("test.u32s", Value::u32Array({0, 1, 4294967295u}));
    w.set("test.i64s", Value::i64Array({std::numeric_limits<int64_t>::min(), 0, 42}));
    w.set("test.empty_array", Value::stringArray({}));
    w.set("general.name", Value::string("Grüße, 世界"));
    for (size_t i = 0; i < writtenTensors().size(); ++i) {
        const TensorSpec& s = writtenTensors()[i];
        const uint64_t bytes = ggmlRowBytes(s.type, int64_t(s.ne[0])) * (s.ne.size() > 1 ? s.ne[1] : 1) *
                               (s.ne.size() > 2 ? s.ne[2] : 1) * (s.ne.size() > 3 ? s.ne[3] : 1);
        w.addTensor(s.name, s.ne, s.type, [i, bytes](uint8_t* dst) {
            const std::vector<uint8_t> b = tensorBytes(i, bytes);
            std::memcpy(dst, b.data(), b.size());
        });
    }
    return w;
}

// What the file written by makeWriter(alignment) holds, computed here from the format's rules.
QJsonObject expectedJson(const GgufWriter& w, uint32_t alignment) {
    const uint64_t align = alignment ? alignment : 32;
    QJsonArray kv, tensors;
    for (const auto& [key, value] : w.metadata())
        kv.append(valueJson(key, value));
    uint64_t offset = 0;
    for (size_t i = 0; i < writtenTensors().size(); ++i) {
        const TensorSpec& s = writtenTensors()[i];
        TensorInfo t{s.name, s.ne, s.type, offset, 0};
        t.bytes = ggmlRowBytes(s.type, int64_t(s.ne[0])) * (t.elements() / s.ne[0]);
        const std::vector<uint8_t> b = tensorBytes(i, t.bytes);
        tensors.append(tensorJson(t, sha256(b.data(), b.size())));
        offset += (t.bytes + align - 1) / align * align;
    }
    return {{"version", 3}, {"alignment", qint64(align)}, {"kv", kv}, {"tensors", tensors}};
}

QString smolLm2Path() {
    const QDir dir(QStringLiteral(QAT_SHARED_DIR "/models/smollm2-135m-instruct-q4_1"));
    const QStringList files = dir.entryList({"*.gguf"}, QDir::Files);
    return files.isEmpty() ? QString() : dir.filePath(files.first());
}

} // namespace

class TestGgufFile : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void writerFileReadByPython_data();
    void writerFileReadByPython();
    void pythonFileReadByGgufFile_data();
    void pythonFileReadByGgufFile();
    void refusesMalformed_data();
    void refusesMalformed();
    void refusesEveryTruncation();
    void acceptsVersion2AndEmptyFiles();
    void valueAccessors();
    void writerKeepsOrderAndRefusesBadTensors();
    void writeIsAtomic();
    void openRefusesMissingFile();
    void smolLm2File();
    void smolLm2FileMatchesPython();
};

void TestGgufFile::writerFileReadByPython_data() {
    QTest::addColumn<uint32_t>("alignment");
    QTest::newRow("default alignment") << 0u;
    QTest::newRow("alignment 64") << 64u;
    QTest::newRow("alignment 1") << 1u;
}

void TestGgufFile::writerFileReadByPython() {
    QFETCH(uint32_t, alignment);
    QTemporaryDir dir;
    const QString path = dir.filePath("written.gguf");
    const GgufWriter w = makeWriter(alignment);
    w.write(path.toStdString());
    QVERIFY(!QFile::exists(path + ".tmp"));
    const QJsonObject expected = expectedJson(w, alignment);

    // GgufFile reads back exactly what was written.
    const GgufFile f(path.toStdString());
    QCOMPARE(difference(expected, fileJson(f)), QString());
    QCOMPARE(f.find("general.name")->asString(), std::string("Grüße, 世界"));
    QCOMPARE(f.metadata()[1].first, std::string("general.name")); // replaced in place

    QJsonObject python;
    QString why;
    if (!runReference({"read", path}, python, why)) QSKIP(qPrintable(why));
    QVERIFY2(!python.contains("error"), qPrintable(python["error"].toString()));
    QCOMPARE(difference(expected, python), QString());
    // A few values as literals, so that a fault shared by Value and the expectation shows too.
    QMap<QString, QJsonObject> kv;
    for (const QJsonValue& v : python["kv"].toArray())
        kv[v["key"].toString()] = v.toObject();
    QCOMPARE(kv["test.f32"]["value"].toString(), QString("cdcccc3d"));         // 0.1f
    QCOMPARE(kv["test.f64"]["value"].toString(), QString("555555555555d5bf")); // -1/3
    QCOMPARE(kv["test.i8"]["value"].toString(), QString("-128"));
    QCOMPARE(kv["test.u64"]["value"].toString(), QString("18446744073709551615"));
    QCOMPARE(kv["test.i64s"]["value"].toArray().first().toString(), QString("-9223372036854775808"));
    QCOMPARE(kv["test.true"]["value"].toBool(), true);
    QCOMPARE(kv["tokenizer.ggml.tokens"]["value"].toArray().at(3).toString(), QString("▁Grüße"));
    QCOMPARE(kv["tokenizer.ggml.token_type"]["element"].toString(), QString("i32"));
    QCOMPARE(kv["test.empty_array"]["value"].toArray().size(), 0);
    const QJsonArray tensors = python["tensors"].toArray();
    QCOMPARE(tensors.size(), qsizetype(writtenTensors().size()));
    QCOMPARE(tensors[0]["ne"].toArray(), (QJsonArray{64, 5}));
    QCOMPARE(tensors[0]["bytes"].toInt(), 5 * 2 * 34);
    QCOMPARE(tensors[9]["ne"].toArray(), (QJsonArray{2, 3, 4}));
}

void TestGgufFile::pythonFileReadByGgufFile_data() {
    QTest::addColumn<QString>("alignment");
    QTest::newRow("default alignment") << QString();
    QTest::newRow("alignment 64") << QStringLiteral("64");
}

void TestGgufFile::pythonFileReadByGgufFile() {
    QFETCH(QString, alignment);
    QTemporaryDir dir;
    const QString path = dir.filePath("python.gguf");
    QJsonObject written;
    QString why;
    QStringList args{"write", path};
    if (!alignment.isEmpty()) args << alignment;
    if (!runReference(args, written, why)) QSKIP(qPrintable(why));
    QVERIFY2(!written.contains("error"), qPrintable(written["error"].toString()));
    const GgufFile f(path.toStdString());
    QCOMPARE(difference(written, fileJson(f)), QString());
    QCOMPARE(f.get("test.u64").asU64(), std::numeric_limits<uint64_t>::max());
    QCOMPARE(f.get("test.i64").asI64(), std::numeric_limits<int64_t>::min());
    QCOMPARE(f.get("tokenizer.ggml.tokens").strings().at(4), std::string("▁the"));
    QCOMPARE(f.get("tokenizer.ggml.token_type").ints().back(), int64_t(-7));
    QCOMPARE(f.findTensor("test.3d")->ne, (std::vector<uint64_t>{4, 3, 2}));
}

// Columns: the file's bytes and what the message must say after "FILE: ".
void TestGgufFile::refusesMalformed_data() {
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("message");
    const uint64_t u64max = std::numeric_limits<uint64_t>::max();
    const auto oneKv = [] { return Raw().header(3, 0, 1); };
    const auto oneTensor = [](std::vector<uint64_t> ne, uint32_t type, uint64_t offset, int data) {
        return QByteArray(
            Raw().header(3, 1, 0).tensor("w", std::move(ne), type, offset).padTo(32).data(data));
    };

    QTest::newRow("empty") << QByteArray() << "magic: truncated (needs 4 bytes at offset 0, the file has 0)";
    QTest::newRow("bad magic") << QByteArray(Raw().bytes("GGML").u32(3).u64(0).u64(0))
                               << "magic: not a GGUF file";
    QTest::newRow("safetensors") << QByteArray(Raw().u64(2).bytes("{}")) << "magic: not a GGUF file";
    QTest::newRow("no version") << QByteArray("GGUF\3\0", 6) << "version: truncated";
    QTest::newRow("version 1") << QByteArray(Raw().header(1, 0, 0)) << "version: 1 is not supported (2 or 3)";
    QTest::newRow("version 4") << QByteArray(Raw().header(4, 0, 0)) << "version: 4 is not supported (2 or 3)";
    QTest::newRow("version 0") << QByteArray(Raw().header(0, 0, 0)) << "version: 0 is not supported";
    QTest::newRow("big-endian") << QByteArray(
                                       Raw().bytes("GGUF").bytes(QByteArray("\0\0\0\3", 4)).u64(0).u64(0))
                                << "version: reads 50331648: big-endian GGUF is not supported";
    QTest::newRow("tensor count huge") << QByteArray(Raw().header(3, 1ull << 32, 0))
                                       << "tensor count: 4294967296 exceeds the limit of 65536";
    QTest::newRow("tensor count 65537")
        << QByteArray(Raw().header(3, 65537, 0)) << "tensor count: 65537 exceeds the limit of 65536";
    QTest::newRow("kv count huge") << QByteArray(Raw().header(3, 0, u64max))
                                   << "key-value count: 18446744073709551615 exceeds the limit of 65536";
    QTest::newRow("kv count past the end")
        << QByteArray(Raw().header(3, 0, 2).kvU32("a", 1)) << "key #1: truncated (needs 8 bytes at offset";
    QTest::newRow("key length huge")
        << QByteArray(oneKv().u64(u64max))
        << "key #0: string of 18446744073709551615 bytes exceeds the limit of 67108864";
    QTest::newRow("key past the end")
        << QByteArray(oneKv().u64(100).bytes("general"))
        << "key #0: string of 100 bytes runs past the end of the file (7 bytes left)";
    QTest::newRow("no value type") << QByteArray(oneKv().str("general.name"))
                                   << "key general.name: value type: truncated";
    QTest::newRow("unknown value type") << QByteArray(oneKv().str("general.name").u32(13).u32(0))
                                        << "key general.name: unknown value type 13";
    QTest::newRow("value truncated") << QByteArray(oneKv().key("llama.block_count", ValueType::UInt64).u32(1))
                                     << "key llama.block_count: truncated (needs 8 bytes";
    QTest::newRow("string value past the end")
        << QByteArray(oneKv().key("general.name", ValueType::String).u64(1000).bytes("abc"))
        << "key general.name: string of 1000 bytes runs past the end of the file (3 bytes left)";
    QTest::newRow("string value huge")
        << QByteArray(oneKv().key("general.name", ValueType::String).u64(1ull << 40))
        << "key general.name: string of 1099511627776 bytes exceeds the limit";
    QTest::newRow("array huge")
        << QByteArray(oneKv().arrayOf("tokenizer.ggml.tokens", ValueType::String, 4294967295u))
        << "key tokenizer.ggml.tokens: array of 4294967295 elements exceeds the limit of 67108864";
    QTest::newRow("array of 2^26+1") << QByteArray(oneKv().arrayOf("a", ValueType::UInt8, (1ull << 26) + 1))
                                     << "key a: array of 67108865 elements exceeds the limit of 67108864";
    QTest::newRow("array past the end")
        << QByteArray(oneKv().arrayOf("tokenizer.ggml.scores", ValueType::Float32, 1000).u32(0))
        << "key tokenizer.ggml.scores: array of 1000 f32 elements runs past the end of the file (needs at "
           "least "
           "4000 bytes, 4 left)";
    QTest::newRow("string array past the end")
        << QByteArray(oneKv().arrayOf("tokenizer.ggml.tokens", ValueType::String, 100).str("a"))
        << "key tokenizer.ggml.tokens: array of 100 string elements runs past the end of the file (needs at "
           "least "
           "800 bytes, 9 left)";
    QTest::newRow("array element past the end")
        << QByteArray(oneKv()
                          .arrayOf("tokenizer.ggml.tokens", ValueType::String, 3)
                          .str("a")
                          .u64(1000)
                          .u64(0)
                          .u64(0))
        << "key tokenizer.ggml.tokens[1]: string of 1000 bytes runs past the end of the file (16 bytes left)";
    QTest::newRow("nested array") << QByteArray(
                                         oneKv().arrayOf("a", ValueType::Array, 1).u32(4).u64(1).u32(7))
                                  << "key a: arrays of arrays are not supported";
    QTest::newRow("unknown element type") << QByteArray(oneKv().key("a", ValueType::Array).u32(42).u64(0))
                                          << "key a: unknown array element type 42";
    QTest::newRow("bool 2") << QByteArray(oneKv().key("tokenizer.ggml.add_bos_token", ValueType::Bool).u8(2))
                            << "key tokenizer.ggml.add_bos_token: bool value 2 is neither 0 nor 1";
    QTest::newRow("bool array 255") << QByteArray(
                                           oneKv().arrayOf("b", ValueType::Bool, 3).u8(0).u8(1).u8(255))
                                    << "key b[2]: bool value 255 is neither 0 nor 1";
    QTest::newRow("duplicate key") << QByteArray(Raw().header(3, 0, 2).kvU32("a.b", 1).kvString("a.b", "x"))
                                   << "key a.b: duplicate key";
    QTest::newRow("key with control bytes")
        << QByteArray(oneKv().str("a\nb").u32(99)) << "key a\\x0ab: unknown value type 99";
    QTest::newRow("alignment u64") << QByteArray(oneKv().key("general.alignment", ValueType::UInt64).u64(32))
                                   << "key general.alignment: expected a u32, found a u64";
    QTest::newRow("alignment 48") << QByteArray(oneKv().kvU32("general.alignment", 48))
                                  << "key general.alignment: 48 is not a power of two from 1 to 1048576";
    QTest::newRow("alignment 0") << QByteArray(oneKv().kvU32("general.alignment", 0))
                                 << "key general.alignment: 0 is not a power of two";
    QTest::newRow("alignment 2^21") << QByteArray(oneKv().kvU32("general.alignment", 1u << 21))
                                    << "key general.alignment: 2097152 is not a power of two";

    QTest::newRow("tensor name huge")
        << QByteArray(Raw().header(3, 1, 0).u64(1ull << 27))
        << "tensor #0 name: string of 134217728 bytes exceeds the limit of 67108864";
    QTest::newRow("tensor info truncated")
        << QByteArray(Raw().header(3, 1, 0).str("w").u32(2).u64(4)) << "tensor w: ne[1]: truncated";
    QTest::newRow("0 dimensions") << oneTensor({}, kF32, 0, 0) << "tensor w: 0 dimensions (1 to 4 supported)";
    QTest::newRow("5 dimensions") << oneTensor({1, 1, 1, 1, 1}, kF32, 0, 4) << "tensor w: 5 dimensions";
    QTest::newRow("ne 0") << oneTensor({4, 0}, kF32, 0, 16) << "tensor w: ne[1] is 0";
    QTest::newRow("element count overflows") << oneTensor({1ull << 32, 1ull << 31}, kF32, 0, 16)
                                             << "tensor w: the element count overflows (ne[1] = 2147483648)";
    QTest::newRow("ne 2^63") << oneTensor({1ull << 63}, kF32, 0, 16)
                             << "tensor w: the element count overflows";
    QTest::newRow("bytes overflow") << oneTensor({1ull << 62, 1}, kF32, 0, 16)
                                    << "tensor w: the byte size overflows";
    QTest::newRow("unknown ggml type") << oneTensor({256}, 14, 0, 210) << "tensor w: unknown ggml type 14";
    QTest::newRow("ggml type 2^32-1")
        << oneTensor({4}, 0xFFFFFFFF, 0, 16) << "tensor w: unknown ggml type 4294967295";
    QTest::newRow("ne[0] not a block multiple")
        << oneTensor({33, 2}, kQ4_0, 0, 64)
        << "tensor w: ne[0] = 33 is not a multiple of the block size 32 of q4_0";
    QTest::newRow("offset misaligned")
        << oneTensor({4}, kF32, 4, 32) << "tensor w: offset 4 is not a multiple of the alignment 32";
    QTest::newRow("data past the end")
        << oneTensor({16}, kF32, 0, 63)
        << "tensor w: data at offset 0 of 64 bytes runs past the end of the file (the "
           "data section holds 63 bytes)";
    QTest::newRow("offset far past the end") << oneTensor({4}, kF32, u64max - 31, 16)
                                             << "tensor w: data at offset 18446744073709551584 of 16 bytes";
    QTest::newRow("data section past the end")
        << QByteArray(Raw().header(3, 1, 1).kvU32("general.alignment", 1u << 20).tensor("w", {4}, kF32, 0))
        << "data section: starts at offset 1048576, past the end of the file";
    QTest::newRow("duplicate tensor")
        << QByteArray(
               Raw().header(3, 2, 0).tensor("w", {4}, kF32, 0).tensor("w", {4}, kF32, 32).padTo(32).data(48))
        << "tensor w: duplicate tensor name";
    QTest::newRow("overlapping tensors")
        << QByteArray(Raw()
                          .header(3, 2, 0)
                          .tensor("a", {16}, kF32, 32)
                          .tensor("b", {16}, kF32, 64)
                          .padTo(32)
                          .data(128))
        << "tensors a and b overlap (a holds bytes 32 to 96, b starts at 64)";
    QTest::newRow("same offset")
        << QByteArray(
               Raw().header(3, 2, 0).tensor("b", {8}, kF32, 0).tensor("a", {8}, kF32, 0).padTo(32).data(64))
        << "overlap";
    QTest::newRow("overlap out of info order")
        << QByteArray(Raw()
                          .header(3, 3, 0)
                          .tensor("late", {8}, kF32, 64)
                          .tensor("big", {24}, kF32, 0)
                          .tensor("early", {1}, kF32, 96)
                          .padTo(32)
                          .data(128))
        << "tensors big and late overlap (big holds bytes 0 to 96, late starts at 64)";
}

void TestGgufFile::refusesMalformed() {
    QFETCH(QByteArray, bytes);
    QFETCH(QString, message);
    ErrorKind kind = ErrorKind::None;
    const QString got = refusal(bytes, &kind);
    QVERIFY2(got.startsWith(QString::fromStdString(kFile) + ": "), qPrintable(got));
    QVERIFY2(got.contains(message), qPrintable("expected '" + message + "' in: " + got));
    QCOMPARE(kind, ErrorKind::BadInput);
}

void TestGgufFile::refusesEveryTruncation() {
    const QByteArray valid = smallValidFile();
    const GgufFile f = GgufFile::fromBuffer(bytesOf(valid), size_t(valid.size()), kFile);
    QCOMPARE(f.tensors().size(), size_t(2));
    QCOMPARE(f.get("tokenizer.ggml.tokens").strings(), (std::vector<std::string>{"<s>", "", "▁a"}));
    QCOMPARE(f.findTensor("b")->bytes, uint64_t(36));
    QCOMPARE(f.tensorData(*f.findTensor("b")), bytesOf(valid) + f.dataOffset() + 32);
    for (qsizetype cut = 0; cut < valid.size(); ++cut) {
        ErrorKind kind = ErrorKind::None;
        const QString got = refusal(valid.left(cut), &kind);
        QVERIFY2(kind == ErrorKind::BadInput && got.startsWith(QString::fromStdString(kFile) + ": ") &&
                     (got.contains("truncated") || got.contains("past the end")),
                 qPrintable(QString("cut at %1: %2").arg(cut).arg(got)));
    }
}

void TestGgufFile::acceptsVersion2AndEmptyFiles() {
    const QByteArray v2 =
        Raw().header(2, 1, 1).kvU32("general.alignment", 8).tensor("w", {2}, kF32, 0).padTo(8).data(8);
    const GgufFile f = GgufFile::fromBuffer(bytesOf(v2), size_t(v2.size()), kFile);
    QCOMPARE(f.version(), 2u);
    QCOMPARE(f.alignment(), uint64_t(8));
    QCOMPARE(f.dataOffset() % 8, uint64_t(0));
    QCOMPARE(f.name(), kFile);

    // No tensors and no padding after the key-values: nothing is missing.
    const QByteArray empty = Raw().header(3, 0, 1).kvString("general.name", "x");
    const GgufFile e = GgufFile::fromBuffer(bytesOf(empty), size_t(empty.size()), kFile);
    QVERIFY(e.tensors().empty());
    QCOMPARE(e.alignment(), uint64_t(32));
    QVERIFY(e.findTensor("w") == nullptr);
    QVERIFY(e.find("general.nam") == nullptr);
    try {
        e.get("general.architecture");
        QFAIL("a missing key was found");
    } catch (const qat::Error& err) {
        QCOMPARE(QString(err.what()), QString::fromStdString(kFile + ": key general.architecture: missing"));
    }
}

void TestGgufFile::valueAccessors() {
    QCOMPARE(Value::u8(7).asU64(), uint64_t(7));
    QCOMPARE(Value::i16(-3).asI64(), int64_t(-3));
    QCOMPARE(Value::i32(5).asU64(), uint64_t(5)); // a non-negative signed value widens
    QCOMPARE(Value::u64(1ull << 63).asU64(), 1ull << 63);
    QCOMPARE(Value::f32(0.5f).asF64(), 0.5);
    QCOMPARE(Value::f64(-2.25).asF64(), -2.25);
    QVERIFY(Value::boolean(true).asBool());
    QCOMPARE(Value::i32Array({1, -2}).ints(), (std::vector<int64_t>{1, -2}));
    QCOMPARE(Value::u32Array({7, 4000000000u}).ints(), (std::vector<int64_t>{7, 4000000000}));
    QCOMPARE(Value::f32Array({1.5f, -0.f}).floats(), (std::vector<float>{1.5f, -0.f}));
    QCOMPARE(Value::stringArray({"a", "b"}).size(), size_t(2));
    QCOMPARE(Value::stringArray({"a"}).elementType(), ValueType::String);
    QCOMPARE(Value::u32(1).elementType(), ValueType::UInt32);
    QVERIFY(Value::i32(-1) != Value::u32(0xFFFFFFFF));
    QVERIFY(Value::f32Array({1.f}) == Value::f32Array({1.f}));
    QCOMPARE(Value::fromBits(ValueType::UInt8, 0x1FF).asU64(), uint64_t(0xFF)); // as encoded: one byte
    QCOMPARE(Value::fromBits(ValueType::Int16, 0xFFFF).asI64(), int64_t(-1));
    QVERIFY(Value::fromBits(ValueType::Bool, 4).asBool());
    QCOMPARE(Value::numericArray(ValueType::UInt16, {1, 0, 0, 1}).ints(), (std::vector<int64_t>{1, 256}));
    QVERIFY_THROWS_EXCEPTION(qat::Error, Value::fromBits(ValueType::String, 0));
    QVERIFY_THROWS_EXCEPTION(qat::Error, Value::numericArray(ValueType::Float32, {0, 0, 0}));
    QVERIFY_THROWS_EXCEPTION(qat::Error, Value::numericArray(ValueType::Array, {}));
    QVERIFY_THROWS_EXCEPTION(qat::Error, Value::numericArray(ValueType::Bool, {0, 2}));

    // Wrong types and values throw naming the value's file and key.
    const QByteArray bytes = Raw()
                                 .header(3, 0, 4)
                                 .kvU32("llama.block_count", 30)
                                 .key("test.neg", ValueType::Int8)
                                 .u8(0xFF)
                                 .key("test.big", ValueType::UInt64)
                                 .u64(std::numeric_limits<uint64_t>::max())
                                 .arrayOf("tokenizer.ggml.tokens", ValueType::String, 1)
                                 .str("x");
    const GgufFile f = GgufFile::fromBuffer(bytesOf(bytes), size_t(bytes.size()), kFile);
    QCOMPARE(f.get("test.neg").asI64(), int64_t(-1));
    const auto message = [](auto&& fn) -> QString {
        try {
            fn();
        } catch (const qat::Error& e) {
            return e.kind() == ErrorKind::BadInput ? QString(e.what()) : "wrong kind: " + QString(e.what());
        }
        return "no error";
    };
    const QString file = QString::fromStdString(kFile);
    QCOMPARE(message([&] { f.get("llama.block_count").asString(); }),
             file + ": key llama.block_count: expected a string, found a u32");
    QCOMPARE(message([&] { f.get("llama.block_count").asF64(); }),
             file + ": key llama.block_count: expected a float, found a u32");
    QCOMPARE(message([&] { f.get("test.neg").asU64(); }),
             file + ": key test.neg: expected an unsigned integer, found -1");
    QCOMPARE(message([&] { f.get("test.big").asI64(); }),
             file + ": key test.big: 18446744073709551615 does not fit a signed 64-bit integer");
    QCOMPARE(message([&] { f.get("tokenizer.ggml.tokens").asU64(); }),
             file + ": key tokenizer.ggml.tokens: expected an unsigned integer, found an array of 1 string");
    QCOMPARE(message([&] { f.get("tokenizer.ggml.tokens").floats(); }),
             file + ": key tokenizer.ggml.tokens: expected an array of floats, found an array of 1 string");
    QCOMPARE(message([&] { f.get("llama.block_count").strings(); }),
             file + ": key llama.block_count: expected an array of strings, found a u32");
    QCOMPARE(message([&] { f.get("llama.block_count").size(); }),
             file + ": key llama.block_count: expected an array, found a u32");
}

void TestGgufFile::writerKeepsOrderAndRefusesBadTensors() {
    GgufWriter w;
    w.set("b", Value::u32(1));
    w.set("a", Value::u32(2));
    w.set("b", Value::string("again"));
    QCOMPARE(w.metadata().size(), size_t(2));
    QCOMPARE(w.metadata()[0].first, std::string("b"));
    QCOMPARE(w.metadata()[0].second.asString(), std::string("again"));
    QCOMPARE(w.find("a")->asU64(), uint64_t(2));

    const auto refused = [&w](const std::string& name, std::vector<uint64_t> ne, GgmlType type) -> QString {
        try {
            w.addTensor(name, std::move(ne), type, [](uint8_t*) {});
        } catch (const qat::Error& e) {
            return e.what();
        }
        return "accepted";
    };
    QCOMPARE(refused("w", {32, 2}, GgmlType::Q4_0), QString("accepted"));
    QCOMPARE(refused("w", {32}, GgmlType::F32), QString("tensor w: duplicate tensor name"));
    QCOMPARE(refused("x", {}, GgmlType::F32), QString("tensor x: 0 dimensions (1 to 4 supported)"));
    QCOMPARE(refused("x", {1, 1, 1, 1, 1}, GgmlType::F32),
             QString("tensor x: 5 dimensions (1 to 4 supported)"));
    QCOMPARE(refused("x", {4, 0}, GgmlType::F32), QString("tensor x: ne[1] is 0"));
    QCOMPARE(refused("x", {100}, GgmlType::Q2_K),
             QString("tensor x: ne[0] = 100 is not a multiple of the block size 256 of q2_k"));
    QCOMPARE(refused("x", {4}, GgmlType(14)), QString("tensor x: unknown ggml type 14"));
    QCOMPARE(refused(std::string(64, 'n'), {4}, GgmlType::F32),
             QString("tensor %1: a name must have 1 to 63 bytes, not 64").arg(QString(64, 'n')));
    QCOMPARE(w.tensorCount(), size_t(1));

    QTemporaryDir dir;
    const std::string path = dir.filePath("bad-alignment.gguf").toStdString();
    w.set("general.alignment", Value::u32(24));
    try {
        w.write(path);
        QFAIL("an alignment of 24 was written");
    } catch (const qat::Error& e) {
        QCOMPARE(QString(e.what()),
                 QString("key general.alignment: 24 is not a power of two from 1 to 1048576"));
    }
    w.set("general.alignment", Value::i32(32));
    QVERIFY_THROWS_EXCEPTION(qat::Error, w.write(path));
    QVERIFY(!QFile::exists(QString::fromStdString(path)));
    QVERIFY(!QFile::exists(QString::fromStdString(path) + ".tmp"));
}

void TestGgufFile::writeIsAtomic() {
    QTemporaryDir dir;
    const QString path = dir.filePath("model.gguf");
    GgufWriter good;
    good.set("general.name", Value::string("first"));
    good.addTensor("w", {8}, GgmlType::F32, [](uint8_t* dst) { std::memset(dst, 1, 32); });
    good.write(path.toStdString());
    QCOMPARE(GgufFile(path.toStdString()).get("general.name").asString(), std::string("first"));

    // A fill that throws: the exception propagates, the old file stays, the temporary goes.
    GgufWriter failing;
    failing.set("general.name", Value::string("second"));
    failing.addTensor("w", {8}, GgmlType::F32,
                      [](uint8_t*) { throw std::runtime_error("quantizer failed"); });
    QVERIFY_THROWS_EXCEPTION(std::runtime_error, failing.write(path.toStdString()));
    QVERIFY(!QFile::exists(path + ".tmp"));
    QCOMPARE(GgufFile(path.toStdString()).get("general.name").asString(), std::string("first"));

    // A target that cannot be replaced (a non-empty folder): named, nothing left behind.
    QVERIFY(QDir(dir.path()).mkpath("folder.gguf/inside"));
    try {
        good.write(dir.filePath("folder.gguf").toStdString());
        QFAIL("wrote over a folder");
    } catch (const qat::Error& e) {
        QCOMPARE(e.kind(), ErrorKind::Failure);
        QVERIFY2(QString(e.what()).startsWith(dir.filePath("folder.gguf") + ": cannot rename"), e.what());
    }
    QVERIFY(!QFile::exists(dir.filePath("folder.gguf.tmp")));

    // A folder that does not exist.
    try {
        good.write(dir.filePath("missing/model.gguf").toStdString());
        QFAIL("wrote into a missing folder");
    } catch (const qat::Error& e) {
        QVERIFY2(QString(e.what()).startsWith(dir.filePath("missing/model.gguf") + ": cannot create"),
                 e.what());
    }
}

void TestGgufFile::openRefusesMissingFile() {
    QTemporaryDir dir;
    const QString missing = dir.filePath("absent.gguf");
    try {
        GgufFile f(missing.toStdString());
        QFAIL("opened a missing file");
    } catch (const qat::Error& e) {
        QCOMPARE(e.kind(), ErrorKind::BadInput);
        QVERIFY2(QString(e.what()).startsWith(missing + ": cannot open"), e.what());
    }
    QFile empty(dir.filePath("empty.gguf"));
    QVERIFY(empty.open(QIODevice::WriteOnly));
    empty.close();
    try {
        GgufFile f(empty.fileName().toStdString());
        QFAIL("opened an empty file");
    } catch (const qat::Error& e) {
        QVERIFY2(QString(e.what()).startsWith(empty.fileName() + ": magic: truncated"), e.what());
    }
}

void TestGgufFile::smolLm2File() {
    const QString path = smolLm2Path();
    if (path.isEmpty()) QSKIP("no ../shared/models/smollm2-135m-instruct-q4_1/*.gguf");
    const GgufFile f(path.toStdString());
    QCOMPARE(f.version(), 3u);
    QCOMPARE(f.alignment(), uint64_t(32));
    QCOMPARE(f.tensors().size(), size_t(272));
    QCOMPARE(f.metadata().size(), size_t(33));
    QCOMPARE(f.get("general.architecture").asString(), std::string("llama"));
    QCOMPARE(f.get("llama.block_count").asU64(), uint64_t(30));
    QCOMPARE(f.get("llama.embedding_length").asU64(), uint64_t(576));
    QCOMPARE(float(f.get("llama.rope.freq_base").asF64()), 100000.f);
    QVERIFY(!f.get("tokenizer.ggml.add_bos_token").asBool());
    const std::vector<std::string>& tokens = f.get("tokenizer.ggml.tokens").strings();
    QCOMPARE(tokens.size(), size_t(49152));
    QCOMPARE(tokens[1], std::string("<|im_start|>"));
    QCOMPARE(f.get("tokenizer.ggml.token_type").ints().size(), size_t(49152));
    QCOMPARE(f.get("tokenizer.ggml.merges").strings().size(), size_t(48900));
    QCOMPARE(f.get("tokenizer.ggml.merges").strings()[0], std::string("Ġ t"));
    const TensorInfo* embed = f.findTensor("token_embd.weight");
    QVERIFY(embed);
    QCOMPARE(embed->ne, (std::vector<uint64_t>{576, 49152}));
    QCOMPARE(embed->type, GgmlType::Q8_0);
    QCOMPARE(embed->bytes, uint64_t(576 / 32 * 34) * 49152);
    QCOMPARE(f.findTensor("blk.0.ffn_down.weight")->type, GgmlType::Q4_1);
    QCOMPARE(f.dataOffset(), uint64_t(1785664)); // as gguf.GGUFReader reports it
    uint64_t end = 0;
    for (const TensorInfo& t : f.tensors())
        end = std::max(end, f.dataOffset() + t.offset + t.bytes);
    QVERIFY(end <= f.fileSize());
}

void TestGgufFile::smolLm2FileMatchesPython() {
    const QString path = smolLm2Path();
    if (path.isEmpty()) QSKIP("no ../shared/models/smollm2-135m-instruct-q4_1/*.gguf");
    QJsonObject python;
    QString why;
    if (!runReference({"read", path}, python, why)) QSKIP(qPrintable(why));
    QVERIFY2(!python.contains("error"), qPrintable(python["error"].toString()));
    QCOMPARE(difference(python, fileJson(GgufFile(path.toStdString()))), QString());
}

QTEST_GUILESS_MAIN(TestGgufFile)
#include "TestGgufFile.moc"
