// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The one table of tensor names and shapes for Llama-family checkpoints. The model builder, the
// quantized state, the export and the model summary all walk it: kBlockModules for the modules
// of a decoder block, checkpointTensors() for every weight of a checkpoint with its shape.

#include "qat/ModelConfig.h"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace qat::names {

inline const std::string kEmbed = "model.embed_tokens.weight";
inline const std::string kFinalNorm = "model.norm.weight";
inline const std::string kLmHead = "lm_head.weight";

/// The seven linear layers of a decoder block, in execution order.
enum class LinearSlot { Q, K, V, O, Gate, Up, Down };
constexpr int kLinearSlots = 7;

/// What a module of a checkpoint is.
enum class ModuleKind { Embedding, InputNorm, Linear, PostAttentionNorm, FinalNorm, Head };

/// A module of a decoder block: a norm or one of the linears.
struct BlockModule {
    ModuleKind kind;  ///< InputNorm, Linear or PostAttentionNorm
    LinearSlot slot;  ///< the linear's slot (Linear only)
    const char* path; ///< path inside the block ("self_attn.q_proj"), also the torch module's name
};

/// A decoder block's modules in execution order.
inline constexpr BlockModule kBlockModules[] = {
    {ModuleKind::InputNorm, LinearSlot::Q, "input_layernorm"},
    {ModuleKind::Linear, LinearSlot::Q, "self_attn.q_proj"},
    {ModuleKind::Linear, LinearSlot::K, "self_attn.k_proj"},
    {ModuleKind::Linear, LinearSlot::V, "self_attn.v_proj"},
    {ModuleKind::Linear, LinearSlot::O, "self_attn.o_proj"},
    {ModuleKind::PostAttentionNorm, LinearSlot::Q, "post_attention_layernorm"},
    {ModuleKind::Linear, LinearSlot::Gate, "mlp.gate_proj"},
    {ModuleKind::Linear, LinearSlot::Up, "mlp.up_proj"},
    {ModuleKind::Linear, LinearSlot::Down, "mlp.down_proj"},
};
constexpr int kBlockModuleCount = static_cast<int>(sizeof kBlockModules / sizeof kBlockModules[0]);

/// Module path inside a block ("self_attn.q_proj") of a linear slot.
inline const char* linearPath(LinearSlot slot) {
    for (const BlockModule& m : kBlockModules)
        if (m.kind == ModuleKind::Linear && m.slot == slot) return m.path;
    return "";
}

/// (out, in) of a slot's weight under `c`.
inline std::pair<int64_t, int64_t> linearShape(LinearSlot slot, const ModelConfig& c) {
    const int64_t qOut = c.numHeads * c.headDim, kvOut = c.numKvHeads * c.headDim;
    switch (slot) {
    case LinearSlot::Q:
        return {qOut, c.hiddenSize};
    case LinearSlot::K:
    case LinearSlot::V:
        return {kvOut, c.hiddenSize};
    case LinearSlot::O:
        return {c.hiddenSize, qOut};
    case LinearSlot::Gate:
    case LinearSlot::Up:
        return {c.intermediateSize, c.hiddenSize};
    case LinearSlot::Down:
        return {c.hiddenSize, c.intermediateSize};
    }
    return {0, 0};
}

/// True when a checkpoint under `c` holds a bias for the slot (Qwen2 has none on o_proj).
inline bool linearHasBias(LinearSlot slot, const ModelConfig& c) {
    switch (slot) {
    case LinearSlot::Q:
    case LinearSlot::K:
    case LinearSlot::V:
        return c.attentionBias;
    case LinearSlot::O:
        return c.attentionBias && c.architecture != "Qwen2ForCausalLM";
    case LinearSlot::Gate:
    case LinearSlot::Up:
    case LinearSlot::Down:
        return c.mlpBias;
    }
    return false;
}

