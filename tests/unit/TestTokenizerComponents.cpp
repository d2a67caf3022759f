// SPDX-License-Identifier: GPL-3.0-or-later
// Each tokenizer.json component against Hugging Face tokenizers: Split (every behavior, plain
// and inverted, string and regex patterns, Llama-3's regex), Digits, ByteLevel (prefix space,
// ignore_merges), Metaspace (prepend schemes, split), NFC / NFKC / Replace / Prepend normalizers,
// byte_fallback, fuse_unk, added tokens (lstrip, rstrip, single_word, normalized, special), and the
// decoders. The expectations come from tokenizers itself, made at test time by
// make_tokenizer_component_cases.py (fixture TokenizerFixtureComponents); exits 77 without it.
#include "qat/Tokenizer.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include <cstdio>
#include <map>

namespace {

const QString kFixture = QStringLiteral(QAT_BINARY_DIR "/tests/unit/tokenizer-fixtures/components");

QByteArray readAll(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return {};
    return f.readAll();
}

std::vector<int64_t> toIds(const QJsonValue& v) {
    std::vector<int64_t> ids;
    for (const auto& x : v.toArray())
        ids.push_back(x.toInteger());
    return ids;
}

QString idsText(const std::vector<int64_t>& ids) {
    QStringList parts;
    for (int64_t id : ids)
        parts << QString::number(id);
    return "[" + parts.join(' ') + "]";
}

} // namespace

class TestTokenizerComponents : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void matchesTokenizers_data();
    void matchesTokenizers();

private:
    QTemporaryDir m_dir;
    QJsonArray m_configs;
    std::map<QString, std::unique_ptr<qat::Tokenizer>> m_tokenizers;
};

void TestTokenizerComponents::initTestCase() {
    QVERIFY(m_dir.isValid());
    m_configs = QJsonDocument::fromJson(readAll(kFixture + "/cases.json")).array();
    QVERIFY(m_configs.size() >= 30);
    for (const auto& v : m_configs) {
        const QJsonObject c = v.toObject();
        const QString name = c.value("name").toString();
        const QString dir = m_dir.filePath(name);
        QVERIFY(QDir().mkpath(dir));
        QFile f(dir + "/tokenizer.json");
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QJsonDocument(c.value("tokenizer").toObject()).toJson());
        f.close();
        try {
            m_tokenizers[name] = qat::Tokenizer::load((dir + "/tokenizer.json").toStdString());
        } catch (const std::exception& e) {
            QFAIL(qPrintable(name + ": " + e.what()));
        }
    }
}

void TestTokenizerComponents::matchesTokenizers_data() {
    QTest::addColumn<QString>("name");
    QTest::addColumn<QJsonObject>("expected");
    for (const auto& v : m_configs) {
        const QJsonObject c = v.toObject();
        const QString name = c.value("name").toString();
        int k = 0;
        for (const auto& e : c.value("cases").toArray())
            QTest::addRow("%s/%d", qPrintable(name), k++) << name << e.toObject();
    }
}

void TestTokenizerComponents::matchesTokenizers() {
    QFETCH(QString, name);
    QFETCH(QJsonObject, expected);
    const qat::Tokenizer& t = *m_tokenizers.at(name);
    const std::string text = expected.value("text").toString().toStdString();
    const std::vector<int64_t> ids = toIds(expected.value("ids"));
    const std::vector<int64_t> got = t.encode(text);
    QVERIFY2(got == ids, qPrintable("encode(" + expected.value("text").toString() + "): got " + idsText(got) +
                                    ", tokenizers " + idsText(ids)));
    const std::vector<int64_t> plain = toIds(expected.value("ids_plain"));
    const std::vector<int64_t> gotPlain = t.encode(text, false);
    QVERIFY2(gotPlain == plain, qPrintable("encode without special tokens: got " + idsText(gotPlain) +
                                           ", tokenizers " + idsText(plain)));
    QCOMPARE(QString::fromStdString(t.decode(ids)), expected.value("decoded").toString());
    QCOMPARE(QString::fromStdString(t.decode(ids, true)), expected.value("decoded_skip").toString());
}

int main(int argc, char** argv) {
    if (QFile::exists(kFixture + "/SKIP")) {
        std::printf("SKIP: %s\n", readAll(kFixture + "/SKIP").trimmed().constData());
        return 77;
    }
    if (!QFile::exists(kFixture + "/cases.json")) {
        std::printf("SKIP: no %s/cases.json; run through ctest (fixture TokenizerFixtureComponents)\n",
                    qPrintable(kFixture));
        return 77;
    }
    QCoreApplication app(argc, argv);
    TestTokenizerComponents test;
    return QTest::qExec(&test, argc, argv);
}

#include "TestTokenizerComponents.moc"
