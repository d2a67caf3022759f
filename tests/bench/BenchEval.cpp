// SPDX-License-Identifier: GPL-3.0-or-later
// Evaluation benchmark: tokens/s of core's perplexity pass against PyTorch eager in Python
// (tests/bench/eager_llama.py) running the same shapes, the same token ids and the same
// thread count in the same run. Prints a table, writes bench_eval.json, and fails when the
// two mean NLLs disagree (a correctness cross-check), never on speed.
//
// Cases:
//   stories260K  the shared pretrained model on tinystories-gen/eval.txt, seqlen 512
//   llama2-7b-block  a random-weight model of Llama-2-7B's block shape (2 blocks, float32),
//                    written into a temporary folder by make_random_llama.py; random ids
//
// Environment (all optional):
//   QAT_PYTHON            the Python with torch (default: baked in by CMake)
//   QAT_BENCH_DIR         where bench_eval.json goes (default: <build>/bench)
//   QAT_BENCH_THREADS     intra-op threads on both sides (default: torch's default)
//   QAT_BENCH_STORIES_WINDOWS (64), QAT_BENCH_STORIES_REPEATS (5), QAT_BENCH_7B_LAYERS (2),
//   QAT_BENCH_7B_WINDOWS (2), QAT_BENCH_7B_REPEATS (2), QAT_BENCH_7B_SEQLEN (512),
//   QAT_BENCH_SKIP_7B (set: run stories260K only)
// Each side runs the protocol `repeats` times on the loaded model and reports its fastest pass
// (the machines are shared; the slower passes are in the JSON).
// Exit codes: 0 ok, 1 failure (including an NLL mismatch), 77 skipped (no Python/torch, no data).

#include "qat/Evaluation.h"
#include "qat/Model.h"
#include "qat/TextData.h"

#include "BenchSupport.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using nlohmann::json;
using namespace qat::bench;

