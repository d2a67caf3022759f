// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Runs qat-cli (the path in $QAT_CLI) as a user would, for the CLI tests.

#include <QProcess>
#include <QString>
#include <QStringList>

namespace qat::test {

struct CliResult {
    int code;    ///< exit code; -1 on timeout, -2 when the process crashed
    QString out; ///< standard output
    QString err; ///< standard error
};

inline CliResult runCli(const QStringList& args, int timeoutMs = 300000) {
    QProcess p;
    p.start(qEnvironmentVariable("QAT_CLI"), args);
    if (!p.waitForFinished(timeoutMs)) return {-1, {}, QStringLiteral("timeout")};
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2,
            QString::fromUtf8(p.readAllStandardOutput()), QString::fromUtf8(p.readAllStandardError())};
}

} // namespace qat::test
