// SPDX-License-Identifier: GPL-3.0-or-later
// Torch-free packing of code and zero-point matrices (see Packing.h, PackedLayout.h).

#include "qat/kernels/Packing.h"

#include "BitStream.h"
#include "qat/kernels/PackedLayout.h"

#include <stdexcept>
#include <string>

namespace qat::kernels {
namespace {

[[noreturn]] void fail(const char* what, const std::string& message) {
    throw std::invalid_argument(std::string(what) + ": " + message);
}

void checkBits(int bits, const char* what) {
    if (!layout::isSupportedBits(bits)) fail(what, "bits must be 2, 3, 4 or 8, got " + std::to_string(bits));
}

/// rows, cols > 0; `packedDim` (the packed dimension) packs into whole words; `size` matches.
void checkMatrix(int64_t rows, int64_t cols, int64_t packedDim, int bits, size_t size, int64_t expected,
                 const char* dimName, const char* what) {
    checkBits(bits, what);
    if (rows <= 0 || cols <= 0)
        fail(what, "shape (" + std::to_string(rows) + ", " + std::to_string(cols) + ") must be positive");
    if (!layout::isPackableLength(packedDim, bits))
        fail(what, std::string(dimName) + " = " + std::to_string(packedDim) + " times " +
                       std::to_string(bits) + " bits is not a multiple of 32 (it must be a multiple of " +
                       std::to_string(layout::valuesPerBlock(bits)) + ")");
    if (static_cast<int64_t>(size) != expected)
        fail(what, "buffer holds " + std::to_string(size) + " values, expected " + std::to_string(expected));
}

void checkRange(const std::vector<int32_t>& values, int64_t cols, int bits, const char* what) {
    const int64_t bad = detail::firstOutOfRange(values.data(), static_cast<int64_t>(values.size()), bits);
    if (bad >= 0)
        fail(what, "value " + std::to_string(values[static_cast<size_t>(bad)]) + " at (" +
                       std::to_string(bad / cols) + ", " + std::to_string(bad % cols) + ") is outside [0, " +
                       std::to_string(layout::maxCode(bits)) + "] for " + std::to_string(bits) + " bits");
}

uint32_t* words(std::vector<int32_t>& v) {
    return reinterpret_cast<uint32_t*>(v.data());
}
const uint32_t* words(const std::vector<int32_t>& v) {
    return reinterpret_cast<const uint32_t*>(v.data());
}

} // namespace

std::vector<int32_t> packAlongRows(const std::vector<int32_t>& values, int64_t rows, int64_t cols, int bits) {
    constexpr const char* what = "packAlongRows";
    checkMatrix(rows, cols, rows, bits, values.size(), rows * cols, "rows", what);
    checkRange(values, cols, bits, what);
    std::vector<int32_t> packed(static_cast<size_t>(layout::packedLength(rows, bits) * cols), 0);
    detail::packRows(values.data(), rows, cols, bits, words(packed));
    return packed;
}

std::vector<int32_t> unpackAlongRows(const std::vector<int32_t>& packed, int64_t rows, int64_t cols,
                                     int bits) {
    constexpr const char* what = "unpackAlongRows";
    checkMatrix(rows, cols, rows, bits, packed.size(), layout::packedLength(rows, bits) * cols, "rows", what);
    std::vector<int32_t> values(static_cast<size_t>(rows * cols));
    detail::unpackRows(words(packed), rows, cols, bits, values.data());
    return values;
}

std::vector<int32_t> packAlongCols(const std::vector<int32_t>& values, int64_t rows, int64_t cols, int bits) {
    constexpr const char* what = "packAlongCols";
    checkMatrix(rows, cols, cols, bits, values.size(), rows * cols, "cols", what);
    checkRange(values, cols, bits, what);
    std::vector<int32_t> packed(static_cast<size_t>(rows * layout::packedLength(cols, bits)), 0);
    detail::packCols(values.data(), rows, cols, bits, words(packed));
    return packed;
}

std::vector<int32_t> unpackAlongCols(const std::vector<int32_t>& packed, int64_t rows, int64_t cols,
                                     int bits) {
    constexpr const char* what = "unpackAlongCols";
    checkMatrix(rows, cols, cols, bits, packed.size(), rows * layout::packedLength(cols, bits), "cols", what);
    std::vector<int32_t> values(static_cast<size_t>(rows * cols));
    detail::unpackCols(words(packed), rows, cols, bits, values.data());
    return values;
}

std::vector<int32_t> packQWeight(const std::vector<int32_t>& codes, int64_t in, int64_t out, int bits) {
    return packAlongRows(codes, in, out, bits);
}

std::vector<int32_t> unpackQWeight(const std::vector<int32_t>& qweight, int64_t in, int64_t out, int bits) {
    return unpackAlongRows(qweight, in, out, bits);
}

std::vector<int32_t> packQZeros(const std::vector<int32_t>& zeros, int64_t groups, int64_t out, int bits) {
    return packAlongCols(zeros, groups, out, bits);
}

std::vector<int32_t> unpackQZeros(const std::vector<int32_t>& qzeros, int64_t groups, int64_t out, int bits) {
    return unpackAlongCols(qzeros, groups, out, bits);
}

std::vector<int32_t> makeGIdx(int64_t in, int64_t group) {
    if (in <= 0 || group <= 0 || in % group != 0)
        fail("makeGIdx", "in = " + std::to_string(in) +
                             " must be a positive multiple of group = " + std::to_string(group));
    std::vector<int32_t> gIdx(static_cast<size_t>(in));
    for (int64_t i = 0; i < in; ++i)
        gIdx[static_cast<size_t>(i)] = static_cast<int32_t>(layout::groupOf(i, group));
    return gIdx;
}

void checkPackableShape(int64_t in, int64_t out, int bits, int64_t group, const char* what) {
    if (const char* error = layout::shapeError(in, out, bits, group))
        fail(what, std::string(error) + " (in = " + std::to_string(in) + ", out = " + std::to_string(out) +
                       ", bits = " + std::to_string(bits) + ", group = " + std::to_string(group) + ")");
}

} // namespace qat::kernels
