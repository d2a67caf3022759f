// SPDX-License-Identifier: GPL-3.0-or-later
// The job settings table (qat/JobSettings.h) and the name tables (qat/Names.h): every row
// round-trips JSON → job → JSON, the table's defaults are QuantizeJob{}'s, and wrong values
// are refused naming their key.
#include "qat/JobSettings.h"
#include "qat/Names.h"
#include "qat/QuantizeJob.h"

#include <QtTest>

#include <cmath>
#include <set>

using namespace qat;

namespace {

// A value of `s` other than its default, inside its valid range.
SettingValue otherValue(const JobSetting& s) {
    switch (s.kind) {
    case SettingKind::Int: {
        const int64_t d = std::get<int64_t>(s.defaultValue);
        return static_cast<double>(d + 1) <= s.maximum ? d + 1 : d - 1;
    }
    case SettingKind::Double: {
        const double d = std::get<double>(s.defaultValue);
        return std::isfinite(s.maximum) ? s.minimum + (s.maximum - s.minimum) * 0.37 : d + 0.25;
    }
    case SettingKind::Bool:
        return !std::get<bool>(s.defaultValue);
    case SettingKind::Choice:
        return s.choices.back() != std::get<std::string>(s.defaultValue) ? s.choices.back()
                                                                         : s.choices.front();
    case SettingKind::Folder:
        return std::string("/tmp/qat-settings-model");
    case SettingKind::File:
        return std::string("/tmp/qat-settings-tokenizer.model");
    case SettingKind::Files:
        return std::vector<std::string>{"/tmp/qat-a.txt", "/tmp/qat-b.jsonl"};
    case SettingKind::Names:
        return std::vector<std::string>{s.choices[2], s.choices.back()};
    }
    return {};
}

} // namespace

