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
/// Both write model.safetensors (or shards model-0000k-of-0000n.safetensors with
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

enum class ExportFormat { Gptq, Fake };

/// "gptq" / "fake".
const char* exportFormatName(ExportFormat format);
/// Parses "gptq" / "fake"; false when unknown.
bool parseExportFormat(const std::string& name, ExportFormat& out);

struct ExportOptions {
    ExportFormat format = ExportFormat::Gptq;
    /// Destination folder; empty: RUN/model.
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
};

/// One decoder linear of the export.
struct ExportedLayer {
    std::string name;    ///< e.g. "model.layers.0.mlp.down_proj"
    bool packed = false; ///< false: dequantized weights (Gptq: also excluded in `dynamic`)
    int64_t group = 0;   ///< the group size it was packed with (packed only)
    std::string reason;  ///< why it is not packed (Gptq format only)
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
    int64_t quantizedWeights = 0; ///< weights of the decoder linears
    uint64_t linearBytes = 0;     ///< bytes those take in the export (packed + dense)
    /// 8 · linearBytes / quantizedWeights: the stored bits per decoder-linear weight.
    double bitsPerWeight() const;
    int packedLayers() const;
};

/// How far an export is: first the decoder linears are converted (packed or dequantized), then
/// the tensor files are written (model.safetensors, or each shard).
struct ExportProgress {
    enum class Step { Converting, Writing };
    Step step = Step::Converting;
    int64_t done = 0;  ///< linears converted / tensor files written so far (1 after the first)
    int64_t total = 0; ///< linears of the model / tensor files of the export
    std::string item;  ///< the linear just converted ("model.layers.0.mlp.up_proj") or the file just written
};

/// Receives an export's progress, on the exporting thread. ProgressSink::isCancelled() is polled
/// before each linear, before each tensor file and before the export is moved into place; a
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
