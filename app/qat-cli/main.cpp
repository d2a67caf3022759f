// SPDX-License-Identifier: GPL-3.0-or-later
#include "CliCommands.h"

int main(int argc, char** argv) {
    return qat::cli::run(argc, argv);
}
