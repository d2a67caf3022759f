// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The one walk over a quantized model's tensors that every export format writes from: the rows of
// the tensor table (names::checkpointTensors) in its order, except that a block's post-attention
// norm comes after the block's linears, where exports have always stored it (so a re-export writes
// the same files, shard for shard): the embedding; per block the input norm, the seven linears
// and the post-attention norm; the final norm and the untied head.

#include "model/ModelImpl.h"
#include "qat/Quantization.h"

#include <torch/torch.h>

#include <cstdint>
#include <string>

namespace qat {

class FrozenQuantLinear;

/// A decoder linear of the quantized model, as the walk yields it.
struct QuantizedLinearView {
    std::string module; ///< "model.layers.0.mlp.down_proj"
    int64_t in = 0;
    int64_t out = 0;
    int bits = 0;
    /// Its groups along the input: whole rows (in) when the run's group size is 0 or not smaller
    /// than in, else the run's group size.
    int64_t group = 0;
    torch::Tensor codes;  ///< (out, in) uint8
    torch::Tensor scales; ///< (out, in / group) float32
    torch::Tensor zeros;  ///< (out, in / group) float32, integer-valued
    const FrozenQuantLinear* layer = nullptr;

    /// The dequantized weight: (out, in).
    torch::Tensor dequantize() const;
};

/// Receives the walk's tensors.
class ExportVisitor {
public:
    virtual ~ExportVisitor() = default;
    /// An unquantized tensor (embedding, norm, head, a linear's bias).
    virtual void plain(const std::string& name, const torch::Tensor& tensor) = 0;
    /// A quantized decoder linear (its bias, if any, follows as plain(module + ".bias")).
    virtual void linear(const QuantizedLinearView& linear) = 0;
};

/// Walks `impl`'s tensors, every decoder linear frozen with `spec` (loaded from `source`, which
/// names it in the error for a linear that is not quantized).
void walkQuantizedModel(Model::Impl& impl, const QuantSpec& spec, const std::string& source,
                        ExportVisitor& visitor);

} // namespace qat
