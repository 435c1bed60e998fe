//! Stage 4: shingles and fingerprints.
//!
//! # Shingles
//!
//! The comparison key is read as runs of one script:
//!
//! * a **CJK run** (ideographs, kana, hangul, and digits met inside such a
//!   run) is shingled by characters: every window of
//!   [`FingerprintConfig::cjk_shingle_chars`] consecutive characters;
//! * a **word run** (Latin, Cyrillic, Greek… words, lowercased, with one
//!   space between words whatever stood between them) is shingled by
//!   characters too: every window of
//!   [`FingerprintConfig::word_shingle_chars`] consecutive characters,
//!   spaces included, so that the window sees where words meet.
//!
//! Punctuation and whitespace are skipped inside a run, so a change of
//! punctuation width or of spacing does not change a single shingle. Mixed
//! text gets both kinds. A run shorter than the window is one shingle.
//! Shingles are cut from the folded key ([`normalize::fold_into`]), the
//! same text the exact key hashes.
//!
//! Defaults: 3 characters in CJK runs, 4 in word runs. On the seed pages,
//! 3-character shingles keep the different interview headers of `004`
//! (which share a 15-character formula) apart while the triplicated blocks
//! of `000` coincide; 2-grams fire on common words, 4-grams lose too much
//! to a one-character edit. An ideograph carries about what a short Latin
//! word does, hence the longer window in word runs. On the labelled corpus
//! of `examples/neardup_eval.rs` (Latin paragraphs of 40–99 / 100+
//! characters caught at 3% edits; false merges of Latin template lines
//! with another date, name or number): 5 characters (datatrove's) 0.715 /
//! 0.755 with 27 false merges, 4 characters 0.884 / 0.900 with 28, 3
//! characters 0.969 / 0.975 with 31 and 3 of distinct paragraphs sharing
//! a template sentence; 4 meets the issue's 0.85 with the fewest windows
//! shared by chance (`BENCHMARKS.md`, "Recall after character shingles").
//!
//! # Numbers and dates
//!
//! Every number (maximal run of digits) is added again as
//! [`FingerprintConfig::fact_copies`] (8) fact shingles
//! ([`Shingle::Fact`]): a changed figure then changes 16 more elements of
//! the set, which decides a line of a few dozen shingles and barely moves
//! a paragraph of several hundred. On the same corpus this took the false
//! merges of Latin lines with another number from 15 to 3–6 and with
//! another date from 8 to 2, at no loss of recall on edits that spare digits. More
//! copies make shared numbers weigh too: with 16, a seed paragraph of `000`
//! whose tail repeats the figures of another was merged with it, with 32
//! two distinct paragraphs of the corpus were.
//!
//! A key written mostly in a cased script (fewer than one letter in eight
//! a CJK character, so that a name in CJK script does not take an English
//! line's facts away) also gets its **fact signature**: its
//! numbers and its month and weekday names (English, in full; "may" left
//! out, a common verb), in order, as one more fact shingle counted
//! [`FingerprintConfig::signature_copies`] (8) times, or once per
//! [`SIGNATURE_CHARS_PER_COPY`] (6) characters of a longer key (at most
//! [`MAX_FACT_COPIES`]), so that a changed fact weighs as much in a long
//! line as in a short one. Two lines that
//! differ in any one of those facts differ in 16 more elements however
//! many facts they share (a date's year and month are shared when only its
//! day changed, and per-number facts then add to the shared part as much
//! as to the difference); a repost whose facts are intact shares all 8.
//! Since session 7: the 2 dates and 2 numbers of Latin template lines of
//! 40–99 characters still merged (true Jaccard 0.68–0.79, estimated
//! 0.78–0.81 by the odd sketch, whose error at these set sizes is about
//! ±0.08) are kept apart (0 of 72, 0 of 2,175), Chinese results are
//! unchanged (no Chinese key gets a signature), Latin reposts at 1% / 3% edits
//! are caught 0.968 / 0.837 (40–99 characters) and 0.992 / 0.843 (100+),
//! from 0.974 / 0.833 and 0.996 / 0.844 (`BENCHMARKS.md`, "Names, months
//! and numbers as facts, session 7" and "Fact signature by length"). With 8
//! copies at every length, lines of 100–200 characters with another month,
//! weekday, year or figure merged (exact Jaccard 0.69–0.81) and 2,317 of
//! 50,000 template lines stating other numbers and dates were dropped;
//! counted by length, 88 are, and 10 of 12 hand-made such pairs stay apart
//! (the rest sit within the odd sketch's error of the threshold). 4 copies left 1 date and 2 numbers
//! merged; 16 merged more names (7 of 62), the shared signature raising the
//! similarity of lines that differ in a name only.
//!
//! Another *name* has no such mark in a folded key: a changed given name of
//! L letters changes L + 3 windows, as many as two scattered typos, so 5 of
//! 20 Latin template lines of 40–99 characters with another name still
//! merge. Names read from the case of the key before folding (a
//! capitalized word that does not start a sentence) were measured in
//! session 7 and left out: they kept those lines apart (0 of 62), but a
//! typo inside a name then counts as another name (Latin 40–99 characters
//! at 1% edits 0.974 → 0.891 with the whole word, 0.952 with its first two
//! letters), and the shingle set stopped being a function of the folded
//! key: an ALL CAPS copy of a line has no names, so it lost its band keys'
//! match with the original (typographic variants caught 1.000 → 0.80–0.94)
//! while the index finds exact repeats of long paragraphs through their
//! band keys alone ([`crate::dedup`], "Memory").
//!
//! Word runs were shingled by word pairs until state format 3. One edited
//! character then changed two shingles of the twenty of a sentence (a
//! tenth of the set) where it changes four of about a hundred character
//! 4-grams, so Latin paragraphs of 40–99 characters went from 0.291 to
//! 0.833 caught at 3% edits and those of 100+ from 0.006 to 0.844 (0.891 /
//! 0.899 at a Jaccard threshold of 0.7, see [`crate::dedup`]). The
//! fingerprint stage costs 1.6–1.9× what it did (about four times as many
//! shingles in Latin text), the whole run 22–30% more CPU.
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

