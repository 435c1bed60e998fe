"""The Python API's throughput against the Rust library's on the same input,
in one process, runs interleaved (the machine is noisy):

    python python/bench/throughput.py crawl.jsonl [--rounds 3] [--batch 512]

The input is read once (not timed). Python: Cleaner.clean over the records
(dicts), reading each result's .text. Rust: Cleaner::clean_batch and
Cleaner::run over the same documents, in Rust. Prints MB/s and the ratios.
"""

import argparse
import os
import time

import chaff
from chaff import _chaff


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("inputs", nargs="+")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--batch", type=int, default=512)
    args = parser.parse_args()
    records = chaff.read_documents(args.inputs)
    mb = sum(len(r["text"].encode()) for r in records) / 1e6
    print(f"{len(records)} records, {mb:.1f} MB of text, RAYON_NUM_THREADS={os.environ.get('RAYON_NUM_THREADS', 'all cores')}")
    best = {"python": 1e9, "rust clean_batch": 1e9, "rust run": 1e9}
    for round in range(args.rounds):
        started = time.perf_counter()
        n = 0
        for result in chaff.Cleaner().clean(records, batch=args.batch):
            n += len(result.text)
        python = time.perf_counter() - started
        batches, run, _ = _chaff.library_seconds(args.inputs, args.batch)
        best["python"] = min(best["python"], python)
        best["rust clean_batch"] = min(best["rust clean_batch"], batches)
        best["rust run"] = min(best["rust run"], run)
        print(f"round {round}: python {mb / python:.1f} MB/s, rust clean_batch {mb / batches:.1f} MB/s, rust run {mb / run:.1f} MB/s")
    for name, seconds in best.items():
        print(f"best {name}: {seconds:.3f} s, {mb / seconds:.1f} MB/s")
    print(f"python / rust clean_batch: {best['rust clean_batch'] / best['python']:.2f}x")
    print(f"python / rust run: {best['rust run'] / best['python']:.2f}x")


if __name__ == "__main__":
    main()
