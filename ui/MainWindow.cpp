// SPDX-License-Identifier: GPL-3.0-or-later
#include "MainWindow.h"

#include "Application.h"
#include "DataPage.h"
#include "Format.h"
#include "ModelPage.h"
#include "RecentModels.h"
#include "RecipePage.h"
#include "ResultsModel.h"
#include "ResultsPage.h"
#include "RunHistory.h"
#include "RunPage.h"
#include "SettingsDialog.h"

#include <qat/RunFolder.h>

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFile>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QListWidget>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QSettings>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QStatusBar>
#include <QUrl>

namespace qat {

namespace {
const QString kGeometryKey = QStringLiteral("mainWindow/geometry");
constexpr int kStatusTimeoutMs = 8000;
} // namespace

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
    setObjectName(QStringLiteral("mainWindow"));
    setAcceptDrops(true);

    m_navigation = new QListWidget(this);
    m_navigation->setObjectName(QStringLiteral("navigation"));
    m_navigation->setFrameShape(QFrame::NoFrame);
    m_navigation->setFixedWidth(150);
    m_navigation->setStyleSheet(QStringLiteral("QListWidget#navigation::item { padding: 8px 10px; }"));
    QFont navigationFont = m_navigation->font();
    navigationFont.setPointSizeF(navigationFont.pointSizeF() * 1.1);
    m_navigation->setFont(navigationFont);

    m_pages = new QStackedWidget(this);
    m_pages->setObjectName(QStringLiteral("pages"));
    m_modelPage = new ModelPage(m_pages);
    m_modelPage->setObjectName(QStringLiteral("modelPage"));
    m_pages->insertWidget(ModelPageIndex, m_modelPage);
    m_recipePage = new RecipePage(m_pages);
    m_recipePage->setObjectName(QStringLiteral("recipePage"));
    m_pages->insertWidget(RecipePageIndex, m_recipePage);
    m_dataPage = new DataPage(m_pages);
    m_dataPage->setObjectName(QStringLiteral("dataPage"));
    m_pages->insertWidget(DataPageIndex, m_dataPage);
    m_runPage = new RunPage(m_pages);
    m_runPage->setObjectName(QStringLiteral("runPage"));
    m_pages->insertWidget(RunPageIndex, m_runPage);
    m_resultsPage = new ResultsPage(m_pages);
    m_resultsPage->setObjectName(QStringLiteral("resultsPage"));
    m_pages->insertWidget(ResultsPageIndex, m_resultsPage);
    for (int i = 0; i < PageCount; ++i)
        m_navigation->addItem(QString());

    auto* central = new QWidget(this);
    auto* layout = new QHBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(m_navigation);
    layout->addWidget(m_pages, 1);
    setCentralWidget(central);

    connect(m_navigation, &QListWidget::currentRowChanged, m_pages, &QStackedWidget::setCurrentIndex);
    // The Run page always shows the job the other pages describe (unless one is running).
    connect(m_navigation, &QListWidget::currentRowChanged, this, [this](int row) {
        if (row == RunPageIndex && !m_runPage->isRunning() && !m_modelPage->currentFolder().isEmpty())
            m_runPage->setJob(currentJob());
    });
    // The run history: every run folder of the workspace, read again after each run.
    m_resultsPage->setWorkspace(workspaceFolder());
    connect(m_runPage, &RunPage::runFinished, m_resultsPage, &ResultsPage::refresh);
    connect(m_resultsPage, &ResultsPage::resumeRequested, this, [this](const QString& folder) {
        QString error;
        if (!resumeRun(folder, &error)) QMessageBox::warning(this, tr("Resume"), error);
    });
    // A resumed run's folder is used until the job changes.
    auto forgetResume = [this] {
        m_resumeFolder.clear();
        m_modelPage->setEstimateJob(currentJob());
    };
    connect(m_recipePage, &RecipePage::recipeChanged, this, forgetResume);
    connect(m_dataPage, &DataPage::dataChanged, this, forgetResume);
    connect(m_modelPage, &ModelPage::modelOpened, this, forgetResume);
    m_navigation->setCurrentRow(ModelPageIndex);

