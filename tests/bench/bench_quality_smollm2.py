#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Quality table of the engine on a real model: SmolLM2-135M-Instruct, as a user runs it.

For W4 g128, W3 g128 and W2 g64: round-to-nearest (asymmetric min-max and symmetric with the Lp
range search), GPTQ, EfficientQAT (Block-AP, then E2E-QP) and LR-QAT, each a `qat-cli quantize` run
calibrated on the C4 sample, then `qat-cli eval --run` on WikiText-2 test at seqlen 2048 (the first
N windows); full precision through `qat-cli eval -m`. Checks: GPTQ and EfficientQAT beat RTN at
every width, LR-QAT beats symmetric RTN (its starting point) at every width; EfficientQAT's margin
over GPTQ is printed.

With --task-dir, full precision, RTN and EfficientQAT at W4 g128 and W2 g64 are also scored on the six
zero-shot tasks (`qat-cli eval --tasks all`, the first `task_items` items of each, lm-eval 0.4.2's
protocol without BOS); the long profile checks that EfficientQAT's five-task average beats RTN's at W2 g64.

Two profiles: `long` (QAT_BENCH_LONG=1 or --profile long; the table in tests/bench/README.md: 40
windows, every width, about 1.5 h on two cores) and `smoke` (CI: 2 windows, W2 g64 only, a few
training steps). Prints a table (and its Markdown), writes JSON, exits 1 when a check fails.
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

WIDTHS = [("W4g128", 4, 128), ("W3g128", 3, 128), ("W2g64", 2, 64)]

# What each profile gives each method. These runs take a few dozen steps, so the learning rates are
# far above the papers' (tuned for 7B models and thousands of steps): chosen by a short sweep on
# W3 g128 (see README.md).
PROFILES = {
    "long": {
        "eval_windows": 40,
        "widths": ["W4g128", "W3g128", "W2g64"],
        "seqlen": 256,
        "efficientqat": ["--train-windows", "128", "--val-windows", "0", "--epochs", "1", "--batch", "2",
                         "--weight-lr", "1e-4", "--quant-lr", "1e-3",
                         "--e2e-lr", "1e-4", "--e2e-batch", "2", "--e2e-accumulation", "1"],
        "lr-qat": ["--train-windows", "128", "--val-windows", "0", "--lr-qat-batch", "2", "--lr-qat-lr", "1e-2"],
        "gptq": ["--train-windows", "128", "--val-windows", "0"],
        "task_items": 250,
        "task_widths": ["W4g128", "W2g64"],
    },
    "smoke": {
        "eval_windows": 2,
        "widths": ["W2g64"],
        "seqlen": 256,
        "efficientqat": ["--train-windows", "16", "--val-windows", "0", "--epochs", "1", "--batch", "2",
                         "--weight-lr", "1e-4", "--quant-lr", "1e-3",
                         "--e2e-lr", "1e-4", "--e2e-batch", "2", "--e2e-accumulation", "1"],
        "lr-qat": ["--train-windows", "16", "--val-windows", "0", "--lr-qat-batch", "2", "--lr-qat-lr", "1e-2"],
        "gptq": ["--train-windows", "16", "--val-windows", "0"],
        "task_items": 10,
        "task_widths": ["W2g64"],
    },
}
TASK_METHODS = ["fp", "rtn", "efficientqat"]
TASKS = ["arc_easy", "arc_challenge", "piqa", "hellaswag", "winogrande", "boolq"]

METHODS = ["rtn", "rtn-sym", "gptq", "efficientqat", "lr-qat"]

# ../shared/models/smollm2-135m-instruct-q4_1/README.md, "Reference figures": transformers float32
# and an independent float64 round-to-nearest (asymmetric min-max) on the same first 40 windows.
SHARED_40_WINDOWS = {"fp": 20.3762, "W4g128": 28.1333, "W3g128": 113.18, "W2g64": 1.031050e6}


def run(cmd):
    start = time.time()
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({p.returncode}):\n{p.stderr[-3000:]}{p.stdout[-2000:]}")
    return p.stdout, time.time() - start


def perplexity(cli, source, a, windows):
    out, seconds = run([cli, "eval", *source, "-d", a.eval, "--seqlen", "2048", "--max-windows", str(windows),
                        "--threads", str(a.threads), "--json"])
    return json.loads(out)["perplexity"], seconds


