//! Stage 8: decisions, and the two views of them.
//!
//! Every paragraph of every document gets a [`Verdict`]. The clean output
//! is the kept paragraphs; the report is the dropped ones with their
//! reasons. Both are views of the same [`CleanDocument`], so nothing can
//! be dropped without a record.
//!
//! Everything here serializes and deserializes: a report line reads back
//! as a [`ReportEntry`] (as Dolma's apply step reads its attributes), and a
//! run ends with a [`RunRecord`] (versions, configuration, counts,
//! timings), as ripgrep's JSON output ends with its stats.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::config::Config;

/// Why a paragraph was kept or dropped.
///
/// ```
/// use chaff::Verdict;
/// let verdict = Verdict::Boilerplate { rule: "footer".into(), detail: None };
/// let json = serde_json::to_string(&verdict)?;
/// assert_eq!(json, r#"{"reason":"boilerplate","rule":"footer"}"#);
/// assert_eq!(serde_json::from_str::<Verdict>(&json)?, verdict);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum Verdict {
    /// The paragraph is in the clean output.
    Kept,
    /// A boilerplate rule matched.
    Boilerplate {
        /// The rule's name (see [`crate::boilerplate`]): borrowed from the
        /// rule table when the pipeline decides, owned when read back.
        rule: Cow<'static, str>,
        /// What decided it, in words, for the structural rules of pages
        /// read from HTML (see [`crate::boilerplate::structure`]): the
        /// element whose name or tag made it chrome (`footer in
        /// div.copyright at html>body>div`), the link density, or the main
        /// content it lies outside. Absent for the text rules, and read
        /// back as `None` when absent.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        detail: Option<String>,
    },
    /// The paragraph is part of its site's template: it occurs on `pages`
    /// of the site's `site_pages` pages (see
    /// [`crate::boilerplate::templates`]).
    SiteTemplate {
        /// Pages of the site the paragraph occurs on.
        pages: u32,
        /// Pages of the site in the counting pass.
        site_pages: u32,
    },
    /// The same comparison key was seen earlier.
    ExactDuplicate {
        /// The first occurrence.
        duplicate_of: Origin,
    },
    /// A near repeat of an earlier kept paragraph (see
    /// [`crate::dedup`]: a long paragraph within the Hamming distance and
    /// similar enough, or a short one a single edit away).
    NearDuplicate {
        /// The earlier paragraph.
        duplicate_of: Origin,
        /// Hamming distance between the two SimHashes.
        hamming: u32,
        /// Jaccard similarity of the two shingle sets: estimated from their
        /// odd sketches for long paragraphs, exact for one-edit repeats.
        similarity: f64,
    },
    /// Kept, less the sentences that repeat earlier kept paragraphs (only
    /// with [`crate::dedup::DedupConfig::trim_repeated_sentences`]). The
    /// paragraph's `text` is what remains; it is in the output unless every
    /// sentence was trimmed, and in the report either way.
    TrimmedSentences {
        /// The sentences taken out, in order.
        sentences: Vec<TrimmedSentence>,
    },
}

/// A sentence taken out of a kept paragraph because it repeats an earlier
/// one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrimmedSentence {
    /// Byte offset of the sentence in the paragraph as it was read.
    pub offset: usize,
    /// The sentence.
    pub text: String,
    /// The kept paragraph that has it.
    pub duplicate_of: Origin,
    /// Jaccard similarity of the shingle sets of the two sentences (1 for
    /// the same comparison key).
    pub similarity: f64,
}

impl Verdict {
    /// The name counted in the summary: `kept`, the boilerplate rule's name,
    /// `site_template`, `exact_duplicate`, `near_duplicate` or
    /// `trimmed_sentences`.
    pub fn name(&self) -> &str {
        match self {
            Verdict::Boilerplate { rule, .. } => rule,
            _ => self.static_name(),
        }
    }

