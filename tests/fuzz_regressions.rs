//! Replays the fuzz targets' kept inputs (`fuzz/corpus/TARGET/*` and
//! `fuzz/regressions/TARGET/*`) through the same target bodies, on stable,
//! in every `cargo test`. Fuzzing itself: see `fuzz/README.md`.

use std::path::Path;

#[path = "../fuzz/targets.rs"]
mod targets;

fn replay(target: &str, run: fn(&[u8])) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let mut replayed = 0;
    for kind in ["corpus", "regressions"] {
        let Ok(entries) = std::fs::read_dir(root.join(kind).join(target)) else {
            continue;
        };
        let mut paths: Vec<_> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.sort();
        for path in paths {
            let data = std::fs::read(&path).unwrap();
            let outcome = std::panic::catch_unwind(|| run(&data));
            assert!(outcome.is_ok(), "{target}: {} fails", path.display());
            replayed += 1;
        }
    }
    assert!(replayed > 0, "{target}: no kept inputs to replay");
}

#[test]
fn pipeline() {
    replay("pipeline", targets::pipeline);
}

#[test]
fn split() {
    replay("split", targets::split);
}

#[test]
fn jsonl() {
    replay("jsonl", targets::jsonl);
}

#[test]
fn wet() {
    replay("wet", targets::wet);
}

#[test]
fn state() {
    replay("state", targets::state);
}

#[test]
fn html() {
    replay("html", targets::html);
}