//!
//! # Near sketch
//!
//! Beside the SimHash, the same feature hashes feed a [`NearSketch`]: band
//! keys that find near-duplicate candidates in the [`index`](crate::index)
//! and an odd sketch that estimates their Jaccard similarity (see
//! [`sketch`]).
//!
//! # Files
//!
//! `mod.rs` composes the parts into [`fingerprint_with_sketch`]:
//! `shingle.rs` cuts the key ([`Shingler`]), `feature_hash.rs` hashes each
//! shingle ([`FeatureHash`]), `kernel.rs` counts the hashes' bits
//! ([`count_bits`], the SIMD variants) and remixes them for the sketch
//! (eight at a time with AVX-512 DQ), `simhash.rs` turns counts into a
//! SimHash ([`simhash()`]), `sketch.rs` builds the [`NearSketch`]
//! (`sketch/reference.rs` keeps the builder of session 6, which the tests
//! and the `stages` bench compare it with).

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::normalize::{self, key_hash};

mod feature_hash;
mod kernel;
mod shingle;
mod simhash;
pub mod sketch;

pub use feature_hash::FeatureHash;
pub(crate) use feature_hash::fmix64 as mix64;
pub use kernel::{Kernel, count_bits, count_bits_reference, kernel};
pub use shingle::{SIGNATURE_CHARS_PER_COPY, Shingle, Shingler};
pub use simhash::simhash;
pub use sketch::{NearSketch, SketchBuilder, StoredSketch};

