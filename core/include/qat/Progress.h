// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file Progress.h
/// How long-running engine work reports progress and is cancelled. Plain C++ only:
/// the CLI prints these events, the GUI adapts them to Qt signals.

#include <cstdint>
#include <string>

namespace qat {

/// Progress of an evaluation pass.
struct EvalProgress {
    std::string dataset;     ///< file name
    int64_t windowsDone = 0;
    int64_t windowsTotal = 0;
    double runningPerplexity = 0.0;  ///< exp(mean NLL) over the windows done so far
};

/// Receiver of progress events. Called on the thread doing the work; implementations
/// must be cheap and thread-safe with respect to their own consumers.
class ProgressSink {
public:
    virtual ~ProgressSink() = default;
    virtual void onLog(const std::string& /*line*/) {}
    virtual void onEvalProgress(const EvalProgress& /*progress*/) {}
    /// Polled between steps; returning true ends the work with ErrorKind::Cancelled.
    virtual bool isCancelled() const { return false; }
};

} // namespace qat
