// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file Calibration.h
/// Calibration data for quantization: random windows of `seqlen` token ids, drawn from
/// text / JSONL files or from text the model writes itself. Torch-free.
///
/// The definition, exactly:
/// 1. Documents: each file is read with readTextDocuments (a JSONL file's `text` fields, a
///    text file split at blank lines), files in the order given, documents in file order.
///    Each document is encoded with the model's tokenizer and gets one BOS in front (a
///    tokenizer without BOS, such as Qwen2's: one EOS after it instead, when it has an EOS).
/// 2. Split: with valWindows > 0, the last `valFraction` of the documents (rounded down,
///    at least one) are the validation split and the rest the training split; windows
///    never mix the two. With valWindows == 0 every document is for training. When there
///    is a single document, its tokens are split at the same fraction instead.
/// 3. Windows of one split, in one of two modes:
///    - documents (EfficientQAT's / GPTQ's loader): pick a document uniformly among those
///      with more than `seqlen` tokens, then a start offset uniformly in
///      [0, tokens - seqlen - 1]; the window is the `seqlen` tokens from there (it starts
///      with BOS when the offset is 0).
///    - packed (when documents are short, e.g. windows of 512 from TinyStories, whose
///      stories are 85-512 tokens with stories260K's tokenizer): the
///      split's documents, each with its BOS, are concatenated in order into one token
///      stream ("BOS story1 BOS story2 ..."), and each window is `seqlen` tokens from a
///      start offset drawn uniformly in [0, stream - seqlen]. A window may cross document
///      boundaries, each marked by BOS as the model saw it in pretraining.
///    Packing::Auto uses documents mode when at least half of the split's tokens lie in
///    documents longer than seqlen, and packed mode otherwise.
/// 4. Enough text: a split must hold at least windows × seqlen tokens (in the documents
///    that can be sampled), so that the windows could in principle be disjoint; otherwise
///    Error(BadInput) says how many tokens there are, how many are needed, and which files.
/// 5. Randomness: std::mt19937_64 seeded with `seed` for the training windows and with
///    `seed ^ 0x9E3779B97F4A7C15` for the validation windows (so changing the number of
///    validation windows never changes the training windows), with this file's own
///    bounded-integer draw (not std::uniform_int_distribution, whose output differs
///    between standard libraries): the same inputs and seed give the same windows on
///    every platform.

#include "qat/Progress.h"
#include "qat/Status.h"

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace qat {

class Model;
class Tokenizer;

struct CalibrationOptions {
    /// Text / JSONL files (at least one for loadCalibrationData).
    std::vector<std::filesystem::path> files;
    /// Tokens per window. Paper: 2048 (Block-AP on Llama-2 7B); the demo uses 256 or less.
    int64_t seqlen = 2048;
    /// Training windows. Paper: 4096 samples for Block-AP.
    int64_t trainWindows = 4096;
    /// Validation windows (Block-AP's validation loss). Paper / EfficientQAT: 64.
    int64_t valWindows = 64;
    /// Seed of the window draw. EfficientQAT's default seed is 2.
    uint64_t seed = 2;
    /// Fraction of the documents (the last ones) kept for validation.
    double valFraction = 0.1;
    enum class Packing { Auto, Documents, Packed };
    Packing packing = Packing::Auto;
};

/// Windows of token ids for training and validation.
struct CalibrationData {
    int64_t seqlen = 0;
    std::vector<std::vector<int64_t>> train; ///< trainWindows windows of seqlen ids
    std::vector<std::vector<int64_t>> val;   ///< valWindows windows of seqlen ids
    /// For each window, the index (into the document list) of the document its first token
    /// comes from.
    std::vector<int64_t> trainDocument, valDocument;
    int64_t documents = 0;                       ///< documents read
    int64_t trainDocuments = 0;                  ///< documents [0, trainDocuments) are the training split
    int64_t trainTokens = 0, valTokens = 0;      ///< tokens in each split (BOS included)
    bool trainPacked = false, valPacked = false; ///< which mode each split used
    std::string source;                          ///< "calib.txt" or "a.jsonl, b.txt" or "self-generated"
};

/// Encodes documents with `tokenizer`, each with BOS in front (or EOS behind, see 1. above).
std::vector<std::vector<int64_t>> tokenizeDocuments(const Tokenizer& tokenizer,
                                                    const std::vector<std::string>& documents);

/// Cuts the windows from tokenized documents (each already with its BOS), following the
/// definition above; `source` names the documents in error messages. Throws Error(BadInput).
CalibrationData makeCalibrationWindows(const std::vector<std::vector<int64_t>>& documents,
                                       const CalibrationOptions& options, const std::string& source);

/// Reads options.files, tokenizes and cuts the windows. Throws Error(BadInput): no files,
/// seqlen < 2, negative counts, a bad file, text too short.
CalibrationData loadCalibrationData(const Tokenizer& tokenizer, const CalibrationOptions& options);
/// The same, returning a Status.
Status loadCalibrationData(const Tokenizer& tokenizer, const CalibrationOptions& options,
                           CalibrationData& out);

/// Self-generated calibration text, for users without data (as in LLM-QAT's data-free QAT):
/// the model samples `count` documents from BOS.
struct GeneratedCalibrationOptions {
    int64_t count = 256;           ///< documents to generate
    int64_t tokensPerSample = 512; ///< new tokens per document at most (BOS + this must fit the context)
    double temperature = 1.0;
    double topP = 0.95;
    uint64_t seed = 2; ///< document i is sampled with seed + i
    /// Stop a document at EOS (natural, short documents that makeCalibrationWindows then
    /// packs) or keep sampling through it up to tokensPerSample.
    bool stopAtEos = true;
};

/// Generates the documents as token ids, each "BOS + sampled ids" (the EOS, when sampled,
/// is kept), with no decode / re-encode round trip. Deterministic for a seed on a given
/// device and dtype. Polls `sink` for cancellation between documents and logs progress.
/// Pass the result to makeCalibrationWindows(docs, options, "self-generated").
Status generateCalibrationDocuments(Model& model, const GeneratedCalibrationOptions& options,
                                    std::vector<std::vector<int64_t>>& out, ProgressSink* sink = nullptr);

} // namespace qat
