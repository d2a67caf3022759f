// SPDX-License-Identifier: GPL-3.0-or-later
#include "model/ModelImpl.h"

#include "formats/GgufLlama.h"
#include "formats/GgufTokenizer.h"
#include "formats/ModelFiles.h"
#include "model/GgufModel.h"
#include "quant/PackedLinear.h"

namespace qat {

bool cudaAvailable() {
    return torch::cuda::is_available();
}

torch::Device toTorchDevice(Device device) {
    return device == Device::Cuda ? torch::Device(torch::kCUDA) : torch::Device(torch::kCPU);
}
torch::ScalarType toTorchDType(ComputeDType dtype) {
    return dtype == ComputeDType::BFloat16 ? torch::kBFloat16 : torch::kFloat32;
}

Model::Model() : m_impl(std::make_unique<Impl>()) {}
Model::~Model() = default;

namespace {

void checkVocabulary(const Tokenizer& t, const ModelConfig& c, const std::string& source) {
    if (t.vocabSize() > c.vocabSize)
        fail(ErrorKind::BadInput, t.file().string() + ": tokenizer has " + std::to_string(t.vocabSize()) +
                                      " ids but " + source + "'s vocabulary size is " +
                                      std::to_string(c.vocabSize));
}

} // namespace

Status Model::load(const std::filesystem::path& folder, const LoadOptions& options,
                   std::unique_ptr<Model>& out) {
    return guarded([&] {
        if (options.device == Device::Cuda && !torch::cuda::is_available())
            fail(ErrorKind::BadInput, "device cuda was requested but LibTorch sees no CUDA device");
        if (options.threads > 0) torch::set_num_threads(options.threads);
        std::unique_ptr<Model> model(new Model());
        Impl& m = *model->m_impl;
        m.folder = folder;
        m.options = options;
        m.device = toTorchDevice(options.device);
        m.dtype = toTorchDType(options.dtype);
        torch::NoGradGuard noGrad;
        if (isGgufFile(folder)) { // one GGUF file: config, tokenizer and weights inside
            const gguf::GgufFile file(folder);
            m.config = gguf::configFromGguf(file);
            m.tokenizer = options.tokenizerPath.empty() ? gguf::tokenizerFromGguf(file)
                                                        : Tokenizer::load(options.tokenizerPath);
            checkVocabulary(*m.tokenizer, m.config, folder.string());
            m.llama = buildLlama(m.config, ggufWeights(file, m.config), m.dtype, m.device);
        } else {
            const ModelFiles files = resolveModelFiles(folder);
            m.config = loadModelConfig(files.config);
            // An explicit tokenizer wins over the folder's.
            std::filesystem::path tok = options.tokenizerPath;
            if (tok.empty() && files.tokenizer) tok = *files.tokenizer;
            if (!tok.empty()) {
                m.tokenizer = Tokenizer::load(tok);
                checkVocabulary(*m.tokenizer, m.config, "config.json");
            }
            m.llama = buildLlama(m.config, WeightSource(files), m.dtype, m.device);
        }
        m.llama->eval();
        for (const auto& p : m.llama->parameters())
            m.parameters += p.numel();
        // Packed layers hold their weights as buffers: count the weights they stand for.
        for (const auto& module : m.llama->modules())
            if (auto* packed = dynamic_cast<const PackedLinear*>(module.get()))
                m.parameters += packed->inFeatures() * packed->outFeatures() +
                                (packed->biasTensor.defined() ? packed->outFeatures() : 0);
        out = std::move(model);
    });
}

const ModelConfig& Model::config() const {
    return m_impl->config;
}
const std::filesystem::path& Model::folder() const {
    return m_impl->folder;
}
const LoadOptions& Model::options() const {
    return m_impl->options;
}
const Tokenizer* Model::tokenizer() const {
    return m_impl->tokenizer.get();
}
int64_t Model::parameterCount() const {
    return m_impl->parameters;
}

Status Model::lastLogits(const std::vector<int64_t>& ids, std::vector<float>& out) {
    return guarded([&] {
        if (ids.empty()) fail(ErrorKind::BadInput, "prompt is empty");
        for (int64_t id : ids)
            if (id < 0 || id >= m_impl->config.vocabSize)
                fail(ErrorKind::BadInput, "token id " + std::to_string(id) + " is outside the vocabulary (" +
                                              std::to_string(m_impl->config.vocabSize) + ")");
        torch::InferenceMode guard;
        auto input = torch::tensor(ids, torch::kInt64).unsqueeze(0).to(m_impl->device);
        auto logits = m_impl->llama->forward(input).select(1, -1).squeeze(0).to(torch::kCPU).contiguous();
        out.assign(logits.data_ptr<float>(), logits.data_ptr<float>() + logits.numel());
    });
}

} // namespace qat
