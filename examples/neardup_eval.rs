//! Recall and false merges of chaff's duplicate detection on the labelled
//! corpus of `benches/support/neardup_corpus.rs`, by edit rate, length and
//! script, measured with the library's own [`Deduplicator`] at the
//! default settings (or those of `--config FILE`, a `DedupConfig` as JSON).
//!
//! ```text
//! cargo run --release --example neardup_eval
//! cargo run --release --example neardup_eval -- --config dedup.json
//! cargo run --release --example neardup_eval -- --fingerprint fingerprint.json
//! ```
//!
//! * **Reposts**: for each edit rate, a fresh deduplicator is given every
//!   base paragraph, then every edited repost; a repost counts as caught
//!   when it is dropped as a repeat of its own base.
//! * **Typographic variants**: each base with its quotes, dashes, full
//!   stops or (Latin) case changed, caught when dropped as its base.
//! * **False merges**: any base dropped (the bases are unrelated by
//!   construction), any repost dropped against another base, the second
//!   of a pair that must not merge (another date, number or name) dropped,
//!   any base dropped after all were given one shared template sentence.
//! * **datatrove**: MinHash over character 5-grams, 14 bands of 8 hashes,
//!   a band match counts as a merge (datatrove's defaults; no
//!   confirmation), on the same reposts and pairs.
//!
//! `SHOW=1` prints the merged pairs that must not merge and the merged
//! template paragraphs, each with the exact Jaccard similarity of its
//! shingle sets (the odd sketches' estimate of it is what decided).

use std::collections::HashMap;

use chaff::dedup::{DedupConfig, Deduplicator, ParagraphRef, Probe, Repeat};
use chaff::fingerprint::FingerprintConfig;
use chaff::normalize::comparison_key;

#[path = "../benches/support/neardup_corpus.rs"]
mod corpus;

use corpus::{BUCKETS, Base, Script};

fn at(document: usize) -> ParagraphRef {
    ParagraphRef {
        document: document as u64,
        paragraph: 0,
    }
}

/// A run of the library's deduplicator over texts, in order: for each, the
/// document it repeats, if any.
fn run(texts: &[&str], dedup: &DedupConfig, fingerprint: &FingerprintConfig) -> Vec<Option<usize>> {
    let mut deduplicator =
        Deduplicator::new(dedup.clone(), fingerprint.clone()).expect("valid configuration");
    texts
        .iter()
        .enumerate()
        .map(|(i, text)| {
            let probe = Probe::of(&comparison_key(text), fingerprint, dedup);
            match deduplicator.check_and_insert(&probe, at(i)) {
                Some(Repeat::Exact { of } | Repeat::Near { of, .. }) => Some(of.document as usize),
                None => None,
            }
        })
        .collect()
}

/// The exact Jaccard similarity of two texts' shingle sets (what the odd
/// sketches estimate), for the merges `SHOW` prints.
fn exact_jaccard(a: &str, b: &str, fingerprint: &FingerprintConfig) -> f64 {
    let mut shingler = chaff::fingerprint::Shingler::new();
    let a = chaff::fingerprint::shingle_set(&comparison_key(a), fingerprint, &mut shingler);
    let b = chaff::fingerprint::shingle_set(&comparison_key(b), fingerprint, &mut shingler);
    chaff::dedup::jaccard(&a, &b)
}

fn fmix64(mut x: u64) -> u64 {
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^= x >> 33;
    x = x.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    x ^ (x >> 33)
}

/// datatrove's signature: 112 MinHash values over character 5-grams of the
/// lowercased letters and digits (other runs as one space), 14 bands of 8.
fn datatrove(text: &str) -> Vec<u64> {
    let mut clean = String::new();
    let mut space = false;
    for c in comparison_key(text).chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            if space && !clean.is_empty() {
                clean.push(' ');
            }
            space = false;
            clean.push(c);
        } else {
            space = true;
        }
    }
    let chars: Vec<char> = clean.chars().collect();
    let grams: Vec<u64> = if chars.len() < 5 {
        vec![xxhash_rust::xxh3::xxh3_64(clean.as_bytes())]
    } else {
        chars
            .windows(5)
            .map(|w| xxhash_rust::xxh3::xxh3_64(w.iter().collect::<String>().as_bytes()))
            .collect()
    };
    (0..112u64)
        .map(|i| {
            let seed = (i + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
            grams
                .iter()
                .map(|g| fmix64(g ^ seed))
                .min()
                .unwrap_or(u64::MAX)
        })
        .collect()
}

fn datatrove_merges(a: &[u64], b: &[u64]) -> bool {
    (0..14).any(|band| a[band * 8..band * 8 + 8] == b[band * 8..band * 8 + 8])
}

