#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Tiny random Llama models with RoPE scaling, and transformers' logits for them.

The fixture of tests/model/TestRopeScaling.cpp. For each case it creates a LlamaForCausalLM
(hidden 64, 2 layers, 4 heads, 2 KV heads, vocab 256, max_position_embeddings 8192), saves it
with save_pretrained (safetensors; transformers >= 5 writes the rope settings as
`rope_parameters`), rewrites config.json by hand for the older forms (`rope_theta` +
`rope_scaling`, and both forms at once), loads the folder back with from_pretrained and records,
from that reloaded model, in float32:

  OUT/<case>/                       the model folder (config.json, model.safetensors)
  OUT/<case>.reference.safetensors  inv_freq, and for each sequence k: ids.k (int64), logits.k
                                    (seq, vocab) float32, every position
  OUT/rope_reference.json           the cases: the rope type, theta and factor transformers read
                                    from config.json, the sequences, and how far the logits are
                                    from those of plain RoPE with theta 10000 (the misreading) and
                                    with the case's theta but no scaling

Without transformers it writes rope_reference.json as {"skip": "why"} and exits 0, and the
C++ test then exits 77 with that reason.

    python make_rope_models.py OUT_DIR
"""

import json
import os
import shutil
import sys

SEQ_LENGTHS = [9, 120, 300]  # past llama3's original context (64) and linear's factor
# Weights N(0, 0.2): large enough that attention, and so RoPE, shapes the logits.
INIT_STD = 0.2

LLAMA3 = {"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0,
          "original_max_position_embeddings": 64}

# name: (rope_parameters for LlamaConfig, the config.json rope fields written by hand or None to
# keep what save_pretrained wrote, what transformers must read back: (type, theta, factor)).
CASES = {
    # Llama 3.1-style scaling as transformers 5 saves it.
    "llama3": (dict(LLAMA3, rope_theta=500000.0), None, ("llama3", 500000.0, 8.0)),
    # Linear position interpolation as transformers 5 saves it.
    "linear": ({"rope_type": "linear", "factor": 4.0, "rope_theta": 10000.0}, None, ("linear", 10000.0, 4.0)),
    # The older form: top-level rope_theta, rope_scaling with "rope_type".
    "llama3-rope-scaling": (dict(LLAMA3, rope_theta=500000.0),
                            {"rope_theta": 500000.0, "rope_scaling": dict(LLAMA3)},
                            ("llama3", 500000.0, 8.0)),
    # The oldest spelling: rope_scaling with "type".
    "linear-rope-scaling": ({"rope_type": "linear", "factor": 3.0, "rope_theta": 20000.0},
                            {"rope_theta": 20000.0, "rope_scaling": {"type": "linear", "factor": 3.0}},
                            ("linear", 20000.0, 3.0)),
    # Both forms, disagreeing: transformers reads rope_scaling and the top-level theta, and
    # ignores rope_parameters (llama3, theta 500000) entirely.
    "both-forms": ({"rope_type": "linear", "factor": 2.0, "rope_theta": 10000.0},
                   {"rope_theta": 10000.0, "rope_scaling": {"rope_type": "linear", "factor": 2.0},
                    "rope_parameters": dict(LLAMA3, rope_theta=500000.0)},
                   ("linear", 10000.0, 2.0)),
    # No theta anywhere: 10000.
    "no-theta": (dict(LLAMA3, rope_theta=10000.0), {"rope_parameters": dict(LLAMA3)},
                 ("llama3", 10000.0, 8.0)),
}


def write_json(path, value):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(value, f, indent=2)
        f.write("\n")


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    out = os.path.abspath(sys.argv[1])
    if os.path.isdir(out):
        shutil.rmtree(out)
    os.makedirs(out)
    summary = os.path.join(out, "rope_reference.json")
    try:
        import torch
        import transformers
        from safetensors.torch import save_file
        from transformers import AutoModelForCausalLM, LlamaConfig, LlamaForCausalLM
    except ImportError as e:
        reason = f"{sys.executable} cannot import transformers / torch / safetensors ({e})"
        print("SKIP:", reason)
        write_json(summary, {"skip": reason})
        return 0
    major = int(transformers.__version__.split(".")[0])
    if major < 5:
        reason = f"transformers {transformers.__version__} < 5 does not write rope_parameters"
        print("SKIP:", reason)
        write_json(summary, {"skip": reason})
        return 0
    transformers.logging.set_verbosity_error()
    transformers.logging.disable_progress_bar()
    torch.set_num_threads(1)

    def config_for(rope_parameters):
        c = LlamaConfig(hidden_size=64, intermediate_size=128, num_hidden_layers=2, num_attention_heads=4,
                        num_key_value_heads=2, vocab_size=256, max_position_embeddings=8192,
                        rms_norm_eps=1e-5, initializer_range=INIT_STD, tie_word_embeddings=False,
                        rope_parameters=rope_parameters, dtype="float32")
        c.architectures = ["LlamaForCausalLM"]
        return c

    def logits_of(model, ids):
        with torch.no_grad():
            return model(ids.unsqueeze(0)).logits[0].float().contiguous()

    g = torch.Generator().manual_seed(1234)
    sequences = [torch.randint(0, 256, (n,), generator=g, dtype=torch.int64) for n in SEQ_LENGTHS]
    cases = []
    for index, (name, (rope_parameters, hand_written, expect)) in enumerate(CASES.items()):
        torch.manual_seed(index)
        folder = os.path.join(out, name)
        LlamaForCausalLM(config_for(dict(rope_parameters))).eval().save_pretrained(folder)
        config_path = os.path.join(folder, "config.json")
        with open(config_path, encoding="utf-8") as f:
            config = json.load(f)
        # transformers 5 writes the rope settings only under rope_parameters.
        assert "rope_parameters" in config, config
        assert "rope_theta" not in config and "rope_scaling" not in config, config
        form = "rope_parameters"
        if hand_written is not None:
            config.pop("rope_parameters")
            config.update(hand_written)
            write_json(config_path, config)
            form = " + ".join(sorted(hand_written))

        # The reference is what transformers makes of this config.json.
        model = AutoModelForCausalLM.from_pretrained(folder, dtype=torch.float32, attn_implementation="eager").eval()
        read = model.config.rope_parameters
        got = (read["rope_type"], float(read["rope_theta"]), float(read.get("factor", 1.0)))
        assert got == expect, f"{name}: transformers read {read}, expected {expect}"
        # The same weights with plain RoPE: theta 10000 (the misreading this guards against), and
        # this case's theta without the scaling. Both must move the logits far past the tolerance.
        def plain_model(theta):
            plain = LlamaForCausalLM(config_for({"rope_type": "default", "rope_theta": theta}))
            plain.load_state_dict(model.state_dict())
            return plain.eval()

        plain, unscaled = plain_model(10000.0), plain_model(got[1])
        tensors = {"inv_freq": model.model.rotary_emb.inv_freq.float().contiguous()}
        plain_diff, unscaled_diff = 0.0, 0.0
        for k, ids in enumerate(sequences):
            logits = logits_of(model, ids)
            tensors[f"ids.{k}"] = ids.contiguous()
            tensors[f"logits.{k}"] = logits
            plain_diff = max(plain_diff, (logits - logits_of(plain, ids)).abs().max().item())
            unscaled_diff = max(unscaled_diff, (logits - logits_of(unscaled, ids)).abs().max().item())
        assert min(plain_diff, unscaled_diff) > 0.1, f"{name}: the rope settings barely change the logits"
        save_file(tensors, os.path.join(out, f"{name}.reference.safetensors"))
        cases.append({"name": name, "form": form, "rope_type": got[0], "rope_theta": got[1], "factor": got[2],
                      "sequences": len(sequences), "plain_rope_max_diff": plain_diff,
                      "unscaled_max_diff": unscaled_diff,
                      "logit_abs_max": max(tensors[f"logits.{k}"].abs().max().item()
                                           for k in range(len(sequences)))})
        print(f"{name:20s} {form:45s} {got}  max |logits - plain RoPE logits| {plain_diff:.2f},"
              f" without the scaling {unscaled_diff:.2f}")

    write_json(summary, {"transformers": transformers.__version__, "torch": torch.__version__,
                         "seq_lengths": SEQ_LENGTHS, "cases": cases})
    return 0


if __name__ == "__main__":
    sys.exit(main())
