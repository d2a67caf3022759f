// SPDX-License-Identifier: GPL-3.0-or-later
// The table of the job's settings (see qat/JobSettings.h).
#include "qat/JobSettings.h"

#include "qat/QuantizeJob.h"
#include "qat/ZeroShot.h"

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <limits>
#include <sstream>
#include <stdexcept>

namespace qat {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

constexpr unsigned bit(Method m) {
    return 1u << static_cast<unsigned>(m);
}
constexpr unsigned kAll = bit(Method::RoundToNearest) | bit(Method::BlockAp) | bit(Method::EfficientQat) |
                          bit(Method::LrQat) | bit(Method::Gptq);
constexpr unsigned kRtn = bit(Method::RoundToNearest);
constexpr unsigned kData = kAll & ~kRtn;
constexpr unsigned kBlockAp = bit(Method::BlockAp) | bit(Method::EfficientQat);
constexpr unsigned kE2e = bit(Method::EfficientQat);
constexpr unsigned kLrQat = bit(Method::LrQat);
constexpr unsigned kGptq = bit(Method::Gptq);

using Getter = SettingValue (*)(const QuantizeJob&);
using Setter = void (*)(QuantizeJob&, const SettingValue&);

// A row, built step by step: the key, kind, default and field first; range, option and help after.
struct Row {
    JobSetting s;
    Row(JobSettingId id, const char* key, SettingKind kind, SettingValue def, unsigned methods, Getter get,
        Setter set)
        : s{id, key,     kind, std::move(def), -kInf,          kInf,  false, 0.0, 0.0,     false,
            {}, nullptr, "",   methods,        set != nullptr, false, get,   set, nullptr, false} {}
    Row& range(double lo, double hi) {
        s.minimum = lo;
        s.maximum = hi;
        return field(std::isfinite(lo) ? lo : 0.0, std::isfinite(hi) ? hi : 1e9);
    }
    Row& positive() {
        s.minimum = 0.0;
        s.maximum = kInf;
        s.aboveMinimum = true;
        return field(0.0, 1e9);
    }
    Row& field(double lo, double hi) {
        s.fieldMinimum = lo;
        s.fieldMaximum = hi;
        return *this;
    }
    Row& checkedByJob() {
        s.rangeCheckedByJob = true;
        return *this;
    }
    Row& choices(std::vector<std::string> names) {
        s.choices = std::move(names);
        return *this;
    }
    Row& cli(const char* option, const char* help) {
        s.cliOption = option;
        s.help = help;
        return *this;
    }
    Row& help(const char* text) {
        s.help = text;
        return *this;
    }
    Row& resumable() {
        s.resumable = true;
        return *this;
    }
    Row& optional() {
        s.omitWhenEmpty = true;
        return *this;
    }
    Row& record(Getter r) {
        s.record = r;
        return *this;
    }
    operator JobSetting() const { return s; }
};

// Getter and setter of a job field, by its kind.
#define QAT_INT(f)                                                                                           \
    [](const QuantizeJob& j) -> SettingValue { return static_cast<int64_t>(j.f); },                          \
        [](QuantizeJob& j, const SettingValue& v) {                                                          \
            j.f = static_cast<decltype(j.f)>(std::get<int64_t>(v));                                          \
        }
#define QAT_DOUBLE(f)                                                                                        \
    [](const QuantizeJob& j) -> SettingValue { return j.f; },                                                \
        [](QuantizeJob& j, const SettingValue& v) { j.f = std::get<double>(v); }
#define QAT_BOOL(f)                                                                                          \
    [](const QuantizeJob& j) -> SettingValue { return j.f; },                                                \
        [](QuantizeJob& j, const SettingValue& v) { j.f = std::get<bool>(v); }
#define QAT_CHOICE(f, E)                                                                                     \
    [](const QuantizeJob& j) -> SettingValue { return std::string(nameOf(j.f)); },                           \
        [](QuantizeJob& j, const SettingValue& v) { j.f = *fromName<E>(std::get<std::string>(v)); }
#define QAT_FILES(f)                                                                                         \
    [](const QuantizeJob& j) -> SettingValue {                                                               \
        std::vector<std::string> out;                                                                        \
        for (const auto& p : j.f)                                                                            \
            out.push_back(p.string());                                                                       \
        return out;                                                                                          \
    },                                                                                                       \
        [](QuantizeJob& j, const SettingValue& v) {                                                          \
            const auto& files = std::get<std::vector<std::string>>(v);                                       \
            j.f.assign(files.begin(), files.end());                                                          \
        }
// The seeds of the calibration and of each method: run.json records job.seed for each.
#define QAT_SEED_COPY                                                                                        \
    [](const QuantizeJob& j) -> SettingValue { return static_cast<int64_t>(j.seed); }, nullptr

using Id = JobSettingId;
using K = SettingKind;
using Files = std::vector<std::string>;

std::vector<std::string> taskNames() {
    std::vector<std::string> out;
    for (const auto& t : zeroShotTasks())
        out.push_back(t.name);
    return out;
}

constexpr double kMaxSeqlen = static_cast<double>(int64_t{1} << 20);

// The model, method, quantization format, device and evaluation.
std::vector<JobSetting> jobRows() {
    return {
        Row(
            Id::Model, "/model", K::Folder, std::string(), kAll,
            [](const QuantizeJob& j) -> SettingValue { return j.model.string(); },
            [](QuantizeJob& j, const SettingValue& v) { j.model = std::get<std::string>(v); })
            .cli("--model,-m", "Full-precision model folder"),
        Row(
            Id::Tokenizer, "/tokenizer", K::File, std::string(), kAll,
            [](const QuantizeJob& j) -> SettingValue { return j.tokenizer.string(); },
            [](QuantizeJob& j, const SettingValue& v) { j.tokenizer = std::get<std::string>(v); })
            .optional()
            .cli("--tokenizer",
                 "Tokenizer file (tokenizer.json or tokenizer.model) to use instead of the folder's"),
        Row(Id::Method, "/method", K::Choice, std::string(methodName(Method::EfficientQat)), kAll,
            QAT_CHOICE(method, Method))
            .choices(namesOf<Method>())
            .cli("--method", "rtn, block-ap, efficientqat, lr-qat or gptq"),
        Row(Id::Bits, "/bits", K::Int, int64_t{4}, kAll, QAT_INT(spec.bits))
            .range(2, 8)
            .checkedByJob()
            .cli("--bits", "Bits per weight (2..8)"),
        Row(Id::Group, "/group", K::Int, int64_t{128}, kAll, QAT_INT(spec.groupSize))
            .range(0, kInf)
            .checkedByJob()
            .cli("--group", "Weights per quantization group (0: whole rows)"),
        Row(Id::Seed, "/seed", K::Int, int64_t{2}, kAll, QAT_INT(seed))
            .range(0, kInf)
            .cli("--seed", "Seed of the calibration windows and of training"),
        Row(Id::Device, "/device", K::Choice, std::string("cpu"), kAll, QAT_CHOICE(device, Device))
            .choices(namesOf<Device>())
            .cli("--device", "cpu or cuda (a run resumes only on the device it started on)"),
        Row(Id::DType, "/dtype", K::Choice, std::string("float32"), kAll, QAT_CHOICE(dtype, ComputeDType))
            .choices(namesOf<ComputeDType>())
            .cli("--dtype",
                 "Compute dtype: float32 or bfloat16 (a run resumes only in the dtype it started in)"),
        Row(Id::Threads, "/threads", K::Int, int64_t{0}, kAll, QAT_INT(threads))
            .range(0, kInf)
            .resumable()
            .cli("--threads", "CPU threads (0: LibTorch's default)"),
        Row(Id::EvalFiles, "/eval/files", K::Files, Files{}, kAll, QAT_FILES(evalFiles))
            .resumable()
            .cli("--eval", "Text / JSONL files to measure perplexity on, before and after each phase"),
        Row(Id::EvalSeqlen, "/eval/seqlen", K::Int, int64_t{2048}, kAll, QAT_INT(evalSeqlen))
            .range(2, kMaxSeqlen)
            .resumable()
            .cli("--eval-seqlen", "Perplexity window (capped at max_position_embeddings)"),
        Row(Id::EvalMaxWindows, "/eval/max_windows", K::Int, int64_t{0}, kAll, QAT_INT(evalMaxWindows))
            .range(0, kInf)
            .resumable()
            .cli("--eval-max-windows", "Evaluate only the first N windows (0: all)"),
        Row(
            Id::EvalTasks, "/eval/tasks", K::Names, Files{}, kAll,
            [](const QuantizeJob& j) -> SettingValue { return j.evalTasks; },
            [](QuantizeJob& j, const SettingValue& v) {
                // "all" stands for every task; the table's order, each once.
                const auto& given = std::get<std::vector<std::string>>(v);
                j.evalTasks.clear();
                for (const auto& t : zeroShotTasks())
                    if (std::find(given.begin(), given.end(), t.name) != given.end() ||
                        std::find(given.begin(), given.end(), "all") != given.end())
                        j.evalTasks.push_back(t.name);
            })
            .choices(taskNames())
            .resumable()
            .cli("--eval-tasks",
                 "Zero-shot tasks scored before and after each phase: all, or a comma-separated "
                 "list of arc_easy, arc_challenge, piqa, hellaswag, winogrande, boolq"),
        Row(
            Id::EvalTaskDir, "/eval/task_dir", K::Folder, std::string(), kAll,
            [](const QuantizeJob& j) -> SettingValue { return j.taskDir.string(); },
            [](QuantizeJob& j, const SettingValue& v) { j.taskDir = std::get<std::string>(v); })
            .optional()
            .resumable()
            .cli("--task-dir", "The folder with the zero-shot task files (arc_easy.jsonl, ...)"),
        Row(Id::EvalTaskLimit, "/eval/task_limit", K::Int, int64_t{0}, kAll, QAT_INT(taskLimit))
            .range(0, kInf)
            .resumable()
            .cli("--task-limit", "Score only the first N items of each task (0: all)"),
        Row(Id::EvalTaskAddBos, "/eval/task_add_bos", K::Bool, false, kAll, QAT_BOOL(taskAddBos))
            .resumable()
            .cli("--task-add-bos",
                 "Put the tokenizer's BOS in front of every task request (off: as lm-eval 0.4.2, which "
                 "EfficientQAT ran)"),
    };
}

std::vector<JobSetting> calibrationRows() {
    return {
        Row(Id::CalibrationFiles, "/calibration/files", K::Files, Files{}, kData,
            QAT_FILES(calibration.files))
            .cli("--calib", "Calibration text / JSONL files (every method but rtn)"),
        Row(Id::GeneratedDocuments, "/calibration/generated_documents", K::Int, int64_t{0}, kData,
            QAT_INT(generatedDocuments))
            .range(0, kInf)
            .cli("--calib-generate",
                 "Calibrate on N documents the model writes itself (sampled from BOS) instead of --calib"),
        Row(Id::CalibrationSeqlen, "/calibration/seqlen", K::Int, int64_t{2048}, kData,
            QAT_INT(calibration.seqlen))
            .range(2, kMaxSeqlen)
            .cli("--seqlen", "Calibration window length in tokens"),
        Row(Id::TrainWindows, "/calibration/train_windows", K::Int, int64_t{4096}, kData,
            QAT_INT(calibration.trainWindows))
            .range(1, kInf)
            .cli("--train-windows", "Training windows"),
        Row(Id::ValWindows, "/calibration/val_windows", K::Int, int64_t{64}, kData,
            QAT_INT(calibration.valWindows))
            .range(0, kInf)
            .cli("--val-windows", "Validation windows (0: none)"),
        Row(Id::ValFraction, "/calibration/val_fraction", K::Double, 0.1, kData,
            QAT_DOUBLE(calibration.valFraction))
            .range(0.0, 0.9)
            .cli("--val-fraction", "Fraction of the documents (the last) kept for validation"),
        Row(Id::CalibrationSeed, "/calibration/seed", K::Int, int64_t{2}, kData, QAT_SEED_COPY)
            .help("The seed of the calibration windows (the job's seed, recorded)"),
    };
}

std::vector<JobSetting> blockApRows() {
    return {
        Row(Id::BlockApEpochs, "/block_ap/epochs", K::Int, int64_t{2}, kBlockAp, QAT_INT(blockAp.epochs))
            .range(1, kInf)
            .field(1, 1000)
            .cli("--epochs", "Block-AP epochs per block"),
        Row(Id::BlockApBatch, "/block_ap/batch", K::Int, int64_t{2}, kBlockAp, QAT_INT(blockAp.batchSize))
            .range(1, kInf)
            .field(1, 4096)
            .cli("--batch", "Block-AP windows per optimizer step"),
        Row(Id::BlockApWeightLr, "/block_ap/weight_lr", K::Double, 0.0, kBlockAp,
            QAT_DOUBLE(blockAp.weightLr))
            .range(0.0, kInf)
            .field(0.0, 1.0)
            .record([](const QuantizeJob& j) -> SettingValue { return j.blockAp.weightLrFor(j.spec.bits); })
            .cli("--weight-lr", "Block-AP weight lr (0: the paper's by bits, 2e-5 / 1e-5)"),
        Row(Id::BlockApQuantLr, "/block_ap/quant_lr", K::Double, 1e-4, kBlockAp,
            QAT_DOUBLE(blockAp.quantizerLr))
            .positive()
            .field(0.0, 1.0)
            .cli("--quant-lr", "Block-AP scale / zero-point lr"),
        Row(Id::BlockApWeightDecay, "/block_ap/weight_decay", K::Double, 0.0, kBlockAp,
            QAT_DOUBLE(blockAp.weightDecay))
            .range(0.0, kInf)
            .field(0.0, 1.0)
            .cli("--weight-decay", "Block-AP AdamW weight decay"),
        Row(Id::BlockApFinalLrDivisor, "/block_ap/final_lr_divisor", K::Double, 20.0, kBlockAp,
            QAT_DOUBLE(blockAp.finalLrDivisor))
            .range(1.0, 1e9)
            .cli("--final-lr-divisor", "Block-AP cosine schedule ends at lr / this"),
        Row(Id::BlockApTrainNorms, "/block_ap/train_norms", K::Bool, true, kBlockAp,
            QAT_BOOL(blockAp.trainNorms))
            .cli("!--freeze-norms", "Block-AP: keep the norm weights fixed (trained by default)"),
        Row(Id::BlockApCacheDType, "/block_ap/cache_dtype", K::Choice, std::string("float16"), kBlockAp,
            QAT_CHOICE(blockAp.cacheDType, CacheDType))
            .choices(namesOf<CacheDType>())
            .cli("--cache-dtype", "Block-AP activation caches: float16, bfloat16 or float32"),
        Row(Id::BlockApSeed, "/block_ap/seed", K::Int, int64_t{2}, kBlockAp, QAT_SEED_COPY)
            .help("Block-AP's seed (the job's seed, recorded)"),
    };
}

// E2E-QP's, and round-to-nearest's quantizer form.
std::vector<JobSetting> e2eAndQuantizerRows() {
    return {
        Row(Id::E2eLr, "/e2e_qp/lr", K::Double, 0.0, kE2e, QAT_DOUBLE(e2e.lr))
            .range(0.0, kInf)
            .field(0.0, 1.0)
            .record(
                [](const QuantizeJob& j) -> SettingValue { return e2eQpLearningRate(j.e2e, j.spec.bits); })
            .cli("--e2e-lr", "E2E-QP peak lr (0: the paper's by bits, 2e-5 / 1e-5)"),
        Row(Id::E2eEpochs, "/e2e_qp/epochs", K::Int, int64_t{1}, kE2e, QAT_INT(e2e.epochs))
            .range(1, kInf)
            .field(1, 1000)
            .cli("--e2e-epochs", "E2E-QP epochs"),
        Row(Id::E2eBatch, "/e2e_qp/batch", K::Int, int64_t{2}, kE2e, QAT_INT(e2e.batchSize))
            .range(1, kInf)
            .field(1, 4096)
            .cli("--e2e-batch", "E2E-QP windows per micro-batch"),
        Row(Id::E2eAccumulation, "/e2e_qp/gradient_accumulation", K::Int, int64_t{16}, kE2e,
            QAT_INT(e2e.gradientAccumulation))
            .range(1, kInf)
            .field(1, 4096)
            .cli("--e2e-accumulation",
                 "E2E-QP micro-batches per optimizer step (effective batch = batch x accumulation)"),
        Row(Id::E2eWarmup, "/e2e_qp/warmup_fraction", K::Double, 0.03, kE2e, QAT_DOUBLE(e2e.warmupFraction))
            .range(0.0, 1.0)
            .cli("--e2e-warmup", "E2E-QP fraction of steps in linear warm-up"),
        Row(Id::E2eClip, "/e2e_qp/max_grad_norm", K::Double, 0.3, kE2e, QAT_DOUBLE(e2e.maxGradNorm))
            .range(0.0, kInf)
            .field(0.0, 100.0)
            .cli("--e2e-clip", "E2E-QP gradient-norm clip (0: none)"),
        Row(Id::E2eWeightDecay, "/e2e_qp/weight_decay", K::Double, 0.0, kE2e, QAT_DOUBLE(e2e.weightDecay))
            .range(0.0, kInf)
            .field(0.0, 1.0)
            .cli("--e2e-weight-decay", "E2E-QP AdamW weight decay"),
        Row(Id::E2eTrainZeros, "/e2e_qp/train_zeros", K::Bool, false, kE2e, QAT_BOOL(e2e.trainZeros))
            .cli("--e2e-train-zeros", "E2E-QP: train the zero points too"),
        Row(Id::E2eSeed, "/e2e_qp/seed", K::Int, int64_t{2}, kE2e, QAT_SEED_COPY)
            .help("E2E-QP's seed (the job's seed, recorded)"),

        Row(Id::QuantizerSymmetric, "/quantizer/symmetric", K::Bool, false, kRtn,
            QAT_BOOL(quantizer.symmetric))
            .cli("--symmetric", "rtn: symmetric signed integers (no zero point) with --range step sizes, "
                                "instead of asymmetric min-max"),
        Row(Id::QuantizerRange, "/quantizer/range", K::Choice, std::string("lp"), kRtn,
            QAT_CHOICE(quantizer.range, RangeInit))
            .choices(namesOf<RangeInit>())
            .cli("--range", "Symmetric step sizes (rtn --symmetric, lr-qat): lp (Lp-error search) or minmax"),
        Row(Id::QuantizerP, "/quantizer/p", K::Double, 4.0, kRtn, QAT_DOUBLE(quantizer.p))
            .positive()
            .field(0.5, 16.0)
            .cli("--lp-norm", "The p of the Lp range search (LR-QAT: 4; 2 is the MSE)"),
    };
}

std::vector<JobSetting> lrQatRows() {
    return {
        Row(Id::LrQatRank, "/lr_qat/rank", K::Int, int64_t{32}, kLrQat, QAT_INT(lrQat.rank))
            .range(1, kInf)
            .field(1, 4096)
            .cli("--rank", "LR-QAT adapter rank r"),
        Row(Id::LrQatAlpha, "/lr_qat/alpha", K::Double, 0.0, kLrQat, QAT_DOUBLE(lrQat.alpha))
            .range(0.0, kInf)
            .field(0.0, 65536.0)
            .record([](const QuantizeJob& j) -> SettingValue {
                return j.lrQat.alpha > 0.0 ? j.lrQat.alpha : static_cast<double>(j.lrQat.rank);
            })
            .cli("--lora-alpha", "LR-QAT alpha: the adapters' product is scaled by alpha / r (0: alpha = r)"),
        Row(Id::LrQatLr, "/lr_qat/lr", K::Double, 1e-3, kLrQat, QAT_DOUBLE(lrQat.lr))
            .range(0.0, kInf)
            .field(1e-7, 1.0)
            .cli("--lr-qat-lr", "LR-QAT peak lr of the adapters A and B"),
        Row(Id::LrQatScaleLr, "/lr_qat/scale_lr", K::Double, 1e-5, kLrQat, QAT_DOUBLE(lrQat.scaleLr))
            .range(0.0, kInf)
            .field(0.0, 1.0)
            .cli("--scale-lr", "LR-QAT peak lr of the step sizes"),
        Row(Id::LrQatWeightDecay, "/lr_qat/weight_decay", K::Double, 0.0, kLrQat,
            QAT_DOUBLE(lrQat.weightDecay))
            .range(0.0, kInf)
            .field(0.0, 1.0)
            .cli("--lr-qat-weight-decay", "LR-QAT AdamW weight decay"),
        Row(Id::LrQatBeta1, "/lr_qat/beta1", K::Double, 0.9, kLrQat, QAT_DOUBLE(lrQat.beta1))
            .range(0.0, 0.999999)
            .help("LR-QAT AdamW beta1"),
        Row(Id::LrQatBeta2, "/lr_qat/beta2", K::Double, 0.95, kLrQat, QAT_DOUBLE(lrQat.beta2))
            .range(0.0, 0.999999)
            .cli("--beta2", "LR-QAT AdamW beta2"),
        Row(Id::LrQatEpochs, "/lr_qat/epochs", K::Int, int64_t{1}, kLrQat, QAT_INT(lrQat.epochs))
            .range(1, kInf)
            .field(1, 1000)
            .cli("--lr-qat-epochs", "LR-QAT epochs"),
        Row(Id::LrQatSteps, "/lr_qat/steps", K::Int, int64_t{0}, kLrQat, QAT_INT(lrQat.steps))
            .range(0, kInf)
            .field(0, 10000000)
            .cli("--lr-qat-steps", "LR-QAT optimizer steps instead of epochs (0: use epochs)"),
        Row(Id::LrQatBatch, "/lr_qat/batch", K::Int, int64_t{2}, kLrQat, QAT_INT(lrQat.batchSize))
            .range(1, kInf)
            .field(1, 4096)
            .cli("--lr-qat-batch", "LR-QAT windows per micro-batch"),
        Row(Id::LrQatAccumulation, "/lr_qat/gradient_accumulation", K::Int, int64_t{1}, kLrQat,
            QAT_INT(lrQat.gradientAccumulation))
            .range(1, kInf)
            .field(1, 4096)
            .cli("--lr-qat-accumulation", "LR-QAT micro-batches per optimizer step"),
        Row(Id::LrQatWarmup, "/lr_qat/warmup_fraction", K::Double, 0.1, kLrQat,
            QAT_DOUBLE(lrQat.warmupFraction))
            .range(0.0, 1.0)
            .cli("--lr-qat-warmup", "LR-QAT fraction of steps in linear warm-up"),
        Row(Id::LrQatClip, "/lr_qat/max_grad_norm", K::Double, 1.0, kLrQat, QAT_DOUBLE(lrQat.maxGradNorm))
            .range(0.0, kInf)
            .field(0.0, 100.0)
            .cli("--lr-qat-clip", "LR-QAT gradient-norm clip (0: none)"),
        Row(Id::LrQatPhi0, "/lr_qat/phi0", K::Choice, std::string("int8"), kLrQat,
            QAT_CHOICE(lrQat.phi0, Phi0Storage))
            .choices(namesOf<Phi0Storage>())
            .cli("--phi0", "LR-QAT storage of the frozen W0/s0: int8 (fixed point), bfloat16 or float32"),
        Row(Id::LrQatBf16Adapters, "/lr_qat/bf16_adapters", K::Bool, false, kLrQat,
            QAT_BOOL(lrQat.bf16Adapters))
            .cli("--bf16-adapters", "LR-QAT: keep A and B in bfloat16"),
        Row(Id::LrQatRange, "/lr_qat/range", K::Choice, std::string("lp"), kLrQat,
            QAT_CHOICE(lrQat.range, RangeInit))
            .choices(namesOf<RangeInit>())
            .cli("--range", "Symmetric step sizes (rtn --symmetric, lr-qat): lp (Lp-error search) or minmax"),
        Row(Id::LrQatP, "/lr_qat/p", K::Double, 4.0, kLrQat, QAT_DOUBLE(lrQat.p))
            .positive()
            .field(0.5, 16.0)
            .cli("--lp-norm", "The p of the Lp range search (LR-QAT: 4; 2 is the MSE)"),
        Row(Id::LrQatWeightCheckpointing, "/lr_qat/weight_checkpointing", K::Bool, true, kLrQat,
            QAT_BOOL(lrQat.weightCheckpointing))
            .help("LR-QAT: rebuild each layer's weight in the backward pass instead of keeping it"),
        Row(Id::LrQatSeed, "/lr_qat/seed", K::Int, int64_t{2}, kLrQat, QAT_SEED_COPY)
            .help("LR-QAT's seed (the job's seed, recorded)"),
    };
}

std::vector<JobSetting> gptqRows() {
    return {
        Row(Id::GptqDamp, "/gptq/damp", K::Double, 0.01, kGptq, QAT_DOUBLE(gptq.damp))
            .positive()
            .field(1e-6, 1.0)
            .cli("--damp", "GPTQ dampening: this fraction of the Hessian's mean diagonal is added to it"),
        Row(Id::GptqBlockSize, "/gptq/block_size", K::Int, int64_t{128}, kGptq, QAT_INT(gptq.blockSize))
            .range(1, kInf)
            .field(1, 65536)
            .cli("--gptq-block", "GPTQ columns per lazy batch update (the result does not depend on it)"),
        Row(Id::GptqBatch, "/gptq/batch", K::Int, int64_t{8}, kGptq, QAT_INT(gptq.batchSize))
            .range(1, kInf)
            .field(1, 4096)
            .cli("--gptq-batch", "GPTQ windows per forward pass when collecting the layers' inputs"),
    };
}

std::vector<JobSetting> makeTable() {
    std::vector<JobSetting> table;
    for (auto part : {jobRows, calibrationRows, blockApRows, e2eAndQuantizerRows, lrQatRows, gptqRows})
        for (JobSetting& s : part())
            table.push_back(std::move(s));
    return table;
}

#undef QAT_INT
#undef QAT_DOUBLE
#undef QAT_BOOL
#undef QAT_CHOICE
#undef QAT_FILES
#undef QAT_SEED_COPY

std::string number(double v) {
    std::ostringstream s;
    s << std::setprecision(12) << v;
    return s.str();
}

} // namespace

