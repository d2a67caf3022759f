// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// What every header that parseSafeTensorsHeader accepts must satisfy, checked by the
// fuzz target (which aborts on a violation) and by TestFuzzCorpusReplay.

#include "qat/SafeTensors.h"

#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

namespace qat::fuzz {

/// Returns an empty string when `h`, parsed from the `fileSize` bytes at `file`, is sound,
/// otherwise a description of the first violation.
inline std::string headerViolation(const SafeTensorsHeader& h, const uint8_t* file, uint64_t fileSize) {
    if (h.headerLength > kMaxSafeTensorsHeader) return "header length above the limit";
    if (h.dataOffset != 8 + h.headerLength) return "dataOffset != 8 + headerLength";
    if (h.dataOffset > fileSize) return "data area starts past the end of the file";
    // JSON text holds no raw NUL; a parser that stops at one has ignored the rest of the header.
    if (std::memchr(file + 8, 0, h.headerLength) != nullptr) return "accepted a header with a NUL byte";
    const uint64_t dataSize = fileSize - h.dataOffset;
    uint64_t lastEnd = 0; // end of the furthest non-empty tensor so far
    for (size_t i = 0; i < h.tensors.size(); ++i) {
        const TensorEntry& t = h.tensors[i];
        if (t.name == "__metadata__") return "__metadata__ listed as a tensor";
        if (h.find(t.name) == nullptr) return "find() misses tensor '" + t.name + "'";
        if (t.begin > t.end || t.end > dataSize) return "tensor '" + t.name + "' lies outside the data area";
        if (i > 0 && h.tensors[i - 1].begin > t.begin) return "tensors not sorted by offset";
        if (t.shape.size() > 8) return "tensor '" + t.name + "' has more than 8 dimensions";
        // The product of the non-zero dimensions times the element size must fit int64, whatever
        // the order: numel() multiplies in int64, and so do torch's strides (from the last
        // dimension), which a zero in front would not save. Computed unsigned, so that the
        // check itself is defined.
        const size_t esize = dtypeSize(t.dtype);
        if (esize == 0) return "tensor '" + t.name + "' has a dtype of size 0";
        const uint64_t kMax = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
        uint64_t nonZero = esize;
        bool empty = false;
        for (int64_t d : t.shape) {
            if (d < 0) return "tensor '" + t.name + "' has a negative dimension";
            const uint64_t ud = static_cast<uint64_t>(d);
            if (ud == 0) {
                empty = true;
                continue;
            }
            if (nonZero > kMax / ud)
                return "tensor '" + t.name + "' has a shape whose size in bytes overflows int64";
            nonZero *= ud;
        }
        const uint64_t n = empty ? 0 : nonZero / esize;
        if (static_cast<uint64_t>(t.numel()) != n) return "numel() disagrees for tensor '" + t.name + "'";
        DType back{};
        if (!parseDType(dtypeName(t.dtype), back) || back != t.dtype)
            return "dtype name of tensor '" + t.name + "' does not round-trip";
        if (n * esize != t.end - t.begin)
            return "tensor '" + t.name + "': byte length differs from shape x dtype size";
        if (t.end > t.begin) {
            if (t.begin < lastEnd) return "tensor '" + t.name + "' overlaps an earlier tensor";
            lastEnd = t.end;
        }
    }
    return {};
}

/// The input with its 8-byte length prefix rewritten so that the JSON header runs from byte 8
/// up to and including the last '}' of the input, or an empty vector when there is none.
/// Mutations that grow or shrink the JSON leave the original prefix wrong, so that almost
/// every mutant would be refused at the JSON step; this second reading lets the fuzzer reach
/// the tensor checks behind it.
inline std::vector<uint8_t> withFittedLength(const uint8_t* data, size_t size) {
    if (size <= 8) return {};
    size_t end = 0; // one past the last '}'
    for (size_t i = size; i > 8 && end == 0; --i)
        if (data[i - 1] == '}') end = i;
    if (end == 0) return {};
    std::vector<uint8_t> out(data, data + size);
    const uint64_t n = end - 8;
    for (int i = 0; i < 8; ++i)
        out[i] = static_cast<uint8_t>(n >> (8 * i));
    return out;
}

} // namespace qat::fuzz
