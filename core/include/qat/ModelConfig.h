// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file ModelConfig.h
/// The architecture hyperparameters read from a Hugging Face `config.json`.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace qat {

/// `rope_scaling` of type "llama3" (Llama 3.1+ frequency-dependent scaling).
struct RopeScaling {
    std::string type = "llama3";
    double factor = 8.0;
    double lowFreqFactor = 1.0;
    double highFreqFactor = 4.0;
    int64_t originalMaxPositionEmbeddings = 8192;
};

/// Llama-family decoder configuration (Llama, Mistral, Qwen2).
struct ModelConfig {
    std::string architecture;  ///< e.g. "LlamaForCausalLM"
    std::string modelType;     ///< e.g. "llama"
    int64_t hiddenSize = 0;
    int64_t intermediateSize = 0;
    int64_t numLayers = 0;
    int64_t numHeads = 0;
    int64_t numKvHeads = 0;    ///< equals numHeads without GQA
    int64_t headDim = 0;       ///< hiddenSize / numHeads unless given
    int64_t vocabSize = 0;
    int64_t maxPositionEmbeddings = 2048;
    double rmsNormEps = 1e-6;
    double ropeTheta = 10000.0;
    std::optional<RopeScaling> ropeScaling;
    bool tieWordEmbeddings = false;
    bool attentionBias = false;  ///< q/k/v biases (Qwen2: always)
    bool mlpBias = false;
    int64_t bosTokenId = 1;
    int64_t eosTokenId = 2;
    std::string torchDtype;      ///< as declared ("float32", "bfloat16", ...), may be empty
};

/// Parses and type-checks config.json text. `fileName` is used in error messages.
/// Throws qat::Error (BadInput for missing or mistyped fields, Unsupported for an
/// unknown architecture or rope type).
ModelConfig parseModelConfig(const std::string& jsonText, const std::string& fileName);

/// Reads and parses a config.json file.
ModelConfig loadModelConfig(const std::filesystem::path& file);

} // namespace qat
