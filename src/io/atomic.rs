//! Output files that appear under their final name only when complete.
//!
//! A regular file is written as a temporary file beside its final name
//! (`.NAME.XXXXXX.partial`, a unique name, so two writers never share one)
//! and renamed into place by [`AtomicFile::commit`]. A path that is a
//! symbolic link is followed: the file it points to is replaced, the link
//! stays. Whatever is not a regular file (a device such as `/dev/null`, a
//! named pipe, a socket) and the streams this process already writes to
//! (standard output and error, `/dev/stdout`, `/dev/fd/N`, links to them,
//! or a file one of them is redirected to) is written in place, never
//! renamed over. [`OutputFile`] adds gzip or zstd compression when the
//! name ends in `.gz` or `.zst`.
//!
//! Errors name the path the caller gave, never the temporary file.

use std::fs;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use super::compression::{Compression, format_of};
use crate::error::Error;

/// How many symbolic links are followed before giving up (as Linux's
/// `MAXSYMLINKS`).
const MAX_LINKS: usize = 40;

/// Where an output path leads once its symbolic links are followed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Destination {
    /// A regular file that does not exist yet, or exists: written beside it
    /// and renamed over it.
    Replace(PathBuf),
    /// Written in place: a device, a pipe, a socket.
    InPlace(PathBuf),
    /// One of this process's own streams (1: standard output, 2: standard
    /// error), or a path that leads to the file one of them writes to:
    /// written through that stream.
    Stream(u8),
}

/// Follows the symbolic links of `path`'s last component (a dangling link
/// leads to where it points) up to a descriptor alias (`/proc/self/fd/1`
/// names a stream, whatever its link text says); the directories above are
/// taken as they are.
pub(crate) fn follow_links(path: &Path) -> std::io::Result<PathBuf> {
    let mut current = path.to_path_buf();
    for _ in 0..MAX_LINKS {
        if is_descriptor_alias(&current) {
            return Ok(current);
        }
        match fs::symlink_metadata(&current) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let target = fs::read_link(&current)?;
                current = match current.parent() {
                    Some(parent) if target.is_relative() => parent.join(target),
                    _ => target,
                };
            }
            _ => return Ok(current),
        }
    }
    Err(std::io::Error::other("too many levels of symbolic links"))
}

/// Whether `path` (after its links) is one of the descriptor aliases that
/// name an open stream: `/dev/stdout`, `/dev/stderr`, `/dev/fd/N`,
/// `/proc/*/fd/N`.
fn is_descriptor_alias(path: &Path) -> bool {
    let text = path.to_string_lossy();
    text.starts_with("/dev/fd/")
        || (text.starts_with("/proc/") && path.parent().is_some_and(|p| p.ends_with("fd")))
}

/// Identity of a file: device and inode (unix), or the canonical path.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum FileId {
    #[cfg(unix)]
    Inode(u64, u64),
    #[cfg_attr(unix, allow(dead_code))]
    Path(PathBuf),
}

impl FileId {
    /// The identity of what `path` leads to (links followed), if it exists.
    pub(crate) fn of(path: &Path) -> Option<FileId> {
        let meta = fs::metadata(path).ok()?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            let _ = &meta;
            Some(FileId::Inode(meta.dev(), meta.ino()))
        }
        #[cfg(not(unix))]
        {
            let _ = meta;
            fs::canonicalize(path).ok().map(FileId::Path)
        }
    }

    /// The identity of this process's standard output (1) or error (2).
    pub(crate) fn of_stream(stream: u8) -> Option<FileId> {
        #[cfg(unix)]
        {
            use std::os::fd::AsFd;
            use std::os::unix::fs::MetadataExt;
            let fd = match stream {
                1 => std::io::stdout().as_fd().try_clone_to_owned().ok()?,
                _ => std::io::stderr().as_fd().try_clone_to_owned().ok()?,
            };
            let meta = fs::File::from(fd).metadata().ok()?;
            Some(FileId::Inode(meta.dev(), meta.ino()))
        }
        #[cfg(not(unix))]
        {
            let _ = stream;
            None
        }
    }
}

