//! Precision and recall of near-duplicate detection on generated pairs.
//!
//! `cargo run --release --example neardup_eval`
//!
//! Two tables: Chinese, whose base paragraphs are the distinct paragraphs
//! (at least `min_shingles` shingles) of the sample pages, and English,
//! from `tests/fixtures/english`. For each edit rate, every base paragraph
//! gets an edited copy (random substitutions, insertions and deletions of
//! that share of its characters, seeded); a pair counts as caught when the
//! library's near-repeat rule ([`DedupConfig::near_repeat`]: SimHash within
//! `max_hamming`, then Jaccard of the shingle sets at least
//! `min_similarity`) merges it at each column's settings. False merges are
//! counted over every pair of distinct base paragraphs and over pairs of
//! distinct paragraphs that were given the same template sentence.

use std::path::PathBuf;

use chaff::dedup::DedupConfig;
use chaff::fingerprint::{Fingerprint, FingerprintConfig, Shingler, fingerprint, shingle_set};
use chaff::io::{Utf8Policy, documents};
use chaff::normalize::comparison_key;
use chaff::split::{SplitConfig, split_paragraphs};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

struct Sample {
    fingerprint: Fingerprint,
    set: Vec<u32>,
}

fn sample(text: &str, config: &FingerprintConfig, shingler: &mut Shingler) -> Option<Sample> {
    let key = comparison_key(text);
    let fp = fingerprint(&key, config, shingler);
    (fp.shingles >= DedupConfig::default().min_shingles).then(|| Sample {
        fingerprint: fp,
        set: shingle_set(&key, config, shingler),
    })
}

/// The library's near-repeat rule on a pair, at `max_hamming` `k` and
/// `min_similarity`: the Jaccard similarity when it merges them.
fn near_repeat(a: &Sample, b: &Sample, k: u32, min_similarity: f64) -> Option<f64> {
    let config = DedupConfig {
        max_hamming: k,
        min_similarity,
        ..DedupConfig::default()
    };
    config
        .near_repeat(&a.fingerprint, &a.set, &b.fingerprint, &b.set)
        .map(|(_, similarity)| similarity)
}

fn merged(a: &Sample, b: &Sample, k: u32, min_similarity: f64) -> bool {
    near_repeat(a, b, k, min_similarity).is_some()
}

fn edit(text: &str, rate: f64, alphabet: &[char], rng: &mut StdRng) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    let edits = ((chars.len() as f64 * rate).round() as usize).max(1);
    for _ in 0..edits {
        let at = rng.random_range(0..chars.len().max(1));
        let letter = alphabet[rng.random_range(0..alphabet.len())];
        match rng.random_range(0..3) {
            0 if at < chars.len() => chars[at] = letter,
            1 => chars.insert(at.min(chars.len()), letter),
            _ if chars.len() > 1 && at < chars.len() => {
                chars.remove(at);
            }
            _ => chars.push(letter),
        }
    }
    chars.into_iter().collect()
}

fn main() {
    let fixtures = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures"));
    let config = FingerprintConfig::default();
    let mut shingler = Shingler::new();
    for (language, dir) in [("Chinese", "seeds"), ("English", "english")] {
        let mut bases: Vec<String> = Vec::new();
        for doc in documents(&[fixtures.join(dir)], Utf8Policy::Strict) {
            let doc = doc.expect("readable fixtures");
            for p in split_paragraphs(&doc.text, &SplitConfig::default()) {
                if !bases.contains(&p.text) && sample(&p.text, &config, &mut shingler).is_some() {
                    bases.push(p.text);
                }
            }
        }
        let mut alphabet: Vec<char> = bases
            .iter()
            .flat_map(|b| b.chars())
            .filter(|c| c.is_alphabetic())
            .collect();
        alphabet.sort_unstable();
        alphabet.dedup();
        println!("## {language}\n");
        table(&bases, &alphabet, &config, &mut shingler);
        println!();
    }
}

