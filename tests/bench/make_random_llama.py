#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Writes a random-weight Llama model folder (config.json + model.safetensors).

The default shape is one block of Llama-2-7B repeated --layers times: hidden 4096,
intermediate 11008, 32 heads, 32 KV heads, vocab 32000, untied head. Weights are
drawn from N(0, 0.02) with a seeded generator (norms are ones), tensor by tensor, and
streamed to disk, so peak memory is about one embedding matrix.

Needs only torch (the safetensors file is written by hand: an 8-byte little-endian
header length, a JSON header padded with spaces to a multiple of 8, the raw data).

    python make_random_llama.py OUT_DIR [--layers 2] [--dtype float32|bfloat16] [--seed 0]
"""

import argparse
import json
import os
import struct
import sys

import torch

_DTYPES = {
    "float32": (torch.float32, "F32", 4),
    "bfloat16": (torch.bfloat16, "BF16", 2),
    "float16": (torch.float16, "F16", 2),
}


def llama_config(args):
    """The Hugging Face config.json content for the requested shape."""
    return {
        "architectures": ["LlamaForCausalLM"],
        "model_type": "llama",
        "hidden_size": args.hidden,
        "intermediate_size": args.intermediate,
        "num_hidden_layers": args.layers,
        "num_attention_heads": args.heads,
        "num_key_value_heads": args.kv_heads,
        "vocab_size": args.vocab,
        "max_position_embeddings": 4096,
        "rms_norm_eps": 1e-5,
        "rope_theta": 10000.0,
        "hidden_act": "silu",
        "tie_word_embeddings": False,
        "attention_bias": False,
        "mlp_bias": False,
        "bos_token_id": 1,
        "eos_token_id": 2,
        "torch_dtype": args.dtype,
    }


def tensor_plan(args):
    """(name, shape, kind) in file order; kind is "normal" or "ones"."""
    h, i, v = args.hidden, args.intermediate, args.vocab
    head_dim = h // args.heads
    kv = args.kv_heads * head_dim
    plan = [("model.embed_tokens.weight", (v, h), "normal")]
    for layer in range(args.layers):
        p = f"model.layers.{layer}."
        plan += [
            (p + "input_layernorm.weight", (h,), "ones"),
            (p + "self_attn.q_proj.weight", (h, h), "normal"),
            (p + "self_attn.k_proj.weight", (kv, h), "normal"),
            (p + "self_attn.v_proj.weight", (kv, h), "normal"),
            (p + "self_attn.o_proj.weight", (h, h), "normal"),
            (p + "post_attention_layernorm.weight", (h,), "ones"),
            (p + "mlp.gate_proj.weight", (i, h), "normal"),
            (p + "mlp.up_proj.weight", (i, h), "normal"),
            (p + "mlp.down_proj.weight", (h, i), "normal"),
        ]
    plan += [("model.norm.weight", (h,), "ones"), ("lm_head.weight", (v, h), "normal")]
    return plan


def numel(shape):
    n = 1
    for d in shape:
        n *= d
    return n


def write_safetensors(path, plan, dtype_name, seed, std):
    torch_dtype, st_dtype, itemsize = _DTYPES[dtype_name]
    header = {"__metadata__": {"format": "pt", "generator": "qat-studio tests/bench/make_random_llama.py",
                               "seed": str(seed)}}
    offset = 0
    for name, shape, _ in plan:
        size = numel(shape) * itemsize
        header[name] = {"dtype": st_dtype, "shape": list(shape), "data_offsets": [offset, offset + size]}
        offset += size
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)

    gen = torch.Generator().manual_seed(seed)
    tmp = str(path) + ".part"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for name, shape, kind in plan:
            if kind == "ones":
                t = torch.ones(shape, dtype=torch.float32)
            else:
                t = torch.empty(shape, dtype=torch.float32).normal_(0.0, std, generator=gen)
            t = t.to(torch_dtype).contiguous()
            # Little-endian raw bytes; view as uint8 shares the storage (no copy).
            f.write(t.view(torch.uint8).numpy().data)
            del t
    os.replace(tmp, path)
    return offset


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out_dir")
    ap.add_argument("--layers", type=int, default=2)
    ap.add_argument("--hidden", type=int, default=4096)
    ap.add_argument("--intermediate", type=int, default=11008)
    ap.add_argument("--heads", type=int, default=32)
    ap.add_argument("--kv-heads", type=int, default=32)
    ap.add_argument("--vocab", type=int, default=32000)
    ap.add_argument("--dtype", choices=sorted(_DTYPES), default="float32")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--std", type=float, default=0.02)
    args = ap.parse_args(argv)
    if args.hidden % args.heads or args.heads % args.kv_heads:
        ap.error("hidden must be a multiple of heads, and heads a multiple of kv-heads")

    os.makedirs(args.out_dir, exist_ok=True)
    with open(os.path.join(args.out_dir, "config.json"), "w") as f:
        json.dump(llama_config(args), f, indent=2)
        f.write("\n")
    nbytes = write_safetensors(os.path.join(args.out_dir, "model.safetensors"), tensor_plan(args),
                               args.dtype, args.seed, args.std)
    print(json.dumps({"out_dir": os.path.abspath(args.out_dir), "layers": args.layers, "dtype": args.dtype,
                      "bytes": nbytes}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
