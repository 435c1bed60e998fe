//! Saved dedup state: what a [`Cleaner`](crate::Cleaner) has seen, written
//! out so that a later run deduplicates against earlier ones.
//!
//! [`save_to`] writes to any `Write` and [`load_from`] reads from any
//! `Read`; saving to a path (under a partial name, renamed when complete)
//! is the front's job ([`Cleaner::save_state`](crate::Cleaner::save_state),
//! [`Cleaner::with_state`](crate::Cleaner::with_state)).
//!
//! # File format (version 4)
//!
//! All integers little-endian. Each kind of remembered paragraph (see the
//! [dedup docs](super)) is written in the order it was stored, so that
//! loading stores it again the same way and every table is as it was.
//!
//! | bytes | what |
//! |---|---|
//! | 8 | magic `CHAFFIDX` |
//! | 4 | format version (`u32`, 4) |
//! | 4 + n | header: `u32` length, then JSON `{"fingerprint": FingerprintConfig, "documents", "exact", "edit", "near"}` |
//! | per document | `u32` length, UTF-8 id |
//! | 28 per exact entry | folded-key hash `u64`, SimHash `u64`, document `u64`, paragraph `u32` |
//! | 46 per edit entry | the same 28, then polynomial hash `u64`, length `u8`, half keys 2 × `u32`, flags `u8` (2: dropped, holds its place only) |
//! | 59 per near entry | the same 28, then band keys 3 × `u32`, odd sketch `u128`, sample size `u8`, level `u8`, flags `u8` (1: also an edit entry, 2: dropped, holds its place only) |
//! | 8 | XXH3-64 of every byte before it |
//!
//! Version 1 (shingle sets and a SimHash index, before issue 14) cannot be
//! converted: it holds no sketches, and the texts they would be made from
//! are gone. Loading it is refused with a message that says so; run over
//! the earlier inputs again to make a version-4 state. Versions 2 (issue
//! 14, Latin text shingled by word pairs) and 3 (Latin text without its
//! fact signature, session 7) have the layout above, but their SimHashes
//! and sketches were made from other shingles than this build cuts, so
//! they cannot be compared with new ones: they are refused too, with a
//! message that says so.
//!
//! Loading checks the magic, the version, that the counts fit in the file
//! (before allocating for them), every id's UTF-8, every field's range, the
//! checksum, and that the fingerprint settings equal the current ones
//! (fingerprints made with other shingles or another feature hash cannot be
//! compared). Any failure is an [`Error::State`] naming the file and the
//! byte offset; a loaded state is never silently empty or partial. The
//! tables are rebuilt on load, so `max_hamming` and `min_similarity` may
//! differ from the saving run's.

use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::Xxh3;

use super::edit::{MAX_EDIT_CHARS, StoredEdit};
use super::{EditEntry, ExactEntry, NearEntry, ParagraphRef};
use crate::error::Error;
use crate::fingerprint::FingerprintConfig;
use crate::fingerprint::sketch::{BANDS, ODD_SAMPLE, StoredSketch};

const MAGIC: &[u8; 8] = b"CHAFFIDX";
/// The format version this build writes and reads.
pub const VERSION: u32 = 4;

const EXACT_BYTES: u64 = 28;
const EDIT_BYTES: u64 = 46;
const NEAR_BYTES: u64 = 59;

/// Everything a cleaner has seen that later runs need.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SavedState {
    /// Ids of the documents cleaned, in order.
    pub documents: Vec<Arc<str>>,
    /// Kept paragraphs compared exactly only.
    pub exact: Vec<ExactEntry>,
    /// Kept paragraphs of the one-edit rule.
    pub edit: Vec<EditEntry>,
    /// Kept paragraphs of the long-paragraph rule.
    pub near: Vec<NearEntry>,
}

#[derive(Serialize, Deserialize)]
struct Header {
    fingerprint: FingerprintConfig,
    documents: u64,
    exact: u64,
    edit: u64,
    near: u64,
}

