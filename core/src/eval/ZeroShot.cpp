// SPDX-License-Identifier: GPL-3.0-or-later
#include "qat/ZeroShot.h"

#include "data/TaskFile.h"
#include "model/ModelImpl.h"
#include "qat/Tokenizer.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <set>
#include <sstream>

namespace qat {

const std::vector<ZeroShotTask>& zeroShotTasks() {
    // name, title, file, partial scoring, acc_norm, in EfficientQAT's average
    static const std::vector<ZeroShotTask> tasks = {
        {"arc_easy", "ARC-Easy", "arc_easy.jsonl", false, true, true},
        {"arc_challenge", "ARC-Challenge", "arc_challenge.jsonl", false, true, true},
        {"piqa", "PIQA", "piqa.jsonl", false, true, true},
        {"hellaswag", "HellaSwag", "hellaswag.jsonl", false, true, true},
        {"winogrande", "WinoGrande", "winogrande.jsonl", true, false, true},
        {"boolq", "BoolQ", "boolq.jsonl", false, false, false},
    };
    return tasks;
}

const ZeroShotTask* findZeroShotTask(const std::string& name) {
    for (const auto& t : zeroShotTasks())
        if (name == t.name) return &t;
    return nullptr;
}

Status parseZeroShotTasks(const std::string& text, std::vector<std::string>& out) {
    return guarded([&] {
        std::set<std::string> wanted;
        std::vector<std::string> unknown;
        std::stringstream in(text);
        std::string name;
        while (std::getline(in, name, ',')) {
            name.erase(0, name.find_first_not_of(" \t"));
            name.erase(name.find_last_not_of(" \t") + 1);
            if (name.empty()) continue;
            if (name == "all") {
                for (const auto& t : zeroShotTasks())
                    wanted.insert(t.name);
            } else if (findZeroShotTask(name)) {
                wanted.insert(name);
            } else {
                unknown.push_back(name);
            }
        }
        std::string known;
        for (const auto& t : zeroShotTasks())
            known += std::string(known.empty() ? "" : ", ") + t.name;
        if (!unknown.empty())
            fail(ErrorKind::BadInput,
                 "unknown task '" + unknown.front() + "' (tasks: " + known + ", or all)");
        if (wanted.empty()) fail(ErrorKind::BadInput, "no task named (tasks: " + known + ", or all)");
        out.clear();
        for (const auto& t : zeroShotTasks())
            if (wanted.count(t.name)) out.push_back(t.name);
    });
}

Status countZeroShotItems(const std::filesystem::path& taskDir, const std::string& task, int64_t& out) {
    return guarded([&] {
        const ZeroShotTask* t = findZeroShotTask(task);
        if (!t) fail(ErrorKind::BadInput, "unknown task '" + task + "'");
        out = static_cast<int64_t>(readTaskFile(taskDir / t->file, t->partial).size());
    });
}

Status estimateZeroShotCost(const Tokenizer& tokenizer, const std::filesystem::path& taskDir,
                            const std::string& task, int64_t limit, ZeroShotCost& out, int64_t sample) {
    return guarded([&] {
        const ZeroShotTask* t = findZeroShotTask(task);
        if (!t) fail(ErrorKind::BadInput, "unknown task '" + task + "'");
        const auto items = readTaskFile(taskDir / t->file, t->partial);
        const int64_t n = limit > 0 ? std::min<int64_t>(limit, static_cast<int64_t>(items.size()))
                                    : static_cast<int64_t>(items.size());
        const int64_t k = std::max<int64_t>(1, std::min<int64_t>(sample, n));
        double tokens = 0;
        for (int64_t i = 0; i < k; ++i) {
            const TaskItem& item = items[static_cast<size_t>(i)];
            for (const auto& c : item.contexts)
                tokens += static_cast<double>(tokenizer.encode(c).size());
            for (const auto& c : item.continuations)
                tokens +=
                    static_cast<double>(tokenizer.encode(c).size()) * (t->partial ? item.contexts.size() : 1);
        }
        out.items = n;
        out.tokens = tokens / static_cast<double>(k) * static_cast<double>(n);
    });
}

namespace {

// One request: the tokens before the continuation and the continuation's tokens.
struct Request {
    std::vector<int64_t> context;
    std::vector<int64_t> continuation;
};

class Scorer {
public:
    Scorer(Model& model, const ZeroShotOptions& o) : m_model(model.impl()), m_options(o) {
        if (m_options.maxLength == 0) m_options.maxLength = m_model.config.maxPositionEmbeddings;
        m_tok = model.tokenizer();
        if (!m_tok)
            fail(ErrorKind::BadInput, model.folder().string() +
                                          ": the model has no tokenizer (tokenizer.json or tokenizer.model; "
                                          "give one with --tokenizer)");
        if (o.addBos && m_tok->bosId() < 0)
            fail(ErrorKind::BadInput, m_tok->file().string() + ": the tokenizer has no BOS token to add");
        if (m_options.maxLength < 2) fail(ErrorKind::BadInput, "max length must be at least 2");
    }

