// SPDX-License-Identifier: GPL-3.0-or-later
// The Results page over a workspace with real runs of stories260K made with core's job API
// (a finished RTN W4 g64 run and a Block-AP W2 g64 run cancelled after its first block):
// the table and the bar chart hold the runs' measured perplexities, PNG and PDF files are
// written, the export dialog writes a loadable model with progress and cancels cleanly,
// side-by-side generation equals core's greedy generation, a new main window lists
// the runs again (the run history), and the partial run goes to the Run page to be resumed.
// In a workspace of its own, an LR-QAT run folder (run.json and eval.json as the engine
// writes them) is listed as LR-QAT beside an EfficientQAT run of the same bits.

#include "AccuracyChart.h"
#include "ExportDialog.h"
#include "GuiSettings.h"
#include "JobRunner.h"
#include "MainWindow.h"
#include "ModelPage.h"
#include "ResultsChart.h"
#include "ResultsModel.h"
#include "ResultsPage.h"
#include "RunEstimate.h"
#include "RunPage.h"
#include "TestPaths.h"

#include <qat/Generation.h>
#include <qat/Model.h>
#include <qat/Quantization.h>
#include <qat/QuantizeJob.h>

#include <QCheckBox>
#include <QComboBox>
#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QRegularExpression>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

using namespace qat;

namespace {

// Cancels the job once Block-AP has finished its first block.
class CancelAfterFirstBlock : public ProgressSink {
public:
    void onBlockFinished(const BlockFinished&) override { m_cancel = true; }
    bool isCancelled() const override { return m_cancel; }

private:
    bool m_cancel = false;
};

// A finished run folder as the engine leaves it, for the files the Results page reads:
// run.json, eval.json with `stages` (name → perplexity on eval.txt) and quantized.safetensors.
void writeRunFolder(const QString& folder, const QString& method, const QString& created,
                    const QVector<QPair<QString, double>>& stages) {
    QVERIFY(QDir().mkpath(folder));
    const QString eval = test::sharedPath("data/tinystories-gen/eval.txt");
    const QJsonObject evalConfig{{"files", QJsonArray{eval}}, {"seqlen", 128}, {"max_windows", 8}};
    const QJsonObject config{{"model", test::sharedPath("models/stories260K")},
                             {"method", method},
                             {"bits", 4},
                             {"group", 64},
                             {"eval", evalConfig}};
    QJsonArray stageArray;
    for (const auto& s : stages)
        stageArray.append(QJsonObject{
            {"stage", s.first},
            {"results", QJsonObject{{"eval.txt", QJsonObject{{"perplexity", s.second}, {"windows", 8}}}}}});
    const QJsonObject evalJson{
        {"seqlen", 128}, {"max_windows", 8}, {"files", QJsonArray{eval}}, {"stages", stageArray}};
    const QVector<QPair<QString, QByteArray>> files{
        {"run.json", QJsonDocument(QJsonObject{{"created", created}, {"config", config}}).toJson()},
        {"eval.json", QJsonDocument(evalJson).toJson()},
        {"quantized.safetensors", QByteArray()}};
    for (const auto& f : files) {
        QFile out(QDir(folder).filePath(f.first));
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write(f.second);
    }
}

// Adds zero-shot accuracies to a folder written by writeRunFolder: eval.json's "zero_shot" and
// each stage's "tasks" (task → acc, in `tasks` order), as the engine writes them.
void addTaskResults(const QString& folder, const QStringList& tasks, int limit,
                    const QVector<QVector<double>>& accuracy) {
    QFile f(QDir(folder).filePath(QStringLiteral("eval.json")));
    QVERIFY(f.open(QIODevice::ReadOnly));
    QJsonObject eval = QJsonDocument::fromJson(f.readAll()).object();
    f.close();
    eval.insert(QStringLiteral("zero_shot"), QJsonObject{{"tasks", QJsonArray::fromStringList(tasks)},
                                                         {"task_dir", test::sharedPath("data/zeroshot")},
                                                         {"limit", limit},
                                                         {"add_bos", false}});
    QJsonArray stages = eval.value(QStringLiteral("stages")).toArray();
    QCOMPARE(stages.size(), accuracy.size());
    for (int s = 0; s < stages.size(); ++s) {
        QJsonObject stage = stages[s].toObject();
        QJsonObject results;
        for (int t = 0; t < tasks.size(); ++t)
            results.insert(tasks[t],
                           QJsonObject{{"items", limit}, {"acc", accuracy[s][t]}, {"acc_stderr", 0.02}});
        stage.insert(QStringLiteral("tasks"), results);
        stages[s] = stage;
    }
    eval.insert(QStringLiteral("stages"), stages);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(QJsonDocument(eval).toJson());
}

QuantizeJob baseJob(const QString& out) {
    QuantizeJob j;
    j.model = test::sharedPath("models/stories260K").toStdString();
    j.threads = 1;
    j.evalFiles = {test::sharedPath("data/tinystories-gen/eval.txt").toStdString()};
    j.evalSeqlen = 128;
    j.evalMaxWindows = 8;
    j.out = out.toStdString();
    return j;
}

} // namespace

