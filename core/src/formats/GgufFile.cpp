// SPDX-License-Identifier: GPL-3.0-or-later
// The GGUF container: metadata values, the validating reader and the writer. Every length and
// count read from a file is checked against the limits in GgufFile.h and against the bytes left
// before anything is allocated, so that a hostile file costs at most a bounded allocation.
#include "GgufFile.h"

#include "common/DurableFile.h"

#include "qat/Status.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <limits>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

// GGUF is little-endian, and so are the hosts this builds for: values and tensor data are copied
// as they are.
static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "GgufFile assumes a little-endian host");

namespace qat::gguf {

namespace {

[[noreturn]] void bad(const std::string& what) {
    fail(ErrorKind::BadInput, what);
}

std::string str(uint64_t n) {
    return std::to_string(n);
}

// A name from a file, fit for a message: non-printable bytes escaped, at most 200 bytes shown.
std::string printable(const std::string& s) {
    static const char* hex = "0123456789abcdef";
    std::string out;
    for (size_t i = 0; i < s.size() && i < 200; ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c < 0x20 || c == 0x7f || c == '\\') {
            out += "\\x";
            out += hex[c >> 4];
            out += hex[c & 15];
        } else {
            out += static_cast<char>(c);
        }
    }
    if (s.size() > 200) out += "…";
    return out;
}

bool isKnownType(uint32_t id) {
    return id <= static_cast<uint32_t>(ValueType::Float64);
}

bool isScalar(ValueType t) {
    return t != ValueType::String && t != ValueType::Array && isKnownType(static_cast<uint32_t>(t));
}

bool isInteger(ValueType t) {
    return isScalar(t) && t != ValueType::Float32 && t != ValueType::Float64 && t != ValueType::Bool;
}

bool isSigned(ValueType t) {
    return t == ValueType::Int8 || t == ValueType::Int16 || t == ValueType::Int32 || t == ValueType::Int64;
}

// The integer of `size` little-endian bytes at `p`, zero-extended.
uint64_t loadBits(const uint8_t* p, size_t size) {
    uint64_t v = 0;
    std::memcpy(&v, p, size);
    return v;
}

int64_t signExtend(uint64_t bits, size_t size) {
    if (size == 8) return static_cast<int64_t>(bits);
    const unsigned shift = static_cast<unsigned>(64 - 8 * size);
    return static_cast<int64_t>(bits << shift) >> shift;
}

void put(std::vector<uint8_t>& out, const void* p, size_t n) {
    const auto* b = static_cast<const uint8_t*>(p);
    out.insert(out.end(), b, b + n);
}
void putU32(std::vector<uint8_t>& out, uint32_t v) {
    put(out, &v, 4);
}
void putU64(std::vector<uint8_t>& out, uint64_t v) {
    put(out, &v, 8);
}
void putString(std::vector<uint8_t>& out, const std::string& s) {
    putU64(out, s.size());
    put(out, s.data(), s.size());
}

uint64_t alignUp(uint64_t n, uint64_t alignment) {
    return (n + alignment - 1) / alignment * alignment;
}

bool validAlignment(uint64_t a) {
    return a >= 1 && a <= kMaxAlignment && (a & (a - 1)) == 0;
}

// Element count and bytes of a tensor of `type` with dimensions `ne`, after the checks the reader
// and the writer share; `where` names the tensor ("model.gguf: tensor blk.0.attn_q.weight").
uint64_t checkedTensorBytes(const std::vector<uint64_t>& ne, GgmlType type, const std::string& where) {
    if (ne.empty() || ne.size() > kMaxDims)
        bad(where + ": " + str(ne.size()) + " dimensions (1 to " + str(kMaxDims) + " supported)");
    uint64_t elements = 1;
    for (size_t d = 0; d < ne.size(); ++d) {
        if (ne[d] == 0) bad(where + ": ne[" + str(d) + "] is 0");
        if (ne[d] > uint64_t(std::numeric_limits<int64_t>::max()) / elements)
            bad(where + ": the element count overflows (ne[" + str(d) + "] = " + str(ne[d]) + ")");
        elements *= ne[d];
    }
    const GgmlTypeInfo& t = ggmlType(type);
    if (ne[0] % uint64_t(t.blockSize) != 0)
        bad(where + ": ne[0] = " + str(ne[0]) + " is not a multiple of the block size " + str(t.blockSize) +
            " of " + t.name);
    const uint64_t blocks = elements / uint64_t(t.blockSize);
    if (blocks > std::numeric_limits<uint64_t>::max() / uint64_t(t.blockBytes))
        bad(where + ": the byte size overflows");
    return blocks * uint64_t(t.blockBytes);
}

// "a u32", "an i32", "an f32", "a string".
std::string withArticle(ValueType type) {
    const std::string name = valueTypeName(type);
    return (name[0] == 'i' || name[0] == 'f' || name[0] == 'a' ? "an " : "a ") + name;
}

} // namespace

