// SPDX-License-Identifier: GPL-3.0-or-later
#include "ParameterChart.h"

#include "Format.h"

#include <QHelpEvent>
#include <QToolTip>

#include <algorithm>
#include <cmath>

namespace qat {

namespace {

const QColor kLayerColor(52, 101, 164);
const QColor kOtherColor(230, 145, 56);
constexpr double kBarWidth = 0.7;
/// At most this many layer ticks are labelled; the others are skipped evenly.
constexpr int kMaxLayerLabels = 24;

QCPBars* makeBars(QCustomPlot* plot, const QColor& color) {
    auto* bars = new QCPBars(plot->xAxis, plot->yAxis);
    bars->setWidth(kBarWidth);
    bars->setPen(QPen(color.darker(130)));
    bars->setBrush(color);
    bars->setAntialiased(false);
    return bars;
}

} // namespace

ParameterChart::ParameterChart(QWidget* parent) : QCustomPlot(parent) {
    setMinimumHeight(180);
    m_layerBars = makeBars(this, kLayerColor);
    m_otherBars = makeBars(this, kOtherColor);
    xAxis->setTicker(QSharedPointer<QCPAxisTickerText>::create());
    xAxis->grid()->setVisible(false);
    xAxis->setTickLength(0, 3);
    yAxis->setRangeLower(0);
    yAxis->setPadding(6);
    axisRect()->setAutoMargins(QCP::msAll);
    rebuild();
}

void ParameterChart::setSummary(const ModelSummary& summary) {
    m_groups = groupParameters(summary.tensors);
    rebuild();
}

void ParameterChart::clear() {
    m_groups.clear();
    rebuild();
}

void ParameterChart::changeEvent(QEvent* event) {
    // The axes format numbers with the widget's locale; follow the default one, which
    // installTranslators() sets with the language.
    if (event->type() == QEvent::LanguageChange && m_layerBars) {
        setLocale(QLocale());
        rebuild();
    }
    QCustomPlot::changeEvent(event);
}

void ParameterChart::rebuild() {
    int64_t largest = 0;
    for (const ParameterGroup& group : m_groups)
        largest = std::max(largest, group.parameters);

    // Scale the axis so that its labels stay short.
    double divisor = 1.0;
    QString axisLabel = tr("Parameters");
    if (largest >= 10'000'000'000LL) {
        divisor = 1e9;
        axisLabel = tr("Parameters (billions)");
    } else if (largest >= 10'000'000LL) {
        divisor = 1e6;
        axisLabel = tr("Parameters (millions)");
    } else if (largest >= 10'000LL) {
        divisor = 1e3;
        axisLabel = tr("Parameters (thousands)");
    }

    QVector<double> layerKeys, layerValues, otherKeys, otherValues;
    auto ticker = QSharedPointer<QCPAxisTickerText>::create();
    int layerCount = 0;
    for (const ParameterGroup& group : m_groups)
        if (group.kind == ParameterGroup::Kind::Layer) ++layerCount;
    const int labelEvery = std::max(1, (layerCount + kMaxLayerLabels - 1) / kMaxLayerLabels);

    for (size_t i = 0; i < m_groups.size(); ++i) {
        const ParameterGroup& group = m_groups[i];
        const double key = static_cast<double>(i);
        const double value = static_cast<double>(group.parameters) / divisor;
        if (group.kind == ParameterGroup::Kind::Layer) {
            layerKeys << key;
            layerValues << value;
            if (group.layer % labelEvery == 0) ticker->addTick(key, tickLabel(group));
        } else {
            otherKeys << key;
            otherValues << value;
            ticker->addTick(key, tickLabel(group));
        }
    }
    m_layerBars->setData(layerKeys, layerValues, true);
    m_otherBars->setData(otherKeys, otherValues, true);

    xAxis->setTicker(ticker);
    xAxis->setLabel(m_groups.empty() ? QString() : tr("Block"));
    xAxis->setRange(-0.6, std::max<double>(0.0, static_cast<double>(m_groups.size()) - 0.4));
    yAxis->setLabel(axisLabel);
    yAxis->setRange(0.0, largest > 0 ? static_cast<double>(largest) / divisor * 1.08 : 1.0);
    replot();
}

QString ParameterChart::tickLabel(const ParameterGroup& group) const {
    switch (group.kind) {
    case ParameterGroup::Kind::Embedding:
        return group.tiedHead ? tr("Embed.\n+ head") : tr("Embed.");
    case ParameterGroup::Kind::Layer:
        return QString::number(group.layer);
    case ParameterGroup::Kind::Head:
        return tr("Head");
    case ParameterGroup::Kind::Other:
        return tr("Other");
    }
    return {};
}

QString ParameterChart::groupName(const ParameterGroup& group) const {
    switch (group.kind) {
    case ParameterGroup::Kind::Embedding:
        return group.tiedHead ? tr("Embedding, tied with the output head (final norm included)")
                              : tr("Embedding");
    case ParameterGroup::Kind::Layer:
        return tr("Decoder layer %1").arg(group.layer);
    case ParameterGroup::Kind::Head:
        return tr("Output head and final norm");
    case ParameterGroup::Kind::Other:
        return tr("Other tensors");
    }
    return {};
}

int ParameterChart::barAt(const QPoint& pos) const {
    if (m_groups.empty() || !axisRect()->rect().contains(pos)) return -1;
    const double key = xAxis->pixelToCoord(pos.x());
    const long index = std::lround(key);
    if (index < 0 || index >= static_cast<long>(m_groups.size())) return -1;
    if (std::abs(key - static_cast<double>(index)) > kBarWidth / 2) return -1;
    return static_cast<int>(index);
}

bool ParameterChart::event(QEvent* event) {
    if (event->type() == QEvent::ToolTip) {
        auto* help = static_cast<QHelpEvent*>(event);
        const int bar = barAt(help->pos());
        if (bar < 0) {
            QToolTip::hideText();
            event->ignore();
            return true;
        }
        const ParameterGroup& group = m_groups[static_cast<size_t>(bar)];
        QToolTip::showText(help->globalPos(),
                           tr("%1\nParameters: %2\nTensors: %3")
                               .arg(groupName(group), formatCount(group.parameters))
                               .arg(group.tensors),
                           this);
        return true;
    }
    return QCustomPlot::event(event);
}

} // namespace qat
