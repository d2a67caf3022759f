#!/usr/bin/env bash
# Man pages from the programs' --help, with help2man (the CMake target `man`, installer/Install.cmake).
#   installer/make-man.sh HELP2MAN OUT_DIR QAT_CLI [QAT_STUDIO]    (writes OUT_DIR/qat-cli.1.gz, qat-studio.1.gz)
# qat-cli's page gains a COMMANDS section with each subcommand's --help.
set -euo pipefail
help2man="$1"
out="$2"
cli="$3"
studio="${4:-}"
mkdir -p "$out"
work="$(mktemp -d)"
trap 'rm -rf -- "$work"' EXIT

# Help text as roff, verbatim: backslashes escaped, lines starting with . or ' protected.
verbatim() {
  printf '.nf\n'
  sed -e 's/\\/\\e/g' -e "s/^\\([.']\\)/\\\\\\&\\1/"
  printf '.fi\n'
}

{
  printf '[COMMANDS]\n'
  # The subcommands as CLI11 lists them (Subcommands:, two-space indent, name first).
  "$cli" --help | sed -n '/^[Ss][Uu][Bb][Cc][Oo][Mm][Mm][Aa][Nn][Dd][Ss]:/,$p' | sed -n 's/^  \([a-z][a-z0-9-]*\) .*/\1/p' | while read -r sub; do
    printf '.SS "qat-cli %s"\n' "$sub"
    "$cli" "$sub" --help | verbatim
  done
  printf '[SEE ALSO]\nqat-studio(1). The demo model, its text and the run presets are in /usr/share/qat-studio;\n'
  printf 'README.md in /usr/share/doc/qat-studio.\n'
} >"$work/qat-cli.h2m"
"$help2man" --no-info --section 1 \
  --name "quantize Llama-family language models to 2-4 bits (command line)" \
  --include "$work/qat-cli.h2m" --output "$out/qat-cli.1" "$cli"

if [ -n "$studio" ]; then
  printf '[SEE ALSO]\nqat-cli(1). The demo model, its text and the run presets are in /usr/share/qat-studio:\n.br\nqat-studio --model /usr/share/qat-studio/demo/stories260K --calibration /usr/share/qat-studio/demo/text/calib.txt --preset /usr/share/qat-studio/presets/efficientqat-w2g64-demo.json\n' \
    >"$work/qat-studio.h2m"
  QT_QPA_PLATFORM="${QT_QPA_PLATFORM:-offscreen}" "$help2man" --no-info --section 1 \
    --name "quantize Llama-family language models to 2-4 bits (desktop application)" \
    --include "$work/qat-studio.h2m" --output "$out/qat-studio.1" "$studio"
fi
# Debian keeps man pages gzipped (-n: no time stamp, the same bytes every time).
gzip -9nf "$out"/*.1
