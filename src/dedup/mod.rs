//! Stage 6: exact and near repeats, first occurrence wins.
//!
//! [`Deduplicator`] is fed paragraphs in input order. Each one is checked
//! against everything fed before it:
//!
//! 1. **exact**: the 64-bit hash of the comparison key equals an earlier
//!    one's (collision odds: about `n² / 2⁶⁵`, one in 37 million for a
//!    million distinct paragraphs);
//! 2. **near**: its SimHash is within [`DedupConfig::max_hamming`] bits of
//!    an earlier one's *and* the Jaccard similarity of the two shingle sets
//!    is at least [`DedupConfig::min_similarity`]. SimHash finds the
//!    candidates cheaply through the [`SimhashIndex`]; the set comparison
//!    confirms them, so a larger Hamming distance can be searched (which is
//!    what catches edited reposts of paragraph-sized text) without merging
//!    paragraphs that merely share a topic or a template sentence. Only
//!    paragraphs with at least [`DedupConfig::min_shingles`] shingles take
//!    part: on a handful of shingles a 64-bit SimHash is noise, so short
//!    paragraphs are compared exactly only.
//!
//! Memory per paragraph in the near index: the index's 24 bytes, a 12-byte
//! reference, and its shingle set at 4 bytes per distinct shingle (capped at
//! [`MAX_SET`] shingles: longer paragraphs keep the smallest hashes, a
//! bottom-k sample whose Jaccard estimate has a standard error under 0.03).
//!
//! A paragraph that repeats nothing is remembered; a repeat is not, so every
//! reported repeat points at a paragraph that was kept.
//!
//! Beside the deduplicator: [`trim`], the same test on the sentences of
//! kept paragraphs, and [`state`], what a deduplicator remembers, saved
//! through `Write` and loaded through `Read` for later runs.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::fingerprint::Fingerprint;
use crate::index::SimhashIndex;

pub mod state;
pub mod trim;

/// How repeats are found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DedupConfig {
    /// Drop exact repeats.
    pub exact: bool,
    /// Drop near repeats.
    pub near: bool,
    /// The largest Hamming distance between SimHashes of near repeats.
    pub max_hamming: u32,
    /// Near repeats must also have shingle sets with at least this
    /// Jaccard similarity (0 to skip the check).
    pub min_similarity: f64,
    /// Paragraphs with fewer shingles are compared exactly only.
    pub min_shingles: u32,
    /// Trim sentences of a kept paragraph that repeat a sentence of an
    /// earlier kept paragraph (a paragraph whose tail repeats another). Off
    /// by default: the paragraph is then kept whole.
    pub trim_repeated_sentences: bool,
    /// Sentences shorter than this (in comparison-key characters) are never
    /// trimmed: "是的。" repeats without being copied.
    pub min_sentence_chars: u32,
}

pub use crate::fingerprint::MAX_SET;

impl DedupConfig {
    /// Whether a paragraph with this many shingles takes part in near
    /// search: near repeats are on and it has at least `min_shingles`.
    pub fn takes_near(&self, shingles: u32) -> bool {
        self.near && shingles >= self.min_shingles
    }

    /// The near-repeat rule on one pair of paragraphs, as the
    /// [`Deduplicator`] applies it to every candidate: both take part in
    /// near search, their SimHashes are within `max_hamming` bits, and their
    /// shingle sets (the first [`MAX_SET`] values of each) have a Jaccard
    /// similarity of at least `min_similarity`. The distance and the
    /// similarity when they are near repeats.
    ///
    /// ```
    /// use chaff::dedup::DedupConfig;
    /// use chaff::fingerprint::Fingerprint;
    /// let a = Fingerprint { exact: 1, simhash: 0b1011, shingles: 30 };
    /// let b = Fingerprint { exact: 2, simhash: 0b0011, shingles: 30 };
    /// let config = DedupConfig::default();
    /// assert_eq!(config.near_repeat(&a, &[1, 2, 3, 4], &b, &[1, 2, 3, 4]), Some((1, 1.0)));
    /// assert_eq!(config.near_repeat(&a, &[1, 2, 3, 4], &b, &[5, 6, 7, 8]), None);
    /// ```
    pub fn near_repeat(
        &self,
        a: &Fingerprint,
        a_set: &[u32],
        b: &Fingerprint,
        b_set: &[u32],
    ) -> Option<(u32, f64)> {
        if !(self.takes_near(a.shingles) && self.takes_near(b.shingles)) {
            return None;
        }
        let distance = (a.simhash ^ b.simhash).count_ones();
        if distance > self.max_hamming {
            return None;
        }
        let cap = |set: &[u32]| set.len().min(MAX_SET);
        self.confirms(&a_set[..cap(a_set)], &b_set[..cap(b_set)])
            .map(|similarity| (distance, similarity))
    }

