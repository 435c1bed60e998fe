//! Candidates per lookup against the number of stored paragraphs, on a
//! crawl, with the library's own `Deduplicator` at the default settings.
//!
//! ```text
//! cargo run --release --example generate -- --size 100MB --output crawl.jsonl
//! cargo run --release --example candidates -- crawl.jsonl
//! ```
//!
//! Every paragraph of every record (split as the pipeline splits, no
//! boilerplate removal, so that the index holds as much as possible) is
//! searched and then decided in input order; for each range of stored
//! paragraphs, the mean number of stored entries a lookup read
//! (`Searched::examined`: every entry of every bucket it looked up) and
//! the largest. A cost that does not grow with the corpus stays flat.

use chaff::dedup::{DedupConfig, Deduplicator, ParagraphRef, Probe};
use chaff::fingerprint::FingerprintConfig;
use chaff::normalize::comparison_key;
use chaff::split::{SplitConfig, split_paragraphs};

fn main() {
    let path = std::env::args()
        .nth(1)
        .expect("usage: candidates CRAWL.jsonl");
    let (dedup, fingerprint) = (DedupConfig::default(), FingerprintConfig::default());
    let mut deduplicator = Deduplicator::new(dedup.clone(), fingerprint.clone()).expect("config");
    let documents = chaff::io::documents(
        std::slice::from_ref(&std::path::PathBuf::from(&path)),
        chaff::io::Utf8Policy::Lossy,
    );
    let split = SplitConfig::default();
    let mut lookups = 0u64;
    let (mut sum, mut max) = (0u64, 0u32);
    let mut next = 10_000usize;
    println!("| stored paragraphs | lookups | entries read per lookup (mean) | largest |");
    println!("|---|---|---|---|");
    for (d, document) in documents.enumerate() {
        let document = document.expect("readable crawl");
        for (p, paragraph) in split_paragraphs(&document.text, &split).iter().enumerate() {
            let probe = Probe::of(&comparison_key(&paragraph.text), &fingerprint, &dedup);
            let searched = deduplicator.search(&probe);
            lookups += 1;
            sum += u64::from(searched.examined());
            max = max.max(searched.examined());
            let at = ParagraphRef {
                document: d as u64,
                paragraph: p as u32,
            };
            deduplicator.check_and_insert_searched(&probe, at, searched);
            if deduplicator.len() >= next {
                println!(
                    "| {} | {lookups} | {:.2} | {max} |",
                    deduplicator.len(),
                    sum as f64 / lookups as f64
                );
                (lookups, sum, max) = (0, 0, 0);
                next *= 2;
            }
        }
    }
    println!(
        "| {} (end) | {lookups} | {:.2} | {max} |",
        deduplicator.len(),
        sum as f64 / lookups.max(1) as f64
    );
}
