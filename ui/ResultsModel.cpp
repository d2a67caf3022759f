// SPDX-License-Identifier: GPL-3.0-or-later
#include "ResultsModel.h"

#include "Format.h"

#include <qat/ModelSummary.h>
#include <qat/Quantization.h>
#include <qat/ZeroShot.h>

#include <QBrush>
#include <QDir>
#include <QFileInfo>
#include <QLocale>
#include <QPalette>
#include <QSet>

#include <cmath>
#include <limits>

namespace qat {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

QString evalSetKey(const QString& file, qint64 seqlen, qint64 maxWindows) {
    return maxWindows > 0 ? QStringLiteral("%1 · %2 × %3").arg(file).arg(seqlen).arg(maxWindows)
                          : QStringLiteral("%1 · %2").arg(file).arg(seqlen);
}

QString taskSetKey(const QString& task, qint64 limit) {
    return limit > 0 ? QStringLiteral("%1 · %2").arg(task).arg(limit) : task;
}

// "ARC-Easy" for "arc_easy · 500" (the name itself for a task this version does not know).
QString taskTitle(const QString& key) {
    const QString name = key.section(QStringLiteral(" · "), 0, 0);
    const ZeroShotTask* t = findZeroShotTask(name.toStdString());
    return t ? QString::fromUtf8(t->title) : name;
}

QString csvField(QString text) {
    if (text.contains(QLatin1Char(',')) || text.contains(QLatin1Char('"')) ||
        text.contains(QLatin1Char('\n'))) {
        text.replace(QStringLiteral("\""), QStringLiteral("\"\""));
        return QLatin1Char('"') + text + QLatin1Char('"');
    }
    return text;
}

} // namespace

QString formatDuration(double seconds) {
    if (!std::isfinite(seconds) || seconds < 0) return QStringLiteral("–");
    const qint64 t = static_cast<qint64>(seconds + 0.5);
    return t >= 3600 ? QStringLiteral("%1:%2:%3")
                           .arg(t / 3600)
                           .arg(t / 60 % 60, 2, 10, QLatin1Char('0'))
                           .arg(t % 60, 2, 10, QLatin1Char('0'))
                     : QStringLiteral("%1:%2").arg(t / 60).arg(t % 60, 2, 10, QLatin1Char('0'));
}

ResultsModel::ResultsModel(QObject* parent) : QAbstractTableModel(parent) {}

void ResultsModel::setRuns(const QVector<RunRecord>& runs) {
    m_runs = runs;
    m_facts.clear(); // the model folders may have changed on disk
    rebuild();
}

const ResultsModel::ModelFacts& ResultsModel::factsOf(const QString& modelFolder) {
    auto it = m_facts.find(modelFolder);
    if (it != m_facts.end()) return *it;
    ModelFacts facts;
    ModelSummary summary;
    if (inspectModel(modelFolder.toStdString(), summary).ok()) {
        facts.ok = true;
        for (const TensorSummary& t : summary.tensors) {
            // The decoder linears are the layers' matrices; norms are vectors.
            if (t.role == TensorRole::Layer && t.shape.size() == 2)
                facts.linearParameters += static_cast<double>(t.parameters);
            else
                facts.otherParameters += static_cast<double>(t.parameters);
        }
        facts.hidden = static_cast<double>(summary.config.hiddenSize);
        facts.sizeOnDisk = static_cast<double>(summary.sizeOnDisk);
        facts.dtypeBits = summary.dtype == "F32"     ? 32
                          : summary.dtype == "F64"   ? 64
                          : summary.dtype == "mixed" ? kNaN
                                                     : 16;
    }
    return *m_facts.insert(modelFolder, facts);
}

