// SPDX-License-Identifier: GPL-3.0-or-later
#include "GenerationWorker.h"

#include <qat/Generation.h>
#include <qat/Model.h>
#include <qat/Quantization.h>
#include <qat/RunFolder.h>

#include <QElapsedTimer>
#include <QThread>

namespace qat {

namespace {

QString utf8(const std::string& s) { return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size())); }

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
            return Status::error(ErrorKind::BadInput, r.runFolder.toStdString() + ": no quantized.safetensors yet: the run has not finished");
        if (folder.empty()) folder = run.modelFolder;
        o.tokenizerPath = run.tokenizer;
    }
    Status st = Model::load(folder, o, out);
    if (!st.ok() || r.runFolder.isEmpty()) return st;
    return loadQuantizedState(*out, run.layout.quantizedState());
}

} // namespace

GenerationWorker::GenerationWorker() = default;
GenerationWorker::~GenerationWorker() = default;

void GenerationWorker::generate(const GenerationRequest& r) {
    GenerationResult result;
    result.slot = r.slot;
    QElapsedTimer clock;
    clock.start();
    try {
        const QString key = QStringLiteral("%1\n%2\n%3\n%4").arg(r.modelFolder, r.runFolder).arg(r.device).arg(r.threads);
        std::shared_ptr<Model> model;
        for (auto it = m_cache.begin(); it != m_cache.end(); ++it)
            if (it->first == key) {
                model = it->second;
                m_cache.erase(it);
                break;
            }
        Status st;
        if (!model) {
            if (m_cache.size() >= 2) m_cache.erase(m_cache.begin());
            std::unique_ptr<Model> loaded;
            st = loadModel(r, loaded);
            if (st.ok()) model = std::move(loaded);
        }
        if (model) {
            m_cache.emplace_back(key, model);
            const Tokenizer* tok = model->tokenizer();
            if (!tok) st = Status::error(ErrorKind::BadInput, r.modelFolder.toStdString() + ": no tokenizer.model");
            if (st.ok()) {
                std::vector<int64_t> prompt{tok->bosId()};
                if (!r.prompt.isEmpty()) {
                    const auto ids = tok->encode(r.prompt.toStdString());
                    prompt.insert(prompt.end(), ids.begin(), ids.end());
                }
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
    } catch (const std::exception& e) {  // nothing may cross the thread boundary
        result.error = QString::fromUtf8(e.what());
    }
    result.seconds = clock.elapsed() / 1000.0;
    Q_EMIT finished(result);
}

GenerationController::GenerationController(QObject* parent) : QObject(parent) {
    qRegisterMetaType<qat::GenerationRequest>();
    qRegisterMetaType<qat::GenerationResult>();
    m_thread = new QThread(this);
    m_thread->setObjectName(QStringLiteral("qat-generate"));
    auto* worker = new GenerationWorker;
    worker->moveToThread(m_thread);
    connect(this, &GenerationController::requested, worker, &GenerationWorker::generate);  // queued
    connect(worker, &GenerationWorker::finished, this, [this](const GenerationResult& r) {
        --m_pending;
        Q_EMIT finished(r);
    });
    connect(m_thread, &QThread::finished, worker, &QObject::deleteLater);
    m_thread->start();
}

GenerationController::~GenerationController() {
    m_thread->quit();
    m_thread->wait();
}

void GenerationController::request(const GenerationRequest& r) {
    ++m_pending;
    Q_EMIT requested(r);
}

} // namespace qat
