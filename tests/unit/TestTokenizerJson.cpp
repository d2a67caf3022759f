// SPDX-License-Identifier: GPL-3.0-or-later
// tokenizer.json against recorded Hugging Face tokenizers output: SmolLM2's 45 recorded cases
// (ids, pieces, decoded text) and its special ids; which file a folder's tokenizer is.
#include "qat/Status.h"
#include "qat/Tokenizer.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

namespace {

const char* const kSmolDir = QAT_SHARED_DIR "/models/smollm2-135m-instruct-q4_1";

QByteArray readAll(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return {};
    return f.readAll();
}

std::vector<int64_t> toIds(const QJsonArray& a) {
    std::vector<int64_t> ids;
    for (const auto& v : a)
        ids.push_back(v.toInteger());
    return ids;
}

QString idsText(const std::vector<int64_t>& ids, size_t from = 0, size_t count = 12) {
    QStringList parts;
    for (size_t k = from; k < ids.size() && k < from + count; ++k)
        parts << QString::number(ids[k]);
    return parts.join(' ');
}

// Where two id lists first differ, for messages.
QString firstDifference(const std::vector<int64_t>& got, const std::vector<int64_t>& want) {
    size_t k = 0;
    while (k < got.size() && k < want.size() && got[k] == want[k])
        ++k;
    const size_t from = k >= 3 ? k - 3 : 0;
    return QString("first difference at %1 (of %2 / %3): got [%4], want [%5]")
        .arg(k)
        .arg(got.size())
        .arg(want.size())
        .arg(idsText(got, from), idsText(want, from));
}

} // namespace

class TestTokenizerJson : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void smolSpecialTokens();
    void smolCases_data();
    void smolCases();
    void smolMatchSpecialOff();
    void findInFolder();

private:
    std::unique_ptr<qat::Tokenizer> m_smol;
};

void TestTokenizerJson::initTestCase() {
    m_smol = qat::Tokenizer::load(std::filesystem::path(kSmolDir) / "tokenizer.json");
    QVERIFY(m_smol);
}

void TestTokenizerJson::smolSpecialTokens() {
    QCOMPARE(m_smol->kind(), qat::TokenizerKind::HuggingFace);
    QCOMPARE(m_smol->vocabSize(), int64_t(49152));
    QCOMPARE(m_smol->bosId(), int64_t(1)); // <|im_start|>, from tokenizer_config.json
    QCOMPARE(m_smol->eosId(), int64_t(2)); // <|im_end|>
    QCOMPARE(m_smol->padId(), int64_t(2));
    QCOMPARE(m_smol->unkId(), int64_t(0)); // <|endoftext|>
    QVERIFY(!m_smol->addsBos());
    std::vector<int64_t> special;
    for (int64_t id = 0; id <= 16; ++id)
        special.push_back(id);
    QCOMPARE(m_smol->specialIds(), special);
    QCOMPARE(m_smol->piece(1), std::string("<|im_start|>"));
    QCOMPARE(m_smol->piece(49152), std::string());
    QCOMPARE(m_smol->piece(-1), std::string());
}

void TestTokenizerJson::smolCases_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<QJsonArray>("ids");
    QTest::addColumn<QJsonArray>("tokens");
    QTest::addColumn<QString>("decoded");
    const QJsonObject root =
        QJsonDocument::fromJson(readAll(QString(kSmolDir) + "/tokenizer_cases.json")).object();
    const QJsonArray cases = root.value("cases").toArray();
    QCOMPARE(cases.size(), 45);
    int k = 0;
    for (const auto& v : cases) {
        const QJsonObject c = v.toObject();
        const QString text = c.value("text").toString();
        QTest::addRow("%d %s", k++, qPrintable(text.left(24).toHtmlEscaped().replace('\n', "\\n")))
            << text << c.value("ids").toArray() << c.value("tokens").toArray()
            << c.value("decoded").toString();
    }
}

void TestTokenizerJson::smolCases() {
    QFETCH(QString, text);
    QFETCH(QJsonArray, ids);
    QFETCH(QJsonArray, tokens);
    QFETCH(QString, decoded);
    const std::vector<int64_t> want = toIds(ids);
    const std::vector<int64_t> got = m_smol->encode(text.toStdString());
    QVERIFY2(got == want, qPrintable(firstDifference(got, want)));
    for (int k = 0; k < tokens.size(); ++k)
        QCOMPARE(QString::fromStdString(m_smol->piece(want[size_t(k)])), tokens[k].toString());
    QCOMPARE(QString::fromStdString(m_smol->decode(want)), decoded);
}

void TestTokenizerJson::smolMatchSpecialOff() {
    // Without matching special tokens, "<|im_start|>" is plain text (tokenizers'
    // encode_special_tokens=True gives 44 108 306 79 7238 108 46 for it).
    const std::vector<int64_t> plain = m_smol->encode("<|im_start|>", false);
    QVERIFY(plain.size() > 1);
    QCOMPARE(m_smol->decode(plain), std::string("<|im_start|>"));
    QCOMPARE(m_smol->encode("<|im_start|>"), std::vector<int64_t>{1});
    QCOMPARE(m_smol->decode({1, 28, 2}, true), m_smol->decode({28}));
}

void TestTokenizerJson::findInFolder() {
    const auto smol = qat::Tokenizer::findInFolder(kSmolDir);
    QVERIFY(smol);
    QCOMPARE(smol->filename().string(), std::string("tokenizer.json"));
    const auto llama = qat::Tokenizer::findInFolder(QAT_SHARED_DIR "/tokenizers/llama2");
    QVERIFY(llama);
    QCOMPARE(llama->filename().string(), std::string("tokenizer.model"));
    QVERIFY(!qat::Tokenizer::findInFolder(QAT_SHARED_DIR "/data"));
}

QTEST_GUILESS_MAIN(TestTokenizerJson)
#include "TestTokenizerJson.moc"
