// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file TextData.h
/// Reading evaluation and calibration text.

#include <filesystem>
#include <string>
#include <vector>

namespace qat {

/// Reads a dataset as one string: a plain text file as it is; a `.jsonl` file's `text`
/// fields joined with "\n\n". Throws qat::Error(BadInput) naming the file and line.
std::string readTextDataset(const std::filesystem::path& file);

/// Reads a dataset as documents: a JSONL file's `text` fields, or a text file split at
/// blank lines.
std::vector<std::string> readTextDocuments(const std::filesystem::path& file);

} // namespace qat