    /// The candidate keys of a paragraph for finding near repeats by
    /// grouping instead of through the index: any two paragraphs that
    /// [`Self::near_repeat`] could accept share at least one key, and a
    /// paragraph that takes no near search has none. Sorted, without
    /// repeats. Today these are the block keys of the SimHash
    /// ([`crate::index::block_keys`], 68 at the default `max_hamming` 11).
    ///
    /// ```
    /// use chaff::dedup::DedupConfig;
    /// use chaff::fingerprint::Fingerprint;
    /// let config = DedupConfig::default();
    /// let a = Fingerprint { exact: 1, simhash: 0xF0F0, shingles: 30 };
    /// let b = Fingerprint { exact: 2, simhash: 0xF0F3, shingles: 30 };
    /// let (ka, kb) = (config.candidate_keys(&a), config.candidate_keys(&b));
    /// assert!(ka.iter().any(|k| kb.binary_search(k).is_ok()));
    /// assert!(config.candidate_keys(&Fingerprint { shingles: 3, ..a }).is_empty());
    /// ```
    pub fn candidate_keys(&self, fingerprint: &Fingerprint) -> Vec<u64> {
        if !self.takes_near(fingerprint.shingles) {
            return Vec::new();
        }
        // `validate` holds max_hamming to what the index serves.
        let mut keys =
            crate::index::block_keys(fingerprint.simhash, self.max_hamming).unwrap_or_default();
        keys.sort_unstable();
        keys.dedup();
        keys
    }

    /// The shingle-set test that confirms a SimHash candidate: the Jaccard
    /// similarity, when it is at least `min_similarity`.
    fn confirms(&self, a: &[u32], b: &[u32]) -> Option<f64> {
        let similarity = jaccard(a, b);
        (similarity >= self.min_similarity).then_some(similarity)
    }

    /// Checks that `min_similarity` is a share and that the index can
    /// search `max_hamming` bits.
    pub fn validate(&self) -> Result<(), Error> {
        if !(0.0..=1.0).contains(&self.min_similarity) {
            return Err(Error::Config(format!(
                "min_similarity {} is not between 0 and 1",
                self.min_similarity
            )));
        }
        if self.max_hamming > crate::index::MAX_DISTANCE {
            return Err(Error::Config(format!(
                "max_hamming {} is above the supported maximum {}",
                self.max_hamming,
                crate::index::MAX_DISTANCE
            )));
        }
        Ok(())
    }
}

impl Default for DedupConfig {
    fn default() -> Self {
        DedupConfig {
            exact: true,
            near: true,
            max_hamming: 11,
            min_similarity: 0.7,
            min_shingles: 24,
            trim_repeated_sentences: false,
            min_sentence_chars: 16,
        }
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

/// What [`Deduplicator::search`] found: near candidates `(id, distance)`
/// among the first `stored` entries of the index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Searched {
    /// Entries within the distance, as `(id, distance)`.
    pub candidates: Vec<(u32, u32)>,
    /// How many entries the index held when it was searched.
    pub stored: u32,
}

/// A remembered exact key: the key's hash and where it was kept.
pub type ExactEntry = (u64, ParagraphRef);

/// A remembered near-index entry: SimHash, where it was kept, shingle set.
pub type NearEntry = (u64, ParagraphRef, Vec<u32>);

/// What an earlier paragraph a new one repeats, and how.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Repeat {
    /// Same comparison key.
    Exact {
        /// The first occurrence.
        of: ParagraphRef,
    },
    /// SimHash within the distance.
    Near {
        /// The earlier paragraph, nearest first, earliest among equals.
        of: ParagraphRef,
        /// Hamming distance between the two SimHashes.
        distance: u32,
        /// Jaccard similarity of the two shingle sets.
        similarity: f64,
    },
}

/// Jaccard similarity of two sorted sets without repeats.
///
/// ```
/// assert_eq!(chaff::dedup::jaccard(&[1, 2, 3], &[2, 3, 4]), 0.5);
/// assert_eq!(chaff::dedup::jaccard(&[], &[]), 1.0);
/// ```
pub fn jaccard(a: &[u32], b: &[u32]) -> f64 {
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

/// Remembers kept paragraphs and finds repeats of them.
///
/// ```
/// use chaff::dedup::{DedupConfig, Deduplicator, ParagraphRef, Repeat};
/// use chaff::fingerprint::Fingerprint;
/// let mut dedup = Deduplicator::new(DedupConfig::default())?;
/// let first = ParagraphRef { document: 0, paragraph: 0 };
/// let fp = Fingerprint { exact: 42, simhash: 7, shingles: 30 };
/// assert_eq!(dedup.check_and_insert(&fp, &[1, 2, 3], first), None);
/// let again = ParagraphRef { document: 1, paragraph: 5 };
/// assert_eq!(dedup.check_and_insert(&fp, &[1, 2, 3], again), Some(Repeat::Exact { of: first }));
/// # Ok::<(), chaff::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Deduplicator {
    config: DedupConfig,
    exact: HashMap<u64, ParagraphRef>,
    near: SimhashIndex,
    near_refs: Vec<ParagraphRef>,
    /// Shingle sets of the near index's entries, end to end.
    sets: Vec<u32>,
    set_ends: Vec<usize>,
}

