// SPDX-License-Identifier: GPL-3.0-or-later
#include "qat/ModelConfig.h"
#include "qat/Status.h"

#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>

namespace qat {

namespace {

using nlohmann::json;

const char* kArchitectures[][2] = {
    {"LlamaForCausalLM", "llama"},
    {"MistralForCausalLM", "mistral"},
    {"Qwen2ForCausalLM", "qwen2"},
};

// The rope types the engine computes (core/src/model/Layers.cpp), by config.json name.
struct RopeTypeEntry {
    RopeType type;
    const char* name;
};
constexpr RopeTypeEntry kRopeTypes[] = {
    {RopeType::Default, "default"},
    {RopeType::Linear, "linear"},
    {RopeType::Llama3, "llama3"},
};

std::string supportedRopeTypes() {
    std::string names;
    for (const auto& t : kRopeTypes)
        names += (names.empty() ? "" : ", ") + std::string(t.name);
    return names;
}

class FieldReader {
public:
    FieldReader(const json& root, std::string file) : m_root(root), m_file(std::move(file)) {}

    [[noreturn]] void bad(const std::string& field, const std::string& what) const {
        fail(ErrorKind::BadInput, m_file + ": field '" + field + "' " + what);
    }

    const json* find(const json& obj, const std::string& field) const {
        auto it = obj.find(field);
        if (it == obj.end() || it->is_null()) return nullptr;
        return &*it;
    }

    int64_t integer(const std::string& field, const json& obj, const std::string& path) const {
        const json* v = find(obj, field);
        if (!v) bad(path, "is missing");
        if (!v->is_number_integer()) bad(path, "must be an integer, found " + std::string(v->type_name()));
        return v->get<int64_t>();
    }
    int64_t integer(const std::string& field) const { return integer(field, m_root, field); }

    int64_t positive(const std::string& field) const {
        int64_t v = integer(field);
        if (v <= 0) bad(field, "must be positive, found " + std::to_string(v));
        return v;
    }

    int64_t integerOr(const std::string& field, int64_t fallback) const {
        return find(m_root, field) ? integer(field) : fallback;
    }

    double number(const std::string& field, const json& obj, const std::string& path) const {
        const json* v = find(obj, field);
        if (!v) bad(path, "is missing");
        if (!v->is_number()) bad(path, "must be a number, found " + std::string(v->type_name()));
        return v->get<double>();
    }
    double numberOr(const std::string& field, double fallback) const {
        return find(m_root, field) ? number(field, m_root, field) : fallback;
    }

    bool booleanOr(const std::string& field, bool fallback) const {
        const json* v = find(m_root, field);
        if (!v) return fallback;
        if (!v->is_boolean()) bad(field, "must be true or false, found " + std::string(v->type_name()));
        return v->get<bool>();
    }

    std::string stringOr(const std::string& field, const std::string& fallback) const {
        const json* v = find(m_root, field);
        if (!v) return fallback;
        if (!v->is_string()) bad(field, "must be a string, found " + std::string(v->type_name()));
        return v->get<std::string>();
    }

    // Token ids may be an integer or (in some configs) a list; take the first.
    int64_t tokenId(const std::string& field, int64_t fallback) const {
        const json* v = find(m_root, field);
        if (!v) return fallback;
        if (v->is_number_integer()) return v->get<int64_t>();
        if (v->is_array() && !v->empty() && (*v)[0].is_number_integer()) return (*v)[0].get<int64_t>();
        bad(field, "must be an integer token id");
    }

