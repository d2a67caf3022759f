// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file QuantizeCommand.h
/// `qat-cli quantize`: RTN, Block-AP, EfficientQAT (Block-AP + E2E-QP) or LR-QAT on a model
/// folder, with a run folder (run.json, metrics.jsonl, per-block and E2E-QP checkpoints,
/// quantized.safetensors, eval.json) and perplexity before and after each phase. A run
/// folder that already holds the same run is resumed.

#include "qat/QuantizeJob.h"

#include <cstdint>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace qat::cli {

/// The options of `qat-cli quantize`: most bind straight to the job's fields.
struct QuantizeArgs {
    QuantizeJob job;
    std::string model, tokenizer, out, config;
    std::string method;  ///< empty: from --config
    std::string device = "cpu", dtype = "float32", cacheDType = "float16";
    std::string range = "lp", phi0 = "int8"; ///< the quantizer's range search; LR-QAT's Φ0
    double p = 4.0;                          ///< the Lp range search's norm
    std::vector<std::string> calib, eval;
    bool json = false;
    const CLI::App* command = nullptr; ///< the parsed subcommand (which options were given)
};

/// Adds the `quantize` subcommand to `app`, filling `args` when parsed.
CLI::App* addQuantizeCommand(CLI::App& app, QuantizeArgs& args);

/// Runs it; returns the process exit code (qat::exitCodeFor).
int runQuantize(const QuantizeArgs& args);

} // namespace qat::cli
