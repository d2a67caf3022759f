// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file SettingsDialog.h
/// The Settings dialog and the QSettings it edits: the workspace folder ("workspace", where
/// runs are written and the run history is read), the compute device ("device": "cpu" or
/// "cuda"; CUDA can be chosen only when core's cudaAvailable()), CPU threads ("threads",
/// 0 = LibTorch's default) and the interface language ("language", see Language.h).
/// Child objectNames for tests: "workspaceEdit", "workspaceBrowseButton", "deviceCombo",
/// "threadsSpin", "languageCombo", "buttonBox".

#include <qat/Model.h>

#include <QDialog>

class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;

namespace qat {

/// The "device" setting (CPU when unset, unknown, or CUDA while no CUDA device is usable).
Device deviceSetting();
/// The "threads" setting (0: LibTorch's default).
int threadsSetting();

class SettingsDialog : public QDialog {
    Q_OBJECT

public:
    explicit SettingsDialog(QWidget* parent = nullptr);

    /// Writes the fields to QSettings and installs the chosen language's translators.
    /// Emits settingsApplied() with whether the workspace changed.
    void apply();

    void accept() override;

Q_SIGNALS:
    void settingsApplied(bool workspaceChanged);

protected:
    void changeEvent(QEvent* event) override;

private:
    void retranslateUi();

    QLabel* m_workspaceLabel = nullptr;
    QLineEdit* m_workspace = nullptr;
    QPushButton* m_browse = nullptr;
    QLabel* m_deviceLabel = nullptr;
    QComboBox* m_device = nullptr;
    QLabel* m_threadsLabel = nullptr;
    QSpinBox* m_threads = nullptr;
    QLabel* m_languageLabel = nullptr;
    QComboBox* m_language = nullptr;
    QLabel* m_note = nullptr;
    QDialogButtonBox* m_buttons = nullptr;
};

} // namespace qat
