//! Output files that appear under their final name only when complete.
//!
//! A regular file is written as a temporary file beside its final name
//! (`.NAME.XXXXXX.partial`, a unique name, so two writers never share one;
//! NAME cut to 120 bytes) and renamed into place by [`AtomicFile::commit`].
//! A path that is a symbolic link is followed: the file it points to is
//! replaced, the link stays. What cannot be renamed over is refused when
//! the file is created, before anything is written: a path that names a
//! directory (it ends in `/`, `.` or `..`), a mount point, a file marked
//! immutable or append-only (`chattr +i`, `+a`) or in such a directory, and
//! another user's file in a directory with the sticky bit (`/tmp`). A file
//! replaced keeps its permissions, less the set-user-ID and set-group-ID
//! bits (and, when run as root, its owner); a new file gets the default
//! permissions (0666 less the umask).
//!
//! Whatever is not a regular file (a device such as `/dev/null`, a named
//! pipe, a socket) is written in place, never renamed over. A descriptor
//! this process holds is written through a duplicate of it, at its offset
//! and in its mode (`>>` appends): standard output and error, and the
//! paths that name descriptors (`/dev/stdout`, `/dev/stderr`, `/dev/fd/N`,
//! `/proc/self/fd/N`, links to them), and a path that leads to the file
//! standard output or error is redirected to. [`OutputFile`] adds gzip or
//! zstd compression when the name ends in `.gz` or `.zst`.
//!
//! A rename that fails at commit leaves the finished file under its
//! temporary name, which the error names: finished output is never
//! deleted. The temporary files alive at a moment are listed, so that a
//! program interrupted by a signal can remove them
//! ([`remove_temporaries`]). Errors name the path the caller gave, never
//! the temporary file.

use std::fs;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use super::compression::{Compression, format_of};
use crate::error::Error;

/// How many symbolic links are followed before giving up (as Linux's
/// `MAXSYMLINKS`).
const MAX_LINKS: usize = 40;

/// The longest part of the final name a temporary name holds, in bytes:
/// `.NAME.XXXXXX.partial` stays under the usual limit of 255 bytes for any
/// final name that fits it.
const TEMP_NAME_BYTES: usize = 120;

/// Where an output path leads once its symbolic links are followed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Destination {
    /// A regular file that does not exist yet, or exists: written beside it
    /// and renamed over it.
    Replace(PathBuf),
    /// Written in place: a device, a pipe, a socket.
    InPlace(PathBuf),
    /// A descriptor this process holds (1: standard output, 2: standard
    /// error, N for `/dev/fd/N`), or a path that leads to the file standard
    /// output or error writes to: written through a duplicate of it.
    Descriptor(i32),
}

/// Whether `path` names a directory by its spelling: it ends in `/`, or
/// its last component is `.` or `..` (`Path::file_name` reads `x/.` as
/// `x`, which a rename cannot replace).
///
pub(crate) fn names_a_directory(path: &Path) -> bool {
    let bytes = path.as_os_str().as_encoded_bytes();
    bytes.ends_with(b"/")
        || bytes == b"."
        || bytes == b".."
        || bytes.ends_with(b"/.")
        || bytes.ends_with(b"/..")
}

