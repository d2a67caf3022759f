// SPDX-License-Identifier: GPL-3.0-or-later
// Run folders: progress events as JSON lines (both ways), run.json created and reopened,
// configuration mismatches named by field, metrics.jsonl, atomic writes and resume points.
#include "qat/Progress.h"
#include "qat/RunDirectory.h"
#include "qat/Status.h"

#include "TestPaths.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <limits>

using qat::ErrorKind;

Q_DECLARE_METATYPE(qat::ProgressEvent)

namespace {

std::filesystem::path fsPath(const QString& p) {
    return std::filesystem::path(p.toStdString());
}

bool writeFile(const QString& path, const QByteArray& bytes) {
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly)) return false;
    return f.write(bytes) == bytes.size();
}

QByteArray readFile(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return {};
    return f.readAll();
}

QString stories() {
    return qat::test::sharedPath("models/stories260K");
}

const char* kConfig = R"({"method":"efficientqat","bits":2,"group_size":64,
  "block_ap":{"lr":0.0001,"epochs":2,"train_windows":[4096,64]},"device":"cpu"})";

qat::RunSpec spec(const std::string& config = kConfig) {
    qat::RunSpec s;
    s.configJson = config;
    s.modelFolder = fsPath(stories());
    s.appVersion = "0.1.0-test";
    return s;
}

// Runs fn, expecting a qat::Error of `kind`; returns its message ("" when none was thrown).
template <class Fn> QString expectError(Fn&& fn, ErrorKind kind, bool* ok) {
    try {
        fn();
    } catch (const qat::Error& e) {
        *ok = e.kind() == kind;
        return QString::fromStdString(e.what());
    }
    *ok = false;
    return {};
}

} // namespace

class TestRunDirectory : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void init();
    void eventRoundTrip_data();
    void eventRoundTrip();
    void eventJsonFields();
    void badEventLine_data();
    void badEventLine();
    void phaseNames();
    void multiSinkForwardsAndCancels();
    void createThenReopen();
    void configMismatchNamesField_data();
    void configMismatchNamesField();
    void resumableFieldsMayDiffer();
    void differentModelRefused();
    void foreignFolderRefused();
    void metricsAppendedAndParsedBack();
    void tornLastLine();
    void atomicWrite();
    void blockCheckpointNames();
    void lastFinishedBlock_data();
    void lastFinishedBlock();
    void fingerprintTracksFiles();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
};

void TestRunDirectory::init() {
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    if (!QFile::exists(stories() + "/config.json")) QSKIP("stories260K is missing from the shared folder");
}

void TestRunDirectory::eventRoundTrip_data() {
    QTest::addColumn<qat::ProgressEvent>("event");
    const double nan = std::numeric_limits<double>::quiet_NaN();
    QTest::newRow("phase") << qat::ProgressEvent(qat::PhaseChanged{qat::Phase::E2eQp, 2, 4});
    QTest::newRow("block started") << qat::ProgressEvent(qat::BlockStarted{3, 32});
    QTest::newRow("step loss") << qat::ProgressEvent(qat::StepLoss{4, 17, 1024, 0.00123456789012345, 1e-4});
    QTest::newRow("e2e step loss (block -1)") << qat::ProgressEvent(qat::StepLoss{-1, 0, 10, 2.5, 2e-5});
    QTest::newRow("NaN loss") << qat::ProgressEvent(qat::StepLoss{0, 1, 2, nan, 1e-4});
    QTest::newRow("infinite loss") << qat::ProgressEvent(
        qat::E2eStep{5, 9, std::numeric_limits<double>::infinity(), 0});
    QTest::newRow("epoch end") << qat::ProgressEvent(qat::EpochEnd{1, 0, 2, 0.25, 0.3125});
    QTest::newRow("epoch end, no validation") << qat::ProgressEvent(qat::EpochEnd{1, 1, 2, 0.25, nan});
    QTest::newRow("block finished") << qat::ProgressEvent(qat::BlockFinished{31, 1.5e-3, 2.25e-4, 12.75});
    QTest::newRow("e2e step") << qat::ProgressEvent(qat::E2eStep{99, 100, 1.875, 2e-5});
    QTest::newRow("eval result") << qat::ProgressEvent(qat::EvalResult{"wiki.test.raw", 5.4321, 166, 2048});
    QTest::newRow("log") << qat::ProgressEvent(
        qat::LogLine{"block 3: loss 0.01 \"quoted\"\n\ttab caf\xc3\xa9"});
    QTest::newRow("empty log") << qat::ProgressEvent(qat::LogLine{""});
    QTest::newRow("eval progress") << qat::ProgressEvent(qat::EvalProgress{"eval.txt", 10, 432, 3.5});
    QTest::newRow("task result") << qat::ProgressEvent(
        qat::TaskResult{"arc_easy", 0.625, 0.5, 500, "block_ap"});
    QTest::newRow("task result, no acc_norm")
        << qat::ProgressEvent(qat::TaskResult{"winogrande", 0.5125, nan, 80, ""});
}

