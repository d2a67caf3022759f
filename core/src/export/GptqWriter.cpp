// SPDX-License-Identifier: GPL-3.0-or-later
#include "export/GptqWriter.h"

#include "qat/QuantizeJob.h"
#include "qat/Version.h"
#include "qat/kernels/PackedLayout.h"
#include "qat/kernels/PackedOps.h"

namespace qat {

namespace {

namespace layout = kernels::layout;
using nlohmann::ordered_json;

// Python's re.escape for the module names we write (letters, digits, '_' and '.').
std::string regexEscape(const std::string& s) {
    std::string r;
    for (char c : s) {
        if (c == '.') r += '\\';
        r += c;
    }
    return r;
}

// The linear's step sizes as the layout stores them: (in / group, out) float16; undefined when one
// is outside float16's range.
torch::Tensor halfScales(const QuantizedLinearView& linear) {
    torch::Tensor scales16 = linear.scales.cpu().t().to(torch::kHalf).contiguous();
    if (!torch::isfinite(scales16).all().item<bool>() || (scales16 == 0).any().item<bool>()) return {};
    return scales16;
}

} // namespace

std::string unpackableReason(int64_t in, int64_t out, int bits, int64_t group) {
    const std::string block = std::to_string(layout::valuesPerBlock(bits));
    switch (layout::brokenShapeRule(in, out, bits, group)) {
    case layout::ShapeRule::None:
        return "";
    case layout::ShapeRule::Bits:
        return std::to_string(bits) + " bits: the packed layout holds 2, 3, 4 or 8 bits";
    case layout::ShapeRule::WholeGroups:
        return "its input size " + std::to_string(in) + " is not a multiple of the group size " +
               std::to_string(group);
    case layout::ShapeRule::InWords:
        return "its input size " + std::to_string(in) + " is not a multiple of " + block +
               " (32 / gcd(bits, 32) values fill whole words)";
    case layout::ShapeRule::OutWords:
        return "its output size " + std::to_string(out) + " is not a multiple of " + block +
               " (qzeros packs along the output)";
    case layout::ShapeRule::Positive:
    case layout::ShapeRule::GroupPositive:
        break;
    }
    return layout::shapeError(in, out, bits, group);
}

GptqWriter::GptqWriter(torch::ScalarType dtype, const QuantSpec& spec, const std::string& method)
    : ExportWriter(dtype), m_spec(spec), m_method(method),
      m_configGroup(spec.groupSize == 0 ? -1 : spec.groupSize) {}

ExportedLayer GptqWriter::writeLinear(const QuantizedLinearView& linear) {
    ExportedLayer entry;
    entry.reason = unpackableReason(linear.in, linear.out, linear.bits, linear.group);
    if (entry.reason.empty()) {
        const torch::Tensor scales16 = halfScales(linear);
        if (scales16.defined()) return writePacked(linear, scales16);
        entry.reason = "a step size is outside float16's range";
    }
    addLinearTensor(linear.module + ".weight", dequantizedWeight(linear), true);
    m_dynamic["-:^" + regexEscape(linear.module) + "$"] = ordered_json::object();
    return entry;
}

ExportedLayer GptqWriter::writePacked(const QuantizedLinearView& linear, const torch::Tensor& scales16) {
    const torch::Tensor codes = linear.codes.cpu().t().to(torch::kInt32).contiguous();
    const torch::Tensor zeros = linear.zeros.cpu().t().round().to(torch::kInt32).contiguous();
    addLinearTensor(linear.module + ".qweight", kernels::packQWeight(codes, linear.bits), true);
    addLinearTensor(linear.module + ".qzeros", kernels::packQZeros(zeros, linear.bits), true);
    addLinearTensor(linear.module + ".scales", scales16, true);
    addLinearTensor(linear.module + ".g_idx", kernels::gIdxTensor(linear.in, linear.group), false);
    if (linear.group != (m_configGroup == -1 ? linear.in : m_configGroup))
        m_dynamic["+:^" + regexEscape(linear.module) + "$"] = {{"group_size", linear.group}};
    ExportedLayer entry;
    entry.packed = true;
    entry.group = linear.group;
    return entry;
}

std::optional<ordered_json> GptqWriter::quantizationConfig() const {
    ordered_json qc;
    qc["quant_method"] = "gptq";
    qc["bits"] = m_spec.bits;
    qc["group_size"] = m_configGroup;
    qc["desc_act"] = false;
    qc["sym"] = false;
    qc["static_groups"] = false;
    qc["lm_head"] = false;
    qc["true_sequential"] = true;
    qc["checkpoint_format"] = "gptq_v2";
    if (!m_dynamic.empty()) qc["dynamic"] = m_dynamic;
    qc["meta"] = {{"quantizer", ordered_json::array({std::string("qat-studio:") + qatVersion()})},
                  {"method", m_method}};
    return qc;
}

} // namespace qat
