// SPDX-License-Identifier: GPL-3.0-or-later
#include "formats/GgmlTypes.h"

#include <stdexcept>

namespace qat::gguf {

namespace {

// Block layouts (ggml-common.h): Q4_0 fp16 d + 16 bytes; Q4_1 fp16 d, m + 16 bytes; Q8_0 fp16 d +
// 32 int8; Q2_K 16 scale bytes + 64 bytes of 2-bit codes + fp16 d, dmin; Q3_K 32 bytes high bits
// + 64 bytes low bits + 12 scale bytes + fp16 d; Q4_K fp16 d, dmin + 12 scale bytes + 128 bytes.
constexpr GgmlTypeInfo kTypes[] = {
    {GgmlType::F32, "f32", 1, 4},      {GgmlType::F16, "f16", 1, 2},       {GgmlType::BF16, "bf16", 1, 2},
    {GgmlType::Q4_0, "q4_0", 32, 18},  {GgmlType::Q4_1, "q4_1", 32, 20},   {GgmlType::Q8_0, "q8_0", 32, 34},
    {GgmlType::Q2_K, "q2_k", 256, 84}, {GgmlType::Q3_K, "q3_k", 256, 110}, {GgmlType::Q4_K, "q4_k", 256, 144},
};

} // namespace

const GgmlTypeInfo* findGgmlType(uint32_t id) {
    for (const GgmlTypeInfo& t : kTypes)
        if (static_cast<uint32_t>(t.type) == id) return &t;
    return nullptr;
}

const GgmlTypeInfo* findGgmlType(const std::string& name) {
    for (const GgmlTypeInfo& t : kTypes)
        if (name == t.name) return &t;
    return nullptr;
}

const GgmlTypeInfo& ggmlType(GgmlType type) {
    const GgmlTypeInfo* t = findGgmlType(static_cast<uint32_t>(type));
    if (!t)
        throw std::invalid_argument("ggml type " + std::to_string(static_cast<uint32_t>(type)) +
                                    " is not handled");
    return *t;
}

uint64_t ggmlRowBytes(GgmlType type, int64_t n) {
    const GgmlTypeInfo& t = ggmlType(type);
    if (n < 0 || n % t.blockSize != 0)
        throw std::invalid_argument(std::string("a row of ") + t.name + " must hold a multiple of " +
                                    std::to_string(t.blockSize) + " weights, not " + std::to_string(n));
    return static_cast<uint64_t>(n / t.blockSize) * static_cast<uint64_t>(t.blockBytes);
}

} // namespace qat::gguf
