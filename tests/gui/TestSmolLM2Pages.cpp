// SPDX-License-Identifier: GPL-3.0-or-later
// The app on a real model, SmolLM2-135M-Instruct (tokenizer.json, tied embeddings, grouped-query
// attention), driven as a user would: the Model page's summary and run estimate, Block-AP at
// W2 g64 through the Recipe, Data and Run pages with the C4 sample and WikiText-2, and the run in
// the Results page's table. CI-sized settings: a few windows of 64 tokens.

#include "DataPage.h"
#include "GuiSettings.h"
#include "MainWindow.h"
#include "ModelPage.h"
#include "PageDriver.h"
#include "RecipePage.h"
#include "ResultsModel.h"
#include "ResultsPage.h"
#include "RunEstimate.h"
#include "RunPage.h"
#include "SmolLM2.h"
#include "TestPaths.h"

#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileInfo>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

using namespace qat;

class TestSmolLM2Pages : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_settingsDir, m_workspace;

    static QString valueText(const QWidget& page, const char* name) {
        const auto* label = page.findChild<QLabel*>(QLatin1String(name));
        return label ? label->text() : QStringLiteral("<no %1>").arg(QLatin1String(name));
    }

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(m_settingsDir.isValid() && m_workspace.isValid());
        test::isolateSettings(m_settingsDir.path(), m_workspace.path());
    }

    void quantizeThroughThePages() {
        MainWindow window;
        window.show();
        auto* navigation = window.findChild<QListWidget*>(QStringLiteral("navigation"));
        QVERIFY(navigation);

        // Model: the summary, from config.json and the safetensors header.
        QVERIFY(window.openModel(test::smolLM2Folder()));
        const ModelPage& model = *window.modelPage();
        QCOMPARE(valueText(model, "layersValue"), QStringLiteral("30"));
        QCOMPARE(valueText(model, "hiddenSizeValue"), QStringLiteral("576"));
        QCOMPARE(valueText(model, "intermediateSizeValue"), QStringLiteral("1,536"));
        QCOMPARE(valueText(model, "headsValue"), QStringLiteral("9 / 3"));
        QCOMPARE(valueText(model, "headDimValue"), QStringLiteral("64"));
        QCOMPARE(valueText(model, "vocabValue"), QStringLiteral("49,152"));
        QCOMPARE(valueText(model, "tiedEmbeddingsValue"), QStringLiteral("Yes"));
        // tokenizer_config.json: bos_token <|im_start|>, id 1 in tokenizer.json's added tokens.
        QCOMPARE(valueText(model, "tokenizerValue"),
                 QStringLiteral("tokenizer.json, BOS <|im_start|> (id 1)"));
        // Embedding 49152 x 576 (tied head) + 30 x (2 norms + q, o 576 x 576 + k, v 192 x 576 +
        // gate, up, down 576 x 1536) + the final norm.
        const qint64 parameters =
            49152LL * 576 + 30LL * (2 * 576 + 2 * 576 * 576 + 2 * 192 * 576 + 3 * 576 * 1536) + 576;
        QCOMPARE(valueText(model, "parametersValue"), QLocale(QLocale::English).toString(parameters));

        // Recipe: Block-AP W2 g64, one epoch. Data: the C4 sample and WikiText-2.
        test::chooseRecipe(window, {Method::BlockAp, 2, 64, 1, 1e-4, 1e-3});
        test::chooseData(window, {test::sharedPath("data/c4/c4-train-sample-1000.jsonl"),
                                  test::sharedPath("data/wikitext-2-raw/wiki.test.raw"), 64, 8, 2, 1});
        // Counted with the model's tokenizer.json. ../shared's README: 497,997 tokens when the
        // 1000 texts are joined into one; the page encodes each on its own with a BOS in front.
        const DataPage* data = window.dataPage();
        QVERIFY2(std::abs(data->calibrationTokens() - 497997) < 5000, qPrintable(data->previewText()));

        // Run
        navigation->setCurrentRow(3);
        RunPage* run = window.runPage();
        QVERIFY(run->job().has_value());
        QCOMPARE(run->job()->method, Method::BlockAp);
        QSignalSpy finished(run, &RunPage::runFinished);
        auto* start = run->findChild<QPushButton*>(QStringLiteral("startButton"));
        QVERIFY(start->isEnabled());
        QTest::mouseClick(start, Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 900000);
        const RunOutcome outcome = run->lastOutcome();
        QVERIFY2(outcome.ok(), qPrintable(outcome.message));
        QCOMPARE(outcome.stages, (QStringList{"fp", "block-ap"}));
        const double fp = outcome.perplexity.at(0).at(0), quantized = outcome.perplexity.at(1).at(0);
        qInfo("SmolLM2 through the pages: fp %.4f, Block-AP W2 g64 %.4f", fp, quantized);
        QVERIFY(fp > 5 && fp < 50);
        QVERIFY(quantized > fp && std::isfinite(quantized));

        // The run estimate the Model page showed: the run folder within 25% of what was written.
        const RunEstimate estimate = estimateRun(*model.summary(), *run->job());
        qint64 written = QFileInfo(outcome.runFolder + "/quantized.safetensors").size();
        for (const QFileInfo& f : QDir(outcome.runFolder + "/blocks").entryInfoList(QDir::Files))
            written += f.size();
        qInfo("run folder: estimated %.0f bytes, written %lld", estimate.diskBytes,
              static_cast<long long>(written));
        QVERIFY(std::abs(estimate.diskBytes - written) < 0.25 * written);
        QCOMPARE(estimate.modelBytes, 4.0 * parameters);
        QVERIFY(!valueText(model, "estimateMemoryValue").isEmpty());
        QVERIFY(valueText(model, "estimateBasisLabel").contains(QStringLiteral("block-ap W2 g64")));

        // Results: the run, with the numbers the Run page got.
        navigation->setCurrentRow(4);
        const ResultsModel& table = *window.resultsPage()->model();
        QCOMPARE(table.runs().size(), 1);
        int seen = 0;
        for (int r = 0; r < table.rowCount(); ++r) {
            const double ppl =
                table.index(r, ResultsModel::FirstPerplexityColumn).data(ResultsModel::RawRole).toDouble();
            if (table.rows()[r].stage == QLatin1String("fp")) {
                QCOMPARE(ppl, fp);
                ++seen;
            }
            if (table.rows()[r].stage == QLatin1String("block-ap")) {
                QCOMPARE(ppl, quantized);
                QCOMPARE(table.index(r, ResultsModel::MethodColumn).data().toString(),
                         QStringLiteral("Block-AP W2 g64"));
                ++seen;
            }
        }
        QCOMPARE(seen, 2);
    }
};

QAT_SMOLLM2_TEST_MAIN(QApplication, TestSmolLM2Pages)
#include "TestSmolLM2Pages.moc"
