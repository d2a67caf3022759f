// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Reading and writing the export's JSON and text files, failing with the file's name.

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>

namespace qat {

/// Parses a JSON file, keeping its key order. BadInput naming the file when it cannot be opened
/// or parsed.
nlohmann::ordered_json readJsonFile(const std::filesystem::path& file);

/// Writes `text` to `file` (replacing it). Failure naming the file when the write fails.
void writeTextFile(const std::filesystem::path& file, const std::string& text);

} // namespace qat
