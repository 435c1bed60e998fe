//! Stage 6: exact and near repeats, first occurrence wins, at a cost per
//! paragraph that does not grow with the corpus.
//!
//! [`Deduplicator`] is fed paragraphs in input order, each as a [`Probe`]
//! (its [`Fingerprint`] and what the comparisons below read of it). Every
//! comparison reads the *folded* key ([`normalize::fold_into`]): case,
//! quotes, dashes and the other typographic variants are one, at every
//! length. A paragraph is a repeat of an earlier kept one when
//!
//! 1. **exact**: their folded keys have the same 64-bit hash (collision
//!    odds about `n² / 2⁶⁵`, one in 37 million for a million distinct
//!    paragraphs);
//! 2. **near, long paragraphs** (both of at least
//!    [`DedupConfig::min_near_chars`] characters and
//!    [`DedupConfig::min_shingles`] shingles): their SimHashes are within
//!    [`DedupConfig::max_hamming`] bits *and* the Jaccard similarity of their
//!    shingle sets, estimated from 16-byte odd sketches, is at least
//!    [`DedupConfig::min_similarity`];
//! 3. **near, short paragraphs** (the shorter of at least
//!    [`DedupConfig::min_edit_chars`] characters, too short for rule 2):
//!    one character was substituted, inserted or deleted, and it is not a
//!    digit or a Chinese numeral, nor a CJK character substituted by
//!    another ([`edit`]). Two short lines that differ in a number, a date
//!    or a name state different facts; one typo does not make a new line. Shorter paragraphs (fewer than `min_edit_chars`, 10
//!    by default, so that one edit is at most a tenth of the line) repeat
//!    only exactly.
//!
//! Among several earlier paragraphs a repeat is reported against the
//! nearest (smallest Hamming distance), the earliest among equals. A
//! paragraph that repeats nothing is remembered; a repeat is not, so every
//! reported repeat points at a paragraph that was kept.
//!
//! # Finding candidates in constant time
//!
//! Nothing here scans the stored paragraphs. Exact keys and the two half
//! keys of short paragraphs ([`edit`]) are looked up in hash tables
//! ([`IdTable`]). Long paragraphs are found by locality-sensitive hashing
//! over a one-permutation MinHash of their shingles
//! ([`sketch`](crate::fingerprint::sketch)): [`BANDS`] bands of [`ROWS`](crate::fingerprint::sketch::ROWS)
//! bins each, a stored paragraph is a candidate when one of its band keys
//! equals one of the query's or one of the query's multi-probe keys (the
//! band with one bin taken from the second-smallest value): 15 lookups per
//! paragraph, each reading one small bucket. A band key held by
//! [`BUCKET_CAP`] distinct paragraphs takes no more (the first ones stay;
//! a paragraph dropped as a near repeat holds its place without being a
//! candidate, so that what a key holds depends on the input order alone
//! and the distributed stages can compute it by grouping): so a lookup
//! examines at most `15 × BUCKET_CAP` candidates however large the
//! corpus, and on the generated crawl about 5 (100 MB) to 11 (1 GB), where
//! today's 11-bit SimHash search examined 1 in 120 stored paragraphs
//! (`examples/neardup_options.rs --crawl`). A paragraph that no band took
//! is still found by its exact key.
//!
//! Why not SimHash for the search: a near-duplicate with 3% of its
//! characters edited differs in about 9 of 64 SimHash bits, so any index
//! that finds it must search 11 or more bits; exact search at that radius
//! reads `n / 120` candidates (four 16-bit tables) or needs thousands of
//! permuted tables to be sized to the corpus. Used as an LSH, 8 independent
//! SimHashes searched within 5 bits each find 73% of such reposts and 16
//! permuted 27-bit tables 26%, against 95% for three MinHash bands with
//! multi-probe (`examples/neardup_options.rs`, labelled corpus). The
//! SimHash stays the fingerprint: its Hamming distance is part of the test
//! and of every report.
//!
//! # Memory
//!
//! Per kept long paragraph: 38 bytes of near entry (odd sketch 16, SimHash
//! 8, band keys 12, sample size 1, level and flags 1, packed), the exact
//! key 8, the paragraph index 2 (16 bits; larger ones in a map) and the
//! document runs (12 bytes per run of paragraphs of one document), then its
//! three band entries in [`CuckooTable`]s: 4-byte slots, 83% to 95% used,
//! 4.2 to 4.8 bytes each (see [`crate::index`]). A short paragraph of 10
//! to 255 characters keeps 36 bytes, two half-key entries and an exact
//! entry; a shorter one 18 bytes and an exact entry ([`IdTable`], 5.7 to
//! 11.4 bytes). The shingle sets of earlier versions (about 350 bytes a
//! paragraph) are gone. `examples/index_memory.rs` measures the whole:
//! 63.1 bytes per long paragraph at 10 million (79.0 with the previous
//! tables and layout), 49.4 of them outside the tables, so between 62 and
//! 63.8 at any size once the tables have grown (62.5 resident at 100
//! million, measured). A near repeat that takes a free place under one of its
//! keys is stored too (the same bytes, see [`BUCKET_CAP`]); on the
//! generated crawl most near repeats find their buckets full or their key
//! already held.
//!
//! # Measured (issue 14; commands and the full tables in `BENCHMARKS.md`)
//!
//! Recall on edited reposts of the labelled corpus (`examples/neardup_eval.rs`,
//! 10,212 unrelated base paragraphs, each reposted with the share of its
//! characters edited), this design at the defaults (`min_similarity` 0.75)
//! against datatrove's MinHash (character 5-grams, 14 × 8, no confirmation)
//! in the same run:
//!
//! | paragraphs | 1% edits | 3% edits | datatrove 1% | datatrove 3% |
//! |---|---|---|---|---|
//! | Chinese, 40+ characters | 0.972–0.997 | 0.921–0.932 | 0.956–1.000 | 0.758–0.827 |
//! | Latin, 40–99 characters | 0.969 | 0.837 | 0.966 | 0.786 |
//! | Latin, 100+ characters | 0.995 | 0.837 | 0.999 | 0.850 |
//! | all, 20–39 characters | 0.755 | 0.776 | 0.529 | 0.531 |
//! | all, 5–19 characters | 0.487 | 0.485 | 0.213 | 0.224 |
//! | all | 0.714 | 0.683 | 0.541 | 0.489 |
//!
//! (Session 7, with the fact signature of Latin text, state format 4; the
//! same run without it: Latin 0.974 / 0.833 and 0.996 / 0.844, the other
//! rows as above.)
//!
//! Word runs are shingled by characters since state format 3 (word pairs
//! before: Latin 40–99 / 100+ characters were caught 0.291 / 0.006 at 3%
//! edits, see [`crate::fingerprint`]). Paragraphs of 5–19 characters are
//! caught when they are 10+ characters and the edit is allowed ([`edit`]);
//! the rest are compared exactly, by design. Short Chinese lines lost recall
//! (20–39 characters: 0.98 to 0.66) when substituted CJK characters stopped
//! counting as typos.
//!
//! Pairs that must not merge: no base merged with another (0 of 10,212), no
//! name one character apart (0 of 56, 40 before the CJK rule), no short
//! line with another date or number, no distinct paragraphs sharing a
//! template sentence (0 of 1,764), no line with another date (0 of 72) or
//! number (0 of 2,175) since the fact signature of Latin text
//! ([`crate::fingerprint`], "Numbers and dates"; 2 and 2 before); but 5 of
//! 62 names are merged (4 before), all in Latin template lines of 40–99
//! characters, long enough for the near test, where a changed given name
//! changes as many character 4-grams as two typos and the folded key has
//! no mark of a name. A `min_similarity` of 0.74 catches Latin reposts at
//! 3% edits 0.859 / 0.861 with no more of these merged, but merges a
//! distinct sentence of the dev set at 0.742 (a line quoting a figure,
//! with the page's own quote of it). A `min_similarity` of 0.7 catches more Latin reposts
//! at 3% edits (0.897 / 0.897) and keeps numbers apart, but merges 1
//! date, 7 names and 1 pair of paragraphs sharing a template sentence, and distinct sentences of real pages at similarity 0.72–0.73
//! (before the signature); 0.8 merges fewer and loses Chinese recall at 3%
//! edits (0.85). Typographic variants (quotes, dashes, case, corner
//! brackets) are caught at every length (1.000). Figures and commands in
//! `BENCHMARKS.md` ("Recall after character shingles"; "Names, months and
//! numbers as facts, session 7").
//!
//! Cost per lookup (`examples/candidates.rs`, every paragraph of the 100 MB
//! generated crawl): 3.6 stored entries read per lookup at 10 thousand
//! stored paragraphs, 5.6 at 104 thousand, bounded by construction (15
//! band lookups and up to 6 half-key lookups of at most [`BUCKET_CAP`]
//! entries, and one exact lookup). In time (`examples/index_memory.rs`,
//! long paragraphs, µs of CPU per [`Deduplicator::search`]): 1.55 against
//! 10 million stored paragraphs, 2.40 against 40 million, 3.60 against
//! 100 million (62.5 bytes each), from 2.80 / 4.90 / 6.85 when each
//! bucket and candidate was read after the one before. A lookup now asks
//! for the buckets of all its keys, then for the entries of all their
//! candidates, before it reads any (see [`crate::index`], "Lookups at
//! corpus scale"), so that their cache misses overlap; what grows with
//! the corpus is the latency of each wave of misses, not their number.
//!
//! Beside the deduplicator: [`trim`], the same test on the sentences of
//! kept paragraphs, and [`state`], what a deduplicator remembers, saved
//! through `Write` and loaded through `Read` for later runs.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::fingerprint::sketch::{BANDS, odd_jaccard};
use crate::fingerprint::{
    Fingerprint, FingerprintConfig, NearSketch, Shingler, StoredSketch, shingle_set,
};
use crate::index::{CUCKOO_MAX_ID, Column, CuckooTable, IdTable};

