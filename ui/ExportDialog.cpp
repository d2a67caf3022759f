// SPDX-License-Identifier: GPL-3.0-or-later
#include "ExportDialog.h"

#include "ExportWorker.h"
#include "JobRunner.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QVBoxLayout>

#include <algorithm>
#include <map>

namespace qat {

ExportDialog::ExportDialog(const QString& runFolder, QWidget* parent) : QDialog(parent), m_run(runFolder) {
    setObjectName(QStringLiteral("exportDialog"));
    m_runLabel = new QLabel(this);
    m_runLabel->setWordWrap(true);
    m_runLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_formatLabel = new QLabel(this);
    m_format = new QComboBox(this);
    m_format->setObjectName(QStringLiteral("formatCombo"));
    m_format->addItem(QString(), QStringLiteral("gptq"));
    m_format->addItem(QString(), QStringLiteral("fake"));
    m_format->addItem(QString(), QStringLiteral("gguf"));
    m_formatLabel->setBuddy(m_format);
    m_shownFormat = m_format->currentData().toString();
    m_dtypeLabel = new QLabel(this);
    m_dtype = new QComboBox(this);
    m_dtype->setObjectName(QStringLiteral("dtypeCombo"));
    for (const char* d : {"float16", "bfloat16", "float32"})
        m_dtype->addItem(QString::fromLatin1(d), QString::fromLatin1(d));
    m_dtypeLabel->setBuddy(m_dtype);
    m_ggufTypeLabel = new QLabel(this);
    m_ggufType = new QComboBox(this);
    m_ggufType->setObjectName(QStringLiteral("ggufTypeCombo"));
    for (const std::string& t : ggufLinearTypeChoices())
        m_ggufType->addItem(QString(), QString::fromStdString(t));
    m_ggufTypeLabel->setBuddy(m_ggufType);
    m_ggufEmbeddingsLabel = new QLabel(this);
    m_ggufEmbeddings = new QComboBox(this);
    m_ggufEmbeddings->setObjectName(QStringLiteral("ggufEmbeddingsCombo"));
    for (const std::string& t : ggufEmbeddingTypeChoices())
        m_ggufEmbeddings->addItem(QString::fromStdString(t).toUpper(), QString::fromStdString(t));
    m_ggufEmbeddingsLabel->setBuddy(m_ggufEmbeddings);
    m_ggufCheck = new QCheckBox(this);
    m_ggufCheck->setObjectName(QStringLiteral("ggufCheckBox"));
    m_ggufCheck->setChecked(true);
    m_destinationLabel = new QLabel(this);
    m_destination = new QLineEdit(defaultDestination(m_shownFormat), this);
    m_destination->setObjectName(QStringLiteral("destinationEdit"));
    m_destinationLabel->setBuddy(m_destination);
    m_browse = new QPushButton(this);
    m_overwrite = new QCheckBox(this);
    m_overwrite->setObjectName(QStringLiteral("overwriteCheck"));
    m_export = new QPushButton(this);
    m_export->setObjectName(QStringLiteral("exportButton"));
    m_export->setDefault(true);
    m_cancel = new QPushButton(this);
    m_cancel->setObjectName(QStringLiteral("cancelButton"));
    m_close = new QPushButton(this);
    m_progress = new QProgressBar(this);
    m_progress->setObjectName(QStringLiteral("exportProgress"));
    m_progress->setRange(0, 1);
    m_progress->setValue(0);
    m_progress->setTextVisible(true);
    m_report = new QPlainTextEdit(this);
    m_report->setObjectName(QStringLiteral("reportText"));
    m_report->setReadOnly(true);
    m_report->setMinimumHeight(160);

    auto* destRow = new QHBoxLayout;
    destRow->addWidget(m_destination, 1);
    destRow->addWidget(m_browse);
    auto* form = new QFormLayout;
    form->addRow(m_formatLabel, m_format);
    form->addRow(m_dtypeLabel, m_dtype);
    form->addRow(m_ggufTypeLabel, m_ggufType);
    form->addRow(m_ggufEmbeddingsLabel, m_ggufEmbeddings);
    form->addRow(QString(), m_ggufCheck);
    form->addRow(m_destinationLabel, destRow);
    form->addRow(QString(), m_overwrite);
    auto* buttons = new QHBoxLayout;
    buttons->addStretch(1);
    buttons->addWidget(m_export);
    buttons->addWidget(m_cancel);
    buttons->addWidget(m_close);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_runLabel);
    layout->addLayout(form);
    layout->addWidget(m_progress);
    layout->addWidget(m_report, 1);
    layout->addLayout(buttons);
    resize(640, 420);

