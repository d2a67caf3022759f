// SPDX-License-Identifier: GPL-3.0-or-later
#include "ModelPage.h"

#include "Application.h"
#include "Format.h"
#include "ModelFactsView.h"
#include "ParameterChart.h"
#include "RecentModels.h"
#include "RunEstimate.h"
#include "TensorTableModel.h"

#include <QComboBox>
#include <QDir>
#include <QEvent>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPalette>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QStackedWidget>
#include <QTableView>
#include <QVBoxLayout>

#include <exception>
#include <filesystem>

namespace qat {

namespace {

enum ContentPage { EmptyPage, SummaryPage };

/// A local path as core takes it (the file system's 8-bit encoding).
std::filesystem::path toFsPath(const QString& path) {
    return std::filesystem::path(QFile::encodeName(path).toStdString());
}

/// Shows the wait cursor while alive.
class WaitCursor {
public:
    WaitCursor() { QGuiApplication::setOverrideCursor(Qt::WaitCursor); }
    ~WaitCursor() { QGuiApplication::restoreOverrideCursor(); }
    WaitCursor(const WaitCursor&) = delete;
    WaitCursor& operator=(const WaitCursor&) = delete;
};

} // namespace

ModelPage::ModelPage(QWidget* parent) : QWidget(parent) {
    m_folderLabel = new QLabel(this);
    m_folderCombo = new QComboBox(this);
    m_folderCombo->setObjectName(QStringLiteral("folderCombo"));
    m_folderCombo->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_folderCombo->setMinimumContentsLength(30);
    m_folderLabel->setBuddy(m_folderCombo);
    m_browseButton = new QPushButton(this);
    m_browseButton->setObjectName(QStringLiteral("browseButton"));

    m_errorLabel = new QLabel(this);
    m_errorLabel->setObjectName(QStringLiteral("errorLabel"));
    m_errorLabel->setTextFormat(Qt::PlainText);
    m_errorLabel->setWordWrap(true);
    m_errorLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_errorLabel->setStyleSheet(
        QStringLiteral("QLabel#errorLabel { background: #fdecea; color: #7f1d1d; border: 1px solid #f1aeb5;"
                       " border-radius: 4px; padding: 8px; }"));
    m_errorLabel->hide();

    m_emptyState = new QLabel(this);
    m_emptyState->setObjectName(QStringLiteral("emptyState"));
    m_emptyState->setAlignment(Qt::AlignCenter);
    m_emptyState->setWordWrap(true);
    QPalette emptyPalette = m_emptyState->palette();
    emptyPalette.setColor(QPalette::WindowText, emptyPalette.color(QPalette::PlaceholderText));
    m_emptyState->setPalette(emptyPalette);
    // The bundled demo, where it is installed: the first start from the menu offers it.
    m_demoButton = new QPushButton(this);
    m_demoButton->setObjectName(QStringLiteral("demoButton"));
    m_demoButton->setIcon(actionIcon(QStringLiteral("start")));
    m_demoButton->setHidden(dataPath(QStringLiteral("demo/stories260K")).isEmpty());

    m_facts = new ModelFactsView(this);
    m_facts->setObjectName(QStringLiteral("modelFacts"));

    m_estimateBox = new QGroupBox(this);
    m_estimateBox->setObjectName(QStringLiteral("estimateBox"));
    m_estimateMemoryName = new QLabel(m_estimateBox);
    m_estimateMemory = new QLabel(m_estimateBox);
    m_estimateMemory->setObjectName(QStringLiteral("estimateMemoryValue"));
    m_estimateDiskName = new QLabel(m_estimateBox);
    m_estimateDisk = new QLabel(m_estimateBox);
    m_estimateDisk->setObjectName(QStringLiteral("estimateDiskValue"));
    m_estimateBasis = new QLabel(m_estimateBox);
    m_estimateBasis->setObjectName(QStringLiteral("estimateBasisLabel"));
    m_estimateBasis->setWordWrap(true);
    m_estimateBasis->setEnabled(false);
    {
        auto* form = new QFormLayout(m_estimateBox);
        form->addRow(m_estimateMemoryName, m_estimateMemory);
        form->addRow(m_estimateDiskName, m_estimateDisk);
        form->addRow(m_estimateBasis);
    }

    m_chartBox = new QGroupBox(this);
    m_chart = new ParameterChart(m_chartBox);
    m_chart->setObjectName(QStringLiteral("parameterChart"));
    auto* chartLayout = new QVBoxLayout(m_chartBox);
    chartLayout->addWidget(m_chart);

    m_tensorBox = new QGroupBox(this);
    m_tensorFilter = new QLineEdit(m_tensorBox);
    m_tensorFilter->setObjectName(QStringLiteral("tensorFilter"));
    m_tensorFilter->setClearButtonEnabled(true);
    m_tensorModel = new TensorTableModel(this);
    m_tensorProxy = new QSortFilterProxyModel(this);
    m_tensorProxy->setSourceModel(m_tensorModel);
    m_tensorProxy->setSortRole(TensorTableModel::kSortRole);
    m_tensorProxy->setFilterKeyColumn(TensorTableModel::NameColumn);
    m_tensorProxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_tensorTable = new QTableView(m_tensorBox);
    m_tensorTable->setObjectName(QStringLiteral("tensorTable"));
    m_tensorTable->setModel(m_tensorProxy);
    m_tensorTable->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_tensorTable->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_tensorTable->setAlternatingRowColors(true);
    m_tensorTable->setWordWrap(false);
    m_tensorTable->verticalHeader()->hide();
    m_tensorTable->verticalHeader()->setDefaultSectionSize(m_tensorTable->fontMetrics().height() + 6);
    QHeaderView* header = m_tensorTable->horizontalHeader();
    header->setSectionResizeMode(QHeaderView::ResizeToContents);
    header->setSectionResizeMode(TensorTableModel::NameColumn, QHeaderView::Stretch);
    m_tensorTable->setSortingEnabled(true);
    header->setSortIndicator(-1, Qt::AscendingOrder); // model order until a header is clicked
    auto* tensorLayout = new QVBoxLayout(m_tensorBox);
    tensorLayout->addWidget(m_tensorFilter);
    tensorLayout->addWidget(m_tensorTable);

    auto* topSplitter = new QSplitter(Qt::Horizontal);
    auto* factsColumn = new QWidget;
    auto* factsLayout = new QVBoxLayout(factsColumn);
    factsLayout->setContentsMargins(0, 0, 0, 0);
    factsLayout->addWidget(m_facts, 1);
    factsLayout->addWidget(m_estimateBox);
    topSplitter->addWidget(factsColumn);
    topSplitter->addWidget(m_tensorBox);
    topSplitter->setStretchFactor(0, 0);
    topSplitter->setStretchFactor(1, 1);
    topSplitter->setChildrenCollapsible(false);
    auto* splitter = new QSplitter(Qt::Vertical);
    splitter->addWidget(topSplitter);
    splitter->addWidget(m_chartBox);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    splitter->setChildrenCollapsible(false);

    auto* emptyPage = new QWidget;
    auto* emptyLayout = new QVBoxLayout(emptyPage);
    emptyLayout->addStretch();
    emptyLayout->addWidget(m_emptyState);
    emptyLayout->addWidget(m_demoButton, 0, Qt::AlignHCenter);
    emptyLayout->addStretch();
    m_content = new QStackedWidget(this);
    m_content->insertWidget(EmptyPage, emptyPage);
    m_content->insertWidget(SummaryPage, splitter);

    auto* chooser = new QHBoxLayout;
    chooser->addWidget(m_folderLabel);
    chooser->addWidget(m_folderCombo, 1);
    chooser->addWidget(m_browseButton);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(chooser);
    layout->addWidget(m_errorLabel);
    layout->addWidget(m_content, 1);

    connect(m_browseButton, &QPushButton::clicked, this, &ModelPage::browse);
    connect(m_demoButton, &QPushButton::clicked, this, &ModelPage::demoRequested);
    connect(m_folderCombo, &QComboBox::activated, this, [this](int index) {
        const QString folder = m_folderCombo->itemData(index).toString();
        if (!folder.isEmpty()) openFolder(folder);
    });
    connect(m_tensorFilter, &QLineEdit::textChanged, m_tensorProxy,
            &QSortFilterProxyModel::setFilterFixedString);

    reloadRecentModels();
    retranslateUi();
}

ModelPage::~ModelPage() = default;

bool ModelPage::openFolder(const QString& folder) {
    const QString path = folder.isEmpty() ? QString() : QDir::cleanPath(QFileInfo(folder).absoluteFilePath());
    ModelSummary summary;
    Status status;
    {
        WaitCursor wait;
        try {
            status = inspectModel(toFsPath(path), summary);
        } catch (const std::exception& e) { // the API returns a Status; this is a safety net
            status = Status::error(ErrorKind::Failure, e.what());
        } catch (...) {
            status = Status::error(ErrorKind::Failure, "unknown error");
        }
    }
    if (!status.ok()) {
        showError(path, fromUtf8(status.message));
        return false;
    }
    showSummary(path, std::move(summary));
    return true;
}

QString ModelPage::errorText() const {
    return m_errorLabel->isHidden() ? QString() : m_errorLabel->text();
}

void ModelPage::browse() {
    QString start = m_folder;
    if (start.isEmpty()) {
        const QStringList recent = recentModels();
        start = recent.isEmpty() ? QDir::homePath() : QFileInfo(recent.first()).absolutePath();
    }
    const QString folder = QFileDialog::getExistingDirectory(this, tr("Choose a Model Folder"), start);
    if (!folder.isEmpty()) openFolder(folder);
}

void ModelPage::changeEvent(QEvent* event) {
    if (event->type() == QEvent::LanguageChange) retranslateUi();
    QWidget::changeEvent(event);
}

void ModelPage::retranslateUi() {
    m_folderLabel->setText(tr("Model &folder:"));
    m_folderCombo->setPlaceholderText(tr("Choose a model folder"));
    m_folderCombo->setToolTip(tr("Recently opened model folders"));
    m_browseButton->setText(tr("&Browse…"));
    m_browseButton->setToolTip(tr("Choose a folder holding config.json and the safetensors weights"));
    m_emptyState->setText(tr("No model is open.\n\nChoose a Hugging Face model folder (config.json, "
                             "*.safetensors, tokenizer.model) with Browse…, pick a recent one, "
                             "or drop a folder onto this window."));
    m_demoButton->setText(tr("Open the &Demo"));
    m_demoButton->setToolTip(tr("Open the bundled stories260K model with its calibration and evaluation "
                                "text and the EfficientQAT W2 g64 demo preset: then Start runs it"));
    m_chartBox->setTitle(tr("Parameters per block"));
    m_tensorBox->setTitle(tr("Tensors"));
    m_tensorFilter->setPlaceholderText(tr("Filter by name"));
    m_tensorModel->retranslate();
    m_estimateBox->setTitle(tr("Run estimate"));
    m_estimateMemoryName->setText(tr("Memory:"));
    m_estimateDiskName->setText(tr("Disk:"));
    m_estimateBox->setToolTip(
        tr("At the peak: the model in its compute type plus Block-AP's activation caches and one "
           "block's training state, or E2E-QP's activations and logits; for LR-QAT, Φ0, the adapters "
           "and step sizes with their optimizer state, and the activations and logits. Disk: the run "
           "folder (block checkpoints, quantized state, E2E-QP's or LR-QAT's checkpoint). Within tens "
           "of percent."));
    updateErrorLabel();
    updateEstimate();
}

void ModelPage::setEstimateJob(const QuantizeJob& job) {
    m_estimateJob = job;
    updateEstimate();
}

void ModelPage::updateEstimate() {
    if (!m_summary) {
        m_estimateMemory->clear();
        m_estimateDisk->clear();
        m_estimateBasis->clear();
        return;
    }
    const RunEstimate e = estimateRun(*m_summary, m_estimateJob);
    const QLocale locale;
    m_estimateMemory->setText(locale.formattedDataSize(static_cast<qint64>(e.peakMemoryBytes)));
    m_estimateDisk->setText(e.cacheDiskBytes > 0
                                ? tr("%1, and %2 of activation caches while Block-AP runs")
                                      .arg(locale.formattedDataSize(static_cast<qint64>(e.diskBytes)),
                                           locale.formattedDataSize(static_cast<qint64>(e.cacheDiskBytes)))
                                : locale.formattedDataSize(static_cast<qint64>(e.diskBytes)));
    const QuantizeJob& j = m_estimateJob;
    m_estimateBasis->setText(
        j.method == Method::RoundToNearest
            ? tr("For round-to-nearest W%1 g%2 (the Recipe page's).").arg(j.spec.bits).arg(j.spec.groupSize)
            : tr("For %1 W%2 g%3 on %4 windows of %5 tokens, batch %6 (the Recipe and Data pages').")
                  .arg(QString::fromLatin1(methodName(j.method)))
                  .arg(j.spec.bits)
                  .arg(j.spec.groupSize)
                  .arg(formatCount(j.calibration.trainWindows + j.calibration.valWindows))
                  .arg(j.calibration.seqlen)
                  .arg(j.method == Method::LrQat  ? j.lrQat.batchSize
                       : j.method == Method::Gptq ? j.gptq.batchSize
                                                  : j.blockAp.batchSize));
}

void ModelPage::reloadRecentModels() {
    m_folderCombo->clear();
    for (const QString& folder : recentModels()) {
        m_folderCombo->addItem(QDir::toNativeSeparators(folder), folder);
        m_folderCombo->setItemData(m_folderCombo->count() - 1, QDir::toNativeSeparators(folder),
                                   Qt::ToolTipRole);
    }
    m_folderCombo->setCurrentIndex(m_folder.isEmpty() ? -1 : m_folderCombo->findData(m_folder));
}

void ModelPage::showSummary(const QString& folder, ModelSummary summary) {
    m_folder = folder;
    m_errorFolder.clear();
    m_errorMessage.clear();
    updateErrorLabel();

    m_facts->setSummary(summary);
    m_chart->setSummary(summary);
    m_tensorFilter->clear();
    m_tensorModel->setTensors(summary.tensors);
    m_tensorTable->horizontalHeader()->setSortIndicator(-1, Qt::AscendingOrder);
    m_tensorTable->scrollToTop();
    m_summary = std::move(summary);
    m_content->setCurrentIndex(SummaryPage);
    updateEstimate();

    rememberModel(folder);
    reloadRecentModels();
    Q_EMIT modelOpened(folder);
}

void ModelPage::showError(const QString& folder, const QString& message) {
    m_folder.clear();
    m_summary.reset();
    m_facts->clear();
    m_chart->clear();
    m_tensorModel->clear();
    m_content->setCurrentIndex(EmptyPage);
    updateEstimate();
    reloadRecentModels();

    m_errorFolder = folder;
    m_errorMessage = message;
    updateErrorLabel();
    Q_EMIT modelFailed(folder, message);
}

void ModelPage::updateErrorLabel() {
    if (m_errorMessage.isEmpty()) {
        m_errorLabel->clear();
        m_errorLabel->hide();
        return;
    }
    m_errorLabel->setText(tr("Could not open the model folder %1:\n%2")
                              .arg(QDir::toNativeSeparators(m_errorFolder), m_errorMessage));
    m_errorLabel->show();
}

} // namespace qat
