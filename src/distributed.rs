//! The pipeline as engine-free stages, for running on a cluster (Spark,
//! Ray, Slurm…) with output and report byte-identical to one [`Cleaner`]
//! over the same input in the same order, for any partitioning.
//!
//! A [`Cleaner`] decides in input order: a paragraph is dropped only for an
//! earlier *kept* one. Here that order is a global key, [`Position`]
//! `(file, record, paragraph)`: the file's place in the sorted input list,
//! the record's place in its file, the paragraph's place in its record. No
//! stage depends on the order in which rows arrive.
//!
//! | stage | function | input → output |
//! |---|---|---|
//! | 1 map | [`map_file`] | one input file's documents → [`StagedFile`] (text, to staging), [`DocumentRow`]s, [`PageKey`]s, [`ParagraphRow`]s |
//! | 2 templates | [`template_rows`] | page counts per `(site, key)` and per site → [`TemplateRow`]s |
//! | 3 exact | (grouping) | paragraphs with the same exact key are one node of the dedup graph |
//! | 4 near candidates | [`NearCandidates`] | [`CandidateRow`]s grouped by bucket (band or half key) → [`Candidate`] pairs |
//! | 5 verify | [`verify`] | a candidate pair and both paragraph rows → an [`Edge`] or nothing |
//! | 6 components | [`components`] | edges → the component of each node that has one |
//! | 7 resolve | [`Resolver`] | per component, its edges and its paragraphs in [`Position`] order → [`DuplicateRow`]s |
//! | 8 apply | [`apply`] | a [`StagedFile`], its duplicates, the templates → [`CleanDocument`]s in input order |
//!
//! The buckets and the pair tests are the dedup module's own
//! ([`Probe::own_buckets`], [`Probe::probe_buckets`], [`BUCKET_CAP`],
//! [`DedupConfig::near_match`], [`EditProbe::one_edit`]); the
//! thresholds of site templates are [`TemplateConfig::is_template`]; the
//! per-document stages are the pipeline's. Only fingerprints, sketches,
//! keys and verdicts travel between stages (and the folded key of short
//! paragraphs, at most 255 characters, for the one-edit test); the text
//! goes to staging once and is read back by [`apply`].
//!
//! # Buckets, the same under any partitioning
//!
//! The [`Deduplicator`] finds a paragraph's candidates in buckets (a band
//! key or a half key) that hold at most [`BUCKET_CAP`] paragraphs: the
//! first `BUCKET_CAP` distinct folded keys, in input order, that have the
//! bucket as their own, *kept or dropped as near repeats* (a dropped one
//! holds its place without being a candidate). Because that definition
//! reads the input order only, stage 4 computes it by grouping: per bucket,
//! the paragraphs that own it in [`Position`] order give its members, and
//! every node that looks the bucket up is paired with each member. A
//! candidate is directed (`query` looks up, `earlier` is held), as in the
//! library: whether `a` finds `b` and whether `b` finds `a` are different
//! questions once buckets are capped.
//!
//! # Why resolving per component is exact
//!
//! Call two paragraph *nodes* (distinct exact keys) linked when the near
//! rule accepts them. Whether a paragraph is kept depends only on which
//! paragraphs of its own node and of linked nodes were kept before it, so
//! the connected components of the links can be decided independently, each
//! walked in [`Position`] order exactly as [`Cleaner`] walks the input:
//! an exact repeat of a kept paragraph first; otherwise, among the kept
//! paragraphs of the nodes it links to (its own node too, when exact
//! repeats are off and it holds a place in its own bucket), the one with
//! the smallest Hamming distance, the earliest among equals, the band
//! match before the one-edit match of the same paragraph, which is the
//! candidate the [`Deduplicator`] reports. A paragraph whose only earlier
//! match was itself dropped is kept, as in the library.
//!
//! Not supported here (refused by [`check_config`]): sentence trimming,
//! whose decision for a sentence depends on every earlier kept sentence of
//! every paragraph, and a dedup state loaded from an earlier run.
//!
//! [`Cleaner`]: crate::Cleaner
//! [`Deduplicator`]: crate::dedup::Deduplicator

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::{BufRead, Write};
use std::path::Path;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::boilerplate::Class;
use crate::boilerplate::templates::TemplateConfig;
use crate::config::Config;
use crate::dedup::edit::EditProbe;
use crate::dedup::{BUCKET_CAP, DedupConfig, Probe, edit_similarity, is_band_bucket};
use crate::document::Document;
use crate::error::Error;
use crate::fingerprint::{Fingerprint, FingerprintConfig, NearSketch, Shingler};
use crate::normalize::key_hash;
use crate::pipeline::analyze_batch;
use crate::report::{CleanDocument, Origin, ParagraphDecision, Verdict};

/// Where a paragraph stands in the whole input: the global order key.
/// Ordered as the [`Cleaner`](crate::Cleaner) reads: by file, then record,
/// then paragraph.
///
/// ```
/// use chaff::distributed::Position;
/// let a = Position { file: 0, record: 9, paragraph: 3 };
/// let b = Position { file: 1, record: 0, paragraph: 0 };
/// assert!(a < b);
/// ```
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
pub struct Position {
    /// The file's place in the sorted list of inputs.
    pub file: u32,
    /// The record's place in its file (among the records read, after any
    /// skipped as malformed).
    pub record: u32,
    /// The paragraph's place in its record.
    pub paragraph: u32,
}

