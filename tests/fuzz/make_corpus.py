#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Writes the seed corpus of the safetensors header fuzzer (tests/fuzz/corpus/).

Only the Python standard library. Run from anywhere:  python3 tests/fuzz/make_corpus.py

File names carry the expectation that TestFuzzCorpusReplay checks:
  valid-*    the parser must accept the file;
  invalid-*  the parser must refuse it with qat::Error(BadInput);
  regress-*  inputs the fuzzer once found (any outcome but a crash or a foreign exception).
"""
import json
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "corpus")

SIZES = {"F64": 8, "F32": 4, "F16": 2, "BF16": 2, "I64": 8, "I32": 4, "I16": 2, "I8": 1, "U8": 1, "BOOL": 1}


def numel(shape):
    n = 1
    for d in shape:
        n *= d
    return n


def tensors(*specs, metadata=None):
    """specs: (name, dtype, shape) laid out back to back; returns (header dict, data size)."""
    header = {}
    if metadata is not None:
        header["__metadata__"] = metadata
    offset = 0
    for name, dtype, shape in specs:
        size = numel(shape) * SIZES[dtype]
        header[name] = {"dtype": dtype, "shape": list(shape), "data_offsets": [offset, offset + size]}
        offset += size
    return header, offset


def file_bytes(header_text, data_size, pad=True):
    """8-byte little-endian length, the JSON (space-padded to 8 bytes like the reference
    writer), then a deterministic data area that never holds a '}' (the fuzz target fits the
    length prefix to the last '}' of an input)."""
    raw = header_text.encode("utf-8")
    if pad:
        raw += b" " * (-len(raw) % 8)
    data = bytes(0xA0 + (i * 7) % 16 for i in range(data_size))
    return struct.pack("<Q", len(raw)) + raw + data


def dump(header):
    return json.dumps(header, separators=(",", ":"))


def corpus():
    out = {}

    # --- valid -------------------------------------------------------------------
    h, n = tensors(("weight", "F32", [2, 3]))
    out["valid-single-f32"] = file_bytes(dump(h), n)

    h, n = tensors(("model.embed_tokens.weight", "F32", [4, 2]), ("model.norm.weight", "F32", [2]))
    out["valid-two-tensors"] = file_bytes(dump(h), n)

    h, n = tensors(("lm_head.weight", "BF16", [3, 4]))
    out["valid-bf16"] = file_bytes(dump(h), n)

    h, n = tensors(("w", "F16", [2, 2]), metadata={"format": "pt", "note": "seed"})
    out["valid-metadata"] = file_bytes(dump(h), n)

    h, n = tensors(("scalar", "F64", []), ("empty", "I8", [0, 5]), ("flags", "BOOL", [3]),
                   ("ids", "I64", [2]), ("codes", "U8", [5]), ("q", "I32", [1, 1]), ("s", "I16", [2]))
    out["valid-all-dtypes"] = file_bytes(dump(h), n)

    out["valid-empty-object"] = file_bytes("{}", 0)

    # Pretty-printed, tensors listed out of offset order, trailing data after the last tensor.
    h = {
        "b": {"dtype": "F32", "shape": [2], "data_offsets": [8, 16]},
        "a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},
    }
    out["valid-unordered"] = file_bytes(json.dumps(h, indent=2), 24)

    # --- invalid -----------------------------------------------------------------
    out["invalid-short-file"] = b"\x10\x00\x00"
    out["invalid-length-past-end"] = struct.pack("<Q", 4096) + b'{"a":1}'
    out["invalid-length-huge"] = struct.pack("<Q", 0xFFFFFFFFFFFFFFFF) + b"{}"
    out["invalid-json"] = file_bytes('{"w":{"dtype":"F32",', 0, pad=False)
    out["invalid-not-object"] = file_bytes('[{"dtype":"F32"}]', 0)
    out["invalid-unknown-dtype"] = file_bytes(
        dump({"w": {"dtype": "Q4_0", "shape": [2], "data_offsets": [0, 8]}}), 8)
    out["invalid-size-mismatch"] = file_bytes(
        dump({"w": {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 20]}}), 24)
    out["invalid-offsets-outside"] = file_bytes(
        dump({"w": {"dtype": "F32", "shape": [4], "data_offsets": [8, 24]}}), 16)
    out["invalid-overlap"] = file_bytes(dump({
        "a": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]},
        "b": {"dtype": "F32", "shape": [4], "data_offsets": [8, 24]},
    }), 24)
    out["invalid-negative-shape"] = file_bytes(
        dump({"w": {"dtype": "F32", "shape": [-2, 3], "data_offsets": [0, 24]}}), 24)
    out["invalid-float-shape"] = file_bytes(
        dump({"w": {"dtype": "F32", "shape": [1.5, 4], "data_offsets": [0, 24]}}), 24)
    out["invalid-shape-overflow"] = file_bytes(
        dump({"w": {"dtype": "F32", "shape": [2**62, 2**62], "data_offsets": [0, 0]}}), 0)
    out["invalid-metadata-not-string"] = file_bytes(dump({"__metadata__": {"format": 1}}), 0)
    out["invalid-offsets-reversed"] = file_bytes(
        dump({"w": {"dtype": "U8", "shape": [0], "data_offsets": [8, 4]}}), 8)
    # Bugs found in review and confirmed by the fuzz target's invariants: an empty tensor
    # sorted between two overlapping ones hid the overlap; a zero dimension let the other
    # dimensions overflow int64 element counts.
    out["invalid-overlap-behind-empty"] = file_bytes(dump({
        "big": {"dtype": "U8", "shape": [100], "data_offsets": [0, 100]},
        "empty": {"dtype": "U8", "shape": [0], "data_offsets": [5, 5]},
        "small": {"dtype": "U8", "shape": [10], "data_offsets": [30, 40]},
    }), 100)
    out["invalid-empty-shape-overflow"] = file_bytes(
        dump({"w": {"dtype": "U8", "shape": [2**32, 2**32 - 1, 0], "data_offsets": [0, 0]}}), 0)
    # Found by the fuzzer (kept as corpus/regress-nul-after-json): nlohmann's parser stops at a
    # NUL byte, so that whatever followed one inside the header was silently ignored.
    out["invalid-nul-after-json"] = struct.pack("<Q", 10) + b"{}\0\0\0\0\0\0\0\0"
    out["invalid-nul-hides-tensor"] = file_bytes(
        '{}\0{"w":{"dtype":"F32","shape":[6],"data_offsets":[0,99]}}', 24)
    return out


def main():
    os.makedirs(CORPUS, exist_ok=True)
    files = corpus()
    keep = set(files)
    # Remove stale generated seeds, but keep the regressions the fuzzer found.
    for name in os.listdir(CORPUS):
        if (name.startswith("valid-") or name.startswith("invalid-")) and name not in keep:
            os.remove(os.path.join(CORPUS, name))
    for name, data in sorted(files.items()):
        with open(os.path.join(CORPUS, name), "wb") as f:
            f.write(data)
    print(f"wrote {len(files)} seeds to {CORPUS}", file=sys.stderr)


if __name__ == "__main__":
    main()
