// SPDX-License-Identifier: GPL-3.0-or-later
#include "qat/Generation.h"

#include "model/ModelImpl.h"
#include "qat/Tokenizer.h"

#include <algorithm>
#include <numeric>
#include <random>

namespace qat {

namespace {

// probs: vocab probabilities (float32, CPU). Returns a sample from the top-p nucleus.
int64_t sampleTopP(const torch::Tensor& logits, double temperature, double topP, std::mt19937_64& rng) {
    auto probs = torch::softmax(logits.to(torch::kFloat64) / temperature, -1).contiguous();
    const double* p = probs.data_ptr<double>();
    const int64_t n = probs.numel();
    std::vector<int64_t> order(static_cast<size_t>(n));
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) { return p[a] > p[b]; });
    // Keep the smallest prefix whose mass reaches topP (always at least one token).
    double mass = 0.0;
    size_t keep = 0;
    while (keep < order.size()) {
        mass += p[order[keep]];
        ++keep;
        if (mass >= topP) break;
    }
    std::uniform_real_distribution<double> uniform(0.0, mass);
    double u = uniform(rng);
    for (size_t i = 0; i < keep; ++i) {
        u -= p[order[i]];
        if (u <= 0.0) return order[i];
    }
    return order[keep - 1];
}

} // namespace

Status generate(Model& model, const std::vector<int64_t>& prompt, const GenerateOptions& o,
                std::vector<int64_t>& out) {
    return guarded([&] {
        auto& m = model.impl();
        if (prompt.empty()) fail(ErrorKind::BadInput, "prompt is empty (start with the BOS token)");
        if (!o.greedy && (o.temperature <= 0.0 || o.topP <= 0.0 || o.topP > 1.0))
            fail(ErrorKind::BadInput, "sampling needs temperature > 0 and 0 < top-p <= 1");
        for (int64_t id : prompt)
            if (id < 0 || id >= m.config.vocabSize)
                fail(ErrorKind::BadInput,
                     "prompt token id " + std::to_string(id) + " is outside the vocabulary");
        torch::InferenceMode guard;
        std::mt19937_64 rng(o.seed);
        KvCache cache;
        out.clear();
        auto input = torch::tensor(prompt, torch::kInt64).unsqueeze(0).to(m.device);
        for (int64_t step = 0; step < o.maxNewTokens; ++step) {
            auto logits = m.llama->forward(input, &cache).select(1, -1).squeeze(0).to(torch::kCPU);
            const int64_t next =
                o.greedy ? logits.argmax().item<int64_t>() : sampleTopP(logits, o.temperature, o.topP, rng);
            out.push_back(next);
            if (o.stopAtEos && next == m.config.eosTokenId) break;
            input = torch::tensor({next}, torch::kInt64).unsqueeze(0).to(m.device);
        }
    });
}

Status promptIds(const Tokenizer& tokenizer, const std::string& text, std::vector<int64_t>& out) {
    return guarded([&] {
        std::vector<int64_t> ids;
        if ((tokenizer.addsBos() || text.empty()) && tokenizer.bosId() >= 0) ids.push_back(tokenizer.bosId());
        const auto encoded = tokenizer.encode(text);
        ids.insert(ids.end(), encoded.begin(), encoded.end());
        if (ids.empty())
            fail(ErrorKind::BadInput, tokenizer.file().string() +
                                          ": the prompt is empty and the tokenizer has no BOS to start from");
        out = std::move(ids);
    });
}

} // namespace qat