/// Checks that `config` can run distributed: sentence trimming cannot
/// (whether a sentence is trimmed depends on every sentence kept before it
/// in any paragraph, a chain no grouping cuts), so it is refused rather
/// than decided differently.
///
/// ```
/// let mut config = chaff::Config::default();
/// assert!(chaff::distributed::check_config(&config).is_ok());
/// config.dedup.trim_repeated_sentences = true;
/// assert!(chaff::distributed::check_config(&config).unwrap_err().to_string().contains("trim_repeated_sentences"));
/// ```
pub fn check_config(config: &Config) -> Result<(), Error> {
    config.validate()?;
    if config.dedup.trim_repeated_sentences {
        return Err(Error::Config(
            "dedup.trim_repeated_sentences is not supported by the distributed stages: \
             clean with one Cleaner to trim sentences"
                .into(),
        ));
    }
    Ok(())
}

/// One paragraph as staged by [`map_file`] and read back by [`apply`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StagedParagraph {
    /// 1-based line.
    pub line: usize,
    /// Byte offset in the document.
    pub byte_offset: usize,
    /// The paragraph's text.
    pub text: String,
    /// Byte offsets in `text` where break repair joined a line back on
    /// ([`crate::split::Paragraph::joins`]); empty when none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub joins: Vec<usize>,
    /// The boilerplate rule that drops it, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    /// What decided the rule, for the structural rules (see
    /// [`Verdict::Boilerplate`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// The hash of its comparison key ([`key_hash`]).
    pub key: u64,
    /// Whether dedup decides it (no rule dropped it and dedup is on).
    pub dedup: bool,
}

/// One document as staged by [`map_file`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StagedDocument {
    /// The document's id.
    pub id: String,
    /// Its URL, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Invalid UTF-8 sequences replaced while reading it.
    pub replaced_invalid_utf8: usize,
    /// Bytes of input text.
    pub bytes_in: usize,
    /// The hash of its site (see [`site_hash`]).
    pub site: u64,
    /// The input record's other fields, carried through to the output.
    #[serde(default, skip_serializing_if = "serde_json::Map::is_empty")]
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// Its paragraphs, in order.
    pub paragraphs: Vec<StagedParagraph>,
}

/// The text of one input file, written once by the map stage and read
/// once by the apply stage.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StagedFile {
    /// The file's place in the input list.
    pub file: u32,
    /// Its documents, in order.
    pub documents: Vec<StagedDocument>,
}

const STAGING_FORMAT: &str = "chaff-staging";
/// 2: fingerprints of Latin text from character shingles (state format 3).
/// 3: fingerprints of Latin text with its fact signature (state format 4).
const STAGING_VERSION: u32 = 3;

#[derive(Serialize, Deserialize)]
struct StagingHeader {
    format: String,
    version: u32,
    file: u32,
    documents: usize,
}

impl StagedFile {
    /// Writes the staged file as JSON lines: a header, then one document a
    /// line. `path` names the destination in errors.
    ///
    /// ```
    /// use chaff::distributed::{map_file, StagedFile};
    /// let mapped = map_file(0, vec![chaff::Document::new("a", "分享到:\n正文。")], &chaff::Config::default())?;
    /// let mut bytes = Vec::new();
    /// mapped.staged.save_to(&mut bytes, "s".as_ref())?;
    /// assert_eq!(StagedFile::load_from(&bytes[..], "s".as_ref())?, mapped.staged);
    /// # Ok::<(), chaff::Error>(())
    /// ```
    pub fn save_to(&self, mut out: impl Write, path: &Path) -> Result<(), Error> {
        let header = StagingHeader {
            format: STAGING_FORMAT.into(),
            version: STAGING_VERSION,
            file: self.file,
            documents: self.documents.len(),
        };
        let mut write = |value: &dyn erased::Json| -> std::io::Result<()> {
            value.write_json(&mut out)?;
            out.write_all(b"\n")
        };
        write(&header).map_err(|e| Error::output(path, e))?;
        for document in &self.documents {
            write(document).map_err(|e| Error::output(path, e))?;
        }
        out.flush().map_err(|e| Error::output(path, e))
    }

    /// Reads a staged file written by [`Self::save_to`]; a wrong header, a
    /// bad line or a missing document is an [`Error::Staging`] naming the
    /// line and byte offset.
    pub fn load_from(input: impl BufRead, path: &Path) -> Result<StagedFile, Error> {
        let bad = |line: usize, byte_offset: usize, message: String| Error::Staging {
            path: path.to_path_buf(),
            line,
            byte_offset,
            message,
        };
        let mut header: Option<StagingHeader> = None;
        let mut documents = Vec::new();
        let mut offset = 0;
        for (index, line) in input.split(b'\n').enumerate() {
            let line = line.map_err(|e| Error::io(path, e))?;
            let at = offset;
            offset += line.len() + 1;
            match &header {
                None => {
                    let read: StagingHeader = serde_json::from_slice(&line)
                        .map_err(|e| bad(1, 0, format!("not a staging file: {e}")))?;
                    if read.format != STAGING_FORMAT || read.version != STAGING_VERSION {
                        return Err(bad(
                            1,
                            0,
                            format!(
                                "format {} version {}; this build reads {STAGING_FORMAT} version {STAGING_VERSION}",
                                read.format, read.version
                            ),
                        ));
                    }
                    documents.reserve(read.documents.min(1 << 20));
                    header = Some(read);
                }
                Some(_) => documents.push(
                    serde_json::from_slice(&line)
                        .map_err(|e| bad(index + 1, at, format!("not a staged document: {e}")))?,
                ),
            }
        }
        let header = header.ok_or_else(|| bad(1, 0, "empty staging file".into()))?;
        if documents.len() != header.documents {
            return Err(bad(
                documents.len() + 2,
                offset,
                format!(
                    "{} documents staged, {} read: the file is cut off",
                    header.documents,
                    documents.len()
                ),
            ));
        }
        Ok(StagedFile {
            file: header.file,
            documents,
        })
    }
}

