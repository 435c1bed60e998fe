"""chaff on Spark in local mode: output and report byte-identical to the
library's and the chaff binary's, for 1, 3 and 8 shuffle partitions, with
adaptive execution on and off, and when a task fails once and is retried."""

from __future__ import annotations

import os
import sys

import pytest

pyspark = pytest.importorskip("pyspark")

import chaff  # noqa: E402
import chaff.spark  # noqa: E402
from conftest import SEEDS, run_binary  # noqa: E402


def library_bytes(inputs, site_templates=False):
    cleaner = chaff.Cleaner()
    records = chaff.read_documents(inputs)
    if site_templates:
        cleaner.set_site_templates(cleaner.learn_site_templates(records))
    results = list(cleaner.clean(records))
    return "".join(r.to_json() for r in results).encode(), "".join(r.report_json() for r in results).encode()


def spark_bytes(spark, inputs, out, **options):
    summary = chaff.spark.clean(spark, inputs, out, **options)
    chaff.spark.concatenate(out, out / "all.jsonl", out / "all-report.jsonl")
    return (out / "all.jsonl").read_bytes(), (out / "all-report.jsonl").read_bytes(), summary


@pytest.fixture(scope="module")
def spark():
    session = chaff.spark.session("local[2]", app="chaff-tests")
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def expected(crawl, tmp_path_factory):
    out = tmp_path_factory.mktemp("expected")
    binary = run_binary(crawl, out / "bin", "--site-templates")
    assert binary == library_bytes(crawl, site_templates=True)
    plain = run_binary(crawl, out / "plain")
    assert plain == library_bytes(crawl)
    return {"templates": binary, "plain": plain}


@pytest.mark.parametrize("adaptive", ["true", "false"])
@pytest.mark.parametrize("partitions", [1, 3, 8])
def test_spark_matches_the_library_and_the_binary(spark, crawl, expected, tmp_path, partitions, adaptive):
    spark.conf.set("spark.sql.shuffle.partitions", str(partitions))
    spark.conf.set("spark.sql.adaptive.enabled", adaptive)
    clean, report, summary = spark_bytes(spark, crawl, tmp_path / "out", site_templates=True)
    assert (clean, report) == expected["templates"]
    assert summary["dropped"]["site_template"] > 0
    assert summary["dropped"]["near_duplicate"] > 0
    assert summary["documents"] == clean.count(b"\n")


def test_spark_without_templates_and_empty_partitions(spark, crawl, expected, tmp_path):
    spark.conf.set("spark.sql.shuffle.partitions", "8")
    spark.conf.set("spark.sql.adaptive.enabled", "false")
    clean, report, _ = spark_bytes(spark, crawl, tmp_path / "out", partitions=50)
    assert (clean, report) == expected["plain"]


def test_sentence_trimming_is_refused(spark, tmp_path):
    with pytest.raises(chaff.ConfigError, match="trim_repeated_sentences"):
        chaff.spark.clean(spark, [SEEDS], tmp_path / "out", config={"dedup": {"trim_repeated_sentences": True}})


def test_a_second_run_into_the_same_output_is_refused_or_replaces_it(spark, crawl, tmp_path):
    spark.conf.set("spark.sql.adaptive.enabled", "true")
    out = tmp_path / "out"
    chaff.spark.clean(spark, crawl[:3], out, partitions=2)
    assert len(os.listdir(out / "clean")) == 3
    with pytest.raises(chaff.ChaffError, match="not empty"):
        chaff.spark.clean(spark, crawl[0], out, partitions=2)
    lines = []
    summary = chaff.spark.clean(spark, crawl[0], out, partitions=2, overwrite=True, progress=lines.append)
    assert sorted(os.listdir(out / "clean")) == ["part-00000.jsonl"]
    assert any("1 input files" in line and "2 shuffle partitions" in line for line in lines)
    assert lines[-1].startswith("done in ")
    expected = run_binary([crawl[0]], tmp_path / "bin")
    # A stale part that the run did not write is not joined.
    (out / "clean" / "part-00001.jsonl").write_text('{"id": "stale"}\n', encoding="utf-8")
    chaff.spark.concatenate(out, tmp_path / "c.jsonl", tmp_path / "r.jsonl")
    assert ((tmp_path / "c.jsonl").read_bytes(), (tmp_path / "r.jsonl").read_bytes()) == expected
    assert summary["documents"] == expected[0].count(b"\n")
    with pytest.raises(chaff.ChaffError, match="would write over an input"):
        chaff.spark.concatenate(out, crawl[0])


