// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file ModelPage.h
/// The "Model" page: choose a model folder and see what it holds.

#include <qat/ModelSummary.h>
#include <qat/QuantizeJob.h>

#include <QWidget>

#include <optional>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSortFilterProxyModel;
class QStackedWidget;
class QTableView;
class QGroupBox;

namespace qat {

class ModelFactsView;
class ParameterChart;
class TensorTableModel;

/// Model folder chooser (Browse…, recent folders, or a folder dropped onto the main window)
/// over the folder's summary: facts, a chart of parameters per block and the tensor table.
/// Reading a summary touches config.json and the safetensors headers only, so it runs on
/// the GUI thread. Child objectNames for tests: "folderCombo", "browseButton",
/// "errorLabel", "emptyState", "demoButton", "modelFacts", "parameterChart", "tensorTable", "tensorFilter",
/// "estimateBox", "estimateMemoryValue", "estimateDiskValue", "estimateBasisLabel".
class ModelPage : public QWidget {
    Q_OBJECT

public:
    explicit ModelPage(QWidget* parent = nullptr);
    ~ModelPage() override;

    /// Inspects `folder` and shows its summary, or the loader's message in the error label
    /// (and no summary). A folder that opens is remembered first among the recent models.
    /// Returns whether it opened.
    bool openFolder(const QString& folder);

    /// The folder shown (absolute, clean), empty when none is.
    QString currentFolder() const { return m_folder; }
    /// The summary shown, or nullptr.
    const ModelSummary* summary() const { return m_summary ? &*m_summary : nullptr; }
    /// The error shown, empty when none is.
    QString errorText() const;

    /// The job whose memory and disk needs the "Run estimate" box shows for this model (the
    /// main window passes the Recipe and Data pages' job whenever they change).
    void setEstimateJob(const QuantizeJob& job);

public Q_SLOTS:
    /// Asks for a folder with a file dialog and opens it.
    void browse();

Q_SIGNALS:
    /// A model folder opened and is shown.
    void modelOpened(const QString& folder);
    /// Opening a folder failed; no model is shown.
    void modelFailed(const QString& folder, const QString& message);
    /// "Open the Demo" was clicked (the button shows, under the empty state, where the
    /// bundled demo model is installed: dataPath("demo/stories260K")).
    void demoRequested();

protected:
    void changeEvent(QEvent* event) override;

private:
    void retranslateUi();
    void reloadRecentModels();
    void showSummary(const QString& folder, ModelSummary summary);
    void showError(const QString& folder, const QString& message);
    void updateErrorLabel();
    void updateEstimate();

    QLabel* m_folderLabel = nullptr;
    QComboBox* m_folderCombo = nullptr;
    QPushButton* m_browseButton = nullptr;
    QLabel* m_errorLabel = nullptr;
    QStackedWidget* m_content = nullptr;
    QLabel* m_emptyState = nullptr;
    QPushButton* m_demoButton = nullptr;
    ModelFactsView* m_facts = nullptr;
    QGroupBox* m_chartBox = nullptr;
    QGroupBox* m_estimateBox = nullptr;
    QLabel* m_estimateMemoryName = nullptr;
    QLabel* m_estimateMemory = nullptr;
    QLabel* m_estimateDiskName = nullptr;
    QLabel* m_estimateDisk = nullptr;
    QLabel* m_estimateBasis = nullptr;
    QuantizeJob m_estimateJob;
    ParameterChart* m_chart = nullptr;
    QGroupBox* m_tensorBox = nullptr;
    QLineEdit* m_tensorFilter = nullptr;
    QTableView* m_tensorTable = nullptr;
    TensorTableModel* m_tensorModel = nullptr;
    QSortFilterProxyModel* m_tensorProxy = nullptr;

    QString m_folder;
    std::optional<ModelSummary> m_summary;
    QString m_errorFolder;  ///< the folder that failed, for retranslating the error
    QString m_errorMessage; ///< the loader's message (English, from core)
};

} // namespace qat