/// Serializing two types through one closure.
mod erased {
    pub trait Json {
        fn write_json(&self, out: &mut dyn std::io::Write) -> std::io::Result<()>;
    }
    impl<T: serde::Serialize> Json for T {
        fn write_json(&self, out: &mut dyn std::io::Write) -> std::io::Result<()> {
            serde_json::to_writer(out, self).map_err(std::io::Error::from)
        }
    }
}

/// One document on the wire: where it is, its site, its id (what a
/// duplicate's report names).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentRow {
    /// The file's place in the input list.
    pub file: u32,
    /// The record's place in the file.
    pub record: u32,
    /// Its site's hash ([`site_hash`]).
    pub site: u64,
    /// The document's id.
    pub id: String,
}

/// One `(page, paragraph key)` pair for counting site templates: a page's
/// distinct key hashes, each once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PageKey {
    /// The page's site ([`site_hash`]).
    pub site: u64,
    /// A paragraph's key hash.
    pub key: u64,
}

/// One paragraph that dedup decides, on the wire.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParagraphRow {
    /// Its place in the input.
    pub at: Position,
    /// Its page's site ([`site_hash`]), to leave out site templates.
    pub site: u64,
    /// The hash of its comparison key ([`key_hash`]), what site templates
    /// name.
    pub key: u64,
    /// Folded-key hash (its node), SimHash, shingle and character counts.
    pub fingerprint: Fingerprint,
    /// Its near sketch, when it takes the long-paragraph rule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub near: Option<NearSketch>,
    /// Its folded key, when it takes the one-edit rule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub edit: Option<String>,
}

impl ParagraphRow {
    /// What the [`Deduplicator`](crate::dedup::Deduplicator) reads of the
    /// paragraph.
    pub fn probe(&self) -> Probe {
        Probe {
            fingerprint: self.fingerprint,
            near: self.near.clone(),
            edit: self.edit.as_deref().and_then(EditProbe::new),
        }
    }

    /// Whether it looks for near repeats (takes either near rule).
    pub fn searches(&self) -> bool {
        self.near.is_some() || self.edit.is_some()
    }
}

/// What the map stage makes of one input file.
#[derive(Debug, Clone, PartialEq)]
pub struct Mapped {
    /// The text, for staging.
    pub staged: StagedFile,
    /// One row per document.
    pub documents: Vec<DocumentRow>,
    /// For site templates: each page's distinct paragraph keys.
    pub page_keys: Vec<PageKey>,
    /// One row per paragraph that dedup decides.
    pub paragraphs: Vec<ParagraphRow>,
}

/// The hash that stands for a site (see
/// [`TemplateConfig::site_of`]) on the wire: the [`key_hash`] of its name.
///
/// ```
/// use chaff::distributed::site_hash;
/// use chaff::boilerplate::templates::TemplateConfig;
/// let config = TemplateConfig::default();
/// assert_eq!(site_hash(&config, "a/1", Some("https://WWW.example.cn/x")), site_hash(&config, "b", Some("https://www.example.cn/y")));
/// ```
pub fn site_hash(config: &TemplateConfig, id: &str, url: Option<&str>) -> u64 {
    key_hash(&config.site_of(id, url))
}

