// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file Generation.h
/// Text generation with a KV cache: greedy or temperature + top-p (nucleus) sampling.

#include "qat/Status.h"

#include <cstdint>
#include <string>
#include <vector>

namespace qat {

class Model;
class Tokenizer;

struct GenerateOptions {
    int64_t maxNewTokens = 64;
    bool greedy = true; ///< false: sample with temperature and top-p
    double temperature = 1.0;
    double topP = 0.95;
    uint64_t seed = 0; ///< sampling seed (same seed, same text)
    bool stopAtEos = true;
};

/// Continues `prompt` (ids; include BOS yourself). `out` receives only the new ids.
Status generate(Model& model, const std::vector<int64_t>& prompt, const GenerateOptions& options,
                std::vector<int64_t>& out);

/// The ids generation starts from for a text prompt: the tokenizer's BOS when it puts one in
/// front itself (Tokenizer::addsBos), then the text's ids. An empty prompt starts from BOS
/// (when the tokenizer has one at all). BadInput when that leaves no ids.
Status promptIds(const Tokenizer& tokenizer, const std::string& text, std::vector<int64_t>& out);

} // namespace qat
