// SPDX-License-Identifier: GPL-3.0-or-later
// The safetensors header parser: every class of bad input is refused with BadInput naming
// the file (and the tensor), and real headers parse to what an independent reader sees.
#include "qat/SafeTensors.h"
#include "qat/Status.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

#include <cstdint>
#include <limits>

using qat::DType;
using qat::ErrorKind;

namespace {

// A distinctive file name, so that a message naming it cannot be a coincidence.
const std::string kFile = "/models/demo/model-00002-of-00003.safetensors";

QByteArray lengthPrefix(uint64_t n) {
    QByteArray out(8, '\0');
    for (int i = 0; i < 8; ++i)
        out[i] = static_cast<char>((n >> (8 * i)) & 0xFF);
    return out;
}

// An 8-byte prefix, the JSON and `dataBytes` bytes of data area.
QByteArray safetensors(const QByteArray& json, int dataBytes) {
    return lengthPrefix(uint64_t(json.size())) + json + QByteArray(dataBytes, '\x5a');
}

const uint8_t* bytesOf(const QByteArray& b) {
    return reinterpret_cast<const uint8_t*>(b.constData());
}

QString sharedFile(const char* relative) {
    return QStringLiteral(QAT_SHARED_DIR "/") + QLatin1String(relative);
}

QByteArray readAll(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return {};
    return f.readAll();
}

struct ExpectedTensor {
    const char* name;
    const char* dtype;
    std::vector<int64_t> shape;
    uint64_t begin;
    uint64_t end;
};

} // namespace

Q_DECLARE_METATYPE(std::vector<int64_t>)

class TestSafeTensorsHeader : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void refusesBadInput_data();
    void refusesBadInput();
    void refusesHeaderLongerThanBuffer();
    void acceptsMinimalFiles_data();
    void acceptsMinimalFiles();
    void sortsByOffsetAndKeepsMetadata();
    void dtypeTable_data();
    void dtypeTable();
    void stories260KHeader();
    void stories260KTensors_data();
    void stories260KTensors();
    void tinyRandomLlamaHeader();
};

