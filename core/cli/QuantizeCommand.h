// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file QuantizeCommand.h
/// `qat-cli quantize`: RTN, Block-AP or EfficientQAT (Block-AP + E2E-QP) on a model
/// folder, with a run folder (run.json, metrics.jsonl, per-block and E2E-QP checkpoints,
/// quantized.safetensors, eval.json) and perplexity before and after each phase. A run
/// folder that already holds the same run is resumed.

#include "qat/BlockAp.h"
#include "qat/Calibration.h"
#include "qat/E2eQp.h"

#include <cstdint>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace qat::cli {

struct QuantizeArgs {
    std::string model;
    std::string device = "cpu";
    std::string dtype = "float32";
    std::string tokenizer;
    int threads = 0;
    std::string method;
    int bits = 4;
    int64_t group = 128;
    std::vector<std::string> calib;
    std::string out;
    std::vector<std::string> eval;
    CalibrationOptions calibration;
    BlockApOptions blockAp;
    E2eQpOptions e2e;
    int64_t evalSeqlen = 2048;
    int64_t evalMaxWindows = 0;
    uint64_t seed = 2;
    /// Self-generated calibration: documents the model writes itself (0: use --calib).
    int64_t generatedDocuments = 0;
    std::string cacheDType = "float16";
    std::string config; ///< --config: a preset or a run.json whose settings fill the options not given
    bool json = false;
    const CLI::App* command = nullptr; ///< the parsed subcommand (which options were given)
};

/// Adds the `quantize` subcommand to `app`, filling `args` when parsed.
CLI::App* addQuantizeCommand(CLI::App& app, QuantizeArgs& args);

/// Runs it; returns the process exit code (qat::exitCodeFor).
int runQuantize(const QuantizeArgs& args);

} // namespace qat::cli
