//! What a file holds and how it is compressed, from its name: shared by
//! reading (which decompresses) and writing (which compresses).

use std::path::Path;

/// What a file holds, from its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One page of text.
    Txt,
    /// JSONL records.
    Jsonl,
    /// WARC/WET records.
    Wet,
}

/// How a file is compressed, from its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    /// Not compressed.
    None,
    /// gzip (`.gz`), one member or several.
    Gzip,
    /// Zstandard (`.zst`, `.zstd`).
    Zstd,
}

/// The format and compression of a file, from its name.
///
/// ```
/// use chaff::io::{format_of, Compression, Format};
/// use std::path::Path;
/// assert_eq!(format_of(Path::new("CC-MAIN-1.warc.wet.gz")), (Format::Wet, Compression::Gzip));
/// assert_eq!(format_of(Path::new("crawl.jsonl.zst")), (Format::Jsonl, Compression::Zstd));
/// assert_eq!(format_of(Path::new("page.txt")), (Format::Txt, Compression::None));
/// ```
pub fn format_of(path: &Path) -> (Format, Compression) {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let (stem, compression) = if let Some(stem) = name.strip_suffix(".gz") {
        (stem, Compression::Gzip)
    } else if let Some(stem) = name
        .strip_suffix(".zst")
        .or_else(|| name.strip_suffix(".zstd"))
    {
        (stem, Compression::Zstd)
    } else {
        (name.as_str(), Compression::None)
    };
    let format = if stem.ends_with(".jsonl") || stem.ends_with(".json") {
        Format::Jsonl
    } else if stem.ends_with(".wet") || stem.ends_with(".warc") {
        Format::Wet
    } else {
        Format::Txt
    };
    (format, compression)
}
