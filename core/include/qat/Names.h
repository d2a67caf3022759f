// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file Names.h
/// The enums that run.json, presets, progress events, the command line and the GUI spell
/// as text, each with one enum ⇄ name table (in Names.cpp): methods, stages, phases,
/// devices, compute dtypes, activation-cache dtypes, range initialisations, Φ0 storages and
/// the outcomes of a run (ErrorKind, as metrics.jsonl's run_ended event spells them).
/// Every spelling of these names goes through the functions here.

#include "qat/Status.h"

#include <optional>
#include <string>
#include <vector>

namespace qat {

/// A quantization method, as `--method` and run.json name it.
enum class Method { RoundToNearest, BlockAp, EfficientQat, LrQat, Gptq };

/// A model state a job evaluates: full precision, then the state after each phase.
enum class Stage {
    FullPrecision, ///< before quantization
    RoundToNearest,
    BlockAp,      ///< after Block-AP (EfficientQAT's first phase)
    BlockApE2eQp, ///< after Block-AP and E2E-QP: EfficientQAT's result
    LrQat,
    Gptq,
};

/// The phases of a quantization run, in their usual order.
enum class Phase {
    Calibration,    ///< reading / tokenizing / generating calibration data
    RoundToNearest, ///< plain round-to-nearest quantization (no training)
    BlockAp,        ///< EfficientQAT phase 1: block-wise training of all parameters
    E2eQp,          ///< EfficientQAT phase 2: end-to-end training of the quantization parameters
    LrQat,          ///< LR-QAT: end-to-end training of low-rank adapters and step sizes
    Gptq,           ///< GPTQ: one-shot, layer by layer, with the inputs' Hessian
    Evaluation,     ///< perplexity evaluation
    Export,         ///< writing the quantized model
};

enum class Device { Cpu, Cuda };
enum class ComputeDType { Float32, BFloat16 };

/// Storage type of Block-AP's activation caches (block inputs on both paths and targets).
enum class CacheDType { Float16, BFloat16, Float32 };

/// How the step sizes of a symmetric quantizer start.
enum class RangeInit {
    MinMax, ///< s = max|w| / (2^(N-1) - 1) per group: no weight is clipped
    Lp,     ///< per group, the step (a fraction of the min-max one) with the smallest Σ|w - ŵ|^p
};

/// How LR-QAT keeps the frozen Φ0 = W0 / s0.
enum class Phi0Storage {
    /// Fixed point in int8: Φ0 · 2^(8-N), rounded (1 byte per weight). Within 2^(N-8) of Φ0
    /// (one fixed-point step), and always on the same side of a rounding boundary as Φ0, so
    /// with A·B = 0 the layer rounds exactly as round-to-nearest with s0 does.
    Int8,
    BFloat16, ///< 2 bytes per weight; Φ0 rounded to bfloat16's 8 significant bits
    Float32,  ///< 4 bytes per weight; exact
};

/// One row of a name table.
template <class E> struct NameEntry {
    E value;
    const char* name;
};

/// The name table of a concept, in the order choices are offered.
template <class E> const std::vector<NameEntry<E>>& nameTable();
template <> const std::vector<NameEntry<Method>>& nameTable<Method>();
template <> const std::vector<NameEntry<Stage>>& nameTable<Stage>();
template <> const std::vector<NameEntry<Phase>>& nameTable<Phase>();
template <> const std::vector<NameEntry<Device>>& nameTable<Device>();
template <> const std::vector<NameEntry<ComputeDType>>& nameTable<ComputeDType>();
template <> const std::vector<NameEntry<CacheDType>>& nameTable<CacheDType>();
template <> const std::vector<NameEntry<RangeInit>>& nameTable<RangeInit>();
template <> const std::vector<NameEntry<Phi0Storage>>& nameTable<Phi0Storage>();
template <> const std::vector<NameEntry<ErrorKind>>& nameTable<ErrorKind>();

/// The name of `value` in its concept's table (unknown when it has none).
template <class E> const char* nameOf(E value) {
    for (const auto& e : nameTable<E>())
        if (e.value == value) return e.name;
    return "unknown";
}

/// The value named `name`; nullopt when the table has no such name.
template <class E> std::optional<E> fromName(const std::string& name) {
    for (const auto& e : nameTable<E>())
        if (name == e.name) return e.value;
    return std::nullopt;
}

/// Every name of a concept, in table order.
template <class E> std::vector<std::string> namesOf() {
    std::vector<std::string> out;
    for (const auto& e : nameTable<E>())
        out.emplace_back(e.name);
    return out;
}

/// a, b or c: the names for a message.
std::string nameList(const std::vector<std::string>& names);

/// rtn, block-ap, efficientqat, lr-qat, gptq.
inline const char* methodName(Method method) {
    return nameOf(method);
}
inline std::optional<Method> methodFromName(const std::string& name) {
    return fromName<Method>(name);
}

/// eval.json's and the results' stage names: fp, rtn, block-ap, block-ap+e2e-qp, lr-qat, gptq.
inline const char* stageName(Stage stage) {
    return nameOf(stage);
}
inline std::optional<Stage> stageFromName(const std::string& name) {
    return fromName<Stage>(name);
}
/// The stage that holds a method's quantized model (EfficientQAT: Block-AP + E2E-QP).
Stage finalStage(Method method);

/// The JSON spelling of a phase: calibration, rtn, block_ap, e2e_qp, lr_qat, gptq, evaluation, export.
inline const char* phaseName(Phase phase) {
    return nameOf(phase);
}
/// A phase from its JSON spelling; nullopt when unknown.
inline std::optional<Phase> phaseFromName(const std::string& name) {
    return fromName<Phase>(name);
}

/// cpu, cuda.
inline const char* deviceName(Device device) {
    return nameOf(device);
}
inline std::optional<Device> deviceFromName(const std::string& name) {
    return fromName<Device>(name);
}

/// float32, bfloat16.
inline const char* computeDTypeName(ComputeDType dtype) {
    return nameOf(dtype);
}
inline std::optional<ComputeDType> computeDTypeFromName(const std::string& name) {
    return fromName<ComputeDType>(name);
}

/// float16, bfloat16, float32.
inline const char* cacheDTypeName(CacheDType dtype) {
    return nameOf(dtype);
}
inline std::optional<CacheDType> cacheDTypeFromName(const std::string& name) {
    return fromName<CacheDType>(name);
}

/// lp, minmax.
inline const char* rangeInitName(RangeInit range) {
    return nameOf(range);
}
inline std::optional<RangeInit> rangeInitFromName(const std::string& name) {
    return fromName<RangeInit>(name);
}

/// int8, bfloat16, float32.
inline const char* phi0StorageName(Phi0Storage storage) {
    return nameOf(storage);
}
inline std::optional<Phi0Storage> phi0StorageFromName(const std::string& name) {
    return fromName<Phi0Storage>(name);
}

/// A run's outcome: ok, bad_input, unsupported, out_of_memory, non_finite, cancelled, failure.
inline const char* outcomeName(ErrorKind kind) {
    return nameOf(kind);
}
inline std::optional<ErrorKind> outcomeFromName(const std::string& name) {
    return fromName<ErrorKind>(name);
}

} // namespace qat
