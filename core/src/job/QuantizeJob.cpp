// SPDX-License-Identifier: GPL-3.0-or-later
// The whole quantization job shared by qat-cli and the desktop app.
#include "qat/QuantizeJob.h"

#include "qat/Evaluation.h"
#include "qat/JobSettings.h"
#include "qat/RunDirectory.h"
#include "qat/Version.h"
#include "run/CheckpointCheck.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <limits>
#include <map>
#include <memory>

namespace qat {

namespace {

std::string absolutePath(const std::filesystem::path& p) {
    return p.empty() ? std::string() : std::filesystem::absolute(p).lexically_normal().string();
}

std::vector<std::string> absolutePaths(const std::vector<std::filesystem::path>& files) {
    std::vector<std::string> out;
    for (const auto& f : files)
        out.push_back(absolutePath(f));
    return out;
}

// A setting's value as run.json records it (paths absolute).
nlohmann::json recordedValue(const JobSetting& s, const QuantizeJob& job) {
    const SettingValue v = s.record ? s.record(job) : s.get(job);
    if (s.kind == SettingKind::Folder || s.kind == SettingKind::File)
        return absolutePath(std::get<std::string>(v));
    if (s.kind == SettingKind::Files) {
        const auto& files = std::get<std::vector<std::string>>(v);
        return absolutePaths(std::vector<std::filesystem::path>(files.begin(), files.end()));
    }
    return std::visit([](const auto& x) { return nlohmann::json(x); }, v);
}

// One setting's value from JSON, checked against its kind, choices and range; an empty
// string, or what is wrong (after "SOURCE: ").
std::string readSetting(const JobSetting& s, const nlohmann::json& j, SettingValue& out) {
    try {
        switch (s.kind) {
        case SettingKind::Int:
            out = j.get<int64_t>();
            break;
        case SettingKind::Double:
            out = j.get<double>();
            break;
        case SettingKind::Bool:
            out = j.get<bool>();
            break;
        case SettingKind::Choice:
        case SettingKind::Folder:
        case SettingKind::File:
            out = j.get<std::string>();
            break;
        case SettingKind::Files:
        case SettingKind::Names:
            out = j.get<std::vector<std::string>>();
            break;
        }
    } catch (const std::exception& e) {
        return std::string("field ") + (s.key + 1) + ": " + e.what();
    }
    if (s.kind == SettingKind::Choice) {
        const auto& name = std::get<std::string>(out);
        if (std::find(s.choices.begin(), s.choices.end(), name) == s.choices.end())
            return settingDisplayKey(s) + " \"" + name + "\": expected " + nameList(s.choices);
    }
    if (s.kind == SettingKind::Names) {
        for (const auto& name : std::get<std::vector<std::string>>(out))
            if (name != "all" && std::find(s.choices.begin(), s.choices.end(), name) == s.choices.end())
                return settingDisplayKey(s) + " \"" + name + "\": expected all or " + nameList(s.choices);
    }
    if ((s.kind == SettingKind::Int || s.kind == SettingKind::Double) && !s.rangeCheckedByJob) {
        const double v =
            s.kind == SettingKind::Int ? static_cast<double>(std::get<int64_t>(out)) : std::get<double>(out);
        const std::string why = settingRangeError(s, v);
        if (!why.empty()) return settingDisplayKey(s) + " " + j.dump() + ": " + why;
    }
    return {};
}

// The first key of `j` that is no setting of the table (nor a comment); empty when none.
std::string unknownSetting(const nlohmann::json& j) {
    const nlohmann::json flat = j.flatten();
    for (const auto& item : flat.items()) {
        std::string key = item.key();
        // Arrays flatten to /files/0 ...: compare their parent.
        while (!findJobSetting(key) && key.find('/', 1) != std::string::npos &&
               std::all_of(key.begin() + static_cast<std::ptrdiff_t>(key.rfind('/') + 1), key.end(),
                           [](unsigned char c) { return std::isdigit(c) != 0; }))
            key = key.substr(0, key.rfind('/'));
        if (!findJobSetting(key) && key.rfind("/comment", 0) != 0) return item.key();
    }
    return {};
}

} // namespace

std::string jobConfigJson(const QuantizeJob& job) {
    const unsigned method = 1u << static_cast<unsigned>(job.method);
    nlohmann::json j = nlohmann::json::object();
    for (const JobSetting& s : jobSettings())
        if ((s.methods & method) && !(s.omitWhenEmpty && std::get<std::string>(s.get(job)).empty()))
            j[nlohmann::json::json_pointer(s.key)] = recordedValue(s, job);
    return j.dump();
}

Status applyJobConfig(const std::string& jsonText, const std::string& source, QuantizeJob& job,
                      const std::set<std::string>& keep) {
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(jsonText);
    } catch (const std::exception& e) {
        return Status::error(ErrorKind::BadInput, source + ": not valid JSON (" + e.what() + ")");
    }
    if (j.is_object() && j.contains("config") && j["config"].is_object()) j = j["config"];
    if (!j.is_object())
        return Status::error(ErrorKind::BadInput, source + ": expected a JSON object of settings");