// event → JSON → event → JSON gives the same line and the same alternative; NaN and
// infinities come back as NaN (null in JSON).
void TestRunDirectory::eventRoundTrip() {
    QFETCH(qat::ProgressEvent, event);
    const std::string line = qat::eventToJson(event);
    QVERIFY(line.find('\n') == std::string::npos);
    const qat::ProgressEvent back = qat::eventFromJson(line);
    QCOMPARE(back.index(), event.index());
    QCOMPARE(QString::fromStdString(qat::eventToJson(back)), QString::fromStdString(line));
    // With a timestamp the same event parses back too.
    QCOMPARE(
        QString::fromStdString(qat::eventToJson(qat::eventFromJson(qat::eventToJson(event, 1700000000.25)))),
        QString::fromStdString(line));
    if (auto* s = std::get_if<qat::StepLoss>(&event)) {
        const auto& b = std::get<qat::StepLoss>(back);
        QCOMPARE(b.block, s->block);
        QCOMPARE(b.step, s->step);
        QCOMPARE(b.steps, s->steps);
        if (std::isnan(s->loss))
            QVERIFY(std::isnan(b.loss));
        else
            QCOMPARE(b.loss, s->loss); // exact: JSON numbers keep all 17 digits
        QCOMPARE(b.lr, s->lr);
    }
    if (auto* l = std::get_if<qat::LogLine>(&event)) QCOMPARE(std::get<qat::LogLine>(back).text, l->text);
}

// The field names the GUI and scripts read, checked with an independent parser (Qt's).
void TestRunDirectory::eventJsonFields() {
    const std::string line = qat::eventToJson(qat::BlockFinished{0, 0.5, 0.25, 3.5}, 12.5);
    const QJsonObject o = QJsonDocument::fromJson(QByteArray::fromStdString(line)).object();
    QCOMPARE(o.value("event").toString(), QString("block_finished"));
    QCOMPARE(o.value("block").toInt(), 0);
    QCOMPARE(o.value("mse_before").toDouble(), 0.5);
    QCOMPARE(o.value("mse_after").toDouble(), 0.25);
    QCOMPARE(o.value("seconds").toDouble(), 3.5);
    QCOMPARE(o.value("time").toDouble(), 12.5);
    QVERIFY(QString::fromStdString(line).startsWith("{\"event\":\"block_finished\""));
    const QJsonObject p =
        QJsonDocument::fromJson(
            QByteArray::fromStdString(qat::eventToJson(qat::PhaseChanged{qat::Phase::BlockAp, 1, 3})))
            .object();
    QCOMPARE(p.value("phase").toString(), QString("block_ap"));
    const QJsonObject s =
        QJsonDocument::fromJson(
            QByteArray::fromStdString(qat::eventToJson(qat::StepLoss{0, 0, 1, std::nan(""), 0.1})))
            .object();
    QVERIFY(s.value("loss").isNull());
}

