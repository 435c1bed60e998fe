//! Memory and lookup cost of the dedup state at corpus scale.
//!
//! `cargo run --release --example index_memory -- [MILLIONS] [KIND]`
//!
//! Fills a `Deduplicator` with `MILLIONS` million kept paragraphs (default
//! 10) through `Deduplicator::remember`, all of one `KIND`:
//!
//! * `long` (default): paragraphs of the long-paragraph rule, each with a
//!   random exact key, SimHash, band keys and odd sketch: what most kept
//!   paragraphs of a crawl are, and the largest kind;
//! * `short`: paragraphs of the one-edit rule, random 24-character lines;
//! * `exact`: paragraphs compared exactly only.
//!
//! Prints the resident memory after each million (from `/proc/self/status`,
//! less what the program itself holds) and the deduplicator's own count of
//! its bytes, per paragraph; then the time of `Deduplicator::search` at
//! that size, for queries half of which repeat a stored paragraph (found
//! through its bands or half keys and confirmed) and half of which are new,
//! in wall-clock and in CPU time (the machine is shared), and how much of
//! the resident memory is in transparent huge pages (Linux).

use std::time::Instant;

use chaff::dedup::edit::EditProbe;
use chaff::dedup::{DedupConfig, Deduplicator, ParagraphRef, Probe};
use chaff::fingerprint::sketch::{BANDS, ROWS};
use chaff::fingerprint::{Fingerprint, FingerprintConfig, NearSketch, StoredSketch};

/// CPU seconds this process has used (user and system), from
/// `/proc/self/stat`: on a shared machine the wall clock counts other
/// people's work.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let fields: Vec<&str> = stat
        .rsplit(')')
        .next()
        .unwrap_or("")
        .split_whitespace()
        .collect();
    let ticks: f64 = [11, 12]
        .iter()
        .filter_map(|i| fields.get(*i)?.parse::<f64>().ok())
        .sum();
    ticks / 100.0
}

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

/// Resident memory in transparent huge pages, from
/// `/proc/self/smaps_rollup` (Linux), in KiB.
fn huge_kib() -> Option<u64> {
    let rollup = std::fs::read_to_string("/proc/self/smaps_rollup").ok()?;
    rollup
        .lines()
        .find(|l| l.starts_with("AnonHugePages:"))?
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

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Long,
    Short,
    Exact,
}

/// The probe of paragraph `i`: every value a function of `i` and `seed`, so
/// that a query can repeat a stored paragraph by giving its `i` again.
fn probe(kind: Kind, i: u64, seed: u64) -> Probe {
    let mut random = Random(i.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ seed | 1);
    for _ in 0..4 {
        random.next();
    }
    let mut fingerprint = Fingerprint {
        exact: random.next(),
        simhash: random.next(),
        shingles: 100,
        chars: 100,
    };
    match kind {
        Kind::Long => {
            let odd = u128::from(random.next()) << 64 | u128::from(random.next());
            let mut bands = [0u32; BANDS];
            bands.iter_mut().for_each(|b| *b = random.next() as u32);
            let mut probes = [[0u32; ROWS]; BANDS];
            probes
                .iter_mut()
                .flatten()
                .for_each(|p| *p = random.next() as u32);
            Probe {
                fingerprint,
                near: Some(NearSketch {
                    stored: StoredSketch {
                        bands,
                        odd,
                        odd_size: 100,
                        level: 0,
                    },
                    probes,
                    odd_levels: [(0, 0), (odd, 100), (random.next().into(), 50)],
                }),
                edit: None,
            }
        }
        Kind::Short => {
            let text: String = (0..24)
                .map(|_| char::from_u32(0x4E00 + (random.next() % 20_000) as u32).unwrap_or('字'))
                .collect();
            fingerprint.chars = 24;
            fingerprint.shingles = 22;
            Probe {
                fingerprint,
                near: None,
                edit: EditProbe::new(&text),
            }
        }
        Kind::Exact => {
            fingerprint.chars = 8;
            fingerprint.shingles = 6;
            Probe {
                fingerprint,
                near: None,
                edit: None,
            }
        }
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let millions: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(10);
    let kind = match args.next().as_deref() {
        Some("short") => Kind::Short,
        Some("exact") => Kind::Exact,
        _ => Kind::Long,
    };
    let seed = 0x5EED;
    let base = resident_kib().unwrap_or(0);
    let mut dedup = Deduplicator::new(DedupConfig::default(), FingerprintConfig::default())
        .expect("default config");
    println!("paragraphs  resident MiB  bytes/paragraph (resident)  bytes/paragraph (counted)");
    for million in 1..=millions {
        for i in (million - 1) * 1_000_000..million * 1_000_000 {
            let at = ParagraphRef {
                document: i / 10,
                paragraph: (i % 10) as u32,
            };
            dedup.remember(&probe(kind, i, seed), at);
        }
        let resident = resident_kib().unwrap_or(0).saturating_sub(base);
        let paragraphs = million * 1_000_000;
        println!(
            "{paragraphs:>10}  {:>12.0}  {:>26.1}  {:>25.1}",
            resident as f64 / 1024.0,
            resident as f64 * 1024.0 / paragraphs as f64,
            dedup.memory_bytes() as f64 / paragraphs as f64
        );
    }
    if let (Some(huge), Some(resident)) = (huge_kib(), resident_kib()) {
        println!(
            "\nin transparent huge pages: {:.0} MiB of {:.0} MiB resident",
            huge as f64 / 1024.0,
            resident as f64 / 1024.0
        );
    }
    let n = millions * 1_000_000;
    let mut random = Random(0xC0FFEE);
    let queries: Vec<Probe> = (0..200_000u64)
        .map(|q| {
            if q % 2 == 0 {
                probe(kind, random.next() % n, seed)
            } else {
                probe(kind, n + q, seed)
            }
        })
        .collect();
    let started = Instant::now();
    let cpu = cpu_seconds();
    let mut repeats = 0usize;
    for q in &queries {
        repeats += usize::from(dedup.search(q).finds_a_repeat());
    }
    let micros = started.elapsed().as_secs_f64() * 1e6 / queries.len() as f64;
    let cpu_micros = (cpu_seconds() - cpu) * 1e6 / queries.len() as f64;
    println!(
        "\n{} searches against {n} paragraphs: {micros:.2} µs each ({cpu_micros:.2} µs of CPU); {repeats} found their stored copy",
        queries.len()
    );
}
