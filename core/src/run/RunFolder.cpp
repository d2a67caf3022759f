// SPDX-License-Identifier: GPL-3.0-or-later
// Reading a run folder back: run.json, eval.json, metrics.jsonl (as events) and checkpoints.
#include "qat/RunFolder.h"

#include "qat/JobSettings.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace qat {

namespace {

constexpr const char* kRunFormat = "qat-studio-run";
constexpr int kRunFormatVersion = 1;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

json readJsonFile(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) fail(ErrorKind::BadInput, file.string() + ": cannot open");
    std::stringstream text;
    text << in.rdbuf();
    try {
        return json::parse(text.str());
    } catch (const json::exception& e) {
        fail(ErrorKind::BadInput, file.string() + ": not valid JSON: " + e.what());
    }
}

// Typed access to an optional field at `path` (dotted, for messages) of `object`: absent or
// null leaves `out` as it is; a value of another type is an error naming file and field.
class Fields {
public:
    explicit Fields(const fs::path& file) : m_file(file) {}

    const json* find(const json& object, const char* key) const {
        if (!object.is_object()) return nullptr;
        auto it = object.find(key);
        return it == object.end() || it->is_null() ? nullptr : &*it;
    }
    [[noreturn]] void wrong(const std::string& path, const char* expected) const {
        fail(ErrorKind::BadInput, m_file.string() + ": field " + path + ": expected " + expected);
    }
    const json* object(const json& parent, const char* key, const std::string& path) const {
        const json* v = find(parent, key);
        if (v && !v->is_object()) wrong(path, "an object");
        return v;
    }
    void string(const json* v, const std::string& path, std::string& out) const {
        if (!v) return;
        if (!v->is_string()) wrong(path, "a string");
        out = v->get<std::string>();
    }
    void string(const json& parent, const char* key, const std::string& path, std::string& out) const {
        string(find(parent, key), path, out);
    }
    template <class Int> void integer(const json* v, const std::string& path, Int& out) const {
        if (!v) return;
        if (!v->is_number_integer()) wrong(path, "an integer");
        out = v->get<Int>();
    }
    template <class Int>
    void integer(const json& parent, const char* key, const std::string& path, Int& out) const {
        integer(find(parent, key), path, out);
    }
    void number(const json& parent, const char* key, const std::string& path, double& out) const {
        if (const json* v = find(parent, key)) {
            if (!v->is_number()) wrong(path, "a number");
            out = v->get<double>();
        }
    }
    void paths(const json* v, const std::string& path, std::vector<fs::path>& out) const {
        if (!v) return;
        if (!v->is_array()) wrong(path, "an array of file names");
        out.clear();
        for (const json& item : *v) {
            if (!item.is_string()) wrong(path, "an array of file names");
            out.emplace_back(item.get<std::string>());
        }
    }
    void paths(const json& parent, const char* key, const std::string& path,
               std::vector<fs::path>& out) const {
        paths(find(parent, key), path, out);
    }

private:
    fs::path m_file;
};