/// Writes `state` to `out` in the format above, with the fingerprint
/// settings it was made with; `path` names the destination in errors.
///
/// ```
/// use chaff::dedup::state::{SavedState, load_from, save_to};
/// use chaff::fingerprint::FingerprintConfig;
/// let state = SavedState { documents: vec!["a".into()], ..SavedState::default() };
/// let (config, name) = (FingerprintConfig::default(), std::path::Path::new("state.idx"));
/// let mut bytes = Vec::new();
/// save_to(&mut bytes, &state, &config, name)?;
/// assert_eq!(load_from(&bytes[..], bytes.len() as u64, &config, name)?, state);
/// # Ok::<(), chaff::Error>(())
/// ```
pub fn save_to(
    out: impl Write,
    state: &SavedState,
    fingerprint: &FingerprintConfig,
    path: &Path,
) -> Result<(), Error> {
    let err = |e: std::io::Error| Error::output(path, e);
    let mut out = HashingWriter {
        inner: BufWriter::new(out),
        hasher: Xxh3::new(),
    };
    let header = Header {
        fingerprint: fingerprint.clone(),
        documents: state.documents.len() as u64,
        exact: state.exact.len() as u64,
        edit: state.edit.len() as u64,
        near: state.near.len() as u64,
    };
    let header = serde_json::to_vec(&header).map_err(|e| Error::State {
        path: path.to_path_buf(),
        byte_offset: 12,
        message: format!("cannot encode the header: {e}"),
    })?;
    out.write_all(MAGIC).map_err(err)?;
    out.write_all(&VERSION.to_le_bytes()).map_err(err)?;
    out.write_all(&(header.len() as u32).to_le_bytes())
        .map_err(err)?;
    out.write_all(&header).map_err(err)?;
    for id in &state.documents {
        out.write_all(&(id.len() as u32).to_le_bytes())
            .map_err(err)?;
        out.write_all(id.as_bytes()).map_err(err)?;
    }
    for entry in &state.exact {
        write_common(&mut out, entry.exact, entry.simhash, &entry.at).map_err(err)?;
    }
    for entry in &state.edit {
        write_common(&mut out, entry.exact, entry.simhash, &entry.at).map_err(err)?;
        out.write_all(&entry.stored.poly.to_le_bytes())
            .map_err(err)?;
        out.write_all(&[entry.stored.len]).map_err(err)?;
        for half in entry.stored.halves {
            out.write_all(&half.to_le_bytes()).map_err(err)?;
        }
        out.write_all(&[if entry.dropped { 2 } else { 0 }])
            .map_err(err)?;
    }
    for entry in &state.near {
        write_common(&mut out, entry.exact, entry.simhash, &entry.at).map_err(err)?;
        for band in entry.sketch.bands {
            out.write_all(&band.to_le_bytes()).map_err(err)?;
        }
        out.write_all(&entry.sketch.odd.to_le_bytes())
            .map_err(err)?;
        out.write_all(&[
            entry.sketch.odd_size,
            entry.sketch.level,
            u8::from(entry.also_edit) | if entry.dropped { 2 } else { 0 },
        ])
        .map_err(err)?;
    }
    let checksum = out.hasher.digest();
    let mut inner = out.inner;
    inner.write_all(&checksum.to_le_bytes()).map_err(err)?;
    inner.flush().map_err(err)
}

fn write_common(
    out: &mut impl Write,
    exact: u64,
    simhash: u64,
    at: &ParagraphRef,
) -> std::io::Result<()> {
    out.write_all(&exact.to_le_bytes())?;
    out.write_all(&simhash.to_le_bytes())?;
    write_ref(out, at)
}

fn write_ref(out: &mut impl Write, at: &ParagraphRef) -> std::io::Result<()> {
    out.write_all(&at.document.to_le_bytes())?;
    out.write_all(&at.paragraph.to_le_bytes())
}

