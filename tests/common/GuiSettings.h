// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Keeps the user's settings out of a GUI test: QSettings go to INI files in a temporary folder,
// under the organisation and application names qat-studio uses.

#include <QCoreApplication>
#include <QSettings>
#include <QString>

namespace qat::test {

/// QSettings in INI files under `settingsDir`; the workspace setting when `workspace` is given.
inline void isolateSettings(const QString& settingsDir, const QString& workspace = {}) {
    QSettings::setDefaultFormat(QSettings::IniFormat);
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, settingsDir);
    QCoreApplication::setOrganizationName(QStringLiteral("QAT Studio"));
    QCoreApplication::setApplicationName(QStringLiteral("qat-studio"));
    if (!workspace.isEmpty()) QSettings().setValue(QStringLiteral("workspace"), workspace);
}

} // namespace qat::test
