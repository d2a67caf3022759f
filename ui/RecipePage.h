// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file RecipePage.h
/// The "Recipe" page: method, bits and group size with the resulting bits per parameter
/// and output size, and an Advanced section with the chosen method's hyperparameters (each
/// with its paper default in the tooltip): Block-AP's and E2E-QP's for EfficientQAT,
/// Block-AP's alone, LR-QAT's, or round-to-nearest's quantizer form. The fields' ranges come
/// from the job settings table (qat/JobSettings.h); their defaults are QuantizeJob{}'s, which
/// the table's tests hold equal to the table's; the tooltips stay here, translatable
/// (QT_TR_NOOP), and say what the table's help says. Presets load from and
/// save to the same JSON as `qat-cli quantize --config`. Child objectNames for tests:
/// "methodCombo", "bitsSpin", "groupCombo", "bitsPerParamLabel", "sizeLabel", "advancedBox",
/// "loadPresetButton", "savePresetButton", and one per hyperparameter ("weightLrSpin",
/// "lrQatRankSpin", "phi0Combo", "rangeCombo" …).

#include "Translations.h"

#include <qat/JobSettings.h>
#include <qat/QuantizeJob.h>

#include <QWidget>

#include <vector>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QGroupBox;
class QLabel;
class QPushButton;
class QSpinBox;

namespace qat {

class RecipePage : public QWidget {
    Q_OBJECT

public:
    explicit RecipePage(QWidget* parent = nullptr);

    /// Shows the job's recipe (method, spec, Block-AP and E2E-QP options).
    void setFrom(const QuantizeJob& job);
    /// Writes the recipe into `job` (its model, data and run folder are left alone).
    void applyTo(QuantizeJob& job) const;

    /// The parameters of the model the size estimate is for (0: no model yet).
    void setModelParameters(qint64 parameters, qint64 rowLength);

    /// Reads a preset file into the page; false with `error` set when it is not one.
    bool loadPreset(const QString& file, QString* error = nullptr);
    /// Writes the page's recipe as a preset; false with `error` set on failure.
    bool savePreset(const QString& file, QString* error = nullptr) const;

Q_SIGNALS:
    void recipeChanged();

protected:
    void changeEvent(QEvent* event) override;

private:
    void updateEstimates();
    /// Shows the Advanced rows of the chosen method (all hidden while Advanced is closed).
    void updateAdvancedRows();
    /// Fields whose range comes from the job settings table (qat/JobSettings.h).
    QDoubleSpinBox* doubleSpin(const QString& name, JobSettingId setting, int decimals);
    QDoubleSpinBox* lrSpin(const QString& name, JobSettingId setting);
    QSpinBox* intSpin(const QString& name, JobSettingId setting);

    /// A row of the Advanced form and the methods it belongs to (a mask of 1 << Method).
    struct AdvancedRow {
        QWidget* field = nullptr;
        QWidget* label = nullptr;
        unsigned methods = 0;
    };

    QComboBox* m_method = nullptr;
    QSpinBox* m_bits = nullptr;
    QComboBox* m_group = nullptr;
    QLabel* m_bitsPerParam = nullptr;
    QLabel* m_size = nullptr;
    QGroupBox* m_advanced = nullptr;
    QSpinBox* m_epochs = nullptr;
    QSpinBox* m_batch = nullptr;
    QDoubleSpinBox* m_weightLr = nullptr;
    QDoubleSpinBox* m_quantLr = nullptr;
    QCheckBox* m_trainNorms = nullptr;
    QComboBox* m_cacheDType = nullptr;
    QDoubleSpinBox* m_e2eLr = nullptr;
    QSpinBox* m_e2eEpochs = nullptr;
    QSpinBox* m_e2eBatch = nullptr;
    QSpinBox* m_e2eAccumulation = nullptr;
    QDoubleSpinBox* m_e2eClip = nullptr;
    QCheckBox* m_e2eTrainZeros = nullptr;
    QSpinBox* m_lrRank = nullptr;
    QDoubleSpinBox* m_lrAlpha = nullptr;
    QDoubleSpinBox* m_lrAdapterLr = nullptr;
    QDoubleSpinBox* m_lrScaleLr = nullptr;
    QSpinBox* m_lrEpochs = nullptr;
    QSpinBox* m_lrSteps = nullptr;
    QSpinBox* m_lrBatch = nullptr;
    QComboBox* m_phi0 = nullptr;
    QDoubleSpinBox* m_gptqDamp = nullptr;
    QSpinBox* m_gptqBlock = nullptr;
    QSpinBox* m_gptqBatch = nullptr;
    QCheckBox* m_symmetric = nullptr;
    QComboBox* m_range = nullptr;
    QDoubleSpinBox* m_p = nullptr;
    std::vector<AdvancedRow> m_rows;
    QPushButton* m_loadPreset = nullptr;
    QPushButton* m_savePreset = nullptr;
    qint64 m_parameters = 0, m_rowLength = 0;
    Translations m_tr;
};

} // namespace qat