    /// [`Self::name`] as a summary key: the rule's name shares its storage.
    fn name_key(&self) -> Cow<'static, str> {
        match self {
            Verdict::Boilerplate { rule, .. } => rule.clone(),
            _ => Cow::Borrowed(self.static_name()),
        }
    }

    fn static_name(&self) -> &'static str {
        match self {
            Verdict::Kept => "kept",
            Verdict::Boilerplate { .. } => "boilerplate",
            Verdict::SiteTemplate { .. } => "site_template",
            Verdict::ExactDuplicate { .. } => "exact_duplicate",
            Verdict::NearDuplicate { .. } => "near_duplicate",
            Verdict::TrimmedSentences { .. } => "trimmed_sentences",
        }
    }

    /// Whether the paragraph's text is in the clean output.
    pub fn is_output(&self, text: &str) -> bool {
        match self {
            Verdict::Kept => true,
            Verdict::TrimmedSentences { .. } => !text.is_empty(),
            _ => false,
        }
    }
}

/// The paragraph a duplicate repeats.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Origin {
    /// Its document's id.
    pub id: Arc<str>,
    /// Its index among its document's paragraphs.
    pub paragraph: u32,
}

/// One paragraph and what became of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParagraphDecision {
    /// 1-based line of the paragraph's first character.
    pub line: usize,
    /// Byte offset of the paragraph's first character in the document.
    pub byte_offset: usize,
    /// The paragraph as it stands in the input (outer blanks trimmed,
    /// repaired breaks joined), less any trimmed sentences.
    pub text: String,
    /// Byte offsets in `text` where a line the scraper broke off was joined
    /// back on (see [`crate::split::Paragraph::joins`]): each is where a
    /// joined line's text begins. Empty when no break was repaired; omitted
    /// from JSON when empty. For a trimmed paragraph, the joins that remain
    /// in what is left of it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub joins: Vec<usize>,
    /// What became of it.
    #[serde(flatten)]
    pub verdict: Verdict,
}

/// A document after cleaning: every paragraph with its verdict.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CleanDocument {
    /// The document's id.
    pub id: Arc<str>,
    /// The document's URL, when the input had one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Invalid UTF-8 sequences replaced when the document was decoded
    /// lossily.
    pub replaced_invalid_utf8: usize,
    /// Bytes of input text.
    pub bytes_in: usize,
    /// Every paragraph, in input order.
    pub paragraphs: Vec<ParagraphDecision>,
    /// The input record's other fields ([`Document::extra`](crate::Document::extra)),
    /// carried through to the clean output.
    #[serde(default, skip_serializing_if = "serde_json::Map::is_empty")]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl CleanDocument {
    /// The paragraphs in the clean output, in input order.
    pub fn kept(&self) -> impl Iterator<Item = &str> {
        self.paragraphs
            .iter()
            .filter(|p| p.verdict.is_output(&p.text))
            .map(|p| p.text.as_str())
    }

    /// The paragraphs with a report entry (dropped, or trimmed) with their
    /// indices, in input order.
    pub fn dropped(&self) -> impl Iterator<Item = (usize, &ParagraphDecision)> {
        self.paragraphs
            .iter()
            .enumerate()
            .filter(|(_, p)| p.verdict != Verdict::Kept)
    }

    /// The kept paragraphs joined by newlines.
    pub fn clean_text(&self) -> String {
        let mut text = String::new();
        for paragraph in self.kept() {
            if !text.is_empty() {
                text.push('\n');
            }
            text.push_str(paragraph);
        }
        text
    }
}

/// One line of the report: a dropped paragraph and why.
///
/// Written from a [`CleanDocument`] it borrows from it; read back from a
/// report line it owns its text, so a report can be applied or audited
/// later:
///
/// ```
/// use chaff::report::ReportEntry;
/// let line = r#"{"id":"a.txt","paragraph":0,"line":1,"byte_offset":0,"text":"分享到:","reason":"boilerplate","rule":"share_widget"}"#;
/// let entry: ReportEntry = serde_json::from_str(line)?;
/// assert_eq!(entry.verdict.name(), "share_widget");
/// assert_eq!(serde_json::to_string(&entry)?, line);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportEntry<'a> {
    /// The document's id.
    pub id: Cow<'a, str>,
    /// The paragraph's index in its document.
    pub paragraph: usize,
    /// 1-based line.
    pub line: usize,
    /// Byte offset in the document.
    pub byte_offset: usize,
    /// The paragraph's text.
    pub text: Cow<'a, str>,
    /// Why it was dropped.
    #[serde(flatten)]
    pub verdict: Cow<'a, Verdict>,
}

