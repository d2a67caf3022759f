// SPDX-License-Identifier: GPL-3.0-or-later
// Exporting runs (GPTQ v2 packed, dequantized) and loading packed models back: perplexity of
// the reloaded export against the in-memory quantized model, which layers are packed, shards,
// the destination rules, GPTQ v1 zero points, and clear errors for corrupt packed files.
#include "CliProcess.h"
#include "TestPaths.h"

#include "formats/SafeTensorsFile.h"
#include "model/ModelImpl.h"
#include "quant/PackedLinear.h"

#include "qat/Evaluation.h"
#include "qat/Export.h"
#include "qat/Model.h"
#include "qat/QuantizeJob.h"

#include <nlohmann/json.hpp>

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <fstream>
#include <sstream>

using namespace qat;
namespace fs = std::filesystem;

namespace {

fs::path toPath(const QString& s) {
    return fs::path(s.toStdString());
}

std::string readText(const fs::path& file) {
    std::ifstream in(file);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

void writeText(const fs::path& file, const std::string& text) {
    std::ofstream out(file, std::ios::trunc);
    out << text;
}

// Copies a folder's plain files (exports have no subfolders).
void copyFolder(const fs::path& from, const fs::path& to) {
    fs::create_directories(to);
    for (const auto& e : fs::directory_iterator(from))
        if (e.is_regular_file()) fs::copy_file(e.path(), to / e.path().filename());
}

using Named = std::vector<std::pair<std::string, torch::Tensor>>;

Named readTensors(const fs::path& file) {
    SafeTensorsFile f(file);
    Named out;
    for (const auto& t : f.header().tensors)
        out.emplace_back(t.name, f.loadRaw(t.name));
    return out;
}

torch::Tensor& tensorIn(Named& tensors, const std::string& name) {
    for (auto& [n, t] : tensors)
        if (n == name) return t;
    throw std::runtime_error("no tensor " + name);
}

// Records an export's progress and cancels it once `cancelAt` has been reported (done 0 with
// Converting: before anything).
class RecordingSink : public ExportSink {
public:
    RecordingSink(ExportProgress::Step step, int64_t done)
        : m_step(step), m_done(done), m_cancel(done == 0) {}
    void onExportProgress(const ExportProgress& p) override {
        events.push_back(p);
        if (p.step == m_step && p.done == m_done) m_cancel = true;
    }
    bool isCancelled() const override { return m_cancel; }
    std::vector<ExportProgress> events;

private:
    ExportProgress::Step m_step;
    int64_t m_done;
    bool m_cancel;
};

} // namespace

class TestExport : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_tmp;
    fs::path m_stories;
    fs::path m_random; // every dimension a multiple of 128
    fs::path m_evalText;
    std::map<std::string, fs::path> m_runs;

    // A round-to-nearest run of `model` (made once per label).
    fs::path rtnRun(const fs::path& model, int bits, int64_t group, const std::string& label) {
        auto it = m_runs.find(label);
        if (it != m_runs.end()) return it->second;
        QuantizeJob job;
        job.model = model;
        job.method = Method::RoundToNearest;
        job.spec = QuantSpec{bits, group};
        job.out = toPath(m_tmp.filePath(QString::fromStdString("run-" + label)));
        QuantizeJobResult result;
        const Status st = runQuantizeJob(job, nullptr, result);
        if (!st.ok()) qFatal("RTN run %s failed: %s", label.c_str(), st.message.c_str());
        m_runs[label] = job.out;
        return job.out;
    }

    double perplexity(Model& model) {
        PerplexityOptions o;
        o.seqlen = 256;
        o.maxWindows = 12;
        PerplexityResult r;
        const Status st = evaluatePerplexity(model, m_evalText, o, r);
        if (!st.ok()) qFatal("perplexity failed: %s", st.message.c_str());
        return r.perplexity;
    }

    double inMemoryPerplexity(const fs::path& model, const fs::path& run) {
        std::unique_ptr<Model> m;
        Status st = Model::load(model, {}, m);
        if (st.ok()) st = loadQuantizedState(*m, run / "quantized.safetensors");
        if (!st.ok()) qFatal("loading %s failed: %s", run.c_str(), st.message.c_str());
        return perplexity(*m);
    }

