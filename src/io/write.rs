//! Writing results: clean JSONL, a directory of `.txt` pages, the report.
//!
//! The sinks write to any `Write`; files go through
//! [`AtomicFile`](super::AtomicFile) and [`OutputFile`](super::OutputFile),
//! which appear under their final name only when complete, and a
//! directory of pages ([`TxtDirSink`]) appears as a whole when committed.

use std::collections::HashSet;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::error::Error;
use crate::report::CleanDocument;
use crate::sink::Sink;

/// What the clean JSONL records hold besides `id`, `url` and the input
/// record's other fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RecordShape {
    /// Add `paragraphs`, the kept paragraphs as an array (the same text as
    /// `text`, split on newlines: no paragraph holds a newline).
    pub paragraphs: bool,
    /// Write no record for a document with no paragraph kept.
    pub drop_empty: bool,
}

/// One clean JSONL record, as read back: `{"id", "url"?, …the input
/// record's other fields…, "text", "paragraphs"?}`.
///
/// `text` is the kept paragraphs joined by newlines; `paragraphs`, written
/// on request ([`RecordShape::paragraphs`]), is the same paragraphs as an
/// array. Fields of the input record other than `id`, `text` and `url`
/// (a crawl's `date`, language tags, …) are carried through in `extra`,
/// except `paragraphs`, which is the cleaner's own.
///
/// ```
/// use chaff::{Cleaner, Config, Document};
/// use chaff::io::{CleanRecord, RecordShape, write_clean_record};
/// let mut doc = Document::new("a", "分享到:\n正文一段。");
/// doc.extra.insert("date".into(), "2024-05-01".into());
/// let clean = Cleaner::new(Config::default())?.clean(doc);
/// let mut line = Vec::new();
/// write_clean_record(&mut line, &clean, RecordShape { paragraphs: true, ..Default::default() }).unwrap();
/// assert_eq!(String::from_utf8(line.clone()).unwrap(), "{\"id\":\"a\",\"date\":\"2024-05-01\",\"text\":\"正文一段。\",\"paragraphs\":[\"正文一段。\"]}\n");
/// let record: CleanRecord = serde_json::from_slice(&line).unwrap();
/// assert_eq!(record.paragraphs.as_deref(), Some(&["正文一段。".to_owned()][..]));
/// assert_eq!(record.extra["date"], "2024-05-01");
/// assert_eq!(serde_json::to_string(&record).unwrap() + "\n", String::from_utf8(line).unwrap());
/// # Ok::<(), chaff::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CleanRecord {
    /// The document's id.
    pub id: String,
    /// The document's URL, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The input record's other fields, in their order.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
    /// The kept paragraphs joined by newlines.
    pub text: String,
    /// The kept paragraphs, when asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paragraphs: Option<Vec<String>>,
}

/// [`CleanRecord`] as written: borrowed from the clean document.
#[derive(Serialize)]
struct CleanRecordRef<'a> {
    id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<&'a str>,
    #[serde(flatten)]
    extra: Extra<'a>,
    text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    paragraphs: Option<Vec<&'a str>>,
}

/// The extra fields of a document, less the names the record uses itself.
struct Extra<'a>(&'a Map<String, Value>);

/// Field names a clean record writes itself.
const OWN_FIELDS: [&str; 4] = ["id", "url", "text", "paragraphs"];

impl Serialize for Extra<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(None)?;
        for (key, value) in self.0 {
            if !OWN_FIELDS.contains(&key.as_str()) {
                map.serialize_entry(key, value)?;
            }
        }
        map.end()
    }
}

/// Writes one JSON line for `document` (see [`CleanRecord`]), or nothing
/// when it kept no paragraph and `shape.drop_empty` is set. Gives whether a
/// line was written.
pub fn write_clean_record(
    out: &mut impl Write,
    document: &CleanDocument,
    shape: RecordShape,
) -> std::io::Result<bool> {
    if shape.drop_empty && document.kept().next().is_none() {
        return Ok(false);
    }
    let record = CleanRecordRef {
        id: &document.id,
        url: document.url.as_deref(),
        extra: Extra(&document.extra),
        text: document.clean_text(),
        paragraphs: shape.paragraphs.then(|| document.kept().collect()),
    };
    serde_json::to_writer(&mut *out, &record)?;
    out.write_all(b"\n")?;
    Ok(true)
}

