// SPDX-License-Identifier: GPL-3.0-or-later
// GPTQ over the model: block by block, the inputs of each group of linears collected with the
// layers before it quantized, per-block checkpoints in a run directory.
#include "qat/Gptq.h"

#include "methods/GptqLayer.h"
#include "model/ModelImpl.h"
#include "quant/FakeQuant.h"
#include "quant/QuantLinear.h"
#include "quant/QuantizedState.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <string>

namespace qat {

namespace {

using names::LinearSlot;

// The linears of a block in the order GPTQ quantizes them: each group shares its input.
const std::vector<std::vector<LinearSlot>>& slotGroups() {
    static const std::vector<std::vector<LinearSlot>> groups = {{LinearSlot::Q, LinearSlot::K, LinearSlot::V},
                                                                {LinearSlot::O},
                                                                {LinearSlot::Gate, LinearSlot::Up},
                                                                {LinearSlot::Down}};
    return groups;
}

// Σ x xᵀ over the tokens a layer sees, in float32.
struct InputHessian {
    torch::Tensor sum; // (in, in)
    int64_t tokens = 0;
};

// Passes its input on to the layer it stands in for, adding it to a Hessian on the way.
class HessianCapture : public LinearBase {
public:
    HessianCapture(std::shared_ptr<LinearBase> inner, std::shared_ptr<InputHessian> hessian)
        : LinearBase(inner->inFeatures(), inner->outFeatures()), m_inner(std::move(inner)),
          m_hessian(std::move(hessian)) {}
    // x: (..., in) -> (..., out)
    torch::Tensor forward(const torch::Tensor& x) override {
        const torch::Tensor flat = x.reshape({-1, x.size(-1)}).to(torch::kFloat32);
        if (!m_hessian->sum.defined())
            m_hessian->sum = torch::zeros({flat.size(1), flat.size(1)}, flat.options());
        m_hessian->sum.addmm_(flat.t(), flat);
        m_hessian->tokens += flat.size(0);
        return m_inner->forward(x);
    }
    torch::Tensor effectiveWeight() override { return m_inner->effectiveWeight(); }
    std::optional<torch::Tensor> bias() const override { return m_inner->bias(); }

private:
    std::shared_ptr<LinearBase> m_inner;
    std::shared_ptr<InputHessian> m_hessian;
};

// Token windows as one (windows, seqlen) int64 tensor.
torch::Tensor windowsTensor(const std::vector<std::vector<int64_t>>& windows, int64_t seqlen) {
    auto t = torch::empty({static_cast<int64_t>(windows.size()), seqlen}, torch::kInt64);
    auto* p = t.data_ptr<int64_t>();
    for (const auto& w : windows) {
        TORCH_CHECK(static_cast<int64_t>(w.size()) == seqlen, "a calibration window has ", w.size(),
                    " tokens, expected ", seqlen);
        p = std::copy(w.begin(), w.end(), p);
    }
    return t;
}

std::string number(double v) {
    char text[64];
    std::snprintf(text, sizeof text, "%.17g", v);
    return text;
}

// Windows the per-block MSE is measured on when there is no validation split.
constexpr int64_t kMseWindows = 16;

class GptqRun {
public:
    GptqRun(Model& model, const QuantSpec& spec, const GptqOptions& options, const CalibrationData& data,
            ProgressSink* sink, GptqResult& out, const RunDirectory* run)
        : m_model(model), m_spec(spec), m_options(options), m_data(data), m_sink(sink), m_out(out),
          m_run(run), m_llama(model.impl().llama), m_dtype(model.impl().dtype),
          m_device(model.impl().device) {}

    void run() {
        torch::NoGradGuard noGrad;
        if (m_sink) m_sink->onPhase(PhaseChanged{Phase::Gptq, m_options.phaseIndex, m_options.phaseCount});
        const int64_t seqlen = m_data.seqlen;
        std::tie(m_cos, m_sin) = m_llama->rotary().tables(0, seqlen, m_device);
        m_cos = m_cos.to(m_dtype);
        m_sin = m_sin.to(m_dtype);
        m_x = embed(m_data.train, seqlen);
        m_xMse = m_data.val.empty() ? m_x.narrow(0, 0, std::min<int64_t>(kMseWindows, m_x.size(0))).clone()
                                    : embed(m_data.val, seqlen);
        const int64_t blocks = m_llama->numBlocks();
        int64_t first = 0;
        if (m_run)
            if (const auto last = m_run->lastFinishedBlock()) first = std::min(*last + 1, blocks);
        for (int64_t i = 0; i < first; ++i) {
            checkCancelled();
            restoreBlock(i, blocks);
        }
        for (int64_t i = first; i < blocks; ++i) {
            checkCancelled();
            quantizeBlock(i, blocks);
        }
    }

private:
    void checkCancelled() const {
        if (m_sink && m_sink->isCancelled()) fail(ErrorKind::Cancelled, "GPTQ cancelled");
    }

