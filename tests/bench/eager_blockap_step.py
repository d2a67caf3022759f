#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""An independent PyTorch-eager Block-AP training step: the peer that BenchBlockApStep
measures core against.

One Llama decoder block (RMSNorm in float32, rotate-half RoPE, causal
scaled_dot_product_attention with GQA, SwiGLU MLP) whose seven linears are fake-quantized
with plain torch ops and straight-through estimators (EfficientQAT's quantizer), trained
on the mean squared error to a target with AdamW in two parameter groups (weights and
norms; scales and zero points), weight decay 0. The block's full-precision weights, the
input x and the target y are read from a safetensors file (the header is parsed by hand:
no `safetensors` package needed); the scales and zero points are initialised here by
min-max per group.

Per output row, groups of G consecutive weights along the input dimension, N bits:

    s' = clamp(s, 1e-4, 1e4)                       straight-through
    z' = clamp(round(z), 0, 2^N - 1)               straight-through (round and clamp)
    q  = clamp(round(w / s') + z', 0, 2^N - 1)     straight-through round, real clamp
    ŵ  = (q - z') · s'
    init: s = clamp((max - min) / (2^N - 1), 1e-4, 1e4), z = round(-min / s)

A step is zero_grad, forward, loss (read with .item() before backward, as core does for
its progress events), backward, optimizer step; on CUDA the device is synchronised before
the clock is read. --warmup steps run first, then --steps timed ones; every step's loss
and time is reported. Peak memory is taken over all steps (warm-up included), from a reset
made right after the block, inputs and optimizer exist:
  cpu   the process's resident-set high-water mark (VmHWM), reset by writing 5 to
        /proc/self/clear_refs; growth = VmHWM after the steps - VmRSS at the reset
        (where the reset is refused: ru_maxrss, which then includes loading)
  cuda  torch.cuda.max_memory_allocated / max_memory_reserved after reset_peak_memory_stats

    python eager_blockap_step.py DATA.safetensors [--device cpu|cuda] [--threads N]
        [--warmup 1] [--steps 2] [--bits 2] [--group 64] [--heads 32] [--kv-heads 32]
        [--head-dim 128] [--eps 1e-5] [--theta 10000] [--lr-weight 2e-5] [--lr-quant 1e-4]

DATA holds, per linear, "self_attn.{q,k,v,o}_proj.weight" and "mlp.{gate,up,down}_proj.weight"
(out, in); "input_layernorm.weight" and "post_attention_layernorm.weight" (hidden); "x" and
"y" (batch, seq, hidden); all float32. Prints one JSON object on stdout.
"""

import argparse
import json
import os
import resource
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from eager_llama import read_safetensors  # noqa: E402  (hand-parsed safetensors)

LINEARS = ["self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj",
           "mlp.gate_proj", "mlp.up_proj", "mlp.down_proj"]
SCALE_MIN, SCALE_MAX = 1e-4, 1e4


# --- the quantizer -------------------------------------------------------------------------

def round_ste(x):
    return x + (torch.round(x) - x).detach()


def clamp_ste(x, lo, hi):
    return x + (torch.clamp(x, lo, hi) - x).detach()


def min_max_init(w, bits, group):
    # w: (out, in) -> s, z: (out, in // group)
    out, inp = w.shape
    wg = w.detach().view(out, inp // group, group)
    lo, hi = wg.amin(-1), wg.amax(-1)
    s = ((hi - lo) / (2 ** bits - 1)).clamp(SCALE_MIN, SCALE_MAX)
    z = torch.round(-lo / s)
    return s, z


def fake_quant(w, s, z, bits, group):
    # w: (out, in); s, z: (out, in // group) -> (out, in)
    out, inp = w.shape
    qmax = 2 ** bits - 1
    sc = clamp_ste(s, SCALE_MIN, SCALE_MAX).unsqueeze(-1)
    zr = clamp_ste(round_ste(z), 0, qmax).unsqueeze(-1)
    q = torch.clamp(round_ste(w.view(out, inp // group, group) / sc) + zr, 0, qmax)
    return ((q - zr) * sc).view(out, inp)


# --- the block -----------------------------------------------------------------------------

class Block:
    def __init__(self, tensors, args, device):
        self.args = args
        self.heads, self.kv, self.head_dim = args.heads, args.kv_heads, args.head_dim
        self.w, self.s, self.z = {}, {}, {}
        for name in LINEARS:
            w = tensors.pop(name + ".weight").to(device, torch.float32, copy=True)
            if w.shape[1] % args.group:
                raise ValueError(f"{name}: input dimension {w.shape[1]} is not a multiple of {args.group}")
            s, z = min_max_init(w, args.bits, args.group)
            self.w[name] = w.requires_grad_()
            self.s[name] = s.requires_grad_()
            self.z[name] = z.requires_grad_()
        self.ln1 = tensors.pop("input_layernorm.weight").to(device, torch.float32, copy=True).requires_grad_()
        self.ln2 = tensors.pop("post_attention_layernorm.weight").to(device, torch.float32, copy=True).requires_grad_()

    def weights(self):
        return list(self.w.values()) + [self.ln1, self.ln2]

    def quantizers(self):
        return [t for name in LINEARS for t in (self.s[name], self.z[name])]

    def linear(self, x, name):
        return F.linear(x, fake_quant(self.w[name], self.s[name], self.z[name], self.args.bits, self.args.group))

    def rms_norm(self, x, w):
        # x: (batch, seq, hidden), float32 throughout
        xf = x.float()
        return w * (xf * torch.rsqrt(xf.pow(2).mean(-1, keepdim=True) + self.args.eps)).to(x.dtype)

    @staticmethod
    def rotate_half(x):
        half = x.shape[-1] // 2
        return torch.cat((-x[..., half:], x[..., :half]), dim=-1)

    def attention(self, x, cos, sin):
        # x: (batch, seq, hidden); cos, sin: (seq, head_dim)
        b, s, _ = x.shape
        q = self.linear(x, "self_attn.q_proj").view(b, s, self.heads, self.head_dim).transpose(1, 2)
        k = self.linear(x, "self_attn.k_proj").view(b, s, self.kv, self.head_dim).transpose(1, 2)
        v = self.linear(x, "self_attn.v_proj").view(b, s, self.kv, self.head_dim).transpose(1, 2)
        q = q * cos + self.rotate_half(q) * sin
        k = k * cos + self.rotate_half(k) * sin
        rep = self.heads // self.kv
        if rep > 1:  # KV head j serves query heads j*rep .. j*rep+rep-1
            k = k.repeat_interleave(rep, dim=1)
            v = v.repeat_interleave(rep, dim=1)
        y = F.scaled_dot_product_attention(q, k, v, is_causal=s > 1)
        return self.linear(y.transpose(1, 2).reshape(b, s, self.heads * self.head_dim), "self_attn.o_proj")

    def mlp(self, x):
        gate = self.linear(x, "mlp.gate_proj")
        return self.linear(F.silu(gate) * self.linear(x, "mlp.up_proj"), "mlp.down_proj")

    def forward(self, x, cos, sin):
        h = x + self.attention(self.rms_norm(x, self.ln1), cos, sin)
        return h + self.mlp(self.rms_norm(h, self.ln2))


def rope_tables(seq, head_dim, theta, device):
    """cos, sin: (seq, head_dim) float32, rotate-half layout."""
    inv_freq = 1.0 / (theta ** (torch.arange(0, head_dim, 2, dtype=torch.int64).float() / head_dim))
    freqs = torch.outer(torch.arange(seq, dtype=torch.float32), inv_freq)
    emb = torch.cat((freqs, freqs), dim=-1)
    return emb.cos().to(device), emb.sin().to(device)


# --- memory --------------------------------------------------------------------------------

def proc_status_kb(key):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return -1


class MemoryProbe:
    """Peak memory of the steps, from a reset made just before the first one."""

    def __init__(self, device):
        self.device = device

    def reset(self):
        if self.device.type == "cuda":
            torch.cuda.synchronize()
            torch.cuda.empty_cache()  # reserved bytes start from what is in use
            torch.cuda.reset_peak_memory_stats()
            self.baseline = torch.cuda.memory_allocated()
            return
        try:
            with open("/proc/self/clear_refs", "w") as f:
                f.write("5")
            self.method = "VmHWM after a reset through /proc/self/clear_refs"
        except OSError:
            self.method = "ru_maxrss (no reset: includes loading)"
        self.baseline = proc_status_kb("VmRSS") * 1024

    def report(self):
        mib = 1024.0 * 1024.0
        if self.device.type == "cuda":
            torch.cuda.synchronize()
            peak = torch.cuda.max_memory_allocated()
            return {"method": "torch.cuda.max_memory_allocated after reset_peak_memory_stats",
                    "baseline_mib": self.baseline / mib, "peak_mib": peak / mib,
                    "growth_mib": (peak - self.baseline) / mib,
                    "peak_reserved_mib": torch.cuda.max_memory_reserved() / mib}
        if self.method.startswith("VmHWM"):
            peak = proc_status_kb("VmHWM") * 1024
        else:
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        return {"method": self.method, "baseline_mib": self.baseline / mib, "peak_mib": peak / mib,
                "growth_mib": (peak - self.baseline) / mib}


# --- the step ------------------------------------------------------------------------------

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("data")
    ap.add_argument("--device", choices=["cpu", "cuda"], default="cpu")
    ap.add_argument("--threads", type=int, default=0, help="torch.set_num_threads (0 = torch's default)")
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--steps", type=int, default=2)
    ap.add_argument("--bits", type=int, default=2)
    ap.add_argument("--group", type=int, default=64)
    ap.add_argument("--heads", type=int, default=32)
    ap.add_argument("--kv-heads", type=int, default=32)
    ap.add_argument("--head-dim", type=int, default=128)
    ap.add_argument("--eps", type=float, default=1e-5)
    ap.add_argument("--theta", type=float, default=10000.0)
    ap.add_argument("--lr-weight", type=float, default=2e-5)
    ap.add_argument("--lr-quant", type=float, default=1e-4)
    args = ap.parse_args(argv)

    if args.threads > 0:
        torch.set_num_threads(args.threads)
    if args.device == "cuda" and not torch.cuda.is_available():
        raise SystemExit("--device cuda: torch sees no GPU")
    device = torch.device(args.device)

    load_start = time.perf_counter()
    tensors = read_safetensors(args.data)
    block = Block(tensors, args, device)
    x = tensors.pop("x").to(device, torch.float32, copy=True)
    y = tensors.pop("y").to(device, torch.float32, copy=True)
    del tensors  # frees the file's bytes
    cos, sin = rope_tables(x.shape[1], args.head_dim, args.theta, device)
    optimizer = torch.optim.AdamW([
        {"params": block.weights(), "lr": args.lr_weight},
        {"params": block.quantizers(), "lr": args.lr_quant},
    ], lr=args.lr_weight, weight_decay=0.0)
    load_seconds = time.perf_counter() - load_start

    probe = MemoryProbe(device)
    probe.reset()
    seconds, losses = [], []
    for _ in range(args.warmup + args.steps):
        if device.type == "cuda":
            torch.cuda.synchronize()
        start = time.perf_counter()
        optimizer.zero_grad()
        loss = F.mse_loss(block.forward(x, cos, sin), y)
        value = loss.item()
        loss.backward()
        optimizer.step()
        if device.type == "cuda":
            torch.cuda.synchronize()
        seconds.append(time.perf_counter() - start)
        losses.append(value)
        print(f"[eager] step {len(losses)}: loss {value:.9g}, {seconds[-1] * 1e3:.1f} ms", file=sys.stderr,
              flush=True)
    timed = seconds[args.warmup:] or seconds
    result = {
        "ms_per_step": min(timed) * 1e3,
        "ms_mean": sum(timed) / len(timed) * 1e3,
        "ms_all": [t * 1e3 for t in seconds],
        "losses": losses,
        "warmup": args.warmup,
        "steps": args.steps,
        "memory": probe.report(),
        "optimizer": "torch.optim.AdamW, torch's default implementation (foreach on CUDA, for-loop on CPU)",
        "device": args.device,
        "device_name": torch.cuda.get_device_name() if device.type == "cuda" else "cpu",
        "threads": torch.get_num_threads(),
        "batch": x.shape[0],
        "seqlen": x.shape[1],
        "load_seconds": load_seconds,
        "torch": torch.__version__,
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
