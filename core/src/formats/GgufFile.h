// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The GGUF container (llama.cpp's model file): a bounded, validating reader of versions 2 and 3
// and a writer of version 3. Torch-free; tensor types and sizes come from GgmlTypes.h.
//
// Layout (little-endian): "GGUF", u32 version, u64 tensor count, u64 key-value count; the key-values
// (string key, u32 value type, value); the tensor infos (string name, u32 dimension count, u64 ne[],
// u32 ggml type, u64 offset from the start of the data section); padding to the alignment; the data
// section. A string is a u64 byte length and the bytes (no terminator); an array is a u32 element
// type, a u64 element count and the elements.

#include "GgmlTypes.h"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace qat::gguf {

/// Limits of the reader (the writer refuses to write what the reader would refuse).
constexpr uint64_t kMaxTensors = 65536;            ///< tensor infos in one file
constexpr uint64_t kMaxKeyValues = 65536;          ///< metadata entries in one file
constexpr uint64_t kMaxStringBytes = 64ull << 20;  ///< one string (key, value, tensor name): 64 MiB
constexpr uint64_t kMaxArrayElements = 1ull << 26; ///< one metadata array
constexpr uint64_t kMaxAlignment = 1ull << 20;     ///< general.alignment
constexpr uint64_t kDefaultAlignment = 32;         ///< when general.alignment is absent
constexpr size_t kMaxDims = 4;                     ///< ggml's GGML_MAX_DIMS
constexpr size_t kMaxTensorName = 63;              ///< ggml's GGML_MAX_NAME - 1 (the writer's limit)
constexpr uint32_t kVersion = 3;                   ///< the version the writer writes
constexpr const char* kAlignmentKey = "general.alignment";

/// GGUF's metadata value types (gguf.h's enum gguf_type).
enum class ValueType : uint32_t {
    UInt8 = 0,
    Int8 = 1,
    UInt16 = 2,
    Int16 = 3,
    UInt32 = 4,
    Int32 = 5,
    Float32 = 6,
    Bool = 7,
    String = 8,
    Array = 9,
    UInt64 = 10,
    Int64 = 11,
    Float64 = 12,
};

/// "u8", "i32", "f32", "bool", "string", "array" …; "type N" for an id outside the enum.
std::string valueTypeName(ValueType type);
/// Bytes of one value of a scalar type (0 for String and Array).
size_t valueTypeSize(ValueType type);

/// One metadata value: a scalar, a string, or an array of one element type (arrays of arrays
/// refused when reading, and not constructible). The accessors check the type and throw
/// qat::Error(BadInput) naming the value (its file and key, see where()) when it is wrong.
class Value {
public:
    Value() = default; ///< a u8 0 (a placeholder; set() and the reader give real values)

    static Value u8(uint8_t v);
    static Value i8(int8_t v);
    static Value u16(uint16_t v);
    static Value i16(int16_t v);
    static Value u32(uint32_t v);
    static Value i32(int32_t v);
    static Value u64(uint64_t v);
    static Value i64(int64_t v);
    static Value f32(float v);
    static Value f64(double v);
    static Value boolean(bool v);
    static Value string(std::string v);
    static Value stringArray(std::vector<std::string> v);
    static Value f32Array(const std::vector<float>& v);
    static Value i32Array(const std::vector<int32_t>& v);
    static Value u32Array(const std::vector<uint32_t>& v);
    static Value i64Array(const std::vector<int64_t>& v);
    /// A scalar (not String, not Array) of `type` from its little-endian bits, zero-extended.
    static Value fromBits(ValueType type, uint64_t bits);
    /// An array of a scalar (not String, not Array) element type from its little-endian bytes
    /// (count × valueTypeSize(element) of them). Used by the reader; throws on a bad element type.
    static Value numericArray(ValueType element, std::vector<uint8_t> littleEndianBytes);

    ValueType type() const { return m_type; }
    /// The element type of an array; the type itself for a scalar or a string.
    ValueType elementType() const { return m_type == ValueType::Array ? m_element : m_type; }
    bool isArray() const { return m_type == ValueType::Array; }
    /// Elements of an array (throws for a scalar or a string).
    size_t size() const;

    /// Any unsigned integer type, or a signed one holding a non-negative value, widened.
    uint64_t asU64() const;
    /// Any integer type (a u64 above INT64_MAX throws).
    int64_t asI64() const;
    /// f32 or f64.
    double asF64() const;
    bool asBool() const;
    const std::string& asString() const;
    /// An array of strings.
    const std::vector<std::string>& strings() const;
    /// An array of f32 (exact) or f64 (rounded to float).
    std::vector<float> floats() const;
    /// An array of any integer type (not bool), widened; a u64 above INT64_MAX throws.
    std::vector<int64_t> ints() const;
    /// The little-endian element bytes of a numeric array (empty for a string array).
    const std::vector<uint8_t>& rawElements() const { return m_raw; }

    /// What errors call this value: "model.gguf: key general.name" (reader) or "key K" (writer).
    const std::string& where() const { return m_where; }
    void setWhere(std::string where) { m_where = std::move(where); }

    /// Same type, element type and contents (bitwise for floats); where() is not compared.
    bool operator==(const Value& other) const;
    bool operator!=(const Value& other) const { return !(*this == other); }

