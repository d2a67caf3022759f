// SPDX-License-Identifier: GPL-3.0-or-later
#include "GenerationWorker.h"

#include <qat/Generation.h>
#include <qat/Model.h>
#include <qat/Quantization.h>
#include <qat/RunFolder.h>

#include <QElapsedTimer>
#include <QFileInfo>
#include <QThread>

namespace qat {

namespace {

QString utf8(const std::string& s) {
    return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size()));
}

// The model folder, or with a run folder the run's model (unless the request names one) with
// the run's tokenizer and its quantized state installed.
Status loadModel(const GenerationRequest& r, std::unique_ptr<Model>& out) {
    LoadOptions o;
    o.device = r.device == 1 ? Device::Cuda : Device::Cpu;
    o.threads = r.threads;
    std::filesystem::path folder = r.modelFolder.toStdString();
    RunFolder run;
    if (!r.runFolder.isEmpty()) {
        const Status read = RunFolder::read(r.runFolder.toStdString(), run);
        if (!read.ok()) return read;
        if (!run.hasQuantizedState)
            return Status::error(ErrorKind::BadInput,
                                 r.runFolder.toStdString() +
                                     ": no quantized.safetensors yet: the run has not finished");
        if (folder.empty()) folder = run.modelFolder;
        o.tokenizerPath = run.tokenizer;
    }
    Status st = Model::load(folder, o, out);
    if (!st.ok() || r.runFolder.isEmpty()) return st;
    return loadQuantizedState(*out, run.layout.quantizedState());
}

} // namespace

GenerationWorker::GenerationWorker(GenerationRequest request, std::shared_ptr<GenerationCache> cache)
    : m_request(std::move(request)), m_cache(std::move(cache)) {}
GenerationWorker::~GenerationWorker() = default;

JobOutcome GenerationWorker::work() {
    return JobOutcome{0, QString(), QVariant::fromValue(generate(m_request))};
}

GenerationResult GenerationWorker::generate(const GenerationRequest& r) {
    auto& cache = m_cache->models;
    GenerationResult result;
    result.slot = r.slot;
    QElapsedTimer clock;
    clock.start();
    try {
        const QString key =
            QStringLiteral("%1\n%2\n%3\n%4").arg(r.modelFolder, r.runFolder).arg(r.device).arg(r.threads);
        std::shared_ptr<Model> model;
        for (auto it = cache.begin(); it != cache.end(); ++it)
            if (it->first == key) {
                model = it->second;
                cache.erase(it);
                break;
            }
        Status st;
        if (!model) {
            if (cache.size() >= 2) cache.erase(cache.begin());
            std::unique_ptr<Model> loaded;
            st = loadModel(r, loaded);
            if (st.ok()) model = std::move(loaded);
        }
        if (model) {
            cache.emplace_back(key, model);
            const Tokenizer* tok = model->tokenizer();
            std::vector<int64_t> prompt;
            if (!tok)
                st = Status::error(ErrorKind::BadInput,
                                   r.modelFolder.toStdString() +
                                       ": no tokenizer (tokenizer.json or tokenizer.model)");
            if (st.ok()) st = promptIds(*tok, r.prompt.toStdString(), prompt);
            if (st.ok()) {
                GenerateOptions o;
                o.maxNewTokens = r.maxNewTokens;
                o.greedy = r.greedy;
                std::vector<int64_t> ids;
                st = qat::generate(*model, prompt, o, ids);
                if (st.ok()) {
                    result.text = utf8(tok->decode(ids));
                    result.tokens = static_cast<int>(ids.size());
                }
            }
        }
        if (!st.ok()) result.error = utf8(st.message);
    } catch (const std::exception& e) { // nothing may cross the thread boundary
        result.error = QString::fromUtf8(e.what());
    }
    result.seconds = clock.elapsed() / 1000.0;
    return result;
}

GenerationController::GenerationController(QObject* parent)
    : QObject(parent), m_cache(std::make_shared<GenerationCache>()) {
    qRegisterMetaType<qat::GenerationRequest>();
    qRegisterMetaType<qat::GenerationResult>();
    m_runner = new JobRunner(QStringLiteral("qat-generate"), this);
    connect(m_runner, &JobRunner::finished, this, [this](const JobOutcome& o) {
        GenerationResult r = o.value.value<GenerationResult>();
        if (!o.value.canConvert<GenerationResult>()) r.error = o.message; // an exception escaped the worker
        startNext();
        Q_EMIT finished(r);
    });
}

GenerationController::~GenerationController() {
    m_queue.clear();
    m_runner->shutdown(-1);
}

void GenerationController::request(const GenerationRequest& r) {
    m_queue.enqueue(r);
    if (!m_runner->isRunning()) startNext();
}

void GenerationController::startNext() {
    if (!m_queue.isEmpty()) m_runner->start(std::make_unique<GenerationWorker>(m_queue.dequeue(), m_cache));
}

} // namespace qat