/// Follows the symbolic links of `path`'s last component (a dangling link
/// leads to where it points) up to a descriptor alias (`/proc/self/fd/1`
/// names a descriptor, whatever its link text says); the directories above
/// are taken as they are.
pub(crate) fn follow_links(path: &Path) -> std::io::Result<PathBuf> {
    let mut current = path.to_path_buf();
    for _ in 0..MAX_LINKS {
        if alias(&current).is_some() {
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

/// What a descriptor alias names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Alias {
    /// A descriptor of this process.
    Own(i32),
    /// A descriptor of another process (`/proc/PID/fd/N`).
    Other,
}

/// Whether `path` is one of the paths that name an open descriptor:
/// `/dev/stdin`, `/dev/stdout`, `/dev/stderr`, `/dev/fd/N`,
/// `/proc/self/fd/N`, `/proc/thread-self/fd/N`, `/proc/PID/fd/N`.
fn alias(path: &Path) -> Option<Alias> {
    let text = path.to_str()?;
    match text {
        "/dev/stdin" => return Some(Alias::Own(0)),
        "/dev/stdout" => return Some(Alias::Own(1)),
        "/dev/stderr" => return Some(Alias::Own(2)),
        _ => {}
    }
    let number = |n: &str| n.parse::<i32>().ok().filter(|n| *n >= 0);
    if let Some(n) = text.strip_prefix("/dev/fd/") {
        return number(n).map(Alias::Own);
    }
    let rest = text.strip_prefix("/proc/")?;
    let (process, n) = rest.split_once("/fd/")?;
    let n = number(n)?;
    if process == "self" || process == "thread-self" || process == std::process::id().to_string() {
        Some(Alias::Own(n))
    } else {
        Some(Alias::Other)
    }
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

    /// The identity of what this process's descriptor `fd` is open on.
    pub(crate) fn of_descriptor(fd: i32) -> Option<FileId> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            let meta = descriptor_metadata(fd)?;
            Some(FileId::Inode(meta.dev(), meta.ino()))
        }
        #[cfg(not(unix))]
        {
            let _ = fd;
            None
        }
    }
}

/// The metadata of what descriptor `fd` is open on, if it is open.
pub(crate) fn descriptor_metadata(fd: i32) -> Option<fs::Metadata> {
    duplicate(fd).ok().and_then(|file| file.metadata().ok())
}

/// A new handle on this process's descriptor `fd` (which stays open), or
/// an error when it is not open.
#[cfg(unix)]
pub(crate) fn duplicate(fd: i32) -> std::io::Result<fs::File> {
    use std::os::fd::FromRawFd;
    // SAFETY: F_DUPFD_CLOEXEC only reads `fd` (EBADF when it is not open)
    // and returns a new descriptor that nothing else owns.
    let new = unsafe { libc::fcntl(fd, libc::F_DUPFD_CLOEXEC, 0) };
    if new < 0 {
        let e = std::io::Error::last_os_error();
        return Err(if e.raw_os_error() == Some(libc::EBADF) {
            std::io::Error::new(
                std::io::ErrorKind::NotFound,
                format!("file descriptor {fd} is not open"),
            )
        } else {
            e
        });
    }
    // SAFETY: `new` is a descriptor just made for us.
    Ok(unsafe { fs::File::from_raw_fd(new) })
}

#[cfg(not(unix))]
pub(crate) fn duplicate(fd: i32) -> std::io::Result<fs::File> {
    let _ = fd;
    Err(std::io::Error::other(
        "writing to a descriptor by path is not supported here",
    ))
}

/// Where `path` leads: see [`Destination`]. A path that names a
/// directory, or a descriptor that is not open, is an error naming `path`.
pub(crate) fn destination(path: &Path) -> Result<Destination, Error> {
    if names_a_directory(path) {
        return Err(Error::output(
            path,
            std::io::Error::new(
                std::io::ErrorKind::IsADirectory,
                "names a directory (it ends in /, . or ..); give a file name",
            ),
        ));
    }
    let target = follow_links(path).map_err(|e| Error::output(path, e))?;
    match alias(&target) {
        Some(Alias::Own(fd)) => {
            duplicate(fd).map_err(|e| Error::output(path, e))?;
            return Ok(Destination::Descriptor(fd));
        }
        Some(Alias::Other) => return Ok(Destination::InPlace(target)),
        None => {}
    }
    let meta = fs::metadata(&target).ok();
    if meta.as_ref().is_some_and(|m| m.is_dir()) {
        return Err(Error::output(
            path,
            std::io::Error::new(std::io::ErrorKind::IsADirectory, "is a directory"),
        ));
    }
    if let Some(id) = FileId::of(&target) {
        for fd in [1, 2] {
            if FileId::of_descriptor(fd).as_ref() == Some(&id) {
                return Ok(Destination::Descriptor(fd));
            }
        }
    }
    if meta.as_ref().is_some_and(|m| !m.is_file()) {
        return Ok(Destination::InPlace(target));
    }
    Ok(Destination::Replace(target))
}

