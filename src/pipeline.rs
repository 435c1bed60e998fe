//! Stage 7: the pipeline, from documents to decisions: the orchestration
//! only (the [`Cleaner`], batching, the parallel and sequential halves,
//! path-based saving of what the stages persist through `Read`/`Write`).
//!
//! ```text
//! Document ─ (html blocks) ─ split ─ normalize ─ boilerplate ─ fingerprint ─┐   (parallel, per document)
//!                                                                           ├─ dedup ─ CleanDocument ─ Sink
//!                                                      input order ─────────┘   (sequential)
//! ```
//!
//! A document of [`Kind::Html`] is parsed into blocks first
//! ([`crate::html`]); its text is the blocks' text, one block per line, so
//! its paragraphs are the blocks (split's break repair may join two), and
//! the boilerplate stage adds its structural layer
//! ([`classify_html_document`]). Paragraph lines and byte offsets in the
//! report are those of that text.
//!
//! The per-document stages run in parallel on rayon's pool; the dedup
//! stage then walks the batch in input order, so "first occurrence wins"
//! means first in the input, and the output is the same for any number of
//! threads.

use std::borrow::Cow;
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use rayon::prelude::*;

use crate::boilerplate::lines::LineHints;
use crate::boilerplate::templates::{SiteTemplates, TemplateCounter};
use crate::boilerplate::{Class, classify_document, classify_html_document, structure};
use crate::config::Config;
use crate::dedup::state::{self, SavedState};
use crate::dedup::trim::{self, SentenceTrimmer};
use crate::dedup::{Deduplicator, ParagraphRef, Probe, Repeat, Searched};
use crate::document::{Document, Kind};
use crate::error::Error;
use crate::fingerprint::{Shingler, SketchBuilder, fingerprint_with_sketch};
use crate::html::Page;
use crate::io::AtomicFile;
use crate::normalize::{comparison_key_into, key_hash};
use crate::report::{
    CleanDocument, Origin, ParagraphDecision, RunRecord, StageTimings, Summary, TrimmedSentence,
    Verdict,
};
use crate::sink::Sink;
use crate::split::{Paragraph, split_paragraphs};

/// How many documents [`Cleaner::run`] reads before cleaning them together.
pub const DEFAULT_BATCH: usize = 512;

/// Room made for a batch in advance: a batch size is a bound, not an
/// allocation (`usize::MAX` reads everything as one batch, as memory
/// allows).
const MAX_PREALLOCATED: usize = 4096;

/// Cleans documents and remembers what it has seen, so that repeats are
/// found across every document it is given.
///
/// ```
/// use chaff::{Cleaner, Config, Document};
/// let mut cleaner = Cleaner::new(Config::default())?;
/// let pages = vec![
///     Document::new("a", "网站首页\n走进青城\n政务动态\n本报讯 市统计局发布数据,全市经济运行总体平稳。\n分享到:"),
///     Document::new("b", "本报讯 市统计局发布数据，全市经济运行总体平稳。\n新的段落。"),
/// ];
/// let clean = cleaner.clean_batch(pages);
/// assert_eq!(clean[0].kept().collect::<Vec<_>>(), ["本报讯 市统计局发布数据,全市经济运行总体平稳。"]);
/// assert_eq!(clean[1].kept().collect::<Vec<_>>(), ["新的段落。"]);
/// assert_eq!(cleaner.summary().dropped["exact_duplicate"], 1);
/// # Ok::<(), chaff::Error>(())
/// ```
#[derive(Debug)]
pub struct Cleaner {
    config: Arc<Config>,
    dedup: Deduplicator,
    document_ids: Vec<Arc<str>>,
    summary: Summary,
    timings: StageTimings,
    /// The sentences of kept paragraphs, when trimming is on.
    trimmer: Option<SentenceTrimmer>,
    /// Learned site templates, if any.
    templates: Option<Arc<SiteTemplates>>,
    /// When the cleaner was made, for the run record.
    created: Instant,
}

/// A document after the parallel stages (also the distributed map
/// stage's input, `crate::distributed`).
pub(crate) struct Analyzed {
    pub(crate) id: Arc<str>,
    pub(crate) url: Option<String>,
    pub(crate) replaced_invalid_utf8: usize,
    pub(crate) bytes_in: usize,
    pub(crate) extra: serde_json::Map<String, serde_json::Value>,
    pub(crate) paragraphs: Vec<AnalyzedParagraph>,
    timings: StageTimings,
}

/// One paragraph after the parallel stages.
pub(crate) struct AnalyzedParagraph {
    pub(crate) paragraph: Paragraph,
    /// What the boilerplate layers drop it as, if anything.
    pub(crate) class: Option<Class>,
    /// What decided a structural rule (see [`Verdict::Boilerplate`]).
    pub(crate) detail: Option<String>,
    /// What dedup reads of it, when dedup looks at it.
    pub(crate) probe: Option<Probe>,
    /// The 64-bit hash of its comparison key ([`key_hash`]), what site
    /// templates count.
    pub(crate) key_hash: u64,
    /// What it repeats among the paragraphs kept before the batch was
    /// resolved (see `Cleaner::search_batch`).
    searched: Option<Searched>,
}

