// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file ResultsModel.h
/// The Results page's table: one row per evaluated stage of every run in the workspace
/// (full precision once per model and evaluation protocol, then RTN, Block-AP, EfficientQAT,
/// LR-QAT …), with bits per parameter, size, time, status and one perplexity column per
/// evaluation set (file, window length and window count).

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
    void setRuns(const QVector<RunRecord>& runs);
    const QVector<RunRecord>& runs() const { return m_runs; }
    const QVector<ResultRow>& rows() const { return m_rows; }
    /// The evaluation sets, one per perplexity column: "eval.txt · 512" (· N windows when capped).
    const QStringList& evalSets() const { return m_evalSets; }
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
    QHash<QString, ModelFacts> m_facts;
};

/// "1:05", "1:02:03"; "–" when not finite.
QString formatDuration(double seconds);

} // namespace qat
