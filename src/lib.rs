//! # chaff: scraped pages in, clean unique paragraphs out
//!
//! Clean a page in five lines:
//!
//! ```
//! use chaff::{Cleaner, Config, Document};
//! let mut cleaner = Cleaner::new(Config::default())?;
//! let page = "当前位置: 首页 > 新闻\n字体:[ 大 中 小 ]\n1—11月,全市规模以上工业增加值同比增长8.4%,支柱产业贡献突出,为全市工业平稳运行提供重\n\n要支撑作用。\n蒙ICP备16003084号-4";
//! let clean = cleaner.clean(Document::new("page.txt", page));
//! assert_eq!(clean.kept().collect::<Vec<_>>(), ["1—11月,全市规模以上工业增加值同比增长8.4%,支柱产业贡献突出,为全市工业平稳运行提供重要支撑作用。"]);
//! # Ok::<(), chaff::Error>(())
//! ```
//!
//! Every paragraph gets a [`Verdict`]: kept, or dropped with a reason (the
//! boilerplate rule's name, or the earlier paragraph it repeats and the
//! Hamming distance). [`CleanDocument::kept`] is the clean output and
//! [`CleanDocument::report_entries`] the report: two views of the same
//! decisions.
//!
//! ## The pipeline
//!
//! Data flows one way through one module per stage:
//!
//! | stage | module | what it does |
//! |---|---|---|
//! | 0 | [`html`] | HTML input only: charset, DOM (html5ever), blocks in reading order with structural features |
//! | 1 | [`split`] | lines become paragraphs; scraper breaks are repaired |
//! | 2 | [`normalize`] | NFKC comparison key, its typographic folding and its hash; the text itself is never rewritten |
//! | 3 | [`boilerplate`] | structure (HTML: main content region, named containers, link density, hidden text), named rules, shape rules, the page model (main text regions, titles, context), site templates |
//! | 4 | [`fingerprint`] | character shingles (CJK runs and word runs), numbers as fact shingles, 64-bit SimHash, near sketch (MinHash bands, odd sketch) |
//! | 5 | [`index`] | hash tables from keys to stored paragraphs, in constant time per lookup (prefetched, in huge pages where Linux allows) |
//! | 6 | [`dedup`] | exact and near repeats (long paragraphs by Jaccard, short ones by one edit), first occurrence wins; sentence trimming; saved state |
//! | 7 | [`pipeline`] | the [`Cleaner`]: parallel per-document stages, ordered dedup, sinks |
//! | 8 | [`report`] | verdicts, report entries, summary counts, the run record |
//!
//! [`io`] moves documents in and out: `.txt` and `.html` pages,
//! directories, JSONL (`text` or `html` records), WARC/WET (`conversion`
//! and HTML `response` records), standard input; clean JSONL, `.txt`
//! directories, report JSONL.
//! [`audit`] shows a run's decisions in one self-contained HTML page.
//!
//! ## The modules and what each may import
//!
//! No module reaches back up the pipeline, none imports through the crate
//! root (the re-exports below are for callers), no stage imports `io`,
//! `pipeline`, `report`, `config`, `sink` or `document`, and there are no
//! import cycles.
//!
//! | module | what it holds | may import |
//! |---|---|---|
//! | [`error`] | [`Error`] (one variant per kind of failure), [`Result`] | — |
//! | [`chars`] | character classes: CJK, ideographs, invisible, blank, punctuation | — |
//! | [`document`] | [`Document`], the input record | — |
//! | [`html`] | stage 0 for HTML: `charset`, `dom`, `blocks`, `classes` (class/id vocabulary) | `chars` |
//! | [`split`] | stage 1 | `chars`, `error` |
//! | [`normalize`] | stage 2 | `chars` |
//! | [`boilerplate`] | stage 3, one file per layer; `mod.rs` composes them | `chars`, `error`, `html` (its `Page`, for the structural layer), `normalize` |
//! | [`fingerprint`] | stage 4: shingler, feature hash, SimHash, SIMD kernel, near sketch; `mod.rs` composes them | `chars`, `error`, `normalize` |
//! | [`index`] | stage 5 | `fingerprint` (its mixer) |
//! | [`dedup`] | stage 6, with `trim` (sentences) and `state` (persistence through `Read`/`Write`) | `error`, `fingerprint`, `index`, `normalize`, `split` |
//! | [`config`] | [`Config`]: one section per stage, each stage's `validate` | the stages, `error` |
//! | [`report`] | [`Verdict`], [`CleanDocument`], report entries, [`Summary`], [`RunRecord`] | `config` |
//! | [`sink`] | [`Sink`], its blanket impls, closure sinks | `error`, `report` |
//! | [`io`] | reading, decoding, WARC/WET, HTTP payloads, compression, atomic files, writing sinks | `document`, `error`, `report`, `sink`; `html::charset` (to decode HTML bytes with the transport's charset) |
//! | [`audit`] | [`audit::AuditSink`]: the HTML audit report of a run, written through any `Write` | `error`, `normalize` (to check what an exact duplicate repeats), `report`, `sink`, and the site rule's configuration (`boilerplate::templates::TemplateConfig`) |
//! | [`pipeline`] | the [`Cleaner`]: batching, the run, saving state and templates to paths | all of the above |
//! | [`distributed`] | the pipeline as engine-free stages (map, templates, exact, near candidates, verify, components, resolve, apply) for Spark and other engines, byte-identical to the [`Cleaner`] | the stages, `config`, `document`, `error`, `report`, `pipeline` (its per-document stages); not `io` |
//! | `cli` (feature `cli`) | the `chaff` command line: arguments, checks of inputs and outputs, progress, terminal preview | all of the above |
//!
//! ## Features
//!
//! On by default: `cli` (the `chaff` command, [`cli`] module: clap,
//! indicatif), `zstd` (`.zst` files; builds the C library) and `url` (site
//! keys through the WHATWG URL parser with IDNA). A library user can build
//! without them (`default-features = false`): `.zst` is then refused with
//! an error saying so, and hosts are found by a plain parser that leaves
//! internationalized hosts as written.
//!
//! ## Across a corpus
//!
//! A [`Cleaner`] remembers every paragraph it kept, so repeats are found
//! across all the documents it is given, in input order.
//! [`Cleaner::clean_batch`] runs the per-document stages in parallel on the
//! current rayon pool; the output is identical for any thread count.

#![deny(missing_docs)]

pub mod audit;
pub mod boilerplate;
pub mod chars;
#[cfg(feature = "cli")]
pub mod cli;
pub mod config;
pub mod dedup;
pub mod distributed;
pub mod document;
pub mod error;
pub mod fingerprint;
pub mod html;
pub mod index;
pub mod io;
pub mod normalize;
pub mod pipeline;
pub mod report;
pub mod sink;
pub mod split;

pub use config::Config;
pub use document::Document;
pub use error::{Error, Result};
pub use pipeline::Cleaner;
pub use report::{
    CleanDocument, Origin, ParagraphDecision, RunRecord, StageTimings, Summary, Verdict,
};
pub use sink::Sink;
