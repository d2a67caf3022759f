// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// One export format: what the walk's tensors become (ExportWalk.h) and what config.json says
// about them. GptqWriter and DequantizedWriter implement it; exportRun picks one by format.

#include "export/ExportWalk.h"
#include "qat/Export.h"
#include "quant/QuantizedState.h"

#include <nlohmann/json.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace qat {

class ExportWriter : public ExportVisitor {
public:
    /// `dtype`: the dtype of the unquantized tensors (and of dequantized weights).
    explicit ExportWriter(torch::ScalarType dtype) : m_dtype(dtype) {}

    /// Stores the tensor on the CPU in the export's dtype.
    void plain(const std::string& name, const torch::Tensor& tensor) final;
    /// Counts the linear's weights and records its report entry around writeLinear().
    void linear(const QuantizedLinearView& linear) final;

    /// config.json's quantization_config for what was written; nullopt: none (plain weights).
    virtual std::optional<nlohmann::ordered_json> quantizationConfig() const = 0;

    /// The tensors to write, in walk order.
    NamedTensors& tensors() { return m_tensors; }
    /// One entry per decoder linear, in walk order.
    const std::vector<ExportedLayer>& layers() const { return m_layers; }
    /// Weights of the decoder linears, and the bytes the export stores for them.
    int64_t quantizedWeights() const { return m_quantizedWeights; }
    uint64_t linearBytes() const { return m_linearBytes; }

protected:
    /// Adds the tensors standing for `linear` (through addLinearTensor); returns its report
    /// entry (the name is filled in by linear()).
    virtual ExportedLayer writeLinear(const QuantizedLinearView& linear) = 0;
    /// Adds a tensor of a linear; `counted`: its bytes count as the linear's stored weight.
    void addLinearTensor(const std::string& name, const torch::Tensor& tensor, bool counted);
    /// The dequantized weight of `linear`, in the export's dtype: (out, in).
    torch::Tensor dequantizedWeight(const QuantizedLinearView& linear) const;

private:
    torch::ScalarType m_dtype;
    NamedTensors m_tensors;
    std::vector<ExportedLayer> m_layers;
    int64_t m_quantizedWeights = 0;
    uint64_t m_linearBytes = 0;
};

/// The writer of `format`. `spec`: the run's bits and group size; `method`: the run's method,
/// recorded in the GPTQ config's meta.
std::unique_ptr<ExportWriter> makeExportWriter(ExportFormat format, torch::ScalarType dtype,
                                               const QuantSpec& spec, const std::string& method);

} // namespace qat
