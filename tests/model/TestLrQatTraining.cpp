// SPDX-License-Identifier: GPL-3.0-or-later
// LR-QAT on stories260K: training lowers the loss and beats symmetric round-to-nearest with
// the same initial step sizes, the merged model is plain symmetric integers that save, reload
// and export to the same perplexity, a cancelled run resumes to the uninterrupted result, and
// the whole job runs through runQuantizeJob (--method lr-qat).
#include "Stories260K.h"

#include "model/ModelImpl.h"
#include "quant/FakeQuant.h"
#include "quant/QuantLinear.h"

#include "qat/Calibration.h"
#include "qat/Evaluation.h"
#include "qat/Export.h"
#include "qat/LrQat.h"
#include "qat/Model.h"
#include "qat/Quantization.h"
#include "qat/QuantizeJob.h"
#include "qat/RunDirectory.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <nlohmann/json.hpp>

using namespace qat;
using namespace qat::test::stories;

namespace {

bool sameStates(const std::vector<LayerState>& a, const std::vector<LayerState>& b) {
    if (a.size() != b.size() || a.empty()) return false;
    for (size_t i = 0; i < a.size(); ++i)
        if (!torch::equal(a[i].codes, b[i].codes) || !torch::equal(a[i].scale, b[i].scale) ||
            !torch::equal(a[i].zero, b[i].zero))
            return false;
    return true;
}

} // namespace