/// Writes one JSON line per dropped paragraph of `document`.
pub fn write_report_entries(out: &mut impl Write, document: &CleanDocument) -> std::io::Result<()> {
    for entry in document.report_entries() {
        serde_json::to_writer(&mut *out, &entry)?;
        out.write_all(b"\n")?;
    }
    Ok(())
}

/// A [`Sink`] that writes clean JSONL and, optionally, the report JSONL.
///
/// ```
/// use chaff::{Cleaner, Config, Document};
/// use chaff::io::JsonlSink;
/// let mut clean = Vec::new();
/// let mut report = Vec::new();
/// let mut sink = JsonlSink::new(&mut clean, Some(&mut report), "out");
/// let mut cleaner = Cleaner::new(Config::default())?;
/// let docs = vec![Ok(Document::new("a", "分享到:\n正文一段。"))];
/// cleaner.run(docs, 64, &mut sink)?;
/// assert_eq!(String::from_utf8(clean).unwrap(), "{\"id\":\"a\",\"text\":\"正文一段。\"}\n");
/// assert!(String::from_utf8(report).unwrap().contains("\"rule\":\"share_widget\""));
/// # Ok::<(), chaff::Error>(())
/// ```
pub struct JsonlSink<W, R> {
    clean: W,
    report: Option<R>,
    name: PathBuf,
    report_name: PathBuf,
    shape: RecordShape,
}

impl<W: Write, R: Write> JsonlSink<W, R> {
    /// Writes clean records to `clean` and report entries to `report`;
    /// `name` names the output in errors (the report is named `report`
    /// until [`Self::report_name`] says otherwise).
    pub fn new(clean: W, report: Option<R>, name: impl Into<PathBuf>) -> Self {
        JsonlSink {
            clean,
            report,
            name: name.into(),
            report_name: PathBuf::from("report"),
            shape: RecordShape::default(),
        }
    }

    /// Names the report in errors.
    pub fn report_name(mut self, name: impl Into<PathBuf>) -> Self {
        self.report_name = name.into();
        self
    }

    /// What the records hold (see [`RecordShape`]).
    pub fn shape(mut self, shape: RecordShape) -> Self {
        self.shape = shape;
        self
    }

    /// Gives back the writers.
    pub fn into_inner(self) -> (W, Option<R>) {
        (self.clean, self.report)
    }
}

impl<W: Write, R: Write> Sink for JsonlSink<W, R> {
    fn accept(&mut self, document: CleanDocument) -> Result<(), Error> {
        write_clean_record(&mut self.clean, &document, self.shape)
            .map_err(|e| Error::output(&self.name, e))?;
        if let Some(report) = &mut self.report {
            write_report_entries(report, &document)
                .map_err(|e| Error::output(&self.report_name, e))?;
        }
        Ok(())
    }
}

/// Longest file name written, in bytes: room under the usual limit of 255
/// for a `~N` suffix.
const MAX_NAME_BYTES: usize = 200;

/// A [`Sink`] that writes each document's kept paragraphs, one per line,
/// to a file of its own in a directory, named after its id (see
/// [`TxtDirSink::file_name`]), and appears as a whole: the files go to a
/// temporary directory beside `dir`, renamed to `dir` by
/// [`TxtDirSink::commit`]. Dropped without a commit, it leaves nothing.
///
/// ```
/// use chaff::{Cleaner, Config, Document};
/// let dir = std::env::temp_dir().join(format!("chaff-doc-pages-{}", std::process::id()));
/// # let _ = std::fs::remove_dir_all(&dir);
/// let mut sink = chaff::io::TxtDirSink::new(&dir, None::<Vec<u8>>)?;
/// let docs = vec![Ok(Document::new("a/1", "正文一。")), Ok(Document::new("a_1", "正文二。"))];
/// Cleaner::new(Config::default())?.run(docs, 64, &mut sink)?;
/// assert_eq!(sink.renamed(), [("a_1".to_owned(), "a_1~2.txt".to_owned())]);
/// sink.commit()?;
/// assert_eq!(std::fs::read_to_string(dir.join("a_1.txt")).unwrap(), "正文一。\n");
/// assert_eq!(std::fs::read_to_string(dir.join("a_1~2.txt")).unwrap(), "正文二。\n");
/// # std::fs::remove_dir_all(&dir).unwrap();
/// # Ok::<(), chaff::Error>(())
/// ```
pub struct TxtDirSink<R> {
    /// The directory as given, for messages.
    shown: PathBuf,
    /// Where the directory goes (links followed).
    target: PathBuf,
    temp: tempfile::TempDir,
    /// On the list of temporaries removed on a signal.
    listed: super::atomic::Listed,
    report: Option<R>,
    report_name: PathBuf,
    drop_empty: bool,
    /// Names used so far, lowercased (so that no two differ by case only).
    used: HashSet<String>,
    renamed: Vec<(String, String)>,
}

