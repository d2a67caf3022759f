// SPDX-License-Identifier: GPL-3.0-or-later
// EfficientQAT Block-AP on stories260K at W2 g64: every block's output MSE drops with
// training, the events arrive per block, perplexity beats round-to-nearest, and a cancel
// request ends the run with ErrorKind::Cancelled.
#include "TestPaths.h"

#include "qat/BlockAp.h"
#include "qat/Calibration.h"
#include "qat/Evaluation.h"
#include "qat/Model.h"
#include "qat/Quantization.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

using namespace qat;

namespace {

class CountingSink : public ProgressSink {
public:
    void onPhase(const PhaseChanged& e) override {
        if (e.phase == Phase::BlockAp) ++phases;
    }
    void onBlockStarted(const BlockStarted& e) override { started.push_back(e.block); }
    void onStepLoss(const StepLoss& e) override {
        ++steps;
        if (!std::isfinite(e.loss) || e.lr <= 0.0) ++badSteps;
    }
    void onEpochEnd(const EpochEnd&) override { ++epochs; }
    void onBlockFinished(const BlockFinished& e) override { finished.push_back(e.block); }
    bool isCancelled() const override { return cancelAfter >= 0 && steps >= cancelAfter; }

    int phases = 0, steps = 0, badSteps = 0, epochs = 0;
    int cancelAfter = -1;
    std::vector<int64_t> started, finished;
};

} // namespace

class TestBlockAp : public QObject {
    Q_OBJECT

private:
    static std::string modelDir() { return test::sharedPath("models/stories260K").toStdString(); }
    static std::string calibFile() {
        return test::sharedPath("data/tinystories-gen/calib.txt").toStdString();
    }
    static std::string evalFile() { return test::sharedPath("data/tinystories-gen/eval.txt").toStdString(); }

    static std::unique_ptr<Model> load() {
        std::unique_ptr<Model> model;
        Status st = Model::load(modelDir(), LoadOptions{}, model);
        if (!st.ok()) qFatal("loading stories260K: %s", st.message.c_str());
        return model;
    }

    static CalibrationData calibration(const Model& model, int64_t train, int64_t val) {
        CalibrationOptions o;
        o.files = {calibFile()};
        o.seqlen = 256;
        o.trainWindows = train;
        o.valWindows = val;
        CalibrationData data;
        Status st = loadCalibrationData(*model.tokenizer(), o, data);
        if (!st.ok()) qFatal("calibration data: %s", st.message.c_str());
        return data;
    }

    static double perplexity(Model& model) {
        PerplexityOptions o;
        o.seqlen = 512;
        o.batchSize = 10;
        o.maxWindows = 20;
        PerplexityResult r;
        Status st = evaluatePerplexity(model, evalFile(), o, r);
        if (!st.ok()) qFatal("perplexity: %s", st.message.c_str());
        return r.perplexity;
    }

private Q_SLOTS:
    void w2g64BeatsRoundToNearest() {
        QElapsedTimer timer;
        timer.start();
        const QuantSpec spec{2, 64};

        std::unique_ptr<Model> rtn = load();
        QVERIFY(quantizeRoundToNearest(*rtn, spec).ok());
        const double pplRtn = perplexity(*rtn);
        rtn.reset();

        std::unique_ptr<Model> model = load();
        const CalibrationData data = calibration(*model, 32, 8);
        BlockApOptions options; // paper defaults except the learning rates, raised for
        options.epochs = 2;     // a tiny model and few steps
        options.weightLr = 1e-3;
        options.quantizerLr = 1e-3;
        CountingSink sink;
        BlockApResult result;
        Status st = runBlockAp(*model, spec, options, data, &sink, result);
        QVERIFY2(st.ok(), st.message.c_str());

        const int64_t blocks = model->config().numLayers;
        QCOMPARE(int64_t(result.mseBefore.size()), blocks);
        QCOMPARE(int64_t(result.mseAfter.size()), blocks);
        QCOMPARE(int64_t(result.seconds.size()), blocks);
        for (int64_t i = 0; i < blocks; ++i) {
            const auto k = static_cast<size_t>(i);
            qInfo("block %lld: mse %.6g -> %.6g (%.2f s)", static_cast<long long>(i), result.mseBefore[k],
                  result.mseAfter[k], result.seconds[k]);
            QVERIFY2(result.mseAfter[k] < result.mseBefore[k], qPrintable(QString("block %1").arg(i)));
        }
        QCOMPARE(sink.phases, 1);
        std::vector<int64_t> expected;
        for (int64_t i = 0; i < blocks; ++i)
            expected.push_back(i);
        QCOMPARE(sink.started, expected);
        QCOMPARE(sink.finished, expected);
        QCOMPARE(sink.steps, int(blocks * 2 * (32 / 2)));
        QCOMPARE(sink.badSteps, 0);
        QCOMPARE(sink.epochs, int(blocks * 2));

        const double pplBlockAp = perplexity(*model);
        qInfo("W2 g64 perplexity (eval.txt, 20 windows of 512): RTN %.3f, Block-AP %.3f; %.1f s", pplRtn,
              pplBlockAp, timer.elapsed() / 1000.0);
        QVERIFY2(pplBlockAp < pplRtn, qPrintable(QString("Block-AP %1, RTN %2").arg(pplBlockAp).arg(pplRtn)));
    }

