// SPDX-License-Identifier: GPL-3.0-or-later
#include "export/ExportWriter.h"

#include "export/DequantizedWriter.h"
#include "export/GptqWriter.h"

namespace qat {

void ExportWriter::plain(const std::string& name, const torch::Tensor& tensor) {
    m_tensors.emplace_back(name, tensor.detach().to(torch::kCPU).to(m_dtype).contiguous());
}

void ExportWriter::linear(const QuantizedLinearView& linear) {
    m_quantizedWeights += linear.in * linear.out;
    ExportedLayer entry = writeLinear(linear);
    entry.name = linear.module;
    m_layers.push_back(entry);
}

void ExportWriter::addLinearTensor(const std::string& name, const torch::Tensor& tensor, bool counted) {
    if (counted) m_linearBytes += static_cast<uint64_t>(tensor.numel()) * tensor.element_size();
    m_tensors.emplace_back(name, tensor);
}

torch::Tensor ExportWriter::dequantizedWeight(const QuantizedLinearView& linear) const {
    return linear.dequantize().cpu().to(m_dtype).contiguous();
}

std::unique_ptr<ExportWriter> makeExportWriter(ExportFormat format, torch::ScalarType dtype,
                                               const QuantSpec& spec, const std::string& method) {
    if (format == ExportFormat::Gptq) return std::make_unique<GptqWriter>(dtype, spec, method);
    return std::make_unique<DequantizedWriter>(dtype);
}

} // namespace qat
