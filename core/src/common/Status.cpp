// SPDX-License-Identifier: GPL-3.0-or-later
#include "qat/Status.h"

#include <c10/util/Exception.h>

#include <new>

namespace qat {

Status statusFromCurrentException() {
    try {
        throw;
    } catch (const Error& e) {
        return Status::error(e.kind(), e.what());
    } catch (const c10::OutOfMemoryError& e) {
        return Status::error(ErrorKind::OutOfMemory,
                             std::string("out of memory: ") + e.what_without_backtrace() +
                                 " (lower the batch size, the sequence length or the number of windows)");
    } catch (const std::bad_alloc&) {
        return Status::error(
            ErrorKind::OutOfMemory,
            "out of host memory (lower the batch size, the sequence length or the number of windows)");
    } catch (const c10::Error& e) {
        return Status::error(ErrorKind::Failure, e.what_without_backtrace());
    } catch (const std::exception& e) {
        return Status::error(ErrorKind::Failure, e.what());
    } catch (...) {
        return Status::error(ErrorKind::Failure, "unknown error");
    }
}

int exitCodeFor(ErrorKind kind) {
    switch (kind) {
    case ErrorKind::None:
        return 0;
    case ErrorKind::Failure:
        return 1;
    case ErrorKind::BadInput:
        return 2;
    case ErrorKind::Unsupported:
        return 3;
    case ErrorKind::OutOfMemory:
        return 4;
    case ErrorKind::NonFinite:
        return 5;
    case ErrorKind::Cancelled:
        return 130;
    }
    return 1;
}

const char* errorKindName(ErrorKind kind) {
    switch (kind) {
    case ErrorKind::None:
        return "ok";
    case ErrorKind::BadInput:
        return "bad input";
    case ErrorKind::Unsupported:
        return "unsupported";
    case ErrorKind::OutOfMemory:
        return "out of memory";
    case ErrorKind::NonFinite:
        return "non-finite value";
    case ErrorKind::Cancelled:
        return "cancelled";
    case ErrorKind::Failure:
        return "failure";
    }
    return "failure";
}

} // namespace qat
