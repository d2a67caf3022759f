// SPDX-License-Identifier: GPL-3.0-or-later
// The whole quantization job shared by qat-cli and the desktop app.
#include "qat/QuantizeJob.h"

#include "qat/Evaluation.h"
#include "qat/RunDirectory.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <map>
#include <memory>

#ifndef QAT_VERSION
#define QAT_VERSION "dev"
#endif

namespace qat {

namespace {

const char* cacheDTypeName(CacheDType t) {
    switch (t) {
    case CacheDType::Float16: return "float16";
    case CacheDType::BFloat16: return "bfloat16";
    case CacheDType::Float32: return "float32";
    }
    return "float16";
}

std::optional<CacheDType> cacheDTypeFrom(const std::string& name) {
    if (name == "float16") return CacheDType::Float16;
    if (name == "bfloat16") return CacheDType::BFloat16;
    if (name == "float32") return CacheDType::Float32;
    return std::nullopt;
}

std::string absolutePath(const std::filesystem::path& p) {
    return p.empty() ? std::string() : std::filesystem::absolute(p).lexically_normal().string();
}

std::vector<std::string> absolutePaths(const std::vector<std::filesystem::path>& files) {
    std::vector<std::string> out;
    for (const auto& f : files) out.push_back(absolutePath(f));
    return out;
}

} // namespace

const char* qatVersion() { return QAT_VERSION; }

const char* methodName(Method method) {
    switch (method) {
    case Method::RoundToNearest: return "rtn";
    case Method::BlockAp: return "block-ap";
    case Method::EfficientQat: return "efficientqat";
    case Method::LrQat: return "lr-qat";
    }
    return "efficientqat";
}

std::optional<Method> methodFromName(const std::string& name) {
    if (name == "rtn") return Method::RoundToNearest;
    if (name == "block-ap") return Method::BlockAp;
    if (name == "efficientqat") return Method::EfficientQat;
    if (name == "lr-qat") return Method::LrQat;
    return std::nullopt;
}

std::string jobConfigJson(const QuantizeJob& job) {
    const auto& c = job.calibration;
    nlohmann::json j = {{"model", absolutePath(job.model)},
                        {"method", methodName(job.method)},
                        {"bits", job.spec.bits},
                        {"group", job.spec.groupSize},
                        {"seed", job.seed},
                        {"device", deviceName(job.device)},
                        {"dtype", computeDTypeName(job.dtype)},
                        {"threads", job.threads},
                        {"eval",
                         {{"files", absolutePaths(job.evalFiles)},
                          {"seqlen", job.evalSeqlen},
                          {"max_windows", job.evalMaxWindows}}}};
    // Only when given, so that runs made without one keep their configuration.
    if (!job.tokenizer.empty()) j["tokenizer"] = absolutePath(job.tokenizer);
    if (job.method == Method::RoundToNearest) {
        j["quantizer"] = {{"symmetric", job.quantizer.symmetric},
                          {"range", rangeInitName(job.quantizer.range)},
                          {"p", job.quantizer.p}};
        return j.dump();
    }
    j["calibration"] = {{"files", absolutePaths(c.files)},
                        {"generated_documents", job.generatedDocuments},
                        {"seqlen", c.seqlen},
                        {"train_windows", c.trainWindows},
                        {"val_windows", c.valWindows},
                        {"val_fraction", c.valFraction},
                        {"seed", job.seed}};
    if (job.method == Method::LrQat) {
        const auto& l = job.lrQat;
        j["lr_qat"] = {{"rank", l.rank},
                       {"alpha", l.alpha > 0.0 ? l.alpha : static_cast<double>(l.rank)},
                       {"lr", l.lr},
                       {"scale_lr", l.scaleLr},
                       {"weight_decay", l.weightDecay},
                       {"beta1", l.beta1},
                       {"beta2", l.beta2},
                       {"epochs", l.epochs},
                       {"steps", l.steps},
                       {"batch", l.batchSize},
                       {"gradient_accumulation", l.gradientAccumulation},
                       {"warmup_fraction", l.warmupFraction},
                       {"max_grad_norm", l.maxGradNorm},
                       {"phi0", phi0StorageName(l.phi0)},
                       {"bf16_adapters", l.bf16Adapters},
                       {"range", rangeInitName(l.range)},
                       {"p", l.p},
                       {"weight_checkpointing", l.weightCheckpointing},
                       {"seed", job.seed}};
        return j.dump();
    }
    const auto& b = job.blockAp;
    j["block_ap"] = {{"epochs", b.epochs},
                     {"batch", b.batchSize},
                     {"weight_lr", b.weightLrFor(job.spec.bits)},
                     {"quant_lr", b.quantizerLr},
                     {"weight_decay", b.weightDecay},
                     {"final_lr_divisor", b.finalLrDivisor},
                     {"train_norms", b.trainNorms},
                     {"cache_dtype", cacheDTypeName(b.cacheDType)},
                     {"seed", job.seed}};
    if (job.method == Method::EfficientQat) {
        const auto& e = job.e2e;
        j["e2e_qp"] = {{"lr", e2eQpLearningRate(e, job.spec.bits)},
                       {"epochs", e.epochs},
                       {"batch", e.batchSize},
                       {"gradient_accumulation", e.gradientAccumulation},
                       {"warmup_fraction", e.warmupFraction},
                       {"max_grad_norm", e.maxGradNorm},
                       {"weight_decay", e.weightDecay},
                       {"train_zeros", e.trainZeros},
                       {"seed", job.seed}};
    }
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
    if (!j.is_object()) return Status::error(ErrorKind::BadInput, source + ": expected a JSON object of settings");

    std::set<std::string> known;
    std::string error;
    auto take = [&](const std::string& pointer, auto& field) {
        known.insert(pointer);
        if (!error.empty() || keep.count(pointer)) return;
        const nlohmann::json::json_pointer ptr(pointer);
        if (!j.contains(ptr)) return;
        try {
            j.at(ptr).get_to(field);
        } catch (const std::exception& e) {
            error = source + ": field " + pointer.substr(1) + ": " + e.what();
        }
    };
    std::string model = job.model.string(), tokenizer = job.tokenizer.string(), method = methodName(job.method), device = deviceName(job.device),
                dtype = computeDTypeName(job.dtype), cache = cacheDTypeName(job.blockAp.cacheDType),
                rtnRange = rangeInitName(job.quantizer.range), lrRange = rangeInitName(job.lrQat.range),
                phi0 = phi0StorageName(job.lrQat.phi0);
    std::vector<std::string> evalFiles, calibFiles;
    for (const auto& f : job.evalFiles) evalFiles.push_back(f.string());
    for (const auto& f : job.calibration.files) calibFiles.push_back(f.string());
    take("/model", model);
    take("/tokenizer", tokenizer);
    take("/method", method);
    take("/bits", job.spec.bits);
    take("/group", job.spec.groupSize);
    take("/seed", job.seed);
    take("/device", device);
    take("/dtype", dtype);
    take("/threads", job.threads);
    take("/eval/files", evalFiles);
    take("/eval/seqlen", job.evalSeqlen);
    take("/eval/max_windows", job.evalMaxWindows);
    take("/calibration/files", calibFiles);
    take("/calibration/generated_documents", job.generatedDocuments);
    take("/calibration/seqlen", job.calibration.seqlen);
    take("/calibration/train_windows", job.calibration.trainWindows);
    take("/calibration/val_windows", job.calibration.valWindows);
    take("/calibration/val_fraction", job.calibration.valFraction);
    take("/block_ap/epochs", job.blockAp.epochs);
    take("/block_ap/batch", job.blockAp.batchSize);
    take("/block_ap/weight_lr", job.blockAp.weightLr);
    take("/block_ap/quant_lr", job.blockAp.quantizerLr);
    take("/block_ap/weight_decay", job.blockAp.weightDecay);
    take("/block_ap/final_lr_divisor", job.blockAp.finalLrDivisor);
    take("/block_ap/train_norms", job.blockAp.trainNorms);
    take("/block_ap/cache_dtype", cache);
    take("/e2e_qp/lr", job.e2e.lr);
    take("/e2e_qp/epochs", job.e2e.epochs);
    take("/e2e_qp/batch", job.e2e.batchSize);
    take("/e2e_qp/gradient_accumulation", job.e2e.gradientAccumulation);
    take("/e2e_qp/warmup_fraction", job.e2e.warmupFraction);
    take("/e2e_qp/max_grad_norm", job.e2e.maxGradNorm);
    take("/e2e_qp/weight_decay", job.e2e.weightDecay);
    take("/e2e_qp/train_zeros", job.e2e.trainZeros);
    take("/quantizer/symmetric", job.quantizer.symmetric);
    take("/quantizer/range", rtnRange);
    take("/quantizer/p", job.quantizer.p);
    take("/lr_qat/rank", job.lrQat.rank);
    take("/lr_qat/alpha", job.lrQat.alpha);
    take("/lr_qat/lr", job.lrQat.lr);
    take("/lr_qat/scale_lr", job.lrQat.scaleLr);
    take("/lr_qat/weight_decay", job.lrQat.weightDecay);
    take("/lr_qat/beta1", job.lrQat.beta1);
    take("/lr_qat/beta2", job.lrQat.beta2);
    take("/lr_qat/epochs", job.lrQat.epochs);
    take("/lr_qat/steps", job.lrQat.steps);
    take("/lr_qat/batch", job.lrQat.batchSize);
    take("/lr_qat/gradient_accumulation", job.lrQat.gradientAccumulation);
    take("/lr_qat/warmup_fraction", job.lrQat.warmupFraction);
    take("/lr_qat/max_grad_norm", job.lrQat.maxGradNorm);
    take("/lr_qat/phi0", phi0);
    take("/lr_qat/bf16_adapters", job.lrQat.bf16Adapters);
    take("/lr_qat/range", lrRange);
    take("/lr_qat/p", job.lrQat.p);
    take("/lr_qat/weight_checkpointing", job.lrQat.weightCheckpointing);
    // Derived from "seed"; written for the record.
    for (const char* k : {"/calibration/seed", "/block_ap/seed", "/e2e_qp/seed", "/lr_qat/seed"}) known.insert(k);
    if (!error.empty()) return Status::error(ErrorKind::BadInput, error);

    const nlohmann::json flat = j.flatten();
    for (const auto& item : flat.items()) {
        std::string key = item.key();
        // Arrays flatten to /files/0 ...: compare their parent.
        while (!known.count(key) && key.find('/', 1) != std::string::npos &&
               std::all_of(key.begin() + static_cast<std::ptrdiff_t>(key.rfind('/') + 1), key.end(),
                           [](unsigned char c) { return std::isdigit(c) != 0; }))
            key = key.substr(0, key.rfind('/'));
        if (!known.count(key) && key.rfind("/comment", 0) != 0)
            return Status::error(ErrorKind::BadInput, source + ": unknown setting \"" + item.key().substr(1) + "\"");
    }
    const auto m = methodFromName(method);
    if (!m)
        return Status::error(ErrorKind::BadInput,
                             source + ": method \"" + method + "\": expected rtn, block-ap, efficientqat or lr-qat");
    const auto r1 = rangeInitFromName(rtnRange);
    if (!r1) return Status::error(ErrorKind::BadInput, source + ": quantizer.range \"" + rtnRange + "\": expected lp or minmax");
    const auto r2 = rangeInitFromName(lrRange);
    if (!r2) return Status::error(ErrorKind::BadInput, source + ": lr_qat.range \"" + lrRange + "\": expected lp or minmax");
    const auto ph = phi0StorageFromName(phi0);
    if (!ph)
        return Status::error(ErrorKind::BadInput,
                             source + ": lr_qat.phi0 \"" + phi0 + "\": expected int8, bfloat16 or float32");
    job.quantizer.range = *r1;
    job.lrQat.range = *r2;
    job.lrQat.phi0 = *ph;
    const auto c = cacheDTypeFrom(cache);
    if (!c) return Status::error(ErrorKind::BadInput, source + ": block_ap.cache_dtype \"" + cache + "\": expected float16, bfloat16 or float32");
    if (device != "cpu" && device != "cuda") return Status::error(ErrorKind::BadInput, source + ": device \"" + device + "\": expected cpu or cuda");
    if (dtype != "float32" && dtype != "bfloat16") return Status::error(ErrorKind::BadInput, source + ": dtype \"" + dtype + "\": expected float32 or bfloat16");
    job.method = *m;
    job.blockAp.cacheDType = *c;
    job.device = device == "cuda" ? Device::Cuda : Device::Cpu;
    job.dtype = dtype == "bfloat16" ? ComputeDType::BFloat16 : ComputeDType::Float32;
    job.model = model;
    job.tokenizer = tokenizer;
    job.evalFiles.assign(evalFiles.begin(), evalFiles.end());
    job.calibration.files.assign(calibFiles.begin(), calibFiles.end());
    return Status::success();
}

Status checkJob(const QuantizeJob& job) {
    std::error_code ec;
    if (job.model.empty()) return Status::error(ErrorKind::BadInput, "no model: give a model folder");
    if (!std::filesystem::is_directory(job.model, ec))
        return Status::error(ErrorKind::BadInput, job.model.string() + ": not a folder");
    if (job.spec.bits < 2 || job.spec.bits > 8)
        return Status::error(ErrorKind::BadInput, "bits " + std::to_string(job.spec.bits) + ": bits must be between 2 and 8");
    if (job.spec.groupSize < 0)
        return Status::error(ErrorKind::BadInput, "group " + std::to_string(job.spec.groupSize) +
                                                      ": group size must be positive (or 0 for whole rows)");
    const bool needsData = job.method != Method::RoundToNearest;
    if (needsData && job.calibration.files.empty() && job.generatedDocuments == 0)
        return Status::error(ErrorKind::BadInput, std::string(methodName(job.method)) +
                                                      " needs calibration text (or self-generated calibration); rtn needs none");
    if (!job.calibration.files.empty() && job.generatedDocuments > 0)
        return Status::error(ErrorKind::BadInput, "give either calibration files or self-generated calibration, not both");
    for (const auto& f : job.calibration.files)
        if (!std::filesystem::is_regular_file(f, ec)) return Status::error(ErrorKind::BadInput, f.string() + ": no such calibration file");
    for (const auto& f : job.evalFiles)
        if (!std::filesystem::is_regular_file(f, ec)) return Status::error(ErrorKind::BadInput, f.string() + ": no such evaluation file");
    if (job.out.empty()) return Status::error(ErrorKind::BadInput, "no run folder given");
    return Status::success();
}

namespace {

Status runJob(const QuantizeJob& jobIn, ProgressSink* outer, QuantizeJobResult& out) {
    QuantizeJob job = jobIn;
    job.calibration.seed = job.blockAp.seed = job.e2e.seed = job.lrQat.seed = job.seed;
    Status st = checkJob(job);
    if (!st.ok()) return st;

    LoadOptions lo;
    lo.device = job.device;
    lo.dtype = job.dtype;
    lo.tokenizerPath = job.tokenizer;
    lo.threads = job.threads;
    std::unique_ptr<Model> model;
    st = Model::load(job.model, lo, model);
    if (!st.ok()) return st;
    st = validate(job.spec, model->config());
    if (!st.ok()) return st;
    job.evalSeqlen = std::min(job.evalSeqlen, model->config().maxPositionEmbeddings);
    out.evalSeqlen = job.evalSeqlen;

    // Calibration data before the run folder, so that bad text leaves nothing behind.
    CalibrationData data;
    if (job.method != Method::RoundToNearest) {
        if (job.generatedDocuments > 0) {
            GeneratedCalibrationOptions go;
            go.count = job.generatedDocuments;
            go.tokensPerSample = std::min<int64_t>(job.calibration.seqlen, model->config().maxPositionEmbeddings - 1);
            go.seed = job.seed;
            std::vector<std::vector<int64_t>> docs;
            st = generateCalibrationDocuments(*model, go, docs, outer);
            if (st.ok()) st = guarded([&] { data = makeCalibrationWindows(docs, job.calibration, "self-generated"); });
        } else {
            const Tokenizer* tok = model->tokenizer();
            if (!tok)
                return Status::error(ErrorKind::BadInput, job.model.string() + ": no tokenizer.model; give a tokenizer");
            st = guarded([&] { data = loadCalibrationData(*tok, job.calibration); });
        }
        if (!st.ok()) return st;
    }

    RunSpec rs;
    rs.configJson = jobConfigJson(job);
    rs.modelFolder = job.model;
    rs.appVersion = QAT_VERSION;
    rs.resumableFields = {"device", "dtype", "threads", "eval"};
    std::unique_ptr<RunDirectory> run;
    st = RunDirectory::open(job.out, rs, run);
    if (!st.ok()) return st;
    out.runFolder = run->folder();
    out.resumed = run->resumed();

    std::unique_ptr<MetricsWriter> metrics;
    st = guarded([&] { metrics = std::make_unique<MetricsWriter>(run->metricsPath()); });
    if (!st.ok()) return st;
    std::vector<ProgressSink*> sinks{metrics.get()};
    if (outer) sinks.push_back(outer);
    MultiSink sink(sinks);

    sink.onRunStarted(RunStarted{run->resumed()});
    if (run->resumed()) {
        const auto last = run->lastFinishedBlock();
        sink.onLog("resuming " + run->folder().string() + ": " +
                   (last ? std::to_string(*last + 1) + " block(s) done" : std::string("no block done yet")) +
                   (run->hasE2eCheckpoint() ? ", E2E-QP checkpoint present" : ""));
    }
    if (job.method != Method::RoundToNearest) {
        sink.onLog("calibration: " + std::to_string(data.train.size()) + " training and " +
                   std::to_string(data.val.size()) + " validation windows of " + std::to_string(data.seqlen) +
                   " tokens from " + data.source);
        if (job.method == Method::BlockAp || job.method == Method::EfficientQat) {
            const int64_t cache = blockApCacheBytes(job.blockAp, static_cast<int64_t>(data.train.size() + data.val.size()),
                                                    data.seqlen, model->config().hiddenSize);
            sink.onLog("Block-AP activation caches: " + std::to_string((cache + (1 << 20) - 1) >> 20) + " MiB of " +
                       cacheDTypeName(job.blockAp.cacheDType) +
                       (job.blockAp.cacheDir.empty() ? std::string(" in memory")
                                                     : " in files under " + job.blockAp.cacheDir.string()));
        }
    }

    PerplexityOptions po;
    po.seqlen = job.evalSeqlen;
    po.maxWindows = job.evalMaxWindows;
    auto evaluate = [&](const std::string& stage) -> Status {
        if (job.evalFiles.empty()) return Status::success();
        sink.onLog("evaluation: " + stage);
        StageResult s{stage, {}, {}};
        for (const auto& file : job.evalFiles) {
            PerplexityResult r;
            Status e = evaluatePerplexity(*model, file, po, r, &sink);
            if (!e.ok()) return e;
            sink.onEvalResult(EvalResult{file.filename().string(), r.perplexity, r.windows, po.seqlen, stage});
            s.perplexity.push_back(r.perplexity);
            s.windows.push_back(r.windows);
        }
        out.stages.push_back(std::move(s));
        return Status::success();
    };
    const std::map<std::string, std::string> stateMeta = {{"method", methodName(job.method)}, {"qat_studio", QAT_VERSION}};

    st = evaluate("fp");
    if (st.ok()) {
        if (job.method == Method::RoundToNearest) {
            sink.onPhase(PhaseChanged{Phase::RoundToNearest, 0, 1});
            st = quantizeRoundToNearest(*model, job.spec, job.quantizer, &sink);
            if (st.ok()) st = saveQuantizedState(*model, run->quantizedStatePath(), stateMeta);
            if (st.ok()) st = evaluate("rtn");
        } else if (job.method == Method::LrQat) {
            st = runLrQat(*model, job.spec, job.lrQat, data, &sink, out.lrQat, run.get());
            if (st.ok()) st = saveQuantizedState(*model, run->quantizedStatePath(), stateMeta);
            if (st.ok()) st = evaluate("lr-qat");
        } else {
            BlockApOptions bo = job.blockAp;
            bo.phaseCount = job.method == Method::EfficientQat ? 2 : 1;
            st = runBlockAp(*model, job.spec, bo, data, &sink, out.blockAp, run.get());
            if (st.ok() && job.method == Method::BlockAp) st = saveQuantizedState(*model, run->quantizedStatePath(), stateMeta);
            if (st.ok()) st = evaluate("block-ap");
            if (st.ok() && job.method == Method::EfficientQat) {
                E2eQpOptions eo = job.e2e;
                eo.phaseIndex = 1;
                eo.phaseCount = 2;
                st = runE2eQp(*model, job.spec, eo, data, &sink, out.e2e, run.get());
                if (st.ok()) st = saveQuantizedState(*model, run->quantizedStatePath(), stateMeta);
                if (st.ok()) st = evaluate("block-ap+e2e-qp");
            }
        }
    }

    // eval.json holds whatever was measured, also after a failure.
    std::vector<std::string> names;
    for (const auto& f : job.evalFiles) names.push_back(f.filename().string());
    nlohmann::json ej = {{"seqlen", po.seqlen}, {"max_windows", po.maxWindows}, {"files", absolutePaths(job.evalFiles)}};
    nlohmann::json js = nlohmann::json::array();
    for (const auto& s : out.stages) {
        nlohmann::json results = nlohmann::json::object();
        for (size_t i = 0; i < s.perplexity.size(); ++i)
            results[names[i]] = {{"perplexity", s.perplexity[i]}, {"windows", s.windows[i]}};
        js.push_back({{"stage", s.stage}, {"results", results}});
    }
    ej["stages"] = js;
    const Status we = guarded([&] { run->writeEvalJson(ej.dump(2) + "\n"); });
    const Status& ended = st.ok() ? we : st;
    sink.onRunEnded(RunEnded{ended.kind, ended.message});
    if (!st.ok()) return st;
    if (!we.ok()) return we;
    const std::string metricsError = metrics->error();
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