// Columns: the file's bytes (only the start for the size-limit rows), the file size claimed
// (-1: the bytes' size), the tensor(s) the message must name, and a word it must contain.
void TestSafeTensorsHeader::refusesBadInput_data() {
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<qint64>("fileSize");
    QTest::addColumn<QStringList>("tensors");
    QTest::addColumn<QString>("hint");

    const QStringList none;
    const QStringList w{"w"};

    QTest::newRow("empty file") << QByteArray() << qint64(-1) << none << "short";
    QTest::newRow("shorter than 8 bytes") << QByteArray("\x10\0\0\0\0", 5) << qint64(-1) << none << "short";
    QTest::newRow("7 bytes") << lengthPrefix(2).left(7) << qint64(-1) << none << "short";
    QTest::newRow("header length past end of file")
        << lengthPrefix(1000) + QByteArray("{}") << qint64(-1) << none << "end of the file";
    QTest::newRow("header length one past end")
        << lengthPrefix(3) + QByteArray("{}") << qint64(-1) << none << "end of the file";
    // Only the 8-byte prefix exists; the claimed file is large enough to hold the header, so
    // only the 100 MB limit can refuse it (and must, before anything is read).
    QTest::newRow("header length just over 100 MB")
        << lengthPrefix(qat::kMaxSafeTensorsHeader + 1) << qint64(4'000'000'000) << none << "100 MB";
    QTest::newRow("header length 2^64-1") << lengthPrefix(std::numeric_limits<uint64_t>::max())
                                          << qint64(std::numeric_limits<qint64>::max()) << none << "100 MB";
    QTest::newRow("header length zero") << lengthPrefix(0) + QByteArray(16, '\0') << qint64(-1) << none << "";

    QTest::newRow("invalid JSON: truncated")
        << safetensors(R"({"w":{"dtype":"F32",)", 0) << qint64(-1) << none << "JSON";
    QTest::newRow("invalid JSON: trailing garbage")
        << safetensors(R"({}x)", 0) << qint64(-1) << none << "JSON";
    QTest::newRow("invalid JSON: not UTF-8")
        << safetensors("{\"\xff\xfe\":1}", 0) << qint64(-1) << none << "JSON";
    QTest::newRow("invalid JSON: NUL padding")
        << safetensors(QByteArray("{}\0\0\0\0\0\0", 8), 0) << qint64(-1) << none << "JSON";
    QTest::newRow("JSON array") << safetensors(R"([{"dtype":"F32"}])", 0) << qint64(-1) << none << "object";
    QTest::newRow("JSON string") << safetensors(R"("w")", 0) << qint64(-1) << none << "object";
    QTest::newRow("JSON number") << safetensors("42", 0) << qint64(-1) << none << "object";
    QTest::newRow("JSON null") << safetensors("null", 0) << qint64(-1) << none << "object";

    QTest::newRow("tensor not an object") << safetensors(R"({"w":[1,2]})", 0) << qint64(-1) << w << "";
    QTest::newRow("unknown dtype") << safetensors(
                                          R"({"w":{"dtype":"Q4_0","shape":[2],"data_offsets":[0,8]}})", 8)
                                   << qint64(-1) << w << "Q4_0";
    QTest::newRow("lower-case dtype")
        << safetensors(R"({"w":{"dtype":"f32","shape":[2],"data_offsets":[0,8]}})", 8) << qint64(-1) << w
        << "f32";
    QTest::newRow("dtype not a string")
        << safetensors(R"({"w":{"dtype":4,"shape":[2],"data_offsets":[0,8]}})", 8) << qint64(-1) << w
        << "dtype";
    QTest::newRow("dtype missing") << safetensors(R"({"w":{"shape":[2],"data_offsets":[0,8]}})", 8)
                                   << qint64(-1) << w << "dtype";

    QTest::newRow("shape x dtype size < byte length")
        << safetensors(R"({"w":{"dtype":"F32","shape":[2,3],"data_offsets":[0,28]}})", 28) << qint64(-1) << w
        << "";
    QTest::newRow("shape x dtype size > byte length")
        << safetensors(R"({"w":{"dtype":"F32","shape":[2,3],"data_offsets":[0,20]}})", 24) << qint64(-1) << w
        << "";
    QTest::newRow("BF16 sized as F32")
        << safetensors(R"({"w":{"dtype":"BF16","shape":[4],"data_offsets":[0,16]}})", 16) << qint64(-1) << w
        << "";
    QTest::newRow("empty tensor with bytes")
        << safetensors(R"({"w":{"dtype":"F32","shape":[0,4],"data_offsets":[0,4]}})", 4) << qint64(-1) << w
        << "";
    QTest::newRow("shape overflows")
        << safetensors(
               R"({"w":{"dtype":"F32","shape":[4611686018427387904,4611686018427387904],"data_offsets":[0,0]}})",
               0)
        << qint64(-1) << w << "";
    // Zero elements, so no bytes, yet 2^32 x (2^32-1) overflows int64 element counts and strides.
    QTest::newRow("empty tensor whose other dimensions overflow")
        << safetensors(R"({"w":{"dtype":"U8","shape":[4294967296,4294967295,0],"data_offsets":[0,0]}})", 0)
        << qint64(-1) << w << "";
    QTest::newRow("zero in front of overflowing dimensions")
        << safetensors(R"({"w":{"dtype":"F32","shape":[0,4294967296,4294967296],"data_offsets":[0,0]}})", 0)
        << qint64(-1) << w << "";

    QTest::newRow("offsets past the data area")
        << safetensors(R"({"w":{"dtype":"F32","shape":[4],"data_offsets":[8,24]}})", 16) << qint64(-1) << w
        << "";
    QTest::newRow("offsets far past the data area")
        << safetensors(
               R"({"w":{"dtype":"U8","shape":[1],"data_offsets":[18446744073709551614,18446744073709551615]}})",
               4)
        << qint64(-1) << w << "";
    QTest::newRow("offsets reversed")
        << safetensors(R"({"w":{"dtype":"U8","shape":[0],"data_offsets":[8,4]}})", 8) << qint64(-1) << w
        << "";
    QTest::newRow("offsets negative")
        << safetensors(R"({"w":{"dtype":"U8","shape":[4],"data_offsets":[-4,0]}})", 8) << qint64(-1) << w
        << "";
    QTest::newRow("offsets: one entry")
        << safetensors(R"({"w":{"dtype":"U8","shape":[4],"data_offsets":[4]}})", 8) << qint64(-1) << w << "";
    QTest::newRow("offsets missing") << safetensors(R"({"w":{"dtype":"U8","shape":[4]}})", 8) << qint64(-1)
                                     << w << "data_offsets";
    QTest::newRow("offsets as strings")
        << safetensors(R"({"w":{"dtype":"U8","shape":[4],"data_offsets":["0","4"]}})", 8) << qint64(-1) << w
        << "";

    QTest::newRow("overlapping tensors")
        << safetensors(R"({"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]},)"
                       R"("b":{"dtype":"F32","shape":[4],"data_offsets":[8,24]}})",
                       24)
        << qint64(-1) << QStringList{"a", "b"} << "overlap";
    QTest::newRow("identical ranges")
        << safetensors(R"({"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]},)"
                       R"("b":{"dtype":"I32","shape":[4],"data_offsets":[0,16]}})",
                       16)
        << qint64(-1) << QStringList{"a", "b"} << "overlap";
    QTest::newRow("tensor inside another")
        << safetensors(R"({"big":{"dtype":"U8","shape":[100],"data_offsets":[0,100]},)"
                       R"("small":{"dtype":"U8","shape":[10],"data_offsets":[30,40]}})",
                       100)
        << qint64(-1) << QStringList{"big", "small"} << "overlap";
    // An empty tensor sorted between two overlapping ones must not hide the overlap.
    QTest::newRow("overlap behind an empty tensor")
        << safetensors(R"({"big":{"dtype":"U8","shape":[100],"data_offsets":[0,100]},)"
                       R"("empty":{"dtype":"U8","shape":[0],"data_offsets":[5,5]},)"
                       R"("small":{"dtype":"U8","shape":[10],"data_offsets":[30,40]}})",
                       100)
        << qint64(-1) << QStringList{"big", "small"} << "overlap";

    QTest::newRow("negative shape entry")
        << safetensors(R"({"w":{"dtype":"F32","shape":[-2,3],"data_offsets":[0,24]}})", 24) << qint64(-1) << w
        << "";
    QTest::newRow("negative shape entries cancelling")
        << safetensors(R"({"w":{"dtype":"F32","shape":[-2,-3],"data_offsets":[0,24]}})", 24) << qint64(-1)
        << w << "";
    QTest::newRow("fractional shape entry")
        << safetensors(R"({"w":{"dtype":"F32","shape":[1.5,4],"data_offsets":[0,24]}})", 24) << qint64(-1)
        << w << "";
    QTest::newRow("integral float shape entry")
        << safetensors(R"({"w":{"dtype":"F32","shape":[2.0,3],"data_offsets":[0,24]}})", 24) << qint64(-1)
        << w << "";
    QTest::newRow("string shape entry")
        << safetensors(R"({"w":{"dtype":"F32","shape":["6"],"data_offsets":[0,24]}})", 24) << qint64(-1) << w
        << "";
    QTest::newRow("null shape entry")
        << safetensors(R"({"w":{"dtype":"F32","shape":[null],"data_offsets":[0,4]}})", 4) << qint64(-1) << w
        << "";
    QTest::newRow("shape not an array")
        << safetensors(R"({"w":{"dtype":"F32","shape":6,"data_offsets":[0,24]}})", 24) << qint64(-1) << w
        << "shape";
    QTest::newRow("shape missing") << safetensors(R"({"w":{"dtype":"F32","data_offsets":[0,4]}})", 4)
                                   << qint64(-1) << w << "shape";

    QTest::newRow("__metadata__ not an object")
        << safetensors(R"({"__metadata__":["pt"]})", 0) << qint64(-1) << none << "__metadata__";
    QTest::newRow("__metadata__ value not a string")
        << safetensors(R"({"__metadata__":{"format":1}})", 0) << qint64(-1) << none << "__metadata__";
}

