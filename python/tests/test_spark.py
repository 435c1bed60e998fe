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
    spark.stop()
