//! Reading documents: `.txt` pages, directories of them (searched
//! recursively), JSONL records, WARC/WET files (see the `wet` module) and
//! standard input, as a lazy stream of [`Document`]s.
//! The format is taken from the file name (any case, see
//! [`known_format`](super::known_format)), or, for a name that says none,
//! from the first bytes as for standard input; gzip and zstd data are decompressed
//! on the fly whatever the name says (gzip by `flate2`, multi-member files
//! as Common Crawl writes them; zstd by `zstd`).
//!
//! Every error names its source, line and byte offset. Record-level errors
//! (a bad JSON line, a WARC record that does not frame, invalid UTF-8, the
//! record a cut-off compressed stream ends in) leave the reader at the next
//! record, or end the source after a cut, so a caller may report and skip
//! them ([`skip_bad_records`]); I/O errors end the source.

use std::fs;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::compression::{Format, decompressed, known_format, stream_cut};
use super::decode::{Utf8Policy, decode};
use super::wet::{MAX_RECORD_BYTES, WetReader};
use crate::document::{Document, Kind};
use crate::error::Error;

/// The UTF-8 byte-order mark, which some writers put before JSONL and WARC
/// files too (Windows tools, `Out-File`); readers accept it.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Reads one page; its id is the file name.
pub fn read_txt_file(path: impl AsRef<Path>, policy: Utf8Policy) -> Result<Document, Error> {
    let path = path.as_ref();
    read_page(open(path)?, path, policy)
}

/// What a list of input paths stands for: see [`input_files`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InputFiles {
    /// The files to read, in order (`-` for standard input).
    pub files: Vec<PathBuf>,
    /// The id of the page each of [`files`](Self::files) holds when it is
    /// read whole (a `.txt` or `.html` page): its path relative to the
    /// directory given, `/`-separated (`a/index.txt`, so that pages of the
    /// same name in two folders are told apart), or its file name for a
    /// file given by itself.
    pub ids: Vec<String>,
    /// Files found in directories whose names say no format a directory is
    /// searched for (see [`input_files`]).
    pub skipped: Vec<PathBuf>,
    /// Symbolic links found in directories that lead nowhere.
    pub dangling: Vec<PathBuf>,
    /// The directories searched, the given ones and those below them (links
    /// followed), in the order they were searched.
    pub directories: Vec<PathBuf>,
}

/// Whether a directory search reads a file of this name: its name says a
/// format chaff reads ([`known_format`](super::known_format)), other than
/// `.json` (a `.json` file beside pages is as often metadata, a JSON array
/// or object, as it is JSONL; it is read when named).
///
/// ```
/// use std::path::Path;
/// assert!(chaff::io::searched_for(Path::new("a/B.TXT")));
/// assert!(chaff::io::searched_for(Path::new("crawl.jsonl.gz")));
/// assert!(!chaff::io::searched_for(Path::new("meta.json")));
/// assert!(!chaff::io::searched_for(Path::new("notes.pdf")));
/// ```
pub fn searched_for(path: &Path) -> bool {
    let json = path.file_name().is_some_and(|name| {
        let name = name.to_string_lossy().to_ascii_lowercase();
        [".json", ".json.gz", ".json.zst", ".json.zstd"]
            .iter()
            .any(|ending| name.ends_with(ending))
    });
    known_format(path).is_some() && !json
}

