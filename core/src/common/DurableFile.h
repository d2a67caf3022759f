// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Files that are either whole or absent: written to FILE.tmp, flushed to disk (fsync), renamed
// over FILE, the folder flushed so that the rename lasts. On any failure FILE.tmp is removed and
// FILE is untouched. Every file a run, an export or a checkpoint writes goes through here.

#include <cstddef>
#include <filesystem>
#include <string>

namespace qat {

class DurableFile {
public:
    /// Creates FILE.tmp (replacing a stale one). Throws Error(Failure) naming it.
    explicit DurableFile(std::filesystem::path file);
    /// Removes FILE.tmp unless commit() succeeded.
    ~DurableFile();
    DurableFile(const DurableFile&) = delete;
    DurableFile& operator=(const DurableFile&) = delete;

    /// Appends bytes; throws Error(Failure) naming the file and the reason (a full disk says so).
    void write(const void* data, size_t bytes);
    /// fsync, rename over FILE, fsync of the folder. Throws Error(Failure) naming what failed.
    void commit();

    const std::filesystem::path& temporaryPath() const { return m_tmp; }

private:
    [[noreturn]] void ioFailure(const std::string& what, int error);

    std::filesystem::path m_file, m_tmp;
    int m_fd = -1;
    bool m_committed = false;
};

/// A whole file at once through DurableFile.
void writeFileDurably(const std::filesystem::path& file, const std::string& bytes);

} // namespace qat
