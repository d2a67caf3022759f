// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file ExportDialog.h
/// Exports a finished run as a model folder other tools load (core's exportRun, qat/Export.h):
/// GPTQ v2 packed or dequantized weights, the dtype of the unquantized tensors, the destination
/// (RUN/model by default) and whether an existing folder may be replaced. The export runs on a
/// worker thread; the dialog then shows the report (packed layers, the layers left dense and
/// why, files and sizes).
/// Child objectNames for tests: "formatCombo", "dtypeCombo", "destinationEdit", "overwriteCheck",
/// "exportButton", "reportText".

#include <QDialog>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QThread;

namespace qat {

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
    bool isExporting() const { return m_thread != nullptr; }
    /// The report or error of the last export.
    QString reportText() const;

Q_SIGNALS:
    void exportFinished(bool ok, const QString& message);

protected:
    void changeEvent(QEvent* event) override;
    void reject() override;

private:
    void retranslateUi();
    void browse();
    void onFinished(bool ok, const QString& text);

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
    QPushButton* m_close = nullptr;
    QPlainTextEdit* m_report = nullptr;
    QThread* m_thread = nullptr;
};

} // namespace qat
