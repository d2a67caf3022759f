// SPDX-License-Identifier: GPL-3.0-or-later
// Replays the tokenizer.json fuzz corpus (tests/fuzz/tokenizer-corpus) through the same checks
// as fuzz_tokenizer_json, built with the project's compiler, so that the corpus is exercised
// where clang is missing. valid-* must be accepted, invalid-* refused, regress-* either.
#include "TokenizerJsonCheck.h"

#include <QDir>
#include <QFile>
#include <QtTest>

class TestFuzzTokenizerReplay : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void corpusIsThere();
    void replay_data();
    void replay();
};

void TestFuzzTokenizerReplay::corpusIsThere() {
    const QDir dir(QStringLiteral(QAT_TOKENIZER_CORPUS));
    QVERIFY2(dir.entryList(QDir::Files).size() >= 10, qPrintable("too few seeds in " + dir.path()));
    QVERIFY(!dir.entryList({"valid-*"}, QDir::Files).isEmpty());
    QVERIFY(!dir.entryList({"invalid-*"}, QDir::Files).isEmpty());
}

void TestFuzzTokenizerReplay::replay_data() {
    QTest::addColumn<QString>("path");
    const QDir dir(QStringLiteral(QAT_TOKENIZER_CORPUS));
    for (const QString& name : dir.entryList(QDir::Files, QDir::Name))
        QTest::newRow(qPrintable(name)) << dir.filePath(name);
}

void TestFuzzTokenizerReplay::replay() {
    QFETCH(QString, path);
    QFile f(path);
    QVERIFY2(f.open(QIODevice::ReadOnly), qPrintable(path));
    const QByteArray bytes = f.readAll();
    const QString name = QFileInfo(path).fileName();
    qat::fuzz::TokenizerOutcome outcome{};
    std::string violation;
    try {
        violation = qat::fuzz::tokenizerJsonViolation(reinterpret_cast<const uint8_t*>(bytes.constData()),
                                                      size_t(bytes.size()), outcome);
    } catch (const std::exception& e) {
        QFAIL(qPrintable(QString("foreign exception: ") + e.what()));
    }
    QVERIFY2(violation.empty(), violation.c_str());
    if (name.startsWith("valid-")) QVERIFY2(outcome == qat::fuzz::TokenizerOutcome::Accepted, "refused");
    if (name.startsWith("invalid-")) QVERIFY2(outcome == qat::fuzz::TokenizerOutcome::Refused, "accepted");
}

QTEST_GUILESS_MAIN(TestFuzzTokenizerReplay)
#include "TestFuzzTokenizerReplay.moc"
