// SPDX-License-Identifier: GPL-3.0-or-later
#include "qat/TextData.h"
#include "qat/Status.h"

#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>

namespace qat {

namespace {

bool isJsonl(const std::filesystem::path& file) {
    const std::string ext = file.extension().string();
    return ext == ".jsonl" || ext == ".JSONL";
}

std::string readAll(const std::filesystem::path& file) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(file, ec))
        fail(ErrorKind::BadInput, file.string() + ": file not found");
    std::ifstream in(file, std::ios::binary);
    if (!in) fail(ErrorKind::BadInput, file.string() + ": cannot open");
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::vector<std::string> jsonlTexts(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) fail(ErrorKind::BadInput, file.string() + ": cannot open");
    std::vector<std::string> texts;
    std::string line;
    int64_t lineNo = 0;
    while (std::getline(in, line)) {
        ++lineNo;
        if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
        const std::string where = file.string() + ": line " + std::to_string(lineNo);
        nlohmann::json j;
        if (line.find('\0') != std::string::npos) fail(ErrorKind::BadInput, where + ": contains a NUL byte");
        try {
            j = nlohmann::json::parse(line);
        } catch (const nlohmann::json::parse_error& e) {
            fail(ErrorKind::BadInput, where + ": not valid JSON (at column " + std::to_string(e.byte) + ")");
        } catch (const nlohmann::json::exception& e) {
            fail(ErrorKind::BadInput, where + ": not valid JSON");
        }
        if (!j.is_object()) fail(ErrorKind::BadInput, where + ": not a JSON object");
        auto it = j.find("text");
        if (it == j.end() || !it->is_string())
            fail(ErrorKind::BadInput, where + ": missing string field 'text'");
        texts.push_back(it->get<std::string>());
    }
    if (texts.empty()) fail(ErrorKind::BadInput, file.string() + ": no documents");
    return texts;
}

} // namespace

std::string readTextDataset(const std::filesystem::path& file) {
    if (!isJsonl(file)) {
        std::string text = readAll(file);
        if (text.empty()) fail(ErrorKind::BadInput, file.string() + ": file is empty");
        return text;
    }
    std::string joined;
    const auto texts = jsonlTexts(file);
    for (size_t i = 0; i < texts.size(); ++i) {
        if (i) joined += "\n\n";
        joined += texts[i];
    }
    return joined;
}

std::vector<std::string> readTextDocuments(const std::filesystem::path& file) {
    if (isJsonl(file)) return jsonlTexts(file);
    const std::string text = readAll(file);
    std::vector<std::string> docs;
    std::istringstream in(text);
    std::string line, current;
    auto flush = [&] {
        if (current.find_first_not_of(" \t\r\n") != std::string::npos) docs.push_back(current);
        current.clear();
    };
    while (std::getline(in, line)) {
        if (line.find_first_not_of(" \t\r") == std::string::npos) {
            flush();
        } else {
            if (!current.empty()) current += '\n';
            current += line;
        }
    }
    flush();
    if (docs.empty()) fail(ErrorKind::BadInput, file.string() + ": no documents");
    return docs;
}

} // namespace qat
