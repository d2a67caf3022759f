// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file Format.h
/// Number and text formatting shared by the pages.

#include <QString>

#include <cstdint>
#include <string>
#include <vector>

namespace qat {

/// A count with the locale's thousands separators, always grouped ("260,032"; "260.032" in
/// German), even under the C locale, which omits group separators by default.
QString formatCount(int64_t value);

/// A tensor shape as "512 × 64"; a scalar as "scalar".
QString formatShape(const std::vector<int64_t>& shape);

/// A std::string that core produced (UTF-8).
inline QString fromUtf8(const std::string& text) {
    return QString::fromUtf8(text.data(), static_cast<qsizetype>(text.size()));
}

} // namespace qat