    void cancelEndsTheRun() {
        std::unique_ptr<Model> model = load();
        const CalibrationData data = calibration(*model, 16, 0);
        CountingSink sink;
        sink.cancelAfter = 3;
        BlockApResult result;
        Status st = runBlockAp(*model, QuantSpec{2, 64}, BlockApOptions{}, data, &sink, result);
        QCOMPARE(st.kind, ErrorKind::Cancelled);
        QCOMPARE(sink.steps, 3);
        QVERIFY(result.mseAfter.empty());
    }

    // Activation caches in memory-mapped files compute exactly what caches in memory do,
    // and leave no file behind; float32 caches differ from float16 ones only a little.
    void cachesOnDiskMatchMemory() {
        QTemporaryDir tmp;
        QVERIFY(tmp.isValid());
        const QuantSpec spec{2, 64};
        auto runWith = [&](CacheDType dtype, const std::string& dir, const std::string& state, double& mse) {
            std::unique_ptr<Model> model = load();
            const CalibrationData data = calibration(*model, 8, 2);
            BlockApOptions options;
            options.epochs = 1;
            options.weightLr = 1e-3;
            options.quantizerLr = 1e-3;
            options.cacheDType = dtype;
            options.cacheDir = dir;
            BlockApResult result;
            Status st = runBlockAp(*model, spec, options, data, nullptr, result);
            QVERIFY2(st.ok(), st.message.c_str());
            st = saveQuantizedState(*model, state);
            QVERIFY2(st.ok(), st.message.c_str());
            mse = result.mseAfter.back();
        };
        const std::string base = tmp.path().toStdString();
        const std::string cacheDir = base + "/caches";
        double memory = 0, disk = 0, fp32 = 0;
        runWith(CacheDType::Float16, "", base + "/memory.safetensors", memory);
        runWith(CacheDType::Float16, cacheDir, base + "/disk.safetensors", disk);
        runWith(CacheDType::Float32, "", base + "/fp32.safetensors", fp32);
        QCOMPARE(disk, memory);
        QFile a(QString::fromStdString(base + "/memory.safetensors")),
            b(QString::fromStdString(base + "/disk.safetensors"));
        QVERIFY(a.open(QIODevice::ReadOnly) && b.open(QIODevice::ReadOnly));
        QVERIFY2(a.readAll() == b.readAll(), "disk caches changed the result");
        QVERIFY2(QDir(QString::fromStdString(cacheDir)).entryList(QDir::Files).isEmpty(),
                 "cache files left behind");
        qInfo("last block's MSE after training: fp16 caches %.6g, fp32 caches %.6g", memory, fp32);
        QVERIFY(std::abs(fp32 - memory) < 0.05 * fp32);
        QCOMPARE(blockApCacheBytes(BlockApOptions{}, 10, 256, 64), int64_t(3 * 10 * 256 * 64 * 2));
    }

    void badOptionsAreRefused() {
        std::unique_ptr<Model> model = load();
        const CalibrationData data = calibration(*model, 4, 0);
        BlockApOptions options;
        options.epochs = 0;
        BlockApResult result;
        QCOMPARE(runBlockAp(*model, QuantSpec{2, 64}, options, data, nullptr, result).kind,
                 ErrorKind::BadInput);
        QCOMPARE(runBlockAp(*model, QuantSpec{1, 64}, BlockApOptions{}, data, nullptr, result).kind,
                 ErrorKind::BadInput);
        QCOMPARE(
            runBlockAp(*model, QuantSpec{2, 64}, BlockApOptions{}, CalibrationData{}, nullptr, result).kind,
            ErrorKind::BadInput);
    }
};

QTEST_GUILESS_MAIN(TestBlockAp)
#include "TestBlockAp.moc"
