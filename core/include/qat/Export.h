// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file Export.h
/// Exports a finished quantization run as a model folder that other tools load.
///
/// Formats:
///  - Gptq: GPTQ "v2" packed decoder linears (qweight / qzeros / scales / g_idx, the layout of
///    kernels/include/qat/kernels/PackedLayout.h), embeddings, norms and head unquantized in
///    `dtype`; config.json gets a `quantization_config` (quant_method "gptq", bits, group_size,
///    desc_act false, sym false, checkpoint_format "gptq_v2"). A linear the layout cannot hold
///    (its input not a multiple of the group size or of 32/bits, its output not a multiple of
///    32/bits) is written as its dequantized weight in `dtype` and excluded in the config's
///    `dynamic` map ("-:<name>"), so the export computes what was trained.
///  - Fake: every weight dequantized, in `dtype`, in the plain Hugging Face layout (no
///    quantization_config), for tools that know no packed format.
///  - Gguf: one GGUF v3 file for llama.cpp (and Ollama, LM Studio): the `llama` (or `qwen2`)
///    architecture's metadata and tensor names, the tokenizer as GGUF metadata, each decoder
///    linear in a ggml block type. Exact where the type holds the run's integers: Q4_1 for an
///    asymmetric 4-bit run with groups a multiple of 32 (d = s, m = -s·z in fp16), Q4_0 for a
///    4-bit run whose zero points are all 8, Q8_0 for an 8-bit one with zero points 128.
///    Otherwise the k-quant of the run's width (Q2_K, Q3_K, Q4_K), its sub-block scales and mins
///    fitted to the run's weights; a layer a type cannot hold (rows not a multiple of its block)
///    falls back to Q8_0, else F16, and the report says why. The report gives each layer's type
///    and relative weight error and, with evaluation text, the perplexity of the file read back
///    against the run's.
/// Gptq and Fake write model.safetensors (or shards model-0000k-of-0000n.safetensors with
/// model.safetensors.index.json above `maxShardBytes`), config.json, the source folder's
/// tokenizer and generation files and licence notices, and qat_studio.json (format, recipe,
/// measured perplexities, which layers were packed and why not). Everything is written to a
/// temporary folder beside the destination and renamed into place when complete.
/// Torch-free.
#include "qat/Progress.h"
#include "qat/Status.h"

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace qat {

enum class ExportFormat { Gptq, Fake, Gguf };

/// "gptq" / "fake" / "gguf".
const char* exportFormatName(ExportFormat format);
/// Parses "gptq" / "fake" / "gguf"; false when unknown.
bool parseExportFormat(const std::string& name, ExportFormat& out);

/// The values ExportOptions::ggufType takes ("auto" first, then the ggml types of decoder linears).
const std::vector<std::string>& ggufLinearTypeChoices();
/// The values ExportOptions::ggufEmbeddings takes (the default first).
const std::vector<std::string>& ggufEmbeddingTypeChoices();

struct ExportOptions {
    ExportFormat format = ExportFormat::Gptq;
    /// Destination folder (Gguf: file); empty: RUN/model (Gguf: RUN/model.gguf).
    std::filesystem::path out;
    /// Replace an existing destination (else it is refused).
    bool overwrite = false;
    /// dtype of the unquantized tensors (and of every weight in the fake format):
    /// "float16", "bfloat16" or "float32". The packed scales are float16 whatever this is.
    std::string dtype = "float16";
    /// A shard holds at most this many bytes of tensor data (a larger single tensor gets a
    /// shard of its own); one model.safetensors when everything fits. Hugging Face's default.
    uint64_t maxShardBytes = 5'000'000'000ull;
    /// CPU threads (0: LibTorch's default).
    int threads = 0;
    /// Gguf: the ggml type of the decoder linears ("auto", "q4_1", "q4_0", "q8_0", "q2_k", "q3_k",
    /// "q4_k"); auto: the exact type where one exists, else the k-quant of the run's width.
    std::string ggufType = "auto";
    /// Gguf: the type of the embedding (and of an untied head): "f16", "q8_0" or "f32".
    std::string ggufEmbeddings = "f16";
    /// Gguf: text files to measure the file read back against the run on; empty: the run's
    /// evaluation files (none: no perplexity in the report).
    std::vector<std::filesystem::path> evalFiles;
    /// Gguf: windows of evaluation text at most (0: all), of the run's sequence length.
    int64_t evalMaxWindows = 8;
    /// Gguf: skip the perplexity check.
    bool skipEval = false;
};

/// One decoder linear of the export.
struct ExportedLayer {
    std::string name;     ///< e.g. "model.layers.0.mlp.down_proj"
    bool packed = false;  ///< false: dequantized weights (Gptq: also excluded in `dynamic`)
    int64_t group = 0;    ///< the group size it was packed with (packed only)
    std::string reason;   ///< why it is not packed (Gptq), or why it fell back to another type (Gguf)
    std::string ggufType; ///< Gguf: the ggml type it was written in ("q4_1")
    bool exact = false;   ///< Gguf: the type holds the run's weights up to the fp16 rounding of its scales
    /// Gguf: ||written - run|| / ||run|| over the layer's weights (its dequantized values).
    double relativeError = 0;
};

/// The perplexity of a GGUF export read back, beside the run's, on the same text.
struct ExportEval {
    std::string file; ///< the evaluation text
    int64_t seqlen = 0;
    int64_t windows = 0;
    double runPerplexity = 0;  ///< the run's quantized model, as qat-cli eval --run computes it
    double filePerplexity = 0; ///< the GGUF file, read back by QAT Studio's GGUF reader
};

struct ExportedFile {
    std::string name;
    uint64_t bytes = 0;
};

struct ExportReport {
    std::filesystem::path folder; ///< where the export now is
    ExportFormat format = ExportFormat::Gptq;
    int bits = 0;
    int64_t groupSize = 0; ///< the run's (0: whole rows)
    std::vector<ExportedLayer> layers;
    std::vector<ExportedFile> files; ///< every file written, with its size
    uint64_t totalBytes = 0;
    int shards = 1;
    std::vector<ExportEval> evals;  ///< Gguf: one per evaluation file (none when skipped)
    std::vector<std::string> notes; ///< Gguf: what the reader should know (a fallback, a tokenizer caveat)
    int64_t quantizedWeights = 0;   ///< weights of the decoder linears
    uint64_t linearBytes = 0;       ///< bytes those take in the export (packed + dense)
    /// 8 · linearBytes / quantizedWeights: the stored bits per decoder-linear weight.
    double bitsPerWeight() const;
    int packedLayers() const;
};

/// The layers of a GGUF export written in one type: how many, how many exactly, their relative
/// weight error.
struct ExportTypeSummary {
    std::string type;
    int layers = 0;
    int exact = 0;
    double meanError = 0;
    double maxError = 0;
};
/// One row per type of the report's layers, by type name.
std::vector<ExportTypeSummary> summarizeLayerTypes(const ExportReport& report);

/// How far an export is: first the decoder linears are converted (packed or dequantized), then
/// the tensor files are written (model.safetensors, or each shard); a GGUF export then measures
/// the file read back, one evaluation file after another (done: files measured).
struct ExportProgress {
    enum class Step { Converting, Writing, Measuring };
    Step step = Step::Converting;
    int64_t done = 0;  ///< linears converted / tensor files written so far (1 after the first)
    int64_t total = 0; ///< linears of the model / tensor files of the export
    std::string item;  ///< the linear just converted ("model.layers.0.mlp.up_proj") or the file just written
};

/// Receives an export's progress, on the exporting thread. ProgressSink::isCancelled() is polled
/// before each linear, before each tensor file, before each evaluation file and before the
/// export is moved into place; a
/// cancel ends the export with ErrorKind::Cancelled, the temporary folder removed and the
/// destination untouched.
class ExportSink : public ProgressSink {
public:
    virtual void onExportProgress(const ExportProgress& /*progress*/) {}
};

/// Exports run folder `run` (which must hold quantized.safetensors, i.e. have finished).
/// BadInput naming the file or field for an unfinished run, a bad option, or an existing
/// destination without `overwrite`; Cancelled when `sink` cancels; the destination is untouched
/// on any failure. `sink` (optional) receives the progress.
Status exportRun(const std::filesystem::path& run, const ExportOptions& options, ExportReport& report,
                 ExportSink* sink = nullptr);

} // namespace qat
