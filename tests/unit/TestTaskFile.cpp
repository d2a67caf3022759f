// SPDX-License-Identifier: GPL-3.0-or-later
// Zero-shot task files: the shared splits read whole (item counts against an independent
// line count), the --tasks list, and malformed lines refused naming the file, line and field.
#include "qat/Status.h"
#include "qat/ZeroShot.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

namespace {

QString taskDir() {
    return QStringLiteral(QAT_SHARED_DIR "/data/zeroshot");
}

std::filesystem::path fsPath(const QString& p) {
    return std::filesystem::path(p.toStdString());
}

bool writeFile(const QString& path, const QByteArray& bytes) {
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly)) return false;
    return f.write(bytes) == bytes.size();
}

QStringList names(const std::vector<std::string>& v) {
    QStringList out;
    for (const auto& s : v)
        out << QString::fromStdString(s);
    return out;
}

const QByteArray kGoodChoice =
    R"({"id": "a", "context": "Question: Why?\nAnswer:", "choices": [" yes", " no"], "gold": 1, "norm_len": [3, 2]})";
const QByteArray kGoodPartial =
    R"({"id": "0", "contexts": ["Sam liked Kim so Sam", "Sam liked Kim so Kim"], "continuation": " smiled.", "gold": 0})";

} // namespace

class TestTaskFile : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void init();
    void sharedFilesCounted_data();
    void sharedFilesCounted();
    void taskList_data();
    void taskList();
    void unknownTaskRefused();
    void goodLinesAccepted();
    void malformedLineRefused_data();
    void malformedLineRefused();
    void missingFileRefused();
    void mutatedLinesBounded();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
};

void TestTaskFile::init() {
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void TestTaskFile::sharedFilesCounted_data() {
    QTest::addColumn<QString>("task");
    QTest::addColumn<qint64>("documented"); // the item count in ../shared/data/zeroshot/README.md
    QTest::newRow("arc_easy") << "arc_easy" << qint64(2376);
    QTest::newRow("arc_challenge") << "arc_challenge" << qint64(1172);
    QTest::newRow("piqa") << "piqa" << qint64(1838);
    QTest::newRow("hellaswag") << "hellaswag" << qint64(10042);
    QTest::newRow("winogrande") << "winogrande" << qint64(1267);
    QTest::newRow("boolq") << "boolq" << qint64(3270);
}

// Every line of every shared split is valid; the count matches Qt's JSON reader and the README.
void TestTaskFile::sharedFilesCounted() {
    QFETCH(QString, task);
    QFETCH(qint64, documented);
    const QString path = taskDir() + "/" + task + ".jsonl";
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) QSKIP(qPrintable("missing " + path));
    qint64 lines = 0;
    while (!f.atEnd()) {
        const QByteArray line = f.readLine().trimmed();
        if (line.isEmpty()) continue;
        QJsonParseError err;
        const QJsonDocument doc = QJsonDocument::fromJson(line, &err);
        QVERIFY2(err.error == QJsonParseError::NoError, qPrintable(err.errorString()));
        QVERIFY(doc.object().contains("gold"));
        ++lines;
    }
    QCOMPARE(lines, documented);
    int64_t items = -1;
    const qat::Status s = qat::countZeroShotItems(fsPath(taskDir()), task.toStdString(), items);
    QVERIFY2(s.ok(), s.message.c_str());
    QCOMPARE(qint64(items), lines);
}

void TestTaskFile::taskList_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<QStringList>("expected");
    const QStringList six = {"arc_easy", "arc_challenge", "piqa", "hellaswag", "winogrande", "boolq"};
    QTest::newRow("all") << "all" << six;
    QTest::newRow("table order kept") << "boolq,arc_easy" << QStringList{"arc_easy", "boolq"};
    QTest::newRow("duplicates dropped") << "piqa, piqa ,piqa" << QStringList{"piqa"};
    QTest::newRow("all and more") << "winogrande,all" << six;
    QTest::newRow("empty entries skipped") << ",hellaswag,," << QStringList{"hellaswag"};
}

void TestTaskFile::taskList() {
    QFETCH(QString, text);
    QFETCH(QStringList, expected);
    std::vector<std::string> out;
    const qat::Status s = qat::parseZeroShotTasks(text.toStdString(), out);
    QVERIFY2(s.ok(), s.message.c_str());
    QCOMPARE(names(out), expected);
}

void TestTaskFile::unknownTaskRefused() {
    std::vector<std::string> out;
    qat::Status s = qat::parseZeroShotTasks("arc_easy,mmlu", out);
    QCOMPARE(s.kind, qat::ErrorKind::BadInput);
    QVERIFY2(QString::fromStdString(s.message).contains("'mmlu'"), s.message.c_str());
    QVERIFY2(QString::fromStdString(s.message).contains("winogrande"), s.message.c_str());
    s = qat::parseZeroShotTasks(" , ", out);
    QCOMPARE(s.kind, qat::ErrorKind::BadInput);
}