void TestRunDirectory::badEventLine_data() {
    QTest::addColumn<QByteArray>("line");
    QTest::addColumn<QString>("mentions");
    QTest::newRow("not JSON") << QByteArray("{\"event\":") << "not JSON";
    QTest::newRow("array") << QByteArray("[1,2]") << "object";
    QTest::newRow("no event") << QByteArray("{\"block\":1}") << "event";
    QTest::newRow("unknown event") << QByteArray("{\"event\":\"party\"}") << "party";
    QTest::newRow("missing field") << QByteArray("{\"event\":\"block_started\",\"block\":1}") << "blocks";
    QTest::newRow("wrong type") << QByteArray("{\"event\":\"block_started\",\"block\":\"1\",\"blocks\":2}")
                                << "block";
    QTest::newRow("fractional int") << QByteArray("{\"event\":\"block_started\",\"block\":1.5,\"blocks\":2}")
                                    << "integer";
    QTest::newRow("unknown phase") << QByteArray(
                                          "{\"event\":\"phase\",\"phase\":\"nap\",\"index\":0,\"count\":1}")
                                   << "nap";
}

void TestRunDirectory::badEventLine() {
    QFETCH(QByteArray, line);
    QFETCH(QString, mentions);
    bool ok = false;
    const QString msg =
        expectError([&] { qat::eventFromJson(line.toStdString()); }, ErrorKind::BadInput, &ok);
    QVERIFY2(ok, qPrintable(msg));
    QVERIFY2(msg.contains(mentions), qPrintable(msg));
}

void TestRunDirectory::phaseNames() {
    for (auto p : {qat::Phase::Calibration, qat::Phase::RoundToNearest, qat::Phase::BlockAp,
                   qat::Phase::E2eQp, qat::Phase::Evaluation, qat::Phase::Export}) {
        auto back = qat::phaseFromName(qat::phaseName(p));
        QVERIFY(back.has_value());
        QVERIFY(*back == p);
    }
    QVERIFY(!qat::phaseFromName("BlockAp").has_value());
}

namespace {
struct RecordingSink : qat::ProgressSink {
    std::vector<std::string> lines;
    bool cancel = false;
    void onLog(const std::string& l) override { lines.push_back("log " + l); }
    void onStepLoss(const qat::StepLoss& e) override { lines.push_back("step " + std::to_string(e.step)); }
    void onBlockFinished(const qat::BlockFinished& e) override {
        lines.push_back("done " + std::to_string(e.block));
    }
    bool isCancelled() const override { return cancel; }
};
} // namespace

void TestRunDirectory::multiSinkForwardsAndCancels() {
    RecordingSink a, b;
    qat::MultiSink multi({&a});
    multi.add(&b);
    qat::deliver(multi, qat::LogLine{"hi"});
    qat::deliver(multi, qat::StepLoss{0, 7, 8, 1.0, 0.1});
    qat::deliver(multi, qat::BlockFinished{2, 1, 0.5, 1});
    qat::deliver(multi, qat::EpochEnd{}); // not overridden: the empty default
    const std::vector<std::string> expected{"log hi", "step 7", "done 2"};
    QVERIFY(a.lines == expected);
    QVERIFY(b.lines == expected);
    QVERIFY(!multi.isCancelled());
    b.cancel = true;
    QVERIFY(multi.isCancelled());
}

