// SPDX-License-Identifier: GPL-3.0-or-later
#include "export/ExportSource.h"

#include "qat/QuantizeJob.h"
#include "qat/RunFolder.h"

namespace qat {

namespace fs = std::filesystem;

ExportSource readExportSource(const fs::path& run) {
    RunFolder folder;
    const Status read = RunFolder::read(run, folder);
    if (!read.ok()) fail(read.kind, read.message);
    if (!folder.hasQuantizedState)
        fail(ErrorKind::BadInput, run.string() + ": no quantized.safetensors yet: the run has not finished "
                                                 "(run it again to resume, then export)");
    if (folder.modelFolder.empty())
        fail(ErrorKind::BadInput, folder.layout.runJson().string() + ": field model.folder: missing");
    ExportSource source;
    source.run = run;
    source.modelFolder = folder.modelFolder;
    source.tokenizer = folder.tokenizer;
    source.state = folder.layout.quantizedState();
    source.evalJson = folder.layout.evalJson();
    source.method = folder.method.empty() ? methodName(Method::RoundToNearest) : folder.method;
    source.recipe = nlohmann::ordered_json::parse(folder.configJson);
    return source;
}

std::unique_ptr<Model> loadQuantizedModel(const ExportSource& source, int threads, QuantSpec& spec) {
    LoadOptions lo;
    lo.tokenizerPath = source.tokenizer;
    lo.threads = threads;
    std::unique_ptr<Model> model;
    Status s = Model::load(source.modelFolder, lo, model);
    if (!s.ok()) fail(s.kind, s.message);
    s = loadQuantizedState(*model, source.state, &spec);
    if (!s.ok()) fail(s.kind, s.message);
    return model;
}

void ExportProgressReporter::checkCancelled() const {
    if (m_sink && m_sink->isCancelled()) fail(ErrorKind::Cancelled, "export cancelled");
}

void ExportProgressReporter::progress(ExportProgress::Step step, int64_t done, int64_t total,
                                      const std::string& item) const {
    if (m_sink) m_sink->onExportProgress({step, done, total, item});
}

} // namespace qat