void TestSafeTensorsHeader::refusesBadInput() {
    QFETCH(QByteArray, bytes);
    QFETCH(qint64, fileSize);
    QFETCH(QStringList, tensors);
    QFETCH(QString, hint);
    const uint64_t claimed = fileSize < 0 ? uint64_t(bytes.size()) : uint64_t(fileSize);

    try {
        qat::parseSafeTensorsHeader(bytesOf(bytes), size_t(bytes.size()), claimed, kFile);
        QFAIL("the header was accepted");
    } catch (const qat::Error& e) {
        const QString message = QString::fromStdString(e.what());
        QVERIFY2(e.kind() == ErrorKind::BadInput, qPrintable("kind is not BadInput: " + message));
        QVERIFY2(message.contains(QString::fromStdString(kFile)), qPrintable("file not named: " + message));
        for (const QString& t : tensors)
            QVERIFY2(message.contains("'" + t + "'"), qPrintable("tensor '" + t + "' not named: " + message));
        if (!hint.isEmpty())
            QVERIFY2(message.contains(hint, Qt::CaseInsensitive),
                     qPrintable("no '" + hint + "' in: " + message));
    }
}

// A caller that passes fewer bytes than the prefix announces (though the file is big enough).
void TestSafeTensorsHeader::refusesHeaderLongerThanBuffer() {
    const QByteArray file = safetensors(R"({"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})", 4);
    try {
        qat::parseSafeTensorsHeader(bytesOf(file), 20, uint64_t(file.size()), kFile);
        QFAIL("a truncated buffer was accepted");
    } catch (const qat::Error& e) {
        QCOMPARE(e.kind(), ErrorKind::BadInput);
        QVERIFY2(QString(e.what()).contains(QString::fromStdString(kFile)), e.what());
    }
}