void TestRunDirectory::createThenReopen() {
    const QString folder = m_dir->filePath("runs/first");
    auto run = qat::RunDirectory::openOrCreate(fsPath(folder), spec());
    QVERIFY(!run->resumed());
    QVERIFY(QFile::exists(folder + "/run.json"));
    QVERIFY(QDir(folder + "/blocks").exists());
    QVERIFY(!QFile::exists(folder + "/run.json.tmp"));
    const QJsonObject j = QJsonDocument::fromJson(readFile(folder + "/run.json")).object();
    QCOMPARE(j.value("format").toString(), QString("qat-studio-run"));
    QCOMPARE(j.value("config").toObject().value("bits").toInt(), 2);
    QCOMPARE(j.value("config").toObject().value("block_ap").toObject().value("lr").toDouble(), 0.0001);
    QCOMPARE(j.value("versions").toObject().value("qat_studio").toString(), QString("0.1.0-test"));
    QVERIFY(j.value("versions").toObject().value("libtorch").toString().startsWith("2."));
    QCOMPARE(j.value("model").toObject().value("fingerprint").toString(),
             QString::fromStdString(run->modelFingerprint()));
    QVERIFY(run->modelFingerprint().rfind("fnv1a64:", 0) == 0);
    QVERIFY(!run->lastFinishedBlock().has_value());
    QVERIFY(!run->hasE2eCheckpoint());

    // The same configuration written differently (key order, spacing, 1e-4 vs 0.0001) resumes.
    const char* same = R"({"device":"cpu","block_ap":{"train_windows":[4096,64],"epochs":2,"lr":1e-4},
                           "group_size":64,"bits":2,"method":"efficientqat"})";
    std::unique_ptr<qat::RunDirectory> again;
    const qat::Status st = qat::RunDirectory::open(fsPath(folder), spec(same), again);
    QVERIFY2(st.ok(), st.message.c_str());
    QVERIFY(again->resumed());
    QCOMPARE(again->modelFingerprint(), run->modelFingerprint());
}

void TestRunDirectory::configMismatchNamesField_data() {
    QTest::addColumn<QString>("config");
    QTest::addColumn<QString>("field");
    QTest::newRow("top-level value")
        << R"({"method":"efficientqat","bits":3,"group_size":64,"block_ap":{"lr":0.0001,"epochs":2,"train_windows":[4096,64]},"device":"cpu"})"
        << "config.bits: the run has 2, this one 3";
    QTest::newRow("nested value")
        << R"({"method":"efficientqat","bits":2,"group_size":64,"block_ap":{"lr":0.0002,"epochs":2,"train_windows":[4096,64]},"device":"cpu"})"
        << "config.block_ap.lr";
    QTest::newRow("array element")
        << R"({"method":"efficientqat","bits":2,"group_size":64,"block_ap":{"lr":0.0001,"epochs":2,"train_windows":[4096,32]},"device":"cpu"})"
        << "config.block_ap.train_windows[1]";
    QTest::newRow("missing field")
        << R"({"method":"efficientqat","bits":2,"block_ap":{"lr":0.0001,"epochs":2,"train_windows":[4096,64]},"device":"cpu"})"
        << "config.group_size: the run has 64, this one no such field";
    QTest::newRow("new field")
        << R"({"method":"efficientqat","bits":2,"group_size":64,"block_ap":{"lr":0.0001,"epochs":2,"train_windows":[4096,64]},"device":"cpu","e2e":{}})"
        << "config.e2e";
    QTest::newRow("type change")
        << R"({"method":"efficientqat","bits":"2","group_size":64,"block_ap":{"lr":0.0001,"epochs":2,"train_windows":[4096,64]},"device":"cpu"})"
        << "config.bits";
    QTest::newRow("device is not resumable unless said so")
        << R"({"method":"efficientqat","bits":2,"group_size":64,"block_ap":{"lr":0.0001,"epochs":2,"train_windows":[4096,64]},"device":"cuda"})"
        << "config.device";
}

void TestRunDirectory::configMismatchNamesField() {
    QFETCH(QString, config);
    QFETCH(QString, field);
    const auto folder = fsPath(m_dir->filePath("run"));
    qat::RunDirectory::openOrCreate(folder, spec());
    const QByteArray before = readFile(m_dir->filePath("run/run.json"));
    std::unique_ptr<qat::RunDirectory> run;
    const qat::Status st = qat::RunDirectory::open(folder, spec(config.toStdString()), run);
    QVERIFY(st.kind == ErrorKind::BadInput);
    QVERIFY2(QString::fromStdString(st.message).contains(field), st.message.c_str());
    QVERIFY(!run);
    QCOMPARE(readFile(m_dir->filePath("run/run.json")), before); // untouched
}