/// Buffers one worker reuses across documents.
#[derive(Default)]
pub(crate) struct Scratch {
    key: String,
    keys: String,
    key_ends: Vec<usize>,
    shingler: Shingler,
    builder: SketchBuilder,
}

impl Cleaner {
    /// A cleaner that has seen nothing yet.
    pub fn new(config: Config) -> Result<Self, Error> {
        config.validate()?;
        let trimmer = if config.dedup.trim_repeated_sentences {
            Some(SentenceTrimmer::new(
                config.dedup.clone(),
                config.fingerprint.clone(),
            )?)
        } else {
            None
        };
        Ok(Cleaner {
            dedup: Deduplicator::new(config.dedup.clone(), config.fingerprint.clone())?,
            config: Arc::new(config),
            document_ids: Vec::new(),
            summary: Summary::default(),
            timings: StageTimings::default(),
            trimmer,
            templates: None,
            created: Instant::now(),
        })
    }

    /// A cleaner that remembers what an earlier run saved with
    /// [`Cleaner::save_state`], so that repeats of it are dropped too.
    ///
    /// ```
    /// use chaff::{Cleaner, Config, Document};
    /// let path = std::env::temp_dir().join(format!("chaff-doc-state-{}.idx", std::process::id()));
    /// let mut first = Cleaner::new(Config::default())?;
    /// first.clean(Document::new("old", "市政府召开常务会议，研究部署今年的重点工作，会议由市长主持。"));
    /// first.save_state(&path)?;
    ///
    /// let mut next = Cleaner::with_state(Config::default(), &path)?;
    /// let clean = next.clean(Document::new("new", "市政府召开常务会议，研究部署今年的重点工作，会议由市长主持。"));
    /// assert_eq!(clean.kept().count(), 0);
    /// assert_eq!(clean.paragraphs[0].verdict.name(), "exact_duplicate");
    /// # std::fs::remove_file(&path).unwrap();
    /// # Ok::<(), chaff::Error>(())
    /// ```
    pub fn with_state(config: Config, path: impl AsRef<Path>) -> Result<Self, Error> {
        let path = path.as_ref();
        let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
        let size = file.metadata().map_err(|e| Error::io(path, e))?.len();
        let state = state::load_from(file, size, &config.fingerprint, path)?;
        let mut cleaner = Cleaner::new(config)?;
        cleaner.dedup = Deduplicator::with_entries(
            cleaner.config.dedup.clone(),
            cleaner.config.fingerprint.clone(),
            state.exact,
            state.edit,
            state.near,
        )?;
        cleaner.document_ids = state.documents;
        Ok(cleaner)
    }

    /// Saves what this cleaner has seen (see [`crate::dedup::state`] for
    /// the format), for [`Cleaner::with_state`], under `PATH.partial`
    /// written beside `path` and renamed to it when complete (see
    /// [`AtomicFile`]).
    pub fn save_state(&self, path: impl AsRef<Path>) -> Result<(), Error> {
        let path = path.as_ref();
        let mut file = AtomicFile::create(path)?;
        self.save_state_to(&mut file, path)?;
        file.commit()
    }

    /// Writes what this cleaner has seen to `out` (the format of
    /// [`Cleaner::save_state`]); `name` names it in errors.
    pub fn save_state_to(&self, out: impl std::io::Write, name: &Path) -> Result<(), Error> {
        let (exact, edit, near) = self.dedup.entries();
        let state = SavedState {
            documents: self.document_ids.clone(),
            exact,
            edit,
            near,
        };
        state::save_to(out, &state, &self.config.fingerprint, name)
    }

    /// Drops the paragraphs of `templates` from the pages of their sites
    /// (reason `site_template`), from now on.
    pub fn set_site_templates(&mut self, templates: Arc<SiteTemplates>) {
        self.templates = Some(templates);
    }

    /// The configuration in use.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Counts over everything cleaned so far.
    pub fn summary(&self) -> &Summary {
        &self.summary
    }

    /// Time per stage over everything cleaned so far.
    pub fn timings(&self) -> &StageTimings {
        &self.timings
    }

    /// The record of everything cleaned so far: versions, configuration,
    /// summary, timings, and the seconds since the cleaner was made (see
    /// [`RunRecord`]).
    pub fn run_record(&self) -> RunRecord {
        RunRecord::new(
            (*self.config).clone(),
            self.summary.clone(),
            self.created.elapsed().as_secs_f64(),
            self.timings,
        )
    }

    /// Cleans one document.
    pub fn clean(&mut self, document: Document) -> CleanDocument {
        let mut scratch = Scratch::default();
        let analyzed = analyze(
            document,
            &self.config,
            self.templates.as_deref(),
            &mut scratch,
        );
        self.resolve(analyzed)
    }

