// SPDX-License-Identifier: GPL-3.0-or-later
// The paths of a run folder and the checkpoints found in it.
#include "qat/RunLayout.h"

#include <algorithm>
#include <cstdio>
#include <set>
#include <string>

namespace fs = std::filesystem;

namespace qat {

fs::path RunLayout::blockCheckpoint(int64_t block) const {
    char buf[48];
    std::snprintf(buf, sizeof buf, "block-%03lld.safetensors", static_cast<long long>(block));
    return blocksDir() / buf;
}

std::optional<int64_t> RunLayout::lastFinishedBlock() const {
    std::set<int64_t> present;
    std::error_code ec;
    for (fs::directory_iterator it(blocksDir(), ec), end; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        const std::string prefix = "block-", suffix = ".safetensors";
        if (name.size() <= prefix.size() + suffix.size() || name.compare(0, prefix.size(), prefix) != 0 ||
            name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0)
            continue;
        const std::string digits = name.substr(prefix.size(), name.size() - prefix.size() - suffix.size());
        if (digits.size() > 9 ||
            !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }))
            continue;
        std::error_code sec;
        if (!it->is_regular_file(sec)) continue;
        present.insert(std::stoll(digits));
    }
    std::optional<int64_t> last;
    for (int64_t i = 0; present.count(i); ++i)
        last = i;
    return last;
}

bool RunLayout::hasE2eCheckpoint() const {
    std::error_code ec;
    return fs::is_regular_file(e2eCheckpoint(), ec);
}

bool RunLayout::hasQuantizedState() const {
    std::error_code ec;
    return fs::is_regular_file(quantizedState(), ec);
}

} // namespace qat
