//! The audit report: one self-contained HTML file that shows what was
//! cleaned, page by page, so a person can check the cleaner before trusting
//! it on a crawl.
//!
//! [`AuditSink`] is a [`Sink`]: it takes the cleaned documents of a run as
//! they come, in input order, and writes the report through any [`Write`]
//! when the run finishes. [`AuditSink::tee`] puts it beside the sink that
//! writes the output, and [`write_audit`] makes the report from documents
//! already in memory.
//!
//! # What the report holds
//!
//! * A summary over **every** page of the run: pages (and those with
//!   nothing kept), paragraphs and text bytes in and out (the paragraphs'
//!   text, without HTML markup, so that dropped = in − out = the sum per
//!   reason; the bytes as read are given beside), drops per reason and per
//!   boilerplate rule (with a bar chart in inline SVG), per site (with
//!   site-template drops), the site templates learned
//!   ([`AuditSink::set_templates_learned`]), the longest paragraphs dropped
//!   as boilerplate, what each rule means, and the configuration. No time:
//!   the report's bytes depend only on the input and the settings.
//! * Then a bounded selection of pages, in input order, each with all its
//!   paragraphs: kept ones plain; dropped ones struck through (`<del>`),
//!   coloured by reason, with the rule or reason written beside them in
//!   small type (and in a `title` for hover). A duplicate links to the
//!   paragraph it repeats when that page is in the report, and says so when
//!   it is not; near duplicates show the start of the text they repeat
//!   (kept for every page's kept paragraphs, up to 400 bytes each and
//!   [`AuditConfig::max_bytes`] in all, oldest forgotten first), the
//!   Hamming distance and the Jaccard similarity; site-template paragraphs
//!   show the page counts, and a ⏎ marks each repaired scraper break
//!   ([`ParagraphDecision::joins`]). CSS-only filters (a checkbox and radio
//!   inputs, no script) hide kept paragraphs or show one reason.
//!
//! # Bounded whatever the crawl
//!
//! The pages shown are:
//!
//! * a **sample** of [`AuditConfig::sample_pages`] pages: those whose
//!   `xxh3(id, seed)` are the smallest (bottom-k sampling, so the sample is
//!   uniform, deterministic, independent of the input order and of the
//!   crawl's size, and changes with [`AuditConfig::seed`]);
//! * the [`AuditConfig::top_pages`] pages with the **most dropped
//!   paragraphs**, as many with the **most dropped bytes**, as many with
//!   the **longest paragraph dropped as boilerplate** or site template (one
//!   per page: long text is seldom boilerplate, so that is where content
//!   losses show), kept with bounded heaps while the run streams (ties go
//!   to the earlier page), and the first as many pages with **nothing
//!   kept**.
//!
//! Memory holds at most those pages, each cut to its share of the size
//! limit, plus per-site counts for at most twice [`AuditConfig::max_sites`]
//! sites (counts are exact until more sites than that are seen; then the
//! sites with the fewest pages are forgotten, as in Manku and Motwani's
//! lossy counting, "Approximate frequency counts over data streams", VLDB
//! 2002, and a site counted again is marked with how many pages it may
//! miss). The
//! file never exceeds [`AuditConfig::max_bytes`]: a paragraph longer than
//! [`AuditConfig::max_paragraph_bytes`] is cut, and a page that does not fit
//! its share shows its kept paragraphs first, then the drops next to them,
//! then the first of each run of drops, the others summed up where they
//! stood (counts per rule); when the shares would be too small for every
//! page, the later pages are left out, with a note.
//!
//! # Safe to open
//!
//! Everything that comes from the input (text, ids, URLs, rule names read
//! back from a report) is escaped. Only an `http` or `https` URL becomes a
//! link, with `rel="noopener noreferrer nofollow"`; anything else (a
//! `javascript:` URL) is text. Control characters, bidirectional controls
//! and noncharacters are shown as visible code points, and U+FFFD (invalid
//! UTF-8 replaced when decoding lossily) is highlighted. The file has no
//! script, and a Content-Security-Policy (`default-src 'none';
//! style-src 'unsafe-inline'`) forbids scripts and every network request
//! anyway.
//!
//! ```
//! use chaff::audit::{AuditConfig, AuditSink};
//! use chaff::{Cleaner, Config, Document};
//! let pages = vec![
//!     Ok(Document::new("a.txt", "分享到:\n市统计局发布数据,全市经济运行总体平稳。")),
//!     Ok(Document::new("b.txt", "市统计局发布数据，全市经济运行总体平稳。\n新的段落。")),
//! ];
//! let mut clean = Vec::new(); // the output, as usual
//! let mut sink = AuditSink::new(Vec::new(), "audit.html", AuditConfig::default())?.tee(&mut clean);
//! Cleaner::new(Config::default())?.run(pages, 64, &mut sink)?;
//! let html = String::from_utf8(sink.into_parts().1.into_inner()).unwrap();
//! assert!(html.contains("<del class=\"t\">分享到:</del>"));
//! assert!(html.contains("exact duplicate of <a href=\"#d0-p1\">"));
//! assert_eq!(clean.len(), 2);
//! # Ok::<(), chaff::Error>(())
//! ```

use std::borrow::Cow;
use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap, HashMap};
use std::fmt::Write as _;
use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::xxh3_64_with_seed;

use crate::boilerplate::templates::TemplateConfig;
use crate::error::Error;
use crate::normalize::comparison_key;
use crate::report::{CleanDocument, Origin, ParagraphDecision, RunRecord, Verdict};
use crate::sink::Sink;

/// What the audit report shows and how large it may grow.
///
/// ```
/// let config: chaff::audit::AuditConfig = serde_json::from_str(r#"{"sample_pages": 10, "seed": 7}"#)?;
/// assert_eq!(config.top_pages, 20); // the rest keeps its default
/// config.validate().unwrap();
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AuditConfig {
    /// Pages in the sample: those with the smallest `xxh3(id, seed)`.
    pub sample_pages: usize,
    /// The sample's seed: another seed, another sample.
    pub seed: u64,
    /// Pages in each of the two lists of pages with the most drops (by
    /// dropped paragraphs, and by dropped bytes).
    pub top_pages: usize,
    /// Largest size of the HTML file in bytes (default 20 MB: headless
    /// Chromium loaded a full 20 MB report in 1.1 s on a loaded 2-core
    /// machine, pages off screen being laid out only when scrolled to).
    pub max_bytes: usize,
    /// Longest paragraph text shown, in bytes; the rest is cut with a note.
    pub max_paragraph_bytes: usize,
    /// Sites counted one by one: up to twice this many; beyond, the
    /// sites with the fewest pages are forgotten, keeping this many (lossy
    /// counting, see the module docs).
    pub max_sites: usize,
    /// How a page's site is named: the rule of site templates (URL host,
    /// else the id up to its separator). Give it your `Config::templates`.
    pub sites: TemplateConfig,
}

impl Default for AuditConfig {
    fn default() -> Self {
        AuditConfig {
            sample_pages: 50,
            seed: 0,
            top_pages: 20,
            max_bytes: 20_000_000,
            max_paragraph_bytes: 20_000,
            max_sites: 10_000,
            sites: TemplateConfig::default(),
        }
    }
}

/// The smallest [`AuditConfig::max_bytes`]: room for the summary and the
/// table of contents of [`MAX_PAGES_SHOWN`] pages.
pub const MIN_MAX_BYTES: usize = 1_000_000;

/// The largest [`AuditConfig::max_bytes`] (2000 MB).
pub const MAX_MAX_BYTES: usize = 2_000_000_000;

/// The most pages a report may select (`sample_pages + 4 * top_pages`:
/// the sample, and the four lists of [`AuditConfig::top_pages`]).
pub const MAX_PAGES_SHOWN: usize = 1_000;

impl AuditConfig {
    /// Checks the limits: [`Self::max_bytes`] at least [`MIN_MAX_BYTES`],
    /// at most [`MAX_PAGES_SHOWN`] pages selected, and at least 64 bytes of
    /// paragraph and one site. The errors name the `chaff` flags too.
    ///
    /// ```
    /// let config = chaff::audit::AuditConfig { sample_pages: 5000, ..Default::default() };
    /// let error = config.validate().unwrap_err().to_string();
    /// assert!(error.contains("--audit-sample"), "{error}");
    /// ```
    pub fn validate(&self) -> Result<(), Error> {
        let slots = self
            .sample_pages
            .saturating_add(self.top_pages.saturating_mul(4));
        if self.max_bytes < MIN_MAX_BYTES {
            return Err(Error::Config(format!(
                "audit: max_bytes (--audit-max-mb) is {} bytes, at least {MIN_MAX_BYTES} bytes (1 MB) is needed",
                self.max_bytes
            )));
        }
        if self.max_bytes > MAX_MAX_BYTES {
            return Err(Error::Config(format!(
                "audit: max_bytes (--audit-max-mb) is {} bytes, at most {MAX_MAX_BYTES} bytes (2000 MB)",
                self.max_bytes
            )));
        }
        if slots > MAX_PAGES_SHOWN {
            return Err(Error::Config(format!(
                "audit: sample_pages (--audit-sample) + 4 × top_pages (--audit-top) is {slots} pages, at most {MAX_PAGES_SHOWN} may be selected"
            )));
        }
        if self.max_paragraph_bytes < 64 {
            return Err(Error::Config(format!(
                "audit: max_paragraph_bytes is {}, at least 64 is needed",
                self.max_paragraph_bytes
            )));
        }
        if self.max_sites == 0 {
            return Err(Error::Config("audit: max_sites is 0".into()));
        }
        Ok(())
    }

    fn slots(&self) -> usize {
        (self.sample_pages + 4 * self.top_pages).max(1)
    }
}

/// Writes the audit report of the cleaned documents it is given (see the
/// module docs) to `W` when the run finishes.
///
/// It writes nothing before [`Sink::finish`], so give it a file that
/// appears only when complete (`io::OutputFile`) and commit that after the
/// run.
pub struct AuditSink<W> {
    out: W,
    name: PathBuf,
    audit: Audit,
}

/// What an [`AuditSink`] has counted and kept.
struct Audit {
    config: AuditConfig,
    pages: u64,
    totals: Totals,
    sites: Sites,
    stored: BTreeMap<u64, Stored>,
    /// The sample: the `sample_pages` smallest (hash, index), largest on top.
    sample: BinaryHeap<(u64, u64)>,
    /// The pages with the most dropped paragraphs, smallest on top.
    most_drops: BinaryHeap<Reverse<(u64, Reverse<u64>)>>,
    /// The pages with the most dropped bytes, smallest on top.
    most_bytes: BinaryHeap<Reverse<(u64, Reverse<u64>)>>,
    /// The pages with the longest paragraph dropped as boilerplate or site
    /// template (its bytes), smallest on top.
    longest: BinaryHeap<Reverse<(u64, Reverse<u64>)>>,
    /// Pages with nothing kept selected so far (the first `top_pages`).
    empty_selected: usize,
    /// The kept paragraphs' text, for the near duplicates that repeat them.
    origins: Origins,
    /// Site-template paragraphs learned before the run, when told.
    templates_learned: Option<usize>,
}

/// An [`AuditSink`] beside another sink: each document is shown to the
/// audit, then handed to the sink. Made by [`AuditSink::tee`].
pub struct Tee<S, W> {
    sink: S,
    audit: AuditSink<W>,
}

impl<S, W> Tee<S, W> {
    /// The sink and the audit sink, given back.
    pub fn into_parts(self) -> (S, AuditSink<W>) {
        (self.sink, self.audit)
    }

    /// The other sink.
    pub fn sink_mut(&mut self) -> &mut S {
        &mut self.sink
    }
}

impl<S: Sink, W: Write> Sink for Tee<S, W> {
    fn begin(&mut self) -> Result<(), Error> {
        self.sink.begin()?;
        self.audit.begin()
    }

    fn accept(&mut self, document: CleanDocument) -> Result<(), Error> {
        self.audit.observe(&document);
        self.sink.accept(document)
    }

    fn finish(&mut self, record: &RunRecord) -> Result<(), Error> {
        self.sink.finish(record)?;
        self.audit.finish(record)
    }
}

/// Writes the audit report of `documents` (cleaned in this order, by the
/// run that `record` describes) to `out`, and gives `out` back.
///
/// ```
/// use chaff::{Cleaner, Config, Document};
/// let mut cleaner = Cleaner::new(Config::default())?;
/// let clean = cleaner.clean_batch(vec![Document::new("<b>id</b>", "字体:[ 大 中 小 ]\n正文。")]);
/// let html = chaff::audit::write_audit(Vec::new(), &clean, &cleaner.run_record(), &Default::default())?;
/// let html = String::from_utf8(html).unwrap();
/// assert!(html.starts_with("<!DOCTYPE html>"));
/// assert!(html.contains("&lt;b&gt;id&lt;/b&gt;") && !html.contains("<b>id"));
/// # Ok::<(), chaff::Error>(())
/// ```
pub fn write_audit<W: Write>(
    out: W,
    documents: &[CleanDocument],
    record: &RunRecord,
    config: &AuditConfig,
) -> Result<W, Error> {
    let mut sink = AuditSink::new(out, "<audit>", config.clone())?;
    for document in documents {
        sink.observe(document);
    }
    sink.finish(record)?;
    Ok(sink.into_inner())
}

impl<W: Write> Sink for AuditSink<W> {
    fn accept(&mut self, document: CleanDocument) -> Result<(), Error> {
        self.observe(&document);
        Ok(())
    }

    fn finish(&mut self, record: &RunRecord) -> Result<(), Error> {
        Renderer::new(&self.audit, record)
            .write(&mut self.out)
            .and_then(|()| self.out.flush())
            .map_err(|e| Error::output(&self.name, e))
    }
}

impl<W> AuditSink<W> {
    /// An audit sink that will write to `out`; `name` names it in errors.
    /// Fails if `config` does not [validate](AuditConfig::validate).
    pub fn new(out: W, name: impl Into<PathBuf>, config: AuditConfig) -> Result<Self, Error> {
        config.validate()?;
        Ok(AuditSink {
            out,
            name: name.into(),
            audit: Audit {
                config,
                pages: 0,
                totals: Totals::default(),
                sites: Sites::default(),
                stored: BTreeMap::new(),
                sample: BinaryHeap::new(),
                most_drops: BinaryHeap::new(),
                most_bytes: BinaryHeap::new(),
                longest: BinaryHeap::new(),
                empty_selected: 0,
                origins: Origins::default(),
                templates_learned: None,
            },
        })
    }

    /// Tells the report how many site-template paragraphs were learned
    /// before the run (shown in its summary, with the thresholds).
    pub fn set_templates_learned(&mut self, paragraphs: usize) {
        self.audit.templates_learned = Some(paragraphs);
    }

    /// This audit sink beside `sink` (see [`Tee`]).
    pub fn tee<S>(self, sink: S) -> Tee<S, W> {
        Tee { sink, audit: self }
    }

    /// The writer, given back (after [`Sink::finish`], the report is in it).
    pub fn into_inner(self) -> W {
        self.out
    }

    /// Counts one cleaned document and keeps it if it is selected (what
    /// [`Sink::accept`] does, for a document the caller keeps).
    pub fn observe(&mut self, document: &CleanDocument) {
        self.audit.observe(document);
    }
}

