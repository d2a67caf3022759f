// SPDX-License-Identifier: GPL-3.0-or-later
#include "qat/Evaluation.h"

#include "model/ModelImpl.h"
#include "qat/TextData.h"

#include <chrono>
#include <cmath>

namespace qat {

namespace {

void evaluateTokens(Model& model, const std::vector<int64_t>& tokens, const PerplexityOptions& o,
                    PerplexityResult& r, ProgressSink* sink, const std::string& dataset) {
    auto& m = model.impl();
    if (o.seqlen < 2) fail(ErrorKind::BadInput, "seqlen must be at least 2, got " + std::to_string(o.seqlen));
    if (o.batchSize < 1) fail(ErrorKind::BadInput, "batch size must be positive");
    int64_t windows = static_cast<int64_t>(tokens.size()) / o.seqlen;
    if (windows == 0)
        fail(ErrorKind::BadInput, dataset + ": " + std::to_string(tokens.size()) +
                                      " tokens are fewer than one window of " + std::to_string(o.seqlen));
    if (o.maxWindows > 0) windows = std::min(windows, o.maxWindows);
    for (int64_t id : tokens)
        if (id < 0 || id >= m.config.vocabSize)
            fail(ErrorKind::BadInput,
                 dataset + ": token id " + std::to_string(id) + " is outside the vocabulary");

    torch::InferenceMode guard;
    auto all = torch::from_blob(const_cast<int64_t*>(tokens.data()), {windows * o.seqlen}, torch::kInt64)
                   .view({windows, o.seqlen});
    double nllSum = 0.0;
    double seconds = 0.0;
    for (int64_t w = 0; w < windows; w += o.batchSize) {
        if (sink && sink->isCancelled()) fail(ErrorKind::Cancelled, "evaluation cancelled");
        const int64_t n = std::min(o.batchSize, windows - w);
        auto batch = all.narrow(0, w, n).to(m.device);
        const auto t0 = std::chrono::steady_clock::now();
        auto logits = m.llama->forward(batch); // (n, seqlen, vocab) float32
        auto nll = torch::nn::functional::cross_entropy(
            logits.narrow(1, 0, o.seqlen - 1).reshape({-1, logits.size(-1)}),
            batch.narrow(1, 1, o.seqlen - 1).reshape({-1}),
            torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kSum));
        const double value = nll.to(torch::kFloat64).item<double>();
        seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        if (!std::isfinite(value))
            fail(ErrorKind::NonFinite, dataset + ": non-finite loss in windows " + std::to_string(w) + "-" +
                                           std::to_string(w + n - 1));
        nllSum += value;
        if (sink) {
            const double done = static_cast<double>(w + n) * static_cast<double>(o.seqlen - 1);
            sink->onEvalProgress({dataset, w + n, windows, std::exp(nllSum / done)});
        }
    }
    r.windows = windows;
    r.tokens = static_cast<int64_t>(tokens.size());
    r.predictions = windows * (o.seqlen - 1);
    r.meanNll = nllSum / static_cast<double>(r.predictions);
    r.perplexity = std::exp(r.meanNll);
    r.seconds = seconds;
    r.tokensPerSecond = seconds > 0 ? static_cast<double>(windows * o.seqlen) / seconds : 0.0;
}

} // namespace

Status evaluatePerplexityTokens(Model& model, const std::vector<int64_t>& tokens,
                                const PerplexityOptions& options, PerplexityResult& out, ProgressSink* sink) {
    return guarded([&] { evaluateTokens(model, tokens, options, out, sink, "tokens"); });
}

Status evaluatePerplexity(Model& model, const std::filesystem::path& dataFile,
                          const PerplexityOptions& options, PerplexityResult& out, ProgressSink* sink) {
    return guarded([&] {
        const Tokenizer* tok = model.tokenizer();
        if (!tok)
            fail(ErrorKind::BadInput, model.folder().string() +
                                          ": the model has no tokenizer (tokenizer.json or tokenizer.model; "
                                          "give one with --tokenizer)");
        const std::string text = readTextDataset(dataFile);
        std::vector<int64_t> tokens;
        tokens.reserve(text.size() / 3 + 1);
        // The protocol puts one BOS in front of the text; a tokenizer without one gets none.
        if (tok->bosId() >= 0) tokens.push_back(tok->bosId());
        const auto ids = tok->encode(text);
        tokens.insert(tokens.end(), ids.begin(), ids.end());
        evaluateTokens(model, tokens, options, out, sink, dataFile.filename().string());
    });
}

} // namespace qat