// --- values --------------------------------------------------------------------------------------

std::string valueTypeName(ValueType type) {
    static const char* names[] = {"u8",   "i8",     "u16",   "i16", "u32", "i32", "f32",
                                  "bool", "string", "array", "u64", "i64", "f64"};
    const auto id = static_cast<uint32_t>(type);
    return isKnownType(id) ? names[id] : "type " + str(id);
}

size_t valueTypeSize(ValueType type) {
    static const size_t sizes[] = {1, 1, 2, 2, 4, 4, 4, 1, 0, 0, 8, 8, 8};
    const auto id = static_cast<uint32_t>(type);
    return isKnownType(id) ? sizes[id] : 0;
}

Value Value::fromBits(ValueType type, uint64_t bits) {
    if (!isScalar(type)) bad(valueTypeName(type) + " is not a scalar type");
    const size_t size = valueTypeSize(type);
    Value v;
    v.m_type = type;
    v.m_bits = size == 8 ? bits : bits & ((uint64_t(1) << (8 * size)) - 1); // as encode() writes it
    if (type == ValueType::Bool) v.m_bits = v.m_bits != 0;
    return v;
}

Value Value::u8(uint8_t v) {
    return fromBits(ValueType::UInt8, v);
}
Value Value::i8(int8_t v) {
    return fromBits(ValueType::Int8, static_cast<uint8_t>(v));
}
Value Value::u16(uint16_t v) {
    return fromBits(ValueType::UInt16, v);
}
Value Value::i16(int16_t v) {
    return fromBits(ValueType::Int16, static_cast<uint16_t>(v));
}
Value Value::u32(uint32_t v) {
    return fromBits(ValueType::UInt32, v);
}
Value Value::i32(int32_t v) {
    return fromBits(ValueType::Int32, static_cast<uint32_t>(v));
}
Value Value::u64(uint64_t v) {
    return fromBits(ValueType::UInt64, v);
}
Value Value::i64(int64_t v) {
    return fromBits(ValueType::Int64, static_cast<uint64_t>(v));
}
Value Value::f32(float v) {
    uint32_t bits = 0;
    std::memcpy(&bits, &v, 4);
    return fromBits(ValueType::Float32, bits);
}
Value Value::f64(double v) {
    uint64_t bits = 0;
    std::memcpy(&bits, &v, 8);
    return fromBits(ValueType::Float64, bits);
}
Value Value::boolean(bool v) {
    return fromBits(ValueType::Bool, v ? 1 : 0);
}
Value Value::string(std::string v) {
    Value out;
    out.m_type = ValueType::String;
    out.m_string = std::move(v);
    return out;
}
Value Value::stringArray(std::vector<std::string> v) {
    Value out;
    out.m_type = ValueType::Array;
    out.m_element = ValueType::String;
    out.m_strings = std::move(v);
    return out;
}

namespace {
template <class T> std::vector<uint8_t> bytesOf(const std::vector<T>& v) {
    std::vector<uint8_t> out(v.size() * sizeof(T));
    if (!v.empty()) std::memcpy(out.data(), v.data(), out.size());
    return out;
}
} // namespace

Value Value::f32Array(const std::vector<float>& v) {
    return numericArray(ValueType::Float32, bytesOf(v));
}
Value Value::i32Array(const std::vector<int32_t>& v) {
    return numericArray(ValueType::Int32, bytesOf(v));
}
Value Value::u32Array(const std::vector<uint32_t>& v) {
    return numericArray(ValueType::UInt32, bytesOf(v));
}
Value Value::i64Array(const std::vector<int64_t>& v) {
    return numericArray(ValueType::Int64, bytesOf(v));
}

