#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The independent reference of TestGgmlBlocks: the `gguf` Python package's numpy codecs
(gguf.quants.dequantize / quantize, the reference packages in .deps/venv).

    ggml_reference.py --probe          prints the gguf and numpy versions (exit 77 without gguf)
    ggml_reference.py DIR              runs DIR/requests.json

requests.json: [{"op": "dequantize" | "quantize", "type": "q4_k", "in": FILE, "out": FILE}];
paths relative to DIR. dequantize reads raw block bytes and writes float32 (little endian);
quantize reads float32 and writes the bytes gguf.quants.quantize makes. Nothing here comes from
QAT Studio's code: the test writes the inputs (its own bytes, its own encodings) and compares.
"""
import json
import os
import sys


def main():
    try:
        import numpy as np
        import gguf
        from gguf import GGMLQuantizationType
        from gguf.quants import dequantize, quantize
    except Exception as e:  # noqa: BLE001
        print(f"SKIP: {sys.executable} cannot import gguf: {e}")
        return 77
    if sys.argv[1] == "--probe":
        from importlib.metadata import version

        print(f"gguf {version('gguf')}, numpy {np.__version__}")
        return 0
    root = sys.argv[1]
    with open(os.path.join(root, "requests.json")) as f:
        requests = json.load(f)
    for r in requests:
        qtype = GGMLQuantizationType[r["type"].upper()]
        src = os.path.join(root, r["in"])
        if r["op"] == "dequantize":
            out = dequantize(np.fromfile(src, dtype=np.uint8), qtype).astype("<f4", copy=False)
        elif r["op"] == "quantize":
            out = quantize(np.fromfile(src, dtype="<f4"), qtype)
        else:
            raise ValueError(f"unknown op {r['op']}")
        np.ascontiguousarray(out).view(np.uint8).tofile(os.path.join(root, r["out"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
