// SPDX-License-Identifier: GPL-3.0-or-later
#include "TokenizeCommand.h"

#include "qat/Status.h"
#include "qat/Tokenizer.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

namespace qat::cli {

CLI::App* addTokenizeCommand(CLI::App& app, TokenizeArgs& a) {
    auto* cmd = app.add_subcommand(
        "tokenize", "Print the ids and pieces a model's tokenizer gives a text (no BOS/EOS added)");
    cmd->add_option("--model,-m", a.model, "Model folder (its tokenizer.json, else tokenizer.model)")
        ->check(CLI::ExistingDirectory);
    cmd->add_option("--tokenizer", a.tokenizer, "Tokenizer file (tokenizer.json or tokenizer.model)")
        ->check(CLI::ExistingFile);
    auto* text = cmd->add_option("--text,-t", a.text, "The text");
    auto* file = cmd->add_option("--file,-f", a.file, "Read the text from a file (bytes as they are)")
                     ->check(CLI::ExistingFile);
    text->excludes(file);
    cmd->add_flag("--special", a.special,
                  "Match special tokens written in the text (e.g. <|im_start|>) as Hugging Face tokenizers "
                  "do; without it they are plain text");
    cmd->add_flag("--json", a.json, "Print JSON: ids, pieces and the decoded text");
    return cmd;
}

namespace {

std::string readBytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) fail(ErrorKind::BadInput, path + ": cannot read");
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

// A piece as llama-tokenize prints it: control bytes escaped.
std::string printable(const std::string& piece) {
    std::string out;
    for (unsigned char c : piece) {
        if (c == '\n')
            out += "\\n";
        else if (c == '\t')
            out += "\\t";
        else if (c == '\r')
            out += "\\r";
        else if (c < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\x%02x", c);
            out += buf;
        } else
            out += static_cast<char>(c);
    }
    return out;
}

} // namespace

int runTokenize(const TokenizeArgs& a) {
    const Status st = guarded([&] {
        std::filesystem::path file = a.tokenizer;
        if (file.empty()) {
            if (a.model.empty()) fail(ErrorKind::BadInput, "give --model DIR or --tokenizer FILE");
            const auto found = Tokenizer::findInFolder(a.model);
            if (!found) fail(ErrorKind::BadInput, a.model + ": no tokenizer.json or tokenizer.model");
            file = *found;
        }
        if (a.text.empty() && a.file.empty()) fail(ErrorKind::BadInput, "give --text TEXT or --file FILE");
        const auto tokenizer = Tokenizer::load(file);
        const std::string text = a.file.empty() ? a.text : readBytes(a.file);
        const std::vector<int64_t> ids = tokenizer->encode(text, a.special);
        if (a.json) {
            nlohmann::json pieces = nlohmann::json::array();
            for (int64_t id : ids)
                pieces.push_back(tokenizer->piece(id));
            const nlohmann::json j = {{"tokenizer", file.string()},
                                      {"kind", tokenizerKindName(tokenizer->kind())},
                                      {"ids", ids},
                                      {"pieces", pieces},
                                      {"decoded", tokenizer->decode(ids)}};
            // Invalid UTF-8 (a piece holding part of a character) is replaced, not refused.
            std::cout << j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
        } else {
            for (int64_t id : ids)
                std::cout << id << " -> '" << printable(tokenizer->piece(id)) << "'\n";
            std::cout << ids.size() << " tokens (" << tokenizerKindName(tokenizer->kind()) << ", "
                      << file.string() << ")\n";
        }
    });
    if (st.ok()) return 0;
    std::cerr << "qat-cli: error (" << errorKindName(st.kind) << "): " << st.message << "\n";
    return exitCodeFor(st.kind);
}

} // namespace qat::cli
