#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""An independent check of QAT Studio's GGUF export, with the `gguf` package and llama.cpp.

For each case it quantizes a model (`qat-cli quantize`), exports the run (`qat-cli export --format
gguf --json`), then reads the file here with nothing of QAT Studio's: the `gguf` package's reader and
dequantizers (gguf.quants.dequantize), numpy, the run's quantized.safetensors and the source model's
safetensors. Layer by layer it requires:

  - exact cases (Q4_1, Q4_0): the file's weights equal x = fp16(s)·q + fp16(-s·z) (Q4_1) or
    fp16(s)·(q - 8) (Q4_0) computed here from the run's codes, scales and zeros, bit for bit, and so
    the run's (q - z)·s within the fp16 rounding of s and s·z; q and k rows are taken back from
    llama.cpp's interleaved rotary order with this script's own permutation;
  - every case: the relative weight error the export reports equals the one computed here; norms
    equal the run's, the embedding its float16 rounding;
  - metadata: the architecture keys match config.json; with --reference-gguf (a GGUF made by
    llama.cpp's own converter from the same model) the tokenizer keys equal the reference's;
    a sentencepiece vocabulary equals the `sentencepiece` package's reading of tokenizer.model.

With llama.cpp's Python binding installed (installer/bootstrap.sh builds it), llama.cpp itself loads
each file: its tokenization of the evaluation text equals `qat-cli tokenize`, and its perplexity on
the first windows (BOS, then the text; windows of --seqlen, as `qat-cli eval` cuts them) is within
1% of `qat-cli eval --run`. Without the binding that part is skipped and says so.

    python check_gguf_export.py --cli build/app/qat-cli --model ../shared/models/stories260K \
        --eval ../shared/data/tinystories-real/sample.txt --seqlen 256
"""

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

try:
    import gguf
    from gguf.quants import dequantize
except ImportError:  # pragma: no cover
    print("SKIP: the gguf package is not installed (installer/requirements-reference.txt)")
    sys.exit(77)

from safetensors.numpy import load_file

SLOTS = {"self_attn.q_proj": "attn_q", "self_attn.k_proj": "attn_k", "self_attn.v_proj": "attn_v",
         "self_attn.o_proj": "attn_output", "mlp.gate_proj": "ffn_gate", "mlp.up_proj": "ffn_up",
         "mlp.down_proj": "ffn_down"}
EXACT = {"q4_1", "q4_0", "q8_0"}


def run(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, cmd))} failed ({p.returncode}):\n{p.stderr[-3000:]}{p.stdout[-2000:]}")
    return p.stdout


def field(reader, key):
    f = reader.fields.get(key)
    if f is None:
        return None
    if f.types[0] == gguf.GGUFValueType.ARRAY:
        if f.types[-1] == gguf.GGUFValueType.STRING:
            return [bytes(f.parts[i]).decode("utf-8") for i in f.data]
        return [f.parts[i][0].item() for i in f.data]
    if f.types[0] == gguf.GGUFValueType.STRING:
        return bytes(f.parts[f.data[0]]).decode("utf-8")
    return f.parts[f.data[0]][0].item()


def from_rotary(w, heads):
    """llama.cpp's interleaved rotary rows (pairs 2i, 2i+1) back to Hugging Face's halves."""
    out, rest = w.shape[0], w.shape[1:]
    return w.reshape(heads, out // heads // 2, 2, *rest).swapaxes(1, 2).reshape(w.shape)


def f16(x):
    return np.asarray(x, dtype=np.float32).astype(np.float16).astype(np.float32)


def load_model_tensors(model):
    tensors = {}
    for name in sorted(os.listdir(model)):
        if name.endswith(".safetensors"):
            tensors.update(load_file(os.path.join(model, name)))
    return tensors


def check_file(path, run_dir, model, config, report, reference, failures, label):
    reader = gguf.GGUFReader(path)
    tensors = {t.name: t for t in reader.tensors}
    state = load_file(os.path.join(run_dir, "quantized.safetensors"))
    source = load_model_tensors(model)
    heads, kv = config["num_attention_heads"], config.get("num_key_value_heads", config["num_attention_heads"])
    layers = {l["name"]: l for l in report["layers"]}
    worst_exact, checked = 0.0, 0
    for layer in range(config["num_hidden_layers"]):
        for slot, short in SLOTS.items():
            module = f"model.layers.{layer}.{slot}"
            t = tensors[f"blk.{layer}.{short}.weight"]
            w = dequantize(t.data, t.tensor_type).reshape(int(t.shape[1]), int(t.shape[0])).astype(np.float32)
            if short in ("attn_q", "attn_k"):
                w = from_rotary(w, heads if short == "attn_q" else kv)
            q = state[module + ".codes"].astype(np.float32)
            s, z = state[module + ".scales"], state[module + ".zeros"]
            group = report["group_size"] if 0 < report["group_size"] < q.shape[1] else q.shape[1]
            sg, zg = np.repeat(s, group, axis=1)[:, :q.shape[1]], np.repeat(z, group, axis=1)[:, :q.shape[1]]
            exact = (q - zg).astype(np.float64) * sg
            entry = layers[module]
            if entry["type"] != t.tensor_type.name.lower():
                failures.append(f"{label} {module}: reported {entry['type']}, the file holds {t.tensor_type.name}")
            err = float(np.linalg.norm(w - exact) / np.linalg.norm(exact))
            if not math.isclose(err, entry["relative_error"], rel_tol=1e-2, abs_tol=1e-9):
                failures.append(f"{label} {module}: relative error {entry['relative_error']:.6g} reported, "
                                f"{err:.6g} measured here")
            if entry["type"] in EXACT and entry["exact"]:
                if entry["type"] == "q4_1":
                    want = f16(sg) * q + f16(-sg * zg)
                elif entry["type"] == "q4_0":
                    want = f16(sg) * (q - 8)
                else:
                    want = f16(sg) * (q - 128)
                if not np.array_equal(w, want.astype(np.float32)):
                    failures.append(f"{label} {module}: {entry['type']} weights differ from fp16(s), fp16(m) "
                                    f"by up to {np.abs(w - want).max():.3g}")
                bound = 2.0 ** -11 * (np.abs(sg) * q + np.abs(sg * zg)) + 1e-12
                excess = np.abs(w - exact) - bound
                if excess.max() > 0:
                    failures.append(f"{label} {module}: beyond the fp16 rounding of s and s*z by {excess.max():.3g}")
                worst_exact = max(worst_exact, float(np.abs(w - exact).max()))
            checked += 1
    for name, t in tensors.items():
        if name.endswith("_norm.weight"):
            hf = ("model.norm.weight" if name == "output_norm.weight" else
                  name.replace("blk.", "model.layers.").replace("attn_norm", "input_layernorm")
                      .replace("ffn_norm", "post_attention_layernorm"))
            want = state.get(hf, source.get(hf))
            if not np.array_equal(np.asarray(t.data, dtype=np.float32), want):
                failures.append(f"{label} {name}: differs from the run's {hf}")
    embed = tensors["token_embd.weight"]
    got = dequantize(embed.data, embed.tensor_type).reshape(config["vocab_size"], config["hidden_size"])
    want = source["model.embed_tokens.weight"].astype(np.float32)
    if embed.tensor_type == gguf.GGMLQuantizationType.F16 and not np.array_equal(got, f16(want)):
        failures.append(f"{label} token_embd.weight: not the float16 rounding of the embedding")

    arch = field(reader, "general.architecture")
    expect = {f"{arch}.block_count": config["num_hidden_layers"], f"{arch}.embedding_length": config["hidden_size"],
              f"{arch}.feed_forward_length": config["intermediate_size"],
              f"{arch}.attention.head_count": heads, f"{arch}.attention.head_count_kv": kv,
              f"{arch}.context_length": config["max_position_embeddings"]}
    for key, value in expect.items():
        if field(reader, key) != value:
            failures.append(f"{label} {key}: {field(reader, key)} in the file, {value} in config.json")
    if not math.isclose(field(reader, f"{arch}.rope.freq_base"), config.get("rope_theta", 10000.0), rel_tol=1e-6):
        failures.append(f"{label} rope.freq_base differs from config.json")
    if reference:
        ref = gguf.GGUFReader(reference)
        for key in ["tokenizer.ggml.model", "tokenizer.ggml.pre", "tokenizer.ggml.tokens", "tokenizer.ggml.token_type",
                    "tokenizer.ggml.merges", "tokenizer.ggml.bos_token_id", "tokenizer.ggml.eos_token_id",
                    "tokenizer.ggml.unknown_token_id", "tokenizer.ggml.padding_token_id",
                    "tokenizer.ggml.add_bos_token", "tokenizer.chat_template", "general.architecture",
                    f"{arch}.rope.dimension_count", f"{arch}.vocab_size"]:
            if field(reader, key) != field(ref, key):
                failures.append(f"{label} {key}: differs from the reference GGUF")
    if os.path.exists(os.path.join(model, "tokenizer.model")) and not os.path.exists(os.path.join(model, "tokenizer.json")):
        import sentencepiece as spm
        sp = spm.SentencePieceProcessor(model_file=os.path.join(model, "tokenizer.model"))
        tokens, scores, types = (field(reader, "tokenizer.ggml." + k) for k in ("tokens", "scores", "token_type"))
        n = sp.get_piece_size()
        want_types = [2 if sp.is_unknown(i) else 3 if sp.is_control(i) else 5 if sp.is_unused(i) else
                      6 if sp.is_byte(i) else 1 for i in range(n)]
        if tokens[:n] != [sp.id_to_piece(i) for i in range(n)] or types[:n] != want_types or \
                any(not math.isclose(scores[i], sp.get_score(i), abs_tol=1e-6) for i in range(n)):
            failures.append(f"{label}: the sentencepiece vocabulary differs from tokenizer.model's")
        if field(reader, "tokenizer.ggml.model") != "llama":
            failures.append(f"{label}: tokenizer.ggml.model is not llama")
    return checked, worst_exact


def tokenizer_file(model):
    for name in ("tokenizer.json", "tokenizer.model"):
        if os.path.exists(os.path.join(model, name)):
            return os.path.join(model, name)
    raise RuntimeError(f"{model}: no tokenizer")


def llama_cpp_check(cli, path, run_dir, model, text_file, seqlen, windows, failures, label):
    try:
        import llama_cpp
    except ImportError:
        print("  SKIP llama.cpp: its Python binding is not installed (QAT_LLAMA_CPP=1 bash installer/bootstrap.sh "
              "builds it)")
        return None
    with open(text_file, encoding="utf-8", newline="") as f:  # the bytes as they are (CRLF kept)
        text = f.read()
    ours = json.loads(run(cli + ["tokenize", "-m", model, "--file", text_file, "--json"]))["ids"]
    llm = llama_cpp.Llama(model_path=path, n_ctx=seqlen, n_batch=seqlen, n_ubatch=seqlen, logits_all=True,
                          verbose=False, n_threads=max(1, os.cpu_count() or 1))
    theirs = llm.tokenize(text.encode("utf-8"), add_bos=False, special=True)
    if theirs != ours:
        first = next((i for i, (a, b) in enumerate(zip(theirs, ours)) if a != b), min(len(theirs), len(ours)))
        failures.append(f"{label}: llama.cpp tokenizes {text_file} differently from qat-cli "
                        f"(first difference at token {first}; {len(theirs)} vs {len(ours)} tokens)")
    bos = llm.token_bos()
    tokens = ([bos] if bos >= 0 else []) + ours
    n = min(windows, len(tokens) // seqlen)
    nll, count, start = 0.0, 0, time.time()
    for w in range(n):
        window = tokens[w * seqlen:(w + 1) * seqlen]
        llm.reset()
        llm.eval(window)
        logits = np.asarray(llm.scores[:seqlen], dtype=np.float64)
        logits -= logits.max(axis=1, keepdims=True)
        logp = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
        nll -= sum(logp[i, window[i + 1]] for i in range(seqlen - 1))
        count += seqlen - 1
    ppl_cpp = math.exp(nll / count)
    # An exact file computes what the run computes; a fitted one (k-quants) is compared with
    # QAT Studio's own reading of the same file.
    source = ["--run", run_dir] if run_dir else ["-m", path, "--tokenizer", tokenizer_file(model)]
    ours_ppl = json.loads(run(cli + ["eval", *source, "-d", text_file, "--seqlen", str(seqlen),
                                     "--max-windows", str(n), "--json"]))["perplexity"]
    delta = ppl_cpp / ours_ppl - 1
    print(f"  llama.cpp {llama_cpp.__version__}: perplexity {ppl_cpp:.4f} on {n} windows of {seqlen} "
          f"({time.time() - start:.1f} s), qat-cli eval {source[0]} {ours_ppl:.4f}: {100 * delta:+.3f}%; "
          f"tokenization of {len(ours)} tokens {'equal' if theirs == ours else 'DIFFERENT'}")
    # 1% for an exact file (llama.cpp computes the run's weights, rounding its activations to 8 bits
    # in the quantized dot products); 3% for a fitted one, whose W2 models are far from well
    # conditioned (perplexities near 1e6 move with every rounding).
    if abs(delta) > (0.01 if run_dir else 0.03):
        failures.append(f"{label}: llama.cpp's perplexity {ppl_cpp:.4f} is {100 * delta:+.2f}% from qat-cli's {ours_ppl:.4f}")
    return {"llama_cpp_perplexity": ppl_cpp, "qat_perplexity": ours_ppl, "windows": n}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cli", required=True)
    ap.add_argument("--model", required=True)
    ap.add_argument("--eval", required=True, help="a text file: the export's perplexity check and llama.cpp's")
    ap.add_argument("--seqlen", type=int, default=256)
    ap.add_argument("--windows", type=int, default=4)
    ap.add_argument("--reference-gguf", default="", help="a GGUF of the same model from llama.cpp's converter")
    ap.add_argument("--cases", default="rtn:4:32,rtn:4:64,rtn:4:128,rtn-sym:4:32",
                    help="method:bits:group[:gguf-type], comma-separated (methods rtn, rtn-sym); or "
                         "run=FOLDER[:gguf-type] to export a finished run of this model (any method)")
    ap.add_argument("--json", default="", help="write the figures here")
    ap.add_argument("--threads", type=int, default=0)
    a = ap.parse_args()
    if not os.path.exists(os.path.join(a.model, "config.json")):
        print(f"SKIP: no model at {a.model}")
        return 77
    with open(os.path.join(a.model, "config.json")) as f:
        config = json.load(f)
    cli = [a.cli]
    failures, results = [], []
    with tempfile.TemporaryDirectory(prefix="qat-gguf-check-") as tmp:
        for case in a.cases.split(","):
            parts = case.split(":")
            if parts[0].startswith("run="):
                run_dir = parts[0][len("run="):]
                gtype = parts[1] if len(parts) > 1 else "auto"
                with open(os.path.join(run_dir, "run.json")) as f:
                    cfg = json.load(f)["config"]
                label = (f"{os.path.basename(os.path.normpath(a.model))} {os.path.basename(os.path.normpath(run_dir))} "
                         f"W{cfg['bits']}g{cfg.get('group_size', cfg.get('group'))} {gtype}")
                out = os.path.join(tmp, os.path.basename(os.path.normpath(run_dir)) + ".gguf")
            else:
                method, bits, group = parts[0], parts[1], parts[2]
                gtype = parts[3] if len(parts) > 3 else "auto"
                label = f"{os.path.basename(os.path.normpath(a.model))} {method} W{bits}g{group} {gtype}"
                run_dir = os.path.join(tmp, case.replace(":", "-"))
                args = ["quantize", "-m", a.model, "--bits", bits, "--group", group, "-o", run_dir,
                        "--threads", str(a.threads)]
                args += ["--method", "rtn"] + (["--symmetric", "--range", "minmax"] if method == "rtn-sym" else [])
                run(cli + args)
                out = os.path.join(tmp, case.replace(":", "-") + ".gguf")
            report = json.loads(run(cli + ["export", "--run", run_dir, "--format", "gguf", "--gguf-type", gtype,
                                           "-o", out, "--eval", a.eval, "--eval-windows", str(a.windows),
                                           "--threads", str(a.threads), "--json"]))
            types = sorted({l["type"] for l in report["layers"]})
            checked, worst = check_file(out, run_dir, a.model, config, report, a.reference_gguf, failures, label)
            ev = report["evals"][0] if report["evals"] else {}
            print(f"{label}: {checked} linears ({', '.join(types)}; "
                  f"{sum(l['exact'] for l in report['layers'])} exact, largest |x - (q-z)s| {worst:.3g}); "
                  f"relative error max {max(l['relative_error'] for l in report['layers']):.3g}; "
                  f"perplexity run {ev.get('run_perplexity', float('nan')):.4f}, "
                  f"file read back {ev.get('file_perplexity', float('nan')):.4f}; "
                  f"{os.path.getsize(out) / 1e6:.2f} MB")
            exact = all(l["exact"] for l in report["layers"] if l["type"] != "f16")
            if ev and exact and not math.isclose(ev["run_perplexity"], ev["file_perplexity"], rel_tol=0.01):
                failures.append(f"{label}: the file read back gives perplexity {ev['file_perplexity']:.4f}, "
                                f"the run {ev['run_perplexity']:.4f}")
            cpp = llama_cpp_check(cli, out, run_dir if exact else None, a.model, a.eval, a.seqlen, a.windows,
                                  failures, label)
            results.append({"case": case, "types": types, "exact": exact, "evals": report["evals"], "llama_cpp": cpp,
                            "bytes": os.path.getsize(out), "notes": report["notes"],
                            "max_relative_error": max(l["relative_error"] for l in report["layers"])})
    if a.json:
        with open(a.json + ".tmp", "w") as f:
            json.dump({"model": a.model, "results": results, "failures": failures}, f, indent=2)
        os.replace(a.json + ".tmp", a.json)
    for msg in failures:
        print("FAIL:", msg)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
