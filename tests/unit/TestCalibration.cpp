// SPDX-License-Identifier: GPL-3.0-or-later
// Calibration windows: deterministic per seed, training and validation windows from disjoint
// documents, exact slices of their documents (or of the packed stream), clear errors when the
// text is too short, JSONL input, and self-generated documents from stories260K.
#include "qat/Calibration.h"
#include "qat/Model.h"
#include "qat/Status.h"
#include "qat/Tokenizer.h"

#include "TestPaths.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <random>
#include <set>

using qat::CalibrationOptions;
using qat::ErrorKind;
using Packing = qat::CalibrationOptions::Packing;

Q_DECLARE_METATYPE(Packing)

namespace {

std::filesystem::path fsPath(const QString& p) {
    return std::filesystem::path(p.toStdString());
}

bool writeFile(const QString& path, const QByteArray& bytes) {
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly)) return false;
    return f.write(bytes) == bytes.size();
}

constexpr int64_t kBos = 1;
constexpr int64_t kMark = 1000; // document i's tokens are kMark + i (after its BOS)

// `count` synthetic documents: BOS followed by `length(i)` copies of kMark + i.
template <class Len> std::vector<std::vector<int64_t>> markedDocs(int64_t count, Len length) {
    std::vector<std::vector<int64_t>> docs;
    for (int64_t i = 0; i < count; ++i) {
        std::vector<int64_t> d{kBos};
        d.insert(d.end(), static_cast<size_t>(length(i)), kMark + i);
        docs.push_back(std::move(d));
    }
    return docs;
}

// The documents a window touches (its non-BOS tokens name them).
std::set<int64_t> docsOf(const std::vector<int64_t>& window) {
    std::set<int64_t> s;
    for (int64_t t : window)
        if (t != kBos) s.insert(t - kMark);
    return s;
}

bool isSlice(const std::vector<int64_t>& window, const std::vector<int64_t>& of) {
    return std::search(of.begin(), of.end(), window.begin(), window.end()) != of.end();
}

QString stories() {
    return qat::test::sharedPath("models/stories260K");
}

std::unique_ptr<qat::Tokenizer> storiesTokenizer() {
    const QString file = stories() + "/tokenizer.model";
    if (!QFile::exists(file)) return nullptr;
    return qat::Tokenizer::load(fsPath(file));
}

} // namespace

class TestCalibration : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void init();
    void sameSeedSameWindows_data();
    void sameSeedSameWindows();
    void trainAndValFromDisjointDocuments_data();
    void trainAndValFromDisjointDocuments();
    void autoPackingChoice_data();
    void autoPackingChoice();
    void singleDocumentSplitByTokens();
    void recordedWindows();
    void tooShortNamesFileAndCounts_data();
    void tooShortNamesFileAndCounts();
    void badOptions_data();
    void badOptions();
    void textAndJsonlFiles();
    void sharedTinyStories_data();
    void sharedTinyStories();
    void selfGeneratedDeterministic();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
};

