//! What a file holds and how it is compressed: the format from its name,
//! the compression from its first bytes (gzip and zstd magic numbers) when
//! reading and from its name when writing. Shared by reading (which
//! decompresses) and writing (which compresses).
//!
//! A compressed stream that ends early or is corrupt (an interrupted
//! download) ends the data there: the reader sees the error as a
//! [`StreamCut`] with the decompressed offset it happened at, and reports
//! the record it cut as a bad record.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use crate::error::Error;

/// What a file holds, from its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One page of text.
    Txt,
    /// JSONL records.
    Jsonl,
    /// WARC/WET records.
    Wet,
    /// One HTML page (`.html`, `.htm`, `.xhtml`).
    Html,
}

/// How a file is compressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    /// Not compressed.
    None,
    /// gzip (`.gz`), one member or several.
    Gzip,
    /// Zstandard (`.zst`, `.zstd`).
    Zstd,
}

/// Splits a lowercased file name into the name before its compression
/// ending and the compression that ending names.
fn strip_compression(name: &str) -> (&str, Compression) {
    if let Some(stem) = name.strip_suffix(".gz") {
        (stem, Compression::Gzip)
    } else if let Some(stem) = name
        .strip_suffix(".zst")
        .or_else(|| name.strip_suffix(".zstd"))
    {
        (stem, Compression::Zstd)
    } else {
        (name, Compression::None)
    }
}

fn lowercase_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default()
}

/// The format and compression of a file, from its name (any case); a name
/// chaff does not know is a page of text.
///
/// ```
/// use chaff::io::{format_of, Compression, Format};
/// use std::path::Path;
/// assert_eq!(format_of(Path::new("CC-MAIN-1.warc.wet.gz")), (Format::Wet, Compression::Gzip));
/// assert_eq!(format_of(Path::new("crawl.JSONL.zst")), (Format::Jsonl, Compression::Zstd));
/// assert_eq!(format_of(Path::new("page.txt")), (Format::Txt, Compression::None));
/// assert_eq!(format_of(Path::new("README")), (Format::Txt, Compression::None));
/// assert_eq!(format_of(Path::new("Page.HTM.gz")), (Format::Html, Compression::Gzip));
/// ```
pub fn format_of(path: &Path) -> (Format, Compression) {
    let name = lowercase_name(path);
    let (stem, compression) = strip_compression(&name);
    (stem_format(stem).unwrap_or(Format::Txt), compression)
}

/// The format a file name says, when it is one chaff reads (`.txt`,
/// `.text`, `.jsonl`, `.ndjson`, `.json`, `.warc`, `.wet`, `.html`, `.htm`,
/// `.xhtml`, `.shtml`, in any case,
/// plain or `.gz`/`.zst`): what a directory is searched for.
///
/// ```
/// use chaff::io::{known_format, Format};
/// use std::path::Path;
/// assert_eq!(known_format(Path::new("a/B.TXT")), Some(Format::Txt));
/// assert_eq!(known_format(Path::new("x.jsonl.gz")), Some(Format::Jsonl));
/// assert_eq!(known_format(Path::new("notes.pdf")), None);
/// ```
pub fn known_format(path: &Path) -> Option<Format> {
    let name = lowercase_name(path);
    stem_format(strip_compression(&name).0)
}

/// The format a lowercased name without its compression ending says.
fn stem_format(stem: &str) -> Option<Format> {
    let extension = stem.rsplit_once('.')?.1;
    match extension {
        "txt" | "text" => Some(Format::Txt),
        "jsonl" | "ndjson" | "json" => Some(Format::Jsonl),
        "warc" | "wet" => Some(Format::Wet),
        "html" | "htm" | "xhtml" | "shtml" | "shtm" => Some(Format::Html),
        _ => None,
    }
}

/// The compression the first bytes of a stream show (gzip `1f 8b`, zstd
/// `28 b5 2f fd`); no text in UTF-8 starts so.
pub fn sniff(head: &[u8]) -> Compression {
    if head.starts_with(&[0x1f, 0x8b]) {
        Compression::Gzip
    } else if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
        Compression::Zstd
    } else {
        Compression::None
    }
}

/// A compressed stream that ended early or does not decode: where, in
/// decompressed bytes, and what the decoder said. Carried inside the
/// `std::io::Error` a decompressing reader returns (see [`stream_cut`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamCut {
    /// `gzip` or `zstd`.
    pub compression: &'static str,
    /// Decompressed bytes read before the cut.
    pub offset: u64,
    /// The decoder's message.
    pub message: String,
}

impl std::fmt::Display for StreamCut {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the {} stream is cut off or corrupt at decompressed byte offset {} ({})",
            self.compression, self.offset, self.message
        )
    }
}

impl std::error::Error for StreamCut {}

/// The [`StreamCut`] inside an I/O error, if it is one.
pub fn stream_cut(error: &std::io::Error) -> Option<&StreamCut> {
    error.get_ref()?.downcast_ref::<StreamCut>()
}

/// A decoder whose errors become [`StreamCut`]s.
struct CutDetector<R> {
    inner: R,
    compression: &'static str,
    offset: u64,
}

impl<R: Read> Read for CutDetector<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self.inner.read(buf) {
            Ok(read) => {
                self.offset += read as u64;
                Ok(read)
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => Err(e),
            Err(e) => Err(std::io::Error::new(
                e.kind(),
                StreamCut {
                    compression: self.compression,
                    offset: self.offset,
                    message: e.to_string(),
                },
            )),
        }
    }
}

/// The largest zstd window accepted, as a power of two: 31, the largest
/// the format allows on 64-bit machines (`ZSTD_WINDOWLOG_MAX_64`, what
/// `zstd --long=31` writes).
#[cfg(feature = "zstd")]
const ZSTD_WINDOW_LOG_MAX: u32 = 31;

/// `reader`, decompressed when its first bytes say gzip or zstd.
pub(crate) fn decompressed<R: BufRead + Send + 'static>(
    mut reader: R,
    source: &Path,
) -> Result<Box<dyn BufRead + Send>, Error> {
    let head = reader.fill_buf().map_err(|e| Error::io(source, e))?;
    Ok(match sniff(head) {
        Compression::None => Box::new(reader),
        Compression::Gzip => Box::new(BufReader::with_capacity(
            1 << 16,
            CutDetector {
                inner: flate2::bufread::MultiGzDecoder::new(reader),
                compression: "gzip",
                offset: 0,
            },
        )),
        #[cfg(feature = "zstd")]
        Compression::Zstd => {
            let mut decoder =
                zstd::Decoder::with_buffer(reader).map_err(|e| Error::io(source, e))?;
            // zstd's decoder refuses windows over 2^27 bytes unless told
            // otherwise, as `zstd -d` does without `--long=31` or
            // `--memory`; a file written with `zstd --long=31` is valid, so
            // every window a frame may declare is accepted (the memory is
            // taken only when a frame asks for it).
            decoder
                .window_log_max(ZSTD_WINDOW_LOG_MAX)
                .map_err(|e| Error::io(source, e))?;
            Box::new(BufReader::with_capacity(
                1 << 16,
                CutDetector {
                    inner: decoder,
                    compression: "zstd",
                    offset: 0,
                },
            ))
        }
        #[cfg(not(feature = "zstd"))]
        Compression::Zstd => {
            return Err(Error::io(
                source,
                std::io::Error::new(
                    std::io::ErrorKind::Unsupported,
                    "zstd data, and this build has no zstd support (feature zstd)",
                ),
            ));
        }
    })
}
