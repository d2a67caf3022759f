// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// A qat-cli quantize run as the resume tests see it: the events of its metrics.jsonl, its final
// state (quantized.safetensors), and a run interrupted with a signal once an event has appeared.

#include <QByteArray>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QList>
#include <QProcess>
#include <QString>
#include <QStringList>
#include <QTest>

#include <csignal>

namespace qat::test {

/// The events of RUN/metrics.jsonl, in order.
inline QList<QJsonObject> runEvents(const QString& run) {
    QList<QJsonObject> list;
    QFile f(run + "/metrics.jsonl");
    if (!f.open(QIODevice::ReadOnly)) return list;
    for (const QByteArray& line : f.readAll().split('\n'))
        if (!line.trimmed().isEmpty()) list << QJsonDocument::fromJson(line).object();
    return list;
}

/// Whether RUN has an event of `kind` whose `key` is `value`.
inline bool hasRunEvent(const QString& run, const QString& kind, const QString& key, int value) {
    for (const QJsonObject& e : runEvents(run))
        if (e.value("event").toString() == kind && e.value(key).toInt() == value) return true;
    return false;
}

/// RUN/quantized.safetensors, or empty when the run has not finished.
inline QByteArray quantizedState(const QString& run) {
    QFile f(run + "/quantized.safetensors");
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

/// Starts qat-cli with `args` (a quantize run into `out`), waits for the event, sends `signal`.
/// Returns the exit code, -signal when the signal killed it, -101 when the run ended before the
/// event (nothing was tested), -100 when it did not start.
inline int interruptRun(const QStringList& args, const QString& out, const QString& kind, const QString& key,
                        int value, int signal, int timeoutMs = 240000) {
    QProcess p;
    p.start(qEnvironmentVariable("QAT_CLI"), args);
    if (!p.waitForStarted()) return -100;
    QElapsedTimer timer;
    timer.start();
    while (!hasRunEvent(out, kind, key, value) && p.state() == QProcess::Running &&
           timer.elapsed() < timeoutMs)
        QTest::qWait(10);
    if (p.state() != QProcess::Running) return -101;
    ::kill(static_cast<pid_t>(p.processId()), signal);
    p.waitForFinished(60000);
    return p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -signal;
}

} // namespace qat::test