void TestTaskFile::goodLinesAccepted() {
    QVERIFY(writeFile(m_dir->filePath("arc_easy.jsonl"), kGoodChoice + "\n\n" + kGoodChoice + "\r\n"));
    QVERIFY(writeFile(m_dir->filePath("winogrande.jsonl"), kGoodPartial + "\n"));
    int64_t items = 0;
    qat::Status s = qat::countZeroShotItems(fsPath(m_dir->path()), "arc_easy", items);
    QVERIFY2(s.ok(), s.message.c_str());
    QCOMPARE(items, int64_t(2));
    s = qat::countZeroShotItems(fsPath(m_dir->path()), "winogrande", items);
    QVERIFY2(s.ok(), s.message.c_str());
    QCOMPARE(items, int64_t(1));
}

void TestTaskFile::malformedLineRefused_data() {
    QTest::addColumn<QString>("task");
    QTest::addColumn<QByteArray>("badLine"); // written as line 2, after a good line
    QTest::addColumn<QString>("field");      // the message names it ("" = the line as a whole)
    const QByteArray c = R"("context": "Q?", )";
    QTest::newRow("missing gold") << "arc_easy"
                                  << QByteArray(R"({"id": "b", )" + c +
                                                R"("choices": [" a", " b"], "norm_len": [1, 1]})")
                                  << "gold";
    QTest::newRow("gold out of range")
        << "piqa"
        << QByteArray(R"({"id": "b", )" + c + R"("choices": [" a", " b"], "gold": 2, "norm_len": [1, 1]})")
        << "gold";
    QTest::newRow("negative gold")
        << "piqa"
        << QByteArray(R"({"id": "b", )" + c + R"("choices": [" a", " b"], "gold": -1, "norm_len": [1, 1]})")
        << "gold";
    QTest::newRow("gold not an integer")
        << "boolq"
        << QByteArray(R"({"id": "b", )" + c + R"("choices": [" a", " b"], "gold": "1", "norm_len": [1, 1]})")
        << "gold";
    QTest::newRow("empty choices") << "hellaswag"
                                   << QByteArray(R"({"id": "b", )" + c +
                                                 R"("choices": [], "gold": 0, "norm_len": []})")
                                   << "choices";
    QTest::newRow("one choice") << "hellaswag"
                                << QByteArray(R"({"id": "b", )" + c +
                                              R"("choices": [" a"], "gold": 0, "norm_len": [1]})")
                                << "choices";
    QTest::newRow("empty choice text")
        << "arc_challenge"
        << QByteArray(R"({"id": "b", )" + c + R"("choices": [" a", ""], "gold": 0, "norm_len": [1, 1]})")
        << "choices";
    QTest::newRow("norm_len short") << "arc_easy"
                                    << QByteArray(R"({"id": "b", )" + c +
                                                  R"("choices": [" a", " b"], "gold": 0, "norm_len": [1]})")
                                    << "norm_len";
    QTest::newRow("norm_len zero") << "arc_easy"
                                   << QByteArray(R"({"id": "b", )" + c +
                                                 R"("choices": [" a", " b"], "gold": 0, "norm_len": [1, 0]})")
                                   << "norm_len";
    QTest::newRow("missing context")
        << "arc_easy" << QByteArray(R"({"id": "b", "choices": [" a", " b"], "gold": 0, "norm_len": [1, 1]})")
        << "context";
    QTest::newRow("id not a string")
        << "arc_easy"
        << QByteArray(R"({"id": 7, )" + c + R"("choices": [" a", " b"], "gold": 0, "norm_len": [1, 1]})")
        << "id";
    QTest::newRow("winogrande one context")
        << "winogrande" << QByteArray(R"({"id": "1", "contexts": ["x"], "continuation": " y", "gold": 0})")
        << "contexts";
    QTest::newRow("winogrande gold out of range")
        << "winogrande"
        << QByteArray(R"({"id": "1", "contexts": ["x", "z"], "continuation": " y", "gold": 2})") << "gold";
    QTest::newRow("winogrande empty continuation")
        << "winogrande" << QByteArray(R"({"id": "1", "contexts": ["x", "z"], "continuation": "", "gold": 0})")
        << "continuation";
    QTest::newRow("not JSON") << "arc_easy" << QByteArray(R"({"id": "b", "context": )") << "";
    QTest::newRow("not an object") << "arc_easy" << QByteArray(R"([1, 2, 3])") << "";
}