Value Value::numericArray(ValueType element, std::vector<uint8_t> littleEndianBytes) {
    if (!isScalar(element)) bad("an array of " + valueTypeName(element) + " elements is not a numeric array");
    const size_t size = valueTypeSize(element);
    if (littleEndianBytes.size() % size != 0)
        bad("an array of " + valueTypeName(element) + " needs a multiple of " + str(size) + " bytes, not " +
            str(littleEndianBytes.size()));
    if (element == ValueType::Bool)
        for (size_t i = 0; i < littleEndianBytes.size(); ++i)
            if (littleEndianBytes[i] > 1) bad("bool element " + str(i) + " is neither 0 nor 1");
    Value out;
    out.m_type = ValueType::Array;
    out.m_element = element;
    out.m_raw = std::move(littleEndianBytes);
    return out;
}

void Value::wrongType(const char* expected) const {
    const std::string actual = m_type == ValueType::Array
                                   ? "an array of " + str(size()) + " " + valueTypeName(m_element)
                                   : withArticle(m_type);
    bad(label() + ": expected " + expected + ", found " + actual);
}

std::string Value::label() const {
    return m_where.empty() ? std::string("value") : m_where;
}

size_t Value::size() const {
    if (m_type != ValueType::Array) wrongType("an array");
    return m_element == ValueType::String ? m_strings.size() : m_raw.size() / valueTypeSize(m_element);
}

uint64_t Value::asU64() const {
    if (!isInteger(m_type)) wrongType("an unsigned integer");
    if (!isSigned(m_type)) return m_bits;
    const int64_t v = signExtend(m_bits, valueTypeSize(m_type));
    if (v < 0) bad(label() + ": expected an unsigned integer, found " + std::to_string(v));
    return static_cast<uint64_t>(v);
}

int64_t Value::asI64() const {
    if (!isInteger(m_type)) wrongType("an integer");
    if (isSigned(m_type)) return signExtend(m_bits, valueTypeSize(m_type));
    if (m_bits > uint64_t(std::numeric_limits<int64_t>::max()))
        bad(label() + ": " + str(m_bits) + " does not fit a signed 64-bit integer");
    return static_cast<int64_t>(m_bits);
}

double Value::asF64() const {
    if (m_type == ValueType::Float32) {
        float f = 0;
        std::memcpy(&f, &m_bits, 4);
        return f;
    }
    if (m_type != ValueType::Float64) wrongType("a float");
    double d = 0;
    std::memcpy(&d, &m_bits, 8);
    return d;
}

bool Value::asBool() const {
    if (m_type != ValueType::Bool) wrongType("a bool");
    return m_bits != 0;
}

const std::string& Value::asString() const {
    if (m_type != ValueType::String) wrongType("a string");
    return m_string;
}

const std::vector<std::string>& Value::strings() const {
    if (m_type != ValueType::Array || m_element != ValueType::String) wrongType("an array of strings");
    return m_strings;
}

std::vector<float> Value::floats() const {
    if (m_type != ValueType::Array || (m_element != ValueType::Float32 && m_element != ValueType::Float64))
        wrongType("an array of floats");
    std::vector<float> out(size());
    for (size_t i = 0; i < out.size(); ++i) {
        if (m_element == ValueType::Float32) {
            std::memcpy(&out[i], &m_raw[4 * i], 4);
        } else {
            double d = 0;
            std::memcpy(&d, &m_raw[8 * i], 8);
            out[i] = static_cast<float>(d);
        }
    }
    return out;
}

std::vector<int64_t> Value::ints() const {
    if (m_type != ValueType::Array || !isInteger(m_element)) wrongType("an array of integers");
    const size_t size = valueTypeSize(m_element);
    std::vector<int64_t> out(m_raw.size() / size);
    for (size_t i = 0; i < out.size(); ++i) {
        const uint64_t bits = loadBits(&m_raw[i * size], size);
        if (isSigned(m_element)) {
            out[i] = signExtend(bits, size);
        } else {
            if (bits > uint64_t(std::numeric_limits<int64_t>::max()))
                bad(label() + "[" + str(i) + "]: " + str(bits) + " does not fit a signed 64-bit integer");
            out[i] = static_cast<int64_t>(bits);
        }
    }
    return out;
}

