// SPDX-License-Identifier: GPL-3.0-or-later
// Replays the fuzz corpus (tests/fuzz/corpus) through the safetensors header parser, built
// with the project's compiler, so that the corpus is exercised where clang is missing.
// Each file is read the way the fuzz target reads it: as it is, and with its length prefix
// fitted to the JSON. Names carry the expectation: valid-* is accepted, invalid-* refused
// with BadInput, regress-* either (but never a crash or a foreign exception).
#include "HeaderInvariants.h"
#include "qat/SafeTensors.h"
#include "qat/Status.h"

#include <QDir>
#include <QFile>
#include <QtTest>

namespace {

enum class Outcome { Accepted, Refused };

// Parses `bytes` as a whole file; returns the outcome, or fails the test on anything a
// malformed header must not cause.
bool parse(const QByteArray& bytes, const std::string& fileName, Outcome& outcome, QString& detail) {
    const auto* data = reinterpret_cast<const uint8_t*>(bytes.constData());
    const auto size = size_t(bytes.size());
    try {
        const qat::SafeTensorsHeader h = qat::parseSafeTensorsHeader(data, size, size, fileName);
        const std::string violation = qat::fuzz::headerViolation(h, data, size);
        if (!violation.empty()) {
            detail = "accepted an unsound header: " + QString::fromStdString(violation);
            return false;
        }
        outcome = Outcome::Accepted;
    } catch (const qat::Error& e) {
        detail = QString::fromStdString(e.what());
        if (e.kind() != qat::ErrorKind::BadInput) {
            detail = "kind is not BadInput: " + detail;
            return false;
        }
        if (!detail.contains(QString::fromStdString(fileName))) {
            detail = "file not named: " + detail;
            return false;
        }
        outcome = Outcome::Refused;
    } catch (const std::exception& e) {
        detail = QString("foreign exception: ") + e.what();
        return false;
    }
    return true;
}

} // namespace

class TestFuzzCorpusReplay : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void corpusIsThere();
    void replay_data();
    void replay();
};

void TestFuzzCorpusReplay::corpusIsThere() {
    const QDir dir(QStringLiteral(QAT_FUZZ_CORPUS));
    const QStringList files = dir.entryList(QDir::Files);
    QVERIFY2(files.size() >= 10, qPrintable("too few seeds in " + dir.path()));
    QVERIFY(!dir.entryList({"valid-*"}, QDir::Files).isEmpty());
    QVERIFY(!dir.entryList({"invalid-*"}, QDir::Files).isEmpty());
}

void TestFuzzCorpusReplay::replay_data() {
    QTest::addColumn<QString>("path");
    const QDir dir(QStringLiteral(QAT_FUZZ_CORPUS));
    for (const QString& name : dir.entryList(QDir::Files, QDir::Name))
        QTest::newRow(qPrintable(name)) << dir.filePath(name);
}

void TestFuzzCorpusReplay::replay() {
    QFETCH(QString, path);
    QFile f(path);
    QVERIFY2(f.open(QIODevice::ReadOnly), qPrintable(path));
    const QByteArray bytes = f.readAll();
    const QString name = QFileInfo(path).fileName();
    const std::string fileName = "corpus/" + name.toStdString();

    Outcome outcome{};
    QString detail;
    QVERIFY2(parse(bytes, fileName, outcome, detail), qPrintable(detail));
    if (name.startsWith("valid-"))
        QVERIFY2(outcome == Outcome::Accepted, qPrintable("refused: " + detail));
    else if (name.startsWith("invalid-"))
        QVERIFY2(outcome == Outcome::Refused, "accepted");

    const std::vector<uint8_t> fitted = qat::fuzz::withFittedLength(
        reinterpret_cast<const uint8_t*>(bytes.constData()), size_t(bytes.size()));
    if (!fitted.empty()) {
        const QByteArray again(reinterpret_cast<const char*>(fitted.data()), qsizetype(fitted.size()));
        QVERIFY2(parse(again, fileName, outcome, detail), qPrintable("with the length fitted: " + detail));
        // A valid seed stays valid when its header padding moves into the data area.
        if (name.startsWith("valid-"))
            QVERIFY2(outcome == Outcome::Accepted, qPrintable("fitted: " + detail));
    }
}

QTEST_GUILESS_MAIN(TestFuzzCorpusReplay)
#include "TestFuzzCorpusReplay.moc"