    /// Cleans a batch: the per-document stages in parallel on the current
    /// rayon pool, then dedup in input order. The result is in input order
    /// and does not depend on the number of threads.
    pub fn clean_batch(&mut self, documents: Vec<Document>) -> Vec<CleanDocument> {
        let analyzed = analyze_batch(&self.config, self.templates.as_deref(), documents);
        self.resolve_batch(analyzed, true)
    }

    /// Cleans a stream of documents lazily, [`DEFAULT_BATCH`] at a time
    /// (each batch in parallel, as [`Self::clean_batch`]), giving the clean
    /// documents in input order. An input error is given in its place,
    /// after the documents before it, and reading goes on after it: stop
    /// at the first `Err` to stop the run.
    ///
    /// ```
    /// use chaff::{Cleaner, Config, Document};
    /// let mut cleaner = Cleaner::new(Config::default())?;
    /// let pages = ["分享到:\n正文一。", "正文一。\n正文二。"].map(|text| Ok(Document::new("p", text)));
    /// let kept: Vec<Vec<String>> = cleaner
    ///     .clean_iter(pages)
    ///     .map(|clean| clean.map(|c| c.kept().map(str::to_owned).collect()))
    ///     .collect::<chaff::Result<_>>()?;
    /// assert_eq!(kept, [vec!["正文一。"], vec!["正文二。"]]);
    /// # Ok::<(), chaff::Error>(())
    /// ```
    pub fn clean_iter<I>(&mut self, documents: I) -> CleanIter<'_, I::IntoIter>
    where
        I: IntoIterator<Item = Result<Document, Error>>,
    {
        CleanIter {
            cleaner: self,
            documents: documents.into_iter(),
            ready: std::collections::VecDeque::new(),
            batch: DEFAULT_BATCH,
        }
    }

    /// The read-only half of dedup for a whole batch: what every paragraph
    /// repeats among the paragraphs kept before the batch, in parallel on
    /// the current rayon pool when `parallel` is set, else on the calling
    /// thread. [`Self::resolve`] then adds those kept within the batch, in
    /// input order, so the result is that of a purely sequential search.
    fn search_batch(&mut self, analyzed: &mut [Analyzed], parallel: bool) {
        let started = Instant::now();
        self.dedup.start_batch();
        let dedup = &self.dedup;
        let search = |analyzed: &mut Analyzed| {
            for paragraph in &mut analyzed.paragraphs {
                paragraph.searched = paragraph.probe.as_ref().map(|probe| dedup.search(probe));
            }
        };
        if parallel {
            analyzed.par_iter_mut().for_each(search);
        } else {
            analyzed.iter_mut().for_each(search);
        }
        self.timings.dedup += elapsed_ns(started);
    }

    /// Cleans a stream of documents in batches of `batch` and hands each
    /// cleaned document to `sink` in input order, between
    /// [`Sink::begin`] and [`Sink::finish`] (with [`Self::run_record`]).
    /// The first input error stops the run after every document before it
    /// has been cleaned and handed over; a sink error stops it once the
    /// batch being analyzed meanwhile is done (no document after the one
    /// refused is handed over). Either is returned, and `finish` is not
    /// called.
    ///
    /// Three batches are in flight, so that the sequential work runs beside
    /// the parallel work: while the rayon pool runs the per-document stages
    /// of one batch (split as finely as rayon likes), the calling thread
    /// deduplicates the batch before it (in input order), hands it to the
    /// sink and reads the batch after next. The pool waits for the calling
    /// thread only when a batch's sequential work outlasts its per-document
    /// work; the calling thread's share (reading, dedup, writing) is about
    /// a quarter of the CPU time on the generated crawl (`BENCHMARKS.md`,
    /// "Threads and throughput, session 6"). Reading and writing stay on
    /// the calling thread, so neither the input nor the sink need be
    /// `Send`. Memory holds those three batches.
    ///
    /// (Dedup is not a task of the pool: rayon's workers take a task given
    /// from outside the pool only once they have no per-document work left
    /// to steal, so it would run at the end of each batch, on one core,
    /// with the others idle.)
    pub fn run<I, S>(&mut self, documents: I, batch: usize, sink: &mut S) -> Result<(), Error>
    where
        I: IntoIterator<Item = Result<Document, Error>>,
        S: Sink + ?Sized,
    {
        let batch = batch.max(1);
        let capacity = batch.min(MAX_PREALLOCATED);
        let mut documents = documents.into_iter();
        let mut input_error = None;
        let mut read_batch = |input_error: &mut Option<Error>| {
            let mut next = Vec::with_capacity(capacity);
            if input_error.is_none() {
                for document in documents.by_ref().take(batch) {
                    match document {
                        Ok(document) => next.push(document),
                        Err(error) => {
                            *input_error = Some(error);
                            break;
                        }
                    }
                }
            }
            next
        };
        sink.begin()?;
        let mut read = read_batch(&mut input_error);
        let mut analyzed: Vec<Analyzed> = Vec::new();
        loop {
            if read.is_empty() && analyzed.is_empty() {
                return match input_error {
                    Some(error) => Err(error),
                    None => sink.finish(&self.run_record()),
                };
            }
            let config = Arc::clone(&self.config);
            let templates = self.templates.clone();
            let to_analyze = std::mem::take(&mut read);
            let to_resolve = std::mem::take(&mut analyzed);
            let mut next_analyzed = Vec::new();
            let mut written = Ok(());
            let mut output_ns = 0;
            rayon::in_place_scope(|scope| {
                scope.spawn(|_| {
                    next_analyzed = analyze_batch(&config, templates.as_deref(), to_analyze);
                });
                let resolved = self.resolve_batch(to_resolve, false);
                let started = Instant::now();
                written = resolved
                    .into_iter()
                    .try_for_each(|clean| sink.accept(clean));
                output_ns = elapsed_ns(started);
                if written.is_ok() {
                    read = read_batch(&mut input_error);
                }
            });
            self.timings.output += output_ns;
            written?;
            analyzed = next_analyzed;
        }
    }