/// Counts by (script, bucket).
#[derive(Default)]
struct Tally {
    hits: HashMap<(Script, &'static str), usize>,
    total: HashMap<(Script, &'static str), usize>,
}

impl Tally {
    fn add(&mut self, script: Script, chars: usize, hit: bool) {
        let bucket = corpus::bucket(chars);
        *self.total.entry((script, bucket)).or_default() += 1;
        *self.hits.entry((script, bucket)).or_default() += usize::from(hit);
    }

    fn cell(&self, scripts: &[Script], buckets: &[&str]) -> (usize, usize) {
        let mut hits = 0;
        let mut total = 0;
        for script in scripts {
            for bucket in buckets {
                hits += self.hits.get(&(*script, *bucket)).copied().unwrap_or(0);
                total += self.total.get(&(*script, *bucket)).copied().unwrap_or(0);
            }
        }
        (hits, total)
    }
}

const SCRIPTS: [(&str, &[Script]); 3] = [
    ("Chinese", &[Script::Cjk]),
    ("Latin", &[Script::Latin]),
    ("all", &[Script::Cjk, Script::Latin]),
];

fn bucket_names() -> Vec<&'static str> {
    BUCKETS.iter().map(|(name, _, _)| *name).collect()
}

/// One table row: a share per bucket, then all of length >= 20, then all.
fn row(label: &str, tally: &Tally, scripts: &[Script], as_share: bool) {
    let names = bucket_names();
    print!("| {label} |");
    let mut cells: Vec<Vec<&str>> = names.iter().map(|n| vec![*n]).collect();
    cells.push(names[1..].to_vec());
    cells.push(names.clone());
    for buckets in cells {
        let (hits, total) = tally.cell(scripts, &buckets);
        if as_share {
            if total == 0 {
                print!(" – |");
            } else {
                print!(" {:.3} (n={total}) |", hits as f64 / total as f64);
            }
        } else {
            print!(" {hits} of {total} |");
        }
    }
    println!();
}

fn header(first: &str) {
    let names = bucket_names();
    print!("| {first} |");
    for name in &names {
        print!(" {name} |");
    }
    println!(" >=20 | all |");
    println!("|---|{}", "---|".repeat(names.len() + 2));
}

/// `text` with its typography changed: quotes curled or straightened,
/// corner brackets for quotes, em dashes, 。 for . and back, and for Latin
/// text upper case.
fn typographic_variant(base: &Base) -> Option<String> {
    let mut out = String::new();
    let mut quote_open = true;
    for c in base.text.chars() {
        match c {
            '"' => {
                out.push(if quote_open { '“' } else { '”' });
                quote_open = !quote_open;
            }
            '“' => out.push('「'),
            '”' => out.push('」'),
            '「' => out.push('“'),
            '」' => out.push('”'),
            '\'' => out.push('’'),
            '’' | '‘' => out.push('\''),
            '—' => out.push('-'),
            '-' => out.push('—'),
            '。' => out.push('.'),
            _ => out.push(c),
        }
    }
    if base.script == Script::Latin {
        out = out.to_uppercase();
    }
    (out != base.text).then_some(out)
}

fn main() {
    let mut dedup = DedupConfig::default();
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Some(at) = args.iter().position(|a| a == "--config") {
        let text = std::fs::read_to_string(&args[at + 1]).expect("readable --config file");
        dedup = serde_json::from_str(&text).expect("a DedupConfig as JSON");
    }
    let mut fingerprint = FingerprintConfig::default();
    if let Some(at) = args.iter().position(|a| a == "--fingerprint") {
        let text = std::fs::read_to_string(&args[at + 1]).expect("readable --fingerprint file");
        fingerprint = serde_json::from_str(&text).expect("a FingerprintConfig as JSON");
    }
    let bases = corpus::bases();
    let texts: Vec<&str> = bases.iter().map(|b| b.text.as_str()).collect();
    let signatures: Vec<Vec<u64>> = texts.iter().map(|t| datatrove(t)).collect();
    println!(
        "{} base paragraphs (seeds, dev set, English fixture), DedupConfig {}, FingerprintConfig {}\n",
        bases.len(),
        serde_json::to_string(&dedup).unwrap_or_default(),
        serde_json::to_string(&fingerprint).unwrap_or_default()
    );

    // Bases alone: every drop is a false merge.
    let alone = run(&texts, &dedup, &fingerprint);
    let mut false_bases = Tally::default();
    for (base, found) in bases.iter().zip(&alone) {
        false_bases.add(base.script, base.chars, found.is_some());
    }

    let mut recall: Vec<(f64, Tally, Tally)> = Vec::new();
    let mut wrong = Tally::default();
    for rate in corpus::RATES {
        let reposts = corpus::reposts(&bases, rate, 11);
        let mut stream = texts.clone();
        stream.extend(reposts.iter().map(|(_, t)| t.as_str()));
        let found = run(&stream, &dedup, &fingerprint);
        let mut ours = Tally::default();
        let mut theirs = Tally::default();
        for ((base_index, text), found) in reposts.iter().zip(&found[bases.len()..]) {
            let base = &bases[*base_index];
            ours.add(base.script, base.chars, *found == Some(*base_index));
            wrong.add(
                base.script,
                base.chars,
                found.is_some_and(|f| f != *base_index),
            );
            theirs.add(
                base.script,
                base.chars,
                datatrove_merges(&signatures[*base_index], &datatrove(text)),
            );
        }
        recall.push((rate, ours, theirs));
    }

    for (label, scripts) in SCRIPTS {
        println!("### Reposts caught, {label}\n");
        header("edits");
        for (rate, ours, theirs) in &recall {
            row(&format!("{:.0}%, chaff", rate * 100.0), ours, scripts, true);
            row(
                &format!("{:.0}%, datatrove", rate * 100.0),
                theirs,
                scripts,
                true,
            );
        }
        println!();
    }

    // Typographic variants.
    let variants: Vec<(usize, String)> = bases
        .iter()
        .enumerate()
        .filter_map(|(i, b)| typographic_variant(b).map(|v| (i, v)))
        .collect();
    let mut stream = texts.clone();
    stream.extend(variants.iter().map(|(_, t)| t.as_str()));
    let found = run(&stream, &dedup, &fingerprint);
    let mut typography = Tally::default();
    for ((i, _), found) in variants.iter().zip(&found[bases.len()..]) {
        typography.add(bases[*i].script, bases[*i].chars, *found == Some(*i));
    }

    // Pairs that must not merge, and apart from them names one character
    // apart: each set in its own run, the first lines then the second.
    let mut by_kind: HashMap<&str, Tally> = HashMap::new();
    let mut datatrove_pairs: HashMap<&str, Tally> = HashMap::new();
    for pairs in [
        corpus::must_not_merge(&bases, 5),
        corpus::one_character_names(6),
    ] {
        let mut stream: Vec<&str> = pairs.iter().map(|p| p.first.as_str()).collect();
        stream.extend(pairs.iter().map(|p| p.second.as_str()));
        let found = run(&stream, &dedup, &fingerprint);
        for (pair, found) in pairs.iter().zip(&found[pairs.len()..]) {
            if std::env::var_os("SHOW").is_some()
                && let Some(f) = found
            {
                eprintln!(
                    "{}: {:?}\n   merged into {:?} (exact Jaccard {:.3})",
                    pair.kind,
                    pair.second,
                    stream[*f],
                    exact_jaccard(&pair.second, stream[*f], &fingerprint)
                );
            }
            let chars = comparison_key(&pair.second).chars().count();
            let script = corpus::script_of(&pair.second);
            by_kind
                .entry(pair.kind)
                .or_default()
                .add(script, chars, found.is_some());
            datatrove_pairs.entry(pair.kind).or_default().add(
                script,
                chars,
                datatrove_merges(&datatrove(&pair.first), &datatrove(&pair.second)),
            );
        }
    }

    // Distinct paragraphs with a shared template sentence (of 100
    // characters or more, so that the template is the smaller part).
    let templated = corpus::with_template_sentence(&bases);
    let templated: Vec<&str> = templated.iter().map(String::as_str).collect();
    let found = run(&templated, &dedup, &fingerprint);
    let mut template = Tally::default();
    for ((base, found), text) in bases.iter().zip(&found).zip(&templated) {
        if base.chars < 100 {
            continue;
        }
        if std::env::var_os("SHOW").is_some()
            && let Some(f) = found
        {
            eprintln!(
                "template: {text:?}\n   merged into {:?} (exact Jaccard {:.3})",
                templated[*f],
                exact_jaccard(text, templated[*f], &fingerprint)
            );
        }
        template.add(base.script, base.chars, found.is_some());
    }

    println!("### Typographic variants caught\n");
    header("variants");
    for (label, scripts) in SCRIPTS {
        row(label, &typography, scripts, true);
    }
    println!("\n### False merges (of pairs that must stay apart)\n");
    header("pairs");
    let all = &[Script::Cjk, Script::Latin][..];
    row("distinct bases", &false_bases, all, false);
    row(
        "reposts merged into another base (all rates)",
        &wrong,
        all,
        false,
    );
    row(
        "distinct bases of 100+ characters sharing a template sentence",
        &template,
        all,
        false,
    );
    let mut kinds: Vec<_> = by_kind.keys().copied().collect();
    kinds.sort_unstable();
    for kind in kinds {
        row(
            &format!("another {kind}, chaff"),
            &by_kind[kind],
            all,
            false,
        );
        row(
            &format!("another {kind}, datatrove"),
            &datatrove_pairs[kind],
            all,
            false,
        );
    }
}
