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
//!
//! `stage_cpu CRAWL.jsonl --dump OUT.tsv` writes instead, for comparing two
//! builds' decisions with `cmp`: every page's paragraphs (text and where
//! the repaired breaks are), and for every distinct comparison key, and
//! for prefixes and suffixes of the short ones (which move a pattern's
//! anchors), its [`LineEvidence`](chaff::boilerplate::lines::LineEvidence)
//! and its named rule.

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
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .expect("usage: stage_cpu CRAWL.jsonl [--dump OUT.tsv]");
    let dump = match args.next().as_deref() {
        Some("--dump") => Some(args.next().expect("--dump OUT.tsv")),
        _ => None,
    };
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
    if let Some(out) = dump {
        write_dump(&texts, &split_config, &out);
        return;
    }
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

/// The split of every page and the evidence and named rule of every
/// distinct key (and of the key less up to 12 characters at either end,
/// for keys under 80 characters),
/// one per line.
fn write_dump(texts: &[String], config: &SplitConfig, out: &str) {
    use chaff::boilerplate::{lines::LineEvidence, named_rule};
    use std::io::Write;
    let mut out = std::io::BufWriter::new(std::fs::File::create(out).expect("the dump file"));
    let mut keys = std::collections::BTreeSet::new();
    for text in texts {
        for p in split_paragraphs(text, config) {
            writeln!(out, "P\t{:?}\t{:?}", p.text, p.joins).expect("write");
            keys.insert(comparison_key(&p.text));
        }
    }
    let mut variants = std::collections::BTreeSet::new();
    for key in &keys {
        let bounds: Vec<usize> = key.char_indices().map(|(i, _)| i).skip(1).collect();
        if bounds.len() < 80 {
            let ends = bounds.iter().take(12).chain(bounds.iter().rev().take(12));
            for &at in ends {
                variants.insert(key[..at].to_owned());
                variants.insert(key[at..].to_owned());
            }
        }
    }
    for key in keys.iter().chain(variants.difference(&keys)) {
        let evidence = LineEvidence::measure(key);
        let rule = named_rule(key, &evidence);
        writeln!(out, "K\t{key:?}\t{evidence:?}\t{rule:?}").expect("write");
    }
}
