// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// SmolLM2-135M-Instruct, converted into the build tree by the CTest fixture `smollm2`
// (tests/model/make_smollm2.py), and the transformers figures of the fixture `smollm2_reference`
// (tests/model/smollm2_reference.py).

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QString>

#include <cstdio>

namespace qat::test {

inline QString smolLM2Folder() {
    return QDir(QString::fromUtf8(QAT_BINARY_DIR)).filePath(QStringLiteral("models/smollm2-135m-hf"));
}
inline bool haveSmolLM2() {
    return QFile::exists(smolLM2Folder() + QStringLiteral("/model.safetensors"));
}
inline QString smolLM2ReferenceFile() {
    return QDir(QString::fromUtf8(QAT_BINARY_DIR)).filePath(QStringLiteral("models/smollm2-reference.json"));
}
inline QJsonObject smolLM2Reference() {
    QFile f(smolLM2ReferenceFile());
    if (!f.open(QIODevice::ReadOnly)) return {};
    return QJsonDocument::fromJson(f.readAll()).object();
}

} // namespace qat::test

// main() of a test that needs SmolLM2: exits 77 (CTest: skipped) saying why when the fixture
// could not convert it. AppClass: QCoreApplication, or QApplication for widget tests.
#define QAT_SMOLLM2_TEST_MAIN(AppClass, TestObject)                                                          \
    int main(int argc, char** argv) {                                                                        \
        if (!qat::test::haveSmolLM2()) {                                                                     \
            std::fprintf(stderr,                                                                             \
                         "SKIP: %s is missing: the fixture tests/model/make_smollm2.py needs "               \
                         "transformers and gguf in the venv (installer/bootstrap.sh)\n",                     \
                         qPrintable(qat::test::smolLM2Folder()));                                            \
            return 77;                                                                                       \
        }                                                                                                    \
        AppClass app(argc, argv);                                                                            \
        TestObject tc;                                                                                       \
        return QTest::qExec(&tc, argc, argv);                                                                \
    }
