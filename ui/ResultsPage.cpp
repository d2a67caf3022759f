// SPDX-License-Identifier: GPL-3.0-or-later
#include "ResultsPage.h"

#include "ExportDialog.h"

#include "AccuracyChart.h"
#include "Application.h"
#include "ResultsChart.h"
#include "ResultsModel.h"
#include "SettingsDialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QEvent>
#include <QFileDialog>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSaveFile>
#include <QSpinBox>
#include <QSplitter>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableView>
#include <QVBoxLayout>

namespace qat {

ResultsPage::ResultsPage(QWidget* parent) : QWidget(parent) {
    m_workspaceLabel = new QLabel(this);
    m_workspaceLabel->setObjectName(QStringLiteral("workspaceLabel"));
    m_workspaceLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_workspaceLabel->setWordWrap(true);
    m_refresh = new QPushButton(this);
    m_refresh->setObjectName(QStringLiteral("refreshButton"));
    m_refresh->setIcon(actionIcon(QStringLiteral("refresh")));
    m_resume = new QPushButton(this);
    m_resume->setObjectName(QStringLiteral("resumeButton"));
    m_resume->setIcon(actionIcon(QStringLiteral("resume")));
    m_export = new QPushButton(this);
    m_export->setObjectName(QStringLiteral("exportButton"));
    m_export->setIcon(actionIcon(QStringLiteral("save-chart")));
    m_saveChart = new QPushButton(this);
    m_saveChart->setObjectName(QStringLiteral("saveChartButton"));
    m_saveChart->setIcon(actionIcon(QStringLiteral("save-chart")));
    m_exportTable = new QPushButton(this);
    m_exportTable->setObjectName(QStringLiteral("exportTableButton"));
    m_exportTable->setIcon(actionIcon(QStringLiteral("save-chart")));
    m_relative = new QCheckBox(this);
    m_relative->setObjectName(QStringLiteral("relativeCheck"));

    m_model = new ResultsModel(this);
    m_table = new QTableView(this);
    m_table->setObjectName(QStringLiteral("resultsTable"));
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setAlternatingRowColors(true);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setWordWrap(false);
    m_emptyLabel = new QLabel(this);
    m_emptyLabel->setObjectName(QStringLiteral("emptyLabel"));
    m_emptyLabel->setWordWrap(true);
    m_emptyLabel->setAlignment(Qt::AlignCenter);
    m_chart = new ResultsChart(this);
    m_chart->setObjectName(QStringLiteral("resultsChart"));
    m_accuracyChart = new AccuracyChart(this);
    m_accuracyChart->setObjectName(QStringLiteral("accuracyChart"));
    m_chartTabs = new QTabWidget(this);
    m_chartTabs->setObjectName(QStringLiteral("chartTabs"));
    m_chartTabs->addTab(m_chart, QString());
    m_chartTabs->addTab(m_accuracyChart, QString());

    // Side-by-side generations.
    m_compareBox = new QGroupBox(this);
    m_left = new QComboBox(m_compareBox);
    m_left->setObjectName(QStringLiteral("leftModelCombo"));
    m_right = new QComboBox(m_compareBox);
    m_right->setObjectName(QStringLiteral("rightModelCombo"));
    for (QComboBox* c : {m_left, m_right})
        c->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_leftLabel = new QLabel(m_compareBox);
    m_leftLabel->setBuddy(m_left);
    m_rightLabel = new QLabel(m_compareBox);
    m_rightLabel->setBuddy(m_right);
    m_prompt = new QLineEdit(m_compareBox);
    m_prompt->setObjectName(QStringLiteral("promptEdit"));
    m_prompt->setText(QStringLiteral("Once upon a time"));
    m_promptLabel = new QLabel(m_compareBox);
    m_promptLabel->setBuddy(m_prompt);
    m_tokens = new QSpinBox(m_compareBox);
    m_tokens->setObjectName(QStringLiteral("tokensSpin"));
    m_tokens->setRange(1, 2048);
    m_tokens->setValue(48);
    m_tokensLabel = new QLabel(m_compareBox);
    m_tokensLabel->setBuddy(m_tokens);
    m_generate = new QPushButton(m_compareBox);
    m_generate->setObjectName(QStringLiteral("generateButton"));
    m_generate->setIcon(actionIcon(QStringLiteral("generate")));
    m_generate->setDefault(false);
    for (int side = 0; side < 2; ++side) {
        m_outputs[side] = new QPlainTextEdit(m_compareBox);
        m_outputs[side]->setObjectName(side == 0 ? QStringLiteral("leftOutput")
                                                 : QStringLiteral("rightOutput"));
        m_outputs[side]->setReadOnly(true);
        m_outputs[side]->setMinimumHeight(70);
    }
    auto* compare = new QGridLayout(m_compareBox);
    compare->addWidget(m_leftLabel, 0, 0);
    compare->addWidget(m_left, 0, 1);
    compare->addWidget(m_rightLabel, 0, 2);
    compare->addWidget(m_right, 0, 3);
    auto* promptRow = new QHBoxLayout;
    promptRow->addWidget(m_promptLabel);
    promptRow->addWidget(m_prompt, 1);
    promptRow->addWidget(m_tokensLabel);
    promptRow->addWidget(m_tokens);
    promptRow->addWidget(m_generate);
    compare->addLayout(promptRow, 1, 0, 1, 4);
    compare->addWidget(m_outputs[0], 2, 0, 1, 2);
    compare->addWidget(m_outputs[1], 2, 2, 1, 2);
    compare->setColumnStretch(1, 1);
    compare->setColumnStretch(3, 1);

    m_runActions = new QHBoxLayout;
    m_runActions->setObjectName(QStringLiteral("runActions"));
    m_runActions->addWidget(m_resume);
    m_runActions->addWidget(m_export);
    auto* top = new QHBoxLayout;
    top->addWidget(m_workspaceLabel, 1);
    top->addLayout(m_runActions);
    top->addWidget(m_relative);
    top->addWidget(m_exportTable);
    top->addWidget(m_saveChart);
    top->addWidget(m_refresh);

    auto* tableAndEmpty = new QWidget(this);
    auto* tableLayout = new QVBoxLayout(tableAndEmpty);
    tableLayout->setContentsMargins(0, 0, 0, 0);
    tableLayout->addWidget(m_emptyLabel);
    tableLayout->addWidget(m_table, 1);
    auto* splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(tableAndEmpty);
    splitter->addWidget(m_chartTabs);
    splitter->addWidget(m_compareBox);
    splitter->setStretchFactor(0, 2);
    splitter->setStretchFactor(1, 3);
    splitter->setStretchFactor(2, 2);
    splitter->setChildrenCollapsible(false);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(splitter, 1);

    setTabOrder(m_table, m_resume);
    setTabOrder(m_resume, m_relative);
    setTabOrder(m_relative, m_exportTable);
    setTabOrder(m_exportTable, m_saveChart);
    setTabOrder(m_saveChart, m_refresh);
    setTabOrder(m_refresh, m_left);
    setTabOrder(m_left, m_right);
    setTabOrder(m_right, m_prompt);
    setTabOrder(m_prompt, m_tokens);
    setTabOrder(m_tokens, m_generate);

    m_generator = new GenerationController(this);
    connect(m_generator, &GenerationController::finished, this, &ResultsPage::onGenerated);
    connect(m_refresh, &QPushButton::clicked, this, &ResultsPage::refresh);
    connect(m_saveChart, &QPushButton::clicked, this, &ResultsPage::saveChartAs);
    connect(m_exportTable, &QPushButton::clicked, this, &ResultsPage::exportTableAs);
    connect(m_relative, &QCheckBox::toggled, this, [this](bool on) {
        m_model->setRelativeToFullPrecision(on);
        m_table->resizeColumnsToContents();
    });
    connect(m_generate, &QPushButton::clicked, this, &ResultsPage::generate);
    connect(m_prompt, &QLineEdit::returnPressed, this, &ResultsPage::generate);
    connect(m_export, &QPushButton::clicked, this, &ResultsPage::exportSelected);
    connect(m_resume, &QPushButton::clicked, this, [this] {
        if (const RunRecord* run = selectedRun(); run && run->resumable())
            Q_EMIT resumeRequested(run->folder);
    });
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &ResultsPage::updateActions);
    connect(m_model, &QAbstractItemModel::modelReset, this, &ResultsPage::updateActions);
    retranslateUi();
    updateActions();
}

