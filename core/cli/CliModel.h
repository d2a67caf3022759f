// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file CliModel.h
/// What the subcommands that read a model share: the model options (--model, --run, --device,
/// --dtype, --tokenizer, --threads), loading them, reporting a Status, and a one-line
/// terminal progress display of an evaluation.

#include "qat/Model.h"
#include "qat/Progress.h"
#include "qat/Quantization.h"
#include "qat/Status.h"

#include <memory>
#include <string>

namespace CLI {
class App;
}

namespace qat::cli {

struct ModelArgs {
    std::string model;
    std::string run; ///< a quantize run folder: its model with its quantized state
    std::string device = "cpu";
    std::string dtype = "float32";
    std::string tokenizer;
    int threads = 0;
};

/// Adds the model options to a subcommand.
void addModelArgs(CLI::App* cmd, ModelArgs& args);

/// Loads --model, or with --run the run's model (unless --model is given) with the run's
/// tokenizer (unless --tokenizer is given) and its quantized state installed; `spec`, when
/// given, receives the run's bits and group size.
Status loadModel(const ModelArgs& args, std::unique_ptr<Model>& model, QuantSpec* spec = nullptr);

/// Prints an error to stderr ("qat-cli: error (kind): message"); returns the exit code.
int report(const Status& status);

/// Prints evaluation progress (perplexity windows, zero-shot items) on one terminal line.
class TerminalProgress : public ProgressSink {
public:
    explicit TerminalProgress(bool enabled) : m_enabled(enabled) {}
    ~TerminalProgress() override;
    void onEvalProgress(const EvalProgress& p) override;
    void onTaskProgress(const TaskProgress& p) override;

private:
    void bar(const std::string& label, int64_t done, int64_t total, const std::string& unit,
             const std::string& tail);
    bool m_enabled;
    bool m_printed = false;
    std::string m_label;
};

} // namespace qat::cli
