#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""An independent check of QAT Studio's GPTQ export format.

For each case it quantizes a model with round-to-nearest (`qat-cli quantize --method rtn`),
exports the run (`qat-cli export --format gptq`), then reads both folders here, with nothing
but the documented layout (kernels/README.md, "The layout (GPTQ v2)") and plain torch:

  - the run's quantized.safetensors: codes (out, in) uint8, scales and zeros (out, groups) float32;
  - the export's safetensors (parsed by hand: 8-byte length, JSON header, raw data), config.json.

It unpacks qweight (down each column) and qzeros (along each row) as little-endian bit streams cut
into 32-bit words, lowest bits first, and requires, layer by layer:
  codes and zero points equal to the run's, scales equal to the run's rounded to float16,
  g_idx[i] = i // group_size, the dequantized weight (q - z) * s equal to the run's codes and zeros
  with the float16 scales, and every layer the export left dense excluded in
  quantization_config.dynamic with weights equal to the run's dequantized ones.

    python check_gptq_export.py --cli build/app/qat-cli --model ../shared/models/stories260K
"""

import argparse
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile

import torch

_DTYPES = {"F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16, "I32": torch.int32,
           "U8": torch.uint8, "I64": torch.int64}
_SLOTS = ["self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj",
          "mlp.gate_proj", "mlp.up_proj", "mlp.down_proj"]


def read_safetensors(path, metadata=None):
    """{name: tensor} of a safetensors file, parsed by hand; its metadata into `metadata`."""
    with open(path, "rb") as f:
        blob = f.read()
    (n,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8:8 + n])
    data = blob[8 + n:]
    out = {}
    for name, entry in header.items():
        if name == "__metadata__":
            if metadata is not None:
                metadata.update(entry)
            continue
        b, e = entry["data_offsets"]
        t = torch.frombuffer(bytearray(data[b:e]), dtype=_DTYPES[entry["dtype"]]) if e > b else torch.empty(0)
        out[name] = t.reshape(entry["shape"])
    return out


def read_export(folder):
    index = os.path.join(folder, "model.safetensors.index.json")
    if os.path.exists(index):
        with open(index) as f:
            files = sorted(set(json.load(f)["weight_map"].values()))
    else:
        files = ["model.safetensors"]
    tensors = {}
    for name in files:
        tensors.update(read_safetensors(os.path.join(folder, name)))
    return tensors


def unpack_stream(words, n, bits):
    """words: (W, cols) int32 holding the little-endian bit streams of `cols` lines, one per
    column; returns the first n values of each line, (n, cols) int64."""
    w = words.to(torch.int64) & 0xFFFFFFFF
    k = torch.arange(n, dtype=torch.int64)
    bit = k * bits
    word = bit // 32
    shift = (bit % 32)
    lo = w[word] >> shift[:, None]
    straddles = shift + bits > 32
    nxt = torch.clamp(word + 1, max=w.shape[0] - 1)
    hi = torch.where(straddles[:, None], w[nxt] << (32 - shift)[:, None], torch.zeros_like(lo))
    return (lo | hi) & ((1 << bits) - 1)


def check_case(cli, model, bits, group, work, label):
    run = os.path.join(work, f"run-{label}")
    exp = os.path.join(work, f"export-{label}")
    subprocess.run([cli, "quantize", "--method", "rtn", "--model", model, "--bits", str(bits), "--group", str(group),
                    "--out", run], check=True, stdout=subprocess.DEVNULL)
    subprocess.run([cli, "export", "--run", run, "--format", "gptq", "--out", exp, "--dtype", "float32"], check=True,
                   stdout=subprocess.DEVNULL)
    meta = {}
    state = read_safetensors(os.path.join(run, "quantized.safetensors"), meta)
    run_group = int(meta["group_size"])
    tensors = read_export(exp)
    with open(os.path.join(exp, "config.json")) as f:
        qc = json.load(f)["quantization_config"]
    assert qc["quant_method"] == "gptq" and qc["bits"] == bits and qc["checkpoint_format"] == "gptq_v2", qc
    assert qc["desc_act"] is False and qc["sym"] is False, qc
    excluded = [p[2:] for p in qc.get("dynamic", {}) if p.startswith("-:")]
    overrides = {p.removeprefix("+:"): v for p, v in qc.get("dynamic", {}).items() if not p.startswith("-:")}
    layers = sorted({int(n.split(".")[2]) for n in state if n.startswith("model.layers.")})
    packed = dense = 0
    for layer in layers:
        for slot in _SLOTS:
            module = f"model.layers.{layer}.{slot}"
            codes = state[module + ".codes"].to(torch.int64)            # (out, in)
            scales = state[module + ".scales"]                          # (out, groups) float32
            zeros = state[module + ".zeros"].to(torch.int64)            # (out, groups)
            out_f, in_f = codes.shape
            groups = scales.shape[1]
            g = in_f if run_group == 0 or run_group >= in_f else run_group   # the run's groups of this layer
            assert groups == -(-in_f // g), f"{module}: {groups} groups for input {in_f} and group {g}"
            is_excluded = any(re.match(p, module) for p in excluded)
            if module + ".qweight" in tensors:
                assert not is_excluded, f"{module}: packed but excluded in dynamic"
                want_group = qc["group_size"] if qc["group_size"] != -1 else in_f
                for p, v in overrides.items():
                    if re.match(p, module):
                        want_group = v.get("group_size", want_group)
                        break
                assert g == want_group, f"{module}: group {g}, config says {want_group}"
                qweight, qzeros = tensors[module + ".qweight"], tensors[module + ".qzeros"]
                s16, g_idx = tensors[module + ".scales"], tensors[module + ".g_idx"]
                assert qweight.dtype == torch.int32 and qweight.shape == (in_f * bits // 32, out_f), qweight.shape
                assert qzeros.dtype == torch.int32 and qzeros.shape == (groups, out_f * bits // 32), qzeros.shape
                assert s16.dtype == torch.float16 and s16.shape == (groups, out_f), s16.shape
                q = unpack_stream(qweight, in_f, bits)                  # (in, out)
                z = unpack_stream(qzeros.t().contiguous(), out_f, bits).t()  # (groups, out)
                assert torch.equal(q, codes.t()), f"{module}: codes differ"
                assert torch.equal(z, zeros.t()), f"{module}: zero points differ"
                assert torch.equal(s16, scales.t().to(torch.float16)), f"{module}: scales are not the run's in float16"
                assert torch.equal(g_idx.to(torch.int64), torch.arange(in_f) // g), f"{module}: g_idx"
                gi = torch.arange(in_f) // g
                w = ((q - z[gi]).to(torch.float32) * s16.to(torch.float32)[gi]).t()   # (out, in)
                ref = (codes - zeros[:, gi]).to(torch.float32) * scales.to(torch.float16).to(torch.float32)[:, gi]
                assert torch.equal(w, ref), f"{module}: dequantized weights differ"
                packed += 1
            else:
                assert is_excluded, f"{module}: left dense but not excluded in quantization_config.dynamic"
                weight = tensors[module + ".weight"]
                gi = torch.arange(in_f) // g
                ref = (codes - zeros[:, gi]).to(torch.float32) * scales[:, gi]
                assert torch.equal(weight, ref), f"{module}: dense weights differ by {(weight - ref).abs().max()}"
                dense += 1
    print(f"{label}: {bits} bits, group {group}: {packed} packed layers and {dense} dense layers match the run")
    return packed, dense


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cli", required=True)
    ap.add_argument("--model", required=True, help="stories260K (its MLP, 172 wide, is not packable)")
    ap.add_argument("--random-model-script", required=True, help="tests/bench/make_random_llama.py")
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="qat-gptq-check-")
    try:
        rnd = os.path.join(work, "random-128")
        subprocess.run([sys.executable, args.random_model_script, rnd, "--layers", "2", "--hidden", "256",
                        "--intermediate", "512", "--heads", "4", "--kv-heads", "4", "--vocab", "512"], check=True,
                       stdout=subprocess.DEVNULL)
        shutil.copy(os.path.join(args.model, "tokenizer.model"), rnd)
        cases = [(args.model, 2, 64, "stories-w2g64", (20, 15)), (args.model, 3, 64, "stories-w3g64", (20, 15)),
                 (args.model, 4, 64, "stories-w4g64", (20, 15)), (args.model, 8, 32, "stories-w8g32", (30, 5)),
                 (args.model, 8, 0, "stories-w8-channel", (35, 0)),
                 (rnd, 2, 64, "random-w2g64", (14, 0)), (rnd, 3, 128, "random-w3g128", (14, 0)),
                 (rnd, 4, 32, "random-w4g32", (14, 0)), (rnd, 8, 64, "random-w8g64", (14, 0)),
                 (rnd, 4, 0, "random-w4-channel", (14, 0)), (rnd, 2, 384, "random-w2g384", (12, 2))]
        for model, bits, group, label, expected in cases:
            got = check_case(args.cli, model, bits, group, work, label)
            assert got == expected, f"{label}: {got[0]} packed / {got[1]} dense layers, expected {expected}"
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("GPTQ export format: every case matches the documented layout")


if __name__ == "__main__":
    main()
