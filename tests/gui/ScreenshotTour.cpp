// SPDX-License-Identifier: GPL-3.0-or-later
// ScreenshotTour OUT_DIR: drives qat-studio's main window through every page as a user would
// (bundled demo model and text, the EfficientQAT W2 g64 demo preset with fewer windows so that
// it takes about a minute) and saves a PNG of each page: model, recipe, data, run (mid-run and
// finished, with the live charts), results (with a side-by-side generation) and the Settings
// dialog. Run it in a real window under Xvfb: docs/screenshots.sh. Uses a temporary workspace
// and temporary settings, so the user's own are untouched. Not a test and not installed.

#include "Application.h"
#include "DataPage.h"
#include "Language.h"
#include "MainWindow.h"
#include "RecipePage.h"
#include "ResultsPage.h"
#include "RunPage.h"
#include "SettingsDialog.h"

#include <qat/QuantizeJob.h>

#include <QApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QGroupBox>
#include <QListWidget>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTimer>

#include <cstdio>

using namespace qat;

namespace {

QString g_out;

bool save(QWidget* widget, const QString& name) {
    QApplication::processEvents();
    const QString file = QDir(g_out).filePath(name + QStringLiteral(".png"));
    const bool ok = widget->grab().save(file);
    std::printf("%s %s\n", ok ? "wrote" : "FAILED to write", qPrintable(file));
    return ok;
}

// Processes events until `done` or `ms` milliseconds have passed.
template <class Pred> bool waitFor(Pred done, int ms) {
    QElapsedTimer t;
    t.start();
    while (!done() && t.elapsed() < ms)
        QApplication::processEvents(QEventLoop::AllEvents, 50);
    return done();
}

} // namespace

int main(int argc, char* argv[]) {
    QApplication app(argc, argv);
    if (argc != 3) {
        std::fprintf(stderr, "usage: ScreenshotTour SOURCE_DIR OUT_DIR\n");
        return 2;
    }
    const QDir source(QString::fromLocal8Bit(argv[1]));
    g_out = QString::fromLocal8Bit(argv[2]);
    QDir().mkpath(g_out);

    QTemporaryDir settingsDir, workspace;
    QSettings::setDefaultFormat(QSettings::IniFormat);
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, settingsDir.path());
    setupApplication();
    QSettings().setValue(QStringLiteral("language"), QStringLiteral("en"));
    QSettings().setValue(QStringLiteral("workspace"), workspace.path());
    installTranslators(QStringLiteral("en"));

    const QString model = source.filePath(QStringLiteral("resources/demo/stories260K"));
    const QString calib = source.filePath(QStringLiteral("resources/demo/text/calib.txt"));
    const QString eval = source.filePath(QStringLiteral("resources/demo/text/eval.txt"));

    // A round-to-nearest run for the results table, through core's job API.
    {
        QuantizeJob rtn;
        rtn.model = model.toStdString();
        rtn.method = Method::RoundToNearest;
        rtn.spec = QuantSpec{2, 64};
        rtn.evalFiles = {eval.toStdString()};
        rtn.evalSeqlen = 512;
        rtn.evalMaxWindows = 40;
        rtn.out = QDir(workspace.path()).filePath(QStringLiteral("stories260K-rtn-w2g64")).toStdString();
        QuantizeJobResult result;
        const Status st = runQuantizeJob(rtn, nullptr, result);
        if (!st.ok()) {
            std::fprintf(stderr, "RTN run failed: %s\n", st.message.c_str());
            return 1;
        }
    }

    MainWindow window;
    window.resize(1280, 820);
    window.show();
    auto* navigation = window.findChild<QListWidget*>(QStringLiteral("navigation"));
    StartupOptions options;
    options.model = model;
    options.calibration = {calib};
    options.evaluation = {eval};
    options.preset = source.filePath(QStringLiteral("resources/presets/efficientqat-w2g64-demo.json"));
    QString error;
    if (!window.applyStartupOptions(options, &error)) {
        std::fprintf(stderr, "%s\n", qPrintable(error));
        return 1;
    }
    // The demo preset with fewer windows: the same job in about a minute.
    window.dataPage()->findChild<QSpinBox*>(QStringLiteral("trainWindowsSpin"))->setValue(128);
    window.dataPage()->findChild<QSpinBox*>(QStringLiteral("valWindowsSpin"))->setValue(8);
    window.dataPage()->findChild<QSpinBox*>(QStringLiteral("evalWindowsSpin"))->setValue(40);

    bool ok = true;
    navigation->setCurrentRow(MainWindow::ModelPageIndex);
    ok &= save(&window, QStringLiteral("model-page"));
    navigation->setCurrentRow(MainWindow::RecipePageIndex);
    window.recipePage()->findChild<QGroupBox*>(QStringLiteral("advancedBox"))->setChecked(true);
    ok &= save(&window, QStringLiteral("recipe-page"));
    navigation->setCurrentRow(MainWindow::DataPageIndex);
    ok &= save(&window, QStringLiteral("data-page"));

    navigation->setCurrentRow(MainWindow::RunPageIndex);
    RunPage* run = window.runPage();
    bool finished = false, midRun = false;
    QObject::connect(run, &RunPage::runFinished, &app, [&] { finished = true; });
    QObject::connect(run->controller(), &RunController::started, &app, [&](RunWorker* worker) {
        QObject::connect(worker, &RunWorker::blockStarted, &app, [&](qint64 block, qint64) {
            if (block == 3 && !midRun) {
                midRun = true;
                QTimer::singleShot(1500, &app, [&] { save(&window, QStringLiteral("run-page-running")); });
            }
        });
    });
    run->findChild<QPushButton*>(QStringLiteral("startButton"))->click();
    if (!waitFor([&] { return finished; }, 15 * 60 * 1000) || !run->lastOutcome().ok()) {
        std::fprintf(stderr, "the run did not finish: %s\n", qPrintable(run->lastOutcome().message));
        return 1;
    }
    waitFor([] { return false; }, 300); // the charts' replot timer
    ok &= save(&window, QStringLiteral("run-page"));

    navigation->setCurrentRow(MainWindow::ResultsPageIndex);
    ResultsPage* results = window.resultsPage();
    results->generate();
    bool generated = false;
    QObject::connect(results, &ResultsPage::generationFinished, &app, [&] { generated = true; });
    waitFor([&] { return generated; }, 120000);
    ok &= save(&window, QStringLiteral("results-page"));

    QTimer::singleShot(300, &app, [&] {
        auto* dialog = window.findChild<SettingsDialog*>();
        if (dialog) {
            ok &= save(dialog, QStringLiteral("settings-dialog"));
            dialog->reject();
        } else {
            ok = false;
        }
    });
    window.showSettings();
    return ok ? 0 : 1;
}
