// SPDX-License-Identifier: GPL-3.0-or-later
// THE registration point of the packed ops: device type → implementation (Dispatch.h).

#include "Dispatch.h"
#include "qat/kernels/BuildConfig.h"

#include "qat/kernels/Dispatch.h"

#ifdef QAT_KERNELS_HAVE_CUDA
#include <cuda_runtime_api.h>
#endif

#include <string>

namespace qat::kernels {

bool isBuilt(Backend backend) {
    switch (backend) {
    case Backend::Cpu:
        return true;
    case Backend::Cuda:
#ifdef QAT_KERNELS_HAVE_CUDA
        return true;
#else
        return false;
#endif
    }
    return false;
}

const char* backendName(Backend backend) {
    return backend == Backend::Cuda ? "cuda" : "cpu";
}

const char* cudaBuildInfo() {
#ifdef QAT_KERNELS_HAVE_CUDA
    static const std::string info = "CUDA " + std::to_string(CUDART_VERSION / 1000) + "." +
                                    std::to_string(CUDART_VERSION % 1000 / 10) + ", architectures " +
                                    QAT_KERNELS_CUDA_ARCHITECTURES;
    return info.c_str();
#else
    return "not built";
#endif
}

namespace detail {

const PackedBackend& backendFor(const c10::Device& device, const char* what) {
    switch (device.type()) {
    case c10::DeviceType::CPU:
        return cpuBackend();
#ifdef QAT_KERNELS_HAVE_CUDA
    case c10::DeviceType::CUDA:
        return cudaBackend();
#endif
    default:
        break;
    }
    TORCH_CHECK(false, what, ": no packed kernels for device ", device,
                device.is_cuda() ? " (this build has no CUDA kernels: configure with a CUDA toolkit and "
                                   "QAT_WITH_CUDA=AUTO or ON)"
                                 : "");
}

} // namespace detail
} // namespace qat::kernels