/// The files a list of input paths stands for, checked before anything is
/// read: a file is itself (whatever its name), `-` is standard input, a
/// directory gives every file below it that a search reads
/// ([`searched_for`]: `.txt`, `.text`, `.html`, `.htm`, `.xhtml`, `.shtml`,
/// `.jsonl`, `.ndjson`, `.warc`, `.wet`, in any case, plain or
/// `.gz`/`.zst`; and saved pages, [`is_saved_html`]), in
/// order of their paths by name, following symbolic links and passing
/// over hidden entries (names that start with `.`); the other files are
/// listed in [`InputFiles::skipped`], links that lead nowhere in
/// [`InputFiles::dangling`]. Every file is opened once to check it can be
/// read. A path that does not exist or cannot be opened, a directory that
/// cannot be read, or a loop of directory links, is an error naming it.
///
/// ```
/// let dir = std::env::temp_dir().join(format!("chaff-doc-inputs-{}", std::process::id()));
/// std::fs::create_dir_all(dir.join("sub"))?;
/// std::fs::write(dir.join("a.txt"), "正文。")?;
/// std::fs::write(dir.join("sub/b.JSONL"), "")?;
/// std::fs::write(dir.join("sub/c.pdf"), "")?;
/// let inputs = chaff::io::input_files([&dir])?;
/// assert_eq!(inputs.files, [dir.join("a.txt"), dir.join("sub/b.JSONL")]);
/// assert_eq!(inputs.skipped, [dir.join("sub/c.pdf")]);
/// assert_eq!(inputs.directories, [dir.clone(), dir.join("sub")]);
/// assert_eq!(inputs.ids, ["a.txt", "sub/b.JSONL"]);
/// assert!(chaff::io::input_files([dir.join("missing.txt")]).is_err());
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn input_files<P: AsRef<Path>>(
    paths: impl IntoIterator<Item = P>,
) -> Result<InputFiles, Error> {
    let mut inputs = InputFiles::default();
    for path in paths {
        let path = path.as_ref();
        if path.as_os_str() == "-" {
            inputs.files.push(path.to_path_buf());
            inputs.ids.push("<stdin>".into());
            continue;
        }
        let meta = fs::metadata(path).map_err(|e| Error::io(path, e))?;
        if !meta.is_dir() {
            if meta.is_file() {
                fs::File::open(path).map_err(|e| Error::io(path, e))?;
            }
            inputs.files.push(path.to_path_buf());
            inputs.ids.push(file_id(path));
            continue;
        }
        let walk = walkdir::WalkDir::new(path)
            .follow_links(true)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|entry| {
                entry.depth() == 0 || !entry.file_name().to_string_lossy().starts_with('.')
            });
        for entry in walk {
            let entry = match entry {
                Ok(entry) => entry,
                Err(e) => {
                    let at = e.path().unwrap_or(path).to_path_buf();
                    let dangling = e.loop_ancestor().is_none()
                        && e.io_error()
                            .is_some_and(|io| io.kind() == std::io::ErrorKind::NotFound)
                        && fs::symlink_metadata(&at).is_ok_and(|m| m.file_type().is_symlink());
                    if dangling {
                        inputs.dangling.push(at);
                        continue;
                    }
                    let message = match e.loop_ancestor() {
                        Some(ancestor) => std::io::Error::other(format!(
                            "a directory link loops back to {}",
                            ancestor.display()
                        )),
                        None => e
                            .into_io_error()
                            .unwrap_or_else(|| std::io::Error::other("cannot be read")),
                    };
                    return Err(Error::io(at, message));
                }
            };
            if entry.file_type().is_dir() {
                inputs.directories.push(entry.into_path());
                continue;
            }
            if searched_for(entry.path()) || is_saved_html(entry.path()) {
                if entry.file_type().is_file() {
                    fs::File::open(entry.path()).map_err(|e| Error::io(entry.path(), e))?;
                }
                inputs.ids.push(relative_id(entry.path(), path));
                inputs.files.push(entry.into_path());
            } else {
                inputs.skipped.push(entry.into_path());
            }
        }
    }
    Ok(inputs)
}

/// The path of `file` relative to the directory `dir` it was found in,
/// `/`-separated.
fn relative_id(file: &Path, dir: &Path) -> String {
    match file.strip_prefix(dir) {
        Ok(relative) => relative
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/"),
        Err(_) => file_id(file),
    }
}

