#!/usr/bin/env bash
# Quick start 2: sets everything up, builds, and runs the whole test suite with CTest
# (labels unit, model, gui, gpu, bench; GPU tests skip without a GPU and say so).
# Extra arguments go to ctest (e.g. -L unit, -R TestCli).
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"
bash installer/bootstrap.sh
# The suite is built with warnings as errors: project code compiles without a warning.
QAT_WERROR=1 bash installer/build.sh
BUILD="${QAT_BUILD_DIR:-$REPO/build}"
export QT_QPA_PLATFORM=offscreen
ctest --test-dir "$BUILD" --output-on-failure --timeout 1200 "$@"
# The Debian package, installed and run in a clean Debian 12 root (root, network to Debian's mirror,
# gigabytes and tens of minutes on 2 cores): only when asked for.
if [ "${QAT_TEST_PACKAGE:-0}" = 1 ]; then
  bash installer/package.sh
  bash installer/test-package.sh
fi