void readRunJson(RunFolder& run) {
    const fs::path file = run.layout.runJson();
    std::error_code ec;
    if (!fs::exists(file, ec))
        fail(ErrorKind::BadInput, run.layout.folder.string() + ": not a run folder (no run.json)");
    const json j = readJsonFile(file);
    if (!j.is_object())
        fail(ErrorKind::BadInput, file.string() + ": not a QAT Studio run file (not a JSON object)");
    const Fields f(file);
    std::string format;
    f.string(j, "format", "format", format);
    if (!format.empty() && format != kRunFormat)
        fail(ErrorKind::BadInput,
             file.string() + ": field format: \"" + format + "\" is not a QAT Studio run file");
    int version = 0;
    f.integer(j, "format_version", "format_version", version);
    if (version > kRunFormatVersion)
        fail(ErrorKind::Unsupported,
             file.string() + ": written by a newer QAT Studio (run format " + std::to_string(version) + ")");
    f.string(j, "created", "created", run.created);
    if (const json* versions = f.object(j, "versions", "versions")) {
        f.string(*versions, "qat_studio", "versions.qat_studio", run.appVersion);
        f.string(*versions, "libtorch", "versions.libtorch", run.libtorchVersion);
    }
    std::string modelFolder;
    if (const json* model = f.object(j, "model", "model")) {
        f.string(*model, "folder", "model.folder", modelFolder);
        f.string(*model, "fingerprint", "model.fingerprint", run.modelFingerprint);
    }
    const json* config = f.object(j, "config", "config");
    if (!config) fail(ErrorKind::BadInput, file.string() + ": field config: missing (the job's settings)");
    run.configJson = config->dump();
    // The job's settings by the settings table's keys (JobSettings.h), named in errors as
    // config.KEY.
    auto setting = [&](JobSettingId id) -> const json* {
        const json::json_pointer key(jobSetting(id).key);
        return config->contains(key) && !config->at(key).is_null() ? &config->at(key) : nullptr;
    };
    auto path = [](JobSettingId id) { return "config." + settingDisplayKey(jobSetting(id)); };
    using Id = JobSettingId;
    if (modelFolder.empty()) f.string(setting(Id::Model), path(Id::Model), modelFolder);
    run.modelFolder = modelFolder;
    std::string tokenizer;
    f.string(setting(Id::Tokenizer), path(Id::Tokenizer), tokenizer);
    run.tokenizer = tokenizer;
    f.string(setting(Id::Method), path(Id::Method), run.method);
    f.integer(setting(Id::Bits), path(Id::Bits), run.bits);
    f.integer(setting(Id::Group), path(Id::Group), run.groupSize);
    f.string(setting(Id::Device), path(Id::Device), run.device);
    f.string(setting(Id::DType), path(Id::DType), run.dtype);
    f.paths(setting(Id::EvalFiles), path(Id::EvalFiles), run.evalFiles);
    f.integer(setting(Id::EvalSeqlen), path(Id::EvalSeqlen), run.evalSeqlen);
    f.integer(setting(Id::EvalMaxWindows), path(Id::EvalMaxWindows), run.evalMaxWindows);
}

void readEvalJson(RunFolder& run) {
    const fs::path file = run.layout.evalJson();
    std::error_code ec;
    if (!fs::exists(file, ec)) return;
    const json j = readJsonFile(file);
    if (!j.is_object()) fail(ErrorKind::BadInput, file.string() + ": expected a JSON object");
    const Fields f(file);
    RunEval eval;
    f.paths(j, "files", "files", eval.files);
    f.integer(j, "seqlen", "seqlen", eval.seqlen);
    f.integer(j, "max_windows", "max_windows", eval.maxWindows);
    if (const json* zs = f.object(j, "zero_shot", "zero_shot")) {
        std::vector<fs::path> names;
        f.paths(*zs, "tasks", "zero_shot.tasks", names);
        for (const auto& n : names)
            eval.tasks.push_back(n.string());
        std::string dir;
        f.string(*zs, "task_dir", "zero_shot.task_dir", dir);
        eval.taskDir = dir;
        f.integer(*zs, "limit", "zero_shot.limit", eval.taskLimit);
        if (const json* bos = f.find(*zs, "add_bos")) {
            if (!bos->is_boolean()) f.wrong("zero_shot.add_bos", "true or false");
            eval.taskAddBos = bos->get<bool>();
        }
    }
    if (const json* stages = f.find(j, "stages")) {
        if (!stages->is_array()) f.wrong("stages", "an array");
        for (size_t i = 0; i < stages->size(); ++i) {
            const json& s = (*stages)[i];
            const std::string at = "stages[" + std::to_string(i) + "]";
            if (!s.is_object()) f.wrong(at, "an object");
            RunEvalStage stage;
            f.string(s, "stage", at + ".stage", stage.stage);
            if (const json* results = f.object(s, "results", at + ".results")) {
                for (auto it = results->begin(); it != results->end(); ++it) {
                    const std::string rat = at + ".results." + it.key();
                    if (!it->is_object()) f.wrong(rat, "an object");
                    RunEvalEntry entry;
                    f.number(*it, "perplexity", rat + ".perplexity", entry.perplexity);
                    f.integer(*it, "windows", rat + ".windows", entry.windows);
                    stage.results[it.key()] = entry;
                }
            }
            if (const json* tasks = f.object(s, "tasks", at + ".tasks")) {
                for (auto it = tasks->begin(); it != tasks->end(); ++it) {
                    const std::string tat = at + ".tasks." + it.key();
                    if (!it->is_object()) f.wrong(tat, "an object");
                    RunTaskEntry entry;
                    f.number(*it, "acc", tat + ".acc", entry.acc);
                    f.number(*it, "acc_stderr", tat + ".acc_stderr", entry.accStderr);
                    f.number(*it, "acc_norm", tat + ".acc_norm", entry.accNorm);
                    f.number(*it, "acc_norm_stderr", tat + ".acc_norm_stderr", entry.accNormStderr);
                    f.integer(*it, "items", tat + ".items", entry.items);
                    stage.tasks[it.key()] = entry;
                }
            }
            f.number(s, "average_acc_efficientqat", at + ".average_acc_efficientqat",
                     stage.averageEfficientQat);
            f.number(s, "average_acc_all", at + ".average_acc_all", stage.averageAll);
            eval.stages.push_back(std::move(stage));
        }
    }
    run.eval = std::move(eval);
}

