//! Each stage on its own, on the paragraphs of the sample pages, and the
//! fingerprint kernel against the `simhash` crate's in the same run.
//!
//! `cargo bench --bench stages` (one group: `cargo bench --bench stages -- fingerprint`;
//! split and boilerplate on the dev set's 99 text pages: `-- devset`)

use std::hint::black_box;

use chaff::boilerplate::{BoilerplateConfig, classify_page};
use chaff::dedup::{DedupConfig, Deduplicator, ParagraphRef, Probe};
use chaff::fingerprint::sketch::reference::ReferenceBuilder;
use chaff::fingerprint::{
    FeatureHash, FingerprintConfig, Shingler, SketchBuilder, fingerprint_with_sketch,
};
use chaff::normalize::comparison_key_into;
use chaff::split::{SplitConfig, split_paragraphs};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use unicode_normalization::UnicodeNormalization;

#[path = "support/seeds.rs"]
mod seeds;

use seeds::{SEEDS, keys, paragraphs};

fn bytes(texts: &[String]) -> u64 {
    texts.iter().map(|t| t.len() as u64).sum()
}

fn split(c: &mut Criterion) {
    let mut group = c.benchmark_group("split");
    group.throughput(Throughput::Bytes(
        SEEDS.iter().map(|p| p.len() as u64).sum(),
    ));
    group.bench_function("seeds", |b| {
        b.iter(|| {
            for page in SEEDS {
                black_box(split_paragraphs(page, &SplitConfig::default()));
            }
        })
    });
    group.finish();
}

fn normalize(c: &mut Criterion) {
    let paragraphs = paragraphs();
    let mut group = c.benchmark_group("normalize");
    group.throughput(Throughput::Bytes(bytes(&paragraphs)));
    group.bench_function("chaff comparison key", |b| {
        let mut key = String::new();
        b.iter(|| {
            for p in &paragraphs {
                comparison_key_into(p, &mut key);
                black_box(&key);
            }
        })
    });
    group.bench_function("unicode-normalization nfkc", |b| {
        let mut key = String::new();
        b.iter(|| {
            for p in &paragraphs {
                key.clear();
                key.extend(p.nfkc());
                black_box(&key);
            }
        })
    });
    group.finish();
}

/// A page's paragraphs as the boilerplate stage reads them: split with
/// the default configuration, then each paragraph's comparison key.
fn comparison_keys(page: &str) -> Vec<String> {
    split_paragraphs(page, &SplitConfig::default())
        .iter()
        .map(|p| chaff::normalize::comparison_key(&p.text))
        .collect()
}

fn boilerplate(c: &mut Criterion) {
    let pages: Vec<Vec<String>> = SEEDS.iter().map(|page| comparison_keys(page)).collect();
    let mut group = c.benchmark_group("boilerplate");
    group.throughput(Throughput::Bytes(pages.iter().map(|p| bytes(p)).sum()));
    group.bench_function("classify pages", |b| {
        b.iter(|| {
            for page in &pages {
                black_box(classify_page(page, &BoilerplateConfig::default()));
            }
        })
    });
    group.finish();
}

/// The dev set's text pages (`tests/fixtures/devset/pages/*.txt`), in name
/// order.
fn devset_pages() -> Vec<String> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/devset/pages");
    let mut paths: Vec<std::path::PathBuf> = std::fs::read_dir(dir)
        .expect("the dev set's pages")
        .map(|entry| entry.expect("a dev set page").path())
        .filter(|path| path.extension().is_some_and(|e| e == "txt"))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|path| std::fs::read_to_string(path).expect("a dev set page"))
        .collect()
}

/// Split and the boilerplate stage (page model, default configuration) on
/// the dev set's text pages: the two stages the page model made slower
/// (issue 13).
fn devset(c: &mut Criterion) {
    let pages = devset_pages();
    let keys: Vec<Vec<String>> = pages.iter().map(|page| comparison_keys(page)).collect();
    let mut group = c.benchmark_group("devset");
    group.throughput(Throughput::Bytes(bytes(&pages)));
    group.bench_function("split", |b| {
        b.iter(|| {
            for page in &pages {
                black_box(split_paragraphs(page, &SplitConfig::default()));
            }
        })
    });
    group.bench_function("boilerplate", |b| {
        b.iter(|| {
            for page in &keys {
                black_box(classify_page(page, &BoilerplateConfig::default()));
            }
        })
    });
    group.finish();
}

