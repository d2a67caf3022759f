// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Reading a zero-shot task file: JSON lines in the format of ../shared/data/zeroshot/README.md,
// bounded and validated; every refusal names the file, the line and the field.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace qat {

/// One item of a task file.
struct TaskItem {
    std::string id;
    /// Multiple choice: one context. Partial scoring (WinoGrande): one context per option.
    std::vector<std::string> contexts;
    /// Multiple choice: one continuation per choice. Partial scoring: the shared continuation.
    std::vector<std::string> continuations;
    int64_t gold = 0;
    /// acc_norm's divisor per choice (code points of the choice without its leading delimiter);
    /// empty for partial scoring.
    std::vector<int64_t> normLen;

    /// Number of choices (contexts for partial scoring, continuations otherwise).
    size_t choices() const { return contexts.size() > 1 ? contexts.size() : continuations.size(); }
};

/// Limits of the reader (a task file is downloaded data).
struct TaskFileLimits {
    static constexpr uint64_t maxFileBytes = 256ull << 20; ///< the largest shared file is 8.8 MB
    static constexpr size_t maxLineBytes = 1u << 20;
    static constexpr size_t maxChoices = 32;
};

/// Reads the first `limit` items (0 = all) of a task file. `partial` selects WinoGrande's
/// line format ("contexts", "continuation") over the multiple-choice one ("context",
/// "choices", "norm_len"); both have "gold" and "id". Throws qat::Error(BadInput).
std::vector<TaskItem> readTaskFile(const std::filesystem::path& file, bool partial, int64_t limit = 0);

} // namespace qat
