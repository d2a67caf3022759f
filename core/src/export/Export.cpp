// SPDX-License-Identifier: GPL-3.0-or-later
// Exporting a run (see qat/Export.h) as a chain of steps: read the run, check the destination,
// load the quantized model, walk its tensors into the format's writer (ExportWalk, ExportWriter),
// then write shards (ShardPlan), config.json, the source's side files and qat_studio.json into a
// staging folder that is renamed into place (AtomicFolder).
#include "qat/Export.h"

#include "export/AtomicFolder.h"
#include "export/ExportSource.h"
#include "export/ExportWalk.h"
#include "export/ExportWriter.h"
#include "export/GgufExport.h"
#include "export/JsonFile.h"
#include "export/ShardPlan.h"
#include "model/ModelImpl.h"
#include "model/TensorNames.h"
#include "qat/QuantizeJob.h"
#include "qat/RunFolder.h"
#include "qat/Version.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>

namespace qat {

namespace {

using nlohmann::ordered_json;
namespace fs = std::filesystem;

torch::ScalarType exportDType(const std::string& name) {
    if (name == "float16") return torch::kHalf;
    if (name == "bfloat16") return torch::kBFloat16;
    if (name == "float32") return torch::kFloat;
    fail(ErrorKind::BadInput, "export dtype '" + name + "' is not float16, bfloat16 or float32");
}

void checkOptions(const ExportOptions& options) {
    exportDType(options.dtype);
    if (options.maxShardBytes == 0) fail(ErrorKind::BadInput, "the shard size limit must be positive");
    if (options.format == ExportFormat::Gguf) checkGgufOptions(options);
}

// The destination folder: a folder of its own, existing only when overwriting is allowed.
fs::path destination(const ExportSource& source, const ExportOptions& options) {
    const fs::path out = !options.out.empty()
                             ? options.out
                             : source.run / (options.format == ExportFormat::Gguf ? "model.gguf" : "model");
    const fs::path outAbs = fs::absolute(out).lexically_normal();
    if (outAbs == fs::absolute(source.run).lexically_normal() ||
        outAbs == fs::absolute(source.modelFolder).lexically_normal())
        fail(ErrorKind::BadInput,
             out.string() + ": the export must go to a path of its own, not the run or model folder");
    std::error_code ec;
    if (fs::exists(out, ec) && !options.overwrite)
        fail(ErrorKind::BadInput,
             out.string() + " already exists: choose another folder or allow overwriting (--overwrite)");
    return out;
}

// config.json: the source's, with the dtype and the format's quantization config.
void writeConfig(const fs::path& folder, const ExportSource& source, const ExportOptions& options,
                 const ExportWriter& writer) {
    ordered_json cfg = readJsonFile(source.modelFolder / "config.json");
    cfg["torch_dtype"] = options.dtype;
    cfg.erase("quantization_config");
    if (auto qc = writer.quantizationConfig()) cfg["quantization_config"] = *qc;
    writeTextFile(folder / "config.json", cfg.dump(2) + "\n");
}

const char* kCopiedFiles[] = {"tokenizer.model",         "tokenizer.json",         "tokenizer_config.json",
                              "special_tokens_map.json", "generation_config.json", "added_tokens.json"};

// Tokenizer, generation settings and licence notices of the source.
void copySourceFiles(const fs::path& folder, const ExportSource& source) {
    std::error_code ec;
    for (const char* name : kCopiedFiles)
        if (fs::exists(source.modelFolder / name, ec))
            fs::copy_file(source.modelFolder / name, folder / name);
    // The tokenizer the job was given explicitly replaces the source folder's.
    if (!source.tokenizer.empty() && fs::exists(source.tokenizer, ec)) {
        const bool json = source.tokenizer.extension() == ".json";
        fs::copy_file(source.tokenizer, folder / (json ? "tokenizer.json" : "tokenizer.model"),
                      fs::copy_options::overwrite_existing);
        const fs::path config = source.tokenizer.parent_path() / "tokenizer_config.json";
        if (json && fs::is_regular_file(config, ec))
            fs::copy_file(config, folder / "tokenizer_config.json", fs::copy_options::overwrite_existing);
    }
    for (const auto& entry : fs::directory_iterator(source.modelFolder)) {
        const std::string name = entry.path().filename().string();
        if (entry.is_regular_file() && (name.rfind("LICENSE", 0) == 0 || name.rfind("NOTICE", 0) == 0))
            fs::copy_file(entry.path(), folder / name);
    }
}

// qat_studio.json: what this folder is and how it was made.
void writeExportInfo(const fs::path& folder, const ExportSource& source, const ExportOptions& options,
                     const ExportReport& report) {
    ordered_json info;
    info["format"] = "qat-studio-export";
    info["format_version"] = 1;
    info["export_format"] = exportFormatName(options.format);
    info["qat_studio"] = qatVersion();
    info["dtype"] = options.dtype;
    info["bits"] = report.bits;
    info["group_size"] = report.groupSize;
    info["source_model"] = fs::absolute(source.modelFolder).string();
    info["run"] = fs::absolute(source.run).string();
    info["recipe"] = source.recipe;
    std::error_code ec;
    if (fs::exists(source.evalJson, ec)) info["results"] = readJsonFile(source.evalJson);
    ordered_json layers = ordered_json::array();
    for (const auto& l : report.layers) {
        ordered_json e = {{"name", l.name}, {"packed", l.packed}};
        if (l.packed) e["group_size"] = l.group;
        if (!l.reason.empty()) e["reason"] = l.reason;
        layers.push_back(e);
    }
    info["layers"] = layers;
    info["stored_bits_per_linear_weight"] = report.bitsPerWeight();
    writeTextFile(folder / "qat_studio.json", info.dump(2) + "\n");
}

// Every file of the folder with its size, sorted by name, into the report.
void listFiles(const fs::path& folder, ExportReport& report) {
    for (const auto& entry : fs::directory_iterator(folder)) {
        const uint64_t bytes = entry.file_size();
        report.files.push_back({entry.path().filename().string(), bytes});
        report.totalBytes += bytes;
    }
    std::sort(report.files.begin(), report.files.end(),
              [](const ExportedFile& a, const ExportedFile& b) { return a.name < b.name; });
}

} // namespace

const char* exportFormatName(ExportFormat format) {
    switch (format) {
    case ExportFormat::Fake:
        return "fake";
    case ExportFormat::Gguf:
        return "gguf";
    case ExportFormat::Gptq:
        break;
    }
    return "gptq";
}

bool parseExportFormat(const std::string& name, ExportFormat& out) {
    if (name == "gptq")
        out = ExportFormat::Gptq;
    else if (name == "fake")
        out = ExportFormat::Fake;
    else if (name == "gguf")
        out = ExportFormat::Gguf;
    else
        return false;
    return true;
}

double ExportReport::bitsPerWeight() const {
    return quantizedWeights > 0
               ? 8.0 * static_cast<double>(linearBytes) / static_cast<double>(quantizedWeights)
               : 0.0;
}

int ExportReport::packedLayers() const {
    int n = 0;
    for (const auto& l : layers)
        n += l.packed ? 1 : 0;
    return n;
}

std::vector<ExportTypeSummary> summarizeLayerTypes(const ExportReport& report) {
    std::map<std::string, ExportTypeSummary> byType;
    for (const auto& l : report.layers) {
        ExportTypeSummary& row = byType[l.ggufType];
        row.type = l.ggufType;
        ++row.layers;
        row.exact += l.exact ? 1 : 0;
        row.maxError = std::max(row.maxError, l.relativeError);
        row.meanError += l.relativeError;
    }
    std::vector<ExportTypeSummary> rows;
    for (auto& [type, row] : byType) {
        row.meanError /= row.layers;
        rows.push_back(row);
    }
    return rows;
}

Status exportRun(const fs::path& run, const ExportOptions& options, ExportReport& report, ExportSink* sink) {
    const ExportProgressReporter reporter(sink);
    return guarded([&] {
        report = ExportReport{};
        report.format = options.format;
        checkOptions(options);
        const ExportSource source = readExportSource(run);
        report.folder = destination(source, options);

        QuantSpec spec;
        std::unique_ptr<Model> model = loadQuantizedModel(source, options.threads, spec);
        report.bits = spec.bits;
        report.groupSize = spec.groupSize;
        if (options.format == ExportFormat::Gguf) {
            std::error_code ec;
            if (fs::is_directory(report.folder, ec))
                fail(ErrorKind::BadInput, report.folder.string() + " is a folder: a GGUF export is one file");
            if (!report.folder.parent_path().empty()) fs::create_directories(report.folder.parent_path());
            exportGguf(*model, spec, source, options, report.folder, reporter, report);
            report.files.push_back({report.folder.filename().string(), fs::file_size(report.folder)});
            report.totalBytes = report.files.back().bytes;
            return;
        }
        const std::unique_ptr<ExportWriter> writer =
            makeExportWriter(options.format, exportDType(options.dtype), spec, source.method);
        ReportingVisitor reporting(*writer, reporter, model->impl().llama->numBlocks() * names::kLinearSlots);
        walkQuantizedModel(model->impl(), spec, source.state.string(), reporting);
        report.layers = writer->layers();
        report.quantizedWeights = writer->quantizedWeights();
        report.linearBytes = writer->linearBytes();

        AtomicFolder folder(report.folder);
        const std::vector<Shard> shards = planShards(writer->tensors(), options.maxShardBytes);
        report.shards = static_cast<int>(shards.size());
        reporter.checkCancelled();
        writeShards(folder.staging(), writer->tensors(), shards,
                    {{"format", "pt"}, {"producer", "qat-studio"}},
                    [&](size_t written, size_t count, const std::string& file) {
                        reporter.progress(ExportProgress::Step::Writing, static_cast<int64_t>(written),
                                          static_cast<int64_t>(count), file);
                        reporter.checkCancelled();
                    });
        writer->tensors().clear();
        writeConfig(folder.staging(), source, options, *writer);
        copySourceFiles(folder.staging(), source);
        writeExportInfo(folder.staging(), source, options, report);
        listFiles(folder.staging(), report);
        reporter.checkCancelled();
        folder.commit();
    });
}

} // namespace qat
