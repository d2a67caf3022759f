// SPDX-License-Identifier: GPL-3.0-or-later
#include "CliCommands.h"
#include "CliModel.h"
#include "EvalCommand.h"
#include "QuantizeCommand.h"
#include "TokenizeCommand.h"

#include "qat/Export.h"
#include "qat/Generation.h"
#include "qat/Model.h"
#include "qat/ModelSummary.h"
#include "qat/Quantization.h"
#include "qat/RunFolder.h"
#include "qat/Version.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cctype>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <sstream>
#include <unistd.h>

namespace qat::cli {

namespace {

int cmdInspect(const std::string& folder, const std::string& tokenizer, bool json) {
    ModelSummary s;
    Status st = inspectModel(folder, s, tokenizer);
    if (!st.ok()) return report(st);
    std::cout << (json ? s.toJson() + "\n" : s.toText());
    return 0;
}

struct GenerateArgs {
    ModelArgs model;
    std::string prompt;
    std::vector<int64_t> promptIds;
    int64_t maxNewTokens = 64;
    bool sample = false;
    double temperature = 1.0;
    double topP = 0.95;
    uint64_t seed = 0;
    bool ignoreEos = false;
    bool json = false;
};

int cmdGenerate(const GenerateArgs& a) {
    std::unique_ptr<Model> model;
    Status st = loadModel(a.model, model);
    if (!st.ok()) return report(st);
    const Tokenizer* tok = model->tokenizer();
    std::vector<int64_t> prompt;
    if (!a.promptIds.empty()) {
        prompt = a.promptIds;
    } else {
        if (!tok)
            return report(
                Status::error(ErrorKind::BadInput, model->folder().string() +
                                                       ": no tokenizer (tokenizer.json or "
                                                       "tokenizer.model); give --tokenizer or --ids"));
        st = promptIds(*tok, a.prompt, prompt);
        if (!st.ok()) return report(st);
    }
    GenerateOptions o;
    o.stopAtEos = !a.ignoreEos;
    o.maxNewTokens = a.maxNewTokens;
    o.greedy = !a.sample;
    o.temperature = a.temperature;
    o.topP = a.topP;
    o.seed = a.seed;
    std::vector<int64_t> out;
    st = generate(*model, prompt, o, out);
    if (!st.ok()) return report(st);
    const std::string text = tok ? tok->decode(out) : std::string();
    if (a.json) {
        nlohmann::json j = {{"prompt_ids", prompt}, {"ids", out}, {"text", text}};
        std::cout << j.dump() << "\n";
    } else {
        std::ostringstream ids;
        for (size_t i = 0; i < out.size(); ++i)
            ids << (i ? " " : "") << out[i];
        if (tok) std::cout << (a.prompt.empty() ? "" : a.prompt) << text << "\n";
        std::cout << "ids: " << ids.str() << "\n";
    }
    return 0;
}

struct ExportArgs {
    std::string run;
    std::string format = "gptq";
    std::string out;
    std::string dtype = "float16";
    std::string maxShardSize = "5GB";
    bool overwrite = false;
    bool json = false;
    int threads = 0;
};

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

int cmdExport(const ExportArgs& a) {
    ExportOptions o;
    if (!parseExportFormat(a.format, o.format))
        return report(
            Status::error(ErrorKind::BadInput, "--format must be gptq or fake, got '" + a.format + "'"));
    if (!parseByteSize(a.maxShardSize, o.maxShardBytes))
        return report(Status::error(ErrorKind::BadInput, "--max-shard-size '" + a.maxShardSize +
                                                             "' is not a size such as 5GB, 500MB or 2GiB"));
    o.out = a.out;
    o.overwrite = a.overwrite;
    o.dtype = a.dtype;
    o.threads = a.threads;
    ExportReport r;
    const Status st = exportRun(a.run, o, r);
    if (!st.ok()) return report(st);
    if (a.json) {
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
            j["layers"].push_back(e);
        }
        j["files"] = nlohmann::json::object();
        for (const auto& f : r.files)
            j["files"][f.name] = f.bytes;
        std::cout << j.dump() << "\n";
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
    char bpw[32];
    std::snprintf(bpw, sizeof bpw, "%.3f", r.bitsPerWeight());
    std::cout << "  decoder linears: " << bpw << " stored bits per weight\n";
    for (const auto& f : r.files)
        std::cout << "  " << f.name << "  " << humanBytes(f.bytes) << "\n";
    std::cout << "  total " << humanBytes(r.totalBytes)
              << (r.shards > 1 ? ", " + std::to_string(r.shards) + " shards" : "") << "\n";
    return 0;
}

} // namespace

int run(int argc, char** argv) {
    CLI::App app{"qat-cli: quantization-aware training of Llama-family models (QAT Studio, headless)",
                 "qat-cli"};
    app.set_version_flag("--version", std::string("qat-cli ") + QAT_VERSION);
    app.require_subcommand(1);

    std::string inspectFolder, inspectTokenizer;
    bool inspectJson = false;
    auto* inspect =
        app.add_subcommand("inspect", "Summarize a model folder (architecture, parameters, tensors)");
    inspect->add_option("model", inspectFolder, "Model folder")->required();
    inspect->add_option("--tokenizer", inspectTokenizer, "Tokenizer file to describe instead of the folder's")
        ->check(CLI::ExistingFile);
    inspect->add_flag("--json", inspectJson, "Print JSON");

    EvalArgs ev;
    auto* eval = addEvalCommand(app, ev);

    GenerateArgs gen;
    auto* genCmd =
        app.add_subcommand("generate", "Continue a prompt (greedy or top-p sampling, with a KV cache)");
    addModelArgs(genCmd, gen.model);
    genCmd->add_option("--prompt,-p", gen.prompt,
                       "Prompt text (BOS in front when the tokenizer adds one); empty: start from BOS");
    genCmd->add_option("--ids", gen.promptIds, "Prompt as token ids instead of text (include BOS)");
    genCmd->add_option("--max-new-tokens,-n", gen.maxNewTokens, "Tokens to generate")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    genCmd->add_flag("--sample", gen.sample, "Sample with temperature and top-p instead of greedy decoding");
    genCmd->add_option("--temperature", gen.temperature, "Sampling temperature")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    genCmd->add_option("--top-p", gen.topP, "Nucleus mass")
        ->capture_default_str()
        ->check(CLI::Range(0.0, 1.0));
    genCmd->add_option("--seed", gen.seed, "Sampling seed")->capture_default_str();
    genCmd->add_flag("--ignore-eos", gen.ignoreEos, "Generate all --max-new-tokens, past an EOS");
    genCmd->add_flag("--json", gen.json, "Print JSON");

    QuantizeArgs quant;
    auto* quantCmd = addQuantizeCommand(app, quant);

    TokenizeArgs tokenize;
    auto* tokenizeCmd = addTokenizeCommand(app, tokenize);

    ExportArgs ex;
    auto* exportCmd = app.add_subcommand(
        "export", "Write a finished run as a model folder other tools load (GPTQ v2 packed, or dequantized)");
    exportCmd->add_option("--run", ex.run, "The quantize run folder")
        ->required()
        ->check(CLI::ExistingDirectory);
    exportCmd->add_option("--format,-f", ex.format, "gptq (packed GPTQ v2) or fake (dequantized weights)")
        ->check(CLI::IsMember({"gptq", "fake"}))
        ->capture_default_str();
    exportCmd->add_option("--out,-o", ex.out, "Destination folder (default: RUN/model)");
    exportCmd->add_option("--dtype", ex.dtype, "dtype of the unquantized tensors (fake: of every weight)")
        ->check(CLI::IsMember({"float16", "bfloat16", "float32"}))
        ->capture_default_str();
    exportCmd
        ->add_option("--max-shard-size", ex.maxShardSize,
                     "Largest shard (e.g. 5GB, 500MB); one file when all fits")
        ->capture_default_str();
    exportCmd->add_flag("--overwrite", ex.overwrite, "Replace the destination when it exists");
    exportCmd->add_option("--threads", ex.threads, "CPU threads (0: LibTorch's default)")
        ->check(CLI::NonNegativeNumber);
    exportCmd->add_flag("--json", ex.json, "Print the export report as JSON");

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        app.exit(e); // prints the message
        return exitCodeFor(ErrorKind::BadInput);
    }

    if (*inspect) return cmdInspect(inspectFolder, inspectTokenizer, inspectJson);
    if (*eval) return runEval(ev);
    if (*genCmd) return cmdGenerate(gen);
    if (*quantCmd) return runQuantize(quant);
    if (*exportCmd) return cmdExport(ex);
    if (*tokenizeCmd) return runTokenize(tokenize);
    return exitCodeFor(ErrorKind::BadInput);
}

} // namespace qat::cli
