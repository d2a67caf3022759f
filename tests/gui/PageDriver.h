// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Fills the Recipe and Data pages of the main window as a user would, widget by widget, for the
// end-to-end GUI tests.

#include "DataPage.h"
#include "MainWindow.h"
#include "RecipePage.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QListWidget>
#include <QSpinBox>

namespace qat::test {

struct RecipeChoice {
    Method method;
    int bits;
    int group;
    int epochs;
    double weightLr;
    double quantLr;
};

struct DataChoice {
    QString calibration;
    QString evaluation;
    int seqlen;
    int trainWindows;
    int valWindows;
    int evalWindows;
};

inline QListWidget* navigation(MainWindow& window) {
    return window.findChild<QListWidget*>(QStringLiteral("navigation"));
}

inline void chooseRecipe(MainWindow& window, const RecipeChoice& c) {
    navigation(window)->setCurrentRow(MainWindow::RecipePageIndex);
    RecipePage* recipe = window.recipePage();
    auto* method = recipe->findChild<QComboBox*>(QStringLiteral("methodCombo"));
    method->setCurrentIndex(method->findData(int(c.method)));
    recipe->findChild<QSpinBox*>(QStringLiteral("bitsSpin"))->setValue(c.bits);
    auto* group = recipe->findChild<QComboBox*>(QStringLiteral("groupCombo"));
    group->setCurrentIndex(group->findData(c.group));
    recipe->findChild<QSpinBox*>(QStringLiteral("epochsSpin"))->setValue(c.epochs);
    recipe->findChild<QDoubleSpinBox*>(QStringLiteral("weightLrSpin"))->setValue(c.weightLr);
    recipe->findChild<QDoubleSpinBox*>(QStringLiteral("quantLrSpin"))->setValue(c.quantLr);
}

inline void chooseData(MainWindow& window, const DataChoice& c) {
    navigation(window)->setCurrentRow(MainWindow::DataPageIndex);
    DataPage* data = window.dataPage();
    data->addCalibrationFile(c.calibration);
    data->addEvaluationFile(c.evaluation);
    data->findChild<QSpinBox*>(QStringLiteral("seqlenSpin"))->setValue(c.seqlen);
    data->findChild<QSpinBox*>(QStringLiteral("trainWindowsSpin"))->setValue(c.trainWindows);
    data->findChild<QSpinBox*>(QStringLiteral("valWindowsSpin"))->setValue(c.valWindows);
    data->findChild<QSpinBox*>(QStringLiteral("evalWindowsSpin"))->setValue(c.evalWindows);
}

} // namespace qat::test
