#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Reference figures of a Hugging Face Llama folder, computed with transformers (float32, CPU).

Writes JSON with:
  perplexity: the shared perplexity protocol (../shared/README.md) on a text file: the whole file
              encoded with tokenizer.json (no special tokens added), the tokenizer's BOS in front
              (from tokenizer_config.json; none when it has none), non-overlapping windows of
              --seqlen, the first --windows of them, each scored on its own;
  greedy:     the greedy continuation of --max-new tokens from the ids of --prompt (no BOS, as
              the model's card does), without stopping at EOS.
QAT Studio's own figures are compared against these by TestSmolLM2.
"""
import argparse
import json
import math
import os
import sys
import time


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--model", required=True)
    ap.add_argument("--text", required=True)
    ap.add_argument("--seqlen", type=int, default=2048)
    ap.add_argument("--windows", type=int, default=40)
    ap.add_argument("--prompt", default="The capital of France is")
    ap.add_argument("--max-new", type=int, default=32)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    if not os.path.isfile(os.path.join(a.model, "model.safetensors")):
        print(f"SKIP: {a.model} was not converted (see tests/model/make_smollm2.py)")
        return 0
    if os.path.isfile(a.out):  # computed by an earlier run of this build for the same question
        with open(a.out) as f:
            old = json.load(f)
        p = old.get("perplexity", {})
        if (p.get("file") == os.path.abspath(a.text) and p.get("seqlen") == a.seqlen
                and p.get("windows") == a.windows and old.get("greedy", {}).get("prompt") == a.prompt):
            print(f"{a.out}: already computed")
            return 0

    import torch
    from tokenizers import Tokenizer
    from transformers import AutoModelForCausalLM

    torch.set_num_threads(max(1, min(2, os.cpu_count() or 1)))
    tok = Tokenizer.from_file(os.path.join(a.model, "tokenizer.json"))
    bos = None
    cfg_path = os.path.join(a.model, "tokenizer_config.json")
    if os.path.exists(cfg_path):
        with open(cfg_path) as f:
            b = json.load(f).get("bos_token")
        if isinstance(b, dict):
            b = b.get("content")
        if b is not None:
            bos = tok.token_to_id(b)
    model = AutoModelForCausalLM.from_pretrained(a.model, dtype=torch.float32)
    model.eval()

    with open(a.text, encoding="utf-8", newline="") as f:
        text = f.read()
    ids = ([bos] if bos is not None else []) + tok.encode(text, add_special_tokens=False).ids
    n = len(ids) // a.seqlen
    windows = min(n, a.windows)
    nll = 0.0
    predictions = 0
    start = time.time()
    with torch.no_grad():
        for w in range(windows):
            x = torch.tensor([ids[w * a.seqlen:(w + 1) * a.seqlen]])
            logits = model(x).logits.double()[0, :-1]
            target = x[0, 1:]
            nll += torch.nn.functional.cross_entropy(logits, target, reduction="sum").item()
            predictions += target.numel()
    ppl_seconds = time.time() - start

    prompt = tok.encode(a.prompt, add_special_tokens=False).ids
    with torch.no_grad():
        out = model.generate(torch.tensor([prompt]), max_new_tokens=a.max_new, do_sample=False,
                             min_new_tokens=a.max_new, eos_token_id=None, pad_token_id=0)
    generated = out[0, len(prompt):].tolist()

    result = {
        "reference": "transformers float32 on the CPU (tests/model/smollm2_reference.py)",
        "model": os.path.abspath(a.model),
        "perplexity": {
            "file": os.path.abspath(a.text), "seqlen": a.seqlen, "windows": windows, "tokens": len(ids),
            "bos": bos, "predictions": predictions, "mean_nll": nll / predictions,
            "perplexity": math.exp(nll / predictions), "seconds": ppl_seconds,
        },
        "greedy": {"prompt": a.prompt, "prompt_ids": prompt, "generated_ids": generated,
                   "text": tok.decode(generated, skip_special_tokens=False)},
    }
    tmp = a.out + ".tmp"
    with open(tmp, "w") as f:
        json.dump(result, f, indent=1)
    os.replace(tmp, a.out)
    print(json.dumps(result["perplexity"]), json.dumps(result["greedy"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
