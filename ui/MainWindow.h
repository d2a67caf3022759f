// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file MainWindow.h
/// The qat-studio main window: a sidebar of pages over a page stack.

#include <QMainWindow>

class QAction;
class QListWidget;
class QMenu;
class QMimeData;
class QStackedWidget;

namespace qat {

class DataPage;
class ModelPage;
class RecipePage;
class RunPage;
struct QuantizeJob;

/// Main window. The sidebar ("navigation") lists the pages of the page stack ("pages");
/// Model, Recipe, Data and Run, in the order a user goes through them. A folder dropped anywhere on the window opens on the
/// Model page. Window geometry is kept in QSettings ("mainWindow/geometry").
class MainWindow : public QMainWindow {
    Q_OBJECT

public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    ModelPage* modelPage() const { return m_modelPage; }
    RecipePage* recipePage() const { return m_recipePage; }
    DataPage* dataPage() const { return m_dataPage; }
    RunPage* runPage() const { return m_runPage; }

    /// The job the pages describe: the open model, the recipe, the data, and a run folder
    /// in the workspace (QSettings "workspace", default <app data>/runs) named after them.
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
    /// The pages, in sidebar order.
    enum Page { ModelPageIndex, RecipePageIndex, DataPageIndex, RunPageIndex, PageCount };

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

    QMenu* m_fileMenu = nullptr;
    QMenu* m_recentMenu = nullptr;
    QMenu* m_helpMenu = nullptr;
    QAction* m_openAction = nullptr;
    QAction* m_quitAction = nullptr;
    QAction* m_aboutAction = nullptr;
    QAction* m_aboutQtAction = nullptr;
};

} // namespace qat
