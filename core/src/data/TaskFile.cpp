// SPDX-License-Identifier: GPL-3.0-or-later
#include "TaskFile.h"

#include "qat/Status.h"

#include <nlohmann/json.hpp>

#include <fstream>

namespace qat {

namespace {

using nlohmann::json;

const json& field(const json& j, const char* name, const std::string& where) {
    auto it = j.find(name);
    if (it == j.end()) fail(ErrorKind::BadInput, where + ": field '" + name + "': missing");
    return *it;
}

std::string stringField(const json& j, const char* name, const std::string& where) {
    const json& v = field(j, name, where);
    if (!v.is_string()) fail(ErrorKind::BadInput, where + ": field '" + name + "': not a string");
    return v.get<std::string>();
}

std::vector<std::string> stringList(const json& j, const char* name, const std::string& where) {
    const json& v = field(j, name, where);
    if (!v.is_array()) fail(ErrorKind::BadInput, where + ": field '" + name + "': not a list");
    if (v.empty()) fail(ErrorKind::BadInput, where + ": field '" + name + "': empty");
    if (v.size() > TaskFileLimits::maxChoices)
        fail(ErrorKind::BadInput, where + ": field '" + name + "': " + std::to_string(v.size()) +
                                      " entries, more than " + std::to_string(TaskFileLimits::maxChoices));
    std::vector<std::string> out;
    for (size_t i = 0; i < v.size(); ++i) {
        if (!v[i].is_string() || v[i].get_ref<const std::string&>().empty())
            fail(ErrorKind::BadInput,
                 where + ": field '" + name + "': entry " + std::to_string(i) + " is not a non-empty string");
        out.push_back(v[i].get<std::string>());
    }
    return out;
}

int64_t intField(const json& j, const char* name, const std::string& where) {
    const json& v = field(j, name, where);
    if (!v.is_number_integer()) fail(ErrorKind::BadInput, where + ": field '" + name + "': not an integer");
    return v.get<int64_t>();
}

TaskItem parseItem(const json& j, bool partial, const std::string& where) {
    if (!j.is_object()) fail(ErrorKind::BadInput, where + ": not a JSON object");
    TaskItem item;
    item.id = stringField(j, "id", where);
    if (partial) {
        item.contexts = stringList(j, "contexts", where);
        if (item.contexts.size() < 2)
            fail(ErrorKind::BadInput, where + ": field 'contexts': needs at least two options");
        item.continuations = {stringField(j, "continuation", where)};
        if (item.continuations.front().empty())
            fail(ErrorKind::BadInput, where + ": field 'continuation': empty");
    } else {
        item.contexts = {stringField(j, "context", where)};
        item.continuations = stringList(j, "choices", where);
        if (item.continuations.size() < 2)
            fail(ErrorKind::BadInput, where + ": field 'choices': needs at least two choices");
        const json& norm = field(j, "norm_len", where);
        if (!norm.is_array() || norm.size() != item.continuations.size())
            fail(ErrorKind::BadInput, where + ": field 'norm_len': not a list of " +
                                          std::to_string(item.continuations.size()) +
                                          " lengths (one per choice)");
        for (const auto& n : norm) {
            if (!n.is_number_integer() || n.get<int64_t>() < 1)
                fail(ErrorKind::BadInput, where + ": field 'norm_len': lengths must be positive integers");
            item.normLen.push_back(n.get<int64_t>());
        }
    }
    item.gold = intField(j, "gold", where);
    if (item.gold < 0 || item.gold >= static_cast<int64_t>(item.choices()))
        fail(ErrorKind::BadInput, where + ": field 'gold': " + std::to_string(item.gold) +
                                      " is not a choice (0-" + std::to_string(item.choices() - 1) + ")");
    return item;
}

} // namespace

std::vector<TaskItem> readTaskFile(const std::filesystem::path& file, bool partial, int64_t limit) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(file, ec))
        fail(ErrorKind::BadInput, file.string() + ": task file not found");
    const auto bytes = std::filesystem::file_size(file, ec);
    if (ec || bytes > TaskFileLimits::maxFileBytes)
        fail(ErrorKind::BadInput,
             file.string() + ": larger than " + std::to_string(TaskFileLimits::maxFileBytes >> 20) + " MiB");
    std::ifstream in(file, std::ios::binary);
    if (!in) fail(ErrorKind::BadInput, file.string() + ": cannot open");
    std::vector<TaskItem> items;
    std::string line;
    int64_t lineNo = 0;
    while (std::getline(in, line)) {
        ++lineNo;
        if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
        const std::string where = file.string() + ": line " + std::to_string(lineNo);
        if (line.size() > TaskFileLimits::maxLineBytes)
            fail(ErrorKind::BadInput,
                 where + ": longer than " + std::to_string(TaskFileLimits::maxLineBytes) + " bytes");
        json j = json::parse(line, nullptr, /*allow_exceptions=*/false);
        if (j.is_discarded()) fail(ErrorKind::BadInput, where + ": not valid JSON");
        items.push_back(parseItem(j, partial, where));
        if (limit > 0 && static_cast<int64_t>(items.size()) >= limit) break;
    }
    if (items.empty()) fail(ErrorKind::BadInput, file.string() + ": no items");
    return items;
}

} // namespace qat
