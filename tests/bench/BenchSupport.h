// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// What the benchmarks share: the environment, running the Python peer and reading its JSON,
// a temporary folder, and the skip exit code. Plain C++ (no torch, no Qt); header-only, each
// benchmark is one executable.

#include <nlohmann/json.hpp>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>

#include <ftw.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

namespace qat::bench {

/// CTest's SKIP_RETURN_CODE.
constexpr int kSkip = 77;

/// Thrown when the benchmark cannot run here (no Python with torch): main() returns kSkip.
struct Skip : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/// The integer value of command-line option `flag`; throws naming the option when it is not one.
inline int64_t parseInt(const std::string& flag, const std::string& value) {
    try {
        return std::stoll(value);
    } catch (const std::exception&) {
        throw std::runtime_error(flag + ": '" + value + "' is not an integer");
    }
}

inline std::string envOr(const char* name, const std::string& fallback) {
    const char* v = std::getenv(name);
    return (v && *v) ? std::string(v) : fallback;
}

inline int64_t envInt(const char* name, int64_t fallback) {
    const char* v = std::getenv(name);
    if (!v || !*v) return fallback;
    try {
        return std::stoll(v);
    } catch (const std::exception&) {
        throw std::runtime_error(std::string(name) + "=" + v + " is not an integer");
    }
}

inline std::string shellQuote(const std::string& s) {
    std::string out = "'";
    for (char c : s)
        out += (c == '\'') ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

/// Runs a shell command and returns its stdout (stderr goes to ours). Throws on failure.
inline std::string runCapture(const std::string& command) {
    std::FILE* pipe = ::popen(command.c_str(), "r");
    if (!pipe) throw std::runtime_error("cannot start: " + command);
    std::string out;
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0)
        out.append(buf, n);
    const int status = ::pclose(pipe);
    if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        throw std::runtime_error("command failed (status " + std::to_string(status) + "): " + command + "\n" +
                                 out);
    return out;
}

/// The last line of `text` that parses as a JSON object.
inline nlohmann::json lastJsonLine(const std::string& text, const std::string& what) {
    size_t end = text.size();
    while (end > 0) {
        size_t begin = text.rfind('\n', end - 1);
        begin = (begin == std::string::npos) ? 0 : begin + 1;
        const std::string line = text.substr(begin, end - begin);
        if (!line.empty() && line.front() == '{') {
            nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
            if (!j.is_discarded() && j.is_object()) return j;
        }
        if (begin == 0) break;
        end = begin - 1;
    }
    throw std::runtime_error(what + " printed no JSON object:\n" + text);
}

// std::filesystem::remove_all is not used: the torch wheel's libtorch.so exports its own,
// statically linked copy of libstdc++'s filesystem operations, and that remove_all jumps
// to a null address when an executable linked to libtorch calls it (pytorch/pytorch#133437).
inline int removeEntry(const char* path, const struct stat*, int, struct FTW*) {
    return ::remove(path);
}

inline void removeTree(const std::filesystem::path& dir) {
    ::nftw(dir.c_str(), removeEntry, 16, FTW_DEPTH | FTW_PHYS);
}

/// A temporary folder under $TMPDIR (or /tmp), removed on destruction.
struct TempDir {
    std::filesystem::path path;
    TempDir() {
        const std::string base = envOr("TMPDIR", "/tmp");
        std::string tmpl = base + "/qat-bench-XXXXXX";
        if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed in " + base);
        path = tmpl;
    }
    ~TempDir() { removeTree(path); }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
};

/// The Python with torch that runs the eager peers ($QAT_PYTHON, else what CMake baked in).
inline std::string pythonPath() {
    return envOr("QAT_PYTHON", QAT_BENCH_PYTHON);
}

/// The folder of the Python peers ($QAT_BENCH_SCRIPTS_DIR, else this source tree's tests/bench):
/// a benchmark built on one machine can run on another, next to a copy of the sources.
inline std::filesystem::path scriptsDir() {
    return envOr("QAT_BENCH_SCRIPTS_DIR", QAT_BENCH_SCRIPTS_DIR);
}

/// The intra-op thread count both sides use: $QAT_BENCH_THREADS, else torch's default as
/// the Python peer reports it (both sides run the same LibTorch build). Throws Skip when
/// there is no Python or it cannot import torch.
inline int benchThreads() {
    const std::string python = pythonPath();
    if (python.empty() || !std::filesystem::exists(python))
        throw Skip("no Python with torch: set QAT_PYTHON (configured: '" + std::string(QAT_BENCH_PYTHON) +
                   "')");
    nlohmann::json j;
    try {
        j = lastJsonLine(runCapture(shellQuote(python) +
                                    " -c 'import json, torch; print(json.dumps({\"threads\": "
                                    "torch.get_num_threads(), \"torch\": torch.__version__}))'"),
                         "python -c torch.get_num_threads()");
    } catch (const std::exception& e) {
        throw Skip("the Python at " + python + " cannot import torch: " + e.what());
    }
    const int64_t fromEnv = envInt("QAT_BENCH_THREADS", 0);
    return fromEnv > 0 ? static_cast<int>(fromEnv) : j.at("threads").get<int>();
}

} // namespace qat::bench
