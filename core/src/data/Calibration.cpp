// SPDX-License-Identifier: GPL-3.0-or-later
// Calibration windows from text files or self-generated documents (definition in Calibration.h).
#include "qat/Calibration.h"

#include "qat/Generation.h"
#include "qat/Model.h"
#include "qat/TextData.h"
#include "qat/Tokenizer.h"

#include <algorithm>
#include <limits>
#include <random>

namespace qat {

namespace {

constexpr uint64_t kValSeedMix = 0x9E3779B97F4A7C15ull;

// Uniform integer in [0, n) by rejection: identical on every standard library.
uint64_t bounded(std::mt19937_64& rng, uint64_t n) {
    const uint64_t limit = std::numeric_limits<uint64_t>::max() - std::numeric_limits<uint64_t>::max() % n;
    uint64_t x;
    do
        x = rng();
    while (x >= limit);
    return x % n;
}

std::string withCommas(int64_t v) {
    std::string s = std::to_string(v);
    for (int i = static_cast<int>(s.size()) - 3; i > (v < 0 ? 1 : 0); i -= 3)
        s.insert(static_cast<size_t>(i), ",");
    return s;
}

struct Split {
    const char* name; // "training" / "validation"
    std::vector<const std::vector<int64_t>*> docs;
    std::vector<int64_t> docIndex; // index of each doc in the full list
    std::string describe;          // "the first 90% of the documents (2700 of 3000)"
};

// Fills `windows` and `origins` with `count` windows from one split.
void cutWindows(const Split& split, int64_t count, const CalibrationOptions& o, uint64_t seed,
                const std::string& source, std::vector<std::vector<int64_t>>& windows,
                std::vector<int64_t>& origins, int64_t& tokens, bool& packed) {
    const int64_t seqlen = o.seqlen;
    tokens = 0;
    int64_t longTokens = 0;
    std::vector<size_t> eligible;
    for (size_t i = 0; i < split.docs.size(); ++i) {
        const auto n = static_cast<int64_t>(split.docs[i]->size());
        tokens += n;
        if (n > seqlen) {
            longTokens += n;
            eligible.push_back(i);
        }
    }
    windows.clear();
    origins.clear();
    if (count == 0) return;
    using P = CalibrationOptions::Packing;
    packed = o.packing == P::Packed || (o.packing == P::Auto && 2 * longTokens < tokens);
    const int64_t available = packed ? tokens : longTokens;
    const int64_t needed = count * seqlen;
    if (available < needed || available < seqlen + (packed ? 0 : 1)) {
        std::string msg = "calibration text too short for " + withCommas(count) + " " + split.name +
                          " windows of " + withCommas(seqlen) + " tokens: the " + split.name + " split (" +
                          split.describe + ") of " + source + " holds " + withCommas(available) + " tokens";
        if (!packed) msg += " in documents longer than " + withCommas(seqlen) + " tokens";
        msg += ", and " + withCommas(needed) +
               " are needed (windows x seqlen); give more text, or fewer or shorter windows";
        fail(ErrorKind::BadInput, msg);
    }
    std::mt19937_64 rng(seed);
    windows.reserve(static_cast<size_t>(count));
    origins.reserve(static_cast<size_t>(count));
    if (!packed) {
        for (int64_t w = 0; w < count; ++w) {
            const size_t d = eligible[bounded(rng, eligible.size())];
            const auto& doc = *split.docs[d];
            const auto start = static_cast<int64_t>(bounded(rng, doc.size() - static_cast<uint64_t>(seqlen)));
            windows.emplace_back(doc.begin() + start, doc.begin() + start + seqlen);
            origins.push_back(split.docIndex[d]);
        }
        return;
    }
    std::vector<int64_t> stream, streamDocStart; // streamDocStart[k]: offset where doc k begins
    stream.reserve(static_cast<size_t>(tokens));
    for (const auto* doc : split.docs) {
        streamDocStart.push_back(static_cast<int64_t>(stream.size()));
        stream.insert(stream.end(), doc->begin(), doc->end());
    }
    for (int64_t w = 0; w < count; ++w) {
        const auto start = static_cast<int64_t>(bounded(rng, static_cast<uint64_t>(tokens - seqlen + 1)));
        windows.emplace_back(stream.begin() + start, stream.begin() + start + seqlen);
        const auto k = std::upper_bound(streamDocStart.begin(), streamDocStart.end(), start) -
                       streamDocStart.begin() - 1;
        origins.push_back(split.docIndex[static_cast<size_t>(k)]);
    }
}

void checkOptions(const CalibrationOptions& o) {
    if (o.seqlen < 2)
        fail(ErrorKind::BadInput,
             "calibration seqlen must be at least 2 (got " + std::to_string(o.seqlen) + ")");
    if (o.trainWindows < 0 || o.valWindows < 0)
        fail(ErrorKind::BadInput, "the number of calibration windows cannot be negative");
    if (o.trainWindows == 0) fail(ErrorKind::BadInput, "at least one training window is needed");
    if (o.valWindows > 0 && !(o.valFraction > 0.0 && o.valFraction < 1.0))
        fail(ErrorKind::BadInput, "the validation fraction must be between 0 and 1 (exclusive)");
}

std::string percent(double f) {
    return std::to_string(static_cast<int>(f * 100.0 + 0.5)) + "%";
}

} // namespace

std::vector<std::vector<int64_t>> tokenizeDocuments(const Tokenizer& tokenizer,
                                                    const std::vector<std::string>& documents) {
    std::vector<std::vector<int64_t>> out;
    out.reserve(documents.size());
    const int64_t bos = tokenizer.bosId();
    const int64_t eos = tokenizer.eosId();
    for (const auto& text : documents) {
        std::vector<int64_t> ids = tokenizer.encode(text);
        if (bos >= 0)
            ids.insert(ids.begin(), bos);
        else if (eos >= 0)
            ids.push_back(eos);
        out.push_back(std::move(ids));
    }
    return out;
}

CalibrationData makeCalibrationWindows(const std::vector<std::vector<int64_t>>& documents,
                                       const CalibrationOptions& o, const std::string& source) {
    checkOptions(o);
    if (documents.empty())
        fail(ErrorKind::BadInput, source + ": no documents (the calibration text is empty)");
    CalibrationData data;
    data.seqlen = o.seqlen;
    data.source = source;
    data.documents = static_cast<int64_t>(documents.size());

    Split train{"training", {}, {}, {}}, val{"validation", {}, {}, {}};
    std::vector<std::vector<int64_t>> halves; // a single document split at the token level
    const auto n = static_cast<int64_t>(documents.size());
    if (o.valWindows == 0) {
        for (int64_t i = 0; i < n; ++i) {
            train.docs.push_back(&documents[static_cast<size_t>(i)]);
            train.docIndex.push_back(i);
        }
        data.trainDocuments = n;
        train.describe = "all " + withCommas(n) + " documents";
    } else if (n == 1) {
        const auto& doc = documents[0];
        const auto cut = static_cast<int64_t>(static_cast<double>(doc.size()) * (1.0 - o.valFraction));
        halves.emplace_back(doc.begin(), doc.begin() + cut);
        halves.emplace_back(doc.begin() + cut, doc.end());
        train.docs.push_back(&halves[0]);
        val.docs.push_back(&halves[1]);
        train.docIndex.push_back(0);
        val.docIndex.push_back(0);
        data.trainDocuments = 1;
        train.describe = "the first " + percent(1.0 - o.valFraction) + " of its only document's tokens";
        val.describe = "the last " + percent(o.valFraction) + " of its only document's tokens";
    } else {
        const int64_t nVal =
            std::clamp<int64_t>(static_cast<int64_t>(static_cast<double>(n) * o.valFraction), 1, n - 1);
        const int64_t nTrain = n - nVal;
        for (int64_t i = 0; i < n; ++i) {
            Split& s = i < nTrain ? train : val;
            s.docs.push_back(&documents[static_cast<size_t>(i)]);
            s.docIndex.push_back(i);
        }
        data.trainDocuments = nTrain;
        train.describe = "the first " + withCommas(nTrain) + " of " + withCommas(n) + " documents";
        val.describe = "the last " + withCommas(nVal) + " of " + withCommas(n) + " documents";
    }
    cutWindows(train, o.trainWindows, o, o.seed, source, data.train, data.trainDocument, data.trainTokens,
               data.trainPacked);
    if (o.valWindows > 0)
        cutWindows(val, o.valWindows, o, o.seed ^ kValSeedMix, source, data.val, data.valDocument,
                   data.valTokens, data.valPacked);
    return data;
}

CalibrationData loadCalibrationData(const Tokenizer& tokenizer, const CalibrationOptions& o) {
    if (o.files.empty()) fail(ErrorKind::BadInput, "no calibration files given");
    checkOptions(o);
    std::vector<std::string> texts;
    std::string source;
    for (const auto& file : o.files) {
        std::vector<std::string> docs = readTextDocuments(file);
        texts.insert(texts.end(), std::make_move_iterator(docs.begin()), std::make_move_iterator(docs.end()));
        if (!source.empty()) source += ", ";
        source += file.string();
    }
    return makeCalibrationWindows(tokenizeDocuments(tokenizer, texts), o, source);
}

Status loadCalibrationData(const Tokenizer& tokenizer, const CalibrationOptions& options,
                           CalibrationData& out) {
    return guarded([&] { out = loadCalibrationData(tokenizer, options); });
}

Status generateCalibrationDocuments(Model& model, const GeneratedCalibrationOptions& o,
                                    std::vector<std::vector<int64_t>>& out, ProgressSink* sink) {
    return guarded([&] {
        out.clear();
        if (o.count < 1) fail(ErrorKind::BadInput, "generate at least one calibration document");
        if (o.tokensPerSample < 1) fail(ErrorKind::BadInput, "generated documents need at least one token");
        const int64_t context = model.config().maxPositionEmbeddings;
        if (o.tokensPerSample + 1 > context)
            fail(ErrorKind::BadInput, "generated documents of " + std::to_string(o.tokensPerSample) +
                                          " tokens do not fit the model's context of " +
                                          std::to_string(context) +
                                          " (BOS + tokens per sample must be at most the context)");
        const int64_t bos = model.config().bosTokenId;
        out.reserve(static_cast<size_t>(o.count));
        for (int64_t i = 0; i < o.count; ++i) {
            if (sink && sink->isCancelled())
                fail(ErrorKind::Cancelled, "cancelled while generating calibration text");
            GenerateOptions g;
            g.maxNewTokens = o.tokensPerSample;
            g.greedy = false;
            g.temperature = o.temperature;
            g.topP = o.topP;
            g.seed = o.seed + static_cast<uint64_t>(i);
            g.stopAtEos = o.stopAtEos;
            std::vector<int64_t> ids;
            Status st = generate(model, {bos}, g, ids);
            if (!st.ok())
                fail(st.kind, "generating calibration document " + std::to_string(i + 1) + ": " + st.message);
            ids.insert(ids.begin(), bos);
            out.push_back(std::move(ids));
            if (sink && ((i + 1) % 16 == 0 || i + 1 == o.count))
                sink->onLog("generated " + std::to_string(i + 1) + " of " + std::to_string(o.count) +
                            " calibration documents");
        }
    });
}

} // namespace qat
