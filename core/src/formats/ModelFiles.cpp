// SPDX-License-Identifier: GPL-3.0-or-later
#include "formats/ModelFiles.h"

#include "qat/Status.h"
#include "qat/Tokenizer.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <set>

namespace qat {

namespace fs = std::filesystem;

bool isPlainFileName(const std::string& name) {
    if (name.empty() || name == "." || name == "..") return false;
    if (name.find('/') != std::string::npos || name.find('\\') != std::string::npos) return false;
    if (name.find('\0') != std::string::npos) return false;
    if (name.size() >= 2 && name[1] == ':') return false; // drive letters
    return true;
}

namespace {

const char* kPickleExtensions[] = {".bin", ".pt", ".pth", ".ckpt", ".pkl", ".pickle"};

std::vector<fs::path> pickledCheckpoints(const fs::path& folder) {
    std::vector<fs::path> found;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(folder, ec)) {
        if (!entry.is_regular_file(ec)) continue;
        const std::string ext = entry.path().extension().string();
        for (const char* p : kPickleExtensions)
            if (ext == p) found.push_back(entry.path());
    }
    std::sort(found.begin(), found.end());
    return found;
}

void readIndex(ModelFiles& files, const fs::path& indexFile) {
    const std::string where = indexFile.string();
    std::ifstream in(indexFile, std::ios::binary);
    if (!in) fail(ErrorKind::BadInput, where + ": cannot open");
    nlohmann::json j;
    try {
        in >> j;
    } catch (const nlohmann::json::exception& e) {
        fail(ErrorKind::BadInput, where + ": not valid JSON: " + e.what());
    }
    if (!j.is_object()) fail(ErrorKind::BadInput, where + ": not a JSON object");
    auto wm = j.find("weight_map");
    if (wm == j.end() || !wm->is_object())
        fail(ErrorKind::BadInput, where + ": field 'weight_map' is missing or not an object");
    std::set<std::string> shards;
    for (auto it = wm->begin(); it != wm->end(); ++it) {
        if (!it.value().is_string())
            fail(ErrorKind::BadInput,
                 where + ": weight_map entry '" + it.key() + "' is not a file name string");
        const std::string shard = it.value().get<std::string>();
        if (!isPlainFileName(shard))
            fail(ErrorKind::BadInput, where + ": weight_map entry '" + it.key() + "' names '" + shard +
                                          "', which is not a plain file name inside the model folder");
        files.weightMap[it.key()] = files.folder / shard;
        shards.insert(shard);
    }
    if (shards.empty()) fail(ErrorKind::BadInput, where + ": weight_map is empty");
    for (const auto& shard : shards) {
        const fs::path p = files.folder / shard;
        std::error_code ec;
        if (!fs::is_regular_file(p, ec))
            fail(ErrorKind::BadInput,
                 where + ": shard '" + shard + "' does not exist in " + files.folder.string());
        files.weightFiles.push_back(p);
    }
}

} // namespace

ModelFiles resolveModelFiles(const fs::path& folder) {
    std::error_code ec;
    if (!fs::exists(folder, ec)) fail(ErrorKind::BadInput, folder.string() + ": model folder does not exist");
    if (!fs::is_directory(folder, ec))
        fail(ErrorKind::BadInput, folder.string() + ": not a folder (choose the model's folder)");

    ModelFiles files;
    files.folder = folder;
    files.config = folder / "config.json";
    if (!fs::is_regular_file(files.config, ec))
        fail(ErrorKind::BadInput,
             files.config.string() + ": not found (a Hugging Face model folder has a config.json)");

    const fs::path single = folder / "model.safetensors";
    const fs::path index = folder / "model.safetensors.index.json";
    if (fs::is_regular_file(index, ec)) {
        files.index = index;
        readIndex(files, index);
    } else if (fs::is_regular_file(single, ec)) {
        files.weightFiles.push_back(single);
    } else {
        const auto pickles = pickledCheckpoints(folder);
        if (!pickles.empty())
            fail(ErrorKind::BadInput,
                 pickles.front().string() +
                     ": pickled checkpoints are refused (loading them can run arbitrary code); "
                     "convert the model to safetensors (model.safetensors) first");
        fail(ErrorKind::BadInput,
             folder.string() + ": no model.safetensors or model.safetensors.index.json found");
    }
    files.tokenizer = Tokenizer::findInFolder(folder);
    return files;
}

} // namespace qat
