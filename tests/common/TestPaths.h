// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Where tests find the shared data (../shared) and the source tree.

#include <QDir>
#include <QString>

namespace qat::test {

inline QString sharedDir() {
    return QString::fromUtf8(QAT_SHARED_DIR);
}
inline QString sharedPath(const QString& relative) {
    return QDir(sharedDir()).filePath(relative);
}
inline QString sourcePath(const QString& relative) {
    return QDir(QString::fromUtf8(QAT_SOURCE_DIR)).filePath(relative);
}

} // namespace qat::test
