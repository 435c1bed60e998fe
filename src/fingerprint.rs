//! Stage 4: shingles and fingerprints.
//!
//! # Shingles
//!
//! The comparison key is read as runs of one script:
//!
//! * a **CJK run** (ideographs, kana, hangul, and digits met inside such a
//!   run) is shingled by characters: every window of
//!   [`FingerprintConfig::cjk_shingle_chars`] consecutive characters;
//! * a **word run** (Latin, Cyrillic, Greek… words, lowercased) is shingled
//!   by words: every window of [`FingerprintConfig::word_shingle_words`]
//!   consecutive words, joined by one space.
//!
//! Punctuation and whitespace are skipped inside a run, so a change of
//! punctuation width or of spacing does not change a single shingle. Mixed
//! text gets both kinds. A run shorter than the window is one shingle.
//!
//! Defaults: 3 characters, 2 words. On the seed pages, 3-character shingles
//! keep the different interview headers of `004` (which share a 15-character
//! formula) apart while the triplicated blocks of `000` coincide; 2-grams
//! fire on common words, 4-grams lose too much to a one-character edit.
//!
//! # SimHash
//!
//! [`simhash()`] is Charikar's SimHash over the shingles, bit for bit what
//! `simhash::simhash_stream` computes over the same shingles when the
//! feature hash is [`FeatureHash::SipHash24`] (a test checks it). The kernel
//! is ours: it counts set bits eight positions at a time through a lookup
//! table instead of updating 64 counters per shingle.

use std::hash::{Hash, Hasher};

use serde::{Deserialize, Serialize};
use siphasher::sip::SipHasher;
use xxhash_rust::xxh3::xxh3_64;

use crate::split::is_cjk;

/// How shingles are cut and hashed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FingerprintConfig {
    /// Characters per shingle in CJK runs.
    pub cjk_shingle_chars: usize,
    /// Words per shingle in word runs.
    pub word_shingle_words: usize,
    /// The hash of each shingle.
    pub feature_hash: FeatureHash,
}

impl Default for FingerprintConfig {
    fn default() -> Self {
        FingerprintConfig {
            cjk_shingle_chars: 3,
            word_shingle_words: 2,
            feature_hash: FeatureHash::SipHash24,
        }
    }
}

/// The 64-bit hash of one shingle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FeatureHash {
    /// SipHash-2-4 with zero keys over the shingle as `Hash for str` feeds
    /// it: the `simhash` crate's own feature hash, so fingerprints equal
    /// `simhash::simhash_stream` over the same shingles.
    SipHash24,
    /// XXH3-64: several times faster, fingerprints differ from the
    /// `simhash` crate's.
    Xxh3,
}

impl FeatureHash {
    /// Hashes one shingle.
    ///
    /// ```
    /// use chaff::fingerprint::FeatureHash;
    /// assert_ne!(FeatureHash::SipHash24.hash("呼和浩"), FeatureHash::Xxh3.hash("呼和浩"));
    /// ```
    #[inline]
    pub fn hash(self, shingle: &str) -> u64 {
        match self {
            FeatureHash::SipHash24 => {
                let mut hasher = SipHasher::default();
                shingle.hash(&mut hasher);
                hasher.finish()
            }
            FeatureHash::Xxh3 => xxh3_64(shingle.as_bytes()),
        }
    }
}

/// What dedup needs to know of a paragraph.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fingerprint {
    /// 64-bit hash of the whole comparison key: equal keys, equal hashes.
    pub exact: u64,
    /// SimHash over the shingles.
    pub simhash: u64,
    /// How many shingles went into `simhash`.
    pub shingles: u32,
}

/// Cuts keys into shingles, reusing its buffers from one key to the next.
#[derive(Debug, Default)]
pub struct Shingler {
    text: String,
    tokens: Vec<Token>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Script {
    Cjk,
    Word,
}

/// One token in `Shingler::text`: a CJK character or a word.
#[derive(Debug, Clone, Copy)]
struct Token {
    start: u32,
    end: u32,
    script: Script,
    /// First token of a run.
    run_start: bool,
}

impl Shingler {
    /// A shingler with empty buffers.
    pub fn new() -> Self {
        Self::default()
    }