    connect(m_browse, &QPushButton::clicked, this, &ExportDialog::browse);
    connect(m_format, &QComboBox::currentIndexChanged, this, &ExportDialog::onFormatChanged);
    m_runner = new JobRunner(QStringLiteral("qat-export"), this);
    connect(m_runner, &JobRunner::progress, this, &ExportDialog::onProgress);
    connect(m_runner, &JobRunner::finished, this, &ExportDialog::onFinished);
    connect(m_export, &QPushButton::clicked, this, &ExportDialog::startExport);
    connect(m_cancel, &QPushButton::clicked, this, &ExportDialog::cancelExport);
    connect(m_close, &QPushButton::clicked, this, &ExportDialog::reject);
    setTabOrder(m_format, m_dtype);
    setTabOrder(m_dtype, m_ggufType);
    setTabOrder(m_ggufType, m_ggufEmbeddings);
    setTabOrder(m_ggufEmbeddings, m_ggufCheck);
    setTabOrder(m_ggufCheck, m_destination);
    setTabOrder(m_destination, m_browse);
    setTabOrder(m_browse, m_overwrite);
    setTabOrder(m_overwrite, m_export);
    setTabOrder(m_export, m_cancel);
    setTabOrder(m_cancel, m_close);
    retranslateUi();
    onFormatChanged();
    updateButtons();
}

// The runner (a child) cancels an export in progress and waits for it; its temporary folder is removed.
ExportDialog::~ExportDialog() = default;

QString ExportDialog::destination() const {
    return m_destination->text();
}
void ExportDialog::setDestination(const QString& folder) {
    m_destination->setText(folder);
}
void ExportDialog::setFormatIndex(int index) {
    m_format->setCurrentIndex(index);
}
void ExportDialog::setOverwrite(bool overwrite) {
    m_overwrite->setChecked(overwrite);
}
QString ExportDialog::reportText() const {
    return m_report->toPlainText();
}
bool ExportDialog::isExporting() const {
    return m_runner->isRunning();
}

QString ExportDialog::defaultDestination(const QString& format) const {
    return QDir(m_run).filePath(format == QLatin1String("gguf") ? QStringLiteral("model.gguf")
                                                                : QStringLiteral("model"));
}

// The rows of the chosen format; the destination follows the format while it is the default.
void ExportDialog::onFormatChanged() {
    const QString format = m_format->currentData().toString();
    const bool gguf = format == QLatin1String("gguf");
    for (QWidget* w : {static_cast<QWidget*>(m_ggufTypeLabel), static_cast<QWidget*>(m_ggufType),
                       static_cast<QWidget*>(m_ggufEmbeddingsLabel), static_cast<QWidget*>(m_ggufEmbeddings),
                       static_cast<QWidget*>(m_ggufCheck)})
        w->setVisible(gguf);
    m_dtypeLabel->setVisible(!gguf);
    m_dtype->setVisible(!gguf);
    if (m_destination->text() == defaultDestination(m_shownFormat))
        m_destination->setText(defaultDestination(format));
    m_shownFormat = format;
}

void ExportDialog::browse() {
    if (m_format->currentData().toString() == QLatin1String("gguf")) {
        const QString file = QFileDialog::getSaveFileName(this, tr("Export to file"), m_destination->text(),
                                                          tr("GGUF model (*.gguf)"));
        if (!file.isEmpty()) m_destination->setText(file);
        return;
    }
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Export into folder"), m_run);
    if (!dir.isEmpty()) m_destination->setText(QDir(dir).filePath(QStringLiteral("model")));
}

