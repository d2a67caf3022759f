// SPDX-License-Identifier: GPL-3.0-or-later
#include "formats/GgufLlama.h"

#include "qat/Status.h"

#include <cmath>
#include <utility>

namespace qat::gguf {

namespace {

struct NameRow {
    const char* checkpoint; ///< outside the blocks: the whole name; inside: the module path in a block
    const char* gguf;
};

// Tensors outside the decoder blocks.
constexpr NameRow kModelTensors[] = {
    {"model.embed_tokens.weight", "token_embd.weight"},
    {"model.norm.weight", "output_norm.weight"},
    {"lm_head.weight", "output.weight"},
};

// Modules of a decoder block: "model.layers.N.<checkpoint>.<weight|bias>" <-> "blk.N.<gguf>.<weight|bias>".
constexpr NameRow kBlockModules[] = {
    {"input_layernorm", "attn_norm"},    {"self_attn.q_proj", "attn_q"},
    {"self_attn.k_proj", "attn_k"},      {"self_attn.v_proj", "attn_v"},
    {"self_attn.o_proj", "attn_output"}, {"post_attention_layernorm", "ffn_norm"},
    {"mlp.gate_proj", "ffn_gate"},       {"mlp.up_proj", "ffn_up"},
    {"mlp.down_proj", "ffn_down"},
};

// "<prefix>N.<rest>" -> (N, rest); false when `name` has another form.
bool splitBlockName(const std::string& name, const std::string& prefix, std::string& layer,
                    std::string& rest) {
    if (name.rfind(prefix, 0) != 0) return false;
    const size_t dot = name.find('.', prefix.size());
    if (dot == std::string::npos || dot == prefix.size()) return false;
    layer = name.substr(prefix.size(), dot - prefix.size());
    for (char c : layer)
        if (c < '0' || c > '9') return false;
    rest = name.substr(dot + 1);
    return true;
}

// Maps "<module>.<weight|bias>" through the block table, in the direction `from` -> `to`.
std::string mapBlockTensor(const std::string& rest, bool toGguf) {
    for (const NameRow& row : kBlockModules) {
        const std::string from = toGguf ? row.checkpoint : row.gguf;
        const std::string to = toGguf ? row.gguf : row.checkpoint;
        for (const char* suffix : {".weight", ".bias"})
            if (rest == from + suffix) return to + suffix;
    }
    return {};
}

// The hyperparameter keys, without the architecture prefix.
constexpr const char* kContextLength = "context_length";
constexpr const char* kEmbeddingLength = "embedding_length";
constexpr const char* kBlockCount = "block_count";
constexpr const char* kFeedForwardLength = "feed_forward_length";
constexpr const char* kHeadCount = "attention.head_count";
constexpr const char* kHeadCountKv = "attention.head_count_kv";
constexpr const char* kKeyLength = "attention.key_length";
constexpr const char* kValueLength = "attention.value_length";
constexpr const char* kRopeDimension = "rope.dimension_count";
constexpr const char* kRopeFreqBase = "rope.freq_base";
constexpr const char* kRopeScalingType = "rope.scaling.type";
constexpr const char* kRopeScalingFactor = "rope.scaling.factor";
constexpr const char* kRmsEps = "attention.layer_norm_rms_epsilon";
constexpr const char* kVocabSize = "vocab_size";

} // namespace

std::string ggufArchitecture(const ModelConfig& config) {
    return config.architecture == "Qwen2ForCausalLM" || config.modelType == "qwen2" ? "qwen2" : "llama";
}

std::string ggufTensorName(const std::string& checkpointName) {
    for (const NameRow& row : kModelTensors)
        if (checkpointName == row.checkpoint) return row.gguf;
    std::string layer, rest;
    if (!splitBlockName(checkpointName, "model.layers.", layer, rest)) return {};
    const std::string mapped = mapBlockTensor(rest, true);
    return mapped.empty() ? mapped : "blk." + layer + "." + mapped;
}

std::string checkpointTensorName(const std::string& ggufName) {
    for (const NameRow& row : kModelTensors)
        if (ggufName == row.gguf) return row.checkpoint;
    std::string layer, rest;
    if (!splitBlockName(ggufName, "blk.", layer, rest)) return {};
    const std::string mapped = mapBlockTensor(rest, false);
    return mapped.empty() ? mapped : "model.layers." + layer + "." + mapped;
}

bool permutesRotaryRows(const ModelConfig& config) {
    return ggufArchitecture(config) == "llama";
}

std::vector<int64_t> rotaryRowOrder(int64_t heads, int64_t headDim) {
    // Hugging Face keeps each head's rotary pairs as two halves (i, i + d/2); llama.cpp's llama
    // architecture interleaves them (2i, 2i + 1).
    const int64_t half = headDim / 2;
    std::vector<int64_t> order(static_cast<size_t>(heads * headDim));
    for (int64_t h = 0; h < heads; ++h)
        for (int64_t i = 0; i < half; ++i)
            for (int64_t j = 0; j < 2; ++j)
                order[static_cast<size_t>(h * headDim + 2 * i + j)] = h * headDim + j * half + i;
    return order;
}

void setArchitectureMetadata(GgufWriter& w, const ModelConfig& c) {
    const std::string arch = ggufArchitecture(c);
    auto key = [&](const char* k) { return arch + "." + k; };
    auto u32 = [](int64_t v) { return Value::u32(static_cast<uint32_t>(v)); };
    w.set("general.architecture", Value::string(arch));
    w.set(key(kContextLength), u32(c.maxPositionEmbeddings));
    w.set(key(kEmbeddingLength), u32(c.hiddenSize));
    w.set(key(kBlockCount), u32(c.numLayers));
    w.set(key(kFeedForwardLength), u32(c.intermediateSize));
    w.set(key(kHeadCount), u32(c.numHeads));
    w.set(key(kHeadCountKv), u32(c.numKvHeads));
    if (c.headDim * c.numHeads != c.hiddenSize) {
        w.set(key(kKeyLength), u32(c.headDim));
        w.set(key(kValueLength), u32(c.headDim));
    }
    w.set(key(kRopeDimension), u32(c.headDim));
    w.set(key(kRopeFreqBase), Value::f32(static_cast<float>(c.ropeTheta)));
    if (c.ropeScaling && c.ropeScaling->type == RopeType::Linear) {
        w.set(key(kRopeScalingType), Value::string("linear"));
        w.set(key(kRopeScalingFactor), Value::f32(static_cast<float>(c.ropeScaling->factor)));
    }
    w.set(key(kRmsEps), Value::f32(static_cast<float>(c.rmsNormEps)));
    w.set(key(kVocabSize), u32(c.vocabSize));
}

ModelConfig configFromGguf(const GgufFile& f) {
    const std::string arch = f.get("general.architecture").asString();
    if (arch != "llama" && arch != "qwen2")
        fail(ErrorKind::Unsupported, f.name() + ": key general.architecture: '" + arch +
                                         "' is not an architecture QAT Studio reads (llama, qwen2)");
    auto key = [&](const char* k) { return arch + "." + k; };
    auto count = [&](const char* k) {
        const uint64_t v = f.get(key(k)).asU64();
        if (v == 0 || v > (1u << 24))
            fail(ErrorKind::BadInput,
                 f.name() + ": key " + key(k) + ": " + std::to_string(v) + " is out of range");
        return static_cast<int64_t>(v);
    };
    ModelConfig c;
    c.architecture = arch == "qwen2" ? "Qwen2ForCausalLM" : "LlamaForCausalLM";
    c.modelType = arch;
    c.maxPositionEmbeddings = count(kContextLength);
    c.hiddenSize = count(kEmbeddingLength);
    c.numLayers = count(kBlockCount);
    c.intermediateSize = count(kFeedForwardLength);
    c.numHeads = count(kHeadCount);
    c.numKvHeads = f.find(key(kHeadCountKv)) ? count(kHeadCountKv) : c.numHeads;
    c.headDim = f.find(key(kKeyLength)) ? count(kKeyLength) : c.hiddenSize / c.numHeads;
    if (c.numHeads % c.numKvHeads != 0)
        fail(ErrorKind::BadInput, f.name() + ": key " + key(kHeadCountKv) + ": " +
                                      std::to_string(c.numKvHeads) + " does not divide the " +
                                      std::to_string(c.numHeads) + " heads");
    if (f.find(key(kRopeDimension)) && count(kRopeDimension) != c.headDim)
        fail(ErrorKind::Unsupported,
             f.name() + ": key " + key(kRopeDimension) + ": partial rotary embeddings are not supported");
    if (c.headDim % 2 != 0)
        fail(ErrorKind::BadInput, f.name() + ": the head dimension " + std::to_string(c.headDim) + " is odd");
    c.ropeTheta = f.find(key(kRopeFreqBase)) ? f.get(key(kRopeFreqBase)).asF64() : 10000.0;
    if (const Value* type = f.find(key(kRopeScalingType)); type && type->asString() != "none") {
        if (type->asString() != "linear")
            fail(ErrorKind::Unsupported, f.name() + ": key " + key(kRopeScalingType) + ": '" +
                                             type->asString() + "' is not supported (none, linear)");
        RopeScaling s;
        s.type = RopeType::Linear;
        s.factor = f.get(key(kRopeScalingFactor)).asF64();
        c.ropeScaling = s;
    }
    if (f.findTensor("rope_freqs.weight"))
        fail(ErrorKind::Unsupported, f.name() + ": tensor rope_freqs.weight (Llama 3 rope scaling) is not "
                                                "supported when reading a GGUF file");
    c.rmsNormEps = f.get(key(kRmsEps)).asF64();
    if (!(c.rmsNormEps > 0) || !std::isfinite(c.rmsNormEps))
        fail(ErrorKind::BadInput, f.name() + ": key " + key(kRmsEps) + ": must be positive");
    const TensorInfo* embed = f.findTensor("token_embd.weight");
    if (!embed || embed->ne.size() != 2)
        fail(ErrorKind::BadInput, f.name() + ": tensor token_embd.weight: missing or not a matrix");
    c.vocabSize = static_cast<int64_t>(embed->ne[1]);
    if (const Value* v = f.find(key(kVocabSize)); v && v->asU64() != embed->ne[1])
        fail(ErrorKind::BadInput, f.name() + ": key " + key(kVocabSize) + ": " + std::to_string(v->asU64()) +
                                      " differs from token_embd.weight's " + std::to_string(embed->ne[1]) +
                                      " rows");
    c.tieWordEmbeddings = f.findTensor("output.weight") == nullptr;
    c.attentionBias = f.findTensor("blk.0.attn_q.bias") != nullptr;
    auto tokenId = [&](const char* k, int64_t fallback) {
        const Value* v = f.find(k);
        return v ? static_cast<int64_t>(v->asU64()) : fallback;
    };
    c.bosTokenId = tokenId("tokenizer.ggml.bos_token_id", -1);
    c.eosTokenId = tokenId("tokenizer.ggml.eos_token_id", -1);
    c.torchDtype = "float32";
    return c;
}

uint32_t ggufFileType(GgmlType type) {
    // llama.cpp's enum llama_ftype: the k-quants as their "medium" mixes.
    constexpr std::pair<GgmlType, uint32_t> kFileTypes[] = {
        {GgmlType::F32, 0},   {GgmlType::F16, 1},   {GgmlType::Q4_0, 2},
        {GgmlType::Q4_1, 3},  {GgmlType::Q8_0, 7},  {GgmlType::Q2_K, 10},
        {GgmlType::Q3_K, 12}, {GgmlType::Q4_K, 15}, {GgmlType::BF16, 32},
    };
    for (const auto& [t, ftype] : kFileTypes)
        if (t == type) return ftype;
    return 1;
}

} // namespace qat::gguf
