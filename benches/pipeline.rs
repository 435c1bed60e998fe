//! End-to-end throughput on the seed pages.
//!
//! `cargo bench --bench pipeline`

use std::hint::black_box;
use std::path::PathBuf;

use chaff::read::{Utf8Policy, documents};
use chaff::{Cleaner, Config, Document};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn seeds() -> Vec<Document> {
    let dir = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/seeds"));
    documents(&[dir], Utf8Policy::Strict)
        .collect::<Result<_, _>>()
        .expect("seeds read")
}

fn pipeline(c: &mut Criterion) {
    let docs = seeds();
    let bytes: usize = docs.iter().map(|d| d.text.len()).sum();
    let mut group = c.benchmark_group("pipeline");
    group.throughput(Throughput::Bytes(bytes as u64));
    for threads in [1, 2] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        group.bench_function(format!("seeds/{threads}-threads"), |b| {
            b.iter(|| {
                pool.install(|| {
                    let mut cleaner = Cleaner::new(Config::default()).unwrap();
                    black_box(cleaner.clean_batch(docs.clone()))
                })
            })
        });
    }
    group.finish();
}

criterion_group!(benches, pipeline);
criterion_main!(benches);
