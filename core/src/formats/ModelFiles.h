// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Which files of a model folder hold what: config, weights (single or sharded), tokenizer.

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace qat {

struct ModelFiles {
    std::filesystem::path folder;
    std::filesystem::path config;
    std::vector<std::filesystem::path> weightFiles;         ///< model.safetensors or the shards
    std::optional<std::filesystem::path> index;             ///< model.safetensors.index.json when sharded
    std::map<std::string, std::filesystem::path> weightMap; ///< tensor -> shard (sharded only)
    std::optional<std::filesystem::path> tokenizer;         ///< Tokenizer::findInFolder
};

/// Finds the files of a model folder. Refuses pickled checkpoints; validates the shard
/// index (plain file names inside the folder only). Throws qat::Error(BadInput).
ModelFiles resolveModelFiles(const std::filesystem::path& folder);

/// True for a plain file name: no directory separators, not "." or "..", not absolute.
bool isPlainFileName(const std::string& name);

} // namespace qat