impl Deduplicator {
    /// An empty deduplicator.
    pub fn new(config: DedupConfig) -> Result<Self, Error> {
        Ok(Deduplicator {
            near: SimhashIndex::new(config.max_hamming)?,
            config,
            exact: HashMap::new(),
            near_refs: Vec::new(),
            sets: Vec::new(),
            set_ends: Vec::new(),
        })
    }

    /// Checks a paragraph against all earlier ones; remembers it if it is
    /// not a repeat. `set` is its shingle set (sorted, no repeats), used to
    /// confirm near repeats.
    pub fn check_and_insert(
        &mut self,
        fingerprint: &Fingerprint,
        set: &[u32],
        at: ParagraphRef,
    ) -> Option<Repeat> {
        let searched = self.search(fingerprint);
        self.check_and_insert_searched(fingerprint, set, at, searched)
    }

    /// The first half of [`Self::check_and_insert`], which only reads and
    /// so can run for many paragraphs in parallel: the near candidates of a
    /// paragraph among the entries stored now. `None` when the paragraph
    /// takes no near search (too few shingles, near repeats off, or its
    /// exact key is already known).
    pub fn search(&self, fingerprint: &Fingerprint) -> Option<Searched> {
        let near = self.config.takes_near(fingerprint.shingles);
        let known = self.config.exact && self.exact.contains_key(&fingerprint.exact);
        (near && !known).then(|| Searched {
            candidates: self.near.within(fingerprint.simhash),
            stored: self.near.len() as u32,
        })
    }

    /// The second half of [`Self::check_and_insert`], given what
    /// [`Self::search`] found for this paragraph at some earlier point: the
    /// entries stored since then are searched here, so the answer is the
    /// same as a search now.
    pub fn check_and_insert_searched(
        &mut self,
        fingerprint: &Fingerprint,
        set: &[u32],
        at: ParagraphRef,
        searched: Option<Searched>,
    ) -> Option<Repeat> {
        if self.config.exact
            && let Some(&of) = self.exact.get(&fingerprint.exact)
        {
            return Some(Repeat::Exact { of });
        }
        let near = self.config.takes_near(fingerprint.shingles);
        let set = &set[..set.len().min(MAX_SET)];
        if near {
            let mut candidates = match searched {
                Some(searched) => {
                    let mut candidates = searched.candidates;
                    let since = searched.stored as usize;
                    let newer = self.near.fingerprints().get(since..).unwrap_or_default();
                    for (offset, stored) in newer.iter().enumerate() {
                        let distance = (stored ^ fingerprint.simhash).count_ones();
                        if distance <= self.config.max_hamming {
                            candidates.push(((since + offset) as u32, distance));
                        }
                    }
                    candidates
                }
                None => self.near.within(fingerprint.simhash),
            };
            candidates.sort_unstable_by_key(|(id, distance)| (*distance, *id));
            for (id, distance) in candidates {
                if let Some(similarity) = self.config.confirms(set, self.set(id)) {
                    return Some(Repeat::Near {
                        of: self.near_refs[id as usize],
                        distance,
                        similarity,
                    });
                }
            }
        }
        if self.config.exact {
            self.exact.insert(fingerprint.exact, at);
        }
        if near {
            self.remember_near(fingerprint.simhash, set, at);
        }
        None
    }

    /// What this deduplicator remembers, for [`state`]: exact keys
    /// (in no particular order) and near-index entries (in insertion order).
    pub fn entries(&self) -> (Vec<ExactEntry>, Vec<NearEntry>) {
        let exact = self.exact.iter().map(|(k, at)| (*k, *at)).collect();
        let near = self
            .near
            .fingerprints()
            .iter()
            .zip(&self.near_refs)
            .enumerate()
            .map(|(id, (simhash, at))| (*simhash, *at, self.set(id as u32).to_vec()))
            .collect();
        (exact, near)
    }

    /// A deduplicator that remembers the given entries (see [`Self::entries`]).
    pub fn with_entries(
        config: DedupConfig,
        exact: Vec<ExactEntry>,
        near: Vec<NearEntry>,
    ) -> Result<Self, Error> {
        let mut dedup = Deduplicator::new(config)?;
        dedup.exact = exact.into_iter().collect();
        for (simhash, at, set) in near {
            dedup.remember_near(simhash, &set, at);
        }
        Ok(dedup)
    }

    /// Remembers a kept paragraph without checking it: its exact key hash
    /// and, when given, its SimHash and shingle set. For bulk loading.
    pub fn remember(&mut self, exact: u64, near: Option<(u64, &[u32])>, at: ParagraphRef) {
        self.exact.insert(exact, at);
        if let Some((simhash, set)) = near {
            self.remember_near(simhash, set, at);
        }
    }

    fn remember_near(&mut self, simhash: u64, set: &[u32], at: ParagraphRef) {
        let set = &set[..set.len().min(MAX_SET)];
        self.near.insert(simhash);
        self.near_refs.push(at);
        self.sets.extend_from_slice(set);
        self.set_ends.push(self.sets.len());
    }

    fn set(&self, id: u32) -> &[u32] {
        let id = id as usize;
        let start = if id == 0 { 0 } else { self.set_ends[id - 1] };
        &self.sets[start..self.set_ends[id]]
    }
}