void TestTaskFile::malformedLineRefused() {
    QFETCH(QString, task);
    QFETCH(QByteArray, badLine);
    QFETCH(QString, field);
    const QByteArray good = task == "winogrande" ? kGoodPartial : kGoodChoice;
    const QString file = m_dir->filePath(task + ".jsonl");
    QVERIFY(writeFile(file, good + "\n" + badLine + "\n" + good + "\n"));
    int64_t items = -1;
    const qat::Status s = qat::countZeroShotItems(fsPath(m_dir->path()), task.toStdString(), items);
    QCOMPARE(s.kind, qat::ErrorKind::BadInput);
    const QString message = QString::fromStdString(s.message);
    QVERIFY2(message.contains(file + ": line 2"), qPrintable(message));
    if (!field.isEmpty()) QVERIFY2(message.contains("field '" + field + "'"), qPrintable(message));
}

void TestTaskFile::missingFileRefused() {
    int64_t items = -1;
    qat::Status s = qat::countZeroShotItems(fsPath(m_dir->path()), "piqa", items);
    QCOMPARE(s.kind, qat::ErrorKind::BadInput);
    QVERIFY2(QString::fromStdString(s.message).contains(m_dir->filePath("piqa.jsonl")), s.message.c_str());
    QVERIFY(writeFile(m_dir->filePath("piqa.jsonl"), "\n\n"));
    s = qat::countZeroShotItems(fsPath(m_dir->path()), "piqa", items);
    QCOMPARE(s.kind, qat::ErrorKind::BadInput);
    QVERIFY2(QString::fromStdString(s.message).contains("no items"), s.message.c_str());
}

// Bounded fuzzing in the suite: seed lines of every shared task, mutated (bytes flipped, cut,
// duplicated, JSON tokens spliced in) and read back. Each file is accepted or refused with
// BadInput naming it; nothing else (no crash, no other error kind, no empty success).
void TestTaskFile::mutatedLinesBounded() {
    const char* tokens[] = {"{",
                            "}",
                            "[",
                            "]",
                            ",",
                            ":",
                            "\"",
                            "null",
                            "-1",
                            "1e308",
                            "18446744073709551615",
                            "\"gold\"",
                            "\"choices\"",
                            "\"norm_len\"",
                            "\"contexts\"",
                            "\\u0000",
                            "\xff"};
    std::vector<QByteArray> seeds;
    for (const char* task : {"arc_easy", "arc_challenge", "piqa", "hellaswag", "winogrande", "boolq"}) {
        QFile f(taskDir() + "/" + task + ".jsonl");
        if (!f.open(QIODevice::ReadOnly)) QSKIP("the shared task files are missing");
        for (int i = 0; i < 3; ++i)
            seeds.push_back(f.readLine().trimmed());
    }
    quint64 state = 0x9e3779b97f4a7c15ull;
    auto next = [&state](quint64 n) {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        return state % n;
    };
    int accepted = 0, refused = 0;
    for (int round = 0; round < 3000; ++round) {
        const size_t seed = next(seeds.size());
        QByteArray line = seeds[seed];
        const int edits = 1 + static_cast<int>(next(4));
        for (int e = 0; e < edits && !line.isEmpty(); ++e) {
            const qsizetype at = static_cast<qsizetype>(next(static_cast<quint64>(line.size())));
            switch (next(4)) {
            case 0:
                line[at] = static_cast<char>(line[at] ^ (1 << next(8)));
                break;
            case 1:
                line.truncate(at);
                break;
            case 2:
                line.insert(at, line.mid(at, static_cast<qsizetype>(next(64))));
                break;
            default:
                line.insert(at, tokens[next(std::size(tokens))]);
            }
        }
        // The seed's format: the WinoGrande file for its lines, ARC-Easy's for the others.
        const QString task = seed / 3 == 4 ? QStringLiteral("winogrande") : QStringLiteral("arc_easy");
        const QString file = m_dir->filePath(task + ".jsonl");
        QVERIFY(writeFile(file, line + "\n"));
        int64_t items = -1;
        const qat::Status st = qat::countZeroShotItems(fsPath(m_dir->path()), task.toStdString(), items);
        if (st.ok()) {
            QCOMPARE(items, int64_t(1));
            ++accepted;
        } else {
            QVERIFY2(st.kind == qat::ErrorKind::BadInput, st.message.c_str());
            QVERIFY2(QString::fromStdString(st.message).startsWith(file), st.message.c_str());
            ++refused;
        }
    }
    qInfo("3000 mutated lines: %d accepted, %d refused", accepted, refused);
    QVERIFY(accepted > 0 && refused > 0);
}

QTEST_GUILESS_MAIN(TestTaskFile)
#include "TestTaskFile.moc"