bool Value::operator==(const Value& other) const {
    if (m_type != other.m_type) return false;
    if (m_type == ValueType::Array)
        return m_element == other.m_element && m_strings == other.m_strings && m_raw == other.m_raw;
    return m_bits == other.m_bits && m_string == other.m_string;
}

void Value::encode(std::vector<uint8_t>& out) const {
    putU32(out, static_cast<uint32_t>(m_type));
    if (m_type == ValueType::String) {
        putString(out, m_string);
    } else if (m_type == ValueType::Array) {
        putU32(out, static_cast<uint32_t>(m_element));
        putU64(out, size());
        for (const std::string& s : m_strings)
            putString(out, s);
        put(out, m_raw.data(), m_raw.size());
    } else {
        put(out, &m_bits, valueTypeSize(m_type));
    }
}

uint64_t TensorInfo::elements() const {
    uint64_t n = 1;
    for (uint64_t d : ne)
        n *= d;
    return n;
}

uint64_t TensorInfo::rows() const {
    return ne.empty() || ne[0] == 0 ? 0 : elements() / ne[0];
}

// --- reading -------------------------------------------------------------------------------------

namespace {

// Bounded little-endian reads from the buffer; every refusal names the file and the field.
class Cursor {
public:
    Cursor(const uint8_t* data, size_t size, const std::string& file)
        : m_data(data), m_size(size), m_file(file) {}

    size_t pos() const { return m_pos; }
    uint64_t left() const { return m_size - m_pos; }
    const std::string& file() const { return m_file; }
    [[noreturn]] void refuse(const std::string& what) const { bad(m_file + ": " + what); }

    const uint8_t* take(uint64_t n, const std::string& field) {
        if (n > left())
            refuse(field + ": truncated (needs " + str(n) + " bytes at offset " + str(m_pos) +
                   ", the file has " + str(m_size) + ")");
        const uint8_t* p = m_data + m_pos;
        m_pos += n;
        return p;
    }
    uint64_t bits(size_t size, const std::string& field) { return loadBits(take(size, field), size); }
    uint32_t u32(const std::string& field) { return static_cast<uint32_t>(bits(4, field)); }
    uint64_t u64(const std::string& field) { return bits(8, field); }

    // A string: u64 length, then the bytes. `field` names it; `index` >= 0 for an array element.
    std::string string(const std::string& field, int64_t index = -1) {
        auto name = [&] { return index < 0 ? field : field + "[" + std::to_string(index) + "]"; };
        if (left() < 8) take(8, name()); // refuses
        const uint64_t n = bits(8, field);
        if (n > kMaxStringBytes || n > left()) {
            const std::string where = name();
            if (n > kMaxStringBytes)
                refuse(where + ": string of " + str(n) + " bytes exceeds the limit of " +
                       str(kMaxStringBytes));
            refuse(where + ": string of " + str(n) + " bytes runs past the end of the file (" + str(left()) +
                   " bytes left)");
        }
        const auto* p = reinterpret_cast<const char*>(take(n, field));
        return std::string(p, p + n);
    }

private:
    const uint8_t* m_data;
    size_t m_size;
    size_t m_pos = 0;
    const std::string& m_file;
};

void checkBool(Cursor& c, uint64_t bits, const std::string& where) {
    if (bits > 1) c.refuse(where + ": bool value " + str(bits) + " is neither 0 nor 1");
}

// The value of `type` at the cursor; `where` is "key K".
Value readValue(Cursor& c, uint32_t type, const std::string& where) {
    if (!isKnownType(type)) c.refuse(where + ": unknown value type " + str(type));
    const auto t = static_cast<ValueType>(type);
    if (t == ValueType::String) return Value::string(c.string(where));
    if (t != ValueType::Array) {
        const uint64_t bits = c.bits(valueTypeSize(t), where);
        if (t == ValueType::Bool) checkBool(c, bits, where);
        return Value::fromBits(t, bits);
    }
    const uint32_t elementId = c.u32(where + ": array element type");
    if (elementId == static_cast<uint32_t>(ValueType::Array))
        c.refuse(where + ": arrays of arrays are not supported");
    if (!isKnownType(elementId)) c.refuse(where + ": unknown array element type " + str(elementId));
    const auto element = static_cast<ValueType>(elementId);
    const uint64_t n = c.u64(where + ": array length");
    if (n > kMaxArrayElements)
        c.refuse(where + ": array of " + str(n) + " elements exceeds the limit of " + str(kMaxArrayElements));
    // Each element takes at least this much (a string its 8-byte length): check before allocating.
    const uint64_t least = element == ValueType::String ? 8 : valueTypeSize(element);
    if (n * least > c.left())
        c.refuse(where + ": array of " + str(n) + " " + valueTypeName(element) +
                 " elements runs past the end of the file (needs at least " + str(n * least) + " bytes, " +
                 str(c.left()) + " left)");
    if (element == ValueType::String) {
        std::vector<std::string> strings;
        strings.reserve(n);
        for (uint64_t i = 0; i < n; ++i)
            strings.push_back(c.string(where, static_cast<int64_t>(i)));
        return Value::stringArray(std::move(strings));
    }
    const uint8_t* p = c.take(n * least, where);
    if (element == ValueType::Bool)
        for (uint64_t i = 0; i < n; ++i)
            checkBool(c, p[i], where + "[" + str(i) + "]");
    return Value::numericArray(element, std::vector<uint8_t>(p, p + n * least));
}

} // namespace