def test_the_output_may_not_hold_an_input_or_lie_in_an_input_directory(spark, crawl, tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "a.jsonl").write_bytes(crawl[0].read_bytes())
    with pytest.raises(chaff.ChaffError, match="inside the input directory"):
        chaff.spark.clean(spark, [inputs], inputs / "out")
    with pytest.raises(chaff.ChaffError, match="holds the input"):
        chaff.spark.clean(spark, [inputs / "a.jsonl"], inputs, overwrite=True)
    assert sorted(os.listdir(inputs)) == ["a.jsonl"]
    with pytest.raises(TypeError, match="path"):
        chaff.spark.clean(spark, [3], tmp_path / "out")  # type: ignore[list-item]
    with pytest.raises(chaff.NotFoundError):
        chaff.spark.clean(spark, tmp_path / "missing.jsonl", tmp_path / "out")
    with pytest.raises(TypeError, match="site_template"):
        chaff.spark.clean(spark, crawl[0], tmp_path / "out", site_template=True)  # type: ignore[call-arg]


def test_default_partitions_follow_the_input_unless_set(spark, crawl, monkeypatch):
    spark.conf.unset("spark.sql.shuffle.partitions")
    try:
        cores = spark.sparkContext.defaultParallelism
        assert chaff.spark.default_partitions(spark, [crawl[0]]) == cores
        big = chaff.spark.BYTES_PER_PARTITION * (cores + 2) + 1
        real = os.path.getsize
        monkeypatch.setattr(os.path, "getsize", lambda p: big if p == "big" else real(p))
        assert chaff.spark.default_partitions(spark, ["big"]) == cores + 3
        monkeypatch.undo()
        spark.conf.set("spark.sql.shuffle.partitions", "5")
        assert chaff.spark.default_partitions(spark, [crawl[0]]) == 5
    finally:
        spark.conf.set("spark.sql.shuffle.partitions", "8")


def test_a_failed_task_is_retried_with_the_same_output(spark, crawl, expected, tmp_path):
    spark.stop()
    retrying = chaff.spark.session("local[2,2]", app="chaff-retry")  # two attempts per task
    retrying.sparkContext.setLogLevel("FATAL")
    try:
        marker = tmp_path / "failed-once"
        clean, report, _ = spark_bytes(retrying, crawl, tmp_path / "out", site_templates=True, _fail_once=marker)
        assert marker.exists(), "the failure was injected"
        assert (clean, report) == expected["templates"]
    finally:
        retrying.stop()


def test_a_bad_record_stops_the_job_with_its_path_and_line(tmp_path):
    from pyspark.sql import SparkSession

    spark = SparkSession.getActiveSession() or chaff.spark.session("local[2]", app="chaff-errors")
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a", "text": "一"}\nnot json\n', encoding="utf-8")
    with pytest.raises(chaff.RecordError) as err:
        chaff.spark.clean(spark, [bad], tmp_path / "out")
    first = len("{\"id\": \"a\", \"text\": \"一\"}\n".encode())
    assert err.value.path == str(bad) and err.value.line == 2 and err.value.byte_offset == first
    summary = chaff.spark.clean(spark, [bad], tmp_path / "out2", skip_bad_records=True)
    assert summary["documents"] == 1
    assert summary["records_skipped"] == 1
    spark.stop()