pub mod edit;
pub mod state;
pub mod trim;

use edit::{Edit, EditProbe, MAX_EDIT_CHARS, StoredEdit};

#[cfg(doc)]
use crate::normalize;

/// How many paragraphs one band key (or half key) indexes at most: the
/// first `BUCKET_CAP` distinct folded keys (in input order) that have it as
/// their own, whether they were kept or dropped as near repeats. Dropped
/// ones hold their place without being candidates, so which paragraphs a
/// key indexes depends on the input order alone, never on decisions about
/// other paragraphs: the distributed stages compute it by grouping
/// ([`crate::distributed::NearCandidates`]).
pub const BUCKET_CAP: u8 = 4;

/// How repeats are found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DedupConfig {
    /// Drop exact repeats.
    pub exact: bool,
    /// Drop near repeats.
    pub near: bool,
    /// The largest Hamming distance between SimHashes of long near repeats.
    pub max_hamming: u32,
    /// Long near repeats must also have shingle sets with at least this
    /// (estimated) Jaccard similarity. Default 0.75, our measurement
    /// (BENCHMARKS.md, "Recall after character shingles"): with Latin text
    /// shingled by 4 characters, 0.7 merged distinct sentences of real
    /// pages at 0.72-0.73 (two on the dev set) and more template lines that
    /// differ in a name or a date (7 of 62 names and 1 of 72 dates against
    /// 5 and 0, with the fact signature of session 7); 0.8 loses Chinese
    /// recall at 3% edits. With the signature counted by length, 0.74
    /// catches 0.857 / 0.864 of Latin reposts at 3% edits (40-99 / 100+
    /// characters, 0.837 / 0.843 at 0.75) with the dev set unchanged, but
    /// merges more lines that state other facts (136 against 88 of 50,000
    /// template lines): BENCHMARKS.md, "Fact signature by length".
    pub min_similarity: f64,
    /// Paragraphs with fewer shingles are compared by the one-edit rule.
    pub min_shingles: u32,
    /// Paragraphs with fewer characters (of the folded key) are compared by
    /// the one-edit rule.
    pub min_near_chars: u32,
    /// Paragraphs with fewer characters are compared exactly only.
    pub min_edit_chars: u32,
    /// Trim sentences of a kept paragraph that repeat a sentence of an
    /// earlier kept paragraph (a paragraph whose tail repeats another). Off
    /// by default: the paragraph is then kept whole.
    pub trim_repeated_sentences: bool,
    /// Sentences shorter than this (in comparison-key characters) are never
    /// trimmed: "是的。" repeats without being copied.
    pub min_sentence_chars: u32,
}

impl Default for DedupConfig {
    fn default() -> Self {
        DedupConfig {
            exact: true,
            near: true,
            max_hamming: 14,
            min_similarity: 0.75,
            min_shingles: 24,
            min_near_chars: 40,
            min_edit_chars: 10,
            trim_repeated_sentences: false,
            min_sentence_chars: 16,
        }
    }
}

/// Paragraphs this close to the shingle threshold are also compared by the
/// one-edit rule: one edit moves a word-shingle count by up to two.
const SHINGLE_MARGIN: u32 = 3;

impl DedupConfig {
    /// Whether a paragraph is compared by the long-paragraph rule (2 in the
    /// [module docs](self)).
    pub fn takes_near(&self, fingerprint: &Fingerprint) -> bool {
        self.near
            && fingerprint.shingles >= self.min_shingles
            && fingerprint.chars >= self.min_near_chars
    }

    /// Whether a paragraph is compared by the one-edit rule (3): it is long
    /// enough, not too long to read, and too short for rule 2, or so close
    /// to rule 2's thresholds that one edit could take it below them.
    pub fn takes_edit(&self, fingerprint: &Fingerprint) -> bool {
        self.near
            && fingerprint.chars >= self.min_edit_chars
            && fingerprint.chars as usize <= MAX_EDIT_CHARS
            && (!self.takes_near(fingerprint)
                || fingerprint.chars == self.min_near_chars
                || fingerprint.shingles < self.min_shingles.saturating_add(SHINGLE_MARGIN))
    }

    /// The long-paragraph test (rule 2 of the [module docs](self)) of a
    /// query (SimHash, near sketch) against an earlier paragraph (SimHash,
    /// stored sketch): their Hamming distance and estimated Jaccard
    /// similarity when the distance is at most `max_hamming` and the
    /// similarity at least `min_similarity`. Not symmetric: the similarity
    /// is read at the earlier paragraph's sampling level.
    pub fn near_match(
        &self,
        simhash: u64,
        near: &NearSketch,
        earlier_simhash: u64,
        earlier: &StoredSketch,
    ) -> Option<(u32, f64)> {
        let distance = (earlier_simhash ^ simhash).count_ones();
        if distance > self.max_hamming {
            return None;
        }
        let (odd, size) = near.odd_at(earlier.level)?;
        let similarity = odd_jaccard(
            (odd ^ earlier.odd).count_ones(),
            u16::from(earlier.odd_size),
            size,
        );
        (similarity >= self.min_similarity).then_some((distance, similarity))
    }

    /// Checks that `min_similarity` is a share and `max_hamming` at most 64.
    pub fn validate(&self) -> Result<(), Error> {
        if !(0.0..=1.0).contains(&self.min_similarity) {
            return Err(Error::Config(format!(
                "min_similarity {} is not between 0 and 1",
                self.min_similarity
            )));
        }
        if self.max_hamming > 64 {
            return Err(Error::Config(format!(
                "max_hamming {} is above 64, the bits of a SimHash",
                self.max_hamming
            )));
        }
        Ok(())
    }
}

/// Where a paragraph stands in a run: the document's sequence number (0 for
/// the first document of the run) and the paragraph's index in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ParagraphRef {
    /// The document's position in the run.
    pub document: u64,
    /// The paragraph's position in the document.
    pub paragraph: u32,
}

/// A paragraph as dedup reads it: its fingerprint, and the near sketch and
/// one-edit probe of the rules it takes part in.
#[derive(Debug, Clone, PartialEq)]
pub struct Probe {
    /// Exact key, SimHash, shingle and character counts.
    pub fingerprint: Fingerprint,
    /// For the long-paragraph rule.
    pub near: Option<NearSketch>,
    /// For the one-edit rule.
    pub edit: Option<EditProbe>,
}

impl Probe {
    /// The probe of a paragraph: `near` is its near sketch and `folded` its
    /// folded key (both from [`fingerprint_with_sketch`](crate::fingerprint::fingerprint_with_sketch));
    /// each is kept when `config` compares the paragraph by its rule.
    pub fn new(
        fingerprint: Fingerprint,
        near: Option<NearSketch>,
        folded: &str,
        config: &DedupConfig,
    ) -> Probe {
        Probe {
            near: near.filter(|_| config.takes_near(&fingerprint)),
            edit: config
                .takes_edit(&fingerprint)
                .then(|| EditProbe::new(folded))
                .flatten(),
            fingerprint,
        }
    }

    /// The probe of a comparison key, fingerprinted here (for tests,
    /// examples and single paragraphs).
    ///
    /// ```
    /// use chaff::dedup::{DedupConfig, Probe};
    /// use chaff::fingerprint::FingerprintConfig;
    /// let (dedup, fingerprint) = (DedupConfig::default(), FingerprintConfig::default());
    /// let long = Probe::of("市政府召开常务会议，研究部署今年的重点工作，会议由市长主持，各副市长、秘书长和各部门主要负责同志出席。", &fingerprint, &dedup);
    /// let short = Probe::of("市政府召开常务会议研究部署重点工作", &fingerprint, &dedup);
    /// let shorter = Probe::of("常务会议", &fingerprint, &dedup);
    /// assert!(long.near.is_some() && long.edit.is_none());
    /// assert!(short.near.is_none() && short.edit.is_some()); // 17 characters: one edit
    /// assert!(shorter.near.is_none() && shorter.edit.is_none()); // exact only
    /// ```
    pub fn of(key: &str, fingerprint: &FingerprintConfig, config: &DedupConfig) -> Probe {
        let mut shingler = Shingler::new();
        let mut builder = crate::fingerprint::SketchBuilder::default();
        let (fp, near) = crate::fingerprint::fingerprint_with_sketch(
            key,
            fingerprint,
            &mut shingler,
            &mut builder,
        );
        Probe::new(fp, near, shingler.folded(), config)
    }
}