    const json& root() const { return m_root; }
    const std::string& file() const { return m_file; }

private:
    const json& m_root;
    std::string m_file;
};

// The rope settings, read as transformers 5.25 reads them (PreTrainedConfig.__post_init__ →
// convert_rope_params_to_dict → standardize_rope_params): a non-empty `rope_scaling` object
// replaces `rope_parameters` whole, so with both present `rope_parameters` is ignored, its
// theta too. Theta is the chosen dict's `rope_theta`, else the top-level `rope_theta`, else
// 10000; the type its `rope_type`, else `type`, else "default".
void parseRope(const FieldReader& r, ModelConfig& c) {
    const json& root = r.root();
    const json* scaling = r.find(root, "rope_scaling");
    if (scaling && !scaling->is_object()) r.bad("rope_scaling", "must be an object or null");
    const json* parameters = r.find(root, "rope_parameters");
    if (parameters && !parameters->is_object()) r.bad("rope_parameters", "must be an object or null");
    static const json kEmpty = json::object();
    const json* rope = parameters ? parameters : &kEmpty;
    std::string name = "rope_parameters";
    if (scaling && !scaling->empty()) {
        rope = scaling;
        name = "rope_scaling";
    }
    auto field = [&](const char* key) { return name + "." + key; };

    if (r.find(*rope, "rope_theta"))
        c.ropeTheta = r.number("rope_theta", *rope, field("rope_theta"));
    else
        c.ropeTheta = r.numberOr("rope_theta", 10000.0);
    if (!(c.ropeTheta > 0))
        r.bad(r.find(*rope, "rope_theta") ? field("rope_theta") : "rope_theta", "must be positive");

    std::string typeKey, type = "default";
    for (const char* key : {"rope_type", "type"}) {
        if (const json* v = r.find(*rope, key)) {
            if (!v->is_string()) r.bad(field(key), "must be a string, found " + std::string(v->type_name()));
            typeKey = key;
            type = v->get<std::string>();
            break;
        }
    }
    // transformers would take this as plain RoPE and drop the factor: too likely a mistake.
    if (typeKey.empty() && r.find(*rope, "factor"))
        r.bad(field("rope_type"), "is missing (a factor is given)");
    const RopeTypeEntry* entry = nullptr;
    for (const auto& t : kRopeTypes)
        if (type == t.name) entry = &t;
    if (!entry)
        fail(ErrorKind::Unsupported, r.file() + ": field '" + field(typeKey.c_str()) +
                                         "': unsupported rope type '" + type +
                                         "' (supported: " + supportedRopeTypes() + ")");
    if (entry->type == RopeType::Default) return;

    RopeScaling s;
    s.type = entry->type;
    s.factor = r.number("factor", *rope, field("factor"));
    if (!(s.factor > 0)) r.bad(field("factor"), "must be positive");
    if (s.type == RopeType::Llama3) {
        s.lowFreqFactor = r.number("low_freq_factor", *rope, field("low_freq_factor"));
        s.highFreqFactor = r.number("high_freq_factor", *rope, field("high_freq_factor"));
        // A top-level value wins (transformers keeps it for Phi-3), then the rope dict's, then the context.
        if (r.find(root, "original_max_position_embeddings"))
            s.originalMaxPositionEmbeddings = r.positive("original_max_position_embeddings");
        else if (r.find(*rope, "original_max_position_embeddings"))
            s.originalMaxPositionEmbeddings = r.integer("original_max_position_embeddings", *rope,
                                                        field("original_max_position_embeddings"));
        else
            s.originalMaxPositionEmbeddings = c.maxPositionEmbeddings;
        if (!(s.lowFreqFactor > 0) || !(s.highFreqFactor > s.lowFreqFactor) ||
            s.originalMaxPositionEmbeddings <= 0)
            r.bad(name, "has inconsistent llama3 parameters (need low_freq_factor > 0, high_freq_factor > "
                        "low_freq_factor, original_max_position_embeddings > 0)");
    }
    c.ropeScaling = s;
}

[[noreturn]] void badQuant(const std::string& file, const std::string& field, const std::string& what,
                           ErrorKind kind = ErrorKind::BadInput) {
    fail(kind, file + ": field 'quantization_config." + field + "' " + what);
}

int gptqBits(const json& v, const std::string& file, const std::string& field) {
    if (!v.is_number_integer()) badQuant(file, field, "must be an integer");
    const int64_t b = v.get<int64_t>();
    if (b != 2 && b != 3 && b != 4 && b != 8)
        badQuant(file, field,
                 "is " + std::to_string(b) + "; packed models of 2, 3, 4 or 8 bits are supported",
                 ErrorKind::Unsupported);
    return static_cast<int>(b);
}

int64_t gptqGroup(const json& v, const std::string& file, const std::string& field) {
    if (!v.is_number_integer()) badQuant(file, field, "must be an integer");
    const int64_t g = v.get<int64_t>();
    if (g != -1 && g <= 0)
        badQuant(file, field, "must be positive or -1 (per channel), found " + std::to_string(g));
    return g;
}

GptqConfig parseGptqConfig(const json& qc, const std::string& file) {
    if (!qc.is_object()) fail(ErrorKind::BadInput, file + ": field 'quantization_config' must be an object");
    auto method = qc.find("quant_method");
    if (method == qc.end() || !method->is_string()) badQuant(file, "quant_method", "is missing");
    if (method->get<std::string>() != "gptq")
        badQuant(file, "quant_method",
                 "is '" + method->get<std::string>() + "'; only GPTQ-packed models (\"gptq\") load",
                 ErrorKind::Unsupported);
    GptqConfig g;
    auto bits = qc.find("bits");
    if (bits == qc.end()) badQuant(file, "bits", "is missing");
    g.bits = gptqBits(*bits, file, "bits");
    auto group = qc.find("group_size");
    if (group == qc.end()) badQuant(file, "group_size", "is missing");
    g.groupSize = gptqGroup(*group, file, "group_size");
    auto flag = [&](const char* key, bool fallback) {
        auto it = qc.find(key);
        if (it == qc.end() || it->is_null()) return fallback;
        if (!it->is_boolean()) badQuant(file, key, "must be true or false");
        return it->get<bool>();
    };
    g.descAct = flag("desc_act", false);
    g.sym = flag("sym", true);
    g.lmHead = flag("lm_head", false);
    if (g.lmHead)
        badQuant(file, "lm_head", "is true; a quantized head is not supported", ErrorKind::Unsupported);
    auto format = qc.find("checkpoint_format");
    if (format != qc.end() && !format->is_null()) {
        if (!format->is_string()) badQuant(file, "checkpoint_format", "must be a string");
        g.checkpointFormat = format->get<std::string>();
        if (g.checkpointFormat != "gptq" && g.checkpointFormat != "gptq_v2")
            badQuant(file, "checkpoint_format", "is '" + g.checkpointFormat + "'; supported: gptq, gptq_v2",
                     ErrorKind::Unsupported);
    }
    auto dynamic = qc.find("dynamic");
    if (dynamic != qc.end() && !dynamic->is_null()) {
        if (!dynamic->is_object()) badQuant(file, "dynamic", "must be an object of pattern: overrides");
        for (const auto& [key, value] : dynamic->items()) {
            const std::string field = "dynamic[\"" + key + "\"]";
            GptqDynamicRule rule;
            rule.exclude = key.rfind("-:", 0) == 0;
            rule.pattern = key.rfind("-:", 0) == 0 || key.rfind("+:", 0) == 0 ? key.substr(2) : key;
            if (!value.is_object()) badQuant(file, field, "must be an object");
            for (const auto& [k, v] : value.items()) {
                if (k == "bits")
                    rule.bits = gptqBits(v, file, field + ".bits");
                else if (k == "group_size")
                    rule.groupSize = gptqGroup(v, file, field + ".group_size");
                else if (k == "desc_act" && v.is_boolean() && !v.get<bool>())
                    continue;
                else if (k == "sym" && v.is_boolean())
                    continue; // asymmetric packing covers both
                else
                    badQuant(file, field + "." + k,
                             "is not supported (supported overrides: bits, group_size)",
                             ErrorKind::Unsupported);
            }
            g.dynamic.push_back(std::move(rule));
        }
    }
    return g;
}

} // namespace

ModelConfig parseModelConfig(const std::string& jsonText, const std::string& fileName) {
    json root;
    if (jsonText.find('\0') != std::string::npos)
        fail(ErrorKind::BadInput, fileName + ": contains a NUL byte (not a JSON text file)");
    try {
        root = json::parse(jsonText);
    } catch (const json::exception& e) {
        fail(ErrorKind::BadInput, fileName + ": not valid JSON: " + e.what());
    }
    if (!root.is_object()) fail(ErrorKind::BadInput, fileName + ": not a JSON object");
    FieldReader r(root, fileName);
    ModelConfig c;

    const json* archs = r.find(root, "architectures");
    if (!archs) r.bad("architectures", "is missing");
    if (!archs->is_array() || archs->empty() || !(*archs)[0].is_string())
        r.bad("architectures", "must be a non-empty list of strings");
    c.architecture = (*archs)[0].get<std::string>();
    std::string defaultType;
    for (const auto& a : kArchitectures)
        if (c.architecture == a[0]) defaultType = a[1];
    if (defaultType.empty())
        fail(ErrorKind::Unsupported,
             fileName + ": field 'architectures': unsupported architecture '" + c.architecture +
                 "' (supported: LlamaForCausalLM, MistralForCausalLM, Qwen2ForCausalLM)");
    c.modelType = r.stringOr("model_type", defaultType);

    c.hiddenSize = r.positive("hidden_size");
    c.intermediateSize = r.positive("intermediate_size");
    c.numLayers = r.positive("num_hidden_layers");
    c.numHeads = r.positive("num_attention_heads");
    c.numKvHeads = r.integerOr("num_key_value_heads", c.numHeads);
    if (c.numKvHeads <= 0) r.bad("num_key_value_heads", "must be positive");
    if (c.numHeads % c.numKvHeads != 0)
        r.bad("num_key_value_heads", "(" + std::to_string(c.numKvHeads) +
                                         ") must divide num_attention_heads (" + std::to_string(c.numHeads) +
                                         ")");
    if (r.find(root, "head_dim")) {
        c.headDim = r.positive("head_dim");
    } else {
        if (c.hiddenSize % c.numHeads != 0)
            r.bad("hidden_size", "must be a multiple of num_attention_heads when head_dim is not given");
        c.headDim = c.hiddenSize / c.numHeads;
    }
    if (c.headDim % 2 != 0) r.bad("head_dim", "must be even for rotary embeddings");
    c.vocabSize = r.positive("vocab_size");
    c.maxPositionEmbeddings = r.integerOr("max_position_embeddings", 2048);
    c.rmsNormEps = r.numberOr("rms_norm_eps", 1e-6);
    if (!(c.rmsNormEps > 0)) r.bad("rms_norm_eps", "must be positive");
    c.tieWordEmbeddings = r.booleanOr("tie_word_embeddings", false);
    c.attentionBias = r.booleanOr("attention_bias", c.architecture == "Qwen2ForCausalLM");
    c.mlpBias = r.booleanOr("mlp_bias", false);
    c.bosTokenId = r.tokenId("bos_token_id", 1);
    c.eosTokenId = r.tokenId("eos_token_id", 2);
    // transformers >= 5 writes `dtype`; with both present it keeps `dtype`.
    c.torchDtype = r.find(root, "dtype") ? r.stringOr("dtype", "") : r.stringOr("torch_dtype", "");

    const std::string act = r.stringOr("hidden_act", "silu");
    if (act != "silu")
        fail(ErrorKind::Unsupported,
             fileName + ": field 'hidden_act': unsupported activation '" + act + "' (only silu)");

    parseRope(r, c);
    if (const json* qc = r.find(root, "quantization_config")) c.gptq = parseGptqConfig(*qc, fileName);
    return c;
}

const char* ropeTypeName(RopeType type) {
    for (const auto& t : kRopeTypes)
        if (t.type == type) return t.name;
    return "unknown";
}

ModelConfig loadModelConfig(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in)
        fail(ErrorKind::BadInput,
             file.string() + ": cannot open (does the model folder have a config.json?)");
    std::ostringstream ss;
    ss << in.rdbuf();
    return parseModelConfig(ss.str(), file.string());
}

} // namespace qat
