// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file TaskPicker.h
/// The Data page's zero-shot box: the folder with the task files (remembered across
/// sessions), one check box per task with its item count (a missing or malformed file is
/// shown, named, and cannot be chosen), the items per task, BOS on or off, and an estimate
/// of the items, tokens and time one evaluation takes (an evaluation runs before and after
/// each phase). Child objectNames for tests: "taskDirEdit", "taskDirButton",
/// "taskCheck_<name>" (e.g. "taskCheck_arc_easy"), "taskLimitSpin", "taskBosCheck",
/// "taskEstimateLabel".

#include "Translations.h"

#include <qat/QuantizeJob.h>

#include <QGroupBox>
#include <QHash>

class QCheckBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;

namespace qat {

class Tokenizer;

class TaskPicker : public QGroupBox {
    Q_OBJECT

public:
    explicit TaskPicker(QWidget* parent = nullptr);

    void setFrom(const QuantizeJob& job);
    /// Writes the tasks, their folder, the item limit and the BOS choice into `job`.
    void applyTo(QuantizeJob& job) const;

    /// The task folder; remembered (QSettings "zeroShot/taskDir") for the next session.
    void setTaskDir(const QString& folder);
    QString taskDir() const;
    /// Checks or unchecks a task (by its name, "arc_easy").
    void setTaskChecked(const QString& task, bool checked);

    /// For the estimate: the tokenizer (nullptr: none yet) and the model's parameter count.
    void setTokenizer(const Tokenizer* tokenizer);
    void setModelParameters(qint64 parameters);

    QString estimateText() const;

    /// The assumed speeds of the time estimate, in FLOP/s (2 × parameters per token): two CPU
    /// cores, as measured with SmolLM2-135M on this project's build machines, and one GPU.
    static constexpr double kCpuFlops = 1.2e11;
    static constexpr double kGpuFlops = 2.0e13;

Q_SIGNALS:
    void tasksChanged();

protected:
    void changeEvent(QEvent* event) override;

private:
    void recount();
    void updateEstimate();
    void retranslateUi();

    QLineEdit* m_dir = nullptr;
    QPushButton* m_browse = nullptr;
    QLabel* m_dirLabel = nullptr;
    QHash<QString, QCheckBox*> m_checks;
    QHash<QString, qint64> m_items;         ///< per task in the folder (-1: missing or malformed)
    QHash<QString, QString> m_problems;     ///< why a task file cannot be used
    QHash<QString, double> m_tokensPerItem; ///< with the current tokenizer, measured once per task
    QSpinBox* m_limit = nullptr;
    QCheckBox* m_bos = nullptr;
    QLabel* m_estimate = nullptr;
    const Tokenizer* m_tokenizer = nullptr;
    qint64 m_parameters = 0;
    Translations m_tr;
};

} // namespace qat