namespace {

constexpr double kNllRelTolerance = 1e-3;

void writeTokens(const fs::path& file, const std::vector<int64_t>& ids) {
    std::ofstream f(file, std::ios::binary); // int64, host order (little-endian on supported hosts)
    f.write(reinterpret_cast<const char*>(ids.data()),
            static_cast<std::streamsize>(ids.size() * sizeof(int64_t)));
    if (!f) throw std::runtime_error("cannot write " + file.string());
}

struct Case {
    std::string name;
    fs::path modelDir;
    std::vector<int64_t> tokens; // BOS included
    int64_t seqlen = 512;
    int64_t maxWindows = 0;
    int repeats = 1; // timed passes per side; the fastest counts
};

struct Row {
    Case c;
    int threads = 0;
    qat::PerplexityResult qat;      // the fastest pass
    std::vector<double> qatSeconds; // every pass
    json eager;
    double ratio = 0.0;
    double nllRelDiff = 0.0;
    bool nllOk = false;
};

qat::PerplexityResult runQat(const Case& c, int threads, std::vector<double>& allSeconds) {
    qat::LoadOptions lo;
    lo.threads = threads;
    std::unique_ptr<qat::Model> model;
    qat::Status st = qat::Model::load(c.modelDir, lo, model);
    if (!st.ok()) throw std::runtime_error("loading " + c.modelDir.string() + ": " + st.message);
    qat::PerplexityOptions po;
    po.seqlen = c.seqlen;
    po.batchSize = 1;
    po.maxWindows = c.maxWindows;
    qat::PerplexityResult best;
    for (int i = 0; i < std::max(1, c.repeats); ++i) {
        qat::PerplexityResult r;
        st = qat::evaluatePerplexityTokens(*model, c.tokens, po, r);
        if (!st.ok()) throw std::runtime_error(c.name + ": core's perplexity failed: " + st.message);
        allSeconds.push_back(r.seconds);
        if (i == 0 || r.seconds < best.seconds) best = r;
    }
    return best; // the model is freed before the eager peer loads its copy
}

json runEager(const Case& c, int threads, const fs::path& tokenFile) {
    const std::string cmd =
        shellQuote(pythonPath()) + " " + shellQuote((scriptsDir() / "eager_llama.py").string()) + " " +
        shellQuote(c.modelDir.string()) + " --tokens " + shellQuote(tokenFile.string()) + " --seqlen " +
        std::to_string(c.seqlen) + " --max-windows " + std::to_string(c.maxWindows) + " --threads " +
        std::to_string(threads) + " --repeats " + std::to_string(c.repeats);
    return lastJsonLine(runCapture(cmd), "eager_llama.py");
}

Row runCase(Case c, int threads, const fs::path& work) {
    std::cout << "[bench] " << c.name << ": core, seqlen " << c.seqlen << ", " << threads
              << " threads, best of " << c.repeats << "..." << std::endl;
    Row row;
    row.threads = threads;
    row.qat = runQat(c, threads, row.qatSeconds);
    const fs::path tokenFile = work / (c.name + ".ids");
    writeTokens(tokenFile, c.tokens);
    std::cout << "[bench] " << c.name << ": PyTorch eager..." << std::endl;
    row.eager = runEager(c, threads, tokenFile);
    const double eagerNll = row.eager.at("mean_nll").get<double>();
    const double eagerTps = row.eager.at("tokens_per_s").get<double>();
    if (row.eager.at("windows").get<int64_t>() != row.qat.windows)
        throw std::runtime_error(c.name + ": window counts differ (core " + std::to_string(row.qat.windows) +
                                 ", eager " + std::to_string(row.eager.at("windows").get<int64_t>()) + ")");
    if (row.eager.at("threads").get<int>() != threads)
        throw std::runtime_error(c.name + ": eager ran with " +
                                 std::to_string(row.eager.at("threads").get<int>()) + " threads, not " +
                                 std::to_string(threads));
    row.ratio = eagerTps > 0 ? row.qat.tokensPerSecond / eagerTps : 0.0;
    row.nllRelDiff = std::abs(row.qat.meanNll - eagerNll) / std::max(std::abs(eagerNll), 1e-12);
    row.nllOk = std::isfinite(row.qat.meanNll) && row.nllRelDiff < kNllRelTolerance;
    c.tokens.clear();
    row.c = std::move(c);
    return row;
}

std::optional<Case> stories260KCase() {
    const fs::path shared = QAT_SHARED_DIR;
    const fs::path modelDir = shared / "models" / "stories260K";
    const fs::path text = shared / "data" / "tinystories-gen" / "eval.txt";
    if (!fs::exists(modelDir / "model.safetensors") || !fs::exists(text)) {
        std::cout << "[bench] stories260K: skipped, no " << modelDir << " or " << text << std::endl;
        return std::nullopt;
    }
    const std::unique_ptr<qat::Tokenizer> tok = qat::Tokenizer::load(modelDir / "tokenizer.model");
    Case c;
    c.name = "stories260K";
    c.modelDir = modelDir;
    c.seqlen = 512;
    c.maxWindows = envInt("QAT_BENCH_STORIES_WINDOWS", 64);
    c.repeats = static_cast<int>(envInt("QAT_BENCH_STORIES_REPEATS", 5));
    c.tokens.push_back(tok->bosId());
    const std::vector<int64_t> ids = tok->encode(qat::readTextDataset(text));
    c.tokens.insert(c.tokens.end(), ids.begin(), ids.end());
    return c;
}

Case randomBlockCase(const fs::path& work) {
    const int64_t layers = envInt("QAT_BENCH_7B_LAYERS", 2);
    Case c;
    c.name = "llama2-7b-block-x" + std::to_string(layers);
    c.modelDir = work / "llama2-7b-block";
    c.seqlen = envInt("QAT_BENCH_7B_SEQLEN", 512);
    const int64_t windows = envInt("QAT_BENCH_7B_WINDOWS", 2);
    c.maxWindows = windows;
    c.repeats = static_cast<int>(envInt("QAT_BENCH_7B_REPEATS", 2));
    std::cout << "[bench] writing a random " << layers << "-block Llama-2-7B-shaped model to " << c.modelDir
              << std::endl;
    runCapture(shellQuote(pythonPath()) + " " + shellQuote((scriptsDir() / "make_random_llama.py").string()) +
               " " + shellQuote(c.modelDir.string()) + " --layers " + std::to_string(layers) +
               " --dtype float32 --seed 0");
    std::mt19937_64 rng(20240601);
    std::uniform_int_distribution<int64_t> id(3, 31999); // skip the control ids 0-2
    c.tokens.resize(static_cast<size_t>(windows * c.seqlen));
    c.tokens[0] = 1; // BOS
    for (size_t i = 1; i < c.tokens.size(); ++i)
        c.tokens[i] = id(rng);
    return c;
}

json resultJson(const Row& r) {
    return {{"model", r.c.name},
            {"seqlen", r.c.seqlen},
            {"windows", r.qat.windows},
            {"batch", 1},
            {"threads", r.threads},
            {"dtype", "float32"},
            {"repeats", r.c.repeats},
            {"qat",
             {{"tokens_per_s", r.qat.tokensPerSecond},
              {"seconds", r.qat.seconds},
              {"seconds_all", r.qatSeconds},
              {"mean_nll", r.qat.meanNll},
              {"ppl", r.qat.perplexity}}},
            {"eager", r.eager},
            {"ratio_qat_over_eager", r.ratio},
            {"nll_rel_diff", r.nllRelDiff},
            {"nll_ok", r.nllOk}};
}

void printTable(const std::vector<Row>& rows) {
    std::printf("\n%-22s %6s %7s %7s %11s %11s %7s %11s %11s\n", "model", "seqlen", "windows", "threads",
                "qat tok/s", "eager tok/s", "ratio", "qat NLL", "eager NLL");
    for (const Row& r : rows)
        std::printf("%-22s %6lld %7lld %7d %11.1f %11.1f %7.3f %11.6f %11.6f%s\n", r.c.name.c_str(),
                    static_cast<long long>(r.c.seqlen), static_cast<long long>(r.qat.windows), r.threads,
                    r.qat.tokensPerSecond, r.eager.at("tokens_per_s").get<double>(), r.ratio, r.qat.meanNll,
                    r.eager.at("mean_nll").get<double>(), r.nllOk ? "" : "  <-- NLL MISMATCH");
    std::printf("ratio = qat tok/s / eager tok/s (above 1: core is faster); timed: forward + loss only, "
                "fastest of the repeated passes on each side\n\n");
    std::fflush(stdout);
}

int run() {
    const int threads = benchThreads(); // throws Skip without Python and torch

    TempDir work;
    std::vector<Row> rows;
    if (std::optional<Case> c = stories260KCase()) rows.push_back(runCase(std::move(*c), threads, work.path));
    if (envOr("QAT_BENCH_SKIP_7B", "").empty()) {
        Case c = randomBlockCase(work.path);
        rows.push_back(runCase(std::move(c), threads, work.path));
        removeTree(work.path / "llama2-7b-block");
    }
    if (rows.empty()) throw Skip("no case could run (shared data missing and the 7B-block case disabled)");

    printTable(rows);
    json out = {{"benchmark", "eval_perplexity"},
                {"device", "cpu"},
                {"threads", threads},
                {"nll_rel_tolerance", kNllRelTolerance},
                {"results", json::array()}};
    for (const Row& r : rows)
        out["results"].push_back(resultJson(r));
    const fs::path dir = envOr("QAT_BENCH_DIR", QAT_BENCH_DIR);
    fs::create_directories(dir);
    const fs::path file = dir / "bench_eval.json";
    std::ofstream(file) << out.dump(2) << "\n";
    std::cout << "[bench] wrote " << file.string() << std::endl;

    int status = 0;
    for (const Row& r : rows)
        if (!r.nllOk) {
            std::cerr << "FAIL " << r.c.name << ": mean NLL core " << r.qat.meanNll << " vs eager "
                      << r.eager.at("mean_nll").get<double>() << " (relative difference " << r.nllRelDiff
                      << ", tolerance " << kNllRelTolerance << ")\n";
            status = 1;
        }
    return status;
}

} // namespace

int main() {
    try {
        return run();
    } catch (const Skip& e) {
        std::cout << "SKIP: " << e.what() << std::endl;
        return kSkip;
    } catch (const std::exception& e) {
        std::cerr << "FAIL: " << e.what() << std::endl;
        return 1;
    }
}