/// Stage 1, map: the per-document stages (split, normalize, boilerplate
/// rules, fingerprint; in parallel on the current rayon pool) over the
/// documents of one input file, `file` being its place in the sorted input
/// list. Site templates are not applied here: they are learned from the
/// [`PageKey`]s of all files (stage 2) and left out before dedup.
///
/// ```
/// use chaff::distributed::map_file;
/// use chaff::Document;
/// let mapped = map_file(3, vec![Document::new("a", "分享到:\n市政府召开常务会议，研究部署今年的重点工作，会议由市长主持。")], &chaff::Config::default())?;
/// assert_eq!(mapped.staged.documents[0].paragraphs[0].rule.as_deref(), Some("share_widget"));
/// assert_eq!(mapped.paragraphs.len(), 1);
/// assert_eq!(mapped.paragraphs[0].at.file, 3);
/// assert_eq!(mapped.paragraphs[0].at.paragraph, 1);
/// # Ok::<(), chaff::Error>(())
/// ```
pub fn map_file(file: u32, documents: Vec<Document>, config: &Config) -> Result<Mapped, Error> {
    check_config(config)?;
    let sites: Vec<u64> = documents
        .iter()
        .map(|d| site_hash(&config.templates, &d.id, d.url.as_deref()))
        .collect();
    let analyzed = analyze_batch(config, None, documents);
    let mut mapped = Mapped {
        staged: StagedFile {
            file,
            documents: Vec::with_capacity(analyzed.len()),
        },
        documents: Vec::with_capacity(analyzed.len()),
        page_keys: Vec::new(),
        paragraphs: Vec::new(),
    };
    for (record, (analyzed, site)) in analyzed.into_iter().zip(sites).enumerate() {
        let record = u32::try_from(record)
            .map_err(|_| Error::Distributed(format!("input file {file} has over 2³² records")))?;
        mapped.documents.push(DocumentRow {
            file,
            record,
            site,
            id: analyzed.id.to_string(),
        });
        let mut keys: Vec<u64> = analyzed.paragraphs.iter().map(|p| p.key_hash).collect();
        keys.sort_unstable();
        keys.dedup();
        mapped
            .page_keys
            .extend(keys.into_iter().map(|key| PageKey { site, key }));
        let mut staged = Vec::with_capacity(analyzed.paragraphs.len());
        for (index, paragraph) in analyzed.paragraphs.into_iter().enumerate() {
            let rule = match paragraph.class {
                Some(Class::Rule(rule)) => Some(rule.to_owned()),
                // Templates are not known yet in this stage.
                Some(Class::SiteTemplate { .. }) | None => None,
            };
            if let Some(probe) = &paragraph.probe {
                mapped.paragraphs.push(ParagraphRow {
                    at: Position {
                        file,
                        record,
                        paragraph: index as u32,
                    },
                    site,
                    key: paragraph.key_hash,
                    fingerprint: probe.fingerprint,
                    near: probe.near.clone(),
                    edit: probe.edit.as_ref().map(|e| e.chars().iter().collect()),
                });
            }
            staged.push(StagedParagraph {
                line: paragraph.paragraph.line,
                byte_offset: paragraph.paragraph.byte_offset,
                text: paragraph.paragraph.text,
                joins: paragraph.paragraph.joins,
                dedup: paragraph.probe.is_some(),
                rule,
                detail: paragraph.detail,
                key: paragraph.key_hash,
            });
        }
        mapped.staged.documents.push(StagedDocument {
            id: analyzed.id.to_string(),
            url: analyzed.url,
            replaced_invalid_utf8: analyzed.replaced_invalid_utf8,
            bytes_in: analyzed.bytes_in,
            site,
            extra: analyzed.extra,
            paragraphs: staged,
        });
    }
    Ok(mapped)
}

/// A paragraph that is template on its site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateRow {
    /// The site ([`site_hash`]).
    pub site: u64,
    /// The paragraph's key hash.
    pub key: u64,
    /// Pages of the site it occurs on.
    pub pages: u32,
    /// Pages of the site.
    pub site_pages: u32,
}

/// Stage 2, templates: from the number of pages each `(site, key)` occurs
/// on (a count of [`PageKey`]s) and each site's pages (a count of
/// [`DocumentRow`]s), the template paragraphs, by the library's thresholds
/// ([`TemplateConfig::is_template`]). Counts over `u32::MAX` saturate, as
/// in [`TemplateCounter`](crate::boilerplate::templates::TemplateCounter).
///
/// ```
/// use chaff::distributed::template_rows;
/// let config = chaff::boilerplate::templates::TemplateConfig::default();
/// let rows = template_rows(&config, [(7, 0xF00D, 6, 6), (7, 0xBEEF, 1, 6)]);
/// assert_eq!(rows.len(), 1);
/// assert_eq!(rows[0].key, 0xF00D);
/// ```
pub fn template_rows(
    config: &TemplateConfig,
    counts: impl IntoIterator<Item = (u64, u64, u64, u64)>,
) -> Vec<TemplateRow> {
    let clamp = |n: u64| u32::try_from(n).unwrap_or(u32::MAX);
    counts
        .into_iter()
        .map(|(site, key, pages, site_pages)| TemplateRow {
            site,
            key,
            pages: clamp(pages),
            site_pages: clamp(site_pages),
        })
        .filter(|row| config.is_template(row.pages, row.site_pages))
        .collect()
}

/// Stage 2 in one process: counts the [`PageKey`]s and the documents of
/// each site and keeps the templates ([`template_rows`]).
pub fn count_templates<'a>(
    config: &TemplateConfig,
    page_keys: impl IntoIterator<Item = &'a PageKey>,
    documents: impl IntoIterator<Item = &'a DocumentRow>,
) -> Vec<TemplateRow> {
    let mut site_pages: HashMap<u64, u64> = HashMap::new();
    for document in documents {
        *site_pages.entry(document.site).or_default() += 1;
    }
    let mut pages: HashMap<PageKey, u64> = HashMap::new();
    for key in page_keys {
        *pages.entry(*key).or_default() += 1;
    }
    let mut rows = template_rows(
        config,
        pages.into_iter().map(|(k, n)| {
            let site = site_pages.get(&k.site).copied().unwrap_or(0);
            (k.site, k.key, n, site)
        }),
    );
    rows.sort_unstable_by_key(|r| (r.site, r.key));
    rows
}

/// Templates by `(site, key)`, for leaving them out of dedup and for
/// [`apply`].
pub type TemplateTable = HashMap<(u64, u64), (u32, u32)>;

