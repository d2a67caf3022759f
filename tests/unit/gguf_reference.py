#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The independent side of TestGgufFile: llama.cpp's Python `gguf` package (gguf==0.19.0 in
.deps/venv) reads and writes GGUF files.

    gguf_reference.py read FILE            prints FILE as gguf.GGUFReader sees it
    gguf_reference.py write FILE [ALIGN]   writes FILE with gguf.GGUFWriter (general.alignment ALIGN
                                           when given) and prints what it wrote, from its inputs

Both print one JSON object:
    {"version": 3, "alignment": 32,
     "kv": [{"key": K, "type": "u32", "value": V}                       (a scalar or a string)
            {"key": K, "type": "array", "element": "string", "value": [V, ...]}],
     "tensors": [{"name", "ne": [ne0, ne1, ...], "type": ggml type id, "offset": from the data
                  section, "bytes", "sha256": of the data}]}
Integers are decimal strings (u64 does not fit a double), floats the hex of their little-endian
bytes (exact, NaN included), bools JSON bools, strings text. Exits 77 saying why when numpy or gguf
is missing.
"""
import hashlib
import json
import struct
import sys

try:
    import numpy as np
    import gguf
    from gguf import GGMLQuantizationType as Q
    from gguf import GGUFValueType as V
except ImportError as e:  # the caller skips
    print(f"gguf_reference.py: {e} (install gguf==0.19.0 into the venv)", file=sys.stderr)
    sys.exit(77)

NAMES = ["u8", "i8", "u16", "i16", "u32", "i32", "f32", "bool", "string", "array", "u64", "i64", "f64"]
FLOATS = {V.FLOAT32: "<f", V.FLOAT64: "<d"}


def encode(vtype, part):
    """One element, from the reader's numpy part (or the writer's Python value)."""
    vtype = V(vtype)
    if vtype == V.STRING:
        return bytes(part).decode("utf-8") if not isinstance(part, str) else part
    if vtype == V.BOOL:
        return bool(part[0]) if hasattr(part, "__len__") else bool(part)
    if vtype in FLOATS:
        if hasattr(part, "tobytes"):
            return part.tobytes().hex()
        return struct.pack(FLOATS[vtype], part).hex()
    return str(int(part[0]) if hasattr(part, "__len__") else int(part))


def read(path):
    r = gguf.GGUFReader(path)
    kv = []
    for name, f in r.fields.items():
        if name.startswith("GGUF."):  # the header, which the reader lists as fields
            continue
        vtype = V(int(f.types[0]))
        if vtype == V.ARRAY:
            element = int(f.parts[3][0])  # parts: key length, key, type, element type, count, ...
            values = [encode(element, f.parts[i]) for i in f.data]
            kv.append({"key": name, "type": "array", "element": NAMES[element], "value": values})
        else:
            kv.append({"key": name, "type": NAMES[vtype], "value": encode(vtype, f.parts[f.data[0]])})
    tensors = []
    for t in r.tensors:
        data = np.ascontiguousarray(t.data).tobytes()
        tensors.append({"name": t.name, "ne": [int(n) for n in t.shape], "type": int(t.tensor_type),
                        "offset": int(t.data_offset) - int(r.data_offset), "bytes": int(t.n_bytes),
                        "sha256": hashlib.sha256(data).hexdigest()})
    version = int(r.fields["GGUF.version"].parts[0][0])
    return {"version": version, "alignment": int(r.alignment), "kv": kv, "tensors": tensors}


def write(path, alignment):
    rng = np.random.default_rng(20240611)
    w = gguf.GGUFWriter(path, "llama")  # adds general.architecture = "llama" first
    kv = [{"key": "general.architecture", "type": "string", "value": "llama"}]

    def scalar(key, vtype, value):
        w.add_key_value(key, value, vtype)
        kv.append({"key": key, "type": NAMES[vtype], "value": encode(vtype, value)})

    def array(key, element, values):
        w.add_key_value(key, values, V.ARRAY, sub_type=element)
        kv.append({"key": key, "type": "array", "element": NAMES[element],
                   "value": [encode(element, v) for v in values]})

    if alignment:
        w.add_custom_alignment(alignment)
        kv.append({"key": "general.alignment", "type": "u32", "value": str(alignment)})
    scalar("test.u8", V.UINT8, 200)
    scalar("test.i8", V.INT8, -100)
    scalar("test.u16", V.UINT16, 65535)
    scalar("test.i16", V.INT16, -32768)
    scalar("test.u32", V.UINT32, 4294967295)
    scalar("test.i32", V.INT32, -2147483648)
    scalar("test.f32", V.FLOAT32, 0.1)
    scalar("test.u64", V.UINT64, 2**64 - 1)
    scalar("test.i64", V.INT64, -(2**63))
    scalar("test.f64", V.FLOAT64, -1.25e300)
    scalar("test.true", V.BOOL, True)
    scalar("test.false", V.BOOL, False)
    scalar("test.string", V.STRING, "Grüße, 世界 😀")
    scalar("test.empty_string", V.STRING, "")
    array("tokenizer.ggml.tokens", V.STRING, ["<unk>", "<s>", "</s>", "", "▁the", "Ġ\n", "😀"])
    array("tokenizer.ggml.scores", V.FLOAT32, [0.0, -1.5, 3.25e-8, float("inf"), -0.0])
    array("tokenizer.ggml.token_type", V.INT32, [2, 3, 3, 1, 1, 1, -7])
    array("test.u8s", V.UINT8, [0, 1, 255])
    array("test.i16s", V.INT16, [-32768, 0, 32767])
    array("test.u64s", V.UINT64, [0, 2**64 - 1])
    array("test.f64s", V.FLOAT64, [1.0 / 3.0, -2.5])
    array("test.bools", V.BOOL, [True, False, True])

    tensors = []

    def tensor(name, data, ggml_type, raw=False):
        """data: numpy (float types) or uint8 bytes with raw=True; the byte shape's last axis is
        blocks × block bytes, which gguf turns into elements."""
        if raw:
            w.add_tensor(name, data, raw_dtype=ggml_type)
            block, size = gguf.GGML_QUANT_SIZES[ggml_type]
            shape = list(data.shape[:-1]) + [data.shape[-1] // size * block]
        else:
            w.add_tensor(name, data)
            shape = list(data.shape)
        tensors.append({"name": name, "ne": shape[::-1], "type": int(ggml_type), "bytes": int(data.nbytes),
                        "sha256": hashlib.sha256(data.tobytes()).hexdigest()})

    tensor("token_embd.weight", rng.standard_normal((3, 64)).astype(np.float32), Q.F32)
    tensor("blk.0.attn_norm.weight", rng.standard_normal(64).astype(np.float16), Q.F16)
    tensor("blk.0.attn_q.weight", rng.integers(0, 256, (4, 2 * 34), dtype=np.uint8), Q.Q8_0, raw=True)
    tensor("blk.0.attn_k.weight", rng.integers(0, 256, (2, 18), dtype=np.uint8), Q.Q4_0, raw=True)
    tensor("blk.0.attn_v.weight", rng.integers(0, 256, (3, 2 * 20), dtype=np.uint8), Q.Q4_1, raw=True)
    tensor("blk.0.ffn_up.weight", rng.integers(0, 256, (2, 84), dtype=np.uint8), Q.Q2_K, raw=True)
    tensor("blk.0.ffn_gate.weight", rng.integers(0, 256, (1, 110), dtype=np.uint8), Q.Q3_K, raw=True)
    tensor("blk.0.ffn_down.weight", rng.integers(0, 256, (1, 2 * 144), dtype=np.uint8), Q.Q4_K, raw=True)
    tensor("output.weight", rng.integers(0, 256, (2, 2 * 5), dtype=np.uint8), Q.BF16, raw=True)
    tensor("test.3d", rng.standard_normal((2, 3, 4)).astype(np.float32), Q.F32)
    tensor("test.4d", rng.standard_normal((1, 2, 1, 3)).astype(np.float32), Q.F32)

    align = alignment or gguf.GGUF_DEFAULT_ALIGNMENT
    offset = 0
    for t in tensors:  # the layout the writer uses: each tensor padded to the alignment
        t["offset"] = offset
        offset += (t["bytes"] + align - 1) // align * align

    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    return {"version": 3, "alignment": align, "kv": kv, "tensors": tensors}


def main():
    if len(sys.argv) < 3 or sys.argv[1] not in ("read", "write"):
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    if sys.argv[1] == "read":
        out = read(sys.argv[2])
    else:
        out = write(sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 0)
    json.dump(out, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