/// What an earlier paragraph a new one repeats, and how.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Repeat {
    /// Same folded key.
    Exact {
        /// The first occurrence.
        of: ParagraphRef,
    },
    /// A near repeat by rule 2 or 3.
    Near {
        /// The earlier paragraph, nearest first, earliest among equals.
        of: ParagraphRef,
        /// Hamming distance between the two SimHashes.
        distance: u32,
        /// Jaccard similarity of the two shingle sets: estimated from the
        /// odd sketches (rule 2), or exact, from the two texts (rule 3).
        similarity: f64,
    },
}

/// A stored paragraph: its kind and its index among those of its kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
struct Tagged(u32);

const EXACT: u32 = 0;
const EDIT: u32 = 1;
const NEAR: u32 = 2;
/// Paragraphs of one kind a deduplicator holds at most (2^30 - 1, the ids
/// a [`CuckooTable`] stores).
const MAX_PER_KIND: usize = CUCKOO_MAX_ID as usize + 1;

impl Tagged {
    fn new(kind: u32, index: usize) -> Tagged {
        Tagged(kind << 30 | index as u32)
    }

    fn kind(self) -> u32 {
        self.0 >> 30
    }

    fn index(self) -> usize {
        (self.0 & ((1 << 30) - 1)) as usize
    }
}

/// A near match found for a probe.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Match {
    id: Tagged,
    distance: u32,
    /// The estimated similarity (rule 2), or the edit (rule 3).
    how: How,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum How {
    Estimated(f64),
    Edited(Edit),
}

/// What [`Deduplicator::search`] found for a probe among the paragraphs
/// stored when it ran, for [`Deduplicator::check_and_insert_searched`].
#[derive(Debug, Clone, PartialEq)]
pub struct Searched {
    /// Paragraphs of each kind stored when the search ran.
    stored: [u32; 3],
    exact: Option<Tagged>,
    matches: Vec<Match>,
    /// Stored paragraphs under the probe's own band keys and half keys
    /// (what decides whether it will be indexed under them).
    band_counts: [u8; BANDS],
    half_counts: [u8; 2],
    /// Bit `b` (a band) or `BANDS + h` (a half): the probe's own folded key
    /// already holds a place under that key (a dropped paragraph's, or a
    /// kept one's when exact repeats are off).
    present: u8,
    /// Stored entries read from the large tables.
    examined: u32,
}

impl Searched {
    /// How many stored entries the search read from the tables (every
    /// entry of every bucket it looked up, candidates or not): the cost of
    /// a lookup, which does not grow with the corpus.
    pub fn examined(&self) -> u32 {
        self.examined
    }

    /// Whether the search found an exact or a near repeat (among the
    /// paragraphs stored when it ran).
    pub fn finds_a_repeat(&self) -> bool {
        self.exact.is_some() || !self.matches.is_empty()
    }
}

/// Short paragraphs too short for one-edit comparison: compared exactly.
#[derive(Debug, Clone, Default)]
struct ExactKind {
    exact: Column<u64>,
    simhash: Column<u64>,
    place: Places,
}

/// The short paragraphs of the one-edit rule.
#[derive(Debug, Clone, Default)]
struct EditKind {
    hot: Column<EditHot>,
    len: Column<u8>,
    /// Whether it holds a place only (see [`GHOST`]).
    ghost: Column<bool>,
    exact: Column<u64>,
    simhash: Column<u64>,
    place: Places,
}

#[derive(Debug, Clone, Copy)]
struct EditHot {
    poly: u64,
    halves: [u32; 2],
}

/// The long paragraphs of the near rule.
#[derive(Debug, Clone, Default)]
struct NearKind {
    hot: Column<NearHot>,
    exact: Column<u64>,
    place: Places,
}

/// What a near candidate is checked against: 38 bytes, packed (two bytes
/// fewer per long paragraph than aligned; x86-64 and AArch64 read unaligned
/// words at full speed).
#[derive(Debug, Clone, Copy)]
#[repr(C, packed)]
struct NearHot {
    odd: [u64; 2],
    simhash: u64,
    bands: [u32; BANDS],
    odd_size: u8,
    /// The sampling level (below 64: the sketch has 48 levels) in the low
    /// 6 bits, [`ALSO_EDIT`] and [`GHOST`] in the top 2.
    level_flags: u8,
}

/// Where [`NearHot::level_flags`] keeps the flags.
const FLAGS_SHIFT: u32 = 6;

/// Flag of a near paragraph also stored for the one-edit rule.
const ALSO_EDIT: u8 = 1;
/// Flag of a paragraph that was dropped as a near repeat and is stored
/// only to hold its place under its band or half keys: never a candidate,
/// never reported, but counted towards [`BUCKET_CAP`]. The first
/// `BUCKET_CAP` distinct folded keys under a key hold it, whatever became of
/// them, so which paragraphs a key indexes does not depend on decisions
/// taken elsewhere: the distributed stages (`crate::distributed`) can
/// compute it by grouping.
const GHOST: u8 = 2;

impl NearHot {
    fn of(simhash: u64, sketch: &StoredSketch, also_edit: bool, ghost: bool) -> NearHot {
        NearHot {
            odd: [sketch.odd as u64, (sketch.odd >> 64) as u64],
            simhash,
            bands: sketch.bands,
            odd_size: sketch.odd_size,
            level_flags: sketch.level.min((1 << FLAGS_SHIFT) - 1)
                | (if also_edit { ALSO_EDIT } else { 0 } | if ghost { GHOST } else { 0 })
                    << FLAGS_SHIFT,
        }
    }

    fn is_ghost(&self) -> bool {
        (self.level_flags >> FLAGS_SHIFT) & GHOST != 0
    }

    fn also_edit(&self) -> bool {
        (self.level_flags >> FLAGS_SHIFT) & ALSO_EDIT != 0
    }

    fn level(&self) -> u8 {
        self.level_flags & ((1 << FLAGS_SHIFT) - 1)
    }

    fn odd(&self) -> u128 {
        u128::from(self.odd[0]) | u128::from(self.odd[1]) << 64
    }

    fn sketch(&self) -> StoredSketch {
        StoredSketch {
            bands: self.bands,
            odd: self.odd(),
            odd_size: self.odd_size,
            level: self.level(),
        }
    }
}

/// Where the paragraphs of one kind were kept: the paragraph index of each
/// and, for each run of them from one document, the document and the
/// first of the run.
#[derive(Debug, Clone, Default)]
struct Places {
    /// The paragraph index of each, [`u16::MAX`] for one in `long`.
    paragraph: Column<u16>,
    /// Paragraph indices of [`u16::MAX`] and more, by index among these.
    long: HashMap<u32, u32>,
    /// The document of each run and the index of its first paragraph:
    /// 12 bytes a run, in chunks (no doubling slack).
    run_document: Column<u64>,
    run_first: Column<u32>,
}

impl Places {
    fn push(&mut self, at: ParagraphRef) {
        let index = self.paragraph.len() as u32;
        let runs = self.run_document.len();
        if runs == 0 || self.run_document[runs - 1] != at.document {
            self.run_document.push(at.document);
            self.run_first.push(index);
        }
        match u16::try_from(at.paragraph) {
            Ok(short) if short < u16::MAX => self.paragraph.push(short),
            _ => {
                self.long.insert(index, at.paragraph);
                self.paragraph.push(u16::MAX);
            }
        }
    }

    fn get(&self, index: usize) -> ParagraphRef {
        // The last run that starts at or before `index` (binary search).
        let (mut low, mut high) = (0, self.run_first.len());
        while low < high {
            let mid = low + (high - low) / 2;
            if self.run_first[mid] as usize <= index {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        let paragraph = match self.paragraph[index] {
            u16::MAX => self.long.get(&(index as u32)).copied().unwrap_or(0),
            short => u32::from(short),
        };
        ParagraphRef {
            document: self.run_document[low.saturating_sub(1)],
            paragraph,
        }
    }

    fn memory_bytes(&self) -> usize {
        self.paragraph.memory_bytes()
            + self.long.capacity() * 16
            + self.run_document.memory_bytes()
            + self.run_first.memory_bytes()
    }
}

/// The entries stored since [`Deduplicator::start_batch`], so that the
/// sequential half of a batch looks them up in small tables.
#[derive(Debug, Clone, Default)]
struct Recent {
    from: [u32; 3],
    exact: HashMap<u64, Tagged>,
    bands: HashMap<(usize, u32), Vec<u32>>,
    halves: HashMap<(usize, u32), Vec<u32>>,
}

/// Remembers kept paragraphs and finds repeats of them.
///
/// ```
/// use chaff::dedup::{DedupConfig, Deduplicator, ParagraphRef, Probe, Repeat};
/// use chaff::fingerprint::FingerprintConfig;
/// let (config, fingerprint) = (DedupConfig::default(), FingerprintConfig::default());
/// let mut dedup = Deduplicator::new(config.clone(), fingerprint.clone())?;
/// let at = |document| ParagraphRef { document, paragraph: 0 };
/// let probe = |key: &str| Probe::of(key, &fingerprint, &config);
/// let text = "市政府召开常务会议，研究部署今年的重点工作，会议由市长主持，各位副市长出席会议。";
/// assert_eq!(dedup.check_and_insert(&probe(text), at(0)), None);
/// assert_eq!(dedup.check_and_insert(&probe(text), at(1)), Some(Repeat::Exact { of: at(0) }));
/// let edited = "市政府召开常务会议，研究部署今年的重点工作，会议由市长主持，各位副市长出席了会议。";
/// assert!(matches!(dedup.check_and_insert(&probe(edited), at(2)), Some(Repeat::Near { of, .. }) if of == at(0)));
/// # Ok::<(), chaff::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Deduplicator {
    config: DedupConfig,
    fingerprint: FingerprintConfig,
    exact_kind: ExactKind,
    edit_kind: EditKind,
    near_kind: NearKind,
    /// Exact keys of every paragraph not found through a band.
    exact: IdTable,
    bands: [CuckooTable; BANDS],
    /// Short paragraphs by their first half key (0) and their second (1).
    halves: [CuckooTable; 2],
    recent: Option<Recent>,
    /// Paragraphs remembered.
    kept: usize,
    shingler: Shingler,
    /// Paragraphs not remembered because a kind was full.
    overflow: u64,
}

impl Deduplicator {
    /// An empty deduplicator, comparing fingerprints made with
    /// `fingerprint` (needed to compute the similarity of one-edit repeats).
    pub fn new(config: DedupConfig, fingerprint: FingerprintConfig) -> Result<Self, Error> {
        config.validate()?;
        Ok(Deduplicator {
            config,
            fingerprint,
            exact_kind: ExactKind::default(),
            edit_kind: EditKind::default(),
            near_kind: NearKind::default(),
            exact: IdTable::default(),
            bands: Default::default(),
            halves: Default::default(),
            recent: None,
            kept: 0,
            shingler: Shingler::new(),
            overflow: 0,
        })
    }

