// SPDX-License-Identifier: GPL-3.0-or-later
// Frozen quantized blocks to and from safetensors, and the public save / load of a
// quantized model's state.
#include "quant/QuantizedState.h"

#include "model/ModelImpl.h"
#include "model/TensorNames.h"
#include "quant/QuantLinear.h"

#include <string>

namespace qat {

namespace {

// A stored tensor with the expected dtype and shape. Throws BadInput naming file and tensor.
torch::Tensor expect(const SafeTensorsFile& file, const std::string& name, DType dtype,
                     const std::vector<int64_t>& shape) {
    const std::string where = file.path().string() + ": tensor " + name;
    const TensorEntry* e = file.header().find(name);
    if (!e) fail(ErrorKind::BadInput, where + " is missing");
    if (e->dtype != dtype)
        fail(ErrorKind::BadInput,
             where + " has dtype " + dtypeName(e->dtype) + ", expected " + dtypeName(dtype));
    if (e->shape != shape)
        fail(ErrorKind::BadInput,
             where + " has shape " + shapeText(e->shape) + ", expected " + shapeText(shape));
    return file.loadRaw(name);
}

} // namespace

std::string shapeText(c10::IntArrayRef shape) {
    std::string s = "(";
    for (size_t i = 0; i < shape.size(); ++i)
        s += (i ? ", " : "") + std::to_string(shape[i]);
    return s + ")";
}

namespace {

void appendFrozenLinear(const DecoderBlock& block, int64_t layer, names::LinearSlot slot, NamedTensors& out) {
    auto frozen = std::dynamic_pointer_cast<FrozenQuantLinear>(block->linear(slot));
    if (!frozen) fail(ErrorKind::Failure, names::linearWeight(layer, slot) + " is not quantized");
    const std::string p = names::linearModule(layer, slot);
    out.emplace_back(p + ".codes", frozen->codes.cpu().contiguous());
    out.emplace_back(p + ".scales", frozen->scale.cpu().to(torch::kFloat32).contiguous());
    out.emplace_back(p + ".zeros", frozen->zero.cpu().to(torch::kFloat32).contiguous());
    if (frozen->biasTensor.defined())
        out.emplace_back(p + ".bias", frozen->biasTensor.cpu().to(torch::kFloat32).contiguous());
}

torch::Tensor normWeight(const RmsNorm& norm) {
    return norm->weight.detach().cpu().to(torch::kFloat32).contiguous();
}

} // namespace

void appendFrozenBlock(const DecoderBlock& block, int64_t layer, NamedTensors& out) {
    torch::NoGradGuard noGrad;
    // The block's linears, then its norms, each in the table's order.
    for (const names::BlockModule& m : names::kBlockModules)
        if (m.kind == names::ModuleKind::Linear) appendFrozenLinear(block, layer, m.slot, out);
    for (const names::BlockModule& m : names::kBlockModules) {
        if (m.kind == names::ModuleKind::InputNorm)
            out.emplace_back(names::inputNorm(layer), normWeight(block->inputNorm));
        if (m.kind == names::ModuleKind::PostAttentionNorm)
            out.emplace_back(names::postAttentionNorm(layer), normWeight(block->postNorm));
    }
}

std::map<std::string, std::string> quantizedMetadata(const QuantSpec& spec) {
    return {{"format", kQuantizedFormat},
            {"bits", std::to_string(spec.bits)},
            {"group_size", std::to_string(spec.groupSize)}};
}

QuantSpec quantizedSpecOf(const SafeTensorsFile& file) {
    const auto& m = file.header().metadata;
    const std::string where = file.path().string() + ": ";
    auto it = m.find("format");
    if (it == m.end() || it->second != kQuantizedFormat)
        fail(ErrorKind::BadInput, where + "not a QAT Studio quantized state (metadata \"format\" is not \"" +
                                      kQuantizedFormat + "\")");
    QuantSpec spec;
    try {
        spec.bits = std::stoi(m.at("bits"));
        spec.groupSize = std::stoll(m.at("group_size"));
    } catch (const std::exception&) {
        fail(ErrorKind::BadInput, where + "metadata \"bits\" and \"group_size\" must be integers");
    }
    if (spec.bits < 2 || spec.bits > 8 || spec.groupSize < 0)
        fail(ErrorKind::BadInput, where + "metadata bits " + std::to_string(spec.bits) + " / group_size " +
                                      std::to_string(spec.groupSize) + " are out of range");
    return spec;
}

namespace {

// A frozen linear from its row of the tensor table: codes, scales and zeros (and the bias when
// stored) with the expected dtypes, shapes and ranges.
std::shared_ptr<LinearBase> loadFrozenLinear(const SafeTensorsFile& file, const names::CheckpointTensor& t,
                                             const QuantSpec& spec, torch::ScalarType dtype,
                                             const torch::Device& device) {
    const double qmax = static_cast<double>(quant::maxCode(spec.bits));
    const int64_t out = t.shape[0], in = t.shape[1];
    const int64_t ngroups = quant::groupLayout(in, spec.groupSize).ngroups;
    const std::string p = t.module();
    const torch::Tensor codes = expect(file, p + ".codes", DType::U8, {out, in});
    const torch::Tensor scales = expect(file, p + ".scales", DType::F32, {out, ngroups});
    const torch::Tensor zeros = expect(file, p + ".zeros", DType::F32, {out, ngroups});
    if (codes.max().item<double>() > qmax)
        fail(ErrorKind::BadInput, file.path().string() + ": tensor " + p + ".codes holds a value above " +
                                      std::to_string(static_cast<int>(qmax)) + " (" +
                                      std::to_string(spec.bits) + " bits)");
    if (!torch::isfinite(scales).all().item<bool>() || (scales <= 0).any().item<bool>())
        fail(ErrorKind::BadInput,
             file.path().string() + ": tensor " + p + ".scales is not all positive and finite");
    if ((zeros < 0).any().item<bool>() || (zeros > qmax).any().item<bool>() ||
        !torch::equal(zeros, torch::round(zeros)))
        fail(ErrorKind::BadInput, file.path().string() + ": tensor " + p + ".zeros must be integers in [0, " +
                                      std::to_string(static_cast<int>(qmax)) + "]");
    torch::Tensor bias;
    if (file.contains(p + ".bias")) bias = expect(file, p + ".bias", DType::F32, {out}).to(dtype).to(device);
    return std::make_shared<FrozenQuantLinear>(codes.to(device), scales.to(device), zeros.to(device), bias,
                                               spec, dtype);
}

} // namespace

DecoderBlock loadFrozenBlock(const SafeTensorsFile& file, int64_t layer, const ModelConfig& config,
                             const QuantSpec& spec, torch::ScalarType dtype, const torch::Device& device) {
    torch::NoGradGuard noGrad;
    return buildDecoderBlock(
        layer, config,
        [&](const names::CheckpointTensor& t) { return loadFrozenLinear(file, t, spec, dtype, device); },
        [&](const names::CheckpointTensor& t) {
            return RmsNorm(expect(file, t.name, DType::F32, t.shape).to(dtype).to(device), config.rmsNormEps);
        });
}

Status saveQuantizedState(Model& model, const std::filesystem::path& file,
                          const std::map<std::string, std::string>& metadata) {
    return guarded([&] {
        LlamaModel& llama = model.impl().llama;
        NamedTensors tensors;
        std::optional<QuantSpec> spec;
        for (int64_t i = 0; i < llama->numBlocks(); ++i) {
            auto first =
                std::dynamic_pointer_cast<FrozenQuantLinear>(llama->block(i)->linear(names::LinearSlot::Q));
            if (!first)
                fail(ErrorKind::BadInput,
                     "saving the quantized state: block " + std::to_string(i) + " is not quantized");
            if (!spec) spec = first->spec();
            appendFrozenBlock(llama->block(i), i, tensors);
        }
        if (!spec) fail(ErrorKind::BadInput, "saving the quantized state: the model has no decoder blocks");
        auto meta = quantizedMetadata(*spec);
        for (const auto& [k, v] : metadata)
            meta.emplace(k, v);
        meta["blocks"] = std::to_string(llama->numBlocks());
        writeSafeTensors(file, tensors, meta);
    });
}

Status loadQuantizedState(Model& model, const std::filesystem::path& file, QuantSpec* specOut) {
    return guarded([&] {
        const SafeTensorsFile f(file);
        const QuantSpec spec = quantizedSpecOf(f);
        Status st = validate(spec, model.config());
        if (!st.ok()) fail(st.kind, file.string() + ": " + st.message);
        Model::Impl& impl = model.impl();
        std::vector<DecoderBlock> blocks;
        for (int64_t i = 0; i < impl.llama->numBlocks(); ++i)
            blocks.push_back(loadFrozenBlock(f, i, impl.config, spec, impl.dtype, impl.device));
        // Replace only once every block loaded: a bad file leaves the model as it was.
        for (int64_t i = 0; i < impl.llama->numBlocks(); ++i)
            impl.llama->replaceBlock(i, blocks[static_cast<size_t>(i)]);
        if (specOut) *specOut = spec;
    });
}

} // namespace qat