    createActions();
    statusBar(); // created up front so that the layout does not jump at the first message
    connect(m_modelPage, &ModelPage::modelOpened, this, [this](const QString& folder) {
        updateWindowTitle();
        const ModelSummary* summary = m_modelPage->summary();
        if (summary) m_recipePage->setModelParameters(summary->parameters, summary->config.hiddenSize);
        if (summary) m_dataPage->setModelParameters(summary->parameters);
        m_dataPage->setTokenizerFile(summary && summary->tokenizer
                                         ? QString::fromStdString(summary->tokenizer->file.string())
                                         : QString());
        statusBar()->showMessage(
            tr("Opened %1: %2 parameters")
                .arg(QDir::toNativeSeparators(folder), formatCount(summary ? summary->parameters : 0)),
            kStatusTimeoutMs);
    });
    connect(m_modelPage, &ModelPage::demoRequested, this, [this] {
        QString error;
        if (!openDemo(&error)) QMessageBox::warning(this, tr("Open the Demo"), error);
    });
    connect(m_modelPage, &ModelPage::modelFailed, this, [this](const QString& folder) {
        updateWindowTitle();
        statusBar()->showMessage(tr("Could not open %1").arg(QDir::toNativeSeparators(folder)),
                                 kStatusTimeoutMs);
    });

    retranslateUi();
    m_modelPage->setEstimateJob(currentJob());
    if (!restoreGeometry(QSettings().value(kGeometryKey).toByteArray())) resize(1280, 820);
}

MainWindow::~MainWindow() = default;

bool MainWindow::openModel(const QString& folder) {
    m_navigation->setCurrentRow(ModelPageIndex);
    return m_modelPage->openFolder(folder);
}

QString MainWindow::folderFromMimeData(const QMimeData* mimeData) {
    if (!mimeData || !mimeData->hasUrls()) return {};
    const QList<QUrl> urls = mimeData->urls();
    if (urls.size() != 1 || !urls.first().isLocalFile()) return {};
    const QFileInfo info(urls.first().toLocalFile());
    if (info.isDir()) return info.absoluteFilePath();
    if (info.isFile()) return info.absolutePath();
    return {};
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
    if (!folderFromMimeData(event->mimeData()).isEmpty()) event->acceptProposedAction();
}

void MainWindow::dragMoveEvent(QDragMoveEvent* event) {
    if (!folderFromMimeData(event->mimeData()).isEmpty()) event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event) {
    const QString folder = folderFromMimeData(event->mimeData());
    if (folder.isEmpty()) return;
    event->acceptProposedAction();
    openModel(folder);
}

void MainWindow::changeEvent(QEvent* event) {
    if (event->type() == QEvent::LanguageChange) retranslateUi();
    QMainWindow::changeEvent(event);
}

QuantizeJob MainWindow::currentJob() const {
    QuantizeJob job = m_baseJob;
    job.model = m_modelPage->currentFolder().toStdString();
    m_recipePage->applyTo(job);
    m_dataPage->applyTo(job);
    job.device = deviceSetting();
    job.threads = threadsSetting();
    if (!m_resumeFolder.isEmpty()) {
        job.out = m_resumeFolder.toStdString();
        return job;
    }
    const QString workspace = workspaceFolder();
    const QString name = QStringLiteral("%1-%2-w%3g%4")
                             .arg(QFileInfo(m_modelPage->currentFolder()).fileName(),
                                  QString::fromLatin1(methodName(job.method)))
                             .arg(job.spec.bits)
                             .arg(job.spec.groupSize);
    job.out = QDir(workspace).filePath(name).toStdString();
    return job;
}

void MainWindow::showRunPage() {
    showPage(RunPageIndex);
}

void MainWindow::showPage(Page page) {
    m_navigation->setCurrentRow(page);
}

bool MainWindow::loadJobSettings(const QString& file, QString* error) {
    QFile f(file);
    if (!f.open(QIODevice::ReadOnly)) {
        if (error) *error = tr("%1: cannot be read").arg(QDir::toNativeSeparators(file));
        return false;
    }
    QuantizeJob job = currentJob();
    // The files come from the pages (and the command line), unless the text names some.
    const Status st = applyJobConfig(f.readAll().toStdString(), file.toStdString(), job);
    if (!st.ok()) {
        if (error) *error = QString::fromStdString(st.message);
        return false;
    }
    m_baseJob = job;
    m_recipePage->setFrom(job);
    m_dataPage->setFrom(job);
    m_modelPage->setEstimateJob(currentJob());
    return true;
}

bool MainWindow::resumeRun(const QString& runFolder, QString* error) {
    if (m_runPage->isRunning()) {
        if (error) *error = tr("A run is in progress.");
        return false;
    }
    QuantizeJob job;
    RunFolder run;
    Status st = RunFolder::read(runFolder.toStdString(), run);
    if (st.ok()) st = applyJobConfig(run.configJson, run.layout.runJson().string(), job);
    if (!st.ok()) {
        if (error) *error = QString::fromStdString(st.message);
        return false;
    }
    if (!m_modelPage->openFolder(QString::fromStdString(job.model.string()))) {
        if (error) *error = m_modelPage->errorText();
        return false;
    }
    m_baseJob = job;
    m_recipePage->setFrom(job);
    m_dataPage->setFrom(job);
    m_resumeFolder = QFileInfo(runFolder).absoluteFilePath();
    m_modelPage->setEstimateJob(currentJob());
    showPage(RunPageIndex);
    m_runPage->setJob(currentJob());
    return true;
}

