// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// GPTQ on one linear layer (qat/Gptq.h): its weight and the Hessian of its inputs in, the
// frozen integer form out.

#include "qat/Quantization.h"

#include <torch/torch.h>

#include <cstdint>

namespace qat {

/// The quantized form of one layer.
struct GptqLayer {
    torch::Tensor codes;    ///< (out, in) uint8
    torch::Tensor scale;    ///< (out, ngroups), the computation's dtype, within [1e-4, 1e4]
    torch::Tensor zero;     ///< (out, ngroups), integers in [0, 2^bits - 1]
    double damp = 0;        ///< the dampening fraction used (the one asked, or more after retries)
    int64_t deadInputs = 0; ///< inputs never active (zero diagonal): their weights quantized as 0
};

/// GPTQ of `weight` (out, in) with `hessian` (in, in), computed in the Hessian's dtype (float32,
/// or float64 for checks): dead inputs (zero diagonal) get a unit diagonal and zero weights,
/// `damp` times the mean diagonal is added to the diagonal (retried with 10x, up to 1e4x, when the
/// Cholesky factorisation fails; Error(NonFinite) naming `name` after that), then the columns are
/// quantized in order with lazy batch updates of `blockSize` columns. `name` names the layer in
/// errors.
GptqLayer gptqQuantizeLayer(const torch::Tensor& weight, const torch::Tensor& hessian, const QuantSpec& spec,
                            double damp, int64_t blockSize, const std::string& name);

} // namespace qat
