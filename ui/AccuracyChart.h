// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file AccuracyChart.h
/// The Results page's accuracy chart: zero-shot accuracy per task (and the mean), grouped by
/// task, one bar colour per row of the results table that measured accuracy; 0-100 %.
/// Saves as PNG or PDF like the perplexity chart.

#include "QCustomPlotInclude.h"

#include <QVector>

namespace qat {

class ResultsModel;

class AccuracyChart : public QCustomPlot {
    Q_OBJECT

public:
    explicit AccuracyChart(QWidget* parent = nullptr);

    /// Shows the accuracies of `model`'s rows: key t + 1 for task set t (the mean last).
    void setResults(const ResultsModel& model);

    /// One QCPBars per table row with an accuracy; rowOf(i) is the table row of bars()[i].
    const QVector<QCPBars*>& bars() const { return m_bars; }
    int rowOf(int barsIndex) const { return m_rows.value(barsIndex, -1); }

    /// Writes the chart to `file` (see savePlot).
    bool saveChart(const QString& file, int width = 0, int height = 0);

protected:
    void changeEvent(QEvent* event) override;

private:
    void retranslateUi();

    QVector<QCPBars*> m_bars;
    QVector<int> m_rows;
    QCPBarsGroup* m_group = nullptr;
    QCPTextElement* m_title = nullptr;
};

/// Writes `plot` to `file`: PDF for a ".pdf" suffix, else PNG (at twice the widget's size for
/// high-DPI screens). `width`/`height` 0: the widget's size. Returns whether a non-empty file
/// was written.
bool savePlot(QCustomPlot& plot, const QString& file, int width = 0, int height = 0);

} // namespace qat
