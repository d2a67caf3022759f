// SPDX-License-Identifier: GPL-3.0-or-later
// A run that is killed (SIGKILL) or cancelled (SIGINT, the cancel flag) and then run
// again ends with exactly the quantized state of an uninterrupted run: killed after a
// finished block, killed inside E2E-QP, cancelled inside Block-AP, killed at seeded random
// moments (wherever they fall: calibration, a block, E2E-QP, an evaluation, a write); a GPTQ run
// killed after a finished block.
#include "RunInterrupt.h"
#include "TestPaths.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QtTest>

#include <algorithm>
#include <csignal>
#include <random>

class TestResume : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_tmp;
    QByteArray m_reference;   // quantized.safetensors of the uninterrupted run
    qint64 m_referenceMs = 0; // how long it took

    QStringList args(const QString& out) const {
        const QString data = qat::test::sharedPath("data/tinystories-gen/");
        return {"quantize",
                "-m",
                qat::test::sharedPath("models/stories260K"),
                "--method",
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
                "48",
                "--val-windows",
                "8",
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
                "--e2e-checkpoint-seconds",
                "0.001",
                "--out",
                out};
    }

    static QStringList gptqArgs(const QString& out) {
        const QString data = qat::test::sharedPath("data/tinystories-gen/");
        return {"quantize",
                "-m",
                qat::test::sharedPath("models/stories260K"),
                "--method",
                "gptq",
                "--bits",
                "3",
                "--group",
                "64",
                "--calib",
                data + "calib.txt",
                "--seqlen",
                "128",
                "--train-windows",
                "48",
                "--val-windows",
                "8",
                "--threads",
                "1",
                "--out",
                out};
    }

    static int runToEnd(const QStringList& a, QString* output = nullptr) {
        QProcess p;
        p.start(qEnvironmentVariable("QAT_CLI"), a);
        if (!p.waitForFinished(300000)) return -1;
        const QString all = QString::fromUtf8(p.readAllStandardOutput() + p.readAllStandardError());
        if (output) *output = all;
        if (p.exitStatus() != QProcess::NormalExit) return -2;
        if (p.exitCode() != 0) qWarning("%s", qPrintable(all));
        return p.exitCode();
    }

    static QByteArray state(const QString& run) { return qat::test::quantizedState(run); }

    // Starts a run, waits for the event, interrupts it with `signal`; returns the exit code.
    int interrupt(const QString& out, const QString& kind, const QString& key, int value, int signal) {
        return qat::test::interruptRun(args(out), out, kind, key, value, signal);
    }

