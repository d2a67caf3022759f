// SPDX-License-Identifier: GPL-3.0-or-later
// EfficientQAT phase 1: Block-AP, block by block, with fp16 / bf16 / fp32 activation caches
// in memory or on disk, and per-block checkpoints in a run directory.
#include "qat/BlockAp.h"

#include "methods/ActivationCache.h"
#include "model/ModelImpl.h"
#include "quant/QuantLinear.h"
#include "quant/QuantizedState.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <random>
#include <sstream>
#include <string>

namespace qat {

namespace {

constexpr double kPi = 3.14159265358979323846;

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

torch::ScalarType toTorch(CacheDType t) {
    switch (t) {
    case CacheDType::Float16:
        return torch::kFloat16;
    case CacheDType::BFloat16:
        return torch::kBFloat16;
    case CacheDType::Float32:
        return torch::kFloat32;
    }
    return torch::kFloat32;
}

// The activations of one split, in the caches' dtype: inputs to the current block (fp and
// quantized paths) and the fp block's outputs. Each (n, seq, hidden).
struct Split {
    torch::Tensor xFp, xQ, y;
    bool defined() const { return xFp.defined(); }
};

// The trainable copy of a block: the fp block's weights in float32, its linears as
// min-max initialised fake-quant layers.
struct TrainableBlock {
    DecoderBlock block{nullptr};
    std::vector<std::shared_ptr<QuantLinear>> linears; // in slot order
};

TrainableBlock makeTrainable(const DecoderBlock& fp, const ModelConfig& config, const QuantSpec& spec,
                             bool trainNorms) {
    torch::NoGradGuard noGrad;
    TrainableBlock t;
    for (int s = 0; s < names::kLinearSlots; ++s) {
        auto layer = fp->linear(static_cast<names::LinearSlot>(s));
        const torch::Tensor w = layer->effectiveWeight().detach().to(torch::kFloat32).clone();
        const auto bias = layer->bias();
        const torch::Tensor b = bias ? bias->detach().to(torch::kFloat32).clone() : torch::Tensor();
        t.linears.push_back(std::make_shared<QuantLinear>(w, torch::Tensor(), torch::Tensor(), b, spec));
    }
    auto norm = [&](const RmsNorm& n) {
        RmsNorm copy(n->weight.detach().to(torch::kFloat32).clone(), n->eps);
        copy->weight.set_requires_grad(trainNorms);
        return copy;
    };
    using names::LinearSlot;
    auto lin = [&](LinearSlot s) {
        return std::static_pointer_cast<LinearBase>(t.linears[static_cast<size_t>(s)]);
    };
    Attention attention(config, lin(LinearSlot::Q), lin(LinearSlot::K), lin(LinearSlot::V),
                        lin(LinearSlot::O));
    Mlp mlp(lin(LinearSlot::Gate), lin(LinearSlot::Up), lin(LinearSlot::Down));
    t.block = DecoderBlock(norm(fp->inputNorm), attention, norm(fp->postNorm), mlp);
    return t;
}

// The frozen block installed in the model: integer linears, trained norms in the model's dtype.
DecoderBlock freezeBlock(const TrainableBlock& t, const ModelConfig& config, torch::ScalarType dtype) {
    torch::NoGradGuard noGrad;
    std::vector<std::shared_ptr<LinearBase>> frozen;
    for (const auto& l : t.linears) {
        auto f = l->freeze();
        // freeze() computes in the trainable layer's dtype (float32); rebuild for the model's.
        frozen.push_back(std::make_shared<FrozenQuantLinear>(
            f->codes, f->scale, f->zero, f->biasTensor.defined() ? f->biasTensor.to(dtype) : torch::Tensor(),
            f->spec(), dtype));
    }
    auto norm = [&](const RmsNorm& n) { return RmsNorm(n->weight.detach().to(dtype).clone(), n->eps); };
    using names::LinearSlot;
    auto lin = [&](LinearSlot s) { return frozen[static_cast<size_t>(s)]; };
    Attention attention(config, lin(LinearSlot::Q), lin(LinearSlot::K), lin(LinearSlot::V),
                        lin(LinearSlot::O));
    Mlp mlp(lin(LinearSlot::Gate), lin(LinearSlot::Up), lin(LinearSlot::Down));
    return DecoderBlock(norm(t.block->inputNorm), attention, norm(t.block->postNorm), mlp);
}

// Fisher-Yates with the engine's raw output (no std distribution: same order everywhere).
void shuffle(std::vector<int64_t>& order, std::mt19937_64& rng) {
    for (size_t i = order.size(); i > 1; --i)
        std::swap(order[i - 1], order[rng() % i]);
}

std::string formatLoss(double v) {
    std::ostringstream s;
    s << v;
    return s.str();
}

class BlockApRun {
public:
    BlockApRun(Model& model, const QuantSpec& spec, const BlockApOptions& options,
               const CalibrationData& data, ProgressSink* sink, BlockApResult& out, const RunDirectory* run)
        : m_model(model), m_spec(spec), m_options(options), m_data(data), m_sink(sink), m_out(out),
          m_run(run), m_llama(model.impl().llama), m_dtype(model.impl().dtype), m_device(model.impl().device),
          m_cacheDType(toTorch(options.cacheDType)) {}

