// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file ExportCommand.h
/// `qat-cli export`: a finished run as a model other tools load — a GPTQ v2 folder, a dequantized
/// folder, or one GGUF file for llama.cpp — and the export's report.

#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace qat::cli {

struct ExportArgs {
    std::string run;
    std::string format = "gptq";
    std::string out;
    std::string dtype = "float16";
    std::string maxShardSize = "5GB";
    std::string ggufType = "auto";
    std::string ggufEmbeddings = "f16";
    std::vector<std::string> evalFiles;
    int64_t evalWindows = 8;
    bool noEval = false;
    bool overwrite = false;
    bool json = false;
    int threads = 0;
};

/// Adds the `export` subcommand to `app`, filling `args` when parsed.
CLI::App* addExportCommand(CLI::App& app, ExportArgs& args);

/// Runs it; returns the process exit code (qat::exitCodeFor).
int runExport(const ExportArgs& args);

} // namespace qat::cli
