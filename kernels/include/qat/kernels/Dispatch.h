// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file Dispatch.h
/// Which implementations of the packed ops this build has. Torch-free.
///
/// The packed ops (dequantize, dequantize-and-multiply; torch API in qat/kernels/PackedOps.h) have
/// one implementation per device, all reached through one table (kernels/src/Dispatch.cpp): a
/// caller calls the op and the device of its tensors picks the implementation.
///
///   Backend::Cpu   always built; the reference the others are tested against.
///   Backend::Cuda  built when CMake found a CUDA toolkit (QAT_WITH_CUDA = AUTO / ON); the
///                  macro QAT_KERNELS_HAVE_CUDA of <qat/kernels/BuildConfig.h> is then defined for
///                  qat_kernels and its consumers. Whether a GPU is present is a run-time question for torch.

namespace qat::kernels {

enum class Backend { Cpu, Cuda };

/// True when this build holds the backend's kernels.
bool isBuilt(Backend backend);

/// "cpu" or "cuda".
const char* backendName(Backend backend);

/// A line describing the CUDA kernels of this build (toolkit version and architectures), or
/// "not built".
const char* cudaBuildInfo();

} // namespace qat::kernels
