// SPDX-License-Identifier: GPL-3.0-or-later
#include "ExportDialog.h"

#include "qat/Export.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QEvent>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QThread>
#include <QVBoxLayout>

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
    m_formatLabel->setBuddy(m_format);
    m_dtypeLabel = new QLabel(this);
    m_dtype = new QComboBox(this);
    m_dtype->setObjectName(QStringLiteral("dtypeCombo"));
    for (const char* d : {"float16", "bfloat16", "float32"}) m_dtype->addItem(QString::fromLatin1(d), QString::fromLatin1(d));
    m_dtypeLabel->setBuddy(m_dtype);
    m_destinationLabel = new QLabel(this);
    m_destination = new QLineEdit(QDir(runFolder).filePath(QStringLiteral("model")), this);
    m_destination->setObjectName(QStringLiteral("destinationEdit"));
    m_destinationLabel->setBuddy(m_destination);
    m_browse = new QPushButton(this);
    m_overwrite = new QCheckBox(this);
    m_overwrite->setObjectName(QStringLiteral("overwriteCheck"));
    m_export = new QPushButton(this);
    m_export->setObjectName(QStringLiteral("exportButton"));
    m_export->setDefault(true);
    m_close = new QPushButton(this);
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
    form->addRow(m_destinationLabel, destRow);
    form->addRow(QString(), m_overwrite);
    auto* buttons = new QHBoxLayout;
    buttons->addStretch(1);
    buttons->addWidget(m_export);
    buttons->addWidget(m_close);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_runLabel);
    layout->addLayout(form);
    layout->addWidget(m_report, 1);
    layout->addLayout(buttons);
    resize(640, 420);

    connect(m_browse, &QPushButton::clicked, this, &ExportDialog::browse);
    connect(m_export, &QPushButton::clicked, this, &ExportDialog::startExport);
    connect(m_close, &QPushButton::clicked, this, &ExportDialog::reject);
    setTabOrder(m_format, m_dtype);
    setTabOrder(m_dtype, m_destination);
    setTabOrder(m_destination, m_browse);
    setTabOrder(m_browse, m_overwrite);
    setTabOrder(m_overwrite, m_export);
    setTabOrder(m_export, m_close);
    retranslateUi();
}

ExportDialog::~ExportDialog() {
    if (m_thread) {
        m_thread->wait();  // the export cannot be interrupted; it writes to a temporary folder
        delete m_thread;
    }
}

QString ExportDialog::destination() const { return m_destination->text(); }
void ExportDialog::setDestination(const QString& folder) { m_destination->setText(folder); }
void ExportDialog::setFormatIndex(int index) { m_format->setCurrentIndex(index); }
void ExportDialog::setOverwrite(bool overwrite) { m_overwrite->setChecked(overwrite); }
QString ExportDialog::reportText() const { return m_report->toPlainText(); }

void ExportDialog::browse() {
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Export into folder"), m_run);
    if (!dir.isEmpty()) m_destination->setText(QDir(dir).filePath(QStringLiteral("model")));
}

void ExportDialog::startExport() {
    if (m_thread) return;
    ExportOptions options;
    parseExportFormat(m_format->currentData().toString().toStdString(), options.format);
    options.dtype = m_dtype->currentData().toString().toStdString();
    options.out = m_destination->text().toStdString();
    options.overwrite = m_overwrite->isChecked();
    const std::string run = m_run.toStdString();
    m_export->setEnabled(false);
    m_report->setPlainText(tr("Exporting…"));
    // The report is composed on the worker and handed back as text.
    m_thread = QThread::create([this, run, options] {
        ExportReport report;
        const Status st = exportRun(run, options, report);
        QString text;
        if (!st.ok()) {
            text = QString::fromStdString(st.message);
        } else {
            QStringList lines;
            lines << tr("Exported to %1").arg(QDir::toNativeSeparators(QString::fromStdString(report.folder.string())));
            if (report.format == ExportFormat::Gptq) {
                lines << tr("Packed layers: %1 of %2").arg(report.packedLayers()).arg(report.layers.size());
                std::map<std::string, QStringList> byReason;
                for (const auto& l : report.layers)
                    if (!l.packed) byReason[l.reason] << QString::fromStdString(l.name);
                for (const auto& [reason, names] : byReason)
                    lines << tr("Kept as %1 weights (%2 layers): %3")
                                 .arg(QString::fromStdString(options.dtype))
                                 .arg(names.size())
                                 .arg(QString::fromStdString(reason))
                          << QStringLiteral("  ") + names.join(QStringLiteral(", "));
            }
            lines << tr("Stored bits per decoder-linear weight: %1").arg(report.bitsPerWeight(), 0, 'f', 3);
            for (const auto& f : report.files)
                lines << QStringLiteral("  %1  %2").arg(QString::fromStdString(f.name),
                                                        QLocale().formattedDataSize(static_cast<qint64>(f.bytes)));
            lines << tr("Total: %1").arg(QLocale().formattedDataSize(static_cast<qint64>(report.totalBytes)));
            text = lines.join(QLatin1Char('\n'));
        }
        const bool ok = st.ok();
        QMetaObject::invokeMethod(this, [this, ok, text] { onFinished(ok, text); }, Qt::QueuedConnection);
    });
    m_thread->setObjectName(QStringLiteral("qat-export"));
    m_thread->start();
}

void ExportDialog::onFinished(bool ok, const QString& text) {
    if (m_thread) {
        m_thread->wait();
        delete m_thread;
        m_thread = nullptr;
    }
    m_report->setPlainText(ok ? text : tr("Export failed: %1").arg(text));
    m_export->setEnabled(true);
    Q_EMIT exportFinished(ok, text);
}

void ExportDialog::reject() {
    if (m_thread) return;  // closing waits for the export to finish
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
    m_format->setToolTip(tr("GPTQ packs the integer weights (2-8 bits) with float16 scales; layers the layout "
                            "cannot hold are kept dequantized and listed in the config. Dequantized writes every "
                            "weight as a plain floating-point tensor."));
    m_dtypeLabel->setText(tr("&Data type:"));
    m_dtype->setToolTip(tr("The type of the embeddings, norms, head and dequantized weights"));
    m_destinationLabel->setText(tr("&Destination:"));
    m_destination->setToolTip(tr("The folder to create; it is written under a temporary name and renamed when complete"));
    m_browse->setText(tr("&Browse…"));
    m_overwrite->setText(tr("&Replace the folder if it exists"));
    m_export->setText(tr("&Export"));
    m_close->setText(tr("&Close"));
}

} // namespace qat
