// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Storage for Block-AP's activation caches: a tensor in memory, or a file-backed tensor
// (memory-mapped, so the operating system pages it to disk) for models whose caches do
// not fit in RAM.

#include <torch/torch.h>

#include <filesystem>
#include <string>

namespace qat {

/// An uninitialised tensor of `shape` and `dtype`. With an empty `diskDir` it lives on
/// `device`; otherwise it is a CPU tensor backed by a new file in `diskDir`, mapped shared
/// and unlinked at once (the space is returned when the tensor is freed, also after a
/// crash). Throws Error(OutOfMemory) naming the size when the file cannot be made.
torch::Tensor allocateActivationCache(c10::IntArrayRef shape, torch::ScalarType dtype,
                                      const torch::Device& device, const std::filesystem::path& diskDir,
                                      const std::string& name);

} // namespace qat
