// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// A decoder linear held in the GPTQ "v2" packed layout (kernels/include/qat/kernels/PackedLayout.h)
// and computed with the packed kernels (qat::kernels::dequantMatmul): what a loaded packed model
// (an exported run, or a GPTQ checkpoint of the same layout) runs with. Inference only.

#include "model/Layers.h"
#include "qat/ModelConfig.h"

#include <memory>
#include <string>

namespace qat {

namespace kernels {
class PreparedPacked;
}
class WeightSource;

class PackedLinear : public LinearBase {
public:
    /// qweight (in·bits/32, out) int32, qzeros (in/group, out·bits/32) int32 with raw zero points,
    /// scales (in/group, out) float16 / bfloat16 / float32, bias (out) or undefined; all on one
    /// device. `group` is the group size (in for per-channel). `dtype`: the activations' dtype.
    PackedLinear(torch::Tensor qweight, torch::Tensor qzeros, torch::Tensor scales, torch::Tensor bias,
                 int bits, int64_t group, torch::ScalarType dtype);
    // x: (..., in) -> (..., out), in x's dtype
    torch::Tensor forward(const torch::Tensor& x) override;
    /// The dequantized weight (out, in) in the compute dtype (materialized on each call).
    torch::Tensor effectiveWeight() override;
    std::optional<torch::Tensor> bias() const override;
    int bits() const { return m_bits; }
    int64_t group() const { return m_group; }
    /// Bytes of the packed tensors (qweight, qzeros, scales).
    int64_t packedBytes() const;

    torch::Tensor qweight;
    torch::Tensor qzeros;
    torch::Tensor scales;
    torch::Tensor biasTensor;

private:
    /// The packed weight as prepared for the kernels, made on the first product and again whenever
    /// the buffers are no longer the tensors it was made from (moved, replaced or written in place).
    std::shared_ptr<const kernels::PreparedPacked> prepared();

    int m_bits;
    int64_t m_group;
    torch::ScalarType m_dtype;
    std::shared_ptr<const kernels::PreparedPacked> m_prepared; ///< read and written atomically
};

/// How a linear of a GPTQ checkpoint is stored: packed with `bits` and `group` (already resolved
/// from the config's `dynamic` rules and -1 → in), or left dense (excluded).
struct PackedLinearSpec {
    bool packed = true;
    int bits = 4;
    int64_t group = 128;
};

/// The spec of module `module` (e.g. "model.layers.0.mlp.down_proj") with input size `in` under
/// `config`: the first `dynamic` rule whose pattern matches the name decides, else the defaults.
PackedLinearSpec packedSpecFor(const GptqConfig& config, const std::string& module, int64_t in);

/// Loads the packed linear `module` (out, in) from `weights`, checking every tensor (present,
/// dtype, shape for the spec's bits and group, g_idx trivial, zero points converted from the
/// "gptq" v1 format when `config` says so). Throws Error(BadInput / Unsupported) naming the
/// tensor and the file.
std::shared_ptr<PackedLinear> loadPackedLinear(const WeightSource& weights, const GptqConfig& config,
                                               const std::string& module, const PackedLinearSpec& spec,
                                               int64_t out, int64_t in, bool hasBias, torch::ScalarType dtype,
                                               const torch::Device& device);

} // namespace qat
