// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The one table of the ggml tensor types QAT Studio reads and writes in GGUF files: their ids
// (as GGUF stores them), names, block sizes and block bytes. Torch-free.

#include <cstdint>
#include <string>

namespace qat::gguf {

/// ggml's type ids (ggml.h's enum ggml_type), for the types this project handles.
enum class GgmlType : uint32_t {
    F32 = 0,
    F16 = 1,
    Q4_0 = 2,
    Q4_1 = 3,
    Q8_0 = 8,
    Q2_K = 10,
    Q3_K = 11,
    Q4_K = 12,
    BF16 = 30,
};

struct GgmlTypeInfo {
    GgmlType type;
    const char* name;   ///< lower case, as the CLI spells it: "f32", "q4_1", "q2_k"
    int64_t blockSize;  ///< weights per block (1 for the float types)
    int64_t blockBytes; ///< bytes per block
};

/// The row of `id`; nullptr for a type this project does not handle.
const GgmlTypeInfo* findGgmlType(uint32_t id);
/// The row named `name` (lower case); nullptr when unknown.
const GgmlTypeInfo* findGgmlType(const std::string& name);
/// The row of a type of the enum.
const GgmlTypeInfo& ggmlType(GgmlType type);
/// Bytes of `n` weights of `type`; `n` must be a multiple of the block size (throws
/// std::invalid_argument otherwise).
uint64_t ggmlRowBytes(GgmlType type, int64_t n);

} // namespace qat::gguf
