#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Zero-shot scoring speed: `qat-cli eval --tasks` against lm-evaluation-harness's Hugging Face
backend (tests/model/lmeval_reference.py: HFLM, float32, CPU) on the same converted model, the same
items (the first N of each of the six tasks) and the same thread count; items per second of each,
as a ratio. lm-eval runs at batch 1 (its default) and at batch 16; the ratio is against the faster.
Cross-check: every item's prediction agrees (a disagreement is allowed only where lm-eval's two best
choices tie within 1e-6), else the bench fails. It never fails on speed.

Profiles: smoke (CI: 16 items per task) and long (QAT_BENCH_LONG=1: 200 items per task).
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

from bench_report import finish

TASKS = ["arc_easy", "arc_challenge", "piqa", "hellaswag", "winogrande", "boolq"]


def gap(values, div=None):
    v = [x / d for x, d in zip(values, div)] if div else list(values)
    v.sort(reverse=True)
    return v[0] - v[1] if len(v) > 1 else float("inf")


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--cli", required=True)
    ap.add_argument("--model", required=True)
    ap.add_argument("--task-dir", required=True)
    ap.add_argument("--reference-script", required=True, help="tests/model/lmeval_reference.py")
    ap.add_argument("--json", required=True)
    ap.add_argument("--items", type=int, default=200 if os.environ.get("QAT_BENCH_LONG") == "1" else 16)
    ap.add_argument("--threads", type=int, default=int(os.environ.get("QAT_BENCH_THREADS", "2")))
    a = ap.parse_args()
    if not os.path.exists(os.path.join(a.model, "config.json")):
        print(f"SKIP: no model at {a.model}")
        return 77
    try:
        import lm_eval  # noqa: F401
    except ImportError:
        print("SKIP: lm_eval is not installed in this Python (installer/bootstrap.sh installs it)")
        return 77

    tmp = tempfile.mkdtemp(prefix="qat-bench-zeroshot-")
    peers = {}
    for batch in (1, 16):
        out = os.path.join(tmp, f"lmeval-b{batch}.json")
        start = time.time()
        subprocess.run([sys.executable, a.reference_script, "--model", a.model, "--task-dir", a.task_dir,
                        "--limit", str(a.items), "--threads", str(a.threads), "--batch-size", str(batch),
                        "--out", out], check=True, stdout=subprocess.DEVNULL)
        with open(out) as f:
            ref = json.load(f)
        seconds = sum(t["seconds"] for t in ref["tasks"].values())
        peers[batch] = {"ref": ref, "seconds": seconds, "wall_seconds": time.time() - start}

    start = time.time()
    p = subprocess.run([a.cli, "eval", "-m", a.model, "--tasks", "all", "--task-dir", a.task_dir, "--limit",
                        str(a.items), "--threads", str(a.threads), "--log-samples", "--json"],
                       capture_output=True, text=True)
    if p.returncode != 0:
        print(p.stderr)
        return 1
    ours = json.loads(p.stdout)
    ours_seconds = sum(t["seconds"] for t in ours["tasks"].values())

    failures, rows = [], []
    ref = peers[1]["ref"]
    for task in TASKS:
        mine, theirs = ours["tasks"][task], ref["tasks"][task]
        for s, r in zip(mine["samples"], theirs["samples"]):
            if s["predicted"] != r["predicted"] and gap(r["loglikelihoods"]) > 1e-6:
                failures.append(f"{task} item {r['id']}: acc prediction {s['predicted']}, lm-eval {r['predicted']}")
            if "norm_len" in r and s["predicted_norm"] != r["predicted_norm"] and \
                    gap(r["loglikelihoods"], r["norm_len"]) > 1e-6:
                failures.append(f"{task} item {r['id']}: acc_norm prediction differs")
        rows.append({"task": task, "items": mine["items"], "qat_items_per_second": mine["items"] / mine["seconds"],
                     **{f"lmeval_b{b}_items_per_second": mine["items"] / peers[b]["ref"]["tasks"][task]["seconds"]
                        for b in peers}})
    items = a.items * len(TASKS)
    best = min(peers, key=lambda b: peers[b]["seconds"])
    ratio = peers[best]["seconds"] / ours_seconds
    print(f"zero-shot scoring, SmolLM2-135M, first {a.items} items of each task, CPU, {a.threads} threads")
    print("| task | qat-cli items/s | lm-eval b1 items/s | lm-eval b16 items/s |")
    print("|---|---:|---:|---:|")
    for r in rows:
        print(f"| {r['task']} | {r['qat_items_per_second']:.2f} | {r['lmeval_b1_items_per_second']:.2f} "
              f"| {r['lmeval_b16_items_per_second']:.2f} |")
    print(f"all {items} items: qat-cli {items / ours_seconds:.2f} items/s, lm-eval batch 1 "
          f"{items / peers[1]['seconds']:.2f}, batch 16 {items / peers[16]['seconds']:.2f}; "
          f"ratio {ratio:.2f}x against lm-eval at batch {best}")
    return finish(a.json, {"bench": "zeroshot", "model": a.model, "items_per_task": a.items, "threads": a.threads,
                           "qat_items_per_second": items / ours_seconds,
                           "lmeval_items_per_second": {f"batch{b}": items / peers[b]["seconds"] for b in peers},
                           "ratio_qat_over_lmeval": ratio, "lmeval_batch_compared": best, "tasks": rows},
                  failures)


if __name__ == "__main__":
    sys.exit(main())