impl Audit {
    fn observe(&mut self, document: &CleanDocument) {
        let index = self.pages;
        self.pages += 1;
        let page = PageCounts::of(document);
        self.totals.add(document, &page);
        let mut site = self
            .config
            .sites
            .site_of(&document.id, document.url.as_deref());
        // A site named by a huge id is counted by its first bytes.
        site.truncate(site.floor_char_boundary(MAX_SITE_BYTES));
        self.sites.add(&site, &page, self.config.max_sites);

        // Near duplicates show the text they repeat, kept here (bounded)
        // from every page, since the page it is on may not be shown.
        self.origins
            .add(document, index, self.config.max_bytes, ORIGIN_BYTES);
        let hash = xxh3_64_with_seed(document.id.as_bytes(), self.config.seed);
        let mut flags = 0;
        if enters_bottom(&self.sample, (hash, index), self.config.sample_pages) {
            flags |= IN_SAMPLE;
        }
        let drops = (page.dropped, Reverse(index));
        if page.dropped > 0 && enters_top(&self.most_drops, drops, self.config.top_pages) {
            flags |= IN_MOST_DROPS;
        }
        let bytes = (page.dropped_bytes, Reverse(index));
        if page.dropped_bytes > 0 && enters_top(&self.most_bytes, bytes, self.config.top_pages) {
            flags |= IN_MOST_BYTES;
        }
        let longest = page
            .longest_dropped
            .map(|(_, bytes)| (bytes, Reverse(index)));
        if let Some(longest) = longest
            && enters_top(&self.longest, longest, self.config.top_pages)
        {
            flags |= IN_LONGEST;
        }
        if page.paragraphs == page.dropped && self.empty_selected < self.config.top_pages {
            self.empty_selected += 1;
            flags |= IN_EMPTY;
        }
        if flags == 0 {
            return;
        }
        let cap = 2 * self.config.max_bytes / self.config.slots();
        self.stored.insert(
            index,
            Stored::of(
                document,
                site,
                page,
                flags,
                cap,
                self.config.max_paragraph_bytes,
                &self.origins,
            ),
        );
        if flags & IN_SAMPLE != 0 {
            self.sample.push((hash, index));
            if self.sample.len() > self.config.sample_pages
                && let Some((_, out)) = self.sample.pop()
            {
                self.release(out, IN_SAMPLE);
            }
        }
        if flags & IN_MOST_DROPS != 0 {
            self.most_drops.push(Reverse(drops));
            if self.most_drops.len() > self.config.top_pages
                && let Some(Reverse((_, Reverse(out)))) = self.most_drops.pop()
            {
                self.release(out, IN_MOST_DROPS);
            }
        }
        if flags & IN_MOST_BYTES != 0 {
            self.most_bytes.push(Reverse(bytes));
            if self.most_bytes.len() > self.config.top_pages
                && let Some(Reverse((_, Reverse(out)))) = self.most_bytes.pop()
            {
                self.release(out, IN_MOST_BYTES);
            }
        }
        if let Some(longest) = longest
            && flags & IN_LONGEST != 0
        {
            self.longest.push(Reverse(longest));
            if self.longest.len() > self.config.top_pages
                && let Some(Reverse((_, Reverse(out)))) = self.longest.pop()
            {
                self.release(out, IN_LONGEST);
            }
        }
    }

    /// Takes page `index` out of one list; forgets it when in none.
    fn release(&mut self, index: u64, flag: u8) {
        if let Some(stored) = self.stored.get_mut(&index) {
            stored.flags &= !flag;
            if stored.flags == 0 {
                self.stored.remove(&index);
            }
        }
    }
}

/// Whether `entry` belongs among the `k` smallest of `heap` (largest on top).
fn enters_bottom(heap: &BinaryHeap<(u64, u64)>, entry: (u64, u64), k: usize) -> bool {
    k > 0 && (heap.len() < k || heap.peek().is_some_and(|top| entry < *top))
}

/// Whether `entry` belongs among the `k` largest of `heap` (smallest on top).
fn enters_top(
    heap: &BinaryHeap<Reverse<(u64, Reverse<u64>)>>,
    entry: (u64, Reverse<u64>),
    k: usize,
) -> bool {
    k > 0 && (heap.len() < k || heap.peek().is_some_and(|Reverse(top)| entry > *top))
}

const IN_SAMPLE: u8 = 1;
const IN_MOST_DROPS: u8 = 2;
const IN_MOST_BYTES: u8 = 4;
const IN_LONGEST: u8 = 8;
const IN_EMPTY: u8 = 16;

/// Longest text of a kept paragraph kept for the near duplicates that
/// repeat it, in bytes.
const ORIGIN_BYTES: usize = 400;

/// The reasons a paragraph is dropped, in the order the report lists them.
const KINDS: [&str; 5] = [
    "boilerplate",
    "site_template",
    "exact_duplicate",
    "near_duplicate",
    "trimmed_sentences",
];

/// What each reason means.
const REASONS: &[(&str, &str)] = &[
    (
        "boilerplate",
        "page furniture (menus, footers, share bars…), by one of the rules below",
    ),
    (
        "site template",
        "a paragraph that recurs on many pages of its site (see Site templates above)",
    ),
    (
        "exact duplicate",
        "the same text, once normalized, as an earlier paragraph (first occurrence wins)",
    ),
    (
        "near duplicate",
        "a paragraph whose SimHash is within the Hamming distance threshold of an earlier one's and whose shingles' Jaccard similarity is high enough",
    ),
    (
        "trimmed sentences",
        "sentences of a kept paragraph that repeat sentences seen before, cut out",
    ),
];

/// What a boilerplate rule name in a [`Verdict::Boilerplate`] means, in one
/// line, as the audit report's glossary shows it; `None` for a name this
/// version does not emit.
///
/// ```
/// assert_eq!(
///     chaff::audit::rule_meaning("font_widget"),
///     Some("a font-size widget (字体:[ 大 中 小 ])")
/// );
/// assert!(chaff::audit::rule_meaning("outside_main_text").is_some());
/// assert_eq!(chaff::audit::rule_meaning("no_such_rule"), None);
/// ```
pub fn rule_meaning(name: &str) -> Option<&'static str> {
    RULE_GLOSSARY
        .iter()
        .find(|(rule, _)| *rule == name)
        .map(|(_, meaning)| *meaning)
}

/// What each boilerplate rule drops (from the docs of the rule tables in
/// `boilerplate` and `boilerplate::structure`).
const RULE_GLOSSARY: &[(&str, &str)] = &[
    (
        "ad_label",
        "an advertisement label standing alone (Advertisement, Sponsored, 广告)",
    ),
    (
        "attachment",
        "an attachment or download line (附件, a .pdf or .docx name)",
    ),
    (
        "author_credit",
        "a short author or editor credit line (记者 张三, 文/图 …)",
    ),
    (
        "bracketed_widget",
        "a short bracketed widget label such as (打印) or (关闭)",
    ),
    (
        "breadcrumb",
        "a breadcrumb trail (当前位置:, You are here:, Home > …)",
    ),
    ("browser_notice", "a notice about the browser or JavaScript"),
    (
        "byline",
        "a byline or posting line (By …, Posted on …, 作者 / 记者 …)",
    ),
    (
        "caption",
        "a photo caption or picture credit (图为…, Figure 2:, Photo: …)",
    ),
    (
        "chrome_context",
        "a short unpunctuated line with page furniture on both sides (after jusText's context pass)",
    ),
    (
        "chrome_markup",
        "HTML hints: a short line whose element is named as navigation or widget furniture",
    ),
    (
        "chrome_vocabulary",
        "a line made only of menu and widget words (打印 关闭 收藏, Back to top)",
    ),
    (
        "comments_label",
        "a comments header (Comments, 网友评论); it ends the article",
    ),
    ("cookie_notice", "a cookie banner"),
    (
        "dateline",
        "a line that is only a date, time or relative time stamp (2024-03-12 10:30, 3 hours ago)",
    ),
    (
        "digit_row",
        "a row mostly of digits and symbols, without a sentence ending (phone, postcode, registration numbers)",
    ),
    (
        "disclaimer",
        "a rights or disclaimer note (免责声明, 转载请注明, This article originally appeared …)",
    ),
    ("font_widget", "a font-size widget (字体:[ 大 中 小 ])"),
    (
        "footer",
        "a footer line (版权所有, ICP备, Copyright, address or phone rows)",
    ),
    (
        "form_control",
        "HTML: a form's control or label (select, option, button, label, textarea)",
    ),
    ("gallery", "a numbered slideshow or photo gallery (1/12 …)"),
    (
        "headline_list",
        "a run of five or more unlabelled headline-like lines (a list of other stories)",
    ),
    (
        "hidden",
        "HTML: a block the page hides (hidden, aria-hidden, display:none)",
    ),
    (
        "label_value",
        "a label: value row of a record (公开方式: / 主动公开), split over lines",
    ),
    (
        "link_dense",
        "HTML: mostly link text (more than half its characters inside <a>) and not a long sentence",
    ),
    (
        "link_density",
        "text: more than 80% of its characters in URLs, e-mail addresses or domains",
    ),
    ("login_bar", "a login, register or accessibility-mode bar"),
    ("login_prompt", "a prompt to log in"),
    (
        "menu_row",
        "a row of three or more short unpunctuated tokens (a menu)",
    ),
    (
        "metadata_row",
        "a metadata row (发布时间:, 来源:, Published:, Tags:)",
    ),
    (
        "nav_container",
        "HTML: inside <nav>, <header>, <footer>, <aside> or an element named as navigation, breadcrumb, header, footer, sidebar or pagination, below the main content",
    ),
    (
        "not_prose",
        "a short line with no sentence ending, few stop words and no list marker, outside the article's running text",
    ),
    (
        "outside_main",
        "HTML: outside the page's main content region (the element holding the most running text) and not its title",
    ),
    (
        "outside_main_text",
        "outside the page's main text region (the page model's best run of good lines, found by maximum subarray over line scores)",
    ),
    (
        "page_jump",
        "a newspaper page jump ((下转第2版)) or an end mark ((完))",
    ),
    (
        "page_tail",
        "after the page's last good paragraph, a short line with no sentence ending and few stop words",
    ),
    ("photo_credit", "a photo credit (摄, Photo by …)"),
    (
        "prompt",
        "a newsletter, app, subscription, cookie or account prompt (Sign up for …, 扫码下载客户端)",
    ),
    (
        "read_more",
        "a link to more (Read more, 展开全文) or a bracketed link ([Read: …])",
    ),
    (
        "related_label",
        "a related-articles header (Related, 相关新闻, See also); it ends the article",
    ),
    (
        "repeated_link",
        "a short link-like line repeated on the page",
    ),
    (
        "section_number",
        "a line holding only a section number (1, 2, 3 … between an article's sections)",
    ),
    ("share_widget", "a share bar (分享到, Share on, 微信扫一扫)"),
    (
        "short_line_run",
        "three or more short unpunctuated lines in a row (a link list)",
    ),
    (
        "social_links",
        "links to the site's social accounts (官方微博, Follow us)",
    ),
    (
        "teaser",
        "a headline cut off with … or ... (a teaser for another story)",
    ),
    (
        "widget_container",
        "HTML: inside an element named as share buttons, related or recommended lists, comments, ads, login or subscription boxes, metadata or captions",
    ),
    (
        "widget_row",
        "a row of widget words (打印 字体: 放大 正常 缩小 分享, Print Email Share)",
    ),
];

/// Longest site name counted, in bytes.
const MAX_SITE_BYTES: usize = 256;

/// Longest URL shown as a link, in bytes.
const MAX_URL_BYTES: usize = 4_000;

/// Distinct rule names counted one by one; more are counted together.
const MAX_RULES: usize = 1_000;

/// What a page adds to the counts.
#[derive(Debug, Clone, Copy, Default)]
struct PageCounts {
    paragraphs: u64,
    dropped: u64,
    /// Text bytes: the paragraphs' text as split (for HTML, without the
    /// markup), trimmed sentences included.
    text_in: u64,
    dropped_bytes: u64,
    bytes_out: u64,
    /// Paragraphs dropped as site template.
    templates: u64,
    /// The longest paragraph dropped as boilerplate or site template: its
    /// position and bytes.
    longest_dropped: Option<(usize, u64)>,
}

impl PageCounts {
    fn of(document: &CleanDocument) -> Self {
        let mut counts = PageCounts::default();
        for (i, paragraph) in document.paragraphs.iter().enumerate() {
            counts.paragraphs += 1;
            let len = paragraph.text.len() as u64;
            counts.text_in += len;
            if paragraph.verdict.is_output(&paragraph.text) {
                counts.bytes_out += len;
            } else {
                counts.dropped += 1;
                counts.dropped_bytes += len;
            }
            match &paragraph.verdict {
                Verdict::TrimmedSentences { sentences } => {
                    let trimmed = sentences.iter().map(|s| s.text.len() as u64).sum::<u64>();
                    counts.dropped_bytes += trimmed;
                    counts.text_in += trimmed;
                }
                Verdict::Boilerplate { .. } | Verdict::SiteTemplate { .. } => {
                    if matches!(paragraph.verdict, Verdict::SiteTemplate { .. }) {
                        counts.templates += 1;
                    }
                    if len > 0 && counts.longest_dropped.is_none_or(|(_, l)| len > l) {
                        counts.longest_dropped = Some((i, len));
                    }
                }
                _ => {}
            }
        }
        counts
    }
}

/// Paragraphs and bytes.
#[derive(Debug, Clone, Copy, Default)]
struct Count {
    paragraphs: u64,
    bytes: u64,
}

