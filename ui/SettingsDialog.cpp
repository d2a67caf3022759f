// SPDX-License-Identifier: GPL-3.0-or-later
#include "SettingsDialog.h"

#include "Language.h"
#include "RunHistory.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QEvent>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QThread>
#include <QVBoxLayout>

namespace qat {

Device deviceSetting() {
    const auto device = deviceFromName(QSettings().value(QStringLiteral("device")).toString().toStdString());
    return device == Device::Cuda && cudaAvailable() ? Device::Cuda : Device::Cpu;
}

int threadsSetting() {
    return std::max(0, QSettings().value(QStringLiteral("threads"), 0).toInt());
}

SettingsDialog::SettingsDialog(QWidget* parent) : QDialog(parent) {
    setObjectName(QStringLiteral("settingsDialog"));
    m_workspace = new QLineEdit(this);
    m_workspace->setObjectName(QStringLiteral("workspaceEdit"));
    m_workspace->setText(QDir::toNativeSeparators(workspaceFolder()));
    m_workspace->setMinimumWidth(380);
    m_browse = new QPushButton(this);
    m_browse->setObjectName(QStringLiteral("workspaceBrowseButton"));
    connect(m_browse, &QPushButton::clicked, this, [this] {
        const QString dir =
            QFileDialog::getExistingDirectory(this, tr("Workspace folder"), m_workspace->text());
        if (!dir.isEmpty()) m_workspace->setText(QDir::toNativeSeparators(dir));
    });

    m_device = new QComboBox(this);
    m_device->setObjectName(QStringLiteral("deviceCombo"));
    m_device->addItem(QString(), QString::fromLatin1(deviceName(Device::Cpu)));
    m_device->addItem(QString(), QString::fromLatin1(deviceName(Device::Cuda)));
    const bool cuda = cudaAvailable();
    if (auto* items = qobject_cast<QStandardItemModel*>(m_device->model())) items->item(1)->setEnabled(cuda);
    m_device->setCurrentIndex(deviceSetting() == Device::Cuda ? 1 : 0);

    m_threads = new QSpinBox(this);
    m_threads->setObjectName(QStringLiteral("threadsSpin"));
    m_threads->setRange(0, std::max(256, QThread::idealThreadCount()));
    m_threads->setValue(threadsSetting());

    m_language = new QComboBox(this);
    m_language->setObjectName(QStringLiteral("languageCombo"));
    m_language->addItem(QString(), QString()); // the system's
    for (const QString& name : availableLanguages()) {
        const QLocale locale(name);
        QString native = locale.nativeLanguageName();
        if (locale.language() == QLocale::Chinese)
            native = QStringLiteral("简体中文");
        else if (locale.language() == QLocale::English)
            native = QStringLiteral("English");
        else if (!native.isEmpty())
            native[0] = native[0].toUpper();
        m_language->addItem(native, name);
    }
    const int lang = m_language->findData(languageSetting());
    m_language->setCurrentIndex(lang < 0 ? 0 : lang);

    m_workspaceLabel = new QLabel(this);
    m_deviceLabel = new QLabel(this);
    m_threadsLabel = new QLabel(this);
    m_languageLabel = new QLabel(this);
    m_workspaceLabel->setBuddy(m_workspace);
    m_deviceLabel->setBuddy(m_device);
    m_threadsLabel->setBuddy(m_threads);
    m_languageLabel->setBuddy(m_language);
    m_note = new QLabel(this);
    m_note->setWordWrap(true);
    m_note->setEnabled(false);

    auto* workspaceRow = new QHBoxLayout;
    workspaceRow->addWidget(m_workspace, 1);
    workspaceRow->addWidget(m_browse);
    auto* form = new QFormLayout;
    form->addRow(m_workspaceLabel, workspaceRow);
    form->addRow(m_deviceLabel, m_device);
    form->addRow(m_threadsLabel, m_threads);
    form->addRow(m_languageLabel, m_language);

    m_buttons =
        new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel | QDialogButtonBox::Apply, this);
    m_buttons->setObjectName(QStringLiteral("buttonBox"));
    connect(m_buttons, &QDialogButtonBox::accepted, this, &SettingsDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_buttons->button(QDialogButtonBox::Apply), &QPushButton::clicked, this, &SettingsDialog::apply);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_note);
    layout->addStretch();
    layout->addWidget(m_buttons);
    setTabOrder(m_workspace, m_browse);
    setTabOrder(m_browse, m_device);
    setTabOrder(m_device, m_threads);
    setTabOrder(m_threads, m_language);
    setTabOrder(m_language, m_buttons);
    retranslateUi();
}

void SettingsDialog::apply() {
    QSettings settings;
    const QString oldWorkspace = QDir::cleanPath(workspaceFolder());
    const QString workspace = QDir::cleanPath(QDir::fromNativeSeparators(m_workspace->text().trimmed()));
    if (!workspace.isEmpty()) settings.setValue(QStringLiteral("workspace"), workspace);
    settings.setValue(QStringLiteral("device"), m_device->currentData().toString());
    settings.setValue(QStringLiteral("threads"), m_threads->value());
    const QString language = m_language->currentData().toString();
    if (language != languageSetting()) {
        settings.setValue(QLatin1String(kLanguageKey),
                          language.isEmpty() ? QStringLiteral("system") : language);
        installTranslators(language); // sends LanguageChange to every widget
    }
    Q_EMIT settingsApplied(!workspace.isEmpty() && workspace != oldWorkspace);
}

void SettingsDialog::accept() {
    apply();
    QDialog::accept();
}

void SettingsDialog::changeEvent(QEvent* event) {
    if (event->type() == QEvent::LanguageChange) retranslateUi();
    QDialog::changeEvent(event);
}

void SettingsDialog::retranslateUi() {
    setWindowTitle(tr("Settings"));
    m_workspaceLabel->setText(tr("&Workspace:"));
    m_workspace->setToolTip(
        tr("The folder that holds one run folder per run; the Results page lists the runs found there"));
    m_browse->setText(tr("&Browse…"));
    m_deviceLabel->setText(tr("&Device:"));
    m_device->setItemText(0, tr("CPU"));
    m_device->setItemText(1, cudaAvailable() ? tr("CUDA GPU") : tr("CUDA GPU (not available)"));
    m_device->setToolTip(
        tr("Where runs and generation compute; CUDA needs a CUDA build of LibTorch and a GPU"));
    m_threadsLabel->setText(tr("CPU &threads:"));
    m_threads->setSpecialValueText(tr("automatic"));
    m_threads->setToolTip(
        tr("Threads for computing on the CPU; automatic uses LibTorch's default (one per core)"));
    m_languageLabel->setText(tr("&Language:"));
    m_language->setItemText(0, tr("System language"));
    m_language->setToolTip(tr("The language of the user interface; changes at once"));
    m_note->setText(tr("Device and threads apply to the next run and the next generation."));
}

} // namespace qat
