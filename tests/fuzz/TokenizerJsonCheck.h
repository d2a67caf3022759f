// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// What the tokenizer.json fuzz target and its corpus replay check on one input: the parser
// either refuses it with Error(BadInput) naming the file, or builds a tokenizer that encodes a
// few fixed texts to ids inside its vocabulary (or refuses a text with BadInput naming the file,
// e.g. an unknown token the vocabulary lacks) and decodes any ids without throwing.

#include "TokenizerJson.h"
#include "qat/Status.h"

#include <cstdint>
#include <string>
#include <string_view>

namespace qat::fuzz {

inline const std::string kTokenizerFileName = "fuzz-input/tokenizer.json";

enum class TokenizerOutcome { Accepted, Refused };

/// "" when the input was handled soundly (outcome says how), else what went wrong.
inline std::string tokenizerJsonViolation(const uint8_t* data, size_t size, TokenizerOutcome& outcome) {
    auto refusedWell = [](const Error& e) -> std::string {
        if (e.kind() != ErrorKind::BadInput) return std::string("wrong error kind: ") + e.what();
        if (std::string(e.what()).find(kTokenizerFileName) == std::string::npos)
            return std::string("message does not name the file: ") + e.what();
        return {};
    };
    std::unique_ptr<tok::HfTokenizer> t;
    try {
        t = tok::parseTokenizerJson(std::string_view(reinterpret_cast<const char*>(data), size),
                                    kTokenizerFileName);
    } catch (const Error& e) {
        outcome = TokenizerOutcome::Refused;
        return refusedWell(e);
    }
    outcome = TokenizerOutcome::Accepted;
    static const char* const texts[] = {
        "Hello, world! It's 2024.", "  a\tb\n\nc ",     "caf\xC3\xA9 \xE2\x91\xA0 \xF0\x9F\x98\x80",
        "<s>x</s> <|im_start|>",    "\xFF\xFE invalid", ""};
    for (const char* text : texts) {
        for (bool special : {true, false}) {
            std::vector<int64_t> ids;
            try {
                ids = t->encode(text, special);
            } catch (const Error& e) {
                const std::string why = refusedWell(e);
                if (!why.empty()) return "encode: " + why;
                continue;
            }
            for (int64_t id : ids)
                if (id < 0 || id >= t->vocabSize())
                    return "encode gave id " + std::to_string(id) + " outside the vocabulary";
            (void)t->decode(ids);
            (void)t->decode(ids, true);
        }
    }
    std::vector<int64_t> all;
    for (int64_t id = -1; id <= t->vocabSize() && id < 4096; ++id)
        all.push_back(id);
    (void)t->decode(all);
    for (int64_t id : all)
        (void)t->piece(id);
    return {};
}

} // namespace qat::fuzz