def accuracy(a, profile, width, method, source):
    """The zero-shot tasks' accuracies of one model, or None when this row has none."""
    if not a.task_dir or method not in TASK_METHODS or (method != "fp" and width not in profile["task_widths"]):
        return None
    out, seconds = run([a.cli, "eval", *source, "--tasks", "all", "--task-dir", a.task_dir, "--limit",
                        str(profile["task_items"]), "--threads", str(a.threads), "--json"])
    j = json.loads(out)
    return {"acc": {t: j["tasks"][t]["acc"] for t in TASKS},
            "acc_norm": {t: j["tasks"][t]["acc_norm"] for t in TASKS if "acc_norm" in j["tasks"][t]},
            "average_efficientqat": j["average_acc_efficientqat"], "average_all": j["average_acc_all"],
            "items_per_task": profile["task_items"], "seconds": round(seconds, 1)}


def job(a, profile, width, method, folder):
    """One row's measurements, kept in the run folder: a bench run again on the same --workdir
    reuses the jobs that ended and resumes the one that was cut off."""
    done = os.path.join(folder, "bench-result.json")
    if os.path.exists(done):
        with open(done) as f:
            return tuple(json.load(f))
    result = measure(a, profile, width, method, folder)
    os.makedirs(folder, exist_ok=True)
    with open(done + ".tmp", "w") as f:
        json.dump(list(result), f)
    os.replace(done + ".tmp", done)
    return result


