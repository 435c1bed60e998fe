//! Memory and query cost of the dedup state at corpus scale.
//!
//! `cargo run --release --example index_memory -- [MILLIONS] [SET_SIZE]`
//!
//! Fills a `Deduplicator` with `MILLIONS` million kept paragraphs
//! (default 10): each an exact key, a SimHash, and a shingle set of
//! `SET_SIZE` hashes (default 88: the mean of the generated crawl's
//! paragraphs, which is what verification stores). Prints the resident
//! memory after each million (from `/proc/self/status`), the bytes per
//! paragraph, and then the time of near-index lookups at that size for
//! k = 3, 7 and 11 (half of them copies of stored fingerprints with bits
//! flipped, half new). Fingerprints are random, so the candidates per
//! lookup are the index's expected `n / 16,384`, `n / 964` and `n / 120`.

use std::time::Instant;

use chaff::dedup::{DedupConfig, Deduplicator, ParagraphRef};

fn resident_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let millions: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(10);
    let set_size: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(88);
    let config = DedupConfig::default();
    let base = resident_kib().unwrap_or(0);
    let mut random = Random(0x9E37_79B9_7F4A_7C15);
    println!("paragraphs  resident MiB  bytes/paragraph");
    let mut dedup = Deduplicator::new(config.clone()).expect("default config");
    let mut fingerprints = Vec::new();
    let mut set = Vec::with_capacity(set_size);
    for million in 1..=millions {
        for i in 0..1_000_000u64 {
            let at = ParagraphRef {
                document: (million - 1) * 100_000 + i / 10,
                paragraph: (i % 10) as u32,
            };
            let simhash = random.next();
            set.clear();
            set.extend((0..set_size).map(|_| random.next() as u32));
            set.sort_unstable();
            dedup.remember(random.next(), Some((simhash, &set)), at);
            fingerprints.push(simhash);
        }
        // The fingerprints kept for the queries below are not the index's.
        let ours = fingerprints.capacity() as u64 * 8 / 1024;
        let resident = resident_kib().unwrap_or(0).saturating_sub(base + ours);
        let paragraphs = million * 1_000_000;
        println!(
            "{paragraphs:>10}  {:>12.0}  {:>15.0}",
            resident as f64 / 1024.0,
            resident as f64 * 1024.0 / paragraphs as f64
        );
    }
    drop(dedup);
    // Lookups against the near index alone, for three distances: copies of
    // stored fingerprints with 1 to 11 bits flipped, and new ones.
    let n = fingerprints.len();
    println!("\nnear-index lookups at {n} paragraphs (random fingerprints)");
    println!(" k   probes  µs/lookup  candidates found");
    for k in [3, 7, 11] {
        let mut index = chaff::index::SimhashIndex::new(k).expect("k <= 15");
        for fp in &fingerprints {
            index.insert(*fp);
        }
        let queries: Vec<u64> = (0..2_000u64)
            .map(|q| {
                let stored = fingerprints[(random.next() % n as u64) as usize];
                match q % 2 {
                    0 => stored ^ ((1u64 << (1 + q % 11)) - 1).rotate_left((q % 64) as u32),
                    _ => random.next(),
                }
            })
            .collect();
        let started = Instant::now();
        let mut found = 0;
        for q in &queries {
            found += index.within(*q).len();
        }
        let micros = started.elapsed().as_secs_f64() * 1e6 / queries.len() as f64;
        println!(
            "{k:>2}  {:>7}  {micros:>9.1}  {found:>16}",
            4 * probes(k / 4)
        );
    }
}

/// Values within `radius` bits of a 16-bit block.
fn probes(radius: u32) -> u32 {
    (0..=u16::MAX).filter(|v| v.count_ones() <= radius).count() as u32
}
