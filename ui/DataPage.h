// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file DataPage.h
/// The "Data" page: calibration text files (txt / JSONL) or text the model writes itself,
/// the number and length of the windows, the evaluation files, and a token-count preview
/// that says whether the text is long enough. Child objectNames for tests: "calibList",
/// "addCalibButton", "removeCalibButton", "selfGeneratedCheck", "generatedSpin",
/// "seqlenSpin", "trainWindowsSpin", "valWindowsSpin", "evalList", "addEvalButton",
/// "removeEvalButton", "evalWindowsSpin", "previewLabel", and the zero-shot box's (TaskPicker.h).

#include "Translations.h"

#include <qat/QuantizeJob.h>

#include <QHash>
#include <QPair>
#include <QWidget>

#include <memory>

class QCheckBox;
class QLabel;
class QListWidget;
class QPushButton;
class QSpinBox;

namespace qat {

class TaskPicker;
class Tokenizer;

class DataPage : public QWidget {
    Q_OBJECT

public:
    explicit DataPage(QWidget* parent = nullptr);
    ~DataPage() override;

    void setFrom(const QuantizeJob& job);
    /// Writes calibration and evaluation settings into `job`.
    void applyTo(QuantizeJob& job) const;

    /// The tokenizer the preview counts with (the chosen model's); nullptr: no preview.
    void setTokenizerFile(const QString& tokenizerModel);
    /// The chosen model's parameter count (the zero-shot time estimate).
    void setModelParameters(qint64 parameters);
    /// The zero-shot tasks box.
    TaskPicker* taskPicker() const { return m_tasks; }

    void addCalibrationFile(const QString& file);
    void addEvaluationFile(const QString& file);

    /// Tokens in the calibration files (BOS per document included), from the last preview.
    qint64 calibrationTokens() const { return m_tokens; }
    QString previewText() const;

public Q_SLOTS:
    /// Recounts the tokens of the calibration files and updates the preview.
    void updatePreview();

Q_SIGNALS:
    void dataChanged();

protected:
    void changeEvent(QEvent* event) override;

private:
    QListWidget* m_calib = nullptr;
    QPushButton* m_addCalib = nullptr;
    QPushButton* m_removeCalib = nullptr;
    QCheckBox* m_selfGenerated = nullptr;
    QSpinBox* m_generated = nullptr;
    QSpinBox* m_seqlen = nullptr;
    QSpinBox* m_trainWindows = nullptr;
    QSpinBox* m_valWindows = nullptr;
    QListWidget* m_eval = nullptr;
    QSpinBox* m_evalWindows = nullptr;
    QPushButton* m_addEval = nullptr;
    QPushButton* m_removeEval = nullptr;
    QLabel* m_preview = nullptr;
    TaskPicker* m_tasks = nullptr;
    std::unique_ptr<Tokenizer> m_tokenizer;
    qint64 m_tokens = 0;
    /// Per calibration file: (documents, tokens) with the current tokenizer, counted once.
    QHash<QString, QPair<qint64, qint64>> m_counts;
    Translations m_tr;
};

} // namespace qat