const std::vector<JobSetting>& jobSettings() {
    static const std::vector<JobSetting> table = [] {
        std::vector<JobSetting> t = makeTable();
        for (size_t i = 0; i < t.size(); ++i)
            if (static_cast<size_t>(t[i].id) != i)
                throw std::logic_error(std::string("job settings: row out of order: ") + t[i].key);
        if (t.size() != static_cast<size_t>(JobSettingId::Count))
            throw std::logic_error("job settings: a row is missing");
        return t;
    }();
    return table;
}

const JobSetting& jobSetting(JobSettingId id) {
    return jobSettings().at(static_cast<size_t>(id));
}

const JobSetting* findJobSetting(const std::string& key) {
    for (const auto& s : jobSettings())
        if (key == s.key) return &s;
    return nullptr;
}

std::string settingDisplayKey(const JobSetting& setting) {
    std::string key = std::string(setting.key).substr(1);
    for (char& c : key)
        if (c == '/') c = '.';
    return key;
}

std::string settingRangeError(const JobSetting& s, double value) {
    const bool low = s.aboveMinimum ? !(value > s.minimum) : !(value >= s.minimum);
    const bool high = !(value <= s.maximum);
    if (!low && !high) return {};
    if (std::isfinite(s.minimum) && std::isfinite(s.maximum))
        return "must be between " + number(s.minimum) + " and " + number(s.maximum);
    if (std::isfinite(s.minimum))
        return (s.aboveMinimum ? "must be above " : "must be at least ") + number(s.minimum);
    return "must be at most " + number(s.maximum);
}

std::vector<std::string> resumableJobFields() {
    std::vector<std::string> out;
    for (const auto& s : jobSettings()) {
        if (!s.resumable) continue;
        const std::string key(s.key);
        const std::string top = key.substr(1, key.find('/', 1) - 1);
        if (out.empty() || out.back() != top) out.push_back(top);
    }
    return out;
}

} // namespace qat
