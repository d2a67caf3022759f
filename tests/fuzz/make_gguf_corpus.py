#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Writes the seed corpus of the GGUF fuzzer (tests/fuzz/gguf-corpus/) and the messages its
invalid seeds must be refused with (tests/fuzz/gguf-corpus.expected).

Only the Python standard library. Run from anywhere:  python3 tests/fuzz/make_gguf_corpus.py

File names carry the expectation that TestFuzzGgufReplay checks:
  valid-*    GgufFile must accept the file;
  invalid-*  GgufFile must refuse it with qat::Error(BadInput), its message containing the text
             gguf-corpus.expected gives for the file;
  regress-*  inputs the fuzzer once found (any outcome but a crash or a foreign exception).
"""
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "gguf-corpus")
EXPECTED = os.path.join(HERE, "gguf-corpus.expected")

# Value types (gguf.h) and the packing of the scalar ones.
U8, I8, U16, I16, U32, I32, F32, BOOL, STRING, ARRAY, U64, I64, F64 = range(13)
PACK = {U8: "<B", I8: "<b", U16: "<H", I16: "<h", U32: "<I", I32: "<i", F32: "<f", BOOL: "<?",
        U64: "<Q", I64: "<q", F64: "<d"}
# ggml types: id -> (block size, block bytes), as in core/src/formats/GgmlTypes.cpp.
GGML = {"f32": (0, 1, 4), "f16": (1, 1, 2), "q4_0": (2, 32, 18), "q4_1": (3, 32, 20), "q8_0": (8, 32, 34),
        "q2_k": (10, 256, 84), "q3_k": (11, 256, 110), "q4_k": (12, 256, 144), "bf16": (30, 1, 2)}


def u32(v):
    return struct.pack("<I", v)


def u64(v):
    return struct.pack("<Q", v)


def string(s):
    b = s.encode("utf-8") if isinstance(s, str) else s
    return u64(len(b)) + b


def value(vtype, v, element=None):
    """The type id and the value's bytes."""
    if vtype == STRING:
        return u32(STRING) + string(v)
    if vtype == ARRAY:
        body = b"".join(string(x) if element == STRING else struct.pack(PACK[element], x) for x in v)
        return u32(ARRAY) + u32(element) + u64(len(v)) + body
    return u32(vtype) + struct.pack(PACK[vtype], v)


def kv(key, vtype, v, element=None):
    return string(key) + value(vtype, v, element)


def tensor_bytes(type_name, ne):
    _, block, size = GGML[type_name]
    n = 1
    for d in ne:
        n *= d
    return n // block * size


def data(n, seed=0):
    """Deterministic tensor bytes."""
    return bytes((0x21 + seed * 13 + i * 7) % 256 for i in range(n))


def pad(b, alignment):
    return b + b"\0" * (-len(b) % alignment)


def gguf(kvs=(), tensors=(), version=3, alignment=32, offsets=None, trailing=True):
    """kvs: encoded key-values; tensors: (name, ne, type name); offsets: explicit data offsets
    (default: back to back, each padded to the alignment); trailing: pad after the last tensor."""
    out = b"GGUF" + u32(version) + u64(len(tensors)) + u64(len(kvs)) + b"".join(kvs)
    layout = []
    offset = 0
    for i, (name, ne, type_name) in enumerate(tensors):
        size = tensor_bytes(type_name, ne)
        at = offsets[i] if offsets is not None else offset
        layout.append((at, size, i))
        offset = at + size + (-(at + size) % alignment)
        out += string(name) + u32(len(ne)) + b"".join(u64(d) for d in ne) + u32(GGML[type_name][0]) + u64(at)
    out = pad(out, alignment)
    section = bytearray(max((at + size for at, size, _ in layout), default=0))
    for at, size, i in layout:
        section[at:at + size] = data(size, i)
    section = bytes(section)
    return out + (pad(section, alignment) if trailing else section)


