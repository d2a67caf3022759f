// SPDX-License-Identifier: GPL-3.0-or-later
#include "export/JsonFile.h"

#include "qat/Status.h"

#include <fstream>

namespace qat {

nlohmann::ordered_json readJsonFile(const std::filesystem::path& file) {
    std::ifstream in(file);
    if (!in) fail(ErrorKind::BadInput, file.string() + ": cannot open");
    try {
        return nlohmann::ordered_json::parse(in);
    } catch (const std::exception& e) {
        fail(ErrorKind::BadInput, file.string() + ": not valid JSON: " + e.what());
    }
}

void writeTextFile(const std::filesystem::path& file, const std::string& text) {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out << text;
    out.flush();
    if (!out) fail(ErrorKind::Failure, file.string() + ": write failed (disk full?)");
}

} // namespace qat
