// SPDX-License-Identifier: GPL-3.0-or-later
#include "model/Llama.h"

#include "qat/Status.h"
#include "quant/PackedLinear.h"

#include <sstream>

namespace qat {

namespace {

std::string shapeText(c10::IntArrayRef shape) {
    std::ostringstream s;
    s << '[';
    for (size_t i = 0; i < shape.size(); ++i)
        s << (i ? ", " : "") << shape[i];
    s << ']';
    return s.str();
}

} // namespace

LlamaModelImpl::LlamaModelImpl(const ModelConfig& config, torch::Tensor emb, std::vector<DecoderBlock> bs,
                               RmsNorm norm, std::shared_ptr<LinearBase> head)
    : blocks(std::move(bs)), lmHead(std::move(head)), m_config(config), m_rotary(config) {
    embedding = register_parameter("embed_tokens", emb, false);
    m_layers = register_module("layers", torch::nn::ModuleList());
    for (auto& b : blocks)
        m_layers->push_back(b);
    finalNorm = register_module("norm", norm);
    if (lmHead) register_module("lm_head", lmHead);
}

torch::Tensor LlamaModelImpl::embed(const torch::Tensor& ids) {
    return torch::embedding(embedding, ids);
}

torch::Tensor LlamaModelImpl::head(const torch::Tensor& hidden) {
    auto h = finalNorm->forward(hidden);
    auto logits = lmHead ? lmHead->forward(h) : torch::nn::functional::linear(h, embedding);
    return logits.to(torch::kFloat32);
}

torch::Tensor LlamaModelImpl::runBlocks(torch::Tensor hidden, int64_t first, int64_t last, int64_t start,
                                        KvCache* cache) {
    auto [cos, sin] = m_rotary.tables(start, hidden.size(1), hidden.device());
    for (int64_t i = first; i < last; ++i) {
        LayerKvCache* layerCache = cache ? &cache->layers.at(static_cast<size_t>(i)) : nullptr;
        hidden = blocks[static_cast<size_t>(i)]->forward(hidden, cos, sin, layerCache);
    }
    return hidden;
}

torch::Tensor LlamaModelImpl::forward(const torch::Tensor& ids, KvCache* cache) {
    int64_t start = 0;
    if (cache) {
        if (cache->layers.empty()) cache->layers.resize(blocks.size());
        start = cache->length();
    }
    auto hidden = runBlocks(embed(ids), 0, numBlocks(), start, cache);
    return head(hidden);
}

void LlamaModelImpl::replaceBlock(int64_t i, DecoderBlock block) {
    blocks.at(static_cast<size_t>(i)) = block;
    m_layers->replace_module(std::to_string(i), block.ptr());
}

WeightSource::WeightSource(const ModelFiles& files) {
    for (const auto& path : files.weightFiles) {
        m_files.push_back(std::make_unique<SafeTensorsFile>(path));
        const SafeTensorsFile* f = m_files.back().get();
        for (const auto& t : f->header().tensors) {
            if (files.index) {
                // Sharded: the index decides which shard owns a tensor.
                auto it = files.weightMap.find(t.name);
                if (it == files.weightMap.end() || it->second != path) continue;
            }
            m_byName[t.name] = f;
        }
    }
    if (files.index) {
        for (const auto& [name, shard] : files.weightMap)
            if (!m_byName.count(name))
                fail(ErrorKind::BadInput, files.index->string() + ": tensor '" + name + "' is mapped to " +
                                              shard.filename().string() + " but that file does not hold it");
        m_description = files.index->filename().string();
    } else {
        m_description = files.weightFiles.front().string();
    }
}

WeightSource::WeightSource(std::map<std::string, torch::Tensor> tensors, std::string description)
    : m_inMemory(std::move(tensors)), m_description(std::move(description)) {}

bool WeightSource::contains(const std::string& name) const {
    return m_byName.count(name) != 0 || m_inMemory.count(name) != 0;
}

const SafeTensorsFile& WeightSource::fileFor(const std::string& name) const {
    auto it = m_byName.find(name);
    if (it == m_byName.end()) fail(ErrorKind::BadInput, m_description + ": tensor '" + name + "' is missing");
    return *it->second;
}

torch::Tensor WeightSource::get(const std::string& name, const std::vector<int64_t>& shape,
                                torch::ScalarType dtype) const {
    if (auto it = m_inMemory.find(name); it != m_inMemory.end()) {
        if (it->second.sizes().vec() != shape)
            fail(ErrorKind::BadInput, "loading " + name + " from " + m_description + ": shape " +
                                          shapeText(it->second.sizes().vec()) +
                                          " does not match the config's " + shapeText(shape));
        return it->second.to(dtype);
    }
    const SafeTensorsFile& file = fileFor(name);
    const TensorEntry* e = file.header().find(name);
    const std::string where = "loading " + name + " from " + file.path().filename().string();
    if (e->dtype != DType::F32 && e->dtype != DType::F16 && e->dtype != DType::BF16)
        fail(ErrorKind::BadInput, where + ": dtype " + dtypeName(e->dtype) +
                                      " is not a floating-point weight type (F32, F16, BF16)");
    if (e->shape != shape)
        fail(ErrorKind::BadInput,
             where + ": shape " + shapeText(e->shape) + " does not match the config's " + shapeText(shape));
    return file.load(name, dtype);
}

const TensorEntry* WeightSource::find(const std::string& name) const {
    auto it = m_byName.find(name);
    return it == m_byName.end() ? nullptr : it->second->header().find(name);
}

std::string WeightSource::fileOf(const std::string& name) const {
    return fileFor(name).path().string();
}

torch::Tensor WeightSource::raw(const std::string& name) const {
    if (auto it = m_inMemory.find(name); it != m_inMemory.end()) return it->second;
    return fileFor(name).loadRaw(name);
}

std::vector<std::pair<std::string, const SafeTensorsFile*>> WeightSource::all() const {
    return {m_byName.begin(), m_byName.end()};
}

namespace {

// A decoder linear from its row of the tensor table: packed when config.json's GPTQ config packs
// it, else dense (refusing packed tensors the config does not describe).
std::shared_ptr<LinearBase> loadLinear(const ModelConfig& c, const WeightSource& w,
                                       const names::CheckpointTensor& t, torch::ScalarType dtype,
                                       const torch::Device& device) {
    const std::string module = t.module();
    const int64_t out = t.shape[0], in = t.shape[1];
    if (c.gptq) {
        const PackedLinearSpec spec = packedSpecFor(*c.gptq, module, in);
        if (spec.packed) return loadPackedLinear(w, *c.gptq, module, spec, out, in, t.hasBias, dtype, device);
        if (!w.contains(t.name) && w.contains(module + ".qweight"))
            fail(ErrorKind::BadInput,
                 w.fileOf(module + ".qweight") + ": " + module +
                     " is packed, but config.json's quantization_config.dynamic excludes it "
                     "from quantization (expected " +
                     t.name + ")");
    } else if (w.contains(module + ".qweight")) {
        fail(ErrorKind::BadInput, w.fileOf(module + ".qweight") + ": tensor " + module +
                                      ".qweight is packed, but config.json has no quantization_config "
                                      "(bits and group size unknown)");
    }
    auto weight = w.get(t.name, t.shape, dtype).to(device);
    torch::Tensor b;
    if (t.hasBias) b = w.get(module + ".bias", {out}, dtype).to(device);
    return std::make_shared<DenseLinear>(weight, b);
}

} // namespace

LlamaModel buildLlama(const ModelConfig& c, const WeightSource& w, torch::ScalarType dtype,
                      const torch::Device& device) {
    auto get = [&](const names::CheckpointTensor& t) { return w.get(t.name, t.shape, dtype).to(device); };
    auto linear = [&](const names::CheckpointTensor& t) { return loadLinear(c, w, t, dtype, device); };
    auto norm = [&](const names::CheckpointTensor& t) { return RmsNorm(get(t), c.rmsNormEps); };
    torch::Tensor embedding;
    RmsNorm finalNorm{nullptr};
    std::shared_ptr<LinearBase> head;
    std::vector<DecoderBlock> blocks;
    for (const names::CheckpointTensor& t : names::checkpointTensors(c)) {
        switch (t.kind) {
        case names::ModuleKind::Embedding:
            embedding = get(t);
            break;
        // A block's first row starts it; buildDecoderBlock walks the block's rows.
        case names::ModuleKind::InputNorm:
            blocks.push_back(buildDecoderBlock(t.layer, c, linear, norm));
            break;
        case names::ModuleKind::FinalNorm:
            finalNorm = norm(t);
            break;
        case names::ModuleKind::Head:
            head = std::make_shared<DenseLinear>(get(t), torch::Tensor());
            break;
        default:
            break;
        }
    }
    return LlamaModel(c, embedding, std::move(blocks), finalNorm, head);
}

} // namespace qat
