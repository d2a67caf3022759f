// SPDX-License-Identifier: GPL-3.0-or-later
#include "RunHistory.h"

#include <qat/Names.h>
#include <qat/RunFolder.h>

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QSettings>
#include <QStandardPaths>

#include <algorithm>
#include <limits>

namespace qat {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

QString fromPath(const std::filesystem::path& p) {
    return QString::fromStdString(p.string());
}

QString fileNameOf(const std::filesystem::path& p) {
    return QString::fromStdString(p.filename().string());
}

} // namespace

std::optional<RunRecord> readRun(const QString& folder, QString* error) {
    RunFolder r;
    const Status st = RunFolder::read(folder.toStdString(), r);
    if (!st.ok()) {
        if (error) *error = QString::fromStdString(st.message);
        return std::nullopt;
    }
    RunRecord run;
    run.folder = QFileInfo(folder).absoluteFilePath();
    run.name = QFileInfo(run.folder).fileName();
    run.modelFolder = fromPath(r.modelFolder);
    run.method = QString::fromStdString(r.method);
    run.bits = r.bits;
    run.groupSize = r.groupSize;
    run.created = QString::fromStdString(r.created);
    run.finished = r.hasQuantizedState;
    run.blocksDone = r.blocksDone();
    for (const auto& f : r.evalFiles)
        run.evalFiles << fileNameOf(f);
    run.evalSeqlen = r.evalSeqlen;
    run.evalMaxWindows = r.evalMaxWindows;
    if (r.eval) {
        if (!r.eval->files.empty()) {
            run.evalFiles.clear();
            for (const auto& f : r.eval->files)
                run.evalFiles << fileNameOf(f);
        }
        if (r.eval->seqlen > 0) run.evalSeqlen = r.eval->seqlen;
        if (r.eval->maxWindows > 0) run.evalMaxWindows = r.eval->maxWindows;
        for (const auto& t : r.eval->tasks)
            run.tasks << QString::fromStdString(t);
        run.taskLimit = r.eval->taskLimit;
        for (const RunEvalStage& s : r.eval->stages) {
            StageRecord stage;
            stage.stage = QString::fromStdString(s.stage);
            for (const QString& file : std::as_const(run.evalFiles)) {
                const auto it = s.results.find(file.toStdString());
                stage.perplexity << (it == s.results.end() ? kNaN : it->second.perplexity);
            }
            for (const QString& task : std::as_const(run.tasks)) {
                const auto it = s.tasks.find(task.toStdString());
                stage.accuracy << (it == s.tasks.end() ? kNaN : it->second.acc);
            }
            const auto seconds = r.stageSeconds.find(s.stage);
            stage.seconds = seconds == r.stageSeconds.end() ? kNaN : seconds->second;
            run.stages << stage;
        }
    }
    // Active time: the sum over the sessions metrics.jsonl's events mark (a resumed run
    // starts a new session with its RunStarted event).
    run.seconds = r.activeSeconds();
    return run;
}

QVector<RunRecord> scanWorkspace(const QString& workspace) {
    QVector<RunRecord> runs;
    const QDir dir(workspace);
    for (const QString& name : dir.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name)) {
        if (!QFileInfo::exists(dir.filePath(name + QStringLiteral("/run.json")))) continue;
        if (auto run = readRun(dir.filePath(name))) runs << *run;
    }
    std::stable_sort(runs.begin(), runs.end(),
                     [](const RunRecord& a, const RunRecord& b) { return a.created > b.created; });
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
    case Stage::FullPrecision:
        return QCoreApplication::translate("qat::RunHistory", "Full precision");
    case Stage::RoundToNearest:
        return QCoreApplication::translate("qat::RunHistory", "RTN");
    case Stage::BlockAp:
        return QCoreApplication::translate("qat::RunHistory", "Block-AP");
    case Stage::BlockApE2eQp:
        return QCoreApplication::translate("qat::RunHistory", "EfficientQAT");
    case Stage::LrQat:
        return QCoreApplication::translate("qat::RunHistory", "LR-QAT");
    case Stage::Gptq:
        return QCoreApplication::translate("qat::RunHistory", "GPTQ");
    }
    return stage;
}

QString finalStageOf(const QString& method) {
    const auto m = methodFromName(method.toStdString());
    return m ? QString::fromLatin1(stageName(finalStage(*m))) : method;
}

} // namespace qat
