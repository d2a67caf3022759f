// SPDX-License-Identifier: GPL-3.0-or-later
// Exporting a run: its quantized state as a GPTQ "v2" packed model or as dequantized weights
// (see qat/Export.h).
#include "qat/Export.h"

#include "formats/ModelFiles.h"
#include "model/ModelImpl.h"
#include "qat/kernels/PackedOps.h"
#include "formats/SafeTensorsFile.h"
#include "model/TensorNames.h"
#include "quant/QuantLinear.h"
#include "qat/Quantization.h"
#include "qat/QuantizeJob.h"
#include "qat/kernels/PackedLayout.h"

#include <nlohmann/json.hpp>

#include <ftw.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

namespace qat {

namespace {

using nlohmann::ordered_json;
namespace fs = std::filesystem;
namespace layout = kernels::layout;

// std::filesystem::remove_all is avoided: the torch wheel's libtorch.so carries its own copy of
// libstdc++'s filesystem operations, whose remove_all crashes when called from a program linked
// to it (pytorch/pytorch#133437).
int removeEntry(const char* path, const struct stat*, int, struct FTW*) { return ::remove(path); }
void removeTree(const fs::path& dir) {
    std::error_code ec;
    if (fs::exists(dir, ec)) ::nftw(dir.c_str(), removeEntry, 16, FTW_DEPTH | FTW_PHYS);
}

ordered_json readJson(const fs::path& file) {
    std::ifstream in(file);
    if (!in) fail(ErrorKind::BadInput, file.string() + ": cannot open");
    try {
        return ordered_json::parse(in);
    } catch (const std::exception& e) {
        fail(ErrorKind::BadInput, file.string() + ": not valid JSON: " + e.what());
    }
}

void writeText(const fs::path& file, const std::string& text) {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out << text;
    out.flush();
    if (!out) fail(ErrorKind::Failure, file.string() + ": write failed (disk full?)");
}

torch::ScalarType exportDType(const std::string& name) {
    if (name == "float16") return torch::kHalf;
    if (name == "bfloat16") return torch::kBFloat16;
    if (name == "float32") return torch::kFloat;
    fail(ErrorKind::BadInput, "export dtype '" + name + "' is not float16, bfloat16 or float32");
}

// Python's re.escape for the module names we write (letters, digits, '_' and '.').
std::string regexEscape(const std::string& s) {
    std::string r;
    for (char c : s) {
        if (c == '.') r += '\\';
        r += c;
    }
    return r;
}

// Why a layer of (out, in) cannot take the GPTQ layout with `bits` and group `group`, or "".
std::string unpackableReason(int64_t out, int64_t in, int bits, int64_t group) {
    if (!layout::isSupportedBits(bits))
        return std::to_string(bits) + " bits: the packed layout holds 2, 3, 4 or 8 bits";
    if (in % group != 0)
        return "its input size " + std::to_string(in) + " is not a multiple of the group size " + std::to_string(group);
    if ((in * bits) % layout::kWordBits != 0)
        return "its input size " + std::to_string(in) + " is not a multiple of " +
               std::to_string(layout::valuesPerBlock(bits)) + " (32 / gcd(bits, 32) values fill whole words)";
    if ((out * bits) % layout::kWordBits != 0)
        return "its output size " + std::to_string(out) + " is not a multiple of " +
               std::to_string(layout::valuesPerBlock(bits)) + " (qzeros packs along the output)";
    return "";
}

using Named = std::vector<std::pair<std::string, torch::Tensor>>;

// Splits tensors into shards of at most maxBytes (a bigger tensor alone); returns index ranges.
std::vector<std::pair<size_t, size_t>> planShards(const Named& tensors, uint64_t maxBytes) {
    std::vector<std::pair<size_t, size_t>> shards;
    size_t begin = 0;
    uint64_t bytes = 0;
    for (size_t i = 0; i < tensors.size(); ++i) {
        const uint64_t b = static_cast<uint64_t>(tensors[i].second.numel()) * tensors[i].second.element_size();
        if (i > begin && bytes + b > maxBytes) {
            shards.emplace_back(begin, i);
            begin = i;
            bytes = 0;
        }
        bytes += b;
    }
    shards.emplace_back(begin, tensors.size());
    return shards;
}

std::string shardName(size_t k, size_t n) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "model-%05zu-of-%05zu.safetensors", k + 1, n);
    return buf;
}