bool MainWindow::applyStartupOptions(const StartupOptions& options, QString* error) {
    QStringList errors;
    if (!options.model.isEmpty() && !openModel(options.model))
        errors << tr("%1: %2").arg(QDir::toNativeSeparators(options.model), m_modelPage->errorText());
    QString presetError;
    if (!options.preset.isEmpty() && !loadJobSettings(options.preset, &presetError)) errors << presetError;
    for (const QString& file : options.calibration) {
        if (QFileInfo(file).isFile())
            m_dataPage->addCalibrationFile(file);
        else
            errors << tr("%1: no such calibration file").arg(QDir::toNativeSeparators(file));
    }
    for (const QString& file : options.evaluation) {
        if (QFileInfo(file).isFile())
            m_dataPage->addEvaluationFile(file);
        else
            errors << tr("%1: no such evaluation file").arg(QDir::toNativeSeparators(file));
    }
    if (!m_modelPage->currentFolder().isEmpty() && checkJob(currentJob()).ok()) showPage(RunPageIndex);
    if (error) *error = errors.join(QLatin1Char('\n'));
    return errors.isEmpty();
}

bool MainWindow::openDemo(QString* error) {
    StartupOptions demo;
    demo.model = dataPath(QStringLiteral("demo/stories260K"));
    demo.calibration = QStringList{dataPath(QStringLiteral("demo/text/calib.txt"))};
    demo.evaluation = QStringList{dataPath(QStringLiteral("demo/text/eval.txt"))};
    demo.preset = dataPath(QStringLiteral("presets/efficientqat-w2g64-demo.json"));
    if (demo.model.isEmpty() || demo.calibration.first().isEmpty() || demo.evaluation.first().isEmpty() ||
        demo.preset.isEmpty()) {
        if (error) *error = tr("The bundled demo is not installed (share/qat-studio beside the program).");
        return false;
    }
    return applyStartupOptions(demo, error);
}

void MainWindow::showSettings() {
    SettingsDialog dialog(this);
    connect(&dialog, &SettingsDialog::settingsApplied, this, [this](bool workspaceChanged) {
        if (workspaceChanged) m_resultsPage->setWorkspace(workspaceFolder());
        if (!m_runPage->isRunning() && m_navigation->currentRow() == RunPageIndex &&
            !m_modelPage->currentFolder().isEmpty())
            m_runPage->setJob(currentJob());
    });
    dialog.exec();
}

void MainWindow::closeEvent(QCloseEvent* event) {
    if (m_runPage->isRunning()) {
        const auto answer = QMessageBox::question(this, tr("A run is in progress"),
                                                  tr("Stop the run and quit? The run folder keeps every "
                                                     "finished block, and the run can be resumed later."));
        if (answer != QMessageBox::Yes) {
            event->ignore();
            return;
        }
        m_runPage->shutdown();
    }
    QSettings().setValue(kGeometryKey, saveGeometry());
    QMainWindow::closeEvent(event);
}

