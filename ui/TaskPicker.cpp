// SPDX-License-Identifier: GPL-3.0-or-later
#include "TaskPicker.h"

#include "Format.h"

#include <qat/ZeroShot.h>

#include <QCheckBox>
#include <QDir>
#include <QEvent>
#include <QFileDialog>
#include <QFormLayout>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QVBoxLayout>

namespace qat {

namespace {

const QString kTaskDirKey = QStringLiteral("zeroShot/taskDir");

QString durationText(double seconds) {
    if (seconds < 90) return TaskPicker::tr("%1 s").arg(std::max(1.0, std::round(seconds)));
    if (seconds < 5400) return TaskPicker::tr("%1 min").arg(std::round(seconds / 60));
    return TaskPicker::tr("%1 h").arg(seconds / 3600, 0, 'f', 1);
}

} // namespace

TaskPicker::TaskPicker(QWidget* parent) : QGroupBox(parent) {
    m_dir = new QLineEdit(this);
    m_dir->setObjectName(QStringLiteral("taskDirEdit"));
    m_browse = new QPushButton(this);
    m_browse->setObjectName(QStringLiteral("taskDirButton"));
    m_tr.text(m_browse, QT_TR_NOOP("&Browse…"));
    m_dirLabel = m_tr.label(m_dir, QT_TR_NOOP("Task &folder"));
    m_tr.toolTip(
        m_dir, QT_TR_NOOP("The folder with the task files (arc_easy.jsonl, …, lm-eval's rendered requests); "
                          "remembered for the next session"));
    auto* grid = new QGridLayout;
    int i = 0;
    for (const ZeroShotTask& t : zeroShotTasks()) {
        auto* check = new QCheckBox(this);
        check->setObjectName(QStringLiteral("taskCheck_") + QLatin1String(t.name));
        m_checks.insert(QLatin1String(t.name), check);
        grid->addWidget(check, i / 3, i % 3);
        connect(check, &QCheckBox::toggled, this, [this] {
            updateEstimate();
            Q_EMIT tasksChanged();
        });
        ++i;
    }
    m_limit = new QSpinBox(this);
    m_limit->setObjectName(QStringLiteral("taskLimitSpin"));
    m_limit->setRange(0, 1 << 20);
    m_tr.specialValue(m_limit, QT_TR_NOOP("all"));
    m_tr.toolTip(m_limit, QT_TR_NOOP("Score only the first N items of each task, for a quick look (0: all)"));
    m_bos = new QCheckBox(this);
    m_bos->setObjectName(QStringLiteral("taskBosCheck"));
    m_tr.text(m_bos, QT_TR_NOOP("Put the tokenizer's BOS in front of every request"));
    m_tr.toolTip(m_bos,
                 QT_TR_NOOP("Off: as lm-eval 0.4.2, which EfficientQAT ran; lm-eval 0.4.13 follows the "
                            "tokenizer's own default"));
    m_estimate = new QLabel(this);
    m_estimate->setObjectName(QStringLiteral("taskEstimateLabel"));
    m_estimate->setWordWrap(true);

    auto* dirRow = new QHBoxLayout;
    dirRow->addWidget(m_dirLabel);
    dirRow->addWidget(m_dir, 1);
    dirRow->addWidget(m_browse);
    auto* form = new QFormLayout;
    form->addRow(m_tr.label(m_limit, QT_TR_NOOP("&Items per task")), m_limit);
    form->addRow(QString(), m_bos);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(dirRow);
    layout->addLayout(grid);
    layout->addLayout(form);
    layout->addWidget(m_estimate);

    connect(m_dir, &QLineEdit::editingFinished, this, [this] { setTaskDir(m_dir->text()); });
    connect(m_browse, &QPushButton::clicked, this, [this] {
        const QString folder =
            QFileDialog::getExistingDirectory(this, tr("Zero-shot task folder"), m_dir->text());
        if (!folder.isEmpty()) setTaskDir(folder);
    });
    connect(m_limit, &QSpinBox::valueChanged, this, [this] {
        updateEstimate();
        Q_EMIT tasksChanged();
    });
    connect(m_bos, &QCheckBox::toggled, this, &TaskPicker::tasksChanged);
    retranslateUi();
    m_tr.apply(this);
    setTaskDir(QSettings().value(kTaskDirKey).toString());
}

void TaskPicker::changeEvent(QEvent* event) {
    if (event->type() == QEvent::LanguageChange && m_estimate) {
        m_tr.apply(this);
        retranslateUi();
    }
    QGroupBox::changeEvent(event);
}

void TaskPicker::retranslateUi() {
    setTitle(tr("Zero-shot accuracy (before and after each phase)"));
    recount();
}

QString TaskPicker::taskDir() const {
    return m_dir->text();
}

void TaskPicker::setTaskDir(const QString& folder) {
    m_dir->setText(QDir::toNativeSeparators(folder));
    if (!folder.isEmpty()) QSettings().setValue(kTaskDirKey, QDir::fromNativeSeparators(folder));
    recount();
    Q_EMIT tasksChanged();
}

void TaskPicker::setTaskChecked(const QString& task, bool checked) {
    if (QCheckBox* c = m_checks.value(task)) c->setChecked(checked);
}

// Reads every task file of the folder once: its item count, or why it cannot be used.
void TaskPicker::recount() {
    m_items.clear();
    m_tokensPerItem.clear();
    m_problems.clear();
    const QString dir = QDir::fromNativeSeparators(m_dir->text());
    for (const ZeroShotTask& t : zeroShotTasks()) {
        const QString name = QLatin1String(t.name);
        QCheckBox* check = m_checks.value(name);
        int64_t items = -1;
        if (!dir.isEmpty()) {
            const Status st = countZeroShotItems(dir.toStdString(), t.name, items);
            if (!st.ok()) m_problems.insert(name, QString::fromStdString(st.message));
        } else {
            m_problems.insert(name, tr("Choose the folder with the task files first"));
        }
        m_items.insert(name, items);
        const bool usable = items > 0;
        check->setText(usable ? tr("%1 (%2 items)").arg(QString::fromUtf8(t.title), formatCount(items))
                              : QString::fromUtf8(t.title));
        check->setToolTip(
            usable ? tr("%1: %2").arg(QLatin1String(t.name), QDir::toNativeSeparators(dir + QLatin1Char('/') +
                                                                                      QLatin1String(t.file)))
                   : m_problems.value(name));
        check->setEnabled(usable);
        if (!usable) check->setChecked(false);
    }
    updateEstimate();
}

void TaskPicker::setTokenizer(const Tokenizer* tokenizer) {
    m_tokenizer = tokenizer;
    m_tokensPerItem.clear();
    updateEstimate();
}

void TaskPicker::setModelParameters(qint64 parameters) {
    m_parameters = parameters;
    updateEstimate();
}

QString TaskPicker::estimateText() const {
    return m_estimate->text();
}

void TaskPicker::updateEstimate() {
    QStringList chosen;
    qint64 items = 0;
    for (const ZeroShotTask& t : zeroShotTasks()) {
        const QString name = QLatin1String(t.name);
        if (!m_checks.value(name)->isChecked()) continue;
        chosen << name;
        const qint64 n = m_items.value(name, 0);
        items += m_limit->value() > 0 ? std::min<qint64>(n, m_limit->value()) : n;
        if (m_tokenizer && !m_tokensPerItem.contains(name)) {
            ZeroShotCost cost;
            if (estimateZeroShotCost(*m_tokenizer, QDir::fromNativeSeparators(m_dir->text()).toStdString(),
                                     t.name, 0, cost, 32)
                    .ok() &&
                cost.items > 0)
                m_tokensPerItem.insert(name, cost.tokens / static_cast<double>(cost.items));
        }
    }
    if (chosen.isEmpty()) {
        m_estimate->setText(m_problems.size() == static_cast<qsizetype>(zeroShotTasks().size())
                                ? tr("Choose the folder with the task files (../shared/data/zeroshot in the "
                                     "source tree) to score accuracy as well.")
                                : tr("No task chosen: the run measures perplexity only."));
        return;
    }
    QString text = tr("%1 items per evaluation").arg(formatCount(items));
    if (m_tokenizer) {
        double tokens = 0;
        for (const QString& name : std::as_const(chosen)) {
            const qint64 n = m_items.value(name, 0);
            tokens += m_tokensPerItem.value(name, 0.0) *
                      static_cast<double>(m_limit->value() > 0 ? std::min<qint64>(n, m_limit->value()) : n);
        }
        text += tr(", about %1 tokens").arg(formatCount(static_cast<qint64>(tokens)));
        if (m_parameters > 0) {
            const double flop = 2.0 * static_cast<double>(m_parameters) * tokens;
            text += tr("; roughly %1 each on two CPU cores, %2 on a GPU")
                        .arg(durationText(flop / kCpuFlops), durationText(flop / kGpuFlops));
        }
    }
    m_estimate->setText(text + tr(" (one evaluation in full precision and one after each phase)."));
}

void TaskPicker::setFrom(const QuantizeJob& job) {
    {
        const QSignalBlocker block(this);
        if (!job.taskDir.empty()) setTaskDir(QString::fromStdString(job.taskDir.string()));
        for (auto it = m_checks.begin(); it != m_checks.end(); ++it)
            it.value()->setChecked(std::find(job.evalTasks.begin(), job.evalTasks.end(),
                                             it.key().toStdString()) != job.evalTasks.end());
        m_limit->setValue(static_cast<int>(job.taskLimit));
        m_bos->setChecked(job.taskAddBos);
    }
    updateEstimate();
}

void TaskPicker::applyTo(QuantizeJob& job) const {
    job.evalTasks.clear();
    for (const ZeroShotTask& t : zeroShotTasks())
        if (m_checks.value(QLatin1String(t.name))->isChecked()) job.evalTasks.emplace_back(t.name);
    job.taskDir =
        job.evalTasks.empty() ? std::string() : QDir::fromNativeSeparators(m_dir->text()).toStdString();
    job.taskLimit = m_limit->value();
    job.taskAddBos = m_bos->isChecked();
}

} // namespace qat
