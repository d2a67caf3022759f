#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Quality table of the quantization engine on stories260K, as a user runs it.

For W4 g64, W3 g64, W2 g64 and W2 g32: round-to-nearest, then EfficientQAT with the demo preset
of that width (resources/presets/efficientqat-w<b>g<g>-demo.json: Block-AP, then E2E-QP), each a
`qat-cli quantize` run, perplexity on the first N windows of 512 tokens of the evaluation text.
Checks the acceptance bars of the engine: Block-AP + E2E-QP at most 1.03 x fp32 at W4 g64,
1.15 x at W3 g64, 2.0 x at W2 g64; and at every width RTN > Block-AP > Block-AP + E2E-QP.
Beside them the one-shot baselines at W4 g128, W3 g128 and W2 g64: round-to-nearest and GPTQ (the
demo preset resources/presets/gptq-w2g64-demo.json with that width); GPTQ must beat RTN at each.
Prints a table, writes JSON, exits 1 when a bar is missed (quality is a result, not a speed).
"""
import argparse
import concurrent.futures as cf
import json
import os
import subprocess
import sys
import tempfile
import time

from bench_report import finish

CONFIGS = [  # (name, bits, group, bar on e2e / fp, or None)
    ("W4g64", 4, 64, 1.03),
    ("W3g64", 3, 64, 1.15),
    ("W2g64", 2, 64, 2.0),
    ("W2g32", 2, 32, None),
]
GPTQ_WIDTHS = [("W4g128", 4, 128), ("W3g128", 3, 128), ("W2g64", 2, 64)]


def quantize(cli, args, out):
    start = time.time()
    p = subprocess.run([cli, "quantize", *args, "--out", out, "--threads", "1"], capture_output=True, text=True)
    seconds = time.time() - start
    if p.returncode != 0:
        raise RuntimeError(f"qat-cli quantize {' '.join(args)} failed ({p.returncode}):\n{p.stderr}{p.stdout[-2000:]}")
    with open(os.path.join(out, "eval.json")) as f:
        stages = {s["stage"]: next(iter(s["results"].values()))["perplexity"] for s in json.load(f)["stages"]}
    return stages, seconds


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--cli", required=True)
    ap.add_argument("--model", required=True)
    ap.add_argument("--calib", required=True)
    ap.add_argument("--eval", required=True)
    ap.add_argument("--presets", required=True, help="folder of the efficientqat-*-demo.json presets")
    ap.add_argument("--json", required=True, help="where to write the results")
    ap.add_argument("--eval-windows", type=int, default=100)
    ap.add_argument("--jobs", type=int, default=max(1, min(4, os.cpu_count() or 1)))
    ap.add_argument("--only", default="", help="comma-separated config names (default: all); "
                    "\"baselines\": only the RTN / GPTQ table")
    a = ap.parse_args()

    configs = [c for c in CONFIGS if not a.only or c[0] in a.only.split(",")]
    baseline_widths = GPTQ_WIDTHS if not a.only or a.only == "baselines" else []
    ev = ["--eval", a.eval, "--eval-seqlen", "512", "--eval-max-windows", str(a.eval_windows)]
    tmp = tempfile.mkdtemp(prefix="qat-bench-quality-")
    jobs = {}
    with cf.ThreadPoolExecutor(max_workers=a.jobs) as pool:
        for name, bits, group, _ in configs:
            preset = os.path.join(a.presets, f"efficientqat-w{bits}g{group}-demo.json")
            jobs[(name, "eqat")] = pool.submit(
                quantize, a.cli, ["--config", preset, "-m", a.model, "--calib", a.calib, *ev], os.path.join(tmp, f"eqat-{name}"))
            jobs[(name, "rtn")] = pool.submit(
                quantize, a.cli, ["--method", "rtn", "--bits", str(bits), "--group", str(group), "-m", a.model, *ev],
                os.path.join(tmp, f"rtn-{name}"))
        gptq_preset = os.path.join(a.presets, "gptq-w2g64-demo.json")
        for name, bits, group in baseline_widths:
            width = ["--bits", str(bits), "--group", str(group)]
            jobs[(name, "gptq")] = pool.submit(
                quantize, a.cli, ["--config", gptq_preset, *width, "-m", a.model, "--calib", a.calib, *ev],
                os.path.join(tmp, f"gptq-{name}"))
            if (name, "rtn") not in jobs:
                jobs[(name, "rtn")] = pool.submit(
                    quantize, a.cli, ["--method", "rtn", *width, "-m", a.model, *ev], os.path.join(tmp, f"rtn-{name}"))
        results = {key: job.result() for key, job in jobs.items()}

    rows, failures = [], []
    fp = None
    for name, bits, group, bar in configs:
        rtn_stages, rtn_s = results[(name, "rtn")]
        eq_stages, eq_s = results[(name, "eqat")]
        fp = eq_stages["fp"]
        row = {"config": name, "bits": bits, "group": group, "fp32": fp, "rtn": rtn_stages["rtn"],
               "block_ap": eq_stages["block-ap"], "block_ap_e2e_qp": eq_stages["block-ap+e2e-qp"],
               "ratio_to_fp32": eq_stages["block-ap+e2e-qp"] / fp, "bar": bar,
               "efficientqat_seconds": round(eq_s, 1), "rtn_seconds": round(rtn_s, 1),
               "preset": f"efficientqat-w{bits}g{group}-demo.json"}
        if bar is not None and row["ratio_to_fp32"] > bar:
            failures.append(f"{name}: Block-AP + E2E-QP is {row['ratio_to_fp32']:.3f} x fp32, above the bar {bar}")
        if not row["block_ap"] < row["rtn"]:
            failures.append(f"{name}: Block-AP ({row['block_ap']:.4f}) does not improve on RTN ({row['rtn']:.4f})")
        if not row["block_ap_e2e_qp"] < row["block_ap"]:
            failures.append(f"{name}: E2E-QP ({row['block_ap_e2e_qp']:.4f}) does not improve on Block-AP ({row['block_ap']:.4f})")
        rows.append(row)
    baselines = []
    for name, bits, group in baseline_widths:
        (rtn_stages, rtn_s), (gptq_stages, gptq_s) = results[(name, "rtn")], results[(name, "gptq")]
        row = {"config": name, "bits": bits, "group": group, "fp32": gptq_stages["fp"], "rtn": rtn_stages["rtn"],
               "gptq": gptq_stages["gptq"], "rtn_seconds": round(rtn_s, 1), "gptq_seconds": round(gptq_s, 1)}
        if not row["gptq"] < row["rtn"]:
            failures.append(f"{name}: GPTQ ({row['gptq']:.4f}) does not beat RTN ({row['rtn']:.4f})")
        baselines.append(row)

    print(f"stories260K, perplexity on the first {a.eval_windows} windows of 512 tokens of {os.path.basename(a.eval)}; "
          f"{a.jobs} runs at a time, 1 thread each")
    print(f"{'config':8} {'fp32':>8} {'RTN':>10} {'Block-AP':>10} {'+E2E-QP':>10} {'x fp32':>8} {'bar':>6} {'time':>8}")
    for r in rows:
        bar = f"{r['bar']:.2f}" if r["bar"] else "-"
        print(f"{r['config']:8} {r['fp32']:8.4f} {r['rtn']:10.4f} {r['block_ap']:10.4f} {r['block_ap_e2e_qp']:10.4f} "
              f"{r['ratio_to_fp32']:8.3f} {bar:>6} {r['efficientqat_seconds']:7.0f}s")
    if baselines:
        print(f"{'config':8} {'fp32':>8} {'RTN':>10} {'GPTQ':>10} {'GPTQ/RTN':>9} {'time':>8}  (one-shot baselines)")
    for r in baselines:
        print(f"{r['config']:8} {r['fp32']:8.4f} {r['rtn']:10.4f} {r['gptq']:10.4f} {r['gptq'] / r['rtn']:9.3f} "
              f"{r['gptq_seconds']:7.0f}s")
    return finish(a.json, {"bench": "quality", "model": a.model, "eval": a.eval, "eval_windows": a.eval_windows,
                           "seqlen": 512, "rows": rows, "baselines": baselines}, failures)

if __name__ == "__main__":
    sys.exit(main())
