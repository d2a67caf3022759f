#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Writes the seed corpus of fuzz_tokenizer_json (standard library only):

    make_tokenizer_corpus.py [OUT_DIR]   (default: tokenizer-corpus/ beside this script)

Small tokenizer.json files covering every supported component (valid-*) and one defect each
(invalid-*). Files the fuzzer finds worth keeping are added by hand as regress-*.
"""
import copy
import json
import os
import sys

BYTES = [chr(c) for c in range(ord("!"), ord("~") + 1)] + ["Ġ", "Ċ", "ĉ", "Ã", "©", "â", "ł"]


def byte_level():
    vocab = {"<s>": 0, "</s>": 1}
    for ch in BYTES:
        vocab.setdefault(ch, len(vocab))
    for tok in ["He", "ll", "llo", "Hello", "Ġw", "or", "ld", "Ġwor", "Ġworld", "Ġa"]:
        vocab.setdefault(tok, len(vocab))
    merges = ["H e", "l l", "ll o", "He llo", ["Ġ", "w"], "o r", "l d", "Ġw or", "Ġwor ld", "Ġ a"]
    return {
        "version": "1.0",
        "added_tokens": [
            {"id": 0, "content": "<s>", "single_word": False, "lstrip": False, "rstrip": False, "normalized": False, "special": True},
            {"id": 1, "content": "</s>", "single_word": False, "lstrip": True, "rstrip": True, "normalized": False, "special": True},
        ],
        "normalizer": None,
        "pre_tokenizer": {"type": "Sequence", "pretokenizers": [
            {"type": "Digits", "individual_digits": True},
            {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True}]},
        "post_processor": {"type": "TemplateProcessing", "single": [{"SpecialToken": {"id": "<s>", "type_id": 0}},
                           {"Sequence": {"id": "A", "type_id": 0}}], "pair": [],
                           "special_tokens": {"<s>": {"id": "<s>", "ids": [0], "tokens": ["<s>"]}}},
        "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
        "model": {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": None,
                  "end_of_word_suffix": None, "fuse_unk": False, "byte_fallback": False, "ignore_merges": False,
                  "vocab": vocab, "merges": merges},
    }


def sp_style():
    vocab = {"<unk>": 0, "<s>": 1, "</s>": 2}
    for b in range(256):
        vocab[f"<0x{b:02X}>"] = len(vocab)
    for tok in ["▁", "a", "b", "c", "e", "H", "l", "o", "▁a", "ll", "Hell", "He", "Hello", "▁Hello"]:
        vocab.setdefault(tok, len(vocab))
    merges = [["▁", "a"], ["l", "l"], ["H", "e"], ["He", "ll"], ["Hell", "o"], ["▁", "Hello"]]
    return {
        "version": "1.0",
        "added_tokens": [
            {"id": 0, "content": "<unk>", "single_word": False, "lstrip": False, "rstrip": False, "normalized": False, "special": True},
            {"id": 1, "content": "<s>", "single_word": False, "lstrip": False, "rstrip": False, "normalized": False, "special": True},
            {"id": 2, "content": "</s>", "single_word": False, "lstrip": False, "rstrip": False, "normalized": False, "special": True},
        ],
        "normalizer": {"type": "Sequence", "normalizers": [
            {"type": "Prepend", "prepend": "▁"}, {"type": "Replace", "pattern": {"String": " "}, "content": "▁"}]},
        "pre_tokenizer": None,
        "post_processor": {"type": "TemplateProcessing", "single": [{"SpecialToken": {"id": "<s>", "type_id": 0}},
                           {"Sequence": {"id": "A", "type_id": 0}}], "pair": [], "special_tokens": {}},
        "decoder": {"type": "Sequence", "decoders": [
            {"type": "Replace", "pattern": {"String": "▁"}, "content": " "}, {"type": "ByteFallback"},
            {"type": "Fuse"}, {"type": "Strip", "content": " ", "start": 1, "stop": 0}]},
        "model": {"type": "BPE", "dropout": None, "unk_token": "<unk>", "continuing_subword_prefix": None,
                  "end_of_word_suffix": None, "fuse_unk": True, "byte_fallback": True, "ignore_merges": False,
                  "vocab": vocab, "merges": merges},
    }


def variants():
    out = {"valid-bytelevel": byte_level(), "valid-sentencepiece-style": sp_style()}
    t = sp_style()
    t["normalizer"] = None
    t["pre_tokenizer"] = {"type": "Metaspace", "replacement": "▁", "prepend_scheme": "first", "split": True}
    t["decoder"] = {"type": "Metaspace", "replacement": "▁", "prepend_scheme": "always", "split": True}
    out["valid-metaspace"] = t
    for behavior in ["Removed", "Isolated", "MergedWithPrevious", "MergedWithNext", "Contiguous"]:
        t = byte_level()
        t["pre_tokenizer"] = {"type": "Sequence", "pretokenizers": [
            {"type": "Split", "pattern": {"Regex": r"\s+|[,.!]"}, "behavior": behavior, "invert": behavior == "Contiguous"},
            {"type": "ByteLevel", "add_prefix_space": True, "use_regex": False}]}
        out[f"valid-split-{behavior.lower()}"] = t
    t = byte_level()
    t["normalizer"] = {"type": "Sequence", "normalizers": [{"type": "NFKC"}, {"type": "NFC"},
                       {"type": "Replace", "pattern": {"Regex": r"\s+"}, "content": " "}]}
    t["added_tokens"].append({"id": len(t["model"]["vocab"]), "content": "[tok]", "single_word": True, "lstrip": True,
                              "rstrip": False, "normalized": True, "special": False})
    t["model"]["ignore_merges"] = True
    out["valid-normalizers-added"] = t
    t = sp_style()
    t["model"]["byte_fallback"] = False
    t["model"]["fuse_unk"] = False
    t["post_processor"] = {"type": "Sequence", "processors": [{"type": "ByteLevel"}, t["post_processor"]]}
    out["valid-unk-unfused"] = t
    t = byte_level()
    t["pre_tokenizer"] = {"type": "Split", "pattern": {"Regex":
        r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"},
        "behavior": "Isolated", "invert": False}
    out["valid-llama3-regex"] = t

    def broken(name, base, fn):
        t = copy.deepcopy(base)
        fn(t)
        out["invalid-" + name] = t

    broken("missing-model", byte_level(), lambda t: t.pop("model"))
    broken("wordpiece", byte_level(), lambda t: t["model"].update(type="WordPiece"))
    broken("merge-unknown", byte_level(), lambda t: t["model"]["merges"].append("Q Z"))
    broken("regex", byte_level(), lambda t: t.update(pre_tokenizer={"type": "Split", "pattern": {"Regex": "(a"}, "behavior": "Isolated"}))
    broken("duplicate-id", byte_level(), lambda t: t["model"]["vocab"].update(Hello=3))
    broken("added-duplicate-id", byte_level(), lambda t: t["added_tokens"].append({"id": 2, "content": "<x>"}))
    broken("negative-id", byte_level(), lambda t: t["model"]["vocab"].update(Hello=-5))
    broken("bool-type", sp_style(), lambda t: t["model"].update(byte_fallback="yes"))
    broken("unknown-decoder", sp_style(), lambda t: t.update(decoder={"type": "CTC"}))
    broken("unknown-normalizer", sp_style(), lambda t: t.update(normalizer={"type": "BertNormalizer"}))
    return out


def main():
    out_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "tokenizer-corpus")
    os.makedirs(out_dir, exist_ok=True)
    for name, doc in variants().items():
        with open(os.path.join(out_dir, name), "w", encoding="utf-8") as f:
            json.dump(doc, f, ensure_ascii=False, separators=(",", ":"))
    with open(os.path.join(out_dir, "invalid-not-json"), "w") as f:
        f.write('{"model": {"type": "BPE", "vocab": {"a": 0}, ')
    print("wrote", out_dir)


if __name__ == "__main__":
    main()