/// Reads JSONL records `{"id": …, "text": …, "url": …}` one line at a
/// time. `text` is required, or `html` instead (the page's markup, which
/// makes an HTML document; it wins when both are there, and `text` is then
/// carried as an extra field); a missing `id` becomes `SOURCE:LINE`; other
/// fields are carried through; blank lines (any ASCII whitespace, CRLF
/// endings included) are skipped, and a UTF-8 byte-order mark before the
/// first record is accepted, as Python's `jsonlines` and pandas accept
/// them.
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
            message: format!("not a JSONL record: {message}"),
        };
        let (text, surrogates) = replace_lone_surrogates(&text);
        if surrogates > 0 && self.policy == Utf8Policy::Strict {
            return Err(bad(format!(
                "{surrogates} lone UTF-16 surrogate escape{} (such as \\ud800, which Python's json.dumps writes for text that is not valid Unicode); --lossy replaces each with U+FFFD",
                if surrogates == 1 { "" } else { "s" }
            )));
        }
        let replaced_invalid_utf8 = replaced_invalid_utf8 + surrogates;
        let UniqueKeys(mut record) =
            serde_json::from_str(&text).map_err(|e| bad(without_position(&e)))?;
        let (text, kind) = match record.shift_remove("html") {
            Some(Value::String(html)) => (html, Kind::Html),
            Some(other) => return Err(bad(format!("\"html\" must be a string, not {other}"))),
            None => match record.shift_remove("text") {
                Some(Value::String(text)) => (text, Kind::Text),
                Some(other) => {
                    return Err(bad(format!("\"text\" must be a string, not {other}")));
                }
                None => return Err(bad("no \"text\" or \"html\" field".into())),
            },
        };
        let id = match record.shift_remove("id") {
            None | Some(Value::Null) => format!("{}:{line}", self.source.display()),
            Some(Value::String(id)) => id,
            Some(Value::Number(id)) if id.is_i64() || id.is_u64() => id.to_string(),
            Some(Value::Number(id)) => {
                return Err(bad(format!(
                    "a numeric \"id\" must be an integer of at most 64 bits, or it would be rewritten (as {id}) and could collide with another: give it as a string"
                )));
            }
            Some(other) => {
                return Err(bad(format!(
                    "\"id\" must be a string or a number, not {other}"
                )));
            }
        };
        let url = match record.shift_remove("url") {
            None | Some(Value::Null) => None,
            Some(Value::String(url)) => Some(url),
            Some(other) => return Err(bad(format!("\"url\" must be a string, not {other}"))),
        };
        Ok(Document {
            id,
            text,
            url,
            replaced_invalid_utf8,
            kind,
            extra: record,
        })
    }
}

/// A JSON object whose keys each appear once: serde_json keeps the last
/// of two equal keys and drops the first without a word
/// (`{"text": "a", "text": "b"}` would lose `a`).
struct UniqueKeys(Map<String, Value>);

impl<'de> serde::Deserialize<'de> for UniqueKeys {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Object;
        impl<'de> serde::de::Visitor<'de> for Object {
            type Value = UniqueKeys;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON object")
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<UniqueKeys, A::Error> {
                let mut record = Map::new();
                while let Some(key) = map.next_key::<String>()? {
                    if record.contains_key(&key) {
                        return Err(serde::de::Error::custom(format!(
                            "the key {key:?} appears twice (one of its values would be lost)"
                        )));
                    }
                    let value: Value = map.next_value()?;
                    record.insert(key, value);
                }
                Ok(UniqueKeys(record))
            }
        }
        deserializer.deserialize_map(Object)
    }
}

/// serde_json's message without its own `at line L column C` (the caller
/// gives the file's line), with the column kept; an error past the
/// record's line (serde_json's line 2, column 0: the line break that ends
/// a record cut off inside a string) is at the end of the line.
fn without_position(error: &serde_json::Error) -> String {
    let text = error.to_string();
    let position = format!(" at line {} column {}", error.line(), error.column());
    match text.strip_suffix(&position) {
        Some(message) if error.line() > 1 => format!("{message} (at the end of the line)"),
        Some(message) => format!("{message} (column {} of the line)", error.column()),
        None => text,
    }
}