void TestSafeTensorsHeader::acceptsMinimalFiles_data() {
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<int>("tensorCount");
    QTest::addColumn<qint64>("numelOfFirst");

    QTest::newRow("empty object") << safetensors("{}", 0) << 0 << qint64(-1);
    QTest::newRow("only metadata") << safetensors(R"({"__metadata__":{"format":"pt"}})", 0) << 0
                                   << qint64(-1);
    QTest::newRow("scalar") << safetensors(R"({"s":{"dtype":"F64","shape":[],"data_offsets":[0,8]}})", 8) << 1
                            << qint64(1);
    QTest::newRow("zero-size dimension")
        << safetensors(R"({"e":{"dtype":"F32","shape":[3,0],"data_offsets":[0,0]}})", 0) << 1 << qint64(0);
    QTest::newRow("space padding after the JSON")
        << safetensors(QByteArray(R"({"w":{"dtype":"U8","shape":[3],"data_offsets":[0,3]}})") + "       ", 3)
        << 1 << qint64(3);
    QTest::newRow("data area longer than the tensors")
        << safetensors(R"({"w":{"dtype":"I16","shape":[2],"data_offsets":[0,4]}})", 100) << 1 << qint64(2);
    QTest::newRow("empty tensor at an offset inside another")
        << safetensors(R"({"a":{"dtype":"U8","shape":[8],"data_offsets":[0,8]},)"
                       R"("b":{"dtype":"U8","shape":[0],"data_offsets":[4,4]}})",
                       8)
        << 2 << qint64(8);
    QTest::newRow("tensors back to back, listed in reverse")
        << safetensors(R"({"b":{"dtype":"BOOL","shape":[4],"data_offsets":[4,8]},)"
                       R"("a":{"dtype":"I8","shape":[2,2],"data_offsets":[0,4]}})",
                       8)
        << 2 << qint64(4);
}

void TestSafeTensorsHeader::acceptsMinimalFiles() {
    QFETCH(QByteArray, bytes);
    QFETCH(int, tensorCount);
    QFETCH(qint64, numelOfFirst);
    try {
        const auto h =
            qat::parseSafeTensorsHeader(bytesOf(bytes), size_t(bytes.size()), uint64_t(bytes.size()), kFile);
        QCOMPARE(int(h.tensors.size()), tensorCount);
        if (tensorCount > 0) QCOMPARE(qint64(h.tensors.front().numel()), numelOfFirst);
    } catch (const qat::Error& e) {
        QFAIL(e.what());
    }
}

