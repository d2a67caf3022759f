#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Makes the expectations of TestTokenizerComponents with Hugging Face `tokenizers` (the
reference packages in .deps/venv): small tokenizer.json files, one per component setting, and
what tokenizers encodes and decodes for a set of texts with each.

    make_tokenizer_component_cases.py OUT_DIR

Writes OUT_DIR/cases.json: [{"name", "tokenizer": <tokenizer.json>, "cases": [{"text", "ids",
"ids_plain" (special tokens not matched), "decoded", "decoded_skip"}]}], or OUT_DIR/SKIP saying
why when tokenizers is missing (the test then exits 77). The vocabularies are trained here by
tokenizers' own BpeTrainer on a fixed text, so everything below comes from tokenizers alone.
"""
import json
import os
import sys

TEXTS = [
    "Hello, world.  It's 2024!",
    " leading space and trailing  ",
    "naïve café ① ﬁne Å",  # precomposed ï, é; circled one, fi ligature, Angstrom sign
    "cafe\u0301 decomposed",
    "a  b\t\nc\r\n\n d",
    "x<sp>y <sp> z<sp>",
    "word [tok] word[tok]word  [tok]  end",
    "hey oops hey-oops heyoops",
    "😀 emoji ½ and ٣ digits 0123456789",
    "The quick brown fox jumps over the lazy dog; THE END.",
    "",
    " ",
]

CORPUS = (
    "The quick brown fox jumps over the lazy dog. Hello world, hello there! It's a fine day in 2024; "
    "we'll see what they've got. Naive cafe words and more words: the end. " * 20
)


def skip(out_dir, why):
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, "SKIP"), "w") as f:
        f.write(why + "\n")
    print("SKIP:", why)
    return 0


def main():
    out_dir = sys.argv[1]
    if os.path.exists(os.path.join(out_dir, "SKIP")):
        os.remove(os.path.join(out_dir, "SKIP"))
    try:
        from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, trainers
    except Exception as e:  # noqa: BLE001
        return skip(out_dir, f"{sys.executable} cannot import tokenizers: {e}")

    # A byte-level vocabulary (GPT-2 style) and a sentencepiece-style one (▁, byte fallback).
    bl = Tokenizer(models.BPE())
    bl.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    bl.train_from_iterator([CORPUS], trainers.BpeTrainer(vocab_size=420, initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False))
    bl_model = json.loads(bl.to_str())["model"]

    sp = Tokenizer(models.BPE())
    sp.pre_tokenizer = pre_tokenizers.Metaspace()
    sp.train_from_iterator([CORPUS], trainers.BpeTrainer(vocab_size=200, show_progress=False))
    sp_model = json.loads(sp.to_str())["model"]
    sp_vocab = dict(sp_model["vocab"])
    for extra in ["<unk>"] + [f"<0x{b:02X}>" for b in range(256)]:
        sp_vocab.setdefault(extra, len(sp_vocab))
    sp_merges = [tuple(m) if isinstance(m, list) else tuple(m.split(" ")) for m in sp_model["merges"]]
    bl_merges = [tuple(m) if isinstance(m, list) else tuple(m.split(" ")) for m in bl_model["merges"]]

    def byte_level(**kw):
        return Tokenizer(models.BPE(vocab=dict(bl_model["vocab"]), merges=list(bl_merges), **kw))

    def sp_style(**kw):
        return Tokenizer(models.BPE(vocab=dict(sp_vocab), merges=list(sp_merges), **kw))

    configs = []

    def add(name, tok):
        configs.append((name, tok))

    # Split: every behavior, plain and inverted, then byte-level without its regex.
    for behavior in ["removed", "isolated", "merged_with_previous", "merged_with_next", "contiguous"]:
        for invert in (False, True):
            t = byte_level()
            t.pre_tokenizer = pre_tokenizers.Sequence([
                pre_tokenizers.Split(Regex(r"\s+|[,.;!]"), behavior=behavior, invert=invert),
                pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False)])
            t.decoder = decoders.ByteLevel()
            add(f"split-{behavior}{'-invert' if invert else ''}", t)
    t = byte_level()
    t.pre_tokenizer = pre_tokenizers.Sequence([pre_tokenizers.Split(" ", behavior="removed"),
                                               pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False)])
    t.decoder = decoders.ByteLevel()
    add("split-string-removed", t)
    # Llama-3's pattern.
    t = byte_level()
    t.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"), behavior="isolated"),
        pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False)])
    t.decoder = decoders.ByteLevel()
    add("split-llama3-regex", t)
    for individual in (True, False):
        t = byte_level()
        t.pre_tokenizer = pre_tokenizers.Sequence([pre_tokenizers.Digits(individual_digits=individual),
                                                   pre_tokenizers.ByteLevel(add_prefix_space=False)])
        t.decoder = decoders.ByteLevel()
        add(f"digits-{'individual' if individual else 'runs'}", t)
    t = byte_level()
    t.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=True)
    t.decoder = decoders.ByteLevel()
    add("bytelevel-prefix-space", t)
    t = byte_level(ignore_merges=True)
    t.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    t.decoder = decoders.ByteLevel()
    add("bytelevel-ignore-merges", t)

    sp_decoder = decoders.Sequence([decoders.Replace("▁", " "), decoders.ByteFallback(), decoders.Fuse(),
                                    decoders.Strip(" ", 1, 0)])
    for scheme in ("first", "always", "never"):
        for split in (True, False):
            t = sp_style(byte_fallback=True)
            t.pre_tokenizer = pre_tokenizers.Metaspace(prepend_scheme=scheme, split=split)
            t.decoder = decoders.Metaspace(prepend_scheme=scheme, split=split)
            t.add_special_tokens([AddedToken("<sp>", special=True, normalized=False)])
            add(f"metaspace-{scheme}{'-split' if split else ''}", t)
    for form, norm in (("nfc", normalizers.NFC()), ("nfkc", normalizers.NFKC())):
        t = sp_style(byte_fallback=True)
        t.normalizer = normalizers.Sequence([norm, normalizers.Prepend("▁"), normalizers.Replace(" ", "▁")])
        t.decoder = sp_decoder
        add(f"normalizer-{form}-prepend-replace", t)
    t = sp_style(byte_fallback=True)
    t.normalizer = normalizers.Sequence([normalizers.Replace(Regex(r"\s+"), " "), normalizers.Replace(" ", "▁")])
    t.decoder = decoders.Sequence([decoders.Replace(Regex("▁+"), " "), decoders.ByteFallback(), decoders.Fuse()])
    add("normalizer-replace-regex", t)
    for fuse in (True, False):
        t = sp_style(unk_token="<unk>", fuse_unk=fuse)
        t.pre_tokenizer = pre_tokenizers.Metaspace()
        t.decoder = decoders.Metaspace()
        add(f"unk-{'fused' if fuse else 'unfused'}", t)

    # Added tokens: every flag, special or not, normalized or not (with a normalizer that changes them).
    for flags in ({"lstrip": True}, {"rstrip": True}, {"lstrip": True, "rstrip": True}, {"single_word": True},
                  {"normalized": True}, {"normalized": False}):
        for special in (True, False):
            t = byte_level()
            t.normalizer = normalizers.NFKC()
            t.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
            t.decoder = decoders.ByteLevel()
            kw = dict(flags)
            kw.setdefault("normalized", False)
            t.add_tokens([AddedToken("[tok]", special=special, **kw), AddedToken("oops", special=special, **kw),
                          AddedToken("ﬁne", special=special, **kw)])
            add("added-" + "-".join(f"{k}{int(v)}" for k, v in flags.items()) + ("-special" if special else ""), t)

    result = []
    for name, tok in configs:
        cases = []
        for text in TEXTS:
            ids = tok.encode(text, add_special_tokens=False).ids
            tok.encode_special_tokens = True
            plain = tok.encode(text, add_special_tokens=False).ids
            tok.encode_special_tokens = False
            cases.append({"text": text, "ids": ids, "ids_plain": plain, "decoded": tok.decode(ids, skip_special_tokens=False),
                          "decoded_skip": tok.decode(ids, skip_special_tokens=True)})
        result.append({"name": name, "tokenizer": json.loads(tok.to_str()), "cases": cases})
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, "cases.json"), "w", encoding="utf-8") as f:
        json.dump(result, f, ensure_ascii=False)
    print("wrote", len(result), "tokenizers x", len(TEXTS), "texts to", out_dir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