    /// Dedup for a batch, in input order: [`Self::search_batch`] (on the
    /// pool when `parallel`), then [`Self::resolve`] each document.
    fn resolve_batch(&mut self, mut analyzed: Vec<Analyzed>, parallel: bool) -> Vec<CleanDocument> {
        self.search_batch(&mut analyzed, parallel);
        analyzed.into_iter().map(|a| self.resolve(a)).collect()
    }

    /// The sequential stage: dedup in input order, verdicts, counts.
    fn resolve(&mut self, analyzed: Analyzed) -> CleanDocument {
        let started = Instant::now();
        self.timings.add(&analyzed.timings);
        let document = self.document_ids.len() as u64;
        self.document_ids.push(Arc::clone(&analyzed.id));
        let Analyzed {
            id,
            url,
            replaced_invalid_utf8,
            bytes_in,
            extra,
            paragraphs,
            timings: _,
        } = analyzed;
        let mut decisions = Vec::with_capacity(paragraphs.len());
        for (index, analyzed) in paragraphs.into_iter().enumerate() {
            let at = ParagraphRef {
                document,
                paragraph: index as u32,
            };
            let verdict = match (analyzed.class, &analyzed.probe) {
                (Some(Class::Rule(rule)), _) => Verdict::Boilerplate {
                    rule: Cow::Borrowed(rule),
                    detail: analyzed.detail,
                },
                (Some(Class::SiteTemplate { pages, site_pages }), _) => {
                    Verdict::SiteTemplate { pages, site_pages }
                }
                (None, Some(probe)) => self.decide(probe, at, analyzed.searched),
                (None, None) => Verdict::Kept,
            };
            let paragraph = analyzed.paragraph;
            let (text, verdict) =
                if verdict == Verdict::Kept && self.config.dedup.trim_repeated_sentences {
                    self.trim_sentences(paragraph.text, at)
                } else {
                    (paragraph.text, verdict)
                };
            let joins = match &verdict {
                Verdict::TrimmedSentences { sentences } => {
                    joins_after_trim(paragraph.joins, sentences, text.len())
                }
                _ => paragraph.joins,
            };
            decisions.push(ParagraphDecision {
                line: paragraph.line,
                byte_offset: paragraph.byte_offset,
                text,
                joins,
                verdict,
            });
        }
        let clean = CleanDocument {
            id,
            url,
            replaced_invalid_utf8,
            bytes_in,
            paragraphs: decisions,
            extra,
        };
        self.summary.add(&clean);
        self.timings.dedup += elapsed_ns(started);
        clean
    }

    /// Dedup's answer for one paragraph, as a verdict.
    fn decide(&mut self, probe: &Probe, at: ParagraphRef, searched: Option<Searched>) -> Verdict {
        let repeat = match searched {
            Some(searched) => self.dedup.check_and_insert_searched(probe, at, searched),
            None => self.dedup.check_and_insert(probe, at),
        };
        match repeat {
            None => Verdict::Kept,
            Some(Repeat::Exact { of }) => Verdict::ExactDuplicate {
                duplicate_of: self.origin(of),
            },
            Some(Repeat::Near {
                of,
                distance,
                similarity,
            }) => Verdict::NearDuplicate {
                duplicate_of: self.origin(of),
                hamming: distance,
                similarity,
            },
        }
    }

    /// Takes out the sentences of a kept paragraph that repeat (exactly or
    /// nearly, by the same test as paragraphs) sentences of earlier kept
    /// paragraphs: the remaining text and the verdict.
    fn trim_sentences(&mut self, text: String, at: ParagraphRef) -> (String, Verdict) {
        let Some(trimmer) = self.trimmer.as_mut() else {
            return (text, Verdict::Kept);
        };
        let repeats = trimmer.trim(&text, at);
        if repeats.is_empty() {
            return (text, Verdict::Kept);
        }
        let remaining = trim::without(&text, &repeats);
        let sentences = repeats
            .into_iter()
            .map(|(range, repeat)| {
                let (of, similarity) = match repeat {
                    Repeat::Exact { of } => (of, 1.0),
                    Repeat::Near { of, similarity, .. } => (of, similarity),
                };
                TrimmedSentence {
                    offset: range.start,
                    text: text[range].to_owned(),
                    duplicate_of: self.origin(of),
                    similarity,
                }
            })
            .collect();
        (remaining, Verdict::TrimmedSentences { sentences })
    }

