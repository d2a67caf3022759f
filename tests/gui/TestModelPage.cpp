// SPDX-License-Identifier: GPL-3.0-or-later
// The Model page against the shared stories260K model, broken folders, a dropped folder,
// recent models and the German translation. Reference values (tensor count, parameter sum)
// are read from the safetensors header here, independently of core.

#include "Application.h"
#include "GuiSettings.h"
#include "Language.h"
#include "MainWindow.h"
#include "ModelPage.h"
#include "ParameterChart.h"

#include <QComboBox>
#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QMimeData>
#include <QSettings>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>
#include <QtEndian>

#include <memory>

namespace {

const QString kStoriesDir = QStringLiteral(QAT_SHARED_DIR "/models/stories260K");

/// Tensor count and parameter sum of a safetensors file, from its JSON header.
struct HeaderTotals {
    int tensors = 0;
    qint64 parameters = 0;
};

HeaderTotals readHeaderTotals(const QString& file) {
    HeaderTotals totals;
    QFile f(file);
    if (!f.open(QIODevice::ReadOnly)) return totals;
    const QByteArray prefix = f.read(8);
    if (prefix.size() != 8) return totals;
    const quint64 length = qFromLittleEndian<quint64>(prefix.constData());
    const QJsonObject header = QJsonDocument::fromJson(f.read(static_cast<qint64>(length))).object();
    for (auto it = header.begin(); it != header.end(); ++it) {
        if (it.key() == QLatin1String("__metadata__")) continue;
        qint64 numel = 1;
        for (const QJsonValue dim : it.value().toObject().value(QLatin1String("shape")).toArray())
            numel *= dim.toInteger();
        totals.parameters += numel;
        ++totals.tensors;
    }
    return totals;
}

QString valueText(const QWidget& root, const char* objectName) {
    const auto* label = root.findChild<QLabel*>(QLatin1String(objectName));
    return label ? label->text() : QStringLiteral("<no %1>").arg(QLatin1String(objectName));
}

int barCount(QCustomPlot& plot) {
    int bars = 0;
    for (int i = 0; i < plot.plottableCount(); ++i)
        if (auto* b = qobject_cast<QCPBars*>(plot.plottable(i))) bars += b->data()->size();
    return bars;
}

} // namespace

class TestModelPage : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void showsStories260K();
    void chartHasOneBarPerBlock();
    void chartShowsUntiedHead();
    void filterNarrowsTensorTable();
    void errorForMissingFolder();
    void errorForFolderWithoutConfig();
    void errorForBrokenConfig();
    void errorThenModelClearsError();
    void remembersRecentModels();
    void droppedFolderOpens();
    void germanTranslation();
    void applicationIcon();

private:
    QTemporaryDir m_settingsDir;
    HeaderTotals m_reference;
};

void TestModelPage::initTestCase() {
    if (!QFile::exists(kStoriesDir + QStringLiteral("/config.json")))
        QSKIP("the shared stories260K model is missing");
    QVERIFY(m_settingsDir.isValid());
    // Keep the user's settings out of it: QSettings files go to a temporary folder.
    qat::test::isolateSettings(m_settingsDir.path());
    QVERIFY(!qat::installTranslators(QStringLiteral("en"))); // English: the source strings

    m_reference = readHeaderTotals(kStoriesDir + QStringLiteral("/model.safetensors"));
    QCOMPARE(m_reference.tensors, 47);
    QCOMPARE(m_reference.parameters, qint64(260032));
}

void TestModelPage::init() {
    QSettings().clear();
}

