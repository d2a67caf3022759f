// SPDX-License-Identifier: GPL-3.0-or-later
#include "Format.h"

#include <QCoreApplication>
#include <QLocale>
#include <QStringList>

namespace qat {

QString formatCount(int64_t value) {
    QLocale locale;
    locale.setNumberOptions(locale.numberOptions() & ~QLocale::OmitGroupSeparator);
    return locale.toString(static_cast<qlonglong>(value));
}

QString formatShape(const std::vector<int64_t>& shape) {
    if (shape.empty()) return QCoreApplication::translate("qat::Format", "scalar");
    QStringList dims;
    dims.reserve(static_cast<qsizetype>(shape.size()));
    for (const int64_t dim : shape)
        dims << QString::number(dim);
    return dims.join(QStringLiteral(" \u00d7 "));
}

} // namespace qat
