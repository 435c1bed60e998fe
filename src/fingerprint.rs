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
//! feature hash is [`FeatureHash::SipHash24`] (tests check it on the sample
//! pages and on random text). The default feature hash is
//! [`FeatureHash::Fast`], about fifteen times cheaper than SipHash.
//!
//! The kernel is ours: hashes are counted per bit in blocks of 64 by
//! [`count_bits`], which picks at run time the widest instruction set the
//! CPU has (AVX-512, AVX2, or the build's baseline), since release builds
//! are not compiled for the native CPU. All variants give the same counts,
//! hence the same bits (tested against the portable loop).

use std::hash::{Hash, Hasher};

use serde::{Deserialize, Serialize};
use siphasher::sip::SipHasher;
use xxhash_rust::xxh3::xxh3_64;

use crate::chars::{is_cjk, is_ideograph};
use crate::error::Error;

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
            feature_hash: FeatureHash::Fast,
        }
    }
}

impl FingerprintConfig {
    /// Checks that both shingle sizes are at least 1.
    pub fn validate(&self) -> Result<(), Error> {
        if self.cjk_shingle_chars == 0 || self.word_shingle_words == 0 {
            return Err(Error::Config("shingle sizes must be at least 1".into()));
        }
        Ok(())
    }
}

/// The 64-bit hash of one shingle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FeatureHash {
    /// SipHash-2-4 with zero keys over the shingle as `Hash for str` feeds
    /// it: the `simhash` crate's own feature hash, so fingerprints equal
    /// `simhash::simhash_stream` over the same shingles. About 15 ns a
    /// shingle.
    SipHash24,
    /// The default, about 1 ns a shingle: a CJK shingle of up to three
    /// characters is its code points packed into 63 bits and mixed with
    /// murmur3's 64-bit finalizer (a bijection, so two different shingles
    /// never share a hash); longer CJK shingles and word shingles take
    /// XXH3-64 of their UTF-8 bytes.
    Fast,
}

/// One shingle: characters of a CJK run, or words of a word run joined by
/// single spaces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shingle<'a> {
    /// Consecutive characters of a CJK run.
    Cjk(&'a [char]),
    /// Consecutive lowercased words of a word run, joined by spaces.
    Words(&'a str),
}

impl Shingle<'_> {
    /// The shingle as text.
    ///
    /// ```
    /// use chaff::fingerprint::Shingle;
    /// let mut text = String::new();
    /// Shingle::Cjk(&['呼', '和', '浩']).write_to(&mut text);
    /// assert_eq!(text, "呼和浩");
    /// ```
    pub fn write_to(self, text: &mut String) {
        text.clear();
        match self {
            Shingle::Cjk(chars) => text.extend(chars),
            Shingle::Words(words) => text.push_str(words),
        }
    }
}

impl FeatureHash {
    /// Hashes one shingle given as text.
    ///
    /// ```
    /// use chaff::fingerprint::FeatureHash;
    /// assert_ne!(FeatureHash::SipHash24.hash("呼和浩"), FeatureHash::Fast.hash("呼和浩"));
    /// ```
    pub fn hash(self, shingle: &str) -> u64 {
        match self {
            FeatureHash::SipHash24 => siphash(shingle),
            FeatureHash::Fast => {
                let chars: Vec<char> = shingle.chars().collect();
                if chars.iter().all(|c| is_cjk(*c) || c.is_numeric()) && !chars.is_empty() {
                    self.hash_shingle(Shingle::Cjk(&chars), &mut String::new())
                } else {
                    xxh3_64(shingle.as_bytes())
                }
            }
        }
    }

    /// Hashes one shingle; `buffer` is scratch space for the text form.
    /// The common case (a CJK 3-gram under the fast hash) is inlined into
    /// the shingle loop; the rest is not.
    #[inline(always)]
    fn hash_shingle(self, shingle: Shingle<'_>, buffer: &mut String) -> u64 {
        match (self, shingle) {
            (FeatureHash::Fast, Shingle::Cjk(chars)) if chars.len() <= 3 => {
                let mut packed = chars.len() as u64;
                for c in chars {
                    packed = (packed << 21) | u64::from(*c);
                }
                fmix64(packed)
            }
            _ => self.hash_shingle_text(shingle, buffer),
        }
    }