    // lm-eval's request encoding: the context's trailing whitespace moves onto the
    // continuation; the continuation's tokens are the tail of encode(context + continuation)
    // after as many tokens as encode(context) has.
    Request encode(std::string context, std::string continuation, const std::string& where) const {
        const size_t end = context.find_last_not_of(" \t\n\r\f\v");
        const size_t keep = end == std::string::npos ? 0 : end + 1;
        continuation = context.substr(keep) + continuation;
        context.resize(keep);
        Request r;
        if (context.empty()) {
            // lm-eval scores a context-free continuation after a lone BOS (else EOS) token.
            const int64_t prefix = m_tok->bosId() >= 0 ? m_tok->bosId() : m_model.config.eosTokenId;
            r.context = {prefix};
            r.continuation = m_tok->encode(continuation);
        } else {
            const auto whole = m_tok->encode(context + continuation);
            r.context = m_tok->encode(context);
            if (whole.size() > r.context.size())
                r.continuation.assign(whole.begin() + static_cast<std::ptrdiff_t>(r.context.size()),
                                      whole.end());
            if (m_options.addBos) r.context.insert(r.context.begin(), m_tok->bosId());
        }
        if (r.continuation.empty())
            fail(ErrorKind::BadInput, where + ": a continuation encodes to no tokens");
        if (static_cast<int64_t>(r.continuation.size()) > m_options.maxLength)
            fail(ErrorKind::BadInput, where + ": a continuation is longer than the maximum length");
        for (const auto* ids : {&r.context, &r.continuation})
            for (int64_t id : *ids)
                if (id < 0 || id >= m_model.config.vocabSize)
                    fail(ErrorKind::BadInput,
                         where + ": token id " + std::to_string(id) + " is outside the model's vocabulary");
        return r;
    }

    // Log-likelihood of each request's continuation after its context.
    std::vector<double> score(const std::vector<Request>& requests) {
        bool shared = requests.size() > 1;
        for (const auto& r : requests) {
            shared = shared && r.context == requests.front().context;
            if (fits(r) == false) shared = false;
        }
        return shared ? scoreShared(requests) : scoreEach(requests);
    }

    int64_t tokens() const { return m_tokens; }

private:
    bool fits(const Request& r) const {
        return static_cast<int64_t>(r.context.size() + r.continuation.size()) <= m_options.maxLength + 1;
    }

    torch::Tensor ids(const std::vector<int64_t>& v) const {
        return torch::tensor(v, torch::kInt64).unsqueeze(0).to(m_model.device);
    }

    // The context once, its keys and values shared by every choice: the last context position
    // predicts each continuation's first token, and the continuations (all but their last
    // token, padded on the right) run as one batch on the cached context.
    std::vector<double> scoreShared(const std::vector<Request>& requests) {
        const auto& context = requests.front().context;
        const int64_t n = static_cast<int64_t>(requests.size());
        KvCache cache;
        auto logits = m_model.llama->forward(ids(context), &cache); // (1, ctx, vocab)
        m_tokens += static_cast<int64_t>(context.size());
        auto first = torch::log_softmax(logits.select(1, -1).squeeze(0), -1).to(torch::kCPU); // (vocab)
        const float* firstLp = first.data_ptr<float>();
        std::vector<double> out(static_cast<size_t>(n));
        int64_t longest = 0;
        for (int64_t i = 0; i < n; ++i) {
            const auto& cont = requests[static_cast<size_t>(i)].continuation;
            out[static_cast<size_t>(i)] = firstLp[cont.front()];
            longest = std::max<int64_t>(longest, static_cast<int64_t>(cont.size()));
        }
        if (longest < 2) return out;

        const int64_t steps = longest - 1;
        std::vector<int64_t> input(static_cast<size_t>(n * steps), 0), target(input.size(), 0);
        std::vector<float> mask(input.size(), 0.0f);
        for (int64_t i = 0; i < n; ++i) {
            const auto& cont = requests[static_cast<size_t>(i)].continuation;
            for (int64_t j = 0; j + 1 < static_cast<int64_t>(cont.size()); ++j) {
                const size_t k = static_cast<size_t>(i * steps + j);
                input[k] = cont[static_cast<size_t>(j)];
                target[k] = cont[static_cast<size_t>(j + 1)];
                mask[k] = 1.0f;
            }
            m_tokens += static_cast<int64_t>(cont.size()) - 1;
        }
        for (auto& layer : cache.layers) {
            layer.k = layer.k.expand({n, -1, -1, -1});
            layer.v = layer.v.expand({n, -1, -1, -1});
        }
        auto in = torch::tensor(input, torch::kInt64).view({n, steps}).to(m_model.device);
        auto lp = torch::log_softmax(m_model.llama->forward(in, &cache), -1); // (n, steps, vocab)
        auto tgt = torch::tensor(target, torch::kInt64).view({n, steps}).to(m_model.device);
        auto picked = lp.gather(2, tgt.unsqueeze(-1)).squeeze(-1).to(torch::kCPU).to(torch::kFloat64);
        auto sums = (picked * torch::tensor(mask).view({n, steps}).to(torch::kFloat64)).sum(1);
        for (int64_t i = 0; i < n; ++i)
            out[static_cast<size_t>(i)] += sums[i].item<double>();
        return out;
    }

