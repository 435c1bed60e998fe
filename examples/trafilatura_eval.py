#!/usr/bin/env python3
"""Runs trafilatura on the dev set's HTML pages, in name order, and writes
JSONL for tests/fixtures/gold/score.py (one paragraph per output line), with
its throughput in MB of HTML per CPU-second, the counterpart of
`examples/html_eval.rs`.

    python3 -m venv /work/venv-html && /work/venv-html/bin/pip install trafilatura
    /work/venv-html/bin/python examples/trafilatura_eval.py [PAGES_DIR] [OUT.jsonl]

Settings: trafilatura's defaults except include_comments=False (comments
are boilerplate in the gold) and deduplicate=True (chaff deduplicates too).
"""
import gzip
import json
import sys
import time
from pathlib import Path

import trafilatura


def main():
    pages = Path(sys.argv[1] if len(sys.argv) > 1 else "tests/fixtures/devset/pages")
    out = sys.argv[2] if len(sys.argv) > 2 else "/tmp/trafilatura.jsonl"
    paths = sorted(p for p in pages.iterdir()
                   if p.name.endswith(".html") or p.name.endswith(".html.gz"))
    docs = []
    for p in paths:
        data = p.read_bytes()
        if p.name.endswith(".gz"):
            data = gzip.decompress(data)
        stem = p.name[: -len(".html.gz")] if p.name.endswith(".gz") else p.stem
        docs.append((stem + ".txt", data))
    total = sum(len(d) for _, d in docs)
    cpu = time.process_time()
    wall = time.perf_counter()
    with open(out, "w", encoding="utf-8") as f:
        for name, data in docs:
            text = trafilatura.extract(data, include_comments=False, deduplicate=True) or ""
            paragraphs = [l.strip() for l in text.split("\n") if l.strip()]
            f.write(json.dumps({"id": name, "paragraphs": paragraphs}, ensure_ascii=False) + "\n")
    cpu = time.process_time() - cpu
    wall = time.perf_counter() - wall
    print(f"{len(docs)} pages, {total / 1e6:.1f} MB of HTML: {cpu:.2f} CPU-s, {wall:.2f} s; "
          f"{total / 1e6 / cpu:.2f} MB/s per core", file=sys.stderr)


if __name__ == "__main__":
    main()
