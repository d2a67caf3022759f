// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file ModelFactsView.h
/// The model page's summary box: architecture, sizes, dtype, files.

#include <qat/ModelSummary.h>

#include <QGroupBox>

#include <array>
#include <optional>

class QLabel;

namespace qat {

/// A form of the model's facts. Each value label has an objectName ("architectureValue",
/// "parametersValue", "layersValue", "hiddenSizeValue", "intermediateSizeValue",
/// "headsValue", "headDimValue", "vocabValue", "contextValue", "dtypeValue",
/// "sizeOnDiskValue", "weightFilesValue", "tiedEmbeddingsValue", "tokenizerValue").
class ModelFactsView : public QGroupBox {
    Q_OBJECT

public:
    explicit ModelFactsView(QWidget* parent = nullptr);

    /// Shows `summary`'s facts.
    void setSummary(const ModelSummary& summary);
    /// Empties every value.
    void clear();

protected:
    void changeEvent(QEvent* event) override;

private:
    enum Fact {
        Architecture,
        Parameters,
        Layers,
        HiddenSize,
        IntermediateSize,
        Heads,
        HeadDim,
        Vocab,
        Context,
        DType,
        SizeOnDisk,
        WeightFiles,
        TiedEmbeddings,
        Tokenizer,
        FactCount
    };

    void retranslateUi();
    void showValues();
    static QString factName(Fact fact);
    static const char* objectNameOf(Fact fact);

    std::array<QLabel*, FactCount> m_names{};
    std::array<QLabel*, FactCount> m_values{};
    std::optional<ModelSummary> m_summary;
};

} // namespace qat