    /// The configuration.
    pub fn config(&self) -> &DedupConfig {
        &self.config
    }

    /// How many kept paragraphs it was given to remember.
    pub fn len(&self) -> usize {
        self.kept
    }

    /// Whether nothing is remembered.
    pub fn is_empty(&self) -> bool {
        self.kept == 0
    }

    /// Bytes held: the stored paragraphs and every table.
    pub fn memory_bytes(&self) -> usize {
        let exact = &self.exact_kind;
        let edit = &self.edit_kind;
        let near = &self.near_kind;
        exact.exact.memory_bytes()
            + exact.simhash.memory_bytes()
            + exact.place.memory_bytes()
            + edit.hot.memory_bytes()
            + edit.len.memory_bytes()
            + edit.exact.memory_bytes()
            + edit.simhash.memory_bytes()
            + edit.place.memory_bytes()
            + near.hot.memory_bytes()
            + near.exact.memory_bytes()
            + near.place.memory_bytes()
            + self.exact.memory_bytes()
            + self
                .bands
                .iter()
                .map(CuckooTable::memory_bytes)
                .sum::<usize>()
            + self
                .halves
                .iter()
                .map(CuckooTable::memory_bytes)
                .sum::<usize>()
    }

    fn counts(&self) -> [u32; 3] {
        [
            self.exact_kind.exact.len() as u32,
            self.edit_kind.exact.len() as u32,
            self.near_kind.exact.len() as u32,
        ]
    }

    /// Starts a batch: [`Self::search`] the batch's probes (in parallel if
    /// wanted), then [`Self::check_and_insert_searched`] each in order. The
    /// entries stored from here on are also kept in small tables, so that
    /// the second half finds them without the large ones.
    pub fn start_batch(&mut self) {
        self.recent = Some(Recent {
            from: self.counts(),
            ..Recent::default()
        });
    }

    /// Checks a paragraph against all earlier ones; remembers it if it is
    /// not a repeat.
    pub fn check_and_insert(&mut self, probe: &Probe, at: ParagraphRef) -> Option<Repeat> {
        let searched = self.search(probe);
        self.check_and_insert_searched(probe, at, searched)
    }

    /// The first half of [`Self::check_and_insert`], which only reads and
    /// so can run for many paragraphs in parallel: what the paragraph
    /// repeats among the paragraphs stored now.
    pub fn search(&self, probe: &Probe) -> Searched {
        let mut searched = Searched {
            stored: self.counts(),
            exact: None,
            matches: Vec::new(),
            band_counts: [0; BANDS],
            half_counts: [0; 2],
            present: 0,
            examined: 0,
        };
        self.search_into(probe, [0; 3], &mut searched);
        searched
    }

    /// Looks `probe` up in the large tables among the paragraphs from
    /// `from` on (of each kind).
    fn search_into(&self, probe: &Probe, from: [u32; 3], out: &mut Searched) {
        let fp = &probe.fingerprint;
        let half_probes = probe
            .edit
            .as_ref()
            .map(EditProbe::probes)
            .unwrap_or_default();
        // Every bucket this search reads is asked for before any is read:
        // at corpus scale each is a cache miss, and so they overlap
        // ("Lookups at 100 million: prefetching and huge pages" in
        // `BENCHMARKS.md`).
        if let Some(near) = &probe.near {
            for band in 0..BANDS {
                for key in band_probes(near, band) {
                    self.bands[band].prefetch(u64::from(key));
                }
            }
        }
        for (which, key) in &half_probes {
            self.halves[*which].prefetch(u64::from(*key));
        }
        if self.config.exact {
            for id in self.exact.candidates(fp.exact) {
                out.examined += 1;
                let id = Tagged(id);
                if id.index() >= from[id.kind() as usize] as usize && self.exact_of(id) == fp.exact
                {
                    out.exact = Some(id);
                }
            }
        }
        self.visit_buckets(
            probe,
            &half_probes,
            from,
            |band, key| self.bands[band].candidates(u64::from(key)),
            |which, key| self.halves[which].candidates(u64::from(key)),
            true,
            out,
        );
    }

    /// Visits the buckets of a probe's band keys (and their multi-probe
    /// keys) and of its half keys (`half_probes`, from
    /// [`EditProbe::probes`]), as `bands` and `halves` give them (the ids
    /// under a band or half key, and maybe others), among the paragraphs
    /// from `from` on: counts those under its own keys, checks every other
    /// one once. `examined` counts what was read.
    ///
    /// Three passes over the candidates, so that the memory reads of one
    /// pass overlap: every candidate of every bucket is listed and its
    /// stored entry asked for ([`Column::prefetch`]); then the other
    /// columns of those whose entry has the key; then each is checked, in
    /// the order of the list (the order of the single pass this replaces,
    /// so the results are the same).
    #[allow(clippy::too_many_arguments)]
    fn visit_buckets<B, H>(
        &self,
        probe: &Probe,
        half_probes: &[(usize, u32)],
        from: [u32; 3],
        bands: impl Fn(usize, u32) -> B,
        halves: impl Fn(usize, u32) -> H,
        examined: bool,
        out: &mut Searched,
    ) where
        B: Iterator<Item = u32>,
        H: Iterator<Item = u32>,
    {
        let fp = &probe.fingerprint;
        let mut seen: Vec<u32> = Vec::new();
        // (band or half, key, index) of every candidate, in visiting order.
        let mut found: Vec<(usize, u32, u32)> = Vec::new();
        if let Some(near) = &probe.near {
            let hots = &self.near_kind.hot;
            for band in 0..BANDS {
                for key in band_probes(near, band) {
                    for index in bands(band, key) {
                        hots.prefetch(index as usize);
                        found.push((band, key, index));
                    }
                }
            }
            for &(band, key, index) in &found {
                if key == near.stored.bands[band]
                    && hots
                        .get(index as usize)
                        .is_some_and(|hot| { hot.bands }[band] == key)
                {
                    self.near_kind.exact.prefetch(index as usize);
                }
            }
            for &(band, key, index) in &found {
                let own = near.stored.bands[band];
                out.examined += u32::from(examined);
                let hot = &hots[index as usize];
                if { hot.bands }[band] != key || index < from[NEAR as usize] {
                    continue;
                }
                if key == own {
                    out.band_counts[band] = out.band_counts[band].saturating_add(1);
                    if self.near_kind.exact[index as usize] == fp.exact {
                        out.present |= 1 << band;
                    }
                }
                if hot.is_ghost() {
                    continue;
                }
                if !seen.contains(&index) {
                    seen.push(index);
                    self.consider_near(probe, near, Tagged::new(NEAR, index as usize), hot, out);
                }
            }
        }
        seen.clear();
        found.clear();
        if let Some(edit) = &probe.edit {
            let kind = &self.edit_kind;
            for &(which, key) in half_probes {
                for index in halves(which, key) {
                    kind.hot.prefetch(index as usize);
                    found.push((which, key, index));
                }
            }
            for &(which, key, index) in &found {
                let index = index as usize;
                if kind
                    .hot
                    .get(index)
                    .is_some_and(|hot| hot.halves[which] == key)
                {
                    kind.ghost.prefetch(index);
                    kind.exact.prefetch(index);
                    kind.len.prefetch(index);
                    kind.simhash.prefetch(index);
                }
            }
            let own = edit.stored().halves;
            for &(which, key, index) in &found {
                out.examined += u32::from(examined);
                let hot = &kind.hot[index as usize];
                if hot.halves[which] != key || index < from[EDIT as usize] {
                    continue;
                }
                if own[which] == key {
                    out.half_counts[which] = out.half_counts[which].saturating_add(1);
                    if kind.exact[index as usize] == fp.exact {
                        out.present |= 1 << (BANDS + which);
                    }
                }
                if kind.ghost[index as usize] {
                    continue;
                }
                if !seen.contains(&index) {
                    seen.push(index);
                    self.consider_edit(probe, edit, index as usize, out);
                }
            }
        }
    }