fn refusal(kind: std::io::ErrorKind, message: String) -> std::io::Error {
    std::io::Error::new(kind, message)
}

/// Checks that `target` (a file or directory, links followed) can be
/// replaced by a rename from its directory, as far as can be told before
/// trying: it is not a mount point; neither it nor its directory is
/// immutable or append-only; it is not another user's in a directory with
/// the sticky bit. `shown` names it in the error.
pub(crate) fn check_replaceable(target: &Path, shown: &Path) -> Result<(), Error> {
    let refuse = |kind, message: String| Error::output(shown, refusal(kind, message));
    let dir = match target.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    if let Some(flag) = unchangeable(dir) {
        return Err(refuse(
            std::io::ErrorKind::PermissionDenied,
            format!(
                "its directory {} is {flag}, so no file in it can be replaced",
                dir.display()
            ),
        ));
    }
    let Ok(meta) = fs::metadata(target) else {
        return Ok(());
    };
    if is_mount_point(target, dir, &meta) {
        return Err(refuse(
            std::io::ErrorKind::ResourceBusy,
            "is a mount point, which cannot be replaced; give a path inside it or beside it".into(),
        ));
    }
    if let Some(flag) = unchangeable(target) {
        return Err(refuse(
            std::io::ErrorKind::PermissionDenied,
            format!("is {flag}, so it cannot be replaced"),
        ));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        // SAFETY: geteuid has no preconditions.
        let me = unsafe { libc::geteuid() };
        if me != 0
            && let Ok(dir_meta) = fs::metadata(dir)
            && dir_meta.mode() & 0o1000 != 0
            && meta.uid() != me
            && dir_meta.uid() != me
        {
            return Err(refuse(
                std::io::ErrorKind::PermissionDenied,
                format!(
                    "belongs to another user in {}, a directory with the sticky bit, so it cannot be replaced",
                    dir.display()
                ),
            ));
        }
    }
    Ok(())
}

/// Whether `target` is a mount point: on another device than its
/// directory, the root of its file system, or (Linux) marked as a mount
/// root, as a bind mount on the same device is.
fn is_mount_point(target: &Path, dir: &Path, meta: &fs::Metadata) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if let Ok(dir_meta) = fs::metadata(dir)
            && (dir_meta.dev() != meta.dev() || dir_meta.ino() == meta.ino())
        {
            return true;
        }
    }
    statx_attributes(target).is_some_and(|attributes| attributes.mount_root)
}

/// "immutable" or "append-only" when `path` carries that flag (Linux,
/// `chattr +i` / `+a`); `None` when it does not or it cannot be told.
fn unchangeable(path: &Path) -> Option<&'static str> {
    let attributes = statx_attributes(path)?;
    if attributes.immutable {
        Some("immutable (chattr +i)")
    } else if attributes.append_only {
        Some("append-only (chattr +a)")
    } else {
        None
    }
}

/// File attributes `statx` reports.
#[derive(Debug, Clone, Copy, Default)]
struct Attributes {
    immutable: bool,
    append_only: bool,
    mount_root: bool,
}

