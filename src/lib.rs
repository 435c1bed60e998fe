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
//! | 1 | [`split`] | lines become paragraphs; scraper breaks are repaired |
//! | 2 | [`normalize`] | NFKC comparison key; the text itself is never rewritten |
//! | 3 | [`boilerplate`] | named rules, chrome vocabulary, page layout |
//! | 4 | [`fingerprint`] | CJK character and Latin word shingles, 64-bit SimHash |
//! | 5 | [`index`] | exact search for fingerprints within `k` bits |
//! | 6 | [`dedup`] | exact and near repeats, first occurrence wins |
//! | 7 | [`pipeline`] | parallel per-document stages, ordered dedup, sinks |
//! | 8 | [`report`] | verdicts, report entries, summary counts |
//!
//! [`io`] moves documents in and out: `.txt` pages, directories, JSONL,
//! WARC/WET, standard input; clean JSONL, `.txt` directories, report JSONL.
//!
//! ## Across a corpus
//!
//! A [`Cleaner`] remembers every paragraph it kept, so repeats are found
//! across all the documents it is given, in input order.
//! [`Cleaner::clean_batch`] runs the per-document stages in parallel on the
//! current rayon pool; the output is identical for any thread count.

pub mod boilerplate;
pub mod chars;
pub mod config;
pub mod dedup;
pub mod document;
pub mod error;
pub mod fingerprint;
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