void ResultsModel::rebuild() {
    beginResetModel();
    m_rows.clear();
    m_evalSets.clear();
    m_taskSets.clear();
    for (const RunRecord& run : std::as_const(m_runs)) {
        for (const QString& file : run.evalFiles) {
            const QString key = evalSetKey(file, run.evalSeqlen, run.evalMaxWindows);
            if (!m_evalSets.contains(key)) m_evalSets << key;
        }
        for (const QString& task : run.tasks) {
            const QString key = taskSetKey(task, run.taskLimit);
            if (!m_taskSets.contains(key)) m_taskSets << key;
        }
    }

    QHash<QString, int> fpRows; // one full-precision row per model and evaluation protocol
    for (const RunRecord& run : std::as_const(m_runs)) {
        const ModelFacts& facts = factsOf(run.modelFolder);
        const QString modelName = QFileInfo(run.modelFolder).fileName();
        const QString finalStage = finalStageOf(run.method);
        QVector<StageRecord> stages = run.stages;
        // A run that measured nothing (no evaluation files, or not that far yet) still gets
        // a row for what it produces.
        bool hasFinal = false;
        for (const StageRecord& s : std::as_const(stages))
            hasFinal = hasFinal || s.stage == finalStage;
        if (!hasFinal) stages << StageRecord{finalStage, {}, run.finished ? run.seconds : kNaN, {}};
        QStringList keys;
        for (const QString& f : run.evalFiles)
            keys << evalSetKey(f, run.evalSeqlen, run.evalMaxWindows);
        for (const QString& t : run.tasks)
            keys << taskSetKey(t, run.taskLimit);
        const QString protocol =
            QDir::cleanPath(run.modelFolder) + QLatin1Char('\n') + keys.join(QLatin1Char('\n'));
        for (const StageRecord& s : std::as_const(stages)) {
            ResultRow row;
            row.modelName = modelName;
            row.modelFolder = run.modelFolder;
            row.stage = s.stage;
            row.perplexity = QVector<double>(m_evalSets.size(), kNaN);
            for (int i = 0; i < run.evalFiles.size() && i < s.perplexity.size(); ++i)
                row.perplexity[m_evalSets.indexOf(
                    evalSetKey(run.evalFiles[i], run.evalSeqlen, run.evalMaxWindows))] = s.perplexity[i];
            row.accuracy = QVector<double>(m_taskSets.size(), kNaN);
            double sum = 0;
            int measured = 0;
            for (int i = 0; i < run.tasks.size() && i < s.accuracy.size(); ++i) {
                row.accuracy[m_taskSets.indexOf(taskSetKey(run.tasks[i], run.taskLimit))] = s.accuracy[i];
                if (std::isfinite(s.accuracy[i])) {
                    sum += s.accuracy[i];
                    ++measured;
                }
            }
            row.averageAccuracy = measured ? sum / measured : kNaN;
            row.fullPrecisionRow = fpRows.value(protocol, -1);
            if (s.stage == QLatin1String(stageName(Stage::FullPrecision))) {
                if (fpRows.contains(protocol)) continue;
                fpRows.insert(protocol, static_cast<int>(m_rows.size()));
                row.bitsPerParameter = facts.ok ? facts.dtypeBits : kNaN;
                row.sizeBytes = facts.ok ? facts.sizeOnDisk : kNaN;
                row.seconds = kNaN;
                row.finished = true;
                row.isFinalStage = true;
            } else {
                row.runFolder = run.folder;
                row.runName = run.name;
                row.bits = run.bits;
                row.groupSize = run.groupSize;
                row.seconds = s.seconds;
                row.finished = run.finished;
                row.isFinalStage = s.stage == finalStage;
                if (facts.ok) {
                    const QuantSpec spec{run.bits, run.groupSize};
                    row.bitsPerParameter = bitsPerParameter(spec, static_cast<int64_t>(facts.hidden));
                    // The packed model: decoder linears at bits per parameter, the rest (embeddings,
                    // norms, head) at 16 bits.
                    row.sizeBytes =
                        facts.linearParameters * row.bitsPerParameter / 8.0 + facts.otherParameters * 2.0;
                } else {
                    row.bitsPerParameter = row.sizeBytes = kNaN;
                }
            }
            m_rows << row;
        }
    }
    endResetModel();
    retranslate();
}

void ResultsModel::retranslate() {
    for (ResultRow& row : m_rows)
        row.label = row.runFolder.isEmpty()
                        ? tr("%1 · full precision").arg(row.modelName)
                        : QStringLiteral("%1 · %2").arg(row.runName, stageDisplayName(row.stage));
    if (!m_rows.isEmpty()) Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, columnCount() - 1));
    Q_EMIT headerDataChanged(Qt::Horizontal, 0, columnCount() - 1);
}

