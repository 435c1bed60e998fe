//! Errors, each naming what was wrong and where.
//!
//! One [`Error`] for the whole crate, one variant per kind of failure, and
//! [`Result`] with it as the default error type. Every module imports them
//! from here (`crate::error`), not through the crate root.

use std::path::{Path, PathBuf};

/// `Result` with chaff's [`Error`] as the default error.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in chaff.
///
/// Input errors carry the source (a file path, or `<stdin>`), the 1-based
/// line and the byte offset from the start of that source, so a message
/// points at the exact spot in a crawl; errors in saved files (dedup state,
/// site templates) carry the file and the byte offset.
///
/// ```
/// use chaff::Error;
/// let err = Error::InvalidUtf8 { source_name: "pages/a.txt".into(), line: 3, byte_offset: 41, looks_like: None };
/// assert_eq!(err.to_string(), "pages/a.txt:3: invalid UTF-8 at byte offset 41");
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The input is not valid UTF-8 and lossy decoding was not requested.
    #[error("{}:{line}: invalid UTF-8 at byte offset {byte_offset}{}", shown(.source_name), looks_like_note(.looks_like))]
    InvalidUtf8 {
        /// The file (or `<stdin>`) the bytes came from.
        source_name: PathBuf,
        /// 1-based line of the first invalid byte.
        line: usize,
        /// Byte offset of the first invalid byte from the start of the source.
        byte_offset: usize,
        /// The encoding the bytes from there on read as, when they read as
        /// Chinese text in one (`GB18030`, which covers GBK and GB2312).
        looks_like: Option<&'static str>,
    },

    /// A JSONL line is not a JSON object of the expected shape, or a WARC
    /// record does not parse.
    #[error("{}:{line}: bad record at byte offset {byte_offset}: {message}", shown(.source_name))]
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

    /// Opening or reading a file (or standard input) failed.
    #[error("{}: {source}", shown(.path))]
    Io {
        /// The file or directory involved.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },

    /// Creating, writing or renaming an output file (or writing to
    /// standard output) failed.
    #[error("{}: {source}", shown(.path))]
    Output {
        /// The file or directory written.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },

    /// A saved dedup state (`--save-state`, the index file) is not one this
    /// build can use, or could not be encoded.
    #[error("{}: index file unusable at byte offset {byte_offset}: {message}", shown(.path))]
    State {
        /// The state file.
        path: PathBuf,
        /// Where the problem was found.
        byte_offset: u64,
        /// What is wrong.
        message: String,
    },

    /// A saved site-templates file (`--save-templates`) is not one this
    /// build can use.
    #[error("{}: site-templates file unusable at byte offset {byte_offset}: {message}", shown(.path))]
    Templates {
        /// The templates file.
        path: PathBuf,
        /// Where the problem was found.
        byte_offset: u64,
        /// What is wrong.
        message: String,
    },

    /// A configuration value is out of range, or a configuration file does
    /// not parse.
    #[error("invalid configuration: {0}")]
    Config(String),

    /// The command was given something it cannot do (no inputs, `-` twice,
    /// an input it cannot read twice): says what and what to do.
    #[error("{0}")]
    Usage(String),

    /// A [`Sink`](crate::Sink) of the caller's failed with an error of its
    /// own (see [`Error::sink`]).
    #[error("{0}")]
    Sink(Box<dyn std::error::Error + Send + Sync>),

    /// A staging file of the distributed stages is not one this build
    /// wrote, or is cut off or corrupt.
    #[error("{path}:{line}: staging file unusable at byte offset {byte_offset}: {message}")]
    Staging {
        /// The staging file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// Byte offset of the line.
        byte_offset: usize,
        /// What is wrong.
        message: String,
    },

    /// A distributed stage was given rows it cannot have been meant to get
    /// (out of order, or naming a paragraph that is not there): a driver
    /// bug, never silently decided.
    #[error("distributed stage: {0}")]
    Distributed(String),
}

/// A path as messages show it: as it is, or quoted with its control
/// characters escaped when it holds any (a file name with a newline
/// cannot forge a line of its own in a message).
///
/// ```
/// use std::path::Path;
/// assert_eq!(chaff::error::shown(Path::new("pages/a.txt")), "pages/a.txt");
/// assert_eq!(chaff::error::shown(Path::new("a\nchaff: b")), "\"a\\nchaff: b\"");
/// ```
pub fn shown(path: &Path) -> String {
    let text = path.to_string_lossy();
    if text.chars().any(char::is_control) {
        format!("{text:?}")
    } else {
        text.into_owned()
    }
}

fn looks_like_note(looks_like: &Option<&'static str>) -> String {
    looks_like
        .map(|encoding| format!(" (the bytes read as {encoding} text)"))
        .unwrap_or_default()
}

impl Error {
    /// Whether the error concerns one record only (a bad JSON line, a WARC
    /// record that does not frame, invalid UTF-8), so the reader is ready
    /// for the next record and the run can skip it.
    pub fn is_record_error(&self) -> bool {
        matches!(self, Error::InvalidUtf8 { .. } | Error::BadRecord { .. })
    }

    /// Wraps an I/O error met while reading, with the path it happened on.
    ///
    /// ```
    /// let err = chaff::Error::io("pages/a.txt", std::io::ErrorKind::NotFound.into());
    /// assert!(err.to_string().starts_with("pages/a.txt: "));
    /// ```
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    /// Wraps the error of a caller's [`Sink`](crate::Sink), which the run
    /// then returns as it is.
    ///
    /// ```
    /// use chaff::{Cleaner, Config, Document, Error};
    /// #[derive(Debug)]
    /// struct Full;
    /// impl std::fmt::Display for Full {
    ///     fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { f.write_str("queue full") }
    /// }
    /// impl std::error::Error for Full {}
    /// let mut sink = chaff::sink::from_fn(|_doc| Err(Error::sink(Full)));
    /// let docs = vec![Ok(Document::new("a", "正文。"))];
    /// let err = Cleaner::new(Config::default())?.run(docs, 8, &mut sink).unwrap_err();
    /// match err {
    ///     Error::Sink(inner) => assert!(inner.downcast_ref::<Full>().is_some()),
    ///     other => panic!("{other}"),
    /// }
    /// # Ok::<(), chaff::Error>(())
    /// ```
    pub fn sink(error: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        Error::Sink(error.into())
    }

    /// Wraps an I/O error met while writing, with the path it happened on.
    ///
    /// ```
    /// let err = chaff::Error::output("clean.jsonl", std::io::ErrorKind::StorageFull.into());
    /// assert!(matches!(err, chaff::Error::Output { .. }));
    /// ```
    pub fn output(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Output {
            path: path.into(),
            source,
        }
    }
}
