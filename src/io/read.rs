//! Reading documents: `.txt` pages, directories of them, JSONL records,
//! WARC/WET files (see the `wet` module) and standard input, as a lazy
//! stream of [`Document`]s.
//! Files ending in `.gz` or `.zst` are decompressed on the fly (gzip by
//! `flate2`, multi-member files as Common Crawl writes them; zstd by
//! `zstd`), and the format is taken from the extension before that.
//!
//! Every error names its source, line and byte offset. Record-level errors
//! (a bad JSON line, a WARC record that does not frame, invalid UTF-8) leave
//! the reader at the next record, so a caller may report and skip them
//! ([`skip_bad_records`]); I/O errors end the source.

use std::fs;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::compression::{Compression, Format, format_of};
use super::decode::{Utf8Policy, decode};
use super::wet::WetReader;
use crate::document::Document;
use crate::error::Error;

/// Reads one page; its id is the file name.
pub fn read_txt_file(path: &Path, policy: Utf8Policy) -> Result<Document, Error> {
    read_page(open(path)?, path, policy)
}

/// The `.txt` files of a directory, sorted by name (not recursive).
pub fn txt_files_in(dir: &Path) -> Result<Vec<PathBuf>, Error> {
    let mut files = Vec::new();
    for entry in fs::read_dir(dir).map_err(|e| Error::io(dir, e))? {
        let path = entry.map_err(|e| Error::io(dir, e))?.path();
        if path.is_file() && path.extension().is_some_and(|e| e == "txt") {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

#[derive(Deserialize)]
struct Record {
    id: Option<serde_json::Value>,
    text: String,
    url: Option<String>,
}

/// Reads JSONL records `{"id": …, "text": …, "url": …}` one line at a
/// time. `text` is required; a missing `id` becomes `SOURCE:LINE`; other
/// fields are ignored; blank lines are skipped.
///
/// ```
/// use chaff::io::{JsonlReader, Utf8Policy};
/// let input = "{\"id\": \"a\", \"text\": \"正文\"}\n\n{\"text\": 1}\n";
/// let mut records = JsonlReader::new(input.as_bytes(), "in.jsonl", Utf8Policy::Strict);
/// assert_eq!(records.next().unwrap()?.text, "正文");
/// let err = records.next().unwrap().unwrap_err();
/// assert!(err.to_string().starts_with("in.jsonl:3: bad record at byte offset 31: not a JSONL record"));
/// assert!(records.next().is_none());
/// # Ok::<(), chaff::Error>(())
/// ```
pub struct JsonlReader<R> {
    reader: R,
    source: PathBuf,
    policy: Utf8Policy,
    line: usize,
    offset: usize,
    buffer: Vec<u8>,
    done: bool,
}

impl<R: BufRead> JsonlReader<R> {
    /// Reads records from `reader`; `source` names it in errors and ids.
    pub fn new(reader: R, source: impl Into<PathBuf>, policy: Utf8Policy) -> Self {
        JsonlReader {
            reader,
            source: source.into(),
            policy,
            line: 0,
            offset: 0,
            buffer: Vec::new(),
            done: false,
        }
    }

    fn record(&self, bytes: Vec<u8>, line: usize, offset: usize) -> Result<Document, Error> {
        let (text, replaced_invalid_utf8) = decode(bytes, &self.source, line, offset, self.policy)?;
        let bad = |message: String| Error::BadRecord {
            source_name: self.source.clone(),
            line,
            byte_offset: offset,
            message,
        };
        let record: Record =
            serde_json::from_str(&text).map_err(|e| bad(format!("not a JSONL record: {e}")))?;
        let id = match record.id {
            None | Some(serde_json::Value::Null) => format!("{}:{line}", self.source.display()),
            Some(serde_json::Value::String(id)) => id,
            Some(serde_json::Value::Number(id)) => id.to_string(),
            Some(other) => {
                return Err(bad(format!(
                    "\"id\" must be a string or a number, not {other}"
                )));
            }
        };
        Ok(Document {
            id,
            text: record.text,
            url: record.url,
            replaced_invalid_utf8,
        })
    }
}

impl<R: BufRead> Iterator for JsonlReader<R> {
    type Item = Result<Document, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        while !self.done {
            self.buffer.clear();
            let read = match self.reader.read_until(b'\n', &mut self.buffer) {
                Ok(read) => read,
                Err(e) => {
                    self.done = true;
                    return Some(Err(Error::io(&self.source, e)));
                }
            };
            if read == 0 {
                self.done = true;
                break;
            }
            self.line += 1;
            let offset = self.offset;
            self.offset += read;
            if self.buffer.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let bytes = std::mem::take(&mut self.buffer);
            return Some(self.record(bytes, self.line, offset));
        }
        None
    }
}

/// Opens a file, decompressing it as its name says.
pub fn open(path: &Path) -> Result<Box<dyn BufRead + Send>, Error> {
    let file = fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let file = BufReader::with_capacity(1 << 16, file);
    Ok(match format_of(path).1 {
        Compression::None => Box::new(file),
        Compression::Gzip => Box::new(BufReader::new(flate2::bufread::MultiGzDecoder::new(file))),
        Compression::Zstd => Box::new(BufReader::new(
            zstd::Decoder::with_buffer(file).map_err(|e| Error::io(path, e))?,
        )),
    })
}

/// The documents of one file.
fn file_documents(
    path: PathBuf,
    policy: Utf8Policy,
) -> Box<dyn Iterator<Item = Result<Document, Error>> + Send> {
    let reader = match open(&path) {
        Ok(reader) => reader,
        Err(e) => return Box::new(std::iter::once(Err(e))),
    };
    match format_of(&path).0 {
        Format::Jsonl => Box::new(JsonlReader::new(reader, path, policy)),
        Format::Wet => Box::new(WetReader::new(reader, path, policy)),
        Format::Txt => Box::new(std::iter::once(read_page(reader, &path, policy))),
    }
}

/// Reads a whole (possibly decompressed) file as one page.
fn read_page(mut reader: impl Read, path: &Path, policy: Utf8Policy) -> Result<Document, Error> {
    let mut bytes = Vec::new();
    reader
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io(path, e))?;
    let (text, replaced_invalid_utf8) = decode(bytes, path, 1, 0, policy)?;
    let id = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    Ok(Document {
        id,
        text,
        url: None,
        replaced_invalid_utf8,
    })
}

/// All documents of the given paths, lazily, in order: a directory gives
/// its `.txt` files sorted by name; a file is read by its [`format_of`]
/// (JSONL records, WARC/WET records, or one page), decompressed when its
/// name ends in `.gz` or `.zst`; `-` is standard input (JSONL when it
/// starts with `{`, WARC when it starts with `WARC/`, otherwise one page
/// with id `<stdin>`).
pub fn documents(
    paths: &[PathBuf],
    policy: Utf8Policy,
) -> impl Iterator<Item = Result<Document, Error>> + use<> {
    let mut items: Vec<Result<PathBuf, Error>> = Vec::new();
    for path in paths {
        if path.is_dir() {
            match txt_files_in(path) {
                Ok(files) => items.extend(files.into_iter().map(Ok)),
                Err(e) => items.push(Err(e)),
            }
        } else {
            items.push(Ok(path.clone()));
        }
    }
    items
        .into_iter()
        .flat_map(move |item| -> Box<dyn Iterator<Item = _>> {
            match item {
                Err(e) => Box::new(std::iter::once(Err(e))),
                Ok(path) if path.as_os_str() == "-" => stdin_documents(policy),
                Ok(path) => file_documents(path, policy),
            }
        })
}

/// Drops the record-level errors of a stream (see [`Error::is_record_error`])
/// after handing each to `on_skip`; other errors pass through.
///
/// ```
/// use chaff::io::{skip_bad_records, JsonlReader, Utf8Policy};
/// let input = "{\"text\": \"一\"}\nnot json\n{\"text\": \"二\"}\n";
/// let mut skipped = Vec::new();
/// let texts: Vec<String> = skip_bad_records(
///     JsonlReader::new(input.as_bytes(), "in.jsonl", Utf8Policy::Strict),
///     |e| skipped.push(e.to_string()),
/// )
/// .map(|d| d.map(|d| d.text))
/// .collect::<Result<_, _>>()?;
/// assert_eq!(texts, ["一", "二"]);
/// assert!(skipped[0].starts_with("in.jsonl:2: bad record"));
/// # Ok::<(), chaff::Error>(())
/// ```
pub fn skip_bad_records<I, F>(
    records: I,
    mut on_skip: F,
) -> impl Iterator<Item = Result<Document, Error>>
where
    I: IntoIterator<Item = Result<Document, Error>>,
    F: FnMut(&Error),
{
    records.into_iter().filter(move |record| match record {
        Err(e) if e.is_record_error() => {
            on_skip(e);
            false
        }
        _ => true,
    })
}

fn stdin_documents(policy: Utf8Policy) -> Box<dyn Iterator<Item = Result<Document, Error>>> {
    let mut stdin = BufReader::new(std::io::stdin());
    let (starts_with_brace, starts_with_warc) = match stdin.fill_buf() {
        Ok(buf) => (
            buf.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{'),
            buf.starts_with(b"WARC/"),
        ),
        Err(e) => return Box::new(std::iter::once(Err(Error::io("<stdin>", e)))),
    };
    if starts_with_brace {
        return Box::new(JsonlReader::new(stdin, "<stdin>", policy));
    }
    if starts_with_warc {
        return Box::new(WetReader::new(stdin, "<stdin>", policy));
    }
    let mut bytes = Vec::new();
    let page = stdin
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io("<stdin>", e))
        .and_then(|_| decode(bytes, Path::new("<stdin>"), 1, 0, policy))
        .map(|(text, replaced_invalid_utf8)| Document {
            id: "<stdin>".into(),
            text,
            url: None,
            replaced_invalid_utf8,
        });
    Box::new(std::iter::once(page))
}