    /// Checks a long candidate found through a band.
    fn consider_near(
        &self,
        probe: &Probe,
        near: &NearSketch,
        id: Tagged,
        hot: &NearHot,
        out: &mut Searched,
    ) {
        let fp = &probe.fingerprint;
        if self.config.exact
            && hot.simhash == fp.simhash
            && hot.odd() == near.stored.odd
            && self.near_kind.exact[id.index()] == fp.exact
        {
            out.exact = Some(out.exact.map_or(id, |other| other.min(id)));
            return;
        }
        if let Some((distance, similarity)) =
            self.config
                .near_match(fp.simhash, near, hot.simhash, &hot.sketch())
        {
            out.matches.push(Match {
                id,
                distance,
                how: How::Estimated(similarity),
            });
        }
    }

    /// Checks a short candidate found through a half key.
    fn consider_edit(&self, probe: &Probe, edit: &EditProbe, index: usize, out: &mut Searched) {
        let hot = &self.edit_kind.hot[index];
        let stored = StoredEdit {
            poly: hot.poly,
            len: self.edit_kind.len[index],
            halves: hot.halves,
        };
        if let Some(op) = edit.one_edit(&stored) {
            out.matches.push(Match {
                id: Tagged::new(EDIT, index),
                distance: (self.edit_kind.simhash[index] ^ probe.fingerprint.simhash).count_ones(),
                how: How::Edited(op),
            });
        }
    }

    /// The second half of [`Self::check_and_insert`], given what
    /// [`Self::search`] found for this paragraph at some earlier point: the
    /// paragraphs stored since then are searched here, so the answer is the
    /// same as a search now.
    pub fn check_and_insert_searched(
        &mut self,
        probe: &Probe,
        at: ParagraphRef,
        mut searched: Searched,
    ) -> Option<Repeat> {
        self.search_newer(probe, &mut searched);
        if self.config.exact
            && let Some(id) = searched.exact
        {
            return Some(Repeat::Exact { of: self.place(id) });
        }
        let best = searched
            .matches
            .iter()
            .min_by_key(|m| (m.distance, self.place(m.id)))
            .copied();
        if let Some(best) = best {
            let similarity = match best.how {
                How::Estimated(similarity) => similarity,
                How::Edited(op) => self.edit_similarity(probe, op),
            };
            self.store(probe, at, &searched, true);
            return Some(Repeat::Near {
                of: self.place(best.id),
                distance: best.distance,
                similarity,
            });
        }
        self.store(probe, at, &searched, false);
        None
    }

    /// Adds to `searched` what the paragraphs stored since it ran hold for
    /// `probe`: from the small tables of the batch when they cover them,
    /// else from the large ones.
    fn search_newer(&self, probe: &Probe, searched: &mut Searched) {
        let since = searched.stored;
        if since == self.counts() {
            return;
        }
        let Some(recent) = self
            .recent
            .as_ref()
            .filter(|recent| (0..3).all(|k| recent.from[k] <= since[k]))
        else {
            self.search_into(probe, since, searched);
            return;
        };
        let newer = |id: Tagged| id.index() >= since[id.kind() as usize] as usize;
        let fp = &probe.fingerprint;
        if self.config.exact
            && let Some(&id) = recent.exact.get(&fp.exact)
            && newer(id)
            && searched.exact.is_none()
        {
            searched.exact = Some(id);
        }
        let half_probes = probe
            .edit
            .as_ref()
            .map(EditProbe::probes)
            .unwrap_or_default();
        self.visit_buckets(
            probe,
            &half_probes,
            since,
            |band, key| {
                recent
                    .bands
                    .get(&(band, key))
                    .into_iter()
                    .flatten()
                    .copied()
            },
            |which, key| {
                recent
                    .halves
                    .get(&(which, key))
                    .into_iter()
                    .flatten()
                    .copied()
            },
            false,
            searched,
        );
    }

    /// The exact Jaccard similarity of a probe's shingle set and that of
    /// the stored key its one edit rebuilds.
    fn edit_similarity(&mut self, probe: &Probe, op: Edit) -> f64 {
        let Some(edit) = &probe.edit else {
            return 0.0;
        };
        edit_similarity(edit, op, &self.fingerprint, &mut self.shingler)
    }

    /// Stores a paragraph, indexed under the band and half keys that hold
    /// fewer than [`BUCKET_CAP`] paragraphs and not yet its own folded key
    /// (`searched` says how many they hold): a kept paragraph whole, a
    /// dropped near repeat (`ghost`) only where it takes a place
    /// ([`GHOST`]).
    fn store(&mut self, probe: &Probe, at: ParagraphRef, searched: &Searched, ghost: bool) {
        let free = |bit: usize, count: u8| count < BUCKET_CAP && searched.present & (1 << bit) == 0;
        let half_free: [bool; 2] =
            std::array::from_fn(|w| free(BANDS + w, searched.half_counts[w]));
        let band_free: [bool; BANDS] = std::array::from_fn(|b| free(b, searched.band_counts[b]));
        if !ghost {
            self.kept += 1;
        }
        let fp = &probe.fingerprint;
        let mut exact_id = None;
        let mut stored_edit = None;
        if let Some(edit) = &probe.edit
            && (!ghost || half_free.contains(&true))
        {
            let kind = &mut self.edit_kind;
            if kind.exact.len() < MAX_PER_KIND {
                let stored = edit.stored();
                let index = kind.exact.len();
                kind.hot.push(EditHot {
                    poly: stored.poly,
                    halves: stored.halves,
                });
                kind.len.push(stored.len);
                kind.ghost.push(ghost);
                kind.exact.push(fp.exact);
                kind.simhash.push(fp.simhash);
                kind.place.push(at);
                for (which, key) in stored.halves.iter().enumerate() {
                    if half_free[which] {
                        let hot = &kind.hot;
                        self.halves[which].insert(u64::from(*key), index as u32, |id| {
                            u64::from(hot[id as usize].halves[which])
                        });
                        if let Some(recent) = &mut self.recent {
                            recent
                                .halves
                                .entry((which, *key))
                                .or_default()
                                .push(index as u32);
                        }
                    }
                }
                exact_id = Some(Tagged::new(EDIT, index));
                stored_edit = Some(index);
            } else {
                self.overflow += 1;
            }
        }
        if let Some(near) = &probe.near
            && (!ghost || band_free.contains(&true))
        {
            let kind = &mut self.near_kind;
            if kind.exact.len() < MAX_PER_KIND {
                let index = kind.exact.len();
                kind.hot.push(NearHot::of(
                    fp.simhash,
                    &near.stored,
                    stored_edit.is_some(),
                    ghost,
                ));
                kind.exact.push(fp.exact);
                kind.place.push(at);
                let mut banded = false;
                for (band, free) in band_free.iter().enumerate() {
                    if !free {
                        continue;
                    }
                    let key = near.stored.bands[band];
                    let hot = &kind.hot;
                    self.bands[band].insert(u64::from(key), index as u32, |id| {
                        u64::from(hot[id as usize].bands[band])
                    });
                    if let Some(recent) = &mut self.recent {
                        recent
                            .bands
                            .entry((band, key))
                            .or_default()
                            .push(index as u32);
                    }
                    banded = true;
                }
                if exact_id.is_none() {
                    exact_id = Some(Tagged::new(NEAR, index));
                    if banded && !ghost {
                        // Found through its bands; no exact entry needed.
                        if let Some(recent) = &mut self.recent {
                            recent.exact.insert(fp.exact, Tagged::new(NEAR, index));
                        }
                        return;
                    }
                }
            } else {
                self.overflow += 1;
            }
        }
        if ghost {
            return;
        }
        if exact_id.is_none() && self.config.exact && probe.near.is_none() && probe.edit.is_none() {
            let kind = &mut self.exact_kind;
            if kind.exact.len() < MAX_PER_KIND {
                let index = kind.exact.len();
                kind.exact.push(fp.exact);
                kind.simhash.push(fp.simhash);
                kind.place.push(at);
                exact_id = Some(Tagged::new(EXACT, index));
            } else {
                self.overflow += 1;
            }
        }
        if let Some(id) = exact_id
            && self.config.exact
        {
            self.index_exact(fp.exact, id);
            if let Some(recent) = &mut self.recent {
                recent.exact.insert(fp.exact, id);
            }
        }
    }

    fn exact_of(&self, id: Tagged) -> u64 {
        exact_of(&self.exact_kind, &self.edit_kind, &self.near_kind, id)
    }

    /// Where a stored paragraph was kept.
    fn place(&self, id: Tagged) -> ParagraphRef {
        match id.kind() {
            EXACT => self.exact_kind.place.get(id.index()),
            EDIT => self.edit_kind.place.get(id.index()),
            _ => self.near_kind.place.get(id.index()),
        }
    }

