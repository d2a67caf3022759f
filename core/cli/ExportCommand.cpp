// SPDX-License-Identifier: GPL-3.0-or-later
#include "ExportCommand.h"

#include "CliModel.h"

#include "qat/Export.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cctype>
#include <cstdio>
#include <iostream>
#include <map>

namespace qat::cli {

namespace {

// "5GB", "500MB", "2GiB", "123456" -> bytes; false when malformed.
bool parseByteSize(const std::string& text, uint64_t& out) {
    size_t pos = 0;
    double value = 0;
    try {
        value = std::stod(text, &pos);
    } catch (const std::exception&) {
        return false;
    }
    std::string unit = text.substr(pos);
    for (auto& c : unit)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    const std::pair<const char*, double> units[] = {
        {"", 1},     {"B", 1},        {"KB", 1e3},        {"MB", 1e6},
        {"GB", 1e9}, {"KIB", 1024.0}, {"MIB", 1048576.0}, {"GIB", 1073741824.0}};
    for (const auto& [name, factor] : units)
        if (unit == name && value > 0) {
            out = static_cast<uint64_t>(value * factor);
            return out > 0;
        }
    return false;
}

std::string humanBytes(uint64_t bytes) {
    char buf[32];
    if (bytes >= 1000ull * 1000 * 1000)
        std::snprintf(buf, sizeof buf, "%.2f GB", bytes / 1e9);
    else if (bytes >= 1000ull * 1000)
        std::snprintf(buf, sizeof buf, "%.2f MB", bytes / 1e6);
    else if (bytes >= 1000ull)
        std::snprintf(buf, sizeof buf, "%.1f kB", bytes / 1e3);
    else
        std::snprintf(buf, sizeof buf, "%llu B", static_cast<unsigned long long>(bytes));
    return buf;
}

nlohmann::json reportJson(const ExportReport& r) {
    nlohmann::json j;
    j["folder"] = r.folder.string();
    j["format"] = exportFormatName(r.format);
    j["bits"] = r.bits;
    j["group_size"] = r.groupSize;
    j["shards"] = r.shards;
    j["total_bytes"] = r.totalBytes;
    j["stored_bits_per_linear_weight"] = r.bitsPerWeight();
    j["layers"] = nlohmann::json::array();
    for (const auto& l : r.layers) {
        nlohmann::json e = {{"name", l.name}, {"packed", l.packed}};
        if (!l.reason.empty()) e["reason"] = l.reason;
        if (r.format == ExportFormat::Gguf) {
            e["type"] = l.ggufType;
            e["exact"] = l.exact;
            e["relative_error"] = l.relativeError;
        }
        j["layers"].push_back(e);
    }
    if (r.format == ExportFormat::Gguf) {
        j["evals"] = nlohmann::json::array();
        for (const auto& e : r.evals)
            j["evals"].push_back({{"file", e.file},
                                  {"seqlen", e.seqlen},
                                  {"windows", e.windows},
                                  {"run_perplexity", e.runPerplexity},
                                  {"file_perplexity", e.filePerplexity}});
        j["notes"] = r.notes;
    }
    j["files"] = nlohmann::json::object();
    for (const auto& f : r.files)
        j["files"][f.name] = f.bytes;
    return j;
}

// Per type: how many layers, how many exact, the relative error.
void printGgufLayers(const ExportReport& r) {
    for (const ExportTypeSummary& row : summarizeLayerTypes(r)) {
        char line[160];
        std::snprintf(line, sizeof line,
                      "  %-5s %3d layers (%d exact), relative weight error mean %.2e, max %.2e\n",
                      row.type.c_str(), row.layers, row.exact, row.meanError, row.maxError);
        std::cout << line;
    }
    std::map<std::string, std::vector<std::string>> byReason;
    for (const auto& l : r.layers)
        if (!l.reason.empty()) byReason[l.reason].push_back(l.name);
    for (const auto& [reason, layers] : byReason)
        std::cout << "  " << layers.size() << " layer(s): " << reason << " (e.g. " << layers.front() << ")\n";
    for (const auto& e : r.evals) {
        char line[256];
        std::snprintf(line, sizeof line,
                      "  perplexity on %s (%lld windows of %lld): run %.4f, GGUF read back %.4f (%+.3f%%)\n",
                      e.file.c_str(), static_cast<long long>(e.windows), static_cast<long long>(e.seqlen),
                      e.runPerplexity, e.filePerplexity, 100.0 * (e.filePerplexity / e.runPerplexity - 1.0));
        std::cout << line;
    }
    for (const auto& n : r.notes)
        std::cout << "  note: " << n << "\n";
}

} // namespace

CLI::App* addExportCommand(CLI::App& app, ExportArgs& a) {
    auto* cmd =
        app.add_subcommand("export", "Write a finished run as a model other tools load: a GPTQ v2 "
                                     "packed folder, a dequantized folder, or one GGUF file for llama.cpp");
    cmd->add_option("--run", a.run, "The quantize run folder")->required()->check(CLI::ExistingDirectory);
    cmd->add_option("--format,-f", a.format,
                    "gptq (packed GPTQ v2), fake (dequantized weights) or gguf (one file for llama.cpp)")
        ->check(CLI::IsMember({"gptq", "fake", "gguf"}))
        ->capture_default_str();
    cmd->add_option("--out,-o", a.out,
                    "Destination folder, or file for gguf (default: RUN/model, RUN/model.gguf)");
    cmd->add_option("--dtype", a.dtype, "dtype of the unquantized tensors (fake: of every weight)")
        ->check(CLI::IsMember({"float16", "bfloat16", "float32"}))
        ->capture_default_str();
    cmd->add_option("--max-shard-size", a.maxShardSize,
                    "Largest shard (e.g. 5GB, 500MB); one file when all fits")
        ->capture_default_str();
    cmd->add_option(
           "--gguf-type", a.ggufType,
           "gguf: type of the decoder linears; auto: exact (q4_1, q4_0, q8_0) where one holds the run, "
           "else the k-quant of its width")
        ->check(CLI::IsMember(ggufLinearTypeChoices()))
        ->capture_default_str();
    cmd->add_option("--gguf-embeddings", a.ggufEmbeddings, "gguf: type of the embedding (and an untied head)")
        ->check(CLI::IsMember(ggufEmbeddingTypeChoices()))
        ->capture_default_str();
    cmd->add_option(
           "--eval", a.evalFiles,
           "gguf: text to compare the file read back with the run on (default: the run's evaluation files)")
        ->check(CLI::ExistingFile);
    cmd->add_option("--eval-windows", a.evalWindows, "gguf: evaluation windows at most (0: all)")
        ->check(CLI::NonNegativeNumber)
        ->capture_default_str();
    cmd->add_flag("--no-eval", a.noEval, "gguf: skip the perplexity check of the file read back");
    cmd->add_flag("--overwrite", a.overwrite, "Replace the destination when it exists");
    cmd->add_option("--threads", a.threads, "CPU threads (0: LibTorch's default)")
        ->check(CLI::NonNegativeNumber);
    cmd->add_flag("--json", a.json, "Print the export report as JSON");
    return cmd;
}

int runExport(const ExportArgs& a) {
    ExportOptions o;
    if (!parseExportFormat(a.format, o.format))
        return report(Status::error(ErrorKind::BadInput,
                                    "--format must be gptq, fake or gguf, got '" + a.format + "'"));
    if (!parseByteSize(a.maxShardSize, o.maxShardBytes))
        return report(Status::error(ErrorKind::BadInput, "--max-shard-size '" + a.maxShardSize +
                                                             "' is not a size such as 5GB, 500MB or 2GiB"));
    o.out = a.out;
    o.overwrite = a.overwrite;
    o.dtype = a.dtype;
    o.threads = a.threads;
    o.ggufType = a.ggufType;
    o.ggufEmbeddings = a.ggufEmbeddings;
    for (const auto& f : a.evalFiles)
        o.evalFiles.emplace_back(f);
    o.evalMaxWindows = a.evalWindows;
    o.skipEval = a.noEval;
    ExportReport r;
    const Status st = exportRun(a.run, o, r);
    if (!st.ok()) return report(st);
    if (a.json) {
        std::cout << reportJson(r).dump() << "\n";
        return 0;
    }
    std::cout << "Exported " << a.run << " (" << r.bits << " bits, group " << r.groupSize << ") as "
              << exportFormatName(r.format) << " to " << r.folder.string() << "\n";
    if (r.format == ExportFormat::Gptq) {
        std::cout << "  packed layers: " << r.packedLayers() << " of " << r.layers.size() << "\n";
        // Unpacked layers, grouped by reason.
        std::map<std::string, std::vector<std::string>> byReason;
        for (const auto& l : r.layers)
            if (!l.packed) byReason[l.reason].push_back(l.name);
        for (const auto& [reason, layers] : byReason) {
            std::cout << "  kept as " << a.dtype << " weights (" << layers.size() << " layers): " << reason
                      << "\n    ";
            for (size_t i = 0; i < layers.size(); ++i)
                std::cout << (i ? ", " : "") << layers[i];
            std::cout << "\n";
        }
    }
    if (r.format == ExportFormat::Gguf) printGgufLayers(r);
    char bpw[32];
    std::snprintf(bpw, sizeof bpw, "%.3f", r.bitsPerWeight());
    std::cout << "  decoder linears: " << bpw << " stored bits per weight\n";
    for (const auto& f : r.files)
        std::cout << "  " << f.name << "  " << humanBytes(f.bytes) << "\n";
    std::cout << "  total " << humanBytes(r.totalBytes)
              << (r.shards > 1 ? ", " + std::to_string(r.shards) + " shards" : "") << "\n";
    return 0;
}

} // namespace qat::cli