/// The [`TemplateTable`] of some [`TemplateRow`]s.
pub fn template_table<'a>(rows: impl IntoIterator<Item = &'a TemplateRow>) -> TemplateTable {
    rows.into_iter()
        .map(|r| ((r.site, r.key), (r.pages, r.site_pages)))
        .collect()
}

/// What stage 4 groups by bucket ([`crate::dedup::bucket`]): a paragraph
/// that owns the bucket (`looks_up` false, with its position), or a node
/// that looks it up (`looks_up` true; its position is not read).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CandidateRow {
    /// The bucket.
    pub bucket: u64,
    /// Whether the row looks the bucket up (else it owns it).
    pub looks_up: bool,
    /// Where the owning paragraph is.
    pub at: Position,
    /// The paragraph's node (folded-key hash).
    pub exact: u64,
}

impl CandidateRow {
    /// The sort key of stage 4's input: bucket, owners (by position) before
    /// lookups. The rows of a bucket must be together and in this order;
    /// the buckets themselves may come in any order.
    pub fn sort_key(&self) -> (u64, bool, Position) {
        (self.bucket, self.looks_up, self.at)
    }
}

/// The rows a paragraph owns ([`Probe::own_buckets`]): one per bucket it
/// is indexed under if it takes a place there. Every paragraph row gives
/// them (repeats of a node change nothing).
pub fn owner_rows(row: &ParagraphRow) -> Vec<CandidateRow> {
    row.probe()
        .own_buckets()
        .into_iter()
        .map(|bucket| CandidateRow {
            bucket,
            looks_up: false,
            at: row.at,
            exact: row.fingerprint.exact,
        })
        .collect()
}

/// The rows of a node's lookups ([`Probe::probe_buckets`]); one paragraph
/// row per node is enough.
///
/// ```
/// use chaff::distributed::{lookup_rows, map_file, owner_rows};
/// let text = "市政府召开常务会议，研究部署今年的重点工作，会议由市长主持，各位副市长、秘书长和各部门主要负责同志出席会议并发言。";
/// let mapped = map_file(0, vec![chaff::Document::new("a", text)], &chaff::Config::default())?;
/// let row = &mapped.paragraphs[0];
/// assert_eq!(owner_rows(row).len(), 3); // three bands
/// assert!(lookup_rows(row).len() >= 3); // own keys and multi-probe keys
/// # Ok::<(), chaff::Error>(())
/// ```
pub fn lookup_rows(row: &ParagraphRow) -> Vec<CandidateRow> {
    row.probe()
        .probe_buckets()
        .into_iter()
        .map(|bucket| CandidateRow {
            bucket,
            looks_up: true,
            at: Position::default(),
            exact: row.fingerprint.exact,
        })
        .collect()
}

/// A node that may repeat another: `query` looked up a bucket that
/// `earlier` holds a place in. Directed; `query` may equal `earlier`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Candidate {
    /// The node that looks up.
    pub query: u64,
    /// The node held in the bucket.
    pub earlier: u64,
    /// Found through a band (the long-paragraph rule), else a half key
    /// (the one-edit rule).
    pub band: bool,
}

/// Stage 4, near candidates: fed [`CandidateRow`]s in
/// [`CandidateRow::sort_key`] order (buckets together, in any order), in
/// any number of pushes, takes as each bucket's members the first
/// [`BUCKET_CAP`] distinct nodes that own it, and pairs every node that
/// looks the bucket up with each member. A pair found through several
/// buckets is given once per bucket: take distinct pairs before verifying
/// (or verify repeats; nothing later minds).
///
/// ```
/// use chaff::distributed::{lookup_rows, map_file, owner_rows, NearCandidates};
/// let a = "市政府召开常务会议，研究部署今年的重点工作，会议由市长主持，各位副市长出席会议。";
/// let b = "市政府召开常务会议，研究部署今年的重点工作，会议由市长主持，各位副市长出席了会议。";
/// let docs = vec![chaff::Document::new("a", a), chaff::Document::new("b", b)];
/// let mapped = map_file(0, docs, &chaff::Config::default())?;
/// let mut rows: Vec<_> = mapped.paragraphs.iter().flat_map(|p| owner_rows(p).into_iter().chain(lookup_rows(p))).collect();
/// rows.sort_by_key(|r| r.sort_key());
/// let mut near = NearCandidates::new();
/// near.push(&rows)?;
/// let found = near.finish();
/// let (na, nb) = (mapped.paragraphs[0].fingerprint.exact, mapped.paragraphs[1].fingerprint.exact);
/// assert!(found.iter().any(|c| c.query == nb && c.earlier == na));
/// # Ok::<(), chaff::Error>(())
/// ```
#[derive(Debug, Default)]
pub struct NearCandidates {
    bucket: Option<u64>,
    /// The last row's kind and position within the bucket.
    last: (bool, Position),
    members: Vec<u64>,
    found: Vec<Candidate>,
    /// Buckets whose rows are done, to catch input that is not grouped.
    done: HashSet<u64>,
}

impl NearCandidates {
    /// A finder that has seen nothing.
    pub fn new() -> Self {
        NearCandidates::default()
    }