void ExportDialog::startExport() {
    if (m_runner->isRunning()) return;
    ExportOptions options;
    parseExportFormat(m_format->currentData().toString().toStdString(), options.format);
    options.dtype = m_dtype->currentData().toString().toStdString();
    options.out = m_destination->text().toStdString();
    options.overwrite = m_overwrite->isChecked();
    options.ggufType = m_ggufType->currentData().toString().toStdString();
    options.ggufEmbeddings = m_ggufEmbeddings->currentData().toString().toStdString();
    options.skipEval = !m_ggufCheck->isChecked();
    m_exportDtype = QString::fromStdString(options.dtype);
    m_progress->setRange(0, 0); // busy until the first layer is converted (the model loads first)
    m_progress->resetFormat();
    m_report->setPlainText(tr("Exporting…"));
    m_runner->start(std::make_unique<ExportWorker>(m_run.toStdString(), options));
    updateButtons();
}

void ExportDialog::cancelExport() {
    if (!m_runner->isRunning()) return;
    m_runner->cancel();
    m_report->setPlainText(tr("Cancelling…"));
    updateButtons();
}

void ExportDialog::onProgress(qint64 done, qint64 total, const QString& what) {
    m_progress->setRange(0, static_cast<int>(std::max<qint64>(total, 1)));
    m_progress->setValue(static_cast<int>(done));
    m_progress->setFormat(tr("%1: %2 of %3").arg(what).arg(done).arg(total));
}

// The report is composed here, on the GUI thread, from the worker's ExportReport.
QString ExportDialog::reportFor(const ExportReport& report) const {
    QStringList lines;
    lines
        << tr("Exported to %1").arg(QDir::toNativeSeparators(QString::fromStdString(report.folder.string())));
    if (report.format == ExportFormat::Gptq) {
        lines << tr("Packed layers: %1 of %2").arg(report.packedLayers()).arg(report.layers.size());
        std::map<std::string, QStringList> byReason;
        for (const auto& l : report.layers)
            if (!l.packed) byReason[l.reason] << QString::fromStdString(l.name);
        for (const auto& [reason, names] : byReason)
            lines << tr("Kept as %1 weights (%2 layers): %3")
                         .arg(m_exportDtype)
                         .arg(names.size())
                         .arg(QString::fromStdString(reason))
                  << QStringLiteral("  ") + names.join(QStringLiteral(", "));
    }
    if (report.format == ExportFormat::Gguf) {
        for (const ExportTypeSummary& row : summarizeLayerTypes(report))
            lines << tr("%1: %2 layers, %3 exact; relative weight error mean %4, max %5")
                         .arg(QString::fromStdString(row.type).toUpper())
                         .arg(row.layers)
                         .arg(row.exact)
                         .arg(row.meanError, 0, 'e', 2)
                         .arg(row.maxError, 0, 'e', 2);
        std::map<std::string, QStringList> byReason;
        for (const auto& l : report.layers)
            if (!l.reason.empty()) byReason[l.reason] << QString::fromStdString(l.name);
        for (const auto& [reason, names] : byReason)
            lines << tr("%1 layers: %2").arg(names.size()).arg(QString::fromStdString(reason))
                  << QStringLiteral("  ") + names.join(QStringLiteral(", "));
        for (const auto& e : report.evals)
            lines << tr("Perplexity on %1 (%2 windows of %3): run %4, file read back %5 (%6%)")
                         .arg(QFileInfo(QString::fromStdString(e.file)).fileName())
                         .arg(e.windows)
                         .arg(e.seqlen)
                         .arg(e.runPerplexity, 0, 'f', 4)
                         .arg(e.filePerplexity, 0, 'f', 4)
                         .arg(100.0 * (e.filePerplexity / e.runPerplexity - 1.0), 0, 'f', 3);
        for (const auto& n : report.notes)
            lines << tr("Note: %1").arg(QString::fromStdString(n));
    }
    lines << tr("Stored bits per decoder-linear weight: %1").arg(report.bitsPerWeight(), 0, 'f', 3);
    for (const auto& f : report.files)
        lines << QStringLiteral("  %1  %2")
                     .arg(QString::fromStdString(f.name),
                          QLocale().formattedDataSize(static_cast<qint64>(f.bytes)));
    lines << tr("Total: %1").arg(QLocale().formattedDataSize(static_cast<qint64>(report.totalBytes)));
    return lines.join(QLatin1Char('\n'));
}

