// SPDX-License-Identifier: GPL-3.0-or-later
#include "CliCommands.h"
#include "CliModel.h"
#include "EvalCommand.h"
#include "ExportCommand.h"
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
    auto* exportCmd = addExportCommand(app, ex);

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
    if (*exportCmd) return runExport(ex);
    if (*tokenizeCmd) return runTokenize(tokenize);
    return exitCodeFor(ErrorKind::BadInput);
}

} // namespace qat::cli
