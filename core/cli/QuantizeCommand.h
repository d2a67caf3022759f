// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file QuantizeCommand.h
/// `qat-cli quantize`: RTN, Block-AP, EfficientQAT (Block-AP + E2E-QP) or LR-QAT on a model
/// folder, with a run folder (run.json, metrics.jsonl, per-block and E2E-QP checkpoints,
/// quantized.safetensors, eval.json) and perplexity before and after each phase. A run
/// folder that already holds the same run is resumed.

#include "qat/JobSettings.h"
#include "qat/QuantizeJob.h"

#include <cstdint>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace qat::cli {

/// The options of `qat-cli quantize`: one per job setting that has an option in the table
/// (qat/JobSettings.h), and the run's own (run folder, preset, checkpoints, output).
struct QuantizeArgs {
    /// The job the options that are no setting of the table bind to (cache folder,
    /// checkpoint intervals, gradient checkpointing); the table's settings are set on it.
    QuantizeJob job;
    std::string out, config;
    /// The parsed value of each table row's option, in jobSettings() order (rows sharing an
    /// option use the first one's).
    std::vector<SettingValue> settings;
    bool json = false;
    const CLI::App* command = nullptr; ///< the parsed subcommand (which options were given)
};

/// Adds the `quantize` subcommand to `app`, filling `args` when parsed.
CLI::App* addQuantizeCommand(CLI::App& app, QuantizeArgs& args);

/// Runs it; returns the process exit code (qat::exitCodeFor).
int runQuantize(const QuantizeArgs& args);

} // namespace qat::cli