ResultsPage::~ResultsPage() = default;

void ResultsPage::setWorkspace(const QString& folder) {
    m_workspace = folder;
    refresh();
}

void ResultsPage::refresh() {
    m_model->setRuns(scanWorkspace(m_workspace));
    m_table->resizeColumnsToContents();
    m_chart->setResults(*m_model);
    m_accuracyChart->setResults(*m_model);
    // The accuracy chart first when accuracy is all there is.
    if (m_model->evalSets().isEmpty() && !m_model->taskSets().isEmpty()) showChart(1);
    fillGenerationChoices();
    retranslateUi();
}

void ResultsPage::showChart(int which) {
    m_chartTabs->setCurrentIndex(which == 1 ? 1 : 0);
}

const RunRecord* ResultsPage::selectedRun() const {
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    return rows.isEmpty() ? nullptr : m_model->runOf(rows.first().row());
}

void ResultsPage::selectRow(int row) {
    m_table->selectRow(row);
}

void ResultsPage::updateActions() {
    const RunRecord* run = selectedRun();
    m_resume->setEnabled(run && run->resumable());
    m_export->setEnabled(run && run->finished);
    m_saveChart->setEnabled(m_model->rowCount() > 0);
    m_exportTable->setEnabled(m_model->rowCount() > 0);
    m_emptyLabel->setVisible(m_model->rowCount() == 0);
    m_generate->setEnabled(m_left->count() > 0 && !isGenerating());
}

