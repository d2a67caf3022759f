// SPDX-License-Identifier: GPL-3.0-or-later
#include "CliModel.h"

#include "qat/RunFolder.h"

#include <CLI/CLI.hpp>

#include <cstdio>
#include <iostream>

namespace qat::cli {

void addModelArgs(CLI::App* cmd, ModelArgs& a) {
    cmd->add_option("--model,-m", a.model,
                    "Model folder (config.json, model.safetensors, tokenizer.json or tokenizer.model), or a "
                    "GGUF file (llama/qwen2; types f32, f16, bf16, q4_0, q4_1, q8_0, q2_k, q3_k, q4_k)")
        ->check(CLI::ExistingDirectory | CLI::ExistingFile);
    cmd->add_option(
           "--run", a.run,
           "A qat-cli quantize run folder: its model (or --model) with the run's quantized.safetensors")
        ->check(CLI::ExistingDirectory);
    cmd->add_option("--device", a.device, "cpu or cuda")
        ->check(CLI::IsMember({"cpu", "cuda"}))
        ->capture_default_str();
    cmd->add_option("--dtype", a.dtype, "Compute dtype: float32 or bfloat16")
        ->check(CLI::IsMember({"float32", "bfloat16"}))
        ->capture_default_str();
    cmd->add_option("--tokenizer", a.tokenizer,
                    "Tokenizer file (tokenizer.json or tokenizer.model) to use instead of the folder's")
        ->check(CLI::ExistingFile);
    cmd->add_option("--threads", a.threads, "CPU threads (0: LibTorch's default)")
        ->check(CLI::NonNegativeNumber);
}

namespace {

LoadOptions toLoadOptions(const ModelArgs& a) {
    LoadOptions o;
    o.device = a.device == "cuda" ? Device::Cuda : Device::Cpu;
    o.dtype = a.dtype == "bfloat16" ? ComputeDType::BFloat16 : ComputeDType::Float32;
    o.tokenizerPath = a.tokenizer;
    o.threads = a.threads;
    return o;
}

} // namespace

Status loadModel(const ModelArgs& a, std::unique_ptr<Model>& model, QuantSpec* spec) {
    std::filesystem::path folder = a.model;
    std::filesystem::path state;
    LoadOptions options = toLoadOptions(a);
    if (!a.run.empty()) {
        RunFolder run;
        const Status read = RunFolder::read(a.run, run);
        if (!read.ok()) return read;
        if (folder.empty()) folder = run.modelFolder;
        if (folder.empty())
            return Status::error(ErrorKind::BadInput,
                                 run.layout.runJson().string() + ": field model.folder: missing");
        if (options.tokenizerPath.empty()) options.tokenizerPath = run.tokenizer;
        if (!run.hasQuantizedState)
            return Status::error(ErrorKind::BadInput,
                                 a.run + ": no quantized.safetensors yet: the run has not finished "
                                         "(run qat-cli quantize on it again to resume)");
        state = run.layout.quantizedState();
    }
    if (folder.empty()) return Status::error(ErrorKind::BadInput, "give --model DIR or --run RUN");
    Status st = Model::load(folder, options, model);
    if (!st.ok() || state.empty()) return st;
    return loadQuantizedState(*model, state, spec);
}

int report(const Status& s) {
    if (s.ok()) return 0;
    std::cerr << "qat-cli: error (" << errorKindName(s.kind) << "): " << s.message << "\n";
    return exitCodeFor(s.kind);
}

TerminalProgress::~TerminalProgress() {
    if (m_printed) std::fputc('\n', stderr);
}

void TerminalProgress::onEvalProgress(const EvalProgress& p) {
    char tail[64];
    std::snprintf(tail, sizeof tail, "ppl %.4f", p.runningPerplexity);
    bar(p.dataset, p.windowsDone, p.windowsTotal, "windows", tail);
}

void TerminalProgress::onTaskProgress(const TaskProgress& p) {
    char tail[64];
    std::snprintf(tail, sizeof tail, "acc %.4f", p.runningAccuracy);
    bar(p.task, p.itemsDone, p.itemsTotal, "items", tail);
}

void TerminalProgress::bar(const std::string& label, int64_t done, int64_t total, const std::string& unit,
                           const std::string& tail) {
    if (!m_enabled) return;
    // A new label (the next task) starts a new line.
    if (m_printed && label != m_label) std::fputc('\n', stderr);
    m_label = label;
    const int width = 30;
    const int filled = total ? static_cast<int>(width * done / total) : width;
    std::fprintf(stderr, "\r%s [%s%s] %lld/%lld %s  %s", label.c_str(), std::string(filled, '#').c_str(),
                 std::string(width - filled, '.').c_str(), static_cast<long long>(done),
                 static_cast<long long>(total), unit.c_str(), tail.c_str());
    std::fflush(stderr);
    m_printed = true;
}

} // namespace qat::cli