/// `json` with every `\uXXXX` escape of a lone UTF-16 surrogate (one not in
/// a high-low pair) replaced by `\ufffd`, and how many were; serde_json
/// refuses them.
fn replace_lone_surrogates(json: &str) -> (std::borrow::Cow<'_, str>, usize) {
    if !json.contains("\\u") {
        return (json.into(), 0);
    }
    let bytes = json.as_bytes();
    let escape_at = |i: usize| -> Option<u32> {
        let hex = bytes.get(i..i + 6)?;
        if hex[0] != b'\\' || hex[1] != b'u' {
            return None;
        }
        u32::from_str_radix(std::str::from_utf8(&hex[2..]).ok()?, 16).ok()
    };
    let mut out = String::with_capacity(json.len());
    let mut count = 0;
    let (mut i, mut copied) = (0, 0);
    while i < bytes.len() {
        if bytes[i] != b'\\' {
            i += 1;
            continue;
        }
        match escape_at(i) {
            Some(0xD800..=0xDBFF)
                if escape_at(i + 6).is_some_and(|low| (0xDC00..=0xDFFF).contains(&low)) =>
            {
                i += 12;
            }
            Some(0xD800..=0xDFFF) => {
                out.push_str(&json[copied..i]);
                out.push_str("\\ufffd");
                count += 1;
                i += 6;
                copied = i;
            }
            Some(_) => i += 6,
            // `\\`, `\"` and the like: the escaped character is passed over.
            None => i += 2,
        }
    }
    if count == 0 {
        return (json.into(), 0);
    }
    out.push_str(&json[copied..]);
    (out.into(), count)
}

impl<R: BufRead> Iterator for JsonlReader<R> {
    type Item = Result<Document, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        while !self.done {
            self.buffer.clear();
            let limit = MAX_RECORD_BYTES as u64 + 1;
            let read = match (&mut self.reader)
                .take(limit)
                .read_until(b'\n', &mut self.buffer)
            {
                Ok(read) => read,
                Err(e) => {
                    self.done = true;
                    let Some(cut) = stream_cut(&e) else {
                        return Some(Err(Error::io(&self.source, e)));
                    };
                    let partial = !self.buffer.iter().all(u8::is_ascii_whitespace);
                    return Some(Err(Error::BadRecord {
                        source_name: self.source.clone(),
                        line: self.line + 1,
                        byte_offset: self.offset,
                        message: if partial {
                            format!("record cut off: {cut}")
                        } else {
                            format!("{cut}; what followed is lost")
                        },
                    }));
                }
            };
            if read == 0 {
                self.done = true;
                break;
            }
            self.line += 1;
            let offset = self.offset;
            self.offset += read;
            if self.buffer.len() > MAX_RECORD_BYTES && !self.buffer.ends_with(b"\n") {
                // Over the limit: the rest of the line is passed over unread.
                self.buffer = Vec::new();
                match self.reader.skip_until(b'\n') {
                    Ok(skipped) => self.offset += skipped,
                    Err(e) => {
                        self.done = true;
                        return Some(Err(Error::io(&self.source, e)));
                    }
                }
                return Some(Err(Error::BadRecord {
                    source_name: self.source.clone(),
                    line: self.line,
                    byte_offset: offset,
                    message: format!(
                        "line over the limit of {MAX_RECORD_BYTES} bytes (decompressed), as for a WARC record"
                    ),
                }));
            }
            if self.line == 1 && self.buffer.starts_with(BOM) {
                self.buffer.drain(..BOM.len());
            }
            if self.buffer.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let bytes = std::mem::take(&mut self.buffer);
            return Some(self.record(bytes, self.line, offset));
        }
        None
    }
}

/// Endings of pages a server generated (`.asp`, `.aspx`, `.php`, `.jsp`,
/// `.cfm`…): saved from the web, they hold HTML, but the name does not say
/// so; a directory's files with these names or with no ending are read
/// when their first bytes show HTML (see [`is_saved_html`]).
pub const SERVER_PAGE_ENDINGS: &[&str] = &[
    "asp", "aspx", "php", "jsp", "jspx", "cfm", "cgi", "do", "action",
];

/// Whether a file that a directory holds is a saved web page whose name
/// does not say HTML: its name ends with a [`SERVER_PAGE_ENDINGS`] ending
/// or has none, and its first bytes (decompressed) are `<!doctype html` or
/// `<html`, in any case, after a byte-order mark and whitespace.
///
/// ```
/// let dir = std::env::temp_dir().join(format!("chaff-doc-saved-{}", std::process::id()));
/// std::fs::create_dir_all(&dir)?;
/// std::fs::write(dir.join("index.php"), "<!DOCTYPE html><p>正文。</p>")?;
/// std::fs::write(dir.join("README"), "Notes.")?;
/// assert!(chaff::io::is_saved_html(&dir.join("index.php")));
/// assert!(!chaff::io::is_saved_html(&dir.join("README")));
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn is_saved_html(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let name = name
        .strip_suffix(".gz")
        .or_else(|| name.strip_suffix(".zst"))
        .unwrap_or(&name);
    let server_page = match name.rsplit_once('.') {
        None => true,
        Some((_, ending)) => SERVER_PAGE_ENDINGS.contains(&ending),
    };
    server_page && open(path).is_ok_and(|mut reader| reader.fill_buf().is_ok_and(starts_as_html))
}

