#!/usr/bin/env sh
# FormatCheck: clang-format's dry run over the tracked C++ and CUDA sources; any file that
# clang-format would change fails the test, naming the file and line (fix: `cmake --build build
# --target format`). Skips (77) where the sources are not a git checkout.
#   format_check.sh SOURCE_DIR CLANG_FORMAT
set -eu
src="$1"
clang_format="$2"
if [ ! -x "$clang_format" ]; then
  echo "FormatCheck: clang-format not found ($clang_format); installer/bootstrap.sh installs it" >&2
  exit 1
fi
if ! git -C "$src" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  echo "FormatCheck: SKIP, $src is not a git checkout (the check reads git's list of tracked files)"
  exit 77
fi
cd "$src"
files=$(git ls-files '*.cpp' '*.h' '*.cu' '*.cuh' | wc -l)
"$clang_format" --version
if git ls-files -z '*.cpp' '*.h' '*.cu' '*.cuh' | xargs -0 "$clang_format" --dry-run --Werror; then
  echo "FormatCheck: $files files formatted as .clang-format says"
else
  echo "FormatCheck: the files above differ from .clang-format's style (fix: cmake --build build --target format)" >&2
  exit 1
fi