void TestModelPage::showsStories260K() {
    qat::ModelPage page;
    QVERIFY(page.openFolder(kStoriesDir));
    QVERIFY(page.errorText().isEmpty());
    QCOMPARE(valueText(page, "architectureValue"), QStringLiteral("LlamaForCausalLM"));
    QCOMPARE(valueText(page, "layersValue"), QStringLiteral("5"));
    QCOMPARE(valueText(page, "hiddenSizeValue"), QStringLiteral("64"));
    QCOMPARE(valueText(page, "intermediateSizeValue"), QStringLiteral("172"));
    QCOMPARE(valueText(page, "headsValue"), QStringLiteral("8 / 4"));
    QCOMPARE(valueText(page, "headDimValue"), QStringLiteral("8"));
    QCOMPARE(valueText(page, "vocabValue"), QStringLiteral("512"));
    QCOMPARE(valueText(page, "dtypeValue"), QStringLiteral("F32"));
    QCOMPARE(valueText(page, "tiedEmbeddingsValue"), QStringLiteral("Yes"));
    // The shared tokenizer.model's BOS, as sentencepiece itself reports it.
    QCOMPARE(valueText(page, "tokenizerValue"), QStringLiteral("sentencepiece, BOS <s> (id 1)"));
    QCOMPARE(valueText(page, "parametersValue"), QStringLiteral("260,032"));
    QVERIFY(!valueText(page, "sizeOnDiskValue").isEmpty());

    auto* table = page.findChild<QTableView*>(QStringLiteral("tensorTable"));
    QVERIFY(table);
    QCOMPARE(table->model()->rowCount(), m_reference.tensors);
    // Model order: the embedding first, the final norm last (tied head: no lm_head).
    QCOMPARE(table->model()->index(0, 1).data().toString(), QStringLiteral("model.embed_tokens.weight"));
    QCOMPARE(table->model()->index(0, 2).data().toString(), QStringLiteral("512 \u00d7 64"));
    QCOMPARE(table->model()->index(0, 4).data().toString(), QStringLiteral("32,768"));
    QCOMPARE(table->model()->index(m_reference.tensors - 1, 1).data().toString(),
             QStringLiteral("model.norm.weight"));
}

void TestModelPage::chartHasOneBarPerBlock() {
    qat::ModelPage page;
    QVERIFY(page.openFolder(kStoriesDir));
    auto* chart = page.findChild<qat::ParameterChart*>(QStringLiteral("parameterChart"));
    QVERIFY(chart);
    // Five decoder layers plus the embedding (tied with the head, so no separate head bar).
    QCOMPARE(barCount(*chart), 5 + 1);
    qint64 total = 0;
    for (const qat::ParameterGroup& group : chart->groups())
        total += group.parameters;
    QCOMPARE(total, m_reference.parameters);
    QCOMPARE(chart->groups().front().kind, qat::ParameterGroup::Kind::Embedding);
    QVERIFY(chart->groups().front().tiedHead);
    // Every layer of stories260K: 2 norms (64) + q,o (64x64) + k,v (32x64) + 3 MLP (64x172).
    for (size_t i = 1; i < chart->groups().size(); ++i)
        QCOMPARE(chart->groups()[i].parameters, qint64(2 * 64 + 2 * 4096 + 2 * 2048 + 3 * 11008));
}

void TestModelPage::chartShowsUntiedHead() {
    const QString folder = QStringLiteral(QAT_SHARED_DIR "/models/tiny-random-llama-2");
    if (!QFile::exists(folder + QStringLiteral("/config.json")))
        QSKIP("the shared tiny-random-llama-2 model is missing");
    const HeaderTotals reference = readHeaderTotals(folder + QStringLiteral("/model.safetensors"));
    qat::ModelPage page;
    QVERIFY(page.openFolder(folder));
    QCOMPARE(valueText(page, "tiedEmbeddingsValue"), QStringLiteral("No"));
    QCOMPARE(valueText(page, "tokenizerValue"), QStringLiteral("None"));
    QCOMPARE(valueText(page, "dtypeValue"), QStringLiteral("BF16"));
    QCOMPARE(page.findChild<QTableView*>(QStringLiteral("tensorTable"))->model()->rowCount(),
             reference.tensors);
    auto* chart = page.findChild<qat::ParameterChart*>(QStringLiteral("parameterChart"));
    QVERIFY(chart);
    // Two layers, the embedding and a separate head (lm_head + final norm).
    QCOMPARE(barCount(*chart), 2 + 2);
    QCOMPARE(chart->groups().back().kind, qat::ParameterGroup::Kind::Head);
    QCOMPARE(chart->groups().back().parameters, qint64(3000 * 16 + 16));
    QCOMPARE(chart->groups().front().parameters, qint64(3000 * 16));
    qint64 total = 0;
    for (const qat::ParameterGroup& group : chart->groups())
        total += group.parameters;
    QCOMPARE(total, reference.parameters);
}

