#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Zero-shot reference figures of a Hugging Face Llama folder from lm-evaluation-harness.

For each task file of ../shared/data/zeroshot (first --limit items), the rendered requests go
through lm-eval's Hugging Face backend (`lm_eval.models.huggingface.HFLM`, float32, CPU, batch
--batch-size (1),
`add_bos_token` as --add-bos says: off is lm-eval 0.4.2's default, which EfficientQAT ran):
`loglikelihood` of each (context, choice) pair, or of each (context per option, continuation)
pair for WinoGrande. acc and acc_norm are then taken as lm-eval's multiple-choice task does
(numpy argmax of the log-likelihoods, and of the log-likelihoods over the choice's character
count), with lm-eval's own `mean_stderr`. Writes JSON with every item's log-likelihoods;
TestZeroShot compares QAT Studio's `qat-cli eval --tasks` against it item by item.
"""
import argparse
import json
import os
import sys
import time

TASKS = ["arc_easy", "arc_challenge", "piqa", "hellaswag", "winogrande", "boolq"]
ACC_NORM = {"arc_easy", "arc_challenge", "piqa", "hellaswag"}


def read_items(path, limit):
    items = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                items.append(json.loads(line))
            if len(items) == limit:
                break
    return items


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--model", required=True)
    ap.add_argument("--task-dir", required=True)
    ap.add_argument("--tasks", default=",".join(TASKS))
    ap.add_argument("--limit", type=int, default=500)
    ap.add_argument("--add-bos", action="store_true")
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--batch-size", type=int, default=1)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    if not os.path.isfile(os.path.join(a.model, "config.json")):
        print(f"SKIP: no model at {a.model}")
        return 0
    question = {"model": os.path.abspath(a.model), "task_dir": os.path.abspath(a.task_dir), "tasks": a.tasks,
                "limit": a.limit, "add_bos": a.add_bos, "batch_size": a.batch_size}
    if os.path.isfile(a.out):  # computed by an earlier run of this build for the same question
        with open(a.out) as f:
            if json.load(f).get("question") == question:
                print(f"{a.out} is up to date")
                return 0

    import numpy as np
    import torch
    import lm_eval
    from lm_eval.api.instance import Instance
    from lm_eval.api.metrics import mean_stderr
    from lm_eval.models.huggingface import HFLM

    if a.threads > 0:
        torch.set_num_threads(a.threads)
    lm = HFLM(pretrained=a.model, device="cpu", dtype="float32", batch_size=a.batch_size,
              add_bos_token=a.add_bos)
    out = {"question": question, "lm_eval": lm_eval.__version__ if hasattr(lm_eval, "__version__") else "",
           "torch": torch.__version__, "tasks": {}}
    for task in a.tasks.split(","):
        started = time.time()
        items = read_items(os.path.join(a.task_dir, f"{task}.jsonl"), a.limit)
        requests, owner = [], []
        for i, item in enumerate(items):
            pairs = ([(c, item["continuation"]) for c in item["contexts"]] if task == "winogrande"
                     else [(item["context"], c) for c in item["choices"]])
            for pair in pairs:
                requests.append(Instance(request_type="loglikelihood", doc=item, arguments=pair,
                                         idx=len(owner), metadata=(task, i, 1)))
                owner.append(i)
        results = lm.loglikelihood(requests, disable_tqdm=True)
        lls = [[] for _ in items]
        for i, (ll, _greedy) in zip(owner, results):
            lls[i].append(float(ll))
        acc, acc_norm, samples = [], [], []
        for item, ll in zip(items, lls):
            pred = int(np.argmax(ll))
            acc.append(1.0 if pred == item["gold"] else 0.0)
            sample = {"id": item["id"], "gold": item["gold"], "loglikelihoods": ll, "predicted": pred}
            if task in ACC_NORM:
                pred_norm = int(np.argmax(np.array(ll) / np.array(item["norm_len"], dtype=float)))
                acc_norm.append(1.0 if pred_norm == item["gold"] else 0.0)
                sample["predicted_norm"] = pred_norm
                sample["norm_len"] = item["norm_len"]
            samples.append(sample)
        entry = {"items": len(items), "acc": float(np.mean(acc)), "acc_stderr": mean_stderr(acc),
                 "seconds": round(time.time() - started, 1), "samples": samples}
        if task in ACC_NORM:
            entry["acc_norm"] = float(np.mean(acc_norm))
            entry["acc_norm_stderr"] = mean_stderr(acc_norm)
        out["tasks"][task] = entry
        print(f"{task}: {len(items)} items, acc {entry['acc']:.4f}"
              + (f", acc_norm {entry['acc_norm']:.4f}" if task in ACC_NORM else "") + f" ({entry['seconds']} s)",
              flush=True)
    tmp = a.out + ".tmp"
    with open(tmp, "w") as f:
        json.dump(out, f)
    os.replace(tmp, a.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