    fn origin(&self, at: ParagraphRef) -> Origin {
        Origin {
            id: Arc::clone(&self.document_ids[at.document as usize]),
            paragraph: at.paragraph,
        }
    }
}

/// The clean documents of [`Cleaner::clean_iter`].
pub struct CleanIter<'a, I> {
    cleaner: &'a mut Cleaner,
    documents: I,
    ready: std::collections::VecDeque<Result<CleanDocument, Error>>,
    batch: usize,
}

impl<I> CleanIter<'_, I> {
    /// Cleans `batch` documents at a time (at least 1).
    pub fn batch(mut self, batch: usize) -> Self {
        self.batch = batch.max(1);
        self
    }
}

impl<I> Iterator for CleanIter<'_, I>
where
    I: Iterator<Item = Result<Document, Error>>,
{
    type Item = Result<CleanDocument, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.ready.is_empty() {
            let mut next = Vec::with_capacity(self.batch.min(MAX_PREALLOCATED));
            let mut error = None;
            for document in self.documents.by_ref().take(self.batch) {
                match document {
                    Ok(document) => next.push(document),
                    Err(e) => {
                        error = Some(e);
                        break;
                    }
                }
            }
            self.ready
                .extend(self.cleaner.clean_batch(next).into_iter().map(Ok));
            self.ready.extend(error.map(Err));
        }
        self.ready.pop_front()
    }
}

/// The per-document stages of a batch, in parallel on the current rayon
/// pool, in input order.
pub(crate) fn analyze_batch(
    config: &Config,
    templates: Option<&SiteTemplates>,
    documents: Vec<Document>,
) -> Vec<Analyzed> {
    documents
        .into_par_iter()
        .map_init(Scratch::default, |scratch, document| {
            analyze(document, config, templates, scratch)
        })
        .collect()
}

/// The per-document stages: split, normalize, boilerplate, fingerprint.
pub(crate) fn analyze(
    document: Document,
    config: &Config,
    templates: Option<&SiteTemplates>,
    scratch: &mut Scratch,
) -> Analyzed {
    let mut timings = StageTimings::default();
    let mut clock = Instant::now();
    let mut lap = |stage: &mut u64| {
        let now = Instant::now();
        *stage += now.duration_since(clock).as_nanos() as u64;
        clock = now;
    };
    let page = (document.kind == Kind::Html).then(|| Page::parse(&document.text));
    let paragraphs = match &page {
        Some(page) => html_paragraphs(page, &config.split),
        None => split_paragraphs(&document.text, &config.split),
    };
    lap(&mut timings.split);
    let Scratch {
        key,
        keys,
        key_ends,
        shingler,
        builder,
    } = scratch;
    keys.clear();
    key_ends.clear();
    for paragraph in &paragraphs {
        comparison_key_into(&paragraph.text, key);
        keys.push_str(key);
        key_ends.push(keys.len());
    }
    let key_at = |i: usize| &keys[if i == 0 { 0 } else { key_ends[i - 1] }..key_ends[i]];
    let page_keys: Vec<&str> = (0..paragraphs.len()).map(key_at).collect();
    lap(&mut timings.normalize);
    let mut details_of_structural: Vec<Option<String>> = Vec::new();
    let classes = match &page {
        None => classify_document(
            &page_keys,
            &config.boilerplate,
            templates,
            &document.id,
            document.url.as_deref(),
        ),
        Some(page) => {
            let (structural, details) = if config.boilerplate.structure {
                structural_classes(page, &paragraphs, &page_keys)
            } else {
                (vec![None; paragraphs.len()], Vec::new())
            };
            let hints = config
                .boilerplate
                .model
                .then(|| block_hints(page, &paragraphs));
            let classes = classify_html_document(
                &structural,
                hints.as_deref(),
                &page_keys,
                &config.boilerplate,
                templates,
                &document.id,
                document.url.as_deref(),
            );
            // A paragraph the structural layer dropped keeps what decided it.
            details_of_structural = details
                .into_iter()
                .zip(&structural)
                .zip(&classes)
                .map(|((detail, rule), class)| match (rule, class) {
                    (Some(rule), Some(Class::Rule(class))) if rule == class => detail,
                    _ => None,
                })
                .collect();
            classes
        }
    };
    lap(&mut timings.boilerplate);
    let dedup_on = config.dedup.exact || config.dedup.near;
    let mut details = details_of_structural.into_iter();
    let paragraphs = paragraphs
        .into_iter()
        .zip(page_keys.iter().zip(classes))
        .map(|(paragraph, (key, class))| {
            let detail = details.next().flatten();
            let probe = (dedup_on && class.is_none()).then(|| {
                let (fingerprint, near) =
                    fingerprint_with_sketch(key, &config.fingerprint, shingler, builder);
                Probe::new(fingerprint, near, shingler.folded(), &config.dedup)
            });
            AnalyzedParagraph {
                paragraph,
                class,
                detail,
                key_hash: key_hash(key),
                probe,
                searched: None,
            }
        })
        .collect();
    lap(&mut timings.fingerprint);
    Analyzed {
        id: Arc::from(document.id),
        url: document.url,
        replaced_invalid_utf8: document.replaced_invalid_utf8,
        bytes_in: document.text.len(),
        extra: document.extra,
        paragraphs,
        timings,
    }
}

