// SPDX-License-Identifier: GPL-3.0-or-later
// Malformed tokenizer.json / tokenizer_config.json files are refused with Error(BadInput) naming
// the file and the field: one row per class of defect, each a small edit of a valid file.
#include "qat/Status.h"
#include "qat/Tokenizer.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include <functional>

namespace {

// A valid byte-level tokenizer.json: "ab" from the merge "a b", one special token.
QJsonObject validTokenizer() {
    return QJsonDocument::fromJson(R"({
      "version": "1.0",
      "added_tokens": [{"id": 0, "content": "<s>", "single_word": false, "lstrip": false, "rstrip": false,
                        "normalized": false, "special": true}],
      "normalizer": null,
      "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true, "use_regex": true},
      "post_processor": {"type": "TemplateProcessing", "single": [{"SpecialToken": {"id": "<s>", "type_id": 0}},
                         {"Sequence": {"id": "A", "type_id": 0}}], "pair": [], "special_tokens": {}},
      "decoder": {"type": "ByteLevel"},
      "model": {"type": "BPE", "dropout": null, "unk_token": null, "fuse_unk": false, "byte_fallback": false,
                "vocab": {"<s>": 0, "a": 1, "b": 2, "ab": 3, "c": 4}, "merges": ["a b", ["a", "b"]]}
    })")
        .object();
}

using Edit = std::function<void(QJsonObject&)>;

QJsonObject modelOf(const QJsonObject& t) {
    return t.value("model").toObject();
}

Edit setModel(const char* key, const QJsonValue& value) {
    return [key, value](QJsonObject& t) {
        QJsonObject m = modelOf(t);
        m[key] = value;
        t["model"] = m;
    };
}

Edit setVocab(const char* token, const QJsonValue& id) {
    return [token, id](QJsonObject& t) {
        QJsonObject m = modelOf(t);
        QJsonObject v = m.value("vocab").toObject();
        v[token] = id;
        m["vocab"] = v;
        t["model"] = m;
    };
}

Edit set(const char* key, const char* json) {
    return [key, json](QJsonObject& t) {
        t[key] = QJsonDocument::fromJson(QByteArray("{\"v\": ") + json + "}").object().value("v");
    };
}

} // namespace

class TestTokenizerJsonErrors : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void validLoads();
    void refused_data();
    void refused();
    void notJson();
    void tooLarge();
    void configBosNotInVocabulary();
    void configBadFieldType();

private:
    QString write(const QByteArray& bytes, const QByteArray& config = {});
    void expectRefused(const QString& file, const QStringList& mustMention);
    QTemporaryDir m_dir;
    int m_count = 0;
};

QString TestTokenizerJsonErrors::write(const QByteArray& bytes, const QByteArray& config) {
    const QString dir = m_dir.filePath(QString::number(m_count++));
    QDir().mkpath(dir);
    QFile f(dir + "/tokenizer.json");
    if (!f.open(QIODevice::WriteOnly)) return {};
    f.write(bytes);
    if (!config.isEmpty()) {
        QFile c(dir + "/tokenizer_config.json");
        if (!c.open(QIODevice::WriteOnly)) return {};
        c.write(config);
    }
    return dir + "/tokenizer.json";
}

void TestTokenizerJsonErrors::expectRefused(const QString& file, const QStringList& mustMention) {
    try {
        qat::Tokenizer::load(file.toStdString());
        QFAIL("accepted");
    } catch (const qat::Error& e) {
        const QString message = QString::fromUtf8(e.what());
        QCOMPARE(e.kind(), qat::ErrorKind::BadInput);
        for (const QString& m : mustMention)
            QVERIFY2(message.contains(m), qPrintable("'" + m + "' not in: " + message));
    }
}

void TestTokenizerJsonErrors::validLoads() {
    const auto t = qat::Tokenizer::load(write(QJsonDocument(validTokenizer()).toJson()).toStdString());
    QCOMPARE(t->encode("abc"), (std::vector<int64_t>{3, 4}));
    QCOMPARE(t->bosId(), int64_t(0));
    QVERIFY(t->addsBos());
}

