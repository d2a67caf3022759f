// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file RunCharts.h
/// The run page's live charts: the current block's training loss per step with the
/// validation loss per epoch, reconstruction MSE per block before and after Block-AP, the
/// end-to-end loss per step (E2E-QP's or LR-QAT's, titled by the phase) with the validation
/// loss per epoch, and perplexity per stage. Only the charts the method fills are shown.
/// Appended in slots on the GUI thread and replotted by a ~100 ms timer only when something
/// changed.

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
    /// Shows the charts `method` fills and names its end-to-end phase.
    void setMethod(qat::Method method);
    /// The end-to-end chart's title: "E2E-QP …" or "LR-QAT …".
    QString e2eTitle() const;

    QCustomPlot* blockLossPlot() const { return m_blockLoss; }
    QCustomPlot* blockMsePlot() const { return m_blockMse; }
    QCustomPlot* e2ePlot() const { return m_e2e; }
    QCustomPlot* perplexityPlot() const { return m_perplexity; }

public Q_SLOTS:
    /// Names the end-to-end chart after the phase (a qat::Phase) that fills it.
    void onPhaseChanged(int phase, int index, int count);
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
    static QCustomPlot* makePlot(QWidget* parent, const QString& name, const QString& x, const QString& y,
                                 bool logY);
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
    QCPGraph* m_e2eValLoss = nullptr;
    QCPGraph* m_pplPoints = nullptr;
    QTimer* m_timer = nullptr;
    QSet<QCustomPlot*> m_dirty;
    qint64 m_block = -1;
    qint64 m_stepsPerEpoch = 0;
    qint64 m_e2eSteps = 0;
    Phase m_e2ePhase = Phase::E2eQp;
    bool m_gptqBlocks = false; ///< the block MSE chart compares GPTQ with round-to-nearest
    int m_stages = 0;
};

} // namespace qat
