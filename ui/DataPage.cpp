// SPDX-License-Identifier: GPL-3.0-or-later
#include "DataPage.h"

#include "Format.h"
#include "TaskPicker.h"

#include <QEvent>

#include <qat/Calibration.h>
#include <qat/TextData.h>
#include <qat/Tokenizer.h>

#include <QCheckBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace qat {

namespace {

QSpinBox* spin(QWidget* parent, const QString& name, int lo, int hi, Translations& tr, const char* tip) {
    auto* s = new QSpinBox(parent);
    s->setObjectName(name);
    s->setRange(lo, hi);
    tr.toolTip(s, tip);
    return s;
}

QStringList filesOf(const QListWidget* list) {
    QStringList files;
    for (int i = 0; i < list->count(); ++i)
        files << list->item(i)->data(Qt::UserRole).toString();
    return files;
}

} // namespace

DataPage::DataPage(QWidget* parent) : QWidget(parent) {
    m_calib = new QListWidget(this);
    m_calib->setObjectName(QStringLiteral("calibList"));
    m_addCalib = new QPushButton(this);
    m_tr.text(m_addCalib, QT_TR_NOOP("&Add…"));
    m_addCalib->setObjectName(QStringLiteral("addCalibButton"));
    m_removeCalib = new QPushButton(this);
    m_tr.text(m_removeCalib, QT_TR_NOOP("&Remove"));
    m_removeCalib->setObjectName(QStringLiteral("removeCalibButton"));
    m_selfGenerated = new QCheckBox(this);
    m_tr.text(m_selfGenerated, QT_TR_NOOP("&Let the model write its own calibration text"));
    m_selfGenerated->setObjectName(QStringLiteral("selfGeneratedCheck"));
    m_tr.toolTip(m_selfGenerated,
                 QT_TR_NOOP("For users without data: documents sampled from the full-precision model"));
    m_generated =
        spin(this, QStringLiteral("generatedSpin"), 1, 1000000, m_tr, QT_TR_NOOP("Documents to generate"));
    m_seqlen = spin(this, QStringLiteral("seqlenSpin"), 2, 1 << 20, m_tr,
                    QT_TR_NOOP("Tokens per window (paper: 2048)"));
    m_trainWindows = spin(this, QStringLiteral("trainWindowsSpin"), 1, 1 << 24, m_tr,
                          QT_TR_NOOP("Training windows (paper: 4096)"));
    m_valWindows = spin(this, QStringLiteral("valWindowsSpin"), 0, 1 << 20, m_tr,
                        QT_TR_NOOP("Validation windows, from the last 10% of the documents (paper: 64)"));
    m_eval = new QListWidget(this);
    m_eval->setObjectName(QStringLiteral("evalList"));
    m_addEval = new QPushButton(this);
    m_tr.text(m_addEval, QT_TR_NOOP("A&dd…"));
    m_addEval->setObjectName(QStringLiteral("addEvalButton"));
    m_removeEval = new QPushButton(this);
    m_tr.text(m_removeEval, QT_TR_NOOP("Re&move"));
    m_removeEval->setObjectName(QStringLiteral("removeEvalButton"));
    m_evalWindows =
        spin(this, QStringLiteral("evalWindowsSpin"), 0, 1 << 24, m_tr,
             QT_TR_NOOP("Evaluate only the first N windows of each file, for a quick look (0: all)"));
    m_tr.specialValue(m_evalWindows, QT_TR_NOOP("all"));
    m_preview = new QLabel(this);
    m_preview->setObjectName(QStringLiteral("previewLabel"));
    m_preview->setWordWrap(true);

    auto* calibBox = new QGroupBox(this);
    m_tr.title(calibBox, QT_TR_NOOP("Calibration"));
    auto* calibButtons = new QVBoxLayout;
    calibButtons->addWidget(m_addCalib);
    calibButtons->addWidget(m_removeCalib);
    calibButtons->addStretch();
    auto* calibFiles = new QHBoxLayout;
    calibFiles->addWidget(m_calib, 1);
    calibFiles->addLayout(calibButtons);
    auto* calibForm = new QFormLayout;
    calibForm->addRow(m_selfGenerated, m_generated);
    calibForm->addRow(m_tr.label(m_seqlen, QT_TR_NOOP("&Window length (tokens)")), m_seqlen);
    calibForm->addRow(m_tr.label(m_trainWindows, QT_TR_NOOP("&Training windows")), m_trainWindows);
    calibForm->addRow(m_tr.label(m_valWindows, QT_TR_NOOP("&Validation windows")), m_valWindows);
    auto* calibLayout = new QVBoxLayout(calibBox);
    calibLayout->addLayout(calibFiles);
    calibLayout->addLayout(calibForm);
    calibLayout->addWidget(m_preview);

    auto* evalBox = new QGroupBox(this);
    m_tr.title(evalBox, QT_TR_NOOP("Evaluation (perplexity before and after each phase)"));
    auto* evalButtons = new QVBoxLayout;
    evalButtons->addWidget(m_addEval);
    evalButtons->addWidget(m_removeEval);
    evalButtons->addStretch();
    auto* evalFiles = new QHBoxLayout;
    evalFiles->addWidget(m_eval, 1);
    evalFiles->addLayout(evalButtons);
    auto* evalForm = new QFormLayout;
    evalForm->addRow(m_tr.label(m_evalWindows, QT_TR_NOOP("Windows &per file")), m_evalWindows);
    auto* evalLayout = new QVBoxLayout(evalBox);
    evalLayout->addLayout(evalFiles);
    evalLayout->addLayout(evalForm);

    m_tasks = new TaskPicker(this);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(calibBox, 2);
    layout->addWidget(evalBox, 1);
    layout->addWidget(m_tasks);
    connect(m_tasks, &TaskPicker::tasksChanged, this, &DataPage::dataChanged);

    auto changed = [this] {
        m_generated->setEnabled(m_selfGenerated->isChecked());
        m_calib->setEnabled(!m_selfGenerated->isChecked());
        updatePreview();
        Q_EMIT dataChanged();
    };
    connect(m_selfGenerated, &QCheckBox::toggled, this, changed);
    for (QSpinBox* s : {m_generated, m_seqlen, m_trainWindows, m_valWindows})
        connect(s, &QSpinBox::valueChanged, this, changed);
    connect(m_addCalib, &QPushButton::clicked, this, [this] {
        for (const QString& f : QFileDialog::getOpenFileNames(
                 this, tr("Calibration text"), QString(), tr("Text (*.txt *.jsonl *.raw);;All files (*)")))
            addCalibrationFile(f);
    });
    connect(m_removeCalib, &QPushButton::clicked, this, [this, changed] {
        delete m_calib->currentItem();
        changed();
    });
    connect(m_addEval, &QPushButton::clicked, this, [this] {
        for (const QString& f : QFileDialog::getOpenFileNames(
                 this, tr("Evaluation text"), QString(), tr("Text (*.txt *.jsonl *.raw);;All files (*)")))
            addEvaluationFile(f);
    });
    connect(m_removeEval, &QPushButton::clicked, this, [this] {
        delete m_eval->currentItem();
        Q_EMIT dataChanged();
    });
    m_tr.toolTip(
        m_calib,
        QT_TR_NOOP("Text or JSONL files the windows are cut from (documents separated by blank lines)"));
    m_tr.toolTip(
        m_eval,
        QT_TR_NOOP(
            "Text or JSONL files whose perplexity is measured in full precision and after each phase"));
    m_tr.toolTip(m_addCalib, QT_TR_NOOP("Add calibration text files"));
    m_tr.toolTip(m_addEval, QT_TR_NOOP("Add evaluation text files"));
    m_tr.apply(this);
    setFrom(QuantizeJob{});
}