private Q_SLOTS:
    void initTestCase() {
        QVERIFY2(QFile::exists(qEnvironmentVariable("QAT_CLI")), "QAT_CLI is not set");
        QVERIFY(m_tmp.isValid());
        QElapsedTimer timer;
        timer.start();
        QCOMPARE(runToEnd(args(m_tmp.path() + "/reference")), 0);
        m_referenceMs = timer.elapsed();
        m_reference = state(m_tmp.path() + "/reference");
        QVERIFY(m_reference.size() > 1000);
    }

    void killedAfterABlock() {
        const QString out = m_tmp.path() + "/killed-block";
        QCOMPARE(interrupt(out, "block_finished", "block", 2, SIGKILL), -SIGKILL);
        QVERIFY(!QFile::exists(out + "/quantized.safetensors"));
        QVERIFY(QFile::exists(out + "/blocks/block-002.safetensors"));
        QString output;
        QCOMPARE(runToEnd(args(out), &output), 0);
        QVERIFY2(output.contains("restored from block-002.safetensors"), qPrintable(output));
        QVERIFY2(state(out) == m_reference, "the resumed run differs from the uninterrupted one");
    }

    void killedInsideE2eQp() {
        const QString out = m_tmp.path() + "/killed-e2e";
        QCOMPARE(interrupt(out, "e2e_step", "step", 10, SIGKILL), -SIGKILL);
        QVERIFY(QFile::exists(out + "/e2e.safetensors"));
        QString output;
        QCOMPARE(runToEnd(args(out), &output), 0);
        const QRegularExpression resumed(QStringLiteral("E2E-QP: resuming after step (\\d+) of"));
        const auto m = resumed.match(output);
        QVERIFY2(m.hasMatch() && m.captured(1).toInt() >= 10, qPrintable(output));
        QVERIFY2(state(out) == m_reference, "the resumed run differs from the uninterrupted one");
    }

    void cancelledInsideBlockAp() {
        const QString out = m_tmp.path() + "/cancelled";
        // SIGINT sets the cancel flag the engine polls every step.
        QCOMPARE(interrupt(out, "block_started", "block", 1, SIGINT), 130);
        const QList<QJsonObject> before = qat::test::runEvents(out);
        int finished = 0;
        for (const QJsonObject& e : before)
            finished += e.value("event").toString() == "block_finished";
        QCOMPARE(finished, 1); // block 0 only: block 1 was cancelled
        QVERIFY(!QFile::exists(out + "/blocks/block-001.safetensors"));
        QString output;
        QCOMPARE(runToEnd(args(out), &output), 0);
        QVERIFY2(state(out) == m_reference, "the resumed run differs from the uninterrupted one");
    }

    // SIGKILL at seeded random moments of the run, then the same command to its end: the result
    // is the uninterrupted run's, byte for byte, wherever the kill fell.
    void killedAtRandomMoments() {
        for (const unsigned seed : {1u, 2u, 3u}) {
            std::mt19937 rng(seed);
            const qint64 delay =
                200 + static_cast<qint64>(rng() % static_cast<unsigned>(std::max<qint64>(1, m_referenceMs)));
            const QString out = m_tmp.path() + "/random-" + QString::number(seed);
            QProcess p;
            p.start(qEnvironmentVariable("QAT_CLI"), args(out));
            QVERIFY(p.waitForStarted());
            QTest::qWait(static_cast<int>(delay));
            const QList<QJsonObject> events = qat::test::runEvents(out);
            const QString last =
                events.isEmpty() ? QStringLiteral("(none)") : events.last().value("event").toString();
            if (p.state() == QProcess::Running) ::kill(static_cast<pid_t>(p.processId()), SIGKILL);
            p.waitForFinished(60000);
            qInfo("seed %u: killed after %lld ms of about %lld, the last event %s", seed,
                  static_cast<long long>(delay), static_cast<long long>(m_referenceMs), qPrintable(last));
            QCOMPARE(runToEnd(args(out)), 0);
            QVERIFY2(
                state(out) == m_reference,
                qPrintable(
                    QStringLiteral("seed %1: the resumed run differs from the uninterrupted one").arg(seed)));
        }
    }

    void gptqKilledAfterABlock() {
        const QString reference = m_tmp.path() + "/gptq-reference";
        QCOMPARE(runToEnd(gptqArgs(reference)), 0);
        const QByteArray expected = state(reference);
        QVERIFY(expected.size() > 1000);
        const QString out = m_tmp.path() + "/gptq-killed";
        QCOMPARE(qat::test::interruptRun(gptqArgs(out), out, "block_finished", "block", 1, SIGKILL),
                 -SIGKILL);
        QVERIFY(!QFile::exists(out + "/quantized.safetensors"));
        QVERIFY(QFile::exists(out + "/blocks/block-001.safetensors"));
        QString output;
        QCOMPARE(runToEnd(gptqArgs(out), &output), 0);
        QVERIFY2(output.contains("restored from block-001.safetensors"), qPrintable(output));
        QVERIFY2(state(out) == expected, "the resumed GPTQ run differs from the uninterrupted one");
    }
};

QTEST_GUILESS_MAIN(TestResume)
#include "TestResume.moc"
