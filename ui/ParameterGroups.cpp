// SPDX-License-Identifier: GPL-3.0-or-later
#include "ParameterGroups.h"

#include <map>
#include <string>

namespace qat {

namespace {

// The Hugging Face Llama tensor-name prefixes this grouping relies on (the only place in ui
// that looks at tensor names).
constexpr const char* kEmbeddingPrefix = "model.embed_tokens.";
constexpr const char* kLayerPrefix = "model.layers.";
constexpr const char* kFinalNormPrefix = "model.norm.";
constexpr const char* kHeadPrefix = "lm_head.";

bool startsWith(const std::string& text, const char* prefix) {
    return text.rfind(prefix, 0) == 0;
}

/// The layer index of "model.layers.<n>.…", or -1.
int layerIndex(const std::string& name) {
    if (!startsWith(name, kLayerPrefix)) return -1;
    size_t pos = std::char_traits<char>::length(kLayerPrefix);
    const size_t digitsBegin = pos;
    long long index = 0;
    while (pos < name.size() && name[pos] >= '0' && name[pos] <= '9' && pos - digitsBegin < 9) {
        index = index * 10 + (name[pos] - '0');
        ++pos;
    }
    if (pos == digitsBegin || pos >= name.size() || name[pos] != '.') return -1;
    return static_cast<int>(index);
}

void add(ParameterGroup& group, const TensorSummary& tensor) {
    group.parameters += tensor.parameters;
    group.tensors += 1;
}

} // namespace

std::vector<ParameterGroup> groupParameters(const std::vector<TensorSummary>& tensors) {
    ParameterGroup embedding{ParameterGroup::Kind::Embedding};
    ParameterGroup head{ParameterGroup::Kind::Head};
    ParameterGroup other{ParameterGroup::Kind::Other};
    std::map<int, ParameterGroup> layers;
    bool headStored = false;

    for (const TensorSummary& tensor : tensors) {
        if (startsWith(tensor.name, kEmbeddingPrefix)) {
            add(embedding, tensor);
        } else if (const int layer = layerIndex(tensor.name); layer >= 0) {
            ParameterGroup& group = layers[layer];
            group.kind = ParameterGroup::Kind::Layer;
            group.layer = layer;
            add(group, tensor);
        } else if (startsWith(tensor.name, kHeadPrefix)) {
            headStored = true;
            add(head, tensor);
        } else if (startsWith(tensor.name, kFinalNormPrefix)) {
            add(head, tensor);
        } else {
            add(other, tensor);
        }
    }

    if (!headStored && embedding.tensors > 0) {
        embedding.parameters += head.parameters;
        embedding.tensors += head.tensors;
        embedding.tiedHead = true;
        head = ParameterGroup{ParameterGroup::Kind::Head};
    }

    std::vector<ParameterGroup> groups;
    groups.reserve(layers.size() + 3);
    if (embedding.tensors > 0) groups.push_back(embedding);
    for (const auto& entry : layers)
        groups.push_back(entry.second);
    if (head.tensors > 0) groups.push_back(head);
    if (other.tensors > 0) groups.push_back(other);
    return groups;
}

} // namespace qat
