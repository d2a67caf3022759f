// SPDX-License-Identifier: GPL-3.0-or-later
// Zero-shot accuracy of SmolLM2-135M through `qat-cli eval --tasks` against lm-evaluation-harness's
// Hugging Face backend on the same converted model (fixture smollm2_zeroshot_reference,
// tests/model/lmeval_reference.py): every item's prediction (acc and acc_norm) equals lm-eval's,
// a disagreement allowed only where lm-eval's two best choices tie within 1e-6 in log-likelihood;
// the log-likelihoods themselves within float32 noise. Also: --add-bos puts <|im_start|> in front
// (the log-likelihoods change), a malformed task file fails the command naming file and line.
#include "CliProcess.h"
#include "SmolLM2.h"
#include "TestPaths.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <cmath>

namespace {

QString referenceFile() {
    return QDir(QString::fromUtf8(QAT_BINARY_DIR))
        .filePath(QStringLiteral("models/smollm2-zeroshot-reference.json"));
}

QJsonObject readJson(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return {};
    return QJsonDocument::fromJson(f.readAll()).object();
}

std::vector<double> doubles(const QJsonValue& v) {
    std::vector<double> out;
    for (const QJsonValue& x : v.toArray())
        out.push_back(x.toDouble());
    return out;
}

// Gap between the two best entries of `v` after dividing by `div` (all ones when empty).
double topGap(std::vector<double> v, const std::vector<double>& div = {}) {
    for (size_t i = 0; i < div.size(); ++i)
        v[i] /= div[i];
    std::sort(v.begin(), v.end(), std::greater<>());
    return v.size() < 2 ? INFINITY : v[0] - v[1];
}

} // namespace

class TestZeroShot : public QObject {
    Q_OBJECT

private:
    using Result = qat::test::CliResult;
    static QJsonObject json(const Result& r) { return QJsonDocument::fromJson(r.out.toUtf8()).object(); }
    static QString model() { return qat::test::smolLM2Folder(); }
    static QString taskDir() { return qat::test::sharedPath("data/zeroshot"); }

private Q_SLOTS:
    void initTestCase() { QVERIFY2(QFile::exists(qEnvironmentVariable("QAT_CLI")), "QAT_CLI is not set"); }

