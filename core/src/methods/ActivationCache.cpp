// SPDX-License-Identifier: GPL-3.0-or-later
#include "methods/ActivationCache.h"

#include "qat/Status.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

namespace qat {

torch::Tensor allocateActivationCache(c10::IntArrayRef shape, torch::ScalarType dtype,
                                      const torch::Device& device, const std::filesystem::path& diskDir,
                                      const std::string& name) {
    const auto options = torch::TensorOptions().dtype(dtype);
    if (diskDir.empty()) return torch::empty(shape, options.device(device));

    int64_t elements = 1;
    for (int64_t d : shape)
        elements *= d;
    const size_t bytes = static_cast<size_t>(elements) * c10::elementSize(dtype);
    std::error_code ec;
    std::filesystem::create_directories(diskDir, ec);
    std::string pattern = (diskDir / ("qat-cache-" + name + "-XXXXXX")).string();
    const int fd = ::mkstemp(pattern.data());
    if (fd < 0)
        fail(ErrorKind::Failure,
             "activation cache: cannot create a file in " + diskDir.string() + ": " + std::strerror(errno));
    ::unlink(pattern.c_str());
    const size_t mapped = std::max<size_t>(bytes, 1);
    if (::ftruncate(fd, static_cast<off_t>(mapped)) != 0) {
        const std::string why = std::strerror(errno);
        ::close(fd);
        fail(ErrorKind::OutOfMemory, "activation cache: cannot reserve " + std::to_string(bytes >> 20) +
                                         " MiB in " + diskDir.string() + " (" + why +
                                         "); free disk space or use fewer windows");
    }
    void* data = ::mmap(nullptr, mapped, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    ::close(fd);
    if (data == MAP_FAILED)
        fail(ErrorKind::OutOfMemory, "activation cache: cannot map " + std::to_string(bytes >> 20) +
                                         " MiB from " + diskDir.string() + ": " + std::strerror(errno));
    return torch::from_blob(
        data, shape, [mapped](void* p) { ::munmap(p, mapped); }, options);
}

} // namespace qat
