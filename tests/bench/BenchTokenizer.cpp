// SPDX-License-Identifier: GPL-3.0-or-later
// Encoding speed of core's tokenizer.json implementation against Hugging Face `tokenizers`
// (tokenizers_peer.py, one thread) on the same file with the same tokenizer.json: default
// SmolLM2-135M's on wikitext-2's wiki.test.raw (1.3 MB). Both sides: load, one cold encode (empty
// word cache), then QAT_BENCH_TOKENIZER_REPEATS warm encodes (fastest counts). The token counts
// and id sums must agree, or the bench fails. Writes <build>/bench/bench_tokenizer.json.
//
// Environment: QAT_PYTHON, QAT_BENCH_TOKENIZER_JSON, QAT_BENCH_TOKENIZER_TEXT,
// QAT_BENCH_TOKENIZER_REPEATS (default 3).
#include "BenchSupport.h"
#include "qat/Tokenizer.h"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <iostream>
#include <sstream>

namespace {

using Clock = std::chrono::steady_clock;

double since(Clock::time_point t0) {
    return std::chrono::duration<double>(Clock::now() - t0).count();
}

std::string readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + path);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

int run() {
    using namespace qat::bench;
    const std::string tokenizerJson =
        envOr("QAT_BENCH_TOKENIZER_JSON", QAT_SHARED_DIR "/models/smollm2-135m-instruct-q4_1/tokenizer.json");
    const std::string textFile =
        envOr("QAT_BENCH_TOKENIZER_TEXT", QAT_SHARED_DIR "/data/wikitext-2-raw/wiki.test.raw");
    const int64_t repeats = std::max<int64_t>(1, envInt("QAT_BENCH_TOKENIZER_REPEATS", 3));
    const std::string text = readFile(textFile);

    // Core.
    auto t0 = Clock::now();
    const auto tok = qat::Tokenizer::load(tokenizerJson);
    const double loadS = since(t0);
    t0 = Clock::now();
    const std::vector<int64_t> ids = tok->encode(text);
    const double coldS = since(t0);
    std::vector<double> warm;
    for (int64_t r = 0; r < repeats; ++r) {
        t0 = Clock::now();
        (void)tok->encode(text);
        warm.push_back(since(t0));
    }
    int64_t idsSum = 0;
    for (int64_t id : ids)
        idsSum += id;
    const double warmS = *std::min_element(warm.begin(), warm.end());

    // The peer.
    const std::string python = pythonPath();
    if (python.empty() || !std::filesystem::exists(python)) throw Skip("no Python: set QAT_PYTHON");
    const nlohmann::json peer = lastJsonLine(
        runCapture("RAYON_NUM_THREADS=1 TOKENIZERS_PARALLELISM=false " + shellQuote(python) + " " +
                   shellQuote((scriptsDir() / "tokenizers_peer.py").string()) + " " +
                   shellQuote(tokenizerJson) + " " + shellQuote(textFile) + " " + std::to_string(repeats)),
        "tokenizers_peer.py");
    if (peer.contains("skip")) throw Skip(peer.at("skip").get<std::string>());
    const double peerCold = peer.at("cold_s").get<double>();
    std::vector<double> peerWarmAll = peer.at("warm_s").get<std::vector<double>>();
    const double peerWarm = *std::min_element(peerWarmAll.begin(), peerWarmAll.end());
    const int64_t peerTokens = peer.at("tokens").get<int64_t>();
    const int64_t peerSum = peer.at("ids_sum").get<int64_t>();

    const double mb = double(text.size()) / 1e6;
    std::printf("tokenizer.json encode, one thread: %s (%.2f MB) with %s\n", textFile.c_str(), mb,
                tokenizerJson.c_str());
    std::printf("%-22s %10s %10s %10s %12s\n", "side", "load s", "cold s", "warm s", "tokens");
    std::printf("%-22s %10.3f %10.3f %10.3f %12zu\n", "qat (core)", loadS, coldS, warmS, ids.size());
    std::printf("%-22s %10.3f %10.3f %10.3f %12lld\n",
                ("tokenizers " + peer.value("version", std::string("?"))).c_str(),
                peer.at("load_s").get<double>(), peerCold, peerWarm, static_cast<long long>(peerTokens));
    std::printf("ratio tokenizers/qat (above 1: core is faster): cold %.2f, warm %.2f\n", peerCold / coldS,
                peerWarm / warmS);

    nlohmann::json out = {
        {"tokenizer_json", tokenizerJson},
        {"text", textFile},
        {"bytes", text.size()},
        {"threads", 1},
        {"qat", {{"load_s", loadS}, {"cold_s", coldS}, {"warm_s", warm}, {"tokens", ids.size()}}},
        {"tokenizers", peer},
        {"ratio_tokenizers_over_qat_cold", peerCold / coldS},
        {"ratio_tokenizers_over_qat_warm", peerWarm / warmS}};
    const std::filesystem::path dir = envOr("QAT_BENCH_DIR", QAT_BENCH_DIR);
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "bench_tokenizer.json") << out.dump(2) << "\n";

    if (int64_t(ids.size()) != peerTokens || idsSum != peerSum) {
        std::fprintf(stderr, "MISMATCH: qat %zu tokens (id sum %lld), tokenizers %lld (id sum %lld)\n",
                     ids.size(), static_cast<long long>(idsSum), static_cast<long long>(peerTokens),
                     static_cast<long long>(peerSum));
        return 1;
    }
    return 0;
}

} // namespace

int main() {
    try {
        return run();
    } catch (const qat::bench::Skip& e) {
        std::printf("SKIP: %s\n", e.what());
        return qat::bench::kSkip;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "BenchTokenizer: %s\n", e.what());
        return 1;
    }
}
