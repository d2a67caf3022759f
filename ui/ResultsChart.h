// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file ResultsChart.h
/// The Results page's bar chart: perplexity of every row of the results table, one group of
/// bars per row and one bar colour per evaluation set; a logarithmic axis when the values
/// span more than a factor of 20 (2-bit RTN next to full precision). Saves as PNG or PDF.

#include "QCustomPlotInclude.h"

#include <QVector>

namespace qat {

class ResultsModel;

class ResultsChart : public QCustomPlot {
    Q_OBJECT

public:
    explicit ResultsChart(QWidget* parent = nullptr);

    /// Shows the perplexities of `model`'s rows (bar key i + 1 for row i).
    void setResults(const ResultsModel& model);

    /// One QCPBars per evaluation set (the model's perplexity columns, in order).
    const QVector<QCPBars*>& bars() const { return m_bars; }
    bool logarithmic() const;

    /// Writes the chart to `file`: PDF for a ".pdf" suffix, else PNG (at twice the widget's
    /// size for high-DPI screens). `width`/`height` 0: the widget's size. Returns whether a
    /// non-empty file was written.
    bool saveChart(const QString& file, int width = 0, int height = 0);

protected:
    void changeEvent(QEvent* event) override;

private:
    void retranslateUi();

    QVector<QCPBars*> m_bars;
    QCPBarsGroup* m_group = nullptr;
    QCPTextElement* m_title = nullptr;
};

} // namespace qat
