//! Which near-duplicate search scales: the options of issue 14, measured
//! side by side before one was chosen.
//!
//! ```text
//! cargo run --release --example neardup_options                       # recall and false merges
//! cargo run --release --example neardup_options -- --crawl crawl.jsonl # candidates per lookup vs corpus size
//! ```
//!
//! Every option keeps the shingles and the 64-bit SimHash of `chaff`'s
//! fingerprint; they differ in how candidates are found and confirmed:
//!
//! * `today`: every stored SimHash within 11 bits (the four-table multi-index
//!   of `chaff::index`), confirmed by the Jaccard similarity of the stored
//!   shingle sets (>= 0.7); `k=3`: the same within 3 bits.
//! * `L SimHash, k`: `L` independent SimHashes (the feature hashes remixed
//!   with `L` seeds), a candidate when any is within `k` bits: an LSH
//!   amplification. Confirmed like `today`.
//! * `perm T`: `T` tables on the one SimHash, each keyed by 27 of its bits
//!   (a different random choice per table; 2^27 is about 100 M), a
//!   candidate when one key matches exactly: Manku et al.'s permuted
//!   tables sized to the corpus, as an LSH rather than an exact search
//!   (exact search within 11 bits at 27-bit keys needs thousands of tables).
//! * `bands B`: a one-permutation MinHash sketch (Li, Owen and Zhang 2012)
//!   of the same feature hashes: 16 bins, the low byte of each bin's
//!   minimum, empty bins filled by rotation (Shrivastava and Li 2014); a
//!   candidate when one of `B` bands of 4 bins matches exactly; confirmed
//!   when an odd sketch's Jaccard estimate is at least 0.7 and the SimHashes
//!   are within 14 bits (the confirmation table below compares sketches). `+mp` also probes each band with one bin replaced
//!   by the query's second-smallest value in that bin (multi-probe).
//! * `datatrove`: MinHash over character 5-grams, 14 bands of 8 hashes, a
//!   band match is a duplicate (no confirmation): datatrove's defaults.
//!
//! Recall is measured on the labelled corpus of
//! `benches/support/neardup_corpus.rs` (paragraphs of at least 40
//! characters and `min_shingles` shingles: the ones these options are
//! for); false merges over every pair of distinct base paragraphs and over
//! the same pairs given one shared template sentence.

use std::collections::HashMap;
use std::path::PathBuf;

use chaff::fingerprint::{FeatureHash, FingerprintConfig, Shingler};
use chaff::normalize::comparison_key;

#[path = "../benches/support/neardup_corpus.rs"]
mod corpus;

use corpus::{Base, Script};

const MIN_SHINGLES: usize = 24;

fn fmix64(mut x: u64) -> u64 {
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^= x >> 33;
    x = x.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    x ^ (x >> 33)
}

fn simhash(hashes: impl Iterator<Item = u64>) -> u64 {
    let mut ones = [0u32; 64];
    let mut total = 0u32;
    for h in hashes {
        total += 1;
        for (i, one) in ones.iter_mut().enumerate() {
            *one += ((h >> i) & 1) as u32;
        }
    }
    ones.iter()
        .enumerate()
        .filter(|(_, one)| 2 * **one > total)
        .fold(0, |s, (i, _)| s | 1 << i)
}

/// One-permutation MinHash with `M` bins: for each bin the smallest remixed
/// hash and the second smallest, then rotation densification of empty bins.
fn one_permutation<const M: usize>(hashes: &[u64]) -> ([u8; M], [u8; M]) {
    let mut min = [u64::MAX; M];
    let mut second = [u64::MAX; M];
    for &h in hashes {
        let v = fmix64(h ^ 0x5851_f42d_4c95_7f2d);
        let bin = (v >> 32) as usize % M;
        if v < min[bin] {
            second[bin] = min[bin];
            min[bin] = v;
        } else if v < second[bin] {
            second[bin] = v;
        }
    }
    let mut sketch = [0u8; M];
    let mut alt = [0u8; M];
    for i in 0..M {
        let mut j = i;
        let mut distance = 0u64;
        while min[j] == u64::MAX && distance < M as u64 {
            j = (j + 1) % M;
            distance += 1;
        }
        sketch[i] = fmix64(min[j].wrapping_add(distance)) as u8;
        alt[i] = if distance == 0 && second[i] != u64::MAX {
            fmix64(second[i]) as u8
        } else {
            sketch[i]
        };
    }
    (sketch, alt)
}

fn estimate(a: &[u8], b: &[u8]) -> f64 {
    let equal = a.iter().zip(b).filter(|(x, y)| x == y).count() as f64;
    let chance = 1.0 / 256.0;
    ((equal / a.len() as f64 - chance) / (1.0 - chance)).max(0.0)
}

/// Bottom-k Jaccard estimate: the share of the k smallest of the union
/// that are in both (Broder 1997).
fn estimate_bottom(a: &[u16], b: &[u16]) -> f64 {
    let mut union: Vec<u16> = a.iter().chain(b).copied().collect();
    union.sort_unstable();
    union.dedup();
    union.truncate(a.len().min(b.len()));
    let both = union
        .iter()
        .filter(|v| a.contains(v) && b.contains(v))
        .count();
    both as f64 / union.len().max(1) as f64
}

