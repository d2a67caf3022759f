// SPDX-License-Identifier: GPL-3.0-or-later
#include "RecentModels.h"

#include <QSettings>

namespace qat {

namespace {
const QString kRecentModelsKey = QStringLiteral("recentModels");
}

QStringList recentModels() {
    QStringList folders = QSettings().value(kRecentModelsKey).toStringList();
    folders.removeAll(QString());
    folders.removeDuplicates();
    while (folders.size() > kMaxRecentModels)
        folders.removeLast();
    return folders;
}

void rememberModel(const QString& folder) {
    QStringList folders = recentModels();
    folders.removeAll(folder);
    folders.prepend(folder);
    while (folders.size() > kMaxRecentModels)
        folders.removeLast();
    QSettings().setValue(kRecentModelsKey, folders);
}

} // namespace qat
