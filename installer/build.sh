#!/usr/bin/env bash
# Configures and builds QAT Studio into build/ (after installer/bootstrap.sh).
#   installer/build.sh [TARGET...]      default: everything
# Environment: QAT_BUILD_DIR (default build), QAT_CMAKE_ARGS (extra configure arguments),
#              QAT_JOBS (parallel jobs, default: number of cores),
#              QAT_WERROR=1 (compiler warnings in project code are errors; installer/test.sh sets it).
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"
# shellcheck source=/dev/null
source "${QAT_DEPS_DIR:-$REPO/.deps}/env.sh"
BUILD="${QAT_BUILD_DIR:-$REPO/build}"
# Compiler-cache hits across clones and build folders.
export CCACHE_BASEDIR="$REPO"
export CCACHE_NOHASHDIR=1
export CCACHE_MAXSIZE="${CCACHE_MAXSIZE:-5G}"
export CCACHE_SLOPPINESS="pch_defines,time_macros,include_file_mtime,include_file_ctime"
if [ ! -f "$BUILD/build.ninja" ]; then
  # shellcheck disable=SC2086
  cmake -S "$REPO" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DTorch_DIR="$Torch_DIR" ${QAT_CMAKE_ARGS:-} >"$REPO/.deps/configure.log" \
    || { cat "$REPO/.deps/configure.log"; exit 1; }
fi
if [ "${QAT_WERROR:-0}" = 1 ] && ! grep -q '^QAT_WERROR:BOOL=ON$' "$BUILD/CMakeCache.txt"; then
  cmake -S "$REPO" -B "$BUILD" -DQAT_WERROR=ON >>"$REPO/.deps/configure.log" \
    || { cat "$REPO/.deps/configure.log"; exit 1; }
fi
targets=()
for t in "$@"; do targets+=(--target "$t"); done
cmake --build "$BUILD" -j "${QAT_JOBS:-$(nproc)}" "${targets[@]}"
