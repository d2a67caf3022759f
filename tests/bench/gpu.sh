#!/usr/bin/env bash
# GPU checks and benchmarks from binaries built elsewhere (this script never builds: the GPU machines
# have LibTorch in a Python venv but no Qt and no toolchain for the project).
#
#   tests/bench/gpu.sh [RESULTS_DIR]        (default ./gpu-results)
#
# Runs, from the repository root:
#   1. BenchPackedGemv --check --device cuda: the CUDA-vs-CPU correctness checks of every packed
#      kernel (tests/unit/PackedCudaCheck.h, every GEMV kernel at rows 1 … 8, the split-K kernels at
#      several split counts), then each GEMV kernel timed at Llama-2-7B's shapes (W4 g128, W2 g64),
#      % of peak bandwidth and speedup over an fp16 matmul, then (GEMV_SWEEP=1, the default) the
#      launch-shape sweep of the half2 kernels (--sweep-kernels half2, at most GEMV_SWEEP_SECONDS);
#      JSON into RESULTS_DIR/bench_packed_gemv.json. About 2 minutes on an H200.
# Logs go to RESULTS_DIR/<name>.log; a summary is printed at the end. Exit status: 0 when every step
# passed (or skipped), 1 otherwise.
#
# Environment:
#   PYTHON            the Python whose torch provides the shared libraries (default python3)
#   QAT_BUILD_DIR     where the binaries are (default build)
#   BENCH_PACKED_GEMV the GEMV benchmark binary (default $QAT_BUILD_DIR/tests/bench/BenchPackedGemv)
#   GEMV_TIMEOUT      seconds allowed for it (default 300)
#   GEMV_SWEEP        1 (default): also sweep the half2 kernels' launch shapes; 0: not
#   GEMV_SWEEP_SECONDS  the sweep's time budget (default 60)
set -uo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$REPO"
RESULTS="${1:-./gpu-results}"
mkdir -p "$RESULTS"
RESULTS="$(cd "$RESULTS" && pwd)"
PYTHON="${PYTHON:-python3}"
BUILD="${QAT_BUILD_DIR:-build}"
BENCH_PACKED_GEMV="${BENCH_PACKED_GEMV:-$BUILD/tests/bench/BenchPackedGemv}"
GEMV_TIMEOUT="${GEMV_TIMEOUT:-300}"
GEMV_SWEEP="${GEMV_SWEEP:-1}"
GEMV_SWEEP_SECONDS="${GEMV_SWEEP_SECONDS:-60}"

# The libraries LibTorch's binaries need: torch/lib and every nvidia/*/lib of the venv (CUDA
# runtime, cuBLAS, cuDNN …), found through the Python that has torch.
LIBS="$("$PYTHON" - <<'EOF'
import glob, os
import torch
dirs = [os.path.join(os.path.dirname(torch.__file__), "lib")]
try:
    import nvidia
    for root in list(nvidia.__path__):
        dirs += sorted(d for d in glob.glob(os.path.join(root, "*", "lib")) if os.path.isdir(d))
except ImportError:
    pass
print(":".join(dirs))
EOF
)" || { echo "gpu.sh: $PYTHON cannot import torch" >&2; exit 1; }
export LD_LIBRARY_PATH="$LIBS${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export QAT_BENCH_DIR="$RESULTS"

{
    echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "commit: $(git -C "$REPO" rev-parse HEAD 2>/dev/null || echo unknown)"
    "$PYTHON" -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda)'
    nvidia-smi --query-gpu=name,memory.total,clocks.max.memory,driver_version --format=csv,noheader 2>/dev/null
    echo "LD_LIBRARY_PATH=$LD_LIBRARY_PATH"
} >"$RESULTS/environment.txt" 2>&1

declare -a SUMMARY=()
FAILED=0

# run NAME TIMEOUT COMMAND...: logs to RESULTS/NAME.log, records pass / skip / fail with the time taken.
run() {
    local name="$1" limit="$2"
    shift 2
    if [ ! -x "$1" ]; then
        SUMMARY+=("$name: FAIL (no binary at $1; build it first, e.g. installer/build.sh $(basename "$1"))")
        FAILED=1
        return
    fi
    local start=$SECONDS rc
    echo "== $name: $*"
    timeout "$limit" "$@" 2>&1 | tee "$RESULTS/$name.log"
    rc=${PIPESTATUS[0]}
    local took=$((SECONDS - start))
    case $rc in
    0) SUMMARY+=("$name: ok (${took} s)") ;;
    77) SUMMARY+=("$name: SKIPPED (${took} s): $(grep -m1 '^SKIP' "$RESULTS/$name.log")") ;;
    124) SUMMARY+=("$name: FAIL, timed out after ${limit} s") && FAILED=1 ;;
    *) SUMMARY+=("$name: FAIL, exit $rc (${took} s)") && FAILED=1 ;;
    esac
}

SWEEP_ARGS=()
[ "$GEMV_SWEEP" = 1 ] && SWEEP_ARGS=(--sweep-kernels half2 --sweep-seconds "$GEMV_SWEEP_SECONDS")
run packed_gemv "$GEMV_TIMEOUT" "$BENCH_PACKED_GEMV" --device cuda --check ${SWEEP_ARGS[@]+"${SWEEP_ARGS[@]}"}

echo
echo "== summary (results in $RESULTS)"
for line in "${SUMMARY[@]}"; do echo "$line"; done
if [ -f "$RESULTS/packed_gemv.log" ]; then
    grep -E '^\[check\] FAILED|^FAIL' "$RESULTS/packed_gemv.log" | head -20
    grep -E '^bits +path|^[0-9]+ +(gemv|dequant)|^\[check\] [0-9]+ checks' "$RESULTS/packed_gemv.log"
    grep -E '^\[bench\] .*GB/s|^case|^W[0-9]|^  (simt|mma|half2)|^ +best launch|^  sweep of|^speedup' \
        "$RESULTS/packed_gemv.log"
fi
exit $FAILED
