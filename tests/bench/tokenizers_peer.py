#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The peer of BenchTokenizer: Hugging Face `tokenizers` encoding a text file with a
tokenizer.json on one thread (RAYON_NUM_THREADS=1, TOKENIZERS_PARALLELISM=false), the same
protocol as the C++ side: load, one cold encode (empty word cache), then REPEATS warm encodes.

    tokenizers_peer.py TOKENIZER_JSON TEXT_FILE REPEATS

Prints one JSON line: load_s, cold_s, warm_s (every warm pass), tokens, ids_sum, version.
"""
import json
import os
import sys
import time

os.environ["RAYON_NUM_THREADS"] = "1"
os.environ["TOKENIZERS_PARALLELISM"] = "false"

try:
    import tokenizers
    from tokenizers import Tokenizer
except Exception as e:  # noqa: BLE001
    print(json.dumps({"skip": f"{sys.executable} cannot import tokenizers: {e}"}))
    sys.exit(0)

path, text_path, repeats = sys.argv[1], sys.argv[2], int(sys.argv[3])
with open(text_path, encoding="utf-8") as f:
    text = f.read()
t0 = time.perf_counter()
tok = Tokenizer.from_file(path)
load_s = time.perf_counter() - t0
t0 = time.perf_counter()
ids = tok.encode(text, add_special_tokens=False).ids
cold_s = time.perf_counter() - t0
warm = []
for _ in range(repeats):
    t0 = time.perf_counter()
    tok.encode(text, add_special_tokens=False)
    warm.append(time.perf_counter() - t0)
print(json.dumps({"load_s": load_s, "cold_s": cold_s, "warm_s": warm, "tokens": len(ids), "ids_sum": sum(ids),
                  "version": tokenizers.__version__}))