/// The attributes of `path` (links followed), where `statx` tells them.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn statx_attributes(path: &Path) -> Option<Attributes> {
    use std::os::unix::ffi::OsStrExt;
    let name = std::ffi::CString::new(path.as_os_str().as_bytes()).ok()?;
    // SAFETY: an all-zero statx is a valid value; statx writes into it and
    // reads only `name`, a NUL-terminated string.
    let mut buffer: libc::statx = unsafe { std::mem::zeroed() };
    let done = unsafe {
        libc::statx(
            libc::AT_FDCWD,
            name.as_ptr(),
            0,
            libc::STATX_BASIC_STATS,
            &mut buffer,
        )
    };
    if done != 0 {
        return None;
    }
    let known = |flag: i32| buffer.stx_attributes_mask & flag as u64 != 0;
    let set = |flag: i32| known(flag) && buffer.stx_attributes & flag as u64 != 0;
    Some(Attributes {
        immutable: set(libc::STATX_ATTR_IMMUTABLE),
        append_only: set(libc::STATX_ATTR_APPEND),
        mount_root: set(libc::STATX_ATTR_MOUNT_ROOT),
    })
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn statx_attributes(path: &Path) -> Option<Attributes> {
    let _ = path;
    None
}

/// The temporary files and directories alive now, removed by
/// [`remove_temporaries`].
static TEMPORARIES: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn temporaries() -> MutexGuard<'static, Vec<PathBuf>> {
    TEMPORARIES
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// A temporary file or directory on the list; off it when dropped.
#[derive(Debug)]
pub(crate) struct Listed(PathBuf);

impl Listed {
    pub(crate) fn new(path: &Path) -> Self {
        temporaries().push(path.to_path_buf());
        Listed(path.to_path_buf())
    }
}

impl Drop for Listed {
    fn drop(&mut self) {
        let mut list = temporaries();
        if let Some(at) = list.iter().position(|p| *p == self.0) {
            list.swap_remove(at);
        }
    }
}

/// Renames `from` to `to` while no temporary can be removed by
/// [`remove_temporaries`], so that an interruption never removes a file
/// that a rename has just put under its final name.
pub(crate) fn rename_listed(from: &Path, to: &Path) -> std::io::Result<()> {
    let mut list = temporaries();
    fs::rename(from, to)?;
    if let Some(at) = list.iter().position(|p| p == from) {
        list.swap_remove(at);
    }
    Ok(())
}

/// Removes every temporary output file and directory alive (written by
/// [`AtomicFile`], [`OutputFile`] or [`TxtDirSink`](super::TxtDirSink)),
/// and gives back the lock on the list, so that none is made or renamed
/// into place until it is dropped: for a signal handler that then ends
/// the process (the `chaff` command does so on SIGINT, SIGTERM and
/// SIGHUP).
#[cfg_attr(not(feature = "cli"), allow(dead_code))] // only the command handles signals
pub fn remove_temporaries() -> impl Drop {
    let mut list = temporaries();
    for path in list.drain(..) {
        if fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir()) {
            // The run may still be writing pages into the directory: a
            // file made while `remove_dir_all` empties it makes its last
            // step fail (not empty). Once the directory is gone no file
            // can be made in it, so a few tries end it.
            for _ in 0..1000 {
                match fs::remove_dir_all(&path) {
                    Err(e) if e.kind() != std::io::ErrorKind::NotFound => continue,
                    _ => break,
                }
            }
        } else {
            let _ = fs::remove_file(&path);
        }
    }
    list
}

/// A file written under a temporary name and renamed to its final name on
/// [`commit`](Self::commit); or, for a device, a pipe or a descriptor of
/// this process, written in place (see the module docs). Dropped without
/// a commit, it removes the temporary file.
pub struct AtomicFile {
    /// The path as the caller gave it, for messages.
    shown: PathBuf,
    /// The temporary file and the path it is renamed to, or `None` when
    /// writing in place.
    temp: Option<(tempfile::TempPath, PathBuf, Listed)>,
    writer: Option<BufWriter<fs::File>>,
}