void DataPage::changeEvent(QEvent* event) {
    if (event->type() == QEvent::LanguageChange) {
        m_tr.apply(this);
        updatePreview();
    }
    QWidget::changeEvent(event);
}

DataPage::~DataPage() = default;

void DataPage::addCalibrationFile(const QString& file) {
    auto* item = new QListWidgetItem(QFileInfo(file).fileName(), m_calib);
    item->setData(Qt::UserRole, QFileInfo(file).absoluteFilePath());
    item->setToolTip(QFileInfo(file).absoluteFilePath());
    updatePreview();
    Q_EMIT dataChanged();
}

void DataPage::addEvaluationFile(const QString& file) {
    auto* item = new QListWidgetItem(QFileInfo(file).fileName(), m_eval);
    item->setData(Qt::UserRole, QFileInfo(file).absoluteFilePath());
    item->setToolTip(QFileInfo(file).absoluteFilePath());
    Q_EMIT dataChanged();
}

void DataPage::setFrom(const QuantizeJob& job) {
    {
        const QSignalBlocker block(this);
        m_calib->clear();
        m_eval->clear();
        for (const auto& f : job.calibration.files)
            addCalibrationFile(QString::fromStdString(f.string()));
        for (const auto& f : job.evalFiles)
            addEvaluationFile(QString::fromStdString(f.string()));
        m_selfGenerated->setChecked(job.generatedDocuments > 0);
        m_generated->setValue(job.generatedDocuments > 0 ? static_cast<int>(job.generatedDocuments) : 256);
        m_seqlen->setValue(static_cast<int>(job.calibration.seqlen));
        m_trainWindows->setValue(static_cast<int>(job.calibration.trainWindows));
        m_valWindows->setValue(static_cast<int>(job.calibration.valWindows));
        m_evalWindows->setValue(static_cast<int>(job.evalMaxWindows));
        m_tasks->setFrom(job);
    }
    m_generated->setEnabled(m_selfGenerated->isChecked());
    updatePreview();
}

