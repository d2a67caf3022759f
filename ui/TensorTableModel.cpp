// SPDX-License-Identifier: GPL-3.0-or-later
#include "TensorTableModel.h"

#include "Format.h"

namespace qat {

TensorTableModel::TensorTableModel(QObject* parent) : QAbstractTableModel(parent) {}

void TensorTableModel::setTensors(std::vector<TensorSummary> tensors) {
    beginResetModel();
    m_tensors = std::move(tensors);
    endResetModel();
}

void TensorTableModel::clear() {
    setTensors({});
}

int TensorTableModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(m_tensors.size());
}

int TensorTableModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant TensorTableModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= rowCount()) return {};
    const TensorSummary& tensor = m_tensors[static_cast<size_t>(index.row())];
    const int column = index.column();

    switch (role) {
    case Qt::DisplayRole:
        switch (column) {
        case IndexColumn:
            return index.row() + 1;
        case NameColumn:
            return fromUtf8(tensor.name);
        case ShapeColumn:
            return formatShape(tensor.shape);
        case DTypeColumn:
            return fromUtf8(tensor.dtype);
        case ParametersColumn:
            return formatCount(tensor.parameters);
        }
        break;
    case kSortRole:
        switch (column) {
        case IndexColumn:
            return index.row();
        case NameColumn:
            return fromUtf8(tensor.name);
        case ShapeColumn:
        case ParametersColumn:
            return static_cast<qlonglong>(tensor.parameters);
        case DTypeColumn:
            return fromUtf8(tensor.dtype);
        }
        break;
    case Qt::ToolTipRole:
        if (column == NameColumn && !tensor.file.empty())
            return tr("%1\nstored in %2").arg(fromUtf8(tensor.name), fromUtf8(tensor.file));
        break;
    case Qt::TextAlignmentRole:
        if (column == IndexColumn || column == ParametersColumn)
            return QVariant::fromValue(Qt::Alignment(Qt::AlignRight | Qt::AlignVCenter));
        break;
    default:
        break;
    }
    return {};
}

QVariant TensorTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal) return {};
    if (role == Qt::TextAlignmentRole && (section == IndexColumn || section == ParametersColumn))
        return QVariant::fromValue(Qt::Alignment(Qt::AlignRight | Qt::AlignVCenter));
    if (role != Qt::DisplayRole) return {};
    switch (section) {
    case IndexColumn:
        return tr("#");
    case NameColumn:
        return tr("Name");
    case ShapeColumn:
        return tr("Shape");
    case DTypeColumn:
        return tr("Type");
    case ParametersColumn:
        return tr("Parameters");
    }
    return {};
}

void TensorTableModel::retranslate() {
    Q_EMIT headerDataChanged(Qt::Horizontal, 0, ColumnCount - 1);
    if (!m_tensors.empty()) Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
}

} // namespace qat