void ExportDialog::onFinished(const JobOutcome& outcome) {
    const bool ok = outcome.ok();
    QString text;
    if (ok) {
        text = reportFor(outcome.value.value<ExportReport>());
        m_report->setPlainText(text);
    } else if (outcome.cancelled()) {
        text = tr("Export cancelled: nothing was written to %1")
                   .arg(QDir::toNativeSeparators(m_destination->text()));
        m_report->setPlainText(text);
    } else {
        text = outcome.message;
        m_report->setPlainText(tr("Export failed: %1").arg(text));
    }
    m_progress->setRange(0, 1);
    m_progress->setValue(ok ? 1 : 0);
    if (!ok) m_progress->resetFormat();
    updateButtons();
    Q_EMIT exportFinished(ok, text);
}

void ExportDialog::updateButtons() {
    const bool running = m_runner->isRunning();
    m_export->setEnabled(!running);
    m_cancel->setEnabled(running && !m_runner->isCancelling());
    m_close->setEnabled(!running);
}

void ExportDialog::reject() {
    if (m_runner->isRunning()) return; // Cancel first; closing waits for the export to end
    QDialog::reject();
}

void ExportDialog::changeEvent(QEvent* event) {
    if (event->type() == QEvent::LanguageChange) retranslateUi();
    QDialog::changeEvent(event);
}

void ExportDialog::retranslateUi() {
    setWindowTitle(tr("Export Model"));
    m_runLabel->setText(tr("Run: %1").arg(QDir::toNativeSeparators(m_run)));
    m_formatLabel->setText(tr("&Format:"));
    m_format->setItemText(0, tr("GPTQ v2, packed (GPTQModel, vLLM, transformers)"));
    m_format->setItemText(1, tr("Dequantized weights (any Llama loader)"));
    m_format->setItemText(2, tr("GGUF file (llama.cpp, Ollama, LM Studio)"));
    m_format->setToolTip(
        tr("GPTQ packs the integer weights (2-8 bits) with float16 scales; layers the layout "
           "cannot hold are kept dequantized and listed in the config. Dequantized writes every "
           "weight as a plain floating-point tensor. GGUF writes one file with the tokenizer inside; "
           "4-bit runs with groups of 32, 64, 128 … are exact in it, other widths are fitted."));
    m_ggufTypeLabel->setText(tr("&Layer type:"));
    m_ggufType->setItemText(0, tr("Automatic (exact where a type holds the run)"));
    for (int i = 1; i < m_ggufType->count(); ++i)
        m_ggufType->setItemText(i, m_ggufType->itemData(i).toString().toUpper());
    m_ggufType->setToolTip(
        tr("The ggml type of the decoder linears. Q4_1 holds an asymmetric 4-bit run exactly, Q4_0 a "
           "symmetric one, Q8_0 an 8-bit one; Q2_K, Q3_K and Q4_K are fitted to the run's weights."));
    m_ggufEmbeddingsLabel->setText(tr("E&mbeddings:"));
    m_ggufEmbeddings->setToolTip(tr("The type of the token embedding (and of an untied output head)"));
    m_ggufCheck->setText(tr("Read the file back and compare its &perplexity with the run's"));
    m_ggufCheck->setToolTip(tr("On the run's evaluation text, its first windows; takes about as long "
                               "as two evaluations"));
    m_dtypeLabel->setText(tr("&Data type:"));
    m_dtype->setToolTip(tr("The type of the embeddings, norms, head and dequantized weights"));
    m_destinationLabel->setText(tr("&Destination:"));
    m_destination->setToolTip(
        tr("The folder to create; it is written under a temporary name and renamed when complete"));
    m_browse->setText(tr("&Browse…"));
    m_overwrite->setText(tr("&Replace the folder if it exists"));
    m_export->setText(tr("&Export"));
    m_cancel->setText(tr("Ca&ncel"));
    m_cancel->setToolTip(tr("Stop the export; nothing is left at the destination"));
    m_close->setText(tr("&Close"));
}

} // namespace qat