inline std::string layerPrefix(int64_t layer) {
    return "model.layers." + std::to_string(layer) + ".";
}
/// "model.layers.3.mlp.up_proj": a linear's module name, the prefix of its tensors' names.
inline std::string linearModule(int64_t layer, LinearSlot slot) {
    return layerPrefix(layer) + linearPath(slot);
}
inline std::string linearWeight(int64_t layer, LinearSlot slot) {
    return linearModule(layer, slot) + ".weight";
}
inline std::string linearBias(int64_t layer, LinearSlot slot) {
    return linearModule(layer, slot) + ".bias";
}
inline std::string inputNorm(int64_t layer) {
    return layerPrefix(layer) + "input_layernorm.weight";
}
inline std::string postAttentionNorm(int64_t layer) {
    return layerPrefix(layer) + "post_attention_layernorm.weight";
}

/// The layer of a name under "model.layers.N." and the rest of the name after that prefix;
/// nullopt for names outside the decoder layers (or with no number after the prefix).
inline std::optional<std::pair<int64_t, std::string>> splitLayerName(const std::string& name) {
    static const std::string prefix = "model.layers.";
    if (name.rfind(prefix, 0) != 0) return std::nullopt;
    const size_t dot = name.find('.', prefix.size());
    int64_t layer = 0;
    try {
        layer = std::stoll(name.substr(prefix.size(), dot - prefix.size()));
    } catch (...) {
        return std::nullopt;
    }
    return std::make_pair(layer, dot == std::string::npos ? std::string() : name.substr(dot + 1));
}

/// Index in kBlockModules of the module a name inside a block ("mlp.up_proj.qweight") belongs
/// to, or -1.
inline int blockModuleIndex(const std::string& rest) {
    for (int i = 0; i < kBlockModuleCount; ++i)
        if (rest.rfind(kBlockModules[i].path, 0) == 0) return i;
    return -1;
}

/// One weight of a checkpoint: a row of checkpointTensors().
struct CheckpointTensor {
    ModuleKind kind = ModuleKind::Embedding;
    int64_t layer = -1;              ///< the decoder layer; -1 outside the blocks
    LinearSlot slot = LinearSlot::Q; ///< Linear only
    std::string name;                ///< the weight's name ("model.layers.3.mlp.up_proj.weight")
    std::vector<int64_t> shape;      ///< its shape under the config
    bool hasBias = false;            ///< Linear only: the checkpoint also holds module + ".bias" (out)

    /// The module's name: `name` without ".weight".
    std::string module() const { return name.substr(0, name.size() - 7); }
};

/// The weights of decoder block `layer` under `c`, in the order of kBlockModules.
inline std::vector<CheckpointTensor> blockTensors(int64_t layer, const ModelConfig& c) {
    std::vector<CheckpointTensor> rows;
    for (const BlockModule& m : kBlockModules) {
        CheckpointTensor t;
        t.kind = m.kind;
        t.layer = layer;
        t.slot = m.slot;
        t.name = layerPrefix(layer) + m.path + ".weight";
        if (m.kind == ModuleKind::Linear) {
            const auto [out, in] = linearShape(m.slot, c);
            t.shape = {out, in};
            t.hasBias = linearHasBias(m.slot, c);
        } else {
            t.shape = {c.hiddenSize};
        }
        rows.push_back(std::move(t));
    }
    return rows;
}

/// Every weight of a checkpoint under `c` in model order: the embedding, each block's
/// (blockTensors), the final norm and, unless the embeddings are tied, the head.
inline std::vector<CheckpointTensor> checkpointTensors(const ModelConfig& c) {
    std::vector<CheckpointTensor> rows;
    rows.push_back({ModuleKind::Embedding, -1, LinearSlot::Q, kEmbed, {c.vocabSize, c.hiddenSize}, false});
    for (int64_t layer = 0; layer < c.numLayers; ++layer)
        for (CheckpointTensor& t : blockTensors(layer, c))
            rows.push_back(std::move(t));
    rows.push_back({ModuleKind::FinalNorm, -1, LinearSlot::Q, kFinalNorm, {c.hiddenSize}, false});
    if (!c.tieWordEmbeddings)
        rows.push_back({ModuleKind::Head, -1, LinearSlot::Q, kLmHead, {c.vocabSize, c.hiddenSize}, false});
    return rows;
}

} // namespace qat::names
