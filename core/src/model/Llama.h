// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The whole decoder: embedding, decoder blocks, final norm and head.

#include "formats/ModelFiles.h"
#include "formats/SafeTensorsFile.h"
#include "model/Layers.h"

#include <map>
#include <memory>
#include <vector>

namespace qat {

/// Keys and values of every layer (generation).
struct KvCache {
    std::vector<LayerKvCache> layers;
    int64_t length() const { return layers.empty() ? 0 : layers.front().length(); }
};

class LlamaModelImpl : public torch::nn::Module {
public:
    LlamaModelImpl(const ModelConfig& config, torch::Tensor embedding, std::vector<DecoderBlock> blocks,
                   RmsNorm finalNorm, std::shared_ptr<LinearBase> lmHead);

    // ids: (batch, seq) int64 -> hidden states (batch, seq, hidden)
    torch::Tensor embed(const torch::Tensor& ids);
    // hidden: (batch, seq, hidden) -> logits (batch, seq, vocab) in float32
    torch::Tensor head(const torch::Tensor& hidden);
    // ids: (batch, seq) -> logits (batch, seq, vocab) in float32; positions continue after the cache
    torch::Tensor forward(const torch::Tensor& ids, KvCache* cache = nullptr);

    /// Runs blocks [first, last) on hidden states starting at position `start`.
    // hidden: (batch, seq, hidden) -> (batch, seq, hidden)
    torch::Tensor runBlocks(torch::Tensor hidden, int64_t first, int64_t last, int64_t start = 0,
                            KvCache* cache = nullptr);

    const ModelConfig& config() const { return m_config; }
    const RotaryEmbedding& rotary() const { return m_rotary; }
    int64_t numBlocks() const { return static_cast<int64_t>(blocks.size()); }
    DecoderBlock block(int64_t i) const { return blocks.at(static_cast<size_t>(i)); }
    /// Swaps in another block (e.g. its quantized version).
    void replaceBlock(int64_t i, DecoderBlock block);

    torch::Tensor embedding; // (vocab, hidden)
    std::vector<DecoderBlock> blocks;
    RmsNorm finalNorm{nullptr};
    std::shared_ptr<LinearBase> lmHead; // null when tied to the embedding

private:
    ModelConfig m_config;
    RotaryEmbedding m_rotary;
    torch::nn::ModuleList m_layers{nullptr}; // the blocks, registered as "layers.<i>"
};
TORCH_MODULE(LlamaModel);

/// Where a model's tensors come from: one or several safetensors files.
class WeightSource {
public:
    explicit WeightSource(const ModelFiles& files);
    /// Tensors already in memory under their checkpoint names (a GGUF file's, dequantized);
    /// `description` names their source in messages.
    WeightSource(std::map<std::string, torch::Tensor> tensors, std::string description);
    bool contains(const std::string& name) const;
    /// Loads a floating-point tensor, checking its shape; converts to `dtype`. Errors name
    /// the tensor, the file, and the expected and found shape or dtype.
    torch::Tensor get(const std::string& name, const std::vector<int64_t>& shape,
                      torch::ScalarType dtype) const;
    /// The header entry of `name`, or nullptr when no file holds it.
    const TensorEntry* find(const std::string& name) const;
    /// The file that holds `name` (for messages); throws when none does.
    std::string fileOf(const std::string& name) const;
    /// Tensor `name` as stored (its own dtype, on the CPU); throws when missing.
    torch::Tensor raw(const std::string& name) const;
    /// All tensor names with the file that holds each.
    std::vector<std::pair<std::string, const SafeTensorsFile*>> all() const;

private:
    const SafeTensorsFile& fileFor(const std::string& name) const;
    std::vector<std::unique_ptr<SafeTensorsFile>> m_files;
    std::map<std::string, const SafeTensorsFile*> m_byName;
    std::map<std::string, torch::Tensor> m_inMemory;
    std::string m_description; // for "missing tensor" messages
};

/// Builds the decoder from checkpoint tensors, converted to `dtype` on `device`.
LlamaModel buildLlama(const ModelConfig& config, const WeightSource& weights, torch::ScalarType dtype,
                      const torch::Device& device);

} // namespace qat
