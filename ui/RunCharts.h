// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file RunCharts.h
/// The run page's live charts: the current block's training loss per step with the
/// validation loss per epoch, reconstruction MSE per block before and after Block-AP, the
/// E2E-QP loss per step, and perplexity per stage. Appended in slots on the GUI thread and
/// replotted by a ~100 ms timer only when something changed.

#include "QCustomPlotInclude.h"
#include "RunWorker.h"

#include <QWidget>

class QTimer;

namespace qat {

class RunCharts : public QWidget {
    Q_OBJECT

public:
    explicit RunCharts(QWidget* parent = nullptr);

    /// Forgets every point (a new run).
    void clear();

    QCustomPlot* blockLossPlot() const { return m_blockLoss; }
    QCustomPlot* blockMsePlot() const { return m_blockMse; }
    QCustomPlot* e2ePlot() const { return m_e2e; }
    QCustomPlot* perplexityPlot() const { return m_perplexity; }

public Q_SLOTS:
    void onBlockStarted(qint64 block, qint64 blocks);
    void onStepLosses(const QVector<qat::StepPoint>& points);
    void onEpochEnded(qint64 block, qint64 epoch, qint64 epochs, double trainLoss, double valLoss);
    void onBlockFinished(qint64 block, double mseBefore, double mseAfter, double seconds);
    void onEvalResult(const QString& dataset, double perplexity, qint64 windows);
    /// Replots the charts that changed since the last replot.
    void replotDirty();

protected:
    void changeEvent(QEvent* event) override;

private:
    static QCustomPlot* makePlot(QWidget* parent, const QString& name, const QString& x, const QString& y, bool logY);
    void retranslateUi();

    QCustomPlot* m_blockLoss = nullptr;
    QCustomPlot* m_blockMse = nullptr;
    QCustomPlot* m_e2e = nullptr;
    QCustomPlot* m_perplexity = nullptr;
    QCPBars* m_mseBefore = nullptr;
    QCPBars* m_mseAfter = nullptr;
    QCPGraph* m_stepLoss = nullptr;
    QCPGraph* m_valLoss = nullptr;
    QCPGraph* m_e2eLoss = nullptr;
    QCPGraph* m_pplPoints = nullptr;
    QTimer* m_timer = nullptr;
    QSet<QCustomPlot*> m_dirty;
    qint64 m_block = -1;
    qint64 m_stepsPerEpoch = 0;
    int m_stages = 0;
};

} // namespace qat