    /// Remembers a kept paragraph without checking it (bulk loading).
    pub fn remember(&mut self, probe: &Probe, at: ParagraphRef) {
        let searched = Searched {
            stored: self.counts(),
            exact: None,
            matches: Vec::new(),
            band_counts: self.own_counts(probe),
            half_counts: self.own_half_counts(probe),
            present: 0,
            examined: 0,
        };
        self.store(probe, at, &searched, false);
    }

    fn own_counts(&self, probe: &Probe) -> [u8; BANDS] {
        let mut counts = [0u8; BANDS];
        if let Some(near) = &probe.near {
            for (band, count) in counts.iter_mut().enumerate() {
                let key = near.stored.bands[band];
                *count = self.bands[band]
                    .candidates(u64::from(key))
                    .filter(|index| self.near_kind.hot[*index as usize].bands[band] == key)
                    .count()
                    .min(255) as u8;
            }
        }
        counts
    }

    fn own_half_counts(&self, probe: &Probe) -> [u8; 2] {
        let mut counts = [0u8; 2];
        if let Some(edit) = &probe.edit {
            for (which, key) in edit.stored().halves.into_iter().enumerate() {
                counts[which] = self.halves[which]
                    .candidates(u64::from(key))
                    .filter(|index| self.edit_kind.hot[*index as usize].halves[which] == key)
                    .count()
                    .min(255) as u8;
            }
        }
        counts
    }

    /// Paragraphs that were not remembered because a kind held 2^30 - 1.
    pub fn overflow(&self) -> u64 {
        self.overflow
    }

    /// What this deduplicator remembers, for [`state`], each kind in the
    /// order it was stored.
    pub fn entries(&self) -> (Vec<ExactEntry>, Vec<EditEntry>, Vec<NearEntry>) {
        let exact_kind = &self.exact_kind;
        let exact = (0..exact_kind.exact.len())
            .map(|i| ExactEntry {
                exact: exact_kind.exact[i],
                simhash: exact_kind.simhash[i],
                at: exact_kind.place.get(i),
            })
            .collect();
        let edit_kind = &self.edit_kind;
        let edit = (0..edit_kind.exact.len())
            .map(|i| EditEntry {
                exact: edit_kind.exact[i],
                simhash: edit_kind.simhash[i],
                at: edit_kind.place.get(i),
                stored: StoredEdit {
                    poly: edit_kind.hot[i].poly,
                    len: edit_kind.len[i],
                    halves: edit_kind.hot[i].halves,
                },
                dropped: edit_kind.ghost[i],
            })
            .collect();
        let near_kind = &self.near_kind;
        let near = (0..near_kind.exact.len())
            .map(|i| {
                let hot = &near_kind.hot[i];
                NearEntry {
                    exact: near_kind.exact[i],
                    simhash: hot.simhash,
                    at: near_kind.place.get(i),
                    sketch: hot.sketch(),
                    also_edit: hot.also_edit(),
                    dropped: hot.is_ghost(),
                }
            })
            .collect();
        (exact, edit, near)
    }

    /// A deduplicator that remembers the given entries (see
    /// [`Self::entries`]): each kind stored again in its order, so every
    /// table is as it was.
    pub fn with_entries(
        config: DedupConfig,
        fingerprint: FingerprintConfig,
        exact: Vec<ExactEntry>,
        edit: Vec<EditEntry>,
        near: Vec<NearEntry>,
    ) -> Result<Self, Error> {
        let mut dedup = Deduplicator::new(config, fingerprint)?;
        for entry in exact {
            let kind = &mut dedup.exact_kind;
            let index = kind.exact.len();
            kind.exact.push(entry.exact);
            kind.simhash.push(entry.simhash);
            kind.place.push(entry.at);
            dedup.kept += 1;
            dedup.index_exact(entry.exact, Tagged::new(EXACT, index));
        }
        for entry in edit {
            let kind = &mut dedup.edit_kind;
            let index = kind.exact.len();
            kind.hot.push(EditHot {
                poly: entry.stored.poly,
                halves: entry.stored.halves,
            });
            kind.len.push(entry.stored.len);
            kind.ghost.push(entry.dropped);
            kind.exact.push(entry.exact);
            kind.simhash.push(entry.simhash);
            kind.place.push(entry.at);
            dedup.kept += usize::from(!entry.dropped);
            for (which, key) in entry.stored.halves.into_iter().enumerate() {
                let held: Vec<u32> = dedup.halves[which]
                    .candidates(u64::from(key))
                    .filter(|i| dedup.edit_kind.hot[*i as usize].halves[which] == key)
                    .collect();
                let present = held
                    .iter()
                    .any(|i| dedup.edit_kind.exact[*i as usize] == entry.exact);
                if held.len() < usize::from(BUCKET_CAP) && !present {
                    let hot = &dedup.edit_kind.hot;
                    dedup.halves[which].insert(u64::from(key), index as u32, |id| {
                        u64::from(hot[id as usize].halves[which])
                    });
                }
            }
            if !entry.dropped {
                dedup.index_exact(entry.exact, Tagged::new(EDIT, index));
            }
        }
        for entry in near {
            let kind = &mut dedup.near_kind;
            let index = kind.exact.len();
            kind.hot.push(NearHot::of(
                entry.simhash,
                &entry.sketch,
                entry.also_edit,
                entry.dropped,
            ));
            kind.exact.push(entry.exact);
            kind.place.push(entry.at);
            if !entry.also_edit && !entry.dropped {
                dedup.kept += 1;
            }
            let mut banded = false;
            for band in 0..BANDS {
                let key = entry.sketch.bands[band];
                let held: Vec<u32> = dedup.bands[band]
                    .candidates(u64::from(key))
                    .filter(|i| dedup.near_kind.hot[*i as usize].bands[band] == key)
                    .collect();
                let present = held
                    .iter()
                    .any(|i| dedup.near_kind.exact[*i as usize] == entry.exact);
                if held.len() < usize::from(BUCKET_CAP) && !present {
                    let hot = &dedup.near_kind.hot;
                    dedup.bands[band].insert(u64::from(key), index as u32, |id| {
                        u64::from(hot[id as usize].bands[band])
                    });
                    banded = true;
                }
            }
            if !banded && !entry.also_edit && !entry.dropped {
                dedup.index_exact(entry.exact, Tagged::new(NEAR, index));
            }
        }
        Ok(dedup)
    }

    fn index_exact(&mut self, key: u64, id: Tagged) {
        if !self.config.exact {
            return;
        }
        let (exact_kind, edit_kind, near_kind) =
            (&self.exact_kind, &self.edit_kind, &self.near_kind);
        self.exact.insert(key, id.0, |id| {
            exact_of(exact_kind, edit_kind, near_kind, Tagged(id))
        });
    }
}

/// A remembered paragraph compared exactly only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExactEntry {
    /// The hash of its folded key.
    pub exact: u64,
    /// Its SimHash.
    pub simhash: u64,
    /// Where it was kept.
    pub at: ParagraphRef,
}

/// A remembered paragraph of the one-edit rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EditEntry {
    /// The hash of its folded key.
    pub exact: u64,
    /// Its SimHash.
    pub simhash: u64,
    /// Where it was kept.
    pub at: ParagraphRef,
    /// Its polynomial hash, length and half keys.
    pub stored: StoredEdit,
    /// Dropped as a near repeat, stored only to hold its place under its
    /// half keys (see [`BUCKET_CAP`]).
    pub dropped: bool,
}

/// A remembered paragraph of the long-paragraph rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NearEntry {
    /// The hash of its folded key.
    pub exact: u64,
    /// Its SimHash.
    pub simhash: u64,
    /// Where it was kept.
    pub at: ParagraphRef,
    /// Its band keys and odd sketch.
    pub sketch: StoredSketch,
    /// Whether it is also an [`EditEntry`] (a paragraph at the border of
    /// the two rules), which then holds its exact key.
    pub also_edit: bool,
    /// Dropped as a near repeat, stored only to hold its place under its
    /// band keys (see [`BUCKET_CAP`]).
    pub dropped: bool,
}

/// The exact Jaccard similarity of the shingle sets of a short query and
/// of the earlier key that `op` (its one edit, [`EditProbe::one_edit`])
/// rebuilds from it: the similarity reported for a one-edit repeat.
pub fn edit_similarity(
    edit: &EditProbe,
    op: Edit,
    fingerprint: &FingerprintConfig,
    shingler: &mut Shingler,
) -> f64 {
    let stored: String = op.apply(edit.chars());
    let query: String = edit.chars().iter().collect();
    let a = shingle_set(&query, fingerprint, shingler);
    let b = shingle_set(&stored, fingerprint, shingler);
    jaccard(&a, &b)
}

/// Number of bucket kinds: [`BANDS`] bands, then the two half keys.
pub const SLOTS: usize = BANDS + 2;

/// A bucket: a kind (band `0..BANDS`, half key `BANDS + 0`, `BANDS + 1`)
/// in bits 32–34 and a key in bits 0–31. What the distributed stages group
/// on.
pub fn bucket(slot: usize, key: u32) -> u64 {
    (slot as u64) << 32 | u64::from(key)
}

/// Whether a [`bucket`] is a band's (else a half key's).
pub fn is_band_bucket(bucket: u64) -> bool {
    ((bucket >> 32) as usize) < BANDS
}

