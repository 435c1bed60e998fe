//! Every output location, checked in one place before any input is read,
//! then opened (temporary files created beside their final names) so that
//! a path that cannot be written fails before the work.
//!
//! The rules, for every output (`--output`, `--output-dir`, `--report`,
//! `--summary`, `--save-state`, `--save-templates`, `--audit-html`,
//! standard output when the JSONL goes there, and any added later to
//! [`locations`]):
//!
//! - it is not an input: not an input file, by device and inode (so a
//!   hard link, a symbolic link or another spelling of the path is caught),
//!   not the `--load-templates` or `--config` file, and not the
//!   `--load-state` file unless it is `--save-state` (the incremental run,
//!   which reads the state whole before writing it back); standard output,
//!   when it is a file, is not an input either;
//! - it is not where a later run over an input directory would read it:
//!   the output directory is not a directory searched, nor inside one, nor
//!   where a link in one leads (compared by device and inode, so a bind
//!   mount or a link is caught); an output file is not inside a directory
//!   searched under a name the search reads (`-o pages/x.jsonl`);
//! - no two outputs lead to the same place (after links; `-` and
//!   `/dev/stdout` are the same place), except character devices such as
//!   `/dev/null`, which may be shared; no output file is inside the output
//!   directory;
//! - it is writable and can be renamed into place: its directory exists
//!   and the temporary file is created at once, and a path that names a
//!   directory (`out/`, `x/.`), a mount point, an immutable file and
//!   another user's file in a sticky directory are refused (see
//!   [`crate::io::AtomicFile`]); standard output is open.
//!
//! Links are followed and devices, pipes and the process's own
//! descriptors written in place (see [`crate::io::AtomicFile`]). Messages
//! name the path as typed.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use super::args::Args;
use crate::error::{Error, shown};
use crate::io::atomic::{Destination, FileId, descriptor_metadata, destination, follow_links};

/// What an output location is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A file (or `-`, standard output).
    File,
    /// A directory of pages.
    Dir,
}

/// One output location: its flag, the path as typed, what it is.
#[derive(Debug, Clone)]
pub(crate) struct Location {
    pub flag: &'static str,
    pub path: PathBuf,
    pub kind: Kind,
}

/// Every output location the arguments name, in the order they are
/// committed (the clean output first, the state last). An output added to
/// the command line is added here, and so is checked with the others.
pub(crate) fn locations(args: &Args) -> Vec<Location> {
    let file = |flag, path: &Option<PathBuf>| {
        path.as_ref().map(|path| Location {
            flag,
            path: path.clone(),
            kind: Kind::File,
        })
    };
    [
        file("--output", &args.output),
        args.output_dir.as_ref().map(|path| Location {
            flag: "--output-dir",
            path: path.clone(),
            kind: Kind::Dir,
        }),
        file("--report", &args.report),
        file("--summary", &args.summary),
        file("--audit-html", &args.audit_html),
        file("--save-templates", &args.save_templates),
        file("--save-state", &args.save_state),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// What the inputs are, to compare outputs with.
pub(crate) struct Inputs<'a> {
    /// The files read (`-` for standard input).
    pub files: &'a [PathBuf],
    /// The directories searched for them.
    pub dirs: &'a [PathBuf],
    /// Links in those directories that lead nowhere.
    pub dangling: &'a [PathBuf],
    /// Other files read: `(flag, path)`.
    pub others: Vec<(&'static str, &'a Path)>,
}

/// Where an output leads, to compare it with the others.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Place {
    /// A character device (`/dev/null`, a terminal): may be shared.
    Shared(FileId),
    /// An existing file, pipe or socket (or directory, for
    /// `--output-dir`): its identity and canonical path.
    Existing(FileId, Option<PathBuf>),
    /// A file or directory to be made: its canonical directory and name.
    New(PathBuf),
}

impl Place {
    /// The canonical path, when there is one.
    fn canonical(&self) -> Option<&Path> {
        match self {
            Place::Existing(_, path) => path.as_deref(),
            Place::New(path) => Some(path),
            Place::Shared(_) => None,
        }
    }
}

/// Standard input, output and error as the process found them: which were
/// closed (`>&-`).
static CLOSED: [AtomicBool; 3] = [
    AtomicBool::new(false),
    AtomicBool::new(false),
    AtomicBool::new(false),
];

