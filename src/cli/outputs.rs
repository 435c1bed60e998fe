//! Every output location, checked in one place before any input is read,
//! then opened (temporary files created beside their final names) so that
//! a path that cannot be written fails before the work.
//!
//! The rules, for every output (`--output`, `--output-dir`, `--report`,
//! `--summary`, `--save-state`, `--save-templates`, `--audit-html`, and any added later
//! to [`locations`]):
//!
//! - it is not an input: not an input file, by device and inode (so a
//!   hard link, a symbolic link or another spelling of the path is caught),
//!   not a file inside an input directory that is read, not the
//!   `--load-templates` or `--config` file, and not the `--load-state` file
//!   unless it is `--save-state` (the incremental run, which reads the
//!   state whole before writing it back); standard output, when it is a
//!   file, is not an input either;
//! - no two outputs lead to the same place (after links; `-` and
//!   `/dev/stdout` are the same place), except character devices such as
//!   `/dev/null`;
//! - the output directory is neither an input directory nor inside one, and
//!   no output file is inside it;
//! - its directory exists and can be written: the temporary file is
//!   created at once.
//!
//! Links are followed and devices, pipes and the process's own streams
//! written in place (see [`crate::io::AtomicFile`]). Messages name the
//! path as typed.

use std::fs;
use std::path::{Path, PathBuf};

use super::args::Args;
use crate::error::Error;
use crate::io::atomic::{Destination, FileId, destination, follow_links};

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

/// Every output location the arguments name. An output added to the
/// command line is added here, and so is checked with the others.
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
        file("--save-state", &args.save_state),
        file("--save-templates", &args.save_templates),
        file("--audit-html", &args.audit_html),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// What the inputs are, to compare outputs with.
pub(crate) struct Inputs<'a> {
    /// The files read (`-` for standard input).
    pub files: &'a [PathBuf],
    /// The paths as typed (files and directories).
    pub typed: &'a [PathBuf],
    /// Other files read: `(flag, path)`.
    pub others: Vec<(&'static str, &'a Path)>,
}

/// Where an output leads, to compare it with the others.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Place {
    /// A process stream (1 or 2).
    Stream(u8),
    /// A character device: may be shared.
    Device(FileId),
    /// An existing file, pipe or socket.
    File(FileId),
    /// A file to be made: its canonical directory and name.
    New(PathBuf),
}

fn refuse(path: &Path, message: impl Into<String>) -> Error {
    Error::output(path, std::io::Error::other(message.into()))
}

fn shown(path: &Path) -> String {
    path.display().to_string()
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

fn place(location: &Location) -> Result<Place, Error> {
    if location.path.as_os_str() == "-" {
        if location.kind == Kind::Dir {
            return Err(refuse(
                &location.path,
                "--output-dir cannot be standard output",
            ));
        }
        return Ok(Place::Stream(1));
    }
    if location.kind == Kind::Dir {
        let target = follow_links(&location.path).map_err(|e| Error::output(&location.path, e))?;
        return Ok(Place::New(canonical_to_be(&target)));
    }
    match destination(&location.path)? {
        Destination::Stream(stream) => Ok(Place::Stream(stream)),
        Destination::InPlace(target) => {
            let id =
                FileId::of(&target).ok_or_else(|| refuse(&location.path, "cannot be opened"))?;
            #[cfg(unix)]
            {
                use std::os::unix::fs::FileTypeExt;
                if fs::metadata(&target).is_ok_and(|m| m.file_type().is_char_device()) {
                    return Ok(Place::Device(id));
                }
            }
            Ok(Place::File(id))
        }
        Destination::Replace(target) => Ok(match FileId::of(&target) {
            Some(id) => Place::File(id),
            None => Place::New(canonical_to_be(&target)),
        }),
    }
}

/// Checks every output location against the inputs and the other outputs
/// (see the module docs). Reads no input.
pub(crate) fn check(locations: &[Location], inputs: &Inputs) -> Result<Vec<String>, Error> {
    let mut notes = Vec::new();
    // Identities of what is read.
    let mut read: Vec<(FileId, String)> = Vec::new();
    for file in inputs.files {
        if file.as_os_str() == "-" {
            #[cfg(unix)]
            {
                use std::os::fd::AsFd;
                let stdin = std::io::stdin().as_fd().try_clone_to_owned().ok();
                if let Some(meta) = stdin.and_then(|fd| fs::File::from(fd).metadata().ok())
                    && meta.is_file()
                {
                    use std::os::unix::fs::MetadataExt;
                    read.push((
                        FileId::Inode(meta.dev(), meta.ino()),
                        "standard input".into(),
                    ));
                }
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
    let input_dirs: Vec<(PathBuf, &PathBuf)> = inputs
        .typed
        .iter()
        .filter(|p| p.is_dir())
        .filter_map(|p| Some((fs::canonicalize(p).ok()?, p)))
        .collect();

    let mut places: Vec<(Place, &Location)> = Vec::new();
    for location in locations {
        let path = &location.path;
        let place = place(location)?;
        let id = match &place {
            Place::File(id) | Place::Device(id) => Some(id.clone()),
            Place::Stream(stream) => {
                FileId::of_stream(*stream).filter(|_| stream_is_regular_file(*stream))
            }
            Place::New(_) => None,
        };
        if let Some(id) = &id {
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
        if let Place::New(canonical) = &place {
            for (dir, typed) in &input_dirs {
                if location.kind == Kind::Dir && canonical.starts_with(dir) {
                    let relation = if canonical == dir { "is" } else { "is inside" };
                    return Err(refuse(
                        path,
                        format!(
                            "--output-dir {relation} the input directory {}",
                            shown(typed)
                        ),
                    ));
                }
                if location.kind == Kind::File && canonical.starts_with(dir) {
                    notes.push(format!(
                        "{} {} is inside the input directory {}: a later run over that directory will read it as input",
                        location.flag,
                        shown(path),
                        shown(typed)
                    ));
                }
            }
            if location.kind == Kind::Dir {
                for file in inputs.files {
                    if let Ok(file_canonical) = fs::canonicalize(file)
                        && file_canonical.starts_with(canonical)
                    {
                        return Err(refuse(
                            path,
                            format!("--output-dir holds the input {}", shown(file)),
                        ));
                    }
                }
            }
        }
        places.push((place, location));
    }
    // No two outputs in one place, and none inside the output directory.
    for (i, (place, location)) in places.iter().enumerate() {
        for (other_place, other) in &places[..i] {
            let same = place == other_place && !matches!(place, Place::Device(_));
            let inside = match (place, other_place) {
                (Place::New(a), Place::New(b)) => {
                    (other.kind == Kind::Dir && a.starts_with(b))
                        || (location.kind == Kind::Dir && b.starts_with(a))
                }
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
    Ok(notes)
}

/// Whether a stream is a regular file (an output to it could be an input).
fn stream_is_regular_file(stream: u8) -> bool {
    #[cfg(unix)]
    {
        use std::os::fd::AsFd;
        let fd = match stream {
            1 => std::io::stdout().as_fd().try_clone_to_owned(),
            _ => std::io::stderr().as_fd().try_clone_to_owned(),
        };
        fd.ok()
            .and_then(|fd| fs::File::from(fd).metadata().ok())
            .is_some_and(|m| m.is_file())
    }
    #[cfg(not(unix))]
    {
        let _ = stream;
        false
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
