// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file Generation.h
/// Text generation with a KV cache: greedy or temperature + top-p (nucleus) sampling.

#include "qat/Status.h"

#include <cstdint>
#include <vector>

namespace qat {

class Model;

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

} // namespace qat
