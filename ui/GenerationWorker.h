// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file GenerationWorker.h
/// Text generation for the Results page's side-by-side comparison, off the GUI thread: each
/// request is a job (a JobWorker) on the controller's JobRunner ("qat-generate" thread) that
/// loads a model (full precision, or a run's model with the run's quantized.safetensors
/// installed, as `qat-cli generate --run` does) and continues a prompt with core's generate().
/// The last two models loaded are kept for the next requests. Only value types cross the
/// thread boundary.

#include "JobRunner.h"

#include <QMetaType>
#include <QObject>
#include <QQueue>
#include <QString>

#include <memory>
#include <utility>
#include <vector>

namespace qat {

class Model;

/// What to generate, and with which model.
struct GenerationRequest {
    int slot = 0;        ///< which side asked (0 left, 1 right); echoed in the result
    QString modelFolder; ///< the full-precision model folder (empty with a run: the run's)
    QString runFolder;   ///< a finished run whose quantized state to install; empty: full precision
    QString prompt;      ///< text after BOS (may be empty)
    int maxNewTokens = 64;
    bool greedy = true;
    int device = 0;  ///< 0 CPU, 1 CUDA
    int threads = 0; ///< CPU threads, 0: LibTorch's default
};

/// What came out: the continuation (without the prompt), or an error.
struct GenerationResult {
    int slot = 0;
    QString text;  ///< the decoded new tokens
    QString error; ///< empty on success
    double seconds = 0.0;
    int tokens = 0;
};

/// The models kept loaded between requests: (request key, model), most recent last, at most
/// two. Used by one GenerationWorker at a time (the runner runs one job at a time).
struct GenerationCache {
    std::vector<std::pair<QString, std::shared_ptr<Model>>> models;
};

/// One request. The job's outcome (JobOutcome::value) is a GenerationResult; a failure is in
/// its `error` (the outcome itself is then a success).
class GenerationWorker : public JobWorker {
    Q_OBJECT

public:
    GenerationWorker(GenerationRequest request, std::shared_ptr<GenerationCache> cache);
    ~GenerationWorker() override;

protected:
    /// Loads the model if needed and generates.
    JobOutcome work() override;

private:
    GenerationResult generate(const GenerationRequest& request);

    GenerationRequest m_request;
    std::shared_ptr<GenerationCache> m_cache;
};

/// Owns the generation JobRunner and the models it keeps; requests are queued and answered in
/// order, one job each.
class GenerationController : public QObject {
    Q_OBJECT

public:
    explicit GenerationController(QObject* parent = nullptr);
    /// Drops the queued requests and waits for the one in progress.
    ~GenerationController() override;

    void request(const GenerationRequest& request);
    /// Requests sent and not yet answered.
    int pending() const { return static_cast<int>(m_queue.size()) + (m_runner->isRunning() ? 1 : 0); }

Q_SIGNALS:
    void finished(const qat::GenerationResult& result);

private:
    void startNext();

    JobRunner* m_runner = nullptr;
    QQueue<GenerationRequest> m_queue;
    std::shared_ptr<GenerationCache> m_cache;
};

} // namespace qat

Q_DECLARE_METATYPE(qat::GenerationRequest)
Q_DECLARE_METATYPE(qat::GenerationResult)
