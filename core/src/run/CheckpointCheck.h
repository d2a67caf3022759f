// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Before a resumed run writes anything: its block checkpoints read and checked, so that a damaged
// one is refused with how to recover, and the refusal leaves the folder as it was.

#include "qat/Quantization.h"
#include "qat/RunDirectory.h"

namespace qat {

/// Opens every block checkpoint of `run` (blocks 0 .. lastFinishedBlock) and checks that it is
/// whole and holds `spec`. Throws Error(BadInput) naming the file, with how to recover (remove
/// it: the run quantizes that block again).
void checkBlockCheckpoints(const RunDirectory& run, const QuantSpec& spec);

} // namespace qat
