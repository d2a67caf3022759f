// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file Packing.h
/// Packing and unpacking of integer code matrices to and from GPTQ "v2" qweight / qzeros,
/// on plain row-major buffers. Torch-free. The layout itself is in PackedLayout.h.
///
/// All matrices use the storage orientation, the input dimension first:
///   codes  (in, out)          packs to qweight (in * bits / 32, out)
///   zeros  (in / group, out)  packs to qzeros  (in / group, out * bits / 32)
/// (the dequantized weight is (out, in), nn.Linear's orientation, so codes are its transpose).
///
/// Errors (a length or shape that does not pack, a code out of [0, 2^bits)) throw
/// std::invalid_argument with a message that names the function and the offending value.

#include <cstdint>
#include <vector>

namespace qat::kernels {

/// Packs a (rows, cols) matrix down its columns: value (r, c) goes to stream position r of
/// column c. Returns (rows * bits / 32, cols). rows * bits must be a multiple of 32.
std::vector<int32_t> packAlongRows(const std::vector<int32_t>& values, int64_t rows, int64_t cols, int bits);
/// Inverse of packAlongRows: packed (rows * bits / 32, cols) → values (rows, cols).
std::vector<int32_t> unpackAlongRows(const std::vector<int32_t>& packed, int64_t rows, int64_t cols,
                                     int bits);

/// Packs a (rows, cols) matrix along its rows: value (r, c) goes to stream position c of row
/// r. Returns (rows, cols * bits / 32). cols * bits must be a multiple of 32.
std::vector<int32_t> packAlongCols(const std::vector<int32_t>& values, int64_t rows, int64_t cols, int bits);
/// Inverse of packAlongCols: packed (rows, cols * bits / 32) → values (rows, cols).
std::vector<int32_t> unpackAlongCols(const std::vector<int32_t>& packed, int64_t rows, int64_t cols,
                                     int bits);

/// codes (in, out), each in [0, 2^bits) → qweight (in * bits / 32, out).
std::vector<int32_t> packQWeight(const std::vector<int32_t>& codes, int64_t in, int64_t out, int bits);
/// qweight (in * bits / 32, out) → codes (in, out).
std::vector<int32_t> unpackQWeight(const std::vector<int32_t>& qweight, int64_t in, int64_t out, int bits);

/// zeros (groups, out), raw zero points in [0, 2^bits) (no −1 offset) → qzeros (groups, out * bits / 32).
std::vector<int32_t> packQZeros(const std::vector<int32_t>& zeros, int64_t groups, int64_t out, int bits);
/// qzeros (groups, out * bits / 32) → zeros (groups, out).
std::vector<int32_t> unpackQZeros(const std::vector<int32_t>& qzeros, int64_t groups, int64_t out, int bits);

/// g_idx (in): g_idx[i] = i / group. in must be a multiple of group.
std::vector<int32_t> makeGIdx(int64_t in, int64_t group);

/// Throws std::invalid_argument naming `what` unless (in, out, bits, group) satisfies the
/// shape rules of PackedLayout.h.
void checkPackableShape(int64_t in, int64_t out, int bits, int64_t group, const char* what);

} // namespace qat::kernels
