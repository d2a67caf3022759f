// SPDX-License-Identifier: GPL-3.0-or-later
#include "JsonFields.h"
#include "qat/Status.h"

namespace qat::tok {

void JsonAt::fail(const std::string& what) const {
    qat::fail(ErrorKind::BadInput,
              file + ": field '" + (path.empty() ? std::string("(root)") : path) + "': " + what);
}

const char* jsonTypeName(const Json& v) {
    switch (v.type()) {
    case Json::value_t::null:
        return "null";
    case Json::value_t::object:
        return "an object";
    case Json::value_t::array:
        return "an array";
    case Json::value_t::string:
        return "a string";
    case Json::value_t::boolean:
        return "a boolean";
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
        return "an integer";
    case Json::value_t::number_float:
        return "a floating-point number";
    default:
        return "an unsupported value";
    }
}

const Json* member(const Json& obj, const char* key) {
    if (!obj.is_object()) return nullptr;
    const auto it = obj.find(key);
    return it == obj.end() ? nullptr : &*it;
}

const Json& requireMember(const Json& obj, const char* key, const JsonAt& at) {
    const Json* v = member(requireObject(obj, at), key);
    if (!v) at[key].fail("missing");
    return *v;
}

const Json& requireObject(const Json& v, const JsonAt& at) {
    if (!v.is_object()) at.fail(std::string("expected an object, found ") + jsonTypeName(v));
    return v;
}

const Json& requireArray(const Json& v, const JsonAt& at) {
    if (!v.is_array()) at.fail(std::string("expected an array, found ") + jsonTypeName(v));
    return v;
}

std::string requireString(const Json& v, const JsonAt& at) {
    if (!v.is_string()) at.fail(std::string("expected a string, found ") + jsonTypeName(v));
    return v.get<std::string>();
}

bool requireBool(const Json& v, const JsonAt& at) {
    if (!v.is_boolean()) at.fail(std::string("expected true or false, found ") + jsonTypeName(v));
    return v.get<bool>();
}

int64_t requireInt(const Json& v, const JsonAt& at) {
    if (v.is_number_unsigned()) {
        const auto u = v.get<uint64_t>();
        if (u > uint64_t(INT64_MAX)) at.fail("integer out of range");
        return int64_t(u);
    }
    if (!v.is_number_integer()) at.fail(std::string("expected an integer, found ") + jsonTypeName(v));
    return v.get<int64_t>();
}

bool boolOr(const Json& obj, const char* key, bool fallback, const JsonAt& at) {
    const Json* v = member(obj, key);
    return (!v || v->is_null()) ? fallback : requireBool(*v, at[key]);
}

int64_t intOr(const Json& obj, const char* key, int64_t fallback, const JsonAt& at) {
    const Json* v = member(obj, key);
    if (!v || v->is_null()) return fallback;
    const int64_t n = requireInt(*v, at[key]);
    if (n < 0) at[key].fail("must not be negative");
    return n;
}

std::optional<std::string> optionalString(const Json& obj, const char* key, const JsonAt& at) {
    const Json* v = member(obj, key);
    if (!v || v->is_null()) return std::nullopt;
    return requireString(*v, at[key]);
}

} // namespace qat::tok
