// SPDX-License-Identifier: GPL-3.0-or-later
// Reading evaluation and calibration text: plain text as it is, JSONL `text` fields
// joined with a blank line, and bad lines named by file and line number.
#include "qat/Status.h"
#include "qat/TextData.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>

using qat::ErrorKind;

namespace {

QString sharedFile(const char* relative) {
    return QStringLiteral(QAT_SHARED_DIR "/") + QLatin1String(relative);
}

std::filesystem::path fsPath(const QString& p) {
    return std::filesystem::path(p.toStdString());
}

bool writeFile(const QString& path, const QByteArray& bytes) {
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly)) return false;
    return f.write(bytes) == bytes.size();
}

} // namespace

class TestTextData : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void init();
    void plainTextAsIs_data();
    void plainTextAsIs();
    void sharedTextFilesAsIs_data();
    void sharedTextFilesAsIs();
    void jsonlJoined_data();
    void jsonlJoined();
    void c4JsonlMatchesQtReader();
    void badJsonlLine_data();
    void badJsonlLine();
    void missingFile_data();
    void missingFile();
    void documentsOfTextFile_data();
    void documentsOfTextFile();
    void documentsOfSharedFiles();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
};

void TestTextData::init() {
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void TestTextData::plainTextAsIs_data() {
    QTest::addColumn<QString>("name");
    QTest::addColumn<QByteArray>("bytes");
    QTest::newRow("one line, no newline") << "a.txt" << QByteArray("Once upon a time");
    QTest::newRow("trailing newlines kept") << "b.txt" << QByteArray("one\n\ntwo\n\n\n");
    QTest::newRow("CRLF kept") << "c.txt" << QByteArray("line one\r\nline two\r\n");
    QTest::newRow("UTF-8") << "d.txt" << QByteArray("caf\xc3\xa9 \xe2\x80\x94 \xf0\x9f\x99\x82\n");
    QTest::newRow("leading and trailing spaces") << "e.txt" << QByteArray("  \tindented\n   ");
    QTest::newRow("no extension") << "corpus" << QByteArray("{\"text\": \"not parsed\"}\n");
    QTest::newRow(".json is not .jsonl") << "f.json" << QByteArray("{\"text\": \"x\"}");
}

void TestTextData::plainTextAsIs() {
    QFETCH(QString, name);
    QFETCH(QByteArray, bytes);
    const QString path = m_dir->filePath(name);
    QVERIFY(writeFile(path, bytes));
    QCOMPARE(QByteArray::fromStdString(qat::readTextDataset(fsPath(path))), bytes);
}

void TestTextData::sharedTextFilesAsIs_data() {
    QTest::addColumn<QString>("path");
    QTest::newRow("tinystories-gen eval") << sharedFile("data/tinystories-gen/eval.txt");
    QTest::newRow("tinystories-real sample") << sharedFile("data/tinystories-real/sample.txt");
    QTest::newRow("wikitext-2 test (.raw)") << sharedFile("data/wikitext-2-raw/wiki.test.raw");
}

void TestTextData::sharedTextFilesAsIs() {
    QFETCH(QString, path);
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) QSKIP(qPrintable("missing " + path));
    const QByteArray truth = f.readAll();
    const std::string text = qat::readTextDataset(fsPath(path));
    QCOMPARE(qsizetype(text.size()), truth.size());
    QVERIFY(QByteArray::fromStdString(text) == truth);
}

void TestTextData::jsonlJoined_data() {
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QByteArray>("expected");
    QTest::newRow("three documents")
        << QByteArray("{\"text\": \"one\"}\n{\"text\": \"two\"}\n{\"text\": \"three\"}\n")
        << QByteArray("one\n\ntwo\n\nthree");
    QTest::newRow("no final newline")
        << QByteArray("{\"text\": \"a\"}\n{\"text\": \"b\"}") << QByteArray("a\n\nb");
    QTest::newRow("single document") << QByteArray("{\"text\": \"only\"}\n") << QByteArray("only");
    QTest::newRow("escapes and other fields")
        << QByteArray(
               "{\"url\": \"x\", \"text\": \"l1\\nl2\\t\\u00e9\", \"n\": 3}\n{\"text\": \"\\\"q\\\"\"}\n")
        << QByteArray("l1\nl2\t\xc3\xa9\n\n\"q\"");
    QTest::newRow("CRLF line ends") << QByteArray("{\"text\": \"a\"}\r\n{\"text\": \"b\"}\r\n")
                                    << QByteArray("a\n\nb");
    QTest::newRow("empty text kept") << QByteArray("{\"text\": \"a\"}\n{\"text\": \"\"}\n{\"text\": \"b\"}\n")
                                     << QByteArray("a\n\n\n\nb");
}

void TestTextData::jsonlJoined() {
    QFETCH(QByteArray, bytes);
    QFETCH(QByteArray, expected);
    const QString path = m_dir->filePath("data.jsonl");
    QVERIFY(writeFile(path, bytes));
    QCOMPARE(QByteArray::fromStdString(qat::readTextDataset(fsPath(path))), expected);
}

