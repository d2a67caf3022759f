// SPDX-License-Identifier: GPL-3.0-or-later
#include "formats/GgufTokenizer.h"

#include "qat/Status.h"
#include "tokenizer/SentencePieceTokenizer.h"
#include "tokenizer/TokenizerJson.h"

#include <nlohmann/json.hpp>

#include <fstream>
#include <map>
#include <sstream>

namespace qat::gguf {

namespace {

using nlohmann::json;

// llama.cpp's token types (llama_token_type).
enum TokenType : int32_t {
    kNormal = 1,
    kUnknown = 2,
    kControl = 3,
    kUserDefined = 4,
    kUnused = 5,
    kByte = 6
};

// The pre-tokenizers llama.cpp knows by name (tokenizer.ggml.pre), as tokenizer.json spells
// them, and whether that vocabulary skips the merges for words already in it (ignore_merges).
struct PreTokenizerRow {
    const char* name;
    const char* json;
    bool ignoreMerges;
};
constexpr const char* kGpt2ByteLevel =
    R"({"type":"ByteLevel","add_prefix_space":false,"trim_offsets":true,"use_regex":true})";
const PreTokenizerRow kPreTokenizers[] = {
    {"gpt2", kGpt2ByteLevel, false},
    {"smollm",
     R"({"type":"Sequence","pretokenizers":[{"type":"Digits","individual_digits":true},
        {"type":"ByteLevel","add_prefix_space":false,"trim_offsets":true,"use_regex":true}]})",
     false},
    {"llama-bpe",
     R"({"type":"Sequence","pretokenizers":[{"type":"Split","pattern":{"Regex":
        "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"},
        "behavior":"Isolated","invert":false},
        {"type":"ByteLevel","add_prefix_space":false,"trim_offsets":true,"use_regex":false}]})",
     true},
    {"qwen2",
     R"({"type":"Sequence","pretokenizers":[{"type":"Split","pattern":{"Regex":
        "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"},
        "behavior":"Isolated","invert":false},
        {"type":"ByteLevel","add_prefix_space":false,"trim_offsets":true,"use_regex":false}]})",
     false},
};

// What a pre-tokenizer does, as one string: its steps in order with the fields that change the
// split (offsets-only fields such as trim_offsets left out).
void describe(const json& p, std::string& out) {
    if (!p.is_object()) return;
    const std::string type = p.value("type", "");
    if (type == "Sequence") {
        for (const json& step : p.value("pretokenizers", json::array()))
            describe(step, out);
        return;
    }
    out += type + "(";
    if (type == "ByteLevel")
        out += std::to_string(p.value("use_regex", true)) + "," +
               std::to_string(p.value("add_prefix_space", true));
    else if (type == "Digits")
        out += std::to_string(p.value("individual_digits", false));
    else if (type == "Split") {
        const json pattern = p.value("pattern", json::object());
        out += pattern.contains("Regex") ? "re:" + pattern["Regex"].get<std::string>()
                                         : "s:" + pattern.value("String", std::string());
        out += "," + p.value("behavior", std::string()) + "," + std::to_string(p.value("invert", false));
    } else {
        out += p.dump();
    }
    out += ")";
}

std::string describe(const json& p) {
    std::string out;
    describe(p, out);
    return out;
}

// The add_prefix_space of a pre-tokenizer's ByteLevel step (false without one).
bool byteLevelPrefixSpace(const json& p) {
    if (!p.is_object()) return false;
    if (p.value("type", "") == "Sequence") {
        for (const json& step : p.value("pretokenizers", json::array()))
            if (step.is_object() && step.value("type", "") == "ByteLevel") return byteLevelPrefixSpace(step);
        return false;
    }
    return p.value("type", "") == "ByteLevel" && p.value("add_prefix_space", true);
}

