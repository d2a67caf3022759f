// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file EvalCommand.h
/// `qat-cli eval`: perplexity on a text file and / or zero-shot accuracy on the task files,
/// of a model folder, a packed export or a quantize run.

#include "CliModel.h"

#include <cstdint>
#include <string>

namespace CLI {
class App;
}

namespace qat::cli {

struct EvalArgs {
    ModelArgs model;
    std::string data;
    int64_t seqlen = 2048;
    int64_t batch = 1;
    int64_t maxWindows = 0;
    std::string tasks;   ///< "all" or a comma-separated list
    std::string taskDir; ///< the folder with the task files
    int64_t limit = 0;   ///< first N items per task
    bool addBos = false;
    bool logSamples = false; ///< per-item log-likelihoods in the JSON
    bool json = false;
};

CLI::App* addEvalCommand(CLI::App& app, EvalArgs& args);

int runEval(const EvalArgs& args);

} // namespace qat::cli
