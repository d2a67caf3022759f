// SPDX-License-Identifier: GPL-3.0-or-later
#include "RunCharts.h"

#include <QEvent>
#include <QGridLayout>
#include <QTimer>

#include <algorithm>
#include <cmath>

namespace qat {

QCustomPlot* RunCharts::makePlot(QWidget* parent, const QString& name, const QString& x, const QString& y,
                                 bool logY) {
    auto* plot = new QCustomPlot(parent);
    plot->setObjectName(name);
    plot->setMinimumSize(280, 180);
    plot->xAxis->setLabel(x);
    plot->yAxis->setLabel(y);
    if (logY) {
        plot->yAxis->setScaleType(QCPAxis::stLogarithmic);
        plot->yAxis->setTicker(QSharedPointer<QCPAxisTickerLog>(new QCPAxisTickerLog));
    }
    plot->plotLayout()->insertRow(0);
    plot->plotLayout()->addElement(
        0, 0, new QCPTextElement(plot, QString(), QFont(plot->font().family(), -1, QFont::Bold)));
    return plot;
}

RunCharts::RunCharts(QWidget* parent) : QWidget(parent) {
    m_blockLoss = makePlot(this, QStringLiteral("blockLossPlot"), QString(), QString(), true);
    m_stepLoss = m_blockLoss->addGraph();
    m_stepLoss->setPen(QPen(QColor(40, 110, 200)));
    m_valLoss = m_blockLoss->addGraph();
    m_valLoss->setLineStyle(QCPGraph::lsNone);
    m_valLoss->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, QColor(220, 90, 40), 7));

    m_blockMse = makePlot(this, QStringLiteral("blockMsePlot"), QString(), QString(), true);
    m_mseBefore = new QCPBars(m_blockMse->xAxis, m_blockMse->yAxis);
    m_mseAfter = new QCPBars(m_blockMse->xAxis, m_blockMse->yAxis);
    m_mseBefore->setBrush(QColor(200, 200, 200));
    m_mseAfter->setBrush(QColor(40, 110, 200));
    m_mseBefore->setWidth(0.38);
    m_mseAfter->setWidth(0.38);
    auto* group = new QCPBarsGroup(m_blockMse);
    m_mseBefore->setBarsGroup(group);
    m_mseAfter->setBarsGroup(group);
    m_blockMse->legend->setVisible(true);

    m_e2e = makePlot(this, QStringLiteral("e2ePlot"), QString(), QString(), false);
    m_e2eLoss = m_e2e->addGraph();
    m_e2eLoss->setPen(QPen(QColor(60, 150, 80)));
    m_e2eValLoss = m_e2e->addGraph();
    m_e2eValLoss->setLineStyle(QCPGraph::lsNone);
    m_e2eValLoss->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, QColor(220, 90, 40), 7));

    m_perplexity = makePlot(this, QStringLiteral("perplexityPlot"), QString(), QString(), true);
    m_pplPoints = m_perplexity->addGraph();
    m_pplPoints->setLineStyle(QCPGraph::lsLine);
    m_pplPoints->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, QColor(120, 60, 160), 8));
    // Whole-number ticks on the axes that count blocks and stages.
    for (QCustomPlot* p : {m_blockMse, m_perplexity}) {
        auto ticker = QSharedPointer<QCPAxisTickerFixed>::create();
        ticker->setTickStep(1.0);
        ticker->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
        p->xAxis->setTicker(ticker);
    }

    auto* layout = new QGridLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_blockLoss, 0, 0);
    layout->addWidget(m_blockMse, 0, 1);
    layout->addWidget(m_e2e, 1, 0);
    layout->addWidget(m_perplexity, 1, 1);

    m_timer = new QTimer(this);
    m_timer->setInterval(100);
    connect(m_timer, &QTimer::timeout, this, &RunCharts::replotDirty);
    m_timer->start();
    retranslateUi();
}

void RunCharts::changeEvent(QEvent* event) {
    if (event->type() == QEvent::LanguageChange && m_blockLoss) {
        retranslateUi();
        m_dirty = {m_blockLoss, m_blockMse, m_e2e, m_perplexity};
    }
    QWidget::changeEvent(event);
}

void RunCharts::retranslateUi() {
    auto title = [](QCustomPlot* p, const QString& t) {
        static_cast<QCPTextElement*>(p->plotLayout()->element(0, 0))->setText(t);
    };
    title(m_blockLoss, tr("Current block: training loss (line), validation loss (dots)"));
    title(m_blockMse, tr("Reconstruction MSE per block"));
    title(m_e2e, e2eTitle());
    title(m_perplexity, tr("Perplexity per stage"));
    m_blockLoss->xAxis->setLabel(tr("step"));
    m_blockLoss->yAxis->setLabel(tr("MSE"));
    m_blockMse->xAxis->setLabel(tr("block"));
    m_blockMse->yAxis->setLabel(tr("MSE"));
    m_mseBefore->setName(m_gptqBlocks ? tr("round-to-nearest") : tr("before"));
    m_mseAfter->setName(m_gptqBlocks ? tr("GPTQ") : tr("after Block-AP"));
    m_e2e->xAxis->setLabel(tr("optimizer step"));
    m_e2e->yAxis->setLabel(tr("cross entropy"));
    m_perplexity->xAxis->setLabel(tr("stage"));
    m_perplexity->yAxis->setLabel(tr("perplexity"));
}