/// 1-bit one-permutation estimate: equal bits are 1/2 + J/2 of the bins.
fn estimate_bit(equal: u32, bins: u32) -> f64 {
    (2.0 * f64::from(equal) / f64::from(bins) - 1.0).max(0.0)
}

fn estimate_bit128(a: &Features, b: &Features) -> f64 {
    estimate_bit(128 - (a.bit128 ^ b.bit128).count_ones(), 128)
}

fn estimate_bit256(a: &Features, b: &Features) -> f64 {
    let differ =
        (a.bit256[0] ^ b.bit256[0]).count_ones() + (a.bit256[1] ^ b.bit256[1]).count_ones();
    estimate_bit(256 - differ, 256)
}

/// Odd sketch (Mitzenmacher, Pagh and Pham 2014) of the shingle set
/// sampled to about 128 elements: the level `a` chose for its own size,
/// the query sampled at the same level.
fn estimate_odd(a: &Features, b: &Features) -> f64 {
    estimate_odd_bits(a, b, 128)
}

fn estimate_odd64(a: &Features, b: &Features) -> f64 {
    estimate_odd_bits(a, b, 64)
}

fn estimate_odd96(a: &Features, b: &Features) -> f64 {
    estimate_odd_bits(a, b, 96)
}

fn estimate_odd_bits(a: &Features, b: &Features, bits: u32) -> f64 {
    let level = (a.set.len().max(1) as f64 / f64::from(bits))
        .log2()
        .ceil()
        .max(0.0) as u32;
    let odd = |set: &[u64]| -> (u128, usize) {
        let mut sketch = 0u128;
        let mut size = 0;
        for h in set {
            let v = fmix64(h ^ 0x0dd5_ce7c_4e1a_b17e);
            if v.trailing_zeros() >= level {
                sketch ^= 1u128 << ((v >> 32) % u64::from(bits));
                size += 1;
            }
        }
        (sketch, size)
    };
    let (sa, na) = odd(&a.set);
    let (sb, nb) = odd(&b.set);
    let pop = f64::from((sa ^ sb).count_ones());
    let m = f64::from(bits);
    if 2.0 * pop >= m {
        return 0.0;
    }
    let difference = (1.0 - 2.0 * pop / m).ln() / (1.0f64 - 2.0 / m).ln();
    let sizes = (na + nb) as f64;
    ((sizes - difference) / (sizes + difference)).max(0.0)
}

/// b-bit one-permutation estimate (Li and König 2010), 2 bits.
fn estimate_bbit(a: &[u8], b: &[u8]) -> f64 {
    let equal = a.iter().zip(b).filter(|(x, y)| x == y).count() as f64 / a.len() as f64;
    ((equal - 0.25) / 0.75).max(0.0)
}

/// The SimHash's own Jaccard estimate: the angle from the Hamming
/// distance (Charikar 2002), cosine to Jaccard for sets of equal size.
fn estimate_simhash(a: u64, b: u64) -> f64 {
    let cosine = (std::f64::consts::PI * hamming(a, b) as f64 / 64.0).cos();
    (cosine / (2.0 - cosine)).max(0.0)
}

fn jaccard(a: &[u64], b: &[u64]) -> f64 {
    let (mut i, mut j, mut shared) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                shared += 1;
                i += 1;
                j += 1;
            }
        }
    }
    shared as f64 / (a.len() + b.len() - shared).max(1) as f64
}

/// Character 5-grams of the lowercased letters and digits, runs of anything
/// else as one space (datatrove's shingles, by characters).
fn char5(key: &str) -> Vec<u64> {
    let mut text = String::new();
    let mut space = false;
    for c in key.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            if space && !text.is_empty() {
                text.push(' ');
            }
            space = false;
            text.push(c);
        } else {
            space = true;
        }
    }
    let chars: Vec<char> = text.chars().collect();
    let grams: Vec<u64> = if chars.len() < 5 {
        vec![xxhash_rust::xxh3::xxh3_64(text.as_bytes())]
    } else {
        chars
            .windows(5)
            .map(|w| {
                let s: String = w.iter().collect();
                xxhash_rust::xxh3::xxh3_64(s.as_bytes())
            })
            .collect()
    };
    let mut minhash = vec![u64::MAX; 112];
    for g in grams {
        for (i, m) in minhash.iter_mut().enumerate() {
            *m = (*m).min(fmix64(
                g ^ (i as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15),
            ));
        }
    }
    minhash
}

/// What each option needs of one paragraph.
struct Features {
    chars: usize,
    /// Distinct shingle hashes, sorted.
    set: Vec<u64>,
    simhash: u64,
    /// Independent SimHashes: the feature hashes remixed with seeds 1..=8.
    simhashes: [u64; 8],
    sketch: [u8; 16],
    second: [u8; 16],
    sketch32: [u8; 32],
    /// The 8 smallest remixed hashes, top 16 bits (16 bytes).
    bottom8: Vec<u16>,
    /// One-permutation with 64 bins, 2 bits each (16 bytes).
    bbit: [u8; 64],
    /// One-permutation with 128 and 256 bins, 1 bit each (16 and 32 bytes).
    bit128: u128,
    bit256: [u128; 2],
    char5: Vec<u64>,
}