/// Whether the first bytes of a stream are an HTML document's:
/// `<!doctype html` or `<html`, in any case, after a byte-order mark and
/// whitespace.
pub(crate) fn starts_as_html(head: &[u8]) -> bool {
    let text = head.strip_prefix(BOM).unwrap_or(head);
    let start = text
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(text.len());
    let text = &text[start..text.len().min(start + 14)];
    let lower = text.to_ascii_lowercase();
    lower.starts_with(b"<!doctype html") || lower.starts_with(b"<html")
}

/// Opens a file, decompressed when its first bytes say gzip or zstd.
pub fn open(path: impl AsRef<Path>) -> Result<Box<dyn BufRead + Send>, Error> {
    let path = path.as_ref();
    let file = fs::File::open(path).map_err(|e| Error::io(path, e))?;
    decompressed(BufReader::with_capacity(1 << 16, file), path)
}

type DocumentIter = Box<dyn Iterator<Item = Result<Document, Error>> + Send>;

/// The documents of one file, read as `format` when given, else as its
/// name says ([`known_format`](super::known_format)), else as its first
/// bytes say (as standard input is read).
fn file_documents(
    path: PathBuf,
    id: String,
    policy: Utf8Policy,
    format: Option<Format>,
) -> DocumentIter {
    let mut reader = match open(&path) {
        Ok(reader) => reader,
        Err(e) => return Box::new(std::iter::once(Err(e))),
    };
    let format = match format.or_else(|| known_format(&path)) {
        // A `.txt` file that is an HTML document (a page saved with the
        // wrong name) is read as HTML: as text it would be markup.
        // `--format txt` (`format`) still reads it as text.
        Some(Format::Txt) if format.is_none() && reader.fill_buf().is_ok_and(starts_as_html) => {
            Format::Html
        }
        Some(format) => format,
        None => match sniff_format(reader.as_mut()) {
            Ok(format) => format,
            Err(e) => return Box::new(std::iter::once(Err(Error::io(&path, e)))),
        },
    };
    match format {
        Format::Jsonl => Box::new(JsonlReader::new(reader, path, policy)),
        Format::Wet => Box::new(WetReader::new(reader, path, policy)),
        Format::Txt => Box::new(std::iter::once(read_page(reader, &path, policy).map(
            |mut page| {
                page.id = id;
                page
            },
        ))),
        Format::Html => Box::new(std::iter::once(read_html_page(reader, &path).map(
            |mut page| {
                page.id = id;
                page
            },
        ))),
    }
}

/// The format of a stream whose name says none (standard input,
/// `<(zcat …)`, a file without extension), from what the buffer holds of
/// its first bytes ([`format_of_head`]).
fn sniff_format(reader: &mut dyn BufRead) -> std::io::Result<Format> {
    Ok(format_of_head(reader.fill_buf()?))
}

/// The format the first bytes of a stream show: after a byte-order mark
/// and whitespace, `{` starts JSONL, `WARC/` a WARC/WET stream, `<` an HTML
/// page (a doctype, a comment or any tag), anything else a page of text.
fn format_of_head(head: &[u8]) -> Format {
    let text = head.strip_prefix(BOM).unwrap_or(head);
    let text = &text[text
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(text.len())..];
    if text.starts_with(b"{") {
        Format::Jsonl
    } else if text.starts_with(b"WARC/") {
        Format::Wet
    } else if text.starts_with(b"<") {
        Format::Html
    } else {
        Format::Txt
    }
}

