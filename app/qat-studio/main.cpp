// SPDX-License-Identifier: GPL-3.0-or-later
// qat-studio [MODEL_DIR]: the QAT Studio desktop application.

#include "Application.h"
#include "MainWindow.h"

#include <QApplication>
#include <QCommandLineParser>

#include <cstdio>

int main(int argc, char* argv[]) {
    QApplication app(argc, argv);
    qat::setupApplication();

    QCommandLineParser parser;
    parser.setApplicationDescription(QCoreApplication::translate(
        "main", "QAT Studio: quantization-aware training of Llama-family models to 2–4 bits."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(
        QStringLiteral("MODEL_DIR"),
        QCoreApplication::translate("main", "A model folder to open (config.json and safetensors weights)."),
        QStringLiteral("[MODEL_DIR]"));
    parser.process(app);
    const QStringList arguments = parser.positionalArguments();
    if (arguments.size() > 1) {
        std::fprintf(stderr, "%s\n",
                     qPrintable(QCoreApplication::translate("main", "Give at most one model folder.")));
        return 2;
    }

    qat::MainWindow window;
    window.show();
    if (!arguments.isEmpty()) window.openModel(arguments.first());
    return app.exec();
}