impl Features {
    fn of(text: &str, shingler: &mut Shingler, config: &FingerprintConfig) -> Features {
        Self::with(text, shingler, config, true)
    }

    fn with(
        text: &str,
        shingler: &mut Shingler,
        config: &FingerprintConfig,
        datatrove: bool,
    ) -> Features {
        let key = comparison_key(text);
        let mut hashes = Vec::new();
        shingler.for_each_shingle(&key, config, |s| hashes.push(FeatureHash::Fast.hash(s)));
        let simhash_all = simhash(hashes.iter().copied());
        let mut simhashes = [0u64; 8];
        for (seed, s) in simhashes.iter_mut().enumerate() {
            let salt = (seed as u64 + 1).wrapping_mul(0xA076_1D64_78BD_642F);
            *s = simhash(hashes.iter().map(|h| fmix64(h ^ salt)));
        }
        let mut set = hashes;
        set.sort_unstable();
        set.dedup();
        let (sketch, second) = one_permutation::<16>(&set);
        let (sketch32, _) = one_permutation::<32>(&set);
        let (bbit, _) = one_permutation::<64>(&set);
        let mut remixed: Vec<u64> = set
            .iter()
            .map(|h| fmix64(h ^ 0x1234_5678_9ABC_DEF1))
            .collect();
        remixed.sort_unstable();
        Features {
            sketch32,
            bottom8: remixed.iter().take(8).map(|v| (v >> 48) as u16).collect(),
            bbit: bbit.map(|v| v & 3),
            bit128: {
                let (b, _) = one_permutation::<128>(&set);
                b.iter()
                    .enumerate()
                    .fold(0u128, |acc, (i, v)| acc | (u128::from(v & 1) << i))
            },
            bit256: {
                let (b, _) = one_permutation::<256>(&set);
                let mut out = [0u128; 2];
                for (i, v) in b.iter().enumerate() {
                    out[i / 128] |= u128::from(v & 1) << (i % 128);
                }
                out
            },
            chars: key.chars().count(),
            simhash: simhash_all,
            simhashes,
            sketch,
            second,
            char5: if datatrove { char5(&key) } else { Vec::new() },
            set,
        }
    }

    fn eligible(&self) -> bool {
        self.chars >= 40 && self.set.len() >= MIN_SHINGLES
    }
}

fn hamming(a: u64, b: u64) -> u32 {
    (a ^ b).count_ones()
}

/// The random bit choices of the permuted tables, fixed.
fn permuted_keys() -> Vec<u64> {
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    (0..32)
        .map(|_| {
            let mut mask = 0u64;
            while mask.count_ones() < 27 {
                state = fmix64(state.wrapping_add(0x9E37_79B9_7F4A_7C15));
                mask |= 1 << (state % 64);
            }
            mask
        })
        .collect()
}

fn band_match(a: &Features, b: &Features, bands: usize, multiprobe: bool) -> bool {
    band_match_r(a, b, bands, 4, usize::from(multiprobe))
}

/// Whether one of `bands` bands of `rows` bins matches, probing the query's
/// band with up to `replaced` bins replaced by its second-smallest values.
fn band_match_r(a: &Features, b: &Features, bands: usize, rows: usize, replaced: usize) -> bool {
    (0..bands).any(|band| {
        let range = band * rows..band * rows + rows;
        let stored = &a.sketch[range.clone()];
        let query = &b.sketch[range.clone()];
        let alt = &b.second[range.clone()];
        let differ: Vec<usize> = (0..rows).filter(|&i| stored[i] != query[i]).collect();
        differ.len() <= replaced && differ.iter().all(|&i| alt[i] == stored[i])
    })
}

/// The options: a name and whether `b` (later) is merged into `a`.
type Merged = Box<dyn Fn(&Features, &Features) -> bool>;

fn options() -> Vec<(&'static str, Merged)> {
    let masks = permuted_keys();
    let confirm = |a: &Features, b: &Features| jaccard(&a.set, &b.set) >= 0.7;
    let confirm_sketch = |a: &Features, b: &Features| {
        estimate_odd(a, b) >= 0.7 && hamming(a.simhash, b.simhash) <= 14
    };
    let mut options: Vec<(&'static str, Merged)> = vec![
        (
            "today k=11",
            Box::new(move |a, b| hamming(a.simhash, b.simhash) <= 11 && confirm(a, b)),
        ),
        (
            "k=3",
            Box::new(move |a, b| hamming(a.simhash, b.simhash) <= 3 && confirm(a, b)),
        ),
    ];
    for (name, l, k) in [
        ("4 SimHash k=3", 4, 3),
        ("8 SimHash k=3", 8, 3),
        ("4 SimHash k=5", 4, 5),
        ("8 SimHash k=5", 8, 5),
    ] {
        options.push((
            name,
            Box::new(move |a, b| {
                a.simhashes[..l]
                    .iter()
                    .zip(&b.simhashes[..l])
                    .any(|(x, y)| hamming(*x, *y) <= k)
                    && confirm(a, b)
            }),
        ));
    }
    for (name, t) in [("perm 8", 8), ("perm 16", 16), ("perm 32", 32)] {
        let masks = masks.clone();
        options.push((
            name,
            Box::new(move |a, b| {
                masks[..t].iter().any(|m| (a.simhash ^ b.simhash) & m == 0) && confirm(a, b)
            }),
        ));
    }
    for (name, bands, multiprobe) in [
        ("bands 2", 2, false),
        ("bands 2+mp", 2, true),
        ("bands 3", 3, false),
        ("bands 3+mp", 3, true),
        ("bands 4", 4, false),
    ] {
        options.push((
            name,
            Box::new(move |a, b| band_match(a, b, bands, multiprobe) && confirm_sketch(a, b)),
        ));
    }
    for (name, bands, rows, replaced) in [
        ("bands 2x3+mp", 2, 3, 1),
        ("bands 2+mp2", 2, 4, 2),
        ("bands 3+mp2", 3, 4, 2),
    ] {
        options.push((
            name,
            Box::new(move |a, b| band_match_r(a, b, bands, rows, replaced) && confirm_sketch(a, b)),
        ));
    }
    options.push((
        "datatrove",
        Box::new(|a, b| {
            (0..14).any(|band| a.char5[band * 8..band * 8 + 8] == b.char5[band * 8..band * 8 + 8])
        }),
    ));
    options
}