void TestTokenizerJsonErrors::refused_data() {
    QTest::addColumn<Edit>("edit");
    QTest::addColumn<QStringList>("mention");
    QTest::newRow("missing model") << Edit([](QJsonObject& t) { t.remove("model"); })
                                   << QStringList{"'model'", "missing"};
    QTest::newRow("model not an object")
        << set("model", "[1]") << QStringList{"'model'", "expected an object"};
    QTest::newRow("unknown model type")
        << setModel("type", "WordPiece") << QStringList{"model.type", "WordPiece"};
    QTest::newRow("Unigram") << setModel("type", "Unigram") << QStringList{"model.type", "Unigram"};
    QTest::newRow("unknown pre-tokenizer") << set("pre_tokenizer", R"({"type": "Whitespace"})")
                                           << QStringList{"pre_tokenizer.type", "Whitespace"};
    QTest::newRow("unknown pre-tokenizer in a sequence")
        << set("pre_tokenizer",
               R"({"type": "Sequence", "pretokenizers": [{"type": "Digits"}, {"type": "Bert"}]})")
        << QStringList{"pre_tokenizer.pretokenizers[1].type", "Bert"};
    QTest::newRow("unknown normalizer")
        << set("normalizer", R"({"type": "Lowercase"})") << QStringList{"normalizer.type", "Lowercase"};
    QTest::newRow("unknown decoder") << set("decoder", R"({"type": "WordPiece"})")
                                     << QStringList{"decoder.type", "WordPiece"};
    QTest::newRow("unknown post-processor") << set("post_processor", R"({"type": "RobertaProcessing"})")
                                            << QStringList{"post_processor.type", "RobertaProcessing"};
    QTest::newRow("merge names an unknown token")
        << setModel("merges", QJsonArray{"a b", "a zz"}) << QStringList{"model.merges[1]", "\"zz\""};
    QTest::newRow("merge pair names an unknown token")
        << setModel("merges", QJsonArray{QJsonArray{"q", "b"}}) << QStringList{"model.merges[0]", "\"q\""};
    QTest::newRow("merge result not in the vocabulary")
        << setModel("merges", QJsonArray{"b c"}) << QStringList{"model.merges[0]", "\"bc\""};
    QTest::newRow("merge of three") << setModel("merges", QJsonArray{"a b c"})
                                    << QStringList{"model.merges[0]"};
    QTest::newRow("regex does not compile")
        << set("pre_tokenizer",
               R"({"type": "Split", "pattern": {"Regex": "(unclosed"}, "behavior": "Isolated"})")
        << QStringList{"pre_tokenizer.pattern.Regex", "does not compile"};
    QTest::newRow("replace regex does not compile")
        << set("normalizer", R"({"type": "Replace", "pattern": {"Regex": "[a-"}, "content": "x"})")
        << QStringList{"normalizer.pattern.Regex"};
    QTest::newRow("duplicate id in the vocabulary")
        << setVocab("c", 2) << QStringList{"model.vocab", "duplicate id 2"};
    QTest::newRow("added token with a vocabulary id")
        << set("added_tokens", R"([{"id": 1, "content": "<x>", "special": true}])")
        << QStringList{"added_tokens[0].id", "duplicate id 1"};
    QTest::newRow("two added tokens with one id")
        << set("added_tokens", R"([{"id": 5, "content": "<x>"}, {"id": 5, "content": "<y>"}])")
        << QStringList{"added_tokens[1].id", "duplicate id 5"};
    QTest::newRow("negative id") << setVocab("c", -1) << QStringList{"model.vocab[\"c\"]", "out of range"};
    QTest::newRow("id out of range") << setVocab("c", 1000000)
                                     << QStringList{"model.vocab[\"c\"]", "out of range"};
    QTest::newRow("id not an integer") << setVocab("c", 4.5) << QStringList{"model.vocab[\"c\"]", "integer"};
    QTest::newRow("bool field a string")
        << setModel("fuse_unk", "yes") << QStringList{"model.fuse_unk", "true or false"};
    QTest::newRow("merges not an array") << setModel("merges", 3) << QStringList{"model.merges", "an array"};
    QTest::newRow("merge a number") << setModel("merges", QJsonArray{7}) << QStringList{"model.merges[0]"};
    QTest::newRow("vocab not an object") << setModel("vocab", QJsonArray{}) << QStringList{"model.vocab"};
    QTest::newRow("split behavior unknown")
        << set("pre_tokenizer", R"({"type": "Split", "pattern": {"String": " "}, "behavior": "Sideways"})")
        << QStringList{"pre_tokenizer.behavior", "Sideways"};
    QTest::newRow("metaspace scheme unknown")
        << set("pre_tokenizer", R"({"type": "Metaspace", "replacement": "_", "prepend_scheme": "sometimes"})")
        << QStringList{"pre_tokenizer.prepend_scheme"};
    QTest::newRow("added token content a number")
        << set("added_tokens", R"([{"id": 5, "content": 5}])") << QStringList{"added_tokens[0].content"};
    QTest::newRow("dropout") << setModel("dropout", 0.1) << QStringList{"model.dropout"};
    QTest::newRow("template item") << set("post_processor",
                                          R"({"type": "TemplateProcessing", "single": [3]})")
                                   << QStringList{"post_processor.single[0]"};
}

void TestTokenizerJsonErrors::refused() {
    QFETCH(Edit, edit);
    QFETCH(QStringList, mention);
    QJsonObject t = validTokenizer();
    edit(t);
    const QString file = write(QJsonDocument(t).toJson());
    expectRefused(file, mention << file);
}

void TestTokenizerJsonErrors::notJson() {
    const QString file = write("{\"model\": {\"type\": \"BPE\", ");
    expectRefused(file, {file, "not valid JSON"});
    const QString array = write("[1, 2]");
    expectRefused(array, {array, "expected an object"});
}

void TestTokenizerJsonErrors::tooLarge() {
    const QString file = write("{}");
    QFile f(file);
    QVERIFY(f.resize(qint64(65) << 20)); // sparse: nothing is written
    expectRefused(file, {file, "too large"});
}

void TestTokenizerJsonErrors::configBosNotInVocabulary() {
    const QByteArray json = QJsonDocument(validTokenizer()).toJson();
    const QString file = write(json, R"({"bos_token": "<nope>", "eos_token": {"content": "c"}})");
    const QString config = QFileInfo(file).dir().filePath("tokenizer_config.json");
    expectRefused(file, {config, "bos_token", "<nope>"});
    const auto ok = qat::Tokenizer::load(
        write(json, R"({"bos_token": {"content": "c"}, "add_bos_token": false})").toStdString());
    QCOMPARE(ok->bosId(), int64_t(4));
    QVERIFY(!ok->addsBos());
}

void TestTokenizerJsonErrors::configBadFieldType() {
    const QByteArray json = QJsonDocument(validTokenizer()).toJson();
    const QString file = write(json, R"({"add_bos_token": "yes"})");
    expectRefused(file, {"tokenizer_config.json", "add_bos_token"});
    const QString file2 = write(json, R"({"eos_token": {"text": "c"}})");
    expectRefused(file2, {"tokenizer_config.json", "eos_token.content"});
}

QTEST_GUILESS_MAIN(TestTokenizerJsonErrors)
#include "TestTokenizerJsonErrors.moc"
