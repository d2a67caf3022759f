// SPDX-License-Identifier: GPL-3.0-or-later
#include "model/Layers.h"

#include <cmath>

namespace qat {

RmsNormImpl::RmsNormImpl(torch::Tensor w, double e) : eps(e) {
    weight = register_parameter("weight", w, false);
}

torch::Tensor RmsNormImpl::forward(const torch::Tensor& x) {
    auto h = x.to(torch::kFloat32);
    auto variance = h.pow(2).mean(-1, /*keepdim=*/true);
    h = h * torch::rsqrt(variance + eps);
    return weight * h.to(x.scalar_type());
}

DenseLinear::DenseLinear(torch::Tensor w, torch::Tensor b) : LinearBase(w.size(1), w.size(0)) {
    weight = register_parameter("weight", w, false);
    if (b.defined()) biasTensor = register_parameter("bias", b, false);
}

torch::Tensor DenseLinear::forward(const torch::Tensor& x) {
    return biasTensor.defined() ? torch::nn::functional::linear(x, weight, biasTensor)
                                : torch::nn::functional::linear(x, weight);
}

std::optional<torch::Tensor> DenseLinear::bias() const {
    if (biasTensor.defined()) return biasTensor;
    return std::nullopt;
}

// The inverse frequencies as transformers 5.25 computes them, op for op in float32
// (modeling_rope_utils.py: the default init, _compute_linear_scaling_rope_parameters and
// _compute_llama3_parameters). Returns (headDim / 2) float32.
RotaryEmbedding::RotaryEmbedding(const ModelConfig& config) {
    const int64_t dim = config.headDim;
    auto exponents = torch::arange(0, dim, 2, torch::kInt64).to(torch::kFloat32) / static_cast<float>(dim);
    m_invFreq = 1.0 / torch::pow(config.ropeTheta, exponents); // base ** (arange / dim)
    if (!config.ropeScaling) return;
    const RopeScaling& s = *config.ropeScaling;
    switch (s.type) {
    case RopeType::Default:
        break;
    case RopeType::Linear:
        // Positions divided by factor, which is the same as the frequencies divided by it.
        m_invFreq = m_invFreq / s.factor;
        break;
    case RopeType::Llama3: {
        const double oldContext = static_cast<double>(s.originalMaxPositionEmbeddings);
        const double lowFreqWavelen = oldContext / s.lowFreqFactor;
        const double highFreqWavelen = oldContext / s.highFreqFactor;
        auto wavelen = 2.0 * M_PI / m_invFreq;
        // Long wavelengths are divided by factor, short ones kept, the band between interpolated.
        auto scaled = torch::where(wavelen > lowFreqWavelen, m_invFreq / s.factor, m_invFreq);
        auto smooth = (oldContext / wavelen - s.lowFreqFactor) / (s.highFreqFactor - s.lowFreqFactor);
        auto smoothed = (1.0 - smooth) * scaled / s.factor + smooth * scaled;
        auto medium = (wavelen >= highFreqWavelen).logical_and(wavelen <= lowFreqWavelen);
        m_invFreq = torch::where(medium, smoothed, scaled);
        break;
    }
    }
    m_invFreq = m_invFreq.to(torch::kFloat32);
}

std::pair<torch::Tensor, torch::Tensor> RotaryEmbedding::tables(int64_t start, int64_t length,
                                                                const torch::Device& device) const {
    auto positions = torch::arange(start, start + length, torch::kInt64).to(torch::kFloat32).to(device);
    auto freqs = torch::outer(positions, m_invFreq.to(device)); // (length, headDim/2)
    auto emb = torch::cat({freqs, freqs}, -1);                  // (length, headDim)
    return {emb.cos(), emb.sin()};
}

namespace {

// x: (..., headDim)
torch::Tensor rotateHalf(const torch::Tensor& x) {
    const int64_t half = x.size(-1) / 2;
    return torch::cat({-x.narrow(-1, half, half), x.narrow(-1, 0, half)}, -1);
}

// x: (batch, heads, seq, headDim); cos/sin: (seq, headDim)
torch::Tensor applyRope(const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin) {
    auto c = cos.to(x.scalar_type());
    auto s = sin.to(x.scalar_type());
    return x * c + rotateHalf(x) * s;
}

} // namespace

AttentionImpl::AttentionImpl(const ModelConfig& config, std::shared_ptr<LinearBase> q_,
                             std::shared_ptr<LinearBase> k_, std::shared_ptr<LinearBase> v_,
                             std::shared_ptr<LinearBase> o_)
    : q(std::move(q_)), k(std::move(k_)), v(std::move(v_)), o(std::move(o_)), m_heads(config.numHeads),
      m_kvHeads(config.numKvHeads), m_headDim(config.headDim) {
    register_module("q_proj", q);
    register_module("k_proj", k);
    register_module("v_proj", v);
    register_module("o_proj", o);
}

torch::Tensor AttentionImpl::forward(const torch::Tensor& x, const torch::Tensor& cos,
                                     const torch::Tensor& sin, LayerKvCache* cache) {
    const int64_t b = x.size(0), s = x.size(1);
    auto qs = q->forward(x).view({b, s, m_heads, m_headDim}).transpose(1, 2);
    auto ks = k->forward(x).view({b, s, m_kvHeads, m_headDim}).transpose(1, 2);
    auto vs = v->forward(x).view({b, s, m_kvHeads, m_headDim}).transpose(1, 2);
    qs = applyRope(qs, cos, sin);
    ks = applyRope(ks, cos, sin);

    int64_t past = 0;
    if (cache) {
        past = cache->length();
        if (past > 0) {
            ks = torch::cat({cache->k, ks}, 2);
            vs = torch::cat({cache->v, vs}, 2);
        }
        cache->k = ks;
        cache->v = vs;
    }
    if (m_kvHeads != m_heads) {
        const int64_t rep = m_heads / m_kvHeads;
        ks = ks.repeat_interleave(rep, 1);
        vs = vs.repeat_interleave(rep, 1);
    }

    torch::Tensor out;
    if (past == 0) {
        out = at::scaled_dot_product_attention(qs, ks, vs, {}, 0.0, /*is_causal=*/s > 1);
    } else if (s == 1) {
        out = at::scaled_dot_product_attention(qs, ks, vs, {}, 0.0, false);
    } else {
        // Queries at positions past..past+s-1 see keys 0..their own position.
        auto qpos =
            torch::arange(past, past + s, torch::TensorOptions().dtype(torch::kInt64).device(x.device()));
        auto kpos =
            torch::arange(0, past + s, torch::TensorOptions().dtype(torch::kInt64).device(x.device()));
        auto mask = kpos.unsqueeze(0) <= qpos.unsqueeze(1); // (s, past+s), true = attend
        out = at::scaled_dot_product_attention(qs, ks, vs, mask, 0.0, false);
    }
    out = out.transpose(1, 2).reshape({b, s, m_heads * m_headDim});
    return o->forward(out);
}

MlpImpl::MlpImpl(std::shared_ptr<LinearBase> g, std::shared_ptr<LinearBase> u, std::shared_ptr<LinearBase> d)
    : gate(std::move(g)), up(std::move(u)), down(std::move(d)) {
    register_module("gate_proj", gate);
    register_module("up_proj", up);
    register_module("down_proj", down);
}

torch::Tensor MlpImpl::forward(const torch::Tensor& x) {
    return down->forward(torch::silu(gate->forward(x)) * up->forward(x));
}

DecoderBlockImpl::DecoderBlockImpl(RmsNorm in, Attention attn, RmsNorm post, Mlp m) {
    inputNorm = register_module("input_layernorm", in);
    attention = register_module("self_attn", attn);
    postNorm = register_module("post_attention_layernorm", post);
    mlp = register_module("mlp", m);
}

torch::Tensor DecoderBlockImpl::forward(const torch::Tensor& x, const torch::Tensor& cos,
                                        const torch::Tensor& sin, LayerKvCache* cache) {
    auto h = x + attention->forward(inputNorm->forward(x), cos, sin, cache);
    return h + mlp->forward(postNorm->forward(h));
}

std::shared_ptr<LinearBase> DecoderBlockImpl::linear(names::LinearSlot slot) const {
    using names::LinearSlot;
    switch (slot) {
    case LinearSlot::Q:
        return attention->q;
    case LinearSlot::K:
        return attention->k;
    case LinearSlot::V:
        return attention->v;
    case LinearSlot::O:
        return attention->o;
    case LinearSlot::Gate:
        return mlp->gate;
    case LinearSlot::Up:
        return mlp->up;
    case LinearSlot::Down:
        return mlp->down;
    }
    return nullptr;
}

void DecoderBlockImpl::replaceLinear(names::LinearSlot slot, std::shared_ptr<LinearBase> layer) {
    using names::LinearSlot;
    switch (slot) {
    case LinearSlot::Q:
        attention->q = attention->replace_module("q_proj", layer);
        break;
    case LinearSlot::K:
        attention->k = attention->replace_module("k_proj", layer);
        break;
    case LinearSlot::V:
        attention->v = attention->replace_module("v_proj", layer);
        break;
    case LinearSlot::O:
        attention->o = attention->replace_module("o_proj", layer);
        break;
    case LinearSlot::Gate:
        mlp->gate = mlp->replace_module("gate_proj", layer);
        break;
    case LinearSlot::Up:
        mlp->up = mlp->replace_module("up_proj", layer);
        break;
    case LinearSlot::Down:
        mlp->down = mlp->replace_module("down_proj", layer);
        break;
    }
}

DecoderBlock buildDecoderBlock(int64_t layer, const ModelConfig& config, const LinearFactory& linear,
                               const NormFactory& norm) {
    std::shared_ptr<LinearBase> linears[names::kLinearSlots];
    RmsNorm inputNorm{nullptr}, postNorm{nullptr};
    for (const names::CheckpointTensor& t : names::blockTensors(layer, config)) {
        switch (t.kind) {
        case names::ModuleKind::Linear:
            linears[static_cast<int>(t.slot)] = linear(t);
            break;
        case names::ModuleKind::InputNorm:
            inputNorm = norm(t);
            break;
        case names::ModuleKind::PostAttentionNorm:
            postNorm = norm(t);
            break;
        default:
            break;
        }
    }
    using names::LinearSlot;
    auto lin = [&](LinearSlot s) { return linears[static_cast<int>(s)]; };
    Attention attention(config, lin(LinearSlot::Q), lin(LinearSlot::K), lin(LinearSlot::V),
                        lin(LinearSlot::O));
    Mlp mlp(lin(LinearSlot::Gate), lin(LinearSlot::Up), lin(LinearSlot::Down));
    return DecoderBlock(inputNorm, attention, postNorm, mlp);
}

} // namespace qat
