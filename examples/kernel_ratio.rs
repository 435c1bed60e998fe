//! The fingerprint kernel against the `simhash` crate, interleaved.
//!
//! `cargo run --release --example kernel_ratio`
//!
//! The shingles of every paragraph of the sample pages are fingerprinted by
//! `simhash::simhash_stream` (given the shingles as strings, so it does not
//! pay for shingling) and by chaff (shingling included) with each feature
//! hash. The variants take turns, round after round, and each keeps its
//! fastest round: on a shared machine whose speed drifts from second to
//! second, alternating keeps the ratio honest where timing one variant
//! after the other does not. Prints ns per shingle and the ratios.

use std::hint::black_box;
use std::time::{Duration, Instant};

use chaff::fingerprint::{FeatureHash, FingerprintConfig, Shingler, fingerprint};

#[path = "../benches/support/seeds.rs"]
mod seeds;

fn main() {
    let keys = seeds::keys();
    let fast = FingerprintConfig::default();
    let sip = FingerprintConfig {
        feature_hash: FeatureHash::SipHash24,
        ..FingerprintConfig::default()
    };
    let mut shingler = Shingler::new();
    let shingles: Vec<Vec<String>> = keys
        .iter()
        .map(|key| {
            let mut all = Vec::new();
            shingler.for_each_shingle(key, &fast, |s| all.push(s.to_owned()));
            all
        })
        .collect();
    let count: usize = shingles.iter().map(Vec::len).sum();

    let mut best = [Duration::MAX; 3];
    for _round in 0..15 {
        let started = Instant::now();
        for paragraph in &shingles {
            black_box(simhash::simhash_stream(
                paragraph.iter().map(String::as_str),
            ));
        }
        best[0] = best[0].min(started.elapsed());
        for (slot, config) in [(1, &sip), (2, &fast)] {
            let started = Instant::now();
            for _ in 0..10 {
                for key in &keys {
                    black_box(fingerprint(key, config, &mut shingler));
                }
            }
            best[slot] = best[slot].min(started.elapsed() / 10);
        }
    }
    let per_shingle = |d: Duration| d.as_nanos() as f64 / count as f64;
    println!(
        "{} paragraphs, {count} shingles, bit-counting kernel {:?}",
        keys.len(),
        chaff::fingerprint::kernel()
    );
    println!(
        "simhash::simhash_stream (shingles given) {:>7.1} ns/shingle",
        per_shingle(best[0])
    );
    for (slot, name) in [
        (1, "chaff, SipHash-2-4 (shingling included)"),
        (2, "chaff, fast hash (shingling included)"),
    ] {
        println!(
            "{name:<40} {:>7.1} ns/shingle  {:>5.1}x faster",
            per_shingle(best[slot]),
            best[0].as_secs_f64() / best[slot].as_secs_f64()
        );
    }
}
