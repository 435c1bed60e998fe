"""chaff on Spark: the pipeline as engine-free Rust stages driven from
PySpark, with output and report byte-identical to one :class:`chaff.Cleaner`
(and to the example binary) over the same inputs in the same order, for any
number of partitions, with adaptive execution on or off, and when tasks are
retried.

::

    from pyspark.sql import SparkSession
    import chaff.spark

    spark = SparkSession.builder.master("local[2]").getOrCreate()
    summary = chaff.spark.clean(spark, ["crawl/"], "out/", site_templates=True)
    chaff.spark.concatenate("out/", "clean.jsonl", "report.jsonl")

or from the shell: ``python -m chaff.spark crawl/ --output out/ --clean clean.jsonl``.

The stages (``chaff::distributed`` in the Rust crate documents each):

1. **map** (``mapInArrow`` over the input list, whole files per task, as
   cc-pyspark does): read, split, normalize, boilerplate rules, fingerprint.
   The text goes to a staging file per input file, once; only fingerprints,
   keys and ids cross the wire.
2. **templates** (``groupBy(site, key)`` page counts joined with the pages
   per site; the library's thresholds): template paragraphs leave dedup
   (``left_anti`` join) and are dropped at apply.
3. **exact**: paragraphs with one exact key are one node.
4. **near candidates**: the buckets (MinHash band keys, half keys of short
   paragraphs) every paragraph owns and every node looks up (the
   library's), ``repartition(bucket)`` + ``sortWithinPartitions(bucket,
   looks_up, file, record, paragraph)``; each bucket's members are its
   first ``BUCKET_CAP`` owners in input order, as in the library, and every
   lookup is paired with them (``distinct`` pairs).
5. **verify**: candidate pairs joined with both paragraph rows (their
   sketches), checked by the library's own tests.
6. **components** of the verified pairs (one task: union-find over edges).
7. **resolve**: ``repartition(component)`` + ``sortWithinPartitions(component,
   kind, file, record, paragraph)``; each component is walked in the global
   order ``(file, record, paragraph)`` exactly as the Cleaner walks its input.
8. **apply**: per input file, its staging file and its verdicts give
   ``clean/part-NNNNN.jsonl`` and ``report/part-NNNNN.jsonl``; their
   concatenation in file order is the Cleaner's output.

The input order is the order of ``inputs``, directories walked in name
order, as the chaff binary reads them. Sentence trimming
(``dedup.trim_repeated_sentences``) cannot be decided this way and is
refused (:class:`chaff.ConfigError`).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sys
from typing import Any, Dict, Iterable, Iterator, List, Optional, Sequence, Union

import pyarrow as pa

from . import Config, ConfigLike, _chaff

__all__ = ["clean", "concatenate", "session"]

PathLike = Union[str, "os.PathLike[str]"]


def _spark_types():
    from pyspark.sql import types as T

    mapped = T.StructType(
        [
            T.StructField("kind", T.ByteType(), False),
            T.StructField("file", T.IntegerType(), False),
            T.StructField("record", T.IntegerType(), False),
            T.StructField("paragraph", T.IntegerType(), False),
            T.StructField("site", T.LongType(), False),
            T.StructField("key", T.LongType(), False),
            T.StructField("exact", T.LongType(), False),
            T.StructField("simhash", T.LongType(), False),
            T.StructField("shingles", T.IntegerType(), False),
            T.StructField("near", T.BooleanType(), False),
            T.StructField("probe", T.BinaryType(), False),
            T.StructField("id", T.StringType(), False),
        ]
    )
    templates = "site long, key long, pages long, site_pages long"
    keyed = "bucket long, looks_up boolean, file int, record int, paragraph int, exact long"
    candidates = "query long, earlier long, band boolean"
    edges = "query long, earlier long, distance int, similarity double, band boolean"
    components = "node long, component long"
    duplicates = (
        "file int, record int, paragraph int, of_file int, of_record int, of_paragraph int, "
        "exact boolean, distance int, similarity double"
    )
    summaries = "file int, summary string"
    return mapped, templates, keyed, candidates, edges, components, duplicates, summaries


def _conform(batch: pa.RecordBatch, schema: Optional[pa.Schema]) -> pa.RecordBatch:
    """The batch with the column types Spark expects (it may ask for large
    string and binary types)."""
    if schema is None or batch.schema.equals(schema):
        return batch
    return pa.RecordBatch.from_arrays(
        [batch.column(i).cast(field.type) for i, field in enumerate(schema)], schema=schema
    )


def session(master: str = "local[2]", app: str = "chaff", **conf: str):
    """A SparkSession whose Python workers run this interpreter (so they
    import this ``chaff``), with Arrow on. ``conf`` keys use ``_`` for ``.``
    after ``spark_``: ``session(spark_sql_shuffle_partitions="8")``."""
    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = SparkSession.builder.master(master).appName(app)
    builder = builder.config("spark.sql.execution.arrow.pyspark.enabled", "true")
    builder = builder.config("spark.ui.showConsoleProgress", "false")
    for key, value in conf.items():
        builder = builder.config(key.replace("_", ".") if key.startswith("spark_") else key, str(value))
    return builder.getOrCreate()


def _part(directory: str, file: int) -> str:
    return os.path.join(directory, f"part-{file:05d}.jsonl")


def clean(
    spark: Any,
    inputs: Sequence[PathLike],
    output: PathLike,
    **options: Any,
) -> Dict[str, Any]:
    """Cleans ``inputs`` on ``spark`` into the directory ``output``:
    ``clean/part-NNNNN.jsonl`` and (with ``report``) ``report/part-NNNNN.jsonl``
    per input file, ``summary.json`` (the counts). Returns the summary.

    Options: ``config`` (a :class:`chaff.Config`, dict or JSON),
    ``site_templates``, ``report`` (default True), ``paragraphs`` and
    ``drop_empty`` (as the chaff binary's ``--paragraphs`` and
    ``--drop-empty``), ``lossy``, ``skip_bad_records``, ``partitions`` (of
    every shuffle; default ``spark.sql.shuffle.partitions``; the output does
    not depend on it), ``staging`` (default ``OUTPUT/_staging``, which
    every executor must reach: a shared file system on a cluster).

    An error of chaff in a task (a malformed record, invalid UTF-8, a file
    that cannot be read) is raised here as the same :class:`chaff.ChaffError`
    subclass, with ``path``, ``line`` and ``byte_offset`` read from its
    message; the Spark exception is its ``__cause__``.
    """
    try:
        return _clean(spark, inputs, output, **options)
    except _chaff.ChaffError:
        raise
    except Exception as e:  # a task's error, wrapped by Spark
        found = _TASK_ERROR.search(str(e))
        if not found:
            raise
        kind, message = found.group(1), found.group(2).strip()
        error = getattr(_chaff, kind, _chaff.ChaffError)(message)
        where = _WHERE.match(message)
        error.path = where.group(1) if where else None
        error.line = int(where.group(2)) if where and where.group(2) else None
        offset = _OFFSET.search(message)
        error.byte_offset = int(offset.group(1)) if offset else None
        raise error from e


_TASK_ERROR = re.compile(r"(?m)^(?:chaff\._chaff\.|_chaff\.)(\w+Error): (.*)$")
_WHERE = re.compile(r"^(.+?):(?:(\d+):)? ")
_OFFSET = re.compile(r"at byte offset (\d+)")


def _clean(
    spark: Any,
    inputs: Sequence[PathLike],
    output: PathLike,
    *,
    config: ConfigLike = None,
    site_templates: bool = False,
    report: bool = True,
    paragraphs: bool = False,
    drop_empty: bool = False,
    lossy: bool = False,
    skip_bad_records: bool = False,
    partitions: Optional[int] = None,
    staging: Optional[PathLike] = None,
    _fail_once: Optional[PathLike] = None,
) -> Dict[str, Any]:
    from pyspark import StorageLevel
    from pyspark.sql import functions as F

    cfg = config if isinstance(config, Config) else Config(config)
    if cfg["dedup"]["trim_repeated_sentences"]:
        raise _chaff.ConfigError(
            "invalid configuration: dedup.trim_repeated_sentences is not supported on Spark: "
            "clean with one chaff.Cleaner to trim sentences"
        )
    cj = cfg.to_json()
    files = [os.path.abspath(str(p)) for p in _chaff.input_files([str(p) for p in inputs])]
    if not files:
        raise _chaff.ChaffError("no input files")
    output = os.path.abspath(str(output))
    staging = os.path.abspath(str(staging)) if staging else os.path.join(output, "_staging")
    clean_dir, report_dir = os.path.join(output, "clean"), os.path.join(output, "report")
    for d in (staging, clean_dir) + ((report_dir,) if report else ()):
        os.makedirs(d, exist_ok=True)
    n = int(partitions or spark.conf.get("spark.sql.shuffle.partitions"))
    (MAPPED, TEMPLATES, KEYED, CANDIDATES, EDGES, COMPONENTS, DUPLICATES, SUMMARIES) = _spark_types()
    fail_once = os.path.abspath(str(_fail_once)) if _fail_once else None

    # 1. map: whole files per task
    file_rows = [(i, path) for i, path in enumerate(files)]
    file_df = spark.createDataFrame(file_rows, "file int, path string").repartition(
        max(1, min(len(files), n)), "file"
    )

    def map_fn(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in batches:
            for file, path in zip(batch.column("file").to_pylist(), batch.column("path").to_pylist()):
                if fail_once and file == 0 and not os.path.exists(fail_once):
                    open(fail_once, "w").close()
                    raise RuntimeError("chaff.spark: injected task failure (test)")
                rows, _skipped = _chaff.map_file(
                    cj, file, path, os.path.join(staging, f"{file:05d}.staged"), lossy, skip_bad_records
                )
                yield rows

    mapped = file_df.mapInArrow(map_fn, MAPPED).persist(StorageLevel.MEMORY_AND_DISK)
    docs = mapped.where("kind = 0").select("file", "record", "site", "id")
    paras = mapped.where("kind = 2").select(
        "file", "record", "paragraph", "site", "key", "exact", "simhash", "shingles", "near", "probe"
    )

    # 2. templates
    template_batches: List[pa.RecordBatch] = []
    if site_templates:
        page_keys = mapped.where("kind = 1").groupBy("site", "key").agg(F.count(F.lit(1)).alias("pages"))
        site_pages = docs.groupBy("site").agg(F.count(F.lit(1)).alias("site_pages"))
        counts = page_keys.join(site_pages, "site").select("site", "key", "pages", "site_pages")
        found = counts.mapInArrow(lambda it: (_chaff.template_rows(cj, b) for b in it), TEMPLATES).collect()
        rows = [(r["site"], r["key"], r["pages"], r["site_pages"]) for r in found]
        template_batches = [
            pa.RecordBatch.from_arrays(
                [pa.array([r[i] for r in rows], pa.int64()) for i in range(4)],
                names=["site", "key", "pages", "site_pages"],
            )
        ]
        if rows:
            templ_df = spark.createDataFrame([(r[0], r[1]) for r in rows], "site long, key long")
            paras = paras.join(F.broadcast(templ_df), ["site", "key"], "left_anti")

    # 3-5. exact nodes, near candidates by bucket, verify
    near_rows = paras.where("near")
    located = near_rows.select("file", "record", "paragraph", "exact", "probe")
    owners = located.mapInArrow(lambda it: (_chaff.candidate_rows(b, False) for b in it), KEYED)
    nodes = located.dropDuplicates(["exact"])
    lookups = nodes.mapInArrow(lambda it: (_chaff.candidate_rows(b, True) for b in it), KEYED)

    def near_fn(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        finder = _chaff.NearCandidates(cj)
        for batch in batches:
            out = finder.push(batch)
            if out.num_rows:
                yield out
        yield finder.finish()

    candidates = (
        owners.unionByName(lookups)
        .repartition(n, "bucket")
        .sortWithinPartitions("bucket", "looks_up", "file", "record", "paragraph")
        .mapInArrow(near_fn, CANDIDATES)
        .distinct()
    )
    probes = nodes.select("exact", "probe")

    def side(prefix: str):
        return probes.select(F.col("exact").alias(prefix), F.col("probe").alias(f"{prefix}_probe"))

    pairs = candidates.join(side("query"), "query").join(side("earlier"), "earlier")
    edges = pairs.mapInArrow(lambda it: (_chaff.verify(cj, b) for b in it), EDGES).persist(
        StorageLevel.MEMORY_AND_DISK
    )

    # 6. components, in one task
    def components_fn(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        yield _chaff.components(list(batches))

    comps = (
        edges.select(F.col("query").alias("a"), F.col("earlier").alias("b"))
        .coalesce(1)
        .mapInArrow(components_fn, COMPONENTS)
    )

    # 7. resolve, per component in the global order
    paragraph_rows = paras.join(comps, paras.exact == comps.node, "left").select(
        F.coalesce(F.col("component"), F.col("exact")).alias("component"),
        F.lit(1).cast("byte").alias("kind"),
        "file",
        "record",
        "paragraph",
        "exact",
        F.lit(0).cast("long").alias("a"),
        F.lit(0).cast("long").alias("b"),
        F.lit(0).alias("distance"),
        F.lit(0.0).alias("similarity"),
        F.lit(False).alias("band"),
        "near",
    )
    edge_rows = edges.join(comps, edges.query == comps.node).select(
        "component",
        F.lit(0).cast("byte").alias("kind"),
        F.lit(0).alias("file"),
        F.lit(0).alias("record"),
        F.lit(0).alias("paragraph"),
        F.lit(0).cast("long").alias("exact"),
        F.col("query").alias("a"),
        F.col("earlier").alias("b"),
        "distance",
        "similarity",
        "band",
        F.lit(False).alias("near"),
    )

    def resolve_fn(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        resolver = _chaff.Resolver(cj)
        for batch in batches:
            out = resolver.push(batch)
            if out.num_rows:
                yield out
        yield resolver.finish()

    verdicts = (
        paragraph_rows.unionByName(edge_rows)
        .repartition(n, "component")
        .sortWithinPartitions("component", "kind", "file", "record", "paragraph")
        .mapInArrow(resolve_fn, DUPLICATES)
    )

    # 8. apply, per input file, with the kept paragraph's document id
    origin = docs.select(
        F.col("file").alias("of_file"), F.col("record").alias("of_record"), F.col("id").alias("of_id")
    )
    decided = verdicts.join(origin, ["of_file", "of_record"]).select(
        "file",
        F.lit(1).cast("byte").alias("kind"),
        "record",
        "paragraph",
        "of_id",
        "of_paragraph",
        "exact",
        "distance",
        "similarity",
    )
    markers = spark.createDataFrame(
        [(i,) for i in range(len(files))], "file int"
    ).select(
        "file",
        F.lit(0).cast("byte").alias("kind"),
        F.lit(0).alias("record"),
        F.lit(0).alias("paragraph"),
        F.lit("").alias("of_id"),
        F.lit(0).alias("of_paragraph"),
        F.lit(False).alias("exact"),
        F.lit(0).alias("distance"),
        F.lit(0.0).alias("similarity"),
    )
    want_report = report

    def apply_fn(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        current: Optional[int] = None
        pending: List[pa.RecordBatch] = []
        done: List[tuple] = []

        def flush() -> None:
            if current is None:
                return
            summary = _chaff.apply_file(
                os.path.join(staging, f"{current:05d}.staged"),
                pending,
                template_batches,
                _part(clean_dir, current),
                _part(report_dir, current) if want_report else None,
                paragraphs,
                drop_empty,
            )
            done.append((current, summary))

        for batch in batches:
            column = batch.column("file").to_pylist()
            start = 0
            while start < len(column):
                file = column[start]
                end = start
                while end < len(column) and column[end] == file:
                    end += 1
                if file != current:
                    flush()
                    current, pending = file, []
                piece = batch.slice(start, end - start)
                kinds = piece.column("kind").to_pylist()
                if any(kinds):
                    pending.append(piece.filter(pa.array([k == 1 for k in kinds])))
                start = end
        flush()
        yield pa.RecordBatch.from_arrays(
            [pa.array([f for f, _ in done], pa.int32()), pa.array([s for _, s in done], pa.string())],
            names=["file", "summary"],
        )

    summaries = (
        markers.unionByName(decided)
        .repartition(n, "file")
        .sortWithinPartitions("file", "kind")
        .mapInArrow(apply_fn, SUMMARIES)
        .collect()
    )
    mapped.unpersist()
    edges.unpersist()
    got = sorted(r["file"] for r in summaries)
    if got != list(range(len(files))):
        raise _chaff.StageError(f"distributed stage: apply wrote {len(got)} files of {len(files)}")
    summary = json.loads(_chaff.merge_summaries([r["summary"] for r in sorted(summaries, key=lambda r: r["file"])]))
    with open(os.path.join(output, "summary.json.partial"), "w", encoding="utf-8") as f:
        json.dump({"files": files, "config": cfg.to_dict(), "summary": summary}, f, ensure_ascii=False, indent=1)
        f.write("\n")
    os.replace(os.path.join(output, "summary.json.partial"), os.path.join(output, "summary.json"))
    shutil.rmtree(staging, ignore_errors=True)
    return summary


def concatenate(output: PathLike, clean_path: Optional[PathLike] = None, report_path: Optional[PathLike] = None) -> None:
    """Joins the per-file parts of a :func:`clean` output, in input order,
    into one clean JSONL and one report JSONL (each written under
    ``NAME.partial`` and renamed when complete)."""
    output = str(output)
    for sub, target in (("clean", clean_path), ("report", report_path)):
        if target is None:
            continue
        directory = os.path.join(output, sub)
        parts = sorted(p for p in os.listdir(directory) if p.startswith("part-") and p.endswith(".jsonl"))
        partial = f"{target}.partial"
        with open(partial, "wb") as out:
            for part in parts:
                with open(os.path.join(directory, part), "rb") as f:
                    shutil.copyfileobj(f, out)
        os.replace(partial, str(target))


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m chaff.spark", description="Clean inputs on Spark with chaff.")
    parser.add_argument("inputs", nargs="+", help=".txt pages, directories of them, JSONL, WARC/WET (.gz/.zst)")
    parser.add_argument("--output", required=True, help="output directory (clean/, report/, summary.json)")
    parser.add_argument("--clean", help="also join the clean parts into this JSONL file")
    parser.add_argument("--report", help="also join the report parts into this JSONL file")
    parser.add_argument("--config", help="configuration JSON file")
    parser.add_argument("--site-templates", action="store_true")
    parser.add_argument("--paragraphs", action="store_true", help='add "paragraphs" to each record')
    parser.add_argument("--drop-empty", action="store_true", help="no record for a document with nothing kept")
    parser.add_argument("--lossy", action="store_true")
    parser.add_argument("--skip-bad-records", action="store_true")
    parser.add_argument("--master", default=os.environ.get("SPARK_MASTER", "local[2]"))
    parser.add_argument("--partitions", type=int)
    args = parser.parse_args(argv)
    config = Config(open(args.config, encoding="utf-8").read()) if args.config else Config()
    spark = session(args.master)
    try:
        summary = clean(
            spark,
            args.inputs,
            args.output,
            config=config,
            site_templates=args.site_templates,
            paragraphs=args.paragraphs,
            drop_empty=args.drop_empty,
            lossy=args.lossy,
            skip_bad_records=args.skip_bad_records,
            partitions=args.partitions,
        )
    finally:
        spark.stop()
    concatenate(args.output, args.clean, args.report)
    print(json.dumps(summary, ensure_ascii=False), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