/// The paragraphs of an HTML page: its blocks' text, one block per line,
/// split as text is, except that break repair joins blocks only across a
/// single `<br>` ([`Block::after_br`](crate::html::Block::after_br)), never
/// across the elements the publisher made separate paragraphs. Lines and
/// byte offsets are those of the blocks' text ([`Page::text`]).
fn html_paragraphs(page: &Page, config: &crate::split::SplitConfig) -> Vec<Paragraph> {
    let text = page.text();
    let mut paragraphs = Vec::with_capacity(page.blocks.len());
    let (mut start, mut line) = (0, 1);
    let mut blocks = page.blocks.iter().peekable();
    while let Some(block) = blocks.next() {
        let mut end = start + block.text.len() + 1;
        let mut lines = 1;
        while let Some(next) = blocks.next_if(|next| next.after_br) {
            end += next.text.len() + 1;
            lines += 1;
        }
        for mut paragraph in split_paragraphs(&text[start..end], config) {
            paragraph.byte_offset += start;
            paragraph.line += line - 1;
            paragraphs.push(paragraph);
        }
        start = end;
        line += lines;
    }
    paragraphs
}

/// What the HTML says of each paragraph's block (the block the paragraph
/// starts in), for the page model: its heading level and whether it is a
/// list item.
fn block_hints(page: &Page, paragraphs: &[Paragraph]) -> Vec<LineHints> {
    let mut starts = Vec::with_capacity(page.blocks.len());
    let mut at = 0;
    for block in &page.blocks {
        starts.push(at);
        at += block.text.len() + 1;
    }
    paragraphs
        .iter()
        .map(|p| {
            let b = starts
                .partition_point(|&s| s <= p.byte_offset)
                .saturating_sub(1);
            match page.blocks.get(b) {
                // Not the link density: the page model's jusText bound
                // (0.2) on it cost English pages recall (the dev set's
                // HTML: other F1 0.949 -> 0.937 with it, 0.953 without).
                Some(block) => LineHints {
                    heading_level: (block.heading > 0).then_some(block.heading),
                    in_list: block.list_depth > 0,
                    ..LineHints::default()
                },
                None => LineHints::default(),
            }
        })
        .collect()
}

/// The structural layer's verdict on each paragraph of an HTML page: that
/// of the block the paragraph starts in. `text` was the blocks' text, one
/// block per line, and `keys` are the paragraphs' comparison keys.
#[allow(clippy::type_complexity)]
fn structural_classes(
    page: &Page,
    paragraphs: &[Paragraph],
    keys: &[&str],
) -> (Vec<Option<&'static str>>, Vec<Option<String>>) {
    // Where each block starts in the text.
    let mut starts = Vec::with_capacity(page.blocks.len());
    let mut at = 0;
    for block in &page.blocks {
        starts.push(at);
        at += block.text.len() + 1;
    }
    let block_of = |offset: usize| starts.partition_point(|&s| s <= offset).saturating_sub(1);
    let first_blocks: Vec<usize> = paragraphs.iter().map(|p| block_of(p.byte_offset)).collect();
    // A block's key is its paragraph's when the two are the same text
    // (nearly always); the others are computed.
    let mut block_keys: Vec<Cow<str>> = vec![Cow::Borrowed(""); page.blocks.len()];
    let mut done = vec![false; page.blocks.len()];
    for ((paragraph, &block), key) in paragraphs.iter().zip(&first_blocks).zip(keys) {
        if !done[block] && paragraph.text == page.blocks[block].text {
            block_keys[block] = Cow::Borrowed(*key);
            done[block] = true;
        }
    }
    for ((block, key), done) in page.blocks.iter().zip(&mut block_keys).zip(done) {
        if !done {
            *key = Cow::Owned(crate::normalize::comparison_key(&block.text));
        }
    }
    let structure = structure::classify(page, &block_keys);
    let classes = first_blocks
        .iter()
        .map(|&b| structure.classes.get(b).copied().flatten())
        .collect();
    let details = first_blocks
        .iter()
        .map(|&b| structure.detail(b).map(str::to_owned))
        .collect();
    (classes, details)
}

/// The joins of a paragraph moved to what remains of it once `sentences`
/// were taken out (see [`trim::without`]): a join inside a trimmed sentence
/// goes with it, the others move back by the bytes trimmed before them.
fn joins_after_trim(
    joins: Vec<usize>,
    sentences: &[TrimmedSentence],
    remaining: usize,
) -> Vec<usize> {
    let mut moved: Vec<usize> = joins
        .into_iter()
        .filter_map(|join| {
            let mut removed = 0;
            for sentence in sentences {
                let end = sentence.offset + sentence.text.len();
                if join > sentence.offset && join < end {
                    return None;
                }
                if end <= join {
                    removed += sentence.text.len();
                }
            }
            let moved = join.saturating_sub(removed);
            (moved > 0 && moved < remaining).then_some(moved)
        })
        .collect();
    // Joins on both sides of a trimmed sentence now meet at one place.
    moved.dedup();
    moved
}