class TestResultsPage : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_settingsDir, m_workspace;
    QString m_rtnFolder, m_partialFolder;
    QuantizeJobResult m_rtn;

    QJsonObject readJson(const QString& file) {
        QFile f(file);
        if (!f.open(QIODevice::ReadOnly)) return {};
        return QJsonDocument::fromJson(f.readAll()).object();
    }

    int rowOf(const ResultsModel& model, const QString& runFolder, const QString& stage) {
        for (int r = 0; r < model.rowCount(); ++r)
            if (model.rows()[r].runFolder == runFolder && model.rows()[r].stage == stage) return r;
        return -1;
    }

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(m_settingsDir.isValid() && m_workspace.isValid());
        qat::test::isolateSettings(m_settingsDir.path(), m_workspace.path());
        QSettings().setValue(QStringLiteral("threads"), 1);

        m_rtnFolder = QDir(m_workspace.path()).filePath(QStringLiteral("stories-rtn-w4g64"));
        QuantizeJob rtn = baseJob(m_rtnFolder);
        rtn.method = Method::RoundToNearest;
        rtn.spec = QuantSpec{4, 64};
        const Status st = runQuantizeJob(rtn, nullptr, m_rtn);
        QVERIFY2(st.ok(), st.message.c_str());
        QCOMPARE(m_rtn.stages.size(), size_t(2));

        m_partialFolder = QDir(m_workspace.path()).filePath(QStringLiteral("stories-block-ap-w2g64"));
        QuantizeJob bap = baseJob(m_partialFolder);
        bap.method = Method::BlockAp;
        bap.spec = QuantSpec{2, 64};
        bap.calibration.files = {test::sharedPath("data/tinystories-gen/calib.txt").toStdString()};
        bap.calibration.seqlen = 64;
        bap.calibration.trainWindows = 8;
        bap.calibration.valWindows = 2;
        bap.blockAp.epochs = 1;
        CancelAfterFirstBlock cancel;
        QuantizeJobResult partial;
        QCOMPARE(runQuantizeJob(bap, &cancel, partial).kind, ErrorKind::Cancelled);
        QVERIFY(QFile::exists(m_partialFolder + "/blocks/block-000.safetensors"));
        QVERIFY(!QFile::exists(m_partialFolder + "/quantized.safetensors"));
    }

    // Export… is offered for finished runs only, and the dialog writes a loadable packed model.
    void exportFromTheResultsPage() {
        ResultsPage page;
        page.setWorkspace(m_workspace.path());
        auto* button = page.findChild<QPushButton*>(QStringLiteral("exportButton"));
        QVERIFY(button);
        page.selectRow(rowOf(*page.model(), m_rtnFolder, QStringLiteral("rtn")));
        QVERIFY(button->isEnabled());
        page.selectRow(rowOf(*page.model(), m_partialFolder, QStringLiteral("block-ap")));
        QVERIFY(!button->isEnabled());

        QTemporaryDir out;
        QVERIFY(out.isValid());
        const QString dest = QDir(out.path()).filePath(QStringLiteral("stories-w4g64-gptq"));
        ExportDialog dialog(m_rtnFolder);
        QCOMPARE(dialog.destination(), QDir(m_rtnFolder).filePath(QStringLiteral("model")));
        dialog.setDestination(dest);
        QSignalSpy finished(&dialog, &ExportDialog::exportFinished);
        dialog.startExport();
        QVERIFY(finished.wait(120000));
        QVERIFY2(finished.at(0).at(0).toBool(), qPrintable(dialog.reportText()));
        QVERIFY2(dialog.reportText().contains(QStringLiteral("Packed layers: 20 of 35")),
                 qPrintable(dialog.reportText()));
        QVERIFY(dialog.reportText().contains(QStringLiteral("172")));
        const QJsonObject config = readJson(dest + QStringLiteral("/config.json"));
        QCOMPARE(config.value("quantization_config").toObject().value("bits").toInt(), 4);
        std::unique_ptr<Model> model;
        const Status st = Model::load(dest.toStdString(), {}, model);
        QVERIFY2(st.ok(), st.message.c_str());

        // Again into the same folder: refused unless replacing is allowed.
        dialog.startExport();
        QVERIFY(finished.wait(120000));
        QVERIFY(!finished.at(1).at(0).toBool());
        QVERIFY2(dialog.reportText().contains(QStringLiteral("already exists")),
                 qPrintable(dialog.reportText()));
        dialog.setOverwrite(true);
        dialog.setFormatIndex(1);
        dialog.startExport();
        QVERIFY(finished.wait(120000));
        QVERIFY2(finished.at(2).at(0).toBool(), qPrintable(dialog.reportText()));
        QVERIFY(
            !readJson(dest + QStringLiteral("/config.json")).contains(QStringLiteral("quantization_config")));
    }

    // GGUF from the same dialog: its own options shown instead of the dtype, the destination
    // following the format, a loadable file whose perplexity read back is the run's, and the
    // report of the layers per type and of that measurement.
    void exportGgufFromTheDialog() {
        QTemporaryDir out;
        QVERIFY(out.isValid());
        ExportDialog dialog(m_rtnFolder);
        auto* ggufType = dialog.findChild<QComboBox*>(QStringLiteral("ggufTypeCombo"));
        auto* dtype = dialog.findChild<QComboBox*>(QStringLiteral("dtypeCombo"));
        auto* check = dialog.findChild<QCheckBox*>(QStringLiteral("ggufCheckBox"));
        QVERIFY(ggufType && dtype && check);
        QVERIFY(ggufType->isHidden() && !dtype->isHidden());
        dialog.setFormatIndex(2);
        QVERIFY(!ggufType->isHidden() && dtype->isHidden() && check->isChecked());
        QCOMPARE(ggufType->currentData().toString(), QStringLiteral("auto"));
        QCOMPARE(dialog.destination(), QDir(m_rtnFolder).filePath(QStringLiteral("model.gguf")));
        dialog.setFormatIndex(0); // back: the default follows
        QCOMPARE(dialog.destination(), QDir(m_rtnFolder).filePath(QStringLiteral("model")));
        dialog.setFormatIndex(2);
        const QString dest = QDir(out.path()).filePath(QStringLiteral("stories-w4g64.gguf"));
        dialog.setDestination(dest);

        QSignalSpy progress(dialog.runner(), &JobRunner::progress);
        QSignalSpy finished(&dialog, &ExportDialog::exportFinished);
        dialog.startExport();
        QVERIFY(finished.wait(180000));
        const QString report = dialog.reportText();
        QVERIFY2(finished.at(0).at(0).toBool(), qPrintable(report));
        // stories260K: 5 blocks; q, k, v, o, gate and up (rows of 64) hold Q4_1 exactly, down_proj
        // (rows of 172, not a multiple of 32) falls back.
        QVERIFY2(report.contains(QStringLiteral("Q4_1: 30 layers, 30 exact")), qPrintable(report));
        QVERIFY2(report.contains(QStringLiteral("172")), qPrintable(report));
        bool measured = false;
        for (const auto& p : progress)
            measured |= p.at(2).toString().contains(QStringLiteral("Measuring")) &&
                        p.at(0).toLongLong() == 1 && p.at(1).toLongLong() == 1;
        QVERIFY(measured);
        // "Perplexity on eval.txt (8 windows of 128): run R, file read back F (D%)"
        const QRegularExpression line(QStringLiteral(
            R"(Perplexity on eval\.txt \(8 windows of 128\): run ([0-9.]+), file read back ([0-9.]+))"));
        const QRegularExpressionMatch m = line.match(report);
        QVERIFY2(m.hasMatch(), qPrintable(report));
        const double runPpl = m.captured(1).toDouble(), filePpl = m.captured(2).toDouble();
        QVERIFY(std::abs(runPpl - m_rtn.stages[1].perplexity[0]) < 1e-4 * runPpl);
        QVERIFY2(std::abs(filePpl / runPpl - 1.0) < 0.01, qPrintable(report));
        std::unique_ptr<Model> model;
        LoadOptions lo;
        lo.tokenizerPath = test::sharedPath("models/stories260K/tokenizer.model").toStdString();
        const Status st = Model::load(dest.toStdString(), lo, model);
        QVERIFY2(st.ok(), st.message.c_str());
        QCOMPARE(QDir(out.path()).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot),
                 QStringList{QStringLiteral("stories-w4g64.gguf")});
    }

    // The dialog shows the export's progress (every layer converted, then the file written) and
    // Cancel stops it with nothing at the destination and nothing temporary beside it.
    void exportProgressAndCancel() {
        QTemporaryDir out;
        QVERIFY(out.isValid());
        const QString dest = QDir(out.path()).filePath(QStringLiteral("stories-w4g64-gptq"));
        ExportDialog dialog(m_rtnFolder);
        dialog.setDestination(dest);
        auto* bar = dialog.findChild<QProgressBar*>(QStringLiteral("exportProgress"));
        auto* cancel = dialog.findChild<QPushButton*>(QStringLiteral("cancelButton"));
        QVERIFY(bar && cancel);
        QVERIFY(!cancel->isEnabled());
        QSignalSpy progress(dialog.runner(), &JobRunner::progress);
        QSignalSpy cancelled(dialog.runner(), &JobRunner::cancelled);
        QSignalSpy finished(&dialog, &ExportDialog::exportFinished);
        dialog.startExport();
        QVERIFY(dialog.isExporting());
        QVERIFY(cancel->isEnabled());
        QVERIFY(finished.wait(120000));
        QVERIFY2(finished.at(0).at(0).toBool(), qPrintable(dialog.reportText()));
        QVERIFY(!cancel->isEnabled());
        QVERIFY(progress.count() >= 2);
        bool allConverted = false;
        for (const auto& p : progress)
            allConverted |= p.at(0).toLongLong() == 35 && p.at(1).toLongLong() == 35;
        QVERIFY(allConverted);                           // stories260K: 5 blocks of 7 linears
        QCOMPARE(progress.last().at(0).toLongLong(), 1); // one model.safetensors written of one
        QCOMPARE(progress.last().at(1).toLongLong(), 1);
        QCOMPARE(bar->value(), bar->maximum());
        QCOMPARE(cancelled.count(), 0);

        // Cancelled as it starts (the flag is set before the thread runs): stopped before its
        // first layer, reported as cancelled, no folder written.
        const QString other = QDir(out.path()).filePath(QStringLiteral("cancelled"));
        dialog.setDestination(other);
        connect(dialog.runner(), &JobRunner::started, &dialog, &ExportDialog::cancelExport);
        dialog.startExport();
        QVERIFY(!cancel->isEnabled()); // cancelling already
        QVERIFY(finished.wait(120000));
        QVERIFY(!finished.at(1).at(0).toBool());
        QCOMPARE(cancelled.count(), 1);
        QVERIFY(!dialog.isExporting());
        QVERIFY(!QFileInfo::exists(other));
        QCOMPARE(QDir(out.path()).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot),
                 QStringList{QStringLiteral("stories-w4g64-gptq")});
    }

    void historyReadsTheRunFolders() {
        const QVector<RunRecord> runs = scanWorkspace(m_workspace.path());
        QCOMPARE(runs.size(), 2);
        for (const RunRecord& run : runs) {
            if (run.folder == m_rtnFolder) {
                QVERIFY(run.finished);
                QCOMPARE(run.method, QStringLiteral("rtn"));
                QCOMPARE(run.bits, 4);
                QCOMPARE(run.groupSize, 64);
                QCOMPARE(run.stages.size(), 2);
                QVERIFY(std::isfinite(run.seconds) && run.seconds > 0);
            } else {
                QCOMPARE(run.folder, m_partialFolder);
                QVERIFY(!run.finished && run.resumable());
                QCOMPARE(run.blocksDone, 1);
                QCOMPARE(run.method, QStringLiteral("block-ap"));
            }
        }
    }

    void tableAndChartHoldEvalJson() {
        ResultsPage page;
        page.setWorkspace(m_workspace.path());
        const ResultsModel& model = *page.model();
        QCOMPARE(model.evalSets(), QStringList{QStringLiteral("eval.txt · 128 × 8")});
        // fp once, RTN, and the partial run's fp (same protocol: merged) and Block-AP row.
        const int fpRow = rowOf(model, QString(), QStringLiteral("fp"));
        const int rtnRow = rowOf(model, m_rtnFolder, QStringLiteral("rtn"));
        const int partialRow = rowOf(model, m_partialFolder, QStringLiteral("block-ap"));
        QVERIFY(fpRow >= 0 && rtnRow >= 0 && partialRow >= 0);
        QCOMPARE(model.rowCount(), 3);

        // The cells hold eval.json's numbers, which are the job's.
        const QJsonArray stages = readJson(m_rtnFolder + "/eval.json").value("stages").toArray();
        QCOMPARE(stages.size(), 2);
        const int col = ResultsModel::FirstPerplexityColumn;
        const double fpJson =
            stages[0].toObject()["results"].toObject()["eval.txt"].toObject()["perplexity"].toDouble();
        const double rtnJson =
            stages[1].toObject()["results"].toObject()["eval.txt"].toObject()["perplexity"].toDouble();
        QCOMPARE(model.index(fpRow, col).data(ResultsModel::RawRole).toDouble(), fpJson);
        QCOMPARE(model.index(rtnRow, col).data(ResultsModel::RawRole).toDouble(), rtnJson);
        QVERIFY(std::abs(fpJson - m_rtn.stages[0].perplexity[0]) < 1e-12);
        QVERIFY(std::abs(rtnJson - m_rtn.stages[1].perplexity[0]) < 1e-12);
        QVERIFY(rtnJson > fpJson);
        // What the user reads: four decimals in the table view.
        QCOMPARE(page.table()->model()->index(rtnRow, col).data().toString(),
                 QLocale().toString(rtnJson, 'f', 4));
        // The partial run measured nothing after full precision yet.
        QVERIFY(std::isnan(model.index(partialRow, col).data(ResultsModel::RawRole).toDouble()));
        QCOMPARE(model.index(partialRow, ResultsModel::StatusColumn).data().toString(),
                 QStringLiteral("partial"));

        // Bits per parameter: 4 + (16 + 4) / 64; size below the full-precision model's.
        QCOMPARE(model.index(rtnRow, ResultsModel::BitsColumn).data(ResultsModel::RawRole).toDouble(),
                 4 + 20.0 / 64);
        QCOMPARE(model.index(fpRow, ResultsModel::BitsColumn).data(ResultsModel::RawRole).toDouble(), 32.0);
        const double fpSize =
            model.index(fpRow, ResultsModel::SizeColumn).data(ResultsModel::RawRole).toDouble();
        const double rtnSize =
            model.index(rtnRow, ResultsModel::SizeColumn).data(ResultsModel::RawRole).toDouble();
        QVERIFY(rtnSize > 0 && rtnSize < fpSize / 3);
        QVERIFY(model.index(rtnRow, ResultsModel::TimeColumn).data(ResultsModel::RawRole).toDouble() > 0);

        // The chart: one bar set for the one evaluation set, a bar per measured row at key row + 1.
        ResultsChart* chart = page.chart();
        QCOMPARE(chart->bars().size(), 1);
        QCPBarsDataContainer& data = *chart->bars()[0]->data();
        QCOMPARE(data.size(), 2);
        QCOMPARE(data.at(0)->key, double(std::min(fpRow, rtnRow) + 1));
        QMap<double, double> bars;
        for (auto it = data.constBegin(); it != data.constEnd(); ++it)
            bars[it->key] = it->value;
        QCOMPARE(bars.value(fpRow + 1), fpJson);
        QCOMPARE(bars.value(rtnRow + 1), rtnJson);
        QVERIFY(!bars.contains(partialRow + 1));
    }

    void lrQatBesideEfficientQat() {
        QTemporaryDir workspace;
        QVERIFY(workspace.isValid());
        const QString eqat = workspace.filePath(QStringLiteral("stories-efficientqat-w4g64"));
        const QString lrqat = workspace.filePath(QStringLiteral("stories-lr-qat-w4g64"));
        writeRunFolder(eqat, QStringLiteral("efficientqat"), QStringLiteral("2026-01-01T10:00:00Z"),
                       {{"fp", 3.40}, {"block-ap", 3.71}, {"block-ap+e2e-qp", 3.62}});
        writeRunFolder(lrqat, QStringLiteral("lr-qat"), QStringLiteral("2026-01-01T11:00:00Z"),
                       {{"fp", 3.40}, {"lr-qat", 3.55}});
        if (QTest::currentTestFailed()) return;
        ResultsPage page;
        page.setWorkspace(workspace.path());
        const ResultsModel& model = *page.model();
        // Full precision once (same model and protocol), Block-AP and EfficientQAT, LR-QAT.
        QCOMPARE(model.rowCount(), 4);
        const int lrRow = rowOf(model, lrqat, QStringLiteral("lr-qat"));
        const int eqatRow = rowOf(model, eqat, QStringLiteral("block-ap+e2e-qp"));
        QVERIFY(lrRow >= 0 && eqatRow >= 0);
        QCOMPARE(rowOf(model, lrqat, QStringLiteral("block-ap+e2e-qp")), -1);
        const ResultRow& lr = model.rows()[lrRow];
        QVERIFY(lr.isFinalStage && lr.finished);
        QCOMPARE(lr.label, QStringLiteral("stories-lr-qat-w4g64 · LR-QAT"));
        QCOMPARE(model.index(lrRow, ResultsModel::MethodColumn).data().toString(),
                 QStringLiteral("LR-QAT W4 g64"));
        QCOMPARE(model.index(eqatRow, ResultsModel::MethodColumn).data().toString(),
                 QStringLiteral("EfficientQAT W4 g64"));
        // Same bits, same protocol: the same columns, to compare.
        QCOMPARE(model.evalSets(), QStringList{QStringLiteral("eval.txt · 128 × 8")});
        const int col = ResultsModel::FirstPerplexityColumn;
        QCOMPARE(model.index(lrRow, col).data(ResultsModel::RawRole).toDouble(), 3.55);
        QCOMPARE(model.index(eqatRow, col).data(ResultsModel::RawRole).toDouble(), 3.62);
        QCOMPARE(model.index(lrRow, ResultsModel::BitsColumn).data(ResultsModel::RawRole).toDouble(),
                 4 + 20.0 / 64);
        QCOMPARE(model.index(lrRow, ResultsModel::SizeColumn).data(ResultsModel::RawRole).toDouble(),
                 model.index(eqatRow, ResultsModel::SizeColumn).data(ResultsModel::RawRole).toDouble());

        // The chart: a bar for each, labelled by method.
        QMap<double, double> bars;
        for (auto it = page.chart()->bars()[0]->data()->constBegin();
             it != page.chart()->bars()[0]->data()->constEnd(); ++it)
            bars[it->key] = it->value;
        QCOMPARE(bars.value(lrRow + 1), 3.55);
        QCOMPARE(bars.value(eqatRow + 1), 3.62);
        auto ticker = page.chart()->xAxis->ticker().dynamicCast<QCPAxisTickerText>();
        QVERIFY(ticker);
        QCOMPARE(ticker->ticks().value(lrRow + 1), QStringLiteral("stories-lr-qat-w4g64\nLR-QAT"));

        // Side-by-side generation offers it by its method's name.
        auto* left = page.findChild<QComboBox*>(QStringLiteral("leftModelCombo"));
        QVERIFY(left->findText(QStringLiteral("stories-lr-qat-w4g64 (LR-QAT W4 g64)")) >= 0);
        QVERIFY(left->findText(QStringLiteral("stories-efficientqat-w4g64 (EfficientQAT W4 g64)")) >= 0);
    }

    // A run done in two sessions (the second resumes it): the history's times are the
    // sessions' active times, which the RunStarted events mark in metrics.jsonl.
    void resumedRunSessionTimesFromEvents() {
        QTemporaryDir workspace;
        QVERIFY(workspace.isValid());
        const QString folder = workspace.filePath(QStringLiteral("stories-rtn-w3g64"));
        QuantizeJob job = baseJob(folder);
        job.method = Method::RoundToNearest;
        job.spec = QuantSpec{3, 64};
        QuantizeJobResult first, second;
        QVERIFY(runQuantizeJob(job, nullptr, first).ok());
        QTest::qWait(1200); // a gap between the sessions that must not count
        QVERIFY(runQuantizeJob(job, nullptr, second).ok());
        QVERIFY(second.resumed);

        // The sessions, read here from the file itself: each starts at its run_started event.
        QFile metrics(folder + QStringLiteral("/metrics.jsonl"));
        QVERIFY(metrics.open(QIODevice::ReadOnly));
        QVector<double> starts, ends;
        QVector<bool> resumed;
        double rtnAt = -1;
        for (const QByteArray& line : metrics.readAll().split('\n')) {
            if (line.trimmed().isEmpty()) continue;
            const QJsonObject e = QJsonDocument::fromJson(line).object();
            const double t = e.value("time").toDouble();
            if (e.value("event").toString() == QLatin1String("run_started")) {
                starts << t;
                ends << t;
                resumed << e.value("resumed").toBool();
            }
            QVERIFY(!ends.isEmpty());
            ends.last() = t;
            if (e.value("event").toString() == QLatin1String("eval_result") &&
                e.value("stage").toString() == QLatin1String("rtn"))
                rtnAt = t;
        }
        QCOMPARE(starts.size(), 2);
        QCOMPARE(resumed, (QVector<bool>{false, true}));
        QVERIFY(starts[1] - ends[0] > 1.0);
        const double firstSession = ends[0] - starts[0], secondSession = ends[1] - starts[1];

        const auto run = readRun(folder);
        QVERIFY(run.has_value());
        QVERIFY(std::abs(run->seconds - (firstSession + secondSession)) < 1e-6);
        QCOMPARE(run->stages.size(), 2);
        QCOMPARE(run->stages[1].stage, QStringLiteral("rtn"));
        QVERIFY(std::abs(run->stages[1].seconds - (firstSession + rtnAt - starts[1])) < 1e-6);
        QVERIFY(run->stages[0].seconds <= run->stages[1].seconds);

        // A hand-written history: two sessions an hour apart, no log text at all.
        const QString written = workspace.filePath(QStringLiteral("written"));
        writeRunFolder(written, QStringLiteral("rtn"), QStringLiteral("2026-01-01T10:00:00Z"),
                       {{"fp", 3.40}, {"rtn", 3.9}});
        if (QTest::currentTestFailed()) return;
        QFile lines(written + QStringLiteral("/metrics.jsonl"));
        QVERIFY(lines.open(QIODevice::WriteOnly));
        lines.write(
            R"({"event":"run_started","time":1000.0,"resumed":false})"
            "\n"
            R"({"event":"eval_result","time":1004.0,"dataset":"eval.txt","perplexity":3.4,"windows":8,"seqlen":128,"stage":"fp"})"
            "\n"
            R"({"event":"run_ended","time":1010.0,"outcome":"cancelled","message":"cancelled"})"
            "\n"
            R"({"event":"run_started","time":4600.0,"resumed":true})"
            "\n"
            R"({"event":"eval_result","time":4625.0,"dataset":"eval.txt","perplexity":3.9,"windows":8,"seqlen":128,"stage":"rtn"})"
            "\n"
            R"({"event":"run_ended","time":4630.0,"outcome":"ok","message":""})"
            "\n");
        lines.close();
        const auto w = readRun(written);
        QVERIFY(w.has_value());
        QCOMPARE(w->seconds, 40.0);
        QCOMPARE(w->stages[0].seconds, 4.0);
        QCOMPARE(w->stages[1].seconds, 35.0);
    }

    // eval.json's accuracies: a column per task and the mean, × / Δ against full precision, the
    // grouped accuracy chart and the CSV export.
    void accuracyColumnsChartAndCsv() {
        QTemporaryDir workspace;
        QVERIFY(workspace.isValid());
        const QString rtn = workspace.filePath(QStringLiteral("stories-rtn-w4g64"));
        writeRunFolder(rtn, QStringLiteral("rtn"), QStringLiteral("2026-01-01T10:00:00Z"),
                       {{"fp", 4.0}, {"rtn", 10.0}});
        addTaskResults(rtn, {"arc_easy", "winogrande"}, 100, {{0.62, 0.5}, {0.41, 0.53}});
        if (QTest::currentTestFailed()) return;
        ResultsPage page;
        page.resize(1000, 800);
        page.setWorkspace(workspace.path());
        const ResultsModel& model = *page.model();
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.taskSets(), (QStringList{"arc_easy · 100", "winogrande · 100"}));
        const int acc = model.firstAccuracyColumn();
        QCOMPARE(acc, ResultsModel::FirstPerplexityColumn + 1);
        QCOMPARE(model.averageAccuracyColumn(), acc + 2);
        QCOMPARE(model.columnCount(), acc + 3);
        QCOMPARE(model.headerData(acc, Qt::Horizontal).toString(), QStringLiteral("ARC-Easy · 100"));
        QCOMPARE(model.headerData(acc + 1, Qt::Horizontal).toString(), QStringLiteral("WinoGrande · 100"));
        const int fp = rowOf(model, QString(), QStringLiteral("fp"));
        const int q = rowOf(model, rtn, QStringLiteral("rtn"));
        QVERIFY(fp >= 0 && q >= 0);
        QCOMPARE(model.index(fp, acc).data(ResultsModel::RawRole).toDouble(), 0.62);
        QCOMPARE(model.index(q, acc + 1).data(ResultsModel::RawRole).toDouble(), 0.53);
        QCOMPARE(model.index(fp, acc).data().toString(), QStringLiteral("62.0"));
        QCOMPARE(model.index(q, acc + 2).data(ResultsModel::RawRole).toDouble(), (0.41 + 0.53) / 2);
        QCOMPARE(model.index(q, acc + 2).data().toString(), QStringLiteral("47.0"));

        // × / Δ against full precision: the quantized row relative, the full-precision row as is.
        auto* relative = page.findChild<QCheckBox*>(QStringLiteral("relativeCheck"));
        QVERIFY(relative);
        relative->click();
        QVERIFY(model.relativeToFullPrecision());
        QCOMPARE(model.index(q, ResultsModel::FirstPerplexityColumn).data().toString(),
                 QStringLiteral("×2.500"));
        QCOMPARE(model.index(q, acc).data().toString(), QStringLiteral("-21.0"));
        QCOMPARE(model.index(q, acc + 1).data().toString(), QStringLiteral("+3.0"));
        QCOMPARE(model.index(fp, acc).data().toString(), QStringLiteral("62.0"));
        QCOMPARE(model.index(q, acc).data(ResultsModel::RawRole).toDouble(), 0.41); // raw stays raw
        relative->click();

        // The accuracy chart: per table row a bar set, keyed by task (the mean last), in %.
        AccuracyChart* chart = page.accuracyChart();
        QCOMPARE(chart->bars().size(), 2);
        for (int b = 0; b < 2; ++b) {
            const ResultRow& row = model.rows()[chart->rowOf(b)];
            QMap<double, double> bars;
            for (auto it = chart->bars()[b]->data()->constBegin(); it != chart->bars()[b]->data()->constEnd();
                 ++it)
                bars[it->key] = it->value;
            QCOMPARE(bars.size(), 3);
            QVERIFY(std::abs(bars.value(1) - 100 * row.accuracy[0]) < 1e-9);
            QVERIFY(std::abs(bars.value(3) - 100 * row.averageAccuracy) < 1e-9);
            QCOMPARE(chart->bars()[b]->name(), row.label);
        }
        auto ticker = chart->xAxis->ticker().dynamicCast<QCPAxisTickerText>();
        QVERIFY(ticker);
        QCOMPARE(ticker->ticks().value(2), QStringLiteral("WinoGrande · 100"));
        QTemporaryDir out;
        QVERIFY(chart->saveChart(out.filePath("accuracy.png"), 640, 400));
        QCOMPARE(QImage(out.filePath("accuracy.png")).size(), QSize(1280, 800));

        // CSV: the headers, then raw numbers (accuracy 0-1) and the text as shown.
        const QString csv = out.filePath("results.csv");
        QVERIFY(page.saveTableCsv(csv));
        QFile f(csv);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QStringList lines =
            QString::fromUtf8(f.readAll()).split(QStringLiteral("\r\n"), Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 3);
        const QStringList header = lines[0].split(QLatin1Char(','));
        QCOMPARE(header.size(), model.columnCount());
        QCOMPARE(header[acc], QStringLiteral("ARC-Easy · 100"));
        const QStringList quantized = lines[1 + q].split(QLatin1Char(','));
        QCOMPARE(quantized[ResultsModel::ModelColumn], QStringLiteral("stories260K"));
        QCOMPARE(quantized[ResultsModel::MethodColumn], QStringLiteral("RTN W4 g64"));
        QCOMPARE(quantized[ResultsModel::FirstPerplexityColumn].toDouble(), 10.0);
        QCOMPARE(quantized[acc].toDouble(), 0.41);
        QCOMPARE(quantized[acc + 2].toDouble(), 0.47);
    }

    void savesPngAndPdf() {
        ResultsPage page;
        page.resize(1000, 800);
        page.setWorkspace(m_workspace.path());
        QTemporaryDir out;
        const QString png = out.filePath("chart.png"), pdf = out.filePath("chart.pdf");
        QVERIFY(page.chart()->saveChart(png, 640, 400));
        QVERIFY(page.chart()->saveChart(pdf, 640, 400));
        const QImage image(png);
        QCOMPARE(image.size(), QSize(1280, 800)); // twice the size, for high-DPI screens
        // Not blank: the bars are drawn in colour.
        QSet<QRgb> colours;
        for (int x = 0; x < image.width(); x += 7)
            for (int y = 0; y < image.height(); y += 7)
                colours.insert(image.pixel(x, y));
        QVERIFY(colours.size() > 4);
        QFile f(pdf);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QVERIFY(f.size() > 1000);
        QVERIFY(f.read(5) == "%PDF-");
    }

    void sideBySideGenerationIsCoresGreedy() {
        ResultsPage page;
        page.setWorkspace(m_workspace.path());
        const auto choices = page.generationChoices();
        // The full-precision model once, then the one finished run (not the partial one).
        QCOMPARE(choices.size(), 2);
        QVERIFY(choices[0].second.isEmpty());
        QCOMPARE(choices[1].second, m_rtnFolder);
        page.setComparison(0, 1);
        const QString prompt = QStringLiteral("Once upon a time");
        page.findChild<QLineEdit*>("promptEdit")->setText(prompt);
        page.findChild<QSpinBox*>("tokensSpin")->setValue(24);
        QSignalSpy done(&page, &ResultsPage::generationFinished);
        QTest::mouseClick(page.findChild<QPushButton*>("generateButton"), Qt::LeftButton);
        QVERIFY(page.isGenerating());
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 120000);

        // Core's greedy generation from BOS + the prompt, with and without the run's state.
        for (int side = 0; side < 2; ++side) {
            std::unique_ptr<Model> model;
            LoadOptions lo;
            lo.threads = 1;
            QVERIFY(Model::load(test::sharedPath("models/stories260K").toStdString(), lo, model).ok());
            if (side == 1)
                QVERIFY(
                    loadQuantizedState(*model, (m_rtnFolder + "/quantized.safetensors").toStdString()).ok());
            std::vector<int64_t> ids{model->tokenizer()->bosId()};
            for (int64_t id : model->tokenizer()->encode(prompt.toStdString()))
                ids.push_back(id);
            GenerateOptions o;
            o.maxNewTokens = 24;
            std::vector<int64_t> out;
            QVERIFY(generate(*model, ids, o, out).ok());
            const QString expected = QString::fromStdString(model->tokenizer()->decode(out));
            QVERIFY(!expected.isEmpty());
            QCOMPARE(page.outputText(side), expected);
            QVERIFY(page.findChild<QPlainTextEdit*>(side ? "rightOutput" : "leftOutput")
                        ->toPlainText()
                        .startsWith(prompt + expected));
        }
    }

    void newWindowListsTheHistoryAndResumes() {
        MainWindow window;
        window.show();
        auto* navigation = window.findChild<QListWidget*>(QStringLiteral("navigation"));
        QCOMPARE(navigation->count(), 5);
        ResultsPage* results = window.resultsPage();
        QCOMPARE(results->workspace(), m_workspace.path());
        QCOMPARE(results->model()->runs().size(), 2);
        QCOMPARE(results->model()->rowCount(), 3);

        auto* resume = results->findChild<QPushButton*>(QStringLiteral("resumeButton"));
        const int rtnRow = rowOf(*results->model(), m_rtnFolder, QStringLiteral("rtn"));
        results->selectRow(rtnRow);
        QVERIFY(!resume->isEnabled()); // finished: nothing to resume
        const int partialRow = rowOf(*results->model(), m_partialFolder, QStringLiteral("block-ap"));
        results->selectRow(partialRow);
        QVERIFY(resume->isEnabled());
        QTest::mouseClick(resume, Qt::LeftButton);
        QCOMPARE(navigation->currentRow(), int(MainWindow::RunPageIndex));
        RunPage* run = window.runPage();
        QVERIFY(run->job().has_value());
        QCOMPARE(QString::fromStdString(run->job()->out.string()), m_partialFolder);
        QCOMPARE(run->job()->method, Method::BlockAp);
        QCOMPARE(run->job()->spec.bits, 2);
        QCOMPARE(run->job()->calibration.trainWindows, 8);
        QCOMPARE(run->job()->evalSeqlen, 128); // kept from run.json though no page shows it
        auto* start = run->findChild<QPushButton*>(QStringLiteral("startButton"));
        QVERIFY(start->isEnabled());

        // Start resumes the run after its finished block and completes it; the results follow.
        QSignalSpy finished(run, &RunPage::runFinished);
        QTest::mouseClick(start, Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 300000);
        QVERIFY2(run->lastOutcome().ok(), qPrintable(run->lastOutcome().message));
        QVERIFY(run->lastOutcome().resumed);
        const int row = rowOf(*results->model(), m_partialFolder, QStringLiteral("block-ap"));
        QVERIFY(row >= 0);
        QVERIFY(results->model()->rows()[row].finished);
        QCOMPARE(results->model()
                     ->index(row, ResultsModel::FirstPerplexityColumn)
                     .data(ResultsModel::RawRole)
                     .toDouble(),
                 run->lastOutcome().perplexity.last().first());

        // The Model page's estimate of the run folder is within 25% of what the run wrote
        // (block checkpoints and the quantized state; metrics and JSON left out).
        const ModelSummary* summary = window.modelPage()->summary();
        QVERIFY(summary);
        const RunEstimate estimate = estimateRun(*summary, *run->job());
        qint64 written = QFileInfo(m_partialFolder + "/quantized.safetensors").size();
        for (const QFileInfo& f : QDir(m_partialFolder + "/blocks").entryInfoList(QDir::Files))
            written += f.size();
        qInfo("run folder: estimated %.0f bytes, written %lld", estimate.diskBytes,
              static_cast<long long>(written));
        QVERIFY(std::abs(estimate.diskBytes - written) < 0.25 * written);
        QVERIFY(estimate.peakMemoryBytes > estimate.modelBytes + estimate.cacheBytes);
        QCOMPARE(estimate.modelBytes, 4.0 * summary->parameters);
        QVERIFY(
            !window.modelPage()->findChild<QLabel*>(QStringLiteral("estimateDiskValue"))->text().isEmpty());
        QVERIFY(window.modelPage()
                    ->findChild<QLabel*>(QStringLiteral("estimateBasisLabel"))
                    ->text()
                    .contains(QStringLiteral("block-ap W2 g64")));
    }
};

QTEST_MAIN(TestResultsPage)
#include "TestResultsPage.moc"