// The whole C4 sample, checked against an independent reader (Qt's JSON parser).
void TestTextData::c4JsonlMatchesQtReader() {
    const QString path = sharedFile("data/c4/c4-train-sample-1000.jsonl");
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) QSKIP(qPrintable("missing " + path));
    QStringList texts;
    while (!f.atEnd()) {
        const QByteArray line = f.readLine().trimmed();
        if (line.isEmpty()) continue;
        QJsonParseError err;
        const QJsonDocument doc = QJsonDocument::fromJson(line, &err);
        QVERIFY2(err.error == QJsonParseError::NoError, qPrintable(err.errorString()));
        texts << doc.object().value("text").toString();
    }
    QCOMPARE(texts.size(), 1000);
    const QByteArray expected = texts.join("\n\n").toUtf8();
    const std::string text = qat::readTextDataset(fsPath(path));
    QCOMPARE(qsizetype(text.size()), expected.size());
    QVERIFY(QByteArray::fromStdString(text) == expected);

    const std::vector<std::string> docs = qat::readTextDocuments(fsPath(path));
    QCOMPARE(int(docs.size()), 1000);
    QCOMPARE(QString::fromStdString(docs.back()), texts.back());
}

// Columns: the file's lines and the 1-based number of the bad line.
void TestTextData::badJsonlLine_data() {
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<int>("line");
    const QByteArray good = "{\"text\": \"fine\"}\n";
    QTest::newRow("unterminated string on line 3") << good + good + "{\"text\": \"oops}\n" + good << 3;
    QTest::newRow("truncated object on line 1") << QByteArray("{\"text\": \"a\"\n") + good << 1;
    QTest::newRow("plain text on line 7") << good.repeated(6) + "just some words\n" + good << 7;
    QTest::newRow("two objects on line 2") << good + "{\"text\": \"a\"} {\"text\": \"b\"}\n" << 2;
    QTest::newRow("array on line 2") << good + "[\"text\", \"a\"]\n" << 2;
    QTest::newRow("no text field on line 4") << good.repeated(3) + "{\"content\": \"a\"}\n" << 4;
    QTest::newRow("text not a string on line 2") << good + "{\"text\": 42}\n" + good << 2;
    QTest::newRow("invalid UTF-8 on line 5") << good.repeated(4) + "{\"text\": \"\xff\xfe\"}\n" << 5;
}

void TestTextData::badJsonlLine() {
    QFETCH(QByteArray, bytes);
    QFETCH(int, line);
    const QString path = m_dir->filePath("broken.jsonl");
    QVERIFY(writeFile(path, bytes));
    try {
        qat::readTextDataset(fsPath(path));
        QFAIL("a bad JSONL file was read");
    } catch (const qat::Error& e) {
        const QString message = QString::fromStdString(e.what());
        QVERIFY2(e.kind() == ErrorKind::BadInput, qPrintable(message));
        QVERIFY2(message.contains(path), qPrintable("file not named: " + message));
        // "line 3" or "broken.jsonl:3".
        const QRegularExpression lineRe(QString(R"((\bline |\.jsonl:)%1(\D|$))").arg(line));
        QVERIFY2(lineRe.match(message).hasMatch(),
                 qPrintable(QString("line %1 not named: %2").arg(line).arg(message)));
    }
}

void TestTextData::missingFile_data() {
    QTest::addColumn<QString>("name");
    QTest::newRow("txt") << "nowhere.txt";
    QTest::newRow("jsonl") << "nowhere.jsonl";
}

void TestTextData::missingFile() {
    QFETCH(QString, name);
    const QString path = m_dir->filePath(name);
    try {
        qat::readTextDataset(fsPath(path));
        QFAIL("a missing file was read");
    } catch (const qat::Error& e) {
        QCOMPARE(e.kind(), ErrorKind::BadInput);
        QVERIFY2(QString(e.what()).contains(path), e.what());
    }
}

void TestTextData::documentsOfTextFile_data() {
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QStringList>("expected");
    QTest::newRow("two stories") << QByteArray("Once upon a time.\nThe end.\n\nAnother story.\n")
                                 << QStringList{"Once upon a time.\nThe end.", "Another story."};
    QTest::newRow("several blank lines") << QByteArray("a\n\n\n\nb\n\n") << QStringList{"a", "b"};
    QTest::newRow("whitespace-only separator") << QByteArray("a\n  \t\nb") << QStringList{"a", "b"};
    QTest::newRow("one document") << QByteArray("just one\nwith two lines")
                                  << QStringList{"just one\nwith two lines"};
}

void TestTextData::documentsOfTextFile() {
    QFETCH(QByteArray, bytes);
    QFETCH(QStringList, expected);
    const QString path = m_dir->filePath("stories.txt");
    QVERIFY(writeFile(path, bytes));
    const std::vector<std::string> docs = qat::readTextDocuments(fsPath(path));
    QStringList got;
    for (const auto& d : docs)
        got << QString::fromStdString(d).trimmed();
    QCOMPARE(got, expected);
}

void TestTextData::documentsOfSharedFiles() {
    const QString path = sharedFile("data/tinystories-gen/calib.txt");
    if (!QFile::exists(path)) QSKIP(qPrintable("missing " + path));
    // shared/README.md: 3,000 stories separated by a blank line.
    const std::vector<std::string> docs = qat::readTextDocuments(fsPath(path));
    QCOMPARE(int(docs.size()), 3000);
    QVERIFY(QString::fromStdString(docs.front())
                .startsWith("Once upon a time, there was a little boy named Tim."));
}

QTEST_GUILESS_MAIN(TestTextData)
#include "TestTextData.moc"