fn quality() {
    let config = FingerprintConfig::default();
    let mut shingler = Shingler::new();
    let bases = corpus::bases();
    let features: Vec<Features> = bases
        .iter()
        .map(|b| Features::of(&b.text, &mut shingler, &config))
        .collect();
    let options = options();
    let eligible: Vec<usize> = (0..bases.len())
        .filter(|&i| features[i].eligible())
        .collect();
    println!(
        "{} base paragraphs, {} of at least 40 characters and {MIN_SHINGLES} shingles\n",
        bases.len(),
        eligible.len()
    );
    print!("| pairs |");
    for (name, _) in &options {
        print!(" {name} |");
    }
    println!();
    println!("|---|{}", "---|".repeat(options.len()));
    for rate in corpus::RATES {
        let reposts = corpus::reposts(&bases, rate, 11);
        for (label, script) in [("Chinese", Script::Cjk), ("Latin", Script::Latin)] {
            let mut caught = vec![0usize; options.len()];
            let mut total = 0;
            for &i in &eligible {
                if bases[i].script != script {
                    continue;
                }
                let edited = Features::of(&reposts[i].1, &mut shingler, &config);
                if !edited.eligible() {
                    continue;
                }
                total += 1;
                for (o, (_, merged)) in options.iter().enumerate() {
                    caught[o] += usize::from(merged(&features[i], &edited));
                }
            }
            print!("| {:.0}% edits, {label} (n={total}) |", rate * 100.0);
            for c in caught {
                print!(" {:.3} |", c as f64 / total.max(1) as f64);
            }
            println!();
        }
    }
    let templated: Vec<Features> = corpus::with_template_sentence(&bases)
        .iter()
        .map(|t| Features::of(t, &mut shingler, &config))
        .collect();
    for (label, set) in [
        ("distinct pairs", &features),
        ("shared template sentence", &templated),
    ] {
        let mut merges = vec![0usize; options.len()];
        let mut pairs = 0usize;
        for (x, &i) in eligible.iter().enumerate() {
            for &j in &eligible[..x] {
                pairs += 1;
                for (o, (name, merged)) in options.iter().enumerate() {
                    if merged(&set[j], &set[i]) {
                        merges[o] += 1;
                        if std::env::var_os("SHOW").is_some() && name.starts_with("bands 4") {
                            eprintln!(
                                "{name} merged (J={:.2}):\n  {}\n  {}",
                                jaccard(&set[i].set, &set[j].set),
                                bases[j].text,
                                bases[i].text
                            );
                        }
                    }
                }
            }
        }
        print!("| false merges, {label} (n={pairs}) |");
        for m in merges {
            print!(" {m} |");
        }
        println!();
    }
    println!();
    bases_by_script(&bases);
    confirmation(&bases, &features, &eligible);
}

