// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Typed access to the fields of a JSON file: every failure is qat::Error(BadInput) naming the
// file and the field's path (e.g. "model.merges[12]").

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace qat::tok {

using Json = nlohmann::json;

/// A field of a file: its path and the file, for messages.
struct JsonAt {
    const std::string& file;
    std::string path;

    JsonAt operator[](const std::string& key) const { return {file, path.empty() ? key : path + "." + key}; }
    JsonAt operator[](size_t index) const { return {file, path + "[" + std::to_string(index) + "]"}; }
    /// Throws Error(BadInput): "<file>: field '<path>': <what>".
    [[noreturn]] void fail(const std::string& what) const;
};

/// The JSON type of `v` in words ("a string", "null" ...).
const char* jsonTypeName(const Json& v);

/// Member `key` of object `obj`, or nullptr when absent.
const Json* member(const Json& obj, const char* key);

const Json& requireMember(const Json& obj, const char* key, const JsonAt& at);
const Json& requireObject(const Json& v, const JsonAt& at);
const Json& requireArray(const Json& v, const JsonAt& at);
std::string requireString(const Json& v, const JsonAt& at);
bool requireBool(const Json& v, const JsonAt& at);
int64_t requireInt(const Json& v, const JsonAt& at);

/// Member `key` as a bool: `fallback` when absent or null.
bool boolOr(const Json& obj, const char* key, bool fallback, const JsonAt& at);
/// Member `key` as a non-negative integer: `fallback` when absent or null.
int64_t intOr(const Json& obj, const char* key, int64_t fallback, const JsonAt& at);
/// Member `key` as a string: nothing when absent or null.
std::optional<std::string> optionalString(const Json& obj, const char* key, const JsonAt& at);

} // namespace qat::tok