    #[inline(never)]
    fn hash_shingle_text(self, shingle: Shingle<'_>, buffer: &mut String) -> u64 {
        let text = match shingle {
            Shingle::Words(words) => words,
            Shingle::Cjk(_) => {
                shingle.write_to(buffer);
                buffer.as_str()
            }
        };
        match self {
            FeatureHash::Fast => xxh3_64(text.as_bytes()),
            FeatureHash::SipHash24 => siphash(text),
        }
    }
}

fn siphash(text: &str) -> u64 {
    let mut hasher = SipHasher::default();
    text.hash(&mut hasher);
    hasher.finish()
}

/// Murmur3's 64-bit finalizer: a bijection that spreads every input bit
/// over the output.
#[inline]
fn fmix64(mut x: u64) -> u64 {
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^= x >> 33;
    x = x.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    x ^ (x >> 33)
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

/// Cuts keys into shingles in one pass, reusing its buffers from one key
/// to the next.
#[derive(Debug, Default)]
pub struct Shingler {
    /// The current CJK run.
    cjk: Vec<char>,
    /// The current word run: lowercased words joined by single spaces.
    words: String,
    /// Where each word of `words` starts.
    word_starts: Vec<usize>,
    /// Scratch space for shingles as text.
    text: String,
    /// Scratch space for shingle hashes.
    hashes: Vec<u64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Script {
    Cjk,
    Word,
}

impl Shingler {
    /// A shingler with empty buffers.
    pub fn new() -> Self {
        Self::default()
    }

    /// Calls `each` with every shingle of `key` as text.
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
        let mut text = std::mem::take(&mut self.text);
        self.for_each(key, config, |shingle| {
            shingle.write_to(&mut text);
            each(&text);
        });
        self.text = text;
    }

    /// Calls `each` with every shingle of `key`.
    ///
    /// A **CJK run** is ideographs, kana and hangul, with the digits met
    /// inside it; punctuation and spaces inside it are skipped. A **word
    /// run** is alphanumeric words (lowercased) not in a CJK run. Each run
    /// gives its windows of `cjk_shingle_chars` characters or
    /// `word_shingle_words` words; a run shorter than the window is one
    /// shingle.
    pub fn for_each(
        &mut self,
        key: &str,
        config: &FingerprintConfig,
        mut each: impl FnMut(Shingle<'_>),
    ) {
        let cjk_width = config.cjk_shingle_chars.max(1);
        let word_width = config.word_shingle_words.max(1);
        self.cjk.clear();
        self.words.clear();
        self.word_starts.clear();
        let mut script: Option<Script> = None;
        let mut in_word = false;
        for c in key.chars() {
            let cjk = is_ideograph(c)
                || (!c.is_ascii() && is_cjk(c))
                || (script != Some(Script::Word) && is_numeric(c));
            if cjk {
                if script == Some(Script::Word) {
                    if in_word {
                        self.end_word(word_width, &mut each);
                    }
                    self.end_word_run(word_width, &mut each);
                }
                script = Some(Script::Cjk);
                in_word = false;
                self.cjk.push(c);
                if self.cjk.len() >= cjk_width {
                    each(Shingle::Cjk(&self.cjk[self.cjk.len() - cjk_width..]));
                }
            } else if is_alphanumeric(c) {
                if script == Some(Script::Cjk) {
                    self.end_cjk_run(cjk_width, &mut each);
                }
                script = Some(Script::Word);
                if !in_word {
                    if !self.words.is_empty() {
                        self.words.push(' ');
                    }
                    self.word_starts.push(self.words.len());
                    in_word = true;
                }
                push_lowercase(&mut self.words, c);
            } else {
                if in_word {
                    self.end_word(word_width, &mut each);
                }
                in_word = false;
            }
        }
        if in_word {
            self.end_word(word_width, &mut each);
        }
        match script {
            Some(Script::Cjk) => self.end_cjk_run(cjk_width, &mut each),
            Some(Script::Word) => self.end_word_run(word_width, &mut each),
            None => {}
        }
    }

    /// A CJK run ends: a run shorter than the window is one shingle.
    fn end_cjk_run(&mut self, width: usize, each: &mut impl FnMut(Shingle<'_>)) {
        if !self.cjk.is_empty() && self.cjk.len() < width {
            each(Shingle::Cjk(&self.cjk));
        }
        self.cjk.clear();
    }

    /// A word ends: once the run has `width` words, each word completes a
    /// window.
    fn end_word(&mut self, width: usize, each: &mut impl FnMut(Shingle<'_>)) {
        let words = self.word_starts.len();
        if words >= width {
            let start = self.word_starts[words - width];
            each(Shingle::Words(&self.words[start..]));
        }
    }

    /// A word run ends: a run shorter than the window is one shingle.
    fn end_word_run(&mut self, width: usize, each: &mut impl FnMut(Shingle<'_>)) {
        if !self.word_starts.is_empty() && self.word_starts.len() < width {
            each(Shingle::Words(&self.words));
        }
        self.words.clear();
        self.word_starts.clear();
    }
}

/// `char::is_numeric` and `char::is_alphanumeric` of the characters
/// between U+2000 and U+303F (general and CJK punctuation: what is left of
/// the punctuation of Chinese text after NFKC), precomputed: the standard
/// library answers them from its tables one binary search at a time.
const PUNCTUATION_BLOCKS: std::ops::Range<u32> = 0x2000..0x3040;

static PUNCTUATION_CLASSES: std::sync::LazyLock<Vec<u8>> = std::sync::LazyLock::new(|| {
    PUNCTUATION_BLOCKS
        .map(|code| {
            char::from_u32(code).map_or(0, |c| {
                u8::from(c.is_numeric()) | (u8::from(c.is_alphanumeric()) << 1)
            })
        })
        .collect()
});

#[inline]
fn punctuation_class(c: char) -> Option<u8> {
    let code = c as u32;
    PUNCTUATION_BLOCKS
        .contains(&code)
        .then(|| PUNCTUATION_CLASSES[(code - PUNCTUATION_BLOCKS.start) as usize])
}

#[inline]
fn is_numeric(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_digit()
    } else if let Some(class) = punctuation_class(c) {
        class & 1 != 0
    } else {
        c.is_numeric()
    }
}

#[inline]
fn is_alphanumeric(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else if let Some(class) = punctuation_class(c) {
        class & 2 != 0
    } else {
        c.is_alphanumeric()
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
/// shingle set: the low 32 bits of the shingles' hashes, sorted, without
/// repeats, at most the [`MAX_SET`] smallest (what near-duplicate
/// verification compares). Memory does not grow with the key's length.
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
    let feature_hash = config.feature_hash;
    let mut buffer = std::mem::take(&mut shingler.text);
    let mut hashes = std::mem::take(&mut shingler.hashes);
    hashes.clear();
    if let Some(set) = set.as_deref_mut() {
        set.clear();
    }
    let mut ones = [0u32; 64];
    let mut total = 0u64;
    // Hashes are counted a block at a time, so memory stays the same for a
    // paragraph of any length.
    let mut flush = |hashes: &mut Vec<u64>, set: Option<&mut Vec<u32>>| {
        count_bits(hashes, &mut ones);
        total += hashes.len() as u64;
        if let Some(set) = set {
            set.extend(hashes.iter().map(|hash| *hash as u32));
            if set.len() > 4 * MAX_SET {
                bottom_k(set);
            }
        }
        hashes.clear();
    };
    shingler.for_each(key, config, |shingle| {
        hashes.push(feature_hash.hash_shingle(shingle, &mut buffer));
        if hashes.len() == HASH_BLOCK {
            flush(&mut hashes, set.as_deref_mut());
        }
    });
    flush(&mut hashes, set.as_deref_mut());
    if let Some(set) = set {
        bottom_k(set);
    }
    shingler.text = buffer;
    shingler.hashes = hashes;
    let mut simhash = 0u64;
    for (i, ones) in ones.iter().enumerate() {
        if 2 * u64::from(*ones) > total {
            simhash |= 1 << i;
        }
    }
    Fingerprint {
        exact: xxh3_64(key.as_bytes()),
        simhash,
        shingles: total.min(u64::from(u32::MAX)) as u32,
    }
}

/// Shingle hashes counted at a time (32 KiB).
const HASH_BLOCK: usize = 4096;

/// The most shingle hashes kept in a shingle set: the smallest ones, a
/// bottom-k sample whose Jaccard estimate has a standard error under 0.03.
pub const MAX_SET: usize = 256;

/// Sorts, removes repeats and keeps the [`MAX_SET`] smallest.
fn bottom_k(set: &mut Vec<u32>) {
    set.sort_unstable();
    set.dedup();
    set.truncate(MAX_SET);
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

/// Per-bit counts of set bits over a stream of hashes, taken in blocks so
/// that the counting loop runs over a slice.
struct BitCounter {
    block: [u64; BLOCK],
    pending: usize,
    ones: [u32; 64],
    total: u64,
}

const BLOCK: usize = 64;

impl BitCounter {
    fn new() -> Self {
        BitCounter {
            block: [0; BLOCK],
            pending: 0,
            ones: [0; 64],
            total: 0,
        }
    }

    #[inline]
    fn add(&mut self, hash: u64) {
        self.block[self.pending] = hash;
        self.pending += 1;
        if self.pending == BLOCK {
            self.flush();
        }
    }

    fn flush(&mut self) {
        count_bits(&self.block[..self.pending], &mut self.ones);
        self.total += self.pending as u64;
        self.pending = 0;
    }

    /// The SimHash and the number of hashes counted. Bit `i` is set where
    /// bit `i` was set in more than half of the hashes: the sign of the
    /// reference's +1/-1 weight.
    fn finish(mut self) -> (u64, u64) {
        self.flush();
        let mut simhash = 0u64;
        for (i, ones) in self.ones.iter().enumerate() {
            if 2 * u64::from(*ones) > self.total {
                simhash |= 1 << i;
            }
        }
        (simhash, self.total)
    }
}

/// Adds bit `i` of every hash to `ones[i]`, with the widest vector
/// instructions this CPU has. Every variant is the same loop compiled for
/// different instruction sets, so all give the same counts.
///
/// ```text
/// counts can overflow only after 2^32 hashes: the callers count one
/// paragraph at a time (u32 shingle counts).
/// ```
#[inline]
pub fn count_bits(hashes: &[u64], ones: &mut [u32; 64]) {
    #[cfg(target_arch = "x86_64")]
    {
        match *KERNEL {
            Kernel::Avx512 => {
                // SAFETY: the CPU has AVX-512 F and BW (checked at start-up).
                return unsafe { count_bits_avx512(hashes, ones) };
            }
            Kernel::Avx2 => {
                // SAFETY: the CPU has AVX2 (checked at start-up).
                return unsafe { count_bits_avx2(hashes, ones) };
            }
            Kernel::Portable => {}
        }
    }
    count_bits_portable(hashes, ones)
}

/// The instruction set [`count_bits`] uses on this machine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kernel {
    /// AVX-512 F + BW.
    Avx512,
    /// AVX2.
    Avx2,
    /// Whatever the build targets (SSE2 on a default x86-64 build).
    Portable,
}

static KERNEL: std::sync::LazyLock<Kernel> = std::sync::LazyLock::new(detect_kernel);

fn detect_kernel() -> Kernel {
    #[cfg(target_arch = "x86_64")]
    {
        if std::env::var_os("CHAFF_PORTABLE_KERNEL").is_some() {
            return Kernel::Portable;
        }
        if is_x86_feature_detected!("avx512f") && is_x86_feature_detected!("avx512bw") {
            return Kernel::Avx512;
        }
        if is_x86_feature_detected!("avx2") {
            return Kernel::Avx2;
        }
    }
    Kernel::Portable
}

/// The kernel chosen for this machine (`CHAFF_PORTABLE_KERNEL` set in the
/// environment forces the portable one).
///
/// ```
/// let kernel = chaff::fingerprint::kernel();
/// println!("{kernel:?}");
/// ```
pub fn kernel() -> Kernel {
    *KERNEL
}

#[inline(always)]
fn count_bits_portable(hashes: &[u64], ones: &mut [u32; 64]) {
    for &hash in hashes {
        for (i, count) in ones.iter_mut().enumerate() {
            *count += ((hash >> i) & 1) as u32;
        }
    }
}

/// AVX2: 64 byte counters in two registers. Each hash is broadcast, every
/// byte of it spread over eight lanes (`vpshufb`), tested against that
/// lane's bit (`vpand`, `vpcmpeqb`: 0xFF where set) and subtracted (adding
/// one). The byte counters are widened into `ones` every 255 hashes, before
/// they can wrap.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn count_bits_avx2(hashes: &[u64], ones: &mut [u32; 64]) {
    use std::arch::x86_64::*;
    // Lane i of the low register holds bit i of the hash, lane i of the
    // high one bit 32 + i. vpshufb indexes within each 128-bit half, and
    // the broadcast puts all eight hash bytes in both halves.
    let spread_low = _mm256_setr_epi8(
        0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, //
        2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3,
    );
    let spread_high = _mm256_setr_epi8(
        4, 4, 4, 4, 4, 4, 4, 4, 5, 5, 5, 5, 5, 5, 5, 5, //
        6, 6, 6, 6, 6, 6, 6, 6, 7, 7, 7, 7, 7, 7, 7, 7,
    );
    let bit_of_lane = _mm256_set1_epi64x(0x8040_2010_0804_0201u64 as i64);
    for block in hashes.chunks(255) {
        let mut low = _mm256_setzero_si256();
        let mut high = _mm256_setzero_si256();
        for &hash in block {
            let all = _mm256_set1_epi64x(hash as i64);
            let set_low = _mm256_cmpeq_epi8(
                _mm256_and_si256(_mm256_shuffle_epi8(all, spread_low), bit_of_lane),
                bit_of_lane,
            );
            let set_high = _mm256_cmpeq_epi8(
                _mm256_and_si256(_mm256_shuffle_epi8(all, spread_high), bit_of_lane),
                bit_of_lane,
            );
            low = _mm256_sub_epi8(low, set_low);
            high = _mm256_sub_epi8(high, set_high);
        }
        let mut counts = [0u8; 64];
        // SAFETY: `counts` is 64 bytes; unaligned stores.
        unsafe {
            _mm256_storeu_si256(counts.as_mut_ptr().cast(), low);
            _mm256_storeu_si256(counts.as_mut_ptr().add(32).cast(), high);
        }
        for (total, count) in ones.iter_mut().zip(counts) {
            *total += u32::from(count);
        }
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512bw")]
unsafe fn count_bits_avx512(hashes: &[u64], ones: &mut [u32; 64]) {
    count_bits_portable(hashes, ones)
}

/// The portable kernel, for comparing the dispatched one against.
#[doc(hidden)]
pub fn count_bits_reference(hashes: &[u64], ones: &mut [u32; 64]) {
    count_bits_portable(hashes, ones)
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
        let config = FingerprintConfig {
            feature_hash: FeatureHash::SipHash24,
            ..FingerprintConfig::default()
        };
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

    #[test]
    fn every_kernel_counts_like_the_portable_loop() {
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let mut hashes: Vec<u64> = (0..2000)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                state
            })
            .collect();
        // runs of all-ones that would wrap a byte counter at 256
        hashes.extend(std::iter::repeat_n(u64::MAX, 600));
        hashes.extend([0, 1, 1 << 63, 0x8000_0000, 0x0101_0101_0101_0101]);
        for len in [0, 1, 7, 254, 255, 256, 511, 2000, hashes.len()] {
            let mut expected = [0u32; 64];
            count_bits_reference(&hashes[..len], &mut expected);
            let mut got = [0u32; 64];
            count_bits(&hashes[..len], &mut got);
            assert_eq!(got, expected, "{len} hashes, kernel {:?}", kernel());
            #[cfg(target_arch = "x86_64")]
            if is_x86_feature_detected!("avx2") {
                let mut avx2 = [0u32; 64];
                // SAFETY: AVX2 is present (checked above).
                unsafe { count_bits_avx2(&hashes[..len], &mut avx2) };
                assert_eq!(avx2, expected, "{len} hashes, AVX2");
            }
        }
    }

    /// Fingerprints are part of saved indexes and of reports: a change to
    /// shingling, hashing or counting that moves them must be deliberate.
    #[test]
    fn fingerprints_are_pinned() {
        let texts = [
            "2023年,呼和浩特全力培育“六大产业集群”,产值实现2430亿元,占全市工业总产值比重突破90%。",
            "The council approved the budget for the coming year, the mayor said on Monday.",
            "各位代表:",
        ];
        let pinned = [
            (
                FeatureHash::Fast,
                [
                    0xe0c0_6b2a_3286_99da,
                    0xb2ce_2715_ba0e_7df6,
                    0x0020_4555_1c21_0060,
                ],
            ),
            (
                FeatureHash::SipHash24,
                [
                    0xf580_c985_0623_6468,
                    0x8992_88cf_69cd_00a5,
                    0x4005_8260_810c_8680,
                ],
            ),
        ];
        for (feature_hash, simhashes) in pinned {
            let config = FingerprintConfig {
                feature_hash,
                ..FingerprintConfig::default()
            };
            for (text, simhash) in texts.iter().zip(simhashes) {
                let fp = fingerprint(text, &config, &mut Shingler::new());
                assert_eq!(fp.simhash, simhash, "{feature_hash:?} {text}");
            }
        }
        let fp = fingerprint(
            texts[0],
            &FingerprintConfig::default(),
            &mut Shingler::new(),
        );
        assert_eq!((fp.exact, fp.shingles), (0xcd3b_3532_c667_55e9, 41));
    }
}
