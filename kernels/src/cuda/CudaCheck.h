// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file CudaCheck.h (internal)
/// The one error check of every CUDA runtime call in kernels/: QAT_CUDA_CHECK(call) throws
/// std::runtime_error naming the call, the file and line, and the CUDA error. Included by the
/// .cu files and by CudaBackend.cpp; torch-free.

#include <cuda_runtime_api.h>

#include <stdexcept>
#include <string>

namespace qat::kernels::cuda {

[[noreturn]] inline void throwCudaError(cudaError_t error, const char* call, const char* file, int line) {
    throw std::runtime_error(std::string("CUDA error in ") + call + " (" + file + ":" + std::to_string(line) +
                             "): " + cudaGetErrorName(error) + ": " + cudaGetErrorString(error));
}

} // namespace qat::kernels::cuda

#define QAT_CUDA_CHECK(call)                                                                                 \
    do {                                                                                                     \
        const cudaError_t qatCudaError_ = (call);                                                            \
        if (qatCudaError_ != cudaSuccess)                                                                    \
            ::qat::kernels::cuda::throwCudaError(qatCudaError_, #call, __FILE__, __LINE__);                  \
    } while (0)
