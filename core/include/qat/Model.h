// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file Model.h
/// A loaded Llama-family model. The torch modules stay behind a pimpl so that Qt
/// translation units never see torch headers.

#include "qat/ModelConfig.h"
#include "qat/Names.h"
#include "qat/Status.h"
#include "qat/Tokenizer.h"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace qat {

/// True when LibTorch can use a CUDA device in this process.
bool cudaAvailable();

struct LoadOptions {
    Device device = Device::Cpu;
    ComputeDType dtype = ComputeDType::Float32; ///< weights are converted to this on load
    /// Tokenizer file (tokenizer.json or tokenizer.model) to use instead of the folder's
    /// (optional; without it the folder's, see Tokenizer::findInFolder).
    std::filesystem::path tokenizerPath;
    /// Intra-op threads for the CPU (0 = LibTorch's default).
    int threads = 0;
};

class Model {
public:
    /// Loads config.json, the safetensors weights (single file or sharded index) and
    /// tokenizer (tokenizer.json, else tokenizer.model). Refuses pickled checkpoints.
    static Status load(const std::filesystem::path& folder, const LoadOptions& options,
                       std::unique_ptr<Model>& out);
    ~Model();
    Model(const Model&) = delete;
    Model& operator=(const Model&) = delete;

    const ModelConfig& config() const;
    const std::filesystem::path& folder() const;
    const LoadOptions& options() const;
    /// The tokenizer, or nullptr when the folder has none and no path was given.
    const Tokenizer* tokenizer() const;
    int64_t parameterCount() const;

    /// Logits of the last position for a prompt, in float32 (vocab entries).
    Status lastLogits(const std::vector<int64_t>& ids, std::vector<float>& out);

    /// Internal state (torch modules); defined in core's private headers.
    struct Impl;
    Impl& impl() { return *m_impl; }

private:
    Model();
    std::unique_ptr<Impl> m_impl;
};

} // namespace qat
