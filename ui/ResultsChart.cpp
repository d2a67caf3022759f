// SPDX-License-Identifier: GPL-3.0-or-later
#include "ResultsChart.h"

#include "AccuracyChart.h"
#include "ResultsModel.h"

#include <QEvent>
#include <QFileInfo>

#include <algorithm>
#include <cmath>

namespace qat {

namespace {

const QColor kColors[] = {QColor(52, 101, 164), QColor(230, 145, 56), QColor(78, 154, 6),
                          QColor(117, 80, 123), QColor(204, 0, 0),    QColor(193, 125, 17)};

} // namespace

ResultsChart::ResultsChart(QWidget* parent) : QCustomPlot(parent) {
    setMinimumHeight(220);
    plotLayout()->insertRow(0);
    m_title = new QCPTextElement(this, QString(), QFont(font().family(), -1, QFont::Bold));
    plotLayout()->addElement(0, 0, m_title);
    m_group = new QCPBarsGroup(this);
    m_group->setSpacing(1);
    xAxis->setTicker(QSharedPointer<QCPAxisTickerText>::create());
    xAxis->grid()->setVisible(false);
    xAxis->setTickLength(0, 3);
    legend->setVisible(true);
    axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);
    retranslateUi();
}

bool ResultsChart::logarithmic() const {
    return yAxis->scaleType() == QCPAxis::stLogarithmic;
}

void ResultsChart::setResults(const ResultsModel& model) {
    for (QCPBars* b : std::as_const(m_bars))
        removePlottable(b);
    m_bars.clear();
    const auto& rows = model.rows();
    const int sets = static_cast<int>(model.evalSets().size());
    double lo = INFINITY, hi = 0;
    for (int s = 0; s < sets; ++s) {
        auto* bars = new QCPBars(xAxis, yAxis);
        const QColor color = kColors[s % std::size(kColors)];
        bars->setPen(QPen(color.darker(130)));
        bars->setBrush(color);
        bars->setWidth(0.8 / std::max(1, sets));
        bars->setName(model.evalSets()[s]);
        bars->setBarsGroup(m_group);
        QVector<double> keys, values;
        for (int r = 0; r < rows.size(); ++r) {
            const double p = rows[r].perplexity.value(s, NAN);
            if (!std::isfinite(p) || p <= 0) continue;
            keys << r + 1;
            values << p;
            lo = std::min(lo, p);
            hi = std::max(hi, p);
        }
        bars->setData(keys, values, true);
        m_bars << bars;
    }
    auto ticker = QSharedPointer<QCPAxisTickerText>::create();
    for (int r = 0; r < rows.size(); ++r) {
        QString label = rows[r].label;
        label.replace(QStringLiteral(" · "), QStringLiteral("\n"));
        ticker->addTick(r + 1, label);
    }
    xAxis->setTicker(ticker);
    xAxis->setRange(0.4, rows.size() + 0.6);
    const bool log = hi > 0 && std::isfinite(lo) && hi / lo > 20;
    if (log) {
        yAxis->setScaleType(QCPAxis::stLogarithmic);
        yAxis->setTicker(QSharedPointer<QCPAxisTickerLog>::create());
        yAxis->setRange(lo / 1.5, hi * 1.5);
        for (QCPBars* b : std::as_const(m_bars))
            b->setBaseValue(lo / 1.5);
    } else {
        yAxis->setScaleType(QCPAxis::stLinear);
        yAxis->setTicker(QSharedPointer<QCPAxisTicker>::create());
        yAxis->setRange(0, hi > 0 ? hi * 1.1 : 1.0);
        for (QCPBars* b : std::as_const(m_bars))
            b->setBaseValue(0);
    }
    legend->setVisible(sets > 0);
    replot();
}

bool ResultsChart::saveChart(const QString& file, int width, int height) {
    return savePlot(*this, file, width, height);
}

void ResultsChart::changeEvent(QEvent* event) {
    if (event->type() == QEvent::LanguageChange && m_title) {
        setLocale(QLocale());
        retranslateUi();
    }
    QCustomPlot::changeEvent(event);
}

void ResultsChart::retranslateUi() {
    m_title->setText(tr("Perplexity per run and evaluation set (lower is better)"));
    yAxis->setLabel(tr("perplexity"));
    replot();
}

} // namespace qat