const RunRecord* ResultsModel::runOf(int row) const {
    if (row < 0 || row >= m_rows.size() || m_rows[row].runFolder.isEmpty()) return nullptr;
    for (const RunRecord& run : m_runs)
        if (run.folder == m_rows[row].runFolder) return &run;
    return nullptr;
}

void ResultsModel::setRelativeToFullPrecision(bool relative) {
    if (relative == m_relative) return;
    m_relative = relative;
    if (!m_rows.isEmpty()) Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, columnCount() - 1));
}

QString ResultsModel::toCsv() const {
    QStringList lines;
    QStringList header;
    for (int c = 0; c < columnCount(); ++c)
        header << csvField(headerData(c, Qt::Horizontal).toString());
    lines << header.join(QLatin1Char(','));
    for (int r = 0; r < rowCount(); ++r) {
        QStringList fields;
        for (int c = 0; c < columnCount(); ++c) {
            const QVariant raw = data(index(r, c), RawRole);
            if (c >= BitsColumn && c != StatusColumn) {
                const double v = raw.toDouble();
                fields << (std::isfinite(v) ? QString::number(v, 'g', 10) : QString());
            } else {
                fields << csvField(data(index(r, c)).toString());
            }
        }
        lines << fields.join(QLatin1Char(','));
    }
    return lines.join(QStringLiteral("\r\n")) + QStringLiteral("\r\n");
}

int ResultsModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int ResultsModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid()
               ? 0
               : firstAccuracyColumn() + static_cast<int>(m_taskSets.size()) + (m_taskSets.isEmpty() ? 0 : 1);
}

QVariant ResultsModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= m_rows.size()) return {};
    const ResultRow& r = m_rows[index.row()];
    const int c = index.column();
    const QLocale locale;
    const int firstAcc = firstAccuracyColumn();
    const bool accuracyColumn = c >= firstAcc;
    auto accuracyOf = [&](const ResultRow& row) {
        return c == averageAccuracyColumn() ? row.averageAccuracy : row.accuracy.value(c - firstAcc, kNaN);
    };
    const ResultRow* fp = m_relative && r.fullPrecisionRow >= 0 && r.fullPrecisionRow != index.row()
                              ? &m_rows[r.fullPrecisionRow]
                              : nullptr;
    if (accuracyColumn) {
        const double a = accuracyOf(r);
        if (role == RawRole) return a;
        if (role == Qt::DisplayRole) {
            if (!std::isfinite(a)) return QStringLiteral("–");
            if (fp) {
                const double base = accuracyOf(*fp);
                if (!std::isfinite(base)) return QStringLiteral("–");
                const double delta = 100.0 * (a - base);
                return (delta >= 0 ? QStringLiteral("+") : QString()) + locale.toString(delta, 'f', 1);
            }
            return locale.toString(100.0 * a, 'f', 1);
        }
    }
    if (role == RawRole) {
        switch (c) {
        case ModelColumn:
            return r.modelFolder;
        case RunColumn:
            return r.runFolder;
        case MethodColumn:
            return r.stage;
        case BitsColumn:
            return r.bitsPerParameter;
        case SizeColumn:
            return r.sizeBytes;
        case TimeColumn:
            return r.seconds;
        case StatusColumn:
            return r.finished;
        default:
            return r.perplexity.value(c - FirstPerplexityColumn, kNaN);
        }
    }
    if (role == Qt::DisplayRole) {
        switch (c) {
        case ModelColumn:
            return r.modelName;
        case RunColumn:
            return r.runFolder.isEmpty() ? QStringLiteral("–") : r.runName;
        case MethodColumn:
            return r.bits > 0 ? tr("%1 W%2 g%3").arg(stageDisplayName(r.stage)).arg(r.bits).arg(r.groupSize)
                              : stageDisplayName(r.stage);
        case BitsColumn:
            return std::isfinite(r.bitsPerParameter) ? locale.toString(r.bitsPerParameter, 'f', 2)
                                                     : QStringLiteral("–");
        case SizeColumn:
            return std::isfinite(r.sizeBytes) ? locale.formattedDataSize(static_cast<qint64>(r.sizeBytes))
                                              : QStringLiteral("–");
        case TimeColumn:
            return formatDuration(r.seconds);
        case StatusColumn:
            if (r.runFolder.isEmpty()) return QStringLiteral("–");
            return r.finished ? tr("finished") : tr("partial");
        default: {
            const double p = r.perplexity.value(c - FirstPerplexityColumn, kNaN);
            if (!std::isfinite(p)) return QStringLiteral("–");
            if (fp) {
                const double base = fp->perplexity.value(c - FirstPerplexityColumn, kNaN);
                return std::isfinite(base) && base > 0
                           ? QStringLiteral("×") + locale.toString(p / base, 'f', p / base < 100 ? 3 : 1)
                           : QStringLiteral("–");
            }
            return locale.toString(p, 'f', p < 100 ? 4 : 2);
        }
        }
    }
    if (role == Qt::TextAlignmentRole && c >= BitsColumn && c != StatusColumn)
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::ToolTipRole) {
        if (c == RunColumn && !r.runFolder.isEmpty()) return QDir::toNativeSeparators(r.runFolder);
        if (c == ModelColumn) return QDir::toNativeSeparators(r.modelFolder);
        if (c == StatusColumn && !r.finished)
            return tr("Not finished: select it and press Resume to continue it on the Run page");
    }
    if (role == Qt::ForegroundRole && !r.finished)
        return QBrush(QPalette().color(QPalette::Disabled, QPalette::Text));
    return {};
}