impl<R: Write> TxtDirSink<R> {
    /// Prepares `dir`, which must not exist or be empty, and whose parent
    /// must exist and be writable: a temporary directory is made beside it
    /// at once. Refused, naming `dir`: a path whose last component is `.`
    /// or `..` (give the directory by its name), a mount point, and a
    /// directory that could not be replaced by a rename (see
    /// [`AtomicFile`](super::AtomicFile)). A directory replaced keeps its
    /// permissions (less the set-ID bits); a new one gets the default
    /// permissions (0777 less the umask).
    pub fn new(dir: impl AsRef<Path>, report: Option<R>) -> Result<Self, Error> {
        let shown = dir.as_ref().to_path_buf();
        let refuse = |kind, message: &str| {
            Error::output(&shown, std::io::Error::new(kind, message.to_owned()))
        };
        let trimmed = without_trailing_slashes(&shown);
        let bytes = trimmed.as_os_str().as_encoded_bytes();
        if bytes.is_empty()
            || bytes == b"/"
            || bytes == b"."
            || bytes == b".."
            || bytes.ends_with(b"/.")
            || bytes.ends_with(b"/..")
        {
            return Err(refuse(
                std::io::ErrorKind::InvalidInput,
                "cannot be replaced by the output directory (it is `/`, `.` or `..`); give a new or empty directory by its name",
            ));
        }
        let target = super::atomic::follow_links(&trimmed).map_err(|e| Error::output(&shown, e))?;
        let old = fs::metadata(&target).ok();
        match &old {
            Some(meta) if !meta.is_dir() => {
                return Err(refuse(
                    std::io::ErrorKind::NotADirectory,
                    "is not a directory",
                ));
            }
            Some(_) => {
                let mut entries = fs::read_dir(&target).map_err(|e| Error::output(&shown, e))?;
                if entries.next().is_some() {
                    return Err(refuse(
                        std::io::ErrorKind::DirectoryNotEmpty,
                        "the output directory exists and is not empty",
                    ));
                }
                super::atomic::check_replaceable(&target, &shown)?;
            }
            None => super::atomic::check_replaceable(&target, &shown)?,
        }
        let parent = match target.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let prefix = format!(".{}.", super::atomic::temp_stem(&name));
        let mut builder = tempfile::Builder::new();
        builder.prefix(&prefix).suffix(".partial");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            builder.permissions(fs::Permissions::from_mode(0o777));
        }
        let temp = builder.tempdir_in(&parent).map_err(|e| {
            let e = if parent.is_dir() {
                e
            } else {
                std::io::Error::new(
                    std::io::ErrorKind::NotFound,
                    format!("directory {} does not exist", parent.display()),
                )
            };
            Error::output(&shown, e)
        })?;
        let listed = super::atomic::Listed::new(temp.path());
        if let Some(old) = &old {
            let handle = fs::File::open(temp.path()).map_err(|e| Error::output(&shown, e))?;
            super::atomic::like(&handle, old).map_err(|e| Error::output(&shown, e))?;
        }
        Ok(TxtDirSink {
            shown,
            target,
            temp,
            listed,
            report,
            report_name: PathBuf::from("report"),
            drop_empty: false,
            used: HashSet::new(),
            renamed: Vec::new(),
        })
    }

    /// Names the report in errors.
    pub fn report_name(mut self, name: impl Into<PathBuf>) -> Self {
        self.report_name = name.into();
        self
    }

    /// Writes no file for a document with no paragraph kept.
    pub fn drop_empty(mut self, drop_empty: bool) -> Self {
        self.drop_empty = drop_empty;
        self
    }

    /// The documents whose file name is not [`Self::file_name`] of their
    /// id, because that name was taken: `(id, file name)`, in input order.
    pub fn renamed(&self) -> &[(String, String)] {
        &self.renamed
    }

    /// The file name for an id, before any `~N` added to tell apart ids
    /// that give the same name: the id with `/`, `\`, control characters
    /// and a leading `.` replaced by `_`, a `.gz`/`.zst` ending dropped (the
    /// file is plain text), `.txt` added unless it ends so; an id that
    /// would give more than 200 bytes is cut at a character boundary and
    /// ends in 16 hex digits of its XXH3 hash.
    ///
    /// ```
    /// use chaff::io::TxtDirSink;
    /// assert_eq!(TxtDirSink::<Vec<u8>>::file_name("news/2024/a.html"), "news_2024_a.html.txt");
    /// assert_eq!(TxtDirSink::<Vec<u8>>::file_name("page.txt.gz"), "page.txt");
    /// assert_eq!(TxtDirSink::<Vec<u8>>::file_name(".."), "_...txt");
    /// assert!(TxtDirSink::<Vec<u8>>::file_name(&"长".repeat(100)).len() <= 200);
    /// ```
    pub fn file_name(id: &str) -> String {
        let mut name: String = id
            .chars()
            .map(|c| {
                if matches!(c, '/' | '\\') || c.is_control() {
                    '_'
                } else {
                    c
                }
            })
            .collect();
        if name.is_empty() || name.starts_with('.') {
            name.insert(0, '_');
        }
        let lower = name.to_ascii_lowercase();
        for ending in [".gz", ".zst", ".zstd"] {
            if lower.ends_with(ending) && name.len() > ending.len() {
                name.truncate(name.len() - ending.len());
                break;
            }
        }
        if !name.to_ascii_lowercase().ends_with(".txt") {
            name.push_str(".txt");
        }
        if name.len() > MAX_NAME_BYTES {
            let hash = xxhash_rust::xxh3::xxh3_64(id.as_bytes());
            let mut cut = MAX_NAME_BYTES - 22;
            while !name.is_char_boundary(cut) {
                cut -= 1;
            }
            name = format!("{}-{hash:016x}.txt", &name[..cut]);
        }
        name
    }

    /// A name not used yet for `id`.
    fn unique_name(&mut self, id: &str) -> String {
        let name = Self::file_name(id);
        if self.used.insert(name.to_lowercase()) {
            return name;
        }
        let stem = &name[..name.len() - 4];
        let extension = &name[name.len() - 4..];
        let mut n = 2;
        loop {
            let candidate = format!("{stem}~{n}{extension}");
            if self.used.insert(candidate.to_lowercase()) {
                self.renamed.push((id.to_owned(), candidate.clone()));
                return candidate;
            }
            n += 1;
        }
    }

    /// Moves the directory into place (over an empty one, if it exists)
    /// and gives back the report writer. When the rename fails, the
    /// finished pages stay in the temporary directory, which the error
    /// names: they are never deleted.
    pub fn commit(self) -> Result<Option<R>, Error> {
        let TxtDirSink {
            shown,
            target,
            temp,
            listed,
            report,
            ..
        } = self;
        let temp = temp.keep();
        let renamed = super::atomic::rename_listed(&temp, &target);
        drop(listed);
        match renamed {
            Ok(()) => Ok(report),
            Err(e) => {
                // Named beside the directory as given, not as an absolute path.
                let kept = match temp.file_name() {
                    Some(name) => target.with_file_name(name),
                    None => temp,
                };
                Err(Error::output(
                    &shown,
                    super::atomic::kept_note(e, Ok(kept), "pages are kept in"),
                ))
            }
        }
    }
}

