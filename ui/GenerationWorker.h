// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file GenerationWorker.h
/// Text generation for the Results page's side-by-side comparison, off the GUI thread: a
/// worker QObject on the "qat-generate" QThread loads a model (full precision, or a run's
/// model with the run's quantized.safetensors installed, as `qat-cli generate --run` does),
/// keeps the last two it loaded, and continues a prompt with core's generate(). Only value
/// types cross the thread boundary.

#include <QMetaType>
#include <QObject>
#include <QString>

#include <memory>
#include <utility>
#include <vector>

class QThread;

namespace qat {

class Model;

/// What to generate, and with which model.
struct GenerationRequest {
    int slot = 0;          ///< which side asked (0 left, 1 right); echoed in the result
    QString modelFolder;   ///< the full-precision model folder (empty with a run: the run's)
    QString runFolder;     ///< a finished run whose quantized state to install; empty: full precision
    QString prompt;        ///< text after BOS (may be empty)
    int maxNewTokens = 64;
    bool greedy = true;
    int device = 0;        ///< 0 CPU, 1 CUDA
    int threads = 0;       ///< CPU threads, 0: LibTorch's default
};

/// What came out: the continuation (without the prompt), or an error.
struct GenerationResult {
    int slot = 0;
    QString text;          ///< the decoded new tokens
    QString error;         ///< empty on success
    double seconds = 0.0;
    int tokens = 0;
};

class GenerationWorker : public QObject {
    Q_OBJECT

public:
    GenerationWorker();
    ~GenerationWorker() override;

public Q_SLOTS:
    /// Loads the model if needed and generates; emits finished() with the result.
    void generate(const qat::GenerationRequest& request);

Q_SIGNALS:
    void finished(const qat::GenerationResult& result);

private:
    std::vector<std::pair<QString, std::shared_ptr<Model>>> m_cache;  ///< most recent last, at most two
};

/// Owns the generation thread and its worker; requests are queued and answered in order.
class GenerationController : public QObject {
    Q_OBJECT

public:
    explicit GenerationController(QObject* parent = nullptr);
    /// Quits the thread and waits for the request in progress.
    ~GenerationController() override;

    void request(const GenerationRequest& request);
    /// Requests sent and not yet answered.
    int pending() const { return m_pending; }

Q_SIGNALS:
    void finished(const qat::GenerationResult& result);
    void requested(const qat::GenerationRequest& request);

private:
    QThread* m_thread = nullptr;
    int m_pending = 0;
};

} // namespace qat

Q_DECLARE_METATYPE(qat::GenerationRequest)
Q_DECLARE_METATYPE(qat::GenerationResult)