/// How shingles are cut and hashed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FingerprintConfig {
    /// Characters per shingle in CJK runs.
    pub cjk_shingle_chars: usize,
    /// Characters per shingle in word runs (spaces between words count).
    pub word_shingle_chars: usize,
    /// How many times each number (maximal run of digits) of a key is
    /// added to its shingles, as [`Shingle::Fact`]: a changed number then
    /// changes `2 × fact_copies` more elements of the shingle set, which
    /// decides a paragraph of a few dozen shingles (a line that states
    /// another date or figure is another fact) and barely moves one of
    /// several hundred (a long repost with a corrected figure stays a
    /// repost). 0 adds none. Default from our own measurement
    /// (`examples/neardup_eval.rs`, `BENCHMARKS.md`, issue 14).
    pub fact_copies: usize,
    /// How many times the fact signature of a key written mostly in a cased
    /// script (fewer than one letter in eight CJK)
    /// (its numbers and month and weekday names, in order, as one
    /// [`Shingle::Fact`]) is added to its shingles: two lines that differ
    /// in any of those facts then differ in `2 × signature_copies` more
    /// elements, however many facts they share, and a repost whose facts
    /// are intact shares them all. A key of more than `6 ×
    /// signature_copies` characters counts one copy per
    /// [`SIGNATURE_CHARS_PER_COPY`] (6)
    /// characters instead, at most [`MAX_FACT_COPIES`]. 0 adds none. Default from our own
    /// measurement (`examples/neardup_eval.rs`, `BENCHMARKS.md`, "Names,
    /// months and numbers as facts, session 7").
    pub signature_copies: usize,
    /// The hash of each shingle.
    pub feature_hash: FeatureHash,
}

impl Default for FingerprintConfig {
    fn default() -> Self {
        FingerprintConfig {
            cjk_shingle_chars: 3,
            word_shingle_chars: 4,
            fact_copies: 8,
            signature_copies: 8,
            feature_hash: FeatureHash::Fast,
        }
    }
}

/// The longest shingle, in characters or words: a shingle longer than
/// most paragraphs makes every paragraph one shingle and near-duplicate
/// search exact search.
pub const MAX_SHINGLE: usize = 64;

/// The most copies of each number ([`FingerprintConfig::fact_copies`]).
pub const MAX_FACT_COPIES: usize = 64;

impl FingerprintConfig {
    /// Checks that both shingle sizes are between 1 and [`MAX_SHINGLE`].
    ///
    /// ```
    /// let mut config = chaff::fingerprint::FingerprintConfig::default();
    /// config.word_shingle_chars = usize::MAX;
    /// assert!(config.validate().is_err());
    /// ```
    pub fn validate(&self) -> Result<(), Error> {
        for (name, size) in [
            ("cjk_shingle_chars", self.cjk_shingle_chars),
            ("word_shingle_chars", self.word_shingle_chars),
        ] {
            if !(1..=MAX_SHINGLE).contains(&size) {
                return Err(Error::Config(format!(
                    "{name} {size} is not between 1 and {MAX_SHINGLE}"
                )));
            }
        }
        for (name, copies) in [
            ("fact_copies", self.fact_copies),
            ("signature_copies", self.signature_copies),
        ] {
            if copies > MAX_FACT_COPIES {
                return Err(Error::Config(format!(
                    "{name} {copies} is more than {MAX_FACT_COPIES}"
                )));
            }
        }
        Ok(())
    }
}

/// What dedup needs to know of a paragraph.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fingerprint {
    /// 64-bit hash of the folded key: equal keys, equal hashes.
    pub exact: u64,
    /// SimHash over the shingles.
    pub simhash: u64,
    /// How many shingles went into `simhash`.
    pub shingles: u32,
    /// Characters of the folded key.
    pub chars: u32,
}

/// The fingerprint of a comparison key: of its folded form (see
/// [`normalize::fold_into`]), which the shingler keeps until the next key
/// ([`Shingler::folded`]).
///
/// ```
/// use chaff::fingerprint::{fingerprint, FingerprintConfig, Shingler};
/// let config = FingerprintConfig::default();
/// let mut shingler = Shingler::new();
/// let a = fingerprint("城市建设迈出新步伐,完成投资120亿元。", &config, &mut shingler);
/// let b = fingerprint("城市建设迈出新步伐，完成投资120亿元", &config, &mut shingler);
/// assert_eq!(a.simhash, b.simhash); // punctuation does not change shingles
/// assert_ne!(a.exact, b.exact);     // but the keys differ
/// let c = fingerprint("“城市建设迈出新步伐,完成投资120亿元。”", &config, &mut shingler);
/// let d = fingerprint("\"城市建设迈出新步伐,完成投资120亿元.\"", &config, &mut shingler);
/// assert_eq!(c.exact, d.exact);     // typographic variants fold to one key
/// assert_eq!(shingler.folded(), "\"城市建设迈出新步伐,完成投资120亿元.\"");
/// ```
pub fn fingerprint(key: &str, config: &FingerprintConfig, shingler: &mut Shingler) -> Fingerprint {
    fingerprint_with(key, config, shingler, None)
}