/// Counts over every page.
#[derive(Debug, Default)]
struct Totals {
    paragraphs_in: u64,
    paragraphs_out: u64,
    /// Bytes as read (for HTML, with the markup).
    bytes_in: u64,
    /// Text bytes (see [`PageCounts::text_in`]).
    text_in: u64,
    bytes_out: u64,
    pages_empty: u64,
    replaced_invalid_utf8: u64,
    sentences_trimmed: u64,
    /// Per reason kind, in [`KINDS`] order.
    kinds: [Count; 5],
    /// Per (kind, rule) for boilerplate rules, per kind otherwise.
    rules: HashMap<(usize, Cow<'static, str>), Count>,
    rules_overflow: Count,
}

impl Totals {
    fn add(&mut self, document: &CleanDocument, page: &PageCounts) {
        self.paragraphs_in += page.paragraphs;
        self.paragraphs_out += page.paragraphs - page.dropped;
        self.bytes_in += document.bytes_in as u64;
        self.text_in += page.text_in;
        self.bytes_out += page.bytes_out;
        if page.paragraphs == page.dropped {
            self.pages_empty += 1;
        }
        self.replaced_invalid_utf8 += document.replaced_invalid_utf8 as u64;
        for paragraph in &document.paragraphs {
            let (kind, bytes) = match &paragraph.verdict {
                Verdict::Kept => continue,
                Verdict::TrimmedSentences { sentences } => {
                    self.sentences_trimmed += sentences.len() as u64;
                    let trimmed = sentences.iter().map(|s| s.text.len() as u64).sum::<u64>();
                    if paragraph.verdict.is_output(&paragraph.text) {
                        (4, trimmed)
                    } else {
                        (4, trimmed + paragraph.text.len() as u64)
                    }
                }
                verdict => (kind_of(verdict), paragraph.text.len() as u64),
            };
            self.kinds[kind].paragraphs += 1;
            self.kinds[kind].bytes += bytes;
            let rule = match &paragraph.verdict {
                Verdict::Boilerplate { rule, .. } => rule.clone(),
                _ => Cow::Borrowed(KINDS[kind]),
            };
            let key = (kind, rule);
            let full = self.rules.len() >= MAX_RULES;
            let count = match self.rules.get_mut(&key) {
                Some(count) => count,
                None if full => &mut self.rules_overflow,
                None => self.rules.entry(key).or_default(),
            };
            count.paragraphs += 1;
            count.bytes += bytes;
        }
    }
}

fn kind_of(verdict: &Verdict) -> usize {
    match verdict {
        Verdict::Boilerplate { .. } => 0,
        Verdict::SiteTemplate { .. } => 1,
        Verdict::ExactDuplicate { .. } => 2,
        Verdict::NearDuplicate { .. } => 3,
        Verdict::Kept | Verdict::TrimmedSentences { .. } => 4,
    }
}

/// Counts of one site.
#[derive(Debug, Clone, Default)]
struct SiteCounts {
    pages: u64,
    /// Pages the site may have had before it was counted again, after it
    /// was forgotten (see [`Sites`]).
    error: u64,
    paragraphs: u64,
    dropped: u64,
    templates: u64,
    text_in: u64,
    dropped_bytes: u64,
}

impl SiteCounts {
    fn add(&mut self, page: &PageCounts) {
        self.pages += 1;
        self.paragraphs += page.paragraphs;
        self.dropped += page.dropped;
        self.templates += page.templates;
        self.text_in += page.text_in;
        self.dropped_bytes += page.dropped_bytes;
    }
}

/// Per-site counts in bounded memory: at most `2 × capacity` sites are
/// counted; when there are more, the `capacity` with the most pages are
/// kept and the others forgotten (the batch pruning of Manku and Motwani's
/// lossy counting, "Approximate frequency counts over data streams", VLDB
/// 2002). A site counted again after that may have had up to `floor` pages
/// before, its `error`. One hash lookup per page, amortized O(1) pruning.
#[derive(Debug, Default)]
struct Sites {
    counts: HashMap<String, SiteCounts>,
    /// The most pages of a site forgotten so far.
    floor: u64,
    /// Sites forgotten so far.
    forgotten: u64,
}

impl Sites {
    fn add(&mut self, site: &str, page: &PageCounts, capacity: usize) {
        if let Some(counts) = self.counts.get_mut(site) {
            counts.add(page);
            return;
        }
        if self.counts.len() >= 2 * capacity {
            self.prune(capacity);
        }
        let mut counts = SiteCounts {
            error: self.floor,
            ..SiteCounts::default()
        };
        counts.add(page);
        self.counts.insert(site.to_owned(), counts);
    }

    /// Keeps the `capacity` sites with the most pages (ties: the name).
    fn prune(&mut self, capacity: usize) {
        let mut sites: Vec<(String, SiteCounts)> = self.counts.drain().collect();
        let keep = capacity.min(sites.len());
        if keep > 0 && keep < sites.len() {
            sites.select_nth_unstable_by(keep - 1, |a, b| {
                b.1.pages.cmp(&a.1.pages).then_with(|| a.0.cmp(&b.0))
            });
        }
        for (_, counts) in sites.drain(keep..) {
            self.floor = self.floor.max(counts.pages);
            self.forgotten += 1;
        }
        self.counts.extend(sites);
    }
}

/// The text of kept paragraphs, cut to a few hundred bytes, by page id
/// and paragraph, for the near duplicates that repeat them: at most about
/// `budget` bytes, the oldest forgotten first (first in, first out, so
/// deterministic). A later page with the same id replaces an earlier one's
/// paragraphs, as a duplicate repeats the latest.
#[derive(Debug, Default)]
struct Origins {
    texts: HashMap<(Arc<str>, u32), (u64, Box<str>)>,
    order: std::collections::VecDeque<(Arc<str>, u32, u64)>,
    bytes: usize,
}

/// What a kept text costs in memory besides its bytes.
const ORIGIN_OVERHEAD: usize = 64;

impl Origins {
    fn add(&mut self, document: &CleanDocument, index: u64, budget: usize, max: usize) {
        for (i, paragraph) in document.paragraphs.iter().enumerate() {
            if !paragraph.verdict.is_output(&paragraph.text) {
                continue;
            }
            let Ok(i) = u32::try_from(i) else { break };
            let text: Box<str> = cut(&paragraph.text, max).into();
            self.bytes += text.len() + ORIGIN_OVERHEAD;
            if let Some((_, old)) = self
                .texts
                .insert((Arc::clone(&document.id), i), (index, text))
            {
                self.bytes -= old.len() + ORIGIN_OVERHEAD;
            }
            self.order.push_back((Arc::clone(&document.id), i, index));
        }
        while self.bytes > budget {
            let Some((id, i, at)) = self.order.pop_front() else {
                break;
            };
            let key = (id, i);
            if self.texts.get(&key).is_some_and(|(page, _)| *page == at)
                && let Some((_, old)) = self.texts.remove(&key)
            {
                self.bytes -= old.len() + ORIGIN_OVERHEAD;
            }
        }
    }

    /// The page (input position) and text of the paragraph `origin` names.
    fn get(&self, origin: &Origin) -> Option<(u64, &str)> {
        self.texts
            .get(&(Arc::clone(&origin.id), origin.paragraph))
            .map(|(index, text)| (*index, text.as_ref()))
    }
}

/// A paragraph kept for showing.
#[derive(Debug)]
struct ShownParagraph {
    /// Its position among its page's paragraphs.
    at: usize,
    decision: ParagraphDecision,
    /// Its full text length in bytes.
    full: usize,
    /// For a duplicate: the page (input position) of the paragraph it
    /// repeats and the start of that paragraph's text, when known.
    origin: Option<(u64, Box<str>)>,
}

/// Most runs of paragraphs with the same label kept per page, and most
/// labels: beyond, paragraphs are counted as "other".
const MAX_RUNS: usize = 4_096;
const MAX_LABELS: usize = 64;

/// A selected page, cut to its share of the report.
#[derive(Debug)]
struct Stored {
    id: Arc<str>,
    url: Option<String>,
    site: String,
    bytes_in: usize,
    replaced_invalid_utf8: usize,
    counts: PageCounts,
    /// The paragraphs kept for showing (all of them when they fit; else
    /// the kept ones first, their neighbours, the longest dropped one and
    /// the first of each run, see [`choose`]), in order.
    paragraphs: Vec<ShownParagraph>,
    /// What became of every paragraph, as runs of one label: (first
    /// paragraph, index in `labels`), to say what the paragraphs not shown
    /// were.
    runs: Vec<(usize, u8)>,
    labels: Vec<Cow<'static, str>>,
    flags: u8,
}

/// A paragraph's label in the notes on paragraphs not shown.
fn label_of(paragraph: &ParagraphDecision) -> Cow<'static, str> {
    match &paragraph.verdict {
        Verdict::Boilerplate { rule, .. } => rule.clone(),
        verdict if verdict.is_output(&paragraph.text) => Cow::Borrowed("kept"),
        verdict => Cow::Borrowed(KINDS[kind_of(verdict)]),
    }
}

/// Which paragraphs to show within `budget` bytes: all when they fit; else
/// by priority (0: kept paragraphs and `must`; 1: dropped paragraphs next
/// to a kept one; 2: the first of each run of drops with the same label;
/// 3: the rest), in input order within a priority, each taken if it still
/// fits. Gives the positions chosen, in order.
fn choose(
    sizes: &[usize],
    kept: &[bool],
    same_as_previous: &[bool],
    must: Option<usize>,
    budget: usize,
) -> Vec<usize> {
    if sizes.iter().sum::<usize>() <= budget {
        return (0..sizes.len()).collect();
    }
    let n = sizes.len();
    let priority = |i: usize| -> u8 {
        if kept[i] || must == Some(i) {
            0
        } else if (i > 0 && kept[i - 1]) || (i + 1 < n && kept[i + 1]) {
            1
        } else if !same_as_previous[i] {
            2
        } else {
            3
        }
    };
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by_key(|&i| (priority(i), i));
    let mut taken = vec![false; n];
    let mut size = 0;
    for i in order {
        if size + sizes[i] <= budget || must == Some(i) {
            size += sizes[i];
            taken[i] = true;
        }
    }
    (0..n).filter(|&i| taken[i]).collect()
}

impl Stored {
    fn of(
        document: &CleanDocument,
        site: String,
        counts: PageCounts,
        flags: u8,
        cap: usize,
        max_paragraph: usize,
        origins: &Origins,
    ) -> Self {
        let mut labels: Vec<Cow<'static, str>> = Vec::new();
        let mut runs: Vec<(usize, u8)> = Vec::new();
        let mut kept = Vec::with_capacity(document.paragraphs.len());
        let mut same = Vec::with_capacity(document.paragraphs.len());
        let mut sizes = Vec::with_capacity(document.paragraphs.len());
        for (i, paragraph) in document.paragraphs.iter().enumerate() {
            let label = label_of(paragraph);
            let index = match labels.iter().position(|l| *l == label) {
                Some(index) => index,
                None if labels.len() < MAX_LABELS => {
                    labels.push(label);
                    labels.len() - 1
                }
                None => MAX_LABELS,
            } as u8;
            same.push(runs.last().is_some_and(|&(_, l)| l == index));
            if !same[i] {
                if runs.len() + 1 < MAX_RUNS {
                    runs.push((i, index));
                } else if runs.last().is_some_and(|&(_, l)| l != MAX_LABELS as u8) {
                    runs.push((i, MAX_LABELS as u8));
                }
            }
            kept.push(paragraph.verdict.is_output(&paragraph.text));
            // Markup costs about this much per paragraph.
            sizes.push(paragraph.text.len().min(max_paragraph) + 200);
        }
        let must = counts.longest_dropped.map(|(at, _)| at);
        let chosen = choose(&sizes, &kept, &same, must, cap);
        let paragraphs = chosen
            .into_iter()
            .map(|at| {
                let paragraph = &document.paragraphs[at];
                let mut decision = ParagraphDecision {
                    line: paragraph.line,
                    byte_offset: paragraph.byte_offset,
                    text: cut(&paragraph.text, max_paragraph).to_owned(),
                    joins: Vec::new(),
                    verdict: paragraph.verdict.clone(),
                };
                decision.joins = paragraph
                    .joins
                    .iter()
                    .copied()
                    .filter(|&join| join < decision.text.len())
                    .collect();
                if let Verdict::TrimmedSentences { sentences } = &mut decision.verdict {
                    for sentence in sentences.iter_mut() {
                        let len = cut(&sentence.text, max_paragraph).len();
                        sentence.text.truncate(len);
                    }
                }
                let origin = match &paragraph.verdict {
                    Verdict::NearDuplicate { duplicate_of, .. } => origins
                        .get(duplicate_of)
                        .map(|(index, text)| (index, Box::from(text))),
                    // An exact duplicate's origin is trusted when its text
                    // is the same (ids may repeat).
                    Verdict::ExactDuplicate { duplicate_of } => origins
                        .get(duplicate_of)
                        .filter(|(_, text)| same_text(text, &paragraph.text))
                        .map(|(index, _)| (index, Box::from(""))),
                    _ => None,
                };
                ShownParagraph {
                    at,
                    decision,
                    full: paragraph.text.len(),
                    origin,
                }
            })
            .collect();
        Stored {
            id: Arc::clone(&document.id),
            // A URL longer than a link may be is shown cut, as text.
            url: document
                .url
                .as_deref()
                .map(|url| cut(url, 2 * MAX_URL_BYTES).to_owned()),
            site,
            bytes_in: document.bytes_in,
            replaced_invalid_utf8: document.replaced_invalid_utf8,
            counts,
            paragraphs,
            runs,
            labels,
            flags,
        }
    }

    /// What the paragraphs `range` (not shown) were: counts per label,
    /// the most frequent first, at most four named.
    fn gap_summary(&self, range: std::ops::Range<usize>) -> String {
        let mut counts: Vec<(usize, u64)> = Vec::new();
        for (k, &(start, label)) in self.runs.iter().enumerate() {
            let end = self
                .runs
                .get(k + 1)
                .map_or(self.counts.paragraphs as usize, |&(next, _)| next);
            let (from, to) = (start.max(range.start), end.min(range.end));
            if from >= to {
                continue;
            }
            let label = label as usize;
            match counts.iter_mut().find(|(l, _)| *l == label) {
                Some((_, n)) => *n += (to - from) as u64,
                None => counts.push((label, (to - from) as u64)),
            }
        }
        counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let mut parts: Vec<String> = counts
            .iter()
            .take(4)
            .map(|&(label, n)| {
                let name = self.labels.get(label).map_or("other", |l| l.as_ref());
                format!("{} {}", number(n), escape(&chars_cut(name, 40), 400))
            })
            .collect();
        let rest: u64 = counts.iter().skip(4).map(|&(_, n)| n).sum();
        if rest > 0 {
            parts.push(format!("{} other", number(rest)));
        }
        parts.join(", ")
    }
}

/// Whether `kept` (a paragraph's text, maybe cut to [`ORIGIN_BYTES`] or
/// to the longest paragraph shown) reads as the start of `text` once both
/// are normalized as the exact-duplicate test normalizes them.
fn same_text(kept: &str, text: &str) -> bool {
    let (k, t) = (comparison_key(kept), comparison_key(text));
    if k == t {
        return true;
    }
    // A cut text: the same start, less its last characters (the cut may
    // split what normalization joins).
    kept.len() >= ORIGIN_BYTES - 4 && {
        let start = &k[..k.floor_char_boundary(k.len().saturating_sub(16))];
        !start.is_empty() && t.starts_with(start)
    }
}

/// The longest prefix of `text` of at most `max` bytes that ends on a
/// character boundary.
fn cut(text: &str, max: usize) -> &str {
    &text[..text.floor_char_boundary(max)]
}

/// Makes the HTML at the end of a run.
struct Renderer<'a> {
    config: &'a AuditConfig,
    record: &'a RunRecord,
    pages: u64,
    totals: &'a Totals,
    sites: &'a Sites,
    stored: &'a BTreeMap<u64, Stored>,
    /// Rank of each page in the two top lists, 1-based.
    drops_rank: HashMap<u64, usize>,
    bytes_rank: HashMap<u64, usize>,
    longest_rank: HashMap<u64, usize>,
    /// Pages with the longest paragraph dropped as boilerplate, longest
    /// first.
    longest: Vec<u64>,
    templates_learned: Option<usize>,
    /// Selected pages by id, in input order.
    by_id: HashMap<&'a str, Vec<u64>>,
}

/// Room kept at the end of a page for the note that it was cut and the
/// closing tags.
const PAGE_TAIL: usize = 600;

/// The smallest share of the report a page is given, in bytes, when not
/// every page fits (its heading and a few paragraphs).
const MIN_PAGE_SHARE: usize = PAGE_TAIL + 2_400;

/// The paragraphs shown of each page written so far (by position).
type Shown = HashMap<u64, std::collections::HashSet<usize>>;