/// Confirmation alone: every labelled pair is a candidate; how each
/// confirmation rule decides it.
fn confirmation(bases: &[Base], features: &[Features], eligible: &[usize]) {
    let config = FingerprintConfig::default();
    let mut shingler = Shingler::new();
    type Rule = (
        &'static str,
        usize,
        Box<dyn Fn(&Features, &Features) -> bool>,
    );
    let rules: Vec<Rule> = vec![
        (
            "exact J>=0.7",
            0,
            Box::new(|a, b| jaccard(&a.set, &b.set) >= 0.7),
        ),
        (
            "J16>=0.6, d<=14",
            16,
            Box::new(|a, b| {
                estimate(&a.sketch, &b.sketch) >= 0.6 && hamming(a.simhash, b.simhash) <= 14
            }),
        ),
        (
            "J16>=0.7, d<=14",
            16,
            Box::new(|a, b| {
                estimate(&a.sketch, &b.sketch) >= 0.7 && hamming(a.simhash, b.simhash) <= 14
            }),
        ),
        (
            "J16>=0.6, d<=11",
            16,
            Box::new(|a, b| {
                estimate(&a.sketch, &b.sketch) >= 0.6 && hamming(a.simhash, b.simhash) <= 11
            }),
        ),
        (
            "J16>=0.6",
            16,
            Box::new(|a, b| estimate(&a.sketch, &b.sketch) >= 0.6),
        ),
        (
            "d<=14",
            0,
            Box::new(|a, b| hamming(a.simhash, b.simhash) <= 14),
        ),
        (
            "mean(J16,Jsim)>=0.65",
            16,
            Box::new(|a, b| {
                estimate(&a.sketch, &b.sketch) + estimate_simhash(a.simhash, b.simhash) >= 1.3
            }),
        ),
        (
            "J32>=0.6, d<=14",
            32,
            Box::new(|a, b| {
                estimate(&a.sketch32, &b.sketch32) >= 0.6 && hamming(a.simhash, b.simhash) <= 14
            }),
        ),
        (
            "J32>=0.65, d<=14",
            32,
            Box::new(|a, b| {
                estimate(&a.sketch32, &b.sketch32) >= 0.65 && hamming(a.simhash, b.simhash) <= 14
            }),
        ),
        (
            "1-bit x128>=0.7, d<=14",
            16,
            Box::new(|a, b| estimate_bit128(a, b) >= 0.7 && hamming(a.simhash, b.simhash) <= 14),
        ),
        (
            "1-bit x128>=0.65, d<=14",
            16,
            Box::new(|a, b| estimate_bit128(a, b) >= 0.65 && hamming(a.simhash, b.simhash) <= 14),
        ),
        (
            "1-bit x256>=0.7, d<=14",
            32,
            Box::new(|a, b| estimate_bit256(a, b) >= 0.7 && hamming(a.simhash, b.simhash) <= 14),
        ),
        (
            "odd 128>=0.7, d<=14",
            18,
            Box::new(|a, b| estimate_odd(a, b) >= 0.7 && hamming(a.simhash, b.simhash) <= 14),
        ),
        (
            "odd 96>=0.7, d<=14",
            14,
            Box::new(|a, b| estimate_odd96(a, b) >= 0.7 && hamming(a.simhash, b.simhash) <= 14),
        ),
        (
            "odd 64>=0.7, d<=14",
            10,
            Box::new(|a, b| estimate_odd64(a, b) >= 0.7 && hamming(a.simhash, b.simhash) <= 14),
        ),
        (
            "odd 128>=0.65, d<=14",
            18,
            Box::new(|a, b| estimate_odd(a, b) >= 0.65 && hamming(a.simhash, b.simhash) <= 14),
        ),
        (
            "bottom-8>=0.6, d<=14",
            16,
            Box::new(|a, b| {
                estimate_bottom(&a.bottom8, &b.bottom8) >= 0.6
                    && hamming(a.simhash, b.simhash) <= 14
            }),
        ),
        (
            "2-bit x64>=0.6, d<=14",
            16,
            Box::new(|a, b| {
                estimate_bbit(&a.bbit, &b.bbit) >= 0.6 && hamming(a.simhash, b.simhash) <= 14
            }),
        ),
    ];
    println!(
        "\nConfirmation rules alone (every pair a candidate); sketch bytes per paragraph in the header\n"
    );
    print!("| pairs |");
    for (name, bytes, _) in &rules {
        print!(" {name} ({bytes} B) |");
    }
    println!();
    println!("|---|{}", "---|".repeat(rules.len()));
    let row = |label: String, pairs: &[(&Features, &Features)], positive: bool| {
        print!("| {label} (n={}) |", pairs.len());
        for (_, _, rule) in &rules {
            let merged = pairs.iter().filter(|(a, b)| rule(a, b)).count();
            if positive {
                print!(" {:.3} |", merged as f64 / pairs.len().max(1) as f64);
            } else {
                print!(" {merged} |");
            }
        }
        println!();
    };
    for rate in [0.01, 0.03, 0.05] {
        let reposts = corpus::reposts(bases, rate, 11);
        let edited: Vec<(usize, Features)> = eligible
            .iter()
            .filter(|&&i| bases[i].script == Script::Cjk)
            .map(|&i| (i, Features::of(&reposts[i].1, &mut shingler, &config)))
            .filter(|(_, f)| f.eligible())
            .collect();
        let pairs: Vec<(&Features, &Features)> =
            edited.iter().map(|(i, f)| (&features[*i], f)).collect();
        row(format!("{:.0}% edits, Chinese", rate * 100.0), &pairs, true);
    }
    // Paragraphs that share one part and differ in the rest: A+B vs A+C (about a third in
    // common) and A+B+C vs A+B+D (about a half).
    let same_script: Vec<usize> = eligible
        .iter()
        .copied()
        .filter(|&i| bases[i].chars < 200)
        .collect();
    let mut thirds = Vec::new();
    let mut halves = Vec::new();
    for w in same_script.windows(4).step_by(4) {
        let [a, b, c, d] = [w[0], w[1], w[2], w[3]].map(|i| bases[i].text.as_str());
        thirds.push((
            Features::of(&format!("{a}{b}"), &mut shingler, &config),
            Features::of(&format!("{a}{c}"), &mut shingler, &config),
        ));
        halves.push((
            Features::of(&format!("{a}{b}{c}"), &mut shingler, &config),
            Features::of(&format!("{a}{b}{d}"), &mut shingler, &config),
        ));
    }
    let pairs: Vec<(&Features, &Features)> = thirds.iter().map(|(a, b)| (a, b)).collect();
    row("one of two parts shared".into(), &pairs, false);
    let pairs: Vec<(&Features, &Features)> = halves.iter().map(|(a, b)| (a, b)).collect();
    row("two of three parts shared".into(), &pairs, false);
}

