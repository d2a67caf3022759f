#!/usr/bin/env bash
# Quick start 1: sets everything up, builds, and runs the main job on the bundled demo
# model (stories260K and its text in resources/demo): the model summary, a greedy
# continuation, and its perplexity on the bundled evaluation text.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"
bash installer/bootstrap.sh
bash installer/build.sh qat-cli
CLI="${QAT_BUILD_DIR:-$REPO/build}/app/qat-cli"
MODEL="$REPO/resources/demo/stories260K"
TEXT="$REPO/resources/demo/text/eval.txt"
echo
"$CLI" inspect "$MODEL" | sed -n '1,12p'
echo
echo "== Greedy continuation from BOS"
"$CLI" generate --model "$MODEL" --max-new-tokens 32
echo
echo "== Perplexity on resources/demo/text/eval.txt (seqlen 512)"
"$CLI" eval --model "$MODEL" --data "$TEXT" --seqlen 512 --batch 8