    void accuracyMatchesLmEvalItemByItem() {
        const QJsonObject ref = readJson(referenceFile());
        if (ref.isEmpty()) QFAIL("no lm-eval reference (fixture smollm2_zeroshot_reference)");
        const QJsonObject question = ref["question"].toObject();
        QCOMPARE(question["add_bos"].toBool(), false);
        const int limit = question["limit"].toInt();
        QVERIFY(limit > 0);
        const Result r =
            qat::test::runCli({"eval", "-m", model(), "--tasks", question["tasks"].toString(), "--task-dir",
                               taskDir(), "--limit", QString::number(limit), "--log-samples", "--json"},
                              3600 * 1000);
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const QJsonObject all = json(r);
        const QJsonObject ours = all["tasks"].toObject();
        const QJsonObject theirs = ref["tasks"].toObject();
        QCOMPARE(ours.keys(), theirs.keys());
        double worstLl = 0;
        int items = 0;
        for (const QString& task : theirs.keys()) {
            const QJsonObject t = theirs[task].toObject();
            const QJsonObject o = ours[task].toObject();
            const QJsonArray refSamples = t["samples"].toArray();
            const QJsonArray samples = o["samples"].toArray();
            QCOMPARE(samples.size(), refSamples.size());
            QCOMPARE(o["items"].toInt(), t["items"].toInt());
            const bool norm = t.contains("acc_norm");
            QCOMPARE(o.contains("acc_norm"), norm);
            int ties = 0;
            for (qsizetype i = 0; i < samples.size(); ++i) {
                const QJsonObject s = samples[i].toObject();
                const QJsonObject rs = refSamples[i].toObject();
                const QString where =
                    QStringLiteral("%1 item %2 (id %3)").arg(task).arg(i).arg(rs["id"].toString());
                QCOMPARE(s["id"].toString(), rs["id"].toString());
                const auto ll = doubles(s["loglikelihoods"]);
                const auto refLl = doubles(rs["loglikelihoods"]);
                QVERIFY2(ll.size() == refLl.size(), qPrintable(where));
                for (size_t c = 0; c < ll.size(); ++c) {
                    const double diff = std::abs(ll[c] - refLl[c]);
                    worstLl = std::max(worstLl, diff / std::max(1.0, std::abs(refLl[c])));
                    QVERIFY2(diff <= 1e-3 * std::max(1.0, std::abs(refLl[c])),
                             qPrintable(where + QStringLiteral(": choice %1 log-likelihood %2, lm-eval %3")
                                                    .arg(c)
                                                    .arg(ll[c], 0, 'g', 10)
                                                    .arg(refLl[c], 0, 'g', 10)));
                }
                if (s["predicted"].toInt() != rs["predicted"].toInt()) {
                    QVERIFY2(topGap(refLl) <= 1e-6, qPrintable(where + ": acc prediction differs"));
                    ++ties;
                }
                if (norm && s["predicted_norm"].toInt() != rs["predicted_norm"].toInt()) {
                    QVERIFY2(topGap(refLl, doubles(rs["norm_len"])) <= 1e-6,
                             qPrintable(where + ": acc_norm prediction differs"));
                    ++ties;
                }
            }
            items += static_cast<int>(samples.size());
            if (ties == 0) QCOMPARE(o["acc"].toDouble(), t["acc"].toDouble());
            if (norm && ties == 0) QCOMPARE(o["acc_norm"].toDouble(), t["acc_norm"].toDouble());
            QVERIFY(std::abs(o["acc_stderr"].toDouble() - t["acc_stderr"].toDouble()) <= 1e-12 || ties > 0);
            qInfo("%-13s items 0-%d: acc %.4f (lm-eval %.4f)%s, %d tied items; %.1f items/s (lm-eval %.1f "
                  "items/s)",
                  qPrintable(task), int(samples.size()) - 1, o["acc"].toDouble(), t["acc"].toDouble(),
                  norm ? qPrintable(QStringLiteral(", acc_norm %1 (lm-eval %2)")
                                        .arg(o["acc_norm"].toDouble(), 0, 'f', 4)
                                        .arg(t["acc_norm"].toDouble(), 0, 'f', 4))
                       : "",
                  ties, o["items_per_second"].toDouble(), t["items"].toDouble() / t["seconds"].toDouble());
        }
        qInfo("%d items compared; largest log-likelihood difference %.2e (relative above 1)", items, worstLl);
    }

    // --add-bos: <|im_start|> in front of every request; lm-eval 0.4.13's HFLM with add_bos_token
    // scores the same, so only the size of the change is checked here: it moves the scores.
    void addBosChangesTheScores() {
        const QStringList base = {"eval",    "-m",      model(), "--tasks",       "arc_easy", "--task-dir",
                                  taskDir(), "--limit", "3",     "--log-samples", "--json"};
        const Result plain = qat::test::runCli(base);
        const Result bos = qat::test::runCli(base + QStringList{"--add-bos"});
        QVERIFY2(plain.code == 0 && bos.code == 0, qPrintable(plain.err + bos.err));
        const QJsonObject pj = json(plain), bj = json(bos);
        QCOMPARE(bj["add_bos"].toBool(), true);
        const auto a = doubles(pj["tasks"]["arc_easy"]["samples"][0]["loglikelihoods"]);
        const auto b = doubles(bj["tasks"]["arc_easy"]["samples"][0]["loglikelihoods"]);
        QCOMPARE(a.size(), b.size());
        QVERIFY(std::abs(a[0] - b[0]) > 1e-4);
    }

