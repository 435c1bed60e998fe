//! Hostile inputs: each gives clean output or an error naming where the
//! problem is, never a panic, and memory stays within a small multiple of
//! the largest document (see "Guarantees" in the README).

use std::io::Write;
use std::path::PathBuf;

use chaff::io::{JsonlReader, Utf8Policy, WetReader, documents};
use chaff::{CleanDocument, Cleaner, Config, Document, Error, Verdict};

fn clean(text: impl Into<String>) -> CleanDocument {
    Cleaner::new(Config::default())
        .unwrap()
        .clean(Document::new("hostile", text))
}

fn temp(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("chaff-hostile-{}-{name}", std::process::id()))
}

#[test]
fn empty_files_of_every_format_give_no_paragraphs() {
    for name in [
        "empty.txt",
        "empty.jsonl",
        "empty.wet",
        "empty.jsonl.gz",
        "empty.wet.zst",
    ] {
        let path = temp(name);
        std::fs::write(&path, b"").unwrap();
        let docs: Vec<Result<Document, Error>> =
            documents(std::slice::from_ref(&path), Utf8Policy::Strict).collect();
        match name {
            "empty.txt" => {
                let doc = docs[0].as_ref().unwrap();
                assert!(clean(doc.text.clone()).paragraphs.is_empty());
            }
            // An empty file is not a valid gzip/zstd stream: an error naming it.
            "empty.jsonl.gz" | "empty.wet.zst" => {
                assert!(
                    docs.iter().all(|d| match d {
                        Ok(_) => false,
                        Err(e) => e.to_string().contains(name),
                    }) || docs.is_empty(),
                    "{name}: {docs:?}"
                )
            }
            _ => assert!(docs.is_empty(), "{name}: {docs:?}"),
        }
        std::fs::remove_file(path).unwrap();
    }
}

#[test]
fn a_100_mb_single_line_is_one_paragraph_and_its_repeat_is_found() {
    let line = "呼和浩特市".repeat(100 * 1024 * 1024 / 15);
    let mut cleaner = Cleaner::new(Config::default()).unwrap();
    let first = cleaner.clean(Document::new("a", line.clone()));
    assert_eq!(first.paragraphs.len(), 1);
    assert_eq!(first.paragraphs[0].verdict, Verdict::Kept);
    assert_eq!(first.paragraphs[0].text.len(), line.len());
    let second = cleaner.clean(Document::new("b", line));
    assert_eq!(second.paragraphs[0].verdict.name(), "exact_duplicate");
}

#[test]
fn one_character_repeated_millions_of_times() {
    for c in ["a", "。", "\u{200B}", " ", "\n", "é"] {
        let doc = clean(c.repeat(3_000_000));
        let visible: usize = doc.paragraphs.iter().map(|p| p.text.len()).sum();
        assert!(visible <= 3_000_000 * c.len(), "{c:?}");
    }
}

#[test]
fn nul_bytes_and_binary_data_are_text_like_any_other() {
    let mut state = 0x1234_5678_9ABC_DEF0u64;
    let bytes: Vec<u8> = (0..200_000)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state as u8
        })
        .collect();
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let doc = clean(text.clone());
    for p in &doc.paragraphs {
        assert!(text[p.byte_offset..].starts_with(p.text.chars().next().unwrap()));
    }
    let doc = clean("前\0中\0后。\0\0\n\0");
    assert!(!doc.paragraphs.is_empty());
}

#[test]
fn invalid_utf8_is_an_error_with_its_offset_or_counted_when_lossy() {
    let path = temp("bad.txt");
    std::fs::write(&path, b"first line\nsecond \xC3\x28 line\n").unwrap();
    let err = documents(std::slice::from_ref(&path), Utf8Policy::Strict)
        .next()
        .unwrap()
        .unwrap_err();
    assert!(
        err.to_string()
            .ends_with("bad.txt:2: invalid UTF-8 at byte offset 18"),
        "{err}"
    );
    let doc = documents(std::slice::from_ref(&path), Utf8Policy::Lossy)
        .next()
        .unwrap()
        .unwrap();
    assert_eq!(doc.replaced_invalid_utf8, 1);
    std::fs::remove_file(path).unwrap();
}