/// `path` without the slashes it ends in (`out/` is `out`; `/` stays).
fn without_trailing_slashes(path: &Path) -> PathBuf {
    let mut path = path.to_path_buf();
    while path.as_os_str().len() > 1 && path.as_os_str().as_encoded_bytes().ends_with(b"/") {
        // `Path::parent` of `out/` is `""`: cut the slash off the text instead.
        let mut bytes = path.into_os_string().into_encoded_bytes();
        bytes.pop();
        // SAFETY: the bytes came from an `OsString` and only an ASCII `/`
        // was taken off the end, which keeps them a valid encoding.
        path = PathBuf::from(unsafe { std::ffi::OsString::from_encoded_bytes_unchecked(bytes) });
    }
    path
}

impl<R: Write> Sink for TxtDirSink<R> {
    fn accept(&mut self, document: CleanDocument) -> Result<(), Error> {
        if let Some(report) = &mut self.report {
            write_report_entries(report, &document)
                .map_err(|e| Error::output(&self.report_name, e))?;
        }
        if self.drop_empty && document.kept().next().is_none() {
            return Ok(());
        }
        let name = self.unique_name(&document.id);
        let path = self.temp.path().join(&name);
        let mut text = document.clean_text();
        if !text.is_empty() {
            text.push('\n');
        }
        fs::write(&path, text.as_bytes()).map_err(|e| Error::output(self.shown.join(&name), e))
    }
}
