// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file Application.h
/// Process-wide setup of qat-studio: names (which also place QSettings), icon, translators.

#include <QIcon>

namespace qat {

/// Sets the organization ("QAT Studio") and application ("qat-studio") names that
/// QSettings uses, the display name, version and window icon, and installs the translators
/// for the "language" setting. Call once, right after constructing the QApplication.
void setupApplication();

/// The QAT Studio icon (embedded PNGs, plus the SVG where an SVG reader is installed).
QIcon applicationIcon();

/// An action icon from resources/icons/actions ("start", "cancel", "resume", "refresh",
/// "save-chart", "generate", "settings"): PNG renders at 16–48 px, plus the SVG where an
/// SVG reader is installed.
QIcon actionIcon(const QString& name);

/// A file or folder of the application's data ("demo/stories260K", "presets/…json"), absolute
/// and clean: looked up in <the executable's folder>/../share/qat-studio (the Debian package,
/// `cmake --install`), then in ../resources beside it (a build folder in the source tree,
/// build/qat-studio), then in qat-studio/ of the XDG data folders. Empty when none holds it.
QString dataPath(const QString& relative);

} // namespace qat