void TestModelPage::filterNarrowsTensorTable() {
    qat::ModelPage page;
    QVERIFY(page.openFolder(kStoriesDir));
    auto* filter = page.findChild<QLineEdit*>(QStringLiteral("tensorFilter"));
    auto* table = page.findChild<QTableView*>(QStringLiteral("tensorTable"));
    QVERIFY(filter && table);
    filter->setText(QStringLiteral("Q_PROJ"));
    QCOMPARE(table->model()->rowCount(), 5);
    filter->clear();
    QCOMPARE(table->model()->rowCount(), m_reference.tensors);
}

void TestModelPage::errorForMissingFolder() {
    QTemporaryDir dir;
    const QString missing = dir.path() + QStringLiteral("/no-such-model");
    qat::ModelPage page;
    page.show();
    QVERIFY(!page.openFolder(missing));
    auto* error = page.findChild<QLabel*>(QStringLiteral("errorLabel"));
    QVERIFY(error);
    QVERIFY(error->isVisible());
    QVERIFY2(error->text().contains(missing), qPrintable(error->text()));
    QVERIFY(page.currentFolder().isEmpty());
    QVERIFY(page.summary() == nullptr);
    QCOMPARE(page.findChild<QTableView*>(QStringLiteral("tensorTable"))->model()->rowCount(), 0);
}

void TestModelPage::errorForFolderWithoutConfig() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    qat::ModelPage page;
    page.show();
    QVERIFY(!page.openFolder(dir.path()));
    auto* error = page.findChild<QLabel*>(QStringLiteral("errorLabel"));
    QVERIFY(error && error->isVisible());
    QVERIFY2(error->text().contains(QStringLiteral("config.json")), qPrintable(error->text()));
}

void TestModelPage::errorForBrokenConfig() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QVERIFY(QFile::copy(kStoriesDir + QStringLiteral("/model.safetensors"),
                        dir.filePath(QStringLiteral("model.safetensors"))));
    QFile config(dir.filePath(QStringLiteral("config.json")));
    QVERIFY(config.open(QIODevice::WriteOnly));
    config.write(R"({"architectures": ["LlamaForCausalLM"], "hidden_size": 64, )"); // cut short
    config.close();

    qat::ModelPage page;
    page.show();
    QVERIFY(!page.openFolder(dir.path()));
    auto* error = page.findChild<QLabel*>(QStringLiteral("errorLabel"));
    QVERIFY(error && error->isVisible());
    QVERIFY2(error->text().contains(QStringLiteral("config.json")), qPrintable(error->text()));
    QCOMPARE(page.errorText(), error->text());
    auto* emptyState = page.findChild<QLabel*>(QStringLiteral("emptyState"));
    QVERIFY(emptyState && emptyState->isVisible());
}

void TestModelPage::errorThenModelClearsError() {
    qat::ModelPage page;
    page.show();
    QVERIFY(!page.openFolder(QStringLiteral("/nonexistent/qat-studio-test")));
    QVERIFY(page.findChild<QLabel*>(QStringLiteral("errorLabel"))->isVisible());
    QVERIFY(page.openFolder(kStoriesDir));
    QVERIFY(!page.findChild<QLabel*>(QStringLiteral("errorLabel"))->isVisible());
    QVERIFY(page.errorText().isEmpty());
}