GgufFile::GgufFile(const std::filesystem::path& file) : m_name(file.string()) {
    const int fd = ::open(m_name.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) bad(m_name + ": cannot open: " + std::strerror(errno));
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        bad(m_name + ": not a regular file");
    }
    m_size = static_cast<size_t>(st.st_size);
    if (m_size > 0) {
        void* p = ::mmap(nullptr, m_size, PROT_READ, MAP_PRIVATE, fd, 0);
        const int mapError = errno;
        ::close(fd);
        if (p == MAP_FAILED) fail(ErrorKind::Failure, m_name + ": mmap failed: " + std::strerror(mapError));
        const size_t size = m_size;
        m_mapping =
            std::shared_ptr<const void>(p, [size](const void* q) { ::munmap(const_cast<void*>(q), size); });
        m_data = static_cast<const uint8_t*>(p);
    } else {
        ::close(fd);
    }
    parse();
}

GgufFile GgufFile::fromBuffer(const uint8_t* data, size_t size, const std::string& name) {
    GgufFile f;
    f.m_name = name;
    f.m_data = data;
    f.m_size = data ? size : 0;
    f.parse();
    return f;
}

void GgufFile::parse() {
    Cursor c(m_data, m_size, m_name);
    if (std::memcmp(c.take(4, "magic"), "GGUF", 4) != 0)
        c.refuse("magic: not a GGUF file (the first 4 bytes are not \"GGUF\")");
    m_version = c.u32("version");
    if (m_version != 0 && (m_version & 0xFFFF) == 0)
        c.refuse("version: reads " + str(m_version) + ": big-endian GGUF is not supported");
    if (m_version != 2 && m_version != 3)
        c.refuse("version: " + str(m_version) + " is not supported (2 or 3)");
    const uint64_t tensorCount = c.u64("tensor count");
    if (tensorCount > kMaxTensors)
        c.refuse("tensor count: " + str(tensorCount) + " exceeds the limit of " + str(kMaxTensors));
    const uint64_t kvCount = c.u64("key-value count");
    if (kvCount > kMaxKeyValues)
        c.refuse("key-value count: " + str(kvCount) + " exceeds the limit of " + str(kMaxKeyValues));

    for (uint64_t i = 0; i < kvCount; ++i) {
        std::string key = c.string("key #" + str(i));
        const std::string where = "key " + printable(key);
        if (m_keyIndex.count(key)) c.refuse(where + ": duplicate key");
        const uint32_t type = c.u32(where + ": value type");
        Value value = readValue(c, type, where);
        value.setWhere(m_name + ": " + where);
        m_keyIndex.emplace(key, m_metadata.size());
        m_metadata.emplace_back(std::move(key), std::move(value));
    }
    if (const Value* a = find(kAlignmentKey)) {
        if (a->type() != ValueType::UInt32)
            c.refuse(std::string("key ") + kAlignmentKey + ": expected a u32, found " +
                     withArticle(a->type()));
        m_alignment = a->asU64();
        if (!validAlignment(m_alignment))
            c.refuse(std::string("key ") + kAlignmentKey + ": " + str(m_alignment) +
                     " is not a power of two from 1 to " + str(kMaxAlignment));
    }

    for (uint64_t i = 0; i < tensorCount; ++i) {
        TensorInfo t;
        t.name = c.string("tensor #" + str(i) + " name");
        const std::string where = "tensor " + printable(t.name);
        if (m_tensorIndex.count(t.name)) c.refuse(where + ": duplicate tensor name");
        const uint32_t dims = c.u32(where + ": dimension count");
        if (dims < 1 || dims > kMaxDims)
            c.refuse(where + ": " + str(dims) + " dimensions (1 to " + str(kMaxDims) + " supported)");
        for (uint32_t d = 0; d < dims; ++d)
            t.ne.push_back(c.u64(where + ": ne[" + str(d) + "]"));
        const uint32_t type = c.u32(where + ": type");
        if (!findGgmlType(type)) c.refuse(where + ": unknown ggml type " + str(type));
        t.type = static_cast<GgmlType>(type);
        t.bytes = checkedTensorBytes(t.ne, t.type, m_name + ": " + where);
        t.offset = c.u64(where + ": offset");
        if (t.offset % m_alignment != 0)
            c.refuse(where + ": offset " + str(t.offset) + " is not a multiple of the alignment " +
                     str(m_alignment));
        m_tensorIndex.emplace(t.name, m_tensors.size());
        m_tensors.push_back(std::move(t));
    }

    m_dataOffset = alignUp(c.pos(), m_alignment);
    if (m_tensors.empty()) return;
    if (m_dataOffset > m_size)
        c.refuse("data section: starts at offset " + str(m_dataOffset) + ", past the end of the file (" +
                 str(m_size) + " bytes)");
    const uint64_t dataBytes = m_size - m_dataOffset;
    for (const TensorInfo& t : m_tensors)
        if (t.offset > dataBytes || t.bytes > dataBytes - t.offset)
            c.refuse("tensor " + printable(t.name) + ": data at offset " + str(t.offset) + " of " +
                     str(t.bytes) + " bytes runs past the end of the file (the data section holds " +
                     str(dataBytes) + " bytes)");
    std::vector<const TensorInfo*> byOffset;
    for (const TensorInfo& t : m_tensors)
        byOffset.push_back(&t);
    std::sort(byOffset.begin(), byOffset.end(),
              [](const TensorInfo* a, const TensorInfo* b) { return a->offset < b->offset; });
    for (size_t i = 1; i < byOffset.size(); ++i) {
        const TensorInfo& a = *byOffset[i - 1];
        const TensorInfo& b = *byOffset[i];
        if (a.offset + a.bytes > b.offset)
            c.refuse("tensors " + printable(a.name) + " and " + printable(b.name) + " overlap (" +
                     printable(a.name) + " holds bytes " + str(a.offset) + " to " + str(a.offset + a.bytes) +
                     ", " + printable(b.name) + " starts at " + str(b.offset) + ")");
    }
}