fn bases_by_script(bases: &[Base]) {
    let mut counts: HashMap<(&str, &str), usize> = HashMap::new();
    for b in bases {
        let script = if b.script == Script::Cjk {
            "Chinese"
        } else {
            "Latin"
        };
        *counts.entry((script, corpus::bucket(b.chars))).or_default() += 1;
    }
    let mut counts: Vec<_> = counts.into_iter().collect();
    counts.sort();
    println!("bases by script and length: {counts:?}");
}

/// Candidates per lookup against the first `n` paragraphs of a crawl, for
/// the index behind each option.
fn scale(crawl: &PathBuf) {
    use chaff::{Cleaner, Config, Verdict};
    let mut config = Config::default();
    config.dedup.exact = false;
    config.dedup.near = false;
    let mut cleaner = Cleaner::new(config).expect("config");
    let fp_config = FingerprintConfig::default();
    let mut shingler = Shingler::new();
    let mut seen = std::collections::HashSet::new();
    let mut stream: Vec<(u64, [u64; 8], [u8; 16], u64)> = Vec::new();
    let keep_features = std::env::var_os("SIMULATE").is_some();
    let mut kept_features: Vec<Features> = Vec::new();
    let docs = chaff::io::documents(std::slice::from_ref(crawl), chaff::io::Utf8Policy::Strict);
    let mut batch = Vec::new();
    let mut flush = |batch: Vec<chaff::Document>, stream: &mut Vec<_>| {
        for doc in cleaner.clean_batch(batch) {
            for p in doc.paragraphs {
                if p.verdict != Verdict::Kept {
                    continue;
                }
                let key = comparison_key(&p.text);
                if !seen.insert(xxhash_rust::xxh3::xxh3_64(key.as_bytes())) {
                    continue;
                }
                let f = Features::with(&p.text, &mut shingler, &fp_config, false);
                if f.eligible() {
                    let id = fmix64(stream.len() as u64);
                    stream.push((f.simhash, f.simhashes, f.sketch, id));
                    if keep_features {
                        kept_features.push(f);
                    }
                }
            }
        }
    };
    for doc in docs {
        batch.push(doc.expect("readable crawl"));
        if batch.len() == 512 {
            flush(std::mem::take(&mut batch), &mut stream);
        }
    }
    flush(batch, &mut stream);
    if keep_features {
        simulate(&kept_features);
        return;
    }
    println!(
        "{} distinct paragraphs of at least 40 characters and {MIN_SHINGLES} shingles\n",
        stream.len()
    );
    let masks = permuted_keys();
    let probes11: Vec<u16> = (0..=u16::MAX).filter(|v| v.count_ones() <= 2).collect();
    let mut blocks = vec![vec![0u32; 1 << 16]; 4];
    let mut perm: Vec<HashMap<u64, u32>> = vec![HashMap::new(); 16];
    let mut bands: Vec<HashMap<[u8; 4], u32>> = vec![HashMap::new(); 4];
    println!(
        "| stored | today k=11: probes, candidates | k=3 | perm 16 | bands 4 | bands 4, largest bucket |"
    );
    println!("|---|---|---|---|---|---|");
    let mut next_report = 10_000;
    for (n, (simhash, _, sketch, _)) in stream.iter().enumerate() {
        if n == next_report || n + 1 == stream.len() {
            let queries: Vec<usize> = (n..stream.len()).take(2000).collect();
            let (mut c11, mut c3, mut cp, mut cb) = (0u64, 0u64, 0u64, 0u64);
            for &q in &queries {
                let (s, _, k, _) = &stream[q];
                for (t, table) in blocks.iter().enumerate() {
                    let v = ((s >> (16 * t)) & 0xFFFF) as usize;
                    c3 += u64::from(table[v]);
                    for p in &probes11 {
                        c11 += u64::from(table[v ^ usize::from(*p)]);
                    }
                }
                for (t, table) in perm.iter().enumerate() {
                    cp += u64::from(table.get(&(s & masks[t])).copied().unwrap_or(0));
                }
                for (b, table) in bands.iter().enumerate() {
                    let key: [u8; 4] = k[b * 4..b * 4 + 4].try_into().unwrap_or_default();
                    cb += u64::from(table.get(&key).copied().unwrap_or(0));
                }
            }
            let largest = bands
                .iter()
                .flat_map(|t| t.values())
                .max()
                .copied()
                .unwrap_or(0);
            let q = queries.len().max(1) as f64;
            println!(
                "| {n} | {}, {:.1} | {:.2} | {:.3} | {:.3} | {largest} |",
                4 * probes11.len(),
                c11 as f64 / q,
                c3 as f64 / q,
                cp as f64 / q,
                cb as f64 / q
            );
            next_report *= 10;
            if next_report > stream.len() && n + 1 < stream.len() {
                next_report = stream.len() - 1;
            }
        }
        for (t, table) in blocks.iter_mut().enumerate() {
            table[((simhash >> (16 * t)) & 0xFFFF) as usize] += 1;
        }
        for (t, table) in perm.iter_mut().enumerate() {
            *table.entry(simhash & masks[t]).or_default() += 1;
        }
        for (b, table) in bands.iter_mut().enumerate() {
            let key: [u8; 4] = sketch[b * 4..b * 4 + 4].try_into().unwrap_or_default();
            *table.entry(key).or_default() += 1;
        }
    }
}

