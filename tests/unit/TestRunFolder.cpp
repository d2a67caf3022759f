// SPDX-License-Identifier: GPL-3.0-or-later
// Reading a run folder back (RunFolder): a folder written by RunDirectory, MetricsWriter and
// the job's configuration read field by field; sessions and stage times from the events of
// a resumed run (and from files written before sessions were marked); malformed files
// refused naming the file and the field (or line).
#include "qat/Progress.h"
#include "qat/QuantizeJob.h"
#include "qat/RunDirectory.h"
#include "qat/RunFolder.h"

#include "TestPaths.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

using namespace qat;
namespace fs = std::filesystem;

namespace {

fs::path fsPath(const QString& p) {
    return fs::path(p.toStdString());
}

bool writeFile(const QString& path, const QByteArray& bytes) {
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly)) return false;
    return f.write(bytes) == bytes.size();
}

QString stories() {
    return test::sharedPath("models/stories260K");
}

// One metrics.jsonl line at Unix time `t`.
QByteArray line(const ProgressEvent& e, double t) {
    return QByteArray::fromStdString(eventToJson(e, t)) + "\n";
}

const QByteArray kRunJson = R"({"format":"qat-studio-run","format_version":1,"created":"2026-01-01T00:00:00Z",
  "model":{"folder":"/models/m","fingerprint":"fnv1a64:0000000000000001"},
  "config":{"model":"/models/m","method":"rtn","bits":4,"group":64}})";

} // namespace

