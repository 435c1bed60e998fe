//! Input formats: WET/WARC, JSONL and pages, plain, gzip and zstd, and what
//! a malformed record does (reported where it is, others unharmed).

use std::io::Write;
use std::path::{Path, PathBuf};

use chaff::io::{Utf8Policy, WetReader, documents, skip_bad_records};
use chaff::{Document, Error};

fn record(kind: &str, id: &str, uri: &str, body: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Target-URI: {uri}\r\nWARC-Record-ID: <{id}>\r\nContent-Type: text/plain\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    out.extend_from_slice(body);
    out.extend_from_slice(b"\r\n\r\n");
    out
}

/// A WET file as Common Crawl writes it: a warcinfo record, then pages.
fn wet(pages: &[(&str, &str)]) -> Vec<u8> {
    let mut out = record("warcinfo", "urn:info", "", b"software: test\r\n");
    for (i, (uri, text)) in pages.iter().enumerate() {
        out.extend(record(
            "conversion",
            &format!("urn:{i}"),
            uri,
            text.as_bytes(),
        ));
    }
    out
}

const PAGES: [(&str, &str); 3] = [
    (
        "http://a.gov.cn/1.html",
        "网站首页\n市政府召开常务会议，研究部署重点工作。\n",
    ),
    (
        "http://a.gov.cn/2.html",
        "The council met on Monday.\nIt approved the budget.\n",
    ),
    ("http://b.gov.cn/3.html", "第三页的正文。\r\n"),
];

fn read_all(bytes: &[u8]) -> Vec<Result<Document, Error>> {
    WetReader::new(bytes, "test.wet", Utf8Policy::Strict).collect()
}

