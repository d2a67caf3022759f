// SPDX-License-Identifier: GPL-3.0-or-later
#include "AccuracyChart.h"

#include "ResultsModel.h"

#include <QEvent>
#include <QFileInfo>

#include <algorithm>
#include <cmath>

namespace qat {

namespace {

const QColor kColors[] = {QColor(52, 101, 164), QColor(230, 145, 56), QColor(78, 154, 6),
                          QColor(117, 80, 123), QColor(204, 0, 0),    QColor(193, 125, 17),
                          QColor(32, 74, 135),  QColor(143, 89, 2),   QColor(92, 53, 102)};

} // namespace

bool savePlot(QCustomPlot& plot, const QString& file, int width, int height) {
    plot.replot();
    const bool pdf = QFileInfo(file).suffix().compare(QLatin1String("pdf"), Qt::CaseInsensitive) == 0;
    const bool ok = pdf ? plot.savePdf(file, width, height) : plot.savePng(file, width, height, 2.0);
    return ok && QFileInfo(file).size() > 0;
}

AccuracyChart::AccuracyChart(QWidget* parent) : QCustomPlot(parent) {
    setMinimumHeight(220);
    plotLayout()->insertRow(0);
    m_title = new QCPTextElement(this, QString(), QFont(font().family(), -1, QFont::Bold));
    plotLayout()->addElement(0, 0, m_title);
    m_group = new QCPBarsGroup(this);
    m_group->setSpacing(1);
    xAxis->grid()->setVisible(false);
    xAxis->setTickLength(0, 3);
    yAxis->setRange(0, 100);
    legend->setVisible(true);
    axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);
    retranslateUi();
}

void AccuracyChart::setResults(const ResultsModel& model) {
    for (QCPBars* b : std::as_const(m_bars))
        removePlottable(b);
    m_bars.clear();
    m_rows.clear();
    const auto& rows = model.rows();
    const int sets = static_cast<int>(model.taskSets().size());
    QVector<int> shown;
    for (int r = 0; r < rows.size(); ++r)
        if (std::isfinite(rows[r].averageAccuracy)) shown << r;
    for (int i = 0; i < shown.size(); ++i) {
        const ResultRow& row = rows[shown[i]];
        auto* bars = new QCPBars(xAxis, yAxis);
        const QColor color = kColors[i % std::size(kColors)];
        bars->setPen(QPen(color.darker(130)));
        bars->setBrush(color);
        bars->setWidth(0.8 / std::max<qsizetype>(1, shown.size()));
        bars->setName(row.label);
        bars->setBarsGroup(m_group);
        QVector<double> keys, values;
        for (int t = 0; t < sets; ++t) {
            const double a = row.accuracy.value(t, NAN);
            if (!std::isfinite(a)) continue;
            keys << t + 1;
            values << 100.0 * a;
        }
        keys << sets + 1;
        values << 100.0 * row.averageAccuracy;
        bars->setData(keys, values, true);
        m_bars << bars;
        m_rows << shown[i];
    }
    auto ticker = QSharedPointer<QCPAxisTickerText>::create();
    for (int t = 0; t < sets; ++t)
        ticker->addTick(t + 1, model.headerData(model.firstAccuracyColumn() + t, Qt::Horizontal).toString());
    if (sets > 0)
        ticker->addTick(sets + 1, model.headerData(model.averageAccuracyColumn(), Qt::Horizontal).toString());
    xAxis->setTicker(ticker);
    xAxis->setRange(0.4, sets + 1.6);
    legend->setVisible(!m_bars.isEmpty());
    replot();
}

bool AccuracyChart::saveChart(const QString& file, int width, int height) {
    return savePlot(*this, file, width, height);
}

void AccuracyChart::changeEvent(QEvent* event) {
    if (event->type() == QEvent::LanguageChange && m_title) {
        setLocale(QLocale());
        retranslateUi();
    }
    QCustomPlot::changeEvent(event);
}

void AccuracyChart::retranslateUi() {
    m_title->setText(tr("Zero-shot accuracy per task and run (higher is better)"));
    yAxis->setLabel(tr("accuracy (%)"));
    replot();
}

} // namespace qat
