// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer target: the safetensors header parser must either accept an input (and then
// return a sound header) or throw qat::Error(BadInput) naming the file. Any other exception,
// a crash, a sanitizer report or a violated invariant is a bug.
//
// Each input is parsed twice: as it is, and with its length prefix fitted to the JSON
// (see withFittedLength), so that mutations inside the JSON reach the tensor checks.
#include "HeaderInvariants.h"
#include "qat/SafeTensors.h"
#include "qat/Status.h"

#include <cstdio>
#include <cstdlib>
#include <string>

namespace {

const std::string kFileName = "fuzz-input.safetensors";

void check(const uint8_t* data, size_t size) {
    try {
        const qat::SafeTensorsHeader header = qat::parseSafeTensorsHeader(data, size, size, kFileName);
        const std::string violation = qat::fuzz::headerViolation(header, data, size);
        if (!violation.empty()) {
            std::fprintf(stderr, "accepted an unsound header: %s\n", violation.c_str());
            std::abort();
        }
    } catch (const qat::Error& e) {
        if (e.kind() != qat::ErrorKind::BadInput) {
            std::fprintf(stderr, "wrong error kind for a malformed header: %s\n", e.what());
            std::abort();
        }
        if (std::string(e.what()).find(kFileName) == std::string::npos) {
            std::fprintf(stderr, "error message does not name the file: %s\n", e.what());
            std::abort();
        }
    }
    // Any other exception propagates, and libFuzzer reports it as a crash (uncaught exception).
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    check(data, size);
    const std::vector<uint8_t> fitted = qat::fuzz::withFittedLength(data, size);
    if (!fitted.empty()) check(fitted.data(), fitted.size());
    return 0;
}