impl<'a> Renderer<'a> {
    fn new(sink: &'a Audit, record: &'a RunRecord) -> Self {
        let rank = |heap: &BinaryHeap<Reverse<(u64, Reverse<u64>)>>| {
            let mut entries: Vec<(u64, Reverse<u64>)> =
                heap.iter().map(|Reverse(entry)| *entry).collect();
            entries.sort_by(|a, b| b.cmp(a));
            entries
                .into_iter()
                .enumerate()
                .map(|(rank, (_, Reverse(index)))| (index, rank + 1))
                .collect::<HashMap<u64, usize>>()
        };
        let mut by_id: HashMap<&str, Vec<u64>> = HashMap::new();
        for (index, stored) in &sink.stored {
            by_id.entry(&stored.id).or_default().push(*index);
        }
        Renderer {
            config: &sink.config,
            record,
            pages: sink.pages,
            totals: &sink.totals,
            sites: &sink.sites,
            stored: &sink.stored,
            drops_rank: rank(&sink.most_drops),
            bytes_rank: rank(&sink.most_bytes),
            longest_rank: rank(&sink.longest),
            longest: {
                let mut entries: Vec<(u64, Reverse<u64>)> =
                    sink.longest.iter().map(|Reverse(entry)| *entry).collect();
                entries.sort_by(|a, b| b.cmp(a));
                entries.into_iter().map(|(_, Reverse(i))| i).collect()
            },
            templates_learned: sink.templates_learned,
            by_id,
        }
    }

    /// Writes the whole report, at most `max_bytes` long.
    fn write(&self, out: &mut impl Write) -> std::io::Result<()> {
        let head = self.head();
        let tail = "</main>\n</body>\n</html>\n";
        let mut left_out = 0;
        let available = self
            .config
            .max_bytes
            .saturating_sub(head.len() + tail.len() + PAGE_TAIL);
        // First pass: how large each page is, up to what is available.
        let sizes: Vec<usize> = self
            .stored
            .iter()
            .map(|(&index, stored)| {
                self.page(index, stored, available, &mut Shown::new())
                    .map_or(0, |html| html.len() + PAGE_TAIL)
            })
            .collect();
        // Pages in input order while each can have at least a small share
        // (its heading and a few paragraphs); the others are left out, so
        // that many tiny shares never leave every page out.
        let mut need = 0usize;
        let included = sizes
            .iter()
            .take_while(|&&size| {
                need += size.min(MIN_PAGE_SHARE);
                need <= available
            })
            .count();
        let mut shares = water_fill(&sizes[..included], available);
        shares.resize(sizes.len(), 0);
        out.write_all(head.as_bytes())?;
        let mut shown = Shown::new();
        for ((&index, stored), share) in self.stored.iter().zip(shares) {
            match self.page(index, stored, share, &mut shown) {
                Some(html) => out.write_all(html.as_bytes())?,
                None => left_out += 1,
            }
        }
        if left_out > 0 {
            let note = format!(
                "<p class=\"note\">{left_out} selected pages were left out to keep this file under {} bytes.</p>\n",
                number(self.config.max_bytes as u64)
            );
            out.write_all(note.as_bytes())?;
        }
        out.write_all(tail.as_bytes())
    }

    /// Everything before the pages: the summary and the list of pages.
    fn head(&self) -> String {
        let mut h = String::with_capacity(64 * 1024);
        h.push_str(concat!(
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n",
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'\">\n",
            "<meta name=\"referrer\" content=\"no-referrer\">\n",
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n",
            "<title>chaff audit</title>\n<style>\n",
        ));
        h.push_str(CSS);
        h.push_str("</style>\n</head>\n<body>\n");
        // The filters: inputs before <main> (CSS's `~` reaches only later
        // siblings), their labels in a bar that takes its own room.
        h.push_str("<input type=\"checkbox\" id=\"only-dropped\" class=\"f\">\n<input type=\"radio\" name=\"reason\" id=\"r-all\" class=\"f\" checked=\"checked\">\n");
        for kind in KINDS {
            let _ = writeln!(
                h,
                "<input type=\"radio\" name=\"reason\" id=\"r-{kind}\" class=\"f\">"
            );
        }
        h.push_str("<div class=\"bar\"><a href=\"#top\">top</a> · <a href=\"#contents\">pages</a> · <label for=\"only-dropped\">dropped only</label> · show: <label for=\"r-all\">all reasons</label>");
        for kind in KINDS {
            let _ = write!(
                h,
                " <label for=\"r-{kind}\"><span class=\"key {kind}\"></span>{}</label>",
                kind.replace('_', " ")
            );
        }
        h.push_str("</div>\n<main id=\"top\">\n");
        let t = self.totals;
        let dropped = t.paragraphs_in - t.paragraphs_out;
        let _ = write!(
            h,
            "<h1>chaff audit</h1>\n<p class=\"lede\">{} pages cleaned by chaff {}; {} of them shown below.</p>\n",
            number(self.pages),
            escape(&self.record.chaff_version, 100),
            number(self.stored.len() as u64),
        );
        h.push_str("<section id=\"summary\">\n<h2>Summary</h2>\n<table class=\"totals\">\n<tr><th></th><th>in</th><th>out</th><th>dropped</th></tr>\n");
        let _ = writeln!(
            h,
            "<tr><th>paragraphs</th><td>{}</td><td>{}</td><td>{} ({})</td></tr>",
            number(t.paragraphs_in),
            number(t.paragraphs_out),
            number(dropped),
            percent(dropped, t.paragraphs_in)
        );
        let _ = write!(
            h,
            "<tr><th>text bytes</th><td>{}</td><td>{}</td><td>{} ({})</td></tr>\n<tr><th>pages</th><td>{}</td><td>{}</td><td>{} with nothing kept ({})</td></tr>\n</table>\n",
            number(t.text_in),
            number(t.bytes_out),
            number(t.text_in.saturating_sub(t.bytes_out)),
            percent(t.text_in.saturating_sub(t.bytes_out), t.text_in),
            number(self.pages),
            number(self.pages - t.pages_empty),
            number(t.pages_empty),
            percent(t.pages_empty, self.pages),
        );
        let _ = writeln!(
            h,
            "<p class=\"small\">Text bytes are the UTF-8 bytes of the paragraphs as split (for HTML, the text of its blocks, without markup; trimmed sentences included); dropped = in − out = the sum of the drops per reason. The input as read was {} bytes (with markup, line breaks and blank lines).{}{}</p>",
            number(t.bytes_in),
            if t.replaced_invalid_utf8 > 0 {
                format!(
                    " Invalid UTF-8 sequences replaced: {}.",
                    number(t.replaced_invalid_utf8)
                )
            } else {
                String::new()
            },
            if t.sentences_trimmed > 0 {
                format!(
                    " Sentences trimmed from kept paragraphs: {}.",
                    number(t.sentences_trimmed)
                )
            } else {
                String::new()
            }
        );
        h.push_str("<div class=\"cols\">\n");
        self.chart(&mut h);
        self.kinds(&mut h);
        h.push_str("</div>\n<div class=\"cols\">\n");
        self.rules(&mut h);
        self.sites_table(&mut h);
        h.push_str("</div>\n");
        self.templates(&mut h);
        self.longest(&mut h);
        self.selection(&mut h);
        self.glossary(&mut h);
        h.push_str("</section>\n");
        self.contents(&mut h);
        h
    }

