//! Writing results: clean JSONL, a directory of `.txt` pages, the report.
//!
//! Files are written under a temporary name and renamed into place by
//! [`AtomicFile::commit`], so an interrupted run never leaves a
//! half-written file under the final name. [`OutputFile`] adds gzip or
//! zstd compression when the name ends in `.gz` or `.zst`.

use std::fs;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::error::Error;
use crate::pipeline::Sink;
use crate::report::CleanDocument;

/// A file written under `NAME.partial` and renamed to `NAME` on commit.
/// Dropped without a commit, it removes the partial file.
///
/// A path that already exists and is not a regular file (`/dev/null`,
/// `/dev/stdout`, a named pipe) is written in place: renaming over it would
/// replace the device or pipe with a regular file.
pub struct AtomicFile {
    path: PathBuf,
    /// The partial file, or `None` when writing in place.
    partial: Option<PathBuf>,
    writer: Option<BufWriter<fs::File>>,
}

impl AtomicFile {
    /// Creates `PATH.partial` for writing (or opens `PATH` itself when it
    /// is a device or a pipe).
    ///
    /// ```
    /// use std::io::Write;
    /// let mut sink = chaff::write::AtomicFile::create("/dev/null")?;
    /// writeln!(sink, "discarded").unwrap();
    /// sink.commit()?;
    /// assert!(!std::fs::metadata("/dev/null").unwrap().is_file());
    /// # Ok::<(), chaff::Error>(())
    /// ```
    pub fn create(path: impl Into<PathBuf>) -> Result<Self, Error> {
        let path = path.into();
        let special = fs::metadata(&path).is_ok_and(|m| !m.is_file() && !m.is_dir());
        if special {
            let file = fs::OpenOptions::new()
                .write(true)
                .open(&path)
                .map_err(|e| Error::output(&path, e))?;
            return Ok(AtomicFile {
                path,
                partial: None,
                writer: Some(BufWriter::new(file)),
            });
        }
        let mut partial = path.clone().into_os_string();
        partial.push(".partial");
        let partial = PathBuf::from(partial);
        let file = fs::File::create(&partial).map_err(|e| Error::output(&partial, e))?;
        Ok(AtomicFile {
            path,
            partial: Some(partial),
            writer: Some(BufWriter::new(file)),
        })
    }

    /// Flushes and renames the file to its final name.
    pub fn commit(mut self) -> Result<(), Error> {
        let written = self.partial.as_ref().unwrap_or(&self.path).clone();
        if let Some(mut writer) = self.writer.take() {
            writer.flush().map_err(|e| Error::output(&written, e))?;
        }
        match &self.partial {
            Some(partial) => {
                fs::rename(partial, &self.path).map_err(|e| Error::output(&self.path, e))
            }
            None => Ok(()),
        }
    }

    fn writer(&mut self) -> &mut BufWriter<fs::File> {
        self.writer
            .as_mut()
            .expect("writer is present until commit")
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.writer().write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.writer().flush()
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if self.writer.take().is_some()
            && let Some(partial) = &self.partial
        {
            let _ = fs::remove_file(partial);
        }
    }
}

/// An [`AtomicFile`], compressed as its name says: gzip for `.gz`,
/// Zstandard for `.zst`/`.zstd`, plain otherwise.
///
/// ```
/// use std::io::Write;
/// let path = std::env::temp_dir().join(format!("chaff-doc-{}.jsonl.gz", std::process::id()));
/// let mut out = chaff::write::OutputFile::create(&path)?;
/// writeln!(out, "{{\"id\": \"a\"}}").map_err(|e| chaff::Error::output(&path, e))?;
/// out.commit()?;
/// let mut text = String::new();
/// std::io::Read::read_to_string(&mut chaff::read::open(&path)?, &mut text).unwrap();
/// assert_eq!(text, "{\"id\": \"a\"}\n");
/// # std::fs::remove_file(&path).unwrap();
/// # Ok::<(), chaff::Error>(())
/// ```
pub struct OutputFile {
    path: PathBuf,
    encoder: Encoder,
}

enum Encoder {
    Plain(AtomicFile),
    Gzip(flate2::write::GzEncoder<AtomicFile>),
    Zstd(zstd::Encoder<'static, AtomicFile>),
}

impl OutputFile {
    /// Creates the file (under its partial name) with the compression its
    /// name asks for.
    pub fn create(path: impl Into<PathBuf>) -> Result<Self, Error> {
        let path = path.into();
        let file = AtomicFile::create(&path)?;
        let encoder = match crate::read::format_of(&path).1 {
            crate::read::Compression::None => Encoder::Plain(file),
            crate::read::Compression::Gzip => Encoder::Gzip(flate2::write::GzEncoder::new(
                file,
                flate2::Compression::fast(),
            )),
            crate::read::Compression::Zstd => {
                Encoder::Zstd(zstd::Encoder::new(file, 3).map_err(|e| Error::output(&path, e))?)
            }
        };
        Ok(OutputFile { path, encoder })
    }

    /// Finishes the compressed stream and renames the file into place.
    pub fn commit(self) -> Result<(), Error> {
        let file = match self.encoder {
            Encoder::Plain(file) => file,
            Encoder::Gzip(encoder) => encoder.finish().map_err(|e| Error::output(&self.path, e))?,
            Encoder::Zstd(encoder) => encoder.finish().map_err(|e| Error::output(&self.path, e))?,
        };
        file.commit()
    }
}

impl Write for OutputFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match &mut self.encoder {
            Encoder::Plain(file) => file.write(buf),
            Encoder::Gzip(encoder) => encoder.write(buf),
            Encoder::Zstd(encoder) => encoder.write(buf),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match &mut self.encoder {
            Encoder::Plain(file) => file.flush(),
            Encoder::Gzip(encoder) => encoder.flush(),
            Encoder::Zstd(encoder) => encoder.flush(),
        }
    }
}

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
/// use chaff::write::JsonlSink;
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