/// Notes which of the standard descriptors were closed when the process
/// started. Rust's runtime opens `/dev/null` (read-write) in the place of
/// a closed one before `main`, so that no file opened later takes its
/// number; a shell's `>/dev/null` opens it write-only and `</dev/null`
/// read-only, so `/dev/null` open read-write is taken for a closed
/// descriptor. Called first thing by `main`.
pub(crate) fn guard_standard_descriptors() {
    #[cfg(unix)]
    for fd in 0..3 {
        use std::os::unix::fs::{FileTypeExt, MetadataExt};
        let Ok(file) = crate::io::atomic::duplicate(fd) else {
            CLOSED[fd as usize].store(true, Ordering::Relaxed);
            continue;
        };
        let null = fs::metadata("/dev/null").ok();
        let is_null = file.metadata().is_ok_and(|m| {
            m.file_type().is_char_device() && null.as_ref().is_some_and(|n| n.rdev() == m.rdev())
        });
        // SAFETY: F_GETFL only reads the descriptor's flags.
        let flags = unsafe { libc::fcntl(fd, libc::F_GETFL) };
        if is_null && flags >= 0 && flags & libc::O_ACCMODE == libc::O_RDWR {
            CLOSED[fd as usize].store(true, Ordering::Relaxed);
        }
    }
}

/// Whether standard descriptor `fd` (0, 1, 2) was closed when chaff
/// started.
pub(crate) fn was_closed(fd: i32) -> bool {
    (0..3).contains(&fd) && CLOSED[fd as usize].load(Ordering::Relaxed)
}

fn refuse(path: &Path, message: impl Into<String>) -> Error {
    Error::output(path, std::io::Error::other(message.into()))
}

/// The canonical form of a path that may not exist yet: its longest
/// existing ancestor made canonical, and the rest of it.
fn canonical_to_be(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut rest = Vec::new();
    let mut ancestor = absolute.as_path();
    loop {
        if let Ok(canonical) = fs::canonicalize(ancestor) {
            return rest
                .iter()
                .rev()
                .fold(canonical, |path, part| path.join(part));
        }
        match (ancestor.parent(), ancestor.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                ancestor = parent;
            }
            _ => return absolute,
        }
    }
}

/// The place of what descriptor `fd` is open on.
fn descriptor_place(fd: i32, path: &Path) -> Result<Place, Error> {
    if was_closed(fd) {
        let name = ["standard input", "standard output", "standard error"][fd as usize];
        return Err(refuse(
            path,
            format!("{name} is closed (>&-); give a file to write to"),
        ));
    }
    let meta = descriptor_metadata(fd)
        .ok_or_else(|| refuse(path, format!("file descriptor {fd} is not open")))?;
    Ok(place_of_metadata(&meta, None))
}

fn place_of_metadata(meta: &fs::Metadata, canonical: Option<PathBuf>) -> Place {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{FileTypeExt, MetadataExt};
        let id = FileId::Inode(meta.dev(), meta.ino());
        if meta.file_type().is_char_device() {
            Place::Shared(id)
        } else {
            Place::Existing(id, canonical)
        }
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        match canonical {
            Some(path) => Place::Existing(FileId::Path(path.clone()), Some(path)),
            None => Place::New(PathBuf::new()),
        }
    }
}

fn place(location: &Location) -> Result<Place, Error> {
    let path = &location.path;
    if path.as_os_str() == "-" {
        if location.kind == Kind::Dir {
            return Err(refuse(path, "--output-dir cannot be standard output"));
        }
        return descriptor_place(1, path);
    }
    if location.kind == Kind::Dir {
        let target = follow_links(path).map_err(|e| Error::output(path, e))?;
        return Ok(match fs::metadata(&target) {
            Ok(meta) => place_of_metadata(&meta, fs::canonicalize(&target).ok()),
            Err(_) => Place::New(canonical_to_be(&target)),
        });
    }
    match destination(path)? {
        Destination::Descriptor(fd) => descriptor_place(fd, path),
        Destination::InPlace(target) => {
            let meta = fs::metadata(&target).map_err(|e| Error::output(path, e))?;
            Ok(place_of_metadata(&meta, fs::canonicalize(&target).ok()))
        }
        Destination::Replace(target) => Ok(match fs::metadata(&target) {
            Ok(meta) => place_of_metadata(&meta, fs::canonicalize(&target).ok()),
            Err(_) => Place::New(canonical_to_be(&target)),
        }),
    }
}

/// The identities of `path` and of every ancestor of it that exists
/// (compared by device and inode: a bind mount or a link is caught).
fn ancestor_ids(path: &Path) -> Vec<FileId> {
    path.ancestors().filter_map(FileId::of).collect()
}

/// Whether a search of a directory would read the file `path` (its name
/// says a format searched for, and it is not hidden).
fn read_by_a_search(path: &Path) -> bool {
    let hidden = path
        .file_name()
        .is_some_and(|n| n.to_string_lossy().starts_with('.'));
    !hidden && crate::io::searched_for(path)
}