    void run() {
        if (m_sink) m_sink->onPhase(PhaseChanged{Phase::BlockAp, m_options.phaseIndex, m_options.phaseCount});
        m_seqlen = m_data.seqlen;
        std::tie(m_cos, m_sin) = m_llama->rotary().tables(0, m_seqlen, m_device);
        m_cos = m_cos.to(torch::kFloat32);
        m_sin = m_sin.to(torch::kFloat32);
        initialInputs();
        const int64_t blocks = m_llama->numBlocks();
        int64_t first = 0;
        if (m_run) {
            if (const auto last = m_run->lastFinishedBlock()) first = std::min(*last + 1, blocks);
        }
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
        if (m_sink && m_sink->isCancelled()) fail(ErrorKind::Cancelled, "Block-AP cancelled");
    }

    torch::Tensor newCache(int64_t n, const std::string& name) const {
        return allocateActivationCache({n, m_seqlen, m_model.config().hiddenSize}, m_cacheDType, m_device,
                                       m_options.cacheDir, name);
    }

    // Runs `fn` (float32 in, any dtype out) over x in batches into a new cache.
    // x: (n, seq, hidden) cache -> (n, seq, hidden) cache
    template <class Fn>
    torch::Tensor mapBatches(const torch::Tensor& x, const std::string& name, Fn&& fn) const {
        torch::NoGradGuard noGrad;
        torch::Tensor out = newCache(x.size(0), name);
        const int64_t batch = m_options.batchSize * 4;
        for (int64_t b = 0; b < x.size(0); b += batch) {
            const int64_t e = std::min(b + batch, x.size(0));
            out.slice(0, b, e).copy_(fn(x.slice(0, b, e).to(m_device, torch::kFloat32)));
        }
        return out;
    }

    void initialInputs() {
        torch::NoGradGuard noGrad;
        auto embed = [&](const std::vector<std::vector<int64_t>>& windows, const std::string& name) {
            if (windows.empty()) return torch::Tensor();
            const torch::Tensor ids = windowsTensor(windows, m_seqlen);
            torch::Tensor out = newCache(ids.size(0), name);
            const int64_t batch = m_options.batchSize * 4;
            for (int64_t b = 0; b < ids.size(0); b += batch) {
                const int64_t e = std::min(b + batch, ids.size(0));
                out.slice(0, b, e).copy_(m_llama->embed(ids.slice(0, b, e).to(m_device)));
            }
            return out;
        };
        m_train.xFp = embed(m_data.train, "train-x");
        m_train.xQ = m_train.xFp;
        m_val.xFp = embed(m_data.val, "val-x");
        m_val.xQ = m_val.xFp;
    }

    // One block in the model's dtype over a cache. x: (n, seq, hidden) -> (n, seq, hidden)
    torch::Tensor runModelBlock(DecoderBlock block, const torch::Tensor& x, const std::string& name) {
        auto cos = m_cos.to(m_dtype), sin = m_sin.to(m_dtype);
        return mapBatches(x, name,
                          [&](const torch::Tensor& b) { return block->forward(b.to(m_dtype), cos, sin); });
    }

    // Mean squared error of `block` on a split (inputs xQ, targets y), in batches.
    double evalMse(DecoderBlock block, const Split& split) {
        torch::NoGradGuard noGrad;
        double sum = 0.0;
        const int64_t n = split.xQ.size(0);
        const int64_t batch = m_options.batchSize * 4;
        for (int64_t b = 0; b < n; b += batch) {
            const int64_t e = std::min(b + batch, n);
            auto pred = block->forward(split.xQ.slice(0, b, e).to(m_device, torch::kFloat32), m_cos, m_sin);
            sum += torch::mse_loss(pred, split.y.slice(0, b, e).to(m_device, torch::kFloat32),
                                   at::Reduction::Sum)
                       .item<double>();
        }
        return sum / static_cast<double>(split.y.numel());
    }

    // Targets of block i (the fp block on the fp inputs), before it is replaced.
    void computeTargets(const DecoderBlock& fp) {
        m_train.y = runModelBlock(fp, m_train.xFp, "train-y");
        if (m_val.defined()) m_val.y = runModelBlock(fp, m_val.xFp, "val-y");
    }

