//! CPU seconds of the split, comparison-key, boilerplate and folding stages alone, on the text pages
//! of a JSONL crawl, one thread: for comparing builds on a loaded machine,
//! where the pipeline's per-stage timings (wall time per thread) count the
//! time a thread waits for a core.
//!
//! `cargo run --release --example stage_cpu -- crawl100m.jsonl`
//!
//! Pages are split, keyed and classified in batches of 500 (split, then
//! comparison keys, then the boilerplate layers with the default
//! configuration, no site templates), and the thread's CPU time
//! (`/proc/thread-self/schedstat`, nanoseconds on a CPU) is read around
//! each step. Linux only.

use std::io::BufRead;

use chaff::boilerplate::{BoilerplateConfig, classify_page};
use chaff::normalize::{comparison_key, fold_into};
use chaff::split::{SplitConfig, split_paragraphs};

fn cpu_ns() -> u64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse().ok())
        .expect("/proc/thread-self/schedstat")
}

fn main() {
    let path = std::env::args()
        .nth(1)
        .expect("usage: stage_cpu CRAWL.jsonl");
    let file = std::io::BufReader::new(std::fs::File::open(&path).expect("the crawl"));
    let texts: Vec<String> = file
        .lines()
        .map(|line| {
            let record: serde_json::Value =
                serde_json::from_str(&line.expect("a line")).expect("a JSON record");
            record["text"].as_str().unwrap_or("").to_owned()
        })
        .collect();
    let (split_config, boilerplate_config) = (SplitConfig::default(), BoilerplateConfig::default());
    let (mut split_ns, mut keys_ns, mut boilerplate_ns, mut fold_ns) = (0u64, 0u64, 0u64, 0u64);
    let (mut folded, mut folded_bytes) = (String::new(), 0usize);
    let (mut paragraphs, mut dropped) = (0usize, 0usize);
    for batch in texts.chunks(500) {
        let start = cpu_ns();
        let pages: Vec<_> = batch
            .iter()
            .map(|text| split_paragraphs(text, &split_config))
            .collect();
        let split = cpu_ns();
        let keys: Vec<Vec<String>> = pages
            .iter()
            .map(|page| page.iter().map(|p| comparison_key(&p.text)).collect())
            .collect();
        let keyed = cpu_ns();
        for page in &keys {
            paragraphs += page.len();
            dropped += classify_page(page, &boilerplate_config)
                .iter()
                .filter(|c| c.is_some())
                .count();
        }
        let classified = cpu_ns();
        for key in keys.iter().flatten() {
            fold_into(key, &mut folded);
            folded_bytes += folded.len();
        }
        fold_ns += cpu_ns() - classified;
        split_ns += split - start;
        keys_ns += keyed - split;
        boilerplate_ns += classified - keyed;
    }
    println!(
        "{} pages, {paragraphs} paragraphs, {dropped} dropped; CPU seconds: split {:.3}, boilerplate {:.3}, both {:.3}; comparison keys {:.3}, folding {:.3} ({folded_bytes} bytes folded)",
        texts.len(),
        split_ns as f64 / 1e9,
        boilerplate_ns as f64 / 1e9,
        (split_ns + boilerplate_ns) as f64 / 1e9,
        keys_ns as f64 / 1e9,
        fold_ns as f64 / 1e9
    );
}
