// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file JobSettings.h
/// The one table of a quantization job's settings: for each, its key in run.json's config
/// and in presets (a JSON pointer), its kind, the paper's default, its valid range, its
/// `qat-cli quantize` option and its help text. run.json and presets are written and read
/// from it (jobConfigJson, applyJobConfig), the CLI registers its options from it and the
/// Recipe page takes its fields' ranges and defaults from it: a setting is added here only.

#include "qat/Names.h"

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace qat {

struct QuantizeJob;

/// What a setting holds, and so how it is spelled in JSON and on the command line.
enum class SettingKind {
    Int,    ///< an integer
    Double, ///< a real number
    Bool,   ///< a flag
    Choice, ///< one of `choices` (a name from Names.h)
    Folder, ///< a folder path (absolute in run.json)
    File,   ///< a file path (absolute in run.json)
    Files,  ///< a list of file paths (absolute in run.json)
    Names,  ///< a list of names from `choices` (JSON: an array; CLI: comma-separated, "all" for every one)
};

/// A setting's value: Int, Double, Bool, Choice / Folder / File (a string) or Files / Names.
using SettingValue = std::variant<int64_t, double, bool, std::string, std::vector<std::string>>;

/// Every setting of the table, in its order (`jobSettings()[id]` is the row of `id`).
enum class JobSettingId {
    Model,
    Tokenizer,
    Method,
    Bits,
    Group,
    Seed,
    Device,
    DType,
    Threads,
    EvalFiles,
    EvalSeqlen,
    EvalMaxWindows,
    EvalTasks,
    EvalTaskDir,
    EvalTaskLimit,
    EvalTaskAddBos,
    CalibrationFiles,
    GeneratedDocuments,
    CalibrationSeqlen,
    TrainWindows,
    ValWindows,
    ValFraction,
    CalibrationSeed,
    BlockApEpochs,
    BlockApBatch,
    BlockApWeightLr,
    BlockApQuantLr,
    BlockApWeightDecay,
    BlockApFinalLrDivisor,
    BlockApTrainNorms,
    BlockApCacheDType,
    BlockApSeed,
    E2eLr,
    E2eEpochs,
    E2eBatch,
    E2eAccumulation,
    E2eWarmup,
    E2eClip,
    E2eWeightDecay,
    E2eTrainZeros,
    E2eSeed,
    QuantizerSymmetric,
    QuantizerRange,
    QuantizerP,
    LrQatRank,
    LrQatAlpha,
    LrQatLr,
    LrQatScaleLr,
    LrQatWeightDecay,
    LrQatBeta1,
    LrQatBeta2,
    LrQatEpochs,
    LrQatSteps,
    LrQatBatch,
    LrQatAccumulation,
    LrQatWarmup,
    LrQatClip,
    LrQatPhi0,
    LrQatBf16Adapters,
    LrQatRange,
    LrQatP,
    LrQatWeightCheckpointing,
    LrQatSeed,
    GptqDamp,
    GptqBlockSize,
    GptqBatch,
    Count
};

/// One row of the table.
struct JobSetting {
    JobSettingId id;
    const char* key; ///< JSON pointer in run.json's config and in presets
    SettingKind kind;
    /// The default (QuantizeJob{}'s): the paper's value where the paper gives one.
    SettingValue defaultValue;
    double minimum;    ///< valid range of a number (-inf / +inf: open)
    double maximum;    ///< inclusive
    bool aboveMinimum; ///< the minimum itself is excluded (a positive real)
    /// The range the GUI's field offers (within the valid range, finite).
    double fieldMinimum;
    double fieldMaximum;
    /// Numbers: the range is checked by checkJob (which names it) rather than on reading.
    bool rangeCheckedByJob;
    std::vector<std::string> choices; ///< a Choice's or Names' names
    /// The `qat-cli quantize` option ("--epochs", "--model,-m"; a leading "!" negates a flag);
    /// nullptr: none. Rows sharing an option take its one value.
    const char* cliOption;
    const char* help; ///< English: the CLI's help, and the meaning the GUI's tooltip gives
    unsigned methods; ///< run.json records it for these methods (mask of 1 << Method)
    bool readable;    ///< false: written for the record only (the seeds derived from /seed)
    bool resumable; ///< may differ when a run folder is resumed (threads, evaluation): they do not change the
                    ///< weights
    SettingValue (*get)(const QuantizeJob& job);              ///< the job's field
    void (*set)(QuantizeJob& job, const SettingValue& value); ///< sets the field (value already checked)
    /// What run.json records when it differs from the field (a learning rate by bits, α = r).
    SettingValue (*record)(const QuantizeJob& job);
    /// Recorded only when given (a path left empty is not written), so that runs made before
    /// the setting existed keep their configuration.
    bool omitWhenEmpty;
};

/// The table, one row per JobSettingId in its order.
const std::vector<JobSetting>& jobSettings();
/// The row of `id`.
const JobSetting& jobSetting(JobSettingId id);
/// The row whose key is `key` (a JSON pointer); nullptr when none.
const JobSetting* findJobSetting(const std::string& key);

/// The key without its leading slash, dotted: "block_ap.epochs" (for messages).
std::string settingDisplayKey(const JobSetting& setting);
/// Empty when `value` is within the setting's range; otherwise why not ("must be at least 1").
std::string settingRangeError(const JobSetting& setting, double value);
/// The top-level config fields that may change when a run is resumed (device, dtype, threads, eval).
std::vector<std::string> resumableJobFields();

} // namespace qat