    std::vector<std::pair<const JobSetting*, SettingValue>> values;
    for (const JobSetting& s : jobSettings()) {
        const nlohmann::json::json_pointer ptr(s.key);
        if (!s.readable || keep.count(s.key) || !j.contains(ptr)) continue;
        SettingValue v;
        const std::string error = readSetting(s, j.at(ptr), v);
        if (!error.empty()) return Status::error(ErrorKind::BadInput, source + ": " + error);
        values.emplace_back(&s, std::move(v));
    }
    const std::string unknown = unknownSetting(j);
    if (!unknown.empty())
        return Status::error(ErrorKind::BadInput, source + ": unknown setting \"" + unknown.substr(1) + "\"");
    for (const auto& [s, v] : values)
        s->set(job, v);
    return Status::success();
}

std::string resumePointText(Method method) {
    switch (method) {
    case Method::RoundToNearest:
        return "nothing worth keeping (round-to-nearest starts again; it takes seconds)";
    case Method::BlockAp:
    case Method::Gptq:
        return "every finished block";
    case Method::EfficientQat:
        return "every finished block and E2E-QP's last checkpoint";
    case Method::LrQat:
        return "LR-QAT's last checkpoint";
    }
    return "every finished block";
}

Status checkJob(const QuantizeJob& job) {
    std::error_code ec;
    if (job.model.empty()) return Status::error(ErrorKind::BadInput, "no model: give a model folder");
    if (!std::filesystem::is_directory(job.model, ec))
        return Status::error(ErrorKind::BadInput, job.model.string() + ": not a folder");
    if (job.spec.bits < 2 || job.spec.bits > 8)
        return Status::error(ErrorKind::BadInput,
                             "bits " + std::to_string(job.spec.bits) + ": bits must be between 2 and 8");
    if (job.spec.groupSize < 0)
        return Status::error(ErrorKind::BadInput, "group " + std::to_string(job.spec.groupSize) +
                                                      ": group size must be positive (or 0 for whole rows)");
    const bool needsData = job.method != Method::RoundToNearest;
    if (needsData && job.calibration.files.empty() && job.generatedDocuments == 0)
        return Status::error(ErrorKind::BadInput,
                             std::string(methodName(job.method)) +
                                 " needs calibration text (or self-generated calibration); rtn needs none");
    if (!job.calibration.files.empty() && job.generatedDocuments > 0)
        return Status::error(ErrorKind::BadInput,
                             "give either calibration files or self-generated calibration, not both");
    for (const auto& f : job.calibration.files)
        if (!std::filesystem::is_regular_file(f, ec))
            return Status::error(ErrorKind::BadInput, f.string() + ": no such calibration file");
    for (const auto& f : job.evalFiles)
        if (!std::filesystem::is_regular_file(f, ec))
            return Status::error(ErrorKind::BadInput, f.string() + ": no such evaluation file");
    if (!job.evalTasks.empty() && job.taskDir.empty())
        return Status::error(ErrorKind::BadInput,
                             "zero-shot tasks need the folder with their files (--task-dir, eval.task_dir)");
    // Every task file read and validated before anything runs: a bad line is named now, not
    // after hours of training.
    for (const auto& task : job.evalTasks) {
        int64_t items = 0;
        Status st = countZeroShotItems(job.taskDir, task, items);
        if (!st.ok()) return st;
    }
    if (job.out.empty()) return Status::error(ErrorKind::BadInput, "no run folder given");
    return Status::success();
}

