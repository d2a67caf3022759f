// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file CliCommands.h
/// The `qat-cli` command line: argument parsing (CLI11) and the subcommands. Kept out of
/// app/ so that app/ holds only main().

namespace qat::cli {

/// Runs qat-cli with the process arguments; returns the exit code
/// (0 ok, 1 failure, 2 bad input, 3 unsupported, 4 out of memory, 5 non-finite, 130 cancelled).
int run(int argc, char** argv);

} // namespace qat::cli
