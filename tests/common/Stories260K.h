// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// What the end-to-end training tests on stories260K (E2E-QP, LR-QAT) share: the model and its
// data in ../shared, loading, calibration windows, a 20-window perplexity, the frozen layers'
// integer state, and progress sinks that cancel after some steps or record what they see.

#include "TestPaths.h"

#include "model/ModelImpl.h"
#include "quant/QuantLinear.h"

#include "qat/Calibration.h"
#include "qat/Evaluation.h"
#include "qat/Model.h"
#include "qat/Progress.h"

#include <QtGlobal>

#include <memory>
#include <string>
#include <vector>

namespace qat::test::stories {

inline std::string modelDir() {
    return sharedPath("models/stories260K").toStdString();
}
inline std::string evalFile() {
    return sharedPath("data/tinystories-gen/eval.txt").toStdString();
}
inline std::string calibFile() {
    return sharedPath("data/tinystories-gen/calib.txt").toStdString();
}

inline std::unique_ptr<Model> load() {
    std::unique_ptr<Model> model;
    const Status st = Model::load(modelDir(), LoadOptions{}, model);
    if (!st.ok()) qFatal("%s", st.message.c_str());
    return model;
}

/// `windows` training windows of 256 tokens and 8 validation windows from calib.txt.
inline CalibrationData calibration(Model& model, int64_t windows) {
    CalibrationOptions o;
    o.files = {calibFile()};
    o.seqlen = 256;
    o.trainWindows = windows;
    o.valWindows = 8;
    return loadCalibrationData(*model.tokenizer(), o);
}

/// Perplexity on the first 20 windows of 512 tokens of eval.txt.
inline double perplexity(Model& model) {
    PerplexityOptions o;
    o.seqlen = 512;
    o.batchSize = 8;
    o.maxWindows = 20;
    PerplexityResult r;
    const Status st = evaluatePerplexity(model, evalFile(), o, r);
    if (!st.ok()) qFatal("%s", st.message.c_str());
    return r.perplexity;
}

/// One frozen layer's integers and scales, copied.
struct LayerState {
    torch::Tensor codes, scale, zero;
};

/// Every decoder linear's state, block by block; empty when one is not a frozen quantized layer.
inline std::vector<LayerState> layerStates(Model& model) {
    std::vector<LayerState> out;
    LlamaModel& llama = model.impl().llama;
    for (int64_t i = 0; i < llama->numBlocks(); ++i)
        for (int s = 0; s < names::kLinearSlots; ++s) {
            auto f = std::dynamic_pointer_cast<FrozenQuantLinear>(
                llama->block(i)->linear(static_cast<names::LinearSlot>(s)));
            if (!f) return {};
            out.push_back({f->codes.clone(), f->scale.clone(), f->zero.clone()});
        }
    return out;
}

/// Asks to cancel once `steps` end-to-end steps have been reported.
class CancelAfter : public ProgressSink {
public:
    explicit CancelAfter(int steps) : m_steps(steps) {}
    void onE2eStep(const E2eStep&) override { ++seen; }
    bool isCancelled() const override { return seen >= m_steps; }
    int seen = 0;

private:
    int m_steps;
};

/// Keeps the phases, end-to-end steps and epoch ends reported.
class Recorder : public ProgressSink {
public:
    void onPhase(const PhaseChanged& e) override { phases.push_back(e.phase); }
    void onE2eStep(const E2eStep& e) override { steps.push_back(e); }
    void onEpochEnd(const EpochEnd& e) override { epochs.push_back(e); }
    std::vector<Phase> phases;
    std::vector<E2eStep> steps;
    std::vector<EpochEnd> epochs;
};

} // namespace qat::test::stories
