#!/usr/bin/env bash
# Quick start 1: sets everything up, builds, and runs the main job on the bundled demo model:
# EfficientQAT (Block-AP, then E2E-QP) at 2 bits, group 64, of stories260K with its bundled
# calibration text, printing the perplexity before and after each phase. The run folder is
# runs/demo-w2g64 (QAT_DEMO_RUN to change it); running this again resumes or re-evaluates it.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"
bash installer/bootstrap.sh
bash installer/build.sh qat-cli
CLI="${QAT_BUILD_DIR:-$REPO/build}/app/qat-cli"
MODEL="$REPO/resources/demo/stories260K"
TEXT="$REPO/resources/demo/text"
RUN="${QAT_DEMO_RUN:-$REPO/runs/demo-w2g64}"
echo
"$CLI" inspect "$MODEL" | sed -n '1,12p'
echo
echo "== EfficientQAT W2 g64 (preset resources/presets/efficientqat-w2g64-demo.json) -> $RUN"
start=$(date +%s)
"$CLI" quantize --config "$REPO/resources/presets/efficientqat-w2g64-demo.json" \
  --model "$MODEL" --calib "$TEXT/calib.txt" --eval "$TEXT/eval.txt" --out "$RUN"
echo "(whole job: $(( $(date +%s) - start )) s)"
echo
echo "== Greedy continuation from BOS: full precision, then the 2-bit model"
"$CLI" generate --model "$MODEL" --max-new-tokens 40 | head -1
"$CLI" generate --run "$RUN" --max-new-tokens 40 | head -1