const char* kCopiedFiles[] = {"tokenizer.model",         "tokenizer.json",         "tokenizer_config.json",
                              "special_tokens_map.json", "generation_config.json", "added_tokens.json"};

} // namespace

const char* exportFormatName(ExportFormat format) { return format == ExportFormat::Fake ? "fake" : "gptq"; }

bool parseExportFormat(const std::string& name, ExportFormat& out) {
    if (name == "gptq") out = ExportFormat::Gptq;
    else if (name == "fake") out = ExportFormat::Fake;
    else return false;
    return true;
}

double ExportReport::bitsPerWeight() const {
    return quantizedWeights > 0 ? 8.0 * static_cast<double>(linearBytes) / static_cast<double>(quantizedWeights) : 0.0;
}

int ExportReport::packedLayers() const {
    int n = 0;
    for (const auto& l : layers) n += l.packed ? 1 : 0;
    return n;
}

Status exportRun(const fs::path& run, const ExportOptions& options, ExportReport& report, ExportSink* sink) {
    fs::path tmp;
    auto checkCancelled = [sink] {
        if (sink && sink->isCancelled()) fail(ErrorKind::Cancelled, "export cancelled");
    };
    auto progress = [sink](ExportProgress::Step step, int64_t done, int64_t total, const std::string& item) {
        if (sink) sink->onExportProgress({step, done, total, item});
    };
    Status st = guarded([&] {
        report = ExportReport{};
        report.format = options.format;
        const torch::ScalarType dtype = exportDType(options.dtype);
        if (options.maxShardBytes == 0) fail(ErrorKind::BadInput, "the shard size limit must be positive");

        // The run: its model, its configuration, its results, its quantized state.
        const fs::path runJsonPath = run / "run.json";
        std::error_code ec;
        if (!fs::exists(runJsonPath, ec))
            fail(ErrorKind::BadInput, run.string() + ": not a run folder (no run.json)");
        const ordered_json runJson = readJson(runJsonPath);
        const fs::path statePath = run / "quantized.safetensors";
        if (!fs::exists(statePath, ec))
            fail(ErrorKind::BadInput, run.string() + ": no quantized.safetensors yet: the run has not finished "
                                                     "(run it again to resume, then export)");
        fs::path modelFolder;
        try {
            modelFolder = runJson.at("model").at("folder").get<std::string>();
        } catch (const std::exception& e) {
            fail(ErrorKind::BadInput, runJsonPath.string() + ": field 'model.folder': " + e.what());
        }
        const ordered_json config = runJson.value("config", ordered_json::object());
        fs::path tokenizer;
        if (config.contains("tokenizer") && config["tokenizer"].is_string()) tokenizer = config["tokenizer"].get<std::string>();

        const fs::path out = options.out.empty() ? run / "model" : options.out;
        const fs::path outAbs = fs::absolute(out).lexically_normal();
        if (outAbs == fs::absolute(run).lexically_normal() || outAbs == fs::absolute(modelFolder).lexically_normal())
            fail(ErrorKind::BadInput, out.string() + ": the export must go to a folder of its own, not the run or model folder");
        if (fs::exists(out, ec) && !options.overwrite)
            fail(ErrorKind::BadInput, out.string() + " already exists: choose another folder or allow overwriting (--overwrite)");
        report.folder = out;

        LoadOptions lo;
        lo.tokenizerPath = tokenizer;
        lo.threads = options.threads;
        std::unique_ptr<Model> model;
        Status s = Model::load(modelFolder, lo, model);
        if (!s.ok()) fail(s.kind, s.message);
        QuantSpec spec;
        s = loadQuantizedState(*model, statePath, &spec);
        if (!s.ok()) fail(s.kind, s.message);
        report.bits = spec.bits;
        report.groupSize = spec.groupSize;
        const ModelConfig& mc = model->config();
        Model::Impl& impl = model->impl();
        const bool gptq = options.format == ExportFormat::Gptq;
        // The config's group size: -1 (per channel) for whole-row groups.
        const int64_t configGroup = spec.groupSize == 0 ? -1 : spec.groupSize;

        torch::NoGradGuard noGrad;
        Named tensors;
        auto plain = [&](const std::string& name, const torch::Tensor& t) {
            tensors.emplace_back(name, t.detach().to(torch::kCPU).to(dtype).contiguous());
        };
        ordered_json dynamic = ordered_json::object();
        plain(names::kEmbed, impl.llama->embedding);
        const int64_t linears = impl.llama->numBlocks() * names::kLinearSlots;
        for (int64_t layer = 0; layer < impl.llama->numBlocks(); ++layer) {
            DecoderBlock block = impl.llama->block(layer);
            plain(names::inputNorm(layer), block->inputNorm->weight);
            for (int slotIndex = 0; slotIndex < names::kLinearSlots; ++slotIndex) {
                const auto slot = static_cast<names::LinearSlot>(slotIndex);
                const std::string module = names::layerPrefix(layer) + names::linearPath(slot);
                checkCancelled();
                auto frozen = std::dynamic_pointer_cast<FrozenQuantLinear>(block->linear(slot));
                if (!frozen) fail(ErrorKind::Failure, module + " is not quantized in " + statePath.string());
                const int64_t in = frozen->inFeatures(), outF = frozen->outFeatures();
                // Groups of this layer: whole rows when the run's group is 0 or not smaller than in.
                const int64_t group = (spec.groupSize == 0 || spec.groupSize >= in) ? in : spec.groupSize;
                ExportedLayer entry;
                entry.name = module;
                report.quantizedWeights += in * outF;
                std::string reason = gptq ? unpackableReason(outF, in, spec.bits, group) : "";
                torch::Tensor scales16;
                if (gptq && reason.empty()) {
                    scales16 = frozen->scale.cpu().t().to(torch::kHalf).contiguous();
                    if (!torch::isfinite(scales16).all().item<bool>() || (scales16 == 0).any().item<bool>())
                        reason = "a step size is outside float16's range";
                }
                if (gptq && reason.empty()) {
                    const torch::Tensor codes = frozen->codes.cpu().t().to(torch::kInt32).contiguous();
                    const torch::Tensor zeros = frozen->zero.cpu().t().round().to(torch::kInt32).contiguous();
                    Named packed = {{module + ".qweight", kernels::packQWeight(codes, spec.bits)},
                                    {module + ".qzeros", kernels::packQZeros(zeros, spec.bits)},
                                    {module + ".scales", scales16},
                                    {module + ".g_idx", kernels::gIdxTensor(in, group)}};
                    for (auto& [n, t] : packed) {
                        if (n.size() < 6 || n.compare(n.size() - 6, 6, ".g_idx") != 0) report.linearBytes += static_cast<uint64_t>(t.numel()) * t.element_size();
                        tensors.emplace_back(n, t);
                    }
                    entry.packed = true;
                    entry.group = group;
                    if (group != (configGroup == -1 ? in : configGroup))
                        dynamic["+:^" + regexEscape(module) + "$"] = {{"group_size", group}};
                } else {
                    entry.reason = reason;
                    const torch::Tensor w = frozen->dequantize().cpu().to(dtype).contiguous();
                    report.linearBytes += static_cast<uint64_t>(w.numel()) * w.element_size();
                    tensors.emplace_back(module + ".weight", w);
                    if (gptq) dynamic["-:^" + regexEscape(module) + "$"] = ordered_json::object();
                }
                if (frozen->biasTensor.defined()) plain(module + ".bias", frozen->biasTensor);
                report.layers.push_back(entry);
                progress(ExportProgress::Step::Converting, static_cast<int64_t>(report.layers.size()), linears, module);
            }
            plain(names::postAttentionNorm(layer), block->postNorm->weight);
        }
        plain(names::kFinalNorm, impl.llama->finalNorm->weight);
        if (impl.llama->lmHead) plain(names::kLmHead, impl.llama->lmHead->effectiveWeight());

        // Write everything into a temporary folder beside the destination.
        const fs::path parent = outAbs.parent_path();
        fs::create_directories(parent);
        tmp = parent / ("." + outAbs.filename().string() + ".partial-" + std::to_string(::getpid()));
        removeTree(tmp);
        fs::create_directories(tmp);

        const std::map<std::string, std::string> meta = {{"format", "pt"}, {"producer", "qat-studio"}};
        const auto shards = planShards(tensors, options.maxShardBytes);
        report.shards = static_cast<int>(shards.size());
        const auto shardCount = static_cast<int64_t>(shards.size());
        if (shards.size() == 1) {
            checkCancelled();
            writeSafeTensors(tmp / "model.safetensors", tensors, meta);
            progress(ExportProgress::Step::Writing, 1, 1, "model.safetensors");
        } else {
            ordered_json index;
            uint64_t total = 0;
            ordered_json weightMap = ordered_json::object();
            for (size_t k = 0; k < shards.size(); ++k) {
                const std::string name = shardName(k, shards.size());
                Named part(tensors.begin() + static_cast<std::ptrdiff_t>(shards[k].first),
                           tensors.begin() + static_cast<std::ptrdiff_t>(shards[k].second));
                for (const auto& [n, t] : part) {
                    weightMap[n] = name;
                    total += static_cast<uint64_t>(t.numel()) * t.element_size();
                }
                checkCancelled();
                writeSafeTensors(tmp / name, part, meta);
                progress(ExportProgress::Step::Writing, static_cast<int64_t>(k) + 1, shardCount, name);
            }
            index["metadata"] = {{"total_size", total}};
            index["weight_map"] = weightMap;
            writeText(tmp / "model.safetensors.index.json", index.dump(2) + "\n");
        }
        tensors.clear();

        // config.json: the source's, with the dtype and (GPTQ) the quantization config.
        ordered_json cfg = readJson(modelFolder / "config.json");
        cfg["torch_dtype"] = options.dtype;
        cfg.erase("quantization_config");
        if (gptq) {
            ordered_json qc;
            qc["quant_method"] = "gptq";
            qc["bits"] = spec.bits;
            qc["group_size"] = configGroup;
            qc["desc_act"] = false;
            qc["sym"] = false;
            qc["static_groups"] = false;
            qc["lm_head"] = false;
            qc["true_sequential"] = true;
            qc["checkpoint_format"] = "gptq_v2";
            if (!dynamic.empty()) qc["dynamic"] = dynamic;
            qc["meta"] = {{"quantizer", ordered_json::array({std::string("qat-studio:") + qatVersion()})},
                          {"method", config.value("method", std::string("rtn"))}};
            cfg["quantization_config"] = qc;
        }
        writeText(tmp / "config.json", cfg.dump(2) + "\n");

        // Tokenizer, generation settings and licence notices of the source.
        for (const char* name : kCopiedFiles)
            if (fs::exists(modelFolder / name, ec)) fs::copy_file(modelFolder / name, tmp / name);
        if (!fs::exists(tmp / "tokenizer.model", ec) && !tokenizer.empty() && fs::exists(tokenizer, ec))
            fs::copy_file(tokenizer, tmp / "tokenizer.model");
        for (const auto& entry : fs::directory_iterator(modelFolder)) {
            const std::string name = entry.path().filename().string();
            if (entry.is_regular_file() && (name.rfind("LICENSE", 0) == 0 || name.rfind("NOTICE", 0) == 0))
                fs::copy_file(entry.path(), tmp / name);
        }

        // qat_studio.json: what this folder is and how it was made.
        ordered_json info;
        info["format"] = "qat-studio-export";
        info["format_version"] = 1;
        info["export_format"] = exportFormatName(options.format);
        info["qat_studio"] = qatVersion();
        info["dtype"] = options.dtype;
        info["bits"] = spec.bits;
        info["group_size"] = spec.groupSize;
        info["source_model"] = fs::absolute(modelFolder).string();
        info["run"] = fs::absolute(run).string();
        info["recipe"] = config;
        if (fs::exists(run / "eval.json", ec)) info["results"] = readJson(run / "eval.json");
        ordered_json layers = ordered_json::array();
        for (const auto& l : report.layers) {
            ordered_json e = {{"name", l.name}, {"packed", l.packed}};
            if (l.packed) e["group_size"] = l.group;
            if (!l.reason.empty()) e["reason"] = l.reason;
            layers.push_back(e);
        }
        info["layers"] = layers;
        info["stored_bits_per_linear_weight"] = report.bitsPerWeight();
        writeText(tmp / "qat_studio.json", info.dump(2) + "\n");

        for (const auto& entry : fs::directory_iterator(tmp)) {
            const uint64_t bytes = entry.file_size();
            report.files.push_back({entry.path().filename().string(), bytes});
            report.totalBytes += bytes;
        }
        std::sort(report.files.begin(), report.files.end(),
                  [](const ExportedFile& a, const ExportedFile& b) { return a.name < b.name; });

        // Into place: the old export (when overwriting) is moved aside first, removed last.
        checkCancelled();
        if (fs::exists(out, ec)) {
            const fs::path old = parent / ("." + outAbs.filename().string() + ".old-" + std::to_string(::getpid()));
            removeTree(old);
            fs::rename(out, old);
            fs::rename(tmp, out);
            removeTree(old);
        } else {
            fs::rename(tmp, out);
        }
        tmp.clear();
    });
    if (!tmp.empty()) removeTree(tmp);
    return st;
}

} // namespace qat
