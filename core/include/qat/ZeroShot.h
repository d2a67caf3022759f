// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file ZeroShot.h
/// Zero-shot multiple-choice accuracy as lm-evaluation-harness 0.4 scores it, on task files
/// that hold lm-eval's rendered requests (the format of ../shared/data/zeroshot/README.md):
/// the log-likelihood of a continuation is the sum of its tokens' log-probabilities, where
/// the continuation's tokens are the tail of encode(context + continuation) after
/// len(encode(context)) tokens; `acc` takes the choice with the largest log-likelihood,
/// `acc_norm` the largest log-likelihood per character of the choice (first maximum on ties).
/// WinoGrande is scored by partial evaluation: one context per option, one shared continuation.

#include "qat/Progress.h"
#include "qat/Status.h"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace qat {

class Model;
class Tokenizer;

/// One task QAT Studio knows: its name (as lm-eval and `--tasks` spell it), its file in the
/// task folder and how it is scored. The table is zeroShotTasks().
struct ZeroShotTask {
    const char* name;           ///< "arc_easy"
    const char* title;          ///< "ARC-Easy" (tables, the GUI)
    const char* file;           ///< "arc_easy.jsonl"
    bool partial;               ///< WinoGrande's partial scoring (contexts per option, one continuation)
    bool hasAccNorm;            ///< lm-eval's task lists acc_norm as well as acc
    bool inEfficientQatAverage; ///< one of the five tasks whose mean `acc` EfficientQAT reports
};

/// The six tasks, in the order tables show them: ARC-Easy, ARC-Challenge, PIQA, HellaSwag,
/// WinoGrande, BoolQ.
const std::vector<ZeroShotTask>& zeroShotTasks();

/// The task called `name`, or nullptr.
const ZeroShotTask* findZeroShotTask(const std::string& name);

/// Parses `--tasks`: "all" or a comma-separated list of task names (duplicates dropped, the
/// table's order kept). Unknown names are refused, naming them and the known ones.
Status parseZeroShotTasks(const std::string& text, std::vector<std::string>& out);

/// How many items the task's file in `taskDir` holds (reads and validates the whole file).
Status countZeroShotItems(const std::filesystem::path& taskDir, const std::string& task, int64_t& out);

/// What scoring a task costs, for estimates before a run: its items (capped at the limit) and
/// the tokens the model reads for them, measured on the first `sample` items (the context once
/// and every choice; WinoGrande: every option's context and the continuation) and scaled.
struct ZeroShotCost {
    int64_t items = 0;
    double tokens = 0.0;
};

/// The cost of `task`'s first `limit` items (0 = all) in `taskDir`, tokenized with `tokenizer`.
Status estimateZeroShotCost(const Tokenizer& tokenizer, const std::filesystem::path& taskDir,
                            const std::string& task, int64_t limit, ZeroShotCost& out, int64_t sample = 64);

struct ZeroShotOptions {
    std::filesystem::path taskDir;  ///< the folder with arc_easy.jsonl, ...
    std::vector<std::string> tasks; ///< task names (see parseZeroShotTasks)
    int64_t limit = 0;              ///< score only the first N items of each task (0 = all)
    /// Put the tokenizer's BOS in front of every request. Off by default, as lm-eval 0.4.2
    /// (the version EfficientQAT ran) does for causal models; lm-eval 0.4.13 follows the
    /// tokenizer's own default instead.
    bool addBos = false;
    /// lm-eval's max_length: a request longer than maxLength + 1 tokens loses its first tokens.
    /// 0: the model's max_position_embeddings, as lm-eval's Hugging Face backend takes it.
    int64_t maxLength = 0;
    bool keepItems = false; ///< fill ZeroShotTaskResult::items
};

/// One scored item.
struct ZeroShotItem {
    std::string id;
    int64_t gold = 0;
    std::vector<double> logLikelihoods; ///< per choice (WinoGrande: per option)
    int64_t predicted = 0;              ///< argmax of the log-likelihoods
    int64_t predictedNorm = 0;          ///< argmax of log-likelihood / characters (multiple choice only)
};

struct ZeroShotTaskResult {
    std::string task;
    int64_t items = 0;
    double acc = 0.0;
    double accStderr = 0.0; ///< the standard error of the mean (sample deviation / √n); NaN below 2 items
    std::optional<double> accNorm;
    std::optional<double> accNormStderr;
    int64_t tokens = 0;                   ///< tokens through the model
    double seconds = 0.0;                 ///< wall time of the scoring (tokenization included)
    std::vector<ZeroShotItem> itemScores; ///< with ZeroShotOptions::keepItems
};

struct ZeroShotResult {
    std::vector<ZeroShotTaskResult> tasks;
    /// Mean `acc` of EfficientQAT's five tasks, when all five were scored.
    std::optional<double> efficientQatAverage;
    /// Mean `acc` of all six tasks, when all six were scored.
    std::optional<double> allAverage;
};

/// The result as a JSON object (one format for `qat-cli eval --json` and eval.json's stages):
/// {"tasks": {NAME: {"items", "acc", "acc_stderr", ["acc_norm", "acc_norm_stderr"], "tokens",
/// "seconds", "items_per_second", ["samples": [{"id", "gold", "loglikelihoods", "predicted",
/// ["predicted_norm"]}]]}}, ["average_acc_efficientqat"], ["average_acc_all"]}; a standard error
/// below two items is null. `samples`: include every item kept (ZeroShotOptions::keepItems).
std::string zeroShotResultJson(const ZeroShotResult& result, bool samples = false);

/// Scores the tasks in order. Progress goes to sink->onTaskProgress; the sink's cancel flag
/// is polled between items.
Status evaluateZeroShot(Model& model, const ZeroShotOptions& options, ZeroShotResult& out,
                        ProgressSink* sink = nullptr);

} // namespace qat
