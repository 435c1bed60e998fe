//! WARC/WET records: Common Crawl's plain-text extractions.
//!
//! A WET file is a sequence of WARC records: a `warcinfo` record, then one
//! `conversion` record per crawled page whose body is the page's text. The
//! `warc` crate parses each record (version line, headers, a body of
//! `Content-Length` bytes, two line endings); this reader frames the stream
//! around it so that one bad record never takes others with it:
//!
//! - a record that does not parse (bad header, wrong `Content-Length`, a
//!   body that does not end where its length says) is reported with the
//!   line and byte offset of its first byte, and reading resumes at the next
//!   line that starts with `WARC/`;
//! - a record cut off by the end of the stream is reported the same way;
//! - a record longer than [`MAX_RECORD_BYTES`] is reported without being
//!   buffered, so memory stays bounded whatever `Content-Length` claims.
//!
//! `conversion` records and `resource` records of type `text/plain` become
//! text documents; `response` records whose HTTP `Content-Type` is HTML
//! (`text/html`, `application/xhtml+xml`), and `resource` records of those
//! types, become HTML documents ([`crate::document::Kind::Html`]), their
//! payload taken out of the HTTP response ([`super::http`]: chunked and
//! gzip payloads decoded) and decoded by the charset its headers or its
//! `<meta>` declare ([`super::read::html_document`]). Each has the record's
//! `WARC-Target-URI` as URL, its `WARC-Record-ID` as id (without the
//! angle brackets: `urn:uuid:…`; `PATH:LINE` for a record without one) and
//! its `WARC-Date` as the extra field `date`; a `response` record's HTTP
//! status code is the extra field `http_status` (a 404 page or a redirect
//! is a document like any other: filter on it), and a `response` without
//! an HTTP `Content-Type` is read as HTML when its payload starts as HTML
//! (`<!doctype html` or `<html`). Records of other types (`warcinfo`,
//! `request`, `metadata`, responses of images and PDFs) are passed over. A
//! byte-order mark before the first record is accepted. A compressed
//! stream that ends early ends the reading: the record it cut (or, between
//! records, the cut itself) is reported with its offset.
//! Offsets and lines are those of the decompressed stream.

use std::io::Read;
use std::path::PathBuf;

use memchr::memmem;

use super::decode::{Utf8Policy, decode};
use crate::document::Document;
use crate::error::Error;

/// The longest record read, in bytes after decompression: a WARC record,
/// a JSONL line, a page read whole (`.txt`, `.html`); longer ones are
/// reported as bad records and skipped (a 3 MB `.gz` can hold a 3 GB page).
pub const MAX_RECORD_BYTES: usize = 64 << 20;

/// How much is read from the source at a time.
const CHUNK: usize = 1 << 20;

/// Reads documents from a WET (or WARC) stream.
///
/// ```
/// use chaff::io::{Utf8Policy, WetReader};
/// let body = "新闻正文。\n";
/// let wet = format!(
///     "WARC/1.0\r\nWARC-Type: conversion\r\nWARC-Target-URI: http://example.gov.cn/a\r\n\
///      WARC-Record-ID: <urn:uuid:1>\r\nContent-Length: {}\r\n\r\n{body}\r\n\r\n",
///     body.len()
/// );
/// let mut records = WetReader::new(wet.as_bytes(), "a.wet", Utf8Policy::Strict);
/// let page = records.next().unwrap()?;
/// assert_eq!((page.id.as_str(), page.text.as_str()), ("urn:uuid:1", body));
/// assert_eq!(page.url.as_deref(), Some("http://example.gov.cn/a"));
/// assert!(records.next().is_none());
/// # Ok::<(), chaff::Error>(())
/// ```
pub struct WetReader<R> {
    source: R,
    source_name: PathBuf,
    policy: Utf8Policy,
    buffer: Vec<u8>,
    /// Where the unread part of `buffer` starts.
    start: usize,
    /// Stream offset and 1-based line of `buffer[start]`.
    offset: usize,
    line: usize,
    eof: bool,
    done: bool,
    /// The compressed stream ended early here (see
    /// [`StreamCut`](super::StreamCut)), not yet reported.
    cut: Option<String>,
}

/// What one attempt to read a record gave.
enum Step {
    Page(Document),
    Skipped,
    /// A record that does not frame: resynchronize after reporting it.
    Bad(Error),
    /// A framed record whose content is bad (invalid UTF-8): the stream is
    /// already past it.
    BadContent(Error),
    NeedMore,
    End,
}

