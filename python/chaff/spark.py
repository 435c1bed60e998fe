"""chaff on Spark: the pipeline as engine-free Rust stages driven from
PySpark, with output and report byte-identical to one :class:`chaff.Cleaner`
(and to the chaff command) over the same inputs in the same order, for any
number of partitions, with adaptive execution on or off, and when tasks are
retried.

::

    from pyspark.sql import SparkSession
    import chaff.spark

    spark = SparkSession.builder.master("local[2]").getOrCreate()
    summary = chaff.spark.clean(spark, ["crawl/"], "out/", site_templates=True)
    chaff.spark.concatenate("out/", "clean.jsonl", "report.jsonl")

or from the shell: ``python -m chaff.spark crawl/ --output out/ --clean clean.jsonl``.

The output directory must be empty or new (``overwrite=True``, or
``--overwrite``, replaces an earlier run's output in it); it may not hold
an input, nor lie inside an input directory. Every shuffle has
``partitions`` partitions: by default ``spark.sql.shuffle.partitions`` when
it is set, else one per 64 MiB of input files (on disk), at least
``spark.default.parallelism`` (see :func:`default_partitions`): Spark's own
default of 200 costs minutes of task overhead on small inputs.

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
order, as the chaff command reads them. Sentence trimming
(``dedup.trim_repeated_sentences``) cannot be decided this way and is
refused (:class:`chaff.ConfigError`).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import shutil
import sys
import time
from typing import Any, Callable, Dict, Iterable, Iterator, List, Optional, Sequence, Union

import pyarrow as pa

from . import ChaffError, Config, ConfigLike, _chaff, _paths
from . import PathLike as PathLike

__all__ = ["clean", "concatenate", "default_partitions", "session"]

#: Input bytes (on disk) per shuffle partition when the number is not given.
BYTES_PER_PARTITION = 64 << 20

#: What a run writes in its output directory.
_OUTPUTS = ("clean", "report", "summary.json", "summary.json.partial", "_staging")


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


def _error(kind: type, message: str, path: Optional[str] = None) -> Exception:
    """A chaff exception raised from Python, with ``path``, ``line`` and
    ``byte_offset`` set as the native ones are."""
    error: Exception = kind(message)
    error.path, error.line, error.byte_offset = path, None, None
    if isinstance(error, OSError):
        error.filename = path
    return error


def _within(path: str, directory: str) -> bool:
    """Whether ``path`` is ``directory`` or lies under it (both absolute)."""
    return path == directory or path.startswith(directory.rstrip(os.sep) + os.sep)


def _real(path: PathLike) -> str:
    return os.path.realpath(os.path.abspath(os.fspath(path)))


def _plan(inputs: Union[PathLike, Sequence[PathLike]], output: PathLike, overwrite: bool) -> List[str]:
    """The input files in order, after the checks on the output directory
    (before any Spark work): refuses an output that holds an input or lies
    in an input directory, and a non-empty one unless ``overwrite``, which
    then removes what an earlier run wrote there."""
    given = _paths(inputs, "inputs")
    files = [os.path.abspath(p) for p in _chaff.input_files(given)]
    if not files:
        raise _error(ChaffError, f"no input files in {', '.join(given)}")
    out = _real(output)
    for path in files:
        if _within(_real(path), out):
            raise _error(
                ChaffError,
                f"{output}: the output directory holds the input {path}; chaff never writes over its input",
                os.fspath(output),
            )
    for path in given:
        if os.path.isdir(path) and _within(out, _real(path)):
            raise _error(
                ChaffError,
                f"{output}: the output directory is inside the input directory {path}, "
                "so a later run would read it as input",
                os.fspath(output),
            )
    if os.path.exists(out) and not os.path.isdir(out):
        raise _error(ChaffError, f"{output}: the output is not a directory", os.fspath(output))
    if os.path.isdir(out) and os.listdir(out):
        if not overwrite:
            raise _error(
                ChaffError,
                f"{output}: the output directory is not empty; choose a new one, "
                "or overwrite=True (--overwrite) to replace an earlier run's output",
                os.fspath(output),
            )
        for name in _OUTPUTS:
            target = os.path.join(out, name)
            if os.path.isdir(target):
                shutil.rmtree(target)
            elif os.path.exists(target):
                os.remove(target)
    return files


def default_partitions(spark: Any, files: Sequence[PathLike]) -> int:
    """The shuffle partitions :func:`clean` uses when not told:
    ``spark.sql.shuffle.partitions`` if it was set, else one per
    :data:`BYTES_PER_PARTITION` (64 MiB) of input files on disk, and at
    least ``spark.default.parallelism`` (the cores of ``local[N]``)."""
    # With None for default, an unset key gives None, not Spark's 200.
    configured = spark.conf.get("spark.sql.shuffle.partitions", None)
    if configured:
        return int(configured)
    size = sum(os.path.getsize(os.fspath(f)) for f in files)
    return max(1, int(spark.sparkContext.defaultParallelism), math.ceil(size / BYTES_PER_PARTITION))


def clean(
    spark: Any,
    inputs: Union[PathLike, Sequence[PathLike]],
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
    overwrite: bool = False,
    progress: Optional[Callable[[str], None]] = None,
    _fail_once: Optional[PathLike] = None,
) -> Dict[str, Any]:
    """Cleans ``inputs`` (one path or a list: files, directories) on
    ``spark`` into the directory ``output``: ``clean/part-NNNNN.jsonl`` and
    (with ``report``) ``report/part-NNNNN.jsonl`` per input file,
    ``summary.json`` (the input files, the configuration, the counts).
    Returns the summary (the counts; with ``skip_bad_records``, also
    ``records_skipped``).

    - ``config``: a :class:`chaff.Config`, dict or JSON.
    - ``site_templates``: learn and drop site templates (the chaff
      command's ``--site-templates``).
    - ``report``: write the report parts (default True).
    - ``paragraphs``, ``drop_empty``: as the chaff command's
      ``--paragraphs`` and ``--drop-empty``.
    - ``lossy``: replace invalid UTF-8 instead of failing.
    - ``skip_bad_records``: skip malformed records (counted in
      ``records_skipped``) instead of failing.
    - ``partitions``: of every shuffle; default
      :func:`default_partitions`. The output does not depend on it.
    - ``staging``: where the text waits between map and apply (default
      ``OUTPUT/_staging``, which every executor must reach: a shared file
      system on a cluster).
    - ``overwrite``: an ``output`` that is not empty is refused unless this
      is True; then the earlier run's ``clean/``, ``report/`` and
      ``summary.json`` are removed first.
    - ``progress``: called with a line of text as each step starts.

    An error of chaff in a task (a malformed record, invalid UTF-8, a file
    that cannot be read) is raised here as the same :class:`chaff.ChaffError`
    subclass, with ``path``, ``line`` and ``byte_offset`` read from its
    message; the Spark exception is its ``__cause__``.
    """
    try:
        return _clean(
            spark,
            inputs,
            output,
            config=config,
            site_templates=site_templates,
            report=report,
            paragraphs=paragraphs,
            drop_empty=drop_empty,
            lossy=lossy,
            skip_bad_records=skip_bad_records,
            partitions=partitions,
            staging=staging,
            overwrite=overwrite,
            progress=progress,
            _fail_once=_fail_once,
        )
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


_TASK_ERROR = re.compile(r"(?m)^(?:chaff\.(?:_chaff\.)?|_chaff\.)(\w+Error): (.*)$")
_WHERE = re.compile(r"^(.+?):(?:(\d+):)? ")
_OFFSET = re.compile(r"at byte offset (\d+)")


def _clean(
    spark: Any,
    inputs: Union[PathLike, Sequence[PathLike]],
    output: PathLike,
    *,
    config: ConfigLike,
    site_templates: bool,
    report: bool,
    paragraphs: bool,
    drop_empty: bool,
    lossy: bool,
    skip_bad_records: bool,
    partitions: Optional[int],
    staging: Optional[PathLike],
    overwrite: bool,
    progress: Optional[Callable[[str], None]],
    _fail_once: Optional[PathLike],
) -> Dict[str, Any]:
    from pyspark import StorageLevel
    from pyspark.sql import functions as F

    cfg = config if isinstance(config, Config) else Config(config)
    if cfg["dedup"]["trim_repeated_sentences"]:
        raise _error(
            _chaff.ConfigError,
            "invalid configuration: dedup.trim_repeated_sentences is not supported on Spark: "
            "clean with one chaff.Cleaner to trim sentences"
        )
    cj = cfg.to_json()
    files = _plan(inputs, output, overwrite)
    say = progress or (lambda line: None)
    started = time.monotonic()
    output = os.path.abspath(os.fspath(output))
    staging = os.path.abspath(str(staging)) if staging else os.path.join(output, "_staging")
    clean_dir, report_dir = os.path.join(output, "clean"), os.path.join(output, "report")
    for d in (staging, clean_dir) + ((report_dir,) if report else ()):
        os.makedirs(d, exist_ok=True)
    n = int(partitions) if partitions else default_partitions(spark, files)
    if n < 1:
        raise ValueError(f"partitions must be a positive integer, not {partitions!r}")
    say(
        f"{len(files)} input files, {sum(os.path.getsize(f) for f in files) / 1e6:.1f} MB, "
        f"{n} shuffle partitions; map{' and site templates' if site_templates else ''}"
    )
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
                rows, skipped = _chaff.map_file(
                    cj, file, path, os.path.join(staging, f"{file:05d}.staged"), lossy, skip_bad_records
                )
                yield rows
                if skipped:
                    # kind 3: the records of this file skipped as malformed
                    # (their number in `record`), for the summary.
                    values = {"kind": 3, "file": file, "record": skipped}
                    yield pa.RecordBatch.from_arrays(
                        [pa.array([values.get(f.name, _zero(f.type))], f.type) for f in rows.schema],
                        schema=rows.schema,
                    )

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

    say("exact and near candidates, verify, resolve, apply")
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
    skipped_rows = mapped.where("kind = 3").select("record").collect() if skip_bad_records else []
    mapped.unpersist()
    edges.unpersist()
    got = sorted(r["file"] for r in summaries)
    if got != list(range(len(files))):
        raise _error(_chaff.StageError, f"distributed stage: apply wrote {len(got)} files of {len(files)}")
    summary = json.loads(_chaff.merge_summaries([r["summary"] for r in sorted(summaries, key=lambda r: r["file"])]))
    if skip_bad_records:
        summary["records_skipped"] = sum(int(r["record"]) for r in skipped_rows)
    with open(os.path.join(output, "summary.json.partial"), "w", encoding="utf-8") as f:
        json.dump({"files": files, "config": cfg.to_dict(), "summary": summary}, f, ensure_ascii=False, indent=1)
        f.write("\n")
    os.replace(os.path.join(output, "summary.json.partial"), os.path.join(output, "summary.json"))
    shutil.rmtree(staging, ignore_errors=True)
    say(
        f"done in {time.monotonic() - started:.0f} s: {summary['documents']} documents, "
        f"{summary['paragraphs_out']} of {summary['paragraphs_in']} paragraphs kept"
    )
    return summary


def _zero(kind: pa.DataType) -> Any:
    if pa.types.is_binary(kind) or pa.types.is_large_binary(kind):
        return b""
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        return ""
    if pa.types.is_boolean(kind):
        return False
    return 0


def concatenate(output: PathLike, clean_path: Optional[PathLike] = None, report_path: Optional[PathLike] = None) -> None:
    """Joins the per-file parts of a :func:`clean` output, in input order,
    into one clean JSONL and one report JSONL (each written under
    ``NAME.partial`` and renamed when complete). Only the parts of the run
    that ``OUTPUT/summary.json`` describes are joined; a missing part is an
    error, and so is a target that is one of that run's inputs."""
    output = os.fspath(output)
    summary_path = os.path.join(output, "summary.json")
    try:
        with open(summary_path, encoding="utf-8") as f:
            files = json.load(f)["files"]
    except FileNotFoundError:
        raise _error(
            _chaff.NotFoundError, f"{summary_path}: no finished chaff.spark run in {output}", summary_path
        ) from None
    except (ValueError, KeyError, TypeError) as e:
        raise _error(_chaff.StateError, f"{summary_path}: not a chaff.spark summary: {e}", summary_path) from None
    inputs = {_real(p) for p in files}
    for sub, target in (("clean", clean_path), ("report", report_path)):
        if target is None:
            continue
        target = os.fspath(target)
        if _real(target) in inputs:
            raise _error(ChaffError, f"{target}: would write over an input; chaff never writes over its input", target)
        directory = os.path.join(output, sub)
        parts = [_part(directory, i) for i in range(len(files))]
        for part in parts:
            if not os.path.isfile(part):
                raise _error(_chaff.NotFoundError, f"{part}: a part of the run in {output} is missing", part)
        partial = f"{target}.partial"
        with open(partial, "wb") as out:
            for part in parts:
                with open(part, "rb") as f:
                    shutil.copyfileobj(f, out)
        os.replace(partial, target)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m chaff.spark",
        description="Clean inputs on Spark with chaff: the same output, byte for byte, as the chaff command.",
    )
    parser.add_argument("inputs", nargs="+", help=".txt pages, directories of them, JSONL, WARC/WET (.gz/.zst)")
    parser.add_argument(
        "--output", required=True, help="output directory, new or empty (clean/, report/, summary.json)"
    )
    parser.add_argument("--overwrite", action="store_true", help="replace an earlier run's output in --output")
    parser.add_argument("--clean", help="also join the clean parts into this JSONL file")
    parser.add_argument("--report", help="also join the report parts into this JSONL file")
    parser.add_argument("--config", help="configuration JSON file (defaults for what it leaves out)")
    parser.add_argument(
        "--site-templates", action="store_true", help="learn the paragraphs repeated across a site's pages and drop them"
    )
    parser.add_argument("--paragraphs", action="store_true", help='add "paragraphs" to each record')
    parser.add_argument("--drop-empty", action="store_true", help="no record for a document with nothing kept")
    parser.add_argument("--lossy", action="store_true", help="replace invalid UTF-8 (U+FFFD) instead of failing")
    parser.add_argument(
        "--skip-bad-records", action="store_true", help="skip malformed records (counted in the summary) instead of failing"
    )
    parser.add_argument(
        "--master",
        default=os.environ.get("SPARK_MASTER", "local[2]"),
        help="Spark master URL (default: $SPARK_MASTER, else local[2])",
    )
    parser.add_argument(
        "--partitions",
        type=int,
        help="partitions of every shuffle (default: one per 64 MiB of input, at least the cores; "
        "the output does not depend on it)",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    """``python -m chaff.spark``: errors are one ``chaff: …`` line on
    stderr and exit status 2, as the chaff command's."""
    args = _parser().parse_args(argv)

    def fail(message: str) -> int:
        print(f"chaff: {message}", file=sys.stderr)
        return 2

    if args.partitions is not None and args.partitions < 1:
        return fail(f"--partitions {args.partitions}: must be at least 1")
    try:
        if args.config:
            with open(args.config, encoding="utf-8") as f:
                config = Config(f.read())
        else:
            config = Config()
    except OSError as e:
        return fail(f"--config {args.config}: {e.strerror or e}")
    except (ChaffError, UnicodeDecodeError) as e:
        return fail(f"--config {args.config}: {e}")
    try:
        # The checks that need no Spark first, so that a mistake costs no
        # Spark start-up.
        _plan(args.inputs, args.output, args.overwrite)
        for flag, target in (("--clean", args.clean), ("--report", args.report)):
            if target and _real(target) in {_real(p) for p in _chaff.input_files(args.inputs)}:
                return fail(f"{flag} {target} would write over an input; chaff never writes over its input")
    except (ChaffError, OSError) as e:
        return fail(str(e))

    def say(line: str) -> None:
        if not args.quiet:
            print(f"chaff.spark: {line}", file=sys.stderr, flush=True)

    say(f"starting Spark ({args.master})")
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
            overwrite=args.overwrite,
            progress=say,
        )
        concatenate(args.output, args.clean, args.report)
    except (ChaffError, OSError) as e:
        return fail(str(e))
    finally:
        spark.stop()
    print(json.dumps(summary, ensure_ascii=False), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