    /// Takes more rows; fails ([`Error::Distributed`]) when they are out
    /// of [`CandidateRow::sort_key`] order.
    pub fn push(&mut self, rows: &[CandidateRow]) -> Result<(), Error> {
        for row in rows {
            let (bucket, looks_up, at) = row.sort_key();
            if self.bucket != Some(bucket) {
                if !self.done.insert(bucket) {
                    return Err(Error::Distributed(format!(
                        "near candidates: the rows of bucket {bucket:#x} are not together: sort each partition by bucket, looks_up, file, record, paragraph"
                    )));
                }
                self.bucket = Some(bucket);
                self.members.clear();
            } else if (looks_up, at) < self.last {
                return Err(Error::Distributed(format!(
                    "near candidates: rows out of order in bucket {bucket:#x}: sort each partition by bucket, looks_up, file, record, paragraph"
                )));
            }
            self.last = (looks_up, at);
            if !looks_up {
                if self.members.len() < usize::from(BUCKET_CAP)
                    && !self.members.contains(&row.exact)
                {
                    self.members.push(row.exact);
                }
            } else {
                let band = is_band_bucket(bucket);
                self.found
                    .extend(self.members.iter().map(|&earlier| Candidate {
                        query: row.exact,
                        earlier,
                        band,
                    }));
            }
        }
        Ok(())
    }

    /// The candidate pairs found since the last call.
    pub fn take(&mut self) -> Vec<Candidate> {
        std::mem::take(&mut self.found)
    }

    /// Ends the input: the candidate pairs not yet taken.
    pub fn finish(self) -> Vec<Candidate> {
        self.found
    }
}

/// A link of the dedup graph: `query` repeats `earlier` if `earlier` was
/// kept before it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Edge {
    /// The node that looked up.
    pub query: u64,
    /// The node it found.
    pub earlier: u64,
    /// Hamming distance of their SimHashes.
    pub distance: u32,
    /// Their similarity: estimated from the odd sketches (band), or the
    /// exact Jaccard similarity of their shingle sets (one edit).
    pub similarity: f64,
    /// Found by the long-paragraph rule, else by the one-edit rule.
    pub band: bool,
}

/// Stage 5, verify: the library's own test for a candidate pair (its
/// [`Candidate::band`] says which: [`DedupConfig::near_match`] or the
/// one-edit rule), with both paragraph rows. The edge when it holds.
pub fn verify(
    config: &DedupConfig,
    fingerprint: &FingerprintConfig,
    candidate: &Candidate,
    query: &ParagraphRow,
    earlier: &ParagraphRow,
) -> Option<Edge> {
    let (q, e) = (&query.fingerprint, &earlier.fingerprint);
    if candidate.band {
        let (Some(near), Some(stored)) = (&query.near, &earlier.near) else {
            return None;
        };
        let (distance, similarity) =
            config.near_match(q.simhash, near, e.simhash, &stored.stored)?;
        return Some(Edge {
            query: q.exact,
            earlier: e.exact,
            distance,
            similarity,
            band: true,
        });
    }
    let edit = EditProbe::new(query.edit.as_deref()?)?;
    let stored = EditProbe::new(earlier.edit.as_deref()?)?.stored();
    let op = edit.one_edit(&stored)?;
    Some(Edge {
        query: q.exact,
        earlier: e.exact,
        distance: (q.simhash ^ e.simhash).count_ones(),
        similarity: edit_similarity(&edit, op, fingerprint, &mut Shingler::new()),
        band: false,
    })
}

/// Stage 6, components: the connected component of every node that has an
/// edge, named by its smallest exact key, as `(node, component)` sorted by
/// node. A node without edges is its own component (name it by its own
/// key). Union–find with path halving, in memory: one entry per node that
/// has an edge.
///
/// ```
/// use chaff::distributed::components;
/// assert_eq!(components([(5, 9), (9, 2), (7, 8)]), [(2, 2), (5, 2), (7, 7), (8, 7), (9, 2)]);
/// ```
pub fn components(edges: impl IntoIterator<Item = (u64, u64)>) -> Vec<(u64, u64)> {
    let mut index: HashMap<u64, usize> = HashMap::new();
    let mut nodes: Vec<u64> = Vec::new();
    let mut parent: Vec<usize> = Vec::new();
    let mut id = |node: u64, nodes: &mut Vec<u64>, parent: &mut Vec<usize>| {
        *index.entry(node).or_insert_with(|| {
            nodes.push(node);
            parent.push(parent.len());
            parent.len() - 1
        })
    };
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    for (a, b) in edges {
        let (a, b) = (
            id(a, &mut nodes, &mut parent),
            id(b, &mut nodes, &mut parent),
        );
        let (ra, rb) = (root(&mut parent, a), root(&mut parent, b));
        if ra != rb {
            // The root keeps the smaller key, so it names the component.
            if nodes[ra] < nodes[rb] {
                parent[rb] = ra;
            } else {
                parent[ra] = rb;
            }
        }
    }
    let mut out: Vec<(u64, u64)> = (0..nodes.len())
        .map(|i| {
            let r = root(&mut parent, i);
            (nodes[i], nodes[r])
        })
        .collect();
    out.sort_unstable();
    out
}

/// What stage 7 reads, per component: first its edges, then its
/// paragraphs in [`Position`] order.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum ResolveRow {
    /// A link between two nodes of the component.
    Edge {
        /// The component.
        component: u64,
        /// The link.
        edge: Edge,
    },
    /// A paragraph of one of the component's nodes.
    Paragraph {
        /// The component.
        component: u64,
        /// Where it is.
        at: Position,
        /// Its node (folded-key hash).
        exact: u64,
        /// Whether it looks for near repeats ([`ParagraphRow::searches`]).
        searches: bool,
    },
}

