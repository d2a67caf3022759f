// SPDX-License-Identifier: GPL-3.0-or-later
#include "export/ExportWalk.h"

#include "model/TensorNames.h"
#include "quant/QuantLinear.h"

#include <optional>
#include <vector>

namespace qat {

torch::Tensor QuantizedLinearView::dequantize() const {
    return layer->dequantize();
}

namespace {

void visitLinear(const DecoderBlock& block, const names::CheckpointTensor& t, const QuantSpec& spec,
                 const std::string& source, ExportVisitor& visitor) {
    const std::string module = t.module();
    auto frozen = std::dynamic_pointer_cast<FrozenQuantLinear>(block->linear(t.slot));
    if (!frozen) fail(ErrorKind::Failure, module + " is not quantized in " + source);
    QuantizedLinearView view;
    view.module = module;
    view.in = frozen->inFeatures();
    view.out = frozen->outFeatures();
    view.bits = spec.bits;
    view.group = (spec.groupSize == 0 || spec.groupSize >= view.in) ? view.in : spec.groupSize;
    view.codes = frozen->codes;
    view.scales = frozen->scale;
    view.zeros = frozen->zero;
    view.layer = frozen.get();
    visitor.linear(view);
    if (frozen->biasTensor.defined()) visitor.plain(module + ".bias", frozen->biasTensor);
}

// Visits one row of the table.
void visitRow(LlamaModel& llama, const names::CheckpointTensor& t, const QuantSpec& spec,
              const std::string& source, ExportVisitor& visitor) {
    switch (t.kind) {
    case names::ModuleKind::Embedding:
        visitor.plain(t.name, llama->embedding);
        break;
    case names::ModuleKind::InputNorm:
        visitor.plain(t.name, llama->block(t.layer)->inputNorm->weight);
        break;
    case names::ModuleKind::Linear:
        visitLinear(llama->block(t.layer), t, spec, source, visitor);
        break;
    case names::ModuleKind::PostAttentionNorm:
        visitor.plain(t.name, llama->block(t.layer)->postNorm->weight);
        break;
    case names::ModuleKind::FinalNorm:
        visitor.plain(t.name, llama->finalNorm->weight);
        break;
    case names::ModuleKind::Head:
        if (llama->lmHead) visitor.plain(t.name, llama->lmHead->effectiveWeight());
        break;
    }
}

} // namespace

void walkQuantizedModel(Model::Impl& impl, const QuantSpec& spec, const std::string& source,
                        ExportVisitor& visitor) {
    torch::NoGradGuard noGrad;
    const std::vector<names::CheckpointTensor> rows = names::checkpointTensors(impl.config);
    std::optional<names::CheckpointTensor> postNorm;
    for (size_t i = 0; i < rows.size(); ++i) {
        if (rows[i].kind == names::ModuleKind::PostAttentionNorm) {
            postNorm = rows[i]; // stored after the block's linears
            continue;
        }
        visitRow(impl.llama, rows[i], spec, source, visitor);
        if (postNorm && (i + 1 == rows.size() || rows[i + 1].layer != rows[i].layer)) {
            visitRow(impl.llama, *postNorm, spec, source, visitor);
            postNorm.reset();
        }
    }
}

} // namespace qat