void TestCalibration::init() {
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void TestCalibration::sameSeedSameWindows_data() {
    QTest::addColumn<Packing>("packing");
    QTest::addColumn<int>("docLength");
    QTest::newRow("documents mode") << Packing::Documents << 300;
    QTest::newRow("packed mode") << Packing::Packed << 40;
    QTest::newRow("auto, short documents") << Packing::Auto << 40;
}

void TestCalibration::sameSeedSameWindows() {
    QFETCH(Packing, packing);
    QFETCH(int, docLength);
    // Lengths vary so that offsets and documents both matter.
    auto docs = markedDocs(100, [&](int64_t i) { return docLength + (i * 7) % 23; });
    CalibrationOptions o;
    o.seqlen = 64;
    o.trainWindows = 20;
    o.valWindows = 4;
    o.packing = packing;
    const auto a = qat::makeCalibrationWindows(docs, o, "synthetic");
    const auto b = qat::makeCalibrationWindows(docs, o, "synthetic");
    QVERIFY(a.train == b.train);
    QVERIFY(a.val == b.val);
    QVERIFY(a.trainDocument == b.trainDocument);
    o.seed = 3;
    const auto c = qat::makeCalibrationWindows(docs, o, "synthetic");
    QVERIFY(a.train != c.train);
    QVERIFY(a.val != c.val);
    // More validation windows never change the training windows.
    o.seed = 2;
    o.valWindows = 5;
    const auto d = qat::makeCalibrationWindows(docs, o, "synthetic");
    QVERIFY(d.train == a.train);
    QCOMPARE(a.train.size(), size_t(20));
    QCOMPARE(a.val.size(), size_t(4));
    for (const auto& w : a.train)
        QCOMPARE(w.size(), size_t(64));
    for (const auto& w : a.val)
        QCOMPARE(w.size(), size_t(64));
}

void TestCalibration::trainAndValFromDisjointDocuments_data() {
    QTest::addColumn<Packing>("packing");
    QTest::addColumn<int>("docLength");
    QTest::addColumn<double>("valFraction");
    QTest::newRow("documents, 10%") << Packing::Documents << 200 << 0.1;
    QTest::newRow("packed, 10%") << Packing::Packed << 30 << 0.1;
    QTest::newRow("packed, 25%") << Packing::Packed << 30 << 0.25;
    QTest::newRow("auto, long documents") << Packing::Auto << 200 << 0.1;
}

// Marked documents: every token of a window names its document, so the split is checked
// by construction. Each window is an exact slice of its document (documents mode) or of
// the split's packed stream.
void TestCalibration::trainAndValFromDisjointDocuments() {
    QFETCH(Packing, packing);
    QFETCH(int, docLength);
    QFETCH(double, valFraction);
    const int64_t n = 200;
    auto docs = markedDocs(n, [&](int64_t i) { return docLength + i % 5; });
    CalibrationOptions o;
    o.seqlen = 48;
    o.trainWindows = 50;
    o.valWindows = 8;
    o.valFraction = valFraction;
    o.packing = packing;
    const auto data = qat::makeCalibrationWindows(docs, o, "synthetic");
    const int64_t nVal = static_cast<int64_t>(n * valFraction);
    QCOMPARE(data.documents, n);
    QCOMPARE(data.trainDocuments, n - nVal);
    const bool packed = packing == Packing::Packed;
    QCOMPARE(data.trainPacked, packed);
    QCOMPARE(data.valPacked, packed);
    std::vector<int64_t> trainStream, valStream;
    for (int64_t i = 0; i < n; ++i)
        (i < data.trainDocuments ? trainStream : valStream)
            .insert((i < data.trainDocuments ? trainStream : valStream).end(), docs[size_t(i)].begin(),
                    docs[size_t(i)].end());
    for (size_t w = 0; w < data.train.size(); ++w) {
        QCOMPARE(data.train[w].size(), size_t(o.seqlen));
        for (int64_t d : docsOf(data.train[w]))
            QVERIFY2(d >= 0 && d < data.trainDocuments, "val document in training");
        QVERIFY(data.trainDocument[w] < data.trainDocuments);
        if (packed)
            QVERIFY(isSlice(data.train[w], trainStream));
        else
            QVERIFY(isSlice(data.train[w], docs[size_t(data.trainDocument[w])]));
    }
    for (size_t w = 0; w < data.val.size(); ++w) {
        QCOMPARE(data.val[w].size(), size_t(o.seqlen));
        for (int64_t d : docsOf(data.val[w]))
            QVERIFY2(d >= data.trainDocuments && d < n, "training document in val");
        QVERIFY(data.valDocument[w] >= data.trainDocuments);
        if (packed)
            QVERIFY(isSlice(data.val[w], valStream));
        else
            QVERIFY(isSlice(data.val[w], docs[size_t(data.valDocument[w])]));
    }
    QCOMPARE(data.trainTokens, int64_t(trainStream.size()));
    QCOMPARE(data.valTokens, int64_t(valStream.size()));
}

void TestCalibration::autoPackingChoice_data() {
    QTest::addColumn<int>("longDocs"); // of 20 documents, how many are longer than seqlen
    QTest::addColumn<bool>("packed");
    QTest::newRow("all short") << 0 << true;
    QTest::newRow("a few long") << 2 << true;
    QTest::newRow("most long") << 15 << false;
    QTest::newRow("all long") << 20 << false;
}

// Auto samples documents (EfficientQAT) when most of the text is in documents longer than
// seqlen, and packs otherwise (TinyStories' short stories).
void TestCalibration::autoPackingChoice() {
    QFETCH(int, longDocs);
    QFETCH(bool, packed);
    auto docs = markedDocs(20, [&](int64_t i) { return i < longDocs ? 80 : 30; });
    CalibrationOptions o;
    o.seqlen = 64;
    o.trainWindows = 4;
    o.valWindows = 0;
    const auto data = qat::makeCalibrationWindows(docs, o, "synthetic");
    QCOMPARE(data.trainPacked, packed);
    QVERIFY(data.val.empty());
    QCOMPARE(data.trainDocuments, int64_t(20));
}

void TestCalibration::singleDocumentSplitByTokens() {
    std::vector<std::vector<int64_t>> docs(1);
    for (int64_t i = 0; i < 1000; ++i)
        docs[0].push_back(i);
    CalibrationOptions o;
    o.seqlen = 50;
    o.trainWindows = 10;
    o.valWindows = 2;
    const auto data = qat::makeCalibrationWindows(docs, o, "one.txt");
    for (const auto& w : data.train)
        QVERIFY(w.back() < 900);
    for (const auto& w : data.val)
        QVERIFY(w.front() >= 900);
    QCOMPARE(data.trainTokens, int64_t(900));
    QCOMPARE(data.valTokens, int64_t(100));
}

// The draw, restated from its definition in Calibration.h: in documents mode each window takes
// one mt19937_64 output for the document and one for the offset (output modulo the range;
// rejection is practically never hit). std::mt19937_64 is fully specified by the C++
// standard (its 10000th output from the default seed is 9981545732273789042, checked here), so
// these windows are the same on every platform; a change of the draw fails this test.
void TestCalibration::recordedWindows() {
    std::vector<std::vector<int64_t>> docs(1);
    for (int64_t i = 0; i < 100; ++i)
        docs[0].push_back(i);
    CalibrationOptions o;
    o.seqlen = 10;
    o.trainWindows = 3;
    o.valWindows = 0;
    o.packing = Packing::Documents;
    const auto data = qat::makeCalibrationWindows(docs, o, "x");
    std::mt19937_64 check;
    check.discard(9999);
    QCOMPARE(check(), uint64_t(9981545732273789042ull));
    std::mt19937_64 rng(2);
    for (const auto& w : data.train) {
        rng(); // the document draw (one eligible document)
        const int64_t offset = int64_t(rng() % 90);
        QCOMPARE(w.front(), offset);
        QCOMPARE(w.back(), offset + 9);
    }
}

void TestCalibration::tooShortNamesFileAndCounts_data() {
    QTest::addColumn<int>("windows");
    QTest::addColumn<int>("seqlen");
    QTest::addColumn<QString>("mentions");
    QTest::newRow("too many windows") << 100 << 64 << "6,400 are needed";
    QTest::newRow("windows longer than the text") << 1 << 4096 << "4,096 are needed";
}

void TestCalibration::tooShortNamesFileAndCounts() {
    QFETCH(int, windows);
    QFETCH(int, seqlen);
    QFETCH(QString, mentions);
    auto tok = storiesTokenizer();
    if (!tok) QSKIP("stories260K tokenizer missing");
    const QString file = m_dir->filePath("tiny-calib.txt");
    QByteArray text;
    for (int i = 0; i < 20; ++i)
        text += "Once upon a time there was a little cat. It liked to play.\n\n";
    QVERIFY(writeFile(file, text));
    CalibrationOptions o;
    o.files = {fsPath(file)};
    o.seqlen = seqlen;
    o.trainWindows = windows;
    o.valWindows = 2;
    qat::CalibrationData data;
    const qat::Status st = qat::loadCalibrationData(*tok, o, data);
    QCOMPARE(st.kind, ErrorKind::BadInput);
    const QString msg = QString::fromStdString(st.message);
    QVERIFY2(msg.contains("tiny-calib.txt"), qPrintable(msg));
    QVERIFY2(msg.contains(mentions), qPrintable(msg));
    QVERIFY2(msg.contains("training"), qPrintable(msg));
    // The token count it names is the training split's (18 of 20 documents).
    const auto docs =
        qat::tokenizeDocuments(*tok, {"Once upon a time there was a little cat. It liked to play."});
    const int64_t tokens = int64_t(docs[0].size()) * 18;
    QVERIFY2(msg.contains("holds " + QString::number(tokens) + " tokens"), qPrintable(msg));
}

void TestCalibration::badOptions_data() {
    QTest::addColumn<int>("seqlen");
    QTest::addColumn<bool>("withFile");
    QTest::addColumn<QString>("mentions");
    QTest::newRow("no files") << 16 << false << "no calibration files";
    QTest::newRow("seqlen 1") << 1 << true << "seqlen";
    QTest::newRow("seqlen 0") << 0 << true << "seqlen";
}

void TestCalibration::badOptions() {
    QFETCH(int, seqlen);
    QFETCH(bool, withFile);
    QFETCH(QString, mentions);
    auto tok = storiesTokenizer();
    if (!tok) QSKIP("stories260K tokenizer missing");
    const QString file = m_dir->filePath("a.txt");
    QVERIFY(writeFile(file, "Hello there.\n\nAnother story.\n"));
    CalibrationOptions o;
    if (withFile) o.files = {fsPath(file)};
    o.seqlen = seqlen;
    qat::CalibrationData data;
    const qat::Status st = qat::loadCalibrationData(*tok, o, data);
    QCOMPARE(st.kind, ErrorKind::BadInput);
    QVERIFY2(QString::fromStdString(st.message).contains(mentions), st.message.c_str());
    // A missing file is named.
    o.seqlen = 16;
    o.files = {fsPath(m_dir->filePath("missing.jsonl"))};
    const qat::Status missing = qat::loadCalibrationData(*tok, o, data);
    QCOMPARE(missing.kind, ErrorKind::BadInput);
    QVERIFY2(QString::fromStdString(missing.message).contains("missing.jsonl"), missing.message.c_str());
}

// A text file and a JSONL file together: documents in file order, each BOS + its encoding.
void TestCalibration::textAndJsonlFiles() {
    auto tok = storiesTokenizer();
    if (!tok) QSKIP("stories260K tokenizer missing");
    const QString txt = m_dir->filePath("a.txt"), jsonl = m_dir->filePath("b.jsonl");
    QByteArray t, j;
    std::vector<std::string> texts;
    for (int i = 0; i < 10; ++i) {
        const std::string s =
            "Story " + std::to_string(i) + ": Tom saw a big red ball in the park and he was happy.";
        t += QByteArray::fromStdString(s) + "\n\n";
        texts.push_back(s);
    }
    for (int i = 0; i < 10; ++i) {
        const std::string s = "Json " + std::to_string(i) + ": Lily had a small dog. They played all day.";
        j += "{\"text\": \"" + QByteArray::fromStdString(s) + "\"}\n";
        texts.push_back(s);
    }
    QVERIFY(writeFile(txt, t));
    QVERIFY(writeFile(jsonl, j));
    CalibrationOptions o;
    o.files = {fsPath(txt), fsPath(jsonl)};
    o.seqlen = 32;
    o.trainWindows = 8;
    o.valWindows = 1;
    qat::CalibrationData data;
    const qat::Status st = qat::loadCalibrationData(*tok, o, data);
    QVERIFY2(st.ok(), st.message.c_str());
    QCOMPARE(data.documents, int64_t(20));
    QCOMPARE(data.trainDocuments, int64_t(18));
    QVERIFY(data.trainPacked); // ~20-token documents, seqlen 32
    QVERIFY(QString::fromStdString(data.source).contains("a.txt"));
    QVERIFY(QString::fromStdString(data.source).contains("b.jsonl"));
    // Independent stream: BOS + encode(text) for each training document.
    std::vector<int64_t> stream;
    for (int i = 0; i < 18; ++i) {
        stream.push_back(tok->bosId());
        const auto ids = tok->encode(texts[size_t(i)]);
        stream.insert(stream.end(), ids.begin(), ids.end());
    }
    QCOMPARE(data.trainTokens, int64_t(stream.size()));
    for (const auto& w : data.train)
        QVERIFY(isSlice(w, stream));
    // The validation window comes from the last two JSONL documents.
    std::vector<int64_t> valStream;
    for (int i = 18; i < 20; ++i) {
        valStream.push_back(tok->bosId());
        const auto ids = tok->encode(texts[size_t(i)]);
        valStream.insert(valStream.end(), ids.begin(), ids.end());
    }
    QVERIFY(isSlice(data.val[0], valStream));
}

// The demo's calibration text: 3,000 stories of 85 to 512 tokens (median ~350) with stories260K's
// tokenizer. Windows of 256 are sampled from documents (93% of the tokens lie in longer
// stories); windows of 512, the model's context, need packing (no story is longer).
void TestCalibration::sharedTinyStories_data() {
    QTest::addColumn<int>("seqlen");
    QTest::addColumn<bool>("packed");
    QTest::newRow("seqlen 256: documents") << 256 << false;
    QTest::newRow("seqlen 512: packed") << 512 << true;
}

void TestCalibration::sharedTinyStories() {
    QFETCH(int, seqlen);
    QFETCH(bool, packed);
    auto tok = storiesTokenizer();
    const QString calib = qat::test::sharedPath("data/tinystories-gen/calib.txt");
    if (!tok || !QFile::exists(calib)) QSKIP("stories260K or calib.txt missing");
    CalibrationOptions o;
    o.files = {fsPath(calib)};
    o.seqlen = seqlen;
    o.trainWindows = 512;
    o.valWindows = 16;
    qat::CalibrationData data;
    const qat::Status st = qat::loadCalibrationData(*tok, o, data);
    QVERIFY2(st.ok(), st.message.c_str());
    QCOMPARE(data.trainPacked, packed);
    QCOMPARE(data.valPacked, packed);
    QCOMPARE(data.documents, int64_t(3000));
    QCOMPARE(data.trainDocuments, int64_t(2700));
    QCOMPARE(data.train.size(), size_t(512));
    for (const auto& w : data.train) {
        QCOMPARE(w.size(), size_t(seqlen));
        for (int64_t id : w)
            QVERIFY(id >= 0 && id < tok->vocabSize());
    }
    // Paper defaults need far more text than the demo has: a clear error.
    o.seqlen = 2048;
    o.trainWindows = 4096;
    const qat::Status big = qat::loadCalibrationData(*tok, o, data);
    QCOMPARE(big.kind, ErrorKind::BadInput);
    QVERIFY2(QString::fromStdString(big.message).contains("8,388,608 are needed"), big.message.c_str());
}

void TestCalibration::selfGeneratedDeterministic() {
    if (!QFile::exists(stories() + "/model.safetensors")) QSKIP("stories260K missing");
    std::unique_ptr<qat::Model> model;
    qat::LoadOptions lo;
    lo.threads = 1; // a 260K-parameter model: more threads only contend with the rest of the machine
    const qat::Status load = qat::Model::load(fsPath(stories()), lo, model);
    QVERIFY2(load.ok(), load.message.c_str());
    qat::GeneratedCalibrationOptions g;
    g.count = 6;
    g.tokensPerSample = 48;
    g.seed = 7;
    std::vector<std::vector<int64_t>> a, b, c;
    QVERIFY(qat::generateCalibrationDocuments(*model, g, a).ok());
    QVERIFY(qat::generateCalibrationDocuments(*model, g, b).ok());
    QVERIFY(a == b);
    QCOMPARE(a.size(), size_t(6));
    for (const auto& d : a) {
        QCOMPARE(d.front(), model->config().bosTokenId);
        QVERIFY(d.size() >= 2 && d.size() <= 49);
    }
    QVERIFY(a[0] != a[1]); // each document has its own seed
    g.seed = 8;
    QVERIFY(qat::generateCalibrationDocuments(*model, g, c).ok());
    QVERIFY(a != c);
    // Documents feed the windows like file documents.
    CalibrationOptions o;
    o.seqlen = 16;
    o.trainWindows = 4;
    o.valWindows = 1;
    o.valFraction = 0.2;
    const auto data = qat::makeCalibrationWindows(a, o, "self-generated");
    QCOMPARE(data.train.size(), size_t(4));
    QCOMPARE(data.trainDocuments, int64_t(5));
    // Too long for the context, cancelled: named outcomes.
    g.tokensPerSample = model->config().maxPositionEmbeddings;
    QCOMPARE(qat::generateCalibrationDocuments(*model, g, c).kind, ErrorKind::BadInput);
    struct Cancel : qat::ProgressSink {
        bool isCancelled() const override { return true; }
    } cancel;
    g.tokensPerSample = 8;
    QCOMPARE(qat::generateCalibrationDocuments(*model, g, c, &cancel).kind, ErrorKind::Cancelled);
}

QTEST_GUILESS_MAIN(TestCalibration)
#include "TestCalibration.moc"
