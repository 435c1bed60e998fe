//! Quality on the sample pages against their gold labels.

use std::path::{Path, PathBuf};

use chaff::io::{Utf8Policy, documents};
use chaff::{Cleaner, Config};
use chaff_evaluate::{Gold, load_output};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/fixtures");

fn gold() -> Gold {
    Gold::load(&Path::new(FIXTURES).join("gold")).expect("gold loads")
}

fn chaff_output() -> Vec<(String, Vec<String>)> {
    let docs = documents(&[Path::new(FIXTURES).join("seeds")], Utf8Policy::Strict)
        .collect::<Result<Vec<_>, _>>()
        .unwrap();
    Cleaner::new(Config::default())
        .unwrap()
        .clean_batch(docs)
        .into_iter()
        .map(|d| (d.id.to_string(), d.kept().map(str::to_owned).collect()))
        .collect()
}

#[test]
fn sample_pages_meet_the_quality_bar() {
    let scores = gold().score(&chaff_output());
    let all = &scores.overall;
    assert!(all.recall().unwrap() >= 0.99, "{scores}");
    assert!(all.precision() >= 0.97, "{scores}");
    assert_eq!(all.dup_leak, 0, "{scores}");
    assert!(all.boilerplate_leak <= 2, "{scores}");
    for (page, figures) in &scores.pages {
        assert!(figures.recall().unwrap_or(1.0) >= 0.97, "{page}: {scores}");
    }
}

#[test]
fn scorer_agrees_with_score_py_on_its_baselines() {
    // figures printed by `python3 score.py GOLD baselines/X.jsonl`
    let expected = [
        (
            "gold_itself",
            "F1=1.000 recall=1.000 precision=1.000 boilerplate_leak=0 dup_leak=0 unmatched=0",
        ),
        (
            "naive_dedup",
            "F1=0.844 recall=0.960 precision=0.753 boilerplate_leak=66 dup_leak=0 unmatched=29",
        ),
        (
            "raw_lines",
            "F1=0.748 recall=0.960 precision=0.613 boilerplate_leak=85 dup_leak=69 unmatched=29",
        ),
    ];
    let gold = gold();
    for (name, last_line) in expected {
        let path: PathBuf = Path::new(FIXTURES).join(format!("gold/baselines/{name}.jsonl"));
        let scores = gold.score(&load_output(&path).unwrap());
        assert_eq!(
            scores.to_string().lines().last().unwrap(),
            last_line,
            "{name}"
        );
    }
}

#[test]
fn scorer_agrees_with_score_py_on_chaff_output() {
    if std::process::Command::new("python3")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("python3 not found: the Rust scorer is checked against pinned figures only");
        return;
    }
    let dir = std::env::temp_dir().join(format!("chaff-quality-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("out.jsonl");
    let mut jsonl = String::new();
    for (id, paragraphs) in chaff_output() {
        jsonl += &serde_json::json!({ "id": id, "paragraphs": paragraphs }).to_string();
        jsonl.push('\n');
    }
    std::fs::write(&path, jsonl).unwrap();
    let python = std::process::Command::new("python3")
        .arg(Path::new(FIXTURES).join("gold/score.py"))
        .arg(Path::new(FIXTURES).join("gold"))
        .arg(&path)
        .output()
        .unwrap();
    let python = String::from_utf8(python.stdout).unwrap();
    let rust = gold().score(&load_output(&path).unwrap()).to_string();
    assert_eq!(rust.lines().last(), python.lines().last());
}