    // Each request on its own (lm-eval's input: (context + continuation), its last
    // max_length + 1 tokens, without the last one), padded on the right into one batch.
    std::vector<double> scoreEach(const std::vector<Request>& requests) {
        const int64_t n = static_cast<int64_t>(requests.size());
        std::vector<std::vector<int64_t>> full(static_cast<size_t>(n));
        int64_t width = 0;
        for (int64_t i = 0; i < n; ++i) {
            const auto& r = requests[static_cast<size_t>(i)];
            auto& f = full[static_cast<size_t>(i)];
            f = r.context;
            f.insert(f.end(), r.continuation.begin(), r.continuation.end());
            const int64_t excess = static_cast<int64_t>(f.size()) - (m_options.maxLength + 1);
            if (excess > 0) f.erase(f.begin(), f.begin() + excess);
            width = std::max<int64_t>(width, static_cast<int64_t>(f.size()) - 1);
        }
        std::vector<int64_t> input(static_cast<size_t>(n * width), 0), target(input.size(), 0);
        std::vector<float> mask(input.size(), 0.0f);
        for (int64_t i = 0; i < n; ++i) {
            const auto& f = full[static_cast<size_t>(i)];
            const int64_t len = static_cast<int64_t>(f.size()) - 1;
            const int64_t cont = static_cast<int64_t>(requests[static_cast<size_t>(i)].continuation.size());
            for (int64_t j = 0; j < len; ++j) {
                const size_t k = static_cast<size_t>(i * width + j);
                input[k] = f[static_cast<size_t>(j)];
                target[k] = f[static_cast<size_t>(j + 1)];
                mask[k] = j >= len - cont ? 1.0f : 0.0f;
            }
            m_tokens += len;
        }
        auto in = torch::tensor(input, torch::kInt64).view({n, width}).to(m_model.device);
        auto lp = torch::log_softmax(m_model.llama->forward(in), -1); // (n, width, vocab)
        auto tgt = torch::tensor(target, torch::kInt64).view({n, width}).to(m_model.device);
        auto picked = lp.gather(2, tgt.unsqueeze(-1)).squeeze(-1).to(torch::kCPU).to(torch::kFloat64);
        auto sums = (picked * torch::tensor(mask).view({n, width}).to(torch::kFloat64)).sum(1);
        std::vector<double> out(static_cast<size_t>(n));
        for (int64_t i = 0; i < n; ++i)
            out[static_cast<size_t>(i)] = sums[i].item<double>();
        return out;
    }