/// The whole of a (possibly decompressed) file; a cut-off compressed
/// stream makes it a bad record.
fn read_whole(reader: impl Read, path: &Path) -> Result<Vec<u8>, Error> {
    let mut bytes = Vec::new();
    let mut reader = reader.take(MAX_RECORD_BYTES as u64 + 1);
    if let Err(e) = reader.read_to_end(&mut bytes) {
        return Err(match stream_cut(&e) {
            Some(cut) => Error::BadRecord {
                source_name: path.to_path_buf(),
                line: 1,
                byte_offset: 0,
                message: format!("page cut off: {cut}"),
            },
            None => Error::io(path, e),
        });
    }
    if bytes.len() > MAX_RECORD_BYTES {
        return Err(Error::BadRecord {
            source_name: path.to_path_buf(),
            line: 1,
            byte_offset: 0,
            message: format!(
                "page over the limit of {MAX_RECORD_BYTES} bytes (decompressed), as for a WARC record; split it"
            ),
        });
    }
    Ok(bytes)
}

/// The file name of a path, as a document id.
fn file_id(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// Reads a whole (possibly decompressed) file as one HTML page.
fn read_html_page(reader: impl Read, path: &Path) -> Result<Document, Error> {
    let bytes = read_whole(reader, path)?;
    html_document(file_id(path), &bytes, None, path, 1, 0)
}

/// An HTML page's bytes as a document: decoded by
/// [`crate::html::charset::decode`] (the encoding from a byte-order mark,
/// valid UTF-8, `content_type`, a `<meta>` declaration or detection), with
/// the malformed sequences replaced and counted in
/// [`Document::replaced_invalid_utf8`] whatever the [`Utf8Policy`] (an
/// HTML page's encoding is a judgement, so a stray byte is not an error).
/// Binary data ([`crate::html::charset::looks_binary`]) is a record error
/// at `line` and `byte_offset`.
///
/// ```
/// use chaff::io::html_document;
/// let doc = html_document("a.html".into(), b"<meta charset=gbk><p>\xd6\xd0\xce\xc4</p>", None, "a.html".as_ref(), 1, 0)?;
/// assert_eq!(doc.text, "<meta charset=gbk><p>中文</p>");
/// let err = html_document("b.html".into(), b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", None, "b.html".as_ref(), 1, 0).unwrap_err();
/// assert_eq!(err.to_string(), "b.html:1: bad record at byte offset 0: binary data, not an HTML page");
/// # Ok::<(), chaff::Error>(())
/// ```
pub fn html_document(
    id: String,
    bytes: &[u8],
    content_type: Option<&str>,
    source: &Path,
    line: usize,
    byte_offset: usize,
) -> Result<Document, Error> {
    if crate::html::charset::looks_binary(bytes) {
        return Err(Error::BadRecord {
            source_name: source.to_path_buf(),
            line,
            byte_offset,
            message: "binary data, not an HTML page".into(),
        });
    }
    let decoded = crate::html::charset::decode(bytes, content_type);
    Ok(Document {
        id,
        text: decoded.text,
        replaced_invalid_utf8: decoded.replaced,
        kind: Kind::Html,
        ..Document::default()
    })
}

/// Reads a whole (possibly decompressed) file as one page; a cut-off
/// compressed stream makes it a bad record.
fn read_page(reader: impl Read, path: &Path, policy: Utf8Policy) -> Result<Document, Error> {
    let bytes = read_whole(reader, path)?;
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
        ..Document::default()
    })
}

/// The documents of the given paths, lazily, in order (a `Send` iterator,
/// so it can be read on another thread). The paths are expanded by
/// [`input_files`] when this is called (an error there is the first item);
/// each file is read by its [`known_format`](super::known_format) (JSONL
/// records, WARC/WET records, one HTML page, or one page of text; a name
/// that says none is read as standard input is), decompressed when it is
/// gzip or zstd data; `-` is standard input, read as [`stream_documents`]
/// reads a stream.
pub fn documents<P: AsRef<Path>>(
    paths: impl IntoIterator<Item = P>,
    policy: Utf8Policy,
) -> Documents {
    documents_as(paths, policy, None)
}

