// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer target: GgufFile must either refuse an input with qat::Error(BadInput) naming the
// file, or accept a file whose tensors all lie inside the buffer, whose accessors all work and
// which GgufWriter writes back to the same (GgufCheck.h). Any other exception, a crash or a
// sanitizer report is a bug.
#include "GgufCheck.h"

#include <cstdio>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    qat::fuzz::GgufOutcome outcome{};
    const std::string violation = qat::fuzz::ggufViolation(data, size, outcome);
    if (!violation.empty()) {
        std::fprintf(stderr, "%s\n", violation.c_str());
        std::abort();
    }
    return 0;
}
