// SPDX-License-Identifier: GPL-3.0-or-later
// Replays the GGUF fuzz corpus (tests/fuzz/gguf-corpus) through the same checks as fuzz_gguf,
// built with the project's compiler, so that the corpus is exercised where clang is missing.
// valid-* must be accepted, invalid-* refused with a message holding the text make_gguf_corpus.py
// wrote for it in gguf-corpus.expected, regress-* either.
#include "GgufCheck.h"

#include <QDir>
#include <QFile>
#include <QMap>
#include <QtTest>

namespace {

// gguf-corpus.expected: "<invalid seed>\t<text its refusal contains>" per line.
QMap<QString, QString> expectedMessages() {
    QMap<QString, QString> out;
    QFile f(QStringLiteral(QAT_GGUF_EXPECTED));
    if (!f.open(QIODevice::ReadOnly | QIODevice::Text)) return out;
    for (const QString& line : QString::fromUtf8(f.readAll()).split('\n')) {
        const qsizetype tab = line.indexOf('\t');
        if (!line.startsWith('#') && tab > 0) out.insert(line.left(tab), line.mid(tab + 1));
    }
    return out;
}

} // namespace

class TestFuzzGgufReplay : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void corpusIsThere();
    void replay_data();
    void replay();
};

void TestFuzzGgufReplay::corpusIsThere() {
    const QDir dir(QStringLiteral(QAT_GGUF_CORPUS));
    QVERIFY2(dir.entryList(QDir::Files).size() >= 10, qPrintable("too few seeds in " + dir.path()));
    QVERIFY(!dir.entryList({"valid-*"}, QDir::Files).isEmpty());
    QVERIFY(!dir.entryList({"invalid-*"}, QDir::Files).isEmpty());
}

void TestFuzzGgufReplay::replay_data() {
    QTest::addColumn<QString>("path");
    const QDir dir(QStringLiteral(QAT_GGUF_CORPUS));
    for (const QString& name : dir.entryList(QDir::Files, QDir::Name))
        QTest::newRow(qPrintable(name)) << dir.filePath(name);
}

void TestFuzzGgufReplay::replay() {
    QFETCH(QString, path);
    QFile f(path);
    QVERIFY2(f.open(QIODevice::ReadOnly), qPrintable(path));
    const QByteArray bytes = f.readAll();
    const QString name = QFileInfo(path).fileName();
    qat::fuzz::GgufOutcome outcome{};
    std::string violation, message;
    try {
        violation = qat::fuzz::ggufViolation(reinterpret_cast<const uint8_t*>(bytes.constData()),
                                             size_t(bytes.size()), outcome, &message);
    } catch (const std::exception& e) {
        QFAIL(qPrintable(QString("foreign exception: ") + e.what()));
    }
    QVERIFY2(violation.empty(), violation.c_str());
    if (name.startsWith("valid-")) QVERIFY2(outcome == qat::fuzz::GgufOutcome::Accepted, "refused");
    if (name.startsWith("invalid-")) {
        QVERIFY2(outcome == qat::fuzz::GgufOutcome::Refused, "accepted");
        const QMap<QString, QString> expected = expectedMessages();
        QVERIFY2(expected.contains(name), qPrintable(name + " is not in gguf-corpus.expected"));
        QVERIFY2(QString::fromStdString(message).contains(expected[name]),
                 qPrintable("expected '" + expected[name] + "' in: " + QString::fromStdString(message)));
    }
}

QTEST_GUILESS_MAIN(TestFuzzGgufReplay)
#include "TestFuzzGgufReplay.moc"
