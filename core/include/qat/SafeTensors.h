// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file SafeTensors.h
/// A validating parser for the safetensors header (no torch, no I/O), shared by the
/// loader and the fuzz target.
///
/// Layout: 8-byte little-endian header length N, N bytes of JSON, then the data area.
/// Every tensor's `data_offsets` are relative to the start of the data area.

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace qat {

enum class DType { F64, F32, F16, BF16, I64, I32, I16, I8, U8, Bool };

/// Size in bytes of one element.
size_t dtypeSize(DType dtype);
/// The safetensors spelling ("F32", "BF16", ...).
const char* dtypeName(DType dtype);
/// Parses a safetensors dtype name; returns false when unknown.
bool parseDType(const std::string& name, DType& out);

/// Largest header accepted (100 MB): a bigger one is refused before it is read.
constexpr uint64_t kMaxSafeTensorsHeader = 100ull * 1000 * 1000;

struct TensorEntry {
    std::string name;
    DType dtype = DType::F32;
    std::vector<int64_t> shape;
    uint64_t begin = 0; ///< byte offset in the data area
    uint64_t end = 0;   ///< one past the last byte
    int64_t numel() const;
};

struct SafeTensorsHeader {
    uint64_t headerLength = 0;        ///< N
    uint64_t dataOffset = 0;          ///< 8 + N: where the data area starts in the file
    std::vector<TensorEntry> tensors; ///< in file order (sorted by begin)
    std::map<std::string, std::string> metadata;

    const TensorEntry* find(const std::string& name) const;
};

/// Reads the 8-byte length prefix and checks it against the file size and the
/// 100 MB limit. `prefix` must hold at least 8 bytes.
uint64_t parseSafeTensorsHeaderLength(const uint8_t* prefix, size_t available, uint64_t fileSize,
                                      const std::string& fileName);

/// Validates and parses a header. `bytes` holds the start of the file (at least the 8-byte
/// prefix and the whole JSON header); `fileSize` is the whole file's size. Checks: the length
/// fits the file and the limit; the JSON is valid and an object; every dtype is known; shape ×
/// dtype size equals the byte length; offsets lie in the data area and do not overlap.
/// Throws qat::Error(BadInput) naming `fileName` and the tensor.
SafeTensorsHeader parseSafeTensorsHeader(const uint8_t* bytes, size_t size, uint64_t fileSize,
                                         const std::string& fileName);

} // namespace qat