void TestModelPage::remembersRecentModels() {
    QTemporaryDir dir;
    {
        qat::ModelPage page;
        QVERIFY(page.openFolder(kStoriesDir));
        QVERIFY(!page.openFolder(dir.path())); // failures are not remembered
    }
    qat::ModelPage page; // a new page reads the list from QSettings
    auto* combo = page.findChild<QComboBox*>(QStringLiteral("folderCombo"));
    QVERIFY(combo);
    QCOMPARE(combo->count(), 1);
    QCOMPARE(combo->itemData(0).toString(), QDir::cleanPath(QFileInfo(kStoriesDir).absoluteFilePath()));
    QCOMPARE(combo->currentIndex(), -1);
    // Picking the recent entry opens it.
    QSignalSpy opened(&page, &qat::ModelPage::modelOpened);
    Q_EMIT combo->activated(0);
    QCOMPARE(opened.count(), 1);
    QCOMPARE(valueText(page, "architectureValue"), QStringLiteral("LlamaForCausalLM"));
    QCOMPARE(combo->currentIndex(), 0);
}

void TestModelPage::droppedFolderOpens() {
    qat::MainWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QMimeData mime;
    mime.setUrls({QUrl::fromLocalFile(kStoriesDir)});
    QCOMPARE(qat::MainWindow::folderFromMimeData(&mime), QFileInfo(kStoriesDir).absoluteFilePath());

    const QPointF center = QRectF(window.rect()).center();
    QDragEnterEvent enter(center.toPoint(), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(&window, &enter);
    QVERIFY(enter.isAccepted());
    QDropEvent drop(center, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(&window, &drop);
    QVERIFY(drop.isAccepted());
    QCOMPARE(window.modelPage()->currentFolder(), QDir::cleanPath(QFileInfo(kStoriesDir).absoluteFilePath()));
    QCOMPARE(valueText(*window.modelPage(), "layersValue"), QStringLiteral("5"));
    QCOMPARE(window.windowTitle(), QStringLiteral("stories260K"));

    // A dropped file opens its folder; text is refused.
    QMimeData fileMime;
    fileMime.setUrls({QUrl::fromLocalFile(kStoriesDir + QStringLiteral("/config.json"))});
    QCOMPARE(qat::MainWindow::folderFromMimeData(&fileMime), QFileInfo(kStoriesDir).absoluteFilePath());
    QMimeData textMime;
    textMime.setText(QStringLiteral("hello"));
    QVERIFY(qat::MainWindow::folderFromMimeData(&textMime).isEmpty());
}

void TestModelPage::germanTranslation() {
    QVERIFY(qat::installTranslators(QStringLiteral("de")));
    qat::ModelPage page;
    QVERIFY(page.openFolder(kStoriesDir));
    QCOMPARE(valueText(page, "tiedEmbeddingsValue"), QStringLiteral("Ja"));
    QCOMPARE(valueText(page, "parametersValue"), QStringLiteral("260.032"));
    // Switching retranslates the live page (QEvent::LanguageChange, posted to hidden widgets).
    QVERIFY(!qat::installTranslators(QStringLiteral("en")));
    QTRY_COMPARE(valueText(page, "tiedEmbeddingsValue"), QStringLiteral("Yes"));
    QCOMPARE(valueText(page, "parametersValue"), QStringLiteral("260,032"));
    QVERIFY(qat::installTranslators(QStringLiteral("zh_CN")));
    QTRY_COMPARE(valueText(page, "tiedEmbeddingsValue"), QStringLiteral("是"));
    QCOMPARE(valueText(page, "architectureValue"), QStringLiteral("LlamaForCausalLM"));
    QVERIFY(!qat::installTranslators(QStringLiteral("en")));
    QTRY_COMPARE(valueText(page, "tiedEmbeddingsValue"), QStringLiteral("Yes"));
}

void TestModelPage::applicationIcon() {
    const QIcon icon = qat::applicationIcon();
    QVERIFY(!icon.isNull());
    QVERIFY(!icon.pixmap(32, 32).isNull());
}

QTEST_MAIN(TestModelPage)
#include "TestModelPage.moc"