    // quantize --eval-tasks: eval.json holds each stage's accuracies; full precision's are
    // lm-eval's on the same items (from the reference's per-item predictions).
    void quantizeScoresEachStage() {
        const QJsonObject ref = readJson(referenceFile());
        if (ref.isEmpty()) QFAIL("no lm-eval reference (fixture smollm2_zeroshot_reference)");
        const int limit = std::min(20, ref["question"]["limit"].toInt());
        QTemporaryDir dir;
        const QString out = dir.filePath("rtn-w4g128");
        const Result r =
            qat::test::runCli({"quantize", "-m", model(), "--method", "rtn", "--bits", "4", "--group", "128",
                               "--eval-tasks", "arc_easy,winogrande", "--task-dir", taskDir(), "--task-limit",
                               QString::number(limit), "-o", out},
                              1800 * 1000);
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains("arc_easy") && r.out.contains("zero-shot acc"), qPrintable(r.out));
        const QJsonObject eval = readJson(out + "/eval.json");
        QCOMPARE(eval["zero_shot"]["tasks"].toArray(), (QJsonArray{"arc_easy", "winogrande"}));
        QCOMPARE(eval["zero_shot"]["limit"].toInt(), limit);
        const QJsonArray stages = eval["stages"].toArray();
        QCOMPARE(stages.size(), 2);
        QCOMPARE(stages[0]["stage"].toString(), QStringLiteral("fp"));
        QCOMPARE(stages[1]["stage"].toString(), QStringLiteral("rtn"));
        for (const char* name : {"arc_easy", "winogrande"}) {
            const QString task = QString::fromLatin1(name);
            const QJsonArray samples = ref["tasks"][task]["samples"].toArray();
            int hits = 0;
            for (int i = 0; i < limit; ++i)
                hits += samples[i]["predicted"].toInt() == samples[i]["gold"].toInt();
            const QJsonObject fp = stages[0]["tasks"][task].toObject();
            QCOMPARE(fp["items"].toInt(), limit);
            QCOMPARE(fp["acc"].toDouble(), double(hits) / limit);
            const double q = stages[1]["tasks"][task]["acc"].toDouble();
            QVERIFY(q >= 0 && q <= 1);
            qInfo("%s, first %d items: fp acc %.3f (lm-eval %.3f), RTN W4 g128 %.3f", qPrintable(task), limit,
                  fp["acc"].toDouble(), double(hits) / limit, q);
        }
    }

    // A bad task file stops quantize before anything runs: no run folder is made.
    void quantizeRefusesABadTaskFileFirst() {
        QTemporaryDir dir;
        QFile f(dir.filePath("boolq.jsonl"));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(R"({"id": "0", "context": "Q", "choices": [], "gold": 0, "norm_len": []})"
                "\n");
        f.close();
        const QString out = dir.filePath("run");
        const Result r = qat::test::runCli({"quantize", "-m", model(), "--method", "rtn", "--eval-tasks",
                                            "boolq", "--task-dir", dir.path(), "-o", out});
        QVERIFY(r.code != 0);
        QVERIFY2(r.err.contains(dir.filePath("boolq.jsonl") + ": line 1") && r.err.contains("'choices'"),
                 qPrintable(r.err));
        QVERIFY(!QFileInfo::exists(out));
        const Result noDir = qat::test::runCli(
            {"quantize", "-m", model(), "--method", "rtn", "--eval-tasks", "all", "-o", out});
        QVERIFY(noDir.code != 0);
        QVERIFY2(noDir.err.contains("--task-dir"), qPrintable(noDir.err));
    }

    void malformedTaskFileNamesFileAndLine() {
        QTemporaryDir dir;
        QFile f(dir.filePath("piqa.jsonl"));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(R"({"id": "0", "context": "Q", "choices": [" a", " b"], "gold": 0, "norm_len": [1, 1]})"
                "\n"
                R"({"id": "1", "context": "Q", "choices": [" a", " b"], "norm_len": [1, 1]})"
                "\n");
        f.close();
        const Result r =
            qat::test::runCli({"eval", "-m", model(), "--tasks", "piqa", "--task-dir", dir.path()});
        QVERIFY(r.code != 0);
        QVERIFY2(r.err.contains(dir.filePath("piqa.jsonl") + ": line 2") && r.err.contains("'gold'"),
                 qPrintable(r.err));
        const Result unknown =
            qat::test::runCli({"eval", "-m", model(), "--tasks", "mmlu", "--task-dir", dir.path()});
        QVERIFY(unknown.code != 0);
        QVERIFY2(unknown.err.contains("'mmlu'"), qPrintable(unknown.err));
    }
};

QAT_SMOLLM2_TEST_MAIN(QCoreApplication, TestZeroShot)
#include "TestZeroShot.moc"