void DataPage::applyTo(QuantizeJob& job) const {
    job.calibration.files.clear();
    if (!m_selfGenerated->isChecked())
        for (const QString& f : filesOf(m_calib))
            job.calibration.files.emplace_back(f.toStdString());
    job.generatedDocuments = m_selfGenerated->isChecked() ? m_generated->value() : 0;
    job.calibration.seqlen = m_seqlen->value();
    job.calibration.trainWindows = m_trainWindows->value();
    job.calibration.valWindows = m_valWindows->value();
    job.evalMaxWindows = m_evalWindows->value();
    job.evalFiles.clear();
    for (const QString& f : filesOf(m_eval))
        job.evalFiles.emplace_back(f.toStdString());
    m_tasks->applyTo(job);
}

void DataPage::setModelParameters(qint64 parameters) {
    m_tasks->setModelParameters(parameters);
}

void DataPage::setTokenizerFile(const QString& tokenizerModel) {
    m_tasks->setTokenizer(nullptr);
    m_tokenizer.reset();
    m_counts.clear();
    if (!tokenizerModel.isEmpty()) {
        try {
            m_tokenizer = Tokenizer::load(tokenizerModel.toStdString());
        } catch (const std::exception&) {
            m_tokenizer.reset();
        }
    }
    m_tasks->setTokenizer(m_tokenizer.get());
    updatePreview();
}

QString DataPage::previewText() const {
    return m_preview->text();
}

void DataPage::updatePreview() {
    m_tokens = 0;
    if (m_selfGenerated->isChecked()) {
        m_preview->setText(
            tr("The model will write %1 documents before the run.").arg(formatCount(m_generated->value())));
        return;
    }
    const QStringList files = filesOf(m_calib);
    if (files.isEmpty()) {
        m_preview->setText(tr("Add calibration text, or let the model write its own."));
        return;
    }
    if (!m_tokenizer) {
        m_preview->setText(tr("Open a model to count the tokens."));
        return;
    }
    qint64 documents = 0;
    try {
        for (const QString& f : files) {
            auto it = m_counts.find(f);
            if (it == m_counts.end()) { // counted once per file and tokenizer
                QPair<qint64, qint64> c{0, 0};
                for (const auto& ids : tokenizeDocuments(*m_tokenizer, readTextDocuments(f.toStdString()))) {
                    c.second += static_cast<qint64>(ids.size());
                    ++c.first;
                }
                it = m_counts.insert(f, c);
            }
            documents += it->first;
            m_tokens += it->second;
        }
    } catch (const std::exception& e) {
        m_preview->setText(QString::fromUtf8(e.what()));
        return;
    }
    const qint64 need =
        static_cast<qint64>(m_seqlen->value()) * (m_trainWindows->value() + m_valWindows->value());
    m_preview->setText(tr("%1 documents, %2 tokens; %3 windows of %4 tokens need about %5: %6")
                           .arg(formatCount(documents), formatCount(m_tokens))
                           .arg(formatCount(m_trainWindows->value() + m_valWindows->value()))
                           .arg(m_seqlen->value())
                           .arg(formatCount(need))
                           .arg(m_tokens >= need
                                    ? tr("enough")
                                    : tr("too short: add text, or ask for fewer or shorter windows")));
}

} // namespace qat
