// SPDX-License-Identifier: GPL-3.0-or-later
#include "model/GgufModel.h"

#include "formats/GgmlBlocks.h"
#include "formats/GgufLlama.h"
#include "model/TensorNames.h"
#include "qat/Status.h"

#include <map>
#include <set>

namespace qat {

bool isGgufFile(const std::filesystem::path& path) {
    std::error_code ec;
    return path.extension() == ".gguf" && std::filesystem::is_regular_file(path, ec);
}

WeightSource ggufWeights(const gguf::GgufFile& file, const ModelConfig& config) {
    std::map<std::string, const gguf::TensorInfo*> byName;
    for (const gguf::TensorInfo& t : file.tensors())
        byName[t.name] = &t;
    std::map<std::string, torch::Tensor> tensors;
    std::set<std::string> used;
    auto load = [&](const std::string& checkpointName, const std::vector<int64_t>& shape) {
        const std::string name = gguf::ggufTensorName(checkpointName);
        auto it = byName.find(name);
        if (it == byName.end()) fail(ErrorKind::BadInput, file.name() + ": tensor " + name + ": missing");
        const gguf::TensorInfo& t = *it->second;
        std::vector<uint64_t> expected(shape.rbegin(), shape.rend());
        if (t.ne != expected) {
            std::string have, want;
            for (uint64_t d : t.ne)
                have += (have.empty() ? "" : ", ") + std::to_string(d);
            for (uint64_t d : expected)
                want += (want.empty() ? "" : ", ") + std::to_string(d);
            fail(ErrorKind::BadInput, file.name() + ": tensor " + name + ": ne [" + have +
                                          "] where the metadata implies [" + want + "]");
        }
        const int64_t n = static_cast<int64_t>(t.ne[0]), rows = static_cast<int64_t>(t.rows());
        torch::Tensor out = torch::empty({rows, n}, torch::kFloat32);
        const uint64_t rowBytes = gguf::ggmlRowBytes(t.type, n);
        const uint8_t* src = file.tensorData(t);
        for (int64_t r = 0; r < rows; ++r)
            gguf::dequantizeRow(t.type, src + static_cast<uint64_t>(r) * rowBytes,
                                out.data_ptr<float>() + r * n, n);
        used.insert(name);
        tensors[checkpointName] = out.reshape(shape);
    };
    for (const names::CheckpointTensor& row : names::checkpointTensors(config)) {
        load(row.name, row.shape);
        if (row.kind == names::ModuleKind::Linear && row.hasBias)
            load(row.module() + ".bias", {row.shape[0]});
    }
    // q and k rows: llama.cpp's interleaved rotary order back to the checkpoint's halves.
    if (gguf::permutesRotaryRows(config))
        for (int64_t layer = 0; layer < config.numLayers; ++layer)
            for (auto [slot, heads] : {std::pair{names::LinearSlot::Q, config.numHeads},
                                       std::pair{names::LinearSlot::K, config.numKvHeads}}) {
                const std::vector<int64_t> order = gguf::rotaryRowOrder(heads, config.headDim);
                std::vector<int64_t> inverse(order.size());
                for (size_t r = 0; r < order.size(); ++r)
                    inverse[static_cast<size_t>(order[r])] = static_cast<int64_t>(r);
                const torch::Tensor index = torch::tensor(inverse, torch::kInt64);
                for (const std::string& name :
                     {names::linearWeight(layer, slot), names::linearBias(layer, slot)})
                    if (auto it = tensors.find(name); it != tensors.end())
                        it->second = it->second.index_select(0, index).contiguous();
            }
    for (const gguf::TensorInfo& t : file.tensors())
        if (!used.count(t.name))
            fail(ErrorKind::BadInput, file.name() + ": tensor " + t.name + ": not a tensor of the " +
                                          gguf::ggufArchitecture(config) + " architecture QAT Studio reads");
    return WeightSource(std::move(tensors), file.name());
}

} // namespace qat