fn elapsed_ns(since: Instant) -> u64 {
    since.elapsed().as_nanos() as u64
}

/// The first pass of site-template learning: reads every document, splits
/// and normalizes it (in parallel, `batch` documents at a time) and counts
/// its paragraphs per site; the templates are those over the thresholds of
/// `config.templates`. Give the result to [`Cleaner::set_site_templates`]
/// before the cleaning pass.
///
/// ```
/// use chaff::{Config, Document, Cleaner};
/// let pages: Vec<Document> = (0..8)
///     .map(|i| {
///         let mut page = Document::new(format!("{i}"), format!("第{i}篇文章的正文内容。\n本网站由县融媒体中心负责日常维护。"));
///         page.url = Some(format!("https://news.example.cn/{i}.html"));
///         page
///     })
///     .collect();
/// let config = Config::default();
/// let templates = chaff::pipeline::learn_site_templates(pages.iter().cloned().map(Ok), &config, 512)?;
/// let mut cleaner = Cleaner::new(config)?;
/// cleaner.set_site_templates(std::sync::Arc::new(templates));
/// let clean = cleaner.clean_batch(pages);
/// assert_eq!(clean[0].kept().collect::<Vec<_>>(), ["第0篇文章的正文内容。"]);
/// assert_eq!(clean[0].paragraphs[1].verdict.name(), "site_template");
/// # Ok::<(), chaff::Error>(())
/// ```
pub fn learn_site_templates<I>(
    documents: I,
    config: &Config,
    batch: usize,
) -> Result<SiteTemplates, Error>
where
    I: IntoIterator<Item = Result<Document, Error>>,
{
    let mut counter = TemplateCounter::new(config.templates.clone());
    let mut documents = documents.into_iter();
    loop {
        let mut next = Vec::with_capacity(batch.clamp(1, MAX_PREALLOCATED));
        for document in documents.by_ref().take(batch.max(1)) {
            next.push(document?);
        }
        if next.is_empty() {
            return Ok(counter.finish());
        }
        let pages: Vec<(String, Vec<u64>)> = next
            .into_par_iter()
            .map_init(String::new, |key, document| {
                let site = config
                    .templates
                    .site_of(&document.id, document.url.as_deref());
                let paragraphs = match document.kind {
                    Kind::Html => html_paragraphs(&Page::parse(&document.text), &config.split),
                    Kind::Text => split_paragraphs(&document.text, &config.split),
                };
                let hashes = paragraphs
                    .iter()
                    .map(|paragraph| {
                        comparison_key_into(&paragraph.text, key);
                        key_hash(key)
                    })
                    .collect();
                (site, hashes)
            })
            .collect();
        for (site, hashes) in pages {
            counter.add_page(&site, hashes);
        }
    }
}

/// Saves site templates to `path` as JSON (see
/// [`SiteTemplates::save_to`]), under `PATH.partial` renamed to `path` when
/// complete.
pub fn save_site_templates(templates: &SiteTemplates, path: impl AsRef<Path>) -> Result<(), Error> {
    let path = path.as_ref();
    let mut file = AtomicFile::create(path)?;
    templates.save_to(&mut file, path)?;
    file.commit()
}

