// SPDX-License-Identifier: GPL-3.0-or-later
#include "formats/SafeTensorsFile.h"

#include "common/DurableFile.h"

#include "qat/Status.h"

#include <nlohmann/json.hpp>

#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace qat {

torch::ScalarType toTorch(DType dtype) {
    switch (dtype) {
    case DType::F64:
        return torch::kFloat64;
    case DType::F32:
        return torch::kFloat32;
    case DType::F16:
        return torch::kFloat16;
    case DType::BF16:
        return torch::kBFloat16;
    case DType::I64:
        return torch::kInt64;
    case DType::I32:
        return torch::kInt32;
    case DType::I16:
        return torch::kInt16;
    case DType::I8:
        return torch::kInt8;
    case DType::U8:
        return torch::kUInt8;
    case DType::Bool:
        return torch::kBool;
    }
    return torch::kFloat32;
}

namespace {

DType fromTorch(torch::ScalarType t, const std::string& name) {
    switch (t) {
    case torch::kFloat64:
        return DType::F64;
    case torch::kFloat32:
        return DType::F32;
    case torch::kFloat16:
        return DType::F16;
    case torch::kBFloat16:
        return DType::BF16;
    case torch::kInt64:
        return DType::I64;
    case torch::kInt32:
        return DType::I32;
    case torch::kInt16:
        return DType::I16;
    case torch::kInt8:
        return DType::I8;
    case torch::kUInt8:
        return DType::U8;
    case torch::kBool:
        return DType::Bool;
    default:
        fail(ErrorKind::Failure, "tensor '" + name + "': dtype cannot be stored in safetensors");
    }
}

} // namespace

SafeTensorsFile::SafeTensorsFile(const std::filesystem::path& file) : m_path(file) {
    const std::string fileName = file.string();
    int fd = ::open(fileName.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) fail(ErrorKind::BadInput, fileName + ": cannot open: " + std::strerror(errno));
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        ::close(fd);
        fail(ErrorKind::BadInput, fileName + ": cannot stat");
    }
    m_size = static_cast<size_t>(st.st_size);
    if (m_size < 8) {
        ::close(fd);
        parseSafeTensorsHeaderLength(nullptr, 0, m_size, fileName); // throws with the standard message
    }
    void* p = ::mmap(nullptr, m_size, PROT_READ, MAP_PRIVATE, fd, 0);
    ::close(fd);
    if (p == MAP_FAILED) fail(ErrorKind::Failure, fileName + ": mmap failed: " + std::strerror(errno));
    m_data = static_cast<const uint8_t*>(p);
    try {
        m_header = parseSafeTensorsHeader(m_data, m_size, m_size, fileName);
    } catch (...) {
        ::munmap(const_cast<uint8_t*>(m_data), m_size);
        m_data = nullptr;
        throw;
    }
}

SafeTensorsFile::~SafeTensorsFile() {
    if (m_data) ::munmap(const_cast<uint8_t*>(m_data), m_size);
}

torch::Tensor SafeTensorsFile::loadRaw(const std::string& name) const {
    const TensorEntry* e = m_header.find(name);
    if (!e) fail(ErrorKind::BadInput, m_path.string() + ": tensor '" + name + "' is missing");
    auto t = torch::empty(e->shape, torch::TensorOptions().dtype(toTorch(e->dtype)));
    if (e->end > e->begin)
        std::memcpy(t.data_ptr(), m_data + m_header.dataOffset + e->begin, e->end - e->begin);
    return t;
}

torch::Tensor SafeTensorsFile::load(const std::string& name, torch::ScalarType dtype) const {
    torch::Tensor raw = loadRaw(name);
    return raw.scalar_type() == dtype ? raw : raw.to(dtype);
}

void writeSafeTensors(const std::filesystem::path& file,
                      const std::vector<std::pair<std::string, torch::Tensor>>& tensors,
                      const std::map<std::string, std::string>& metadata) {
    nlohmann::json header = nlohmann::json::object();
    if (!metadata.empty()) header["__metadata__"] = metadata;
    uint64_t offset = 0;
    std::vector<torch::Tensor> data;
    for (const auto& [name, tensor] : tensors) {
        torch::Tensor t = tensor.detach().to(torch::kCPU).contiguous();
        const uint64_t bytes = static_cast<uint64_t>(t.numel()) * t.element_size();
        header[name] = {{"dtype", dtypeName(fromTorch(t.scalar_type(), name))},
                        {"shape", t.sizes().vec()},
                        {"data_offsets", {offset, offset + bytes}}};
        offset += bytes;
        data.push_back(t);
    }
    std::string text = header.dump();
    while ((text.size() + 8) % 8 != 0)
        text += ' '; // align the data area to 8 bytes
    DurableFile out(file);
    uint64_t n = text.size();
    uint8_t prefix[8];
    for (int i = 0; i < 8; ++i)
        prefix[i] = static_cast<uint8_t>(n >> (8 * i));
    out.write(prefix, 8);
    out.write(text.data(), text.size());
    for (const auto& t : data)
        out.write(t.data_ptr(), static_cast<size_t>(t.numel() * t.element_size()));
    out.commit();
}

} // namespace qat
