//! The audit report's cost: an `AuditSink` taking the cleaned documents of
//! a 10 MB generated crawl (see `examples/generate.rs`) and writing its
//! report, beside the JSONL sink writing the clean output and the report
//! JSONL of the same documents (the cost it is added to).
//!
//! `cargo bench --bench audit`

use std::hint::black_box;

use chaff::audit::{AuditConfig, AuditSink};
use chaff::io::{JsonlReader, JsonlSink, Utf8Policy};
use chaff::{CleanDocument, Cleaner, Config, Sink};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

#[allow(dead_code)]
#[path = "support/crawl.rs"]
mod crawl;
#[path = "support/seeds.rs"]
mod seeds;

/// The cleaned documents of a 10 MB generated crawl, and the run's record.
fn cleaned() -> (Vec<CleanDocument>, chaff::RunRecord) {
    let mut jsonl = Vec::new();
    crawl::generate(&mut jsonl, 10_000_000, 1, 50).expect("in memory");
    let documents = JsonlReader::new(&jsonl[..], "generated", Utf8Policy::Strict);
    let mut cleaner = Cleaner::new(Config::default()).expect("default config");
    let mut clean = Vec::new();
    cleaner.run(documents, 512, &mut clean).expect("in memory");
    (clean, cleaner.run_record())
}

fn audit(c: &mut Criterion) {
    let (documents, record) = cleaned();
    let bytes: u64 = documents.iter().map(|d| d.bytes_in as u64).sum();
    let mut group = c.benchmark_group("audit/generated 10 MB");
    group.throughput(Throughput::Bytes(bytes));
    group.sample_size(20);
    group.bench_function("audit sink (observe + write the report)", |b| {
        b.iter(|| {
            let mut sink = AuditSink::new(Vec::new(), "bench", AuditConfig::default())
                .expect("default audit config");
            for document in &documents {
                sink.observe(document);
            }
            sink.finish(&record).expect("in memory");
            black_box(sink.into_inner().len())
        })
    });
    group.bench_function("jsonl sink (clean output + report jsonl)", |b| {
        b.iter(|| {
            let mut sink = JsonlSink::new(Vec::new(), Some(Vec::new()), "bench");
            for document in &documents {
                sink.accept(document.clone()).expect("in memory");
            }
            let (clean, report) = sink.into_inner();
            black_box(clean.len() + report.map_or(0, |r| r.len()))
        })
    });
    group.bench_function("clone of the documents (part of the jsonl row)", |b| {
        b.iter(|| black_box(documents.to_vec().len()))
    });
    group.finish();
}

/// 100,000 tiny pages, each of its own site (more sites than the audit
/// counts one by one): the cost per page, in the worst case for the
/// per-site counts.
fn tiny_pages(c: &mut Criterion) {
    let pages: Vec<chaff::Document> = (0..100_000)
        .map(|i| {
            let mut page = chaff::Document::new(
                format!("p{i}"),
                format!("分享到:\n第{i}条:市统计局发布数据{}。", i * 7919 % 100_000),
            );
            page.url = Some(format!("https://s{i}.example/{i}"));
            page
        })
        .collect();
    let mut cleaner = Cleaner::new(Config::default()).expect("default config");
    let mut documents = Vec::new();
    cleaner
        .run(pages.into_iter().map(Ok), 512, &mut documents)
        .expect("in memory");
    let record = cleaner.run_record();
    let mut group = c.benchmark_group("audit/100k tiny pages, 100k sites");
    group.throughput(Throughput::Elements(documents.len() as u64));
    group.sample_size(10);
    group.bench_function("audit sink", |b| {
        b.iter(|| {
            let mut sink = AuditSink::new(Vec::new(), "bench", AuditConfig::default())
                .expect("default audit config");
            for document in &documents {
                sink.observe(document);
            }
            sink.finish(&record).expect("in memory");
            black_box(sink.into_inner().len())
        })
    });
    group.bench_function("jsonl sink", |b| {
        b.iter(|| {
            let mut sink = JsonlSink::new(Vec::new(), Some(Vec::new()), "bench");
            for document in &documents {
                sink.accept(document.clone()).expect("in memory");
            }
            let (clean, report) = sink.into_inner();
            black_box(clean.len() + report.map_or(0, |r| r.len()))
        })
    });
    group.finish();
}

criterion_group!(benches, audit, tiny_pages);
criterion_main!(benches);
