// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The torch side of qat::Model, for core's own use.

#include "model/Llama.h"
#include "qat/Model.h"

namespace qat {

struct Model::Impl {
    std::filesystem::path folder;
    ModelConfig config;
    LoadOptions options;
    std::unique_ptr<Tokenizer> tokenizer;
    LlamaModel llama{nullptr};
    torch::Device device{torch::kCPU};
    torch::ScalarType dtype = torch::kFloat32;
    int64_t parameters = 0;
};

torch::Device toTorchDevice(Device device);
torch::ScalarType toTorchDType(ComputeDType dtype);

} // namespace qat
