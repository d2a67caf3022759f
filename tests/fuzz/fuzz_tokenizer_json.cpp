// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer target: the tokenizer.json parser must either refuse an input with
// qat::Error(BadInput) naming the file, or build a tokenizer that encodes and decodes soundly
// (TokenizerJsonCheck.h). Any other exception, a crash or a sanitizer report is a bug.
#include "TokenizerJsonCheck.h"

#include <cstdio>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    qat::fuzz::TokenizerOutcome outcome{};
    const std::string violation = qat::fuzz::tokenizerJsonViolation(data, size, outcome);
    if (!violation.empty()) {
        std::fprintf(stderr, "%s\n", violation.c_str());
        std::abort();
    }
    return 0;
}
