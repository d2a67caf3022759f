// SPDX-License-Identifier: GPL-3.0-or-later
// Progress events: dispatch to a sink, the multi-sink, and one-line JSON in both directions.
#include "qat/Progress.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>

namespace qat {

namespace {

template <class... Ts> struct Overloaded : Ts... { using Ts::operator()...; };
template <class... Ts> Overloaded(Ts...) -> Overloaded<Ts...>;

using json = nlohmann::json;

const json& field(const json& j, const char* name, const char* event) {
    auto it = j.find(name);
    if (it == j.end())
        fail(ErrorKind::BadInput, std::string("event \"") + event + "\" has no field \"" + name + "\"");
    return *it;
}

int64_t getInt(const json& j, const char* name, const char* event) {
    const json& v = field(j, name, event);
    if (!v.is_number_integer())
        fail(ErrorKind::BadInput,
             std::string("event \"") + event + "\": field \"" + name + "\" is not an integer");
    return v.get<int64_t>();
}

double getDouble(const json& j, const char* name, const char* event) {
    const json& v = field(j, name, event);
    if (v.is_null()) return std::numeric_limits<double>::quiet_NaN();
    if (!v.is_number())
        fail(ErrorKind::BadInput,
             std::string("event \"") + event + "\": field \"" + name + "\" is not a number");
    return v.get<double>();
}

std::string getString(const json& j, const char* name, const char* event) {
    const json& v = field(j, name, event);
    if (!v.is_string())
        fail(ErrorKind::BadInput,
             std::string("event \"") + event + "\": field \"" + name + "\" is not a string");
    return v.get<std::string>();
}

bool getBool(const json& j, const char* name, const char* event) {
    const json& v = field(j, name, event);
    if (!v.is_boolean())
        fail(ErrorKind::BadInput,
             std::string("event \"") + event + "\": field \"" + name + "\" is not true or false");
    return v.get<bool>();
}

} // namespace

void deliver(ProgressSink& sink, const ProgressEvent& event) {
    std::visit(Overloaded{
                   [&](const PhaseChanged& e) { sink.onPhase(e); },
                   [&](const BlockStarted& e) { sink.onBlockStarted(e); },
                   [&](const StepLoss& e) { sink.onStepLoss(e); },
                   [&](const EpochEnd& e) { sink.onEpochEnd(e); },
                   [&](const BlockFinished& e) { sink.onBlockFinished(e); },
                   [&](const E2eStep& e) { sink.onE2eStep(e); },
                   [&](const EvalResult& e) { sink.onEvalResult(e); },
                   [&](const LogLine& e) { sink.onLog(e.text); },
                   [&](const EvalProgress& e) { sink.onEvalProgress(e); },
                   [&](const RunStarted& e) { sink.onRunStarted(e); },
                   [&](const RunEnded& e) { sink.onRunEnded(e); },
                   [&](const TaskResult& e) { sink.onTaskResult(e); },
               },
               event);
}

void MultiSink::onLog(const std::string& line) {
    for (auto* s : m_sinks)
        s->onLog(line);
}
void MultiSink::onEvalProgress(const EvalProgress& e) {
    for (auto* s : m_sinks)
        s->onEvalProgress(e);
}
void MultiSink::onTaskProgress(const TaskProgress& e) {
    for (auto* s : m_sinks)
        s->onTaskProgress(e);
}
void MultiSink::onPhase(const PhaseChanged& e) {
    for (auto* s : m_sinks)
        s->onPhase(e);
}
void MultiSink::onBlockStarted(const BlockStarted& e) {
    for (auto* s : m_sinks)
        s->onBlockStarted(e);
}
void MultiSink::onStepLoss(const StepLoss& e) {
    for (auto* s : m_sinks)
        s->onStepLoss(e);
}
void MultiSink::onEpochEnd(const EpochEnd& e) {
    for (auto* s : m_sinks)
        s->onEpochEnd(e);
}
void MultiSink::onBlockFinished(const BlockFinished& e) {
    for (auto* s : m_sinks)
        s->onBlockFinished(e);
}
void MultiSink::onE2eStep(const E2eStep& e) {
    for (auto* s : m_sinks)
        s->onE2eStep(e);
}
void MultiSink::onEvalResult(const EvalResult& e) {
    for (auto* s : m_sinks)
        s->onEvalResult(e);
}
void MultiSink::onTaskResult(const TaskResult& e) {
    for (auto* s : m_sinks)
        s->onTaskResult(e);
}
void MultiSink::onRunStarted(const RunStarted& e) {
    for (auto* s : m_sinks)
        s->onRunStarted(e);
}
void MultiSink::onRunEnded(const RunEnded& e) {
    for (auto* s : m_sinks)
        s->onRunEnded(e);
}
bool MultiSink::isCancelled() const {
    for (auto* s : m_sinks)
        if (s->isCancelled()) return true;
    return false;
}

const char* eventName(const ProgressEvent& event) {
    return std::visit(Overloaded{
                          [](const PhaseChanged&) { return "phase"; },
                          [](const BlockStarted&) { return "block_started"; },
                          [](const StepLoss&) { return "step_loss"; },
                          [](const EpochEnd&) { return "epoch_end"; },
                          [](const BlockFinished&) { return "block_finished"; },
                          [](const E2eStep&) { return "e2e_step"; },
                          [](const EvalResult&) { return "eval_result"; },
                          [](const LogLine&) { return "log"; },
                          [](const EvalProgress&) { return "eval_progress"; },
                          [](const RunStarted&) { return "run_started"; },
                          [](const RunEnded&) { return "run_ended"; },
                          [](const TaskResult&) { return "task_result"; },
                      },
                      event);
}

std::string eventToJson(const ProgressEvent& event, std::optional<double> unixTime) {
    // nlohmann's ordered_json keeps "event" first, which makes the file readable.
    nlohmann::ordered_json j;
    j["event"] = eventName(event);
    if (unixTime) j["time"] = *unixTime;
    auto num = [](double v) {
        return std::isfinite(v) ? nlohmann::ordered_json(v) : nlohmann::ordered_json(nullptr);
    };
    std::visit(Overloaded{
                   [&](const PhaseChanged& e) {
                       j["phase"] = phaseName(e.phase);
                       j["index"] = e.index;
                       j["count"] = e.count;
                   },
                   [&](const BlockStarted& e) {
                       j["block"] = e.block;
                       j["blocks"] = e.blocks;
                   },
                   [&](const StepLoss& e) {
                       j["block"] = e.block;
                       j["step"] = e.step;
                       j["steps"] = e.steps;
                       j["loss"] = num(e.loss);
                       j["lr"] = num(e.lr);
                   },
                   [&](const EpochEnd& e) {
                       j["block"] = e.block;
                       j["epoch"] = e.epoch;
                       j["epochs"] = e.epochs;
                       j["train_loss"] = num(e.trainLoss);
                       j["val_loss"] = num(e.valLoss);
                   },
                   [&](const BlockFinished& e) {
                       j["block"] = e.block;
                       j["mse_before"] = num(e.mseBefore);
                       j["mse_after"] = num(e.mseAfter);
                       j["seconds"] = num(e.seconds);
                   },
                   [&](const E2eStep& e) {
                       j["step"] = e.step;
                       j["steps"] = e.steps;
                       j["loss"] = num(e.loss);
                       j["lr"] = num(e.lr);
                   },
                   [&](const EvalResult& e) {
                       j["dataset"] = e.dataset;
                       j["perplexity"] = num(e.perplexity);
                       j["windows"] = e.windows;
                       j["seqlen"] = e.seqlen;
                       if (!e.stage.empty()) j["stage"] = e.stage;
                   },
                   [&](const LogLine& e) { j["text"] = e.text; },
                   [&](const EvalProgress& e) {
                       j["dataset"] = e.dataset;
                       j["windows_done"] = e.windowsDone;
                       j["windows_total"] = e.windowsTotal;
                       j["running_perplexity"] = num(e.runningPerplexity);
                   },
                   [&](const RunStarted& e) { j["resumed"] = e.resumed; },
                   [&](const RunEnded& e) {
                       j["outcome"] = outcomeName(e.kind);
                       j["message"] = e.message;
                   },
                   [&](const TaskResult& e) {
                       j["task"] = e.task;
                       j["acc"] = num(e.acc);
                       j["acc_norm"] = num(e.accNorm);
                       j["items"] = e.items;
                       if (!e.stage.empty()) j["stage"] = e.stage;
                   },
               },
               event);
    // Invalid UTF-8 (a log line quoting a bad file) is replaced rather than thrown on.
    return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

ProgressEvent eventFromJson(const std::string& line, std::optional<double>* unixTime) {
    json j;
    try {
        j = json::parse(line);
    } catch (const json::exception& e) {
        fail(ErrorKind::BadInput, std::string("not JSON: ") + e.what());
    }
    if (!j.is_object()) fail(ErrorKind::BadInput, "an event must be a JSON object");
    auto it = j.find("event");
    if (it == j.end() || !it->is_string()) fail(ErrorKind::BadInput, "the object has no \"event\" name");
    const std::string name = it->get<std::string>();
    const char* n = name.c_str();
    if (unixTime) {
        auto t = j.find("time");
        *unixTime = t != j.end() && t->is_number() ? std::optional<double>(t->get<double>()) : std::nullopt;
    }
    if (name == "phase") {
        const std::string phase = getString(j, "phase", n);
        auto p = phaseFromName(phase);
        if (!p) fail(ErrorKind::BadInput, "unknown phase \"" + phase + "\"");
        return PhaseChanged{*p, getInt(j, "index", n), getInt(j, "count", n)};
    }
    if (name == "block_started") return BlockStarted{getInt(j, "block", n), getInt(j, "blocks", n)};
    if (name == "step_loss")
        return StepLoss{getInt(j, "block", n), getInt(j, "step", n), getInt(j, "steps", n),
                        getDouble(j, "loss", n), getDouble(j, "lr", n)};
    if (name == "epoch_end")
        return EpochEnd{getInt(j, "block", n), getInt(j, "epoch", n), getInt(j, "epochs", n),
                        getDouble(j, "train_loss", n), getDouble(j, "val_loss", n)};
    if (name == "block_finished")
        return BlockFinished{getInt(j, "block", n), getDouble(j, "mse_before", n),
                             getDouble(j, "mse_after", n), getDouble(j, "seconds", n)};
    if (name == "e2e_step")
        return E2eStep{getInt(j, "step", n), getInt(j, "steps", n), getDouble(j, "loss", n),
                       getDouble(j, "lr", n)};
    if (name == "eval_result")
        return EvalResult{getString(j, "dataset", n), getDouble(j, "perplexity", n), getInt(j, "windows", n),
                          getInt(j, "seqlen", n),
                          j.contains("stage") ? getString(j, "stage", n) : std::string()};
    if (name == "log") return LogLine{getString(j, "text", n)};
    if (name == "eval_progress")
        return EvalProgress{getString(j, "dataset", n), getInt(j, "windows_done", n),
                            getInt(j, "windows_total", n), getDouble(j, "running_perplexity", n)};
    if (name == "task_result")
        return TaskResult{getString(j, "task", n), getDouble(j, "acc", n), getDouble(j, "acc_norm", n),
                          getInt(j, "items", n),
                          j.contains("stage") ? getString(j, "stage", n) : std::string()};
    if (name == "run_started") return RunStarted{getBool(j, "resumed", n)};
    if (name == "run_ended") {
        const std::string outcome = getString(j, "outcome", n);
        if (const auto kind = outcomeFromName(outcome)) return RunEnded{*kind, getString(j, "message", n)};
        fail(ErrorKind::BadInput, "event \"run_ended\": unknown outcome \"" + outcome + "\"");
    }
    fail(ErrorKind::BadInput, "unknown event \"" + name + "\"");
}

Status readEventsFile(const std::filesystem::path& file, std::vector<ProgressEvent>& out,
                      std::vector<double>* unixTimes) {
    return guarded([&] {
        out.clear();
        if (unixTimes) unixTimes->clear();
        std::ifstream in(file, std::ios::binary);
        if (!in) fail(ErrorKind::BadInput, file.string() + ": cannot open");
        std::stringstream buffer;
        buffer << in.rdbuf();
        const std::string text = buffer.str();
        size_t pos = 0;
        int64_t lineNo = 0;
        while (pos < text.size()) {
            ++lineNo;
            const size_t end = text.find('\n', pos);
            const bool complete = end != std::string::npos;
            std::string line = text.substr(pos, complete ? end - pos : std::string::npos);
            pos = complete ? end + 1 : text.size();
            if (!line.empty() && line.back() == '\r') line.pop_back();
            if (line.find_first_not_of(" \t") == std::string::npos) continue;
            try {
                std::optional<double> time;
                out.push_back(eventFromJson(line, &time));
                if (unixTimes) unixTimes->push_back(time.value_or(std::numeric_limits<double>::quiet_NaN()));
            } catch (const Error& e) {
                if (!complete) break; // torn last line: the writer was interrupted
                fail(ErrorKind::BadInput, file.string() + ":" + std::to_string(lineNo) + ": " + e.what());
            }
        }
    });
}

} // namespace qat
