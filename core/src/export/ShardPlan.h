// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Which safetensors file each exported tensor goes to, and writing them: one model.safetensors,
// or Hugging Face shards model-0000k-of-0000n.safetensors with model.safetensors.index.json.

#include "quant/QuantizedState.h"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace qat {

/// One file of the plan: tensors [begin, end) of the list.
struct Shard {
    std::string file;
    size_t begin = 0;
    size_t end = 0;
};

/// Splits `tensors`, in their order, into shards of at most `maxBytes` of tensor data (a
/// bigger tensor gets a shard of its own). One shard is named model.safetensors; several are
/// model-00001-of-0000n.safetensors ….
std::vector<Shard> planShards(const NamedTensors& tensors, uint64_t maxBytes);

/// Called after each file is written: (files written so far, files planned, the file's name).
using ShardWritten = std::function<void(size_t written, size_t count, const std::string& file)>;

/// Writes the planned files into `folder`, each with `metadata`, and, for several shards,
/// model.safetensors.index.json (total_size and weight_map). `written` (optional) hears of each
/// file; what it throws stops the writing.
void writeShards(const std::filesystem::path& folder, const NamedTensors& tensors,
                 const std::vector<Shard>& plan, const std::map<std::string, std::string>& metadata,
                 const ShardWritten& written = {});

} // namespace qat