/// The fingerprint of a comparison key and its [`NearSketch`] (`None` for
/// a key without shingles), from one pass over the shingles. `builder` is
/// scratch space reused from one key to the next. Memory does not grow
/// with the key's length.
///
/// ```
/// use chaff::fingerprint::{fingerprint_with_sketch, FingerprintConfig, Shingler, SketchBuilder};
/// let (config, mut shingler, mut builder) = (FingerprintConfig::default(), Shingler::new(), SketchBuilder::default());
/// let (fp, sketch) = fingerprint_with_sketch("甲乙丙甲乙丙", &config, &mut shingler, &mut builder);
/// assert_eq!((fp.shingles, fp.chars), (4, 6)); // 甲乙丙 乙丙甲 丙甲乙 甲乙丙
/// assert_eq!(sketch.unwrap().stored.odd_size, 3); // three distinct shingles
/// ```
pub fn fingerprint_with_sketch(
    key: &str,
    config: &FingerprintConfig,
    shingler: &mut Shingler,
    builder: &mut SketchBuilder,
) -> (Fingerprint, Option<NearSketch>) {
    builder.clear();
    let fingerprint = fingerprint_with(key, config, shingler, Some(builder));
    (fingerprint, builder.finish())
}

fn fingerprint_with(
    key: &str,
    config: &FingerprintConfig,
    shingler: &mut Shingler,
    builder: Option<&mut SketchBuilder>,
) -> Fingerprint {
    let feature_hash = config.feature_hash;
    let mut folded = std::mem::take(&mut shingler.folded);
    normalize::fold_into(key, &mut folded);
    let mut buffer = std::mem::take(&mut shingler.text);
    let mut hashes = std::mem::take(&mut shingler.hashes);
    // The block keeps its length from one key to the next (zeroed once):
    // the shingle loop stores a hash and moves a count, nothing more.
    hashes.resize(HASH_BLOCK, 0);
    let mut block = HashBlock {
        hashes: &mut hashes,
        len: 0,
        ones: [0u32; 64],
        total: 0,
        builder,
    };
    // Inlined into each place the shingle loop gives a shingle: a call per
    // shingle cost as much as the hash.
    let chars = shingler.for_each_counting(
        &folded,
        config,
        #[inline(always)]
        |shingle| block.push(feature_hash.hash_shingle(shingle, &mut buffer)),
    );
    block.flush();
    let (ones, total) = (block.ones, block.total);
    shingler.text = buffer;
    shingler.hashes = hashes;
    let mut simhash = 0u64;
    for (i, ones) in ones.iter().enumerate() {
        if 2 * u64::from(*ones) > total {
            simhash |= 1 << i;
        }
    }
    let fingerprint = Fingerprint {
        exact: key_hash(&folded),
        simhash,
        shingles: total.min(u64::from(u32::MAX)) as u32,
        chars: chars.min(u32::MAX as usize) as u32,
    };
    shingler.folded = folded;
    fingerprint
}

/// Shingle hashes counted at a time (32 KiB).
const HASH_BLOCK: usize = 4096;

/// The shingle hashes of a key, a block at a time: counted per bit for
/// the SimHash and given to the sketch builder when the block is full and
/// at the end, so that memory stays the same for a paragraph of any
/// length.
struct HashBlock<'a, 'b> {
    /// [`HASH_BLOCK`] long; the first `len` are this block's.
    hashes: &'a mut [u64],
    len: usize,
    ones: [u32; 64],
    total: u64,
    builder: Option<&'b mut SketchBuilder>,
}

