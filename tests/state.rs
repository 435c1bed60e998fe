//! Saved dedup state: round trips, incremental runs, corrupt files.

use std::path::{Path, PathBuf};

use chaff::io::{Utf8Policy, documents};
use chaff::{Cleaner, Config, Document, Error, Verdict};

const SEEDS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/seeds");

fn seeds() -> Vec<Document> {
    documents(&[PathBuf::from(SEEDS)], Utf8Policy::Strict)
        .collect::<Result<_, _>>()
        .unwrap()
}

fn temp(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("chaff-state-{}-{name}", std::process::id()))
}

fn saved_seed_state(name: &str) -> (PathBuf, Vec<u8>) {
    let path = temp(name);
    let mut cleaner = Cleaner::new(Config::default()).unwrap();
    cleaner.clean_batch(seeds());
    cleaner.save_state(&path).unwrap();
    let bytes = std::fs::read(&path).unwrap();
    (path, bytes)
}

#[test]
fn a_second_run_over_the_same_pages_keeps_nothing_new() {
    let (path, _) = saved_seed_state("again");
    let mut next = Cleaner::with_state(Config::default(), &path).unwrap();
    for doc in next.clean_batch(seeds()) {
        for paragraph in &doc.paragraphs {
            match &paragraph.verdict {
                Verdict::ExactDuplicate { duplicate_of }
                | Verdict::NearDuplicate { duplicate_of, .. } => {
                    // Origins name the documents of the earlier run.
                    assert!(duplicate_of.id.ends_with(".txt"), "{duplicate_of:?}");
                }
                Verdict::Boilerplate { .. } => {}
                other => panic!("{}: {other:?} for {:?}", doc.id, paragraph.text),
            }
        }
    }
    std::fs::remove_file(path).unwrap();
}

#[test]
fn saving_is_deterministic_and_round_trips() {
    let (path, bytes) = saved_seed_state("round");
    let loaded = Cleaner::with_state(Config::default(), &path).unwrap();
    let again = temp("round2");
    loaded.save_state(&again).unwrap();
    assert_eq!(
        std::fs::read(&again).unwrap(),
        bytes,
        "load + save gives the same bytes"
    );
    // A run split in two with a save in between equals one run.
    let docs = seeds();
    let mut whole = Cleaner::new(Config::default()).unwrap();
    let expected = whole.clean_batch(docs.clone());
    let mut first = Cleaner::new(Config::default()).unwrap();
    let mut got = first.clean_batch(docs[..2].to_vec());
    let half = temp("half");
    first.save_state(&half).unwrap();
    let mut second = Cleaner::with_state(Config::default(), &half).unwrap();
    got.extend(second.clean_batch(docs[2..].to_vec()));
    assert_eq!(got, expected);
    for p in [path, again, half] {
        std::fs::remove_file(p).unwrap();
    }
}

fn load_error(path: &Path) -> Error {
    match Cleaner::with_state(Config::default(), path) {
        Ok(_) => panic!("{} loaded", path.display()),
        Err(e) => e,
    }
}

#[test]
fn corrupt_files_are_refused_with_where_and_why() {
    let (path, bytes) = saved_seed_state("corrupt");
    let bad = temp("bad");
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("empty", Vec::new(), "truncated"),
        (
            "magic",
            [b"NOTCHAFF".as_slice(), &bytes[8..]].concat(),
            "wrong magic",
        ),
        (
            "version",
            [&bytes[..8], &99u32.to_le_bytes(), &bytes[12..]].concat(),
            "version 99",
        ),
        (
            "version 1",
            [&bytes[..8], &1u32.to_le_bytes(), &bytes[12..]].concat(),
            "state format version 1, written by a chaff before near-duplicate sketches",
        ),
        (
            "version 2",
            [&bytes[..8], &2u32.to_le_bytes(), &bytes[12..]].concat(),
            "state format version 2, written by a chaff that shingled Latin text by word pairs",
        ),
        (
            "version 3",
            [&bytes[..8], &3u32.to_le_bytes(), &bytes[12..]].concat(),
            "state format version 3, written by a chaff without the fact signature of Latin text",
        ),
        ("truncated", bytes[..bytes.len() / 2].to_vec(), "do not fit"),
        (
            "no checksum",
            bytes[..bytes.len() - 8].to_vec(),
            "before its checksum",
        ),
        (
            "flipped",
            {
                let mut b = bytes.clone();
                let at = b.len() - 100;
                b[at] ^= 1;
                b
            },
            "checksum mismatch",
        ),
        (
            "trailing",
            [bytes.as_slice(), b"x"].concat(),
            "after the checksum",
        ),
    ];
    for (name, content, message) in cases {
        std::fs::write(&bad, content).unwrap();
        let err = load_error(&bad);
        assert!(matches!(err, Error::State { .. }), "{name}: {err}");
        assert!(err.to_string().contains(message), "{name}: {err}");
    }
    let mut other = Config::default();
    other.fingerprint.cjk_shingle_chars = 4;
    let err = Cleaner::with_state(other, &path).unwrap_err();
    assert!(err.to_string().contains("fingerprint settings"), "{err}");
    assert!(matches!(
        load_error(Path::new("/nonexistent/state.idx")),
        Error::Io { .. }
    ));
    std::fs::remove_file(path).unwrap();
    std::fs::remove_file(bad).unwrap();
}

#[test]
fn no_truncation_or_single_byte_change_loads_or_panics() {
    let (path, bytes) = saved_seed_state("every");
    let bad = temp("every-bad");
    let step = (bytes.len() / 300).max(1);
    for cut in (0..bytes.len()).step_by(step) {
        std::fs::write(&bad, &bytes[..cut]).unwrap();
        assert!(
            matches!(load_error(&bad), Error::State { .. }),
            "cut at {cut}"
        );
        let mut flipped = bytes.clone();
        flipped[cut] ^= 0x80;
        std::fs::write(&bad, &flipped).unwrap();
        assert!(
            matches!(load_error(&bad), Error::State { .. }),
            "flip at {cut}"
        );
    }
    std::fs::remove_file(path).unwrap();
    std::fs::remove_file(bad).unwrap();
}
