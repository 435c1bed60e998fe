"""Spark local[1] against local[2] on one input, and the bytes shuffled per
paragraph (from Spark's monitoring REST API on this machine):

    python python/bench/spark_scaling.py crawl-*.jsonl [--site-templates]

Each master gets a fresh session; a first run warms the JVM and is not
counted. Prints seconds per run and shuffle bytes written per input
paragraph.
"""

import argparse
import json
import shutil
import tempfile
import time
import urllib.request

import chaff.spark


def shuffle_bytes(spark) -> int:
    url = spark.sparkContext.uiWebUrl
    app = spark.sparkContext.applicationId
    with urllib.request.urlopen(f"{url}/api/v1/applications/{app}/stages?status=complete") as r:
        stages = json.load(r)
    return sum(s.get("shuffleWriteBytes", 0) for s in stages)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("inputs", nargs="+")
    parser.add_argument("--site-templates", action="store_true")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    for master in ("local[1]", "local[2]"):
        spark = chaff.spark.session(master, app=f"chaff-bench-{master}")
        spark.sparkContext.setLogLevel("ERROR")
        spark.conf.set("spark.sql.shuffle.partitions", "4")
        times = []
        for round in range(args.rounds + 1):
            out = tempfile.mkdtemp(prefix="chaff-bench-")
            before = shuffle_bytes(spark)
            started = time.perf_counter()
            summary = chaff.spark.clean(spark, args.inputs, out, site_templates=args.site_templates)
            seconds = time.perf_counter() - started
            time.sleep(1)
            shuffled = shuffle_bytes(spark) - before
            shutil.rmtree(out)
            if round > 0:
                times.append(seconds)
            print(
                f"{master} run {round}{' (warm-up)' if round == 0 else ''}: {seconds:.1f} s, "
                f"{summary['paragraphs_in']} paragraphs, {summary['bytes_in'] / 1e6:.1f} MB, "
                f"shuffle written {shuffled / 1e6:.1f} MB = {shuffled / summary['paragraphs_in']:.0f} bytes/paragraph"
            )
        print(f"{master}: best {min(times):.1f} s")
        spark.stop()


if __name__ == "__main__":
    main()
