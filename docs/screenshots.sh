#!/usr/bin/env bash
# Takes the screenshots in docs/ (one per page of qat-studio, and the Settings dialog) in a real
# window under Xvfb: builds ScreenshotTour (tests/gui/ScreenshotTour.cpp), which drives the main
# window through the Model, Recipe, Data, Run and Results pages with the bundled demo model and
# text (a shortened EfficientQAT W2 g64 run, about a minute) and saves a PNG per page.
#   docs/screenshots.sh [OUT_DIR]     default: docs/
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="${1:-$REPO/docs}"
BUILD="${QAT_BUILD_DIR:-$REPO/build}"
bash "$REPO/installer/build.sh" ScreenshotTour
TOUR="$BUILD/tests/gui/ScreenshotTour"
if [ -n "${DISPLAY:-}" ] && [ -z "${QAT_SCREENSHOTS_XVFB:-}" ]; then
  "$TOUR" "$REPO" "$OUT"
else
  command -v xvfb-run >/dev/null || { echo "xvfb-run is needed (apt-get install xvfb)"; exit 1; }
  QT_QPA_PLATFORM=xcb xvfb-run -a -s "-screen 0 1400x900x24" "$TOUR" "$REPO" "$OUT"
fi
