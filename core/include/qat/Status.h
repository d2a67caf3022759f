// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file Status.h
/// Error outcomes of the engine. Core internals throw qat::Error; the API that the
/// GUI and the CLI call catches everything and returns a Status.

#include <stdexcept>
#include <string>

namespace qat {

/// The distinct, named outcomes of an engine call.
enum class ErrorKind {
    None = 0,    ///< success
    BadInput,    ///< a file, field, tensor or argument the user supplied is wrong
    Unsupported, ///< valid input that this version cannot handle (architecture, dtype, rope type)
    OutOfMemory, ///< the device ran out of memory
    NonFinite,   ///< a loss or activation became NaN or infinite
    Cancelled,   ///< the user cancelled
    Failure,     ///< anything else (a bug, an I/O failure)
};

/// Exception thrown inside core. Never crosses the public API.
class Error : public std::runtime_error {
public:
    Error(ErrorKind kind, const std::string& message) : std::runtime_error(message), m_kind(kind) {}
    ErrorKind kind() const { return m_kind; }

private:
    ErrorKind m_kind;
};

/// Result of a public API call.
struct Status {
    ErrorKind kind = ErrorKind::None;
    std::string message;

    bool ok() const { return kind == ErrorKind::None; }
    static Status success() { return {}; }
    static Status error(ErrorKind k, std::string msg) { return {k, std::move(msg)}; }
};

/// Converts the exception being handled (call inside a catch block) into a Status,
/// mapping torch's out-of-memory errors to ErrorKind::OutOfMemory.
Status statusFromCurrentException();

/// Runs `fn`, returning success or the Status of whatever it threw.
template <class Fn> Status guarded(Fn&& fn) {
    try {
        fn();
        return Status::success();
    } catch (...) {
        return statusFromCurrentException();
    }
}

/// The process exit code the CLI uses for a kind: 0 ok, 1 failure, 2 bad input,
/// 3 unsupported, 4 out of memory, 5 non-finite, 130 cancelled.
int exitCodeFor(ErrorKind kind);

/// Short English name of a kind ("bad input", "out of memory", ...).
const char* errorKindName(ErrorKind kind);

/// Throws Error(kind, message).
[[noreturn]] inline void fail(ErrorKind kind, const std::string& message) {
    throw Error(kind, message);
}

} // namespace qat
