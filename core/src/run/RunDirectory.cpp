// SPDX-License-Identifier: GPL-3.0-or-later
// A run folder: run.json (configuration, model fingerprint, versions), metrics.jsonl,
// block checkpoints found for resuming, and atomic writes.
#include "qat/RunDirectory.h"

#include "common/DurableFile.h"

#include <torch/version.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <fstream>
#include <set>
#include <sstream>

#include <fcntl.h>
#include <unistd.h>

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace qat {

namespace {

constexpr const char* kRunFormat = "qat-studio-run";
constexpr int kRunFormatVersion = 1;

// ---- FNV-1a ----------------------------------------------------------------------------

struct Fnv1a64 {
    uint64_t h = 0xcbf29ce484222325ull;
    void add(const void* data, size_t n) {
        const auto* p = static_cast<const unsigned char*>(data);
        for (size_t i = 0; i < n; ++i) {
            h ^= p[i];
            h *= 0x100000001b3ull;
        }
    }
    void addString(const std::string& s) {
        addU64(s.size());
        add(s.data(), s.size());
    }
    void addU64(uint64_t v) {
        unsigned char b[8];
        for (int i = 0; i < 8; ++i)
            b[i] = static_cast<unsigned char>(v >> (8 * i));
        add(b, 8);
    }
};

std::string readWholeFile(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) fail(ErrorKind::BadInput, file.string() + ": cannot open");
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

// Reads `n` bytes at `offset`; returns fewer at the end of the file.
std::string readAt(std::ifstream& in, uint64_t offset, uint64_t n) {
    std::string buf(n, '\0');
    in.clear();
    in.seekg(static_cast<std::streamoff>(offset));
    in.read(buf.data(), static_cast<std::streamsize>(n));
    buf.resize(static_cast<size_t>(std::max<std::streamsize>(in.gcount(), 0)));
    return buf;
}

void hashSafeTensors(Fnv1a64& h, const fs::path& file) {
    std::error_code ec;
    const uint64_t size = fs::file_size(file, ec);
    if (ec) fail(ErrorKind::BadInput, file.string() + ": cannot read its size: " + ec.message());
    h.addString(file.filename().string());
    h.addU64(size);
    std::ifstream in(file, std::ios::binary);
    if (!in) fail(ErrorKind::BadInput, file.string() + ": cannot open");
    const std::string lenBytes = readAt(in, 0, 8);
    if (lenBytes.size() < 8) fail(ErrorKind::BadInput, file.string() + ": too short for a safetensors file");
    uint64_t headerLen = 0;
    for (int i = 0; i < 8; ++i)
        headerLen |= uint64_t(static_cast<unsigned char>(lenBytes[i])) << (8 * i);
    if (headerLen > size - 8) fail(ErrorKind::BadInput, file.string() + ": header length exceeds the file");
    const std::string header = readAt(in, 8, headerLen);
    h.addString(header);
    // A sample of the data: 16 slices of 64 KiB spread evenly, the first and the last included.
    const uint64_t dataStart = 8 + headerLen, dataSize = size - dataStart;
    constexpr uint64_t kSlice = 64 * 1024, kSlices = 16;
    if (dataSize <= kSlice * kSlices) {
        h.addString(readAt(in, dataStart, dataSize));
        return;
    }
    for (uint64_t i = 0; i < kSlices; ++i) {
        const uint64_t offset = dataStart + (dataSize - kSlice) * i / (kSlices - 1);
        h.addString(readAt(in, offset, kSlice));
    }
}

// ---- time ------------------------------------------------------------------------------

double unixNow() {
    using namespace std::chrono;
    return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count() / 1e6;
}

std::string isoNowUtc() {
    const std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

// ---- config comparison -----------------------------------------------------------------

std::string shortDump(const json* v) {
    if (!v) return "no such field";
    std::string s = v->dump();
    if (s.size() > 80) s = s.substr(0, 77) + "...";
    return s;
}

// The first path at which `a` (stored) and `b` (requested) differ, with both values; nullopt when equal.
std::optional<std::string> firstDifference(const json* a, const json* b, const std::string& path) {
    if (a && b && a->is_object() && b->is_object()) {
        std::set<std::string> keys;
        for (auto it = a->begin(); it != a->end(); ++it)
            keys.insert(it.key());
        for (auto it = b->begin(); it != b->end(); ++it)
            keys.insert(it.key());
        for (const auto& k : keys) {
            auto ia = a->find(k);
            auto ib = b->find(k);
            const json* va = ia == a->end() ? nullptr : &*ia;
            const json* vb = ib == b->end() ? nullptr : &*ib;
            if (auto d = firstDifference(va, vb, path.empty() ? k : path + "." + k)) return d;
        }
        return std::nullopt;
    }
    if (a && b && a->is_array() && b->is_array() && a->size() == b->size()) {
        for (size_t i = 0; i < a->size(); ++i)
            if (auto d = firstDifference(&(*a)[i], &(*b)[i], path + "[" + std::to_string(i) + "]")) return d;
        return std::nullopt;
    }
    if (a && b && *a == *b) return std::nullopt;
    return path + ": the run has " + shortDump(a) + ", this one " + shortDump(b);
}

json parseConfig(const std::string& text) {
    json j;
    try {
        j = json::parse(text);
    } catch (const json::exception& e) {
        fail(ErrorKind::BadInput, std::string("run configuration is not valid JSON: ") + e.what());
    }
    if (!j.is_object()) fail(ErrorKind::BadInput, "run configuration must be a JSON object");
    return j;
}

bool isEmptyDir(const fs::path& dir) {
    std::error_code ec;
    return fs::directory_iterator(dir, ec) == fs::directory_iterator() && !ec;
}

// A folder that holds nothing but the temporary run.json of a run killed while it was being
// created (before the rename): ours, so a new run may start in it. Lists those files.
std::vector<fs::path> leftoversOfACreation(const fs::path& folder) {
    std::vector<fs::path> files;
    std::error_code ec;
    for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
        if (it->path().filename() != "run.json.tmp" || !it->is_regular_file()) return {};
        files.push_back(it->path());
    }
    return ec ? std::vector<fs::path>{} : files;
}

// "fnv1a64:" and 16 hexadecimal digits, as modelFingerprint writes it.
bool wellFormedFingerprint(const std::string& print) {
    const std::string prefix = "fnv1a64:";
    return print.size() == prefix.size() + 16 && print.compare(0, prefix.size(), prefix) == 0 &&
           std::all_of(print.begin() + static_cast<std::ptrdiff_t>(prefix.size()), print.end(),
                       [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; });
}

} // namespace

// ---- free functions ----------------------------------------------------------------------

std::string libtorchVersion() {
    return std::to_string(TORCH_VERSION_MAJOR) + "." + std::to_string(TORCH_VERSION_MINOR) + "." +
           std::to_string(TORCH_VERSION_PATCH);
}

std::string modelFingerprint(const fs::path& modelFolder) {
    const fs::path config = modelFolder / "config.json";
    std::error_code ec;
    if (!fs::is_regular_file(config, ec))
        fail(ErrorKind::BadInput, modelFolder.string() + ": no config.json (not a model folder)");
    Fnv1a64 h;
    h.addString("config.json");
    h.addString(readWholeFile(config));
    for (const char* name :
         {"tokenizer.model", "tokenizer.json", "tokenizer_config.json", "model.safetensors.index.json"}) {
        const fs::path p = modelFolder / name;
        if (fs::is_regular_file(p, ec)) {
            h.addString(name);
            h.addString(readWholeFile(p));
        }
    }
    std::vector<fs::path> shards;
    for (fs::directory_iterator it(modelFolder, ec), end; !ec && it != end; it.increment(ec))
        if (it->path().extension() == ".safetensors" && it->is_regular_file()) shards.push_back(it->path());
    if (ec) fail(ErrorKind::BadInput, modelFolder.string() + ": cannot list: " + ec.message());
    std::sort(shards.begin(), shards.end());
    for (const auto& s : shards)
        hashSafeTensors(h, s);
    char buf[32];
    std::snprintf(buf, sizeof buf, "fnv1a64:%016llx", static_cast<unsigned long long>(h.h));
    return buf;
}

void writeFileAtomic(const fs::path& file, const std::string& bytes) {
    writeFileDurably(file, bytes);
}

// ---- RunDirectory ------------------------------------------------------------------------

std::unique_ptr<RunDirectory> RunDirectory::openOrCreate(const fs::path& folder, const RunSpec& spec) {
    const json config = parseConfig(spec.configJson);
    const std::string fingerprint = qat::modelFingerprint(spec.modelFolder);
    std::unique_ptr<RunDirectory> run(new RunDirectory());
    run->m_layout.folder = folder;
    run->m_fingerprint = fingerprint;
    std::error_code ec;
    const fs::path runJson = run->runJsonPath();
    if (fs::exists(runJson, ec)) {
        json stored;
        try {
            stored = json::parse(readWholeFile(runJson));
        } catch (const json::exception& e) {
            fail(ErrorKind::BadInput, runJson.string() + ": not valid JSON: " + e.what());
        }
        if (!stored.is_object() || stored.value("format", std::string()) != kRunFormat)
            fail(ErrorKind::BadInput, runJson.string() + ": not a QAT Studio run file");
        const int version = stored.value("format_version", 0);
        if (version > kRunFormatVersion)
            fail(ErrorKind::Unsupported, runJson.string() + ": written by a newer QAT Studio (run format " +
                                             std::to_string(version) + ")");
        const std::string storedPrint = stored.contains("model") && stored["model"].is_object()
                                            ? stored["model"].value("fingerprint", std::string())
                                            : std::string();
        const json printJson = storedPrint;
        if (!wellFormedFingerprint(storedPrint))
            fail(ErrorKind::BadInput,
                 runJson.string() + ": model.fingerprint " + shortDump(&printJson) +
                     " is missing or damaged (not fnv1a64: and 16 hexadecimal digits); the run "
                     "cannot be checked against the model: use a new run folder");
        if (storedPrint != fingerprint)
            fail(ErrorKind::BadInput, folder.string() + " holds a run of a different model (fingerprint " +
                                          storedPrint + ", " + spec.modelFolder.string() + " has " +
                                          fingerprint + "); use a new run folder");
        json storedConfig = stored.contains("config") ? stored["config"] : json::object();
        json requested = config;
        for (const auto& key : spec.resumableFields) {
            if (storedConfig.is_object()) storedConfig.erase(key);
            requested.erase(key);
        }
        if (auto diff = firstDifference(&storedConfig, &requested, ""))
            fail(ErrorKind::BadInput, folder.string() +
                                          " holds a run with a different configuration: config." + *diff +
                                          " (use a new run folder to start another run)");
        run->m_resumed = true;
    } else {
        if (fs::exists(folder, ec) && !isEmptyDir(folder)) {
            const std::vector<fs::path> leftovers = leftoversOfACreation(folder);
            if (leftovers.empty())
                fail(ErrorKind::BadInput,
                     folder.string() + " exists, is not empty and holds no run.json: not a run folder");
            for (const fs::path& f : leftovers)
                fs::remove(f, ec); // a run killed while it created this folder: start it again
        }
        fs::create_directories(folder, ec);
        if (ec) fail(ErrorKind::Failure, folder.string() + ": cannot create: " + ec.message());
        nlohmann::ordered_json j;
        j["format"] = kRunFormat;
        j["format_version"] = kRunFormatVersion;
        j["created"] = isoNowUtc();
        j["versions"] = {{"qat_studio", spec.appVersion}, {"libtorch", libtorchVersion()}};
        fs::path absModel = fs::absolute(spec.modelFolder, ec);
        if (ec) absModel = spec.modelFolder;
        j["model"] = {{"folder", absModel.lexically_normal().string()}, {"fingerprint", fingerprint}};
        j["config"] = nlohmann::ordered_json::parse(spec.configJson);
        writeFileAtomic(runJson, j.dump(2) + "\n");
    }
    fs::create_directories(run->blocksDir(), ec);
    if (ec) fail(ErrorKind::Failure, run->blocksDir().string() + ": cannot create: " + ec.message());
    return run;
}

Status RunDirectory::open(const fs::path& folder, const RunSpec& spec, std::unique_ptr<RunDirectory>& out) {
    return guarded([&] { out = openOrCreate(folder, spec); });
}

void RunDirectory::writeEvalJson(const std::string& jsonText) const {
    writeFileAtomic(evalJsonPath(), jsonText);
}

// ---- MetricsWriter -----------------------------------------------------------------------

MetricsWriter::MetricsWriter(const fs::path& file) : m_path(file) {
    // Cut a torn last line (the process died mid-write) so that appended lines stay whole.
    std::error_code ec;
    if (fs::exists(file, ec)) {
        const std::string text = readWholeFile(file);
        if (!text.empty() && text.back() != '\n') {
            const size_t keep = text.rfind('\n') == std::string::npos ? 0 : text.rfind('\n') + 1;
            fs::resize_file(file, keep, ec);
            if (ec)
                fail(ErrorKind::Failure, file.string() + ": cannot cut a torn last line: " + ec.message());
        }
    }
    m_file = std::fopen(file.c_str(), "ab");
    if (!m_file)
        fail(ErrorKind::Failure, file.string() + ": cannot open for appending: " + std::strerror(errno));
}

MetricsWriter::~MetricsWriter() {
    if (m_file) std::fclose(m_file);
}

void MetricsWriter::write(const ProgressEvent& event) {
    std::string line;
    try {
        line = eventToJson(event, unixNow());
    } catch (const std::exception& e) {
        std::lock_guard<std::mutex> lock(m_mutex);
        if (m_error.empty()) m_error = std::string("cannot serialize an event: ") + e.what();
        return;
    }
    line += '\n';
    std::lock_guard<std::mutex> lock(m_mutex);
    if (std::fwrite(line.data(), 1, line.size(), m_file) != line.size() || std::fflush(m_file) != 0) {
        if (m_error.empty()) m_error = m_path.string() + ": write failed: " + std::strerror(errno);
    }
}

std::string MetricsWriter::error() const {
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_error;
}

} // namespace qat
