//! Writing results: clean JSONL, a directory of `.txt` pages, the report.
//!
//! The sinks write to any `Write`; files go through
//! [`AtomicFile`](super::AtomicFile) and [`OutputFile`](super::OutputFile),
//! which appear under their final name only when complete.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::atomic::AtomicFile;
use crate::error::Error;
use crate::report::CleanDocument;
use crate::sink::Sink;

#[derive(Serialize)]
struct CleanRecord<'a> {
    id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<&'a str>,
    text: String,
    paragraphs: Vec<&'a str>,
}

/// Writes one JSON line per document: `{"id", "url"?, "text", "paragraphs"}`
/// where `text` is the kept paragraphs joined by newlines.
pub fn write_clean_record(out: &mut impl Write, document: &CleanDocument) -> std::io::Result<()> {
    let record = CleanRecord {
        id: &document.id,
        url: document.url.as_deref(),
        text: document.clean_text(),
        paragraphs: document.kept().collect(),
    };
    serde_json::to_writer(&mut *out, &record)?;
    out.write_all(b"\n")
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
/// assert_eq!(String::from_utf8(clean).unwrap(), "{\"id\":\"a\",\"text\":\"正文一段。\",\"paragraphs\":[\"正文一段。\"]}\n");
/// assert!(String::from_utf8(report).unwrap().contains("\"rule\":\"share_widget\""));
/// # Ok::<(), chaff::Error>(())
/// ```
pub struct JsonlSink<W, R> {
    clean: W,
    report: Option<R>,
    name: PathBuf,
}

impl<W: Write, R: Write> JsonlSink<W, R> {
    /// Writes clean records to `clean` and report entries to `report`;
    /// `name` names the output in errors.
    pub fn new(clean: W, report: Option<R>, name: impl Into<PathBuf>) -> Self {
        JsonlSink {
            clean,
            report,
            name: name.into(),
        }
    }

    /// Gives back the writers.
    pub fn into_inner(self) -> (W, Option<R>) {
        (self.clean, self.report)
    }
}

impl<W: Write, R: Write> Sink for JsonlSink<W, R> {
    fn accept(&mut self, document: CleanDocument) -> Result<(), Error> {
        write_clean_record(&mut self.clean, &document).map_err(|e| Error::output(&self.name, e))?;
        if let Some(report) = &mut self.report {
            write_report_entries(report, &document).map_err(|e| Error::output(&self.name, e))?;
        }
        Ok(())
    }
}

/// A [`Sink`] that writes each document's kept paragraphs to `DIR/ID`
/// (`.txt` added when the id has no extension), one paragraph per line.
pub struct TxtDirSink<R> {
    dir: PathBuf,
    report: Option<R>,
}

impl<R: Write> TxtDirSink<R> {
    /// Creates `dir` if needed.
    pub fn new(dir: impl Into<PathBuf>, report: Option<R>) -> Result<Self, Error> {
        let dir = dir.into();
        fs::create_dir_all(&dir).map_err(|e| Error::output(&dir, e))?;
        Ok(TxtDirSink { dir, report })
    }

    /// Gives back the report writer.
    pub fn into_report(self) -> Option<R> {
        self.report
    }

    fn path_for(&self, id: &str) -> PathBuf {
        let name: String = id
            .chars()
            .map(|c| {
                if matches!(c, '/' | '\\' | '\0') {
                    '_'
                } else {
                    c
                }
            })
            .collect();
        let mut path = self
            .dir
            .join(if name.is_empty() || name == "." || name == ".." {
                "_"
            } else {
                &name
            });
        if Path::new(&name).extension().is_none() {
            path.set_extension("txt");
        }
        path
    }
}

impl<R: Write> Sink for TxtDirSink<R> {
    fn accept(&mut self, document: CleanDocument) -> Result<(), Error> {
        let path = self.path_for(&document.id);
        let mut file = AtomicFile::create(&path)?;
        let mut text = document.clean_text();
        if !text.is_empty() {
            text.push('\n');
        }
        file.write_all(text.as_bytes())
            .map_err(|e| Error::output(&path, e))?;
        file.commit()?;
        if let Some(report) = &mut self.report {
            write_report_entries(report, &document).map_err(|e| Error::output(&self.dir, e))?;
        }
        Ok(())
    }
}