class TestLrQatTraining : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_tmp;

    static LrQatOptions shortRun() {
        LrQatOptions o;
        o.lr = 1e-2; // above the demo preset's 3e-3: a visible effect in a few steps
        o.steps = 24;
        o.batchSize = 4;
        o.warmupFraction = 0.1;
        return o;
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_tmp.isValid()); }

    void trainsMergesAndBeatsRoundToNearest() {
        const QuantSpec spec{4, 0};
        // Symmetric round-to-nearest with the same (Lp, p = 4) step sizes: LR-QAT's start.
        auto rtn = load();
        QuantizerOptions sym;
        sym.symmetric = true;
        QVERIFY(quantizeRoundToNearest(*rtn, spec, sym).ok());
        const double rtnPpl = perplexity(*rtn);

        auto model = load();
        const double fpPpl = perplexity(*model);
        const CalibrationData data = calibration(*model, 96);
        Recorder rec;
        LrQatResult result;
        const Status st = runLrQat(*model, spec, shortRun(), data, &rec, result);
        QVERIFY2(st.ok(), st.message.c_str());
        QCOMPARE(rec.phases, std::vector<Phase>{Phase::LrQat});
        QCOMPARE(rec.steps.size(), size_t(24));
        QCOMPARE(result.steps, int64_t(24));
        QVERIFY2(
            result.finalValLoss < result.initialValLoss,
            qPrintable(
                QStringLiteral("val loss %1 -> %2").arg(result.initialValLoss).arg(result.finalValLoss)));
        // stories260K: 7 linears x 5 blocks, rank 32 adapters r(in + out) each.
        QCOMPARE(result.adapterParameters, int64_t(184960));

        // Merged: frozen symmetric integers (zero point 8 everywhere at 4 bits).
        const auto states = layerStates(*model);
        QCOMPARE(states.size(), size_t(35));
        for (const auto& s : states)
            QVERIFY(torch::equal(s.zero, torch::full_like(s.zero, 8.0)));
        const double lrPpl = perplexity(*model);
        qInfo("stories260K W4 per channel, 20 windows of 512: fp %.4f, symmetric RTN %.4f, LR-QAT (24 steps) "
              "%.4f",
              fpPpl, rtnPpl, lrPpl);
        QVERIFY(lrPpl < rtnPpl - 0.3 * (rtnPpl - fpPpl)); // closes at least 30% of the gap in 24 steps

        // Saved and reloaded into a fresh model: the same numbers.
        const std::string file = (m_tmp.path() + "/lrqat.safetensors").toStdString();
        QVERIFY(saveQuantizedState(*model, file).ok());
        auto reloaded = load();
        QuantSpec read;
        const Status lst = loadQuantizedState(*reloaded, file, &read);
        QVERIFY2(lst.ok(), lst.message.c_str());
        QCOMPARE(read.bits, 4);
        QCOMPARE(perplexity(*reloaded), lrPpl);
    }

    void cancelledRunResumesToTheSameResult() {
        const QuantSpec spec{3, 64};
        LrQatOptions o = shortRun();
        o.steps = 8;
        o.checkpointSeconds = 0;
        RunSpec rs;
        rs.modelFolder = modelDir();

        auto whole = load();
        const CalibrationData data = calibration(*whole, 32);
        LrQatResult r1;
        QVERIFY(runLrQat(*whole, spec, o, data, nullptr, r1).ok());

        const std::filesystem::path folder = (m_tmp.path() + "/resume").toStdString();
        std::unique_ptr<RunDirectory> run;
        QVERIFY(RunDirectory::open(folder, rs, run).ok());
        auto first = load();
        CancelAfter cancel(3);
        LrQatResult r2;
        const Status cst = runLrQat(*first, spec, o, data, &cancel, r2, run.get());
        QCOMPARE(cst.kind, ErrorKind::Cancelled);
        QVERIFY(run->hasE2eCheckpoint());
        // The model is left full precision after a failure.
        QVERIFY(layerStates(*first).empty());

        auto second = load();
        LrQatResult r3;
        const Status rst = runLrQat(*second, spec, o, data, nullptr, r3, run.get());
        QVERIFY2(rst.ok(), rst.message.c_str());
        QCOMPARE(r3.resumedAtStep, int64_t(3));
        QVERIFY(sameStates(layerStates(*whole), layerStates(*second)));
        QCOMPARE(r3.finalValLoss, r1.finalValLoss);

        // A checkpoint of other settings is refused, naming the file.
        auto third = load();
        LrQatOptions other = o;
        other.rank = 8;
        LrQatResult r4;
        const Status ost = runLrQat(*third, spec, other, data, nullptr, r4, run.get());
        QCOMPARE(ost.kind, ErrorKind::BadInput);
        QVERIFY2(ost.message.find("e2e.safetensors") != std::string::npos, ost.message.c_str());
    }

    void refusesQuantizedModelAndBadOptions() {
        auto model = load();
        const CalibrationData data = calibration(*model, 8);
        LrQatResult r;
        LrQatOptions bad = shortRun();
        bad.rank = 0;
        Status st = runLrQat(*model, QuantSpec{4, 0}, bad, data, nullptr, r);
        QCOMPARE(st.kind, ErrorKind::BadInput);
        QVERIFY2(st.message.find("rank") != std::string::npos, st.message.c_str());
        QVERIFY(quantizeRoundToNearest(*model, QuantSpec{4, 0}).ok());
        st = runLrQat(*model, QuantSpec{4, 0}, shortRun(), data, nullptr, r);
        QCOMPARE(st.kind, ErrorKind::BadInput);
        QVERIFY2(st.message.find("full-precision") != std::string::npos, st.message.c_str());
    }

    void demoPresetsAreLrQatJobs() {
        for (const char* name :
             {"lr-qat-w4-per-channel-demo.json", "lr-qat-w4g64-demo.json", "lr-qat-w3g64-demo.json"}) {
            QFile f(test::sourcePath(QStringLiteral("resources/presets/") + QLatin1String(name)));
            QVERIFY2(f.open(QIODevice::ReadOnly), name);
            QuantizeJob job;
            const Status st = applyJobConfig(f.readAll().toStdString(), name, job);
            QVERIFY2(st.ok(), st.message.c_str());
            QCOMPARE(job.method, Method::LrQat);
            QCOMPARE(job.lrQat.lr, 3e-3);
            QCOMPARE(job.lrQat.scaleLr, 1e-5);
            QCOMPARE(job.lrQat.rank, int64_t(32));
            QCOMPARE(job.calibration.trainWindows, int64_t(1024));
        }
    }

    void jobRunsExportsAndReloads() {
        QuantizeJob job;
        job.model = modelDir();
        job.method = Method::LrQat;
        job.spec = QuantSpec{4, 64};
        job.calibration.files = {calibFile()};
        job.calibration.seqlen = 128;
        job.calibration.trainWindows = 16;
        job.calibration.valWindows = 4;
        job.lrQat.steps = 4;
        job.evalFiles = {evalFile()};
        job.evalSeqlen = 512;
        job.evalMaxWindows = 8;
        job.out = (m_tmp.path() + "/job").toStdString();
        QuantizeJobResult result;
        Status st = runQuantizeJob(job, nullptr, result);
        QVERIFY2(st.ok(), st.message.c_str());
        QCOMPARE(result.stages.size(), size_t(2));
        QCOMPARE(result.stages[0].stage, std::string("fp"));
        QCOMPARE(result.stages[1].stage, std::string("lr-qat"));
        QCOMPARE(result.lrQat.steps, int64_t(4));

        // run.json records the method and its settings; applying it back gives the same job.
        QFile runJson(QString::fromStdString((job.out / "run.json").string()));
        QVERIFY(runJson.open(QIODevice::ReadOnly));
        const auto j = nlohmann::json::parse(runJson.readAll().toStdString());
        QCOMPARE(j["config"]["method"].get<std::string>(), std::string("lr-qat"));
        QCOMPARE(j["config"]["lr_qat"]["rank"].get<int64_t>(), int64_t(32));
        QCOMPARE(j["config"]["lr_qat"]["phi0"].get<std::string>(), std::string("int8"));
        QuantizeJob again;
        QVERIFY(applyJobConfig(j.dump(), "run.json", again).ok());
        QCOMPARE(again.method, Method::LrQat);
        QCOMPARE(again.lrQat.steps, int64_t(4));
        QCOMPARE(jobConfigJson(again), j["config"].dump());

        // GPTQ export: symmetric codes are the asymmetric layout with z = 2^(N-1).
        ExportOptions eo;
        eo.format = ExportFormat::Gptq;
        eo.dtype = "float32";
        ExportReport report;
        st = exportRun(job.out, eo, report);
        QVERIFY2(st.ok(), st.message.c_str());
        std::unique_ptr<Model> exported;
        st = Model::load(report.folder, LoadOptions{}, exported);
        QVERIFY2(st.ok(), st.message.c_str());
        PerplexityOptions po;
        po.seqlen = 512;
        po.maxWindows = 8;
        PerplexityResult pr;
        QVERIFY(evaluatePerplexity(*exported, evalFile(), po, pr).ok());
        const double inMemory = result.stages[1].perplexity[0];
        QVERIFY2(std::abs(pr.perplexity / inMemory - 1.0) < 1e-3,
                 qPrintable(QStringLiteral("exported %1, in memory %2").arg(pr.perplexity).arg(inMemory)));
    }
};

QTEST_GUILESS_MAIN(TestLrQatTraining)
#include "TestLrQatTraining.moc"
