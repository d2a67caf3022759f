// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file ResultsPage.h
/// The "Results" page: every run in the workspace (the run history, read from the run
/// folders) as a table of perplexity per evaluation set, zero-shot accuracy per task, bits per
/// parameter, size and time (as values or against full precision; exported as CSV), the
/// perplexities and the accuracies as bar charts in two tabs (saved as PNG or PDF), and side-by-side
/// generations from one prompt by two chosen models (full precision or any finished run), generated on a
/// worker thread. A partial run can be handed to the Run page to be resumed. Child objectNames for tests:
/// "workspaceLabel", "refreshButton", "resumeButton", "exportButton", "saveChartButton", "exportTableButton",
/// "relativeCheck", "chartTabs", "resultsTable", "resultsChart", "accuracyChart", "leftModelCombo",
/// "rightModelCombo", "promptEdit", "tokensSpin", "generateButton", "leftOutput", "rightOutput".
///
/// The row of buttons above the table ("runActions", a QHBoxLayout) holds the actions on
/// the selected run: Resume… for a partial run, Export… (ExportDialog) for a finished one.

#include "GenerationWorker.h"
#include "RunHistory.h"

#include <QWidget>

class QCheckBox;
class QComboBox;
class QGroupBox;
class QHBoxLayout;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QSpinBox;
class QTabWidget;
class QTableView;

namespace qat {

class AccuracyChart;
class ResultsChart;
class ResultsModel;

class ResultsPage : public QWidget {
    Q_OBJECT

public:
    explicit ResultsPage(QWidget* parent = nullptr);
    ~ResultsPage() override;

    /// Reads the runs of `folder` (it need not exist yet) and shows them.
    void setWorkspace(const QString& folder);
    QString workspace() const { return m_workspace; }

    ResultsModel* model() const { return m_model; }
    ResultsChart* chart() const { return m_chart; }
    AccuracyChart* accuracyChart() const { return m_accuracyChart; }
    /// Shows the perplexity (0) or the accuracy (1) chart.
    void showChart(int which);
    QTableView* table() const { return m_table; }
    /// The row of actions on the selected run (see the file comment).
    QHBoxLayout* runActions() const { return m_runActions; }

    /// The selected row's run, or nullptr (none selected, or a full-precision row).
    const RunRecord* selectedRun() const;
    /// Selects table row `row`.
    void selectRow(int row);

    /// The models the comparison can use: the full-precision model of every run, then every
    /// finished run, as (model folder, run folder; empty for full precision).
    QVector<QPair<QString, QString>> generationChoices() const;
    /// Chooses the two models compared (indexes into generationChoices()).
    void setComparison(int left, int right);
    /// Starts generating from the prompt with both chosen models (not on the GUI thread).
    void generate();
    bool isGenerating() const;
    /// What side 0 (left) or 1 (right) generated last: the continuation, without the prompt.
    QString outputText(int side) const { return m_continuations[side & 1]; }

    /// Asks for a file name and saves the chart shown there (PNG or PDF).
    void saveChartAs();
    /// Asks for a file name and writes the table there as CSV (saveTableCsv).
    void exportTableAs();
    /// Writes the table as CSV to `file` (under a temporary name, then renamed); false on failure.
    bool saveTableCsv(const QString& file) const;
    /// Opens the export dialog for the selected finished run.
    void exportSelected();

public Q_SLOTS:
    /// Scans the workspace again.
    void refresh();

Q_SIGNALS:
    /// The user wants to continue the partial run in `runFolder` on the Run page.
    void resumeRequested(const QString& runFolder);
    /// Both generations of the last generate() have arrived.
    void generationFinished();

protected:
    void changeEvent(QEvent* event) override;

private:
    void retranslateUi();
    void updateActions();
    void fillGenerationChoices();
    void onGenerated(const GenerationResult& result);

    QString m_workspace;
    QLabel* m_workspaceLabel = nullptr;
    QPushButton* m_refresh = nullptr;
    QPushButton* m_resume = nullptr;
    QPushButton* m_export = nullptr;
    QPushButton* m_saveChart = nullptr;
    QPushButton* m_exportTable = nullptr;
    QCheckBox* m_relative = nullptr;
    QHBoxLayout* m_runActions = nullptr;
    QTableView* m_table = nullptr;
    ResultsModel* m_model = nullptr;
    ResultsChart* m_chart = nullptr;
    AccuracyChart* m_accuracyChart = nullptr;
    QTabWidget* m_chartTabs = nullptr;
    QLabel* m_emptyLabel = nullptr;

    QGroupBox* m_compareBox = nullptr;
    QLabel* m_leftLabel = nullptr;
    QLabel* m_rightLabel = nullptr;
    QComboBox* m_left = nullptr;
    QComboBox* m_right = nullptr;
    QLabel* m_promptLabel = nullptr;
    QLineEdit* m_prompt = nullptr;
    QLabel* m_tokensLabel = nullptr;
    QSpinBox* m_tokens = nullptr;
    QPushButton* m_generate = nullptr;
    QPlainTextEdit* m_outputs[2] = {nullptr, nullptr};
    QString m_continuations[2];
    GenerationController* m_generator = nullptr;
};

} // namespace qat
