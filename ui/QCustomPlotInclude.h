// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file QCustomPlotInclude.h
/// Includes <qcustomplot.h>. That header spells Qt's `signals` and `foreach` keywords,
/// which QT_NO_KEYWORDS (defined project-wide because torch headers clash with them)
/// removes; they are defined around this include only. Include this, never
/// <qcustomplot.h> directly.

#include <QtGlobal>

#ifndef signals
#define signals Q_SIGNALS
#define QAT_QCP_UNDEF_SIGNALS
#endif
#ifndef slots
#define slots Q_SLOTS
#define QAT_QCP_UNDEF_SLOTS
#endif
#ifndef emit
#define emit Q_EMIT
#define QAT_QCP_UNDEF_EMIT
#endif
#ifndef foreach
#define foreach Q_FOREACH
#define QAT_QCP_UNDEF_FOREACH
#endif

#include <qcustomplot.h>

#ifdef QAT_QCP_UNDEF_SIGNALS
#undef signals
#undef QAT_QCP_UNDEF_SIGNALS
#endif
#ifdef QAT_QCP_UNDEF_SLOTS
#undef slots
#undef QAT_QCP_UNDEF_SLOTS
#endif
#ifdef QAT_QCP_UNDEF_EMIT
#undef emit
#undef QAT_QCP_UNDEF_EMIT
#endif
#ifdef QAT_QCP_UNDEF_FOREACH
#undef foreach
#undef QAT_QCP_UNDEF_FOREACH
#endif
