// SPDX-License-Identifier: GPL-3.0-or-later
#include "ModelFactsView.h"

#include "Format.h"

#include <QDir>
#include <QEvent>
#include <QFormLayout>
#include <QLabel>

namespace qat {

ModelFactsView::ModelFactsView(QWidget* parent) : QGroupBox(parent) {
    auto* form = new QFormLayout(this);
    form->setLabelAlignment(Qt::AlignLeft);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    for (int i = 0; i < FactCount; ++i) {
        m_names[i] = new QLabel(this);
        m_values[i] = new QLabel(this);
        m_values[i]->setObjectName(QLatin1String(objectNameOf(static_cast<Fact>(i))));
        m_values[i]->setTextFormat(Qt::PlainText);
        m_values[i]->setTextInteractionFlags(Qt::TextSelectableByMouse);
        m_names[i]->setBuddy(m_values[i]);
        form->addRow(m_names[i], m_values[i]);
    }
    QFont bold = m_values[Architecture]->font();
    bold.setBold(true);
    m_values[Architecture]->setFont(bold);
    m_values[Parameters]->setFont(bold);
    retranslateUi();
}

void ModelFactsView::setSummary(const ModelSummary& summary) {
    m_summary = summary;
    showValues();
}

void ModelFactsView::clear() {
    m_summary.reset();
    showValues();
}

void ModelFactsView::changeEvent(QEvent* event) {
    if (event->type() == QEvent::LanguageChange) retranslateUi();
    QGroupBox::changeEvent(event);
}

void ModelFactsView::retranslateUi() {
    setTitle(tr("Model"));
    for (int i = 0; i < FactCount; ++i)
        m_names[i]->setText(factName(static_cast<Fact>(i)));
    showValues();
}

void ModelFactsView::showValues() {
    if (!m_summary) {
        for (QLabel* value : m_values) {
            value->clear();
            value->setToolTip(QString());
        }
        return;
    }
    const ModelSummary& s = *m_summary;
    const ModelConfig& c = s.config;
    const QString yes = tr("Yes");
    const QString no = tr("No");

    m_values[Architecture]->setText(fromUtf8(c.architecture));
    m_values[Parameters]->setText(formatCount(s.parameters));
    m_values[Layers]->setText(formatCount(c.numLayers));
    m_values[HiddenSize]->setText(formatCount(c.hiddenSize));
    m_values[IntermediateSize]->setText(formatCount(c.intermediateSize));
    m_values[Heads]->setText(
        QStringLiteral("%1 / %2").arg(formatCount(c.numHeads), formatCount(c.numKvHeads)));
    m_values[HeadDim]->setText(formatCount(c.headDim));
    m_values[Vocab]->setText(formatCount(c.vocabSize));
    m_values[Context]->setText(formatCount(c.maxPositionEmbeddings));
    m_values[DType]->setText(fromUtf8(s.dtype));
    m_values[SizeOnDisk]->setText(fromUtf8(formatBytes(s.sizeOnDisk)));

    QStringList files;
    for (const std::string& file : s.weightFiles)
        files << fromUtf8(file);
    m_values[WeightFiles]->setText(files.size() == 1 ? files.first() : tr("%1 files").arg(files.size()));
    m_values[WeightFiles]->setToolTip(files.join(QLatin1Char('\n')));

    m_values[TiedEmbeddings]->setText(c.tieWordEmbeddings ? yes : no);
    if (s.tokenizer) {
        const TokenizerSummary& t = *s.tokenizer;
        const QString bos =
            t.bosId >= 0 ? tr("BOS %1 (id %2)").arg(fromUtf8(t.bos)).arg(t.bosId) : tr("no BOS");
        m_values[Tokenizer]->setText(QStringLiteral("%1, %2").arg(fromUtf8(t.kind), bos));
        m_values[Tokenizer]->setToolTip(
            tr("%1\n%2 ids; EOS %3; BOS %4")
                .arg(QDir::toNativeSeparators(fromUtf8(t.file.string())))
                .arg(t.vocabSize)
                .arg(t.eosId >= 0 ? fromUtf8(t.eos) : tr("none"))
                .arg(t.addsBos ? tr("added to prompts") : tr("not added to prompts")));
    } else {
        m_values[Tokenizer]->setText(tr("None"));
        m_values[Tokenizer]->setToolTip(tr("No tokenizer.json or tokenizer.model in the folder"));
    }
}

QString ModelFactsView::factName(Fact fact) {
    switch (fact) {
    case Architecture:
        return tr("Architecture:");
    case Parameters:
        return tr("Parameters:");
    case Layers:
        return tr("Layers:");
    case HiddenSize:
        return tr("Hidden size:");
    case IntermediateSize:
        return tr("Intermediate size:");
    case Heads:
        return tr("Heads / KV heads:");
    case HeadDim:
        return tr("Head dimension:");
    case Vocab:
        return tr("Vocabulary:");
    case Context:
        return tr("Context length:");
    case DType:
        return tr("Weight type:");
    case SizeOnDisk:
        return tr("Size on disk:");
    case WeightFiles:
        return tr("Weight files:");
    case TiedEmbeddings:
        return tr("Tied embeddings:");
    case Tokenizer:
        return tr("Tokenizer:");
    case FactCount:
        break;
    }
    return {};
}

const char* ModelFactsView::objectNameOf(Fact fact) {
    switch (fact) {
    case Architecture:
        return "architectureValue";
    case Parameters:
        return "parametersValue";
    case Layers:
        return "layersValue";
    case HiddenSize:
        return "hiddenSizeValue";
    case IntermediateSize:
        return "intermediateSizeValue";
    case Heads:
        return "headsValue";
    case HeadDim:
        return "headDimValue";
    case Vocab:
        return "vocabValue";
    case Context:
        return "contextValue";
    case DType:
        return "dtypeValue";
    case SizeOnDisk:
        return "sizeOnDiskValue";
    case WeightFiles:
        return "weightFilesValue";
    case TiedEmbeddings:
        return "tiedEmbeddingsValue";
    case Tokenizer:
        return "tokenizerValue";
    case FactCount:
        break;
    }
    return "";
}

} // namespace qat
