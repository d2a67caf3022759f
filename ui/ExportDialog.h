// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file ExportDialog.h
/// Exports a finished run as a model other tools load (core's exportRun, qat/Export.h): a GPTQ v2
/// packed folder, a dequantized folder, or one GGUF file for llama.cpp (its linear type, auto by
/// default, the embedding type, and whether the file is read back and its perplexity measured
/// against the run's on the run's evaluation text); the dtype of the unquantized tensors (the
/// folder formats), the destination (RUN/model, RUN/model.gguf by default; it follows the format
/// until the user edits it) and whether an existing one may be replaced. The export runs as an
/// ExportWorker on a JobRunner ("qat-export" thread) with a progress bar (the layers converted,
/// the files written, the file measured) and a Cancel button (nothing is left at the
/// destination); the dialog then shows the report (packed layers and the layers left dense and
/// why; for GGUF the layers per type with how many are exact and their weight error, the
/// perplexity of the file beside the run's, the notes; files and sizes).
/// Child objectNames for tests: "formatCombo", "dtypeCombo", "ggufTypeCombo",
/// "ggufEmbeddingsCombo", "ggufCheckBox", "destinationEdit", "overwriteCheck", "exportButton",
/// "cancelButton", "exportProgress", "reportText".

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
    /// 0: GPTQ v2 packed, 1: dequantized weights, 2: GGUF.
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
    void onFormatChanged();
    QString defaultDestination(const QString& format) const;

    QString m_run;
    QLabel* m_runLabel = nullptr;
    QLabel* m_formatLabel = nullptr;
    QComboBox* m_format = nullptr;
    QLabel* m_dtypeLabel = nullptr;
    QComboBox* m_dtype = nullptr;
    QLabel* m_ggufTypeLabel = nullptr;
    QComboBox* m_ggufType = nullptr;
    QLabel* m_ggufEmbeddingsLabel = nullptr;
    QComboBox* m_ggufEmbeddings = nullptr;
    QCheckBox* m_ggufCheck = nullptr;
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
    QString m_shownFormat; ///< the format the destination's default was made for
};

} // namespace qat
