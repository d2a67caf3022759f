// SPDX-License-Identifier: GPL-3.0-or-later
// The app driven as a user would: open stories260K on the Model page, choose Block-AP at
// W2 g64 on the Recipe page, add calibration and evaluation text on the Data page, press
// Start on the Run page, wait, and read the perplexity the run measured.

#include "DataPage.h"
#include "MainWindow.h"
#include "ModelPage.h"
#include "RecipePage.h"
#include "RunPage.h"
#include "TestPaths.h"

#include <QComboBox>
#include <QCoreApplication>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFile>
#include <QListWidget>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>

using namespace qat;

class TestEndToEnd : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_settingsDir, m_workspace;

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(m_settingsDir.isValid() && m_workspace.isValid());
        QSettings::setDefaultFormat(QSettings::IniFormat);
        QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_settingsDir.path());
        QCoreApplication::setOrganizationName(QStringLiteral("QAT Studio"));
        QCoreApplication::setApplicationName(QStringLiteral("qat-studio"));
        QSettings().setValue(QStringLiteral("workspace"), m_workspace.path());
    }

    void quantizeThroughThePages() {
        MainWindow window;
        window.show();
        auto* navigation = window.findChild<QListWidget*>(QStringLiteral("navigation"));
        QVERIFY(navigation);
        QCOMPARE(navigation->count(), 4);

        // Model
        QVERIFY(window.openModel(test::sharedPath("models/stories260K")));
        // Recipe
        navigation->setCurrentRow(1);
        RecipePage* recipe = window.recipePage();
        auto* method = recipe->findChild<QComboBox*>(QStringLiteral("methodCombo"));
        method->setCurrentIndex(method->findData(int(Method::BlockAp)));
        recipe->findChild<QSpinBox*>(QStringLiteral("bitsSpin"))->setValue(2);
        auto* group = recipe->findChild<QComboBox*>(QStringLiteral("groupCombo"));
        group->setCurrentIndex(group->findData(64));
        recipe->findChild<QSpinBox*>(QStringLiteral("epochsSpin"))->setValue(1);
        recipe->findChild<QDoubleSpinBox*>(QStringLiteral("weightLrSpin"))->setValue(1e-3);
        recipe->findChild<QDoubleSpinBox*>(QStringLiteral("quantLrSpin"))->setValue(1e-3);
        // Data
        navigation->setCurrentRow(2);
        DataPage* data = window.dataPage();
        data->addCalibrationFile(test::sharedPath("data/tinystories-gen/calib.txt"));
        data->addEvaluationFile(test::sharedPath("data/tinystories-gen/eval.txt"));
        data->findChild<QSpinBox*>(QStringLiteral("seqlenSpin"))->setValue(64);
        data->findChild<QSpinBox*>(QStringLiteral("trainWindowsSpin"))->setValue(16);
        data->findChild<QSpinBox*>(QStringLiteral("valWindowsSpin"))->setValue(2);
        data->findChild<QSpinBox*>(QStringLiteral("evalWindowsSpin"))->setValue(20);
        // Run
        navigation->setCurrentRow(3);
        RunPage* run = window.runPage();
        QVERIFY(run->job().has_value());
        QCOMPARE(run->job()->method, Method::BlockAp);
        QVERIFY(QString::fromStdString(run->job()->out.string()).startsWith(m_workspace.path()));
        QSignalSpy finished(run, &RunPage::runFinished);
        auto* start = run->findChild<QPushButton*>(QStringLiteral("startButton"));
        QVERIFY(start->isEnabled());
        QTest::mouseClick(start, Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 300000);
        const RunOutcome outcome = run->lastOutcome();
        QVERIFY2(outcome.ok(), qPrintable(outcome.message));
        QCOMPARE(outcome.stages, (QStringList{"fp", "block-ap"}));
        const double fp = outcome.perplexity.at(0).at(0), quantized = outcome.perplexity.at(1).at(0);
        qInfo("stories260K through the pages: fp %.4f, Block-AP W2 g64 %.4f", fp, quantized);
        QVERIFY(std::abs(fp - 3.4252) < 0.01); // the first 20 windows of 512 of eval.txt
        QVERIFY(quantized > fp && std::isfinite(quantized));
        QVERIFY(QFile::exists(outcome.runFolder + "/quantized.safetensors"));
    }
};

QTEST_MAIN(TestEndToEnd)
#include "TestEndToEnd.moc"