    /// Bars of dropped paragraphs per rule and reason, largest first.
    fn chart(&self, h: &mut String) {
        let mut bars: Vec<(usize, &str, u64)> = self
            .totals
            .rules
            .iter()
            .map(|((kind, rule), count)| (*kind, rule.as_ref(), count.paragraphs))
            .collect();
        bars.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(&b.0)).then(a.1.cmp(b.1)));
        // One bar left over is shown as itself, not as "other rules".
        let shown = if bars.len() == 17 && self.totals.rules_overflow.paragraphs == 0 {
            17
        } else {
            16
        };
        let rest: u64 = bars.iter().skip(shown).map(|b| b.2).sum::<u64>()
            + self.totals.rules_overflow.paragraphs;
        bars.truncate(shown);
        if rest > 0 {
            bars.push((5, "other rules", rest));
        }
        if bars.is_empty() {
            h.push_str("<p>Nothing was dropped.</p>\n");
            return;
        }
        let max = bars.iter().map(|b| b.2).max().unwrap_or(1).max(1);
        let (label_w, bar_w, row) = (170.0, 300.0, 22.0);
        let height = row * bars.len() as f64 + 8.0;
        let _ = writeln!(
            h,
            "<figure><svg class=\"chart\" role=\"img\" aria-labelledby=\"chart-title\" width=\"520\" height=\"{height}\" viewBox=\"0 0 520 {height}\" xmlns=\"http://www.w3.org/2000/svg\"><title id=\"chart-title\">Dropped paragraphs per rule and reason</title>"
        );
        for (i, (kind, name, count)) in bars.iter().enumerate() {
            let y = 4.0 + row * i as f64;
            let w = (bar_w * *count as f64 / max as f64).max(1.0);
            let class = KINDS.get(*kind).copied().unwrap_or("other");
            let _ = writeln!(
                h,
                "<text x=\"{x}\" y=\"{ty}\" text-anchor=\"end\">{label}</text><rect class=\"{class}\" x=\"{bx}\" y=\"{y}\" width=\"{w:.1}\" height=\"16\"><title>{title}: {n}</title></rect><text x=\"{cx:.1}\" y=\"{ty}\">{n}</text>",
                x = label_w - 6.0,
                ty = y + 12.5,
                // Inside SVG an HTML element such as escape's <span> would
                // end the <svg>: plain text only.
                label = escape_attr(&chars_cut(name, 28), 400),
                bx = label_w,
                title = escape_attr(name, 400),
                n = number(*count),
                cx = label_w + w + 4.0,
            );
        }
        h.push_str(
            "</svg><figcaption>Dropped paragraphs per rule (boilerplate) and reason, over all pages.</figcaption></figure>\n",
        );
    }

    /// The table of drops per reason.
    fn kinds(&self, h: &mut String) {
        let t = self.totals;
        h.push_str("<div>\n<h3>Drops per reason</h3>\n<table class=\"reasons\">\n<tr><th>reason</th><th>paragraphs</th><th>bytes</th></tr>\n");
        for (kind, count) in KINDS.iter().zip(t.kinds.iter()) {
            if count.paragraphs == 0 {
                continue;
            }
            let _ = writeln!(
                h,
                "<tr><td><span class=\"key {kind}\"></span>{}</td><td>{}</td><td>{}</td></tr>",
                kind.replace('_', " "),
                number(count.paragraphs),
                number(count.bytes)
            );
        }
        h.push_str("</table>\n</div>\n");
    }

    /// The table of boilerplate drops per rule.
    fn rules(&self, h: &mut String) {
        let t = self.totals;
        let mut rules: Vec<(&(usize, Cow<'static, str>), &Count)> =
            t.rules.iter().filter(|((kind, _), _)| *kind == 0).collect();
        if rules.is_empty() {
            return;
        }
        rules.sort_by(|a, b| b.1.paragraphs.cmp(&a.1.paragraphs).then(a.0.cmp(b.0)));
        h.push_str("<div>\n<h3>Boilerplate drops per rule</h3>\n<table class=\"rules\">\n<tr><th>rule</th><th>paragraphs</th><th>bytes</th></tr>\n");
        const ROWS: usize = 100;
        for ((_, rule), count) in rules.iter().take(ROWS) {
            let _ = writeln!(
                h,
                "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape(rule, 400),
                number(count.paragraphs),
                number(count.bytes)
            );
        }
        let more = rules.len().saturating_sub(ROWS);
        if more > 0 || t.rules_overflow.paragraphs > 0 {
            let rest: u64 = rules
                .iter()
                .skip(ROWS)
                .map(|(_, c)| c.paragraphs)
                .sum::<u64>()
                + t.rules_overflow.paragraphs;
            let _ = writeln!(
                h,
                "<tr><td>other rules</td><td>{}</td><td></td></tr>",
                number(rest)
            );
        }
        h.push_str("</table>\n</div>\n");
    }

    /// The sites with the most dropped paragraphs.
    fn sites_table(&self, h: &mut String) {
        const ROWS: usize = 50;
        let mut sites: Vec<(&String, &SiteCounts)> = self.sites.counts.iter().collect();
        sites.sort_by(|a, b| {
            b.1.dropped
                .cmp(&a.1.dropped)
                .then(b.1.pages.cmp(&a.1.pages))
                .then(a.0.cmp(b.0))
        });
        let _ = writeln!(
            h,
            "<div>\n<h3>Sites</h3>\n<p class=\"small\">{} sites{}; the {} with the most dropped paragraphs.{}</p>",
            number(self.sites.counts.len() as u64),
            if self.sites.forgotten > 0 {
                " counted"
            } else {
                ""
            },
            sites.len().min(ROWS),
            if self.sites.forgotten > 0 {
                format!(
                    " More sites were seen than the {} counted one by one: {} sites with at most {} {} each were forgotten to keep the largest (lossy counting), and a count marked + may miss up to that many pages its site had before it was counted again.",
                    number(2 * self.config.max_sites as u64),
                    number(self.sites.forgotten),
                    number(self.sites.floor),
                    plural(self.sites.floor, "page", "pages")
                )
            } else {
                String::new()
            }
        );
        h.push_str("<table class=\"sites\">\n<tr><th>site</th><th>pages</th><th>paragraphs</th><th>dropped</th><th>site template</th><th>text bytes in</th><th>text bytes dropped</th></tr>\n");
        for (site, c) in sites.iter().take(ROWS) {
            let approx = if c.error > 0 {
                format!(" (+ up to {})", number(c.error))
            } else {
                String::new()
            };
            let _ = writeln!(
                h,
                "<tr><td>{}</td><td>{}{approx}</td><td>{}</td><td>{} ({})</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape(&chars_cut(site, 80), 600),
                number(c.pages),
                number(c.paragraphs),
                number(c.dropped),
                percent(c.dropped, c.paragraphs),
                number(c.templates),
                number(c.text_in),
                number(c.dropped_bytes)
            );
        }
        h.push_str("</table>\n</div>\n");
    }

    /// How the pages shown were chosen, and the run's configuration.
    fn selection(&self, h: &mut String) {
        let c = self.config;
        let _ = writeln!(
            h,
            "<h3>The pages below</h3>\n<p>A sample of {} pages (the smallest xxh3 of the id with seed {}), the {top} pages with the most dropped paragraphs, the {top} with the most dropped text bytes, the {top} with the longest paragraphs dropped as boilerplate or site template, and the first {top} with nothing kept, in input order (#N is a page's position in the input, from 1); at most {} bytes in all, paragraphs cut after {} bytes. A page too large for its share shows its kept paragraphs first, then the drops next to them, then the first of each run of drops; the paragraphs left out are summed up where they stood (⋯).</p>",
            number(c.sample_pages as u64),
            c.seed,
            number(c.max_bytes as u64),
            number(c.max_paragraph_bytes as u64),
            top = number(c.top_pages as u64),
        );
        h.push_str("<p class=\"legend\">Kept paragraphs are plain. Dropped ones are struck through and coloured by reason: ");
        for kind in KINDS {
            let _ = write!(
                h,
                "<span class=\"key {kind}\"></span>{} ",
                kind.replace('_', " ")
            );
        }
        h.push_str("; the rule or reason is written after each. <span class=\"j\" role=\"img\" aria-label=\"repaired line break\">⏎</span> marks where a line the scraper broke off was joined back on. ¶ numbers count from 0, as in the report JSONL.</p>\n");
        let config = serde_json::to_string_pretty(&self.record.config).unwrap_or_default();
        let _ = writeln!(
            h,
            "<details><summary>Configuration of the run</summary><pre>{}</pre></details>",
            escape_lines(&config, 200_000)
        );
    }

    /// Site templates: how many were learned, with what thresholds, and
    /// how many paragraphs they dropped.
    fn templates(&self, h: &mut String) {
        let dropped = self.totals.kinds[1].paragraphs;
        if self.templates_learned.is_none() && dropped == 0 {
            return;
        }
        let t = &self.config.sites;
        let _ = write!(
            h,
            "<p>Site templates: {} paragraphs dropped as site template.",
            number(dropped)
        );
        if let Some(learned) = self.templates_learned {
            let _ = write!(
                h,
                " {} template {} learned before the run: a paragraph on at least {} pages of its site and on at least {:.0}% of them (min_pages, min_share).",
                number(learned as u64),
                plural(learned as u64, "paragraph", "paragraphs"),
                t.min_pages,
                100.0 * t.min_share
            );
            if self.sites.forgotten == 0
                && self.sites.counts.len() as u64 == self.pages
                && self.pages > 1
            {
                h.push_str(" <span class=\"bad\">Every site has a single page, so no template can be learned: pages without a URL are grouped by their id up to its separator (see the Sites table).</span>");
            }
        }
        h.push_str("</p>\n");
    }

    /// The paragraphs dropped as boilerplate or site template with the
    /// most text, one per page: where content losses show first.
    fn longest(&self, h: &mut String) {
        if self.longest.is_empty() {
            return;
        }
        h.push_str("<h3 id=\"longest\">Longest paragraphs dropped as boilerplate</h3>\n<p class=\"small\">The longest paragraph dropped as boilerplate or site template on each page, the longest first (one per page, over all pages): long text is seldom boilerplate, so check these first. Their pages are below.</p>\n<table class=\"longest\">\n<tr><th>paragraph</th><th>text bytes</th><th>rule</th><th>text</th></tr>\n");
        for &index in &self.longest {
            let Some(stored) = self.stored.get(&index) else {
                continue;
            };
            let Some((at, bytes)) = stored.counts.longest_dropped else {
                continue;
            };
            let paragraph = stored.paragraphs.iter().find(|p| p.at == at);
            let (rule, text) = match paragraph {
                Some(p) => (
                    match &p.decision.verdict {
                        Verdict::Boilerplate { rule, .. } => escape(rule, 400),
                        _ => "site template".to_owned(),
                    },
                    escape(&chars_cut(&p.decision.text, 160), 2_000),
                ),
                None => (String::new(), String::new()),
            };
            let _ = writeln!(
                h,
                "<tr><td><a href=\"#d{index}-p{at}\">#{} {} ¶{at}</a></td><td>{}</td><td>{rule}</td><td class=\"ex\">{text}</td></tr>",
                index + 1,
                escape(&chars_cut(&stored.id, 40), 400),
                number(bytes),
            );
        }
        h.push_str("</table>\n");
    }

    /// What each reason and rule means, for the rules of this run.
    fn glossary(&self, h: &mut String) {
        let mut rules: Vec<&str> = self
            .totals
            .rules
            .keys()
            .filter(|(kind, _)| *kind == 0)
            .map(|(_, rule)| rule.as_ref())
            .collect();
        rules.sort_unstable();
        h.push_str("<details id=\"rules\"><summary>What the reasons and rules mean</summary>\n<dl class=\"glossary\">\n");
        for (name, meaning) in REASONS.iter().chain(
            RULE_GLOSSARY
                .iter()
                .filter(|(name, _)| rules.binary_search(name).is_ok()),
        ) {
            let _ = writeln!(h, "<dt>{name}</dt><dd>{}</dd>", escape(meaning, 2_000));
        }
        for rule in rules {
            if rule_meaning(rule).is_none() {
                let _ = writeln!(
                    h,
                    "<dt>{}</dt><dd>a rule this report does not know (read back from another version's report?)</dd>",
                    escape(rule, 400)
                );
            }
        }
        h.push_str("</dl>\n<p class=\"small\">The rules' tables and sources are in the crate docs of <code>chaff::boilerplate</code> and <code>chaff::html</code>.</p></details>\n");
    }

    /// The list of pages shown.
    fn contents(&self, h: &mut String) {
        h.push_str("<nav id=\"contents\" aria-label=\"Pages shown\">\n<h2>Pages shown</h2>\n<table class=\"contents\">\n<tr><th>page</th><th>id</th><th>paragraphs</th><th>dropped</th><th>text bytes dropped</th><th>why shown</th></tr>\n");
        for (&index, stored) in self.stored {
            let _ = writeln!(
                h,
                "<tr><td><a href=\"#d{index}\">#{}</a></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                index + 1,
                escape(&chars_cut(&stored.id, 60), 300),
                number(stored.counts.paragraphs),
                number(stored.counts.dropped),
                number(stored.counts.dropped_bytes),
                self.why_shown(index, stored)
            );
        }
        h.push_str("</table>\n</nav>\n");
    }

    fn why_shown(&self, index: u64, stored: &Stored) -> String {
        let mut why = Vec::new();
        if stored.flags & IN_SAMPLE != 0 {
            why.push("sample".to_owned());
        }
        if let Some(rank) = self.drops_rank.get(&index) {
            why.push(format!("most dropped paragraphs #{rank}"));
        }
        if let Some(rank) = self.bytes_rank.get(&index) {
            why.push(format!("most dropped bytes #{rank}"));
        }
        if let Some(rank) = self.longest_rank.get(&index) {
            why.push(format!("longest dropped paragraph #{rank}"));
        }
        if stored.flags & IN_EMPTY != 0 {
            why.push("nothing kept".to_owned());
        }
        why.join(", ")
    }

    /// One page within `budget` bytes, or `None` if not even its heading
    /// fits. `shown` holds the paragraphs shown of the pages before it.
    fn page(
        &self,
        index: u64,
        stored: &Stored,
        budget: usize,
        shown: &mut Shown,
    ) -> Option<String> {
        let mut h = String::new();
        let _ = write!(
            h,
            "<section class=\"page\" id=\"d{index}\" aria-labelledby=\"d{index}-h\">\n<h2 id=\"d{index}-h\"><span class=\"ord\">#{}</span> {}</h2>\n<p class=\"meta\"><a class=\"back\" href=\"#contents\">↑ pages</a> ",
            index + 1,
            escape(&chars_cut(&stored.id, 200), 2_000),
        );
        if let Some(url) = &stored.url {
            h.push_str(&url_html(url));
            h.push_str(" · ");
        }
        let c = &stored.counts;
        let _ = write!(
            h,
            "site {} · {} paragraphs, {} dropped ({}) · {} of {} text bytes dropped ({} bytes as read) · shown as: {}",
            escape(&chars_cut(&stored.site, 80), 600),
            number(c.paragraphs),
            number(c.dropped),
            percent(c.dropped, c.paragraphs),
            number(c.dropped_bytes),
            number(c.text_in),
            number(stored.bytes_in as u64),
            self.why_shown(index, stored),
        );
        if stored.replaced_invalid_utf8 > 0 {
            let _ = write!(
                h,
                " · <span class=\"bad\">{} invalid UTF-8 sequences replaced (shown as �)</span>",
                number(stored.replaced_invalid_utf8 as u64)
            );
        }
        h.push_str("</p>\n");
        if h.len() + PAGE_TAIL > budget {
            return None;
        }
        // Every paragraph kept for it, as if all were shown; if they do not
        // fit, the kept text, its neighbours and the first of each run of
        // drops come first (see `choose`), the rest summed up in notes.
        let all: std::collections::HashSet<usize> =
            stored.paragraphs.iter().map(|p| p.at).collect();
        shown.insert(index, all);
        let rendered: Vec<String> = stored
            .paragraphs
            .iter()
            .map(|p| {
                let mut html = String::new();
                self.paragraph(index, p, shown, &mut html);
                html
            })
            .collect();
        const GAP_NOTE: usize = 400;
        let sizes: Vec<usize> = rendered.iter().map(|r| r.len() + GAP_NOTE).collect();
        let kept: Vec<bool> = stored
            .paragraphs
            .iter()
            .map(|p| p.decision.verdict.is_output(&p.decision.text))
            .collect();
        let same: Vec<bool> = stored
            .paragraphs
            .iter()
            .enumerate()
            .map(|(k, p)| {
                k > 0
                    && stored.paragraphs[k - 1].at + 1 == p.at
                    && label_of(&stored.paragraphs[k - 1].decision) == label_of(&p.decision)
            })
            .collect();
        let chosen =
            if h.len() + rendered.iter().map(String::len).sum::<usize>() + PAGE_TAIL <= budget {
                (0..rendered.len()).collect()
            } else {
                let room = budget.saturating_sub(h.len() + PAGE_TAIL + GAP_NOTE);
                choose(&sizes, &kept, &same, None, room)
            };
        let visible: std::collections::HashSet<usize> =
            chosen.iter().map(|&k| stored.paragraphs[k].at).collect();
        shown.insert(index, visible);
        let mut next = 0;
        let mut count = 0;
        for k in chosen {
            let p = &stored.paragraphs[k];
            let mut html = String::new();
            self.paragraph(index, p, shown, &mut html);
            let gap = (next < p.at).then(|| self.gap(stored, next..p.at));
            let extra = gap.as_ref().map_or(0, String::len);
            if h.len() + extra + html.len() + PAGE_TAIL > budget {
                break;
            }
            if let Some(gap) = gap {
                h.push_str(&gap);
            }
            h.push_str(&html);
            next = p.at + 1;
            count += 1;
        }
        let total = c.paragraphs as usize;
        if next < total {
            h.push_str(&self.gap(stored, next..total));
        }
        if count < stored.paragraphs.len() || stored.paragraphs.len() < total {
            let _ = writeln!(
                h,
                "<p class=\"note\">This page is cut to keep the report under its size limit: {} of its {} paragraphs are shown.</p>",
                number(count as u64),
                number(total as u64)
            );
        }
        h.push_str("</section>\n");
        Some(h)
    }

    /// The note for paragraphs `range` of a page, not shown.
    fn gap(&self, stored: &Stored, range: std::ops::Range<usize>) -> String {
        let n = range.len() as u64;
        let span = if n == 1 {
            format!("¶{}", range.start)
        } else {
            format!("¶{}–¶{}", range.start, range.end - 1)
        };
        format!(
            "<p class=\"gap\">⋯ {span} not shown ({} {}: {})</p>\n",
            number(n),
            plural(n, "paragraph", "paragraphs"),
            stored.gap_summary(range)
        )
    }

    /// One paragraph.
    fn paragraph(
        &self,
        page: u64,
        shown_paragraph: &ShownParagraph,
        shown: &Shown,
        h: &mut String,
    ) {
        let (i, p, full) = (
            shown_paragraph.at,
            &shown_paragraph.decision,
            shown_paragraph.full,
        );
        let cut_note = |h: &mut String| {
            if full > p.text.len() {
                let _ = write!(
                    h,
                    "<span class=\"note\"> … {} more bytes not shown</span>",
                    number((full - p.text.len()) as u64)
                );
            }
        };
        let n = format!("<span class=\"n\">¶{i}</span>");
        match &p.verdict {
            Verdict::Kept => {
                let _ = write!(
                    h,
                    "<p class=\"p k\" id=\"d{page}-p{i}\">{n}<span class=\"t\">"
                );
                text_with_joins(h, &p.text, 0..p.text.len(), &p.joins);
                h.push_str("</span>");
                cut_note(h);
                h.push_str("</p>\n");
            }
            Verdict::TrimmedSentences { sentences } => {
                let dropped = if p.verdict.is_output(&p.text) {
                    "k"
                } else {
                    "x"
                };
                let _ = write!(
                    h,
                    "<p class=\"p {dropped} trimmed_sentences\" id=\"d{page}-p{i}\" title=\"kept less {} repeated {}\">{n}<span class=\"t\">",
                    sentences.len(),
                    plural(sentences.len() as u64, "sentence", "sentences")
                );
                // The sentences were taken out at their offsets in the
                // paragraph as read; put them back in between the pieces of
                // what remains.
                let mut cursor = 0;
                let mut removed = 0;
                for sentence in sentences {
                    let at = sentence.offset.saturating_sub(removed).min(p.text.len());
                    let at = p.text.floor_char_boundary(at.max(cursor));
                    text_with_joins(h, &p.text, cursor..at, &p.joins);
                    cursor = at;
                    removed += sentence.text.len();
                    let _ = write!(
                        h,
                        "<del class=\"s\" title=\"trimmed: repeats {} (similarity {:.2})\">",
                        escape_attr(&self.origin_text(&sentence.duplicate_of), 400),
                        sentence.similarity
                    );
                    h.push_str(&escape(&sentence.text, usize::MAX));
                    h.push_str("</del>");
                }
                text_with_joins(h, &p.text, cursor..p.text.len(), &p.joins);
                h.push_str("</span>");
                cut_note(h);
                let _ = write!(
                    h,
                    "<span class=\"why\">{} repeated {} trimmed:",
                    sentences.len(),
                    plural(sentences.len() as u64, "sentence", "sentences")
                );
                for sentence in sentences {
                    h.push(' ');
                    h.push_str(&self.origin_link(
                        &sentence.duplicate_of,
                        (page, i),
                        None,
                        None,
                        shown,
                    ));
                }
                h.push_str("</span></p>\n");
            }
            verdict => {
                let kind = KINDS[kind_of(verdict)];
                let known = shown_paragraph.origin.as_ref().map(|(index, _)| *index);
                let (title, why) = match verdict {
                    Verdict::Boilerplate { rule, detail } => match detail {
                        // What decided a structural drop, when known.
                        Some(detail) => (
                            format!(
                                "dropped: boilerplate rule {} ({})",
                                escape_attr(rule, 400),
                                escape_attr(detail, 400)
                            ),
                            format!(
                                "boilerplate: {} · {}",
                                escape(rule, 400),
                                escape(detail, 400)
                            ),
                        ),
                        None => (
                            format!("dropped: boilerplate rule {}", escape_attr(rule, 400)),
                            format!("boilerplate: {}", escape(rule, 400)),
                        ),
                    },
                    Verdict::SiteTemplate { pages, site_pages } => (
                        format!(
                            "dropped: site template, on {pages} of {site_pages} pages of its site"
                        ),
                        format!("site template · on {pages} of {site_pages} pages of its site"),
                    ),
                    Verdict::ExactDuplicate { duplicate_of } => (
                        format!(
                            "dropped: exact duplicate of {}",
                            escape_attr(&self.origin_text(duplicate_of), 400)
                        ),
                        format!(
                            "exact duplicate of {} (the same text, once normalized)",
                            self.origin_link(duplicate_of, (page, i), Some(&p.text), known, shown)
                        ),
                    ),
                    Verdict::NearDuplicate {
                        duplicate_of,
                        hamming,
                        similarity,
                    } => (
                        format!(
                            "dropped: near duplicate of {}, Hamming distance {hamming}, similarity {similarity:.2}",
                            escape_attr(&self.origin_text(duplicate_of), 400)
                        ),
                        format!(
                            "near duplicate of {} · Hamming {hamming} · similarity {similarity:.2}{}",
                            self.origin_link(duplicate_of, (page, i), None, known, shown),
                            match &shown_paragraph.origin {
                                Some((_, text)) => format!(
                                    "<span class=\"orig\">repeats: <q>{}</q>{}</span>",
                                    escape(text, usize::MAX),
                                    if text.len()
                                        >= ORIGIN_BYTES.min(self.config.max_paragraph_bytes) - 4
                                    {
                                        "…"
                                    } else {
                                        ""
                                    }
                                ),
                                None =>
                                    " · (the text it repeats is no longer in the report's memory)"
                                        .to_owned(),
                            }
                        ),
                    ),
                    _ => (String::new(), String::new()),
                };
                let _ = write!(
                    h,
                    "<p class=\"p x {kind}\" id=\"d{page}-p{i}\" title=\"{title}\">{n}<del class=\"t\">"
                );
                text_with_joins(h, &p.text, 0..p.text.len(), &p.joins);
                h.push_str("</del>");
                cut_note(h);
                let _ = writeln!(h, "<span class=\"why\">{why}</span></p>");
            }
        }
    }

    /// The page and paragraph a duplicate repeats, as plain text.
    fn origin_text(&self, origin: &Origin) -> String {
        format!("{} ¶{}", chars_cut(&origin.id, 80), origin.paragraph)
    }

    /// The page and paragraph a duplicate repeats: a link when that
    /// paragraph is shown, else its id, paragraph and why it is not shown.
    /// `at` is the duplicate's page and paragraph, `text` its text when it
    /// is an exact duplicate (to tell apart pages that share an id).
    fn origin_link(
        &self,
        origin: &Origin,
        at: (u64, usize),
        text: Option<&str>,
        known: Option<u64>,
        shown: &Shown,
    ) -> String {
        let id = escape(&chars_cut(&origin.id, 80), 800);
        let p = origin.paragraph as usize;
        let not_shown = |index: Option<u64>| {
            let at = index.map_or(String::new(), |i| format!(", page #{}", i + 1));
            format!("<span class=\"ext\">“{id}” ¶{p}{at} (page not in this report)</span>")
        };
        // The page is known (its text was kept for near duplicates).
        if let Some(index) = known {
            if !self.stored.contains_key(&index) {
                return not_shown(Some(index));
            }
            return if shown.get(&index).is_some_and(|set| set.contains(&p)) {
                format!("<a href=\"#d{index}-p{p}\">#{} {id} ¶{p}</a>", index + 1)
            } else {
                format!(
                    "<a href=\"#d{index}\">#{} {id}</a> ¶{p} (paragraph not shown: page cut)",
                    index + 1
                )
            };
        }
        // The selected pages with that id before the duplicate (the
        // repeated paragraph is always earlier in the input).
        let candidates: Vec<u64> = self
            .by_id
            .get(origin.id.as_ref())
            .map(|indices| {
                indices
                    .iter()
                    .copied()
                    .filter(|&i| i < at.0 || (i == at.0 && p < at.1))
                    .collect()
            })
            .unwrap_or_default();
        let Some(&latest) = candidates.last() else {
            return not_shown(None);
        };
        let same_text = |i: &u64| {
            self.stored
                .get(i)
                .and_then(|stored| stored.paragraphs.iter().find(|s| s.at == p))
                .is_some_and(|paragraph| {
                    text.is_some_and(|t| same_text(&paragraph.decision.text, t))
                })
        };
        // Ids may repeat: with several candidates, the one whose paragraph
        // has the same text, else the latest, said to be uncertain.
        let (index, uncertain) = if candidates.len() == 1 {
            // An exact duplicate of another text: the page with that id
            // shown is not the one it repeats.
            if text.is_some() && !same_text(&latest) {
                return not_shown(None);
            }
            (latest, false)
        } else {
            match text.and_then(|_| candidates.iter().rev().copied().find(same_text)) {
                Some(index) => (index, false),
                None => (latest, true),
            }
        };
        let visible = shown.get(&index).is_some_and(|set| set.contains(&p));
        let link = if visible {
            format!("<a href=\"#d{index}-p{p}\">#{} {id} ¶{p}</a>", index + 1)
        } else {
            format!(
                "<a href=\"#d{index}\">#{} {id}</a> ¶{p} (paragraph not shown: page cut)",
                index + 1
            )
        };
        if uncertain {
            format!(
                "{link} (or another of the {} pages of this report with that id)",
                candidates.len()
            )
        } else {
            link
        }
    }
}

/// Writes `text[range]` escaped, with a ⏎ mark at each join inside it.
fn text_with_joins(h: &mut String, text: &str, range: std::ops::Range<usize>, joins: &[usize]) {
    let Some(_) = text.get(range.clone()) else {
        return;
    };
    let mut at = range.start;
    for &join in joins {
        // Joins read back from a report may be in any order: each after
        // the last one written.
        if join <= at || join >= range.end || !text.is_char_boundary(join) {
            continue;
        }
        h.push_str(&escape(&text[at..join], usize::MAX));
        h.push_str(
            "<span class=\"j\" role=\"img\" aria-label=\"repaired line break\" title=\"scraper line break repaired: the next line was joined on here\">⏎</span>",
        );
        at = join;
    }
    h.push_str(&escape(&text[at..range.end], usize::MAX));
}

/// A URL: a link if it is an `http` or `https` URL, else text.
fn url_html(raw: &str) -> String {
    let shown = escape(&chars_cut(raw, 200), 2_000);
    if is_web_url(raw) {
        format!(
            "<a class=\"url\" href=\"{}\" rel=\"noopener noreferrer nofollow\">{shown}</a>",
            escape_attr(raw, usize::MAX)
        )
    } else {
        format!("<span class=\"url\">{shown}</span> (not a web link)")
    }
}

/// Whether `url` may be a link: it starts with `http://` or `https://`
/// (any case), holds no whitespace or control character (which URL parsers
/// strip, so that they cannot hide another scheme) and is at most
/// [`MAX_URL_BYTES`] long.
fn is_web_url(url: &str) -> bool {
    let head = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    (head.starts_with("http://") || head.starts_with("https://"))
        && url.len() <= MAX_URL_BYTES
        && !url.chars().any(|c| c.is_whitespace() || shown_as_code(c))
}

/// `text` cut after `max` characters, with an ellipsis if it was cut.
fn chars_cut(text: &str, max: usize) -> Cow<'_, str> {
    match text.char_indices().nth(max) {
        Some((at, _)) => Cow::Owned(format!("{}…", &text[..at])),
        None => Cow::Borrowed(text),
    }
}

