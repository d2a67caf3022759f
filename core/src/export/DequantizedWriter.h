// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The "fake" export format: every decoder linear as its dequantized weight, in the plain
// Hugging Face layout, with no quantization_config.

#include "export/ExportWriter.h"

namespace qat {

class DequantizedWriter : public ExportWriter {
public:
    explicit DequantizedWriter(torch::ScalarType dtype) : ExportWriter(dtype) {}
    std::optional<nlohmann::ordered_json> quantizationConfig() const override { return std::nullopt; }

protected:
    ExportedLayer writeLinear(const QuantizedLinearView& linear) override;
};

} // namespace qat
