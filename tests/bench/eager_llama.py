#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""An independent PyTorch-eager Llama forward: the peer that BenchEval measures core against.

Loads a Hugging Face model folder (config.json + model.safetensors, or a sharded
model.safetensors.index.json), parsing the safetensors header by hand (no `safetensors`
or `transformers` package), and runs the perplexity protocol on token ids read from a
binary file (int64, little-endian, BOS already in front): tokens/seqlen non-overlapping
windows, seqlen-1 predictions each, mean NLL accumulated in float64. Only the
forward + loss passes are timed, under torch.inference_mode(); with --repeats R the
protocol runs R times and the fastest pass is reported (all are in "seconds_all").

    python eager_llama.py MODEL_DIR --tokens ids.bin --seqlen 512 [--max-windows N]
                          [--threads N] [--repeats R] [--dtype float32|bfloat16] [--warmup]
    python eager_llama.py MODEL_DIR --selftest     # stories260K greedy continuation from BOS

Prints one JSON object on stdout:
    {"tokens_per_s", "seconds", "seconds_all", "mean_nll", "ppl", "windows", "seqlen", "threads", ...}
"""

import argparse
import json
import math
import os
import struct
import sys
import time

import torch
import torch.nn.functional as F

_ST_DTYPES = {
    "F32": torch.float32,
    "F16": torch.float16,
    "BF16": torch.bfloat16,
    "F64": torch.float64,
}

# stories260K, greedy from BOS (README of the shared data, float64 reference).
STORIES260K_GREEDY = [403, 407, 261, 378, 432, 383, 286, 261, 376, 298,
                      315, 421, 395, 317, 426, 338, 401, 396, 267, 337]


# --- loading -----------------------------------------------------------------------------

def read_safetensors(path):
    """All tensors of one .safetensors file, as {name: tensor} (CPU, file dtype)."""
    with open(path, "rb") as f:
        data = bytearray(f.read())
    if len(data) < 8:
        raise ValueError(f"{path}: too short for a safetensors file")
    (header_len,) = struct.unpack_from("<Q", data, 0)
    if 8 + header_len > len(data):
        raise ValueError(f"{path}: header length {header_len} runs past the end of the file")
    header = json.loads(bytes(data[8:8 + header_len]).decode("utf-8"))
    base = 8 + header_len
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        dtype = _ST_DTYPES.get(info["dtype"])
        if dtype is None:
            raise ValueError(f"{path}: {name}: unsupported dtype {info['dtype']}")
        begin, end = info["data_offsets"]
        shape = info["shape"]
        count = 1
        for d in shape:
            count *= d
        itemsize = torch.empty((), dtype=dtype).element_size()
        if end - begin != count * itemsize or base + end > len(data):
            raise ValueError(f"{path}: {name}: data_offsets {begin}..{end} do not fit shape {shape}")
        if count == 0:
            tensors[name] = torch.empty(shape, dtype=dtype)
            continue
        t = torch.frombuffer(data, dtype=dtype, count=count, offset=base + begin)
        tensors[name] = t.view(shape)
    return tensors


def load_weights(folder):
    single = os.path.join(folder, "model.safetensors")
    if os.path.exists(single):
        return read_safetensors(single)
    index = os.path.join(folder, "model.safetensors.index.json")
    with open(index) as f:
        weight_map = json.load(f)["weight_map"]
    tensors = {}
    for shard in sorted(set(weight_map.values())):
        tensors.update(read_safetensors(os.path.join(folder, shard)))
    return tensors


class Llama:
    """Weights and hyperparameters; forward() is a plain function of them."""

    def __init__(self, folder, dtype):
        with open(os.path.join(folder, "config.json")) as f:
            cfg = json.load(f)
        self.hidden = cfg["hidden_size"]
        self.n_layers = cfg["num_hidden_layers"]
        self.n_heads = cfg["num_attention_heads"]
        self.n_kv = cfg.get("num_key_value_heads") or self.n_heads
        self.head_dim = cfg.get("head_dim") or self.hidden // self.n_heads
        self.eps = float(cfg.get("rms_norm_eps", 1e-6))
        self.theta = float(cfg.get("rope_theta", 10000.0))
        self.vocab = cfg["vocab_size"]
        if cfg.get("rope_scaling"):
            raise ValueError("rope_scaling is not implemented by this reference")
        self.dtype = dtype

        raw = load_weights(folder)

        def take(name):
            if name not in raw:
                raise KeyError(f"{folder}: missing tensor {name}")
            return raw.pop(name).to(dtype).contiguous()

        self.embed = take("model.embed_tokens.weight")
        self.layers = []
        for i in range(self.n_layers):
            p = f"model.layers.{i}."
            self.layers.append({
                "ln1": take(p + "input_layernorm.weight"),
                "q": take(p + "self_attn.q_proj.weight"),
                "k": take(p + "self_attn.k_proj.weight"),
                "v": take(p + "self_attn.v_proj.weight"),
                "o": take(p + "self_attn.o_proj.weight"),
                "ln2": take(p + "post_attention_layernorm.weight"),
                "gate": take(p + "mlp.gate_proj.weight"),
                "up": take(p + "mlp.up_proj.weight"),
                "down": take(p + "mlp.down_proj.weight"),
            })
        self.norm = take("model.norm.weight")
        tied = cfg.get("tie_word_embeddings", False)
        if "lm_head.weight" in raw:
            self.head = take("lm_head.weight")
        elif tied:
            self.head = self.embed
        else:
            raise KeyError(f"{folder}: missing tensor lm_head.weight and tie_word_embeddings is false")
        del raw
        self._rope = {}

    # --- forward ---------------------------------------------------------------------

    def rms_norm(self, x, w):
        # x: (batch, seq, hidden); computed in float32 as Hugging Face does.
        xf = x.float()
        xf = xf * torch.rsqrt(xf.pow(2).mean(-1, keepdim=True) + self.eps)
        return w * xf.to(x.dtype)

    def rope(self, seq):
        """cos, sin: (seq, head_dim) in the compute dtype (rotate-half layout)."""
        if seq not in self._rope:
            inv_freq = 1.0 / (self.theta ** (torch.arange(0, self.head_dim, 2, dtype=torch.int64).float()
                                             / self.head_dim))
            pos = torch.arange(seq, dtype=torch.float32)
            freqs = torch.outer(pos, inv_freq)
            emb = torch.cat((freqs, freqs), dim=-1)
            self._rope[seq] = (emb.cos().to(self.dtype), emb.sin().to(self.dtype))
        return self._rope[seq]

    @staticmethod
    def rotate_half(x):
        half = x.shape[-1] // 2
        return torch.cat((-x[..., half:], x[..., :half]), dim=-1)

    def attention(self, x, L, cos, sin):
        # x: (batch, seq, hidden) -> (batch, seq, hidden)
        b, s, _ = x.shape
        q = F.linear(x, L["q"]).view(b, s, self.n_heads, self.head_dim).transpose(1, 2)
        k = F.linear(x, L["k"]).view(b, s, self.n_kv, self.head_dim).transpose(1, 2)
        v = F.linear(x, L["v"]).view(b, s, self.n_kv, self.head_dim).transpose(1, 2)
        q = q * cos + self.rotate_half(q) * sin
        k = k * cos + self.rotate_half(k) * sin
        rep = self.n_heads // self.n_kv
        if rep > 1:  # KV head j serves query heads j*rep .. j*rep+rep-1
            k = k[:, :, None].expand(b, self.n_kv, rep, s, self.head_dim).reshape(b, self.n_heads, s, self.head_dim)
            v = v[:, :, None].expand(b, self.n_kv, rep, s, self.head_dim).reshape(b, self.n_heads, s, self.head_dim)
        y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        y = y.transpose(1, 2).reshape(b, s, self.n_heads * self.head_dim)
        return F.linear(y, L["o"])

    def mlp(self, x, L):
        # x: (batch, seq, hidden)
        return F.linear(F.silu(F.linear(x, L["gate"])) * F.linear(x, L["up"]), L["down"])

    def forward(self, ids):
        # ids: (batch, seq) int64 -> logits (batch, seq, vocab) in float32
        x = F.embedding(ids, self.embed)
        cos, sin = self.rope(ids.shape[1])
        for L in self.layers:
            x = x + self.attention(self.rms_norm(x, L["ln1"]), L, cos, sin)
            x = x + self.mlp(self.rms_norm(x, L["ln2"]), L)
        x = self.rms_norm(x, self.norm)
        return F.linear(x, self.head).float()


# --- protocols ---------------------------------------------------------------------------

def read_tokens(path):
    with open(path, "rb") as f:
        data = f.read()
    if len(data) % 8:
        raise ValueError(f"{path}: size {len(data)} is not a multiple of 8 (int64 ids)")
    return torch.frombuffer(bytearray(data), dtype=torch.int64).clone()


def perplexity(model, tokens, seqlen, max_windows, batch, warmup, repeats):
    """Runs the protocol `repeats` times; the figures are those of the fastest pass."""
    windows = tokens.numel() // seqlen
    if max_windows > 0:
        windows = min(windows, max_windows)
    if windows == 0:
        raise ValueError(f"{tokens.numel()} tokens make no window of {seqlen}")
    if int(tokens[: windows * seqlen].max()) >= model.vocab or int(tokens.min()) < 0:
        raise ValueError("token id out of the vocabulary")
    data = tokens[: windows * seqlen].view(windows, seqlen)
    passes = []
    mean_nll = None
    with torch.inference_mode():
        if warmup:
            model.forward(data[:1])
        for _ in range(max(1, repeats)):
            nll_sum = 0.0
            start = time.perf_counter()
            for w in range(0, windows, batch):
                ids = data[w:w + batch]
                logits = model.forward(ids)
                nll = F.cross_entropy(logits[:, :-1].reshape(-1, logits.shape[-1]), ids[:, 1:].reshape(-1),
                                      reduction="none")
                nll_sum += float(nll.double().sum())
            passes.append(time.perf_counter() - start)
            mean_nll = nll_sum / (windows * (seqlen - 1))
    seconds = min(passes)
    return {
        "tokens_per_s": windows * seqlen / seconds,
        "seconds": seconds,
        "seconds_all": passes,
        "mean_nll": mean_nll,
        "ppl": math.exp(mean_nll),
        "windows": windows,
        "seqlen": seqlen,
        "predictions": windows * (seqlen - 1),
    }


def selftest(model):
    ids = [1]
    with torch.inference_mode():
        for _ in range(len(STORIES260K_GREEDY)):
            logits = model.forward(torch.tensor([ids], dtype=torch.int64))
            ids.append(int(logits[0, -1].argmax()))
    got = ids[1:]
    return {"selftest": "stories260K greedy from BOS", "ok": got == STORIES260K_GREEDY, "ids": got,
            "expected": STORIES260K_GREEDY}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("model_dir")
    ap.add_argument("--tokens", help="int64 little-endian token ids (BOS included)")
    ap.add_argument("--seqlen", type=int, default=512)
    ap.add_argument("--max-windows", type=int, default=0, help="0 = all windows")
    ap.add_argument("--batch", type=int, default=1)
    ap.add_argument("--threads", type=int, default=0, help="torch.set_num_threads (0 = torch's default)")
    ap.add_argument("--dtype", choices=["float32", "bfloat16"], default="float32", help="compute dtype")
    ap.add_argument("--warmup", action="store_true", help="one untimed window first")
    ap.add_argument("--repeats", type=int, default=1, help="timed passes; the fastest is reported")
    ap.add_argument("--selftest", action="store_true", help="check stories260K's greedy continuation")
    args = ap.parse_args(argv)

    if args.threads > 0:
        torch.set_num_threads(args.threads)
    dtype = torch.float32 if args.dtype == "float32" else torch.bfloat16
    load_start = time.perf_counter()
    model = Llama(args.model_dir, dtype)
    load_seconds = time.perf_counter() - load_start

    if args.selftest:
        result = selftest(model)
        print(json.dumps(result))
        return 0 if result["ok"] else 1
    if not args.tokens:
        ap.error("--tokens is required (or --selftest)")
    result = perplexity(model, read_tokens(args.tokens), args.seqlen, args.max_windows, args.batch, args.warmup,
                        args.repeats)
    result.update({"threads": torch.get_num_threads(), "dtype": args.dtype, "load_seconds": load_seconds,
                   "torch": torch.__version__})
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