QString RunCharts::e2eTitle() const {
    return m_e2ePhase == Phase::LrQat ? tr("LR-QAT: training loss (line), validation loss (dots)")
                                      : tr("E2E-QP: training loss (line), validation loss (dots)");
}

void RunCharts::setMethod(Method method) {
    const bool blocks = method == Method::BlockAp || method == Method::EfficientQat;
    m_gptqBlocks = method == Method::Gptq;
    m_blockLoss->setVisible(blocks);
    m_blockMse->setVisible(blocks || m_gptqBlocks);
    m_e2e->setVisible(method == Method::EfficientQat || method == Method::LrQat);
    m_e2ePhase = method == Method::LrQat ? Phase::LrQat : Phase::E2eQp;
    retranslateUi();
    m_dirty.insert(m_e2e);
}

void RunCharts::onPhaseChanged(int phase, int, int) {
    if (phase != int(Phase::E2eQp) && phase != int(Phase::LrQat)) return;
    m_e2ePhase = static_cast<Phase>(phase);
    m_e2e->setVisible(true);
    retranslateUi();
    m_dirty.insert(m_e2e);
}

void RunCharts::clear() {
    for (QCPGraph* g : {m_stepLoss, m_valLoss, m_e2eLoss, m_e2eValLoss, m_pplPoints})
        g->data()->clear();
    m_mseBefore->data()->clear();
    m_mseAfter->data()->clear();
    m_block = -1;
    m_e2eSteps = 0;
    m_stages = 0;
    m_dirty = {m_blockLoss, m_blockMse, m_e2e, m_perplexity};
}

void RunCharts::onBlockStarted(qint64 block, qint64) {
    m_block = block;
    m_stepLoss->data()->clear();
    m_valLoss->data()->clear();
    m_dirty.insert(m_blockLoss);
}

void RunCharts::onStepLosses(const QVector<StepPoint>& points) {
    for (const StepPoint& p : points) {
        if (!std::isfinite(p.loss) || p.loss <= 0) continue;
        if (p.block >= 0) {
            m_stepLoss->addData(static_cast<double>(p.step + 1), p.loss);
            m_dirty.insert(m_blockLoss);
        } else {
            m_e2eLoss->addData(static_cast<double>(p.step + 1), p.loss);
            m_dirty.insert(m_e2e);
            m_e2eSteps = p.steps;
            continue;
        }
        m_stepsPerEpoch = p.steps;
    }
}

void RunCharts::onEpochEnded(qint64 block, qint64 epoch, qint64 epochs, double, double valLoss) {
    if (!std::isfinite(valLoss) || valLoss <= 0 || epochs <= 0) return;
    // Block-AP's steps count within the block, end-to-end steps (block -1) over the phase.
    const double at = static_cast<double>(block >= 0 ? m_stepsPerEpoch : m_e2eSteps) *
                      static_cast<double>(epoch + 1) / static_cast<double>(epochs);
    (block >= 0 ? m_valLoss : m_e2eValLoss)->addData(at, valLoss);
    m_dirty.insert(block >= 0 ? m_blockLoss : m_e2e);
}

void RunCharts::onBlockFinished(qint64 block, double mseBefore, double mseAfter, double) {
    if (std::isfinite(mseBefore) && mseBefore > 0)
        m_mseBefore->addData(static_cast<double>(block), mseBefore);
    if (std::isfinite(mseAfter) && mseAfter > 0) m_mseAfter->addData(static_cast<double>(block), mseAfter);
    m_dirty.insert(m_blockMse);
}

void RunCharts::onEvalResult(const QString&, double perplexity, qint64) {
    if (!std::isfinite(perplexity) || perplexity <= 0) return;
    m_pplPoints->addData(static_cast<double>(m_stages++), perplexity);
    m_dirty.insert(m_perplexity);
}

void RunCharts::replotDirty() {
    for (QCustomPlot* p : std::as_const(m_dirty)) {
        p->rescaleAxes();
        // Room around the data: half a bar (or point) on x, a margin on y.
        if (p == m_blockMse) p->xAxis->setRange(p->xAxis->range().lower - 0.6, p->xAxis->range().upper + 0.6);
        if (p == m_perplexity)
            p->xAxis->setRange(-0.5, std::max(2, m_stages - 1) + 0.5); // fp, then up to two phases
        p->yAxis->scaleRange(1.15, p->yAxis->range().center());
        p->replot(QCustomPlot::rpQueuedReplot);
    }
    m_dirty.clear();
}

} // namespace qat
