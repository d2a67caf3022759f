#!/usr/bin/env bash
# QAT Studio dependency bootstrap for Debian 12.
#
# Installs the Debian packages the build needs and LibTorch (the C++ library
# inside the pinned torch wheel from PyPI) into a project-local virtual
# environment under .deps/. Idempotent: a second run only checks and returns.
#
# Environment:
#   LIBTORCH_DIR   use this LibTorch (a folder holding share/cmake/Torch) instead
#   Torch_DIR      use this TorchConfig.cmake folder instead
#   QAT_DEPS_DIR   where the virtual environment goes (default: <repo>/.deps)
#   QAT_NO_APT=1   skip the Debian packages (for machines set up by hand)
#   QAT_NO_GUI=1   skip the Qt packages (headless servers)
#   QAT_LLAMA_CPP=1 also build llama.cpp's Python binding (the GGUF test runs the exports with it)
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEPS="${QAT_DEPS_DIR:-$REPO/.deps}"
TORCH_VERSION="2.11.0"

log() { printf '[bootstrap] %s\n' "$*" >&2; }

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

APT_PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config git
  python3 python3-venv python3-pip
  libsentencepiece-dev nlohmann-json3-dev libcli11-dev clang-format
  libpcre2-dev libicu-dev
  strace
)
GUI_PACKAGES=(
  qt6-base-dev qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools qt6-translations-l10n
  libqcustomplot-dev libqcustomplot2.1-qt6 libgl-dev libglx-dev libopengl-dev
  xvfb xauth
)

install_apt() {
  [ "${QAT_NO_APT:-0}" = 1 ] && { log "QAT_NO_APT=1: skipping Debian packages"; return; }
  local want=("${APT_PACKAGES[@]}")
  [ "${QAT_NO_GUI:-0}" = 1 ] || want+=("${GUI_PACKAGES[@]}")
  local missing=()
  for p in "${want[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
      missing+=("$p")
    fi
  done
  if [ ${#missing[@]} -eq 0 ]; then
    log "Debian packages: all present"
    return
  fi
  log "installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  mkdir -p "$DEPS"
  { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"; } \
    >"$DEPS/apt.log" 2>&1 || { cat "$DEPS/apt.log"; log "apt-get failed (log above)"; exit 1; }
}

# The pinned Python packages tests use as references (installer/requirements-reference.txt),
# into the same venv; re-run when that file changes.
install_reference_packages() {
  local req="$REPO/installer/requirements-reference.txt"
  local stamp
  stamp="$DEPS/reference-$(sha256sum "$req" | cut -c1-16).stamp"
  [ -f "$stamp" ] && return
  log "installing the reference packages (installer/requirements-reference.txt) into $DEPS/venv"
  "$DEPS/venv/bin/python" -m pip install -q -r "$req" >&2
  rm -f "$DEPS"/reference-*.stamp
  touch "$stamp"
}

# llama.cpp's Python binding (installer/requirements-llama-cpp.txt), compiled for the CPU; the GGUF
# export test runs llama.cpp on the exported files with it. Opt-in (QAT_LLAMA_CPP=1): compiling
# llama.cpp takes from ten minutes to two hours on two cores, too long for CI's budget, so there the
# llama.cpp part of the test skips and says so. A failed build is reported and leaves the rest of the
# setup intact.
install_llama_cpp() {
  [ "${QAT_LLAMA_CPP:-0}" = 1 ] || { log "llama.cpp's binding not built (QAT_LLAMA_CPP=1 builds it)"; return; }
  local req="$REPO/installer/requirements-llama-cpp.txt"
  local stamp
  stamp="$DEPS/llama-cpp-$(sha256sum "$req" | cut -c1-16).stamp"
  [ -f "$stamp" ] && return
  log "building llama.cpp's Python binding (installer/requirements-llama-cpp.txt) into $DEPS/venv (several minutes)"
  if CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_CUDA=OFF -DGGML_OPENMP=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_TESTS=OFF" \
     CMAKE_BUILD_PARALLEL_LEVEL="$(nproc)" \
     "$DEPS/venv/bin/python" -m pip install -q --no-binary llama-cpp-python -r "$req" >"$DEPS/llama-cpp.log" 2>&1; then
    rm -f "$DEPS"/llama-cpp-*.stamp
    touch "$stamp"
  else
    log "llama.cpp's binding did not build (log: $DEPS/llama-cpp.log); the llama.cpp check will skip"
  fi
}

# Prints the folder holding TorchConfig.cmake.
find_torch() {
  if [ -n "${Torch_DIR:-}" ]; then
    [ -f "$Torch_DIR/TorchConfig.cmake" ] || { log "Torch_DIR=$Torch_DIR has no TorchConfig.cmake"; exit 2; }
    echo "$Torch_DIR"; return
  fi
  if [ -n "${LIBTORCH_DIR:-}" ]; then
    [ -f "$LIBTORCH_DIR/share/cmake/Torch/TorchConfig.cmake" ] \
      || { log "LIBTORCH_DIR=$LIBTORCH_DIR has no share/cmake/Torch/TorchConfig.cmake"; exit 2; }
    echo "$LIBTORCH_DIR/share/cmake/Torch"; return
  fi
  local stamp="$DEPS/torch-$TORCH_VERSION.stamp"
  if [ ! -f "$stamp" ]; then
    log "installing torch $TORCH_VERSION (LibTorch) into $DEPS/venv"
    rm -rf "$DEPS/venv"
    python3 -m venv "$DEPS/venv"
    "$DEPS/venv/bin/python" -m pip install -q --upgrade pip
    "$DEPS/venv/bin/python" -m pip install -q "torch==$TORCH_VERSION" numpy
    touch "$stamp"
  fi
  install_reference_packages
  install_llama_cpp >&2
  "$DEPS/venv/bin/python" - <<'PY'
import os, torch
print(os.path.join(os.path.dirname(torch.__file__), "share", "cmake", "Torch"))
PY
}

install_apt
TORCH_CMAKE_DIR="$(find_torch)"
mkdir -p "$DEPS"
PYTHON="python3"
[ -x "$DEPS/venv/bin/python" ] && PYTHON="$DEPS/venv/bin/python"
cat > "$DEPS/env.sh" <<ENV
# Written by installer/bootstrap.sh
export Torch_DIR="$TORCH_CMAKE_DIR"
export QAT_PYTHON="$PYTHON"
ENV
log "LibTorch: $TORCH_CMAKE_DIR"
