#!/usr/bin/env python3
"""F1 / recall / precision of one or more score.py outputs per fold and
language of the dev set, the folds split by site (every page of a site in
the same fold): sites in order of first appearance, alternately fold A and
fold B.

    python3 examples/html_folds.py OUT.jsonl [OUT2.jsonl ...]

Run from the repository root. Standard library only.
"""
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

DEVSET = Path("tests/fixtures/devset")


def folds(manifest):
    sites, fold = [], {}
    for m in manifest:
        site = m["name"].split("_")[1]
        if site not in sites:
            sites.append(site)
        fold[m["name"]] = "A" if sites.index(site) % 2 == 0 else "B"
    return fold


def main():
    manifest = json.load(open(DEVSET / "MANIFEST.json", encoding="utf-8"))
    fold = folds(manifest)
    lang = {m["name"]: "zh" if m["language"] == "zh" else "other" for m in manifest}
    for out in sys.argv[1:]:
        res = subprocess.run([sys.executable, "tests/fixtures/gold/score.py", str(DEVSET / "gold"), out,
                              "--json"], capture_output=True, text=True, check=True)
        pages = json.loads(res.stdout)["pages"]
        print(out)
        print(f"{'fold':5s} {'lang':6s} {'pages':>5s} {'F1':>6s} {'recall':>6s} {'prec':>6s}")
        for f in ["A", "B", "A+B"]:
            for l in ["zh", "other", "all"]:
                s = Counter()
                n = 0
                for name, page in pages.items():
                    if (f == "A+B" or fold[name] == f) and (l == "all" or lang[name] == l):
                        n += 1
                        s.update({k: v for k, v in page.items() if isinstance(v, int)})
                r = s["content_recalled"] / s["gold_content"] if s["gold_content"] else 0
                p = s["correct"] / s["output"] if s["output"] else 0
                f1 = 2 * p * r / (p + r) if p + r else 0
                print(f"{f:5s} {l:6s} {n:5d} {f1:6.3f} {r:6.3f} {p:6.3f}")


if __name__ == "__main__":
    main()
