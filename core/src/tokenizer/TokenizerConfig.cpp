// SPDX-License-Identifier: GPL-3.0-or-later
#include "TokenizerConfig.h"
#include "JsonFields.h"
#include "qat/Status.h"

namespace qat::tok {

namespace {

std::optional<std::string> tokenField(const Json& root, const char* key, const JsonAt& at) {
    const Json* v = member(root, key);
    if (!v || v->is_null()) return std::nullopt;
    if (v->is_object()) return requireString(requireMember(*v, "content", at[key]), at[key]["content"]);
    return requireString(*v, at[key]);
}

} // namespace

TokenizerConfig parseTokenizerConfig(std::string_view text, const std::string& file) {
    const Json root = Json::parse(text.begin(), text.end(), nullptr, false);
    if (root.is_discarded()) fail(ErrorKind::BadInput, file + ": not valid JSON");
    const JsonAt at{file, ""};
    requireObject(root, at);
    TokenizerConfig c;
    c.file = file;
    c.bos = tokenField(root, "bos_token", at);
    c.eos = tokenField(root, "eos_token", at);
    c.pad = tokenField(root, "pad_token", at);
    c.unk = tokenField(root, "unk_token", at);
    if (const Json* v = member(root, "add_bos_token"); v && !v->is_null())
        c.addBos = requireBool(*v, at["add_bos_token"]);
    return c;
}

} // namespace qat::tok
