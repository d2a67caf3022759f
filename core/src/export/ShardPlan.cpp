// SPDX-License-Identifier: GPL-3.0-or-later
#include "export/ShardPlan.h"

#include "export/JsonFile.h"
#include "formats/SafeTensorsFile.h"

#include <cstdio>

namespace qat {

namespace {

uint64_t bytesOf(const torch::Tensor& t) {
    return static_cast<uint64_t>(t.numel()) * t.element_size();
}

std::string shardName(size_t k, size_t n) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "model-%05zu-of-%05zu.safetensors", k + 1, n);
    return buf;
}

} // namespace

std::vector<Shard> planShards(const NamedTensors& tensors, uint64_t maxBytes) {
    std::vector<Shard> shards;
    size_t begin = 0;
    uint64_t bytes = 0;
    for (size_t i = 0; i < tensors.size(); ++i) {
        const uint64_t b = bytesOf(tensors[i].second);
        if (i > begin && bytes + b > maxBytes) {
            shards.push_back({"", begin, i});
            begin = i;
            bytes = 0;
        }
        bytes += b;
    }
    shards.push_back({"", begin, tensors.size()});
    for (size_t k = 0; k < shards.size(); ++k)
        shards[k].file = shards.size() == 1 ? "model.safetensors" : shardName(k, shards.size());
    return shards;
}

void writeShards(const std::filesystem::path& folder, const NamedTensors& tensors,
                 const std::vector<Shard>& plan, const std::map<std::string, std::string>& metadata,
                 const ShardWritten& written) {
    if (plan.size() == 1) {
        writeSafeTensors(folder / plan.front().file, tensors, metadata);
        if (written) written(1, 1, plan.front().file);
        return;
    }
    uint64_t total = 0;
    nlohmann::ordered_json weightMap = nlohmann::ordered_json::object();
    for (const Shard& shard : plan) {
        const NamedTensors part(tensors.begin() + static_cast<std::ptrdiff_t>(shard.begin),
                                tensors.begin() + static_cast<std::ptrdiff_t>(shard.end));
        for (const auto& [name, t] : part) {
            weightMap[name] = shard.file;
            total += bytesOf(t);
        }
        writeSafeTensors(folder / shard.file, part, metadata);
        if (written) written(static_cast<size_t>(&shard - plan.data()) + 1, plan.size(), shard.file);
    }
    nlohmann::ordered_json index;
    index["metadata"] = {{"total_size", total}};
    index["weight_map"] = weightMap;
    writeTextFile(folder / "model.safetensors.index.json", index.dump(2) + "\n");
}

} // namespace qat
