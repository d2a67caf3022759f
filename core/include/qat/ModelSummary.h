// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file ModelSummary.h
/// What a model folder holds, read from config.json and the safetensors headers only
/// (no weights are loaded), for the GUI's model page and `qat-cli inspect`.

#include "qat/ModelConfig.h"
#include "qat/Status.h"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace qat {

/// Where a tensor belongs in the model, from core's table of tensor names.
enum class TensorRole { Embedding, Layer, FinalNorm, Head, Other };

struct TensorSummary {
    std::string name; ///< e.g. "model.layers.0.self_attn.q_proj.weight"
    TensorRole role = TensorRole::Other;
    int64_t layer = -1; ///< the decoder layer, for TensorRole::Layer
    std::vector<int64_t> shape;
    std::string dtype; ///< "F32", "BF16", ...
    int64_t parameters = 0;
    std::string file; ///< the safetensors file holding it
};

/// The tokenizer a model is read with (see Tokenizer::findInFolder).
struct TokenizerSummary {
    std::filesystem::path file;
    std::string kind; ///< tokenizerKindName: "tokenizer.json" or "sentencepiece"
    int64_t vocabSize = 0;
    int64_t bosId = -1; ///< -1: none (the perplexity protocol then puts nothing in front)
    std::string bos;    ///< its text, e.g. "<s>" or "<|im_start|>"
    int64_t eosId = -1;
    std::string eos;
    bool addsBos = false; ///< whether the tokenizer itself puts BOS in front of a prompt
};

struct ModelSummary {
    std::filesystem::path folder;
    ModelConfig config;
    int64_t parameters = 0;  ///< sum over all stored tensors
    std::string dtype;       ///< the weights' dtype ("F32", "BF16", or "mixed")
    uint64_t sizeOnDisk = 0; ///< bytes of all weight files
    std::vector<std::string> weightFiles;
    std::optional<TokenizerSummary> tokenizer; ///< none when the folder has no tokenizer
    std::vector<TensorSummary> tensors;        ///< in model order (embedding, layers, norm, head)

    /// A human-readable multi-line report (what `qat-cli inspect` prints).
    std::string toText() const;
    /// The same as JSON text.
    std::string toJson() const;
};

/// Reads a model folder's summary, with `tokenizer` (a tokenizer file) instead of the folder's
/// own when given. Errors name the file and field.
Status inspectModel(const std::filesystem::path& folder, ModelSummary& out,
                    const std::filesystem::path& tokenizer = {});

/// Formats a byte count ("1.0 MB").
std::string formatBytes(uint64_t bytes);

} // namespace qat
