// SPDX-License-Identifier: GPL-3.0-or-later
#include "quant/PackedLinear.h"

#include "model/Llama.h"
#include "qat/Status.h"
#include "qat/kernels/PackedLayout.h"
#include "qat/kernels/PackedOps.h"
#include "quant/QuantizedState.h"

#include <regex>

namespace qat {

namespace layout = kernels::layout;

PackedLinear::PackedLinear(torch::Tensor qw, torch::Tensor qz, torch::Tensor s, torch::Tensor b, int bits,
                           int64_t group, torch::ScalarType dtype)
    : LinearBase(qw.size(0) * layout::kWordBits / bits, qw.size(1)), m_bits(bits), m_group(group),
      m_dtype(dtype) {
    kernels::checkPacked(qw, qz, s, bits, group);
    qweight = register_buffer("qweight", qw);
    qzeros = register_buffer("qzeros", qz);
    scales = register_buffer("scales", s);
    if (b.defined()) biasTensor = register_buffer("bias", b);
}

std::shared_ptr<const kernels::PreparedPacked> PackedLinear::prepared() {
    // The members are the registered buffers themselves (Module::to gives them new data in place).
    auto current = std::atomic_load(&m_prepared);
    if (current && current->isFor(qweight, qzeros, scales, m_bits, m_group)) return current;
    auto fresh = std::make_shared<const kernels::PreparedPacked>(
        kernels::preparePacked(qweight, qzeros, scales, m_bits, m_group));
    std::atomic_store(&m_prepared, fresh);
    return fresh;
}

torch::Tensor PackedLinear::forward(const torch::Tensor& x) {
    auto y = kernels::dequantMatmul(x, *prepared());
    if (biasTensor.defined()) y = y + biasTensor.to(y.scalar_type());
    return y;
}

torch::Tensor PackedLinear::effectiveWeight() {
    return kernels::dequantize(qweight, qzeros, scales, m_bits, m_group, torch::kFloat).to(m_dtype);
}

std::optional<torch::Tensor> PackedLinear::bias() const {
    if (!biasTensor.defined()) return std::nullopt;
    return biasTensor;
}

int64_t PackedLinear::packedBytes() const {
    return qweight.numel() * 4 + qzeros.numel() * 4 +
           scales.numel() * static_cast<int64_t>(scales.element_size());
}

PackedLinearSpec packedSpecFor(const GptqConfig& config, const std::string& module, int64_t in) {
    PackedLinearSpec spec;
    spec.bits = config.bits;
    spec.group = config.groupSize;
    for (const auto& rule : config.dynamic) {
        bool matched = false;
        try {
            matched =
                std::regex_search(module, std::regex(rule.pattern), std::regex_constants::match_continuous);
        } catch (const std::regex_error& e) {
            fail(ErrorKind::BadInput, "quantization_config.dynamic: pattern '" + rule.pattern +
                                          "' is not a valid regular expression (" + e.what() + ")");
        }
        if (!matched) continue;
        if (rule.exclude) spec.packed = false;
        if (rule.bits) spec.bits = *rule.bits;
        if (rule.groupSize) spec.group = *rule.groupSize;
        break; // the first matching rule decides, as GPTQModel's loaders do
    }
    if (spec.group == -1) spec.group = in;
    return spec;
}

namespace {

torch::Tensor expectTensor(const WeightSource& w, const std::string& name,
                           std::initializer_list<DType> dtypes, const std::vector<int64_t>& shape,
                           const std::string& why) {
    const TensorEntry* e = w.find(name);
    if (!e) fail(ErrorKind::BadInput, "tensor " + name + " is missing (" + why + ")");
    const std::string where = w.fileOf(name) + ": tensor " + name;
    bool dtypeOk = false;
    std::string allowed;
    for (DType d : dtypes) {
        dtypeOk = dtypeOk || e->dtype == d;
        allowed += std::string(allowed.empty() ? "" : " or ") + dtypeName(d);
    }
    if (!dtypeOk)
        fail(ErrorKind::BadInput, where + " has dtype " + dtypeName(e->dtype) + ", expected " + allowed);
    if (e->shape != shape)
        fail(ErrorKind::BadInput, where + " has shape " + shapeText(e->shape) + ", expected " +
                                      shapeText(shape) + " (" + why + ")");
    return w.raw(name);
}

} // namespace

std::shared_ptr<PackedLinear> loadPackedLinear(const WeightSource& w, const GptqConfig& config,
                                               const std::string& module, const PackedLinearSpec& spec,
                                               int64_t out, int64_t in, bool hasBias, torch::ScalarType dtype,
                                               const torch::Device& device) {
    const int bits = spec.bits;
    const int64_t group = spec.group;
    const std::string cfg = std::to_string(bits) + " bits, group " + std::to_string(group) +
                            " from config.json's quantization_config";
    if (const char* error = layout::shapeError(in, out, bits, group))
        fail(ErrorKind::BadInput, module + " (" + std::to_string(out) + " × " + std::to_string(in) +
                                      ") cannot be packed with " + cfg + ": " + error);
    const int64_t groups = layout::groupCount(in, group);
    auto qweight = expectTensor(w, module + ".qweight", {DType::I32}, {layout::qweightRows(in, bits), out},
                                "(in·bits/32, out) for " + cfg);
    auto qzeros =
        expectTensor(w, module + ".qzeros", {DType::I32}, {groups, layout::qzerosCols(out, bits)},
                     "a packed layer needs qweight, qzeros and scales; (in/group, out·bits/32) for " + cfg);
    auto scales = expectTensor(w, module + ".scales", {DType::F16, DType::BF16, DType::F32}, {groups, out},
                               "a packed layer needs qweight, qzeros and scales; (in/group, out) for " + cfg);
    if (!torch::isfinite(scales).all().item<bool>())
        fail(ErrorKind::BadInput,
             w.fileOf(module + ".scales") + ": tensor " + module + ".scales holds a non-finite value");
    if (w.find(module + ".g_idx")) {
        auto gIdx =
            expectTensor(w, module + ".g_idx", {DType::I32, DType::I64}, {in}, "one group index per input");
        if (!torch::equal(gIdx.to(torch::kInt32), kernels::gIdxTensor(in, group)))
            fail(ErrorKind::Unsupported,
                 w.fileOf(module + ".g_idx") + ": tensor " + module +
                     ".g_idx is not i / group_size (an act-order checkpoint, desc_act); "
                     "only checkpoints without act-order load");
    }
    if (config.checkpointFormat == "gptq") {
        // GPTQ v1 stores z − 1 (wrapping around in the bit width); the layout keeps z itself.
        auto z = kernels::unpackQZeros(qzeros, bits);
        qzeros = kernels::packQZeros(torch::bitwise_and(z + 1, static_cast<int64_t>(layout::valueMask(bits))),
                                     bits);
    }
    torch::Tensor bias;
    if (hasBias) {
        bias = w.get(module + ".bias", {out}, dtype);
    }
    auto toDev = [&](const torch::Tensor& t) { return t.to(device); };
    return std::make_shared<PackedLinear>(toDev(qweight), toDev(qzeros), toDev(scales),
                                          bias.defined() ? toDev(bias) : bias, bits, group, dtype);
}

} // namespace qat