fn texts(results: &[Result<Document, Error>]) -> Vec<&str> {
    results
        .iter()
        .filter_map(|r| r.as_ref().ok())
        .map(|d| d.text.as_str())
        .collect()
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("chaff-formats-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

#[test]
fn wet_pages_keep_their_text_url_and_id() {
    let results = read_all(&wet(&PAGES));
    assert_eq!(results.len(), 3, "the warcinfo record is not a page");
    let docs: Vec<&Document> = results.iter().map(|r| r.as_ref().unwrap()).collect();
    assert_eq!(docs[0].id, "urn:0");
    assert_eq!(docs[0].url.as_deref(), Some("http://a.gov.cn/1.html"));
    assert_eq!(texts(&results), PAGES.map(|(_, text)| text));
}

#[test]
fn every_format_and_compression_reads_the_same_pages() {
    let dir = temp_dir("all");
    let jsonl: String = PAGES
        .iter()
        .enumerate()
        .map(|(i, (url, text))| {
            serde_json::json!({"id": format!("urn:{i}"), "url": url, "text": text}).to_string()
                + "\n"
        })
        .collect();
    let wet_bytes = wet(&PAGES);
    // Common Crawl gzips each record separately: a multi-member file.
    let mut members = Vec::new();
    for chunk in wet_bytes
        .split_inclusive(|b| *b == b'\n')
        .collect::<Vec<_>>()
        .chunks(5)
    {
        members.extend(gzip(&chunk.concat()));
    }
    let files: Vec<(&str, Vec<u8>)> = vec![
        ("a.wet", wet_bytes.clone()),
        ("a.warc.wet.gz", members),
        ("a.wet.zst", zstd::encode_all(&wet_bytes[..], 3).unwrap()),
        ("a.jsonl", jsonl.clone().into_bytes()),
        ("a.jsonl.gz", gzip(jsonl.as_bytes())),
        (
            "a.jsonl.zst",
            zstd::encode_all(jsonl.as_bytes(), 3).unwrap(),
        ),
    ];
    for (name, bytes) in files {
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        let docs: Vec<Document> = documents(&[path], Utf8Policy::Strict)
            .collect::<Result<_, _>>()
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let got: Vec<(&str, Option<&str>, &str)> = docs
            .iter()
            .map(|d| (d.id.as_str(), d.url.as_deref(), d.text.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("urn:0", Some(PAGES[0].0), PAGES[0].1),
                ("urn:1", Some(PAGES[1].0), PAGES[1].1),
                ("urn:2", Some(PAGES[2].0), PAGES[2].1)
            ],
            "{name}"
        );
    }
    let page = dir.join("page.txt.gz");
    std::fs::write(&page, gzip("一页。".as_bytes())).unwrap();
    let docs: Vec<Document> = documents(&[page], Utf8Policy::Strict)
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        (docs[0].id.as_str(), docs[0].text.as_str()),
        ("page.txt.gz", "一页。")
    );
}

/// Where `needle` starts in `haystack`: (1-based line, byte offset).
fn position(haystack: &[u8], needle: &[u8]) -> (usize, usize) {
    let at = haystack
        .windows(needle.len())
        .position(|w| w == needle)
        .unwrap();
    (
        1 + haystack[..at].iter().filter(|b| **b == b'\n').count(),
        at,
    )
}

fn assert_bad_record(result: &Result<Document, Error>, line: usize, offset: usize) {
    match result {
        Err(Error::BadRecord {
            line: l,
            byte_offset,
            ..
        }) => assert_eq!((*l, *byte_offset), (line, offset), "{result:?}"),
        other => panic!("expected a bad record at line {line}, offset {offset}: {other:?}"),
    }
}

#[test]
fn a_record_with_a_wrong_length_is_reported_and_the_next_one_read() {
    let good = wet(&PAGES);
    // The middle page claims 40 bytes more than it has.
    let mut bytes = Vec::new();
    let split = position(
        &good,
        b"WARC/1.0\r\nWARC-Type: conversion\r\nWARC-Target-URI: http://a.gov.cn/2",
    )
    .1;
    bytes.extend_from_slice(&good[..split]);
    let broken = String::from_utf8(good[split..].to_vec()).unwrap().replacen(
        &format!("Content-Length: {}", PAGES[1].1.len()),
        &format!("Content-Length: {}", PAGES[1].1.len() + 40),
        1,
    );
    assert_ne!(broken.as_bytes(), &good[split..], "the length was changed");
    bytes.extend_from_slice(broken.as_bytes());
    let results = read_all(&bytes);
    assert_eq!(results.len(), 3);
    let (line, offset) = position(
        &bytes,
        b"WARC/1.0\r\nWARC-Type: conversion\r\nWARC-Target-URI: http://a.gov.cn/2",
    );
    assert_bad_record(&results[1], line, offset);
    assert_eq!(texts(&results), [PAGES[0].1, PAGES[2].1]);
}

#[test]
fn garbage_between_records_and_bad_headers_are_skipped_over() {
    let mut bytes = wet(&PAGES[..1]);
    bytes.extend_from_slice(b"WARC/1.0\r\nthis is not a header line\r\n\r\nrest\r\n\r\n");
    bytes.extend_from_slice(b"random bytes \xFF\xFE between records\n");
    bytes.extend(record(
        "conversion",
        "urn:9",
        "http://c/",
        "最后一页。".as_bytes(),
    ));
    let results = read_all(&bytes);
    assert_eq!(texts(&results), [PAGES[0].1, "最后一页。"]);
    let errors = results.iter().filter(|r| r.is_err()).count();
    assert!(errors >= 1, "{results:?}");
    let (line, offset) = position(&bytes, b"WARC/1.0\r\nthis is not");
    assert_bad_record(&results[1], line, offset);
}

#[test]
fn a_record_cut_off_at_the_end_is_reported() {
    let good = wet(&PAGES);
    let cut = &good[..good.len() - 20];
    let results = read_all(cut);
    assert_eq!(texts(&results), [PAGES[0].1, PAGES[1].1]);
    let (line, offset) = position(
        cut,
        b"WARC/1.0\r\nWARC-Type: conversion\r\nWARC-Target-URI: http://b.gov.cn",
    );
    assert_bad_record(&results[2], line, offset);
    match &results[2] {
        Err(e) => assert!(e.to_string().contains("cut off"), "{e}"),
        Ok(_) => unreachable!(),
    }
}

#[test]
fn an_oversized_length_is_refused_without_buffering() {
    let mut bytes = wet(&PAGES[..1]);
    bytes.extend_from_slice(
        b"WARC/1.0\r\nWARC-Type: conversion\r\nContent-Length: 99999999999\r\n\r\nshort\r\n\r\n",
    );
    bytes.extend(record(
        "conversion",
        "urn:9",
        "http://c/",
        "后面的一页。".as_bytes(),
    ));
    let results = read_all(&bytes);
    assert_eq!(texts(&results), [PAGES[0].1, "后面的一页。"]);
    match &results[1] {
        Err(e) => assert!(e.to_string().contains("over the limit"), "{e}"),
        Ok(_) => panic!("an oversized record was read"),
    }
}

#[test]
fn invalid_utf8_in_a_body_names_its_offset_and_spares_the_next_record() {
    let mut bytes = wet(&PAGES[..1]);
    let bad_body = b"good line\nbad \xFF byte\n";
    bytes.extend(record("conversion", "urn:bad", "http://x/", bad_body));
    bytes.extend(record(
        "conversion",
        "urn:9",
        "http://c/",
        "后面的一页。".as_bytes(),
    ));
    let results = read_all(&bytes);
    let (line, offset) = position(&bytes, b"\xFF");
    match &results[1] {
        Err(Error::InvalidUtf8 {
            line: l,
            byte_offset,
            ..
        }) => assert_eq!((*l, *byte_offset), (line, offset)),
        other => panic!("{other:?}"),
    }
    assert_eq!(texts(&results), [PAGES[0].1, "后面的一页。"]);
    let lossy: Vec<Document> = WetReader::new(&bytes[..], "t.wet", Utf8Policy::Lossy)
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(lossy[1].replaced_invalid_utf8, 1);
}

#[test]
fn skipping_bad_records_keeps_the_good_ones_and_says_where_the_bad_ones_were() {
    let dir = temp_dir("skip");
    let path = dir.join("mixed.jsonl.gz");
    let jsonl = "{\"id\": \"a\", \"text\": \"一\"}\n{broken\n{\"id\": \"b\", \"text\": \"二\"}\n";
    std::fs::write(&path, gzip(jsonl.as_bytes())).unwrap();
    let mut skipped = Vec::new();
    let docs: Vec<Document> = skip_bad_records(documents(&[path], Utf8Policy::Strict), |e| {
        skipped.push(e.to_string())
    })
    .collect::<Result<_, _>>()
    .unwrap();
    assert_eq!(
        docs.iter().map(|d| d.id.as_str()).collect::<Vec<_>>(),
        ["a", "b"]
    );
    assert_eq!(skipped.len(), 1);
    assert!(
        skipped[0].contains("mixed.jsonl.gz:2: bad record at byte offset 27"),
        "{}",
        skipped[0]
    );
    // A missing file is not a record error: it is not skipped.
    let missing = skip_bad_records(
        documents(
            &[Path::new("/nonexistent/x.jsonl").to_path_buf()],
            Utf8Policy::Strict,
        ),
        |_| {},
    )
    .collect::<Vec<_>>();
    assert!(matches!(missing[..], [Err(Error::Io { .. })]));
}

#[test]
fn a_corrupt_gzip_stream_is_an_io_error_naming_the_file() {
    let dir = temp_dir("corrupt");
    let path = dir.join("broken.wet.gz");
    let mut bytes = gzip(&wet(&PAGES));
    let middle = bytes.len() / 2;
    bytes[middle..].iter_mut().for_each(|b| *b ^= 0x5A);
    std::fs::write(&path, bytes).unwrap();
    let results: Vec<_> = documents(std::slice::from_ref(&path), Utf8Policy::Strict).collect();
    let last = results.last().unwrap();
    match last {
        Err(e) => assert!(e.to_string().contains("broken.wet.gz"), "{e}"),
        Ok(_) => panic!("corrupt gzip read without error: {results:?}"),
    }
}

#[test]
fn warc_responses_carry_their_http_status_and_are_sniffed_without_a_content_type() {
    let page = "<!DOCTYPE html><html><body><p>市政府召开常务会议，研究部署今年的重点工作。</p></body></html>";
    let mut warc = Vec::new();
    let not_found =
        format!("HTTP/1.1 404 Not Found\r\nContent-Type: text/html; charset=utf-8\r\n\r\n{page}");
    warc.extend(record(
        "response",
        "urn:404",
        "http://a.cn/x",
        not_found.as_bytes(),
    ));
    let untyped = format!("HTTP/1.1 200 OK\r\nServer: test\r\n\r\n{page}");
    warc.extend(record(
        "response",
        "urn:untyped",
        "http://a.cn/y",
        untyped.as_bytes(),
    ));
    let image = "HTTP/1.1 200 OK\r\n\r\n\u{89}PNG";
    warc.extend(record(
        "response",
        "urn:image",
        "http://a.cn/z.png",
        image.as_bytes(),
    ));
    let documents: Vec<Document> = WetReader::new(&warc[..], "t.warc", Utf8Policy::Strict)
        .collect::<Result<_, _>>()
        .unwrap();
    let ids: Vec<&str> = documents.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(ids, ["urn:404", "urn:untyped"]);
    assert_eq!(documents[0].extra["http_status"], 404);
    assert_eq!(documents[1].extra["http_status"], 200);
    assert!(
        documents
            .iter()
            .all(|d| d.kind == chaff::document::Kind::Html)
    );
}
