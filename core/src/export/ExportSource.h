// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The steps every export format shares: reading the run folder, loading the quantized model, and
// reporting progress and cancel requests to the caller's sink.

#include "export/ExportWalk.h"
#include "qat/Export.h"
#include "qat/Model.h"
#include "qat/Quantization.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <memory>
#include <string>

namespace qat {

/// What an export reads from its run folder.
struct ExportSource {
    std::filesystem::path run;
    std::filesystem::path modelFolder; ///< run.json's model.folder
    std::filesystem::path tokenizer;   ///< the recipe's tokenizer, or empty
    std::filesystem::path state;       ///< quantized.safetensors
    std::filesystem::path evalJson;    ///< eval.json (may be absent)
    std::string method;                ///< the recipe's method
    nlohmann::ordered_json recipe;     ///< run.json's config (the recipe)
};

/// The run, through the one run-folder reader. Throws BadInput naming the file or field for a run
/// that has not finished.
ExportSource readExportSource(const std::filesystem::path& run);

/// The source model with the run's quantized state in place of its decoder linears; `spec`
/// receives the state's bits and group size.
std::unique_ptr<Model> loadQuantizedModel(const ExportSource& source, int threads, QuantSpec& spec);

/// The export's progress and cancel requests, through the caller's sink (none: silent).
class ExportProgressReporter {
public:
    explicit ExportProgressReporter(ExportSink* sink) : m_sink(sink) {}
    /// Throws Cancelled when the sink asks for it.
    void checkCancelled() const;
    void progress(ExportProgress::Step step, int64_t done, int64_t total, const std::string& item) const;

private:
    ExportSink* m_sink;
};

// Passes the walk on to the format's writer, checking for a cancel before each quantized
// linear and reporting each one converted.
class ReportingVisitor : public ExportVisitor {
public:
    ReportingVisitor(ExportVisitor& next, const ExportProgressReporter& reporter, int64_t linears)
        : m_next(next), m_reporter(reporter), m_linears(linears) {}
    void plain(const std::string& name, const torch::Tensor& tensor) override { m_next.plain(name, tensor); }
    void linear(const QuantizedLinearView& linear) override {
        m_reporter.checkCancelled();
        m_next.linear(linear);
        m_reporter.progress(ExportProgress::Step::Converting, ++m_done, m_linears, linear.module);
    }

private:
    ExportVisitor& m_next;
    const ExportProgressReporter& m_reporter;
    int64_t m_linears;
    int64_t m_done = 0;
};

} // namespace qat
