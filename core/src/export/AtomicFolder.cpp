// SPDX-License-Identifier: GPL-3.0-or-later
#include "export/AtomicFolder.h"

#include <ftw.h>
#include <unistd.h>

#include <cstdio>
#include <string>

namespace qat {

namespace fs = std::filesystem;

namespace {

int removeEntry(const char* path, const struct stat*, int, struct FTW*) {
    return ::remove(path);
}

// A hidden sibling of the destination: ".NAME.<what>-PID".
fs::path sibling(const fs::path& destination, const char* what) {
    return destination.parent_path() /
           ("." + destination.filename().string() + "." + what + "-" + std::to_string(::getpid()));
}

} // namespace

// std::filesystem::remove_all is avoided: the torch wheel's libtorch.so carries its own copy of
// libstdc++'s filesystem operations, whose remove_all crashes when called from a program linked
// to it (pytorch/pytorch#133437).
void removeFolderTree(const fs::path& dir) {
    std::error_code ec;
    if (fs::exists(dir, ec)) ::nftw(dir.c_str(), removeEntry, 16, FTW_DEPTH | FTW_PHYS);
}

AtomicFolder::AtomicFolder(const fs::path& destination)
    : m_destination(fs::absolute(destination).lexically_normal()),
      m_staging(sibling(m_destination, "partial")) {
    fs::create_directories(m_destination.parent_path());
    removeFolderTree(m_staging);
    fs::create_directories(m_staging);
}

AtomicFolder::~AtomicFolder() {
    if (!m_committed) removeFolderTree(m_staging);
}

void AtomicFolder::commit() {
    std::error_code ec;
    if (fs::exists(m_destination, ec)) {
        const fs::path old = sibling(m_destination, "old");
        removeFolderTree(old);
        fs::rename(m_destination, old);
        fs::rename(m_staging, m_destination);
        removeFolderTree(old);
    } else {
        fs::rename(m_staging, m_destination);
    }
    m_committed = true;
}

} // namespace qat
