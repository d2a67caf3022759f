// SPDX-License-Identifier: GPL-3.0-or-later
// Run folders under the faults a user's machine has: a kill while the folder is being created,
// a resume with another dtype or device, a disk that fills up mid-write (RLIMIT_FSIZE makes
// every write past a size fail, as a full disk does), a power cut between a write and its rename
// (checked as the system calls strace sees: each checkpoint is flushed before it is renamed, and
// its folder after), a damaged block checkpoint or fingerprint, and what the messages say. Every
// case runs qat-cli on stories260K.
#include "RunInterrupt.h"
#include "TestPaths.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QtTest>

#include <sys/resource.h>

#include <csignal>

namespace {

struct CliResult {
    int code = -1;
    QString output; // stdout and stderr
};

QStringList model() {
    return {"-m", qat::test::sharedPath("models/stories260K")};
}

QStringList rtnArgs(const QString& out) {
    return QStringList{"quantize"} + model() +
           QStringList{"--method", "rtn", "--bits", "4", "--group", "64", "--threads", "1", "--out", out};
}

// A small EfficientQAT run: block checkpoints of 54 kB, E2E-QP's of 73 kB, a state of 270 kB.
QStringList eqatArgs(const QString& out) {
    const QString data = qat::test::sharedPath("data/tinystories-gen/");
    return QStringList{"quantize"} + model() +
           QStringList{"--method",
                       "efficientqat",
                       "--bits",
                       "2",
                       "--group",
                       "64",
                       "--calib",
                       data + "calib.txt",
                       "--seqlen",
                       "128",
                       "--train-windows",
                       "16",
                       "--val-windows",
                       "4",
                       "--epochs",
                       "1",
                       "--weight-lr",
                       "1e-3",
                       "--quant-lr",
                       "1e-3",
                       "--e2e-lr",
                       "1e-3",
                       "--e2e-accumulation",
                       "1",
                       "--threads",
                       "1",
                       "--out",
                       out};
}

QStringList gptqArgs(const QString& out) {
    const QString data = qat::test::sharedPath("data/tinystories-gen/");
    return QStringList{"quantize"} + model() +
           QStringList{"--method",      "gptq", "--bits",          "3",
                       "--group",       "64",   "--calib",         data + "calib.txt",
                       "--seqlen",      "128",  "--train-windows", "32",
                       "--val-windows", "4",    "--threads",       "1",
                       "--out",         out};
}

CliResult runCli(const QStringList& args, qint64 fileSizeLimit = 0) {
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    if (fileSizeLimit > 0)
        p.setChildProcessModifier([fileSizeLimit] {
            // Writes past the limit fail with EFBIG, as on a full disk (and raise no signal).
            ::signal(SIGXFSZ, SIG_IGN);
            const rlimit limit{static_cast<rlim_t>(fileSizeLimit), static_cast<rlim_t>(fileSizeLimit)};
            ::setrlimit(RLIMIT_FSIZE, &limit);
        });
    p.start(qEnvironmentVariable("QAT_CLI"), args);
    CliResult r;
    if (!p.waitForFinished(600000)) return r;
    r.output = QString::fromUtf8(p.readAll());
    r.code = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    return r;
}

QStringList temporaryFiles(const QString& folder) {
    QStringList found;
    QDirIterator it(folder, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString f = it.next();
        if (f.endsWith(QStringLiteral(".tmp"))) found << f;
    }
    return found;
}

QJsonObject readJson(const QString& file) {
    QFile f(file);
    return f.open(QIODevice::ReadOnly) ? QJsonDocument::fromJson(f.readAll()).object() : QJsonObject();
}

void writeJson(const QString& file, const QJsonObject& o) {
    QFile f(file);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(QJsonDocument(o).toJson());
}

} // namespace

class TestRunFaults : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_tmp;