QVector<QPair<QString, QString>> ResultsPage::generationChoices() const {
    QVector<QPair<QString, QString>> choices;
    for (const RunRecord& run : m_model->runs()) {
        const QPair<QString, QString> fp{run.modelFolder, QString()};
        if (!choices.contains(fp)) choices << fp;
    }
    for (const RunRecord& run : m_model->runs())
        if (run.finished) choices << QPair<QString, QString>{run.modelFolder, run.folder};
    return choices;
}

void ResultsPage::fillGenerationChoices() {
    const auto choices = generationChoices();
    for (QComboBox* combo : {m_left, m_right}) {
        const QString previous = combo->currentData().toString();
        combo->clear();
        for (const auto& c : choices) {
            QString text;
            if (c.second.isEmpty()) {
                text = tr("%1 (full precision)").arg(QFileInfo(c.first).fileName());
            } else {
                text = QFileInfo(c.second).fileName();
                for (const RunRecord& run : m_model->runs())
                    if (run.folder == c.second)
                        text = tr("%1 (%2 W%3 g%4)")
                                   .arg(run.name, stageDisplayName(finalStageOf(run.method)))
                                   .arg(run.bits)
                                   .arg(run.groupSize);
            }
            combo->addItem(text, c.first + QLatin1Char('\n') + c.second);
            combo->setItemData(combo->count() - 1,
                               QDir::toNativeSeparators(c.second.isEmpty() ? c.first : c.second),
                               Qt::ToolTipRole);
        }
        const int i = combo->findData(previous);
        if (i >= 0) combo->setCurrentIndex(i);
    }
    // By default: full precision on the left, the newest finished run on the right.
    if (m_right->count() > 1 && m_right->currentIndex() == 0) {
        int newest = -1;
        for (int i = 0; i < choices.size() && newest < 0; ++i)
            if (!choices[i].second.isEmpty()) newest = i;
        if (newest >= 0) m_right->setCurrentIndex(newest);
    }
    updateActions();
}

void ResultsPage::setComparison(int left, int right) {
    m_left->setCurrentIndex(left);
    m_right->setCurrentIndex(right);
}

bool ResultsPage::isGenerating() const {
    return m_generator->pending() > 0;
}

void ResultsPage::generate() {
    if (isGenerating() || m_left->count() == 0) return;
    QComboBox* combos[2] = {m_left, m_right};
    for (int side = 0; side < 2; ++side) {
        const QStringList parts = combos[side]->currentData().toString().split(QLatin1Char('\n'));
        GenerationRequest r;
        r.slot = side;
        r.modelFolder = parts.value(0);
        r.runFolder = parts.value(1);
        r.prompt = m_prompt->text();
        r.maxNewTokens = m_tokens->value();
        r.device = deviceSetting() == Device::Cuda ? 1 : 0;
        r.threads = threadsSetting();
        m_continuations[side].clear();
        m_outputs[side]->setPlainText(tr("Generating…"));
        m_generator->request(r);
    }
    updateActions();
}

void ResultsPage::onGenerated(const GenerationResult& result) {
    const int side = result.slot & 1;
    m_continuations[side] = result.text;
    m_outputs[side]->setPlainText(
        result.error.isEmpty()
            ? m_prompt->text() + result.text + QStringLiteral("\n\n") +
                  tr("(%1 tokens in %2 s)").arg(result.tokens).arg(result.seconds, 0, 'f', 1)
            : tr("Could not generate: %1").arg(result.error));
    if (!isGenerating()) {
        updateActions();
        Q_EMIT generationFinished();
    }
}

void ResultsPage::exportSelected() {
    const RunRecord* run = selectedRun();
    if (!run || !run->finished) return;
    ExportDialog dialog(run->folder, this);
    dialog.exec();
}