std::string readText(const std::filesystem::path& file, uint64_t limit) {
    std::error_code ec;
    const auto size = std::filesystem::file_size(file, ec);
    if (ec) fail(ErrorKind::BadInput, file.string() + ": cannot be read");
    if (size > limit)
        fail(ErrorKind::BadInput, file.string() + ": larger than " + std::to_string(limit) + " bytes");
    std::ifstream in(file, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

json readJson(const std::filesystem::path& file) {
    try {
        return json::parse(readText(file, tok::kMaxTokenizerJsonBytes));
    } catch (const json::exception& e) {
        fail(ErrorKind::BadInput, file.string() + ": not valid JSON: " + e.what());
    }
}

// tokenizer_config.json's chat_template, else chat_template.jinja beside the tokenizer; empty when none.
std::string chatTemplate(const std::filesystem::path& folder) {
    std::error_code ec;
    const auto config = folder / "tokenizer_config.json";
    if (std::filesystem::is_regular_file(config, ec)) {
        const json c = readJson(config);
        if (c.contains("chat_template") && c["chat_template"].is_string())
            return c["chat_template"].get<std::string>();
    }
    const auto jinja = folder / "chat_template.jinja";
    if (std::filesystem::is_regular_file(jinja, ec)) return readText(jinja, 1u << 20);
    return {};
}

void padTo(std::vector<std::string>& tokens, std::vector<int32_t>& types, int64_t vocabSize) {
    for (auto id = static_cast<int64_t>(tokens.size()); id < vocabSize; ++id) {
        tokens.push_back("[PAD" + std::to_string(id) + "]");
        types.push_back(kUnused);
    }
}

std::vector<std::string> setBpeVocabulary(GgufWriter& w, const Tokenizer& t, int64_t vocabSize) {
    std::vector<std::string> notes;
    const json j = readJson(t.file());
    const json& model = j.at("model");
    const auto n = static_cast<size_t>(t.vocabSize());
    std::vector<std::string> tokens(n);
    std::vector<int32_t> types(n, kUnused);
    for (const auto& [text, id] : model.at("vocab").items()) {
        const auto i = id.get<int64_t>();
        if (i >= 0 && static_cast<size_t>(i) < n) {
            tokens[static_cast<size_t>(i)] = text;
            types[static_cast<size_t>(i)] = kNormal;
        }
    }
    for (const json& a : j.value("added_tokens", json::array())) {
        const auto i = a.at("id").get<int64_t>();
        if (i < 0 || static_cast<size_t>(i) >= n) continue;
        tokens[static_cast<size_t>(i)] = a.at("content").get<std::string>();
        types[static_cast<size_t>(i)] = a.value("special", false) ? kControl : kUserDefined;
    }
    for (size_t i = 0; i < n; ++i)
        if (types[i] == kUnused) tokens[i] = "[PAD" + std::to_string(i) + "]";
    padTo(tokens, types, vocabSize);

    std::vector<std::string> merges;
    for (const json& m : model.value("merges", json::array()))
        merges.push_back(m.is_string() ? m.get<std::string>()
                                       : m.at(0).get<std::string>() + " " + m.at(1).get<std::string>());

    std::string pre = "default";
    const std::string have = describe(j.value("pre_tokenizer", json()));
    for (const PreTokenizerRow& row : kPreTokenizers)
        if (describe(json::parse(row.json)) == have) pre = row.name;
    if (pre == "default")
        notes.push_back(t.file().string() +
                        ": llama.cpp has no name for this pre-tokenizer; written as \"default\", "
                        "so llama.cpp may split text differently");
    const bool prefixSpace = byteLevelPrefixSpace(j.value("pre_tokenizer", json()));

    w.set("tokenizer.ggml.model", Value::string("gpt2"));
    w.set("tokenizer.ggml.pre", Value::string(pre));
    w.set("tokenizer.ggml.tokens", Value::stringArray(std::move(tokens)));
    w.set("tokenizer.ggml.token_type", Value::i32Array(std::move(types)));
    w.set("tokenizer.ggml.merges", Value::stringArray(std::move(merges)));
    w.set("tokenizer.ggml.add_space_prefix", Value::boolean(prefixSpace));
    return notes;
}

void setSentencePieceVocabulary(GgufWriter& w, const tok::SentencePieceTokenizer& t, int64_t vocabSize) {
    std::vector<std::string> tokens;
    std::vector<float> scores;
    std::vector<int32_t> types;
    using Type = tok::SentencePieceTokenizer::Piece::Type;
    for (const auto& p : t.pieces()) {
        tokens.push_back(p.text);
        scores.push_back(p.score);
        types.push_back(p.type == Type::Unknown   ? kUnknown
                        : p.type == Type::Control ? kControl
                        : p.type == Type::Unused  ? kUnused
                        : p.type == Type::Byte    ? kByte
                                                  : kNormal);
    }
    padTo(tokens, types, vocabSize);
    scores.resize(tokens.size(), -1000.0f);
    w.set("tokenizer.ggml.model", Value::string("llama"));
    w.set("tokenizer.ggml.pre", Value::string("default"));
    w.set("tokenizer.ggml.tokens", Value::stringArray(std::move(tokens)));
    w.set("tokenizer.ggml.scores", Value::f32Array(std::move(scores)));
    w.set("tokenizer.ggml.token_type", Value::i32Array(std::move(types)));
    w.set("tokenizer.ggml.add_space_prefix", Value::boolean(t.addsDummyPrefix()));
}

} // namespace

std::vector<std::string> setTokenizerMetadata(GgufWriter& w, const Tokenizer& t, int64_t vocabSize) {
    if (t.vocabSize() > vocabSize)
        fail(ErrorKind::BadInput, t.file().string() + ": the tokenizer has " + std::to_string(t.vocabSize()) +
                                      " ids, more than the model's " + std::to_string(vocabSize) +
                                      " embedding rows");
    std::vector<std::string> notes;
    if (t.kind() == TokenizerKind::SentencePiece) {
        setSentencePieceVocabulary(w, static_cast<const tok::SentencePieceTokenizer&>(t), vocabSize);
    } else {
        const json model = readJson(t.file()).at("model");
        if (model.value("type", "") != "BPE" || model.value("byte_fallback", false))
            fail(ErrorKind::Unsupported,
                 t.file().string() +
                     ": field model: only byte-level BPE tokenizer.json files (GPT-2, Llama 3, "
                     "Qwen2, SmolLM) are written to GGUF; give the model's tokenizer.model instead");
        notes = setBpeVocabulary(w, t, vocabSize);
    }
    auto id = [&](const char* key, int64_t v) {
        if (v >= 0) w.set(key, Value::u32(static_cast<uint32_t>(v)));
    };
    id("tokenizer.ggml.bos_token_id", t.bosId());
    id("tokenizer.ggml.eos_token_id", t.eosId());
    id("tokenizer.ggml.unknown_token_id", t.unkId());
    id("tokenizer.ggml.padding_token_id", t.padId());
    w.set("tokenizer.ggml.add_bos_token", Value::boolean(t.addsBos()));
    if (const std::string chat = chatTemplate(t.file().parent_path()); !chat.empty())
        w.set("tokenizer.chat_template", Value::string(chat));
    return notes;
}

std::unique_ptr<Tokenizer> tokenizerFromGguf(const GgufFile& f) {
    const std::string model = f.get("tokenizer.ggml.model").asString();
    if (model == "llama")
        fail(ErrorKind::Unsupported,
             f.name() + ": key tokenizer.ggml.model: a sentencepiece vocabulary (llama) "
                        "is not rebuilt from GGUF; give the model's tokenizer.model (--tokenizer)");
    if (model != "gpt2")
        fail(ErrorKind::Unsupported, f.name() + ": key tokenizer.ggml.model: '" + model +
                                         "' is not a vocabulary QAT Studio reads (gpt2)");
    const std::vector<std::string>& tokens = f.get("tokenizer.ggml.tokens").strings();
    const std::vector<int64_t> types = f.get("tokenizer.ggml.token_type").ints();
    if (types.size() != tokens.size())
        fail(ErrorKind::BadInput, f.name() +
                                      ": key tokenizer.ggml.token_type: " + std::to_string(types.size()) +
                                      " entries for " + std::to_string(tokens.size()) + " tokens");
    const std::string pre = f.find("tokenizer.ggml.pre") ? f.get("tokenizer.ggml.pre").asString() : "default";
    const PreTokenizerRow* row = nullptr;
    for (const PreTokenizerRow& r : kPreTokenizers)
        if (pre == r.name || (pre == "default" && std::string(r.name) == "gpt2")) row = &r;
    if (!row)
        fail(ErrorKind::Unsupported,
             f.name() + ": key tokenizer.ggml.pre: '" + pre +
                 "' is not a pre-tokenizer QAT Studio knows (gpt2, smollm, llama-bpe, qwen2)");
    json vocab = json::object();
    json added = json::array();
    for (size_t i = 0; i < tokens.size(); ++i) {
        if (types[i] == kUnused) continue;
        vocab[tokens[i]] = i;
        if (types[i] == kControl || types[i] == kUserDefined)
            added.push_back({{"id", i},
                             {"content", tokens[i]},
                             {"single_word", false},
                             {"lstrip", false},
                             {"rstrip", false},
                             {"normalized", false},
                             {"special", types[i] == kControl}});
    }
    json merges = json::array();
    if (const Value* m = f.find("tokenizer.ggml.merges"))
        for (const std::string& s : m->strings())
            merges.push_back(s);
    const json j = {{"version", "1.0"},
                    {"added_tokens", added},
                    {"normalizer", nullptr},
                    {"pre_tokenizer", json::parse(row->json)},
                    {"post_processor", nullptr},
                    {"decoder", json::parse(kGpt2ByteLevel)},
                    {"model",
                     {{"type", "BPE"},
                      {"dropout", nullptr},
                      {"unk_token", nullptr},
                      {"continuing_subword_prefix", nullptr},
                      {"end_of_word_suffix", nullptr},
                      {"fuse_unk", false},
                      {"byte_fallback", false},
                      {"ignore_merges", row->ignoreMerges},
                      {"vocab", vocab},
                      {"merges", merges}}}};
    tok::TokenizerConfig config;
    config.file = f.name();
    auto text = [&](const char* key) -> std::optional<std::string> {
        const Value* v = f.find(key);
        if (!v) return std::nullopt;
        const uint64_t id = v->asU64();
        if (id >= tokens.size())
            fail(ErrorKind::BadInput, f.name() + ": key " + key + ": id " + std::to_string(id) +
                                          " is outside the " + std::to_string(tokens.size()) + " tokens");
        return tokens[id];
    };
    config.bos = text("tokenizer.ggml.bos_token_id");
    config.eos = text("tokenizer.ggml.eos_token_id");
    config.pad = text("tokenizer.ggml.padding_token_id");
    config.unk = text("tokenizer.ggml.unknown_token_id");
    if (const Value* v = f.find("tokenizer.ggml.add_bos_token")) config.addBos = v->asBool();
    return tok::parseTokenizerJson(j.dump(), f.name(), &config);
}

} // namespace qat::gguf
