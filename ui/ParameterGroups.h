// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file ParameterGroups.h
/// Parameters per block of a Llama-family checkpoint (embedding, each decoder layer, head),
/// the bars of the model page's chart.

#include <qat/ModelSummary.h>

#include <cstdint>
#include <vector>

namespace qat {

/// One bar of the parameter chart.
struct ParameterGroup {
    enum class Kind { Embedding, Layer, Head, Other };
    Kind kind = Kind::Other;
    int layer = -1;         ///< the decoder layer, for Kind::Layer
    int64_t parameters = 0; ///< sum over the group's stored tensors
    int tensors = 0;        ///< how many stored tensors the group holds
    /// For Kind::Embedding: the embedding doubles as the output head (tied weights, no
    /// lm_head stored), and the final norm is counted here.
    bool tiedHead = false;
};

/// Sums the tensors' parameters per block (by the role core gives each tensor), in model
/// order: the embedding, layers 0..n-1, the head (lm_head and the final norm), then anything
/// else in one Kind::Other group. When no lm_head is stored (tied embeddings) the head
/// group is merged into the embedding group, which is then marked tiedHead. Groups
/// without tensors are left out, so the parameters of all groups add up to the total.
std::vector<ParameterGroup> groupParameters(const std::vector<TensorSummary>& tensors);

} // namespace qat
