// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file BitStream.h
/// The inner loops of packing and unpacking, on raw row-major buffers, shared by the
/// torch-free API (Packing.cpp) and the torch one (PackedOps.cpp). Internal to kernels/.
/// Bit positions come from layout::bitPosition(); see PackedLayout.h. No checks here:
/// callers validate shapes and value ranges first.

#include "qat/kernels/PackedLayout.h"

#include <cstdint>

namespace qat::kernels::detail {

/// values (rows, cols) → packed (rows * bits / 32, cols), packed along each column.
/// `packed` must be zero-filled. The loop over columns is contiguous and branch-free.
inline void packRows(const int32_t* values, int64_t rows, int64_t cols, int bits, uint32_t* packed) {
    for (int64_t r = 0; r < rows; ++r) {
        const layout::BitPosition pos = layout::bitPosition(r, bits);
        const int32_t* src = values + r * cols;
        uint32_t* lo = packed + pos.word * cols;
        const int shift = pos.shift;
        for (int64_t c = 0; c < cols; ++c)
            lo[c] |= static_cast<uint32_t>(src[c]) << shift;
        if (pos.straddles) {
            uint32_t* hi = lo + cols;
            const int down = layout::kWordBits - shift;
            for (int64_t c = 0; c < cols; ++c)
                hi[c] |= static_cast<uint32_t>(src[c]) >> down;
        }
    }
}

/// packed (rows * bits / 32, cols) → values (rows, cols).
inline void unpackRows(const uint32_t* packed, int64_t rows, int64_t cols, int bits, int32_t* values) {
    const uint32_t mask = layout::valueMask(bits);
    for (int64_t r = 0; r < rows; ++r) {
        const layout::BitPosition pos = layout::bitPosition(r, bits);
        const uint32_t* lo = packed + pos.word * cols;
        int32_t* dst = values + r * cols;
        const int shift = pos.shift;
        if (pos.straddles) {
            const uint32_t* hi = lo + cols;
            const int up = layout::kWordBits - shift;
            for (int64_t c = 0; c < cols; ++c)
                dst[c] = static_cast<int32_t>(((lo[c] >> shift) | (hi[c] << up)) & mask);
        } else {
            for (int64_t c = 0; c < cols; ++c)
                dst[c] = static_cast<int32_t>((lo[c] >> shift) & mask);
        }
    }
}

/// values (rows, cols) → packed (rows, cols * bits / 32), packed along each row.
/// `packed` must be zero-filled.
inline void packCols(const int32_t* values, int64_t rows, int64_t cols, int bits, uint32_t* packed) {
    const int64_t packedCols = layout::packedLength(cols, bits);
    for (int64_t r = 0; r < rows; ++r) {
        const int32_t* src = values + r * cols;
        uint32_t* dst = packed + r * packedCols;
        for (int64_t c = 0; c < cols; ++c) {
            const layout::BitPosition pos = layout::bitPosition(c, bits);
            const uint32_t v = static_cast<uint32_t>(src[c]);
            dst[pos.word] |= v << pos.shift;
            if (pos.straddles) dst[pos.word + 1] |= v >> (layout::kWordBits - pos.shift);
        }
    }
}

/// packed (rows, cols * bits / 32) → values (rows, cols).
inline void unpackCols(const uint32_t* packed, int64_t rows, int64_t cols, int bits, int32_t* values) {
    const uint32_t mask = layout::valueMask(bits);
    const int64_t packedCols = layout::packedLength(cols, bits);
    for (int64_t r = 0; r < rows; ++r) {
        const uint32_t* src = packed + r * packedCols;
        int32_t* dst = values + r * cols;
        for (int64_t c = 0; c < cols; ++c) {
            const layout::BitPosition pos = layout::bitPosition(c, bits);
            uint32_t v = src[pos.word] >> pos.shift;
            if (pos.straddles) v |= src[pos.word + 1] << (layout::kWordBits - pos.shift);
            dst[c] = static_cast<int32_t>(v & mask);
        }
    }
}

/// Index of the first value outside [0, 2^bits), or -1 when all are in range.
inline int64_t firstOutOfRange(const int32_t* values, int64_t n, int bits) {
    const uint32_t mask = layout::valueMask(bits);
    uint32_t stray = 0;
    for (int64_t i = 0; i < n; ++i)
        stray |= static_cast<uint32_t>(values[i]) & ~mask;
    if (stray == 0) return -1;
    for (int64_t i = 0; i < n; ++i)
        if ((static_cast<uint32_t>(values[i]) & ~mask) != 0) return i;
    return -1;
}

} // namespace qat::kernels::detail
