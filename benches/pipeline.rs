//! End to end: the sample pages, and a generated crawl (see
//! `examples/generate.rs`), on 1 and 2 threads.
//!
//! `cargo bench --bench pipeline`

use std::hint::black_box;
use std::path::PathBuf;

use chaff::io::{JsonlReader, Utf8Policy, documents};
use chaff::{Cleaner, Config, Document};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

#[allow(dead_code)]
#[path = "support/crawl.rs"]
mod crawl;
#[path = "support/seeds.rs"]
mod seeds;

fn seeds() -> Vec<Document> {
    let dir = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/seeds"));
    documents(&[dir], Utf8Policy::Strict)
        .collect::<Result<_, _>>()
        .expect("seeds read")
}

/// A 10 MB generated crawl, parsed.
fn generated() -> Vec<Document> {
    let mut jsonl = Vec::new();
    crawl::generate(&mut jsonl, 10_000_000, 1, 50).expect("in memory");
    JsonlReader::new(&jsonl[..], "generated", Utf8Policy::Strict)
        .collect::<Result<_, _>>()
        .expect("generated crawl parses")
}

fn pipeline(c: &mut Criterion) {
    for (name, docs, samples) in [("seeds", seeds(), 30), ("generated 10 MB", generated(), 10)] {
        let bytes: usize = docs.iter().map(|d| d.text.len()).sum();
        let mut group = c.benchmark_group(format!("pipeline/{name}"));
        group.throughput(Throughput::Bytes(bytes as u64));
        group.sample_size(samples);
        for threads in [1, 2] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .expect("thread pool");
            group.bench_function(format!("{threads} threads"), |b| {
                b.iter(|| {
                    pool.install(|| {
                        let mut cleaner = Cleaner::new(Config::default()).expect("default config");
                        let mut out = Vec::new();
                        cleaner
                            .run(docs.iter().cloned().map(Ok), 512, &mut out)
                            .expect("in memory");
                        black_box(out)
                    })
                })
            });
        }
        group.finish();
    }
}

criterion_group!(benches, pipeline);
criterion_main!(benches);