impl Probe {
    /// The [`bucket`]s a paragraph is indexed under when it takes a place
    /// there ([`BUCKET_CAP`]): its band keys and its half keys.
    ///
    /// ```
    /// use chaff::dedup::{DedupConfig, Probe};
    /// let probe = Probe::of("市政府召开常务会议研究部署重点工作", &Default::default(), &DedupConfig::default());
    /// assert_eq!(probe.own_buckets().len(), 2); // a short paragraph: two half keys
    /// assert!(probe.own_buckets().iter().all(|b| probe.probe_buckets().contains(b)));
    /// ```
    pub fn own_buckets(&self) -> Vec<u64> {
        let mut out = Vec::with_capacity(SLOTS);
        if let Some(near) = &self.near {
            out.extend((0..BANDS).map(|band| bucket(band, near.stored.bands[band])));
        }
        if let Some(edit) = &self.edit {
            let halves = edit.stored().halves;
            out.extend((0..2).map(|which| bucket(BANDS + which, halves[which])));
        }
        out
    }

    /// The [`bucket`]s a paragraph is looked up in: per band its own key
    /// and its multi-probe keys, and the half keys of every length within
    /// one edit. Each once.
    pub fn probe_buckets(&self) -> Vec<u64> {
        let mut out = Vec::new();
        if let Some(near) = &self.near {
            for band in 0..BANDS {
                out.extend(band_probes(near, band).map(|key| bucket(band, key)));
            }
        }
        if let Some(edit) = &self.edit {
            for (which, key) in edit.probes() {
                let b = bucket(BANDS + which, key);
                if !out.contains(&b) {
                    out.push(b);
                }
            }
        }
        out
    }
}

/// The keys to look a band up under: its own key, then its multi-probe
/// keys (each once).
fn band_probes(near: &NearSketch, band: usize) -> impl Iterator<Item = u32> + '_ {
    let own = near.stored.bands[band];
    let probes = &near.probes[band];
    std::iter::once(own).chain(
        probes
            .iter()
            .enumerate()
            .filter(move |(i, key)| **key != 0 && **key != own && !probes[..*i].contains(key))
            .map(|(_, key)| *key),
    )
}

fn exact_of(exact: &ExactKind, edit: &EditKind, near: &NearKind, id: Tagged) -> u64 {
    match id.kind() {
        EXACT => exact.exact[id.index()],
        EDIT => edit.exact[id.index()],
        _ => near.exact[id.index()],
    }
}

