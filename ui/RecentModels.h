// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file RecentModels.h
/// The model folders opened recently, kept in QSettings (key "recentModels").

#include <QString>
#include <QStringList>

namespace qat {

/// How many recent model folders are remembered.
inline constexpr int kMaxRecentModels = 10;

/// The recent model folders, most recent first.
QStringList recentModels();

/// Puts `folder` (an absolute path) first in the recent list, dropping a duplicate and
/// anything past kMaxRecentModels.
void rememberModel(const QString& folder);

} // namespace qat
