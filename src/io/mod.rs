//! Moving documents in and out: reading pages, JSONL and WARC/WET records
//! (plain, gzip or zstd) as [`Document`](crate::document::Document)s, and writing
//! clean JSONL, `.txt` directories and the report through
//! [`Sink`](crate::sink::Sink)s into files that appear only when complete.
//!
//! | file | what it holds |
//! |---|---|
//! | `read.rs` | [`input_files`]: paths and directories checked and expanded; [`documents`], [`documents_as`]: files and standard input ([`stream_documents`]: sniffed); [`JsonlReader`]; [`html_document`]; [`skip_bad_records`] |
//! | `wet.rs` | [`WetReader`]: WARC/WET records, one bad record never takes another with it |
//! | `decode.rs` | [`decode`]: strict or lossy UTF-8 ([`Utf8Policy`]) |
//! | [`http`] | the HTTP response inside a WARC `response` record: headers, chunked and gzip payloads |
//! | `compression.rs` | [`format_of`], [`known_format`]: the format from a file name; [`sniff`]: compression from the first bytes; [`StreamCut`]: a cut-off compressed stream |
//! | `atomic.rs` | [`AtomicFile`], [`OutputFile`]: written beside the final name, renamed on commit; links followed; devices, pipes and streams written in place |
//! | `write.rs` | [`JsonlSink`], [`TxtDirSink`] (a directory that appears whole), [`CleanRecord`], [`write_clean_record`], [`write_report_entries`] |
//!
//! `io` imports the neutral modules (`document`, `report`, `sink`,
//! `error`), and of the stages only [`crate::html::charset`], to decode the
//! bytes of HTML pages (their encoding comes from the WARC record's HTTP
//! headers, which only the reader sees); never the pipeline. No stage
//! imports `io`.

pub(crate) mod atomic;
mod compression;
mod decode;
pub mod http;
mod read;
mod wet;
mod write;

pub use atomic::{AtomicFile, OutputFile};
pub use compression::{Compression, Format, StreamCut, format_of, known_format, sniff, stream_cut};
pub use decode::{Utf8Policy, decode, looks_like};
pub use read::{
    Documents, InputFiles, JsonlReader, SERVER_PAGE_ENDINGS, documents, documents_as,
    found_documents, html_document, input_files, is_saved_html, open, read_txt_file, searched_for,
    skip_bad_records, stream_documents,
};
pub use wet::{MAX_RECORD_BYTES, WetReader};
pub use write::{
    CleanRecord, JsonlSink, RecordShape, TxtDirSink, write_clean_record, write_report_entries,
};