    /// The value as it is stored in GGUF: u32 type, then the payload (appended to `out`).
    void encode(std::vector<uint8_t>& out) const;

private:
    [[noreturn]] void wrongType(const char* expected) const;
    std::string label() const; // where(), or "value"

    ValueType m_type = ValueType::UInt8;
    ValueType m_element = ValueType::UInt8; // arrays only
    uint64_t m_bits = 0;                    // scalars: the little-endian bits, zero-extended
    std::string m_string;
    std::vector<std::string> m_strings; // string arrays
    std::vector<uint8_t> m_raw;         // numeric arrays: elements as stored
    std::string m_where;
};

struct TensorInfo {
    std::string name;
    std::vector<uint64_t> ne; ///< ggml order: ne[0] is the row length (the innermost dimension)
    GgmlType type = GgmlType::F32;
    uint64_t offset = 0; ///< from the start of the data section
    uint64_t bytes = 0;  ///< ggmlRowBytes(type, ne[0]) × the number of rows

    /// ne[0] × ne[1] × …
    uint64_t elements() const;
    /// The rows: elements() / ne[0].
    uint64_t rows() const;
};

/// Builds a GGUF v3 file: metadata in insertion order, then tensors whose bytes are produced
/// one at a time while the file is written.
class GgufWriter {
public:
    /// Keeps insertion order; replacing an existing key keeps its place. Throws for a key or a
    /// value over the reader's limits.
    void set(const std::string& key, Value value);
    const Value* find(const std::string& key) const;
    const std::vector<std::pair<std::string, Value>>& metadata() const { return m_metadata; }

    /// A tensor whose bytes `fill` writes when the file is written (exactly
    /// ggmlRowBytes(type, ne[0]) × rows bytes into `dst`, which starts zeroed) — so an export
    /// never holds all tensors in memory at once. Tensors are stored in the order added. Throws
    /// qat::Error(BadInput) naming the tensor for a duplicate or over-long name, 0 or more than
    /// 4 dimensions, a zero ne, ne[0] not a multiple of the type's block size, or a size that
    /// overflows.
    void addTensor(const std::string& name, std::vector<uint64_t> ne, GgmlType type,
                   std::function<void(uint8_t* dst)> fill);
    size_t tensorCount() const { return m_tensors.size(); }

    /// Writes header (magic "GGUF", version 3, tensor count, kv count), the KVs, the tensor infos,
    /// padding to general.alignment (default 32; a u32 "general.alignment" key is honoured), each
    /// tensor's data at an aligned offset (zero padding after each), to `file` under a temporary
    /// name (file + ".tmp"), fsync, rename, fsync the folder; the temporary file is removed on any
    /// failure, including an exception from a fill function (which propagates). Throws naming the
    /// file on I/O errors (ErrorKind::Failure) and on a bad general.alignment (BadInput).
    void write(const std::filesystem::path& file) const;

    /// The header, key-values, tensor infos and padding: the bytes before the data section.
    std::vector<uint8_t> encodeHeader() const;

private:
    struct Pending {
        TensorInfo info;
        std::function<void(uint8_t*)> fill;
    };
    uint64_t alignment() const;

    std::vector<std::pair<std::string, Value>> m_metadata;
    std::vector<Pending> m_tensors;
};

/// A parsed GGUF file (version 2 or 3, little-endian), memory-mapped. Every check is made when
/// it is opened: afterwards each tensor's data lies inside the file and no two overlap.
/// Copies share the mapping.
class GgufFile {
public:
    /// Maps and parses `file`. Throws qat::Error(BadInput) naming the file and the field.
    explicit GgufFile(const std::filesystem::path& file);
    /// Parses `size` bytes at `data`, which the caller keeps alive (not copied); `name` is the
    /// file name the errors give.
    static GgufFile fromBuffer(const uint8_t* data, size_t size, const std::string& name);

    uint32_t version() const { return m_version; }
    uint64_t alignment() const { return m_alignment; }
    /// In file order.
    const std::vector<std::pair<std::string, Value>>& metadata() const { return m_metadata; }
    const Value* find(const std::string& key) const;
    /// Throws "FILE: key K: missing".
    const Value& get(const std::string& key) const;
    /// In file order (tensor info order, not necessarily offset order).
    const std::vector<TensorInfo>& tensors() const { return m_tensors; }
    const TensorInfo* findTensor(const std::string& name) const;
    /// The first of t.bytes bytes of `t` (one of tensors()).
    const uint8_t* tensorData(const TensorInfo& t) const { return m_data + m_dataOffset + t.offset; }
    /// Where the data section starts in the file.
    uint64_t dataOffset() const { return m_dataOffset; }
    uint64_t fileSize() const { return m_size; }
    const std::string& name() const { return m_name; }

private:
    GgufFile() = default;
    void parse();

    std::string m_name;
    std::shared_ptr<const void> m_mapping; // the mmap, when the file was opened by path
    const uint8_t* m_data = nullptr;
    size_t m_size = 0;
    uint32_t m_version = 0;
    uint64_t m_alignment = kDefaultAlignment;
    uint64_t m_dataOffset = 0;
    std::vector<std::pair<std::string, Value>> m_metadata;
    std::vector<TensorInfo> m_tensors;
    std::unordered_map<std::string, size_t> m_keyIndex;    // key -> index in m_metadata
    std::unordered_map<std::string, size_t> m_tensorIndex; // name -> index in m_tensors
};

} // namespace qat::gguf