/// Jaccard similarity of two sorted sets without repeats.
///
/// ```
/// assert_eq!(chaff::dedup::jaccard(&[1, 2, 3], &[2, 3, 4]), 0.5);
/// assert_eq!(chaff::dedup::jaccard::<u64>(&[], &[]), 1.0);
/// ```
pub fn jaccard<T: Ord>(a: &[T], b: &[T]) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
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
    shared as f64 / (a.len() + b.len() - shared) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn probe(text: &str) -> Probe {
        Probe::of(
            &crate::normalize::comparison_key(text),
            &FingerprintConfig::default(),
            &DedupConfig::default(),
        )
    }

    fn dedup() -> Deduplicator {
        Deduplicator::new(DedupConfig::default(), FingerprintConfig::default()).unwrap()
    }

    fn at(document: u64) -> ParagraphRef {
        ParagraphRef {
            document,
            paragraph: 0,
        }
    }

    const LONG: &str = "2023年，呼和浩特全力培育六大产业集群，产值实现2430亿元，占全市工业总产值比重突破90%，新能源装机规模达到1000万千瓦。";

    #[test]
    fn exact_repeats_of_every_kind_name_the_first_occurrence() {
        for text in [LONG, "市政府召开常务会议研究部署重点工作", "常务会议"] {
            let mut dedup = dedup();
            assert_eq!(dedup.check_and_insert(&probe(text), at(0)), None);
            assert_eq!(
                dedup.check_and_insert(&probe(text), at(1)),
                Some(Repeat::Exact { of: at(0) }),
                "{text}"
            );
            // typographic variants are the same key
            let variant = text.replace('，', ",").replace('。', ".");
            assert_eq!(
                dedup.check_and_insert(&probe(&variant), at(2)),
                Some(Repeat::Exact { of: at(0) })
            );
            assert_eq!(dedup.len(), 1, "repeats are not remembered");
        }
    }

    #[test]
    fn places_keep_large_paragraph_indices_and_many_documents() {
        // Paragraph indices are stored in 16 bits, the rare larger ones
        // beside: a repeat names them exactly, and the documents of runs.
        // Unrelated lines of the three kinds (long, one-edit, exact only).
        let line = |seed: u64, chars: usize| -> String {
            let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
            (0..chars)
                .map(|_| {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    char::from_u32(0x4E00 + (state % 20_000) as u32).unwrap_or('字')
                })
                .collect()
        };
        let mut dedup = dedup();
        let places = [0u32, 65_534, 65_535, 70_000, u32::MAX];
        let mut document = 0u64;
        let mut kept = Vec::new();
        for chars in [60, 17, 6] {
            for paragraph in places {
                let text = line(document + 1, chars);
                let at = ParagraphRef {
                    document,
                    paragraph,
                };
                assert_eq!(dedup.check_and_insert(&probe(&text), at), None);
                kept.push((text, at));
                document += 3;
            }
        }
        for (text, at) in &kept {
            let again = ParagraphRef {
                document: 1 << 40,
                paragraph: 1,
            };
            assert_eq!(
                dedup.check_and_insert(&probe(text), again),
                Some(Repeat::Exact { of: *at })
            );
        }
    }

    #[test]
    fn long_near_repeats_tolerate_edits() {
        // The search is an LSH: a pair this near is found with odds of about
        // 0.9 (see the module docs); these two are, deterministically. A
        // changed figure (2430 / 2431) is not among them: each number also
        // counts as 8 fact shingles (`FingerprintConfig::fact_copies`), so
        // in a paragraph this short another figure brings the similarity
        // down towards the threshold: another fact more than a repost.
        let mut dedup = dedup();
        dedup.check_and_insert(&probe(LONG), at(0));
        for (document, edited) in [
            LONG.replace("全力培育", "全力培养"),
            LONG.replace("产值实现", "产值达到"),
        ]
        .iter()
        .enumerate()
        {
            match dedup.check_and_insert(&probe(edited), at(document as u64 + 1)) {
                Some(Repeat::Near {
                    of,
                    distance,
                    similarity,
                }) => {
                    assert_eq!(of, at(0));
                    assert!(
                        distance <= 14 && similarity >= 0.75,
                        "{distance} {similarity}"
                    );
                }
                other => panic!("{edited}: {other:?}"),
            }
        }
        let other = "市政府新闻办公室召开新闻发布会，介绍全市经济运行情况，全年地区生产总值同比增长百分之六点五，高于全国平均水平。";
        assert_eq!(dedup.check_and_insert(&probe(other), at(2)), None);
    }

    #[test]
    fn latin_lines_with_another_date_or_figure_stay_apart() {
        // The four pairs of the labelled corpus (`examples/neardup_eval.rs`)
        // that were merged before the fact signature: true Jaccard 0.68 to
        // 0.83, estimated above 0.75. Each line with a typo is still a
        // repeat of itself.
        let pairs = [
            (
                "The council will meet again on 7 July 2019 to agree the final budget.",
                "The council will meet again on 7 September 2019 to agree the final budget.",
            ),
            (
                "The council will meet again on 1 March 2023 to agree the final budget.",
                "The council will meet again on 11 March 2023 to agree the final budget.",
            ),
            (
                "Around 57 people attended the festival over the weekend.",
                "Around 57.7 people attended the festival over the weekend.",
            ),
            (
                "The new bridge cost 3808 million pounds and took three years to build.",
                "The new bridge cost 91 million pounds and took three years to build.",
            ),
        ];
        for (first, second) in pairs {
            let mut dedup = dedup();
            assert_eq!(dedup.check_and_insert(&probe(first), at(0)), None);
            assert_eq!(
                dedup.check_and_insert(&probe(second), at(1)),
                None,
                "{second}"
            );
            let typo = format!("{}x{}", &first[..10], &first[10..]);
            assert!(
                matches!(
                    dedup.check_and_insert(&probe(&typo), at(2)),
                    Some(Repeat::Near { of, .. }) if of == at(0)
                ),
                "{typo}"
            );
        }
    }

    #[test]
    fn long_latin_lines_with_another_fact_mostly_stay_apart() {
        // Lines of 150-200 characters that differ in one month, weekday,
        // year or percentage: exact Jaccard 0.64-0.72 with the signature
        // counted by length, within about one standard error of the odd
        // sketch (0.04) of the 0.75 threshold, so some still merge; with 8
        // copies at every length (0.69-0.80) most did. A repost with two
        // typos outside the facts is always a repeat.
        let bases = [
            "The planning committee of the county council will hold its next public \
             meeting on Friday 7 September 2019 in the main hall of the town library, \
             when 48% of the budget is to be agreed.",
            "Officials said on Friday that ticket sales for the summer festival rose by 48% \
             in September 2019, the best month since the event moved to the riverside \
             park eleven years ago.",
            "According to the annual report published in September 2019, the regional \
             hospital treated more patients on Friday evenings than on any other day, \
             and 48% of them were over sixty.",
        ];
        let changes = [
            ("September", "October"),
            ("Friday", "Monday"),
            ("2019", "2020"),
            ("48%", "84%"),
        ];
        let mut apart = 0;
        for base in bases {
            for (from, to) in changes {
                let other = base.replace(from, to);
                let mut dedup = dedup();
                assert_eq!(dedup.check_and_insert(&probe(base), at(0)), None);
                apart += usize::from(dedup.check_and_insert(&probe(&other), at(1)).is_none());
                // two characters deleted, away from the facts
                let typos = format!("{}{}{}", &base[..30], &base[31..140], &base[141..]);
                assert!(
                    matches!(
                        dedup.check_and_insert(&probe(&typos), at(2)),
                        Some(Repeat::Near { of, .. }) if of == at(0)
                    ),
                    "{typos}"
                );
            }
        }
        assert!(apart >= 9, "{apart} of 12 kept apart");
    }

    #[test]
    fn short_lines_merge_on_one_typo_only() {
        let mut dedup = dedup();
        let line = "市政府召开常务会议研究部署重点工作";
        dedup.check_and_insert(&probe(line), at(0));
        let typo = "市政府召开常会议研究部署重点工作";
        match dedup.check_and_insert(&probe(typo), at(1)) {
            Some(Repeat::Near { of, similarity, .. }) => {
                assert_eq!(of, at(0));
                // 15 trigrams and 14: 12 shared, 3 lost, 2 new
                assert!((similarity - 12.0 / 17.0).abs() < 1e-9, "{similarity}");
            }
            other => panic!("{other:?}"),
        }
        for different in [
            "县政府召开常务会议研究部署重点工作",
            "市政府召开常务会议研究部署三项工作",
            "市政府召开常务会议研究部署2项工作",
            "区政府召开常务会议研究部署重点任务",
        ] {
            assert_eq!(
                dedup.check_and_insert(&probe(different), at(2)),
                None,
                "{different}"
            );
        }
        let dates = ["发布时间：2024年1月", "发布时间：2024年2月"];
        assert_eq!(dedup.check_and_insert(&probe(dates[0]), at(3)), None);
        assert_eq!(dedup.check_and_insert(&probe(dates[1]), at(4)), None);
    }

    /// A near entry with chosen band keys, for the bucket cap.
    fn entry(document: u64, bands: [u32; BANDS]) -> NearEntry {
        NearEntry {
            exact: document,
            simhash: 0,
            at: at(document),
            sketch: StoredSketch {
                bands,
                odd: u128::from(document),
                odd_size: 100,
                level: 0,
            },
            also_edit: false,
            dropped: false,
        }
    }

    #[test]
    fn a_full_band_key_takes_no_more_paragraphs_and_exact_repeats_are_still_found() {
        let cap = u64::from(BUCKET_CAP);
        // cap + 2 paragraphs all with the same three band keys
        let entries: Vec<NearEntry> = (0..cap + 2).map(|d| entry(d, [7, 8, 9])).collect();
        let dedup = Deduplicator::with_entries(
            DedupConfig::default(),
            FingerprintConfig::default(),
            Vec::new(),
            Vec::new(),
            entries.clone(),
        )
        .unwrap();
        for band in 0..BANDS {
            assert_eq!(dedup.bands[band].len(), usize::from(BUCKET_CAP));
        }
        assert_eq!(
            dedup.exact.len(),
            2,
            "the two left out are found by their exact key"
        );
        // Each is found as an exact repeat, through a band or the exact table.
        for e in &entries {
            let probe = Probe {
                fingerprint: Fingerprint {
                    exact: e.exact,
                    simhash: 0,
                    shingles: 100,
                    chars: 100,
                },
                near: Some(NearSketch {
                    stored: e.sketch,
                    probes: [[0; crate::fingerprint::sketch::ROWS]; BANDS],
                    odd_levels: [(0, 0), (e.sketch.odd, 100), (0, 0)],
                }),
                edit: None,
            };
            let searched = dedup.search(&probe);
            assert_eq!(searched.exact.map(|id| dedup.place(id)), Some(e.at));
            assert_eq!(searched.band_counts, [BUCKET_CAP; BANDS]);
        }
        // what is saved is what was given
        let (exact, edit, near) = dedup.entries();
        assert!(exact.is_empty() && edit.is_empty());
        assert_eq!(near, entries);
    }

    /// Paragraphs with repeats of every kind, within and across batches.
    fn stream() -> Vec<String> {
        let mut texts = Vec::new();
        for i in 0..30 {
            let long = LONG.replace("2023", &format!("{}", 1990 + i % 7));
            texts.push(long.clone());
            texts.push(long.replace("培育", "培养"));
            texts.push(format!("第{}次常务会议研究部署重点工作", i % 5));
            texts.push(
                "市政府召开常务会议研究部署重点工作"
                    .replace('重', if i % 3 == 0 { "要" } else { "重" }),
            );
            texts.push(format!("简讯{}", i % 4));
        }
        texts
    }

    fn sequential(texts: &[String]) -> Vec<Option<Repeat>> {
        let mut dedup = dedup();
        texts
            .iter()
            .enumerate()
            .map(|(i, t)| dedup.check_and_insert(&probe(t), at(i as u64)))
            .collect()
    }

    #[test]
    fn batches_of_any_size_give_the_sequential_answers() {
        let texts = stream();
        let expected = sequential(&texts);
        assert!(
            expected
                .iter()
                .any(|r| matches!(r, Some(Repeat::Near { .. })))
        );
        assert!(
            expected
                .iter()
                .any(|r| matches!(r, Some(Repeat::Exact { .. })))
        );
        for batch in [1, 2, 7, 64, 1000] {
            let mut dedup = dedup();
            let mut got = Vec::new();
            for (chunk_index, chunk) in texts.chunks(batch).enumerate() {
                dedup.start_batch();
                let probes: Vec<Probe> = chunk.iter().map(|t| probe(t)).collect();
                let searched: Vec<Searched> = probes.iter().map(|p| dedup.search(p)).collect();
                for (i, (p, s)) in probes.iter().zip(searched).enumerate() {
                    let document = (chunk_index * batch + i) as u64;
                    got.push(dedup.check_and_insert_searched(p, at(document), s));
                }
            }
            assert_eq!(got, expected, "batch {batch}");
        }
        // A search that predates a batch's tables still gives the same answer.
        let mut dedup = dedup();
        let probes: Vec<Probe> = texts.iter().map(|t| probe(t)).collect();
        let searched: Vec<Searched> = probes.iter().map(|p| dedup.search(p)).collect();
        dedup.start_batch();
        let got: Vec<_> = probes
            .iter()
            .zip(searched)
            .enumerate()
            .map(|(i, (p, s))| dedup.check_and_insert_searched(p, at(i as u64), s))
            .collect();
        assert_eq!(got, expected);
    }

    #[test]
    fn saved_entries_rebuild_the_same_deduplicator() {
        let texts = stream();
        let (first, rest) = texts.split_at(70);
        let mut original = dedup();
        for (i, t) in first.iter().enumerate() {
            original.check_and_insert(&probe(t), at(i as u64));
        }
        let (exact, edit, near) = original.entries();
        let mut rebuilt = Deduplicator::with_entries(
            DedupConfig::default(),
            FingerprintConfig::default(),
            exact,
            edit,
            near,
        )
        .unwrap();
        assert_eq!(rebuilt.len(), original.len());
        assert_eq!(rebuilt.entries(), original.entries());
        for (i, t) in rest.iter().enumerate() {
            let document = (first.len() + i) as u64;
            assert_eq!(
                rebuilt.check_and_insert(&probe(t), at(document)),
                original.check_and_insert(&probe(t), at(document))
            );
        }
    }

    #[test]
    fn off_switches_are_obeyed() {
        let exact_only = DedupConfig {
            near: false,
            ..DedupConfig::default()
        };
        let fingerprint = FingerprintConfig::default();
        let mut dedup = Deduplicator::new(exact_only.clone(), fingerprint.clone()).unwrap();
        let p = |t: &str| Probe::of(t, &fingerprint, &exact_only);
        dedup.check_and_insert(&p(LONG), at(0));
        assert_eq!(
            dedup.check_and_insert(&p(LONG), at(1)),
            Some(Repeat::Exact { of: at(0) })
        );
        assert_eq!(
            dedup.check_and_insert(&p(&LONG.replace("培育", "培养")), at(2)),
            None
        );
        let near_only = DedupConfig {
            exact: false,
            ..DedupConfig::default()
        };
        let mut dedup = Deduplicator::new(near_only.clone(), fingerprint.clone()).unwrap();
        let p = |t: &str| Probe::of(t, &fingerprint, &near_only);
        dedup.check_and_insert(&p(LONG), at(0));
        assert!(matches!(
            dedup.check_and_insert(&p(LONG), at(1)),
            Some(Repeat::Near { distance: 0, .. })
        ));
        assert!(
            DedupConfig {
                max_hamming: 65,
                ..DedupConfig::default()
            }
            .validate()
            .is_err()
        );
    }
}