    /// Calls `each` with every shingle of `key`, in order.
    ///
    /// ```
    /// use chaff::fingerprint::{FingerprintConfig, Shingler};
    /// let mut shingler = Shingler::new();
    /// let mut shingles = Vec::new();
    /// shingler.for_each_shingle("呼和浩特, The Green City", &FingerprintConfig::default(), |s| shingles.push(s.to_owned()));
    /// assert_eq!(shingles, ["呼和浩", "和浩特", "the green", "green city"]);
    /// ```
    pub fn for_each_shingle(
        &mut self,
        key: &str,
        config: &FingerprintConfig,
        mut each: impl FnMut(&str),
    ) {
        self.tokenize(key);
        let tokens = &self.tokens;
        let mut run_start = 0;
        while run_start < tokens.len() {
            let mut run_end = run_start + 1;
            while run_end < tokens.len() && !tokens[run_end].run_start {
                run_end += 1;
            }
            let width = match tokens[run_start].script {
                Script::Cjk => config.cjk_shingle_chars,
                Script::Word => config.word_shingle_words,
            }
            .max(1);
            let run = &tokens[run_start..run_end];
            if run.len() <= width {
                each(&self.text[run[0].start as usize..run[run.len() - 1].end as usize]);
            } else {
                for window in run.windows(width) {
                    each(&self.text[window[0].start as usize..window[width - 1].end as usize]);
                }
            }
            run_start = run_end;
        }
    }

    /// Fills `text` and `tokens` from `key`.
    fn tokenize(&mut self, key: &str) {
        self.text.clear();
        self.tokens.clear();
        let mut script: Option<Script> = None;
        let mut in_word = false;
        for c in key.chars() {
            let cjk_context = is_cjk(c) || (c.is_numeric() && script != Some(Script::Word));
            if cjk_context {
                in_word = false;
                let start = self.text.len() as u32;
                self.text.push(c);
                self.tokens.push(Token {
                    start,
                    end: self.text.len() as u32,
                    script: Script::Cjk,
                    run_start: script != Some(Script::Cjk),
                });
                script = Some(Script::Cjk);
            } else if c.is_alphanumeric() {
                if in_word {
                    push_lowercase(&mut self.text, c);
                    if let Some(token) = self.tokens.last_mut() {
                        token.end = self.text.len() as u32;
                    }
                } else {
                    if script == Some(Script::Word) {
                        self.text.push(' ');
                    }
                    let start = self.text.len() as u32;
                    push_lowercase(&mut self.text, c);
                    self.tokens.push(Token {
                        start,
                        end: self.text.len() as u32,
                        script: Script::Word,
                        run_start: script != Some(Script::Word),
                    });
                    script = Some(Script::Word);
                    in_word = true;
                }
            } else {
                in_word = false;
            }
        }
    }
}

fn push_lowercase(text: &mut String, c: char) {
    if c.is_ascii() {
        text.push(c.to_ascii_lowercase());
    } else {
        text.extend(c.to_lowercase());
    }
}

/// The fingerprint of a comparison key.
///
/// ```
/// use chaff::fingerprint::{fingerprint, FingerprintConfig, Shingler};
/// let config = FingerprintConfig::default();
/// let mut shingler = Shingler::new();
/// let a = fingerprint("城市建设迈出新步伐,完成投资120亿元。", &config, &mut shingler);
/// let b = fingerprint("城市建设迈出新步伐，完成投资120亿元", &config, &mut shingler);
/// assert_eq!(a.simhash, b.simhash); // punctuation does not change shingles
/// assert_ne!(a.exact, b.exact);     // but the keys differ
/// ```
pub fn fingerprint(key: &str, config: &FingerprintConfig, shingler: &mut Shingler) -> Fingerprint {
    fingerprint_with_set(key, config, shingler, None)
}

/// The fingerprint of a comparison key and, when `set` is given, its
/// shingle set: the low 32 bits of every shingle's hash, sorted, without
/// repeats (what near-duplicate verification compares).
///
/// ```
/// use chaff::fingerprint::{fingerprint_with_set, FingerprintConfig, Shingler};
/// let mut set = Vec::new();
/// let fp = fingerprint_with_set("甲乙丙甲乙丙", &FingerprintConfig::default(), &mut Shingler::new(), Some(&mut set));
/// assert_eq!(fp.shingles, 4); // 甲乙丙 乙丙甲 丙甲乙 甲乙丙
/// assert_eq!(set.len(), 3);
/// ```
pub fn fingerprint_with_set(
    key: &str,
    config: &FingerprintConfig,
    shingler: &mut Shingler,
    mut set: Option<&mut Vec<u32>>,
) -> Fingerprint {
    let mut counter = BitCounter::new();
    let feature_hash = config.feature_hash;
    if let Some(set) = set.as_deref_mut() {
        set.clear();
    }
    shingler.for_each_shingle(key, config, |shingle| {
        let hash = feature_hash.hash(shingle);
        counter.add(hash);
        if let Some(set) = set.as_deref_mut() {
            set.push(hash as u32);
        }
    });
    if let Some(set) = set {
        set.sort_unstable();
        set.dedup();
    }
    let (simhash, shingles) = counter.finish();
    Fingerprint {
        exact: xxh3_64(key.as_bytes()),
        simhash,
        shingles: shingles.min(u64::from(u32::MAX)) as u32,
    }
}

/// The shingle set of a comparison key (see [`fingerprint_with_set`]).
pub fn shingle_set(key: &str, config: &FingerprintConfig, shingler: &mut Shingler) -> Vec<u32> {
    let mut set = Vec::new();
    fingerprint_with_set(key, config, shingler, Some(&mut set));
    set
}

/// SimHash of a stream of feature hashes.
///
/// ```
/// // bit i is set where more than half of the hashes have it set
/// assert_eq!(chaff::fingerprint::simhash([0b011, 0b110, 0b010].into_iter()), 0b010);
/// ```
pub fn simhash(hashes: impl Iterator<Item = u64>) -> u64 {
    let mut counter = BitCounter::new();
    hashes.for_each(|h| counter.add(h));
    counter.finish().0
}

/// `SPREAD[b]` has byte `j` equal to bit `j` of `b`.
const SPREAD: [u64; 256] = {
    let mut table = [0u64; 256];
    let mut b = 0;
    while b < 256 {
        let mut j = 0;
        while j < 8 {
            if b >> j & 1 == 1 {
                table[b] |= 1 << (8 * j);
            }
            j += 1;
        }
        b += 1;
    }
    table
};

/// Per-bit counts of set bits over a stream of hashes. Eight 8-bit
/// counters share a `u64` lane and are flushed to 64-bit totals before they
/// can overflow.
struct BitCounter {
    lanes: [u64; 8],
    pending: u32,
    ones: [u64; 64],
    total: u64,
}

impl BitCounter {
    fn new() -> Self {
        BitCounter {
            lanes: [0; 8],
            pending: 0,
            ones: [0; 64],
            total: 0,
        }
    }

