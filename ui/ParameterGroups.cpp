// SPDX-License-Identifier: GPL-3.0-or-later
#include "ParameterGroups.h"

#include <map>
#include <string>

namespace qat {

namespace {

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
        switch (tensor.role) {
        case TensorRole::Embedding:
            add(embedding, tensor);
            break;
        case TensorRole::Layer: {
            const int layer = static_cast<int>(tensor.layer);
            ParameterGroup& group = layers[layer];
            group.kind = ParameterGroup::Kind::Layer;
            group.layer = layer;
            add(group, tensor);
            break;
        }
        case TensorRole::Head:
            headStored = true;
            add(head, tensor);
            break;
        case TensorRole::FinalNorm:
            add(head, tensor);
            break;
        case TensorRole::Other:
            add(other, tensor);
            break;
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
