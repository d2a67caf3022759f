// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file ExportDialog.h
/// Exports a finished run as a model folder other tools load (core's exportRun, qat/Export.h):
/// GPTQ v2 packed or dequantized weights, the dtype of the unquantized tensors, the destination
/// (RUN/model by default) and whether an existing folder may be replaced. The export runs as an
/// ExportWorker on a JobRunner ("qat-export" thread) with a progress bar (the layers converted,
/// then the files written) and a Cancel button (nothing is left at the destination); the dialog
/// then shows the report (packed layers, the layers left dense and why, files and sizes).
/// Child objectNames for tests: "formatCombo", "dtypeCombo", "destinationEdit", "overwriteCheck",
/// "exportButton", "cancelButton", "exportProgress", "reportText".

#include <QDialog>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;

namespace qat {

class JobRunner;
struct ExportReport;
struct JobOutcome;

class ExportDialog : public QDialog {
    Q_OBJECT

public:
    /// `runFolder`: a finished run (it holds quantized.safetensors).
    explicit ExportDialog(const QString& runFolder, QWidget* parent = nullptr);
    ~ExportDialog() override;

    QString destination() const;
    void setDestination(const QString& folder);
    /// 0: GPTQ v2 packed, 1: dequantized weights.
    void setFormatIndex(int index);
    void setOverwrite(bool overwrite);
    /// Starts the export on a worker thread (exportFinished follows).
    void startExport();
    /// Stops the export at its next layer or file (exportFinished(false, …) follows).
    void cancelExport();
    bool isExporting() const;
    /// The runner of the export (its progress(), cancelled() … signals).
    JobRunner* runner() const { return m_runner; }
    /// The report or error of the last export.
    QString reportText() const;

Q_SIGNALS:
    /// The export ended: `ok` with the report as `message`, or not with the error (or the cancel).
    void exportFinished(bool ok, const QString& message);

protected:
    void changeEvent(QEvent* event) override;
    void reject() override;

private:
    void retranslateUi();
    void browse();
    void onProgress(qint64 done, qint64 total, const QString& what);
    void onFinished(const JobOutcome& outcome);
    QString reportFor(const ExportReport& report) const;
    void updateButtons();

    QString m_run;
    QLabel* m_runLabel = nullptr;
    QLabel* m_formatLabel = nullptr;
    QComboBox* m_format = nullptr;
    QLabel* m_dtypeLabel = nullptr;
    QComboBox* m_dtype = nullptr;
    QLabel* m_destinationLabel = nullptr;
    QLineEdit* m_destination = nullptr;
    QPushButton* m_browse = nullptr;
    QCheckBox* m_overwrite = nullptr;
    QPushButton* m_export = nullptr;
    QPushButton* m_cancel = nullptr;
    QPushButton* m_close = nullptr;
    QProgressBar* m_progress = nullptr;
    QPlainTextEdit* m_report = nullptr;
    JobRunner* m_runner = nullptr;
    QString m_exportDtype; ///< the dtype of the export in progress (for its report)
};

} // namespace qat
