// SPDX-License-Identifier: GPL-3.0-or-later
#include "ExportWorker.h"

namespace qat {

namespace {

// Core's export progress as the worker's (throttled) progress; its cancel is the runner's.
class ExportProgressSink : public ExportSink {
public:
    explicit ExportProgressSink(ExportWorker& worker)
        : m_worker(worker), m_converting(ExportWorker::tr("Converting layers")),
          m_writing(ExportWorker::tr("Writing files")),
          m_measuring(ExportWorker::tr("Measuring the file read back")) {}
    void onExportProgress(const ExportProgress& p) override {
        const QString& what = p.step == ExportProgress::Step::Converting ? m_converting
                              : p.step == ExportProgress::Step::Writing  ? m_writing
                                                                         : m_measuring;
        m_worker.reportProgress(p.done, p.total, what);
    }
    bool isCancelled() const override { return m_worker.isCancelled(); }

private:
    ExportWorker& m_worker;
    QString m_converting, m_writing, m_measuring;
};

} // namespace

ExportWorker::ExportWorker(std::filesystem::path run, ExportOptions options)
    : m_run(std::move(run)), m_options(std::move(options)) {}

JobOutcome ExportWorker::work() {
    ExportProgressSink sink(*this);
    ExportReport report;
    const Status st = exportRun(m_run, m_options, report, &sink);
    return JobOutcome{static_cast<int>(st.kind), QString::fromStdString(st.message),
                      QVariant::fromValue(report)};
}

} // namespace qat
