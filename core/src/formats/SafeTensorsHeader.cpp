// SPDX-License-Identifier: GPL-3.0-or-later
// The safetensors header parser. Deliberately free of torch and I/O so that the
// fuzz target can link it alone.
#include "qat/SafeTensors.h"
#include "qat/Status.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <limits>

namespace qat {

namespace {

struct DTypeInfo {
    DType dtype;
    const char* name;
    size_t size;
};

constexpr DTypeInfo kDTypes[] = {
    {DType::F64, "F64", 8}, {DType::F32, "F32", 4},   {DType::F16, "F16", 2}, {DType::BF16, "BF16", 2},
    {DType::I64, "I64", 8}, {DType::I32, "I32", 4},   {DType::I16, "I16", 2}, {DType::I8, "I8", 1},
    {DType::U8, "U8", 1},   {DType::Bool, "BOOL", 1},
};

[[noreturn]] void bad(const std::string& file, const std::string& what) {
    fail(ErrorKind::BadInput, file + ": " + what);
}

} // namespace

size_t dtypeSize(DType dtype) {
    for (const auto& d : kDTypes)
        if (d.dtype == dtype) return d.size;
    return 0;
}

const char* dtypeName(DType dtype) {
    for (const auto& d : kDTypes)
        if (d.dtype == dtype) return d.name;
    return "?";
}

bool parseDType(const std::string& name, DType& out) {
    for (const auto& d : kDTypes) {
        if (name == d.name) {
            out = d.dtype;
            return true;
        }
    }
    return false;
}

int64_t TensorEntry::numel() const {
    int64_t n = 1;
    for (int64_t d : shape)
        n *= d;
    return n;
}

const TensorEntry* SafeTensorsHeader::find(const std::string& name) const {
    for (const auto& t : tensors)
        if (t.name == name) return &t;
    return nullptr;
}

uint64_t parseSafeTensorsHeaderLength(const uint8_t* prefix, size_t available, uint64_t fileSize,
                                      const std::string& fileName) {
    if (available < 8 || fileSize < 8)
        bad(fileName, "file is too short to be safetensors (" + std::to_string(fileSize) +
                          " bytes; the 8-byte header length is missing)");
    uint64_t n = 0;
    for (int i = 7; i >= 0; --i)
        n = (n << 8) | prefix[i];
    if (n > kMaxSafeTensorsHeader)
        bad(fileName, "header length " + std::to_string(n) + " exceeds the 100 MB limit");
    if (n > fileSize - 8)
        bad(fileName, "header length " + std::to_string(n) + " runs past the end of the file (" +
                          std::to_string(fileSize) + " bytes)");
    if (n < 2) bad(fileName, "header length " + std::to_string(n) + " is too small for a JSON object");
    return n;
}

SafeTensorsHeader parseSafeTensorsHeader(const uint8_t* bytes, size_t size, uint64_t fileSize,
                                         const std::string& fileName) {
    SafeTensorsHeader header;
    header.headerLength = parseSafeTensorsHeaderLength(bytes, size, fileSize, fileName);
    header.dataOffset = 8 + header.headerLength;
    if (size < header.dataOffset) bad(fileName, "header is truncated");
    const uint64_t dataSize = fileSize - header.dataOffset;

    // nlohmann's lexer takes a NUL byte for the end of input and would ignore whatever follows
    // it; JSON text cannot hold a raw NUL, so refuse it here.
    const uint8_t* jsonEnd = bytes + header.dataOffset;
    if (const uint8_t* nul = std::find(bytes + 8, jsonEnd, uint8_t(0)); nul != jsonEnd)
        bad(fileName, "header is not valid JSON: NUL byte at offset " + std::to_string(nul - bytes));

    nlohmann::json root;
    try {
        root = nlohmann::json::parse(bytes + 8, jsonEnd);
    } catch (const nlohmann::json::exception& e) {
        bad(fileName, std::string("header is not valid JSON: ") + e.what());
    }
    if (!root.is_object()) bad(fileName, "header is not a JSON object");

    for (auto it = root.begin(); it != root.end(); ++it) {
        const std::string& name = it.key();
        const auto& v = it.value();
        if (name == "__metadata__") {
            if (!v.is_object()) bad(fileName, "__metadata__ is not an object");
            for (auto m = v.begin(); m != v.end(); ++m) {
                if (!m.value().is_string()) bad(fileName, "__metadata__." + m.key() + " is not a string");
                header.metadata[m.key()] = m.value().get<std::string>();
            }
            continue;
        }
        const std::string where = "tensor '" + name + "'";
        if (!v.is_object()) bad(fileName, where + " is not an object");
        auto dt = v.find("dtype");
        if (dt == v.end() || !dt->is_string()) bad(fileName, where + ": missing or non-string 'dtype'");
        TensorEntry e;
        e.name = name;
        if (!parseDType(dt->get<std::string>(), e.dtype))
            bad(fileName, where + ": unknown dtype '" + dt->get<std::string>() + "'");
        auto sh = v.find("shape");
        if (sh == v.end() || !sh->is_array()) bad(fileName, where + ": missing or non-array 'shape'");
        if (sh->size() > 8)
            bad(fileName, where + ": shape has " + std::to_string(sh->size()) + " dimensions");
        // The product of the non-zero dimensions times the element size must fit int64, so that
        // numel() and torch's strides cannot overflow, even for a tensor with a zero dimension.
        const uint64_t kMaxBytes = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
        uint64_t nonZeroBytes = dtypeSize(e.dtype);
        bool empty = false;
        for (const auto& d : *sh) {
            if (!d.is_number_unsigned())
                bad(fileName, where + ": shape entries must be non-negative integers");
            const uint64_t dim = d.get<uint64_t>();
            if (dim == 0) {
                empty = true;
            } else {
                if (nonZeroBytes > kMaxBytes / dim) bad(fileName, where + ": shape overflows");
                nonZeroBytes *= dim;
            }
            e.shape.push_back(static_cast<int64_t>(dim));
        }
        const uint64_t bytesNeeded = empty ? 0 : nonZeroBytes;
        auto off = v.find("data_offsets");
        if (off == v.end() || !off->is_array() || off->size() != 2 || !(*off)[0].is_number_unsigned() ||
            !(*off)[1].is_number_unsigned())
            bad(fileName, where + ": 'data_offsets' must be two non-negative integers");
        e.begin = (*off)[0].get<uint64_t>();
        e.end = (*off)[1].get<uint64_t>();
        if (e.end < e.begin) bad(fileName, where + ": data_offsets end before they begin");
        if (e.end > dataSize)
            bad(fileName, where + ": data_offsets [" + std::to_string(e.begin) + ", " +
                              std::to_string(e.end) + ") run past the data area (" +
                              std::to_string(dataSize) + " bytes)");
        if (e.end - e.begin != bytesNeeded)
            bad(fileName, where + ": shape and dtype need " + std::to_string(bytesNeeded) +
                              " bytes but data_offsets span " + std::to_string(e.end - e.begin));
        header.tensors.push_back(std::move(e));
    }

    std::sort(header.tensors.begin(), header.tensors.end(), [](const TensorEntry& a, const TensorEntry& b) {
        return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
    });
    // Compare each non-empty tensor with the non-empty one that reaches furthest before it:
    // an empty tensor sorted in between must not hide an overlap.
    const TensorEntry* furthest = nullptr;
    for (const auto& cur : header.tensors) {
        if (cur.end == cur.begin) continue;
        if (furthest && cur.begin < furthest->end)
            bad(fileName,
                "tensor '" + cur.name + "' overlaps tensor '" + furthest->name + "' in the data area");
        if (!furthest || cur.end > furthest->end) furthest = &cur;
    }
    return header;
}

} // namespace qat
