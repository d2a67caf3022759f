// SPDX-License-Identifier: GPL-3.0-or-later
#include "export/GgufExport.h"

#include "export/ExportWalk.h"
#include "formats/GgmlBlocks.h"
#include "formats/GgufFile.h"
#include "formats/GgufLlama.h"
#include "formats/GgufTokenizer.h"
#include "model/Layers.h"
#include "model/ModelImpl.h"
#include "model/TensorNames.h"
#include "qat/Evaluation.h"
#include "qat/Version.h"

#include <cmath>
#include <cstring>
#include <map>
#include <memory>
#include <vector>

namespace qat {

namespace {

namespace fs = std::filesystem;
using gguf::GgmlType;

// The types --gguf-type accepts besides "auto", and --gguf-embeddings.
constexpr GgmlType kLinearTypes[] = {GgmlType::Q4_1, GgmlType::Q4_0, GgmlType::Q8_0,
                                     GgmlType::Q2_K, GgmlType::Q3_K, GgmlType::Q4_K};
constexpr GgmlType kEmbeddingTypes[] = {GgmlType::F16, GgmlType::Q8_0, GgmlType::F32};

template <size_t N> std::vector<std::string> typeNames(const GgmlType (&types)[N]) {
    std::vector<std::string> names;
    for (GgmlType t : types)
        names.push_back(gguf::ggmlType(t).name);
    return names;
}

std::string joined(const std::vector<std::string>& names) {
    std::string out;
    for (const auto& n : names)
        out += (out.empty() ? "" : ", ") + n;
    return out;
}

template <size_t N>
const gguf::GgmlTypeInfo* typeFrom(const std::string& name, const GgmlType (&allowed)[N]) {
    const gguf::GgmlTypeInfo* t = gguf::findGgmlType(name);
    if (!t) return nullptr;
    for (GgmlType a : allowed)
        if (a == t->type) return t;
    return nullptr;
}

bool isKQuant(GgmlType t) {
    return t == GgmlType::Q2_K || t == GgmlType::Q3_K || t == GgmlType::Q4_K;
}

// The k-quant of a run's width.
GgmlType kQuantFor(int bits) {
    return bits <= 2 ? GgmlType::Q2_K : bits == 3 ? GgmlType::Q3_K : GgmlType::Q4_K;
}

// A whole tensor's bytes, encoded before the file is written.
using Bytes = std::shared_ptr<std::vector<uint8_t>>;

// The row-major (rows, n) float32 values of `t` (CPU, contiguous).
torch::Tensor floatRows(const torch::Tensor& t) {
    return t.detach().to(torch::kCPU, torch::kFloat32).contiguous();
}

Bytes encodeFloat(const torch::Tensor& rows, GgmlType type) {
    const int64_t n = rows.size(-1), count = rows.numel() / n;
    const uint64_t rowBytes = gguf::ggmlRowBytes(type, n);
    auto out = std::make_shared<std::vector<uint8_t>>(rowBytes * static_cast<uint64_t>(count));
    const float* src = rows.data_ptr<float>();
    for (int64_t r = 0; r < count; ++r)
        gguf::encodeFloatRow(type, src + r * n, out->data() + static_cast<uint64_t>(r) * rowBytes, n);
    return out;
}

// ||decoded - reference|| / ||reference|| of a (rows, n) tensor written in `type`.
double relativeError(const std::vector<uint8_t>& bytes, GgmlType type, const torch::Tensor& reference) {
    const int64_t n = reference.size(1), rows = reference.size(0);
    const uint64_t rowBytes = gguf::ggmlRowBytes(type, n);
    std::vector<float> row(static_cast<size_t>(n));
    const float* ref = reference.data_ptr<float>();
    double err = 0, norm = 0;
    for (int64_t r = 0; r < rows; ++r) {
        gguf::dequantizeRow(type, bytes.data() + static_cast<uint64_t>(r) * rowBytes, row.data(), n);
        for (int64_t i = 0; i < n; ++i) {
            const double x = ref[r * n + i], d = static_cast<double>(row[static_cast<size_t>(i)]) - x;
            err += d * d;
            norm += x * x;
        }
    }
    return norm > 0 ? std::sqrt(err / norm) : std::sqrt(err);
}

// Whether every zero point of the layer equals `z`.
bool allZerosAre(const torch::Tensor& zeros, double z) {
    return (zeros == z).all().item<bool>();
}

struct Choice {
    GgmlType type = GgmlType::F16;
    bool exact = false;
    std::string reason; // why not the requested (or the width's) type
};

// The type a decoder linear is written in.
Choice chooseType(const QuantizedLinearView& v, const gguf::GgmlTypeInfo* requested) {
    const bool blocks32 = v.in % 32 == 0 && v.group % 32 == 0;
    const bool fitsQ4 = v.bits <= 4 && blocks32; // the codes fit 4 bits, each block of 32 in one group
    Choice c;
    if (!requested) { // auto: exact where possible, else the width's k-quant
        if (v.bits == 4 && blocks32 && allZerosAre(v.zeros, 8)) return {GgmlType::Q4_0, true, ""};
        if (v.bits == 4 && blocks32) return {GgmlType::Q4_1, true, ""};
        if (v.bits == 8 && blocks32 && allZerosAre(v.zeros, 128)) return {GgmlType::Q8_0, true, ""};
        c.type = v.bits <= 4 ? kQuantFor(v.bits) : GgmlType::Q8_0;
    } else {
        c.type = requested->type;
    }
    const int64_t block = gguf::ggmlType(c.type).blockSize;
    if (isKQuant(c.type) && v.in % block != 0) {
        const std::string why = std::string(gguf::ggmlType(c.type).name) + " needs rows of a multiple of " +
                                std::to_string(block) + " weights, this layer's are " + std::to_string(v.in);
        if (fitsQ4) return {GgmlType::Q4_1, true, why + ": written exactly as q4_1"};
        if (v.in % 32 == 0) return {GgmlType::Q8_0, false, why + ": written as q8_0"};
        return {GgmlType::F16, false, why + ": written as f16"};
    }
    if (c.type == GgmlType::Q4_1 && fitsQ4) return {GgmlType::Q4_1, true, ""};
    if (c.type == GgmlType::Q4_0 && v.bits == 4 && blocks32 && allZerosAre(v.zeros, 8))
        return {GgmlType::Q4_0, true, ""};
    if (c.type == GgmlType::Q8_0 && v.bits == 8 && blocks32 && allZerosAre(v.zeros, 128))
        return {GgmlType::Q8_0, true, ""};
    if (requested && !isKQuant(c.type) && c.type != GgmlType::Q8_0)
        fail(ErrorKind::BadInput, std::string("--gguf-type ") + requested->name + " cannot hold " + v.module +
                                      " (" + std::to_string(v.bits) + "-bit, groups of " +
                                      std::to_string(v.group) + ", rows of " + std::to_string(v.in) +
                                      "): choose auto, q8_0 or a k-quant");
    if (c.type == GgmlType::Q8_0 && v.in % 32 != 0)
        return {GgmlType::F16, false,
                "rows of " + std::to_string(v.in) + " are not a multiple of 32: written as f16"};
    return c;
}

// Walks the quantized model into the writer.
class GgufVisitor : public ExportVisitor {
public:
    GgufVisitor(gguf::GgufWriter& writer, const ModelConfig& config, const gguf::GgmlTypeInfo* linearType,
                GgmlType embeddingType, ExportReport& report)
        : m_writer(writer), m_config(config), m_linearType(linearType), m_embeddingType(embeddingType),
          m_report(report) {}

