// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file ResultsModel.h
/// The Results page's table: one row per evaluated stage of every run in the workspace
/// (full precision once per model and evaluation protocol, then RTN, Block-AP, EfficientQAT,
/// LR-QAT …), with bits per parameter, size, time, status, one perplexity column per
/// evaluation set (file, window length and window count), one zero-shot accuracy column per task
/// (and item count) and the mean accuracy. Shown as values, or against the model's full-precision
/// row (perplexity ×, accuracy Δ in points); written out as CSV.

#include "RunHistory.h"

#include <QAbstractTableModel>
#include <QHash>

namespace qat {

/// One row of the results table.
struct ResultRow {
    QString label;     ///< "stories260K · full precision", "run-name · EfficientQAT"
    QString modelName; ///< the model folder's name
    QString modelFolder;
    QString runFolder; ///< empty for full-precision rows
    QString runName;
    QString stage; ///< a stage name (qat::stageName)
    int bits = 0;  ///< 0 for full precision
    qint64 groupSize = 0;
    double bitsPerParameter = 0.0; ///< NaN when the model cannot be read
    double sizeBytes = 0.0;        ///< NaN when the model cannot be read
    double seconds = 0.0;          ///< NaN when unknown (and for full precision)
    bool finished = false;         ///< the run has its quantized.safetensors
    bool isFinalStage = false;     ///< the last stage of its method (the quantized model)
    QVector<double> perplexity;    ///< per column of ResultsModel::evalSets (NaN: not measured)
    QVector<double> accuracy;      ///< zero-shot acc (0-1) per ResultsModel::taskSets (NaN: not measured)
    double averageAccuracy = 0.0;  ///< mean of the row's measured accuracies (NaN: none)
    int fullPrecisionRow = -1;     ///< the row of its model's full precision (same protocol); -1: none
};

class ResultsModel : public QAbstractTableModel {
    Q_OBJECT

public:
    enum Column {
        ModelColumn,
        RunColumn,
        MethodColumn,
        BitsColumn,
        SizeColumn,
        TimeColumn,
        StatusColumn,
        FirstPerplexityColumn
    };
    /// Qt::UserRole gives the raw value of a cell (a double for the numbers).
    static constexpr int RawRole = Qt::UserRole;

    explicit ResultsModel(QObject* parent = nullptr);

    /// Rebuilds the rows from `runs` (as scanWorkspace returns them).
    /// The accuracy columns follow the perplexity columns: one per taskSets(), then the mean.
    void setRuns(const QVector<RunRecord>& runs);
    const QVector<RunRecord>& runs() const { return m_runs; }
    const QVector<ResultRow>& rows() const { return m_rows; }
    /// The evaluation sets, one per perplexity column: "eval.txt · 512" (· N windows when capped).
    const QStringList& evalSets() const { return m_evalSets; }
    /// The zero-shot tasks, one per accuracy column: the task name, "· N" when capped at N items.
    const QStringList& taskSets() const { return m_taskSets; }
    int firstAccuracyColumn() const { return FirstPerplexityColumn + static_cast<int>(m_evalSets.size()); }
    /// The mean-accuracy column; -1 when no run measured accuracy.
    int averageAccuracyColumn() const {
        return m_taskSets.isEmpty() ? -1 : firstAccuracyColumn() + static_cast<int>(m_taskSets.size());
    }

    /// Shows perplexity as × and accuracy as Δ (points) against each row's full precision.
    void setRelativeToFullPrecision(bool relative);
    bool relativeToFullPrecision() const { return m_relative; }

    /// The table as CSV (RFC 4180): the headers, then per row the text columns as shown and the
    /// numbers as raw values (perplexity, accuracy 0-1, seconds, bytes; empty when not measured).
    QString toCsv() const;

    /// The run a row belongs to, or nullptr for full-precision rows.
    const RunRecord* runOf(int row) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    /// Re-applies the translated texts (headers, method names).
    void retranslate();

private:
    struct ModelFacts {
        bool ok = false;
        double linearParameters = 0, otherParameters = 0, hidden = 0, sizeOnDisk = 0, dtypeBits = 32;
    };
    const ModelFacts& factsOf(const QString& modelFolder);
    void rebuild();

    QVector<RunRecord> m_runs;
    QVector<ResultRow> m_rows;
    QStringList m_evalSets;
    QStringList m_taskSets;
    QHash<QString, ModelFacts> m_facts;
    bool m_relative = false;
};

/// "1:05", "1:02:03"; "–" when not finite.
QString formatDuration(double seconds);

} // namespace qat