    double folderPerplexity(const fs::path& folder) {
        std::unique_ptr<Model> m;
        const Status st = Model::load(folder, {}, m);
        if (!st.ok()) qFatal("loading the export %s failed: %s", folder.c_str(), st.message.c_str());
        return perplexity(*m);
    }

    ExportReport exportTo(const fs::path& run, const fs::path& out, ExportFormat format,
                          const std::string& dtype, uint64_t maxShard = 5'000'000'000ull) {
        ExportOptions o;
        o.format = format;
        o.out = out;
        o.dtype = dtype;
        o.maxShardBytes = maxShard;
        ExportReport r;
        const Status st = exportRun(run, o, r);
        if (!st.ok()) qFatal("export of %s failed: %s", run.c_str(), st.message.c_str());
        return r;
    }

    void writeRandomModel(const fs::path& dir) {
        fs::create_directories(dir);
        const int64_t hidden = 256, inter = 512, vocab = 512, layers = 2;
        nlohmann::json config = {{"architectures", {"LlamaForCausalLM"}},
                                 {"model_type", "llama"},
                                 {"hidden_size", hidden},
                                 {"intermediate_size", inter},
                                 {"num_hidden_layers", layers},
                                 {"num_attention_heads", 4},
                                 {"num_key_value_heads", 4},
                                 {"vocab_size", vocab},
                                 {"max_position_embeddings", 512},
                                 {"rms_norm_eps", 1e-5},
                                 {"tie_word_embeddings", false},
                                 {"torch_dtype", "float32"}};
        writeText(dir / "config.json", config.dump(2));
        torch::manual_seed(7);
        auto normal = [](int64_t a, int64_t b) { return torch::randn({a, b}) * 0.05; };
        Named t = {{"model.embed_tokens.weight", normal(vocab, hidden)}};
        for (int64_t l = 0; l < layers; ++l) {
            const std::string p = "model.layers." + std::to_string(l) + ".";
            t.emplace_back(p + "input_layernorm.weight", torch::ones({hidden}));
            for (const char* s :
                 {"self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj"})
                t.emplace_back(p + s + ".weight", normal(hidden, hidden));
            t.emplace_back(p + "post_attention_layernorm.weight", torch::ones({hidden}));
            t.emplace_back(p + "mlp.gate_proj.weight", normal(inter, hidden));
            t.emplace_back(p + "mlp.up_proj.weight", normal(inter, hidden));
            t.emplace_back(p + "mlp.down_proj.weight", normal(hidden, inter));
        }
        t.emplace_back("model.norm.weight", torch::ones({hidden}));
        t.emplace_back("lm_head.weight", normal(vocab, hidden));
        writeSafeTensors(dir / "model.safetensors", t);
        fs::copy_file(m_stories / "tokenizer.model", dir / "tokenizer.model");
    }