class TestRunFolder : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void init() {
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
    }

    // A folder as the job writes it: RunDirectory's run.json with jobConfigJson's config,
    // MetricsWriter's events, eval.json and checkpoints.
    void readsWhatTheRunWrote() {
        if (!QFile::exists(stories() + "/config.json"))
            QSKIP("stories260K is missing from the shared folder");
        const QString folder = m_dir->filePath("run");
        QuantizeJob job;
        job.model = fsPath(stories());
        job.tokenizer = fsPath(stories() + "/tokenizer.model");
        job.method = Method::BlockAp;
        job.spec = QuantSpec{3, 32};
        job.evalFiles = {fsPath(m_dir->filePath("eval.txt"))};
        job.evalSeqlen = 128;
        job.evalMaxWindows = 8;
        RunSpec spec;
        spec.configJson = jobConfigJson(job);
        spec.modelFolder = job.model;
        spec.appVersion = "9.9.9-test";
        auto run = RunDirectory::openOrCreate(fsPath(folder), spec);
        {
            MetricsWriter metrics(run->metricsPath());
            metrics.onRunStarted(RunStarted{false});
            metrics.onPhase(PhaseChanged{Phase::BlockAp, 0, 1});
            metrics.onBlockFinished(BlockFinished{0, 0.5, 0.25, 1.0});
            metrics.onEvalResult(EvalResult{"eval.txt", 4.25, 8, 128, "block-ap"});
            metrics.onRunEnded(RunEnded{ErrorKind::None, ""});
        }
        run->writeEvalJson(
            R"({"seqlen":128,"max_windows":8,"files":[")" + job.evalFiles[0].string() +
            R"("],"stages":[{"stage":"fp","results":{"eval.txt":{"perplexity":3.5,"windows":8}}},)"
            R"({"stage":"block-ap","results":{"eval.txt":{"perplexity":null,"windows":8}}}]})");
        for (const char* f : {"blocks/block-000.safetensors", "blocks/block-001.safetensors",
                              "blocks/block-003.safetensors", "quantized.safetensors"})
            QVERIFY(writeFile(QDir(folder).filePath(f), "x"));

        RunFolder r;
        const Status st = RunFolder::read(fsPath(folder), r);
        QVERIFY2(st.ok(), st.message.c_str());
        QCOMPARE(r.layout.runJson(), run->runJsonPath());
        QCOMPARE(r.layout.quantizedState(), run->quantizedStatePath());
        QCOMPARE(r.modelFolder, fs::absolute(job.model).lexically_normal());
        QCOMPARE(r.tokenizer, fs::absolute(job.tokenizer).lexically_normal());
        QCOMPARE(r.modelFingerprint, run->modelFingerprint());
        QCOMPARE(r.appVersion, std::string("9.9.9-test"));
        QCOMPARE(r.libtorchVersion, libtorchVersion());
        QVERIFY(!r.created.empty());
        QCOMPARE(r.method, std::string("block-ap"));
        QCOMPARE(r.bits, 3);
        QCOMPARE(r.groupSize, int64_t(32));
        QCOMPARE(r.device, std::string("cpu"));
        QCOMPARE(r.dtype, std::string("float32"));
        QCOMPARE(r.evalFiles.size(), size_t(1));
        QCOMPARE(r.evalSeqlen, int64_t(128));
        QCOMPARE(r.evalMaxWindows, int64_t(8));
        // The configuration gives the job back, tokenizer included.
        QuantizeJob again;
        QVERIFY(applyJobConfig(r.configJson, "run.json", again).ok());
        QCOMPARE(again.tokenizer, r.tokenizer);
        QCOMPARE(again.method, Method::BlockAp);
        // eval.json.
        QVERIFY(r.eval.has_value());
        QCOMPARE(r.eval->seqlen, int64_t(128));
        QCOMPARE(r.eval->stages.size(), size_t(2));
        QCOMPARE(r.eval->stages[0].stage, std::string("fp"));
        QCOMPARE(r.eval->stages[0].results.at("eval.txt").perplexity, 3.5);
        QVERIFY(std::isnan(r.eval->stages[1].results.at("eval.txt").perplexity));
        // Events, one session, checkpoints, state.
        QCOMPARE(r.events.size(), size_t(5));
        QCOMPARE(r.eventTimes.size(), size_t(5));
        QVERIFY(std::holds_alternative<RunStarted>(r.events.front()));
        QCOMPARE(r.sessions.size(), size_t(1));
        QVERIFY(!r.sessions[0].resumed);
        QVERIFY(r.sessions[0].outcome == ErrorKind::None);
        QVERIFY(r.activeSeconds() >= 0 && r.activeSeconds() < 60);
        QVERIFY(r.stageSeconds.count("block-ap"));
        QCOMPARE(r.lastPhase, std::optional<Phase>(Phase::BlockAp));
        QCOMPARE(r.blocksDone(), int64_t(2)); // 0 and 1; 3 is after a gap
        QVERIFY(!r.hasE2eCheckpoint);
        QVERIFY(r.hasQuantizedState);
        QCOMPARE(r.state, RunState::Complete);
        QCOMPARE(std::string(runStateName(r.state)), std::string("complete"));
    }

    // A run cancelled, then resumed to the end: two sessions from the RunStarted / RunEnded
    // events; the stages' active seconds leave out the time between the sessions.
    void sessionsOfAResumedRun() {
        const QString folder = m_dir->filePath("resumed");
        QVERIFY(writeFile(folder + "/run.json", kRunJson));
        QByteArray metrics = line(RunStarted{false}, 1000.0) + line(LogLine{"calibration"}, 1001.0) +
                             line(EvalResult{"eval.txt", 3.5, 8, 128, "fp"}, 1010.0) +
                             line(BlockStarted{0, 2}, 1011.0) +
                             line(RunEnded{ErrorKind::Cancelled, "cancelled"}, 1020.0);
        QVERIFY(writeFile(folder + "/metrics.jsonl", metrics));
        RunFolder r;
        QVERIFY(RunFolder::read(fsPath(folder), r).ok());
        QCOMPARE(r.state, RunState::Cancelled);
        QCOMPARE(r.sessions.size(), size_t(1));
        QCOMPARE(r.activeSeconds(), 20.0);

        // The second session starts an hour later and completes.
        metrics += line(RunStarted{true}, 4600.0) + line(EvalResult{"eval.txt", 3.5, 8, 128, "fp"}, 4605.0) +
                   line(PhaseChanged{Phase::RoundToNearest, 0, 1}, 4606.0) +
                   line(EvalResult{"eval.txt", 3.9, 8, 128, "rtn"}, 4630.0) + line(RunEnded{}, 4631.0);
        QVERIFY(writeFile(folder + "/metrics.jsonl", metrics));
        QVERIFY(writeFile(folder + "/quantized.safetensors", "x"));
        QVERIFY(RunFolder::read(fsPath(folder), r).ok());
        QCOMPARE(r.sessions.size(), size_t(2));
        QCOMPARE(r.sessions[0].start, 1000.0);
        QCOMPARE(r.sessions[0].end, 1020.0);
        QVERIFY(!r.sessions[0].resumed);
        QVERIFY(r.sessions[0].outcome == ErrorKind::Cancelled);
        QCOMPARE(r.sessions[1].start, 4600.0);
        QCOMPARE(r.sessions[1].end, 4631.0);
        QVERIFY(r.sessions[1].resumed);
        QCOMPARE(r.activeSeconds(), 20.0 + 31.0);
        QCOMPARE(r.stageSeconds.at("fp"), 20.0 + 5.0); // its last result: in the second session
        QCOMPARE(r.stageSeconds.at("rtn"), 20.0 + 30.0);
        QCOMPARE(r.state, RunState::Complete);
        QCOMPARE(r.lastPhase, std::optional<Phase>(Phase::RoundToNearest));

        // A session that ends with an error leaves the run failed; one killed, partial.
        QVERIFY(writeFile(folder + "/metrics.jsonl",
                          metrics + line(RunStarted{true}, 5000.0) +
                              line(RunEnded{ErrorKind::NonFinite, "NaN loss"}, 5001.0)));
        QVERIFY(RunFolder::read(fsPath(folder), r).ok());
        QCOMPARE(r.state, RunState::Failed);
        QCOMPARE(r.sessions.back().message, std::string("NaN loss"));
        QVERIFY(QFile::remove(folder + "/quantized.safetensors"));
        QVERIFY(writeFile(folder + "/metrics.jsonl",
                          metrics + line(RunStarted{true}, 5000.0) + line(BlockStarted{0, 2}, 5002.0)));
        QVERIFY(RunFolder::read(fsPath(folder), r).ok());
        QCOMPARE(r.state, RunState::Partial);
        QVERIFY(!r.sessions.back().outcome.has_value());
        QCOMPARE(r.sessions.size(), size_t(3));
    }

    // metrics.jsonl written before RunStarted existed: one session from the first event to
    // the last, results without a stage; no timestamps at all: no time.
    void olderMetricsFiles() {
        const QString folder = m_dir->filePath("old");
        QVERIFY(writeFile(folder + "/run.json", kRunJson));
        QVERIFY(writeFile(
            folder + "/metrics.jsonl",
            R"({"event":"log","time":100.0,"text":"evaluation: fp"})"
            "\n"
            R"({"event":"eval_result","time":110.0,"dataset":"eval.txt","perplexity":3.5,"windows":8,"seqlen":128})"
            "\n"
            R"({"event":"log","time":500.0,"text":"resuming /x: no block done yet"})"
            "\n"
            R"({"event":"log","time":510.0,"text":"done"})"
            "\n"));
        RunFolder r;
        const Status st = RunFolder::read(fsPath(folder), r);
        QVERIFY2(st.ok(), st.message.c_str());
        QCOMPARE(r.sessions.size(), size_t(1));
        QCOMPARE(r.activeSeconds(), 410.0);
        QVERIFY(r.stageSeconds.empty());
        QCOMPARE(std::get<EvalResult>(r.events[1]).stage, std::string());
        QCOMPARE(r.state, RunState::Partial);

        QVERIFY(writeFile(folder + "/metrics.jsonl",
                          QByteArray::fromStdString(eventToJson(LogLine{"no time"})) + "\n"));
        QVERIFY(RunFolder::read(fsPath(folder), r).ok());
        QCOMPARE(r.events.size(), size_t(1));
        QVERIFY(std::isnan(r.eventTimes[0]));
        QVERIFY(r.sessions.empty());
        QVERIFY(std::isnan(r.activeSeconds()));

        // Neither metrics.jsonl nor eval.json: no error.
        QVERIFY(QFile::remove(folder + "/metrics.jsonl"));
        QVERIFY(RunFolder::read(fsPath(folder), r).ok());
        QVERIFY(r.events.empty() && !r.eval.has_value());
        // A hand-written run.json without "format" or "model" (config.model gives the model).
        QVERIFY(
            writeFile(folder + "/run.json", R"({"config":{"model":"/models/m","method":"rtn","bits":3}})"));
        QVERIFY(RunFolder::read(fsPath(folder), r).ok());
        QCOMPARE(r.modelFolder, fs::path("/models/m"));
        QCOMPARE(r.bits, 3);
    }

    void newEventsRoundTrip() {
        for (const ProgressEvent& e :
             {ProgressEvent(RunStarted{true}), ProgressEvent(RunStarted{false}),
              ProgressEvent(RunEnded{ErrorKind::Cancelled, "cancelled by the user"}),
              ProgressEvent(RunEnded{}), ProgressEvent(RunEnded{ErrorKind::OutOfMemory, "CUDA"}),
              ProgressEvent(EvalResult{"eval.txt", 3.25, 4, 128, "block-ap+e2e-qp"})}) {
            const std::string text = eventToJson(e, 12.5);
            std::optional<double> time;
            const ProgressEvent back = eventFromJson(text, &time);
            QCOMPARE(back.index(), e.index());
            QCOMPARE(eventToJson(back, 12.5), text);
            QCOMPARE(time, std::optional<double>(12.5));
        }
        QCOMPARE(eventToJson(RunStarted{true}), std::string(R"({"event":"run_started","resumed":true})"));
        QCOMPARE(eventToJson(RunEnded{ErrorKind::NonFinite, "NaN"}),
                 std::string(R"({"event":"run_ended","outcome":"non_finite","message":"NaN"})"));
        // A result outside a job has no stage field.
        QVERIFY(eventToJson(EvalResult{"eval.txt", 3.25, 4, 128}).find("stage") == std::string::npos);
        QCOMPARE(std::string(eventName(RunEnded{})), std::string("run_ended"));
    }

    void malformedRefused_data() {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<int>("kind");
        QTest::addColumn<QString>("mentions");
        const int bad = int(ErrorKind::BadInput);
        QTest::newRow("no run.json") << QString() << QByteArray() << bad << "not a run folder (no run.json)";
        QTest::newRow("run.json not JSON")
            << "run.json" << QByteArray("{\"config\":") << bad << "run.json: not valid JSON";
        QTest::newRow("run.json an array")
            << "run.json" << QByteArray("[1]") << bad << "run.json: not a QAT Studio run file";
        QTest::newRow("no config") << "run.json" << QByteArray(R"({"format":"qat-studio-run"})") << bad
                                   << "run.json: field config: missing";
        QTest::newRow("config not an object") << "run.json" << QByteArray(R"({"config":[]})") << bad
                                              << "run.json: field config: expected an object";
        QTest::newRow("another format") << "run.json" << QByteArray(R"({"format":"other","config":{}})")
                                        << bad << "run.json: field format";
        QTest::newRow("newer format")
            << "run.json" << QByteArray(R"({"format":"qat-studio-run","format_version":7,"config":{}})")
            << int(ErrorKind::Unsupported) << "run format 7";
        QTest::newRow("bits a string") << "run.json" << QByteArray(R"({"config":{"bits":"four"}})") << bad
                                       << "run.json: field config.bits: expected an integer";
        QTest::newRow("model folder a number")
            << "run.json" << QByteArray(R"({"model":{"folder":5},"config":{}})") << bad
            << "run.json: field model.folder: expected a string";
        QTest::newRow("tokenizer a number") << "run.json" << QByteArray(R"({"config":{"tokenizer":1}})")
                                            << bad << "run.json: field config.tokenizer: expected a string";
        QTest::newRow("eval files not names")
            << "run.json" << QByteArray(R"({"config":{"eval":{"files":[1]}}})") << bad
            << "run.json: field config.eval.files";
        QTest::newRow("eval.json not JSON")
            << "eval.json" << QByteArray("{") << bad << "eval.json: not valid JSON";
        QTest::newRow("eval.json perplexity a string")
            << "eval.json"
            << QByteArray(R"({"stages":[{"stage":"fp","results":{"eval.txt":{"perplexity":"low"}}}]})") << bad
            << "eval.json: field stages[0].results.eval.txt.perplexity: expected a number";
        QTest::newRow("eval.json stages not an array") << "eval.json" << QByteArray(R"({"stages":{}})") << bad
                                                       << "eval.json: field stages: expected an array";
        QTest::newRow("metrics bad line")
            << "metrics.jsonl" << QByteArray("{\"event\":\"run_started\",\"resumed\":false}\nnonsense\n")
            << bad << "metrics.jsonl:2";
        QTest::newRow("metrics unknown outcome")
            << "metrics.jsonl"
            << QByteArray("{\"event\":\"run_ended\",\"outcome\":\"great\",\"message\":\"\"}\n") << bad
            << "metrics.jsonl:1: event \"run_ended\": unknown outcome";
        QTest::newRow("metrics resumed not a bool")
            << "metrics.jsonl" << QByteArray("{\"event\":\"run_started\",\"resumed\":1}\n") << bad
            << "field \"resumed\"";
    }

    void malformedRefused() {
        QFETCH(QString, file);
        QFETCH(QByteArray, content);
        QFETCH(int, kind);
        QFETCH(QString, mentions);
        const QString folder = m_dir->filePath("bad");
        QVERIFY(QDir().mkpath(folder));
        if (!file.isEmpty()) {
            if (file != "run.json") QVERIFY(writeFile(folder + "/run.json", kRunJson));
            QVERIFY(writeFile(folder + "/" + file, content));
        }
        RunFolder r;
        const Status st = RunFolder::read(fsPath(folder), r);
        QCOMPARE(int(st.kind), kind);
        QVERIFY2(QString::fromStdString(st.message).contains(mentions), st.message.c_str());
        if (!file.isEmpty())
            QVERIFY2(QString::fromStdString(st.message).contains(folder), st.message.c_str());
    }

private:
    std::unique_ptr<QTemporaryDir> m_dir;
};

QTEST_GUILESS_MAIN(TestRunFolder)
#include "TestRunFolder.moc"