/// [`documents`], with every file and standard input read as `format` when
/// it is given, instead of by its name or content (directories are still
/// expanded by name).
pub fn documents_as<P: AsRef<Path>>(
    paths: impl IntoIterator<Item = P>,
    policy: Utf8Policy,
    format: Option<Format>,
) -> Documents {
    match input_files(paths) {
        Ok(inputs) => found_documents(&inputs, policy, format),
        Err(e) => Documents {
            inner: Box::new(std::iter::once(Err(e))),
        },
    }
}

/// [`documents_as`] over the files [`input_files`] found (each read as
/// itself, a page read whole taking its id from [`InputFiles::ids`]).
pub fn found_documents(
    inputs: &InputFiles,
    policy: Utf8Policy,
    format: Option<Format>,
) -> Documents {
    let items: Vec<(PathBuf, String)> = inputs
        .files
        .iter()
        .cloned()
        .zip(inputs.ids.iter().cloned())
        .collect();
    Documents {
        inner: Box::new(
            items
                .into_iter()
                .flat_map(move |(path, id)| -> DocumentIter {
                    if path.as_os_str() == "-" {
                        stream_documents(std::io::stdin(), "<stdin>", policy, format)
                    } else {
                        file_documents(path, id, policy, format)
                    }
                }),
        ),
    }
}

/// The documents of a list of inputs: see [`documents`].
pub struct Documents {
    inner: DocumentIter,
}

impl Iterator for Documents {
    type Item = Result<Document, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        self.inner.next()
    }
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

/// How many leading bytes [`stream_documents`] looks at.
const SNIFF_BYTES: u64 = 1024;

/// The documents of a stream, as standard input is read: decompressed when
/// it is gzip or zstd data, then read as `format`, or as its first bytes
/// say: after a byte-order mark and whitespace, `{` starts JSONL, `WARC/`
/// a WARC/WET stream, `<` an HTML page (a doctype, a comment or any tag),
/// anything else one page of text. `source` names the stream in errors and
/// is the id of a single page. Input that is plainly JSONL or WARC is never
/// taken for a page; a stream with no bytes at all has no documents.
///
/// ```
/// use chaff::io::{stream_documents, Utf8Policy};
/// // JSONL after a byte-order mark and a blank line is JSONL, not a page.
/// let input = "\u{FEFF}\n{\"id\": \"a\", \"text\": \"正文。\"}\n";
/// let docs: Vec<_> = stream_documents(std::io::Cursor::new(input), "<stdin>", Utf8Policy::Strict, None)
///     .collect::<Result<_, _>>()?;
/// assert_eq!((docs[0].id.as_str(), docs[0].text.as_str()), ("a", "正文。"));
/// # Ok::<(), chaff::Error>(())
/// ```
pub fn stream_documents<R: Read + Send + 'static>(
    reader: R,
    source: &str,
    policy: Utf8Policy,
    format: Option<Format>,
) -> Box<dyn Iterator<Item = Result<Document, Error>> + Send> {
    let path = PathBuf::from(source);
    let cut = |e: std::io::Error| match stream_cut(&e) {
        Some(cut) => Error::BadRecord {
            source_name: path.clone(),
            line: 1,
            byte_offset: 0,
            message: cut.to_string(),
        },
        None => Error::io(&path, e),
    };
    let mut reader = match decompressed(BufReader::new(reader), &path) {
        Ok(reader) => reader,
        Err(e) => return Box::new(std::iter::once(Err(e))),
    };
    let mut head = Vec::new();
    if let Err(e) = reader.by_ref().take(SNIFF_BYTES).read_to_end(&mut head) {
        return Box::new(std::iter::once(Err(cut(e))));
    }
    if head.is_empty() {
        // Nothing at all (`true | chaff`): no documents, not one empty page.
        return Box::new(std::iter::empty());
    }
    let format = format.unwrap_or_else(|| format_of_head(&head));
    let reader = BufReader::with_capacity(1 << 16, std::io::Cursor::new(head).chain(reader));
    match format {
        Format::Jsonl => Box::new(JsonlReader::new(reader, path, policy)),
        Format::Wet => Box::new(WetReader::new(reader, path, policy)),
        Format::Html => Box::new(std::iter::once(read_html_page(reader, &path))),
        Format::Txt => Box::new(std::iter::once(read_page(reader, &path, policy).map(
            |mut page| {
                page.id = source.to_owned();
                page
            },
        ))),
    }
}