/// Reads a state written by [`save_to`] from `input`, which holds `size`
/// bytes (the header's counts are checked against it before anything is
/// allocated for them); `fingerprint` must equal the settings it was saved
/// with, and `path` names the source in errors.
pub fn load_from(
    input: impl Read,
    size: u64,
    fingerprint: &FingerprintConfig,
    path: &Path,
) -> Result<SavedState, Error> {
    let mut input = Reader {
        inner: BufReader::new(input),
        hasher: Xxh3::new(),
        offset: 0,
        size,
        path: path.to_path_buf(),
    };
    let magic: [u8; 8] = input.array()?;
    if &magic != MAGIC {
        return Err(input.error(0, "not a chaff index file (wrong magic bytes)"));
    }
    let version = u32::from_le_bytes(input.array()?);
    if version == 1 {
        return Err(input.error(
            8,
            "state format version 1, written by a chaff before near-duplicate sketches \
             (it holds shingle sets, not the sketches this build compares); this build reads \
             version 4 only: run over the earlier inputs again with --save-state to rebuild it",
        ));
    }
    if version == 2 {
        return Err(input.error(
            8,
            "state format version 2, written by a chaff that shingled Latin text by word pairs \
             (its fingerprints and sketches do not compare with this build's character \
             shingles); this build reads version 4 only: run over the earlier inputs again \
             with --save-state to rebuild it",
        ));
    }
    if version == 3 {
        return Err(input.error(
            8,
            "state format version 3, written by a chaff without the fact signature of Latin \
             text (its fingerprints and sketches do not compare with this build's, which count \
             a line's numbers and month names again as one fact); this build reads version 4 \
             only: run over the earlier inputs again with --save-state to rebuild it",
        ));
    }
    if version != VERSION {
        return Err(input.error(
            8,
            format!("state format version {version}; this build reads version {VERSION}"),
        ));
    }
    let header_at = input.offset;
    let header_len = u32::from_le_bytes(input.array()?) as u64;
    let header = input.bytes(header_len)?;
    let header: Header = serde_json::from_slice(&header)
        .map_err(|e| input.error(header_at, format!("bad header: {e}")))?;
    if header.fingerprint != *fingerprint {
        return Err(input.error(
            header_at,
            format!(
                "the index was made with fingerprint settings {}, this run uses {}",
                serde_json::to_string(&header.fingerprint).unwrap_or_default(),
                serde_json::to_string(fingerprint).unwrap_or_default()
            ),
        ));
    }
    // Everything the header promises must fit in what is left of the file.
    let fixed = header
        .exact
        .checked_mul(EXACT_BYTES)
        .and_then(|n| n.checked_add(header.edit.checked_mul(EDIT_BYTES)?))
        .and_then(|n| n.checked_add(header.near.checked_mul(NEAR_BYTES)?))
        .and_then(|n| n.checked_add(header.documents.checked_mul(4)?))
        .and_then(|n| n.checked_add(8));
    if fixed.is_none_or(|fixed| fixed > size.saturating_sub(input.offset)) {
        return Err(input.error(header_at, "the header's counts do not fit in the file"));
    }
    let mut state = SavedState::default();
    state.documents.reserve(header.documents as usize);
    for _ in 0..header.documents {
        let at = input.offset;
        let len = u32::from_le_bytes(input.array()?) as u64;
        let bytes = input.bytes(len)?;
        let id =
            String::from_utf8(bytes).map_err(|_| input.error(at, "a document id is not UTF-8"))?;
        state.documents.push(Arc::from(id));
    }
    let documents = state.documents.len() as u64;
    state.exact.reserve(header.exact as usize);
    for _ in 0..header.exact {
        let (exact, simhash, at) = input.common(documents)?;
        state.exact.push(ExactEntry { exact, simhash, at });
    }
    state.edit.reserve(header.edit as usize);
    for _ in 0..header.edit {
        let (exact, simhash, at) = input.common(documents)?;
        let field_at = input.offset;
        let poly = u64::from_le_bytes(input.array()?);
        let [len] = input.array()?;
        let halves = [
            u32::from_le_bytes(input.array()?),
            u32::from_le_bytes(input.array()?),
        ];
        let [flags] = input.array()?;
        if poly >= (1 << 61) - 1
            || len == 0
            || usize::from(len) > MAX_EDIT_CHARS
            || (flags != 0 && flags != 2)
        {
            return Err(input.error(field_at, "an edit entry's hash or length is out of range"));
        }
        state.edit.push(EditEntry {
            exact,
            simhash,
            at,
            stored: StoredEdit { poly, len, halves },
            dropped: flags == 2,
        });
    }
    state.near.reserve(header.near as usize);
    for _ in 0..header.near {
        let (exact, simhash, at) = input.common(documents)?;
        let field_at = input.offset;
        let mut bands = [0u32; BANDS];
        for band in &mut bands {
            *band = u32::from_le_bytes(input.array()?);
        }
        let odd = u128::from_le_bytes(input.array()?);
        let [odd_size, level, flags] = input.array()?;
        if usize::from(odd_size) > ODD_SAMPLE || level > 63 || flags > 3 {
            return Err(input.error(field_at, "a near entry's sketch is out of range"));
        }
        state.near.push(NearEntry {
            exact,
            simhash,
            at,
            sketch: StoredSketch {
                bands,
                odd,
                odd_size,
                level,
            },
            also_edit: flags & 1 != 0,
            dropped: flags & 2 != 0,
        });
    }
    let expected = input.hasher.digest();
    let checksum_at = input.offset;
    let mut stored = [0u8; 8];
    input
        .inner
        .read_exact(&mut stored)
        .map_err(|_| input.error(checksum_at, "the file ends before its checksum"))?;
    if u64::from_le_bytes(stored) != expected {
        return Err(input.error(checksum_at, "checksum mismatch: the file is corrupt"));
    }
    if input.offset + 8 != size {
        return Err(input.error(checksum_at + 8, "bytes after the checksum"));
    }
    Ok(state)
}

