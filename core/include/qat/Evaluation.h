// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file Evaluation.h
/// Perplexity with the GPTQ / EfficientQAT protocol: the whole file encoded once with
/// one BOS in front, cut into tokens/seqlen non-overlapping windows (remainder dropped),
/// each window scored causally with seqlen-1 predictions, PPL = exp(mean NLL).

#include "qat/Progress.h"
#include "qat/Status.h"

#include <cstdint>
#include <filesystem>
#include <vector>

namespace qat {

class Model;

struct PerplexityOptions {
    int64_t seqlen = 2048;  ///< window length in tokens (including the first, unpredicted one)
    int64_t batchSize = 1;  ///< windows per forward pass
    int64_t maxWindows = 0; ///< evaluate only the first N windows (0 = all)
};

struct PerplexityResult {
    double perplexity = 0.0;
    double meanNll = 0.0; ///< nats per predicted token
    int64_t windows = 0;
    int64_t tokens = 0;           ///< tokens in the encoded file (with BOS)
    int64_t predictions = 0;      ///< windows * (seqlen - 1)
    double seconds = 0.0;         ///< time in the forward passes
    double tokensPerSecond = 0.0; ///< windows * seqlen / seconds
};

/// Perplexity on a text or JSONL file.
Status evaluatePerplexity(Model& model, const std::filesystem::path& dataFile,
                          const PerplexityOptions& options, PerplexityResult& out,
                          ProgressSink* sink = nullptr);

/// Perplexity on already-encoded tokens (BOS included by the caller).
Status evaluatePerplexityTokens(Model& model, const std::vector<int64_t>& tokens,
                                const PerplexityOptions& options, PerplexityResult& out,
                                ProgressSink* sink = nullptr);

} // namespace qat