void TestRunDirectory::resumableFieldsMayDiffer() {
    const auto folder = fsPath(m_dir->filePath("run"));
    qat::RunDirectory::openOrCreate(folder, spec());
    auto s = spec(
        R"({"method":"efficientqat","bits":2,"group_size":64,"block_ap":{"lr":0.0001,"epochs":2,"train_windows":[4096,64]},"device":"cuda"})");
    s.resumableFields = {"device"};
    std::unique_ptr<qat::RunDirectory> run;
    const qat::Status st = qat::RunDirectory::open(folder, s, run);
    QVERIFY2(st.ok(), st.message.c_str());
    QVERIFY(run->resumed());
}

void TestRunDirectory::differentModelRefused() {
    const auto folder = fsPath(m_dir->filePath("run"));
    qat::RunDirectory::openOrCreate(folder, spec());
    // A copy of the model with one byte of config.json changed.
    const QString other = m_dir->filePath("other-model");
    QVERIFY(QDir().mkpath(other));
    QByteArray config = readFile(stories() + "/config.json");
    config.append(' ');
    QVERIFY(writeFile(other + "/config.json", config));
    QVERIFY(QFile::copy(stories() + "/model.safetensors", other + "/model.safetensors"));
    auto s = spec();
    s.modelFolder = fsPath(other);
    std::unique_ptr<qat::RunDirectory> run;
    const qat::Status st = qat::RunDirectory::open(folder, s, run);
    QVERIFY(st.kind == ErrorKind::BadInput);
    QVERIFY2(QString::fromStdString(st.message).contains("different model"), st.message.c_str());

    s.modelFolder = fsPath(m_dir->filePath("nowhere"));
    QCOMPARE(qat::RunDirectory::open(fsPath(m_dir->filePath("run2")), s, run).kind, ErrorKind::BadInput);
}

void TestRunDirectory::foreignFolderRefused() {
    const QString folder = m_dir->filePath("photos");
    QVERIFY(QDir().mkpath(folder));
    QVERIFY(writeFile(folder + "/cat.jpg", "meow"));
    std::unique_ptr<qat::RunDirectory> run;
    qat::Status st = qat::RunDirectory::open(fsPath(folder), spec(), run);
    QVERIFY(st.kind == ErrorKind::BadInput);
    QVERIFY2(QString::fromStdString(st.message).contains("not a run folder"), st.message.c_str());
    // An empty existing folder is fine.
    QVERIFY(QDir().mkpath(m_dir->filePath("empty")));
    st = qat::RunDirectory::open(fsPath(m_dir->filePath("empty")), spec(), run);
    QVERIFY2(st.ok(), st.message.c_str());
    // Bad configuration JSON.
    st = qat::RunDirectory::open(fsPath(m_dir->filePath("x")), spec("{bits: 2}"), run);
    QCOMPARE(st.kind, ErrorKind::BadInput);
}