    void plain(const std::string& name, const torch::Tensor& tensor) override {
        const std::string gname = gguf::ggufTensorName(name);
        if (gname.empty()) fail(ErrorKind::Failure, "tensor " + name + " has no GGUF name");
        const bool matrix = name == names::kEmbed || name == names::kLmHead;
        GgmlType type = matrix ? m_embeddingType : GgmlType::F32;
        const torch::Tensor rows = floatRows(tensor);
        if (rows.size(-1) % gguf::ggmlType(type).blockSize != 0) {
            m_report.notes.push_back(name + ": rows of " + std::to_string(rows.size(-1)) +
                                     " are not a multiple of " +
                                     std::to_string(gguf::ggmlType(type).blockSize) + ": written as f16");
            type = GgmlType::F16;
        }
        add(gname, rows, type, encodeFloat(rows, type));
    }

    void linear(const QuantizedLinearView& v) override {
        const Choice choice = chooseType(v, m_linearType);
        torch::Tensor codes = v.codes, scales = v.scales.to(torch::kFloat32),
                      zeros = v.zeros.to(torch::kFloat32);
        torch::Tensor weight = floatRows(v.dequantize());
        if (gguf::permutesRotaryRows(m_config) && (ends(v.module, "q_proj") || ends(v.module, "k_proj"))) {
            const int64_t heads = ends(v.module, "q_proj") ? m_config.numHeads : m_config.numKvHeads;
            const torch::Tensor order =
                torch::tensor(gguf::rotaryRowOrder(heads, m_config.headDim), torch::kInt64);
            codes = codes.index_select(0, order);
            scales = scales.index_select(0, order);
            zeros = zeros.index_select(0, order);
            weight = weight.index_select(0, order);
        }
        codes = codes.to(torch::kCPU, torch::kUInt8).contiguous();
        scales = scales.to(torch::kCPU).contiguous();
        zeros = zeros.to(torch::kCPU).contiguous();
        weight = weight.contiguous();

        Bytes bytes;
        if (choice.type == GgmlType::F16 || (choice.type == GgmlType::Q8_0 && !choice.exact)) {
            bytes = encodeFloat(weight, choice.type);
        } else {
            const uint64_t rowBytes = gguf::ggmlRowBytes(choice.type, v.in);
            bytes = std::make_shared<std::vector<uint8_t>>(rowBytes * static_cast<uint64_t>(v.out));
            const int64_t ngroups = scales.size(1);
            for (int64_t r = 0; r < v.out; ++r) {
                gguf::AffineRow row{codes.data_ptr<uint8_t>() + r * v.in,
                                    scales.data_ptr<float>() + r * ngroups,
                                    zeros.data_ptr<float>() + r * ngroups,
                                    v.in,
                                    v.group,
                                    v.bits};
                gguf::encodeRow(choice.type, row, bytes->data() + static_cast<uint64_t>(r) * rowBytes);
            }
        }
        ExportedLayer layer;
        layer.name = v.module;
        layer.packed = choice.type != GgmlType::F16;
        layer.group = v.group;
        layer.reason = choice.reason;
        layer.ggufType = gguf::ggmlType(choice.type).name;
        layer.exact = choice.exact;
        layer.relativeError = relativeError(*bytes, choice.type, weight);
        m_report.layers.push_back(layer);
        m_report.quantizedWeights += v.in * v.out;
        m_report.linearBytes += bytes->size();
        ++m_typeCounts[choice.type];
        add(gguf::ggufTensorName(v.module + ".weight"), weight, choice.type, bytes);
    }