/// A band index of one design: band key -> ids, newest last, at most `cap`
/// (the oldest give way).
struct Bands {
    /// Keep the first `cap` ids of a key instead of the newest.
    first: bool,
    bands: usize,
    rows: usize,
    multiprobe: bool,
    cap: usize,
    min_similarity: f64,
    confirm: (&'static str, fn(&Features, &Features) -> f64),
    tables: Vec<HashMap<[u8; 4], Vec<u32>>>,
    examined: u64,
    lookups: u64,
    drops: u64,
    drops_below_07: u64,
    drops_below_05: u64,
}

impl Bands {
    fn new(
        bands: usize,
        multiprobe: bool,
        cap: usize,
        min_similarity: f64,
        confirm: (&'static str, fn(&Features, &Features) -> f64),
    ) -> Self {
        Bands {
            first: false,
            confirm,
            rows: 4,
            bands,
            multiprobe,
            cap,
            min_similarity,
            tables: vec![HashMap::new(); bands],
            examined: 0,
            lookups: 0,
            drops: 0,
            drops_below_07: 0,
            drops_below_05: 0,
        }
    }

    fn name(&self) -> String {
        format!(
            "bands {}x{}{}{}{}, {}>={}",
            self.bands,
            self.rows,
            if self.multiprobe { "+mp" } else { "" },
            if self.cap == usize::MAX {
                String::new()
            } else {
                format!(", cap {}", self.cap)
            },
            if self.first { " first" } else { "" },
            self.confirm.0,
            self.min_similarity
        )
    }

    /// Checks `q` against the stored paragraphs of `all`; stores it when new.
    fn step(&mut self, all: &[Features], q: u32) {
        let f = &all[q as usize];
        self.lookups += 1;
        let mut candidates: Vec<u32> = Vec::new();
        let r = self.rows;
        for band in 0..self.bands {
            let mut key = [0u8; 4];
            key[..r].copy_from_slice(&f.sketch[band * r..band * r + r]);
            let mut keys = vec![key];
            if self.multiprobe {
                for i in 0..r {
                    let mut probe = key;
                    probe[i] = f.second[band * r + i];
                    if probe != key {
                        keys.push(probe);
                    }
                }
            }
            for key in keys {
                if let Some(ids) = self.tables[band].get(&key) {
                    candidates.extend(ids.iter().rev());
                }
            }
        }
        self.examined += candidates.len() as u64;
        candidates.sort_unstable();
        candidates.dedup();
        let found = candidates.iter().find(|&&c| {
            let s = &all[c as usize];
            (self.confirm.1)(s, f) >= self.min_similarity && hamming(s.simhash, f.simhash) <= 14
        });
        if let Some(&c) = found {
            self.drops += 1;
            let j = jaccard(&all[c as usize].set, &f.set);
            self.drops_below_07 += u64::from(j < 0.7);
            self.drops_below_05 += u64::from(j < 0.5);
            return;
        }
        for band in 0..self.bands {
            let mut key = [0u8; 4];
            key[..r].copy_from_slice(&f.sketch[band * r..band * r + r]);
            let ids = self.tables[band].entry(key).or_default();
            if ids.len() >= self.cap {
                if self.first {
                    continue;
                }
                ids.remove(0);
            }
            ids.push(q);
        }
    }
}

/// The SimHash search of chaff before issue 14 (`chaff::index::SimhashIndex`
/// until then): four tables by 16-bit block, every value within
/// `k / 4` bits of the query's block probed, candidates checked by
/// popcount. Every stored fingerprint within `k` bits is found.
struct SimhashIndex {
    k: u32,
    tables: Vec<HashMap<u16, Vec<(u64, u32)>>>,
    probes: Vec<u16>,
}

impl SimhashIndex {
    fn new(k: u32) -> Self {
        SimhashIndex {
            k,
            tables: vec![HashMap::new(); 4],
            probes: (0..=u16::MAX).filter(|v| v.count_ones() <= k / 4).collect(),
        }
    }

    fn insert(&mut self, fingerprint: u64, id: u32) {
        for (t, table) in self.tables.iter_mut().enumerate() {
            table
                .entry((fingerprint >> (16 * t)) as u16)
                .or_default()
                .push((fingerprint, id));
        }
    }

