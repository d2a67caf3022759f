// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file MainWindow.h
/// The qat-studio main window: a sidebar of pages over a page stack.

#include <qat/QuantizeJob.h>

#include <QMainWindow>
#include <QStringList>

class QAction;
class QListWidget;
class QMenu;
class QMimeData;
class QStackedWidget;

namespace qat {

class DataPage;
class ModelPage;
class RecipePage;
class ResultsPage;
class RunPage;

/// What `qat-studio` was asked to open on its command line (see app/qat-studio/main.cpp).
struct StartupOptions {
    QString model;           ///< a model folder to open
    QStringList calibration; ///< calibration text files for the Data page
    QStringList evaluation;  ///< evaluation files for the Data page
    QString preset;          ///< a preset (or run.json) for the Recipe and Data pages
};

/// Main window. The sidebar ("navigation") lists the pages of the page stack ("pages");
/// Model, Recipe, Data, Run and Results, in the order a user goes through them. The Results
/// page lists the runs of the workspace (the run history) from the start. A folder dropped anywhere on the
/// window opens on the Model page. Window geometry is kept in QSettings ("mainWindow/geometry").
class MainWindow : public QMainWindow {
    Q_OBJECT

public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    ModelPage* modelPage() const { return m_modelPage; }
    RecipePage* recipePage() const { return m_recipePage; }
    DataPage* dataPage() const { return m_dataPage; }
    RunPage* runPage() const { return m_runPage; }
    ResultsPage* resultsPage() const { return m_resultsPage; }

    /// Applies command-line options: opens the model, loads the preset (recipe and data
    /// settings), adds the calibration and evaluation files. With a model and calibration
    /// (or an RTN preset) the Run page is shown, ready to start. Returns false with `error`
    /// set when something could not be opened (what could be is applied).
    bool applyStartupOptions(const StartupOptions& options, QString* error = nullptr);

    /// Opens the bundled demo (found with dataPath()): the stories260K model, its calibration and
    /// evaluation text and the EfficientQAT W2 g64 demo preset, as installer/demo.sh passes them
    /// on the command line (see applyStartupOptions()). The Model page's "Open the Demo" calls it.
    bool openDemo(QString* error = nullptr);

    /// Loads a preset or a run's run.json into the Recipe and Data pages; settings the pages do
    /// not show (evaluation window length, validation fraction, seeds …) are kept for the job.
    bool loadJobSettings(const QString& file, QString* error = nullptr);

    /// Shows `runFolder`'s job (read from its run.json) on the Run page, ready to resume.
    bool resumeRun(const QString& runFolder, QString* error = nullptr);

    /// Opens the Settings dialog (modal).
    void showSettings();

    /// The sidebar's pages.
    enum Page { ModelPageIndex, RecipePageIndex, DataPageIndex, RunPageIndex, ResultsPageIndex, PageCount };
    /// Shows page `page`.
    void showPage(Page page);

    /// The job the pages describe: the open model, the recipe, the data, the device and
    /// threads of the Settings, and a run folder in the workspace (QSettings "workspace",
    /// default <app data>/runs) named after them (or the run folder being resumed).
    QuantizeJob currentJob() const;
    /// Shows the Run page with the current job ready to start.
    void showRunPage();

    /// Shows the Model page and opens `folder` there. Returns whether it opened.
    bool openModel(const QString& folder);

    /// The model folder that dropping `mimeData` would open: a dropped local folder, or the
    /// folder of a dropped local file (config.json, a .safetensors file). Empty otherwise.
    static QString folderFromMimeData(const QMimeData* mimeData);

protected:
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dragMoveEvent(QDragMoveEvent* event) override;
    void dropEvent(QDropEvent* event) override;
    void changeEvent(QEvent* event) override;
    void closeEvent(QCloseEvent* event) override;

private:
    void createActions();
    void retranslateUi();
    void updateWindowTitle();
    void fillRecentMenu();
    void showAbout();

    QListWidget* m_navigation = nullptr;
    QStackedWidget* m_pages = nullptr;
    ModelPage* m_modelPage = nullptr;
    RecipePage* m_recipePage = nullptr;
    DataPage* m_dataPage = nullptr;
    RunPage* m_runPage = nullptr;
    ResultsPage* m_resultsPage = nullptr;
    /// Settings of the job that no page shows (from a preset or run.json), kept for currentJob().
    QuantizeJob m_baseJob;
    /// The run folder to resume, until the model, recipe or data change.
    QString m_resumeFolder;

    QMenu* m_fileMenu = nullptr;
    QMenu* m_recentMenu = nullptr;
    QMenu* m_helpMenu = nullptr;
    QMenu* m_runMenu = nullptr;
    QAction* m_openAction = nullptr;
    QAction* m_settingsAction = nullptr;
    QAction* m_startAction = nullptr;
    QAction* m_cancelAction = nullptr;
    QAction* m_quitAction = nullptr;
    QAction* m_aboutAction = nullptr;
    QAction* m_aboutQtAction = nullptr;
};

} // namespace qat