void ResultsPage::saveChartAs() {
    const bool accuracy = m_chartTabs->currentIndex() == 1;
    const QString start =
        QDir(QStandardPaths::writableLocation(QStandardPaths::PicturesLocation))
            .filePath(accuracy ? QStringLiteral("accuracy.png") : QStringLiteral("perplexity.png"));
    QString selected;
    const QString file = QFileDialog::getSaveFileName(
        this, tr("Save Chart"), start, tr("PNG image (*.png);;PDF document (*.pdf)"), &selected);
    if (file.isEmpty()) return;
    QString path = file;
    if (QFileInfo(path).suffix().isEmpty())
        path += selected.contains(QLatin1String("pdf")) ? QStringLiteral(".pdf") : QStringLiteral(".png");
    if (!(accuracy ? m_accuracyChart->saveChart(path) : m_chart->saveChart(path)))
        QMessageBox::warning(this, tr("Save Chart"),
                             tr("Could not write %1.").arg(QDir::toNativeSeparators(path)));
}

bool ResultsPage::saveTableCsv(const QString& file) const {
    QSaveFile out(file);
    if (!out.open(QIODevice::WriteOnly)) return false;
    const QByteArray bytes = m_model->toCsv().toUtf8();
    return out.write(bytes) == bytes.size() && out.commit();
}

void ResultsPage::exportTableAs() {
    const QString start = QDir(QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation))
                              .filePath(QStringLiteral("results.csv"));
    QString file = QFileDialog::getSaveFileName(this, tr("Export Table"), start, tr("CSV table (*.csv)"));
    if (file.isEmpty()) return;
    if (QFileInfo(file).suffix().isEmpty()) file += QStringLiteral(".csv");
    if (!saveTableCsv(file))
        QMessageBox::warning(this, tr("Export Table"),
                             tr("Could not write %1.").arg(QDir::toNativeSeparators(file)));
}

void ResultsPage::changeEvent(QEvent* event) {
    if (event->type() == QEvent::LanguageChange && m_model) {
        m_model->retranslate();
        fillGenerationChoices();
        m_chart->setResults(*m_model);
        m_accuracyChart->setResults(*m_model);
        retranslateUi();
    }
    QWidget::changeEvent(event);
}

void ResultsPage::retranslateUi() {
    m_workspaceLabel->setText(tr("Runs in %1").arg(QDir::toNativeSeparators(m_workspace)));
    m_refresh->setText(tr("Rel&oad"));
    m_refresh->setToolTip(tr("Read the workspace's run folders again"));
    m_resume->setText(tr("&Resume…"));
    m_resume->setToolTip(tr("Open the selected unfinished run on the Run page to continue it"));
    m_export->setText(tr("E&xport…"));
    m_export->setToolTip(tr(
        "Write the selected finished run as a model folder other tools load (GPTQ packed or dequantized)"));
    m_saveChart->setText(tr("Save &Chart…"));
    m_saveChart->setToolTip(
        tr("Save the chart shown (perplexity or accuracy) as a PNG image or a PDF document"));
    m_exportTable->setText(tr("Export &Table…"));
    m_exportTable->setToolTip(
        tr("Write the table as a CSV file (numbers as measured: perplexity, accuracy 0-1)"));
    m_relative->setText(tr("× / Δ against f&ull precision"));
    m_relative->setToolTip(tr("Show perplexity as a multiple of its model's full precision and accuracy as "
                              "the difference in points"));
    m_chartTabs->setTabText(0, tr("Perplexity"));
    m_chartTabs->setTabText(1, tr("Accuracy"));
    m_emptyLabel->setText(tr(
        "No runs in the workspace yet: start one on the Run page, or choose another workspace in Settings."));
    m_compareBox->setTitle(tr("Compare generations"));
    m_leftLabel->setText(tr("&Left:"));
    m_rightLabel->setText(tr("R&ight:"));
    m_left->setToolTip(tr("The model that writes the left text: full precision or a finished run"));
    m_right->setToolTip(tr("The model that writes the right text: full precision or a finished run"));
    m_promptLabel->setText(tr("&Prompt:"));
    m_prompt->setToolTip(tr("Both models continue this text, greedily (the most likely token each step)"));
    m_tokensLabel->setText(tr("&Tokens:"));
    m_tokens->setToolTip(tr("How many new tokens each model writes at most"));
    m_generate->setText(tr("&Generate"));
    m_generate->setToolTip(
        tr("Generate with both models (on a worker thread; models stay loaded for the next prompt)"));
}

} // namespace qat