impl HashBlock<'_, '_> {
    #[inline(always)]
    fn push(&mut self, hash: u64) {
        // `len` is below HASH_BLOCK here: a full block is flushed at once
        if let Some(slot) = self.hashes.get_mut(self.len) {
            *slot = hash;
        }
        self.len += 1;
        if self.len == HASH_BLOCK {
            self.flush();
        }
    }

    /// Counts and sketches the hashes of the block, and starts the next.
    #[inline(never)]
    fn flush(&mut self) {
        let hashes = &self.hashes[..self.len];
        count_bits(hashes, &mut self.ones);
        self.total += hashes.len() as u64;
        if let Some(builder) = self.builder.as_deref_mut() {
            builder.add(hashes);
        }
        self.len = 0;
    }
}

/// The distinct shingle hashes of a comparison key (of its folded form),
/// sorted: what the exact Jaccard similarity of two keys compares.
///
/// ```
/// use chaff::fingerprint::{shingle_set, FingerprintConfig, Shingler};
/// let set = shingle_set("甲乙丙甲乙丙", &FingerprintConfig::default(), &mut Shingler::new());
/// assert_eq!(set.len(), 3);
/// ```
pub fn shingle_set(key: &str, config: &FingerprintConfig, shingler: &mut Shingler) -> Vec<u64> {
    let mut folded = std::mem::take(&mut shingler.folded);
    normalize::fold_into(key, &mut folded);
    let mut buffer = std::mem::take(&mut shingler.text);
    let mut set = Vec::new();
    shingler.for_each(&folded, config, |shingle| {
        set.push(config.feature_hash.hash_shingle(shingle, &mut buffer));
    });
    shingler.text = buffer;
    shingler.folded = folded;
    set.sort_unstable();
    set.dedup();
    set
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shingles of a key's folded form, as the fingerprint cuts them.
    fn shingles(key: &str, config: &FingerprintConfig) -> Vec<String> {
        let mut out = Vec::new();
        let folded = normalize::fold(key);
        Shingler::new().for_each_shingle(&folded, config, |s| out.push(s.to_owned()));
        out
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
            let reference = ::simhash::simhash_stream(all.iter().map(String::as_str));
            assert_eq!(
                fingerprint(text, &config, &mut shingler).simhash,
                reference,
                "{text}"
            );
        }
    }

    /// The index finds an exact repeat of a long paragraph through its band
    /// keys alone, so a key's shingles must depend on its folded form only:
    /// names read from the case of the key (measured in session 7) broke
    /// this, and case variants were no longer found.
    #[test]
    fn case_and_typographic_variants_have_the_same_fingerprint_and_sketch() {
        let config = FingerprintConfig::default();
        let (mut shingler, mut builder) = (Shingler::new(), SketchBuilder::default());
        let text = "Mayor Jane Collins said on Monday, 7 July 2019, that the “new” library — 12 years late — opens in March.";
        let reference = fingerprint_with_sketch(text, &config, &mut shingler, &mut builder);
        for variant in [
            text.to_uppercase(),
            text.to_lowercase(),
            text.replace(['“', '”'], "\"").replace('—', "-"),
        ] {
            let (fp, sketch) =
                fingerprint_with_sketch(&variant, &config, &mut shingler, &mut builder);
            assert_eq!(fp, reference.0, "{variant}");
            assert_eq!(
                sketch.map(|s| s.stored.bands),
                reference.1.as_ref().map(|s| s.stored.bands),
                "{variant}"
            );
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
                    0xe6c2_0b3b_b687_f8dc,
                    0x1c98_a05d_5138_7307,
                    0x0020_4555_1c21_0060,
                ],
            ),
            (
                FeatureHash::SipHash24,
                [
                    0xb180_69a5_5663_6b04,
                    0x5d9b_3bce_2715_d142,
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
        // 41 character 3-grams, and 8 fact shingles for each of 2023, 2430
        // and 90
        assert_eq!((fp.exact, fp.shingles), (0x76fd_eb83_f1f3_35b0, 41 + 3 * 8));
    }
}
