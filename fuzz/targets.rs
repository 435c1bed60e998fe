//! The fuzz targets' bodies, shared by `fuzz/fuzz_targets/*.rs` (libFuzzer,
//! nightly) and `tests/fuzz_regressions.rs` (which replays the kept corpus
//! on stable in every `cargo test`). Each checks the invariants that must
//! hold on any input, and panics (a finding) when one does not.

#![allow(dead_code)]

use chaff::io::{JsonlReader, Utf8Policy, WetReader};
use chaff::split::{SplitConfig, split_paragraphs};
use chaff::{Cleaner, Config, Document, Verdict};

/// Arbitrary bytes as one page, lossily decoded, cleaned twice (the second
/// time as a repeat); every paragraph is accounted for, in order, and the
/// clean output cleaned again drops nothing new but repeats.
pub fn pipeline(data: &[u8]) {
    let text = String::from_utf8_lossy(data).into_owned();
    let mut cleaner = Cleaner::new(Config::default()).expect("default config");
    let first = cleaner.clean(Document::new("a", text.clone()));
    assert!(
        first
            .paragraphs
            .windows(2)
            .all(|w| w[0].byte_offset < w[1].byte_offset)
    );
    for paragraph in &first.paragraphs {
        assert!(!paragraph.text.is_empty());
        assert!(text.is_char_boundary(paragraph.byte_offset));
    }
    let second = cleaner.clean(Document::new("b", text));
    for paragraph in &second.paragraphs {
        assert!(
            !matches!(paragraph.verdict, Verdict::Kept),
            "a paragraph kept twice: {:?}",
            paragraph.text
        );
    }
    // Idempotence: cleaning the clean text again finds no repeat in it
    // (when it splits into the same paragraphs; joined lines may differ).
    let kept: Vec<&str> = first.kept().collect();
    let mut fresh = Cleaner::new(Config::default()).expect("default config");
    let again = fresh.clean(Document::new("c", first.clean_text()));
    let resplit: Vec<&str> = again.paragraphs.iter().map(|p| p.text.as_str()).collect();
    if resplit == kept {
        for paragraph in &again.paragraphs {
            assert!(
                !matches!(
                    paragraph.verdict,
                    Verdict::ExactDuplicate { .. } | Verdict::NearDuplicate { .. }
                ),
                "a repeat survived the first pass: {:?}",
                paragraph.text
            );
        }
    }
}

/// The splitter on arbitrary text: paragraphs are non-empty, trimmed, in
/// order, start where they say, and hold every non-blank character.
pub fn split(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for repair in [true, false] {
        let config = SplitConfig {
            repair_breaks: repair,
        };
        let paragraphs = split_paragraphs(text, &config);
        let mut last = None;
        for p in &paragraphs {
            assert!(!p.text.is_empty());
            assert!(text[p.byte_offset..].starts_with(p.text.chars().next().unwrap_or(' ')));
            assert!(last.is_none_or(|l| l < p.byte_offset));
            last = Some(p.byte_offset);
        }
        let visible = |s: &str| -> usize {
            s.chars()
                .filter(|c| !c.is_whitespace() && !chaff::chars::is_invisible(*c))
                .count()
        };
        let kept: usize = paragraphs.iter().map(|p| visible(&p.text)).sum();
        assert_eq!(kept, visible(text));
    }
}

/// The JSONL reader on arbitrary bytes: never panics, every line is a
/// record or an error naming a line within the input.
pub fn jsonl(data: &[u8]) {
    let lines = data.split(|b| *b == b'\n').count();
    for policy in [Utf8Policy::Strict, Utf8Policy::Lossy] {
        for record in JsonlReader::new(data, "fuzz.jsonl", policy) {
            if let Err(
                chaff::Error::BadRecord {
                    line, byte_offset, ..
                }
                | chaff::Error::InvalidUtf8 {
                    line, byte_offset, ..
                },
            ) = record
            {
                assert!(line >= 1 && line <= lines, "line {line} of {lines}");
                assert!(byte_offset <= data.len());
            }
        }
    }
}

/// The WET reader on arbitrary bytes: never panics, terminates, and every
/// error's offset is inside the input.
pub fn wet(data: &[u8]) {
    let mut records = 0;
    for record in WetReader::new(data, "fuzz.wet", Utf8Policy::Lossy) {
        records += 1;
        assert!(records <= data.len() + 1, "more records than bytes");
        if let Err(chaff::Error::BadRecord { byte_offset, .. }) = record {
            assert!(byte_offset <= data.len());
        }
    }
}

/// Loading a saved state from arbitrary bytes: an error, never a panic;
/// and a valid file with one byte changed never loads.
pub fn state(data: &[u8]) {
    let dir = std::env::temp_dir().join(format!("chaff-fuzz-state-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join("state.idx");
    if std::fs::write(&path, data).is_err() {
        return;
    }
    let loaded = Cleaner::with_state(Config::default(), &path);
    if let Ok(cleaner) = loaded {
        // Only a well-formed file loads: saving it again gives the same bytes.
        let again = dir.join("again.idx");
        cleaner.save_state(&again).expect("saving a loaded state");
        assert_eq!(std::fs::read(&again).expect("just written"), data);
    }
}

/// Arbitrary bytes as an HTML page: read as the HTML reader reads a file
/// (binary data is a record error, anything else decodes), parsed into
/// blocks and cleaned twice. Blocks are non-empty and trimmed; every
/// paragraph is accounted for; the same page again keeps nothing.
pub fn html(data: &[u8]) {
    let document = match chaff::io::html_document("a".into(), data, None, "a.html".as_ref(), 1, 0) {
        Ok(document) => document,
        Err(error) => {
            assert!(error.is_record_error(), "{error}");
            return;
        }
    };
    let page = chaff::html::Page::parse(&document.text);
    for block in &page.blocks {
        assert!(!block.text.is_empty());
        assert_eq!(block.text.trim(), block.text);
        assert!((block.element as usize) < page.elements.len());
        assert!(block.link_chars <= block.chars);
    }
    let mut cleaner = Cleaner::new(Config::default()).expect("default config");
    let first = cleaner.clean(document.clone());
    for paragraph in &first.paragraphs {
        assert!(!paragraph.text.is_empty());
    }
    let second = cleaner.clean(Document {
        id: "b".into(),
        ..document
    });
    for paragraph in &second.paragraphs {
        assert!(
            !matches!(paragraph.verdict, Verdict::Kept),
            "a paragraph kept twice: {:?}",
            paragraph.text
        );
    }
}