const Value* GgufFile::find(const std::string& key) const {
    const auto it = m_keyIndex.find(key);
    return it == m_keyIndex.end() ? nullptr : &m_metadata[it->second].second;
}

const Value& GgufFile::get(const std::string& key) const {
    const Value* v = find(key);
    if (!v) bad(m_name + ": key " + printable(key) + ": missing");
    return *v;
}

const TensorInfo* GgufFile::findTensor(const std::string& name) const {
    const auto it = m_tensorIndex.find(name);
    return it == m_tensorIndex.end() ? nullptr : &m_tensors[it->second];
}

// --- writing -------------------------------------------------------------------------------------

namespace {

// What the reader would refuse in a value, refused before it is written.
void checkValueLimits(const std::string& where, const Value& v) {
    if (v.type() == ValueType::String && v.asString().size() > kMaxStringBytes)
        bad(where + ": string of " + str(v.asString().size()) + " bytes exceeds the limit of " +
            str(kMaxStringBytes));
    if (!v.isArray()) return;
    if (v.size() > kMaxArrayElements)
        bad(where + ": array of " + str(v.size()) + " elements exceeds the limit of " +
            str(kMaxArrayElements));
    if (v.elementType() == ValueType::String)
        for (size_t i = 0; i < v.size(); ++i)
            if (v.strings()[i].size() > kMaxStringBytes)
                bad(where + "[" + str(i) + "]: string of " + str(v.strings()[i].size()) +
                    " bytes exceeds the limit of " + str(kMaxStringBytes));
}

// Writes all of `n` bytes to `fd`; false with errno set on failure.

} // namespace

