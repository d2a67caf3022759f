#!/usr/bin/env bash
# Quick start 1: sets everything up, builds, and runs the main job on the bundled demo model:
# EfficientQAT (Block-AP, then E2E-QP) at 2 bits, group 64, of stories260K with its bundled
# calibration text.
#
# With a display ($DISPLAY or $WAYLAND_DISPLAY) it opens QAT Studio with the demo model, its
# calibration and evaluation text and the EfficientQAT W2 g64 demo preset selected, on the Run
# page: one click on Start runs the job (live charts, then the Results page). Without a display
# (or with QAT_DEMO_CLI=1) it runs the same job in the terminal with qat-cli, printing the
# perplexity before and after each phase; the run folder is runs/demo-w2g64 (QAT_DEMO_RUN to
# change it), and running this again resumes or re-evaluates it.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"
bash installer/bootstrap.sh
BUILD="${QAT_BUILD_DIR:-$REPO/build}"
MODEL="$REPO/resources/demo/stories260K"
TEXT="$REPO/resources/demo/text"
PRESET="$REPO/resources/presets/efficientqat-w2g64-demo.json"

if [ -z "${QAT_DEMO_CLI:-}" ] && { [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]; }; then
  bash installer/build.sh qat-studio
  echo "Opening QAT Studio with the demo model, its text and the EfficientQAT W2 g64 preset:"
  echo "press Start (F5) on the Run page."
  exec "$BUILD/qat-studio" --model "$MODEL" --calibration "$TEXT/calib.txt" --eval "$TEXT/eval.txt" --preset "$PRESET"
fi

if [ -z "${QAT_DEMO_CLI:-}" ]; then
  echo "No display (\$DISPLAY / \$WAYLAND_DISPLAY unset): running the same job in the terminal with qat-cli."
fi
bash installer/build.sh qat-cli
CLI="$BUILD/app/qat-cli"
RUN="${QAT_DEMO_RUN:-$REPO/runs/demo-w2g64}"
echo
"$CLI" inspect "$MODEL" | sed -n '1,12p'
echo
echo "== EfficientQAT W2 g64 (preset resources/presets/efficientqat-w2g64-demo.json) -> $RUN"
start=$(date +%s)
"$CLI" quantize --config "$PRESET" \
  --model "$MODEL" --calib "$TEXT/calib.txt" --eval "$TEXT/eval.txt" --out "$RUN"
echo "(whole job: $(( $(date +%s) - start )) s)"
echo
echo "== Greedy continuation from BOS: full precision, then the 2-bit model"
"$CLI" generate --model "$MODEL" --max-new-tokens 40 | head -1
"$CLI" generate --run "$RUN" --max-new-tokens 40 | head -1
