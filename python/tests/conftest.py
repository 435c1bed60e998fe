"""Shared fixtures: the repository's sample pages, a small crawl made from
the dev-set pages, and the chaff binary's output as the reference."""

from __future__ import annotations

import json
import os
import random
import subprocess
from pathlib import Path
from typing import List

import pytest

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "tests" / "fixtures" / "seeds"
DEVSET = ROOT / "tests" / "fixtures" / "devset" / "pages"


def chaff_binary() -> Path:
    """The chaff binary (CHAFF_BIN, else target/release/chaff)."""
    path = Path(os.environ.get("CHAFF_BIN", ROOT / "target" / "release" / "chaff"))
    if not path.exists():
        pytest.skip(f"{path} is not built (cargo build --release --bin chaff)")
    return path


def run_binary(inputs: List[Path], out_dir: Path, *flags: str) -> tuple:
    """Clean JSONL and report bytes of the chaff binary on `inputs`."""
    out_dir.mkdir(parents=True, exist_ok=True)
    clean, report = out_dir / "clean.jsonl", out_dir / "report.jsonl"
    subprocess.run(
        [str(chaff_binary()), *map(str, inputs), "--output", str(clean), "--report", str(report), "--quiet", *flags],
        check=True,
        stdin=subprocess.DEVNULL,
    )
    return clean.read_bytes(), report.read_bytes()


@pytest.fixture(scope="session")
def crawl(tmp_path_factory) -> List[Path]:
    """Three JSONL files and a directory of .txt pages: the dev-set pages on
    six sites, some reposted exactly or with small edits on another site, a
    sentence on every page of one site (a site template), and records with
    extra fields."""
    rng = random.Random(16)
    pages = sorted(DEVSET.glob("*.txt"))[:60]
    texts = [p.read_text(encoding="utf-8") for p in pages]
    # Not a disclaimer (the shape rules drop those before site templates
    # see them), and placed after the page's longest line, inside the main
    # text (a line appended after the footer is outside it).
    template = "城市发展研究中心长期关注这座城市的交通、住房与公共服务，欢迎读者来信讨论。"
    records = []
    for i, (page, text) in enumerate(zip(pages, texts)):
        site = f"site{i % 6}.example.cn"
        if i % 6 == 0:
            lines = text.split("\n")
            longest = max(range(len(lines)), key=lambda j: len(lines[j]))
            lines.insert(longest + 1, template)
            text = "\n".join(lines)
        records.append({"id": page.stem, "url": f"https://{site}/{i}.html", "text": text, "lang": "und"})
        if rng.random() < 0.3:
            edited = text.replace("，", ",").replace("。", ".", 3)
            lines = edited.split("\n")
            if len(lines) > 4:
                lines[2], lines[3] = lines[3], lines[2]
            records.append({"id": f"{page.stem}-repost", "url": f"https://mirror.example.com/{i}", "text": "\n".join(lines)})
    root = tmp_path_factory.mktemp("crawl")
    files = []
    for k in range(3):
        path = root / f"part-{k}.jsonl"
        with open(path, "w", encoding="utf-8") as f:
            for r in records[k::3]:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")
        files.append(path)
    return files + [SEEDS]
