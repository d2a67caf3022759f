// SPDX-License-Identifier: GPL-3.0-or-later
#include "RunHistory.h"

#include <qat/Names.h>

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSettings>
#include <QStandardPaths>

#include <algorithm>
#include <cmath>
#include <limits>

namespace qat {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::optional<QJsonObject> readJsonObject(const QString& file, QString* error) {
    QFile f(file);
    if (!f.open(QIODevice::ReadOnly)) {
        if (error) *error = QStringLiteral("%1: %2").arg(file, f.errorString());
        return std::nullopt;
    }
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(f.readAll(), &pe);
    if (pe.error != QJsonParseError::NoError || !doc.isObject()) {
        if (error) *error = QStringLiteral("%1: %2").arg(file, pe.errorString());
        return std::nullopt;
    }
    return doc.object();
}

// Walks metrics.jsonl: active time is the sum over sessions (a resumed session starts with
// the engine's "resuming …" log line) of the time between its first and last event; each
// stage's time is the active time at its last evaluation result.
void readTimes(const QString& file, RunRecord& run) {
    run.seconds = kNaN;
    QFile f(file);
    if (!f.open(QIODevice::ReadOnly | QIODevice::Text)) return;
    double done = 0.0, sessionStart = kNaN, last = kNaN;
    QString stage;
    QHash<QString, double> stageSeconds;
    while (!f.atEnd()) {
        const QByteArray line = f.readLine().trimmed();
        if (line.isEmpty()) continue;
        const QJsonObject e = QJsonDocument::fromJson(line).object();
        if (e.isEmpty() || !e.value(QLatin1String("time")).isDouble()) continue;
        const double t = e.value(QLatin1String("time")).toDouble();
        const QString event = e.value(QLatin1String("event")).toString();
        const QString text = e.value(QLatin1String("text")).toString();
        if (event == QLatin1String("log") && text.startsWith(QLatin1String("resuming ")) && !std::isnan(sessionStart)) {
            done += last - sessionStart;
            sessionStart = kNaN;
        }
        if (std::isnan(sessionStart)) sessionStart = t;
        last = std::max(t, std::isnan(last) ? t : last);
        if (event == QLatin1String("log") && text.startsWith(QLatin1String("evaluation: "))) stage = text.mid(12).trimmed();
        if (event == QLatin1String("eval_result") && !stage.isEmpty()) stageSeconds[stage] = done + (last - sessionStart);
    }
    if (std::isnan(sessionStart)) return;
    run.seconds = done + (last - sessionStart);
    for (StageRecord& s : run.stages)
        s.seconds = stageSeconds.value(s.stage, kNaN);
}

} // namespace

std::optional<RunRecord> readRun(const QString& folder, QString* error) {
    const QDir dir(folder);
    const auto runJson = readJsonObject(dir.filePath(QStringLiteral("run.json")), error);
    if (!runJson) return std::nullopt;
    const QJsonObject config = runJson->value(QLatin1String("config")).toObject();
    if (config.isEmpty()) {
        if (error) *error = dir.filePath(QStringLiteral("run.json")) + QStringLiteral(": no \"config\"");
        return std::nullopt;
    }
    RunRecord run;
    run.folder = QFileInfo(folder).absoluteFilePath();
    run.name = QFileInfo(run.folder).fileName();
    run.modelFolder = config.value(QLatin1String("model")).toString();
    if (run.modelFolder.isEmpty()) run.modelFolder = runJson->value(QLatin1String("model")).toObject().value(QLatin1String("folder")).toString();
    run.method = config.value(QLatin1String("method")).toString();
    run.bits = config.value(QLatin1String("bits")).toInt();
    run.groupSize = config.value(QLatin1String("group")).toInteger();
    run.created = runJson->value(QLatin1String("created")).toString();
    run.finished = QFileInfo::exists(dir.filePath(QStringLiteral("quantized.safetensors")));
    while (QFileInfo::exists(dir.filePath(QStringLiteral("blocks/block-%1.safetensors").arg(run.blocksDone, 3, 10, QLatin1Char('0')))))
        ++run.blocksDone;

    const QJsonObject evalConfig = config.value(QLatin1String("eval")).toObject();
    for (const QJsonValue f : evalConfig.value(QLatin1String("files")).toArray())
        run.evalFiles << QFileInfo(f.toString()).fileName();
    run.evalSeqlen = evalConfig.value(QLatin1String("seqlen")).toInteger();
    run.evalMaxWindows = evalConfig.value(QLatin1String("max_windows")).toInteger();

    if (const auto eval = readJsonObject(dir.filePath(QStringLiteral("eval.json")), nullptr)) {
        const QJsonArray files = eval->value(QLatin1String("files")).toArray();
        if (!files.isEmpty()) {
            run.evalFiles.clear();
            for (const QJsonValue f : files)
                run.evalFiles << QFileInfo(f.toString()).fileName();
        }
        run.evalSeqlen = eval->value(QLatin1String("seqlen")).toInteger(run.evalSeqlen);
        run.evalMaxWindows = eval->value(QLatin1String("max_windows")).toInteger(run.evalMaxWindows);
        for (const QJsonValue v : eval->value(QLatin1String("stages")).toArray()) {
            const QJsonObject s = v.toObject();
            StageRecord stage;
            stage.stage = s.value(QLatin1String("stage")).toString();
            const QJsonObject results = s.value(QLatin1String("results")).toObject();
            for (const QString& file : std::as_const(run.evalFiles)) {
                const QJsonValue p = results.value(file).toObject().value(QLatin1String("perplexity"));
                stage.perplexity << (p.isDouble() ? p.toDouble() : kNaN);
            }
            run.stages << stage;
        }
    }
    readTimes(dir.filePath(QStringLiteral("metrics.jsonl")), run);
    return run;
}

QVector<RunRecord> scanWorkspace(const QString& workspace) {
    QVector<RunRecord> runs;
    const QDir dir(workspace);
    for (const QString& name : dir.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name)) {
        if (!QFileInfo::exists(dir.filePath(name + QStringLiteral("/run.json")))) continue;
        if (auto run = readRun(dir.filePath(name))) runs << *run;
    }
    std::stable_sort(runs.begin(), runs.end(), [](const RunRecord& a, const RunRecord& b) { return a.created > b.created; });
    return runs;
}

QString workspaceFolder() {
    const QString workspace = QSettings().value(QStringLiteral("workspace")).toString();
    if (!workspace.isEmpty()) return workspace;
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/runs");
}

QString stageDisplayName(const QString& stage) {
    const auto s = stageFromName(stage.toStdString());
    if (!s) return stage;
    switch (*s) {
    case Stage::FullPrecision: return QCoreApplication::translate("qat::RunHistory", "Full precision");
    case Stage::RoundToNearest: return QCoreApplication::translate("qat::RunHistory", "RTN");
    case Stage::BlockAp: return QCoreApplication::translate("qat::RunHistory", "Block-AP");
    case Stage::BlockApE2eQp: return QCoreApplication::translate("qat::RunHistory", "EfficientQAT");
    case Stage::LrQat: return QCoreApplication::translate("qat::RunHistory", "LR-QAT");
    }
    return stage;
}

QString finalStageOf(const QString& method) {
    const auto m = methodFromName(method.toStdString());
    return m ? QString::fromLatin1(stageName(finalStage(*m))) : method;
}

} // namespace qat
