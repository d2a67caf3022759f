// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file RunLayout.h
/// Where each file of a run folder lives: the one definition that RunDirectory writes
/// through and RunFolder reads through (see RunDirectory.h for what each file holds).
/// Torch-free and Qt-free.

#include <cstdint>
#include <filesystem>
#include <optional>

namespace qat {

/// The paths of a run folder's files. Cheap to copy; touches the disk only in
/// lastFinishedBlock() and the has...() functions.
struct RunLayout {
    std::filesystem::path folder;

    std::filesystem::path runJson() const { return folder / "run.json"; }
    std::filesystem::path metrics() const { return folder / "metrics.jsonl"; }
    std::filesystem::path evalJson() const { return folder / "eval.json"; }
    std::filesystem::path blocksDir() const { return folder / "blocks"; }
    /// blocks/block-003.safetensors (three digits at least).
    std::filesystem::path blockCheckpoint(int64_t block) const;
    std::filesystem::path e2eCheckpoint() const { return folder / "e2e.safetensors"; }
    std::filesystem::path quantizedState() const { return folder / "quantized.safetensors"; }
    std::filesystem::path exportDir() const { return folder / "model"; }

    /// The last block of the unbroken sequence of block checkpoints 0, 1, 2 ... present in
    /// blocks/ (nullopt when block 0 has none). Only completed files count: names ending in
    /// ".tmp" (an interrupted write) and anything else are ignored.
    std::optional<int64_t> lastFinishedBlock() const;
    bool hasE2eCheckpoint() const;
    bool hasQuantizedState() const;
};

} // namespace qat
