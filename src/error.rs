//! Errors, each naming what was wrong and where.

use std::path::PathBuf;

/// Everything that can go wrong in chaff.
///
/// Input errors carry the source (a file path, or `<stdin>`), the 1-based
/// line and the byte offset from the start of that source, so a message
/// points at the exact spot in a crawl.
///
/// ```
/// use chaff::Error;
/// let err = Error::InvalidUtf8 { source_name: "pages/a.txt".into(), line: 3, byte_offset: 41 };
/// assert_eq!(err.to_string(), "pages/a.txt:3: invalid UTF-8 at byte offset 41");
/// ```
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The input is not valid UTF-8 and lossy decoding was not requested.
    #[error("{source_name}:{line}: invalid UTF-8 at byte offset {byte_offset}")]
    InvalidUtf8 {
        /// The file (or `<stdin>`) the bytes came from.
        source_name: PathBuf,
        /// 1-based line of the first invalid byte.
        line: usize,
        /// Byte offset of the first invalid byte from the start of the source.
        byte_offset: usize,
    },

    /// A JSONL line is not a JSON object of the expected shape, or a WARC
    /// record does not parse.
    #[error("{source_name}:{line}: bad record at byte offset {byte_offset}: {message}")]
    BadRecord {
        /// The file (or `<stdin>`) the record came from.
        source_name: PathBuf,
        /// 1-based line of the record.
        line: usize,
        /// Byte offset of the start of the record's line.
        byte_offset: usize,
        /// What is wrong with it.
        message: String,
    },

    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file or directory involved.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },

    /// A saved index file is not one this build can use.
    #[error("{path}: index file unusable at byte offset {byte_offset}: {message}")]
    Index {
        /// The index file.
        path: PathBuf,
        /// Where the problem was found.
        byte_offset: u64,
        /// What is wrong.
        message: String,
    },

    /// A configuration value is out of range.
    #[error("invalid configuration: {0}")]
    Config(String),
}

impl Error {
    /// Whether the error concerns one record only (a bad JSON line, a WARC
    /// record that does not frame, invalid UTF-8), so the reader is ready
    /// for the next record and the run can skip it.
    pub fn is_record_error(&self) -> bool {
        matches!(self, Error::InvalidUtf8 { .. } | Error::BadRecord { .. })
    }

    /// Wraps an I/O error with the path it happened on.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}