namespace {

// A running job: its model, data, run folder and sinks, filled by the steps below.
struct JobRun {
    QuantizeJob job;
    QuantizeJobResult& out;
    ProgressSink* outer = nullptr;
    std::unique_ptr<Model> model;
    CalibrationData data;
    std::unique_ptr<RunDirectory> run;
    std::unique_ptr<MetricsWriter> metrics;
    std::unique_ptr<MultiSink> sink;
    PerplexityOptions eval;
};

Status loadModel(JobRun& r) {
    LoadOptions lo;
    lo.device = r.job.device;
    lo.dtype = r.job.dtype;
    lo.tokenizerPath = r.job.tokenizer;
    lo.threads = r.job.threads;
    Status st = Model::load(r.job.model, lo, r.model);
    if (!st.ok()) return st;
    st = validate(r.job.spec, r.model->config());
    if (!st.ok()) return st;
    r.job.evalSeqlen = std::min(r.job.evalSeqlen, r.model->config().maxPositionEmbeddings);
    r.out.evalSeqlen = r.job.evalSeqlen;
    r.eval.seqlen = r.job.evalSeqlen;
    r.eval.maxWindows = r.job.evalMaxWindows;
    return Status::success();
}

// Calibration data before the run folder, so that bad text leaves nothing behind.
Status loadCalibration(JobRun& r) {
    const QuantizeJob& job = r.job;
    if (job.method == Method::RoundToNearest) return Status::success();
    if (job.generatedDocuments > 0) {
        GeneratedCalibrationOptions go;
        go.count = job.generatedDocuments;
        go.tokensPerSample =
            std::min<int64_t>(job.calibration.seqlen, r.model->config().maxPositionEmbeddings - 1);
        go.seed = job.seed;
        std::vector<std::vector<int64_t>> docs;
        Status st = generateCalibrationDocuments(*r.model, go, docs, r.outer);
        if (st.ok())
            st = guarded([&] { r.data = makeCalibrationWindows(docs, job.calibration, "self-generated"); });
        return st;
    }
    const Tokenizer* tok = r.model->tokenizer();
    if (!tok)
        return Status::error(
            ErrorKind::BadInput,
            job.model.string() +
                ": no tokenizer (tokenizer.json or tokenizer.model); give one with --tokenizer");
    return guarded([&] { r.data = loadCalibrationData(*tok, job.calibration); });
}

// The run folder (new or resumed), its metrics.jsonl and the sink that feeds both.
Status openRunFolder(JobRun& r) {
    RunSpec rs;
    rs.configJson = jobConfigJson(r.job);
    rs.modelFolder = r.job.model;
    rs.appVersion = qatVersion();
    rs.resumableFields = resumableJobFields();
    Status st = RunDirectory::open(r.job.out, rs, r.run);
    if (!st.ok()) return st;
    // A resume that will be refused is refused now, before anything is appended or written.
    const bool blockCheckpoints = r.job.method == Method::BlockAp || r.job.method == Method::EfficientQat ||
                                  r.job.method == Method::Gptq;
    if (r.run->resumed() && blockCheckpoints) {
        st = guarded([&] { checkBlockCheckpoints(*r.run, r.job.spec); });
        if (!st.ok()) return st;
    }
    r.out.runFolder = r.run->folder();
    r.out.resumed = r.run->resumed();
    st = guarded([&] { r.metrics = std::make_unique<MetricsWriter>(r.run->metricsPath()); });
    if (!st.ok()) return st;
    std::vector<ProgressSink*> sinks{r.metrics.get()};
    if (r.outer) sinks.push_back(r.outer);
    r.sink = std::make_unique<MultiSink>(sinks);
    return Status::success();
}

void logStart(JobRun& r) {
    const QuantizeJob& job = r.job;
    ProgressSink& sink = *r.sink;
    sink.onRunStarted(RunStarted{r.run->resumed()});
    if (r.run->resumed()) {
        const auto last = r.run->lastFinishedBlock();
        std::string state;
        if (job.method == Method::LrQat)
            state = r.run->hasE2eCheckpoint() ? "LR-QAT checkpoint present" : "no LR-QAT checkpoint yet";
        else if (job.method != Method::RoundToNearest)
            state = (last ? std::to_string(*last + 1) + " block(s) done" : std::string("no block done yet")) +
                    (r.run->hasE2eCheckpoint() ? ", E2E-QP checkpoint present" : "");
        else
            state = "round-to-nearest starts again";
        sink.onLog("resuming " + r.run->folder().string() + ": " + state);
    }
    if (job.method == Method::RoundToNearest) return;
    const CalibrationData& data = r.data;
    sink.onLog("calibration: " + std::to_string(data.train.size()) + " training and " +
               std::to_string(data.val.size()) + " validation windows of " + std::to_string(data.seqlen) +
               " tokens from " + data.source);
    if (job.method == Method::BlockAp || job.method == Method::EfficientQat) {
        const int64_t cache =
            blockApCacheBytes(job.blockAp, static_cast<int64_t>(data.train.size() + data.val.size()),
                              data.seqlen, r.model->config().hiddenSize);
        sink.onLog("Block-AP activation caches: " + std::to_string((cache + (1 << 20) - 1) >> 20) +
                   " MiB of " + cacheDTypeName(job.blockAp.cacheDType) +
                   (job.blockAp.cacheDir.empty() ? std::string(" in memory")
                                                 : " in files under " + job.blockAp.cacheDir.string()));
    }
}

// Perplexity of the model as it is now, on every eval file, and its zero-shot accuracy on
// every task, recorded as `stage`.
Status evaluateStage(JobRun& r, Stage stage) {
    if (r.job.evalFiles.empty() && r.job.evalTasks.empty()) return Status::success();
    r.sink->onLog(std::string("evaluation: ") + stageName(stage));
    StageResult s{stageName(stage), {}, {}, {}};
    for (const auto& file : r.job.evalFiles) {
        PerplexityResult p;
        Status e = evaluatePerplexity(*r.model, file, r.eval, p, r.sink.get());
        if (!e.ok()) return e;
        r.sink->onEvalResult(
            EvalResult{file.filename().string(), p.perplexity, p.windows, r.eval.seqlen, stageName(stage)});
        s.perplexity.push_back(p.perplexity);
        s.windows.push_back(p.windows);
    }
    if (!r.job.evalTasks.empty()) {
        ZeroShotOptions zo;
        zo.taskDir = r.job.taskDir;
        zo.tasks = r.job.evalTasks;
        zo.limit = r.job.taskLimit;
        zo.addBos = r.job.taskAddBos;
        Status e = evaluateZeroShot(*r.model, zo, s.zeroShot, r.sink.get());
        if (!e.ok()) return e;
        for (const auto& t : s.zeroShot.tasks)
            r.sink->onTaskResult(TaskResult{t.task, t.acc,
                                            t.accNorm.value_or(std::numeric_limits<double>::quiet_NaN()),
                                            t.items, stageName(stage)});
    }
    r.out.stages.push_back(std::move(s));
    return Status::success();
}

Status saveState(JobRun& r) {
    const std::map<std::string, std::string> meta = {{"method", methodName(r.job.method)},
                                                     {"qat_studio", qatVersion()}};
    return saveQuantizedState(*r.model, r.run->quantizedStatePath(), meta);
}

// The method's phases, each followed by its evaluation.
Status runPhases(JobRun& r) {
    const QuantizeJob& job = r.job;
    ProgressSink* sink = r.sink.get();
    Status st;
    if (job.method == Method::RoundToNearest) {
        sink->onPhase(PhaseChanged{Phase::RoundToNearest, 0, 1});
        st = quantizeRoundToNearest(*r.model, job.spec, job.quantizer, sink);
    } else if (job.method == Method::LrQat) {
        st = runLrQat(*r.model, job.spec, job.lrQat, r.data, sink, r.out.lrQat, r.run.get());
    } else if (job.method == Method::Gptq) {
        st = runGptq(*r.model, job.spec, job.gptq, r.data, sink, r.out.gptq, r.run.get());
    } else {
        BlockApOptions bo = job.blockAp;
        bo.phaseCount = job.method == Method::EfficientQat ? 2 : 1;
        st = runBlockAp(*r.model, job.spec, bo, r.data, sink, r.out.blockAp, r.run.get());
        if (st.ok() && job.method == Method::BlockAp) st = saveState(r);
        if (st.ok()) st = evaluateStage(r, Stage::BlockAp);
        if (!st.ok() || job.method == Method::BlockAp) return st;
        E2eQpOptions eo = job.e2e;
        eo.phaseIndex = 1;
        eo.phaseCount = 2;
        st = runE2eQp(*r.model, job.spec, eo, r.data, sink, r.out.e2e, r.run.get());
    }
    if (st.ok()) st = saveState(r);
    if (st.ok()) st = evaluateStage(r, finalStage(job.method));
    return st;
}

// eval.json: whatever was measured, also after a failure.
Status writeEvalJson(JobRun& r) {
    std::vector<std::string> names;
    for (const auto& f : r.job.evalFiles)
        names.push_back(f.filename().string());
    nlohmann::json ej = {{"seqlen", r.eval.seqlen},
                         {"max_windows", r.eval.maxWindows},
                         {"files", absolutePaths(r.job.evalFiles)}};
    if (!r.job.evalTasks.empty())
        ej["zero_shot"] = {{"tasks", r.job.evalTasks},
                           {"task_dir", absolutePath(r.job.taskDir)},
                           {"limit", r.job.taskLimit},
                           {"add_bos", r.job.taskAddBos}};
    nlohmann::json js = nlohmann::json::array();
    for (const auto& s : r.out.stages) {
        nlohmann::json results = nlohmann::json::object();
        for (size_t i = 0; i < s.perplexity.size(); ++i)
            results[names[i]] = {{"perplexity", s.perplexity[i]}, {"windows", s.windows[i]}};
        nlohmann::json stage = {{"stage", s.stage}, {"results", results}};
        if (!s.zeroShot.tasks.empty()) stage.update(nlohmann::json::parse(zeroShotResultJson(s.zeroShot)));
        js.push_back(std::move(stage));
    }
    ej["stages"] = js;
    return guarded([&] { r.run->writeEvalJson(ej.dump(2) + "\n"); });
}

Status runJob(const QuantizeJob& jobIn, ProgressSink* outer, QuantizeJobResult& out) {
    JobRun r{jobIn, out, outer, {}, {}, {}, {}, {}, {}};
    r.job.calibration.seed = r.job.blockAp.seed = r.job.e2e.seed = r.job.lrQat.seed = r.job.seed;
    Status st = checkJob(r.job);
    if (st.ok()) st = loadModel(r);
    if (st.ok()) st = loadCalibration(r);
    if (st.ok()) st = openRunFolder(r);
    if (!st.ok()) return st;
    logStart(r);
    st = evaluateStage(r, Stage::FullPrecision);
    if (st.ok()) st = runPhases(r);
    const Status we = writeEvalJson(r);
    const Status& ended = st.ok() ? we : st;
    r.sink->onRunEnded(RunEnded{ended.kind, ended.message});
    if (!st.ok()) return st;
    if (!we.ok()) return we;
    const std::string metricsError = r.metrics->error();
    if (!metricsError.empty()) return Status::error(ErrorKind::Failure, "metrics.jsonl: " + metricsError);
    return Status::success();
}

} // namespace

Status runQuantizeJob(const QuantizeJob& job, ProgressSink* sink, QuantizeJobResult& out) {
    out = QuantizeJobResult{};
    Status st;
    const Status guardedSt = guarded([&] { st = runJob(job, sink, out); });
    return guardedSt.ok() ? st : guardedSt;
}

} // namespace qat
