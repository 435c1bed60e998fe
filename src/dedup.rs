//! Stage 6: exact and near repeats, first occurrence wins.
//!
//! [`Deduplicator`] is fed paragraphs in input order. Each one is checked
//! against everything fed before it:
//!
//! 1. **exact**: the 64-bit hash of the comparison key equals an earlier
//!    one's (collision odds: about `n² / 2⁶⁵`, one in 37 million for a
//!    million distinct paragraphs);
//! 2. **near**: its SimHash is within [`DedupConfig::max_hamming`] bits of
//!    an earlier one's. Only paragraphs with at least
//!    [`DedupConfig::min_shingles`] shingles take part: on a handful of
//!    shingles a 64-bit SimHash is noise, so short paragraphs are compared
//!    exactly only.
//!
//! A paragraph that repeats nothing is remembered; a repeat is not, so every
//! reported repeat points at a paragraph that was kept.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::Error;
use crate::fingerprint::Fingerprint;
use crate::index::SimhashIndex;

/// How repeats are found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DedupConfig {
    /// Drop exact repeats.
    pub exact: bool,
    /// Drop near repeats.
    pub near: bool,
    /// The largest Hamming distance between SimHashes of near repeats.
    pub max_hamming: u32,
    /// Paragraphs with fewer shingles are compared exactly only.
    pub min_shingles: u32,
}

impl Default for DedupConfig {
    fn default() -> Self {
        DedupConfig {
            exact: true,
            near: true,
            max_hamming: 3,
            min_shingles: 24,
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

/// What an earlier paragraph a new one repeats, and how.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
    },
}

/// Remembers kept paragraphs and finds repeats of them.
///
/// ```
/// use chaff::dedup::{DedupConfig, Deduplicator, ParagraphRef, Repeat};
/// use chaff::fingerprint::Fingerprint;
/// let mut dedup = Deduplicator::new(DedupConfig::default())?;
/// let first = ParagraphRef { document: 0, paragraph: 0 };
/// let fp = Fingerprint { exact: 42, simhash: 7, shingles: 30 };
/// assert_eq!(dedup.check_and_insert(&fp, first), None);
/// let again = ParagraphRef { document: 1, paragraph: 5 };
/// assert_eq!(dedup.check_and_insert(&fp, again), Some(Repeat::Exact { of: first }));
/// # Ok::<(), chaff::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Deduplicator {
    config: DedupConfig,
    exact: HashMap<u64, ParagraphRef>,
    near: SimhashIndex,
    near_refs: Vec<ParagraphRef>,
}

impl Deduplicator {
    /// An empty deduplicator.
    pub fn new(config: DedupConfig) -> Result<Self, Error> {
        Ok(Deduplicator {
            near: SimhashIndex::new(config.max_hamming)?,
            config,
            exact: HashMap::new(),
            near_refs: Vec::new(),
        })
    }

    /// Checks a paragraph against all earlier ones; remembers it if it is
    /// not a repeat.
    pub fn check_and_insert(
        &mut self,
        fingerprint: &Fingerprint,
        at: ParagraphRef,
    ) -> Option<Repeat> {
        if self.config.exact
            && let Some(&of) = self.exact.get(&fingerprint.exact)
        {
            return Some(Repeat::Exact { of });
        }
        let near = self.config.near && fingerprint.shingles >= self.config.min_shingles;
        if near && let Some((id, distance)) = self.near.nearest(fingerprint.simhash) {
            return Some(Repeat::Near {
                of: self.near_refs[id as usize],
                distance,
            });
        }
        if self.config.exact {
            self.exact.insert(fingerprint.exact, at);
        }
        if near {
            self.near.insert(fingerprint.simhash);
            self.near_refs.push(at);
        }
        None
    }
}
