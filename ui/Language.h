// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file Language.h
/// The user interface language: the QSettings key "language" and the translators.

#include <QString>
#include <QStringList>

namespace qat {

/// QSettings key holding the interface language as a locale name ("de", "zh_CN", "en").
/// Empty, missing or "system" means the system locale.
inline constexpr const char* kLanguageKey = "language";

/// The "language" setting; empty for the system locale.
QString languageSetting();

/// Installs the translators for `language` (a locale name; empty for the system locale),
/// replacing any installed before: QAT Studio's own (embedded under :/i18n) and Qt's
/// (for standard dialogs), and makes that locale the default one (number formatting).
/// Installing sends QEvent::LanguageChange to every widget. Returns true
/// when a QAT Studio translation was loaded (false for English, the source language).
bool installTranslators(const QString& language);

/// The languages QAT Studio has, as locale names, English first: {"en", "de", "zh_CN"}.
QStringList availableLanguages();

} // namespace qat
