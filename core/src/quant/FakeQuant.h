// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The EfficientQAT weight quantizer: uniform, asymmetric, per group along the input
// dimension, with trainable scales s and zero points z (one per group and row).
//
//   ŵ = (clamp(round(w / s') + round(z)', 0, 2^N - 1) - round(z)') · s'
//   s' = clamp(s, 1e-4, 1e4),  round(z)' = clamp(round(z), 0, 2^N - 1)
//
// Rounding and the clamps of s and z are straight-through (gradient 1); the clamp of the
// integer is a real clamp (w gets no gradient where the code is clipped, s and z get the
// gradient the composition gives). Groups never span rows: where `in` is not a multiple of
// the group size, the last group of each row is shorter.

#include "qat/Quantization.h"

#include <torch/torch.h>

#include <cstdint>

namespace qat::quant {

constexpr double kScaleMin = 1e-4;
constexpr double kScaleMax = 1e4;
// The min-max initialisation clamps -min / s to this range before rounding (as EfficientQAT);
// the forward then clamps round(z) to the code range, so frozen zero points fit in N bits.
constexpr double kZeroMin = -1e4;
constexpr double kZeroMax = 1e4;

/// Groups of one row: `group` weights each, the last one `in - (ngroups - 1) * group` long.
struct GroupLayout {
    int64_t in = 0;
    int64_t group = 0;
    int64_t ngroups = 0;
    int64_t tail() const { return in - (ngroups - 1) * group; }
    bool ragged() const { return ngroups * group != in; }
};

/// groupSize <= 0 or >= in means one group per row.
GroupLayout groupLayout(int64_t in, int64_t groupSize);

// t: (out, in) -> (out, ngroups, group), the ragged tail padded with zeros
torch::Tensor toGroups(const torch::Tensor& t, const GroupLayout& l);
// t: (out, ngroups, group) -> (out, in), padding dropped
torch::Tensor fromGroups(const torch::Tensor& t, const GroupLayout& l);

/// Largest integer code for `bits` (2^bits - 1).
inline int64_t maxCode(int bits) {
    return (int64_t{1} << bits) - 1;
}

struct ScaleZero {
    torch::Tensor scale; // (out, ngroups), w's dtype
    torch::Tensor zero;  // (out, ngroups), w's dtype, integral values
};

/// Min-max initialisation per group: s = (max - min) / (2^bits - 1) clamped to
/// [1e-4, 1e4], z = round(-min / s) (z clamped to [-1e4, 1e4] before rounding).
// w: (out, in) -> scale, zero: (out, ngroups)
ScaleZero minMaxInit(const torch::Tensor& w, int bits, int64_t groupSize);

// ---- Symmetric signed quantization (LR-QAT) --------------------------------------------
//
// Integers in [-2^(N-1), 2^(N-1) - 1], no zero point: ŵ = s · clamp(round(w / s), -2^(N-1), 2^(N-1) - 1).
// Stored in the asymmetric layout above as codes = integer + 2^(N-1) with the zero point
// z = 2^(N-1) in every group, so frozen layers, quantized.safetensors and the packed export
// need nothing of their own.

inline int64_t symmetricMin(int bits) {
    return -(int64_t{1} << (bits - 1));
}
inline int64_t symmetricMax(int bits) {
    return (int64_t{1} << (bits - 1)) - 1;
}
inline int64_t symmetricZero(int bits) {
    return int64_t{1} << (bits - 1);
}

/// How a symmetric quantizer's step sizes are initialised (qat/Quantization.h).
using qat::RangeInit;
/// The Lp search tries s = r · s_minmax for r evenly spaced in [kLpSmallestRatio, 1].
constexpr int kLpCandidates = 81;
constexpr double kLpSmallestRatio = 0.2;

/// Symmetric step sizes per group (scale, w's dtype) and the constant zero point 2^(N-1).
/// Lp: each group's step minimises Σ|w - ŵ|^p over that group alone (p = 4 in LR-QAT's
/// setting; p = 2 is the MSE); ties keep the larger step.
// w: (out, in) -> scale, zero: (out, ngroups)
ScaleZero symmetricInit(const torch::Tensor& w, int bits, int64_t groupSize, RangeInit range, double p = 4.0);

/// Σ|w - ŵ|^p of the symmetric quantizer with `scale` over the whole weight (for tests).
// w: (out, in); scale: (out, ngroups)
double lpError(const torch::Tensor& w, const torch::Tensor& scale, int bits, int64_t groupSize, double p);

/// The fused fake-quant (one autograd function, gradients for w, s and z).
// w: (out, in); s, z: (out, ngroups) -> (out, in)
torch::Tensor fakeQuantize(const torch::Tensor& w, const torch::Tensor& s, const torch::Tensor& z, int bits,
                           int64_t groupSize);

/// The same function as the plain composition of torch ops (STE via (round(x) - x).detach() + x),
/// for tests: slower, more memory.
// w: (out, in); s, z: (out, ngroups) -> (out, in)
torch::Tensor fakeQuantizeReference(const torch::Tensor& w, const torch::Tensor& s, const torch::Tensor& z,
                                    int bits, int64_t groupSize);

/// The integer codes fakeQuantize uses, as uint8 (bits <= 8). No gradient.
// w: (out, in); s, z: (out, ngroups) -> (out, in) uint8
torch::Tensor quantizeCodes(const torch::Tensor& w, const torch::Tensor& s, const torch::Tensor& z, int bits,
                            int64_t groupSize);

/// (codes - round(zero)) · s' in the dtype of `scale` (frozen zero points are integers in the
/// code range); equals fakeQuantize bit for bit when
/// the codes came from quantizeCodes with the same s and z.
// codes: (out, in) uint8; scale, zero: (out, ngroups) -> (out, in)
torch::Tensor dequantize(const torch::Tensor& codes, const torch::Tensor& scale, const torch::Tensor& zero,
                         int64_t groupSize);

/// s' and round(z)' as the forward uses them (no gradient).
// s, z: (out, ngroups) -> same shapes
torch::Tensor effectiveScale(const torch::Tensor& s);
torch::Tensor effectiveZero(const torch::Tensor& z, int bits);

} // namespace qat::quant
