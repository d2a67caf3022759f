// SPDX-License-Identifier: GPL-3.0-or-later
// EfficientQAT's E2E-QP on stories260K after round-to-nearest: perplexity improves, the
// integer codes and zero points stay bitwise the same, only scales move; cancel and a
// model that is not quantized.
#include "Stories260K.h"

#include "model/ModelImpl.h"
#include "quant/QuantLinear.h"

#include "qat/Calibration.h"
#include "qat/E2eQp.h"
#include "qat/Evaluation.h"
#include "qat/Model.h"
#include "qat/Quantization.h"

#include <algorithm>
#include <cmath>

#include <QElapsedTimer>
#include <QtTest>

using namespace qat;

using namespace qat::test::stories;

class TestE2eQp : public QObject {
    Q_OBJECT

private:
    // A short run: the paper's lr (1e-5 at 3 bits) barely moves the scales in a dozen
    // steps, so the test raises it to show the effect.
    static E2eQpOptions shortRun() {
        E2eQpOptions o;
        o.lr = 1e-3;
        o.epochs = 2;
        o.batchSize = 4;
        o.gradientAccumulation = 2;
        return o;
    }

private Q_SLOTS:
    void improvesPerplexityKeepsCodes() {
        std::unique_ptr<Model> model;
        Status st = Model::load(modelDir(), LoadOptions{}, model);
        QVERIFY2(st.ok(), st.message.c_str());
        const QuantSpec spec{3, 64};
        QVERIFY(quantizeRoundToNearest(*model, spec).ok());
        const double before = perplexity(*model);
        const std::vector<LayerState> initial = layerStates(*model);
        QCOMPARE(initial.size(), size_t(model->impl().llama->numBlocks() * names::kLinearSlots));
        const torch::Tensor embedding = model->impl().llama->embedding.clone();
        const torch::Tensor finalNorm = model->impl().llama->finalNorm->weight.clone();

        const CalibrationData data = calibration(*model, 48);
        Recorder rec;
        E2eQpResult result;
        QElapsedTimer timer;
        timer.start();
        st = runE2eQp(*model, spec, shortRun(), data, &rec, result);
        QVERIFY2(st.ok(), st.message.c_str());
        const double after = perplexity(*model);
        qInfo("W3 g64 RTN ppl %.4f -> E2E-QP ppl %.4f (20 windows of 512); train loss %.4f -> %.4f, "
              "val loss %.4f -> %.4f; %lld steps, lr %g, %.1f s",
              before, after, result.initialTrainLoss, result.finalTrainLoss, result.initialValLoss,
              result.finalValLoss, static_cast<long long>(result.steps), result.lr, timer.elapsed() / 1000.0);

        // 48 windows / (4 × 2) = 6 steps per epoch, 2 epochs.
        QCOMPARE(result.steps, int64_t(12));
        QCOMPARE(rec.steps.size(), size_t(12));
        QCOMPARE(rec.steps.front().steps, int64_t(12));
        QCOMPARE(rec.steps.front().lr, 0.0); // warm-up: ceil(0.03 × 12) = 1 step
        QCOMPARE(rec.steps[1].lr, 1e-3);     // the peak right after warm-up
        QVERIFY(rec.steps.back().lr < 1e-4); // cosine decay
        QCOMPARE(rec.phases, std::vector<Phase>{Phase::E2eQp});
        QCOMPARE(rec.epochs.size(), size_t(2));
        QCOMPARE(rec.epochs.back().block, int64_t(-1));
        QVERIFY(result.finalValLoss < result.initialValLoss);
        QVERIFY2(after < before, qPrintable(QString("ppl %1 -> %2").arg(before).arg(after)));

        // Integers and zero points bitwise unchanged; scales moved; nothing else trained.
        const std::vector<LayerState> final = layerStates(*model);
        QCOMPARE(final.size(), initial.size());
        int64_t changedScales = 0;
        for (size_t i = 0; i < final.size(); ++i) {
            QVERIFY(torch::equal(final[i].codes, initial[i].codes));
            QVERIFY(torch::equal(final[i].zero, initial[i].zero));
            QCOMPARE(final[i].scale.scalar_type(), torch::kFloat32);
            if (!torch::equal(final[i].scale, initial[i].scale)) ++changedScales;
        }
        QCOMPARE(changedScales, int64_t(final.size()));
        QVERIFY(torch::equal(model->impl().llama->embedding, embedding));
        QVERIFY(torch::equal(model->impl().llama->finalNorm->weight, finalNorm));
        // The layers compute with the trained scales (the dequantized cache was rebuilt).
        auto q = std::dynamic_pointer_cast<FrozenQuantLinear>(
            model->impl().llama->block(0)->linear(names::LinearSlot::Q));
        QVERIFY(q);
        QVERIFY(torch::equal(q->effectiveWeight(), q->dequantize()));
    }

    // Gradient checkpointing per block recomputes the blocks in the backward pass: the
    // trained scales equal those of the plain backward pass up to float rounding.
    void gradientCheckpointingMatchesPlainBackward() {
        const QuantSpec spec{3, 64};
        std::vector<std::vector<LayerState>> states;
        for (bool checkpointing : {true, false}) {
            std::unique_ptr<Model> model;
            QVERIFY(Model::load(modelDir(), LoadOptions{}, model).ok());
            QVERIFY(quantizeRoundToNearest(*model, spec).ok());
            const CalibrationData data = calibration(*model, 16);
            E2eQpOptions o = shortRun();
            o.epochs = 1;
            o.gradientCheckpointing = checkpointing;
            E2eQpResult result;
            const Status st = runE2eQp(*model, spec, o, data, nullptr, result);
            QVERIFY2(st.ok(), st.message.c_str());
            states.push_back(layerStates(*model));
        }
        QCOMPARE(states[0].size(), states[1].size());
        double worst = 0.0;
        for (size_t i = 0; i < states[0].size(); ++i) {
            const torch::Tensor a = states[0][i].scale, b = states[1][i].scale;
            worst = std::max(worst, ((a - b).abs() / b.abs()).max().item<double>());
        }
        qInfo("largest relative difference of a trained scale, checkpointing vs not: %.3g", worst);
        QVERIFY(worst < 1e-4);
    }