void TestSafeTensorsHeader::sortsByOffsetAndKeepsMetadata() {
    const QByteArray json = R"({"__metadata__":{"format":"pt","source":"unit test"},)"
                            R"("late":{"dtype":"BF16","shape":[2,2],"data_offsets":[16,24]},)"
                            R"("early":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}})";
    const QByteArray file = safetensors(json, 24);
    const auto h =
        qat::parseSafeTensorsHeader(bytesOf(file), size_t(file.size()), uint64_t(file.size()), kFile);
    QCOMPARE(h.headerLength, uint64_t(json.size()));
    QCOMPARE(h.dataOffset, uint64_t(8 + json.size()));
    QCOMPARE(int(h.tensors.size()), 2);
    QCOMPARE(h.tensors[0].name, std::string("early"));
    QCOMPARE(h.tensors[1].name, std::string("late"));
    QCOMPARE(h.tensors[1].dtype, DType::BF16);
    QCOMPARE(h.tensors[1].shape, (std::vector<int64_t>{2, 2}));
    QCOMPARE(h.tensors[1].begin, uint64_t(16));
    QCOMPARE(h.tensors[1].end, uint64_t(24));
    QCOMPARE(int(h.metadata.size()), 2);
    QCOMPARE(h.metadata.at("format"), std::string("pt"));
    QCOMPARE(h.metadata.at("source"), std::string("unit test"));
    QVERIFY(h.find("late") == &h.tensors[1]);
    QVERIFY(h.find("__metadata__") == nullptr);
    QVERIFY(h.find("missing") == nullptr);
}

void TestSafeTensorsHeader::dtypeTable_data() {
    QTest::addColumn<QString>("name");
    QTest::addColumn<int>("size");
    // The safetensors spec's names and element sizes.
    QTest::newRow("F64") << "F64" << 8;
    QTest::newRow("F32") << "F32" << 4;
    QTest::newRow("F16") << "F16" << 2;
    QTest::newRow("BF16") << "BF16" << 2;
    QTest::newRow("I64") << "I64" << 8;
    QTest::newRow("I32") << "I32" << 4;
    QTest::newRow("I16") << "I16" << 2;
    QTest::newRow("I8") << "I8" << 1;
    QTest::newRow("U8") << "U8" << 1;
    QTest::newRow("BOOL") << "BOOL" << 1;
}

void TestSafeTensorsHeader::dtypeTable() {
    QFETCH(QString, name);
    QFETCH(int, size);
    DType d{};
    QVERIFY(qat::parseDType(name.toStdString(), d));
    QCOMPARE(int(qat::dtypeSize(d)), size);
    QCOMPARE(QString(qat::dtypeName(d)), name);
    QVERIFY(!qat::parseDType(name.toLower().toStdString() + "x", d));
}

void TestSafeTensorsHeader::stories260KHeader() {
    const QString path = sharedFile("models/stories260K/model.safetensors");
    const QByteArray file = readAll(path);
    if (file.isEmpty()) QSKIP(qPrintable("missing " + path));

    // The truth, read independently with Qt's JSON parser.
    uint64_t n = 0;
    for (int i = 7; i >= 0; --i)
        n = (n << 8) | uint8_t(file[i]);
    const QJsonObject truth = QJsonDocument::fromJson(file.mid(8, int(n))).object();
    QVERIFY(!truth.isEmpty());

    const auto h = qat::parseSafeTensorsHeader(bytesOf(file), size_t(file.size()), uint64_t(file.size()),
                                               path.toStdString());
    QCOMPARE(h.headerLength, uint64_t(4856));
    QCOMPARE(h.dataOffset, uint64_t(4864));
    QCOMPARE(int(h.tensors.size()), 47); // embedding, 5 layers x 9, final norm; the head is tied
    QCOMPARE(int(h.tensors.size()), truth.size() - 1);
    QCOMPARE(h.metadata.size(), size_t(1));
    QCOMPARE(h.metadata.at("format"), std::string("pt"));

    int64_t parameters = 0;
    for (const auto& t : h.tensors) {
        const QJsonObject o = truth.value(QString::fromStdString(t.name)).toObject();
        QVERIFY2(!o.isEmpty(), t.name.c_str());
        QCOMPARE(QString(qat::dtypeName(t.dtype)), o.value("dtype").toString());
        QCOMPARE(t.begin, uint64_t(o.value("data_offsets").toArray().at(0).toInteger()));
        QCOMPARE(t.end, uint64_t(o.value("data_offsets").toArray().at(1).toInteger()));
        std::vector<int64_t> shape;
        for (const auto& d : o.value("shape").toArray())
            shape.push_back(d.toInteger());
        QCOMPARE(t.shape, shape);
        parameters += t.numel();
    }
    QCOMPARE(parameters, int64_t(260032)); // shared/README.md
    QCOMPARE(h.tensors.front().name, std::string("model.embed_tokens.weight"));
    QCOMPARE(h.tensors.back().name, std::string("model.norm.weight"));
    QCOMPARE(h.tensors.back().end, uint64_t(file.size()) - h.dataOffset);
}

