// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file PackedLayout.h
/// THE packed low-bit weight layout of QAT Studio, defined once. Core's CPU reference, the
/// CPU kernels in kernels/src and the CUDA kernels all take their bit positions and shape
/// rules from here. Torch-free, header-only, constexpr.
///
/// The layout is GPTQ's, in its "v2" form (the zero point is stored as is, without the −1
/// offset of GPTQ v1 / AutoGPTQ's default "gptq" checkpoint format):
///
///   tensor   dtype  shape                      packed along
///   qweight  int32  (in * bits / 32, out)      the input dimension (down each column)
///   qzeros   int32  (in / group, out * bits / 32)  the output dimension (along each row)
///   scales   fp16   (in / group, out)          -
///   g_idx    int32  (in)                       -, g_idx[i] = i / group
///
/// Dequantized weight, in nn.Linear orientation (out, in):
///   W[o][i] = (q[i][o] − z[i / group][o]) · s[i / group][o]
/// where q is the (in, out) code matrix packed into qweight and z the (in / group, out) zero
/// matrix packed into qzeros.
///
/// Word layout, the same for every bit width and for both packed tensors: the values of one
/// packed line (a column of q, a row of z) form a little-endian bit stream, value k occupying
/// stream bits [k·bits, (k+1)·bits), and the stream is cut into 32-bit words, word w holding
/// stream bits [32·w, 32·w + 32) with stream bit 32·w + b at bit b of the word (lowest bits
/// first). For 2, 4 and 8 bits a value never crosses a word: word w holds values
/// [w·32/bits, (w+1)·32/bits). For 3 bits 32 values fill exactly 3 words and values 10 and 21
/// of each such block straddle a word boundary; this is bit for bit the 3-bit layout written
/// by GPTQ / AutoGPTQ's `pack()` (value 10: 2 low bits at bits 30-31 of word 0, high bit at
/// bit 0 of word 1; value 21: low bit at bit 31 of word 1, 2 high bits at bits 0-1 of word 2).
///
/// Shape rules (all must hold; brokenShapeRule() finds the first that does not, shapeError()
/// names it):
///   - bits ∈ {2, 3, 4, 8};
///   - in > 0, out > 0, group > 0;
///   - in % group == 0: every group is whole, one row of scales/qzeros per group
///     (per-channel quantization is group == in);
///   - in · bits % 32 == 0, i.e. in % valuesPerBlock(bits) == 0 (16, 32, 8, 4 for 2, 3, 4, 8
///     bits): qweight's columns end on a word boundary;
///   - out · bits % 32 == 0, i.e. out % valuesPerBlock(bits) == 0: qzeros' rows end on a word
///     boundary.
/// group need not be a multiple of valuesPerBlock(bits) for the layout (g_idx is explicit);
/// groupAlignedToWords() says when group boundaries fall on word boundaries, which kernels
/// may require for their fast paths and must then check and document themselves.

#include <cstdint>