    void cancelLeavesModelAsItWas() {
        std::unique_ptr<Model> model;
        QVERIFY(Model::load(modelDir(), LoadOptions{}, model).ok());
        const QuantSpec spec{3, 64};
        QVERIFY(quantizeRoundToNearest(*model, spec).ok());
        const std::vector<LayerState> initial = layerStates(*model);
        const CalibrationData data = calibration(*model, 32);
        CancelAfter sink(2);
        E2eQpResult result;
        const Status st = runE2eQp(*model, spec, shortRun(), data, &sink, result);
        QCOMPARE(st.kind, ErrorKind::Cancelled);
        QCOMPARE(sink.seen, 2);
        const std::vector<LayerState> now = layerStates(*model);
        QCOMPARE(now.size(), initial.size());
        for (size_t i = 0; i < now.size(); ++i) {
            QVERIFY(torch::equal(now[i].codes, initial[i].codes));
            QVERIFY(torch::equal(now[i].scale, initial[i].scale));
        }
    }

    void trainZerosKeepsThemIntegral() {
        std::unique_ptr<Model> model;
        QVERIFY(Model::load(modelDir(), LoadOptions{}, model).ok());
        const QuantSpec spec{3, 64};
        QVERIFY(quantizeRoundToNearest(*model, spec).ok());
        const std::vector<LayerState> initial = layerStates(*model);
        const CalibrationData data = calibration(*model, 8);
        E2eQpOptions o;
        o.trainZeros = true;
        o.lr = 0.6; // one Adam step moves each zero by about lr: enough to cross a rounding
        o.warmupFraction = 0.0;
        o.batchSize = 4;
        o.gradientAccumulation = 2;
        E2eQpResult result;
        const Status st = runE2eQp(*model, spec, o, data, nullptr, result);
        QVERIFY2(st.ok(), st.message.c_str());
        QCOMPARE(result.steps, int64_t(1));
        const std::vector<LayerState> now = layerStates(*model);
        QCOMPARE(now.size(), initial.size());
        int64_t changedZeros = 0;
        for (size_t i = 0; i < now.size(); ++i) {
            QVERIFY(torch::equal(now[i].codes, initial[i].codes));
            QVERIFY(torch::equal(now[i].zero, torch::round(now[i].zero)));
            if (!torch::equal(now[i].zero, initial[i].zero)) ++changedZeros;
        }
        QVERIFY(changedZeros > 0);
    }

    // A step larger than the scales themselves drives many of them through zero: the trained
    // and frozen step sizes stay clamped into the quantizer's range, as in Block-AP.
    void scalesStayPositive() {
        std::unique_ptr<Model> model;
        QVERIFY(Model::load(modelDir(), LoadOptions{}, model).ok());
        const QuantSpec spec{3, 64};
        QVERIFY(quantizeRoundToNearest(*model, spec).ok());
        const std::vector<LayerState> initial = layerStates(*model);
        double largest = 0;
        for (const LayerState& l : initial)
            largest = std::max(largest, l.scale.max().item<double>());
        const CalibrationData data = calibration(*model, 8);
        E2eQpOptions o;
        o.lr = 2 * largest; // one Adam step moves each scale by about lr
        o.warmupFraction = 0.0;
        o.batchSize = 4;
        o.gradientAccumulation = 2;
        E2eQpResult result;
        const Status st = runE2eQp(*model, spec, o, data, nullptr, result);
        QVERIFY2(st.ok(), st.message.c_str());
        QCOMPARE(result.steps, int64_t(1));
        int64_t atFloor = 0;
        for (const LayerState& l : layerStates(*model)) {
            QVERIFY(torch::isfinite(l.scale).all().item<bool>());
            QVERIFY2(l.scale.min().item<float>() >= 1e-4f, // the float32 nearest kScaleMin
                     qPrintable(QString::number(l.scale.min().item<double>())));
            atFloor += (l.scale <= 1.0001e-4).sum().item<int64_t>();
        }
        QVERIFY(atFloor > 0); // the clamp was reached
        QVERIFY(std::isfinite(perplexity(*model)));
    }

    void needsQuantizedModel() {
        std::unique_ptr<Model> model;
        QVERIFY(Model::load(modelDir(), LoadOptions{}, model).ok());
        const CalibrationData data = calibration(*model, 8);
        E2eQpResult result;
        const Status st = runE2eQp(*model, QuantSpec{3, 64}, E2eQpOptions{}, data, nullptr, result);
        QCOMPARE(st.kind, ErrorKind::BadInput);
        QCOMPARE(QString::fromStdString(st.message),
                 QString("E2E-QP needs a quantized model (run Block-AP or RTN first)"));
        QVERIFY(layerStates(*model).empty());
    }

    void defaultLearningRateByBits() {
        E2eQpOptions o;
        QCOMPARE(e2eQpLearningRate(o, 2), 2e-5);
        QCOMPARE(e2eQpLearningRate(o, 3), 1e-5);
        QCOMPARE(e2eQpLearningRate(o, 4), 1e-5);
        o.lr = 5e-4;
        QCOMPARE(e2eQpLearningRate(o, 2), 5e-4);
    }
};

QTEST_GUILESS_MAIN(TestE2eQp)
#include "TestE2eQp.moc"