void TestRunDirectory::metricsAppendedAndParsedBack() {
    auto run = qat::RunDirectory::openOrCreate(fsPath(m_dir->filePath("run")), spec());
    const std::vector<qat::ProgressEvent> events{
        qat::PhaseChanged{qat::Phase::BlockAp, 0, 2},
        qat::BlockStarted{0, 5},
        qat::StepLoss{0, 0, 2, 0.5, 1e-4},
        qat::StepLoss{0, 1, 2, 0.25, 1e-4},
        qat::EpochEnd{0, 0, 1, 0.375, 0.4},
        qat::BlockFinished{0, 0.01, 0.001, 1.5},
        qat::LogLine{"block 0 done"},
        qat::EvalResult{"eval.txt", 3.49, 432, 512},
    };
    {
        qat::MetricsWriter writer(run->metricsPath());
        for (size_t i = 0; i < 4; ++i)
            qat::deliver(writer, events[i]);
        // Flushed as it happens: the lines are in the file before the writer closes.
        QCOMPARE(readFile(m_dir->filePath("run/metrics.jsonl")).count('\n'), 4);
        writer.onEvalProgress(qat::EvalProgress{"eval.txt", 1, 2, 3.0}); // transient: not written
        QVERIFY(writer.error().empty());
    }
    {
        qat::MetricsWriter writer(run->metricsPath()); // a resumed run appends
        for (size_t i = 4; i < events.size(); ++i)
            qat::deliver(writer, events[i]);
    }
    const QList<QByteArray> lines = readFile(m_dir->filePath("run/metrics.jsonl")).split('\n');
    QCOMPARE(lines.size(), qsizetype(events.size() + 1));
    QVERIFY(lines.back().isEmpty());
    for (size_t i = 0; i < events.size(); ++i) {
        const QJsonObject o = QJsonDocument::fromJson(lines[qsizetype(i)]).object();
        QVERIFY(o.value("time").toDouble() > 1.6e9);
        const qat::ProgressEvent back = qat::eventFromJson(lines[qsizetype(i)].toStdString());
        QCOMPARE(back.index(), events[i].index());
        QCOMPARE(qat::eventToJson(back), qat::eventToJson(events[i]));
    }
    std::vector<qat::ProgressEvent> read;
    const qat::Status st = qat::readEventsFile(run->metricsPath(), read);
    QVERIFY2(st.ok(), st.message.c_str());
    QCOMPARE(read.size(), events.size());
    for (size_t i = 0; i < events.size(); ++i)
        QCOMPARE(qat::eventToJson(read[i]), qat::eventToJson(events[i]));
}

// A process killed mid-line leaves a torn last line: readers drop it, the next writer cuts it.
void TestRunDirectory::tornLastLine() {
    const QString file = m_dir->filePath("metrics.jsonl");
    const std::string good = qat::eventToJson(qat::BlockStarted{0, 2});
    QVERIFY(writeFile(file, QByteArray::fromStdString(good + "\n{\"event\":\"step_lo")));
    std::vector<qat::ProgressEvent> read;
    QVERIFY(qat::readEventsFile(fsPath(file), read).ok());
    QCOMPARE(read.size(), size_t(1));
    {
        qat::MetricsWriter writer(fsPath(file));
        writer.onBlockStarted(qat::BlockStarted{1, 2});
    }
    QVERIFY(qat::readEventsFile(fsPath(file), read).ok());
    QCOMPARE(read.size(), size_t(2));
    QCOMPARE(std::get<qat::BlockStarted>(read[1]).block, int64_t(1));
    // A bad line in the middle is an error naming file and line.
    QVERIFY(writeFile(file, QByteArray::fromStdString(good + "\nnonsense\n" + good + "\n")));
    const qat::Status st = qat::readEventsFile(fsPath(file), read);
    QCOMPARE(st.kind, ErrorKind::BadInput);
    QVERIFY2(QString::fromStdString(st.message).contains("metrics.jsonl:2"), st.message.c_str());
}

void TestRunDirectory::atomicWrite() {
    const QString file = m_dir->filePath("eval.json");
    // A stale .tmp from an interrupted write does not get in the way.
    QVERIFY(writeFile(file + ".tmp", "{\"half"));
    qat::writeFileAtomic(fsPath(file), "{\"ppl\": 3.49}\n");
    QCOMPARE(readFile(file), QByteArray("{\"ppl\": 3.49}\n"));
    QVERIFY(!QFile::exists(file + ".tmp"));
    qat::writeFileAtomic(fsPath(file), "second");
    QCOMPARE(readFile(file), QByteArray("second"));
    auto run = qat::RunDirectory::openOrCreate(fsPath(m_dir->filePath("run")), spec());
    run->writeEvalJson("{}");
    QCOMPARE(readFile(m_dir->filePath("run/eval.json")), QByteArray("{}"));
    bool ok = false;
    const QString msg =
        expectError([&] { qat::writeFileAtomic(fsPath(m_dir->filePath("no/such/dir/x")), "x"); },
                    ErrorKind::Failure, &ok);
    QVERIFY2(ok, qPrintable(msg));
}

