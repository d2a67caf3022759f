// SPDX-License-Identifier: GPL-3.0-or-later
#include "Application.h"

#include "Language.h"

#include <qat/Version.h>

#include <QApplication>
#include <QDir>
#include <QFileInfo>
#include <QImageReader>
#include <QSize>
#include <QStandardPaths>

namespace qat {

void setupApplication() {
    QCoreApplication::setOrganizationName(QStringLiteral("QAT Studio"));
    QCoreApplication::setApplicationName(QStringLiteral("qat-studio"));
    QCoreApplication::setApplicationVersion(QStringLiteral(QAT_VERSION));
    QGuiApplication::setApplicationDisplayName(QStringLiteral("QAT Studio"));
    QGuiApplication::setDesktopFileName(QStringLiteral("qat-studio"));
    QApplication::setWindowIcon(applicationIcon());
    installTranslators(languageSetting());
}

QIcon applicationIcon() {
    QIcon icon;
    // Without the Qt SVG module the SVG cannot be read: the PNGs rendered from it always can.
    if (QImageReader::supportedImageFormats().contains("svg"))
        icon.addFile(QStringLiteral(":/icons/qat-studio.svg"));
    for (const int size : {16, 24, 32, 48, 64, 128, 256})
        icon.addFile(QStringLiteral(":/icons/qat-studio-%1.png").arg(size), QSize(size, size));
    return icon;
}

QIcon actionIcon(const QString& name) {
    QIcon icon;
    if (QImageReader::supportedImageFormats().contains("svg"))
        icon.addFile(QStringLiteral(":/icons/actions/%1.svg").arg(name));
    for (const int size : {16, 24, 32, 48})
        icon.addFile(QStringLiteral(":/icons/actions/%1-%2.png").arg(name).arg(size), QSize(size, size));
    return icon;
}

QString dataPath(const QString& relative) {
    const QDir executableDir(QCoreApplication::applicationDirPath());
    QStringList candidates{executableDir.filePath(QStringLiteral("../share/qat-studio/") + relative),
                           executableDir.filePath(QStringLiteral("../resources/") + relative)};
    for (const QString& dir : QStandardPaths::standardLocations(QStandardPaths::GenericDataLocation))
        candidates << QDir(dir).filePath(QStringLiteral("qat-studio/") + relative);
    for (const QString& candidate : candidates)
        if (QFileInfo::exists(candidate)) return QDir::cleanPath(QFileInfo(candidate).absoluteFilePath());
    return {};
}

} // namespace qat