    // The windows' embeddings in the model's dtype. -> (n, seq, hidden)
    torch::Tensor embed(const std::vector<std::vector<int64_t>>& windows, int64_t seqlen) {
        const torch::Tensor ids = windowsTensor(windows, seqlen);
        torch::Tensor out = torch::empty({ids.size(0), seqlen, m_model.config().hiddenSize},
                                         torch::TensorOptions().dtype(m_dtype).device(m_device));
        for (int64_t b = 0; b < ids.size(0); b += m_options.batchSize) {
            const int64_t e = std::min(b + m_options.batchSize, ids.size(0));
            out.slice(0, b, e).copy_(m_llama->embed(ids.slice(0, b, e).to(m_device)).to(m_dtype));
        }
        return out;
    }

    // The block over x in batches. x: (n, seq, hidden) -> (n, seq, hidden)
    torch::Tensor forward(DecoderBlock block, const torch::Tensor& x) {
        torch::Tensor out = torch::empty_like(x);
        for (int64_t b = 0; b < x.size(0); b += m_options.batchSize) {
            const int64_t e = std::min(b + m_options.batchSize, x.size(0));
            out.slice(0, b, e).copy_(block->forward(x.slice(0, b, e), m_cos, m_sin));
        }
        return out;
    }

    static double mse(const torch::Tensor& a, const torch::Tensor& b) {
        return torch::mse_loss(a.to(torch::kFloat32), b.to(torch::kFloat32)).item<double>();
    }

    std::shared_ptr<LinearBase> frozen(const GptqLayer& q, const std::shared_ptr<LinearBase>& fp) const {
        const auto bias = fp->bias();
        return std::make_shared<FrozenQuantLinear>(q.codes, q.scale.to(torch::kFloat32),
                                                   q.zero.to(torch::kFloat32),
                                                   bias ? bias->detach() : torch::Tensor(), m_spec, m_dtype);
    }

    // Round-to-nearest of a layer, for the block MSE GPTQ is compared with.
    std::shared_ptr<LinearBase> rounded(const std::shared_ptr<LinearBase>& fp) const {
        const torch::Tensor w = fp->effectiveWeight().detach().to(torch::kFloat32);
        const quant::ScaleZero sz = quant::minMaxInit(w, m_spec.bits, m_spec.groupSize);
        const torch::Tensor codes = quant::quantizeCodes(w, sz.scale, sz.zero, m_spec.bits, m_spec.groupSize);
        const auto bias = fp->bias();
        return std::make_shared<FrozenQuantLinear>(codes, quant::effectiveScale(sz.scale),
                                                   quant::effectiveZero(sz.zero, m_spec.bits),
                                                   bias ? bias->detach() : torch::Tensor(), m_spec, m_dtype);
    }

    void quantizeBlock(int64_t i, int64_t blocks) {
        const auto started = std::chrono::steady_clock::now();
        if (m_sink) m_sink->onBlockStarted(BlockStarted{i, blocks});
        DecoderBlock block = m_llama->block(i);
        std::vector<std::shared_ptr<LinearBase>> fp;
        for (int s = 0; s < names::kLinearSlots; ++s)
            fp.push_back(block->linear(static_cast<LinearSlot>(s)));

        // The block's own error on the same inputs: full precision, round-to-nearest.
        const torch::Tensor target = forward(block, m_xMse);
        for (int s = 0; s < names::kLinearSlots; ++s)
            block->replaceLinear(static_cast<LinearSlot>(s), rounded(fp[static_cast<size_t>(s)]));
        const double mseRtn = mse(forward(block, m_xMse), target);
        for (int s = 0; s < names::kLinearSlots; ++s)
            block->replaceLinear(static_cast<LinearSlot>(s), fp[static_cast<size_t>(s)]);

        for (const auto& group : slotGroups()) {
            checkCancelled();
            auto hessian = std::make_shared<InputHessian>();
            block->replaceLinear(group.front(), std::make_shared<HessianCapture>(
                                                    fp[static_cast<size_t>(group.front())], hessian));
            forward(block, m_x);
            block->replaceLinear(group.front(), fp[static_cast<size_t>(group.front())]);
            // GPTQ's H = 2/N Σ x xᵀ; its result does not depend on the scale, only its messages do.
            const torch::Tensor h = hessian->sum * (2.0 / static_cast<double>(hessian->tokens));
            for (LinearSlot slot : group) {
                const auto& layer = fp[static_cast<size_t>(slot)];
                const std::string name = names::linearWeight(i, slot);
                const GptqLayer q = gptqQuantizeLayer(layer->effectiveWeight().detach(), h, m_spec,
                                                      m_options.damp, m_options.blockSize, name);
                if (q.damp > m_options.damp) {
                    m_out.dampened.push_back(name + ": dampening " + number(q.damp));
                    if (m_sink)
                        m_sink->onLog(name + ": the Hessian was not positive definite with dampening " +
                                      number(m_options.damp) + "; quantized with " + number(q.damp));
                }
                if (q.deadInputs > 0 && m_sink)
                    m_sink->onLog(
                        name + ": " + std::to_string(q.deadInputs) +
                        " input(s) never active in the calibration data; their weights are set to 0");
                block->replaceLinear(slot, frozen(q, layer));
            }
        }
        const double mseGptq = mse(forward(block, m_xMse), target);
        const double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        writeCheckpoint(i, block, mseRtn, mseGptq, seconds);
        advance(block);
        record(i, mseRtn, mseGptq, seconds);
        if (m_sink)
            m_sink->onLog("GPTQ W" + std::to_string(m_spec.bits) + " g" + std::to_string(m_spec.groupSize) +
                          ": block " + std::to_string(i + 1) + "/" + std::to_string(blocks) +
                          " done, output MSE " + number(mseGptq) + " (round-to-nearest " + number(mseRtn) +
                          ")");
    }

