"""`python -m chaff.spark` before Spark starts: mistakes are one `chaff: …`
line and exit status 2, as the chaff command's, never a traceback; every
option has help."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

pytest.importorskip("pyarrow")

import chaff.spark  # noqa: E402
from conftest import SEEDS  # noqa: E402


def run(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "chaff.spark", *map(str, args)], capture_output=True, text=True, timeout=120, cwd=cwd
    )


def refused(done, *words):
    assert done.returncode == 2, done
    assert "Traceback" not in done.stderr
    assert done.stderr.startswith("chaff: "), done.stderr
    for word in words:
        assert word in done.stderr, (word, done.stderr)


def test_a_missing_or_bad_config_names_the_file(tmp_path):
    refused(run(SEEDS, "--output", tmp_path / "out", "--config", tmp_path / "nofile.json"), "--config", "nofile.json")
    bad = tmp_path / "badh.json"
    bad.write_text(json.dumps({"dedup": {"max_hamming": 99}}), encoding="utf-8")
    refused(run(SEEDS, "--output", tmp_path / "out", "--config", bad), "badh.json", "max_hamming 99")


def test_bad_inputs_and_outputs_are_refused_before_spark_starts(tmp_path):
    refused(run(tmp_path / "missing.jsonl", "--output", tmp_path / "out"), "missing.jsonl")
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "old.txt").write_text("x", encoding="utf-8")
    refused(run(SEEDS, "--output", busy), "not empty", "--overwrite")
    page = tmp_path / "page.txt"
    page.write_text("正文。\n", encoding="utf-8")
    refused(run(page, "--output", tmp_path / "out", "--clean", page), "--clean", "would write over")
    refused(run(SEEDS, "--output", tmp_path / "out", "--partitions", "0"), "--partitions")


def test_every_option_has_help():
    undocumented = [a.option_strings or a.dest for a in chaff.spark._parser()._actions if not a.help]
    assert undocumented == []
