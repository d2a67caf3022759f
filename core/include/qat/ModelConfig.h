// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file ModelConfig.h
/// The architecture hyperparameters read from a Hugging Face `config.json`.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace qat {

/// `rope_scaling` of type "llama3" (Llama 3.1+ frequency-dependent scaling).
struct RopeScaling {
    std::string type = "llama3";
    double factor = 8.0;
    double lowFreqFactor = 1.0;
    double highFreqFactor = 4.0;
    int64_t originalMaxPositionEmbeddings = 8192;
};

/// A per-module rule of GPTQModel's `dynamic` map: modules whose name matches `pattern`
/// (Python re.match: anchored at the start) are left unquantized (`exclude`, key prefix
/// "-:") or quantized with other bits / group size (key prefix "+:" or none).
struct GptqDynamicRule {
    std::string pattern;
    bool exclude = false;
    std::optional<int> bits;
    std::optional<int64_t> groupSize;
};

/// `quantization_config` of a GPTQ checkpoint (quant_method "gptq"): packed decoder linears
/// (qweight, qzeros, scales, g_idx; layout in kernels/include/qat/kernels/PackedLayout.h).
struct GptqConfig {
    int bits = 4;            ///< 2, 3, 4 or 8
    int64_t groupSize = 128; ///< -1: one group per input row (per channel)
    bool descAct = false;    ///< act-order: g_idx is then a permutation, which is refused at load
    bool sym = true;
    /// "gptq_v2": zero points stored as they are; "gptq" (v1): stored minus one.
    std::string checkpointFormat = "gptq";
    bool lmHead = false; ///< a quantized head is refused at load
    std::vector<GptqDynamicRule> dynamic;
};

/// Llama-family decoder configuration (Llama, Mistral, Qwen2).
struct ModelConfig {
    std::string architecture; ///< e.g. "LlamaForCausalLM"
    std::string modelType;    ///< e.g. "llama"
    int64_t hiddenSize = 0;
    int64_t intermediateSize = 0;
    int64_t numLayers = 0;
    int64_t numHeads = 0;
    int64_t numKvHeads = 0; ///< equals numHeads without GQA
    int64_t headDim = 0;    ///< hiddenSize / numHeads unless given
    int64_t vocabSize = 0;
    int64_t maxPositionEmbeddings = 2048;
    double rmsNormEps = 1e-6;
    double ropeTheta = 10000.0;
    std::optional<RopeScaling> ropeScaling;
    bool tieWordEmbeddings = false;
    bool attentionBias = false; ///< q/k/v biases (Qwen2: always)
    bool mlpBias = false;
    int64_t bosTokenId = 1;
    int64_t eosTokenId = 2;
    std::string torchDtype; ///< as declared ("float32", "bfloat16", ...), may be empty
    /// Set when config.json has a GPTQ `quantization_config` (a packed model).
    std::optional<GptqConfig> gptq;
};

/// Parses and type-checks config.json text. `fileName` is used in error messages.
/// Throws qat::Error (BadInput for missing or mistyped fields, Unsupported for an
/// unknown architecture or rope type).
ModelConfig parseModelConfig(const std::string& jsonText, const std::string& fileName);

/// Reads and parses a config.json file.
ModelConfig loadModelConfig(const std::filesystem::path& file);

} // namespace qat