    fn within(&self, query: u64) -> Vec<u32> {
        let mut found = Vec::new();
        for (t, table) in self.tables.iter().enumerate() {
            let block = (query >> (16 * t)) as u16;
            for probe in &self.probes {
                for (fingerprint, id) in table.get(&(block ^ probe)).into_iter().flatten() {
                    if (fingerprint ^ query).count_ones() <= self.k {
                        found.push(*id);
                    }
                }
            }
        }
        found.sort_unstable();
        found.dedup();
        found
    }
}

/// Whole dedup runs over the crawl's distinct long paragraphs: the
/// reference (every stored SimHash within 11 bits or sharing a band,
/// confirmed by the exact Jaccard of full shingle sets) against designs.
fn simulate(all: &[Features]) {
    let skip_reference = std::env::var_os("SKIP_REFERENCE").is_some();
    let mut index = SimhashIndex::new(11);
    let mut bands: HashMap<(usize, [u8; 4]), Vec<u32>> = HashMap::new();
    let mut reference = 0u64;
    let started = std::time::Instant::now();
    for (q, f) in all.iter().enumerate() {
        if skip_reference {
            break;
        }
        let mut candidates: Vec<u32> = index.within(f.simhash);
        for band in 0..4 {
            let key: [u8; 4] = f.sketch[band * 4..band * 4 + 4]
                .try_into()
                .unwrap_or_default();
            if let Some(found) = bands.get(&(band, key)) {
                candidates.extend(found);
            }
        }
        if candidates
            .iter()
            .any(|&c| jaccard(&all[c as usize].set, &f.set) >= 0.7)
        {
            reference += 1;
            continue;
        }
        index.insert(f.simhash, q as u32);
        for band in 0..4 {
            let key: [u8; 4] = f.sketch[band * 4..band * 4 + 4]
                .try_into()
                .unwrap_or_default();
            bands.entry((band, key)).or_default().push(q as u32);
        }
    }
    println!(
        "\nreference (within 11 bits or one of 4 bands, exact Jaccard >= 0.7): {reference} of {} dropped ({:.1} s)\n",
        all.len(),
        started.elapsed().as_secs_f64()
    );
    println!(
        "| design | dropped | of them exact J < 0.7 | J < 0.5 | candidates per lookup | seconds |"
    );
    println!("|---|---|---|---|---|---|");
    let j16: (&'static str, fn(&Features, &Features) -> f64) =
        ("J16", |a, b| estimate(&a.sketch, &b.sketch));
    let b128: (&'static str, fn(&Features, &Features) -> f64) = ("1-bit x128", estimate_bit128);
    let b256: (&'static str, fn(&Features, &Features) -> f64) = ("1-bit x256", estimate_bit256);
    let odd: (&'static str, fn(&Features, &Features) -> f64) = ("odd 128", estimate_odd);
    let odd96: (&'static str, fn(&Features, &Features) -> f64) = ("odd 96", estimate_odd96);
    let odd64: (&'static str, fn(&Features, &Features) -> f64) = ("odd 64", estimate_odd64);
    let exact: (&'static str, fn(&Features, &Features) -> f64) =
        ("exact J", |a, b| jaccard(&a.set, &b.set));
    let rows3 = |mut b: Bands| {
        b.rows = 3;
        b
    };
    let first = |mut b: Bands| {
        b.first = true;
        b
    };
    let designs = if std::env::var_os("SIMULATE_FIRST").is_some() {
        vec![
            Bands::new(3, true, 4, 0.7, odd),
            first(Bands::new(3, true, 4, 0.7, odd)),
            first(Bands::new(3, true, 8, 0.7, odd)),
            first(Bands::new(3, true, 16, 0.7, odd)),
        ]
    } else if std::env::var_os("SIMULATE_ROWS").is_some() {
        vec![
            Bands::new(3, true, 4, 0.7, odd),
            Bands::new(3, true, 2, 0.7, odd),
            rows3(Bands::new(2, true, 4, 0.7, odd)),
            rows3(Bands::new(2, true, 8, 0.7, odd)),
            rows3(Bands::new(2, true, 4, 0.7, exact)),
            Bands::new(2, true, 4, 0.7, odd),
        ]
    } else if std::env::var_os("SIMULATE_CAPS").is_some() {
        vec![
            Bands::new(3, true, 16, 0.7, exact),
            Bands::new(3, true, 4, 0.7, odd),
            Bands::new(3, true, 8, 0.7, odd),
            Bands::new(3, true, 16, 0.7, odd),
            Bands::new(2, true, 8, 0.7, odd),
            Bands::new(3, false, 8, 0.7, odd),
            Bands::new(4, false, 8, 0.7, odd),
        ]
    } else {
        vec![
            Bands::new(3, true, usize::MAX, 0.7, exact),
            Bands::new(3, true, 16, 0.7, exact),
            Bands::new(2, true, 16, 0.7, exact),
            Bands::new(3, true, 16, 0.6, j16),
            Bands::new(3, true, 16, 0.7, j16),
            Bands::new(3, true, 16, 0.7, b128),
            Bands::new(3, true, 16, 0.65, b128),
            Bands::new(3, true, 16, 0.7, b256),
            Bands::new(3, true, 16, 0.7, odd),
            Bands::new(3, true, 16, 0.65, odd),
            Bands::new(2, true, 16, 0.7, odd),
            Bands::new(3, true, 16, 0.7, odd96),
            Bands::new(3, true, 16, 0.7, odd64),
        ]
    };
    for mut design in designs {
        let started = std::time::Instant::now();
        for q in 0..all.len() {
            design.step(all, q as u32);
        }
        println!(
            "| {} | {} | {} | {} | {:.1} | {:.1} |",
            design.name(),
            design.drops,
            design.drops_below_07,
            design.drops_below_05,
            design.examined as f64 / design.lookups.max(1) as f64,
            started.elapsed().as_secs_f64()
        );
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.iter().position(|a| a == "--crawl") {
        Some(at) => scale(&PathBuf::from(&args[at + 1])),
        None => quality(),
    }
}