fn table(bases: &[String], alphabet: &[char], config: &FingerprintConfig, shingler: &mut Shingler) {
    let dedup = DedupConfig::default();
    let samples: Vec<Sample> = bases
        .iter()
        .filter_map(|b| sample(b, config, shingler))
        .collect();
    let settings: Vec<(u32, f64)> = vec![
        (3, 0.0),
        (dedup.max_hamming, 0.0),
        (dedup.max_hamming, 0.5),
        (dedup.max_hamming, dedup.min_similarity),
        (13, dedup.min_similarity),
    ];
    println!(
        "{} base paragraphs, shingles: {} CJK chars / {} words",
        bases.len(),
        config.cjk_shingle_chars,
        config.word_shingle_words
    );
    print!("{:<28}", "pairs \\ (max_hamming, min_jaccard)");
    for (k, t) in &settings {
        print!(" | k={k:<2} J>={t:.2}");
    }
    println!();
    let mut rng = StdRng::seed_from_u64(7);
    for (label, lengths) in [
        ("all lengths", 0..usize::MAX),
        ("< 100 chars", 0..100),
        (">= 100 chars", 100..usize::MAX),
    ] {
        for rate in [0.01, 0.02, 0.03, 0.05, 0.08] {
            let mut caught = vec![0usize; settings.len()];
            let mut total = 0;
            for (base, a) in bases.iter().zip(&samples) {
                if !lengths.contains(&base.chars().count()) {
                    continue;
                }
                let edited = edit(base, rate, alphabet, &mut rng);
                let Some(b) = sample(&edited, config, shingler) else {
                    continue;
                };
                total += 1;
                for (i, (k, t)) in settings.iter().enumerate() {
                    caught[i] += usize::from(merged(a, &b, *k, *t));
                }
            }
            print!(
                "{:<28}",
                format!("{:.0}% edits, {label} (n={total})", rate * 100.0)
            );
            for c in caught {
                print!(" | {:>12.3}", c as f64 / total.max(1) as f64);
            }
            println!();
        }
    }
    // edits that keep every character: sentence order and punctuation width
    for (label, change) in [
        (
            "first two sentences swapped",
            swap_sentences as fn(&str) -> String,
        ),
        ("punctuation width changed", change_punctuation),
    ] {
        let mut caught = vec![0usize; settings.len()];
        let mut total = 0;
        for (base, a) in bases.iter().zip(&samples) {
            let changed = change(base);
            if changed == *base {
                continue;
            }
            let Some(b) = sample(&changed, config, shingler) else {
                continue;
            };
            total += 1;
            for (i, (k, t)) in settings.iter().enumerate() {
                caught[i] += usize::from(merged(a, &b, *k, *t));
            }
        }
        print!("{:<28}", format!("{label} (n={total})"));
        for c in caught {
            print!(" | {:>12.3}", c as f64 / total.max(1) as f64);
        }
        println!();
    }
    // false merges: every pair of distinct paragraphs, plain and with a shared template sentence
    let template = if alphabet.iter().any(|c| chaff::chars::is_cjk(*c)) {
        "本网站所载内容仅供参考,如需转载请注明出处并保留原文链接。"
    } else {
        "The views expressed on this page are those of the authors and do not necessarily reflect the position of the council. "
    };
    let templated: Vec<Sample> = bases
        .iter()
        .filter_map(|b| sample(&format!("{template}{b}"), config, shingler))
        .collect();
    for (label, set) in [
        ("distinct pairs", &samples),
        ("shared template sentence", &templated),
    ] {
        let mut merges = vec![0usize; settings.len()];
        let mut pairs = 0usize;
        for i in 0..set.len() {
            for j in 0..i {
                pairs += 1;
                for (s, (k, t)) in settings.iter().enumerate() {
                    merges[s] += usize::from(merged(&set[i], &set[j], *k, *t));
                }
                if std::env::var_os("SHOW").is_some()
                    && let Some(similarity) =
                        near_repeat(&set[i], &set[j], dedup.max_hamming, dedup.min_similarity)
                {
                    eprintln!(
                        "merged (J={similarity:.2}): {}\n   and: {}",
                        bases[i], bases[j]
                    );
                }
            }
        }
        print!("{:<28}", format!("false merges, {label} (n={pairs})"));
        for m in merges {
            print!(" | {:>12}", m);
        }
        println!();
    }
}

fn swap_sentences(text: &str) -> String {
    let sentences: Vec<&str> = chaff::split::sentence_ranges(text)
        .into_iter()
        .map(|range| &text[range])
        .collect();
    if sentences.len() < 2 {
        return text.to_owned();
    }
    let mut out = String::new();
    out.push_str(sentences[1]);
    out.push_str(sentences[0]);
    sentences[2..].iter().for_each(|s| out.push_str(s));
    out
}

fn change_punctuation(text: &str) -> String {
    text.replace(',', "，")
        .replace('。', ".")
        .replace(':', "：")
        .replace(". ", "。")
}
