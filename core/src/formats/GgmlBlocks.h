// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The byte codecs of the ggml block types of GgmlTypes.h (layouts exactly as ggml-common.h:
// block_q4_0, block_q4_1, block_q8_0, block_q2_K, block_q3_K, block_q4_K; all little endian):
// dequantization of any of them, exact encodings of QAT Studio's affine rows where a type holds
// them, fitted k-quant encodings where it does not, and plain float rows. Torch-free; every
// function is pure and may run on many rows at once from several threads.

#include "formats/GgmlTypes.h"

#include <cstdint>

namespace qat::gguf {

/// IEEE half from a float, rounded to nearest even (overflow to infinity, NaN kept quiet).
uint16_t fp32ToFp16(float x);
/// The float of an IEEE half (exact).
float fp16ToFp32(uint16_t h);
/// bfloat16 from a float as ggml rounds it (nearest even; NaN made quiet).
uint16_t fp32ToBf16(float x);
/// The float of a bfloat16 (exact).
float bf16ToFp32(uint16_t h);

/// Dequantizes n values (n a multiple of the type's block size) of any type in the table.
/// In ggml's order of operations (the products are exact in float), so the floats are the ones
/// llama.cpp's CPU reference and the `gguf` Python package produce, bit for bit.
// src: ggmlRowBytes(type, n) bytes; dst: (n,)
void dequantizeRow(GgmlType type, const uint8_t* src, float* dst, int64_t n);

/// A row of an affine-quantized weight as QAT Studio stores it: x_i = scales[g] * (codes[i] - zeros[g]),
/// g = i / group (the last group may be shorter), codes in [0, 2^bits - 1], zeros integer-valued floats in
/// the same range.
struct AffineRow {
    const uint8_t* codes; ///< (n,)
    const float* scales;  ///< (ceil(n / group),)
    const float* zeros;   ///< (ceil(n / group),)
    int64_t n;
    int64_t group;
    int bits;
};

/// True when `type` holds the row exactly (up to the fp16 rounding of its block scale/min):
///  Q4_1: up to 4 bits (codes 0..15), group a multiple of 32: d = fp16(s), m = fp16(-s*z), codes unchanged.
///  Q4_0: bits 4, group a multiple of 32, every zero == 8: d = fp16(s), q = code.
///  Q8_0: bits 8, group multiple of 32, every zero == 128: d = fp16(s), q = code - 128 (int8).
/// False for everything else (and always false for the k-quants and float types), including a code
/// out of range or a scale (or Q4_1's min) beyond the range of fp16.
bool encodesExactly(GgmlType type, const AffineRow& row);

/// Writes the row in `type` (dst: ggmlRowBytes(type, n) bytes). Exact types as above (throws
/// std::invalid_argument where encodesExactly is false). Q2_K, Q3_K, Q4_K (super-blocks of 256; n a
/// multiple of 256): FITTED — the trained integer codes are kept where the type's structure allows
/// (Q4_K: 4-bit codes, x = d*sc*q - dmin*m with 6-bit sc, m per 32-weight sub-block; Q2_K: 2-bit codes,
/// 4-bit sc and m per 16-weight sub-block; Q3_K is symmetric, x = d*(sc-32)*(q-4) with 6-bit signed
/// scales per 16 weights, so codes are kept (as code - zero) only where that fits -4..3, e.g. zero 4,
/// else re-picked), the super-block d/dmin and the sub-block scales and mins are fitted to minimise the
/// squared weight error against the row's dequantized values (alternating: integer scales given d, a
/// least-squares d/dmin given the integers, both rounded as stored), then each code is re-picked as the
/// nearest under the final (quantized) scales where that lowers its error, and the fit is repeated
/// once on the new codes while the error keeps falling. Rows of more bits than the type holds start
/// from round-to-nearest codes per sub-block. F32, F16, BF16: the dequantized values, as
/// encodeFloatRow writes them.
void encodeRow(GgmlType type, const AffineRow& row, uint8_t* dst);

/// Plain float rows: F32, F16, BF16 (round to nearest even), Q8_0 (llama.cpp's rule: d = amax/127,
/// q = round(x/d), halves away from zero); n a multiple of the block size. Throws
/// std::invalid_argument for the other types.
// x: (n,); dst: ggmlRowBytes(type, n) bytes
void encodeFloatRow(GgmlType type, const float* x, uint8_t* dst, int64_t n);

} // namespace qat::gguf
