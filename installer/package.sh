#!/usr/bin/env bash
# Builds the Debian package of QAT Studio (CPack's DEB generator, installer/Install.cmake) into
# build-pkg/qat-studio_<version>_<arch>.deb; installer/test-package.sh tests it in a clean Debian 12.
#   installer/package.sh
# The package bundles the LibTorch the build uses (after installer/bootstrap.sh, the torch wheel in
# .deps/venv; or LIBTORCH_DIR / Torch_DIR): a CUDA LibTorch brings the CUDA libraries it was built
# with (gigabytes), a CPU LibTorch makes a small package, e.g.
#   QAT_DEPS_DIR=.deps/cpu LIBTORCH_DIR=/opt/libtorch-cpu QAT_PKG_BUILD_DIR=build-pkg-cpu \
#     bash installer/package.sh
# (QAT_DEPS_DIR keeps .deps/env.sh, the checkout's LibTorch setting, as it is.)
# Environment: QAT_PKG_BUILD_DIR (default build-pkg), QAT_JOBS (parallel jobs), QAT_CMAKE_ARGS
# (extra configure arguments, for a new build folder), QAT_NO_APT=1 (do not install help2man).
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"
BUILD="${QAT_PKG_BUILD_DIR:-$REPO/build-pkg}"
log() { printf '[package] %s\n' "$*" >&2; }

bash installer/bootstrap.sh
# help2man writes the man pages from --help (the CMake target man).
if [ "${QAT_NO_APT:-0}" != 1 ] && ! command -v help2man >/dev/null; then
  log "installing help2man"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends help2man >/dev/null
fi

# No tests in the package build; source paths in the programs' messages (__FILE__) are written
# relative to the source tree, so that nothing in the package names the build machine's folders.
QAT_BUILD_DIR="$BUILD" \
  QAT_CMAKE_ARGS="-DQAT_BUILD_TESTS=OFF -DCMAKE_CXX_FLAGS=-ffile-prefix-map=$REPO/= ${QAT_CMAKE_ARGS:-}" \
  bash installer/build.sh qat-cli qat-studio man

rm -f "$BUILD"/qat-studio_*.deb
(cd "$BUILD" && cpack -G DEB --config CPackConfig.cmake)
# CPack's staging copy is as large as the package's contents.
rm -rf "$BUILD/_CPack_Packages"

deb="$(ls "$BUILD"/qat-studio_*.deb)"
log "$deb: $(du -h "$deb" | cut -f1) ($(dpkg-deb -f "$deb" Installed-Size | awk '{printf "%d MiB", $1 / 1024}') installed)"
dpkg-deb -f "$deb" Depends | sed 's/^/[package] Depends: /' >&2
log "largest files:"
dpkg-deb -c "$deb" | awk '{printf "%8.1f MiB  %s\n", $3 / 1048576, $6}' | sort -rn | sed -n 1,12p >&2