class TestJobSettings : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void tableIsComplete() {
        const auto& table = jobSettings();
        QCOMPARE(table.size(), static_cast<size_t>(JobSettingId::Count));
        std::set<std::string> keys;
        for (size_t i = 0; i < table.size(); ++i) {
            const JobSetting& s = table[i];
            QCOMPARE(static_cast<size_t>(s.id), i);
            QVERIFY2(keys.insert(s.key).second, s.key);
            QVERIFY2(s.key[0] == '/', s.key);
            QVERIFY2(std::string(s.help).size() > 3, s.key);
            QVERIFY2(s.get != nullptr, s.key);
            QCOMPARE(findJobSetting(s.key), &s);
            QVERIFY2(s.fieldMinimum <= s.fieldMaximum, s.key);
            if (s.kind == SettingKind::Choice) {
                const auto& name = std::get<std::string>(s.defaultValue);
                QVERIFY2(std::find(s.choices.begin(), s.choices.end(), name) != s.choices.end(), s.key);
            }
            if (s.kind == SettingKind::Int || s.kind == SettingKind::Double) {
                const double d = s.kind == SettingKind::Int
                                     ? static_cast<double>(std::get<int64_t>(s.defaultValue))
                                     : std::get<double>(s.defaultValue);
                QVERIFY2(settingRangeError(s, d).empty(), s.key);
            }
        }
        QVERIFY(!findJobSetting("/block_ap/epoch"));
    }

    void defaultsAreTheJobs() {
        const QuantizeJob job;
        for (const JobSetting& s : jobSettings())
            QVERIFY2(s.get(job) == s.defaultValue, s.key);
    }

    void roundTrip_data() {
        QTest::addColumn<int>("method");
        for (const auto& m : nameTable<Method>())
            QTest::newRow(m.name) << int(m.value);
    }
    void roundTrip() {
        QFETCH(int, method);
        QuantizeJob job;
        for (const JobSetting& s : jobSettings())
            if (s.set) s.set(job, otherValue(s));
        job.method = static_cast<Method>(method);
        const std::string json = jobConfigJson(job);
        QuantizeJob back;
        const Status st = applyJobConfig(json, "test", back);
        QVERIFY2(st.ok(), st.message.c_str());
        QCOMPARE(jobConfigJson(back), json);
        const unsigned bit = 1u << static_cast<unsigned>(method);
        for (const JobSetting& s : jobSettings())
            if (s.set && (s.methods & bit)) QVERIFY2(s.get(back) == s.get(job), s.key);
        // The settings of the other methods are not recorded, so they stay at their defaults.
        for (const JobSetting& s : jobSettings())
            if (s.set && !(s.methods & bit)) QVERIFY2(s.get(back) == s.defaultValue, s.key);
    }

    // "all" in a preset's task list stands for the six tasks, in the table's order.
    void allTasks() {
        QuantizeJob job;
        const Status st = applyJobConfig(R"({"eval": {"tasks": ["boolq", "all"]}})", "test", job);
        QVERIFY2(st.ok(), st.message.c_str());
        const std::vector<std::string> six = {"arc_easy",  "arc_challenge", "piqa",
                                              "hellaswag", "winogrande",    "boolq"};
        QCOMPARE(job.evalTasks, six);
        QCOMPARE(jobSetting(JobSettingId::EvalTasks).choices, six);
    }

    void refusedNamingTheKey_data() {
        QTest::addColumn<QString>("json");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("int below range") << R"({"block_ap": {"epochs": 0}})"
                                         << "block_ap.epochs 0: must be at least 1";
        QTest::newRow("double above range") << R"({"calibration": {"val_fraction": 0.95}})"
                                            << "calibration.val_fraction";
        QTest::newRow("positive") << R"({"lr_qat": {"p": 0}})"
                                  << "lr_qat.p 0: must be above 0";
        QTest::newRow("between") << R"({"lr_qat": {"beta2": 1.5}})"
                                 << "must be between 0 and 0.999999";
        QTest::newRow("choice") << R"({"device": "tpu"})"
                                << "device \"tpu\": expected cpu or cuda";
        QTest::newRow("method") << R"({"method": "awq"})"
                                << "expected rtn, block-ap, efficientqat, lr-qat or gptq";
        QTest::newRow("task") << R"({"eval": {"tasks": ["piqa", "mmlu"]}})"
                              << "eval.tasks \"mmlu\": expected all or arc_easy, arc_challenge";
        QTest::newRow("type") << R"({"bits": "four"})"
                              << "field bits";
        QTest::newRow("unknown") << R"({"block_ap": {"epoch": 2}})"
                                 << "unknown setting \"block_ap/epoch\"";
        QTest::newRow("not an object") << "[1, 2]"
                                       << "expected a JSON object";
    }
    void refusedNamingTheKey() {
        QFETCH(QString, json);
        QFETCH(QString, mentions);
        QuantizeJob job;
        job.spec.bits = 3;
        const Status st = applyJobConfig(json.toStdString(), "preset.json", job);
        QVERIFY(!st.ok());
        QCOMPARE(st.kind, ErrorKind::BadInput);
        QVERIFY2(QString::fromStdString(st.message).contains(mentions), st.message.c_str());
        QVERIFY2(st.message.rfind("preset.json: ", 0) == 0, st.message.c_str());
        QCOMPARE(job.spec.bits, 3); // nothing applied
    }

    void keptKeysAndComments() {
        QuantizeJob job;
        job.spec.bits = 3;
        const Status st =
            applyJobConfig(R"({"bits": 2, "group": 64, "comment": "W2", "eval": {"files": ["/a.txt"]}})", "p",
                           job, {"/bits"});
        QVERIFY2(st.ok(), st.message.c_str());
        QCOMPARE(job.spec.bits, 3);
        QCOMPARE(job.spec.groupSize, int64_t{64});
        QCOMPARE(job.evalFiles.size(), size_t{1});
    }

    void resumableFields() {
        // Device and dtype change the numbers: a run resumes only with the ones it started with.
        const std::vector<std::string> expected{"threads", "eval"};
        QVERIFY(resumableJobFields() == expected);
    }

    void namesRoundTrip() {
        for (const auto& e : nameTable<Method>())
            QCOMPARE(methodFromName(methodName(e.value)), std::optional(e.value));
        for (const auto& e : nameTable<Stage>())
            QCOMPARE(stageFromName(stageName(e.value)), std::optional(e.value));
        for (const auto& e : nameTable<Phase>())
            QCOMPARE(phaseFromName(phaseName(e.value)), std::optional(e.value));
        for (const auto& e : nameTable<Device>())
            QCOMPARE(deviceFromName(deviceName(e.value)), std::optional(e.value));
        for (const auto& e : nameTable<ComputeDType>())
            QCOMPARE(computeDTypeFromName(computeDTypeName(e.value)), std::optional(e.value));
        for (const auto& e : nameTable<CacheDType>())
            QCOMPARE(cacheDTypeFromName(cacheDTypeName(e.value)), std::optional(e.value));
        for (const auto& e : nameTable<RangeInit>())
            QCOMPARE(rangeInitFromName(rangeInitName(e.value)), std::optional(e.value));
        for (const auto& e : nameTable<Phi0Storage>())
            QCOMPARE(phi0StorageFromName(phi0StorageName(e.value)), std::optional(e.value));
        QVERIFY(!methodFromName("awq"));
        QCOMPARE(std::string(stageName(finalStage(Method::Gptq))), std::string("gptq"));
        QCOMPARE(std::string(stageName(finalStage(Method::EfficientQat))), std::string("block-ap+e2e-qp"));
        QCOMPARE(std::string(stageName(finalStage(Method::LrQat))), std::string(methodName(Method::LrQat)));
        QCOMPARE(nameList({"a", "b", "c"}), std::string("a, b or c"));
    }
};

QTEST_GUILESS_MAIN(TestJobSettings)
#include "TestJobSettings.moc"