namespace qat::kernels::layout {

/// Bits in one storage word (qweight and qzeros are int32 tensors holding uint32 bit patterns).
inline constexpr int kWordBits = 32;

/// The supported code widths.
inline constexpr int kSupportedBits[] = {2, 3, 4, 8};

/// True for the code widths the layout defines: 2, 3, 4, 8.
constexpr bool isSupportedBits(int bits) {
    return bits == 2 || bits == 3 || bits == 4 || bits == 8;
}

/// Mask of one value's bits, e.g. 0xF for 4 bits.
constexpr uint32_t valueMask(int bits) {
    return (uint32_t{1} << bits) - 1u;
}

/// Largest code (and zero point) a value can hold: 2^bits − 1.
constexpr int32_t maxCode(int bits) {
    return static_cast<int32_t>(valueMask(bits));
}

constexpr int gcd(int a, int b) {
    return b == 0 ? a : gcd(b, a % b);
}

/// Values in the smallest run of whole values that fills whole words: 16, 32, 8, 4 for
/// 2, 3, 4, 8 bits. A packed line's length must be a multiple of it.
constexpr int valuesPerBlock(int bits) {
    return kWordBits / gcd(bits, kWordBits);
}

/// Words that such a block fills: 1, 3, 1, 1 for 2, 3, 4, 8 bits.
constexpr int wordsPerBlock(int bits) {
    return bits / gcd(bits, kWordBits);
}

/// Words that 32 values fill, for every width: `bits`.
constexpr int wordsPer32Values(int bits) {
    return bits;
}

/// Whole values in one word when values never straddle words (2, 4, 8 bits: 16, 8, 4);
/// 0 for 3 bits, whose words hold 10⅔ values.
constexpr int valuesPerWord(int bits) {
    return kWordBits % bits == 0 ? kWordBits / bits : 0;
}

/// True when a value never crosses a word boundary (every width but 3).
constexpr bool valuesAlignedToWords(int bits) {
    return valuesPerWord(bits) != 0;
}

/// True when `n` values pack into whole words: n > 0 and n · bits % 32 == 0.
constexpr bool isPackableLength(int64_t n, int bits) {
    return isSupportedBits(bits) && n > 0 && (n * bits) % kWordBits == 0;
}

/// Words that `n` packable values fill: n · bits / 32.
constexpr int64_t packedLength(int64_t n, int bits) {
    return n * bits / kWordBits;
}

/// Where value `k` of a packed line lives: word `word`, starting at bit `shift`; when
/// `straddles`, its top `bits − (32 − shift)` bits are the low bits of word `word + 1`.
struct BitPosition {
    int64_t word;
    int shift;
    bool straddles;
};

constexpr BitPosition bitPosition(int64_t k, int bits) {
    const int64_t bit = k * bits;
    const int shift = static_cast<int>(bit % kWordBits);
    return BitPosition{bit / kWordBits, shift, shift + bits > kWordBits};
}

// --- Tensor shapes ---------------------------------------------------------------------

/// qweight rows: in · bits / 32 (its columns: out).
constexpr int64_t qweightRows(int64_t in, int bits) {
    return packedLength(in, bits);
}
/// Groups along the input dimension: rows of qzeros and scales.
constexpr int64_t groupCount(int64_t in, int64_t group) {
    return in / group;
}
/// qzeros columns: out · bits / 32 (its rows: in / group).
constexpr int64_t qzerosCols(int64_t out, int bits) {
    return packedLength(out, bits);
}
/// g_idx[i]: the group (row of scales and qzeros) of input row i.
constexpr int64_t groupOf(int64_t i, int64_t group) {
    return i / group;
}

/// True when group boundaries fall on qweight word boundaries (group · bits % 32 == 0), so a
/// kernel can walk qweight one group of whole words at a time. Not required by the layout.
constexpr bool groupAlignedToWords(int64_t group, int bits) {
    return group > 0 && (group * bits) % kWordBits == 0;
}

/// The shape rules above, in the order they are checked; None when all hold.
enum class ShapeRule {
    None,
    Bits,          ///< bits ∈ {2, 3, 4, 8}
    Positive,      ///< in > 0, out > 0
    GroupPositive, ///< group > 0
    WholeGroups,   ///< in % group == 0
    InWords,       ///< in · bits % 32 == 0 (qweight packs along the input)
    OutWords,      ///< out · bits % 32 == 0 (qzeros packs along the output)
};

/// The first shape rule that (in, out, bits, group) breaks, or ShapeRule::None when it can be
/// packed: THE packability decision, which every caller (pack, dequantize, loaders, export) asks.
constexpr ShapeRule brokenShapeRule(int64_t in, int64_t out, int bits, int64_t group) {
    if (!isSupportedBits(bits)) return ShapeRule::Bits;
    if (in <= 0 || out <= 0) return ShapeRule::Positive;
    if (group <= 0) return ShapeRule::GroupPositive;
    if (in % group != 0) return ShapeRule::WholeGroups;
    if ((in * bits) % kWordBits != 0) return ShapeRule::InWords;
    if ((out * bits) % kWordBits != 0) return ShapeRule::OutWords;
    return ShapeRule::None;
}

/// nullptr when (in, out, bits, group) can be packed; otherwise the first broken rule.
constexpr const char* shapeError(int64_t in, int64_t out, int bits, int64_t group) {
    switch (brokenShapeRule(in, out, bits, group)) {
    case ShapeRule::None:
        return nullptr;
    case ShapeRule::Bits:
        return "bits must be 2, 3, 4 or 8";
    case ShapeRule::Positive:
        return "in and out features must be positive";
    case ShapeRule::GroupPositive:
        return "group size must be positive (use group == in for per-channel)";
    case ShapeRule::WholeGroups:
        return "in features must be a multiple of the group size";
    case ShapeRule::InWords:
        return "in * bits must be a multiple of 32 (qweight packs along the input dimension)";
    case ShapeRule::OutWords:
        return "out * bits must be a multiple of 32 (qzeros packs along the output dimension)";
    }
    return nullptr;
}

/// True when (in, out, bits, group) satisfies every shape rule above.
constexpr bool isPackableShape(int64_t in, int64_t out, int bits, int64_t group) {
    return brokenShapeRule(in, out, bits, group) == ShapeRule::None;
}

// --- The rules, checked at compile time ---------------------------------------------------

static_assert(kWordBits == 8 * sizeof(uint32_t), "words are 32-bit");
static_assert(valueMask(2) == 0x3u && valueMask(3) == 0x7u && valueMask(4) == 0xFu && valueMask(8) == 0xFFu);
static_assert(maxCode(4) == 15 && maxCode(3) == 7);
static_assert(valuesPerBlock(2) == 16 && valuesPerBlock(3) == 32 && valuesPerBlock(4) == 8 &&
              valuesPerBlock(8) == 4);
static_assert(wordsPerBlock(2) == 1 && wordsPerBlock(3) == 3 && wordsPerBlock(4) == 1 &&
              wordsPerBlock(8) == 1);
static_assert(valuesPerWord(2) == 16 && valuesPerWord(3) == 0 && valuesPerWord(4) == 8 &&
              valuesPerWord(8) == 4);
static_assert(!isSupportedBits(1) && !isSupportedBits(5) && !isSupportedBits(16));
// A block is exactly wordsPerBlock words, and 32 values are exactly `bits` words, for each width.
static_assert(valuesPerBlock(2) * 2 == wordsPerBlock(2) * kWordBits);
static_assert(valuesPerBlock(3) * 3 == wordsPerBlock(3) * kWordBits);
static_assert(valuesPerBlock(4) * 4 == wordsPerBlock(4) * kWordBits);
static_assert(valuesPerBlock(8) * 8 == wordsPerBlock(8) * kWordBits);
static_assert(packedLength(32, 2) == wordsPer32Values(2) && packedLength(32, 3) == wordsPer32Values(3) &&
              packedLength(32, 4) == wordsPer32Values(4) && packedLength(32, 8) == wordsPer32Values(8));
// Packable lengths are the multiples of a block.
static_assert(isPackableLength(16, 2) && !isPackableLength(8, 2));
static_assert(isPackableLength(32, 3) && !isPackableLength(16, 3) && !isPackableLength(48, 3) &&
              isPackableLength(64, 3));
static_assert(isPackableLength(8, 4) && !isPackableLength(12, 4));
static_assert(isPackableLength(4, 8) && !isPackableLength(6, 8));
// 4 bits: value k of a column sits at bits 4·(k % 8) of word k / 8.
static_assert(bitPosition(13, 4).word == 1 && bitPosition(13, 4).shift == 20 &&
              !bitPosition(13, 4).straddles);
static_assert(bitPosition(7, 2).word == 0 && bitPosition(7, 2).shift == 14);
static_assert(bitPosition(5, 8).word == 1 && bitPosition(5, 8).shift == 8);
// 3 bits, GPTQ's block of 32 values in 3 words: 0..9 in word 0, 10 straddles words 0-1 (shift 30),
// 11..20 in word 1 from bit 1, 21 straddles words 1-2 (shift 31), 22..31 in word 2 from bit 2.
static_assert(bitPosition(9, 3).word == 0 && bitPosition(9, 3).shift == 27 && !bitPosition(9, 3).straddles);
static_assert(bitPosition(10, 3).word == 0 && bitPosition(10, 3).shift == 30 && bitPosition(10, 3).straddles);
static_assert(bitPosition(11, 3).word == 1 && bitPosition(11, 3).shift == 1 && !bitPosition(11, 3).straddles);
static_assert(bitPosition(21, 3).word == 1 && bitPosition(21, 3).shift == 31 && bitPosition(21, 3).straddles);
static_assert(bitPosition(22, 3).word == 2 && bitPosition(22, 3).shift == 2 && !bitPosition(22, 3).straddles);
static_assert(bitPosition(31, 3).word == 2 && bitPosition(31, 3).shift == 29 &&
              !bitPosition(31, 3).straddles);
static_assert(bitPosition(32, 3).word == 3 && bitPosition(32, 3).shift == 0);
// Shape rules.
static_assert(isPackableShape(4096, 4096, 4, 128) && isPackableShape(4096, 11008, 2, 64) &&
              isPackableShape(11008, 4096, 3, 128) && isPackableShape(4096, 4096, 8, 4096));
static_assert(qweightRows(4096, 3) == 384 && qweightRows(4096, 4) == 512 && qzerosCols(4096, 2) == 256);
static_assert(!isPackableShape(4096, 4096, 5, 128));
static_assert(!isPackableShape(4000, 4096, 4, 128)); // in % group
static_assert(!isPackableShape(48, 64, 3, 16));      // in · 3 % 32
static_assert(!isPackableShape(64, 48, 3, 32));      // out · 3 % 32
static_assert(!isPackableShape(64, 8, 2, 32));       // out · 2 % 32
static_assert(brokenShapeRule(4096, 4096, 4, 128) == ShapeRule::None);
static_assert(brokenShapeRule(4096, 4096, 5, 128) == ShapeRule::Bits);
static_assert(brokenShapeRule(0, 4096, 4, 128) == ShapeRule::Positive);
static_assert(brokenShapeRule(4096, 4096, 4, 0) == ShapeRule::GroupPositive);
static_assert(brokenShapeRule(4000, 4096, 4, 128) == ShapeRule::WholeGroups);
static_assert(brokenShapeRule(48, 64, 3, 16) == ShapeRule::InWords);
static_assert(brokenShapeRule(64, 48, 3, 32) == ShapeRule::OutWords);
static_assert(brokenShapeRule(172, 64, 4, 172) == ShapeRule::InWords); // 172 · 4 % 32 != 0, whole-row group
static_assert(shapeError(4096, 4096, 4, 128) == nullptr && shapeError(64, 48, 3, 32) != nullptr);
static_assert(groupAlignedToWords(128, 3) && !groupAlignedToWords(16, 3) && groupAlignedToWords(8, 4));

} // namespace qat::kernels::layout