impl ResolveRow {
    /// The sort key of the resolve stage's input: component, edges first,
    /// then paragraphs by position. The rows of a component must be
    /// together and in this order; the components themselves may come in
    /// any order (an engine may sort the component as a signed number).
    pub fn sort_key(&self) -> (u64, u8, Position) {
        match self {
            ResolveRow::Edge { component, .. } => (*component, 0, Position::default()),
            ResolveRow::Paragraph { component, at, .. } => (*component, 1, *at),
        }
    }
}

/// How a paragraph repeats an earlier kept one: stage 7's verdict.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct DuplicateRow {
    /// The repeat.
    pub at: Position,
    /// The kept paragraph it repeats.
    pub of: Position,
    /// Same exact key (else a near repeat).
    pub exact: bool,
    /// Hamming distance (0 for an exact repeat).
    pub distance: u32,
    /// Jaccard similarity (1 for an exact repeat).
    pub similarity: f64,
}

/// Stage 7, resolve: first occurrence wins, per component, exactly as the
/// [`Cleaner`](crate::Cleaner) decides (see the module docs). Fed rows in
/// [`ResolveRow::sort_key`] order (components together, in any order), in
/// any number of pushes; a component may straddle two. Paragraphs that are kept give no row.
///
/// ```
/// use chaff::distributed::{Edge, Position, ResolveRow, Resolver};
/// let at = |record| Position { file: 0, record, paragraph: 0 };
/// let edge = Edge { query: 1, earlier: 2, distance: 3, similarity: 0.8, band: true };
/// let paragraph = |record, exact| ResolveRow::Paragraph { component: 1, at: at(record), exact, searches: true };
/// let mut resolver = Resolver::new(chaff::dedup::DedupConfig::default());
/// resolver.push(&[ResolveRow::Edge { component: 1, edge }, paragraph(0, 2), paragraph(1, 1), paragraph(2, 2)])?;
/// let verdicts = resolver.finish()?;
/// assert_eq!(verdicts.len(), 2);
/// assert_eq!((verdicts[0].at, verdicts[0].of, verdicts[0].exact), (at(1), at(0), false));
/// assert_eq!((verdicts[1].at, verdicts[1].of, verdicts[1].exact), (at(2), at(0), true));
/// # Ok::<(), chaff::Error>(())
/// ```
#[derive(Debug)]
pub struct Resolver {
    config: DedupConfig,
    component: Option<u64>,
    /// The last row's kind and position within the component.
    last: (u8, Position),
    /// Components whose rows are done, to catch input that is not grouped.
    done: HashSet<u64>,
    /// Per node, the nodes it finds: `(earlier, distance, similarity,
    /// rank)`, rank 0 for a band match, 1 for a one-edit match.
    links: HashMap<u64, Vec<(u64, u32, f64, u8)>>,
    kept_exact: HashMap<u64, Position>,
    kept_near: HashMap<u64, Position>,
    found: Vec<DuplicateRow>,
}

impl Resolver {
    /// A resolver that has seen nothing.
    pub fn new(config: DedupConfig) -> Self {
        Resolver {
            config,
            component: None,
            last: (0, Position::default()),
            done: HashSet::new(),
            links: HashMap::new(),
            kept_exact: HashMap::new(),
            kept_near: HashMap::new(),
            found: Vec::new(),
        }
    }

    /// Takes more rows; fails ([`Error::Distributed`]) when they are out
    /// of [`ResolveRow::sort_key`] order.
    pub fn push(&mut self, rows: &[ResolveRow]) -> Result<(), Error> {
        for row in rows {
            let (component, kind, at) = row.sort_key();
            if self.component != Some(component) {
                if !self.done.insert(component) {
                    return Err(Error::Distributed(format!(
                        "resolve: the rows of component {component:#x} are not together: sort each partition by component, kind, file, record, paragraph"
                    )));
                }
                self.links.clear();
                self.kept_exact.clear();
                self.kept_near.clear();
                self.component = Some(component);
            } else if (kind, at) < self.last {
                return Err(Error::Distributed(format!(
                    "resolve: rows out of order in component {component:#x} ({kind}, {at:?} after {:?}): sort each partition by component, kind, file, record, paragraph",
                    self.last
                )));
            }
            self.last = (kind, at);
            match *row {
                ResolveRow::Edge { edge, .. } => {
                    self.links.entry(edge.query).or_default().push((
                        edge.earlier,
                        edge.distance,
                        edge.similarity,
                        u8::from(!edge.band),
                    ));
                }
                ResolveRow::Paragraph {
                    at,
                    exact,
                    searches,
                    ..
                } => self.decide(at, exact, searches),
            }
        }
        Ok(())
    }

    /// The verdicts found since the last call.
    pub fn take(&mut self) -> Vec<DuplicateRow> {
        std::mem::take(&mut self.found)
    }

    /// Ends the input: the verdicts not yet taken.
    pub fn finish(self) -> Result<Vec<DuplicateRow>, Error> {
        Ok(self.found)
    }

