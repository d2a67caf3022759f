// SPDX-License-Identifier: GPL-3.0-or-later
#include "Language.h"

#include <QCoreApplication>
#include <QLibraryInfo>
#include <QLocale>
#include <QSettings>
#include <QTranslator>

#include <memory>

namespace qat {

namespace {

const QString kTranslationsDir = QStringLiteral(":/i18n");
const QString kBaseName = QStringLiteral("qat-studio_");

QTranslator* g_appTranslator = nullptr;
QTranslator* g_qtTranslator = nullptr;

void removeTranslator(QTranslator*& translator) {
    if (!translator) return;
    QCoreApplication::removeTranslator(translator);
    delete translator;
    translator = nullptr;
}

void install(std::unique_ptr<QTranslator> translator, QTranslator*& slot) {
    QCoreApplication::installTranslator(translator.get());
    slot = translator.release();
}

/// Loads QAT Studio's translation for the first of the locale's UI languages that either
/// has one or is English (the source language), so that a user who prefers English over
/// German gets English even when German also appears among the fallbacks.
bool loadAppTranslation(const QLocale& locale, QTranslator& translator) {
    for (const QString& name : locale.uiLanguages()) {
        const QLocale candidate(name);
        if (candidate.language() == QLocale::English || candidate.language() == QLocale::C) return false;
        // load() also tries the name without its territory ("de_CH" -> "de").
        if (translator.load(kBaseName + candidate.name(), kTranslationsDir)) return true;
    }
    return false;
}

} // namespace

QString languageSetting() {
    const QString value = QSettings().value(QLatin1String(kLanguageKey)).toString().trimmed();
    if (value.compare(QLatin1String("system"), Qt::CaseInsensitive) == 0) return {};
    return value;
}

bool installTranslators(const QString& language) {
    removeTranslator(g_appTranslator);
    removeTranslator(g_qtTranslator);

    const QLocale locale = language.isEmpty() ? QLocale::system() : QLocale(language);
    QLocale::setDefault(locale);

    auto appTranslator = std::make_unique<QTranslator>();
    if (!loadAppTranslation(locale, *appTranslator)) return false;
    const QLocale loaded(appTranslator->language());
    install(std::move(appTranslator), g_appTranslator);

    auto qtTranslator = std::make_unique<QTranslator>();
    if (qtTranslator->load(loaded, QStringLiteral("qtbase"), QStringLiteral("_"),
                           QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        install(std::move(qtTranslator), g_qtTranslator);
    return true;
}

QStringList availableLanguages() {
    return {QStringLiteral("en"), QStringLiteral("de"), QStringLiteral("zh_CN")};
}

} // namespace qat