private Q_SLOTS:
    void initTestCase() {
        QVERIFY2(QFile::exists(qEnvironmentVariable("QAT_CLI")), "QAT_CLI is not set");
        QVERIFY(m_tmp.isValid());
    }

    // Killed while creating its folder (only run.json.tmp there): the same command starts the run.
    void folderLeftByAKilledCreation() {
        const QString out = m_tmp.path() + "/creation";
        QVERIFY(QDir().mkpath(out));
        QFile tmp(out + "/run.json.tmp");
        QVERIFY(tmp.open(QIODevice::WriteOnly));
        tmp.write("{");
        tmp.close();
        const CliResult r = runCli(rtnArgs(out));
        QVERIFY2(r.code == 0, qPrintable(r.output));
        QVERIFY(QFile::exists(out + "/run.json") && QFile::exists(out + "/quantized.safetensors"));
        QVERIFY(temporaryFiles(out).isEmpty());

        // A folder with anything else in it is still no run folder of ours.
        const QString other = m_tmp.path() + "/other";
        QVERIFY(QDir().mkpath(other));
        QFile notes(other + "/notes.txt");
        QVERIFY(notes.open(QIODevice::WriteOnly));
        notes.close();
        const CliResult refused = runCli(rtnArgs(other));
        QCOMPARE(refused.code, 2);
        QVERIFY2(refused.output.contains("holds no run.json: not a run folder"), qPrintable(refused.output));
    }

    // Another dtype, or another device, would give a result no uninterrupted run gives: refused,
    // naming the field and both values.
    void resumeWithAnotherDtypeOrDevice() {
        const QString out = m_tmp.path() + "/dtype";
        CliResult r = runCli(rtnArgs(out));
        QVERIFY2(r.code == 0, qPrintable(r.output));
        r = runCli(rtnArgs(out) + QStringList{"--dtype", "bfloat16"});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.output.contains(R"(config.dtype: the run has "float32", this one "bfloat16")"),
                 qPrintable(r.output));

        QJsonObject run = readJson(out + "/run.json");
        QJsonObject config = run.value("config").toObject();
        config.insert("device", "cuda");
        run.insert("config", config);
        writeJson(out + "/run.json", run);
        r = runCli(rtnArgs(out));
        QCOMPARE(r.code, 2);
        QVERIFY2(r.output.contains(R"(config.device: the run has "cuda", this one "cpu")"),
                 qPrintable(r.output));
        // Threads and the evaluation stay free.
        config.insert("device", "cpu");
        run.insert("config", config);
        writeJson(out + "/run.json", run);
        r = runCli(rtnArgs(out) + QStringList{"--eval",
                                              qat::test::sharedPath("data/tinystories-gen/eval.txt"),
                                              "--eval-seqlen", "128", "--eval-max-windows", "2"});
        QVERIFY2(r.code == 0, qPrintable(r.output));
    }

    // The disk fills up while the run writes its quantized state (the largest file, after the block
    // and E2E-QP checkpoints): the run fails naming the file, leaves no temporary file, and once
    // there is room the same command ends as an uninterrupted run.
    void diskFullDuringAWrite() {
        const QString reference = m_tmp.path() + "/full-reference";
        CliResult r = runCli(eqatArgs(reference));
        QVERIFY2(r.code == 0, qPrintable(r.output));
        const QByteArray expected = qat::test::quantizedState(reference);
        constexpr qint64 kRoom = 150'000;
        QVERIFY(QFileInfo(reference + "/quantized.safetensors").size() > kRoom);
        QVERIFY(QFileInfo(reference + "/e2e.safetensors").size() < kRoom);
        QVERIFY(QFileInfo(reference + "/blocks/block-000.safetensors").size() < kRoom);

        const QString out = m_tmp.path() + "/full";
        r = runCli(eqatArgs(out), kRoom);
        QVERIFY2(r.code != 0, qPrintable(r.output));
        QVERIFY2(r.output.contains("quantized.safetensors") && r.output.contains("disk full?"),
                 qPrintable(r.output));
        QVERIFY2(temporaryFiles(out).isEmpty(), qPrintable(temporaryFiles(out).join(", ")));
        QVERIFY(QFile::exists(out + "/blocks/block-004.safetensors") &&
                QFile::exists(out + "/e2e.safetensors"));
        QVERIFY(!QFile::exists(out + "/quantized.safetensors"));

        r = runCli(eqatArgs(out));
        QVERIFY2(r.code == 0, qPrintable(r.output));
        QVERIFY2(qat::test::quantizedState(out) == expected, "the run after the full disk differs");
        QVERIFY(temporaryFiles(out).isEmpty());
    }

    // Every checkpoint and the final state are flushed to disk before they are renamed into place,
    // and their folder after: the system calls of a GPTQ run as strace records them.
    void checkpointsAreFlushedBeforeTheirRename() {
        const QString strace = QStandardPaths::findExecutable(QStringLiteral("strace"));
        if (strace.isEmpty()) QSKIP("strace is not installed (installer/bootstrap.sh installs it)");
        const QString out = m_tmp.path() + "/fsync";
        const QString log = m_tmp.path() + "/fsync.strace";
        QProcess p;
        p.setProcessChannelMode(QProcess::MergedChannels);
        p.start(strace,
                QStringList{"-f", "-y", "-qq", "-e", "trace=fsync,fdatasync,rename,renameat,renameat2", "-o",
                            log, qEnvironmentVariable("QAT_CLI")} +
                    gptqArgs(out));
        QVERIFY(p.waitForFinished(600000));
        if (p.exitCode() != 0 && readJson(out + "/run.json").isEmpty())
            QSKIP(qPrintable("strace cannot trace here: " + QString::fromUtf8(p.readAll()).left(300)));
        QCOMPARE(p.exitCode(), 0);
        QFile f(log);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QStringList lines = QString::fromUtf8(f.readAll()).split('\n');
        // fsync(5</…/block-000.safetensors.tmp>) … rename("…/block-000.safetensors.tmp", "…") …
        // fsync(6</…/blocks>)
        const QRegularExpression fsyncRe(
            QString::fromLatin1(R"re((?:fsync|fdatasync)\(\d+<([^>]+)>\) += 0)re"));
        const QRegularExpression renameRe(
            QString::fromLatin1(R"re(rename(?:at2?)?\(.*"([^"]+\.tmp)",.*"([^"]+)".*\) += 0)re"));
        QStringList synced;
        QStringList renamedSafetensors;
        QMap<QString, int> renamedAt;
        for (int i = 0; i < lines.size(); ++i) {
            const auto s = fsyncRe.match(lines[i]);
            if (s.hasMatch()) synced << s.captured(1);
            const auto m = renameRe.match(lines[i]);
            if (!m.hasMatch()) continue;
            const QString tmp = QFileInfo(m.captured(1)).absoluteFilePath(),
                          dest = QFileInfo(m.captured(2)).absoluteFilePath();
            QVERIFY2(synced.contains(tmp),
                     qPrintable(dest + " renamed into place before its data was flushed"));
            renamedAt.insert(dest, i);
            if (dest.endsWith(".safetensors")) renamedSafetensors << dest;
        }
        // Five block checkpoints and quantized.safetensors.
        QCOMPARE(renamedSafetensors.size(), 6);
        for (const QString& dest : renamedSafetensors) {
            bool folderSynced = false;
            for (int i = renamedAt.value(dest) + 1; i < lines.size() && !folderSynced; ++i) {
                const auto s = fsyncRe.match(lines[i]);
                folderSynced = s.hasMatch() && s.captured(1) == QFileInfo(dest).absolutePath();
            }
            QVERIFY2(folderSynced, qPrintable("the folder of " + dest + " is not flushed after the rename"));
        }
    }

    // A damaged block checkpoint: refused before anything is written, with how to recover; done
    // as it says, the run ends as an uninterrupted one.
    void damagedBlockCheckpoint() {
        const QString out = m_tmp.path() + "/damaged";
        CliResult r = runCli(gptqArgs(out));
        QVERIFY2(r.code == 0, qPrintable(r.output));
        const QByteArray expected = qat::test::quantizedState(out);
        QVERIFY(QFile::remove(out + "/quantized.safetensors") && QFile::remove(out + "/eval.json"));
        const QString block = out + "/blocks/block-001.safetensors";
        QVERIFY(QFile::resize(block, QFileInfo(block).size() / 2));
        const qint64 metrics = QFileInfo(out + "/metrics.jsonl").size();
        r = runCli(gptqArgs(out));
        QCOMPARE(r.code, 2);
        QVERIFY2(r.output.contains("block-001.safetensors") &&
                     r.output.contains("remove " + block +
                                       " and run the same command again: the run quantizes "
                                       "that block again"),
                 qPrintable(r.output));
        QCOMPARE(QFileInfo(out + "/metrics.jsonl").size(), metrics); // a refused resume appends nothing
        QVERIFY(!QFile::exists(out + "/eval.json"));
        QVERIFY(QFile::remove(block));
        r = runCli(gptqArgs(out));
        QVERIFY2(r.code == 0, qPrintable(r.output));
        QVERIFY2(r.output.contains("restored from block-000.safetensors"), qPrintable(r.output));
        QVERIFY2(qat::test::quantizedState(out) == expected, "the repaired run differs");
    }

    // A damaged fingerprint is told apart from another model's.
    void damagedFingerprintAndAnotherModel() {
        const QString out = m_tmp.path() + "/fingerprint";
        CliResult r = runCli(rtnArgs(out));
        QVERIFY2(r.code == 0, qPrintable(r.output));
        QStringList other = rtnArgs(out);
        other[2] = qat::test::sharedPath("models/tiny-random-llama-2");
        r = runCli(other);
        QCOMPARE(r.code, 2);
        QVERIFY2(r.output.contains("holds a run of a different model"), qPrintable(r.output));

        QJsonObject run = readJson(out + "/run.json");
        QJsonObject m = run.value("model").toObject();
        m.insert("fingerprint", "fnv1a64:12zz");
        run.insert("model", m);
        writeJson(out + "/run.json", run);
        r = runCli(rtnArgs(out));
        QCOMPARE(r.code, 2);
        QVERIFY2(r.output.contains(R"(model.fingerprint "fnv1a64:12zz" is missing or damaged)") &&
                     !r.output.contains("different model"),
                 qPrintable(r.output));
    }

    // LR-QAT keeps a checkpoint, not blocks: its cancel and resume messages say so.
    void lrQatMessages() {
        const QString out = m_tmp.path() + "/lr-qat";
        const QString data = qat::test::sharedPath("data/tinystories-gen/");
        const QStringList args = QStringList{"quantize"} + model() +
                                 QStringList{"--method",      "lr-qat", "--bits",          "4",
                                             "--group",       "64",     "--calib",         data + "calib.txt",
                                             "--seqlen",      "128",    "--train-windows", "64",
                                             "--val-windows", "0",      "--rank",          "4",
                                             "--threads",     "1",      "--out",           out};
        QProcess p;
        p.setProcessChannelMode(QProcess::MergedChannels);
        p.start(qEnvironmentVariable("QAT_CLI"), args);
        QVERIFY(p.waitForStarted());
        QElapsedTimer timer;
        timer.start();
        while (!qat::test::hasRunEvent(out, "e2e_step", "step", 3) && p.state() == QProcess::Running &&
               timer.elapsed() < 240000)
            QTest::qWait(10);
        QVERIFY2(p.state() == QProcess::Running, "the LR-QAT run ended before it could be cancelled");
        ::kill(static_cast<pid_t>(p.processId()), SIGINT);
        QVERIFY(p.waitForFinished(120000));
        const QString cancelled = QString::fromUtf8(p.readAll());
        QCOMPARE(p.exitCode(), 130);
        QVERIFY2(cancelled.contains("keeps LR-QAT's last checkpoint") &&
                     !cancelled.contains("finished block"),
                 qPrintable(cancelled));
        const CliResult r = runCli(args);
        QVERIFY2(r.code == 0, qPrintable(r.output));
        QVERIFY2(r.output.contains(": LR-QAT checkpoint present") && !r.output.contains("block(s) done"),
                 qPrintable(r.output));
    }
};

QTEST_GUILESS_MAIN(TestRunFaults)
#include "TestRunFaults.moc"
