// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// A folder written in full under a temporary name beside its destination, then renamed into
// place, so the destination is either untouched or complete.

#include <filesystem>

namespace qat {

class AtomicFolder {
public:
    /// Creates the destination's parent and an empty staging folder beside the destination,
    /// ".NAME.partial-PID" (a leftover of that name is removed first).
    explicit AtomicFolder(const std::filesystem::path& destination);
    /// Removes the staging folder unless commit() moved it into place.
    ~AtomicFolder();
    AtomicFolder(const AtomicFolder&) = delete;
    AtomicFolder& operator=(const AtomicFolder&) = delete;

    /// Where to write the folder's files.
    const std::filesystem::path& staging() const { return m_staging; }

    /// Renames the staging folder to the destination. An existing destination is moved aside
    /// first (".NAME.old-PID") and removed only once the new folder is in place.
    void commit();

private:
    std::filesystem::path m_destination; // absolute, normalized
    std::filesystem::path m_staging;
    bool m_committed = false;
};

/// Removes a folder and everything in it; nothing when it does not exist. Never throws.
void removeFolderTree(const std::filesystem::path& dir);

} // namespace qat