fn fingerprint(c: &mut Criterion) {
    let keys = keys();
    let mut shingler = Shingler::new();
    let config = FingerprintConfig::default();
    // The reference is given the shingles ready-made, so that only the
    // hashing and counting are compared.
    let shingles: Vec<Vec<String>> = keys
        .iter()
        .map(|k| {
            let mut all = Vec::new();
            shingler.for_each_shingle(k, &config, |s| all.push(s.to_owned()));
            all
        })
        .collect();
    let mut group = c.benchmark_group("fingerprint");
    group.throughput(Throughput::Bytes(bytes(&keys)));
    group.bench_function("simhash crate simhash_stream (shingles given)", |b| {
        b.iter(|| {
            for paragraph in &shingles {
                black_box(simhash::simhash_stream(
                    paragraph.iter().map(String::as_str),
                ));
            }
        })
    });
    for (name, feature_hash) in [
        (
            "chaff siphash24 (shingling included)",
            FeatureHash::SipHash24,
        ),
        ("chaff fast (shingling included)", FeatureHash::Fast),
    ] {
        let config = FingerprintConfig {
            feature_hash,
            ..FingerprintConfig::default()
        };
        group.bench_function(name, |b| {
            b.iter(|| {
                for key in &keys {
                    black_box(chaff::fingerprint::fingerprint(key, &config, &mut shingler));
                }
            })
        });
    }
    group.bench_function("chaff fast, with the near sketch", |b| {
        let config = FingerprintConfig::default();
        let mut builder = SketchBuilder::default();
        b.iter(|| {
            for key in &keys {
                black_box(fingerprint_with_sketch(
                    key,
                    &config,
                    &mut shingler,
                    &mut builder,
                ));
            }
        })
    });
    group.finish();

    // The near sketch builder alone, on each key's shingle hashes in
    // order (repeats included): this one against the builder of session 6,
    // kept as the tests' reference, in the same run.
    let streams: Vec<Vec<u64>> = keys
        .iter()
        .map(|k| {
            let mut hashes = Vec::new();
            shingler.for_each_shingle(k, &config, |s| hashes.push(FeatureHash::Fast.hash(s)));
            hashes
        })
        .collect();
    let mut group = c.benchmark_group("near sketch builder");
    group.throughput(Throughput::Elements(
        streams.iter().map(|s| s.len() as u64).sum(),
    ));
    group.bench_function("session 7 (hashes given)", |b| {
        let mut builder = SketchBuilder::default();
        b.iter(|| {
            for hashes in &streams {
                builder.clear();
                builder.add(black_box(hashes));
                black_box(builder.finish());
            }
        })
    });
    group.bench_function("session 6, the tests' reference (hashes given)", |b| {
        let mut builder = ReferenceBuilder::default();
        b.iter(|| {
            for hashes in &streams {
                builder.clear();
                builder.add(black_box(hashes));
                black_box(builder.finish());
            }
        })
    });
    group.finish();

    let hashes: Vec<u64> = (0..4096u64)
        .map(|i| i.wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(17))
        .collect();
    let mut group = c.benchmark_group("bit counting");
    group.throughput(Throughput::Elements(hashes.len() as u64));
    group.bench_function(
        format!("dispatched ({:?})", chaff::fingerprint::kernel()),
        |b| {
            b.iter(|| {
                let mut ones = [0u32; 64];
                chaff::fingerprint::count_bits(black_box(&hashes), &mut ones);
                black_box(ones)
            })
        },
    );
    group.bench_function("portable (baseline target)", |b| {
        b.iter(|| {
            let mut ones = [0u32; 64];
            chaff::fingerprint::count_bits_reference(black_box(&hashes), &mut ones);
            black_box(ones)
        })
    });
    group.finish();
}

fn dedup(c: &mut Criterion) {
    // 100,000 kept paragraphs: the seed paragraphs, each many times with its
    // own number, so that many share shingles and band keys, as reposts do.
    let (dedup, fingerprint) = (DedupConfig::default(), FingerprintConfig::default());
    let keys = keys();
    let probe = |i: usize| {
        let key = format!("{}（第{i}号）", keys[i % keys.len()]);
        Probe::of(&key, &fingerprint, &dedup)
    };
    let mut deduplicator = Deduplicator::new(dedup.clone(), fingerprint.clone()).unwrap();
    for i in 0..100_000 {
        deduplicator.remember(
            &probe(i),
            ParagraphRef {
                document: i as u64,
                paragraph: 0,
            },
        );
    }
    let queries: Vec<Probe> = (100_000..101_000).map(probe).collect();
    let mut group = c.benchmark_group("dedup");
    group.throughput(Throughput::Elements(queries.len() as u64));
    group.bench_function("search among 100k kept paragraphs", |b| {
        b.iter(|| {
            for q in &queries {
                black_box(deduplicator.search(q));
            }
        })
    });
    group.finish();
}

criterion_group!(
    benches,
    split,
    normalize,
    boilerplate,
    devset,
    fingerprint,
    dedup
);
criterion_main!(benches);