void MainWindow::createActions() {
    m_openAction = new QAction(this);
    m_openAction->setShortcut(QKeySequence::Open);
    connect(m_openAction, &QAction::triggered, this, [this] {
        m_navigation->setCurrentRow(ModelPageIndex);
        m_modelPage->browse();
    });
    m_settingsAction = new QAction(this);
    m_settingsAction->setObjectName(QStringLiteral("settingsAction"));
    m_settingsAction->setIcon(actionIcon(QStringLiteral("settings")));
    m_settingsAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Comma));
    m_settingsAction->setMenuRole(QAction::PreferencesRole);
    connect(m_settingsAction, &QAction::triggered, this, &MainWindow::showSettings);
    // Start and Cancel work from every page.
    m_startAction = new QAction(this);
    m_startAction->setObjectName(QStringLiteral("startAction"));
    m_startAction->setIcon(actionIcon(QStringLiteral("start")));
    m_startAction->setShortcut(QKeySequence(Qt::Key_F5));
    connect(m_startAction, &QAction::triggered, this, [this] {
        if (m_runPage->isRunning()) return;
        showPage(RunPageIndex);
        m_runPage->start();
    });
    m_cancelAction = new QAction(this);
    m_cancelAction->setObjectName(QStringLiteral("cancelAction"));
    m_cancelAction->setIcon(actionIcon(QStringLiteral("cancel")));
    m_cancelAction->setShortcut(QKeySequence(Qt::SHIFT | Qt::Key_F5));
    m_cancelAction->setEnabled(false);
    connect(m_cancelAction, &QAction::triggered, m_runPage, &RunPage::cancel);
    connect(m_runPage, &RunPage::stateChanged, this, [this](RunPage::State state) {
        m_cancelAction->setEnabled(state == RunPage::State::Running);
        m_startAction->setEnabled(state != RunPage::State::Running && state != RunPage::State::Cancelling);
    });
    m_quitAction = new QAction(this);
    m_quitAction->setShortcut(QKeySequence::Quit);
    m_quitAction->setMenuRole(QAction::QuitRole);
    connect(m_quitAction, &QAction::triggered, this, &QWidget::close);
    m_aboutAction = new QAction(this);
    m_aboutAction->setMenuRole(QAction::AboutRole);
    connect(m_aboutAction, &QAction::triggered, this, &MainWindow::showAbout);
    m_aboutQtAction = new QAction(this);
    m_aboutQtAction->setMenuRole(QAction::AboutQtRole);
    connect(m_aboutQtAction, &QAction::triggered, qApp, &QApplication::aboutQt);

    m_fileMenu = menuBar()->addMenu(QString());
    m_fileMenu->addAction(m_openAction);
    m_recentMenu = m_fileMenu->addMenu(QString());
    connect(m_recentMenu, &QMenu::aboutToShow, this, &MainWindow::fillRecentMenu);
    m_fileMenu->addSeparator();
    m_fileMenu->addAction(m_settingsAction);
    m_fileMenu->addSeparator();
    m_fileMenu->addAction(m_quitAction);
    m_runMenu = menuBar()->addMenu(QString());
    m_runMenu->addAction(m_startAction);
    m_runMenu->addAction(m_cancelAction);
    m_helpMenu = menuBar()->addMenu(QString());
    m_helpMenu->addAction(m_aboutAction);
    m_helpMenu->addAction(m_aboutQtAction);
}

void MainWindow::fillRecentMenu() {
    m_recentMenu->clear();
    const QStringList folders = recentModels();
    for (const QString& folder : folders) {
        QAction* action = m_recentMenu->addAction(QDir::toNativeSeparators(folder));
        connect(action, &QAction::triggered, this, [this, folder] { openModel(folder); });
    }
    if (folders.isEmpty()) m_recentMenu->addAction(tr("No recent models"))->setEnabled(false);
}

void MainWindow::retranslateUi() {
    m_navigation->item(ModelPageIndex)->setText(tr("Model"));
    m_navigation->item(RecipePageIndex)->setText(tr("Recipe"));
    m_navigation->item(DataPageIndex)->setText(tr("Data"));
    m_navigation->item(RunPageIndex)->setText(tr("Run"));
    m_navigation->item(ResultsPageIndex)->setText(tr("Results"));
    m_settingsAction->setText(tr("&Settings…"));
    m_runMenu->setTitle(tr("R&un"));
    m_startAction->setText(tr("&Start Run"));
    m_startAction->setToolTip(tr("Start (or resume) the job on the Run page (%1)")
                                  .arg(m_startAction->shortcut().toString(QKeySequence::NativeText)));
    m_cancelAction->setText(tr("&Cancel Run"));
    m_cancelAction->setToolTip(tr("Stop the run at the next step; it can be resumed (%1)")
                                   .arg(m_cancelAction->shortcut().toString(QKeySequence::NativeText)));
    m_fileMenu->setTitle(tr("&File"));
    m_openAction->setText(tr("&Open Model Folder…"));
    m_recentMenu->setTitle(tr("Open &Recent"));
    m_quitAction->setText(tr("&Quit"));
    m_helpMenu->setTitle(tr("&Help"));
    m_aboutAction->setText(tr("&About QAT Studio"));
    m_aboutQtAction->setText(tr("About &Qt"));
    updateWindowTitle();
}

void MainWindow::updateWindowTitle() {
    // The platform adds the application display name ("QAT Studio").
    const QString folder = m_modelPage->currentFolder();
    setWindowTitle(folder.isEmpty() ? QString() : QFileInfo(folder).fileName());
}

void MainWindow::showAbout() {
    QMessageBox::about(this, tr("About QAT Studio"),
                       tr("<h3>QAT Studio %1</h3>"
                          "<p>Quantization-aware training of Llama-family models to 2–4 bits.</p>")
                           .arg(QCoreApplication::applicationVersion().toHtmlEscaped()));
}

} // namespace qat