/// Checks every output location against the inputs and the other outputs
/// (see the module docs). Reads no input.
pub(crate) fn check(locations: &[Location], inputs: &Inputs) -> Result<(), Error> {
    // Identities of what is read.
    let mut read: Vec<(FileId, String)> = Vec::new();
    for file in inputs.files {
        if file.as_os_str() == "-" {
            if let Some(meta) = descriptor_metadata(0)
                && meta.is_file()
                && let Place::Existing(id, _) = place_of_metadata(&meta, None)
            {
                read.push((id, "standard input".into()));
            }
            continue;
        }
        if let Some(id) = FileId::of(file) {
            read.push((id, format!("input {}", shown(file))));
        }
    }
    let mut other_inputs: Vec<(FileId, &'static str, &Path)> = Vec::new();
    for (flag, path) in &inputs.others {
        if let Some(id) = FileId::of(path) {
            other_inputs.push((id, flag, path));
        }
    }
    let searched: Vec<(FileId, &PathBuf)> = inputs
        .dirs
        .iter()
        .filter_map(|dir| Some((FileId::of(dir)?, dir)))
        .collect();

    let mut places: Vec<(Place, &Location)> = Vec::new();
    for location in locations {
        let path = &location.path;
        let place = place(location)?;
        if let Place::Existing(id, _) = &place {
            if let Some((_, what)) = read.iter().find(|(input, _)| input == id) {
                return Err(refuse(
                    path,
                    format!(
                        "{} would write over {what}; chaff never writes over its input (write elsewhere, then move the result)",
                        location.flag
                    ),
                ));
            }
            for (input, flag, input_path) in &other_inputs {
                let incremental = location.flag == "--save-state" && *flag == "--load-state";
                if input == id && !incremental {
                    return Err(refuse(
                        path,
                        format!(
                            "{} would write over the {flag} input {}",
                            location.flag,
                            shown(input_path)
                        ),
                    ));
                }
            }
        }
        if let Some(canonical) = place.canonical() {
            let searched_here = |ids: &[FileId]| {
                searched
                    .iter()
                    .find(|(dir, _)| ids.contains(dir))
                    .map(|(_, typed)| *typed)
            };
            if location.kind == Kind::Dir {
                if let Some(dir) = searched_here(&ancestor_ids(canonical)) {
                    return Err(refuse(
                        path,
                        format!(
                            "--output-dir is or is inside {}, a directory read as input (a later run would read the pages back); give a directory outside the inputs",
                            shown(dir)
                        ),
                    ));
                }
                for link in inputs.dangling {
                    let leads_to = follow_links(link).map(|target| canonical_to_be(&target));
                    if leads_to.is_ok_and(|target| target.starts_with(canonical)) {
                        return Err(refuse(
                            path,
                            format!(
                                "--output-dir is where {}, a link in a directory read as input, leads (a later run would read the pages back); give another directory",
                                shown(link)
                            ),
                        ));
                    }
                }
            } else if read_by_a_search(canonical)
                && let Some(dir) = canonical
                    .parent()
                    .and_then(FileId::of)
                    .and_then(|parent| searched_here(&[parent]))
            {
                return Err(refuse(
                    path,
                    format!(
                        "{} {} is inside {}, a directory read as input, under a name it reads: a later run over it would read the output back; write it elsewhere",
                        location.flag,
                        shown(path),
                        shown(dir)
                    ),
                ));
            }
        }
        places.push((place, location));
    }
    // No two outputs in one place, and none inside the output directory.
    for (i, (place, location)) in places.iter().enumerate() {
        for (other_place, other) in &places[..i] {
            let same = match (place, other_place) {
                (Place::Shared(_), _) | (_, Place::Shared(_)) => false,
                (Place::Existing(a, _), Place::Existing(b, _)) => a == b,
                (Place::New(a), Place::New(b)) => a == b,
                _ => false,
            };
            if same {
                return Err(refuse(
                    &location.path,
                    format!(
                        "{} and {} {} are the same place; give each output its own path",
                        location.flag,
                        other.flag,
                        shown(&other.path)
                    ),
                ));
            }
            let inside = match (place.canonical(), other_place.canonical()) {
                (Some(a), Some(b)) => {
                    (other.kind == Kind::Dir && a.starts_with(b))
                        || (location.kind == Kind::Dir && b.starts_with(a))
                }
                _ => false,
            };
            if inside {
                let (dir, file) = if location.kind == Kind::Dir {
                    (location, other)
                } else {
                    (other, location)
                };
                return Err(refuse(
                    &location.path,
                    format!(
                        "{} {} is inside {} {}, where a page could take the same place; give each output its own path",
                        file.flag,
                        shown(&file.path),
                        dir.flag,
                        shown(&dir.path)
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// Whether an output at `location` is kept: written somewhere other than
/// standard output, and not a device that discards what it is given
/// (`/dev/null`).
pub(crate) fn is_kept_elsewhere(location: &Location) -> bool {
    if location.path.as_os_str() == "-" {
        return false;
    }
    match place(location) {
        Ok(Place::Shared(_)) => false,
        Ok(_) => !matches!(destination(&location.path), Ok(Destination::Descriptor(1))),
        Err(_) => true,
    }
}

/// Standard output as the JSONL output when no `-o` is given: checked
/// like the others (`chaff x.jsonl >> x.jsonl`, `chaff x -r - | …`).
pub(crate) fn stdout_location() -> Location {
    Location {
        flag: "standard output",
        path: PathBuf::from("-"),
        kind: Kind::File,
    }
}
