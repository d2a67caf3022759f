// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file ExportWorker.h
/// Exporting a finished run (core's exportRun, qat/Export.h) as a job on a JobRunner: the
/// progress is the decoder linears converted, then the tensor files written (what: "Converting
/// layers" / "Writing files"); a cancel stops it before the next linear or file, the temporary
/// folder removed and the destination untouched. The job's outcome (JobOutcome::value) is the
/// ExportReport.

#include "JobRunner.h"

#include <qat/Export.h>

#include <QMetaType>

#include <filesystem>

namespace qat {

class ExportWorker : public JobWorker {
    Q_OBJECT

public:
    ExportWorker(std::filesystem::path run, ExportOptions options);

protected:
    JobOutcome work() override;

private:
    std::filesystem::path m_run;
    ExportOptions m_options;
};

} // namespace qat

Q_DECLARE_METATYPE(qat::ExportReport)
