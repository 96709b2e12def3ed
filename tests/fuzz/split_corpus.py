#!/usr/bin/env python3
"""Splits the protocol fixtures (JSON arrays) into one seed file per message, and copies
the server configs, so the libFuzzer targets start from every valid shape of the contract.
Usage: split_corpus.py TESTDATA_DIR OUT_DIR"""
import json
import pathlib
import sys

data, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
for name, src in (("requests", "protocol/requests.json"),
                  ("server_messages", "protocol/server-messages.json")):
    d = out / name
    d.mkdir(parents=True, exist_ok=True)
    items = json.loads((data / src).read_text(encoding="utf-8"))
    for i, item in enumerate(items):
        (d / f"seed-{i:03d}.json").write_text(
            json.dumps(item, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
d = out / "config"
d.mkdir(parents=True, exist_ok=True)
for f in sorted((data / "server").glob("*.json")):
    (d / f.name).write_bytes(f.read_bytes())