/// Whether `c` is shown as its code point rather than as itself:
/// controls, bidirectional and other invisible format characters,
/// noncharacters.
fn shown_as_code(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{00AD}'
                | '\u{061C}'
                | '\u{200B}'..='\u{200F}'
                | '\u{2028}'..='\u{202E}'
                | '\u{2060}'..='\u{2069}'
                | '\u{FEFF}'
                | '\u{FDD0}'..='\u{FDEF}'
                | '\u{E0000}'..='\u{E007F}'
        )
        || (c as u32 & 0xFFFE) == 0xFFFE
}

/// `text` escaped for an HTML element's content, at most about `max` bytes
/// of output: `&`, `<`, `>` and quotes as references; controls, invisible
/// format characters and noncharacters as visible code points; U+FFFD
/// highlighted.
///
/// ```
/// use chaff::audit::escape;
/// assert_eq!(escape("<script>alert(1)</script>", 1000), "&lt;script&gt;alert(1)&lt;/script&gt;");
/// assert_eq!(escape("a\u{0}b", 1000), "a<span class=\"c\" title=\"invisible or control character\">U+0000</span>b");
/// ```
pub fn escape(text: &str, max: usize) -> String {
    let mut out = String::with_capacity(text.len().min(max) + 16);
    for c in text.chars() {
        if out.len() >= max {
            out.push('…');
            break;
        }
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\u{FFFD}' => {
                out.push_str("<span class=\"bad\" title=\"invalid UTF-8 replaced\">�</span>")
            }
            '\t' => out.push(' '),
            c if shown_as_code(c) => {
                let _ = write!(
                    out,
                    "<span class=\"c\" title=\"invisible or control character\">U+{:04X}</span>",
                    c as u32
                );
            }
            c => out.push(c),
        }
    }
    out
}

/// `text` escaped as [`escape`] does, but with its line breaks kept as
/// line breaks (for a `<pre>` of the report's own text).
fn escape_lines(text: &str, max: usize) -> String {
    let mut out = String::with_capacity(text.len().min(max) + 16);
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        if out.len() >= max {
            out.push('…');
            break;
        }
        out.push_str(&escape(line, max - out.len()));
    }
    out
}

