// SPDX-License-Identifier: GPL-3.0-or-later
#include "EvalCommand.h"

#include "qat/Evaluation.h"
#include "qat/ZeroShot.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <iostream>
#include <unistd.h>

namespace qat::cli {

CLI::App* addEvalCommand(CLI::App& app, EvalArgs& a) {
    auto* eval = app.add_subcommand(
        "eval", "Perplexity on a text file (GPTQ/EfficientQAT protocol) and zero-shot "
                "accuracy (lm-eval's protocol), of a model, a packed export or a quantize run");
    addModelArgs(eval, a.model);
    auto* data =
        eval->add_option("--data,-d", a.data, "Perplexity on this text file, or JSONL with a 'text' field")
            ->check(CLI::ExistingFile);
    eval->add_option("--seqlen", a.seqlen, "Perplexity window length in tokens")
        ->capture_default_str()
        ->check(CLI::Range(int64_t{2}, int64_t{1} << 20));
    eval->add_option("--batch", a.batch, "Perplexity windows per forward pass")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    eval->add_option("--max-windows", a.maxWindows, "Evaluate only the first N windows (0: all)")
        ->check(CLI::NonNegativeNumber);
    auto* tasks =
        eval->add_option("--tasks", a.tasks,
                         "Zero-shot tasks: all, or a comma-separated list of arc_easy, arc_challenge, "
                         "piqa, hellaswag, winogrande, boolq");
    eval->add_option("--task-dir", a.taskDir, "The folder with the task files (arc_easy.jsonl, ...)")
        ->envname("QAT_TASK_DIR")
        ->check(CLI::ExistingDirectory);
    eval->add_option("--limit", a.limit, "Score only the first N items of each task (0: all)")
        ->check(CLI::NonNegativeNumber)
        ->needs(tasks);
    eval->add_flag("--add-bos", a.addBos,
                   "Put the tokenizer's BOS in front of every task request (off: as lm-eval 0.4.2, which "
                   "EfficientQAT ran)")
        ->needs(tasks);
    eval->add_flag("--log-samples", a.logSamples, "With --json: every item's log-likelihoods and predictions")
        ->needs(tasks);
    eval->add_flag("--json", a.json, "Print the result as JSON");
    eval->callback([data, tasks] {
        if (data->count() == 0 && tasks->count() == 0)
            throw CLI::ValidationError("eval",
                                       "give --data FILE (perplexity), --tasks LIST (accuracy), or both");
    });
    return eval;
}

namespace {

nlohmann::json perplexityJson(const EvalArgs& a, const PerplexityResult& r) {
    return {{"data", a.data},
            {"seqlen", a.seqlen},
            {"perplexity", r.perplexity},
            {"mean_nll", r.meanNll},
            {"windows", r.windows},
            {"tokens", r.tokens},
            {"predictions", r.predictions},
            {"seconds", r.seconds},
            {"tokens_per_second", r.tokensPerSecond}};
}

void printTasks(const ZeroShotResult& r) {
    std::printf("| task          | items | metric   |  value | stderr |\n");
    std::printf("|---------------|------:|----------|-------:|-------:|\n");
    for (const auto& t : r.tasks) {
        std::printf("| %-13s | %5lld | acc      | %6.4f | %6.4f |\n", t.task.c_str(),
                    static_cast<long long>(t.items), t.acc, t.accStderr);
        if (t.accNorm)
            std::printf("| %-13s |       | acc_norm | %6.4f | %6.4f |\n", "", *t.accNorm, *t.accNormStderr);
    }
    if (r.efficientQatAverage)
        std::printf("average acc, EfficientQAT's five tasks (all but BoolQ): %.4f\n", *r.efficientQatAverage);
    if (r.allAverage) std::printf("average acc, all six tasks: %.4f\n", *r.allAverage);
    double seconds = 0;
    int64_t items = 0;
    for (const auto& t : r.tasks) {
        seconds += t.seconds;
        items += t.items;
    }
    std::printf("%lld items in %.1f s (%.1f items/s)\n", static_cast<long long>(items), seconds,
                seconds > 0 ? items / seconds : 0.0);
}

} // namespace

int runEval(const EvalArgs& a) {
    std::unique_ptr<Model> model;
    QuantSpec spec;
    Status st = loadModel(a.model, model, &spec);
    if (!st.ok()) return report(st);

    nlohmann::json j = {{"model", model->folder().string()}};
    if (!a.model.run.empty()) {
        j["run"] = a.model.run;
        j["bits"] = spec.bits;
        j["group"] = spec.groupSize;
    }
    if (!a.data.empty()) {
        PerplexityOptions o;
        o.seqlen = a.seqlen;
        o.batchSize = a.batch;
        o.maxWindows = a.maxWindows;
        PerplexityResult r;
        {
            TerminalProgress progress(!a.json && isatty(STDERR_FILENO));
            st = evaluatePerplexity(*model, a.data, o, r, &progress);
        }
        if (!st.ok()) return report(st);
        j.update(perplexityJson(a, r));
        if (!a.json) {
            std::printf("perplexity %.4f  (mean NLL %.5f nats over %lld predictions, %lld windows of %lld "
                        "tokens)\n",
                        r.perplexity, r.meanNll, static_cast<long long>(r.predictions),
                        static_cast<long long>(r.windows), static_cast<long long>(a.seqlen));
            std::printf("%.1f tokens/s (%.2f s)\n", r.tokensPerSecond, r.seconds);
        }
    }
    if (!a.tasks.empty()) {
        ZeroShotOptions o;
        st = parseZeroShotTasks(a.tasks, o.tasks);
        if (!st.ok()) return report(st);
        if (a.taskDir.empty())
            return report(Status::error(
                ErrorKind::BadInput,
                "--tasks needs --task-dir DIR (or QAT_TASK_DIR), the folder with the task files "
                "(arc_easy.jsonl, ...)"));
        o.taskDir = a.taskDir;
        o.limit = a.limit;
        o.addBos = a.addBos;
        o.keepItems = a.logSamples;
        ZeroShotResult r;
        {
            TerminalProgress progress(!a.json && isatty(STDERR_FILENO));
            st = evaluateZeroShot(*model, o, r, &progress);
        }
        if (!st.ok()) return report(st);
        j.update(nlohmann::json::parse(zeroShotResultJson(r, a.logSamples)));
        j["add_bos"] = a.addBos;
        if (!a.json) printTasks(r);
    }
    if (a.json) std::cout << j.dump() << "\n";
    return 0;
}

} // namespace qat::cli
