//! The HTTP response inside a WARC `response` record: status line,
//! headers, and the payload with its transfer and content encodings
//! undone (chunked; gzip and deflate), as warcio and FastWARC hand it over.
//!
//! Lenient where the writers of crawls are: header lines may end in CRLF
//! or a bare LF, header names are case-insensitive, a chunked body whose
//! framing breaks keeps what was read, and a payload that does not
//! decompress is taken as it stands. Decompressed payloads are capped at
//! [`MAX_PAYLOAD_BYTES`], so a compression bomb costs no more memory than a
//! large page.

use std::borrow::Cow;
use std::io::Read;

/// The largest decompressed payload kept; the rest is cut off.
pub const MAX_PAYLOAD_BYTES: usize = 64 << 20;

/// An HTTP response split into the parts the reader needs.
#[derive(Debug)]
pub struct HttpResponse<'a> {
    /// The status code of the status line (`200`, `404`…), if it has one.
    pub status: Option<u16>,
    /// The value of the `Content-Type` header, if any.
    pub content_type: Option<String>,
    /// The payload, decoded from its transfer and content encodings.
    pub payload: Cow<'a, [u8]>,
}

/// Splits `block` (the body of a WARC `response` record) into headers and
/// payload. `None` when it does not start with an HTTP status line.
pub fn parse_response(block: &[u8]) -> Option<HttpResponse<'_>> {
    if !block.starts_with(b"HTTP/") {
        return None;
    }
    let mut at = 0;
    let mut content_type = None;
    let mut chunked = false;
    let mut encoding = String::new();
    let mut first = true;
    let mut status = None;
    loop {
        let end = memchr::memchr(b'\n', &block[at..]).map_or(block.len(), |i| at + i);
        let line = block[at..end]
            .strip_suffix(b"\r")
            .unwrap_or(&block[at..end]);
        at = (end + 1).min(block.len());
        if line.is_empty() || end >= block.len() {
            break;
        }
        if std::mem::take(&mut first) {
            // The status line: `HTTP/1.1 404 Not Found`.
            status = String::from_utf8_lossy(line)
                .split_ascii_whitespace()
                .nth(1)
                .and_then(|code| code.parse().ok());
            continue;
        }
        let Some(colon) = memchr::memchr(b':', line) else {
            continue;
        };
        let name = String::from_utf8_lossy(&line[..colon])
            .trim()
            .to_ascii_lowercase();
        let value = String::from_utf8_lossy(&line[colon + 1..])
            .trim()
            .to_owned();
        match name.as_str() {
            "content-type" => content_type = Some(value),
            "transfer-encoding" => chunked = value.to_ascii_lowercase().contains("chunked"),
            "content-encoding" => encoding = value.to_ascii_lowercase(),
            _ => {}
        }
    }
    let mut payload = Cow::Borrowed(&block[at..]);
    if chunked && let Some(dechunked) = dechunk(&payload) {
        payload = Cow::Owned(dechunked);
    }
    let decoded = match encoding.as_str() {
        "gzip" | "x-gzip" => inflate(flate2::read::MultiGzDecoder::new(&payload[..])),
        "deflate" => inflate(flate2::read::ZlibDecoder::new(&payload[..]))
            .or_else(|| inflate(flate2::read::DeflateDecoder::new(&payload[..]))),
        _ => None,
    };
    if let Some(decoded) = decoded {
        payload = Cow::Owned(decoded);
    }
    Some(HttpResponse {
        status,
        content_type,
        payload,
    })
}

/// The body of a chunked transfer; `None` if it is not chunked at all.
fn dechunk(body: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(body.len());
    let mut at = 0;
    let mut chunks = 0;
    while at < body.len() {
        let end = memchr::memchr(b'\n', &body[at..]).map(|i| at + i)?;
        let size_line = String::from_utf8_lossy(&body[at..end]);
        let size = size_line.trim().split(';').next().unwrap_or("").trim();
        let size = usize::from_str_radix(size, 16).ok()?;
        at = end + 1;
        if size == 0 {
            break;
        }
        let take = size.min(body.len() - at);
        out.extend_from_slice(&body[at..at + take]);
        at += take;
        // CRLF after the chunk.
        while at < body.len() && matches!(body[at], b'\r' | b'\n') {
            at += 1;
        }
        chunks += 1;
    }
    (chunks > 0).then_some(out)
}

fn inflate(decoder: impl Read) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    match decoder.take(MAX_PAYLOAD_BYTES as u64).read_to_end(&mut out) {
        Ok(_) => Some(out),
        // A stream cut short still gives what it held.
        Err(_) if !out.is_empty() => Some(out),
        Err(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_and_plain_payload() {
        let response = parse_response(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=GBK\r\n\r\n<p>x</p>",
        )
        .unwrap();
        assert_eq!(
            response.content_type.as_deref(),
            Some("text/html; charset=GBK")
        );
        assert_eq!(&*response.payload, b"<p>x</p>");
        // Bare LF line endings.
        let response =
            parse_response(b"HTTP/1.0 200 OK\ncontent-type: text/html\n\n<p>y</p>").unwrap();
        assert_eq!(&*response.payload, b"<p>y</p>");
        assert!(parse_response(b"<html>").is_none());
    }

    #[test]
    fn chunked_and_gzipped() {
        use std::io::Write;
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(b"<p>compressed</p>").unwrap();
        let gz = gz.finish().unwrap();
        let mut body = format!(
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Encoding: gzip\r\n\r\n{:x}\r\n",
            5
        )
        .into_bytes();
        body.extend_from_slice(&gz[..5]);
        body.extend_from_slice(format!("\r\n{:x}\r\n", gz.len() - 5).as_bytes());
        body.extend_from_slice(&gz[5..]);
        body.extend_from_slice(b"\r\n0\r\n\r\n");
        assert_eq!(
            &*parse_response(&body).unwrap().payload,
            b"<p>compressed</p>"
        );
    }
}