/// Reads site templates saved by [`save_site_templates`].
///
/// ```
/// use chaff::boilerplate::templates::{TemplateConfig, TemplateCounter};
/// use chaff::pipeline::{load_site_templates, save_site_templates};
/// let mut counter = TemplateCounter::new(TemplateConfig::default());
/// (0..6).for_each(|i| counter.add_page("city.gov.cn", [0xF00D, i]));
/// let templates = counter.finish();
/// let path = std::env::temp_dir().join(format!("chaff-doc-templates-{}.json", std::process::id()));
/// save_site_templates(&templates, &path)?;
/// assert_eq!(load_site_templates(&path)?, templates);
/// # std::fs::remove_file(&path).unwrap();
/// # Ok::<(), chaff::Error>(())
/// ```
pub fn load_site_templates(path: impl AsRef<Path>) -> Result<SiteTemplates, Error> {
    let path = path.as_ref();
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    SiteTemplates::load_from(file, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trimmed(offset: usize, text: &str) -> TrimmedSentence {
        TrimmedSentence {
            offset,
            text: text.to_owned(),
            duplicate_of: Origin {
                id: Arc::from("a"),
                paragraph: 0,
            },
            similarity: 1.0,
        }
    }

    #[test]
    fn joins_move_with_the_text_that_remains_after_trimming() {
        // "AAAA|BBBB|CCCC" with joins at 4 and 8; trim "BBBB" (4..8).
        let sentences = [trimmed(4, "BBBB")];
        assert_eq!(joins_after_trim(vec![4, 8], &sentences, 8), [4]);
        // A join inside the trimmed sentence goes with it.
        assert_eq!(
            joins_after_trim(vec![6], &sentences, 8),
            Vec::<usize>::new()
        );
        // Trimming the head moves later joins back; a join left at 0 or at
        // the end of what remains joins nothing.
        let head = [trimmed(0, "AAAA")];
        assert_eq!(joins_after_trim(vec![4, 8], &head, 8), [4]);
        assert_eq!(joins_after_trim(vec![8], &head, 4), Vec::<usize>::new());
    }

    /// Pages with repeats across them, so that dedup decides across
    /// batches.
    fn pages(n: usize) -> Vec<Document> {
        (0..n)
            .map(|i| {
                let text = format!(
                    "第{i}篇文章的正文内容，讲述本市今年的重点工作和项目进展情况。\n第{}篇文章的正文内容，讲述本市今年的重点工作和项目进展情况。\n分享到:",
                    i / 3
                );
                Document::new(format!("p{i}"), text)
            })
            .collect()
    }

    /// A sink that keeps the ids it was given and refuses the document
    /// `refuse` (counted from 0), and counts `finish` calls.
    struct Refusing {
        ids: Vec<String>,
        refuse: usize,
        finished: usize,
    }

    impl Sink for Refusing {
        fn accept(&mut self, document: CleanDocument) -> Result<(), Error> {
            if self.ids.len() == self.refuse {
                return Err(Error::output("out", std::io::Error::other("disk full")));
            }
            self.ids.push(document.id.to_string());
            Ok(())
        }

        fn finish(&mut self, _: &RunRecord) -> Result<(), Error> {
            self.finished += 1;
            Ok(())
        }
    }

    #[test]
    fn run_stops_at_the_first_sink_or_input_error_for_any_batch_and_pool() {
        let expected = Cleaner::new(Config::default())
            .unwrap()
            .clean_batch(pages(23));
        for threads in [1, 2, 3] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            for batch in [1, 2, 5, 512] {
                // No error: every document, in order, then `finish` once.
                let mut out: Vec<CleanDocument> = Vec::new();
                pool.install(|| {
                    let mut cleaner = Cleaner::new(Config::default()).unwrap();
                    cleaner.run(pages(23).into_iter().map(Ok), batch, &mut out)
                })
                .unwrap();
                assert_eq!(out, expected, "{threads} threads, batch {batch}");
                // From a thread outside any pool (on the global pool), as
                // the command line runs it.
                let mut out: Vec<CleanDocument> = Vec::new();
                std::thread::scope(|s| {
                    s.spawn(|| {
                        let mut cleaner = Cleaner::new(Config::default()).unwrap();
                        cleaner.run(pages(23).into_iter().map(Ok), batch, &mut out)
                    })
                    .join()
                    .unwrap()
                })
                .unwrap();
                assert_eq!(out, expected, "outside, {threads} threads, batch {batch}");
                // The sink refuses document 7: 0-6 were handed over, no later one.
                let mut sink = Refusing {
                    ids: Vec::new(),
                    refuse: 7,
                    finished: 0,
                };
                let result = pool.install(|| {
                    Cleaner::new(Config::default()).unwrap().run(
                        pages(23).into_iter().map(Ok),
                        batch,
                        &mut sink,
                    )
                });
                assert!(matches!(result, Err(Error::Output { .. })));
                let first: Vec<String> = (0..7).map(|i| format!("p{i}")).collect();
                assert_eq!((sink.ids, sink.finished), (first, 0));
                // An input error after document 10: 0-10 handed over, then the error.
                let mut sink = Refusing {
                    ids: Vec::new(),
                    refuse: usize::MAX,
                    finished: 0,
                };
                let input = pages(23).into_iter().enumerate().map(|(i, page)| {
                    if i == 11 {
                        Err(Error::Config("bad input".into()))
                    } else {
                        Ok(page)
                    }
                });
                let result = pool.install(|| {
                    Cleaner::new(Config::default())
                        .unwrap()
                        .run(input, batch, &mut sink)
                });
                assert!(matches!(result, Err(Error::Config(_))));
                let first: Vec<String> = (0..11).map(|i| format!("p{i}")).collect();
                assert_eq!((sink.ids, sink.finished), (first, 0));
            }
        }
    }

    #[test]
    fn decisions_carry_the_joins_of_repaired_breaks() {
        let mut cleaner = Cleaner::new(Config::default()).unwrap();
        let page = "我市正积极扩大有效投资。呼和浩特市正\n积极谋划和储备项目。";
        let clean = cleaner.clean(Document::new("a", page));
        let paragraph = &clean.paragraphs[0];
        assert_eq!(
            &paragraph.text[paragraph.joins[0]..],
            "积极谋划和储备项目。"
        );
        let json = serde_json::to_string(paragraph).unwrap();
        assert!(json.contains(&format!("\"joins\":[{}]", paragraph.joins[0])));
        let back: ParagraphDecision = serde_json::from_str(&json).unwrap();
        assert_eq!(&back, paragraph);
    }
}
