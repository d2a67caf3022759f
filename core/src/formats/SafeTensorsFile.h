// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// A memory-mapped, validated safetensors file and its tensors as torch tensors.

#include "qat/SafeTensors.h"

#include <torch/torch.h>

#include <filesystem>
#include <memory>
#include <string>

namespace qat {

class SafeTensorsFile {
public:
    /// Maps and validates the file. Throws qat::Error(BadInput) naming the file.
    explicit SafeTensorsFile(const std::filesystem::path& file);
    ~SafeTensorsFile();
    SafeTensorsFile(const SafeTensorsFile&) = delete;
    SafeTensorsFile& operator=(const SafeTensorsFile&) = delete;

    const SafeTensorsHeader& header() const { return m_header; }
    const std::filesystem::path& path() const { return m_path; }
    bool contains(const std::string& name) const { return m_header.find(name) != nullptr; }

    /// A copy of tensor `name` converted to `dtype` (on the CPU). Throws naming the tensor.
    torch::Tensor load(const std::string& name, torch::ScalarType dtype) const;
    /// The tensor as stored (a copy, its own dtype).
    torch::Tensor loadRaw(const std::string& name) const;

private:
    std::filesystem::path m_path;
    SafeTensorsHeader m_header;
    const uint8_t* m_data = nullptr; // the whole mapped file
    size_t m_size = 0;
};

/// torch's dtype for a safetensors dtype.
torch::ScalarType toTorch(DType dtype);

/// Writes tensors (CPU, contiguous) to a safetensors file, atomically (temporary name + rename).
void writeSafeTensors(const std::filesystem::path& file,
                      const std::vector<std::pair<std::string, torch::Tensor>>& tensors,
                      const std::map<std::string, std::string>& metadata = {});

} // namespace qat
