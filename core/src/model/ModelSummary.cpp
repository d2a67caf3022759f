// SPDX-License-Identifier: GPL-3.0-or-later
#include "qat/ModelSummary.h"

#include "formats/ModelFiles.h"
#include "formats/SafeTensorsFile.h"
#include "model/TensorNames.h"
#include "qat/Tokenizer.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <set>
#include <sstream>

namespace qat {

namespace {

// Sort key placing tensors in model order (the tensor table's): embedding, layers (their modules
// in execution order, names::kBlockModules), norm, head.
std::tuple<int, int64_t, int, std::string> orderKey(const std::string& name) {
    if (name == names::kEmbed) return {0, 0, 0, name};
    if (name.rfind("model.layers.", 0) == 0) {
        const auto split = names::splitLayerName(name);
        if (!split) return {3, 0, 0, name};
        const int module = names::blockModuleIndex(split->second);
        return {1, split->first, module < 0 ? 99 : module, name};
    }
    if (name == names::kFinalNorm) return {2, 0, 0, name};
    if (name == names::kLmHead) return {2, 0, 1, name};
    return {3, 0, 0, name};
}

void classify(TensorSummary& t) {
    const auto [section, layer, slot, name] = orderKey(t.name);
    (void)slot;
    (void)name;
    if (section == 0) {
        t.role = TensorRole::Embedding;
    } else if (section == 1) {
        t.role = TensorRole::Layer;
        t.layer = layer;
    } else if (section == 2) {
        t.role = t.name == names::kFinalNorm ? TensorRole::FinalNorm : TensorRole::Head;
    }
}

std::string shapeText(const std::vector<int64_t>& shape) {
    std::string s = "[";
    for (size_t i = 0; i < shape.size(); ++i)
        s += (i ? ", " : "") + std::to_string(shape[i]);
    return s + "]";
}

std::string withSeparators(int64_t v) {
    std::string digits = std::to_string(v);
    std::string out;
    int count = 0;
    for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
        if (count && count % 3 == 0 && *it != '-') out.insert(out.begin(), ',');
        out.insert(out.begin(), *it);
        ++count;
    }
    return out;
}

} // namespace

std::string formatBytes(uint64_t bytes) {
    const char* units[] = {"B", "KB", "MB", "GB", "TB"};
    double v = static_cast<double>(bytes);
    int u = 0;
    while (v >= 1000.0 && u < 4) {
        v /= 1000.0;
        ++u;
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, u == 0 ? "%.0f %s" : "%.1f %s", v, units[u]);
    return buf;
}

namespace {

TokenizerSummary summarizeTokenizer(const Tokenizer& t) {
    TokenizerSummary s;
    s.file = t.file();
    s.kind = tokenizerKindName(t.kind());
    s.vocabSize = t.vocabSize();
    s.bosId = t.bosId();
    s.bos = t.piece(t.bosId());
    s.eosId = t.eosId();
    s.eos = t.piece(t.eosId());
    s.addsBos = t.addsBos();
    return s;
}

// "<|im_start|> (id 1)" or "none".
std::string tokenText(const std::string& text, int64_t id) {
    return id < 0 ? std::string("none") : text + " (id " + std::to_string(id) + ")";
}

} // namespace

Status inspectModel(const std::filesystem::path& folder, ModelSummary& out,
                    const std::filesystem::path& tokenizer) {
    return guarded([&] {
        const ModelFiles files = resolveModelFiles(folder);
        ModelSummary s;
        s.folder = folder;
        s.config = loadModelConfig(files.config);
        const std::filesystem::path tokFile = !tokenizer.empty() ? tokenizer : files.tokenizer.value_or("");
        if (!tokFile.empty()) s.tokenizer = summarizeTokenizer(*Tokenizer::load(tokFile));
        std::set<std::string> dtypes;
        for (const auto& path : files.weightFiles) {
            SafeTensorsFile f(path);
            s.weightFiles.push_back(path.filename().string());
            s.sizeOnDisk += std::filesystem::file_size(path);
            for (const auto& t : f.header().tensors) {
                if (files.index) {
                    auto it = files.weightMap.find(t.name);
                    if (it == files.weightMap.end() || it->second != path) continue;
                }
                TensorSummary ts;
                ts.name = t.name;
                ts.shape = t.shape;
                ts.dtype = dtypeName(t.dtype);
                ts.parameters = t.numel();
                ts.file = path.filename().string();
                classify(ts);
                s.parameters += ts.parameters;
                dtypes.insert(ts.dtype);
                s.tensors.push_back(std::move(ts));
            }
        }
        std::sort(s.tensors.begin(), s.tensors.end(), [](const TensorSummary& a, const TensorSummary& b) {
            return orderKey(a.name) < orderKey(b.name);
        });
        s.dtype = dtypes.size() == 1 ? *dtypes.begin() : (dtypes.empty() ? "none" : "mixed");
        out = std::move(s);
    });
}

