# SPDX-License-Identifier: GPL-3.0-or-later
"""The end of a quality benchmark: its JSON written under a temporary name and renamed, the
failed checks printed, the exit code (1 when a check failed)."""
import json
import os


def finish(path, record, failures):
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path + ".tmp", "w") as f:
        json.dump({**record, "failures": failures}, f, indent=2)
    os.replace(path + ".tmp", path)
    print(f"wrote {path}")
    for msg in failures:
        print("FAIL:", msg)
    return 1 if failures else 0