    Model::Impl& m_model;
    ZeroShotOptions m_options;
    const Tokenizer* m_tok = nullptr;
    int64_t m_tokens = 0;
};

// Index of the first maximum (numpy's argmax on ties).
int64_t argmax(const std::vector<double>& v) {
    int64_t best = 0;
    for (size_t i = 1; i < v.size(); ++i)
        if (v[i] > v[static_cast<size_t>(best)]) best = static_cast<int64_t>(i);
    return best;
}

// Mean and standard error of the mean (sample deviation / √n) of 0/1 outcomes.
std::pair<double, double> meanAndStderr(const std::vector<int>& hits) {
    const double n = static_cast<double>(hits.size());
    double mean = 0;
    for (int h : hits)
        mean += h;
    mean /= n;
    if (hits.size() < 2) return {mean, std::numeric_limits<double>::quiet_NaN()};
    double ss = 0;
    for (int h : hits)
        ss += (h - mean) * (h - mean);
    return {mean, std::sqrt(ss / (n - 1)) / std::sqrt(n)};
}

ZeroShotTaskResult scoreTask(Model& model, const ZeroShotTask& task, const ZeroShotOptions& o,
                             ProgressSink* sink) {
    const auto started = std::chrono::steady_clock::now();
    const std::filesystem::path file = o.taskDir / task.file;
    const auto items = readTaskFile(file, task.partial, o.limit);
    Scorer scorer(model, o);
    ZeroShotTaskResult r;
    r.task = task.name;
    r.items = static_cast<int64_t>(items.size());
    std::vector<int> hits, hitsNorm;
    for (size_t i = 0; i < items.size(); ++i) {
        if (sink && sink->isCancelled()) fail(ErrorKind::Cancelled, "evaluation cancelled");
        const TaskItem& item = items[i];
        const std::string where = file.string() + ": item " + item.id;
        std::vector<Request> requests;
        if (task.partial) {
            for (const auto& context : item.contexts)
                requests.push_back(scorer.encode(context, item.continuations.front(), where));
        } else {
            for (const auto& choice : item.continuations)
                requests.push_back(scorer.encode(item.contexts.front(), choice, where));
        }
        ZeroShotItem s;
        s.id = item.id;
        s.gold = item.gold;
        s.logLikelihoods = scorer.score(requests);
        for (double ll : s.logLikelihoods)
            if (!std::isfinite(ll)) fail(ErrorKind::NonFinite, where + ": non-finite log-likelihood");
        s.predicted = argmax(s.logLikelihoods);
        hits.push_back(s.predicted == s.gold);
        if (!task.partial) {
            std::vector<double> perChar(s.logLikelihoods.size());
            for (size_t c = 0; c < perChar.size(); ++c)
                perChar[c] = s.logLikelihoods[c] / static_cast<double>(item.normLen[c]);
            s.predictedNorm = argmax(perChar);
            hitsNorm.push_back(s.predictedNorm == s.gold);
        }
        if (o.keepItems) r.itemScores.push_back(std::move(s));
        if (sink) {
            const auto [acc, _] = meanAndStderr(hits);
            sink->onTaskProgress({task.name, static_cast<int64_t>(i + 1), r.items, acc});
        }
    }
    std::tie(r.acc, r.accStderr) = meanAndStderr(hits);
    if (task.hasAccNorm) {
        const auto [accNorm, stderrNorm] = meanAndStderr(hitsNorm);
        r.accNorm = accNorm;
        r.accNormStderr = stderrNorm;
    }
    r.tokens = scorer.tokens();
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return r;
}

} // namespace

std::string zeroShotResultJson(const ZeroShotResult& r, bool samples) {
    auto number = [](double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); };
    nlohmann::json tasks = nlohmann::json::object();
    for (const auto& t : r.tasks) {
        nlohmann::json j = {
            {"items", t.items},
            {"acc", t.acc},
            {"acc_stderr", number(t.accStderr)},
            {"tokens", t.tokens},
            {"seconds", t.seconds},
            {"items_per_second", t.seconds > 0 ? static_cast<double>(t.items) / t.seconds : 0.0}};
        if (t.accNorm) {
            j["acc_norm"] = *t.accNorm;
            j["acc_norm_stderr"] = number(t.accNormStderr.value_or(std::nan("")));
        }
        if (samples) {
            j["samples"] = nlohmann::json::array();
            for (const auto& s : t.itemScores) {
                nlohmann::json e = {{"id", s.id},
                                    {"gold", s.gold},
                                    {"loglikelihoods", s.logLikelihoods},
                                    {"predicted", s.predicted}};
                if (t.accNorm) e["predicted_norm"] = s.predictedNorm;
                j["samples"].push_back(e);
            }
        }
        tasks[t.task] = j;
    }
    nlohmann::json out = {{"tasks", tasks}};
    if (r.efficientQatAverage) out["average_acc_efficientqat"] = *r.efficientQatAverage;
    if (r.allAverage) out["average_acc_all"] = *r.allAverage;
    return out.dump();
}

Status evaluateZeroShot(Model& model, const ZeroShotOptions& options, ZeroShotResult& out,
                        ProgressSink* sink) {
    return guarded([&] {
        if (options.tasks.empty()) fail(ErrorKind::BadInput, "no zero-shot task to evaluate");
        torch::InferenceMode guard;
        ZeroShotResult result;
        for (const auto& name : options.tasks) {
            const ZeroShotTask* task = findZeroShotTask(name);
            if (!task) fail(ErrorKind::BadInput, "unknown task '" + name + "'");
            result.tasks.push_back(scoreTask(model, *task, options, sink));
        }
        double five = 0, six = 0;
        int fiveCount = 0, sixCount = 0;
        for (const auto& r : result.tasks) {
            six += r.acc;
            ++sixCount;
            if (findZeroShotTask(r.task)->inEfficientQatAverage) {
                five += r.acc;
                ++fiveCount;
            }
        }
        if (fiveCount == 5) result.efficientQatAverage = five / 5;
        if (sixCount == static_cast<int>(zeroShotTasks().size())) result.allAverage = six / sixCount;
        out = std::move(result);
    });
}

} // namespace qat
