// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file TokenizeCommand.h
/// `qat-cli tokenize`: the ids (and pieces) a model's tokenizer gives a text, to debug prompts
/// and data, as llama.cpp's llama-tokenize does.

#include <string>

namespace CLI {
class App;
}

namespace qat::cli {

struct TokenizeArgs {
    std::string model;     ///< a model folder (its tokenizer.json, else tokenizer.model)
    std::string tokenizer; ///< a tokenizer file (wins over the folder's)
    std::string text;
    std::string file;
    bool special = false; ///< match special tokens written in the text
    bool json = false;
};

/// Adds the `tokenize` subcommand to `app`, filling `args` when parsed.
CLI::App* addTokenizeCommand(CLI::App& app, TokenizeArgs& args);

/// Runs it; returns the process exit code (qat::exitCodeFor).
int runTokenize(const TokenizeArgs& args);

} // namespace qat::cli