impl ReportEntry<'_> {
    /// The entry with its own copies of what it borrows.
    pub fn into_owned(self) -> ReportEntry<'static> {
        ReportEntry {
            id: Cow::Owned(self.id.into_owned()),
            paragraph: self.paragraph,
            line: self.line,
            byte_offset: self.byte_offset,
            text: Cow::Owned(self.text.into_owned()),
            verdict: Cow::Owned(self.verdict.into_owned()),
        }
    }
}

impl CleanDocument {
    /// The report entries of this document.
    pub fn report_entries(&self) -> impl Iterator<Item = ReportEntry<'_>> {
        self.dropped().map(|(index, p)| ReportEntry {
            id: Cow::Borrowed(&self.id),
            paragraph: index,
            line: p.line,
            byte_offset: p.byte_offset,
            text: Cow::Borrowed(&p.text),
            verdict: Cow::Borrowed(&p.verdict),
        })
    }
}

/// Counts over a run.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    /// Documents cleaned.
    pub documents: u64,
    /// Documents with no paragraph kept.
    #[serde(default)]
    pub documents_empty: u64,
    /// Paragraphs read.
    pub paragraphs_in: u64,
    /// Paragraphs kept (whole or trimmed).
    pub paragraphs_out: u64,
    /// Sentences trimmed from kept paragraphs.
    pub sentences_trimmed: u64,
    /// Bytes of input text.
    pub bytes_in: u64,
    /// Bytes of kept paragraph text.
    pub bytes_out: u64,
    /// Invalid UTF-8 sequences replaced under lossy decoding.
    pub replaced_invalid_utf8: u64,
    /// Dropped paragraphs per reason: boilerplate rule names,
    /// `site_template`, `exact_duplicate`, `near_duplicate`.
    pub dropped: BTreeMap<Cow<'static, str>, u64>,
}

impl Summary {
    /// Adds one cleaned document to the counts.
    pub fn add(&mut self, document: &CleanDocument) {
        self.documents += 1;
        if document.kept().next().is_none() {
            self.documents_empty += 1;
        }
        self.bytes_in += document.bytes_in as u64;
        self.replaced_invalid_utf8 += document.replaced_invalid_utf8 as u64;
        for paragraph in &document.paragraphs {
            self.paragraphs_in += 1;
            if let Verdict::TrimmedSentences { sentences } = &paragraph.verdict {
                self.sentences_trimmed += sentences.len() as u64;
            }
            if paragraph.verdict.is_output(&paragraph.text) {
                self.paragraphs_out += 1;
                self.bytes_out += paragraph.text.len() as u64;
            } else {
                match self.dropped.get_mut(paragraph.verdict.name()) {
                    Some(count) => *count += 1,
                    None => {
                        self.dropped.insert(paragraph.verdict.name_key(), 1);
                    }
                }
            }
        }
    }

    /// Paragraphs dropped for any reason.
    pub fn paragraphs_dropped(&self) -> u64 {
        self.dropped.values().sum()
    }
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "documents: {}  paragraphs: {} in, {} out, {} dropped  bytes: {} in, {} out",
            self.documents,
            self.paragraphs_in,
            self.paragraphs_out,
            self.paragraphs_dropped(),
            self.bytes_in,
            self.bytes_out
        )?;
        if self.documents_empty > 0 {
            writeln!(
                f,
                "documents with no paragraph kept: {}",
                self.documents_empty
            )?;
        }
        if self.replaced_invalid_utf8 > 0 {
            writeln!(
                f,
                "invalid UTF-8 sequences replaced: {}",
                self.replaced_invalid_utf8
            )?;
        }
        if self.sentences_trimmed > 0 {
            writeln!(
                f,
                "sentences trimmed from kept paragraphs: {}",
                self.sentences_trimmed
            )?;
        }
        for (reason, count) in &self.dropped {
            writeln!(f, "  {reason:<20} {count}")?;
        }
        Ok(())
    }
}