    // The next block's inputs: this (quantized) block's outputs.
    void advance(const DecoderBlock& block) {
        m_x = forward(block, m_x);
        m_xMse = forward(block, m_xMse);
    }

    void record(int64_t i, double mseRtn, double mseGptq, double seconds) {
        m_out.mseRtn.push_back(mseRtn);
        m_out.mseGptq.push_back(mseGptq);
        m_out.seconds.push_back(seconds);
        if (m_sink) m_sink->onBlockFinished(BlockFinished{i, mseRtn, mseGptq, seconds});
    }

    void writeCheckpoint(int64_t i, const DecoderBlock& block, double mseRtn, double mseGptq,
                         double seconds) {
        if (!m_run) return;
        NamedTensors tensors;
        appendFrozenBlock(block, i, tensors);
        auto meta = quantizedMetadata(m_spec);
        meta["block"] = std::to_string(i);
        meta["mse_before"] = number(mseRtn);
        meta["mse_after"] = number(mseGptq);
        meta["seconds"] = number(seconds);
        writeSafeTensors(m_run->blockCheckpointPath(i), tensors, meta);
    }

    void restoreBlock(int64_t i, int64_t blocks) {
        const auto path = m_run->blockCheckpointPath(i);
        const auto file =
            readingBlockCheckpoint(path, [&] { return std::make_unique<SafeTensorsFile>(path); });
        const QuantSpec stored = readingBlockCheckpoint(path, [&] { return quantizedSpecOf(*file); });
        if (stored.bits != m_spec.bits || stored.groupSize != m_spec.groupSize)
            fail(ErrorKind::BadInput, path.string() + " holds W" + std::to_string(stored.bits) + " g" +
                                          std::to_string(stored.groupSize) + ", this run is W" +
                                          std::to_string(m_spec.bits) + " g" +
                                          std::to_string(m_spec.groupSize));
        const DecoderBlock block = readingBlockCheckpoint(
            path, [&] { return loadFrozenBlock(*file, i, m_model.config(), m_spec, m_dtype, m_device); });
        m_llama->replaceBlock(i, block);
        advance(block);
        auto figure = [&](const char* key) {
            const auto& m = file->header().metadata;
            auto it = m.find(key);
            return it == m.end() ? std::nan("") : std::strtod(it->second.c_str(), nullptr);
        };
        ++m_out.restoredBlocks;
        if (m_sink)
            m_sink->onLog("block " + std::to_string(i) + "/" + std::to_string(blocks) + ": restored from " +
                          path.filename().string());
        record(i, figure("mse_before"), figure("mse_after"), figure("seconds"));
    }

    Model& m_model;
    const QuantSpec& m_spec;
    const GptqOptions& m_options;
    const CalibrationData& m_data;
    ProgressSink* m_sink;
    GptqResult& m_out;
    const RunDirectory* m_run;
    LlamaModel m_llama;
    torch::ScalarType m_dtype;
    torch::Device m_device;
    torch::Tensor m_cos, m_sin; // (seq, headDim), the model's dtype
    torch::Tensor m_x, m_xMse;  // (n, seq, hidden): the current block's inputs
};

Status checkInputs(Model& model, const QuantSpec& spec, const GptqOptions& o, const CalibrationData& data) {
    Status st = validate(spec, model.config());
    if (!st.ok()) return st;
    if (!(o.damp > 0.0) || !std::isfinite(o.damp))
        return Status::error(ErrorKind::BadInput, "GPTQ dampening must be positive");
    if (o.blockSize < 1) return Status::error(ErrorKind::BadInput, "GPTQ block size must be at least 1");
    if (o.batchSize < 1) return Status::error(ErrorKind::BadInput, "GPTQ batch must be at least 1");
    if (data.train.empty())
        return Status::error(ErrorKind::BadInput, "GPTQ needs at least one calibration window");
    if (data.seqlen < 1 || data.seqlen > model.config().maxPositionEmbeddings)
        return Status::error(ErrorKind::BadInput,
                             "GPTQ window length " + std::to_string(data.seqlen) + " is outside [1, " +
                                 std::to_string(model.config().maxPositionEmbeddings) + "]");
    return Status::success();
}

} // namespace

Status runGptq(Model& model, const QuantSpec& spec, const GptqOptions& options, const CalibrationData& data,
               ProgressSink* sink, GptqResult& out, const RunDirectory* run) {
    out = GptqResult{};
    Status st = checkInputs(model, spec, options, data);
    if (!st.ok()) return st;
    return guarded([&] { GptqRun(model, spec, options, data, sink, out, run).run(); });
}

} // namespace qat