def corpus():
    valid, invalid = {}, {}

    # --- valid -------------------------------------------------------------------------------
    valid["valid-empty"] = gguf()
    valid["valid-version-2"] = gguf([kv("general.name", STRING, "v2")], [("w", [4], "f32")], version=2)
    valid["valid-all-value-types"] = gguf([
        kv("t.u8", U8, 255), kv("t.i8", I8, -128), kv("t.u16", U16, 65535), kv("t.i16", I16, -32768),
        kv("t.u32", U32, 2**32 - 1), kv("t.i32", I32, -2**31), kv("t.f32", F32, 0.1), kv("t.bool", BOOL, True),
        kv("t.string", STRING, "Grüße 😀"), kv("t.u64", U64, 2**64 - 1), kv("t.i64", I64, -2**63),
        kv("t.f64", F64, -1.0 / 3.0), kv("t.empty", STRING, ""),
        kv("t.strings", ARRAY, ["<s>", "", "▁a"], STRING), kv("t.f32s", ARRAY, [1.5, -0.0], F32),
        kv("t.i32s", ARRAY, [1, -1], I32), kv("t.u64s", ARRAY, [2**64 - 1], U64), kv("t.bools", ARRAY, [True, False], BOOL),
        kv("t.u8s", ARRAY, [0, 255], U8), kv("t.f64s", ARRAY, [2.5], F64), kv("t.none", ARRAY, [], I16),
    ])
    valid["valid-all-ggml-types"] = gguf([], [
        ("f32", [4, 2], "f32"), ("f16", [3], "f16"), ("bf16", [2, 2], "bf16"), ("q4_0", [32, 2], "q4_0"),
        ("q4_1", [64], "q4_1"), ("q8_0", [32], "q8_0"), ("q2_k", [256], "q2_k"), ("q3_k", [256], "q3_k"),
        ("q4_k", [256], "q4_k"),
    ])
    valid["valid-alignment-1"] = gguf([kv("general.alignment", U32, 1)],
                                      [("a", [3], "f16"), ("b", [1], "f32")], alignment=1)
    valid["valid-alignment-64"] = gguf([kv("general.alignment", U32, 64)],
                                       [("a", [8], "f32"), ("b", [32], "q8_0")], alignment=64)
    valid["valid-4d"] = gguf([], [("t", [2, 1, 3, 2], "f32")])
    # Infos out of offset order, a gap between tensors, no padding after the last.
    valid["valid-unordered"] = gguf([], [("late", [4], "f32"), ("early", [4], "f32")], offsets=[96, 0],
                                    trailing=False)
    valid["valid-llama"] = gguf([
        kv("general.architecture", STRING, "llama"), kv("general.name", STRING, "tiny"),
        kv("llama.block_count", U32, 1), kv("llama.context_length", U32, 64), kv("llama.embedding_length", U32, 32),
        kv("llama.feed_forward_length", U32, 64), kv("llama.attention.head_count", U32, 4),
        kv("llama.attention.head_count_kv", U32, 2), kv("llama.rope.freq_base", F32, 10000.0),
        kv("llama.attention.layer_norm_rms_epsilon", F32, 1e-5), kv("general.file_type", U32, 3),
        kv("tokenizer.ggml.model", STRING, "llama"),
        kv("tokenizer.ggml.tokens", ARRAY, ["<unk>", "<s>", "</s>", "▁a", "b"], STRING),
        kv("tokenizer.ggml.scores", ARRAY, [0.0, 0.0, 0.0, -1.0, -2.0], F32),
        kv("tokenizer.ggml.token_type", ARRAY, [2, 3, 3, 1, 1], I32),
        kv("tokenizer.ggml.bos_token_id", U32, 1), kv("tokenizer.ggml.add_bos_token", BOOL, True),
    ], [("token_embd.weight", [32, 5], "q4_1"), ("blk.0.attn_norm.weight", [32], "f32"),
        ("blk.0.attn_q.weight", [32, 1], "q8_0"), ("output_norm.weight", [32], "f32")])

    # --- invalid: (bytes, what the message must contain) ----------------------------------------
    good = valid["valid-version-2"].replace(b"GGUF\x02", b"GGUF\x03", 1)
    kv1 = b"GGUF" + u32(3) + u64(0) + u64(1)
    invalid["invalid-empty"] = (b"", "magic: truncated")
    invalid["invalid-magic"] = (b"GGML" + good[4:], "magic: not a GGUF file")
    invalid["invalid-version-1"] = (b"GGUF" + u32(1) + good[8:], "version: 1 is not supported")
    invalid["invalid-big-endian"] = (b"GGUF" + struct.pack(">I", 3) + good[8:], "big-endian GGUF is not supported")
    invalid["invalid-tensor-count"] = (b"GGUF" + u32(3) + u64(2**32) + u64(0), "tensor count: 4294967296 exceeds")
    invalid["invalid-kv-count"] = (b"GGUF" + u32(3) + u64(0) + u64(2**64 - 1), "key-value count: 18446744073709551615")
    invalid["invalid-truncated"] = (good[:len(good) - 20], "runs past the end of the file")
    invalid["invalid-truncated-header"] = (good[:30], "truncated")
    invalid["invalid-key-length"] = (kv1 + u64(2**63), "key #0: string of 9223372036854775808 bytes exceeds")
    invalid["invalid-key-past-end"] = (kv1 + u64(50) + b"general", "key #0: string of 50 bytes runs past the end")
    invalid["invalid-value-type"] = (kv1 + string("general.name") + u32(13) + u32(0), "unknown value type 13")
    invalid["invalid-array-huge"] = (kv1 + string("tokenizer.ggml.tokens") + u32(ARRAY) + u32(STRING) + u64(2**32 - 1),
                                     "array of 4294967295 elements exceeds the limit of 67108864")
    invalid["invalid-array-past-end"] = (kv1 + string("s") + u32(ARRAY) + u32(F32) + u64(1000) + u32(0),
                                         "array of 1000 f32 elements runs past the end")
    invalid["invalid-nested-array"] = (kv1 + string("a") + u32(ARRAY) + u32(ARRAY) + u64(1) + u32(U8) + u64(1) + b"\0",
                                       "arrays of arrays are not supported")
    invalid["invalid-element-type"] = (kv1 + string("a") + u32(ARRAY) + u32(42) + u64(0), "unknown array element type 42")
    invalid["invalid-bool"] = (kv1 + string("b") + u32(BOOL) + b"\x02", "bool value 2 is neither 0 nor 1")
    invalid["invalid-duplicate-key"] = (gguf([kv("a", U32, 1), kv("a", U32, 2)]), "key a: duplicate key")
    invalid["invalid-alignment-48"] = (gguf([kv("general.alignment", U32, 48)]), "48 is not a power of two")
    invalid["invalid-alignment-u64"] = (gguf([kv("general.alignment", U64, 32)]), "expected a u32, found a u64")

    def info(name, ne, type_id, offset, alignment=32, tail=64):
        head = b"GGUF" + u32(3) + u64(1) + u64(0) + string(name) + u32(len(ne)) + b"".join(u64(d) for d in ne)
        return pad(head + u32(type_id) + u64(offset), alignment) + data(tail)

    invalid["invalid-0-dims"] = (info("w", [], 0, 0), "tensor w: 0 dimensions")
    invalid["invalid-5-dims"] = (info("w", [1, 1, 1, 1, 1], 0, 0), "tensor w: 5 dimensions")
    invalid["invalid-ne-0"] = (info("w", [4, 0], 0, 0), "tensor w: ne[1] is 0")
    invalid["invalid-ne-overflow"] = (info("w", [2**32, 2**32], 0, 0), "tensor w: the element count overflows")
    invalid["invalid-ggml-type"] = (info("w", [256], 14, 0, tail=210), "tensor w: unknown ggml type 14")
    invalid["invalid-block-multiple"] = (info("w", [33], 2, 0), "ne[0] = 33 is not a multiple of the block size 32")
    invalid["invalid-misaligned"] = (info("w", [4], 0, 4), "tensor w: offset 4 is not a multiple of the alignment 32")
    invalid["invalid-data-past-end"] = (info("w", [32], 0, 0), "tensor w: data at offset 0 of 128 bytes runs past")
    invalid["invalid-offset-huge"] = (info("w", [4], 0, 2**64 - 32), "tensor w: data at offset 18446744073709551584")
    invalid["invalid-overlap"] = (gguf([], [("a", [16], "f32"), ("b", [16], "f32")], offsets=[0, 32]),
                                  "tensors a and b overlap")
    invalid["invalid-duplicate-tensor"] = (gguf([], [("w", [4], "f32"), ("w", [4], "f32")]),
                                           "tensor w: duplicate tensor name")
    invalid["invalid-data-section"] = (
        gguf([kv("general.alignment", U32, 2**20)], [("w", [4], "f32")], alignment=1)[:200],
        "data section: starts at offset 1048576")
    return valid, invalid


def main():
    os.makedirs(CORPUS, exist_ok=True)
    valid, invalid = corpus()
    files = dict(valid)
    files.update({name: b for name, (b, _) in invalid.items()})
    # Remove stale generated seeds, but keep the regressions the fuzzer found.
    for name in os.listdir(CORPUS):
        if (name.startswith("valid-") or name.startswith("invalid-")) and name not in files:
            os.remove(os.path.join(CORPUS, name))
    for name, b in sorted(files.items()):
        with open(os.path.join(CORPUS, name), "wb") as f:
            f.write(b)
    with open(EXPECTED, "w", encoding="utf-8") as f:
        f.write("# Written by make_gguf_corpus.py: an invalid seed, a tab, the text its refusal contains.\n")
        for name, (_, message) in sorted(invalid.items()):
            f.write(f"{name}\t{message}\n")
    print(f"wrote {len(files)} seeds to {CORPUS}", file=sys.stderr)


if __name__ == "__main__":
    main()