RunState stateOf(const RunFolder& run) {
    if (!run.sessions.empty() && run.sessions.back().outcome) {
        const ErrorKind kind = *run.sessions.back().outcome;
        if (kind == ErrorKind::Cancelled) return RunState::Cancelled;
        if (kind != ErrorKind::None) return RunState::Failed;
    }
    return run.hasQuantizedState ? RunState::Complete : RunState::Partial;
}

} // namespace

const char* runStateName(RunState state) {
    switch (state) {
    case RunState::Complete:
        return "complete";
    case RunState::Partial:
        return "partial";
    case RunState::Cancelled:
        return "cancelled";
    case RunState::Failed:
        return "failed";
    }
    return "partial";
}

double RunFolder::activeSeconds() const {
    if (sessions.empty()) return kNaN;
    double total = 0.0;
    for (const auto& s : sessions)
        total += s.seconds();
    return total;
}

void computeSessions(const std::vector<ProgressEvent>& events, const std::vector<double>& times,
                     std::vector<RunSession>& sessions, std::map<std::string, double>& stageSeconds) {
    sessions.clear();
    stageSeconds.clear();
    double done = 0.0; // active seconds of the sessions before the current one
    bool open = false; // the last session takes further events
    for (size_t i = 0; i < events.size() && i < times.size(); ++i) {
        const double t = times[i];
        if (std::isnan(t)) continue;
        const ProgressEvent& e = events[i];
        const auto* started = std::get_if<RunStarted>(&e);
        if (started || !open) {
            if (!sessions.empty()) done += sessions.back().seconds();
            RunSession s;
            s.start = s.end = t;
            s.resumed = started && started->resumed;
            sessions.push_back(s);
            open = true;
        }
        RunSession& s = sessions.back();
        s.end = std::max(s.end, t);
        if (const auto* ended = std::get_if<RunEnded>(&e)) {
            s.outcome = ended->kind;
            s.message = ended->message;
            open = false;
        }
        if (const auto* result = std::get_if<EvalResult>(&e); result && !result->stage.empty())
            stageSeconds[result->stage] = done + (s.end - s.start);
    }
}

Status RunFolder::read(const fs::path& folder, RunFolder& out) {
    out = RunFolder{};
    out.layout.folder = folder;
    return guarded([&] {
        readRunJson(out);
        readEvalJson(out);
        std::error_code ec;
        if (fs::exists(out.layout.metrics(), ec)) {
            const Status st = readEventsFile(out.layout.metrics(), out.events, &out.eventTimes);
            if (!st.ok()) fail(st.kind, st.message);
        }
        computeSessions(out.events, out.eventTimes, out.sessions, out.stageSeconds);
        for (const auto& e : out.events)
            if (const auto* p = std::get_if<PhaseChanged>(&e)) out.lastPhase = p->phase;
        out.lastFinishedBlock = out.layout.lastFinishedBlock();
        out.hasE2eCheckpoint = out.layout.hasE2eCheckpoint();
        out.hasQuantizedState = out.layout.hasQuantizedState();
        out.state = stateOf(out);
    });
}

} // namespace qat