#[test]
fn lone_surrogates_in_json_escapes_are_a_bad_record_not_a_panic() {
    let input = "{\"text\": \"ok\"}\n{\"text\": \"\\ud800 alone\"}\n{\"text\": \"\\udc00\\ud800\"}\n{\"text\": \"\\ud83d\\ude00 pair\"}\n";
    let records: Vec<_> =
        JsonlReader::new(input.as_bytes(), "s.jsonl", Utf8Policy::Strict).collect();
    assert_eq!(records.len(), 4);
    assert!(records[0].is_ok());
    for (i, record) in records[1..3].iter().enumerate() {
        match record {
            Err(Error::BadRecord { line, .. }) => assert_eq!(*line, i + 2),
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(records[3].as_ref().unwrap().text, "😀 pair");
}

#[test]
fn mixed_line_endings_split_alike() {
    let doc = clean("第一段。\r\n第二段。\r第三段。\u{2028}第四段。\u{2029}第五段。\n\r\n第六段。");
    let texts: Vec<&str> = doc.paragraphs.iter().map(|p| p.text.as_str()).collect();
    assert_eq!(
        texts,
        [
            "第一段。",
            "第二段。",
            "第三段。",
            "第四段。",
            "第五段。",
            "第六段。"
        ]
    );
}

#[test]
fn invisible_and_bidi_characters_do_not_hide_repeats() {
    let mut cleaner = Cleaner::new(Config::default()).unwrap();
    let plain = "市政府召开常务会议，研究部署今年的重点工作，会议由市长主持。";
    let hidden = "\u{202E}市政府召开\u{200B}常务会议，研究部署\u{2066}今年的重点工作\u{2069}，会议由市长主持。\u{FEFF}";
    cleaner.clean(Document::new("a", plain));
    let doc = cleaner.clean(Document::new("b", hidden));
    assert_eq!(doc.paragraphs[0].verdict.name(), "exact_duplicate");
    // The text returned is the input's own, the invisible characters at
    // its edges included (only whitespace is trimmed there; issue 12,
    // breaker finding 13).
    assert_eq!(doc.paragraphs[0].text, hidden);
}

#[test]
fn combining_sequences_and_emoji_survive() {
    let text = "Cafe\u{301} ünïcödé 👨\u{200D}👩\u{200D}👧 家庭 🇨🇳 e\u{301}\u{302}\u{303}。";
    let doc = clean(text);
    assert_eq!(doc.paragraphs.len(), 1);
    assert_eq!(doc.paragraphs[0].text, text);
}

#[test]
fn a_million_tiny_records_stream_through() {
    let mut jsonl = Vec::with_capacity(30_000_000);
    for i in 0..1_000_000u32 {
        writeln!(
            jsonl,
            "{{\"id\": {i}, \"text\": \"这是第{}条记录的正文。\"}}",
            i % 997
        )
        .unwrap();
    }
    let mut cleaner = Cleaner::new(Config::default()).unwrap();
    let mut out = chaff::io::JsonlSink::new(std::io::sink(), None::<std::io::Sink>, "null");
    let records = JsonlReader::new(&jsonl[..], "tiny.jsonl", Utf8Policy::Strict);
    cleaner.run(records, 4096, &mut out).unwrap();
    let summary = cleaner.summary();
    assert_eq!(summary.documents, 1_000_000);
    assert_eq!(summary.paragraphs_out, 997);
    assert_eq!(summary.dropped["exact_duplicate"], 1_000_000 - 997);
}

#[test]
fn a_wet_record_of_a_huge_declared_length_is_refused_quickly() {
    let wet = b"WARC/1.0\r\nWARC-Type: conversion\r\nContent-Length: 18446744073709551615\r\n\r\nx\r\n\r\n";
    let records: Vec<_> = WetReader::new(&wet[..], "h.wet", Utf8Policy::Strict).collect();
    assert!(records.iter().all(|r| r.is_err()), "{records:?}");
}