/// Where the time went, per stage, in nanoseconds. The per-document stages
/// run in parallel, so theirs are summed over threads (thread time); dedup
/// and output run in input order on one thread. Timings vary from run to
/// run and are kept apart from the deterministic [`Summary`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageTimings {
    /// Splitting pages into paragraphs (parallel).
    pub split: u64,
    /// Comparison keys (parallel).
    pub normalize: u64,
    /// Boilerplate layers (parallel).
    pub boilerplate: u64,
    /// Folding, shingles, SimHash and near sketches (parallel).
    pub fingerprint: u64,
    /// Exact and near repeat search, verdicts (sequential).
    pub dedup: u64,
    /// Handing documents to the sink: serializing and writing (sequential).
    pub output: u64,
}

impl StageTimings {
    /// Adds another set of timings to this one.
    pub fn add(&mut self, other: &StageTimings) {
        self.split += other.split;
        self.normalize += other.normalize;
        self.boilerplate += other.boilerplate;
        self.fingerprint += other.fingerprint;
        self.dedup += other.dedup;
        self.output += other.output;
    }

    fn rows(&self) -> [(&'static str, u64); 6] {
        [
            ("split", self.split),
            ("normalize", self.normalize),
            ("boilerplate", self.boilerplate),
            ("fingerprint", self.fingerprint),
            ("dedup", self.dedup),
            ("output", self.output),
        ]
    }
}

impl std::fmt::Display for StageTimings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let total: u64 = self.rows().iter().map(|(_, ns)| ns).sum();
        writeln!(
            f,
            "stage          seconds   share   (parallel stages: summed thread time)"
        )?;
        for (stage, ns) in self.rows() {
            let share = if total == 0 {
                0.0
            } else {
                100.0 * ns as f64 / total as f64
            };
            writeln!(f, "  {stage:<12} {:>8.3}  {share:>5.1}%", ns as f64 / 1e9)?;
        }
        Ok(())
    }
}

/// The format of [`RunRecord`] this build writes.
pub const RUN_RECORD_VERSION: u32 = 1;

/// What a run was and what it did: the versions, the configuration, the
/// counts and where the time went. Built by the library
/// ([`Cleaner::run_record`](crate::Cleaner::run_record)), handed to
/// [`Sink::finish`](crate::Sink::finish) at the end of a run, written next
/// to the output by the example binary (`--summary`), and read back with
/// serde.
///
/// ```
/// use chaff::{Cleaner, Config, Document};
/// let mut cleaner = Cleaner::new(Config::default())?;
/// cleaner.clean(Document::new("a", "分享到:\n正文一段。"));
/// let record = cleaner.run_record();
/// assert_eq!(record.summary.documents, 1);
/// let json = serde_json::to_string(&record).unwrap();
/// let back: chaff::report::RunRecord = serde_json::from_str(&json).unwrap();
/// assert_eq!(back.summary, record.summary);
/// assert_eq!(back.config, record.config);
/// # Ok::<(), chaff::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunRecord {
    /// The record's format ([`RUN_RECORD_VERSION`]).
    pub format_version: u32,
    /// The version of chaff that ran.
    pub chaff_version: String,
    /// The inputs read, in order (empty unless the caller that read them
    /// says so; the `chaff` command lists the files it read, `-` for
    /// standard input).
    #[serde(default)]
    pub inputs: Vec<String>,
    /// The other files the run read or wrote, by the flag that named them
    /// (`--config`, `--load-state`, `--load-templates`, `--output`,
    /// `--output-dir`, `--report`, `--summary`, `--save-state`,
    /// `--save-templates`, …), as given; empty unless the caller that used
    /// them says so (the `chaff` command does).
    #[serde(default)]
    pub files: BTreeMap<String, String>,
    /// The configuration used.
    pub config: Config,
    /// The counts.
    pub summary: Summary,
    /// Malformed records the reader skipped (0 unless the caller that
    /// skipped them says so).
    pub records_skipped: u64,
    /// Wall-clock seconds of the run.
    pub seconds: f64,
    /// Where the time went, per stage (nanoseconds).
    pub timings_ns: StageTimings,
}

impl RunRecord {
    /// A record of this build, with nothing skipped.
    pub fn new(config: Config, summary: Summary, seconds: f64, timings_ns: StageTimings) -> Self {
        RunRecord {
            format_version: RUN_RECORD_VERSION,
            chaff_version: env!("CARGO_PKG_VERSION").to_owned(),
            inputs: Vec::new(),
            files: BTreeMap::new(),
            config,
            summary,
            records_skipped: 0,
            seconds,
            timings_ns,
        }
    }
}