impl AtomicFile {
    /// Creates a temporary file beside `path` (its links followed), or
    /// opens `path` in place when it is a device, a pipe or a descriptor
    /// of this process. Fails, naming `path`, when its directory does not
    /// exist or cannot be written, when it names a directory, or when the
    /// file could not be renamed into place (see the module docs).
    ///
    /// ```
    /// use std::io::Write;
    /// let mut sink = chaff::io::AtomicFile::create("/dev/null")?;
    /// writeln!(sink, "discarded").unwrap();
    /// sink.commit()?;
    /// assert!(!std::fs::metadata("/dev/null").unwrap().is_file());
    /// assert!(chaff::io::AtomicFile::create("out/").is_err());
    /// # Ok::<(), chaff::Error>(())
    /// ```
    pub fn create(path: impl AsRef<Path>) -> Result<Self, Error> {
        let shown = path.as_ref().to_path_buf();
        let (file, temp) = match destination(&shown)? {
            Destination::Descriptor(fd) => {
                (duplicate(fd).map_err(|e| Error::output(&shown, e))?, None)
            }
            Destination::InPlace(target) => {
                let file = fs::OpenOptions::new()
                    .write(true)
                    .open(&target)
                    .map_err(|e| Error::output(&shown, e))?;
                (file, None)
            }
            Destination::Replace(target) => {
                check_replaceable(&target, &shown)?;
                let (file, temp) = temp_beside(&target, &shown)?;
                let listed = Listed::new(&temp);
                (file, Some((temp, target, listed)))
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

    /// Finishes the file and renames it to its final name. When the rename
    /// fails, the finished file stays under its temporary name, which the
    /// error names.
    pub fn commit(mut self) -> Result<(), Error> {
        self.finish()?;
        self.writer.take();
        let Some((temp, target, listed)) = self.temp.take() else {
            return Ok(());
        };
        match rename_listed(&temp, &target) {
            Ok(()) => {
                // Renamed: nothing to remove.
                let _ = temp.keep();
                drop(listed);
                Ok(())
            }
            Err(e) => {
                drop(listed);
                let kept = temp.keep().map_err(|k| k.error).map(|kept| {
                    // Named beside the file as given, not as an absolute path.
                    match kept.file_name() {
                        Some(name) => target.with_file_name(name),
                        None => kept,
                    }
                });
                Err(Error::output(
                    &self.shown,
                    kept_note(e, kept, "file is kept as"),
                ))
            }
        }
    }

    fn writer(&mut self) -> &mut BufWriter<fs::File> {
        self.writer
            .as_mut()
            .expect("writer is present until commit")
    }
}

/// A failed rename's error, saying where the finished output was kept.
pub(crate) fn kept_note(
    error: std::io::Error,
    kept: std::io::Result<PathBuf>,
    kept_as: &str,
) -> std::io::Error {
    match kept {
        Ok(path) => std::io::Error::new(
            error.kind(),
            format!("{error}; the finished {kept_as} {}", path.display()),
        ),
        Err(_) => error,
    }
}

/// The part of a final name a temporary name holds: at most
/// [`TEMP_NAME_BYTES`], cut at a character boundary.
pub(crate) fn temp_stem(name: &str) -> &str {
    let mut cut = name.len().min(TEMP_NAME_BYTES);
    while !name.is_char_boundary(cut) {
        cut -= 1;
    }
    &name[..cut]
}

/// A new temporary file in the directory of `target`: with the
/// permissions `target` has, less the set-ID bits (and its owner, when
/// run as root), or those of a new file.
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
    let prefix = format!(".{}.", temp_stem(&name));
    builder.prefix(&prefix).suffix(".partial");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(fs::Permissions::from_mode(0o666));
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
    if let Ok(old) = fs::metadata(target) {
        like(&file, &old).map_err(|e| Error::output(shown, e))?;
    }
    Ok((file, path))
}

/// Gives `file` the permissions of `old` less the set-user-ID,
/// set-group-ID and sticky bits, and, when run as root, its owner.
pub(crate) fn like(file: &fs::File, old: &fs::Metadata) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        file.set_permissions(fs::Permissions::from_mode(old.mode() & 0o777))?;
        // SAFETY: geteuid has no preconditions.
        if unsafe { libc::geteuid() } == 0 {
            let _ = std::os::unix::fs::fchown(file, Some(old.uid()), Some(old.gid()));
        }
    }
    #[cfg(not(unix))]
    {
        let _ = (file, old);
    }
    Ok(())
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