struct HashingWriter<W> {
    inner: W,
    hasher: Xxh3,
}

impl<W: Write> Write for HashingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let written = self.inner.write(buf)?;
        self.hasher.update(&buf[..written]);
        Ok(written)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

struct Reader<R> {
    inner: R,
    hasher: Xxh3,
    offset: u64,
    size: u64,
    path: PathBuf,
}

impl<R: Read> Reader<R> {
    fn error(&self, byte_offset: u64, message: impl Into<String>) -> Error {
        Error::State {
            path: self.path.clone(),
            byte_offset,
            message: message.into(),
        }
    }

    fn fill(&mut self, buf: &mut [u8]) -> Result<(), Error> {
        let at = self.offset;
        self.inner
            .read_exact(buf)
            .map_err(|_| self.error(at, "the file ends early (truncated)"))?;
        self.hasher.update(buf);
        self.offset += buf.len() as u64;
        Ok(())
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], Error> {
        let mut buf = [0u8; N];
        self.fill(&mut buf)?;
        Ok(buf)
    }

    fn bytes(&mut self, len: u64) -> Result<Vec<u8>, Error> {
        if len > self.size.saturating_sub(self.offset) {
            return Err(self.error(self.offset, "a length runs past the end of the file"));
        }
        let mut buf = vec![0u8; len as usize];
        self.fill(&mut buf)?;
        Ok(buf)
    }

    fn common(&mut self, documents: u64) -> Result<(u64, u64, ParagraphRef), Error> {
        let exact = u64::from_le_bytes(self.array()?);
        let simhash = u64::from_le_bytes(self.array()?);
        Ok((exact, simhash, self.paragraph_ref(documents)?))
    }

    fn paragraph_ref(&mut self, documents: u64) -> Result<ParagraphRef, Error> {
        let at = self.offset;
        let document = u64::from_le_bytes(self.array()?);
        let paragraph = u32::from_le_bytes(self.array()?);
        if document >= documents {
            return Err(self.error(at, format!("document {document} out of range")));
        }
        Ok(ParagraphRef {
            document,
            paragraph,
        })
    }
}
