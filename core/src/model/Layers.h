// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The building blocks of a Llama-family decoder as LibTorch modules. A decoder block
// can be run, trained and replaced on its own (Block-AP trains one block at a time), and
// its linear layers can be swapped for quantized ones (LinearBase).

#include "model/TensorNames.h"
#include "qat/ModelConfig.h"

#include <torch/torch.h>

#include <functional>
#include <memory>
#include <optional>

namespace qat {

/// RMSNorm computed in float32, scaled by a learned weight.
class RmsNormImpl : public torch::nn::Module {
public:
    RmsNormImpl(torch::Tensor weight, double eps);
    // x: (..., hidden) -> (..., hidden), same dtype as x
    torch::Tensor forward(const torch::Tensor& x);
    torch::Tensor weight;
    double eps;
};
TORCH_MODULE(RmsNorm);

/// A linear layer y = x Wᵀ (+ b) whose implementation can be swapped: dense now,
/// quantized (fake-quant, packed) by the quantization methods.
class LinearBase : public torch::nn::Module {
public:
    // x: (..., in) -> (..., out)
    virtual torch::Tensor forward(const torch::Tensor& x) = 0;
    /// The effective weight (out, in) this layer computes with.
    virtual torch::Tensor effectiveWeight() = 0;
    virtual std::optional<torch::Tensor> bias() const = 0;
    int64_t inFeatures() const { return m_in; }
    int64_t outFeatures() const { return m_out; }

protected:
    LinearBase(int64_t in, int64_t out) : m_in(in), m_out(out) {}
    int64_t m_in;
    int64_t m_out;
};

/// The full-precision linear layer.
class DenseLinear : public LinearBase {
public:
    /// weight: (out, in); bias: (out) or undefined.
    DenseLinear(torch::Tensor weight, torch::Tensor bias);
    torch::Tensor forward(const torch::Tensor& x) override;
    torch::Tensor effectiveWeight() override { return weight; }
    std::optional<torch::Tensor> bias() const override;
    torch::Tensor weight;
    torch::Tensor biasTensor;
};

/// Rotate-half rotary position embeddings; rope types default, linear and llama3 (qat::RopeType).
class RotaryEmbedding {
public:
    RotaryEmbedding(const ModelConfig& config);
    /// cos and sin for positions [start, start + length): each (length, headDim), float32.
    std::pair<torch::Tensor, torch::Tensor> tables(int64_t start, int64_t length,
                                                   const torch::Device& device) const;
    const torch::Tensor& invFreq() const { return m_invFreq; }

private:
    torch::Tensor m_invFreq; // (headDim / 2), float32
};

/// Keys and values of one layer seen so far (generation).
struct LayerKvCache {
    torch::Tensor k; // (batch, kvHeads, past, headDim)
    torch::Tensor v;
    int64_t length() const { return k.defined() ? k.size(2) : 0; }
};

/// Multi-head attention with grouped-query (GQA) key/value heads and a causal mask.
class AttentionImpl : public torch::nn::Module {
public:
    AttentionImpl(const ModelConfig& config, std::shared_ptr<LinearBase> q, std::shared_ptr<LinearBase> k,
                  std::shared_ptr<LinearBase> v, std::shared_ptr<LinearBase> o);
    // x: (batch, seq, hidden); cos/sin: (seq, headDim) -> (batch, seq, hidden)
    torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin,
                          LayerKvCache* cache = nullptr);
    std::shared_ptr<LinearBase> q, k, v, o;

private:
    int64_t m_heads, m_kvHeads, m_headDim;
};
TORCH_MODULE(Attention);

/// SwiGLU feed-forward: down(silu(gate(x)) * up(x)).
class MlpImpl : public torch::nn::Module {
public:
    MlpImpl(std::shared_ptr<LinearBase> gate, std::shared_ptr<LinearBase> up,
            std::shared_ptr<LinearBase> down);
    // x: (batch, seq, hidden) -> (batch, seq, hidden)
    torch::Tensor forward(const torch::Tensor& x);
    std::shared_ptr<LinearBase> gate, up, down;
};
TORCH_MODULE(Mlp);

/// One pre-norm decoder block: x + attn(norm(x)), then + mlp(norm(.)).
class DecoderBlockImpl : public torch::nn::Module {
public:
    DecoderBlockImpl(RmsNorm inputNorm, Attention attention, RmsNorm postNorm, Mlp mlp);
    // x: (batch, seq, hidden); cos/sin: (seq, headDim) -> (batch, seq, hidden)
    torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin,
                          LayerKvCache* cache = nullptr);

    /// The linear layer in a slot, and replacing it (e.g. by a quantized layer).
    std::shared_ptr<LinearBase> linear(names::LinearSlot slot) const;
    void replaceLinear(names::LinearSlot slot, std::shared_ptr<LinearBase> layer);

    RmsNorm inputNorm{nullptr};
    Attention attention{nullptr};
    RmsNorm postNorm{nullptr};
    Mlp mlp{nullptr};
};
TORCH_MODULE(DecoderBlock);

/// Makes a decoder block's linear from its row of the tensor table.
using LinearFactory = std::function<std::shared_ptr<LinearBase>(const names::CheckpointTensor&)>;
/// Makes a decoder block's norm from its row of the tensor table.
using NormFactory = std::function<RmsNorm(const names::CheckpointTensor&)>;

/// Decoder block `layer` under `config`, its modules made by walking names::blockTensors().
DecoderBlock buildDecoderBlock(int64_t layer, const ModelConfig& config, const LinearFactory& linear,
                               const NormFactory& norm);

} // namespace qat