/// `text` escaped for an attribute value in double quotes, at most about
/// `max` bytes: as [`escape`], but controls and invisible characters become
/// `\u{…}` text (an attribute holds no markup).
///
/// ```
/// assert_eq!(chaff::audit::escape_attr("\" onerror=\"x", 100), "&quot; onerror=&quot;x");
/// ```
pub fn escape_attr(text: &str, max: usize) -> String {
    let mut out = String::with_capacity(text.len().min(max) + 16);
    for c in text.chars() {
        if out.len() >= max {
            out.push('…');
            break;
        }
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if shown_as_code(c) => {
                let _ = write!(out, "\\u{{{:04X}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

/// Divides `available` bytes among pages of the given sizes: each gets its
/// size if that fits an equal share of what is left, and the pages too
/// large share the rest equally (water-filling).
fn water_fill(sizes: &[usize], available: usize) -> Vec<usize> {
    let mut order: Vec<usize> = (0..sizes.len()).collect();
    order.sort_by_key(|&i| (sizes[i], i));
    let mut shares = vec![0; sizes.len()];
    let mut left = available;
    for (k, &i) in order.iter().enumerate() {
        let share = left / (sizes.len() - k);
        shares[i] = sizes[i].min(share);
        left -= shares[i];
    }
    shares
}

/// `n` with thin spaces between thousands.
fn number(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 * 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('\u{202F}');
        }
        out.push(c);
    }
    out
}

/// `one` when `n` is 1, else `many`.
fn plural(n: u64, one: &'static str, many: &'static str) -> &'static str {
    if n == 1 { one } else { many }
}

fn percent(part: u64, whole: u64) -> String {
    if whole == 0 {
        "0%".to_owned()
    } else {
        format!("{:.1}%", 100.0 * part as f64 / whole as f64)
    }
}

const CSS: &str = r#"
:root { --boilerplate: #b35900; --site_template: #7b3fb0; --exact_duplicate: #c0392b; --near_duplicate: #b8336a; --trimmed_sentences: #1f6fa8; --other: #777; }
body { font: 15px/1.55 system-ui, "Noto Sans CJK SC", "Noto Sans", sans-serif; margin: 0; color: #1d1d1d; background: #fdfdfb; }
main { max-width: 60rem; margin: 0 auto; padding: 1rem 1.5rem 4rem; }
.f { position: absolute; opacity: 0; width: 1px; height: 1px; margin: 0; }
.bar { position: sticky; top: 0; z-index: 2; background: #f3f3f0; border-bottom: 1px solid #ccc; padding: .3rem 1rem; font-size: .85rem; text-align: center; }
.bar label { cursor: pointer; padding: .05rem .35rem; border: 1px solid #ccc; border-radius: 4px; background: #fff; white-space: nowrap; }
.bar a { color: #1f4f8a; }
#only-dropped:checked ~ .bar label[for=only-dropped], #r-all:checked ~ .bar label[for=r-all],
#r-boilerplate:checked ~ .bar label[for=r-boilerplate], #r-site_template:checked ~ .bar label[for=r-site_template],
#r-exact_duplicate:checked ~ .bar label[for=r-exact_duplicate], #r-near_duplicate:checked ~ .bar label[for=r-near_duplicate],
#r-trimmed_sentences:checked ~ .bar label[for=r-trimmed_sentences] { background: #333; color: #fff; border-color: #333; }
.f:focus-visible ~ .bar { outline: 2px solid #f0b400; }
#only-dropped:checked ~ main .p.k { display: none; }
#r-boilerplate:checked ~ main .p:not(.boilerplate), #r-site_template:checked ~ main .p:not(.site_template),
#r-exact_duplicate:checked ~ main .p:not(.exact_duplicate), #r-near_duplicate:checked ~ main .p:not(.near_duplicate),
#r-trimmed_sentences:checked ~ main .p:not(.trimmed_sentences) { display: none; }
h1 { margin: .2rem 0; } h2 { border-bottom: 1px solid #ddd; margin-top: 2.2rem; font-size: 1.25rem; overflow-wrap: anywhere; }
h3 { margin-bottom: .3rem; }
table { border-collapse: collapse; margin: .4rem 0 1rem; font-size: .9rem; }
th, td { padding: .15rem .6rem; text-align: right; border-bottom: 1px solid #eee; }
th { white-space: nowrap; }
th:first-child, td:first-child { text-align: left; overflow-wrap: anywhere; }
.contents td:nth-child(2), .contents td:last-child, .contents th:nth-child(2), .contents th:last-child { text-align: left; }
.longest td:nth-child(3), .longest td:last-child, .longest th:nth-child(3), .longest th:last-child { text-align: left; }
.longest td.ex { font-size: .8rem; color: #555; overflow-wrap: anywhere; }
.small, .meta, figcaption { font-size: .85rem; color: #555; }
.meta { overflow-wrap: anywhere; }
.chart text { font-size: 12px; fill: #333; }
figure { margin: 1rem 0; }
.chart rect.boilerplate, .key.boilerplate { fill: var(--boilerplate); background: var(--boilerplate); }
.chart rect.site_template, .key.site_template { fill: var(--site_template); background: var(--site_template); }
.chart rect.exact_duplicate, .key.exact_duplicate { fill: var(--exact_duplicate); background: var(--exact_duplicate); }
.chart rect.near_duplicate, .key.near_duplicate { fill: var(--near_duplicate); background: var(--near_duplicate); }
.chart rect.trimmed_sentences, .key.trimmed_sentences { fill: var(--trimmed_sentences); background: var(--trimmed_sentences); }
.chart rect.other { fill: var(--other); }
.key { display: inline-block; width: .8em; height: .8em; margin-right: .35em; vertical-align: -.05em; border-radius: 2px; }
.p { margin: .25rem 0; padding: .1rem .5rem .1rem 2.6rem; position: relative; overflow-wrap: anywhere; border-left: 3px solid transparent; }
.p .n { position: absolute; left: .3rem; width: 2rem; font-size: .72rem; color: #999; top: .3rem; }
.t { unicode-bidi: isolate; }
.p.x { border-left-color: var(--c); background: #f6f4f0; }
.p.x del.t { color: var(--c); text-decoration: line-through; text-decoration-thickness: 1px; }
.p.boilerplate { --c: var(--boilerplate); } .p.site_template { --c: var(--site_template); }
.p.exact_duplicate { --c: var(--exact_duplicate); } .p.near_duplicate { --c: var(--near_duplicate); }
.p.trimmed_sentences { --c: var(--trimmed_sentences); border-left-color: var(--c); }
del.s { color: var(--trimmed_sentences); text-decoration: line-through; }
.why { font-size: .75rem; color: var(--c, #555); margin-left: .8em; }
.cols { display: flex; flex-wrap: wrap; gap: 0 2.5rem; align-items: flex-start; }
.why a { color: inherit; }
.j { color: #0a7d32; font-size: .85em; padding: 0 .2em; margin: 0 .1em; background: #e3f5e8; border: 1px solid #0a7d32; border-radius: 3px; }
.c { font: .75em monospace; color: #a00; background: #fee; padding: 0 .15em; border-radius: 2px; }
.bad { background: #fd8; }
.note { font-size: .85rem; color: #8a4b00; font-style: italic; }
.ext { font-style: italic; }
.gap { margin: .25rem 0; padding: .1rem .5rem .1rem 2.6rem; font-size: .8rem; color: #666; background: repeating-linear-gradient(135deg, #f3f3f0 0 6px, #fdfdfb 6px 12px); }
.orig { display: block; font-size: .8rem; color: #444; margin-top: .15rem; }
.orig q { background: #fbeef3; }
.back { font-size: .8rem; margin-right: .5em; }
.glossary dt { font-family: monospace; margin-top: .3rem; } .glossary dd { margin-left: 1.5rem; font-size: .9rem; }
.url { overflow-wrap: anywhere; }
pre { font-size: .8rem; max-height: 20rem; overflow: auto; background: #f3f3f0; padding: .5rem; }
:target { outline: 2px solid #f0b400; }
section.page { content-visibility: auto; contain-intrinsic-size: auto 3000px; }
"#;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::report::{StageTimings, Summary, TrimmedSentence};

    fn record() -> RunRecord {
        RunRecord::new(
            Config::default(),
            Summary::default(),
            0.0,
            StageTimings::default(),
        )
    }

    fn para(text: &str, verdict: Verdict) -> ParagraphDecision {
        ParagraphDecision {
            line: 1,
            byte_offset: 0,
            text: text.to_owned(),
            joins: Vec::new(),
            verdict,
        }
    }

    fn doc(id: &str, url: Option<&str>, paragraphs: Vec<ParagraphDecision>) -> CleanDocument {
        CleanDocument {
            id: Arc::from(id),
            url: url.map(str::to_owned),
            replaced_invalid_utf8: 0,
            bytes_in: paragraphs.iter().map(|p| p.text.len() + 1).sum(),
            paragraphs,
            extra: Default::default(),
        }
    }

    fn html(documents: &[CleanDocument], config: &AuditConfig) -> String {
        String::from_utf8(write_audit(Vec::new(), documents, &record(), config).unwrap()).unwrap()
    }

    fn rule(name: &'static str) -> Verdict {
        Verdict::Boilerplate {
            rule: Cow::Borrowed(name),
            detail: None,
        }
    }

    /// The markup of the pages, without the fixed stylesheet.
    fn body(html: &str) -> &str {
        &html[html.find("</style>").unwrap() + "</style>".len()..]
    }

    const HOSTILE: &[&str] = &[
        "<script>alert(1)</script>",
        "</style><script>alert(2)</script>",
        "</script><img src=x onerror=alert(3)>",
        "<img src=x onerror=\"alert(4)\">",
        "\"><svg onload=alert(5)>",
        "'><iframe src=javascript:alert(6)>",
        "<!-- --><a href=\"javascript:alert(7)\">x</a>",
        "<![CDATA[ ]]> <base href=\"http://evil.example/\">",
        "<meta http-equiv=\"refresh\" content=\"0;url=http://evil.example\">",
        "<link rel=stylesheet href=http://evil.example/x.css>",
        "<style>@import 'http://evil.example/x.css';</style>",
        "nul\u{0}bell\u{7}esc\u{1b}del\u{7f}c1\u{85}",
        "rlo\u{202E}gnp.exe lri\u{2066}x\u{2069}",
        "noncharacters \u{FFFE}\u{FFFF}\u{FDD0}\u{10FFFF}",
        "replaced \u{FFFD}\u{FFFD} invalid UTF-8",
        "&lt;already&gt; &amp; entities &#x3c;script&#x3e;",
    ];

    const TAGS: &[&str] = &[
        "",
        "html",
        "head",
        "body",
        "main",
        "section",
        "nav",
        "div",
        "h1",
        "h2",
        "h3",
        "p",
        "span",
        "del",
        "a",
        "table",
        "tr",
        "th",
        "td",
        "figure",
        "figcaption",
        "svg",
        "title",
        "rect",
        "text",
        "details",
        "summary",
        "pre",
        "input",
        "label",
        "dl",
        "dt",
        "dd",
        "q",
        "code",
    ];
    const ATTRIBUTES: &[&str] = &[
        "class",
        "id",
        "title",
        "href",
        "rel",
        "role",
        "aria-label",
        "aria-labelledby",
        "width",
        "height",
        "viewBox",
        "xmlns",
        "x",
        "y",
        "text-anchor",
        "type",
        "for",
        "name",
        "checked",
    ];

    #[test]
    fn hostile_text_ids_urls_and_rules_render_as_text() {
        let mut documents = Vec::new();
        for (i, text) in HOSTILE.iter().enumerate() {
            let paragraphs = vec![
                para(text, Verdict::Kept),
                para(
                    text,
                    Verdict::Boilerplate {
                        rule: Cow::Owned(text.to_string()),
                        detail: None,
                    },
                ),
                para(
                    "again",
                    Verdict::ExactDuplicate {
                        duplicate_of: Origin {
                            id: Arc::from(*text),
                            paragraph: 0,
                        },
                    },
                ),
            ];
            documents.push(doc(text, Some(text), paragraphs));
            documents.push(doc(
                &format!("{i}"),
                Some(&format!("javascript:alert({i})//{text}")),
                vec![para("x", Verdict::Kept)],
            ));
        }
        documents.push(doc(
            "data",
            Some("data:text/html,<script>alert(8)</script>"),
            vec![para("y", Verdict::Kept)],
        ));
        let html = html(&documents, &AuditConfig::default());
        let body = body(&html);
        // Every tag and attribute in the report is one the report makes.
        let tag = regex::Regex::new(r"<(/?)([^\s>/]*)([^>]*)>").unwrap();
        let attribute = regex::Regex::new(r#"\s([^\s=]+)="[^"]*""#).unwrap();
        for found in tag.captures_iter(body) {
            let name = &found[2];
            assert!(TAGS.contains(&name), "tag <{name}> in the report");
            let attributes = attribute.replace_all(&found[3], "");
            assert!(attributes.trim().is_empty(), "in <{name}>: {attributes:?}");
            for attribute in attribute.captures_iter(&found[3]) {
                assert!(
                    ATTRIBUTES.contains(&&attribute[1]),
                    "attribute {} in <{name}>",
                    &attribute[1]
                );
            }
        }
        for needle in [
            "\u{0}", "\u{7}", "\u{1b}", "\u{85}", "\u{202E}", "\u{2066}", "\u{FFFE}",
        ] {
            assert!(!body.contains(needle), "{needle:?} in the report");
        }
        // One style element, closed once; no script at all.
        assert_eq!(html.matches("</style>").count(), 1);
        assert_eq!(html.matches("<style>").count(), 1);
        assert!(!html.contains("<script"));
        // The text is there, as text.
        assert!(body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(body.contains("&lt;/style&gt;&lt;script&gt;"));
        assert!(body.contains(
            "nul<span class=\"c\" title=\"invisible or control character\">U+0000</span>bell"
        ));
        assert!(body.contains(">U+202E</span>gnp.exe"));
        assert!(body.contains("&amp;lt;already&amp;gt;"));
        assert!(body.contains("<span class=\"bad\" title=\"invalid UTF-8 replaced\">�</span>"));
        // Every link is a fragment of the report or an http(s) URL.
        for (at, _) in body.match_indices("href=\"") {
            let target = &body[at + 6..];
            assert!(
                target.starts_with('#')
                    || target.starts_with("http://")
                    || target.starts_with("https://"),
                "link to {}",
                &target[..target.len().min(40)]
            );
        }
        assert!(
            body.contains("javascript:alert(0)//"),
            "the URL is shown as text"
        );
        assert!(body.contains("(not a web link)"));
    }

    #[test]
    fn web_links_are_links_without_referrer_or_opener() {
        let documents = vec![doc(
            "a",
            Some("https://example.cn/a?x=\"><b>&y=1"),
            vec![para("x", Verdict::Kept)],
        )];
        let html = html(&documents, &AuditConfig::default());
        assert!(html.contains(
            "<a class=\"url\" href=\"https://example.cn/a?x=&quot;&gt;&lt;b&gt;&amp;y=1\" rel=\"noopener noreferrer nofollow\">https://example.cn/a?x=&quot;&gt;&lt;b&gt;&amp;y=1</a>"
        ));
        assert!(html.contains("default-src 'none'"));
        for not_web in [
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            " https://example.cn",
            "java\tscript:alert(1)",
            "https:\u{0}//x",
            "https://example.cn/\nx",
            "data:text/html,x",
            "//example.cn",
            "/local",
            "ftp://example.cn",
        ] {
            assert!(!is_web_url(not_web), "{not_web:?}");
        }
        assert!(is_web_url("HTTPS://example.cn/%20a"));
    }

    #[test]
    fn paragraphs_show_their_verdicts_and_duplicates_link_to_what_they_repeat() {
        let origin = |id: &str, paragraph| Origin {
            id: Arc::from(id),
            paragraph,
        };
        let mut joined = para("第一行第二行", Verdict::Kept);
        joined.joins = vec![9];
        let documents = vec![
            doc(
                "a",
                None,
                vec![
                    joined,
                    para("分享到:", rule("share_widget")),
                    para(
                        "免责声明",
                        Verdict::SiteTemplate {
                            pages: 12,
                            site_pages: 40,
                        },
                    ),
                ],
            ),
            doc(
                "b",
                None,
                vec![
                    para(
                        "第一行第二行",
                        Verdict::ExactDuplicate {
                            duplicate_of: origin("a", 0),
                        },
                    ),
                    para(
                        "第一行第二行!",
                        Verdict::NearDuplicate {
                            duplicate_of: origin("gone", 3),
                            hamming: 4,
                            similarity: 0.8125,
                        },
                    ),
                ],
            ),
        ];
        let html = html(&documents, &AuditConfig::default());
        assert!(html.contains("<p class=\"p k\" id=\"d0-p0\"><span class=\"n\">¶0</span><span class=\"t\">第一行<span class=\"j\" role=\"img\""));
        assert!(html.contains("title=\"dropped: boilerplate rule share_widget\""));
        assert!(html.contains(
            "<del class=\"t\">分享到:</del><span class=\"why\">boilerplate: share_widget</span>"
        ));
        assert!(html.contains("site template · on 12 of 40 pages of its site"));
        assert!(html.contains("exact duplicate of <a href=\"#d0-p0\">#1 a ¶0</a>"));
        assert!(html.contains("near duplicate of <span class=\"ext\">“gone” ¶3 (page not in this report)</span> · Hamming 4 · similarity 0.81"));
        assert_eq!(html.matches("<p class=\"p x ").count(), 4);
        assert_eq!(html.matches("<del class=\"t\">").count(), 4);
    }

    #[test]
    fn odd_ids_are_shown_and_pages_that_share_an_id_are_told_apart() {
        let repeat = |paragraph| Verdict::ExactDuplicate {
            duplicate_of: Origin {
                id: Arc::from(""),
                paragraph,
            },
        };
        let documents = vec![
            doc("", None, vec![para("甲。", Verdict::Kept)]),
            doc(" ", None, vec![para("乙。", Verdict::Kept)]),
            doc(
                "",
                None,
                vec![para("丙。", Verdict::Kept), para("甲。", repeat(0))],
            ),
            doc(
                "#d0-p0",
                None,
                vec![para("丙。", repeat(0)), para("丙!", repeat(0))],
            ),
        ];
        let html = html(&documents, &AuditConfig::default());
        assert_eq!(html.matches("<section class=\"page\"").count(), 4);
        // Pages that share an id are told apart by the repeated text, and
        // a link that may be wrong says so.
        assert!(html.contains("exact duplicate of <a href=\"#d0-p0\">#1  ¶0</a> (the same text"));
        assert!(html.contains("exact duplicate of <a href=\"#d2-p0\">#3  ¶0</a> (the same text"));
        assert!(html.contains(
            "exact duplicate of <a href=\"#d2-p0\">#3  ¶0</a> (or another of the 2 pages of this report with that id)"
        ));
        assert!(html.contains("<h2 id=\"d3-h\"><span class=\"ord\">#4</span> #d0-p0</h2>"));
    }

    #[test]
    fn trimmed_sentences_are_struck_where_they_stood() {
        let verdict = Verdict::TrimmedSentences {
            sentences: vec![TrimmedSentence {
                offset: "前。".len(),
                text: "重复句。".to_owned(),
                duplicate_of: Origin {
                    id: Arc::from("a"),
                    paragraph: 0,
                },
                similarity: 1.0,
            }],
        };
        let documents = vec![doc("b", None, vec![para("前。后。", verdict)])];
        let html = html(&documents, &AuditConfig::default());
        assert!(html.contains("<span class=\"t\">前。<del class=\"s\" title=\"trimmed: repeats a ¶0 (similarity 1.00)\">重复句。</del>后。</span>"), "{}", body(&html));
    }

    #[test]
    fn summary_counts_every_page_and_the_sample_is_bounded_and_deterministic() {
        let documents: Vec<CleanDocument> = (0..500)
            .map(|i| {
                let mut paragraphs = vec![para("正文。", Verdict::Kept)];
                paragraphs.extend((0..i % 7).map(|_| para("分享到:", rule("share_widget"))));
                doc(&format!("site{}/{i}", i % 3), None, paragraphs)
            })
            .collect();
        let config = AuditConfig {
            sample_pages: 10,
            top_pages: 3,
            ..AuditConfig::default()
        };
        let first = html(&documents, &config);
        assert_eq!(first, html(&documents, &config));
        assert_eq!(
            first.matches("<section class=\"page\"").count(),
            10 + 3 + 3 + 3 - overlap(&first)
        );
        let dropped: usize = (0..500).map(|i| i % 7).sum();
        assert!(first.contains(&format!(
            "<tr><td>share_widget</td><td>{}</td>",
            number(dropped as u64)
        )));
        assert!(first.contains("<td>site0</td><td>167</td>"));
        let other = html(
            &documents,
            &AuditConfig {
                seed: 1,
                ..config.clone()
            },
        );
        assert_ne!(first, other, "another seed, another sample");
        // The top pages are those with 6 drops, the earliest first.
        assert!(first.contains("<a href=\"#d6\">#7</a>"));
        assert!(first.contains("most dropped paragraphs #1"));
    }

    /// Pages in two or three lists, counted once.
    fn overlap(html: &str) -> usize {
        html.split("<tr><td><a href=\"#d")
            .skip(1)
            .map(|row| row.split("</tr>").next().unwrap().matches(", ").count())
            .sum()
    }

    #[test]
    fn the_file_stays_under_its_limit_with_huge_and_hostile_pages() {
        let huge = "a<".repeat(4_000_000);
        let many: Vec<ParagraphDecision> = (0..200_000)
            .map(|i| {
                para(
                    &format!("p{i}"),
                    if i % 2 == 0 { Verdict::Kept } else { rule("x") },
                )
            })
            .collect();
        let mut documents = vec![
            doc(
                "huge",
                None,
                vec![para(&huge, rule("huge")), para("after", Verdict::Kept)],
            ),
            doc("many", None, many),
        ];
        for i in 0..300 {
            documents.push(doc(
                &"<id>".repeat(1000 + i),
                Some(&"https://a.example/".repeat(500)),
                vec![para(&"&".repeat(30_000), rule("amp"))],
            ));
        }
        let config = AuditConfig {
            max_bytes: MIN_MAX_BYTES,
            sample_pages: 5,
            top_pages: 5,
            ..AuditConfig::default()
        };
        let out = html(&documents, &config);
        assert!(out.len() <= MIN_MAX_BYTES, "{} bytes", out.len());
        assert!(out.ends_with("</html>\n"));
        assert!(out.contains("more bytes not shown"));
        assert!(out.contains("paragraphs are shown."));
        let default = html(&documents, &AuditConfig::default());
        assert!(default.len() <= 20_000_000);
    }

    #[test]
    fn many_sites_are_counted_in_bounded_memory() {
        let config = AuditConfig {
            max_sites: 100,
            sample_pages: 1,
            top_pages: 1,
            ..AuditConfig::default()
        };
        let mut sink = AuditSink::new(Vec::new(), "x", config).unwrap();
        for i in 0..10_000 {
            let site = if i % 2 == 0 {
                "big".to_owned()
            } else {
                format!("s{i}")
            };
            sink.observe(&doc(
                &format!("{site}/{i}"),
                None,
                vec![para("a", rule("r"))],
            ));
        }
        assert!(sink.audit.sites.counts.len() <= 200);
        assert_eq!(sink.audit.sites.counts["big"].pages, 5_000);
        assert_eq!(sink.audit.sites.counts["big"].error, 0);
        assert_eq!(sink.audit.sites.floor, 1);
        assert!(sink.audit.stored.len() <= 3);
        sink.finish(&record()).unwrap();
        let html = String::from_utf8(sink.into_inner()).unwrap();
        assert!(html.contains("<td>big</td><td>5\u{202F}000</td>"));
        assert!(html.contains("lossy counting"));
    }

    /// Pages `p0`, `p1`, … each with one kept paragraph and a menu line.
    fn plain_pages(n: usize) -> Vec<CleanDocument> {
        (0..n)
            .map(|k| {
                doc(
                    &format!("p{k}"),
                    None,
                    vec![
                        para(&format!("第{k}篇正文，内容完整。"), Verdict::Kept),
                        para("首页", rule("chrome_vocabulary")),
                    ],
                )
            })
            .collect()
    }

    fn small_lists() -> AuditConfig {
        AuditConfig {
            sample_pages: 1,
            top_pages: 1,
            ..AuditConfig::default()
        }
    }

    #[test]
    fn a_near_duplicate_shows_the_text_it_repeats_when_its_page_is_not_shown() {
        let mut documents = plain_pages(40);
        documents[3].paragraphs[0].text = "The original paragraph <b>about</b> rivers.".into();
        documents.push(doc(
            "late",
            None,
            vec![para(
                "The original paragraph about rivers!",
                Verdict::NearDuplicate {
                    duplicate_of: Origin {
                        id: Arc::from("p3"),
                        paragraph: 0,
                    },
                    hamming: 3,
                    similarity: 0.9,
                },
            )],
        ));
        let html = html(&documents, &small_lists());
        assert!(!html.contains("id=\"d3\""), "page p3 is not shown");
        assert!(html.contains("id=\"d40\""), "the duplicate's page is shown");
        assert!(
            html.contains(
                "repeats: <q>The original paragraph &lt;b&gt;about&lt;/b&gt; rivers.</q>"
            ),
            "{}",
            body(&html)
        );
    }

    #[test]
    fn the_longest_paragraphs_dropped_as_boilerplate_are_listed_and_their_pages_shown() {
        let mut documents = plain_pages(60);
        let long = "An article paragraph that a structural rule dropped. ".repeat(12);
        // Few drops and few bytes elsewhere: only its length selects it.
        documents[37].paragraphs[1] = para(&long, rule("widget_container"));
        for page in &mut documents {
            for _ in 0..3 {
                page.paragraphs
                    .push(para("更多", rule("chrome_vocabulary")));
            }
        }
        documents[5]
            .paragraphs
            .extend((0..40).map(|_| para("x", rule("menu_row"))));
        let html = html(&documents, &small_lists());
        assert!(html.contains("Longest paragraphs dropped as boilerplate"));
        assert!(
            html.contains("<a href=\"#d37-p1\">#38 p37 ¶1</a>"),
            "{}",
            body(&html)
        );
        assert!(html.contains("id=\"d37-p1\""));
        assert!(html.contains("longest dropped paragraph #1"));
    }

    #[test]
    fn text_bytes_add_up_and_bytes_as_read_are_labelled() {
        let mut documents = plain_pages(3);
        // As if read from HTML: far more bytes in than text.
        for page in &mut documents {
            page.bytes_in = 10_000;
        }
        let html = html(&documents, &AuditConfig::default());
        let text: u64 = documents
            .iter()
            .flat_map(|d| &d.paragraphs)
            .map(|p| p.text.len() as u64)
            .sum();
        let dropped: u64 = 3 * "首页".len() as u64;
        assert!(html.contains(&format!(
            "<tr><th>text bytes</th><td>{}</td><td>{}</td><td>{} (",
            number(text),
            number(text - dropped),
            number(dropped)
        )));
        assert!(
            html.contains(&format!("<td>{}</td></tr>", number(dropped))),
            "per reason"
        );
        assert!(html.contains("The input as read was 30\u{202F}000 bytes"));
        assert!(!html.contains("Bytes in are the pages' text"));
    }

    #[test]
    fn the_configuration_reads_as_indented_json() {
        let html = html(&plain_pages(1), &AuditConfig::default());
        let start = html.find("<pre>").unwrap();
        let pre = &html[start..start + html[start..].find("</pre>").unwrap()];
        assert!(!pre.contains("U+000A"), "{pre}");
        assert!(pre.contains("{\n  &quot;"), "{pre}");
    }

    #[test]
    fn pages_with_nothing_kept_are_counted_and_shown() {
        let mut documents = plain_pages(50);
        documents[44].paragraphs[0].verdict = rule("page_tail");
        let html = html(&documents, &small_lists());
        assert!(
            html.contains("1 with nothing kept (2.0%)"),
            "{}",
            body(&html)
        );
        assert!(html.contains("id=\"d44\""));
        assert!(html.contains("nothing kept"));
    }

    #[test]
    fn site_templates_are_counted_per_site_with_the_thresholds() {
        let mut documents = plain_pages(2);
        documents[1].paragraphs[1].verdict = Verdict::SiteTemplate {
            pages: 2,
            site_pages: 2,
        };
        let mut sink = AuditSink::new(Vec::new(), "x", AuditConfig::default()).unwrap();
        sink.set_templates_learned(7);
        for document in &documents {
            sink.observe(document);
        }
        sink.finish(&record()).unwrap();
        let html = String::from_utf8(sink.into_inner()).unwrap();
        assert!(html.contains("<th>site template</th>"));
        assert!(html.contains("7 template paragraphs learned before the run: a paragraph on at least 5 pages of its site and on at least 25% of them"));
        assert!(html.contains("Every site has a single page"));
    }

    #[test]
    fn a_page_cut_to_a_small_share_shows_its_kept_text_not_only_its_menus() {
        let mut paragraphs: Vec<ParagraphDecision> = (0..3_000)
            .map(|k| para(&format!("菜单项目{k}"), rule("nav_container")))
            .collect();
        paragraphs.push(para("这是正文的第一段，讲述了真实的内容。", Verdict::Kept));
        paragraphs.extend((0..3_000).map(|k| para(&format!("页脚{k}"), rule("footer"))));
        let documents = vec![doc("big", None, paragraphs)];
        let config = AuditConfig {
            max_bytes: MIN_MAX_BYTES,
            ..AuditConfig::default()
        };
        let html = html(&documents, &config);
        assert!(html.len() <= MIN_MAX_BYTES);
        assert!(html.contains("这是正文的第一段"), "the kept text is shown");
        assert!(html.contains("id=\"d0-p2999\""), "with the drop before it");
        assert!(
            html.contains("nav_container</p>") || html.contains("nav_container)"),
            "the gap says what was left out"
        );
        assert!(html.contains("class=\"gap\""));
    }

    #[test]
    fn rules_are_explained_and_reasons_can_be_filtered_without_script() {
        let html = html(&plain_pages(2), &AuditConfig::default());
        assert!(
            html.contains(
                "<dt>chrome_vocabulary</dt><dd>a line made only of menu and widget words"
            )
        );
        assert!(html.contains("<input type=\"radio\" name=\"reason\" id=\"r-boilerplate\""));
        assert!(html.contains("#r-boilerplate:checked ~ main .p:not(.boilerplate)"));
        assert!(html.contains("<a class=\"back\" href=\"#contents\">"));
        assert!(!html.to_ascii_lowercase().contains("<script"));
    }

    #[test]
    fn a_single_leftover_rule_gets_its_own_bar() {
        const NAMES: [&str; 17] = [
            "r00", "r01", "r02", "r03", "r04", "r05", "r06", "r07", "r08", "r09", "r10", "r11",
            "r12", "r13", "r14", "r15", "r16",
        ];
        let paragraphs = NAMES.iter().map(|name| para("x", rule(name))).collect();
        let html = html(&[doc("a", None, paragraphs)], &AuditConfig::default());
        assert!(!html.contains(">other rules</text>"));
        assert!(html.contains(">r16</text>"));
    }

    #[test]
    fn counts_of_one_are_singular() {
        let documents = vec![doc(
            "a",
            None,
            vec![para(
                "保留的句子。",
                Verdict::TrimmedSentences {
                    sentences: vec![TrimmedSentence {
                        text: "重复的句子。".into(),
                        offset: 0,
                        duplicate_of: Origin {
                            id: Arc::from("z"),
                            paragraph: 0,
                        },
                        similarity: 1.0,
                    }],
                },
            )],
        )];
        let html = html(&documents, &AuditConfig::default());
        assert!(html.contains("1 repeated sentence trimmed"));
        assert!(html.contains("kept less 1 repeated sentence\""));
    }

    #[test]
    fn many_small_shares_still_show_pages() {
        let documents = plain_pages(1_000);
        let config = AuditConfig {
            max_bytes: MIN_MAX_BYTES,
            sample_pages: 1_000,
            top_pages: 0,
            ..AuditConfig::default()
        };
        let html = html(&documents, &config);
        assert!(html.len() <= MIN_MAX_BYTES);
        let pages = html.matches("<section class=\"page\"").count();
        assert!(pages >= 100, "{pages} pages shown");
    }

    #[test]
    fn the_report_does_not_depend_on_the_time_taken() {
        let documents = plain_pages(3);
        let mut slow = record();
        slow.seconds = 12.5;
        let a = write_audit(Vec::new(), &documents, &record(), &AuditConfig::default()).unwrap();
        let b = write_audit(Vec::new(), &documents, &slow, &AuditConfig::default()).unwrap();
        assert!(a == b, "same input, same bytes");
    }

    #[test]
    fn a_duplicate_of_a_page_not_shown_does_not_link_to_another_page_with_its_id() {
        let origin = Origin {
            id: Arc::from("same"),
            paragraph: 0,
        };
        let mut documents = vec![
            doc(
                "same",
                None,
                vec![para("Alpha is a unique first paragraph.", Verdict::Kept)],
            ),
            doc(
                "same",
                None,
                vec![para("The repeated paragraph.", Verdict::Kept)],
            ),
        ];
        documents.extend(plain_pages(60));
        documents.push(doc(
            "zzz",
            None,
            vec![para(
                "The repeated paragraph.",
                Verdict::ExactDuplicate {
                    duplicate_of: origin,
                },
            )],
        ));
        // Only the first page and the duplicate's are selected.
        let mut config = small_lists();
        for seed in 0..200 {
            config.seed = seed;
            let html = html(&documents, &config);
            if html.contains("id=\"d0\"") && !html.contains("id=\"d1\"") {
                assert!(
                    html.contains("“same” ¶0, page #2 (page not in this report)"),
                    "{}",
                    body(&html)
                );
                assert!(!html.contains("exact duplicate of <a href=\"#d0"));
                return;
            }
        }
        panic!("no seed selects page #1 without page #2");
    }

    #[test]
    fn unsorted_joins_and_hostile_rule_names_do_not_break_the_page() {
        let mut joined = para("abcdefghij", Verdict::Kept);
        joined.joins = vec![6, 2, 6, 100];
        let documents = vec![doc(
            "a",
            None,
            vec![
                joined,
                para(
                    "x",
                    Verdict::Boilerplate {
                        rule: Cow::Owned("ru\0le\u{FFFD}<script>x</script>".into()),
                        detail: Some("nav in div#<b>x</b>".into()),
                    },
                ),
            ],
        )];
        let html = html(&documents, &AuditConfig::default());
        assert!(html.contains("abcdef<span class=\"j\""));
        let svg = &html[html.find("<svg").unwrap()..html.find("</svg>").unwrap()];
        assert!(!svg.contains("<span"), "{svg}");
        assert!(svg.contains("ru\\u{0000}le"), "{svg}");
        assert!(html.contains(" · nav in div#&lt;b&gt;x&lt;/b&gt;</span>"));
    }

    #[test]
    fn invisible_characters_are_shown_as_code_points() {
        let escaped = escape("safe\u{00AD}\u{E0041}\u{E0042}.html", 1_000);
        assert!(
            escaped.contains("U+00AD") && escaped.contains("U+E0041"),
            "{escaped}"
        );
    }

    #[test]
    fn limits_are_checked() {
        for config in [
            AuditConfig {
                max_bytes: 10,
                ..AuditConfig::default()
            },
            AuditConfig {
                sample_pages: 5_000,
                ..AuditConfig::default()
            },
            AuditConfig {
                max_sites: 0,
                ..AuditConfig::default()
            },
            AuditConfig {
                max_paragraph_bytes: 0,
                ..AuditConfig::default()
            },
            AuditConfig {
                max_bytes: usize::MAX / 2 + 1,
                ..AuditConfig::default()
            },
        ] {
            assert!(matches!(
                AuditSink::new(Vec::<u8>::new(), "x", config),
                Err(Error::Config(_))
            ));
        }
    }

    #[test]
    fn water_filling_gives_small_pages_their_size() {
        assert_eq!(water_fill(&[10, 1_000, 50], 300), [10, 240, 50]);
        assert_eq!(water_fill(&[10, 20], 300), [10, 20]);
        assert_eq!(water_fill(&[], 300), Vec::<usize>::new());
    }

    #[test]
    fn numbers_have_thin_spaces() {
        assert_eq!(number(0), "0");
        assert_eq!(number(1_234_567), "1\u{202F}234\u{202F}567");
    }
}
