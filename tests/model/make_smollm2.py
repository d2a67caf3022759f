#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""CTest fixture: converts the shared SmolLM2-135M-Instruct GGUF into a Hugging Face folder in the
build tree once, with ../shared/tools/smollm2_to_hf.py, written under a temporary name and renamed.
A complete folder is kept. Without transformers/gguf in this Python it prints why and exits 0:
the tests that need the folder skip (exit 77) when it is missing."""
import argparse
import os
import shutil
import subprocess
import sys

FILES = ["config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json"]


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--shared", required=True)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    if all(os.path.isfile(os.path.join(a.out, f)) for f in FILES):
        print(f"{a.out}: already converted")
        return 0
    try:
        import gguf  # noqa: F401
        import transformers  # noqa: F401
    except ImportError as e:
        print(f"SKIP: this Python lacks the converter's packages ({e}); run installer/bootstrap.sh")
        return 0
    tmp = a.out + ".partial"
    shutil.rmtree(tmp, ignore_errors=True)
    gguf_file = os.path.join(a.shared, "models/smollm2-135m-instruct-q4_1/SmolLM2-135M-Instruct.Q4_1.gguf")
    subprocess.run([sys.executable, os.path.join(a.shared, "tools/smollm2_to_hf.py"), gguf_file, tmp], check=True)
    shutil.copy(os.path.join(a.shared, "models/smollm2-135m-instruct-q4_1/LICENSE"), tmp)
    shutil.rmtree(a.out, ignore_errors=True)
    os.replace(tmp, a.out)
    print(f"wrote {a.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
