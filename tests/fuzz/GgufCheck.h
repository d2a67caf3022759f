// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// What the GGUF fuzz target and its corpus replay check on one input: GgufFile either refuses it
// with Error(BadInput) naming the file, or accepts a file whose every tensor lies inside the buffer
// (checked here again, independently, and touched), whose tensors do not overlap, whose every
// accessor answers or throws BadInput, and which GgufWriter writes back to a file that parses to
// the same metadata and tensors.

#include "formats/GgufFile.h"
#include "qat/Status.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace qat::fuzz {

inline const std::string kGgufFileName = "fuzz-input.gguf";

enum class GgufOutcome { Accepted, Refused };

namespace detail {

// Calls every accessor of `v`; "" when each answers or throws BadInput naming the file.
inline std::string valueViolation(const gguf::Value& v) {
    using gguf::ValueType;
    std::string why;
    auto call = [&why](const char* name, auto&& fn) {
        try {
            fn();
        } catch (const Error& e) {
            if (e.kind() != ErrorKind::BadInput && why.empty())
                why = std::string(name) + ": wrong kind: " + e.what();
            if (std::string(e.what()).find(kGgufFileName) == std::string::npos && why.empty())
                why = std::string(name) + ": the file is not named: " + e.what();
        }
    };
    volatile uint64_t sink = 0;
    call("asU64", [&] { sink = sink + v.asU64(); });
    call("asI64", [&] { sink = sink + uint64_t(v.asI64()); });
    call("asF64", [&] { sink = sink + uint64_t(v.asF64() == v.asF64()); });
    call("asBool", [&] { sink = sink + v.asBool(); });
    call("asString", [&] { sink = sink + v.asString().size(); });
    call("strings", [&] { sink = sink + v.strings().size(); });
    call("floats", [&] { sink = sink + v.floats().size(); });
    call("ints", [&] { sink = sink + v.ints().size(); });
    call("size", [&] { sink = sink + v.size(); });
    if (!why.empty()) return why;
    if (v.isArray()) {
        const size_t n = v.elementType() == ValueType::String
                             ? v.strings().size()
                             : v.rawElements().size() / gguf::valueTypeSize(v.elementType());
        if (v.size() != n) return "size() disagrees with the elements";
        if (v.size() > gguf::kMaxArrayElements) return "an array over the limit";
        if (v.elementType() == ValueType::Array) return "an array of arrays";
    } else if (v.type() == ValueType::String && v.asString().size() > gguf::kMaxStringBytes) {
        return "a string over the limit";
    }
    return {};
}

// GgufWriter's encoding of `f` (header, then each tensor's data padded to the alignment), as
// write() lays it out; empty when a tensor name is one the writer refuses (longer than ggml's).
inline std::vector<uint8_t> rewrite(const gguf::GgufFile& f) {
    gguf::GgufWriter w;
    for (const auto& [key, value] : f.metadata())
        w.set(key, value);
    for (const gguf::TensorInfo& t : f.tensors()) {
        if (t.name.empty() || t.name.size() > gguf::kMaxTensorName) return {};
        w.addTensor(t.name, t.ne, t.type, [](uint8_t*) {});
    }
    std::vector<uint8_t> out = w.encodeHeader();
    for (const gguf::TensorInfo& t : f.tensors()) {
        const uint8_t* p = f.tensorData(t);
        out.insert(out.end(), p, p + t.bytes);
        out.resize((out.size() + f.alignment() - 1) / f.alignment() * f.alignment(), 0);
    }
    return out;
}

} // namespace detail