    #[inline]
    fn add(&mut self, hash: u64) {
        for (byte, lane) in self.lanes.iter_mut().enumerate() {
            *lane += SPREAD[(hash >> (8 * byte)) as usize & 0xFF];
        }
        self.pending += 1;
        if self.pending == 255 {
            self.flush();
        }
    }

    fn flush(&mut self) {
        for (byte, lane) in self.lanes.iter_mut().enumerate() {
            for j in 0..8 {
                self.ones[8 * byte + j] += (*lane >> (8 * j)) & 0xFF;
            }
            *lane = 0;
        }
        self.total += u64::from(self.pending);
        self.pending = 0;
    }

    /// The SimHash and the number of hashes counted. Bit `i` is set where
    /// bit `i` was set in more than half of the hashes: the sign of the
    /// reference's +1/-1 weight.
    fn finish(mut self) -> (u64, u64) {
        self.flush();
        let mut simhash = 0u64;
        for (i, ones) in self.ones.iter().enumerate() {
            if 2 * ones > self.total {
                simhash |= 1 << i;
            }
        }
        (simhash, self.total)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shingles(key: &str, config: &FingerprintConfig) -> Vec<String> {
        let mut out = Vec::new();
        Shingler::new().for_each_shingle(key, config, |s| out.push(s.to_owned()));
        out
    }

    #[test]
    fn cjk_runs_take_their_digits_and_skip_punctuation() {
        let config = FingerprintConfig::default();
        assert_eq!(shingles("增长8.4%,", &config), ["增长8", "长84"]);
        assert_eq!(shingles("年", &config), ["年"]);
        assert!(shingles("", &config).is_empty());
        assert!(shingles("。,!?", &config).is_empty());
    }

    #[test]
    fn mixed_text_gets_word_and_character_shingles() {
        let config = FingerprintConfig::default();
        assert_eq!(
            shingles("ICP备16003084号 Hello World", &config),
            [
                "icp",
                "备16",
                "160",
                "600",
                "003",
                "030",
                "308",
                "084",
                "84号",
                "hello world"
            ]
        );
    }

    #[test]
    fn kernel_equals_the_simhash_crate_on_seed_text() {
        let config = FingerprintConfig::default();
        let mut shingler = Shingler::new();
        for text in [
            "2023年,呼和浩特全力培育“六大产业集群”,产值实现2430亿元,占全市工业总产值比重突破90%。",
            "The council approved the budget for the coming year, the mayor said on Monday.",
            "",
            "单",
        ] {
            let all = shingles(text, &config);
            let reference = simhash::simhash_stream(all.iter().map(String::as_str));
            assert_eq!(
                fingerprint(text, &config, &mut shingler).simhash,
                reference,
                "{text}"
            );
        }
    }

    #[test]
    fn counter_flushes_without_losing_counts() {
        // 1000 hashes with bit 0 set and 999 without: more than 255 per lane
        let hashes = std::iter::repeat_n(1u64, 1000).chain(std::iter::repeat_n(2u64, 999));
        assert_eq!(simhash(hashes), 1);
        let hashes = std::iter::repeat_n(1u64, 999).chain(std::iter::repeat_n(2u64, 1000));
        assert_eq!(simhash(hashes), 2);
    }
}