    /// The type most decoder linears were written in.
    GgmlType dominantType() const {
        GgmlType best = GgmlType::F16;
        int64_t most = -1;
        for (const auto& [type, count] : m_typeCounts)
            if (count > most) best = type, most = count;
        return best;
    }

private:
    static bool ends(const std::string& s, const std::string& suffix) {
        return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
    }

    void add(const std::string& name, const torch::Tensor& rows, GgmlType type, Bytes bytes) {
        std::vector<uint64_t> ne;
        for (int64_t d = rows.dim() - 1; d >= 0; --d)
            ne.push_back(static_cast<uint64_t>(rows.size(d)));
        m_writer.addTensor(name, ne, type,
                           [bytes](uint8_t* dst) { std::memcpy(dst, bytes->data(), bytes->size()); });
    }

    gguf::GgufWriter& m_writer;
    const ModelConfig& m_config;
    const gguf::GgmlTypeInfo* m_linearType; // nullptr: auto
    GgmlType m_embeddingType;
    ExportReport& m_report;
    std::map<GgmlType, int64_t> m_typeCounts;
};

// Llama 3's rope scaling as llama.cpp takes it: the factor each frequency is divided by.
void addRopeFactors(gguf::GgufWriter& writer, const ModelConfig& config) {
    if (!config.ropeScaling || config.ropeScaling->type != RopeType::Llama3) return;
    ModelConfig plain = config;
    plain.ropeScaling.reset();
    const torch::Tensor factors = (RotaryEmbedding(plain).invFreq() / RotaryEmbedding(config).invFreq())
                                      .to(torch::kFloat32)
                                      .contiguous();
    auto bytes = std::make_shared<std::vector<uint8_t>>(static_cast<size_t>(factors.numel()) * 4);
    std::memcpy(bytes->data(), factors.data_ptr<float>(), bytes->size());
    writer.addTensor("rope_freqs.weight", {static_cast<uint64_t>(factors.numel())}, GgmlType::F32,
                     [bytes](uint8_t* dst) { std::memcpy(dst, bytes->data(), bytes->size()); });
}

// The evaluation files: the options', else the run's.
std::vector<fs::path> evalFiles(const ExportSource& source, const ExportOptions& options) {
    if (!options.evalFiles.empty()) return options.evalFiles;
    std::vector<fs::path> files;
    const auto& eval = source.recipe.value("eval", nlohmann::ordered_json::object());
    for (const auto& f : eval.value("files", nlohmann::ordered_json::array()))
        if (f.is_string()) files.emplace_back(f.get<std::string>());
    return files;
}

void measure(Model& model, const ExportSource& source, const ExportOptions& options, const fs::path& file,
             const ExportProgressReporter& reporter, ExportReport& report) {
    const std::vector<fs::path> files = evalFiles(source, options);
    if (options.skipEval || files.empty()) return;
    const auto& eval = source.recipe.value("eval", nlohmann::ordered_json::object());
    PerplexityOptions po;
    po.seqlen = std::min<int64_t>(eval.value("seqlen", int64_t(2048)), model.config().maxPositionEmbeddings);
    po.maxWindows = options.evalMaxWindows;
    LoadOptions lo;
    lo.tokenizerPath = model.tokenizer() ? model.tokenizer()->file() : fs::path();
    lo.threads = options.threads;
    std::unique_ptr<Model> readBack;
    Status s = Model::load(file, lo, readBack);
    if (!s.ok()) fail(s.kind, "reading the export back: " + s.message);
    int64_t measured = 0;
    for (const fs::path& f : files) {
        reporter.checkCancelled();
        reporter.progress(ExportProgress::Step::Measuring, measured, static_cast<int64_t>(files.size()),
                          f.filename().string());
        ExportEval e;
        e.file = f.string();
        e.seqlen = po.seqlen;
        PerplexityResult run, back;
        s = evaluatePerplexity(model, f, po, run);
        if (!s.ok()) fail(s.kind, s.message);
        s = evaluatePerplexity(*readBack, f, po, back);
        if (!s.ok()) fail(s.kind, s.message);
        e.windows = run.windows;
        e.runPerplexity = run.perplexity;
        e.filePerplexity = back.perplexity;
        report.evals.push_back(e);
        reporter.progress(ExportProgress::Step::Measuring, ++measured, static_cast<int64_t>(files.size()),
                          f.filename().string());
    }
}

} // namespace

const std::vector<std::string>& ggufLinearTypeChoices() {
    static const std::vector<std::string> choices = [] {
        std::vector<std::string> c{"auto"};
        for (const auto& n : typeNames(kLinearTypes))
            c.push_back(n);
        return c;
    }();
    return choices;
}

const std::vector<std::string>& ggufEmbeddingTypeChoices() {
    static const std::vector<std::string> choices = typeNames(kEmbeddingTypes);
    return choices;
}

void checkGgufOptions(const ExportOptions& options) {
    if (options.ggufType != "auto" && !typeFrom(options.ggufType, kLinearTypes))
        fail(ErrorKind::BadInput,
             "--gguf-type '" + options.ggufType + "' is not one of " + joined(ggufLinearTypeChoices()));
    if (!typeFrom(options.ggufEmbeddings, kEmbeddingTypes))
        fail(ErrorKind::BadInput, "--gguf-embeddings '" + options.ggufEmbeddings + "' is not one of " +
                                      joined(ggufEmbeddingTypeChoices()));
    if (options.evalMaxWindows < 0) fail(ErrorKind::BadInput, "the evaluation windows must not be negative");
}

void exportGguf(Model& model, const QuantSpec& spec, const ExportSource& source, const ExportOptions& options,
                const fs::path& file, const ExportProgressReporter& reporter, ExportReport& report) {
    checkGgufOptions(options);
    Model::Impl& impl = model.impl();
    const ModelConfig& config = impl.config;
    if (!model.tokenizer())
        fail(ErrorKind::BadInput,
             source.modelFolder.string() + ": no tokenizer: a GGUF file carries its tokenizer");

    gguf::GgufWriter writer;
    gguf::setArchitectureMetadata(writer, config);
    writer.set("general.type", gguf::Value::string("model"));
    writer.set("general.name", gguf::Value::string(fs::absolute(source.modelFolder).filename().string()));
    writer.set("general.quantization_version", gguf::Value::u32(2));
    writer.set("general.file_type", gguf::Value::u32(1)); // replaced below once the types are known
    for (const std::string& note : gguf::setTokenizerMetadata(writer, *model.tokenizer(), config.vocabSize))
        report.notes.push_back(note);
    writer.set("qat_studio.version", gguf::Value::string(qatVersion()));
    writer.set("qat_studio.recipe", gguf::Value::string(source.recipe.dump()));

    const gguf::GgmlTypeInfo* linearType =
        options.ggufType == "auto" ? nullptr : typeFrom(options.ggufType, kLinearTypes);
    GgufVisitor visitor(writer, config, linearType, typeFrom(options.ggufEmbeddings, kEmbeddingTypes)->type,
                        report);
    ReportingVisitor reporting(visitor, reporter, impl.llama->numBlocks() * names::kLinearSlots);
    walkQuantizedModel(impl, spec, source.state.string(), reporting);
    addRopeFactors(writer, config);
    writer.set("general.file_type", gguf::Value::u32(gguf::ggufFileType(visitor.dominantType())));

    // Written and measured under a temporary name; renamed into place only when both succeeded.
    reporter.checkCancelled();
    const fs::path staging = file.parent_path() / ("." + file.stem().string() + ".partial.gguf");
    try {
        writer.write(staging);
        reporter.progress(ExportProgress::Step::Writing, 1, 1, file.filename().string());
        measure(model, source, options, staging, reporter, report);
        reporter.checkCancelled();
        fs::rename(staging, file);
    } catch (...) {
        std::error_code ec;
        fs::remove(staging, ec);
        throw;
    }
}

} // namespace qat
