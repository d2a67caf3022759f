#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Makes the Llama-2 tokenizer.json fixtures of TestTokenizerLlama2 from a sentencepiece
tokenizer.model, with transformers' LlamaTokenizerFast (the reference packages in .deps/venv).

    make_llama2_tokenizer_json.py TOKENIZER_MODEL OUT_DIR

Writes OUT_DIR/metaspace/ and OUT_DIR/legacy/ (tokenizer.json + tokenizer_config.json), or
OUT_DIR/SKIP saying why when transformers / sentencepiece / protobuf are missing (the test then
exits 77).

- metaspace/: what transformers 5 writes (Metaspace pre-tokenizer, prepend_scheme "first"), with
  add_bos_token=True as Llama-2's own tokenizer_config.json has it.
- legacy/: the same with the normalizer of the Hub's meta-llama/Llama-2-7b-hf tokenizer.json
  (Sequence[Prepend("▁"), Replace(" ", "▁")], no pre-tokenizer), which adds the dummy prefix as
  sentencepiece does even when the text starts with a space.

In both, the merges are ordered by the sentencepiece score of the merged piece
(transformers.convert_slow_tokenizer.generate_merges with vocab_scores), as transformers 4 did:
transformers 5.25's LlamaTokenizerFast orders them by vocabulary id, which puts "▁ ▁" (score -1e9)
first and so splits "  may" as "▁▁ may" where sentencepiece gives "▁ ▁may".
"""
import json
import os
import shutil
import sys
import tempfile


def skip(out_dir, why):
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, "SKIP"), "w") as f:
        f.write(why + "\n")
    print("SKIP:", why)
    return 0


def main():
    model, out_dir = sys.argv[1], sys.argv[2]
    if os.path.exists(os.path.join(out_dir, "SKIP")):
        os.remove(os.path.join(out_dir, "SKIP"))
    try:
        import sentencepiece as spm
        from transformers import LlamaTokenizerFast
        from transformers.convert_slow_tokenizer import generate_merges
    except Exception as e:  # noqa: BLE001 - any import failure means: cannot make the fixture
        return skip(out_dir, f"{sys.executable} cannot import transformers/sentencepiece: {e}")

    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "src")
        os.makedirs(src)
        shutil.copy(model, os.path.join(src, "tokenizer.model"))
        tok = LlamaTokenizerFast.from_pretrained(src, add_bos_token=True, add_eos_token=False)
        made = os.path.join(tmp, "made")
        tok.save_pretrained(made)
        with open(os.path.join(made, "tokenizer.json"), encoding="utf-8") as f:
            tj = json.load(f)
        with open(os.path.join(made, "tokenizer_config.json"), encoding="utf-8") as f:
            config = json.load(f)

    sp = spm.SentencePieceProcessor(model_file=model)
    scores = {sp.id_to_piece(i): sp.get_score(i) for i in range(sp.get_piece_size())}
    tj["model"]["merges"] = [list(m) for m in generate_merges(tj["model"]["vocab"], scores)]
    single = tj["post_processor"]["single"]
    if "SpecialToken" not in single[0]:
        raise SystemExit("expected the post-processor template to start with <s>: " + json.dumps(single))

    legacy = json.loads(json.dumps(tj))
    legacy["normalizer"] = {
        "type": "Sequence",
        "normalizers": [
            {"type": "Prepend", "prepend": "\u2581"},
            {"type": "Replace", "pattern": {"String": " "}, "content": "\u2581"},
        ],
    }
    legacy["pre_tokenizer"] = None
    for name, doc in (("metaspace", tj), ("legacy", legacy)):
        d = os.path.join(out_dir, name)
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "tokenizer.json"), "w", encoding="utf-8") as f:
            json.dump(doc, f, ensure_ascii=False)
        with open(os.path.join(d, "tokenizer_config.json"), "w", encoding="utf-8") as f:
            json.dump(config, f, ensure_ascii=False, indent=2)
    print("wrote", out_dir, "pre_tokenizer", json.dumps(tj["pre_tokenizer"]), "add_bos_token",
          config.get("add_bos_token"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
