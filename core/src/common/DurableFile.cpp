// SPDX-License-Identifier: GPL-3.0-or-later
#include "common/DurableFile.h"

#include "qat/Status.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace qat {

namespace {

std::string reason(int error) {
    const std::string text = std::strerror(error);
    return error == ENOSPC || error == EFBIG || error == EDQUOT ? text + " (disk full?)" : text;
}

} // namespace

DurableFile::DurableFile(std::filesystem::path file)
    : m_file(std::move(file)), m_tmp(m_file.string() + ".tmp") {
    m_fd = ::open(m_tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (m_fd < 0) {
        const int error = errno;
        m_committed = true; // nothing was created
        fail(ErrorKind::Failure,
             m_file.string() + ": cannot create " + m_tmp.string() + ": " + reason(error));
    }
}

DurableFile::~DurableFile() {
    if (m_fd >= 0) ::close(m_fd);
    if (!m_committed) ::unlink(m_tmp.c_str());
}

void DurableFile::ioFailure(const std::string& what, int error) {
    fail(ErrorKind::Failure,
         m_file.string() + ": " + what + " " + m_tmp.string() + " failed: " + reason(error));
}

void DurableFile::write(const void* data, size_t bytes) {
    const auto* p = static_cast<const char*>(data);
    while (bytes > 0) {
        const ssize_t n = ::write(m_fd, p, std::min<size_t>(bytes, size_t(1) << 30));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) ioFailure("writing", n == 0 ? EIO : errno);
        p += n;
        bytes -= static_cast<size_t>(n);
    }
}

void DurableFile::commit() {
    if (::fsync(m_fd) != 0) ioFailure("syncing", errno);
    const int fd = m_fd;
    m_fd = -1;
    if (::close(fd) != 0) ioFailure("closing", errno);
    if (::rename(m_tmp.c_str(), m_file.c_str()) != 0) {
        const int error = errno;
        fail(ErrorKind::Failure,
             m_file.string() + ": cannot rename " + m_tmp.string() + " to it: " + std::strerror(error));
    }
    m_committed = true;
    const std::filesystem::path parent =
        m_file.has_parent_path() ? m_file.parent_path() : std::filesystem::path(".");
    const int dir = ::open(parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir >= 0) {
        const bool synced = ::fsync(dir) == 0 || errno == EINVAL;
        const int error = errno;
        ::close(dir);
        if (!synced)
            fail(ErrorKind::Failure, m_file.string() + ": syncing the folder " + parent.string() +
                                         " failed: " + std::strerror(error));
    }
}

void writeFileDurably(const std::filesystem::path& file, const std::string& bytes) {
    DurableFile out(file);
    out.write(bytes.data(), bytes.size());
    out.commit();
}

} // namespace qat
