// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file Quantization.h
/// Weight quantization of a model's decoder linears: the quantizer settings and the
/// round-to-nearest (min-max) method. Uniform, asymmetric, per group of `groupSize`
/// consecutive weights along the input dimension of each row; integers in [0, 2^bits - 1].
/// Torch-free: the GUI and the CLI include it.

#include "qat/ModelConfig.h"
#include "qat/Names.h"
#include "qat/Progress.h"
#include "qat/Status.h"

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>

namespace qat {

class Model;

/// How the weights of one linear layer are quantized.
struct QuantSpec {
    int bits = 4; ///< bits per weight, 2..8
    /// Weights per group along the input dimension. 0 means one group per whole row; a
    /// value at least as large as a layer's input dimension also gives that layer whole-row
    /// groups. Where the input dimension is not a multiple, the last group of each row is
    /// shorter (groups never span rows). Negative values are invalid.
    int64_t groupSize = 128;
};

/// The quantizer's form. Asymmetric (the default, EfficientQAT's): integers in [0, 2^N - 1]
/// with a zero point per group, min-max initialised. Symmetric (LR-QAT's): signed integers in
/// [-2^(N-1), 2^(N-1) - 1], no zero point (stored as codes + 2^(N-1) with z = 2^(N-1), so
/// runs and exports use the same layout), step sizes from `range`.
struct QuantizerOptions {
    bool symmetric = false;
    RangeInit range = RangeInit::Lp; ///< symmetric only
    double p = 4.0;                  ///< the Lp search's norm (LR-QAT: 4)
};

/// Checks a spec against a model: bits in [2, 8]; group size 0 or positive and not larger
/// than every input dimension of the decoder linears. BadInput with a message naming the field.
Status validate(const QuantSpec& spec, const ModelConfig& config);

/// Storage cost in bits per weight with the EfficientQAT convention: `bits` for the code
/// plus, per group, a 16-bit scale and a `bits`-bit zero point: bits + (16 + bits) / group.
/// For whole-row groups (groupSize 0) the group is `rowLength` when given, else the
/// per-row overhead is left out.
double bitsPerParameter(const QuantSpec& spec, int64_t rowLength = 0);

/// Round-to-nearest: replaces every decoder linear (q, k, v, o, gate, up, down of every
/// block; not the embedding or the head) by its frozen quantized version, with scales and
/// zero points from each group's min and max (s = (max - min) / (2^bits - 1) clamped to
/// [1e-4, 1e4], z = round(-min / s)). Polls `sink` for cancellation between blocks.
Status quantizeRoundToNearest(Model& model, const QuantSpec& spec, ProgressSink* sink = nullptr);
/// The same with the quantizer's form chosen: symmetric layers get `quantizer.range`'s step
/// sizes and the zero point 2^(N-1). BadInput for a p that is not positive.
Status quantizeRoundToNearest(Model& model, const QuantSpec& spec, const QuantizerOptions& quantizer,
                              ProgressSink* sink = nullptr);

/// Writes the quantized state of `model` (every decoder block frozen: integer codes, step
/// sizes, zero points, biases and the blocks' norm weights, which Block-AP trains) to a
/// safetensors file, atomically; `metadata` is added to the file's. The embeddings, final
/// norm and head are not written: they are the full-precision model's. A run keeps it as
/// RUN/quantized.safetensors. BadInput when a block is not quantized.
Status saveQuantizedState(Model& model, const std::filesystem::path& file,
                          const std::map<std::string, std::string>& metadata = {});

/// Installs a quantized state written by saveQuantizedState into `model`, which must be the
/// same full-precision model (shapes are checked against its config). BadInput naming the
/// file and tensor on any mismatch (missing tensor, wrong dtype or shape, code or zero point
/// outside the bit width's range, non-positive scale); the model is unchanged then. The
/// spec the file holds is returned through `spec` when given.
Status loadQuantizedState(Model& model, const std::filesystem::path& file, QuantSpec* spec = nullptr);

} // namespace qat
