// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The one table of Hugging Face tensor names for Llama-family checkpoints.

#include "qat/ModelConfig.h"

#include <cstdint>
#include <string>
#include <utility>

namespace qat::names {

inline const std::string kEmbed = "model.embed_tokens.weight";
inline const std::string kFinalNorm = "model.norm.weight";
inline const std::string kLmHead = "lm_head.weight";

/// The seven linear layers of a decoder block, in execution order.
enum class LinearSlot { Q, K, V, O, Gate, Up, Down };
constexpr int kLinearSlots = 7;

/// Module path inside a block ("self_attn.q_proj"), also the name the torch modules use.
inline const char* linearPath(LinearSlot slot) {
    switch (slot) {
    case LinearSlot::Q: return "self_attn.q_proj";
    case LinearSlot::K: return "self_attn.k_proj";
    case LinearSlot::V: return "self_attn.v_proj";
    case LinearSlot::O: return "self_attn.o_proj";
    case LinearSlot::Gate: return "mlp.gate_proj";
    case LinearSlot::Up: return "mlp.up_proj";
    case LinearSlot::Down: return "mlp.down_proj";
    }
    return "";
}

/// (out, in) of a slot's weight under `c`.
inline std::pair<int64_t, int64_t> linearShape(LinearSlot slot, const ModelConfig& c) {
    const int64_t qOut = c.numHeads * c.headDim, kvOut = c.numKvHeads * c.headDim;
    switch (slot) {
    case LinearSlot::Q: return {qOut, c.hiddenSize};
    case LinearSlot::K:
    case LinearSlot::V: return {kvOut, c.hiddenSize};
    case LinearSlot::O: return {c.hiddenSize, qOut};
    case LinearSlot::Gate:
    case LinearSlot::Up: return {c.intermediateSize, c.hiddenSize};
    case LinearSlot::Down: return {c.hiddenSize, c.intermediateSize};
    }
    return {0, 0};
}

inline std::string layerPrefix(int64_t layer) { return "model.layers." + std::to_string(layer) + "."; }
inline std::string linearWeight(int64_t layer, LinearSlot slot) {
    return layerPrefix(layer) + linearPath(slot) + ".weight";
}
inline std::string linearBias(int64_t layer, LinearSlot slot) { return layerPrefix(layer) + linearPath(slot) + ".bias"; }
inline std::string inputNorm(int64_t layer) { return layerPrefix(layer) + "input_layernorm.weight"; }
inline std::string postAttentionNorm(int64_t layer) { return layerPrefix(layer) + "post_attention_layernorm.weight"; }

} // namespace qat::names