void GgufWriter::set(const std::string& key, Value value) {
    const std::string where = "key " + printable(key);
    if (key.size() > kMaxStringBytes) bad(where + ": the key exceeds " + str(kMaxStringBytes) + " bytes");
    checkValueLimits(where, value);
    value.setWhere(where);
    for (auto& [k, v] : m_metadata) {
        if (k == key) {
            v = std::move(value);
            return;
        }
    }
    if (m_metadata.size() >= kMaxKeyValues) bad(where + ": more than " + str(kMaxKeyValues) + " keys");
    m_metadata.emplace_back(key, std::move(value));
}

const Value* GgufWriter::find(const std::string& key) const {
    for (const auto& [k, v] : m_metadata)
        if (k == key) return &v;
    return nullptr;
}

void GgufWriter::addTensor(const std::string& name, std::vector<uint64_t> ne, GgmlType type,
                           std::function<void(uint8_t* dst)> fill) {
    const std::string where = "tensor " + printable(name);
    if (name.empty() || name.size() > kMaxTensorName)
        bad(where + ": a name must have 1 to " + str(kMaxTensorName) + " bytes, not " + str(name.size()));
    for (const Pending& p : m_tensors)
        if (p.info.name == name) bad(where + ": duplicate tensor name");
    if (m_tensors.size() >= kMaxTensors) bad(where + ": more than " + str(kMaxTensors) + " tensors");
    if (!findGgmlType(static_cast<uint32_t>(type)))
        bad(where + ": unknown ggml type " + str(static_cast<uint32_t>(type)));
    if (!fill) bad(where + ": no fill function");
    Pending p;
    p.info.bytes = checkedTensorBytes(ne, type, where);
    p.info.name = name;
    p.info.ne = std::move(ne);
    p.info.type = type;
    p.fill = std::move(fill);
    m_tensors.push_back(std::move(p));
}

uint64_t GgufWriter::alignment() const {
    const Value* a = find(kAlignmentKey);
    if (!a) return kDefaultAlignment;
    if (a->type() != ValueType::UInt32)
        bad(std::string("key ") + kAlignmentKey + ": expected a u32, found " + withArticle(a->type()));
    const uint64_t n = a->asU64();
    if (!validAlignment(n))
        bad(std::string("key ") + kAlignmentKey + ": " + str(n) + " is not a power of two from 1 to " +
            str(kMaxAlignment));
    return n;
}

std::vector<uint8_t> GgufWriter::encodeHeader() const {
    const uint64_t align = alignment();
    std::vector<uint8_t> out;
    put(out, "GGUF", 4);
    putU32(out, kVersion);
    putU64(out, m_tensors.size());
    putU64(out, m_metadata.size());
    for (const auto& [key, value] : m_metadata) {
        putString(out, key);
        value.encode(out);
    }
    uint64_t offset = 0;
    for (const Pending& p : m_tensors) {
        putString(out, p.info.name);
        putU32(out, static_cast<uint32_t>(p.info.ne.size()));
        for (uint64_t n : p.info.ne)
            putU64(out, n);
        putU32(out, static_cast<uint32_t>(p.info.type));
        putU64(out, offset);
        offset += alignUp(p.info.bytes, align);
    }
    out.resize(alignUp(out.size(), align), 0);
    return out;
}

void GgufWriter::write(const std::filesystem::path& file) const {
    const std::vector<uint8_t> header = encodeHeader();
    const uint64_t align = alignment();
    uint64_t largest = 0;
    for (const Pending& p : m_tensors)
        largest = std::max(largest, alignUp(p.info.bytes, align));
    DurableFile out(file);
    out.write(header.data(), header.size());
    std::vector<uint8_t> buffer(static_cast<size_t>(largest));
    for (const Pending& p : m_tensors) {
        const size_t padded = static_cast<size_t>(alignUp(p.info.bytes, align));
        std::fill(buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(padded), uint8_t(0));
        p.fill(buffer.data());
        out.write(buffer.data(), padded);
    }
    out.commit();
}

} // namespace qat::gguf
