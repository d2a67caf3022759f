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

/// How the rotary inverse frequencies are derived from theta: transformers' `rope_type`
/// (ROPE_INIT_FUNCTIONS in modeling_rope_utils.py). Other types (yarn, dynamic, longrope, ...)
/// are refused when config.json is read.
enum class RopeType {
    Default, ///< plain RoPE: inv_freq = 1 / theta^(2i / headDim)
    Linear,  ///< position interpolation: inv_freq / factor
    Llama3,  ///< Llama 3.1+ frequency-dependent scaling
};

/// The name config.json spells a rope type with ("default", "linear", "llama3").
const char* ropeTypeName(RopeType type);

/// RoPE scaling: the rope type other than "default" and its parameters, read from
/// `rope_parameters` (transformers >= 5) or `rope_scaling` (older configs).
struct RopeScaling {
    RopeType type = RopeType::Llama3;
    double factor = 8.0;        ///< linear and llama3
    double lowFreqFactor = 1.0; ///< llama3 only, as are the two below
    double highFreqFactor = 4.0;
    /// llama3: a top-level `original_max_position_embeddings`, else the rope dict's, else
    /// `max_position_embeddings` (as transformers 5 standardizes it).
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
    /// RoPE base: `rope_theta` from the rope dict in use, else the top-level one, else 10000.
    double ropeTheta = 10000.0;
    /// Absent for plain RoPE (rope type "default"). Where a config carries both a non-empty
    /// `rope_scaling` and `rope_parameters`, `rope_scaling` is read and `rope_parameters`
    /// ignored, theta included: what transformers 5.25 does when it loads such a config.
    std::optional<RopeScaling> ropeScaling;
    bool tieWordEmbeddings = false;
    bool attentionBias = false; ///< q/k/v biases (Qwen2: always)
    bool mlpBias = false;
    int64_t bosTokenId = 1;
    int64_t eosTokenId = 2;
    /// As declared ("float32", "bfloat16", ...) in `dtype` (transformers >= 5) or else
    /// `torch_dtype`; may be empty.
    std::string torchDtype;
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
