//! Moving documents in and out: reading pages, JSONL and WARC/WET records
//! (plain, gzip or zstd) as [`Document`](crate::document::Document)s, and writing
//! clean JSONL, `.txt` directories and the report through
//! [`Sink`](crate::sink::Sink)s into files that appear only when complete.
//!
//! | file | what it holds |
//! |---|---|
//! | `read.rs` | [`documents`]: paths, directories, standard input; [`JsonlReader`]; [`skip_bad_records`] |
//! | `wet.rs` | [`WetReader`]: WARC/WET records, one bad record never takes another with it |
//! | `decode.rs` | [`decode`]: strict or lossy UTF-8 ([`Utf8Policy`]) |
//! | `compression.rs` | [`format_of`]: format and compression from a file name |
//! | `atomic.rs` | [`AtomicFile`], [`OutputFile`]: written under `NAME.partial`, renamed on commit |
//! | `write.rs` | [`JsonlSink`], [`TxtDirSink`], [`write_clean_record`], [`write_report_entries`] |
//!
//! `io` imports the neutral modules (`document`, `report`, `sink`,
//! `error`), never a stage or the pipeline; no stage imports `io`.

mod atomic;
mod compression;
mod decode;
mod read;
mod wet;
mod write;

pub use atomic::{AtomicFile, OutputFile};
pub use compression::{Compression, Format, format_of};
pub use decode::{Utf8Policy, decode};
pub use read::{JsonlReader, documents, open, read_txt_file, skip_bad_records, txt_files_in};
pub use wet::{MAX_RECORD_BYTES, WetReader};
pub use write::{JsonlSink, TxtDirSink, write_clean_record, write_report_entries};