/// "" when `size` bytes at `data` were handled soundly (`outcome` says how; `message`, when given,
/// receives the refusal's message), else what went wrong.
inline std::string ggufViolation(const uint8_t* data, size_t size, GgufOutcome& outcome,
                                 std::string* message = nullptr) {
    using namespace gguf;
    outcome = GgufOutcome::Refused;
    try {
        const GgufFile f = GgufFile::fromBuffer(data, size, kGgufFileName);
        outcome = GgufOutcome::Accepted;
        if (f.version() != 2 && f.version() != 3) return "accepted version " + std::to_string(f.version());
        const uint64_t a = f.alignment();
        if (a == 0 || a > kMaxAlignment || (a & (a - 1)) != 0)
            return "accepted alignment " + std::to_string(a);
        if (f.dataOffset() % a != 0) return "the data section is not aligned";
        if (f.metadata().size() > kMaxKeyValues || f.tensors().size() > kMaxTensors)
            return "counts over the limits";
        for (const auto& [key, value] : f.metadata()) {
            if (f.find(key) != &value) return "find() misses key " + key;
            const std::string why = detail::valueViolation(value);
            if (!why.empty()) return "key " + key + ": " + why;
        }
        std::vector<const TensorInfo*> byOffset;
        for (const TensorInfo& t : f.tensors()) {
            const std::string name = "tensor " + t.name + ": ";
            if (f.findTensor(t.name) != &t) return name + "findTensor() misses it";
            if (t.ne.empty() || t.ne.size() > kMaxDims) return name + "dimension count";
            const GgmlTypeInfo* type = findGgmlType(static_cast<uint32_t>(t.type));
            if (!type) return name + "unknown type accepted";
            uint64_t elements = 1;
            for (uint64_t n : t.ne)
                if (n == 0 || __builtin_mul_overflow(elements, n, &elements)) return name + "bad ne";
            if (t.ne[0] % uint64_t(type->blockSize) != 0) return name + "ne[0] not a block multiple";
            uint64_t bytes = 0;
            if (__builtin_mul_overflow(elements / uint64_t(type->blockSize), uint64_t(type->blockBytes),
                                       &bytes) ||
                bytes != t.bytes)
                return name + "bytes disagree with ne and type";
            if (bytes != ggmlRowBytes(t.type, int64_t(t.ne[0])) * t.rows())
                return name + "ggmlRowBytes disagrees";
            if (t.offset % a != 0) return name + "offset not aligned";
            // Inside the buffer, computed without overflow, and then touched (ASan checks the reads).
            if (f.dataOffset() > size || t.offset > size - f.dataOffset() ||
                t.bytes > size - f.dataOffset() - t.offset)
                return name + "data outside the buffer";
            const uint8_t* p = f.tensorData(t);
            if (p != data + f.dataOffset() + t.offset) return name + "tensorData() points elsewhere";
            volatile uint8_t touch = p[0];
            touch = p[t.bytes - 1];
            (void)touch;
            byOffset.push_back(&t);
        }
        std::sort(byOffset.begin(), byOffset.end(),
                  [](const TensorInfo* x, const TensorInfo* y) { return x->offset < y->offset; });
        for (size_t i = 1; i < byOffset.size(); ++i)
            if (byOffset[i - 1]->offset + byOffset[i - 1]->bytes > byOffset[i]->offset)
                return "tensors " + byOffset[i - 1]->name + " and " + byOffset[i]->name + " overlap";

        // Written back by GgufWriter, the file reads the same.
        const std::vector<uint8_t> again = detail::rewrite(f);
        if (again.empty()) return {};
        const GgufFile g = GgufFile::fromBuffer(again.data(), again.size(), kGgufFileName);
        if (g.alignment() != f.alignment() || g.metadata().size() != f.metadata().size() ||
            g.tensors().size() != f.tensors().size())
            return "the rewritten file differs";
        for (size_t i = 0; i < f.metadata().size(); ++i)
            if (g.metadata()[i].first != f.metadata()[i].first ||
                g.metadata()[i].second != f.metadata()[i].second)
                return "the rewritten file differs at key " + f.metadata()[i].first;
        for (size_t i = 0; i < f.tensors().size(); ++i) {
            const TensorInfo &x = f.tensors()[i], &y = g.tensors()[i];
            if (x.name != y.name || x.ne != y.ne || x.type != y.type || x.bytes != y.bytes ||
                std::memcmp(f.tensorData(x), g.tensorData(y), x.bytes) != 0)
                return "the rewritten file differs at tensor " + x.name;
        }
        return {};
    } catch (const Error& e) {
        if (message) *message = e.what();
        if (outcome == GgufOutcome::Accepted)
            return std::string("checking an accepted file threw: ") + e.what();
        if (e.kind() != ErrorKind::BadInput) return std::string("wrong error kind: ") + e.what();
        if (std::string(e.what()).rfind(kGgufFileName + ": ", 0) != 0)
            return std::string("the message does not start with the file name: ") + e.what();
        return {};
    }
}

} // namespace qat::fuzz