std::string ModelSummary::toText() const {
    const ModelConfig& c = config;
    std::ostringstream o;
    o << "Model         " << folder.string() << "\n"
      << "Architecture  " << c.architecture << " (" << c.modelType << ")\n"
      << "Parameters    " << withSeparators(parameters) << "\n"
      << "Layers        " << c.numLayers << "\n"
      << "Hidden size   " << c.hiddenSize << "\n"
      << "Intermediate  " << c.intermediateSize << "\n"
      << "Heads         " << c.numHeads << " (KV heads " << c.numKvHeads << ", head dim " << c.headDim
      << ")\n"
      << "Vocabulary    " << c.vocabSize << "\n";
    if (tokenizer)
        o << "Tokenizer     " << tokenizer->kind << " (" << tokenizer->file.filename().string() << ", "
          << tokenizer->vocabSize << " ids), BOS " << tokenText(tokenizer->bos, tokenizer->bosId)
          << (tokenizer->addsBos ? " added to prompts" : "") << ", EOS "
          << tokenText(tokenizer->eos, tokenizer->eosId) << "\n";
    else
        o << "Tokenizer     none (no tokenizer.json or tokenizer.model)\n";
    o << "Context       " << c.maxPositionEmbeddings << " (rope "
      << ropeTypeName(c.ropeScaling ? c.ropeScaling->type : RopeType::Default) << ", theta " << c.ropeTheta;
    if (c.ropeScaling) o << ", factor " << c.ropeScaling->factor;
    o << ")\n"
      << "Embeddings    " << (c.tieWordEmbeddings ? "tied" : "untied") << "\n"
      << "Weights dtype " << dtype << "\n"
      << "Size on disk  " << formatBytes(sizeOnDisk) << " in " << weightFiles.size() << " file(s)\n\n";
    size_t width = 6;
    for (const auto& t : tensors)
        width = std::max(width, t.name.size());
    o << "Tensor" << std::string(width - 6 + 2, ' ') << "dtype  shape\n";
    for (const auto& t : tensors)
        o << t.name << std::string(width - t.name.size() + 2, ' ') << t.dtype
          << std::string(t.dtype.size() < 5 ? 5 - t.dtype.size() : 0, ' ') << "  " << shapeText(t.shape)
          << "\n";
    return o.str();
}

std::string ModelSummary::toJson() const {
    const ModelConfig& c = config;
    nlohmann::json j;
    j["folder"] = folder.string();
    j["architecture"] = c.architecture;
    j["model_type"] = c.modelType;
    j["parameters"] = parameters;
    j["layers"] = c.numLayers;
    j["hidden_size"] = c.hiddenSize;
    j["intermediate_size"] = c.intermediateSize;
    j["heads"] = c.numHeads;
    j["kv_heads"] = c.numKvHeads;
    j["head_dim"] = c.headDim;
    j["vocab_size"] = c.vocabSize;
    j["tie_word_embeddings"] = c.tieWordEmbeddings;
    j["dtype"] = dtype;
    j["size_on_disk"] = sizeOnDisk;
    j["weight_files"] = weightFiles;
    j["has_tokenizer"] = tokenizer.has_value();
    if (tokenizer)
        j["tokenizer"] = {{"file", tokenizer->file.string()},
                          {"kind", tokenizer->kind},
                          {"vocab_size", tokenizer->vocabSize},
                          {"bos_id", tokenizer->bosId},
                          {"bos", tokenizer->bos},
                          {"eos_id", tokenizer->eosId},
                          {"eos", tokenizer->eos},
                          {"adds_bos", tokenizer->addsBos}};
    auto& ts = j["tensors"] = nlohmann::json::array();
    for (const auto& t : tensors)
        ts.push_back({{"name", t.name}, {"shape", t.shape}, {"dtype", t.dtype}, {"file", t.file}});
    return j.dump(2);
}

} // namespace qat