impl<R: Read> WetReader<R> {
    /// Reads records from `source`; `source_name` names it in errors.
    pub fn new(source: R, source_name: impl Into<PathBuf>, policy: Utf8Policy) -> Self {
        WetReader {
            source,
            source_name: source_name.into(),
            policy,
            buffer: Vec::new(),
            start: 0,
            offset: 0,
            line: 1,
            eof: false,
            done: false,
            cut: None,
        }
    }

    fn unread(&self) -> &[u8] {
        &self.buffer[self.start..]
    }

    /// Reads another chunk; false at the end of the stream.
    fn fill(&mut self) -> Result<bool, Error> {
        if self.start > 0 && self.start >= self.buffer.len() / 2 {
            self.buffer.drain(..self.start);
            self.start = 0;
        }
        let old = self.buffer.len();
        self.buffer.resize(old + CHUNK, 0);
        let read = loop {
            match self.source.read(&mut self.buffer[old..]) {
                Ok(read) => break read,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    self.buffer.truncate(old);
                    if let Some(cut) = super::compression::stream_cut(&e) {
                        self.cut = Some(cut.to_string());
                        self.eof = true;
                        return Ok(false);
                    }
                    return Err(Error::io(&self.source_name, e));
                }
            }
        };
        self.buffer.truncate(old + read);
        self.eof = read == 0;
        Ok(read > 0)
    }

    /// Marks `count` unread bytes as read.
    fn consume(&mut self, count: usize) {
        let count = count.min(self.unread().len());
        let consumed = &self.buffer[self.start..self.start + count];
        self.line += memchr::memchr_iter(b'\n', consumed).count();
        self.offset += count;
        self.start += count;
    }

    fn bad(&self, line: usize, byte_offset: usize, message: impl Into<String>) -> Error {
        Error::BadRecord {
            source_name: self.source_name.clone(),
            line,
            byte_offset,
            message: message.into(),
        }
    }

    /// The reason a record ends early when the stream was cut, reported
    /// once.
    fn cut_note(&mut self) -> String {
        self.cut
            .take()
            .map(|cut| format!(": {cut}"))
            .unwrap_or_default()
    }

    /// Skips to the next line that starts with `WARC/` after the current
    /// position (or to the end).
    fn resync(&mut self) -> Result<(), Error> {
        self.consume(1);
        loop {
            if let Some(at) = memmem::find(self.unread(), b"\nWARC/") {
                self.consume(at + 1);
                return Ok(());
            }
            // Keep a tail that may hold the start of the marker.
            let keep = self.unread().len().min(5);
            self.consume(self.unread().len() - keep);
            if !self.fill()? {
                let rest = self.unread().len();
                self.consume(rest);
                return Ok(());
            }
        }
    }

    fn step(&mut self) -> Step {
        if self.offset == 0 && self.unread().starts_with(b"\xEF\xBB\xBF") {
            self.consume(3);
        }
        // Blank lines between records are tolerated.
        let blank = self
            .unread()
            .iter()
            .take_while(|b| matches!(b, b'\r' | b'\n'))
            .count();
        self.consume(blank);
        if self.unread().is_empty() {
            return if self.eof { Step::End } else { Step::NeedMore };
        }
        let (line, offset) = (self.line, self.offset);
        let declared = match warc::parser::headers(self.unread()) {
            Ok((_, (_, _, length))) => length,
            Err(nom::Err::Incomplete(_)) if !self.eof && self.unread().len() < CHUNK => {
                return Step::NeedMore;
            }
            Err(nom::Err::Incomplete(_)) if self.eof => {
                let message = format!("WARC record cut off in its headers{}", self.cut_note());
                return Step::Bad(self.bad(line, offset, message));
            }
            Err(_) => return Step::Bad(self.bad(line, offset, "malformed WARC record headers")),
        };
        if declared > MAX_RECORD_BYTES {
            return Step::Bad(self.bad(
                line,
                offset,
                format!("WARC record of {declared} bytes is over the limit of {MAX_RECORD_BYTES}"),
            ));
        }
        let (used, page) = match warc::parser::record(self.unread()) {
            Ok((rest, (_, headers, body))) => {
                let used = self.unread().len() - rest.len();
                (used, self.page(&headers, body, line, offset))
            }
            Err(nom::Err::Incomplete(_)) if !self.eof => return Step::NeedMore,
            Err(nom::Err::Incomplete(_)) => {
                let message = format!(
                    "WARC record cut off: Content-Length {declared} runs past the end{}",
                    self.cut_note()
                );
                return Step::Bad(self.bad(line, offset, message));
            }
            Err(_) => {
                return Step::Bad(self.bad(
                    line,
                    offset,
                    format!("WARC record body does not end where Content-Length {declared} says"),
                ));
            }
        };
        self.consume(used);
        match page {
            Ok(Some(page)) => Step::Page(page),
            Ok(None) => Step::Skipped,
            Err(e) => Step::BadContent(e),
        }
    }

    /// The document of a parsed record, if it holds page text.
    fn page(
        &self,
        headers: &[(&str, &[u8])],
        body: &[u8],
        line: usize,
        offset: usize,
    ) -> Result<Option<Document>, Error> {
        let header = |name: &str| {
            headers
                .iter()
                .find(|(token, _)| token.eq_ignore_ascii_case(name))
                .map(|(_, value)| String::from_utf8_lossy(value).trim().to_owned())
        };
        let kind = header("WARC-Type").unwrap_or_default();
        let content_type = header("Content-Type").unwrap_or_default();
        let resource = kind.eq_ignore_ascii_case("resource");
        let text_resource = resource && content_type.starts_with("text/plain");
        let body_offset = offset + (body.as_ptr() as usize - self.unread().as_ptr() as usize);
        let body_line =
            line + memchr::memchr_iter(b'\n', &self.unread()[..body_offset - offset]).count();
        let id = || {
            header("WARC-Record-ID")
                .map(|id| id.trim_matches(['<', '>']).to_owned())
                .unwrap_or_else(|| format!("{}:{line}", self.source_name.display()))
        };
        let extra = || {
            let mut extra = serde_json::Map::new();
            if let Some(date) = header("WARC-Date") {
                extra.insert("date".into(), date.into());
            }
            extra
        };
        let mut status = None;
        let html = if kind.eq_ignore_ascii_case("response") {
            super::http::parse_response(body)
                .filter(|r| match r.content_type.as_deref() {
                    Some(content_type) => is_html_type(content_type),
                    // No Content-Type: the payload's first bytes say.
                    None => super::read::starts_as_html(&r.payload),
                })
                .map(|r| {
                    status = r.status;
                    (r.payload, r.content_type)
                })
        } else if resource && is_html_type(&content_type) {
            Some((std::borrow::Cow::Borrowed(body), Some(content_type.clone())))
        } else {
            None
        };
        if let Some((payload, content_type)) = html {
            let mut page = super::read::html_document(
                id(),
                &payload,
                content_type.as_deref(),
                &self.source_name,
                body_line,
                body_offset,
            )?;
            page.url = header("WARC-Target-URI");
            page.extra = extra();
            if let Some(status) = status {
                page.extra.insert("http_status".into(), status.into());
            }
            return Ok(Some(page));
        }
        if !kind.eq_ignore_ascii_case("conversion") && !text_resource {
            return Ok(None);
        }
        let (text, replaced_invalid_utf8) = decode(
            body.to_vec(),
            &self.source_name,
            body_line,
            body_offset,
            self.policy,
        )?;
        Ok(Some(Document {
            id: id(),
            text,
            url: header("WARC-Target-URI"),
            replaced_invalid_utf8,
            extra: extra(),
            ..Document::default()
        }))
    }
}

/// Whether a `Content-Type` value names HTML.
fn is_html_type(content_type: &str) -> bool {
    let mime = content_type.split(';').next().unwrap_or("").trim();
    mime.eq_ignore_ascii_case("text/html") || mime.eq_ignore_ascii_case("application/xhtml+xml")
}

impl<R: Read> Iterator for WetReader<R> {
    type Item = Result<Document, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        while !self.done {
            match self.step() {
                Step::Page(page) => return Some(Ok(page)),
                Step::Skipped => {}
                Step::BadContent(error) => return Some(Err(error)),
                Step::Bad(error) => {
                    if let Err(io) = self.resync() {
                        self.done = true;
                        return Some(Err(io));
                    }
                    return Some(Err(error));
                }
                Step::NeedMore => match self.fill() {
                    Ok(_) => {}
                    Err(io) => {
                        self.done = true;
                        return Some(Err(io));
                    }
                },
                Step::End => {
                    self.done = true;
                    if let Some(cut) = self.cut.take() {
                        let error = self.bad(
                            self.line,
                            self.offset,
                            format!("{cut}; what followed is lost"),
                        );
                        return Some(Err(error));
                    }
                }
            }
        }
        None
    }
}