    // A copy of the random W4g64 export, changed by `mutate`, and the load's status.
    Status loadMutated(const std::string& name, const std::function<void(Named&, nlohmann::json&)>& mutate) {
        const fs::path base = toPath(m_tmp.filePath("corrupt-base"));
        if (!fs::exists(base))
            exportTo(rtnRun(m_random, 4, 64, "random-w4g64"), base, ExportFormat::Gptq, "float32");
        const fs::path dir = toPath(m_tmp.filePath(QString::fromStdString("corrupt-" + name)));
        copyFolder(base, dir);
        Named tensors = readTensors(dir / "model.safetensors");
        nlohmann::json config = nlohmann::json::parse(readText(dir / "config.json"));
        mutate(tensors, config);
        fs::remove(dir / "model.safetensors");
        writeSafeTensors(dir / "model.safetensors", tensors);
        writeText(dir / "config.json", config.dump(2));
        std::unique_ptr<Model> m;
        return Model::load(dir, {}, m);
    }

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(m_tmp.isValid());
        m_stories = toPath(test::sharedPath("models/stories260K"));
        m_evalText = toPath(test::sharedPath("data/tinystories-gen/eval.txt"));
        QVERIFY(fs::exists(m_stories / "config.json"));
        m_random = toPath(m_tmp.filePath("random-128"));
        writeRandomModel(m_random);
    }

    // Reloaded exports compute what the run computes: GPTQ within 0.1% (the float16 scales, and
    // float16 embeddings / norms / dense layers where dtype is float16), fake float32 exactly.
    void roundTrip_data() {
        QTest::addColumn<QString>("model");
        QTest::addColumn<int>("bits");
        QTest::addColumn<int>("group");
        QTest::addColumn<QString>("dtype");
        QTest::addColumn<int>("packed");
        QTest::newRow("stories W2g64") << "stories" << 2 << 64 << "float32" << 20;
        QTest::newRow("stories W3g64") << "stories" << 3 << 64 << "float32" << 20;
        QTest::newRow("stories W4g64") << "stories" << 4 << 64 << "float32" << 20;
        QTest::newRow("stories W2g64 float16") << "stories" << 2 << 64 << "float16" << 20;
        QTest::newRow("stories W4g64 bfloat16") << "stories" << 4 << 64 << "bfloat16" << 20;
        QTest::newRow("random W2g64") << "random" << 2 << 64 << "float32" << 14;
        QTest::newRow("random W3g64") << "random" << 3 << 64 << "float32" << 14;
        QTest::newRow("random W4g64") << "random" << 4 << 64 << "float32" << 14;
        QTest::newRow("random W3g128 float16") << "random" << 3 << 128 << "float16" << 14;
        QTest::newRow("random W8 per channel") << "random" << 8 << 0 << "float32" << 14;
    }

    void roundTrip() {
        QFETCH(QString, model);
        QFETCH(int, bits);
        QFETCH(int, group);
        QFETCH(QString, dtype);
        QFETCH(int, packed);
        const fs::path source = model == "stories" ? m_stories : m_random;
        const std::string label =
            model.toStdString() + "-w" + std::to_string(bits) + "g" + std::to_string(group);
        const fs::path run = rtnRun(source, bits, group, label);
        const fs::path out =
            toPath(m_tmp.filePath(QString::fromStdString("export-" + label + "-" + dtype.toStdString())));
        const ExportReport report = exportTo(run, out, ExportFormat::Gptq, dtype.toStdString());
        QCOMPARE(report.packedLayers(), packed);
        QCOMPARE(static_cast<int>(report.layers.size()), model == "stories" ? 35 : 14);
        for (const auto& l : report.layers) {
            const bool mlp = l.name.find(".mlp.") != std::string::npos;
            if (model == "stories") QCOMPARE(l.packed, !mlp); // the 172-wide MLP cannot be packed
            if (!l.packed) QVERIFY2(l.reason.find("172") != std::string::npos, l.reason.c_str());
        }
        QVERIFY(fs::exists(out / "tokenizer.model"));
        QVERIFY(fs::exists(out / "qat_studio.json"));
        const auto config = nlohmann::json::parse(readText(out / "config.json"));
        QCOMPARE(config["quantization_config"]["bits"].get<int>(), bits);
        QCOMPARE(config["quantization_config"]["group_size"].get<int>(), group == 0 ? -1 : group);
        QCOMPARE(config["quantization_config"]["checkpoint_format"].get<std::string>(),
                 std::string("gptq_v2"));
        QCOMPARE(config["torch_dtype"].get<std::string>(), dtype.toStdString());
        const size_t excluded =
            config["quantization_config"].value("dynamic", nlohmann::json::object()).size();
        QCOMPARE(static_cast<int>(excluded), static_cast<int>(report.layers.size()) - packed);

        // The packed layers run on the packed kernels.
        std::unique_ptr<Model> loaded;
        QVERIFY(Model::load(out, {}, loaded).ok());
        auto q = std::dynamic_pointer_cast<PackedLinear>(
            loaded->impl().llama->block(0)->linear(names::LinearSlot::Q));
        QVERIFY(q != nullptr);
        QCOMPARE(q->bits(), bits);
        {
            // The layer prepares its packed weight once, and again when its buffers change.
            torch::NoGradGuard noGrad;
            const torch::Tensor x = torch::randn({3, q->inFeatures()});
            const torch::Tensor y0 = q->forward(x);
            QVERIFY(torch::equal(q->forward(x), y0));
            q->scales.mul_(2.0); // exact in every scale dtype
            QVERIFY(torch::equal(q->forward(x), 2.0 * y0));
            q->scales.div_(2.0);
            QVERIFY(torch::equal(q->forward(x), y0));
        }
        std::unique_ptr<Model> fp;
        QVERIFY(Model::load(source, {}, fp).ok());
        QCOMPARE(loaded->parameterCount(), fp->parameterCount());

        const double reference = inMemoryPerplexity(source, run);
        const double exported = perplexity(*loaded);
        qInfo("%s %s: in memory %.6f, exported %.6f (%+.4f%%)", label.c_str(), qPrintable(dtype), reference,
              exported, 100.0 * (exported / reference - 1.0));
        QVERIFY2(std::abs(exported / reference - 1.0) < 1e-3,
                 "the exported model's perplexity differs by 0.1% or more");
    }

    void fakeFloat32IsExact() {
        const fs::path run = rtnRun(m_stories, 3, 64, "stories-w3g64");
        const fs::path out = toPath(m_tmp.filePath("fake-w3g64"));
        const ExportReport report = exportTo(run, out, ExportFormat::Fake, "float32");
        QCOMPARE(report.packedLayers(), 0);
        const auto config = nlohmann::json::parse(readText(out / "config.json"));
        QVERIFY(!config.contains("quantization_config"));
        QCOMPARE(folderPerplexity(out), inMemoryPerplexity(m_stories, run));
        // float16 weights: within 0.1% too.
        const fs::path half = toPath(m_tmp.filePath("fake-w3g64-f16"));
        exportTo(run, half, ExportFormat::Fake, "float16");
        QVERIFY(std::abs(folderPerplexity(half) / inMemoryPerplexity(m_stories, run) - 1.0) < 1e-3);
    }

    void shardedExportLoadsTheSame() {
        const fs::path run = rtnRun(m_random, 4, 64, "random-w4g64");
        const fs::path single = toPath(m_tmp.filePath("shard-single"));
        const fs::path sharded = toPath(m_tmp.filePath("shard-many"));
        QCOMPARE(exportTo(run, single, ExportFormat::Gptq, "float32").shards, 1);
        const ExportReport r = exportTo(run, sharded, ExportFormat::Gptq, "float32", 400'000);
        QVERIFY2(r.shards > 2, std::to_string(r.shards).c_str());
        QVERIFY(!fs::exists(sharded / "model.safetensors"));
        QVERIFY(fs::exists(sharded / "model.safetensors.index.json"));
        QVERIFY(fs::exists(sharded / ("model-00001-of-0000" + std::to_string(r.shards) + ".safetensors")));
        const auto index = nlohmann::json::parse(readText(sharded / "model.safetensors.index.json"));
        QVERIFY(index["weight_map"].contains("model.layers.1.mlp.down_proj.qweight"));
        QCOMPARE(folderPerplexity(sharded), folderPerplexity(single));
    }

    void destinationRules() {
        const fs::path run = rtnRun(m_random, 4, 64, "random-w4g64");
        const fs::path out = toPath(m_tmp.filePath("dest/model"));
        fs::create_directories(out);
        writeText(out / "keep.txt", "mine");
        ExportOptions o;
        o.out = out;
        ExportReport r;
        Status st = exportRun(run, o, r);
        QCOMPARE(st.kind, ErrorKind::BadInput);
        QVERIFY2(st.message.find("already exists") != std::string::npos, st.message.c_str());
        QVERIFY(fs::exists(out / "keep.txt"));
        o.overwrite = true;
        QVERIFY(exportRun(run, o, r).ok());
        QVERIFY(!fs::exists(out / "keep.txt"));
        QVERIFY(fs::exists(out / "config.json"));
        // Nothing temporary is left beside it.
        int entries = 0;
        for (const auto& e : fs::directory_iterator(out.parent_path())) {
            ++entries;
            QCOMPARE(e.path().filename().string(), std::string("model"));
        }
        QCOMPARE(entries, 1);
        // The default destination is RUN/model.
        ExportOptions d;
        QVERIFY(exportRun(run, d, r).ok());
        QVERIFY(fs::exists(run / "model" / "config.json"));
        // An unfinished run (no quantized.safetensors) is refused.
        const fs::path unfinished = toPath(m_tmp.filePath("unfinished"));
        copyFolder(run, unfinished); // run.json, metrics, state; subfolders are skipped
        fs::remove(unfinished / "quantized.safetensors");
        st = exportRun(unfinished, ExportOptions{}, r);
        QCOMPARE(st.kind, ErrorKind::BadInput);
        QVERIFY2(st.message.find("has not finished") != std::string::npos, st.message.c_str());
    }

    // Progress: every linear converted, then every tensor file written, in order. A cancel at any
    // point ends the export as cancelled with nothing at the destination and nothing beside it.
    void progressAndCancel_data() {
        QTest::addColumn<int>("step");
        QTest::addColumn<int>("cancelAt"); // -1: no cancel
        QTest::newRow("no cancel") << int(ExportProgress::Step::Writing) << -1;
        QTest::newRow("before the first linear") << int(ExportProgress::Step::Converting) << 0;
        QTest::newRow("after the third linear") << int(ExportProgress::Step::Converting) << 3;
        QTest::newRow("after the first shard") << int(ExportProgress::Step::Writing) << 1;
        QTest::newRow("after the last shard") << int(ExportProgress::Step::Writing) << 1000;
    }

    void progressAndCancel() {
        QFETCH(int, step);
        QFETCH(int, cancelAt);
        const fs::path run = rtnRun(m_random, 4, 64, "random-w4g64");
        const fs::path parent = toPath(
            m_tmp.filePath(QStringLiteral("cancel-%1").arg(QTest::currentDataTag()).replace(' ', '-')));
        const fs::path out = parent / "model";
        ExportOptions o;
        o.out = out;
        o.maxShardBytes = 400'000;
        ExportReport r;
        // "after the last shard": the shard count comes from an export that is not cancelled.
        ExportOptions whole = o;
        whole.out = parent / "full";
        RecordingSink full(ExportProgress::Step::Writing, -1);
        QVERIFY(exportRun(run, whole, r, &full).ok());
        const int64_t shards = r.shards;
        QVERIFY(shards > 2);
        const int64_t at = cancelAt == 1000 ? shards : cancelAt;
        RecordingSink sink(static_cast<ExportProgress::Step>(step), at);
        const Status st = exportRun(run, o, r, &sink);
        if (cancelAt < 0) {
            QVERIFY2(st.ok(), st.message.c_str());
            QVERIFY(fs::exists(out / "config.json"));
        } else {
            QCOMPARE(st.kind, ErrorKind::Cancelled);
            QVERIFY(!fs::exists(out));
            QVERIFY(fs::exists(parent / "full"));
            for (const auto& e : fs::directory_iterator(parent))
                QCOMPARE(e.path().filename().string(), std::string("full")); // no temporary folder left
        }
        // What was reported: linears 1..n of n, then files 1..k of `shards`, nothing after a cancel.
        int64_t converted = 0, written = 0;
        for (const ExportProgress& p : sink.events) {
            if (p.step == ExportProgress::Step::Converting) {
                QCOMPARE(written, int64_t(0));
                QCOMPARE(p.done, ++converted);
                QCOMPARE(p.total, int64_t(14));
                QVERIFY(p.item.rfind("model.layers.", 0) == 0);
            } else {
                QCOMPARE(p.done, ++written);
                QCOMPARE(p.total, shards);
                QVERIFY(p.item.find(".safetensors") != std::string::npos);
            }
        }
        const bool convertingCancel = cancelAt >= 0 && step == int(ExportProgress::Step::Converting);
        QCOMPARE(converted, convertingCancel ? int64_t(cancelAt) : int64_t(14));
        QCOMPARE(written, convertingCancel ? int64_t(0) : cancelAt < 0 ? shards : at);
    }

    // GPTQ v1 checkpoints store z - 1; loading converts them to the same model.
    void gptqV1ZeroPoints() {
        const fs::path run = rtnRun(m_random, 4, 64, "random-w4g64");
        const fs::path v2 = toPath(m_tmp.filePath("v1-base"));
        exportTo(run, v2, ExportFormat::Gptq, "float32");
        const fs::path v1 = toPath(m_tmp.filePath("v1"));
        copyFolder(v2, v1);
        Named tensors = readTensors(v1 / "model.safetensors");
        for (auto& [name, t] : tensors) {
            if (name.size() < 7 || name.compare(name.size() - 7, 7, ".qzeros") != 0) continue;
            // Unpack 8 four-bit values per word, subtract one (wrapping), pack again.
            auto words = t.to(torch::kInt64).bitwise_and(0xFFFFFFFFLL);
            torch::Tensor repacked = torch::zeros_like(words);
            for (int k = 0; k < 8; ++k) {
                auto v = words.bitwise_right_shift(4 * k).bitwise_and(0xF);
                v = (v - 1).bitwise_and(0xF);
                repacked = repacked.bitwise_or(v.bitwise_left_shift(4 * k));
            }
            t = repacked.to(torch::kInt32);
        }
        fs::remove(v1 / "model.safetensors");
        writeSafeTensors(v1 / "model.safetensors", tensors);
        auto config = nlohmann::json::parse(readText(v1 / "config.json"));
        config["quantization_config"]["checkpoint_format"] = "gptq";
        writeText(v1 / "config.json", config.dump(2));
        QCOMPARE(folderPerplexity(v1), folderPerplexity(v2));
    }

    void corruptPackedFiles_data() {
        QTest::addColumn<QString>("mutation");
        QTest::addColumn<int>("kind");
        QTest::addColumn<QStringList>("mentions");
        const int bad = static_cast<int>(ErrorKind::BadInput),
                  unsupported = static_cast<int>(ErrorKind::Unsupported);
        QTest::newRow("qzeros missing")
            << "drop-qzeros" << bad << QStringList{"model.layers.0.self_attn.q_proj.qzeros", "missing"};
        QTest::newRow("bits not the file's")
            << "bits-2" << bad << QStringList{"model.layers.0.self_attn.", ".qweight", "shape", "for 2 bits"};
        QTest::newRow("qweight shape")
            << "short-qweight" << bad
            << QStringList{"model.layers.1.mlp.up_proj.qweight", "shape", "(31, 512)"};
        QTest::newRow("scales dtype")
            << "int-scales" << bad << QStringList{"model.layers.0.mlp.down_proj.scales", "dtype I32"};
        QTest::newRow("bits 5") << "bits-5" << unsupported << QStringList{"quantization_config.bits", "5"};
        QTest::newRow("not gptq") << "awq" << unsupported
                                  << QStringList{"quantization_config.quant_method", "awq"};
        QTest::newRow("act order") << "permuted-g_idx" << unsupported
                                   << QStringList{"model.layers.0.self_attn.k_proj.g_idx", "act-order"};
        QTest::newRow("no quantization_config")
            << "no-config" << bad << QStringList{".qweight", "no quantization_config"};
        QTest::newRow("group size") << "group-100" << bad
                                    << QStringList{"multiple of the group size", "group 100"};
    }

    void corruptPackedFiles() {
        QFETCH(QString, mutation);
        QFETCH(int, kind);
        QFETCH(QStringList, mentions);
        const std::string m = mutation.toStdString();
        const Status st = loadMutated(m, [&](Named& t, nlohmann::json& config) {
            auto& qc = config["quantization_config"];
            if (m == "drop-qzeros") {
                t.erase(std::remove_if(t.begin(), t.end(),
                                       [](const auto& e) {
                                           return e.first == "model.layers.0.self_attn.q_proj.qzeros";
                                       }),
                        t.end());
            } else if (m == "bits-2") {
                qc["bits"] = 2;
            } else if (m == "short-qweight") {
                auto& w = tensorIn(t, "model.layers.1.mlp.up_proj.qweight");
                w = w.slice(0, 0, w.size(0) - 1).contiguous();
            } else if (m == "int-scales") {
                auto& s = tensorIn(t, "model.layers.0.mlp.down_proj.scales");
                s = s.to(torch::kInt32);
            } else if (m == "bits-5") {
                qc["bits"] = 5;
            } else if (m == "awq") {
                qc["quant_method"] = "awq";
            } else if (m == "permuted-g_idx") {
                auto& g = tensorIn(t, "model.layers.0.self_attn.k_proj.g_idx");
                g = g.flip(0).contiguous();
            } else if (m == "no-config") {
                config.erase("quantization_config");
            } else if (m == "group-100") {
                qc["group_size"] = 100;
            }
        });
        QVERIFY(!st.ok());
        QCOMPARE(static_cast<int>(st.kind), kind);
        for (const QString& s : mentions)
            QVERIFY2(st.message.find(s.toStdString()) != std::string::npos, st.message.c_str());
    }

    // A model folder without tokenizer.model, quantized with --tokenizer: run.json records the
    // tokenizer, so that eval --run, generate --run and the export (which ships it) use it.
    void runWithSeparateTokenizer() {
        const fs::path bare = toPath(m_tmp.filePath("stories-no-tokenizer"));
        fs::create_directories(bare);
        for (const char* f : {"config.json", "model.safetensors"})
            fs::copy_file(m_stories / f, bare / f);
        const QString tokenizer = QString::fromStdString((m_stories / "tokenizer.model").string());
        const QString run = m_tmp.filePath("run-separate-tokenizer");
        const QString evalText = QString::fromStdString(m_evalText.string());
        auto r = test::runCli({"quantize",
                               "-m",
                               QString::fromStdString(bare.string()),
                               "--tokenizer",
                               tokenizer,
                               "--method",
                               "rtn",
                               "--bits",
                               "4",
                               "--group",
                               "64",
                               "--eval",
                               evalText,
                               "--eval-seqlen",
                               "128",
                               "--eval-max-windows",
                               "4",
                               "--threads",
                               "1",
                               "--out",
                               run});
        QVERIFY2(r.code == 0, qPrintable(r.err + r.out));
        const nlohmann::json runJson = nlohmann::json::parse(readText(toPath(run) / "run.json"));
        QCOMPARE(runJson.at("config").at("tokenizer").get<std::string>(),
                 fs::absolute(m_stories / "tokenizer.model").lexically_normal().string());
        const nlohmann::json evalJson = nlohmann::json::parse(readText(toPath(run) / "eval.json"));
        const double rtn =
            evalJson.at("stages").at(1).at("results").at("eval.txt").at("perplexity").get<double>();

        // The run's own model and tokenizer, without --tokenizer.
        r = test::runCli({"eval", "--run", run, "--data", evalText, "--seqlen", "128", "--max-windows", "4",
                          "--threads", "1", "--json"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(std::abs(nlohmann::json::parse(r.out.toStdString()).at("perplexity").get<double>() - rtn) <
                     1e-6 * rtn,
                 qPrintable(r.out));
        r = test::runCli(
            {"generate", "--run", run, "--prompt", "Once upon a time", "-n", "8", "--threads", "1"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(r.out.startsWith("Once upon a time"), qPrintable(r.out));

        // The export carries the tokenizer and computes what the run computes.
        const QString out = m_tmp.filePath("separate-tokenizer-export");
        r = test::runCli({"export", "--run", run, "--out", out});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY(QFile::exists(out + "/tokenizer.model"));
        r = test::runCli({"eval", "--model", out, "--data", evalText, "--seqlen", "128", "--max-windows", "4",
                          "--threads", "1", "--json"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const double exported = nlohmann::json::parse(r.out.toStdString()).at("perplexity").get<double>();
        QVERIFY2(std::abs(exported - rtn) < 5e-3 * rtn,
                 qPrintable(QString("export %1, run %2").arg(exported).arg(rtn)));
    }

    void cli() {
        const fs::path run = rtnRun(m_stories, 2, 64, "stories-w2g64");
        const QString out = m_tmp.filePath("cli-export");
        auto r = test::runCli({"export", "--run", QString::fromStdString(run.string()), "--out", out});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains("packed layers: 20 of 35"), qPrintable(r.out));
        QVERIFY2(r.out.contains("its input size 172 is not a multiple of the group size 64"),
                 qPrintable(r.out));
        QVERIFY(r.out.contains("model.safetensors"));
        r = test::runCli({"export", "--run", QString::fromStdString(run.string()), "--out", out});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("already exists"), qPrintable(r.err));
        r = test::runCli({"eval", "--model", out, "--data", QString::fromStdString(m_evalText.string()),
                          "--seqlen", "128", "--max-windows", "4", "--json"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY(r.out.contains("\"perplexity\""));
        r = test::runCli({"generate", "--model", out, "--prompt", "Once upon a time", "-n", "8"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        r = test::runCli({"quantize", "--model", out, "--method", "rtn", "--bits", "4", "--out",
                          m_tmp.filePath("requant")});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("already quantized"), qPrintable(r.err));
        r = test::runCli({"export", "--run", QString::fromStdString(run.string()), "--out",
                          m_tmp.filePath("x"), "--max-shard-size", "lots"});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("--max-shard-size"), qPrintable(r.err));
    }
};

QTEST_GUILESS_MAIN(TestExport)
#include "TestExport.moc"
