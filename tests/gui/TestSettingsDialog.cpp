// SPDX-License-Identifier: GPL-3.0-or-later
// The Settings dialog: it shows and writes QSettings (workspace, device, threads, language),
// offers CUDA only where core can use it, switches the language of the open window at once,
// and a new workspace makes the Results page list that workspace's runs; the next job uses
// the device and threads.

#include "GuiSettings.h"
#include "Language.h"
#include "MainWindow.h"
#include "ResultsModel.h"
#include "ResultsPage.h"
#include "SettingsDialog.h"
#include "TestPaths.h"

#include <QComboBox>
#include <QCoreApplication>
#include <QDialogButtonBox>
#include <QFile>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

using namespace qat;

class TestSettingsDialog : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_settingsDir, m_workspace;

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(m_settingsDir.isValid() && m_workspace.isValid());
        qat::test::isolateSettings(m_settingsDir.path());
        QSettings().setValue(QStringLiteral("language"), QStringLiteral("en"));
        installTranslators(QStringLiteral("en"));
    }

    void showsAndWritesTheSettings() {
        QSettings().setValue(QStringLiteral("workspace"), m_workspace.path());
        QSettings().setValue(QStringLiteral("threads"), 3);
        SettingsDialog dialog;
        auto* workspace = dialog.findChild<QLineEdit*>(QStringLiteral("workspaceEdit"));
        auto* device = dialog.findChild<QComboBox*>(QStringLiteral("deviceCombo"));
        auto* threads = dialog.findChild<QSpinBox*>(QStringLiteral("threadsSpin"));
        auto* language = dialog.findChild<QComboBox*>(QStringLiteral("languageCombo"));
        QVERIFY(workspace && device && threads && language);
        QCOMPARE(QDir::fromNativeSeparators(workspace->text()), m_workspace.path());
        QCOMPARE(threads->value(), 3);
        QCOMPARE(device->currentData().toString(), QStringLiteral("cpu"));
        QCOMPARE(language->currentData().toString(), QStringLiteral("en"));
        // CUDA can be picked only where core can use it.
        auto* items = qobject_cast<QStandardItemModel*>(device->model());
        QCOMPARE(items->item(device->findData(QStringLiteral("cuda")))->isEnabled(), cudaAvailable());
        // Every field has a tooltip and a label with a mnemonic.
        for (QWidget* w : {static_cast<QWidget*>(workspace), static_cast<QWidget*>(device),
                           static_cast<QWidget*>(threads), static_cast<QWidget*>(language)})
            QVERIFY(!w->toolTip().isEmpty());

        QTemporaryDir other;
        workspace->setText(other.path());
        threads->setValue(2);
        QSignalSpy applied(&dialog, &SettingsDialog::settingsApplied);
        dialog.apply();
        QCOMPARE(applied.count(), 1);
        QCOMPARE(applied.at(0).at(0).toBool(), true);
        QCOMPARE(QSettings().value(QStringLiteral("workspace")).toString(), other.path());
        QCOMPARE(QSettings().value(QStringLiteral("threads")).toInt(), 2);
        QCOMPARE(QSettings().value(QStringLiteral("device")).toString(), QStringLiteral("cpu"));
        QCOMPARE(threadsSetting(), 2);
        QCOMPARE(deviceSetting(), Device::Cpu);
        QSettings().setValue(QStringLiteral("workspace"), m_workspace.path());
    }

    void dialogChangesTheWindow() {
        // A workspace with one run folder in it (a copy of a run.json is enough to be listed).
        QTemporaryDir second;
        QVERIFY(QDir(second.path()).mkpath(QStringLiteral("r1")));
        QFile runJson(second.filePath(QStringLiteral("r1/run.json")));
        QVERIFY(runJson.open(QIODevice::WriteOnly));
        runJson.write(
            QStringLiteral(
                R"({"created":"2026-01-01T00:00:00Z","config":{"method":"rtn","bits":3,"group":64,"model":"%1"}})")
                .arg(test::sharedPath("models/stories260K"))
                .toUtf8());
        runJson.close();

        MainWindow window;
        window.show();
        QVERIFY(window.openModel(test::sharedPath("models/stories260K")));
        auto* navigation = window.findChild<QListWidget*>(QStringLiteral("navigation"));
        QCOMPARE(navigation->item(MainWindow::ResultsPageIndex)->text(), QStringLiteral("Results"));
        QCOMPARE(window.resultsPage()->model()->runs().size(), 0);

        bool sawDialog = false;
        QTimer::singleShot(0, this, [&] {
            auto* dialog = window.findChild<SettingsDialog*>();
            QVERIFY(dialog);
            sawDialog = true;
            dialog->findChild<QLineEdit*>(QStringLiteral("workspaceEdit"))->setText(second.path());
            dialog->findChild<QSpinBox*>(QStringLiteral("threadsSpin"))->setValue(1);
            auto* language = dialog->findChild<QComboBox*>(QStringLiteral("languageCombo"));
            language->setCurrentIndex(language->findData(QStringLiteral("de")));
            QTest::mouseClick(dialog->findChild<QDialogButtonBox*>(QStringLiteral("buttonBox"))
                                  ->button(QDialogButtonBox::Ok),
                              Qt::LeftButton);
        });
        window.showSettings();
        QVERIFY(sawDialog);
        QCOMPARE(QSettings().value(QStringLiteral("language")).toString(), QStringLiteral("de"));
        // The open window speaks German at once, the Results page included.
        QTRY_COMPARE(navigation->item(MainWindow::ModelPageIndex)->text(), QStringLiteral("Modell"));
        QCOMPARE(navigation->item(MainWindow::ResultsPageIndex)->text(), QStringLiteral("Ergebnisse"));
        QTRY_COMPARE(window.resultsPage()->findChild<QPushButton*>(QStringLiteral("generateButton"))->text(),
                     QStringLiteral("&Generieren"));
        // The Results page lists the new workspace's runs.
        QCOMPARE(window.resultsPage()->workspace(), second.path());
        QCOMPARE(window.resultsPage()->model()->runs().size(), 1);
        // The next job uses the threads setting and the new workspace.
        const QuantizeJob job = window.currentJob();
        QCOMPARE(job.threads, 1);
        QVERIFY(QString::fromStdString(job.out.string()).startsWith(second.path()));

        installTranslators(QStringLiteral("en"));
        QTRY_COMPARE(navigation->item(MainWindow::ResultsPageIndex)->text(), QStringLiteral("Results"));
        QSettings().setValue(QStringLiteral("language"), QStringLiteral("en"));
        QSettings().setValue(QStringLiteral("workspace"), m_workspace.path());
    }
};

QTEST_MAIN(TestSettingsDialog)
#include "TestSettingsDialog.moc"