def measure(a, profile, width, method, folder):
    """Quantizes (unless fp) and measures; returns (perplexity, quantize seconds, eval seconds, accuracy)."""
    if method == "fp":
        ppl, ev = perplexity(a.cli, ["-m", a.model], a, profile["eval_windows"])
        return ppl, 0.0, ev, accuracy(a, profile, width, method, ["-m", a.model])
    _, bits, group = next(w for w in WIDTHS if w[0] == width)
    args = ["-m", a.model, "--bits", str(bits), "--group", str(group), "--threads", str(a.threads), "-o", folder]
    if method == "rtn":
        args += ["--method", "rtn"]
    elif method == "rtn-sym":
        args += ["--method", "rtn", "--symmetric", "--range", "lp"]
    else:
        args += ["--method", method, "--calib", a.calib, "--seqlen", str(profile["seqlen"]), *profile[method]]
    _, q = run([a.cli, "quantize", *args])
    ppl, ev = perplexity(a.cli, ["--run", folder], a, profile["eval_windows"])
    return ppl, q, ev, accuracy(a, profile, width, method, ["--run", folder])


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--cli", required=True)
    ap.add_argument("--model", required=True, help="the SmolLM2 Hugging Face folder")
    ap.add_argument("--calib", required=True, help="C4 sample (JSONL)")
    ap.add_argument("--eval", required=True, help="wiki.test.raw")
    ap.add_argument("--json", required=True, help="where to write the results")
    ap.add_argument("--task-dir", default="", help="the zero-shot task files (../shared/data/zeroshot)")
    ap.add_argument("--profile", choices=sorted(PROFILES),
                    default="long" if os.environ.get("QAT_BENCH_LONG") == "1" else "smoke")
    ap.add_argument("--jobs", type=int, default=1, help="runs at a time")
    ap.add_argument("--threads", type=int, default=0, help="threads per run (0: LibTorch's default)")
    ap.add_argument("--workdir", default="", help="where the runs go (default: a new temporary folder); "
                    "again with the same folder, finished jobs are reused")
    a = ap.parse_args()
    if not os.path.exists(os.path.join(a.model, "config.json")):
        print(f"SKIP: no model at {a.model}")
        return 77
    profile = PROFILES[a.profile]

    tmp = a.workdir or tempfile.mkdtemp(prefix="qat-bench-smollm2-")
    os.makedirs(tmp, exist_ok=True)
    print(f"runs in {tmp}", flush=True)
    keys = [("fp", "fp")] + [(w, m) for w in profile["widths"] for m in METHODS]
    # Longest first, so that the two workers end together.
    order = {"lr-qat": 0, "efficientqat": 1, "gptq": 2, "fp": 3, "rtn": 4, "rtn-sym": 4}
    keys.sort(key=lambda k: order[k[1]])
    started = time.time()
    with cf.ThreadPoolExecutor(max_workers=a.jobs) as pool:
        futures = {k: pool.submit(job, a, profile, k[0], k[1], os.path.join(tmp, f"{k[1]}-{k[0]}")) for k in keys}
        results = {k: f.result() for k, f in futures.items()}
    total = time.time() - started

    fp = results[("fp", "fp")][0]
    rows, failures = [], []
    if profile["eval_windows"] == 40 and abs(fp / SHARED_40_WINDOWS["fp"] - 1) > 1e-4:
        failures.append(f"full precision {fp:.4f} differs from the shared reference {SHARED_40_WINDOWS['fp']}")
    for width in profile["widths"]:
        row = {"config": width, "fp32": fp}
        for m in METHODS:
            ppl, q, ev, acc = results[(width, m)]
            row[m] = ppl
            if acc:
                row[f"{m}_accuracy"] = acc
            row[f"{m}_quantize_seconds"] = round(q, 1)
            row[f"{m}_eval_seconds"] = round(ev, 1)
        if profile["eval_windows"] == 40 and abs(row["rtn"] / SHARED_40_WINDOWS[width] - 1) > 5e-3:
            failures.append(f"{width}: RTN {row['rtn']:.5g} differs from the shared reference {SHARED_40_WINDOWS[width]:.5g}")
        if not row["gptq"] < row["rtn"]:
            failures.append(f"{width}: GPTQ ({row['gptq']:.4g}) does not beat RTN ({row['rtn']:.4g})")
        row["efficientqat_vs_gptq"] = row["efficientqat"] / row["gptq"]
        if not row["efficientqat"] < row["rtn"]:
            failures.append(f"{width}: EfficientQAT ({row['efficientqat']:.4g}) does not beat RTN ({row['rtn']:.4g})")
        if not row["lr-qat"] < row["rtn-sym"]:
            failures.append(f"{width}: LR-QAT ({row['lr-qat']:.4g}) does not beat symmetric RTN ({row['rtn-sym']:.4g})")
        if (profile is PROFILES["long"] and "rtn_accuracy" in row and "efficientqat_accuracy" in row and width == "W2g64"
                and not row["efficientqat_accuracy"]["average_efficientqat"] > row["rtn_accuracy"]["average_efficientqat"]):
            failures.append(f"{width}: EfficientQAT's zero-shot average does not beat RTN's")
        rows.append(row)

    w = profile["eval_windows"]
    print(f"SmolLM2-135M-Instruct ({a.profile}): WikiText-2 test perplexity, seqlen 2048, first {w} windows; "
          f"calibration {os.path.basename(a.calib)}; {a.jobs} runs at a time, {a.threads} thread(s) each; "
          f"{total / 60:.1f} min in all")
    print(f"full precision: {fp:.4f} ({results[('fp', 'fp')][2]:.0f} s)")
    head = ("| config | RTN | RTN sym | GPTQ | EfficientQAT | LR-QAT | EfficientQAT / GPTQ "
            "| quantize time RTN / sym / GPTQ / EQAT / LR-QAT |")
    print(head)
    print("|---|---:|---:|---:|---:|---:|---:|---|")
    for r in rows:
        times = " / ".join(f"{r[f'{m}_quantize_seconds']:.0f} s" for m in METHODS)
        print(f"| {r['config']} | {r['rtn']:.4g} | {r['rtn-sym']:.4g} | {r['gptq']:.4g} | {r['efficientqat']:.4g} "
              f"| {r['lr-qat']:.4g} | {r['efficientqat_vs_gptq']:.3f} | {times} |")
    fp_acc = results[("fp", "fp")][3]
    if fp_acc:
        print(f"zero-shot acc, first {profile['task_items']} items per task (no BOS):")
        print("| model | " + " | ".join(TASKS) + " | avg (5) | avg (6) |")
        print("|---|" + "---:|" * (len(TASKS) + 2))
        table = [("full precision", fp_acc)] + [(f"{r['config']} {m}", r[f"{m}_accuracy"]) for r in rows
                                                for m in TASK_METHODS[1:] if f"{m}_accuracy" in r]
        for name, acc in table:
            print(f"| {name} | " + " | ".join(f"{100 * acc['acc'][t]:.1f}" for t in TASKS)
                  + f" | {100 * acc['average_efficientqat']:.2f} | {100 * acc['average_all']:.2f} |")
    return finish(a.json, {"bench": "quality-smollm2", "profile": a.profile, "model": a.model, "eval": a.eval,
                           "calib": a.calib, "eval_windows": w, "seqlen": 2048, "fp32": fp, "fp32_accuracy": fp_acc,
                           "fp32_eval_seconds": round(results[("fp", "fp")][2], 1), "settings": profile,
                           "total_seconds": round(total, 1), "rows": rows}, failures)

if __name__ == "__main__":
    sys.exit(main())
