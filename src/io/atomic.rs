//! Output files that appear under their final name only when complete.
//!
//! Files are written under a temporary name and renamed into place by
//! [`AtomicFile::commit`], so an interrupted run never leaves a
//! half-written file under the final name. [`OutputFile`] adds gzip or
//! zstd compression when the name ends in `.gz` or `.zst`.

use std::fs;
use std::io::{BufWriter, Write};
use std::path::PathBuf;

use super::compression::{Compression, format_of};
use crate::error::Error;

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
    /// let mut sink = chaff::io::AtomicFile::create("/dev/null")?;
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
/// let mut out = chaff::io::OutputFile::create(&path)?;
/// writeln!(out, "{{\"id\": \"a\"}}").map_err(|e| chaff::Error::output(&path, e))?;
/// out.commit()?;
/// let mut text = String::new();
/// std::io::Read::read_to_string(&mut chaff::io::open(&path)?, &mut text).unwrap();
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
        let encoder = match format_of(&path).1 {
            Compression::None => Encoder::Plain(file),
            Compression::Gzip => Encoder::Gzip(flate2::write::GzEncoder::new(
                file,
                flate2::Compression::fast(),
            )),
            Compression::Zstd => {
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