/// Where `path` leads: see [`Destination`].
pub(crate) fn destination(path: &Path) -> Result<Destination, Error> {
    let target = follow_links(path).map_err(|e| Error::output(path, e))?;
    let meta = fs::metadata(&target).ok();
    if meta.as_ref().is_some_and(|m| m.is_dir()) {
        return Err(Error::output(
            path,
            std::io::Error::new(std::io::ErrorKind::IsADirectory, "is a directory"),
        ));
    }
    if let Some(id) = FileId::of(&target) {
        for stream in [1, 2] {
            if FileId::of_stream(stream).as_ref() == Some(&id) {
                return Ok(Destination::Stream(stream));
            }
        }
    }
    if meta.as_ref().is_some_and(|m| !m.is_file()) || is_descriptor_alias(&target) {
        return Ok(Destination::InPlace(target));
    }
    Ok(Destination::Replace(target))
}

/// A file written under a temporary name and renamed to its final name on
/// [`commit`](Self::commit); or, for a device, a pipe or one of this
/// process's streams, written in place (see the module docs). Dropped
/// without a commit, it removes the temporary file.
pub struct AtomicFile {
    /// The path as the caller gave it, for messages.
    shown: PathBuf,
    /// The temporary file and the path it is renamed to, or `None` when
    /// writing in place.
    temp: Option<(tempfile::TempPath, PathBuf)>,
    writer: Option<BufWriter<fs::File>>,
}

impl AtomicFile {
    /// Creates a temporary file beside `path` (its links followed), or
    /// opens `path` in place when it is a device, a pipe or one of this
    /// process's streams. Fails, naming `path`, when its directory does not
    /// exist or cannot be written, or when it is a directory.
    ///
    /// ```
    /// use std::io::Write;
    /// let mut sink = chaff::io::AtomicFile::create("/dev/null")?;
    /// writeln!(sink, "discarded").unwrap();
    /// sink.commit()?;
    /// assert!(!std::fs::metadata("/dev/null").unwrap().is_file());
    /// # Ok::<(), chaff::Error>(())
    /// ```
    pub fn create(path: impl AsRef<Path>) -> Result<Self, Error> {
        let shown = path.as_ref().to_path_buf();
        let (file, temp) = match destination(&shown)? {
            Destination::Stream(stream) => (stream_file(stream, &shown)?, None),
            Destination::InPlace(target) => {
                let file = fs::OpenOptions::new()
                    .write(true)
                    .open(&target)
                    .map_err(|e| Error::output(&shown, e))?;
                (file, None)
            }
            Destination::Replace(target) => {
                let (file, temp) = temp_beside(&target, &shown)?;
                (file, Some((temp, target)))
            }
        };
        Ok(AtomicFile {
            shown,
            temp,
            writer: Some(BufWriter::with_capacity(1 << 16, file)),
        })
    }

    /// The path as it was given.
    pub fn path(&self) -> &Path {
        &self.shown
    }

    /// Writes out what is buffered and, for a temporary file, makes it
    /// durable, so that [`commit`](Self::commit) only renames. A full disk
    /// shows here.
    pub fn finish(&mut self) -> Result<(), Error> {
        if let Some(writer) = self.writer.as_mut() {
            writer.flush().map_err(|e| Error::output(&self.shown, e))?;
            if self.temp.is_some() {
                writer
                    .get_ref()
                    .sync_data()
                    .map_err(|e| Error::output(&self.shown, e))?;
            }
        }
        Ok(())
    }

