// SPDX-License-Identifier: GPL-3.0-or-later
// Precompiled header for torch-heavy translation units (core, kernels, core tests).
#pragma once
#include <torch/torch.h>
