//! Sentence trimming: the sentences of a kept paragraph that repeat
//! sentences of earlier kept paragraphs (a paragraph whose tail repeats
//! another), by the same exact-or-near test as paragraphs.
//!
//! On only with [`DedupConfig::trim_repeated_sentences`]; sentences of
//! fewer than [`DedupConfig::min_sentence_chars`] comparison-key characters
//! are never trimmed ("是的。" repeats without being copied).

use std::ops::Range;

use super::{DedupConfig, Deduplicator, ParagraphRef, Probe, Repeat};
use crate::error::Error;
use crate::fingerprint::{FingerprintConfig, Shingler, SketchBuilder, fingerprint_with_sketch};
use crate::normalize::comparison_key_into;
use crate::split::sentence_ranges;

/// Remembers the sentences of kept paragraphs and finds repeats of them,
/// reusing its buffers from one paragraph to the next.
///
/// ```
/// use chaff::dedup::{DedupConfig, ParagraphRef, trim::SentenceTrimmer};
/// use chaff::fingerprint::FingerprintConfig;
/// let mut trimmer = SentenceTrimmer::new(DedupConfig::default(), FingerprintConfig::default())?;
/// let at = |paragraph| ParagraphRef { document: 0, paragraph };
/// let first = "市政府召开常务会议研究部署重点工作。会议由市长主持。";
/// assert!(trimmer.trim(first, at(0)).is_empty());
/// let second = "新的一段开头。市政府召开常务会议研究部署重点工作。";
/// let repeats = trimmer.trim(second, at(1));
/// assert_eq!(&second[repeats[0].0.clone()], "市政府召开常务会议研究部署重点工作。");
/// assert_eq!(chaff::dedup::trim::without(second, &repeats), "新的一段开头。");
/// # Ok::<(), chaff::Error>(())
/// ```
#[derive(Debug)]
pub struct SentenceTrimmer {
    sentences: Deduplicator,
    fingerprint: FingerprintConfig,
    dedup: DedupConfig,
    min_chars: usize,
    key: String,
    shingler: Shingler,
    builder: SketchBuilder,
}

impl SentenceTrimmer {
    /// A trimmer that has seen nothing, deciding repeats by `dedup` over
    /// fingerprints cut by `fingerprint`.
    pub fn new(dedup: DedupConfig, fingerprint: FingerprintConfig) -> Result<Self, Error> {
        Ok(SentenceTrimmer {
            min_chars: dedup.min_sentence_chars as usize,
            sentences: Deduplicator::new(dedup.clone(), fingerprint.clone())?,
            fingerprint,
            dedup,
            key: String::new(),
            shingler: Shingler::default(),
            builder: SketchBuilder::default(),
        })
    }

    /// Checks every sentence of `text` (a kept paragraph, at `at`) against
    /// the sentences seen before, and remembers those that repeat nothing.
    /// The repeated sentences, in order: their byte ranges in `text`, and
    /// the earlier paragraph each repeats and how.
    pub fn trim(&mut self, text: &str, at: ParagraphRef) -> Vec<(Range<usize>, Repeat)> {
        let mut repeats = Vec::new();
        for range in sentence_ranges(text) {
            comparison_key_into(&text[range.clone()], &mut self.key);
            if self.key.chars().count() < self.min_chars {
                continue;
            }
            let (fingerprint, near) = fingerprint_with_sketch(
                &self.key,
                &self.fingerprint,
                &mut self.shingler,
                &mut self.builder,
            );
            let probe = Probe::new(fingerprint, near, self.shingler.folded(), &self.dedup);
            if let Some(repeat) = self.sentences.check_and_insert(&probe, at) {
                repeats.push((range, repeat));
            }
        }
        repeats
    }
}

/// `text` without the sentences [`SentenceTrimmer::trim`] found, trailing
/// blanks trimmed.
pub fn without(text: &str, repeats: &[(Range<usize>, Repeat)]) -> String {
    let mut remaining = String::with_capacity(text.len());
    let mut start = 0;
    for (range, _) in repeats {
        remaining.push_str(&text[start..range.start]);
        start = range.end;
    }
    remaining.push_str(&text[start..]);
    remaining.trim_end().to_owned()
}