    fn decide(&mut self, at: Position, exact: u64, searches: bool) {
        if self.config.exact
            && let Some(&of) = self.kept_exact.get(&exact)
        {
            self.found.push(DuplicateRow {
                at,
                of,
                exact: true,
                distance: 0,
                similarity: 1.0,
            });
            return;
        }
        if searches {
            // The Deduplicator's order: nearest first, earliest among
            // equals, a band match before a one-edit match of the same
            // paragraph.
            let mut best: Option<(u32, Position, u8, f64)> = None;
            for &(earlier, distance, similarity, rank) in
                self.links.get(&exact).into_iter().flatten()
            {
                if let Some(&of) = self.kept_near.get(&earlier)
                    && best.is_none_or(|(d, p, r, _)| (distance, of, rank) < (d, p, r))
                {
                    best = Some((distance, of, rank, similarity));
                }
            }
            if let Some((distance, of, _, similarity)) = best {
                self.found.push(DuplicateRow {
                    at,
                    of,
                    exact: false,
                    distance,
                    similarity,
                });
                return;
            }
        }
        // A node's first kept paragraph is the one its buckets hold.
        if self.config.exact {
            self.kept_exact.entry(exact).or_insert(at);
        }
        if searches {
            self.kept_near.entry(exact).or_insert(at);
        }
    }
}

/// A duplicate verdict ready for [`apply`]: the kept paragraph named by its
/// document's id (what the report prints).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Decided {
    /// The repeat.
    pub at: Position,
    /// The id of the kept paragraph's document.
    pub of_id: String,
    /// The kept paragraph's index in its document.
    pub of_paragraph: u32,
    /// Same exact key (else near).
    pub exact: bool,
    /// Hamming distance.
    pub distance: u32,
    /// Jaccard similarity.
    pub similarity: f64,
}

/// Stage 8, apply: one staged file's documents with their verdicts, in
/// input order, each paragraph decided as the [`Cleaner`](crate::Cleaner)
/// decides it: its boilerplate rule; else its site template; else its
/// duplicate verdict (from `duplicates`, any order, of this file and
/// others); else kept. Fails ([`Error::Distributed`]) when a verdict names
/// a paragraph that is not in the file or not one dedup decides.
pub fn apply(
    staged: StagedFile,
    duplicates: impl IntoIterator<Item = Decided>,
    templates: &TemplateTable,
) -> Result<Vec<CleanDocument>, Error> {
    let file = staged.file;
    let mut verdicts: BTreeMap<(u32, u32), Decided> = BTreeMap::new();
    for decided in duplicates {
        if decided.at.file == file {
            verdicts.insert((decided.at.record, decided.at.paragraph), decided);
        }
    }
    let mut ids: HashMap<String, Arc<str>> = HashMap::new();
    let mut out = Vec::with_capacity(staged.documents.len());
    for (record, document) in staged.documents.into_iter().enumerate() {
        let record = record as u32;
        let mut paragraphs = Vec::with_capacity(document.paragraphs.len());
        for (index, paragraph) in document.paragraphs.into_iter().enumerate() {
            let template = templates.get(&(document.site, paragraph.key));
            let duplicate = verdicts.remove(&(record, index as u32));
            let verdict = match (paragraph.rule, template, duplicate) {
                (Some(_), _, Some(_)) | (None, Some(_), Some(_)) => {
                    return Err(Error::Distributed(format!(
                        "apply: a duplicate verdict names paragraph {index} of record {record} of file {file}, which a boilerplate rule or a site template drops"
                    )));
                }
                (Some(rule), _, None) => Verdict::Boilerplate {
                    rule: Cow::Owned(rule),
                    detail: paragraph.detail,
                },
                (None, Some(&(pages, site_pages)), None) => {
                    Verdict::SiteTemplate { pages, site_pages }
                }
                (None, None, None) => Verdict::Kept,
                (None, None, Some(decided)) => {
                    if !paragraph.dedup {
                        return Err(Error::Distributed(format!(
                            "apply: a duplicate verdict names paragraph {index} of record {record} of file {file}, which dedup does not decide"
                        )));
                    }
                    let id = ids
                        .entry(decided.of_id)
                        .or_insert_with_key(|id| Arc::from(id.as_str()));
                    let duplicate_of = Origin {
                        id: Arc::clone(id),
                        paragraph: decided.of_paragraph,
                    };
                    if decided.exact {
                        Verdict::ExactDuplicate { duplicate_of }
                    } else {
                        Verdict::NearDuplicate {
                            duplicate_of,
                            hamming: decided.distance,
                            similarity: decided.similarity,
                        }
                    }
                }
            };
            paragraphs.push(ParagraphDecision {
                line: paragraph.line,
                byte_offset: paragraph.byte_offset,
                text: paragraph.text,
                joins: paragraph.joins,
                verdict,
            });
        }
        out.push(CleanDocument {
            id: Arc::from(document.id),
            url: document.url,
            replaced_invalid_utf8: document.replaced_invalid_utf8,
            bytes_in: document.bytes_in,
            extra: document.extra,
            paragraphs,
        });
    }
    if let Some(((record, paragraph), _)) = verdicts.into_iter().next() {
        return Err(Error::Distributed(format!(
            "apply: a duplicate verdict names paragraph {paragraph} of record {record} of file {file}, which is not in the file"
        )));
    }
    Ok(out)
}
