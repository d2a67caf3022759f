// SPDX-License-Identifier: GPL-3.0-or-later
#include "TokenizerJson.h"
#include "JsonFields.h"
#include "Unicode.h"
#include "qat/Status.h"

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <unordered_map>

namespace qat::tok {

namespace {

// Sequences nest at most this deep.
constexpr int kMaxDepth = 16;

std::string jsonQuote(const std::string& s) {
    return Json(s).dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string typeOf(const Json& v, const JsonAt& at) {
    requireObject(v, at);
    return requireString(requireMember(v, "type", at), at["type"]);
}

[[noreturn]] void unknownType(const JsonAt& at, const char* what, const std::string& type,
                              const char* supported) {
    at["type"].fail(std::string("unknown ") + what + " type " + jsonQuote(type) +
                    " (supported: " + supported + ")");
}

void checkDepth(int depth, const JsonAt& at) {
    if (depth > kMaxDepth) at.fail("sequences nested deeper than " + std::to_string(kMaxDepth));
}

Pattern parsePattern(const Json& v, const JsonAt& at) {
    requireObject(v, at);
    if (const Json* s = member(v, "String")) {
        std::string text = requireString(*s, at["String"]);
        if (text.empty()) at["String"].fail("empty pattern");
        return Pattern::literal(std::move(text));
    }
    if (const Json* r = member(v, "Regex")) {
        const std::string re = requireString(*r, at["Regex"]);
        try {
            return Pattern::regex(re);
        } catch (const std::invalid_argument& e) {
            at["Regex"].fail("the regex " + jsonQuote(re) + " does not compile: " + e.what());
        }
    }
    at.fail("expected {\"String\": ...} or {\"Regex\": ...}");
}

// A string field holding exactly one character.
std::string oneChar(const Json& obj, const char* key, const std::string& fallback, const JsonAt& at) {
    const std::optional<std::string> s = optionalString(obj, key, at);
    if (!s) return fallback;
    size_t i = 0;
    if (s->empty() || (nextCodePoint(*s, i), i != s->size())) at[key].fail("expected one character");
    return *s;
}

PrependScheme parsePrependScheme(const Json& obj, const JsonAt& at) {
    if (const std::optional<std::string> s = optionalString(obj, "prepend_scheme", at)) {
        if (*s == "first") return PrependScheme::First;
        if (*s == "always") return PrependScheme::Always;
        if (*s == "never") return PrependScheme::Never;
        at["prepend_scheme"].fail("expected \"first\", \"always\" or \"never\", found " + jsonQuote(*s));
    }
    // Older files: add_prefix_space.
    return boolOr(obj, "add_prefix_space", true, at) ? PrependScheme::Always : PrependScheme::Never;
}

std::unique_ptr<Normalizer> parseNormalizer(const Json& v, const JsonAt& at, int depth) {
    checkDepth(depth, at);
    if (v.is_null()) return nullptr;
    const std::string type = typeOf(v, at);
    if (type == "NFC") return std::make_unique<UnicodeNormalizer>(NormalForm::Nfc);
    if (type == "NFKC") return std::make_unique<UnicodeNormalizer>(NormalForm::Nfkc);
    if (type == "NFD") return std::make_unique<UnicodeNormalizer>(NormalForm::Nfd);
    if (type == "NFKD") return std::make_unique<UnicodeNormalizer>(NormalForm::Nfkd);
    if (type == "Replace")
        return std::make_unique<ReplaceNormalizer>(
            parsePattern(requireMember(v, "pattern", at), at["pattern"]),
            requireString(requireMember(v, "content", at), at["content"]));
    if (type == "Prepend")
        return std::make_unique<PrependNormalizer>(
            requireString(requireMember(v, "prepend", at), at["prepend"]));
    if (type == "Sequence") {
        const JsonAt list = at["normalizers"];
        const Json& items = requireArray(requireMember(v, "normalizers", at), list);
        std::vector<std::unique_ptr<Normalizer>> steps;
        for (size_t k = 0; k < items.size(); ++k)
            if (auto n = parseNormalizer(items[k], list[k], depth + 1)) steps.push_back(std::move(n));
        return std::make_unique<SequenceNormalizer>(std::move(steps));
    }
    unknownType(at, "normalizer", type, "NFC, NFKC, NFD, NFKD, Replace, Prepend, Sequence");
}

SplitBehavior parseBehavior(const Json& v, const JsonAt& at) {
    const std::string b = requireString(v, at);
    if (b == "Removed") return SplitBehavior::Removed;
    if (b == "Isolated") return SplitBehavior::Isolated;
    if (b == "MergedWithPrevious") return SplitBehavior::MergedWithPrevious;
    if (b == "MergedWithNext") return SplitBehavior::MergedWithNext;
    if (b == "Contiguous") return SplitBehavior::Contiguous;
    at.fail("unknown split behavior " + jsonQuote(b));
}

std::unique_ptr<PreTokenizer> parsePreTokenizer(const Json& v, const JsonAt& at, int depth) {
    checkDepth(depth, at);
    if (v.is_null()) return nullptr;
    const std::string type = typeOf(v, at);
    if (type == "Split")
        return std::make_unique<SplitPreTokenizer>(
            parsePattern(requireMember(v, "pattern", at), at["pattern"]),
            parseBehavior(requireMember(v, "behavior", at), at["behavior"]), boolOr(v, "invert", false, at));
    if (type == "ByteLevel")
        return std::make_unique<ByteLevelPreTokenizer>(boolOr(v, "add_prefix_space", true, at),
                                                       boolOr(v, "use_regex", true, at));
    if (type == "Digits")
        return std::make_unique<DigitsPreTokenizer>(boolOr(v, "individual_digits", false, at));
    if (type == "Metaspace")
        return std::make_unique<MetaspacePreTokenizer>(oneChar(v, "replacement", "\xE2\x96\x81", at),
                                                       parsePrependScheme(v, at),
                                                       boolOr(v, "split", true, at));
    if (type == "Sequence") {
        const JsonAt list = at["pretokenizers"];
        const Json& items = requireArray(requireMember(v, "pretokenizers", at), list);
        std::vector<std::unique_ptr<PreTokenizer>> steps;
        for (size_t k = 0; k < items.size(); ++k)
            if (auto p = parsePreTokenizer(items[k], list[k], depth + 1)) steps.push_back(std::move(p));
        return std::make_unique<SequencePreTokenizer>(std::move(steps));
    }
    unknownType(at, "pre-tokenizer", type, "Split, ByteLevel, Digits, Metaspace, Sequence");
}

std::unique_ptr<Decoder> parseDecoder(const Json& v, const JsonAt& at, int depth) {
    checkDepth(depth, at);
    if (v.is_null()) return nullptr;
    const std::string type = typeOf(v, at);
    if (type == "ByteLevel") return std::make_unique<ByteLevelDecoder>();
    if (type == "ByteFallback") return std::make_unique<ByteFallbackDecoder>();
    if (type == "Fuse") return std::make_unique<FuseDecoder>();
    if (type == "Metaspace")
        return std::make_unique<MetaspaceDecoder>(oneChar(v, "replacement", "\xE2\x96\x81", at),
                                                  parsePrependScheme(v, at));
    if (type == "Strip") {
        const std::string content = oneChar(v, "content", " ", at);
        size_t i = 0;
        const char32_t c = nextCodePoint(content, i);
        return std::make_unique<StripDecoder>(c, size_t(intOr(v, "start", 0, at)),
                                              size_t(intOr(v, "stop", 0, at)));
    }
    if (type == "Replace")
        return std::make_unique<ReplaceDecoder>(
            parsePattern(requireMember(v, "pattern", at), at["pattern"]),
            requireString(requireMember(v, "content", at), at["content"]));
    if (type == "Sequence") {
        const JsonAt list = at["decoders"];
        const Json& items = requireArray(requireMember(v, "decoders", at), list);
        std::vector<std::unique_ptr<Decoder>> steps;
        for (size_t k = 0; k < items.size(); ++k)
            if (auto d = parseDecoder(items[k], list[k], depth + 1)) steps.push_back(std::move(d));
        return std::make_unique<SequenceDecoder>(std::move(steps));
    }
    unknownType(at, "decoder", type, "ByteLevel, Metaspace, ByteFallback, Fuse, Strip, Replace, Sequence");
}

// The special token a TemplateProcessing `single` starts with, as (name, id or -1).
struct TemplateStart {
    std::string name;
    int64_t id = -1;
};

std::optional<TemplateStart> parsePostProcessor(const Json& v, const JsonAt& at, int depth) {
    checkDepth(depth, at);
    if (v.is_null()) return std::nullopt;
    const std::string type = typeOf(v, at);
    if (type == "ByteLevel") return std::nullopt;
    if (type == "Sequence") {
        const JsonAt list = at["processors"];
        const Json& items = requireArray(requireMember(v, "processors", at), list);
        std::optional<TemplateStart> start;
        for (size_t k = 0; k < items.size(); ++k)
            if (auto s = parsePostProcessor(items[k], list[k], depth + 1); s && !start) start = s;
        return start;
    }
    if (type != "TemplateProcessing")
        unknownType(at, "post-processor", type, "TemplateProcessing, ByteLevel, Sequence");
    const JsonAt single = at["single"];
    const Json& items = requireArray(requireMember(v, "single", at), single);
    for (size_t k = 0; k < items.size(); ++k) {
        const Json& item = requireObject(items[k], single[k]);
        if (!member(item, "SpecialToken") && !member(item, "Sequence"))
            single[k].fail("expected {\"SpecialToken\": ...} or {\"Sequence\": ...}");
    }
    if (items.empty() || !member(items[0], "SpecialToken")) return std::nullopt;
    const JsonAt first = single[0]["SpecialToken"];
    TemplateStart start;
    start.name = requireString(requireMember(items[0]["SpecialToken"], "id", first), first["id"]);
    if (const Json* specials = member(v, "special_tokens"); specials && !specials->is_null()) {
        const JsonAt sat = at["special_tokens"];
        requireObject(*specials, sat);
        if (const Json* s = member(*specials, start.name.c_str())) {
            const JsonAt one{at.file, sat.path + "[" + jsonQuote(start.name) + "]"};
            const Json& ids = requireArray(requireMember(*s, "ids", one), one["ids"]);
            if (!ids.empty()) start.id = requireInt(ids[0], one["ids"][0]);
        }
    }
    return start;
}

struct Vocab {
    std::vector<std::string> tokens;
    std::unordered_map<std::string, int64_t> ids;
};

void parseVocab(const Json& v, const JsonAt& at, int64_t limit, Vocab& vocab) {
    requireObject(v, at);
    vocab.tokens.assign(size_t(limit), std::string());
    vocab.ids.reserve(v.size());
    for (auto it = v.begin(); it != v.end(); ++it) {
        const JsonAt field{at.file, at.path + "[" + jsonQuote(it.key()) + "]"};
        const int64_t id = requireInt(it.value(), field);
        if (it.key().empty()) field.fail("empty token");
        if (id < 0 || id >= limit)
            field.fail("id " + std::to_string(id) + " out of range [0, " + std::to_string(limit) + ")");
        std::string& slot = vocab.tokens[size_t(id)];
        if (!slot.empty())
            field.fail("duplicate id " + std::to_string(id) + " (also " + jsonQuote(slot) + ")");
        slot = it.key();
        vocab.ids.emplace(it.key(), id);
    }
    // Trailing ids no entry uses are not part of the model.
    size_t used = vocab.tokens.size();
    while (used > 0 && vocab.tokens[used - 1].empty())
        --used;
    vocab.tokens.resize(used);
}

std::unique_ptr<Bpe> parseBpe(const Json& model, const JsonAt& at, int64_t addedCount) {
    const JsonAt vat = at["vocab"];
    const Json& vocabJson = requireObject(requireMember(model, "vocab", at), vat);
    Vocab vocab;
    parseVocab(vocabJson, vat, int64_t(vocabJson.size()) + addedCount, vocab);

    BpeOptions o;
    o.unkToken = optionalString(model, "unk_token", at);
    o.continuingSubwordPrefix = optionalString(model, "continuing_subword_prefix", at).value_or("");
    o.endOfWordSuffix = optionalString(model, "end_of_word_suffix", at).value_or("");
    o.fuseUnk = boolOr(model, "fuse_unk", false, at);
    o.byteFallback = boolOr(model, "byte_fallback", false, at);
    o.ignoreMerges = boolOr(model, "ignore_merges", false, at);
    if (const Json* d = member(model, "dropout"); d && !d->is_null()) {
        if (!d->is_number())
            at["dropout"].fail(std::string("expected a number or null, found ") + jsonTypeName(*d));
        if (d->get<double>() != 0.0)
            at["dropout"].fail("BPE dropout is not supported (it makes encoding random)");
    }

    const JsonAt mat = at["merges"];
    const Json* mergesJson = member(model, "merges");
    static const Json kNoMerges = Json::array();
    const Json& merges = (mergesJson && !mergesJson->is_null()) ? requireArray(*mergesJson, mat) : kNoMerges;
    std::vector<std::pair<int32_t, int32_t>> pairs;
    std::vector<int32_t> mergedIds;
    pairs.reserve(merges.size());
    mergedIds.reserve(merges.size());
    auto lookup = [&](const std::string& token, const JsonAt& where) -> int32_t {
        const auto it = vocab.ids.find(token);
        if (it == vocab.ids.end())
            where.fail("merge names " + jsonQuote(token) + ", which is not in model.vocab");
        return int32_t(it->second);
    };
    for (size_t k = 0; k < merges.size(); ++k) {
        const JsonAt one = mat[k];
        const Json& m = merges[k];
        std::string a, b;
        if (m.is_string()) {
            const std::string s = m.get<std::string>();
            const size_t space = s.find(' ');
            if (space == std::string::npos || s.find(' ', space + 1) != std::string::npos)
                one.fail("expected two tokens separated by one space, found " + jsonQuote(s));
            a = s.substr(0, space);
            b = s.substr(space + 1);
        } else if (m.is_array()) {
            if (m.size() != 2)
                one.fail("expected a pair of tokens, found " + std::to_string(m.size()) + " items");
            a = requireString(m[0], one[0]);
            b = requireString(m[1], one[1]);
        } else {
            one.fail(std::string("expected \"a b\" or [\"a\", \"b\"], found ") + jsonTypeName(m));
        }
        const int32_t ia = lookup(a, one), ib = lookup(b, one);
        std::string merged = a;
        const std::string& prefix = o.continuingSubwordPrefix;
        merged += (!prefix.empty() && b.compare(0, prefix.size(), prefix) == 0) ? b.substr(prefix.size()) : b;
        const auto it = vocab.ids.find(merged);
        if (it == vocab.ids.end())
            one.fail("the merge result " + jsonQuote(merged) + " is not in model.vocab");
        pairs.emplace_back(ia, ib);
        mergedIds.push_back(int32_t(it->second));
    }
    return std::make_unique<Bpe>(std::move(vocab.tokens), pairs, mergedIds, std::move(o));
}

std::vector<AddedToken> parseAddedTokens(const Json& root, const JsonAt& rootAt, const Bpe& model,
                                         int64_t limit) {
    std::vector<AddedToken> out;
    const Json* list = member(root, "added_tokens");
    if (!list || list->is_null()) return out;
    const JsonAt at = rootAt["added_tokens"];
    requireArray(*list, at);
    std::unordered_map<int64_t, size_t> byId;
    for (size_t k = 0; k < list->size(); ++k) {
        const JsonAt one = at[k];
        const Json& v = requireObject((*list)[k], one);
        AddedToken t;
        t.id = requireInt(requireMember(v, "id", one), one["id"]);
        t.content = requireString(requireMember(v, "content", one), one["content"]);
        if (t.content.empty()) one["content"].fail("empty token");
        t.special = boolOr(v, "special", false, one);
        t.singleWord = boolOr(v, "single_word", false, one);
        t.lstrip = boolOr(v, "lstrip", false, one);
        t.rstrip = boolOr(v, "rstrip", false, one);
        t.normalized = boolOr(v, "normalized", !t.special, one);
        if (t.id < 0 || t.id >= limit)
            one["id"].fail("id " + std::to_string(t.id) + " out of range [0, " + std::to_string(limit) + ")");
        if (t.id < model.size() && !model.token(int32_t(t.id)).empty() &&
            model.token(int32_t(t.id)) != t.content)
            one["id"].fail("duplicate id " + std::to_string(t.id) + ": model.vocab has " +
                           jsonQuote(model.token(int32_t(t.id))) + ", the added token " +
                           jsonQuote(t.content));
        if (const int32_t inVocab = model.tokenId(t.content); inVocab >= 0 && inVocab != t.id)
            one["content"].fail(jsonQuote(t.content) + " has id " + std::to_string(inVocab) +
                                " in model.vocab, not " + std::to_string(t.id));
        if (const auto it = byId.find(t.id); it != byId.end()) {
            if (out[it->second].content != t.content)
                one["id"].fail("duplicate id " + std::to_string(t.id) + " (also " +
                               jsonQuote(out[it->second].content) + ")");
            out[it->second] = t;
            continue;
        }
        byId.emplace(t.id, out.size());
        out.push_back(std::move(t));
    }
    return out;
}

int64_t findToken(const std::string& token, const std::vector<AddedToken>& added, const Bpe& model) {
    for (const AddedToken& t : added)
        if (t.content == token) return t.id;
    return model.tokenId(token);
}

} // namespace

std::unique_ptr<HfTokenizer> parseTokenizerJson(std::string_view text, const std::string& file,
                                                const TokenizerConfig* config) {
    if (text.size() > kMaxTokenizerJsonBytes)
        fail(ErrorKind::BadInput, file + ": too large (" + std::to_string(text.size()) +
                                      " bytes; the limit is " + std::to_string(kMaxTokenizerJsonBytes >> 20) +
                                      " MiB)");
    Json root;
    try {
        root = Json::parse(text.begin(), text.end());
    } catch (const Json::exception& e) {
        fail(ErrorKind::BadInput, file + ": not valid JSON: " + e.what());
    }
    const JsonAt at{file, ""};
    requireObject(root, at);

    const JsonAt mat = at["model"];
    const Json* model = member(root, "model");
    if (!model || model->is_null()) mat.fail("missing");
    requireObject(*model, mat);
    std::string type;
    if (const Json* t = member(*model, "type"))
        type = requireString(*t, mat["type"]);
    else if (member(*model, "merges"))
        type = "BPE"; // older files leave the type out
    else
        mat["type"].fail("missing");
    if (type != "BPE") mat["type"].fail("model type " + jsonQuote(type) + " is not supported (only BPE)");

    const Json* addedJson = member(root, "added_tokens");
    const int64_t addedCount = (addedJson && addedJson->is_array()) ? int64_t(addedJson->size()) : 0;
    HfParts parts;
    parts.file = file;
    parts.model = parseBpe(*model, mat, addedCount);
    const int64_t limit =
        int64_t(requireObject(requireMember(*model, "vocab", mat), mat["vocab"]).size()) + addedCount;
    parts.added = parseAddedTokens(root, at, *parts.model, limit);

    static const Json kNull;
    auto field = [&](const char* key) -> const Json& {
        const Json* v = member(root, key);
        return v ? *v : kNull;
    };
    parts.normalizer = parseNormalizer(field("normalizer"), at["normalizer"], 0);
    parts.preTokenizer = parsePreTokenizer(field("pre_tokenizer"), at["pre_tokenizer"], 0);
    parts.decoder = parseDecoder(field("decoder"), at["decoder"], 0);
    const std::optional<TemplateStart> start =
        parsePostProcessor(field("post_processor"), at["post_processor"], 0);

    // BOS / EOS / PAD / UNK: tokenizer_config.json first, then the template and the model.
    auto configured = [&](const std::optional<std::string>& token, const char* key) -> int64_t {
        if (!token) return -1;
        const int64_t id = findToken(*token, parts.added, *parts.model);
        if (id < 0)
            JsonAt{config->file, key}.fail(jsonQuote(*token) + " is not in the vocabulary of " + file);
        return id;
    };
    if (start) {
        int64_t id = start->id >= 0 ? start->id : findToken(start->name, parts.added, *parts.model);
        if (id < 0 || id >= limit)
            JsonAt{file, "post_processor.single[0].SpecialToken.id"}.fail(jsonQuote(start->name) +
                                                                          " is not in the vocabulary");
        parts.bos = id;
        parts.addsBos = true;
    }
    if (const std::optional<std::string> unk = optionalString(*model, "unk_token", mat))
        parts.unk = findToken(*unk, parts.added, *parts.model);
    if (config) {
        if (config->bos) parts.bos = configured(config->bos, "bos_token");
        parts.eos = configured(config->eos, "eos_token");
        parts.pad = configured(config->pad, "pad_token");
        if (config->unk) parts.unk = configured(config->unk, "unk_token");
        if (config->addBos) parts.addsBos = *config->addBos;
    }
    return std::make_unique<HfTokenizer>(std::move(parts));
}

namespace {

std::string readLimited(const std::filesystem::path& file) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(file, ec))
        fail(ErrorKind::BadInput, file.string() + ": file not found");
    const uintmax_t size = std::filesystem::file_size(file, ec);
    if (ec) fail(ErrorKind::BadInput, file.string() + ": cannot read: " + ec.message());
    if (size > kMaxTokenizerJsonBytes)
        fail(ErrorKind::BadInput, file.string() + ": too large (" + std::to_string(size) +
                                      " bytes; the limit is " + std::to_string(kMaxTokenizerJsonBytes >> 20) +
                                      " MiB)");
    std::ifstream in(file, std::ios::binary);
    if (!in) fail(ErrorKind::BadInput, file.string() + ": cannot open");
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

} // namespace

std::unique_ptr<HfTokenizer> loadTokenizerJson(const std::filesystem::path& file) {
    const std::string text = readLimited(file);
    const std::filesystem::path configPath = file.parent_path() / "tokenizer_config.json";
    std::error_code ec;
    std::optional<TokenizerConfig> config;
    if (std::filesystem::is_regular_file(configPath, ec))
        config = parseTokenizerConfig(readLimited(configPath), configPath.string());
    return parseTokenizerJson(text, file.string(), config ? &*config : nullptr);
}

} // namespace qat::tok
