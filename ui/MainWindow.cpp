// SPDX-License-Identifier: GPL-3.0-or-later
#include "MainWindow.h"

#include "DataPage.h"
#include "Format.h"
#include "ModelPage.h"
#include "RecentModels.h"
#include "RecipePage.h"
#include "RunPage.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
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
    m_navigation->setCurrentRow(ModelPageIndex);

    createActions();
    statusBar(); // created up front so that the layout does not jump at the first message
    connect(m_modelPage, &ModelPage::modelOpened, this, [this](const QString& folder) {
        updateWindowTitle();
        const ModelSummary* summary = m_modelPage->summary();
        if (summary) m_recipePage->setModelParameters(summary->parameters, summary->config.hiddenSize);
        const QString tokenizer = QDir(folder).filePath(QStringLiteral("tokenizer.model"));
        m_dataPage->setTokenizerFile(QFileInfo::exists(tokenizer) ? tokenizer : QString());
        statusBar()->showMessage(
            tr("Opened %1: %2 parameters")
                .arg(QDir::toNativeSeparators(folder), formatCount(summary ? summary->parameters : 0)),
            kStatusTimeoutMs);
    });
    connect(m_modelPage, &ModelPage::modelFailed, this, [this](const QString& folder) {
        updateWindowTitle();
        statusBar()->showMessage(tr("Could not open %1").arg(QDir::toNativeSeparators(folder)),
                                 kStatusTimeoutMs);
    });

    retranslateUi();
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
    QuantizeJob job;
    job.model = m_modelPage->currentFolder().toStdString();
    m_recipePage->applyTo(job);
    m_dataPage->applyTo(job);
    QString workspace = QSettings().value(QStringLiteral("workspace")).toString();
    if (workspace.isEmpty())
        workspace = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/runs");
    const QString name = QStringLiteral("%1-%2-w%3g%4")
                             .arg(QFileInfo(m_modelPage->currentFolder()).fileName(), QString::fromLatin1(methodName(job.method)))
                             .arg(job.spec.bits)
                             .arg(job.spec.groupSize);
    job.out = QDir(workspace).filePath(name).toStdString();
    return job;
}

void MainWindow::showRunPage() { m_navigation->setCurrentRow(RunPageIndex); }

void MainWindow::closeEvent(QCloseEvent* event) {
    if (m_runPage->isRunning()) {
        const auto answer = QMessageBox::question(
            this, tr("A run is in progress"),
            tr("Stop the run and quit? The run folder keeps every finished block, and the run can be resumed later."));
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
    m_fileMenu->addAction(m_quitAction);
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