QVariant ResultsModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal) return {};
    const int firstAcc = firstAccuracyColumn();
    if (section >= firstAcc) {
        const bool average = section == averageAccuracyColumn();
        const QString key = m_taskSets.value(section - firstAcc);
        if (role == Qt::DisplayRole) {
            if (average) return m_relative ? tr("Δ avg acc") : tr("Avg acc");
            const QString items = key.section(QStringLiteral(" · "), 1, 1);
            const QString name = m_relative ? tr("Δ %1").arg(taskTitle(key)) : taskTitle(key);
            return items.isEmpty() ? name : QStringLiteral("%1 · %2").arg(name, items);
        }
        if (role == Qt::ToolTipRole) {
            const QString how = m_relative ? tr(" (the difference to full precision, in points)") : QString();
            if (average) return tr("Mean zero-shot accuracy (%) over the tasks this row measured") + how;
            const QString items = key.section(QStringLiteral(" · "), 1, 1);
            return (items.isEmpty()
                        ? tr("Zero-shot accuracy (%) on %1, lm-eval's acc; higher is better")
                              .arg(taskTitle(key))
                        : tr("Zero-shot accuracy (%) on the first %2 items of %1, lm-eval's acc; higher "
                             "is better")
                              .arg(taskTitle(key), items)) +
                   how;
        }
        return {};
    }
    if (role == Qt::DisplayRole) {
        switch (section) {
        case ModelColumn:
            return tr("Model");
        case RunColumn:
            return tr("Run");
        case MethodColumn:
            return tr("Method");
        case BitsColumn:
            return tr("Bits/param");
        case SizeColumn:
            return tr("Size");
        case TimeColumn:
            return tr("Time");
        case StatusColumn:
            return tr("Status");
        default:
            return (m_relative ? tr("× PPL %1") : tr("PPL %1"))
                .arg(m_evalSets.value(section - FirstPerplexityColumn));
        }
    }
    if (role == Qt::ToolTipRole) {
        switch (section) {
        case BitsColumn:
            return tr("Storage per weight of the decoder linears: the code plus each group's 16-bit scale "
                      "and zero point");
        case SizeColumn:
            return tr("The packed model: decoder linears at their bits per parameter, embeddings, norms and "
                      "head at 16 bits (full precision: the weight files)");
        case TimeColumn:
            return tr(
                "Time the run had spent when this stage's evaluation ended (all sessions of a resumed run)");
        default:
            if (section >= FirstPerplexityColumn)
                return tr("Perplexity on %1 (file · window length × windows); lower is better")
                    .arg(m_evalSets.value(section - FirstPerplexityColumn));
        }
    }
    return {};
}

} // namespace qat
