//! What the one-edit rule of short paragraphs (`chaff::dedup::edit`)
//! should accept: recall on edited reposts of 10–39 characters against
//! false merges of lines that name another person, for variants of the
//! rule, on the labelled corpus of `benches/support/neardup_corpus.rs`.
//!
//! ```text
//! cargo run --release --example edit_rule
//! ```
//!
//! Each pair is judged as the deduplicator judges two short keys: equal
//! folded keys are an exact repeat; otherwise the pair merges when one
//! edit turns one folded key into the other ([`EditProbe::find_edit`]),
//! it is not of a digit or a Chinese numeral ([`is_fact`], refused in every
//! variant), and the variant accepts it. The half-key search finds every one-edit pair by
//! construction, so a pairwise test is what the deduplicator decides.
//!
//! Variants (by what was edited, never by where the generator put it):
//!
//! * **any**: any character (the rule before this measurement);
//! * **no ideograph substitution**: a substituted ideograph, kana or
//!   hangul is another word, not a typo; CJK insertions and deletions and
//!   every Latin edit are accepted;
//! * **Latin only**: no edit of a CJK character at all;
//! * **none**: short paragraphs repeat only exactly.

use chaff::chars::is_cjk;
use chaff::dedup::edit::{Edit, EditProbe, is_fact};
use chaff::normalize::{comparison_key, fold};

#[path = "../benches/support/neardup_corpus.rs"]
mod corpus;

use corpus::Script;

const VARIANTS: [&str; 4] = ["any", "no ideograph substitution", "Latin only", "none"];

/// The characters an edit touched: the stored one and the query's.
fn edited(edit: Edit, query: &[char]) -> Vec<char> {
    match edit {
        Edit::Substitute(at, c) => vec![c, query[at]],
        Edit::Insert(_, c) => vec![c],
        Edit::Delete(at) => vec![query[at]],
    }
}

fn accepts(variant: usize, edit: Edit, query: &[char]) -> bool {
    let chars = edited(edit, query);
    if chars.iter().any(|c| is_fact(*c)) {
        return false;
    }
    let cjk = chars.iter().any(|c| is_cjk(*c));
    match variant {
        0 => true,
        1 => !(cjk && matches!(edit, Edit::Substitute(..))),
        2 => !cjk,
        _ => false,
    }
}

/// Whether `second` is taken for a repeat of `first` under each variant.
fn merges(first: &str, second: &str) -> [bool; 4] {
    let a = fold(&comparison_key(first));
    let b = fold(&comparison_key(second));
    if a == b {
        return [true; 4];
    }
    let (Some(stored), Some(query)) = (EditProbe::new(&a), EditProbe::new(&b)) else {
        return [false; 4];
    };
    let chars = a.chars().count();
    if chars < 10 || b.chars().count() < 10 {
        return [false; 4];
    }
    match query.find_edit(&stored.stored()) {
        Some(edit) => std::array::from_fn(|v| accepts(v, edit, query.chars())),
        None => [false; 4],
    }
}

#[derive(Default, Clone, Copy)]
struct Count {
    hit: [usize; 4],
    n: usize,
}

impl Count {
    fn add(&mut self, merged: [bool; 4]) {
        self.n += 1;
        for (h, m) in self.hit.iter_mut().zip(merged) {
            *h += usize::from(m);
        }
    }
}

fn main() {
    let bases = corpus::bases();
    // recall[rate][script][bucket 10-19, 20-39]
    println!("### Recall on edited reposts (10-19 and 20-39 characters)\n");
    println!("| edits | script | chars | n | {} |", VARIANTS.join(" | "));
    println!("|---|---|---|---|{}", "---|".repeat(VARIANTS.len()));
    for rate in [0.01, 0.03] {
        let reposts = corpus::reposts(&bases, rate, 11);
        for (script, name) in [(Script::Cjk, "Chinese"), (Script::Latin, "Latin")] {
            for (low, high) in [(10, 20), (20, 40)] {
                let mut count = Count::default();
                for (i, text) in &reposts {
                    let base = &bases[*i];
                    if base.script == script && (low..high).contains(&base.chars) {
                        count.add(merges(&base.text, text));
                    }
                }
                let cells: Vec<String> = count
                    .hit
                    .iter()
                    .map(|h| format!("{:.3}", *h as f64 / count.n.max(1) as f64))
                    .collect();
                println!(
                    "| {:.0}% | {name} | {low}-{} | {} | {} |",
                    rate * 100.0,
                    high - 1,
                    count.n,
                    cells.join(" | ")
                );
            }
        }
    }
    println!("\n### Pairs that must not merge, merged\n");
    println!("| pairs | n | {} |", VARIANTS.join(" | "));
    println!("|---|---|{}", "---|".repeat(VARIANTS.len()));
    let mut kinds: Vec<(&str, Count)> = Vec::new();
    for pair in corpus::must_not_merge(&bases, 5)
        .iter()
        .chain(&corpus::one_character_names(6))
    {
        let merged = merges(&pair.first, &pair.second);
        if std::env::var_os("SHOW").is_some() && merged[1] {
            eprintln!("{}: {:?} / {:?}", pair.kind, pair.first, pair.second);
        }
        match kinds.iter_mut().find(|(k, _)| *k == pair.kind) {
            Some((_, count)) => count.add(merged),
            None => {
                let mut count = Count::default();
                count.add(merged);
                kinds.push((pair.kind, count));
            }
        }
    }
    for (kind, count) in kinds {
        let cells: Vec<String> = count.hit.iter().map(|h| h.to_string()).collect();
        println!("| another {kind} | {} | {} |", count.n, cells.join(" | "));
    }
}
