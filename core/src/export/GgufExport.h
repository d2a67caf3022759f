// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The GGUF export (qat/Export.h, format Gguf): the quantized model walked into one GGUF file for
// llama.cpp, each decoder linear in the ggml type chosen for it, then read back and measured.

#include "export/ExportSource.h"
#include "qat/Export.h"
#include "qat/Quantization.h"

#include <filesystem>

namespace qat {

/// Checks the GGUF options (types known); throws BadInput naming the option.
void checkGgufOptions(const ExportOptions& options);

/// Writes `model` (the run's quantized model, `spec` its bits and group size) to `file` (under a
/// temporary name, renamed when complete) and fills the report's layers, notes and, unless
/// skipped, the perplexity of the file read back against the model's.
void exportGguf(Model& model, const QuantSpec& spec, const ExportSource& source, const ExportOptions& options,
                const std::filesystem::path& file, const ExportProgressReporter& reporter,
                ExportReport& report);

} // namespace qat
