// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file TensorTableModel.h
/// The stored tensors of a model folder as a table: #, name, shape, dtype, parameters.

#include <qat/ModelSummary.h>

#include <QAbstractTableModel>

#include <vector>

namespace qat {

/// Table model over ModelSummary::tensors. Qt::DisplayRole holds formatted text;
/// kSortRole holds a value that sorts naturally (numbers for "#" and "Parameters", the
/// element count for "Shape").
class TensorTableModel : public QAbstractTableModel {
    Q_OBJECT

public:
    enum Column { IndexColumn, NameColumn, ShapeColumn, DTypeColumn, ParametersColumn, ColumnCount };
    static constexpr int kSortRole = Qt::UserRole;

    explicit TensorTableModel(QObject* parent = nullptr);

    /// Replaces the rows with `tensors` (in model order).
    void setTensors(std::vector<TensorSummary> tensors);
    void clear();

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    /// Re-emits the header texts after a language change.
    void retranslate();

private:
    std::vector<TensorSummary> m_tensors;
};

} // namespace qat