// Spot checks with values written down from `python -c "import json..."` over the file.
void TestSafeTensorsHeader::stories260KTensors_data() {
    QTest::addColumn<QString>("name");
    QTest::addColumn<std::vector<int64_t>>("shape");
    QTest::addColumn<quint64>("begin");
    QTest::addColumn<quint64>("end");
    QTest::newRow("embed") << "model.embed_tokens.weight" << std::vector<int64_t>{512, 64} << quint64(0)
                           << quint64(131072);
    QTest::newRow("down_proj 0") << "model.layers.0.mlp.down_proj.weight" << std::vector<int64_t>{64, 172}
                                 << quint64(131328) << quint64(175360);
    QTest::newRow("up_proj 1") << "model.layers.1.mlp.up_proj.weight" << std::vector<int64_t>{172, 64}
                               << quint64(401152) << quint64(445184);
    QTest::newRow("k_proj 3 (GQA)") << "model.layers.3.self_attn.k_proj.weight"
                                    << std::vector<int64_t>{32, 64} << quint64(808960) << quint64(817152);
    QTest::newRow("v_proj 4") << "model.layers.4.self_attn.v_proj.weight" << std::vector<int64_t>{32, 64}
                              << quint64(1031680) << quint64(1039872);
    QTest::newRow("norm") << "model.norm.weight" << std::vector<int64_t>{64} << quint64(1039872)
                          << quint64(1040128);
}

void TestSafeTensorsHeader::stories260KTensors() {
    QFETCH(QString, name);
    QFETCH(std::vector<int64_t>, shape);
    QFETCH(quint64, begin);
    QFETCH(quint64, end);
    const QString path = sharedFile("models/stories260K/model.safetensors");
    const QByteArray file = readAll(path);
    if (file.isEmpty()) QSKIP(qPrintable("missing " + path));
    const auto h = qat::parseSafeTensorsHeader(bytesOf(file), size_t(file.size()), uint64_t(file.size()),
                                               path.toStdString());
    const qat::TensorEntry* t = h.find(name.toStdString());
    QVERIFY(t);
    QCOMPARE(t->dtype, DType::F32);
    QCOMPARE(t->shape, shape);
    QCOMPARE(t->begin, uint64_t(begin));
    QCOMPARE(t->end, uint64_t(end));
}

void TestSafeTensorsHeader::tinyRandomLlamaHeader() {
    const QString path = sharedFile("models/tiny-random-llama-2/model.safetensors");
    const QByteArray file = readAll(path);
    if (file.isEmpty()) QSKIP(qPrintable("missing " + path));
    // Only the header bytes and the true file size: what the loader does before mapping.
    const QByteArray start = file.left(8 + 2160);
    const auto h = qat::parseSafeTensorsHeader(bytesOf(start), size_t(start.size()), uint64_t(file.size()),
                                               path.toStdString());
    QCOMPARE(int(h.tensors.size()), 21);
    for (const auto& t : h.tensors)
        QCOMPARE(t.dtype, DType::BF16);
    const qat::TensorEntry* head = h.find("lm_head.weight");
    QVERIFY(head);
    QCOMPARE(head->shape, (std::vector<int64_t>{3000, 16}));
    QCOMPARE(head->end - head->begin, uint64_t(3000 * 16 * 2));
}

QTEST_GUILESS_MAIN(TestSafeTensorsHeader)
#include "TestSafeTensorsHeader.moc"