void TestRunDirectory::blockCheckpointNames() {
    auto run = qat::RunDirectory::openOrCreate(fsPath(m_dir->filePath("run")), spec());
    QCOMPARE(QString::fromStdString(run->blockCheckpointPath(3).filename().string()),
             QString("block-003.safetensors"));
    QCOMPARE(QString::fromStdString(run->blockCheckpointPath(1234).filename().string()),
             QString("block-1234.safetensors"));
    QVERIFY(run->blockCheckpointPath(0).parent_path() == run->blocksDir());
}

void TestRunDirectory::lastFinishedBlock_data() {
    QTest::addColumn<QStringList>("files");
    QTest::addColumn<int>("expected"); // -1: none
    QTest::newRow("none") << QStringList{} << -1;
    QTest::newRow("blocks 0..2") << QStringList{"block-000.safetensors", "block-001.safetensors",
                                                "block-002.safetensors"}
                                 << 2;
    QTest::newRow("interrupted write of block 3 (.tmp only)")
        << QStringList{"block-000.safetensors", "block-001.safetensors", "block-002.safetensors",
                       "block-003.safetensors.tmp"}
        << 2;
    QTest::newRow("only a .tmp") << QStringList{"block-000.safetensors.tmp"} << -1;
    QTest::newRow("gap: 0 and 2") << QStringList{"block-000.safetensors", "block-002.safetensors"} << 0;
    QTest::newRow("no block 0") << QStringList{"block-001.safetensors", "block-002.safetensors"} << -1;
    QTest::newRow("other files ignored") << QStringList{"block-000.safetensors", "notes.txt", "block-01.bin",
                                                        "block-x.safetensors", "block-.safetensors"}
                                         << 0;
    QTest::newRow("two digits read as numbers")
        << QStringList{"block-000.safetensors", "block-01.safetensors"} << 1;
}

void TestRunDirectory::lastFinishedBlock() {
    QFETCH(QStringList, files);
    QFETCH(int, expected);
    auto run = qat::RunDirectory::openOrCreate(fsPath(m_dir->filePath("run")), spec());
    for (const QString& f : files)
        QVERIFY(writeFile(m_dir->filePath("run/blocks/" + f), "x"));
    const auto last = run->lastFinishedBlock();
    QCOMPARE(last.has_value() ? int(*last) : -1, expected);
}

void TestRunDirectory::fingerprintTracksFiles() {
    const QString a = m_dir->filePath("a");
    QVERIFY(QDir().mkpath(a));
    QVERIFY(QFile::copy(stories() + "/config.json", a + "/config.json"));
    QVERIFY(QFile::copy(stories() + "/model.safetensors", a + "/model.safetensors"));
    const std::string fa = qat::modelFingerprint(fsPath(a));
    QCOMPARE(qat::modelFingerprint(fsPath(a)), fa); // stable
    QCOMPARE(QString::fromStdString(fa).size(), qsizetype(8 + 16));
    // A weight byte in the last 64 KiB of the data changes it.
    {
        QFile f(a + "/model.safetensors");
        QVERIFY(f.open(QIODevice::ReadWrite));
        QVERIFY(f.seek(f.size() - 5));
        const char c = f.read(1).at(0);
        QVERIFY(f.seek(f.size() - 5));
        QVERIFY(f.write(QByteArray(1, char(c ^ 1))) == 1);
    }
    const std::string fb = qat::modelFingerprint(fsPath(a));
    QVERIFY(fb != fa);
    // The tokenizer counts too.
    QVERIFY(writeFile(a + "/tokenizer.model", "tok"));
    QVERIFY(qat::modelFingerprint(fsPath(a)) != fb);
    bool ok = false;
    expectError([&] { qat::modelFingerprint(fsPath(m_dir->filePath("nothing"))); }, ErrorKind::BadInput, &ok);
    QVERIFY(ok);
}

QTEST_GUILESS_MAIN(TestRunDirectory)
#include "TestRunDirectory.moc"
