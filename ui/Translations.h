// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file Translations.h
/// The translatable texts of a page, registered once where the widgets are made (the
/// source text marked with QT_TR_NOOP, so that lupdate finds it in the page's context) and
/// re-applied on QEvent::LanguageChange, so that switching the language in Settings
/// retranslates the page without repeating every string in a retranslateUi().

#include <QAbstractButton>
#include <QAbstractSpinBox>
#include <QComboBox>
#include <QCoreApplication>
#include <QGroupBox>
#include <QLabel>

#include <functional>
#include <vector>

namespace qat {

class Translations {
public:
    /// Sets a text with `set` now and after each language change.
    void add(const char* source, std::function<void(const QString&)> set) {
        m_items.push_back({source, std::move(set)});
    }

    void text(QAbstractButton* w, const char* s) {
        add(s, [w](const QString& t) { w->setText(t); });
    }
    void text(QLabel* w, const char* s) {
        add(s, [w](const QString& t) { w->setText(t); });
    }
    void toolTip(QWidget* w, const char* s) {
        add(s, [w](const QString& t) { w->setToolTip(t); });
    }
    void title(QGroupBox* w, const char* s) {
        add(s, [w](const QString& t) { w->setTitle(t); });
    }
    void item(QComboBox* w, int index, const char* s) {
        add(s, [w, index](const QString& t) { w->setItemText(index, t); });
    }
    void specialValue(QAbstractSpinBox* w, const char* s) {
        add(s, [w](const QString& t) { w->setSpecialValueText(t); });
    }
    /// A form label for `buddy` (its mnemonic focuses the buddy).
    QLabel* label(QWidget* buddy, const char* s) {
        auto* l = new QLabel(buddy->parentWidget());
        l->setBuddy(buddy);
        text(l, s);
        return l;
    }

    /// Applies every text, translated in `owner`'s class context (as tr() would).
    void apply(const QObject* owner) const {
        const char* context = owner->metaObject()->className();
        for (const Item& i : m_items)
            i.set(QCoreApplication::translate(context, i.source));
    }

private:
    struct Item {
        const char* source;
        std::function<void(const QString&)> set;
    };
    std::vector<Item> m_items;
};

} // namespace qat
