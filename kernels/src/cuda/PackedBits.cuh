// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file PackedBits.cuh (internal)
/// Device-side reading of the packed layout, every bit position taken from PackedLayout.h
/// (layout::bitPosition, evaluated at compile time where the value index is a template
/// argument; nvcc needs --expt-relaxed-constexpr for that). Shared by the dequantize and GEMV
/// kernel families. Torch-free.

#include "qat/kernels/PackedLayout.h"

#include <cstdint>

namespace qat::kernels::cuda {

/// The code of value J of a packed line whose words start at `w` (J < 32 for a 32-value unit of
/// BITS words, J < valuesPerBlock(BITS) for one block). Straddling 3-bit values (J = 10, 21)
/// join their two words.
template <int BITS, int J> __device__ __forceinline__ uint32_t codeAt(const uint32_t* w) {
    constexpr layout::BitPosition pos = layout::bitPosition(J, BITS);
    constexpr uint32_t mask = layout::valueMask(BITS);
    if constexpr (pos.straddles)
        return ((w[pos.word] >> pos.shift) | (w[pos.word + 1] << (layout::kWordBits - pos.shift))) & mask;
    else
        return (w[pos.word] >> pos.shift) & mask;
}

/// Value J as the float 1 + q / 2^BITS, built by moving its bits to the top of the mantissa of
/// 1.0f: one shift and one and-or, no integer-to-float conversion. Exact (q < 2^BITS); the GEMV
/// recovers Σ x·q as 2^BITS · (Σ x·f − Σ x).
template <int BITS, int J> __device__ __forceinline__ float unitFloatAt(const uint32_t* w) {
    constexpr layout::BitPosition pos = layout::bitPosition(J, BITS);
    constexpr int top = 23 - BITS; // the value's lowest bit lands here
    constexpr uint32_t mask = layout::valueMask(BITS) << top;
    uint32_t t;
    if constexpr (pos.straddles)
        t = ((w[pos.word] >> pos.shift) | (w[pos.word + 1] << (layout::kWordBits - pos.shift))) << top;
    else if constexpr (pos.shift > top)
        t = w[pos.word] >> (pos.shift - top);
    else
        t = w[pos.word] << (top - pos.shift);
    return __uint_as_float((t & mask) | 0x3F800000u);
}

/// Value k of a packed line, k known at run time (zero points along a qzeros row).
__device__ __forceinline__ uint32_t codeAt(const uint32_t* line, int64_t k, int bits) {
    const layout::BitPosition pos = layout::bitPosition(k, bits);
    uint32_t v = line[pos.word] >> pos.shift;
    if (pos.straddles) v |= line[pos.word + 1] << (layout::kWordBits - pos.shift);
    return v & layout::valueMask(bits);
}

} // namespace qat::kernels::cuda
