// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The GPTQ "v2" export format: each decoder linear the packed layout can hold
// (kernels/include/qat/kernels/PackedLayout.h decides) as qweight / qzeros / scales / g_idx; any
// other as its dequantized weight, excluded from quantization in the config's `dynamic` map.

#include "export/ExportWriter.h"

namespace qat {

class GptqWriter : public ExportWriter {
public:
    /// `spec`: the run's bits and group size; `method`: recorded in the config's meta.
    GptqWriter(torch::ScalarType dtype, const QuantSpec& spec, const std::string& method);
    std::optional<nlohmann::ordered_json> quantizationConfig() const override;

protected:
    ExportedLayer writeLinear(const QuantizedLinearView& linear) override;

private:
    /// Packs `linear` with `scales16` ((in / group, out) float16) and records a group size that
    /// differs from the config's in `dynamic`.
    ExportedLayer writePacked(const QuantizedLinearView& linear, const torch::Tensor& scales16);

    QuantSpec m_spec;
    std::string m_method;
    int64_t m_configGroup; ///< the config's group_size: -1 (per channel) for whole rows
    nlohmann::ordered_json m_dynamic = nlohmann::ordered_json::object();
};

/// Why a layer of (in, out) cannot take the GPTQ layout with `bits` and `group`, in words naming
/// its sizes, or "" when it can: the rule PackedLayout.h's brokenShapeRule() finds broken.
std::string unpackableReason(int64_t in, int64_t out, int bits, int64_t group);

} // namespace qat
