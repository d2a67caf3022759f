// SPDX-License-Identifier: GPL-3.0-or-later
// qat-studio [MODEL_DIR] [--model DIR] [--calibration FILE]... [--eval FILE]... [--preset FILE]:
// the QAT Studio desktop application.

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
    const QCommandLineOption modelOption(
        {QStringLiteral("m"), QStringLiteral("model")},
        QCoreApplication::translate("main",
                                    "The model folder to open (config.json and safetensors weights)."),
        QStringLiteral("DIR"));
    const QCommandLineOption calibrationOption(
        {QStringLiteral("c"), QStringLiteral("calibration")},
        QCoreApplication::translate("main", "A calibration text file for the Data page (may be repeated)."),
        QStringLiteral("FILE"));
    const QCommandLineOption evalOption(
        {QStringLiteral("e"), QStringLiteral("eval")},
        QCoreApplication::translate("main", "An evaluation text file for the Data page (may be repeated)."),
        QStringLiteral("FILE"));
    const QCommandLineOption presetOption(
        {QStringLiteral("p"), QStringLiteral("preset")},
        QCoreApplication::translate("main", "A preset (the JSON of qat-cli quantize --config, or a run's "
                                            "run.json) for the Recipe and Data pages."),
        QStringLiteral("FILE"));
    parser.addOptions({modelOption, calibrationOption, evalOption, presetOption});
    parser.addPositionalArgument(
        QStringLiteral("MODEL_DIR"),
        QCoreApplication::translate("main", "A model folder to open (the same as --model)."),
        QStringLiteral("[MODEL_DIR]"));
    parser.process(app);
    const QStringList arguments = parser.positionalArguments();
    if (arguments.size() > 1 || (arguments.size() == 1 && parser.isSet(modelOption))) {
        std::fprintf(stderr, "%s\n",
                     qPrintable(QCoreApplication::translate("main", "Give at most one model folder.")));
        return 2;
    }

    qat::StartupOptions options;
    options.model = parser.isSet(modelOption) ? parser.value(modelOption) : arguments.value(0);
    options.calibration = parser.values(calibrationOption);
    options.evaluation = parser.values(evalOption);
    options.preset = parser.value(presetOption);

    qat::MainWindow window;
    window.show();
    QString error;
    if (!window.applyStartupOptions(options, &error))
        std::fprintf(stderr, "qat-studio: %s\n", qPrintable(error));
    return app.exec();
}