    /// Finishes the file and renames it to its final name.
    pub fn commit(mut self) -> Result<(), Error> {
        self.finish()?;
        self.writer.take();
        match self.temp.take() {
            Some((temp, target)) => temp
                .persist(&target)
                .map(|_| ())
                .map_err(|e| Error::output(&self.shown, e.error)),
            None => Ok(()),
        }
    }

    fn writer(&mut self) -> &mut BufWriter<fs::File> {
        self.writer
            .as_mut()
            .expect("writer is present until commit")
    }
}

/// A handle on standard output (1) or error (2) that writes where they
/// write, at their offset.
fn stream_file(stream: u8, shown: &Path) -> Result<fs::File, Error> {
    #[cfg(unix)]
    {
        use std::os::fd::AsFd;
        let fd = match stream {
            1 => std::io::stdout().as_fd().try_clone_to_owned(),
            _ => std::io::stderr().as_fd().try_clone_to_owned(),
        };
        fd.map(fs::File::from).map_err(|e| Error::output(shown, e))
    }
    #[cfg(not(unix))]
    {
        let _ = stream;
        Err(Error::output(
            shown,
            std::io::Error::other("writing to a stream by path is not supported here"),
        ))
    }
}

/// A new temporary file in the directory of `target`, with the permissions
/// `target` has (or those of a new file).
pub(crate) fn temp_beside(
    target: &Path,
    shown: &Path,
) -> Result<(fs::File, tempfile::TempPath), Error> {
    let dir = match target.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut builder = tempfile::Builder::new();
    let prefix = format!(".{name}.");
    builder.prefix(&prefix).suffix(".partial");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(target).map_or(0o666, |m| m.permissions().mode() & 0o7777);
        builder.permissions(fs::Permissions::from_mode(mode));
    }
    let temp = builder.tempfile_in(dir).map_err(|e| {
        let e = if dir.is_dir() {
            e
        } else {
            std::io::Error::new(
                std::io::ErrorKind::NotFound,
                format!("directory {} does not exist", dir.display()),
            )
        };
        Error::output(shown, e)
    })?;
    let (file, path) = temp.into_parts();
    Ok((file, path))
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.writer().write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.writer().flush()
    }
}

/// An [`AtomicFile`], compressed as its name says: gzip for `.gz`,
/// Zstandard for `.zst`/`.zstd` (feature `zstd`), plain otherwise.
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
    #[cfg(feature = "zstd")]
    Zstd(zstd::Encoder<'static, AtomicFile>),
    /// Between `finish` and `commit`.
    Finished(AtomicFile),
    /// After a failed `finish`.
    Failed,
}

impl OutputFile {
    /// Creates the file (see [`AtomicFile::create`]) with the compression
    /// its name asks for. Without the `zstd` feature a `.zst` name is
    /// refused.
    pub fn create(path: impl AsRef<Path>) -> Result<Self, Error> {
        let path = path.as_ref().to_path_buf();
        let compression = format_of(&path).1;
        #[cfg(not(feature = "zstd"))]
        if compression == Compression::Zstd {
            return Err(Error::output(
                &path,
                std::io::Error::new(
                    std::io::ErrorKind::Unsupported,
                    "this build has no zstd support (feature zstd)",
                ),
            ));
        }
        let file = AtomicFile::create(&path)?;
        let encoder = match compression {
            Compression::None => Encoder::Plain(file),
            Compression::Gzip => Encoder::Gzip(flate2::write::GzEncoder::new(
                file,
                flate2::Compression::fast(),
            )),
            #[cfg(feature = "zstd")]
            Compression::Zstd => {
                Encoder::Zstd(zstd::Encoder::new(file, 3).map_err(|e| Error::output(&path, e))?)
            }
            #[cfg(not(feature = "zstd"))]
            Compression::Zstd => unreachable!("refused above"),
        };
        Ok(OutputFile { path, encoder })
    }