    // After block i: the frozen block on the quantized path, the fp outputs on the other.
    void advance(const DecoderBlock& frozen) {
        for (Split* split : {&m_train, &m_val}) {
            if (!split->defined()) continue;
            split->xQ = runModelBlock(frozen, split->xQ, split == &m_train ? "train-x" : "val-x");
            split->xFp = split->y;
            split->y = torch::Tensor();
        }
    }

    void record(int64_t i, double mseBefore, double mseAfter, double seconds) {
        m_out.mseBefore.push_back(mseBefore);
        m_out.mseAfter.push_back(mseAfter);
        m_out.seconds.push_back(seconds);
        if (m_sink) m_sink->onBlockFinished(BlockFinished{i, mseBefore, mseAfter, seconds});
    }

    static std::string number(double v) {
        char text[64];
        std::snprintf(text, sizeof text, "%.17g", v);
        return text;
    }

    void writeCheckpoint(int64_t i, const DecoderBlock& frozen, double mseBefore, double mseAfter,
                         double seconds) {
        if (!m_run) return;
        NamedTensors tensors;
        appendFrozenBlock(frozen, i, tensors);
        auto meta = quantizedMetadata(m_spec);
        meta["block"] = std::to_string(i);
        meta["mse_before"] = number(mseBefore);
        meta["mse_after"] = number(mseAfter);
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
        const DecoderBlock frozen = readingBlockCheckpoint(
            path, [&] { return loadFrozenBlock(*file, i, m_model.config(), m_spec, m_dtype, m_device); });
        computeTargets(m_llama->block(i));
        m_llama->replaceBlock(i, frozen);
        advance(frozen);
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

    void quantizeBlock(int64_t i, int64_t blocks) {
        const auto started = std::chrono::steady_clock::now();
        // Re-seeded per block: a resumed run trains this block as an uninterrupted one does.
        const uint64_t seed = m_options.seed + 0x9E3779B97F4A7C15ull * static_cast<uint64_t>(i + 1);
        torch::manual_seed(seed);
        m_rng.seed(seed);
        if (m_sink) m_sink->onBlockStarted(BlockStarted{i, blocks});
        const DecoderBlock fp = m_llama->block(i);
        computeTargets(fp);
        const Split& mseSplit = m_val.defined() ? m_val : m_train;

        TrainableBlock t = makeTrainable(fp, m_model.config(), m_spec, m_options.trainNorms);
        t.block->to(m_device);
        const double mseBefore = evalMse(t.block, mseSplit);
        train(i, t);
        const double mseAfter = evalMse(t.block, mseSplit);

        DecoderBlock frozen = freezeBlock(t, m_model.config(), m_dtype);
        t = TrainableBlock{}; // the float32 copy and its optimizer state are done
        const double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        writeCheckpoint(i, frozen, mseBefore, mseAfter, seconds);
        m_llama->replaceBlock(i, frozen);
        advance(frozen);
        record(i, mseBefore, mseAfter, seconds);
    }

    void train(int64_t block, TrainableBlock& t) {
        std::vector<torch::Tensor> weights, quantizers;
        for (const auto& l : t.linears) {
            weights.push_back(l->weight);
            quantizers.push_back(l->scale);
            quantizers.push_back(l->zero);
        }
        if (m_options.trainNorms) {
            weights.push_back(t.block->inputNorm->weight);
            weights.push_back(t.block->postNorm->weight);
        }
        const double weightLr = m_options.weightLrFor(m_spec.bits);
        const double lrs[2] = {weightLr, m_options.quantizerLr};
        std::vector<torch::optim::OptimizerParamGroup> groups;
        groups.emplace_back(weights,
                            std::make_unique<torch::optim::AdamWOptions>(
                                torch::optim::AdamWOptions(lrs[0]).weight_decay(m_options.weightDecay)));
        groups.emplace_back(quantizers,
                            std::make_unique<torch::optim::AdamWOptions>(
                                torch::optim::AdamWOptions(lrs[1]).weight_decay(m_options.weightDecay)));
        torch::optim::AdamW optimizer(std::move(groups),
                                      torch::optim::AdamWOptions(lrs[0]).weight_decay(m_options.weightDecay));

        const int64_t n = m_train.xQ.size(0);
        const int64_t batch = m_options.batchSize;
        const int64_t stepsPerEpoch = std::max<int64_t>(1, n / batch);
        const int64_t steps = stepsPerEpoch * m_options.epochs;
        std::vector<int64_t> order(static_cast<size_t>(n));
        for (int64_t k = 0; k < n; ++k)
            order[static_cast<size_t>(k)] = k;

        int64_t step = 0;
        for (int64_t epoch = 0; epoch < m_options.epochs; ++epoch) {
            shuffle(order, m_rng);
            double lossSum = 0.0;
            for (int64_t s = 0; s < stepsPerEpoch; ++s, ++step) {
                checkCancelled();
                // Cosine from lr to lr / divisor over the block's steps.
                const double c =
                    0.5 * (1.0 + std::cos(kPi * static_cast<double>(step) / static_cast<double>(steps)));
                for (size_t g = 0; g < 2; ++g) {
                    const double minLr = lrs[g] / m_options.finalLrDivisor;
                    static_cast<torch::optim::AdamWOptions&>(optimizer.param_groups()[g].options())
                        .lr(minLr + (lrs[g] - minLr) * c);
                }
                const int64_t b0 = s * batch, b1 = std::min(b0 + batch, n);
                const auto idx =
                    torch::tensor(std::vector<int64_t>(order.begin() + b0, order.begin() + b1), torch::kInt64)
                        .to(m_device);
                const torch::Tensor x =
                    m_train.xQ.index_select(0, idx.to(m_train.xQ.device())).to(m_device, torch::kFloat32);
                const torch::Tensor y =
                    m_train.y.index_select(0, idx.to(m_train.y.device())).to(m_device, torch::kFloat32);
                optimizer.zero_grad();
                const torch::Tensor loss = torch::mse_loss(t.block->forward(x, m_cos, m_sin), y);
                const double value = loss.item<double>();
                if (m_sink)
                    m_sink->onStepLoss(StepLoss{
                        block, step, steps, value,
                        static_cast<torch::optim::AdamWOptions&>(optimizer.param_groups()[0].options())
                            .lr()});
                if (!std::isfinite(value))
                    fail(ErrorKind::NonFinite,
                         "block " + std::to_string(block) + ", step " + std::to_string(step) + ": loss is " +
                             (std::isnan(value) ? "NaN" : "infinite") + " (" + formatLoss(value) +
                             "); try a lower learning rate or more bits");
                loss.backward();
                optimizer.step();
                lossSum += value;
            }
            const double valLoss = m_val.defined() ? evalMse(t.block, m_val) : std::nan("");
            if (m_sink)
                m_sink->onEpochEnd(EpochEnd{block, epoch, m_options.epochs,
                                            lossSum / static_cast<double>(stepsPerEpoch), valLoss});
        }
    }

    Model& m_model;
    const QuantSpec& m_spec;
    const BlockApOptions& m_options;
    const CalibrationData& m_data;
    ProgressSink* m_sink;
    BlockApResult& m_out;
    const RunDirectory* m_run;
    LlamaModel m_llama;
    torch::ScalarType m_dtype;
    torch::Device m_device;
    torch::ScalarType m_cacheDType;
    std::mt19937_64 m_rng;
    int64_t m_seqlen = 0;
    torch::Tensor m_cos, m_sin; // (seq, headDim) float32
    Split m_train, m_val;
};

Status checkInputs(Model& model, const QuantSpec& spec, const BlockApOptions& o,
                   const CalibrationData& data) {
    Status st = validate(spec, model.config());
    if (!st.ok()) return st;
    if (o.epochs < 1) return Status::error(ErrorKind::BadInput, "Block-AP epochs must be at least 1");
    if (o.batchSize < 1) return Status::error(ErrorKind::BadInput, "Block-AP batch size must be at least 1");
    if (o.weightLr < 0.0 || o.quantizerLr <= 0.0 || o.weightDecay < 0.0 || o.finalLrDivisor < 1.0)
        return Status::error(
            ErrorKind::BadInput,
            "Block-AP learning rates must be positive, weight decay non-negative and the final "
            "lr divisor at least 1");
    if (data.train.empty())
        return Status::error(ErrorKind::BadInput, "Block-AP needs at least one training window");
    if (data.seqlen < 1 || data.seqlen > model.config().maxPositionEmbeddings)
        return Status::error(ErrorKind::BadInput,
                             "Block-AP window length " + std::to_string(data.seqlen) + " is outside [1, " +
                                 std::to_string(model.config().maxPositionEmbeddings) + "]");
    return Status::success();
}

} // namespace

int64_t blockApCacheBytes(const BlockApOptions& options, int64_t windows, int64_t seqlen, int64_t hidden) {
    const int64_t element = options.cacheDType == CacheDType::Float32 ? 4 : 2;
    return 3 * windows * seqlen * hidden * element;
}

Status runBlockAp(Model& model, const QuantSpec& spec, const BlockApOptions& options,
                  const CalibrationData& data, ProgressSink* sink, BlockApResult& out,
                  const RunDirectory* run) {
    out = BlockApResult{};
    Status st = checkInputs(model, spec, options, data);
    if (!st.ok()) return st;
    return guarded([&] { BlockApRun(model, spec, options, data, sink, out, run).run(); });
}

} // namespace qat
