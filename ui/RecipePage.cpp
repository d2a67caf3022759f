// SPDX-License-Identifier: GPL-3.0-or-later
#include "RecipePage.h"

#include "Application.h"
#include "Format.h"

#include <QEvent>

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFile>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QMessageBox>
#include <QPushButton>
#include <QSaveFile>
#include <QSpinBox>
#include <QVBoxLayout>

namespace qat {

QDoubleSpinBox* RecipePage::doubleSpin(const QString& name, JobSettingId setting, int decimals) {
    const JobSetting& row = jobSetting(setting);
    auto* s = new QDoubleSpinBox(this);
    s->setObjectName(name);
    s->setDecimals(decimals);
    s->setRange(row.fieldMinimum, row.fieldMaximum);
    connect(s, &QDoubleSpinBox::valueChanged, this, &RecipePage::recipeChanged);
    return s;
}

QDoubleSpinBox* RecipePage::lrSpin(const QString& name, JobSettingId setting) {
    auto* s = doubleSpin(name, setting, 7);
    s->setSingleStep(1e-5);
    return s;
}

QSpinBox* RecipePage::intSpin(const QString& name, JobSettingId setting) {
    const JobSetting& row = jobSetting(setting);
    auto* s = new QSpinBox(this);
    s->setObjectName(name);
    s->setRange(static_cast<int>(row.fieldMinimum), static_cast<int>(row.fieldMaximum));
    connect(s, &QSpinBox::valueChanged, this, &RecipePage::recipeChanged);
    return s;
}

RecipePage::RecipePage(QWidget* parent) : QWidget(parent) {
    m_method = new QComboBox(this);
    m_method->setObjectName(QStringLiteral("methodCombo"));
    m_method->addItem(QString(), int(Method::EfficientQat));
    m_method->addItem(QString(), int(Method::BlockAp));
    m_method->addItem(QString(), int(Method::LrQat));
    m_method->addItem(QString(), int(Method::RoundToNearest));
    m_method->addItem(QString(), int(Method::Gptq));
    m_tr.item(m_method, 0, QT_TR_NOOP("EfficientQAT (Block-AP, then E2E-QP)"));
    m_tr.item(m_method, 1, QT_TR_NOOP("Block-AP only"));
    m_tr.item(m_method, 2, QT_TR_NOOP("LR-QAT (low-rank adapters, end to end)"));
    m_tr.item(m_method, 3, QT_TR_NOOP("Round-to-nearest (no training)"));
    m_tr.item(m_method, 4, QT_TR_NOOP("GPTQ (one-shot, no training)"));
    m_tr.toolTip(m_method,
                 QT_TR_NOOP("EfficientQAT trains each block (Block-AP), then the step sizes end to end "
                            "(E2E-QP); Block-AP alone stops after the first phase; LR-QAT trains low-rank "
                            "adapters inside the rounding and the step sizes end to end, then merges the "
                            "adapters into the integers; round-to-nearest needs no data; GPTQ rounds "
                            "each layer column by column, correcting the columns left with the "
                            "calibration inputs' Hessian, in minutes"));
    m_bits = intSpin(QStringLiteral("bitsSpin"), JobSettingId::Bits);
    m_tr.toolTip(m_bits, QT_TR_NOOP("Bits per weight: integers in [0, 2^bits - 1]"));
    m_group = new QComboBox(this);
    m_group->setObjectName(QStringLiteral("groupCombo"));
    m_group->setEditable(true);
    for (int g : {32, 64, 128})
        m_group->addItem(QString::number(g), g);
    m_group->addItem(QString(), 0);
    m_tr.item(m_group, m_group->count() - 1, QT_TR_NOOP("whole row"));
    m_tr.toolTip(
        m_group,
        QT_TR_NOOP(
            "Weights per group along the input dimension, each with its own step size and zero point"));
    m_bitsPerParam = new QLabel(this);
    m_bitsPerParam->setObjectName(QStringLiteral("bitsPerParamLabel"));
    m_size = new QLabel(this);
    m_size->setObjectName(QStringLiteral("sizeLabel"));

    m_epochs = intSpin(QStringLiteral("epochsSpin"), JobSettingId::BlockApEpochs);
    m_tr.toolTip(m_epochs, QT_TR_NOOP("Block-AP passes over the training windows per block (paper: 2)"));
    m_batch = intSpin(QStringLiteral("batchSpin"), JobSettingId::BlockApBatch);
    m_tr.toolTip(m_batch, QT_TR_NOOP("Block-AP windows per optimizer step (paper: 2)"));
    m_weightLr = lrSpin(QStringLiteral("weightLrSpin"), JobSettingId::BlockApWeightLr);
    m_tr.toolTip(m_weightLr, QT_TR_NOOP("Block-AP learning rate of the weights and norms; 0: by bits (paper: "
                                        "2e-5 at 2 bits, 1e-5 above)"));
    m_quantLr = lrSpin(QStringLiteral("quantLrSpin"), JobSettingId::BlockApQuantLr);
    m_tr.toolTip(m_quantLr,
                 QT_TR_NOOP("Block-AP learning rate of the step sizes and zero points (paper: 1e-4)"));
    m_trainNorms = new QCheckBox(this);
    m_tr.text(m_trainNorms, QT_TR_NOOP("Train the norm weights"));
    m_trainNorms->setObjectName(QStringLiteral("trainNormsCheck"));
    m_tr.toolTip(m_trainNorms,
                 QT_TR_NOOP("Block-AP trains the two RMSNorm weights of each block (paper: yes)"));
    m_cacheDType = new QComboBox(this);
    m_cacheDType->setObjectName(QStringLiteral("cacheDTypeCombo"));
    for (const auto& t : nameTable<CacheDType>())
        m_cacheDType->addItem(QString::fromLatin1(t.name), int(t.value));
    m_tr.toolTip(m_cacheDType, QT_TR_NOOP("Storage of Block-AP's activation caches (paper: float16)"));
    m_e2eLr = lrSpin(QStringLiteral("e2eLrSpin"), JobSettingId::E2eLr);
    m_tr.toolTip(
        m_e2eLr,
        QT_TR_NOOP(
            "E2E-QP peak learning rate of the step sizes; 0: by bits (paper: 2e-5 at 2 bits, 1e-5 above)"));
    m_e2eEpochs = intSpin(QStringLiteral("e2eEpochsSpin"), JobSettingId::E2eEpochs);
    m_tr.toolTip(m_e2eEpochs, QT_TR_NOOP("E2E-QP passes over the training windows (paper: 1)"));
    m_e2eBatch = intSpin(QStringLiteral("e2eBatchSpin"), JobSettingId::E2eBatch);
    m_tr.toolTip(m_e2eBatch, QT_TR_NOOP("E2E-QP windows per forward and backward pass (paper: 2)"));
    m_e2eAccumulation = intSpin(QStringLiteral("e2eAccumulationSpin"), JobSettingId::E2eAccumulation);
    m_tr.toolTip(m_e2eAccumulation,
                 QT_TR_NOOP("E2E-QP micro-batches per optimizer step (paper: 16, an effective batch of 32)"));
    m_e2eClip = doubleSpin(QStringLiteral("e2eClipSpin"), JobSettingId::E2eClip, 3);
    m_tr.toolTip(m_e2eClip, QT_TR_NOOP("E2E-QP gradient-norm clip, 0 for none (paper: 0.3)"));
    m_e2eTrainZeros = new QCheckBox(this);
    m_tr.text(m_e2eTrainZeros, QT_TR_NOOP("Also train the zero points"));
    m_e2eTrainZeros->setObjectName(QStringLiteral("e2eTrainZerosCheck"));
    m_tr.toolTip(m_e2eTrainZeros, QT_TR_NOOP("E2E-QP trains the step sizes only by default (paper)"));

    m_lrRank = intSpin(QStringLiteral("lrQatRankSpin"), JobSettingId::LrQatRank);
    m_tr.toolTip(
        m_lrRank,
        QT_TR_NOOP(
            "LR-QAT rank r of the adapters A (out × r) and B (r × in) in every decoder linear (paper: 32)"));
    m_lrAlpha = doubleSpin(QStringLiteral("lrQatAlphaSpin"), JobSettingId::LrQatAlpha, 2);
    m_tr.specialValue(m_lrAlpha, QT_TR_NOOP("= rank"));
    m_tr.toolTip(
        m_lrAlpha,
        QT_TR_NOOP(
            "LR-QAT scale α: the adapters' product A·B is multiplied by α / r; 0: α = r (the default)"));
    m_lrAdapterLr = lrSpin(QStringLiteral("lrQatLrSpin"), JobSettingId::LrQatLr);
    m_tr.toolTip(m_lrAdapterLr, QT_TR_NOOP("LR-QAT peak learning rate of the adapters A and B, after a "
                                           "linear warm-up, then decaying linearly to 0 (paper: 1e-3)"));
    m_lrScaleLr = lrSpin(QStringLiteral("lrQatScaleLrSpin"), JobSettingId::LrQatScaleLr);
    m_tr.toolTip(m_lrScaleLr, QT_TR_NOOP("LR-QAT peak learning rate of the step sizes; 0 keeps them at their "
                                         "initial range (paper: 1e-5)"));
    m_lrEpochs = intSpin(QStringLiteral("lrQatEpochsSpin"), JobSettingId::LrQatEpochs);
    m_tr.toolTip(
        m_lrEpochs,
        QT_TR_NOOP("LR-QAT passes over the training windows, when no number of steps is given (default: 1)"));
    m_lrSteps = intSpin(QStringLiteral("lrQatStepsSpin"), JobSettingId::LrQatSteps);
    m_tr.specialValue(m_lrSteps, QT_TR_NOOP("by epochs"));
    m_tr.toolTip(
        m_lrSteps,
        QT_TR_NOOP("LR-QAT optimizer steps in all, instead of epochs; 0: as many as the epochs take"));
    m_lrBatch = intSpin(QStringLiteral("lrQatBatchSpin"), JobSettingId::LrQatBatch);
    m_tr.toolTip(m_lrBatch, QT_TR_NOOP("LR-QAT windows per forward and backward pass (default: 2)"));
    m_phi0 = new QComboBox(this);
    m_phi0->setObjectName(QStringLiteral("phi0Combo"));
    for (const auto& t : nameTable<Phi0Storage>())
        m_phi0->addItem(QString::fromLatin1(t.name), int(t.value));
    m_tr.toolTip(m_phi0, QT_TR_NOOP("How LR-QAT keeps the frozen Φ0 = W0 / s0: int8 fixed point (1 byte per "
                                    "weight, the default), bfloat16 (2 bytes) or float32 (4 bytes, exact)"));
    m_gptqDamp = doubleSpin(QStringLiteral("gptqDampSpin"), JobSettingId::GptqDamp, 4);
    m_gptqDamp->setSingleStep(0.005);
    m_tr.toolTip(m_gptqDamp, QT_TR_NOOP("GPTQ dampening: this fraction of the mean diagonal of the inputs' "
                                        "Hessian is added to it (reference: 0.01); more is retried "
                                        "automatically when the Hessian cannot be factored"));
    m_gptqBlock = intSpin(QStringLiteral("gptqBlockSpin"), JobSettingId::GptqBlockSize);
    m_tr.toolTip(m_gptqBlock, QT_TR_NOOP("GPTQ columns per lazy batch update (reference: 128); a matter of "
                                         "speed only, the result is the same"));
    m_gptqBatch = intSpin(QStringLiteral("gptqBatchSpin"), JobSettingId::GptqBatch);
    m_tr.toolTip(
        m_gptqBatch,
        QT_TR_NOOP("GPTQ windows per forward pass while collecting the layers' inputs (default: 8)"));
    m_symmetric = new QCheckBox(this);
    m_symmetric->setObjectName(QStringLiteral("symmetricCheck"));
    m_tr.text(m_symmetric, QT_TR_NOOP("Symmetric (signed integers, no zero point)"));
    m_tr.toolTip(
        m_symmetric,
        QT_TR_NOOP("Round-to-nearest with integers in [-2^(bits-1), 2^(bits-1) - 1] and step sizes from the "
                   "range search below; off: min-max with a zero point per group (EfficientQAT's form)"));
    m_range = new QComboBox(this);
    m_range->setObjectName(QStringLiteral("rangeCombo"));
    m_range->addItem(QString(), int(RangeInit::Lp));
    m_range->addItem(QString(), int(RangeInit::MinMax));
    m_tr.item(m_range, 0, QT_TR_NOOP("Lp search"));
    m_tr.item(m_range, 1, QT_TR_NOOP("min-max"));
    m_tr.toolTip(m_range, QT_TR_NOOP("How the symmetric step sizes start: per group, the step with the "
                                     "smallest Lp error (paper), or min-max, which clips no weight"));
    m_p = doubleSpin(QStringLiteral("lpNormSpin"), JobSettingId::QuantizerP, 1);
    m_p->setSingleStep(0.5);
    m_tr.toolTip(m_p, QT_TR_NOOP("The norm p of the Lp range search (paper: 4)"));
    for (QComboBox* c : {m_phi0, m_range})
        connect(c, &QComboBox::currentIndexChanged, this, &RecipePage::recipeChanged);
    connect(m_symmetric, &QCheckBox::toggled, this, &RecipePage::recipeChanged);
    // Epochs count only without a number of steps; p only for the Lp search.
    connect(m_lrSteps, &QSpinBox::valueChanged, this,
            [this](int steps) { m_lrEpochs->setEnabled(steps == 0); });
    connect(m_range, &QComboBox::currentIndexChanged, this,
            [this] { m_p->setEnabled(m_range->currentData().toInt() == int(RangeInit::Lp)); });

    m_loadPreset = new QPushButton(this);
    m_tr.text(m_loadPreset, QT_TR_NOOP("&Load Preset…"));
    m_loadPreset->setObjectName(QStringLiteral("loadPresetButton"));
    m_savePreset = new QPushButton(this);
    m_tr.text(m_savePreset, QT_TR_NOOP("&Save Preset…"));
    m_savePreset->setObjectName(QStringLiteral("savePresetButton"));

    auto* basic = new QFormLayout;
    basic->addRow(m_tr.label(m_method, QT_TR_NOOP("&Method")), m_method);
    basic->addRow(m_tr.label(m_bits, QT_TR_NOOP("&Bits")), m_bits);
    basic->addRow(m_tr.label(m_group, QT_TR_NOOP("&Group size")), m_group);
    basic->addRow(m_tr.label(m_bitsPerParam, QT_TR_NOOP("Bits per parameter")), m_bitsPerParam);
    basic->addRow(m_tr.label(m_size, QT_TR_NOOP("Quantized size")), m_size);

    m_advanced = new QGroupBox(this);
    m_tr.title(m_advanced, QT_TR_NOOP("A&dvanced"));
    m_advanced->setObjectName(QStringLiteral("advancedBox"));
    m_advanced->setCheckable(true);
    m_advanced->setChecked(false);
    auto* advancedForm = new QFormLayout(m_advanced);
    // Each row with the methods it belongs to; updateAdvancedRows() shows the chosen method's.
    const auto bit = [](Method m) { return 1u << static_cast<unsigned>(m); };
    const unsigned blockAp = bit(Method::BlockAp) | bit(Method::EfficientQat),
                   e2e = bit(Method::EfficientQat), lrQat = bit(Method::LrQat),
                   rtn = bit(Method::RoundToNearest), gptq = bit(Method::Gptq);
    const auto row = [&](const char* label, QWidget* field, unsigned methods) {
        QLabel* l = label ? m_tr.label(field, label) : nullptr;
        advancedForm->addRow(l, field);
        m_rows.push_back({field, l, methods});
    };
    row(QT_TR_NOOP("Block-AP epochs"), m_epochs, blockAp);
    row(QT_TR_NOOP("Block-AP batch"), m_batch, blockAp);
    row(QT_TR_NOOP("Block-AP weight lr"), m_weightLr, blockAp);
    row(QT_TR_NOOP("Block-AP scale / zero lr"), m_quantLr, blockAp);
    row(nullptr, m_trainNorms, blockAp);
    row(QT_TR_NOOP("Activation caches"), m_cacheDType, blockAp);
    row(QT_TR_NOOP("E2E-QP lr"), m_e2eLr, e2e);
    row(QT_TR_NOOP("E2E-QP epochs"), m_e2eEpochs, e2e);
    row(QT_TR_NOOP("E2E-QP batch"), m_e2eBatch, e2e);
    row(QT_TR_NOOP("E2E-QP accumulation"), m_e2eAccumulation, e2e);
    row(QT_TR_NOOP("E2E-QP gradient clip"), m_e2eClip, e2e);
    row(nullptr, m_e2eTrainZeros, e2e);
    row(QT_TR_NOOP("LR-QAT rank"), m_lrRank, lrQat);
    row(QT_TR_NOOP("LR-QAT alpha"), m_lrAlpha, lrQat);
    row(QT_TR_NOOP("LR-QAT adapter lr"), m_lrAdapterLr, lrQat);
    row(QT_TR_NOOP("LR-QAT step-size lr"), m_lrScaleLr, lrQat);
    row(QT_TR_NOOP("LR-QAT epochs"), m_lrEpochs, lrQat);
    row(QT_TR_NOOP("LR-QAT steps"), m_lrSteps, lrQat);
    row(QT_TR_NOOP("LR-QAT batch"), m_lrBatch, lrQat);
    row(QT_TR_NOOP("Φ0 storage"), m_phi0, lrQat);
    row(QT_TR_NOOP("GPTQ dampening"), m_gptqDamp, gptq);
    row(QT_TR_NOOP("GPTQ block size"), m_gptqBlock, gptq);
    row(QT_TR_NOOP("GPTQ batch"), m_gptqBatch, gptq);
    row(nullptr, m_symmetric, rtn);
    row(QT_TR_NOOP("Step-size init"), m_range, lrQat | rtn);
    row(QT_TR_NOOP("Lp norm p"), m_p, lrQat | rtn);
    connect(m_advanced, &QGroupBox::toggled, this, &RecipePage::updateAdvancedRows);
    connect(m_method, &QComboBox::currentIndexChanged, this, &RecipePage::updateAdvancedRows);
    connect(m_symmetric, &QCheckBox::toggled, this, &RecipePage::updateAdvancedRows);

    auto* presets = new QHBoxLayout;
    presets->addWidget(m_loadPreset);
    presets->addWidget(m_savePreset);
    presets->addStretch();
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(basic);
    layout->addWidget(m_advanced);
    layout->addLayout(presets);
    layout->addStretch();

    connect(m_method, &QComboBox::currentIndexChanged, this, &RecipePage::recipeChanged);
    connect(m_group, &QComboBox::currentTextChanged, this, &RecipePage::recipeChanged);
    connect(this, &RecipePage::recipeChanged, this, &RecipePage::updateEstimates);
    connect(m_loadPreset, &QPushButton::clicked, this, [this] {
        const QString file = QFileDialog::getOpenFileName(
            this, tr("Load preset"), dataPath(QStringLiteral("presets")), tr("Presets (*.json)"));
        QString error;
        if (!file.isEmpty() && !loadPreset(file, &error))
            QMessageBox::warning(this, tr("Load preset"), error);
    });
    connect(m_savePreset, &QPushButton::clicked, this, [this] {
        const QString file =
            QFileDialog::getSaveFileName(this, tr("Save preset"), QString(), tr("Presets (*.json)"));
        QString error;
        if (!file.isEmpty() && !savePreset(file, &error))
            QMessageBox::warning(this, tr("Save preset"), error);
    });
    m_tr.toolTip(
        m_loadPreset,
        QT_TR_NOOP("Read a recipe from a preset or a run's run.json (qat-cli quantize --config files)"));
    m_tr.toolTip(
        m_savePreset,
        QT_TR_NOOP("Write this recipe as a preset that qat-cli quantize --config and this page can read"));
    m_tr.apply(this);
    setFrom(QuantizeJob{});
}

void RecipePage::changeEvent(QEvent* event) {
    if (event->type() == QEvent::LanguageChange) {
        m_tr.apply(this);
        updateEstimates();
    }
    QWidget::changeEvent(event);
}

void RecipePage::setFrom(const QuantizeJob& job) {
    const QSignalBlocker block(this);
    m_method->setCurrentIndex(m_method->findData(int(job.method)));
    m_bits->setValue(job.spec.bits);
    const int g = m_group->findData(static_cast<int>(job.spec.groupSize));
    if (g >= 0)
        m_group->setCurrentIndex(g);
    else
        m_group->setEditText(QString::number(job.spec.groupSize));
    m_epochs->setValue(static_cast<int>(job.blockAp.epochs));
    m_batch->setValue(static_cast<int>(job.blockAp.batchSize));
    m_weightLr->setValue(job.blockAp.weightLr);
    m_quantLr->setValue(job.blockAp.quantizerLr);
    m_trainNorms->setChecked(job.blockAp.trainNorms);
    m_cacheDType->setCurrentIndex(m_cacheDType->findData(int(job.blockAp.cacheDType)));
    m_e2eLr->setValue(job.e2e.lr);
    m_e2eEpochs->setValue(static_cast<int>(job.e2e.epochs));
    m_e2eBatch->setValue(static_cast<int>(job.e2e.batchSize));
    m_e2eAccumulation->setValue(static_cast<int>(job.e2e.gradientAccumulation));
    m_e2eClip->setValue(job.e2e.maxGradNorm);
    m_e2eTrainZeros->setChecked(job.e2e.trainZeros);
    const LrQatOptions& l = job.lrQat;
    m_lrRank->setValue(static_cast<int>(l.rank));
    m_lrAlpha->setValue(l.alpha);
    m_lrAdapterLr->setValue(l.lr);
    m_lrScaleLr->setValue(l.scaleLr);
    m_lrEpochs->setValue(static_cast<int>(l.epochs));
    m_lrSteps->setValue(static_cast<int>(l.steps));
    m_lrBatch->setValue(static_cast<int>(l.batchSize));
    m_phi0->setCurrentIndex(m_phi0->findData(int(l.phi0)));
    m_gptqDamp->setValue(job.gptq.damp);
    m_gptqBlock->setValue(static_cast<int>(job.gptq.blockSize));
    m_gptqBatch->setValue(static_cast<int>(job.gptq.batchSize));
    m_symmetric->setChecked(job.quantizer.symmetric);
    // One range row for both symmetric quantizers: round-to-nearest's, or LR-QAT's start.
    const bool rtn = job.method == Method::RoundToNearest;
    m_range->setCurrentIndex(m_range->findData(int(rtn ? job.quantizer.range : l.range)));
    m_p->setValue(rtn ? job.quantizer.p : l.p);
    updateAdvancedRows();
    updateEstimates();
}

void RecipePage::updateAdvancedRows() {
    const auto method = static_cast<Method>(m_method->currentData().toInt());
    const bool open = m_advanced->isChecked();
    for (const AdvancedRow& r : m_rows) {
        bool on = open && (r.methods & (1u << static_cast<unsigned>(method)));
        // Round-to-nearest's range rows matter only for its symmetric form.
        if (on && method == Method::RoundToNearest && r.field != m_symmetric) on = m_symmetric->isChecked();
        r.field->setVisible(on);
        if (r.label) r.label->setVisible(on);
    }
}

void RecipePage::applyTo(QuantizeJob& job) const {
    job.method = static_cast<Method>(m_method->currentData().toInt());
    job.spec.bits = m_bits->value();
    const QVariant data = m_group->currentData();
    job.spec.groupSize =
        m_group->currentText() == m_group->itemText(m_group->currentIndex()) && data.isValid()
            ? data.toInt()
            : m_group->currentText().toLongLong();
    job.blockAp.epochs = m_epochs->value();
    job.blockAp.batchSize = m_batch->value();
    job.blockAp.weightLr = m_weightLr->value();
    job.blockAp.quantizerLr = m_quantLr->value();
    job.blockAp.trainNorms = m_trainNorms->isChecked();
    job.blockAp.cacheDType = static_cast<CacheDType>(m_cacheDType->currentData().toInt());
    job.e2e.lr = m_e2eLr->value();
    job.e2e.epochs = m_e2eEpochs->value();
    job.e2e.batchSize = m_e2eBatch->value();
    job.e2e.gradientAccumulation = m_e2eAccumulation->value();
    job.e2e.maxGradNorm = m_e2eClip->value();
    job.e2e.trainZeros = m_e2eTrainZeros->isChecked();
    job.lrQat.rank = m_lrRank->value();
    job.lrQat.alpha = m_lrAlpha->value();
    job.lrQat.lr = m_lrAdapterLr->value();
    job.lrQat.scaleLr = m_lrScaleLr->value();
    job.lrQat.epochs = m_lrEpochs->value();
    job.lrQat.steps = m_lrSteps->value();
    job.lrQat.batchSize = m_lrBatch->value();
    job.lrQat.phi0 = static_cast<Phi0Storage>(m_phi0->currentData().toInt());
    job.gptq.damp = m_gptqDamp->value();
    job.gptq.blockSize = m_gptqBlock->value();
    job.gptq.batchSize = m_gptqBatch->value();
    job.quantizer.symmetric = m_symmetric->isChecked();
    job.quantizer.range = job.lrQat.range = static_cast<RangeInit>(m_range->currentData().toInt());
    job.quantizer.p = job.lrQat.p = m_p->value();
}

void RecipePage::setModelParameters(qint64 parameters, qint64 rowLength) {
    m_parameters = parameters;
    m_rowLength = rowLength;
    updateEstimates();
}

void RecipePage::updateEstimates() {
    QuantizeJob job;
    applyTo(job);
    const double bpp = bitsPerParameter(job.spec, m_rowLength);
    m_bitsPerParam->setText(QString::number(bpp, 'f', 3));
    m_size->setText(m_parameters > 0 ? tr("about %1 for the decoder weights")
                                           .arg(QLocale().formattedDataSize(static_cast<qint64>(
                                               bpp * static_cast<double>(m_parameters) / 8.0)))
                                     : tr("open a model to see"));
}

bool RecipePage::loadPreset(const QString& file, QString* error) {
    QFile f(file);
    if (!f.open(QIODevice::ReadOnly)) {
        if (error) *error = tr("%1: cannot be read").arg(file);
        return false;
    }
    QuantizeJob job;
    applyTo(job);
    const Status st = applyJobConfig(f.readAll().toStdString(), file.toStdString(), job);
    if (!st.ok()) {
        if (error) *error = QString::fromStdString(st.message);
        return false;
    }
    setFrom(job);
    Q_EMIT recipeChanged();
    return true;
}

bool RecipePage::savePreset(const QString& file, QString* error) const {
    QuantizeJob job;
    applyTo(job);
    QSaveFile f(file); // written to a temporary name and renamed
    if (!f.open(QIODevice::WriteOnly) || f.write(QByteArray::fromStdString(jobConfigJson(job))) < 0 ||
        !f.commit()) {
        if (error) *error = tr("%1: cannot be written").arg(file);
        return false;
    }
    return true;
}

} // namespace qat
