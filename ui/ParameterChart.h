// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file ParameterChart.h
/// The model page's bar chart of parameters per block (embedding, decoder layers, head).

#include "ParameterGroups.h"

#include "QCustomPlotInclude.h"

#include <vector>

namespace qat {

/// A QCustomPlot with one bar per ParameterGroup: decoder layers in one colour, the
/// embedding, head and anything else in another. Hovering a bar shows its exact count.
/// Touched only on the GUI thread.
class ParameterChart : public QCustomPlot {
    Q_OBJECT

public:
    explicit ParameterChart(QWidget* parent = nullptr);

    /// Shows the bars of `summary`'s tensors.
    void setSummary(const ModelSummary& summary);
    /// Removes all bars.
    void clear();

    /// The groups shown, one per bar, left to right.
    const std::vector<ParameterGroup>& groups() const { return m_groups; }

protected:
    bool event(QEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    void rebuild();
    /// The group's short axis label ("L3").
    QString tickLabel(const ParameterGroup& group) const;
    /// The group's full name for the tooltip ("Layer 3").
    QString groupName(const ParameterGroup& group) const;
    /// The bar under `pos` (widget coordinates), or -1.
    int barAt(const QPoint& pos) const;

    QCPBars* m_layerBars = nullptr;
    QCPBars* m_otherBars = nullptr;
    std::vector<ParameterGroup> m_groups;
};

} // namespace qat
