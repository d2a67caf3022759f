// SPDX-License-Identifier: GPL-3.0-or-later
// A run that is killed (SIGKILL) or cancelled (SIGINT, the cancel flag) and then run
// again ends with exactly the quantized state of an uninterrupted run: killed after a
// finished block, killed inside E2E-QP, cancelled inside Block-AP.
#include "RunInterrupt.h"
#include "TestPaths.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QtTest>

#include <csignal>

class TestResume : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_tmp;
    QByteArray m_reference; // quantized.safetensors of the uninterrupted run

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
        QCOMPARE(runToEnd(args(m_tmp.path() + "/reference")), 0);
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
};

QTEST_GUILESS_MAIN(TestResume)
#include "TestResume.moc"