    /// The path as it was given.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Ends the compressed stream and writes everything out (see
    /// [`AtomicFile::finish`]), so that [`commit`](Self::commit) only
    /// renames: a caller with several outputs finishes them all before
    /// committing any.
    pub fn finish(&mut self) -> Result<(), Error> {
        let encoder = std::mem::replace(&mut self.encoder, Encoder::Failed);
        let mut file = match encoder {
            Encoder::Plain(file) | Encoder::Finished(file) => file,
            Encoder::Gzip(encoder) => encoder.finish().map_err(|e| Error::output(&self.path, e))?,
            #[cfg(feature = "zstd")]
            Encoder::Zstd(encoder) => encoder.finish().map_err(|e| Error::output(&self.path, e))?,
            Encoder::Failed => {
                return Err(Error::output(
                    &self.path,
                    std::io::Error::other("writing failed earlier"),
                ));
            }
        };
        file.finish()?;
        self.encoder = Encoder::Finished(file);
        Ok(())
    }

    /// Finishes the file and renames it into place.
    pub fn commit(mut self) -> Result<(), Error> {
        self.finish()?;
        match std::mem::replace(&mut self.encoder, Encoder::Failed) {
            Encoder::Finished(file) => file.commit(),
            _ => unreachable!("finish leaves the file finished"),
        }
    }
}

impl Write for OutputFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match &mut self.encoder {
            Encoder::Plain(file) | Encoder::Finished(file) => file.write(buf),
            Encoder::Gzip(encoder) => encoder.write(buf),
            #[cfg(feature = "zstd")]
            Encoder::Zstd(encoder) => encoder.write(buf),
            Encoder::Failed => Err(std::io::Error::other("writing failed earlier")),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match &mut self.encoder {
            Encoder::Plain(file) | Encoder::Finished(file) => file.flush(),
            Encoder::Gzip(encoder) => encoder.flush(),
            #[cfg(feature = "zstd")]
            Encoder::Zstd(encoder) => encoder.flush(),
            Encoder::Failed => Ok(()),
        }
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    fn temp(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("chaff-atomic-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn a_link_is_followed_and_stays_a_link() {
        let dir = temp("link");
        std::os::unix::fs::symlink("target.txt", dir.join("link.txt")).unwrap();
        let mut file = AtomicFile::create(dir.join("link.txt")).unwrap();
        file.write_all(b"through\n").unwrap();
        file.commit().unwrap();
        assert!(
            fs::symlink_metadata(dir.join("link.txt"))
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(
            fs::read_to_string(dir.join("target.txt")).unwrap(),
            "through\n"
        );
        assert_eq!(fs::read_dir(&dir).unwrap().count(), 2);
    }

    #[test]
    fn two_writers_of_one_path_never_share_a_temporary_file() {
        let dir = temp("two");
        let mut a = AtomicFile::create(dir.join("out")).unwrap();
        let mut b = AtomicFile::create(dir.join("out")).unwrap();
        a.write_all(b"a\n").unwrap();
        b.write_all(b"b\n").unwrap();
        a.commit().unwrap();
        assert_eq!(fs::read_to_string(dir.join("out")).unwrap(), "a\n");
        drop(b);
        assert_eq!(fs::read_dir(&dir).unwrap().count(), 1);
    }

    #[test]
    fn a_missing_directory_is_named_with_the_path_given() {
        let err = AtomicFile::create("no-such-dir-chaff/out.jsonl")
            .err()
            .unwrap();
        let message = err.to_string();
        assert!(
            message.starts_with("no-such-dir-chaff/out.jsonl: "),
            "{message}"
        );
        assert!(!message.contains("partial"), "{message}");
    }

    #[test]
    fn devices_and_descriptor_aliases_are_written_in_place() {
        assert_eq!(
            destination(Path::new("/dev/null")).unwrap(),
            Destination::InPlace("/dev/null".into())
        );
        assert!(!matches!(
            destination(Path::new("/dev/stderr")).unwrap(),
            Destination::Replace(_)
        ));
    }
}
