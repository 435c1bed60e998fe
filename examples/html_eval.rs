//! Cleans the dev set's HTML pages, in name order, and writes JSONL for
//! `tests/fixtures/gold/score.py`.
//!
//! ```sh
//! cargo run --release --example html_eval -- [PAGES_DIR] [--output OUT.jsonl] [--mode blocks|clean] [--fold a|b]
//! python3 tests/fixtures/gold/score.py tests/fixtures/devset/gold OUT.jsonl
//! python3 tests/fixtures/devset/tools/stats.py OUT.jsonl
//! ```
//!
//! `--mode blocks` keeps every visible block (the segmentation's ceiling on
//! recall); `clean` (the default) runs the full pipeline.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use chaff::html::Page;

fn main() {
    let mut args = std::env::args().skip(1);
    let mut dir = PathBuf::from("tests/fixtures/devset/pages");
    let mut output = PathBuf::from("/tmp/html_eval.jsonl");
    let mut mode = String::from("clean");
    let mut explain = None;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--output" => output = args.next().expect("--output FILE").into(),
            "--mode" => mode = args.next().expect("--mode blocks|clean"),
            "--explain" => explain = Some(args.next().expect("--explain PAGE")),
            _ => dir = arg.into(),
        }
    }
    let pages = load(&dir);
    let bytes: usize = pages.iter().map(|(_, b)| b.len()).sum();
    let started = Instant::now();
    let mut out = std::io::BufWriter::new(std::fs::File::create(&output).unwrap());
    let mut cleaner = chaff::Cleaner::new(chaff::Config::default()).unwrap();
    for (name, html) in &pages {
        let decoded = chaff::html::decode(html, None);
        let page = Page::parse(&decoded.text);
        let keys: Vec<String> = page
            .blocks
            .iter()
            .map(|b| chaff::normalize::comparison_key(&b.text))
            .collect();
        let structure = chaff::boilerplate::structure::classify(&page, &keys);
        if explain.as_deref().is_some_and(|e| name.starts_with(e)) {
            eprintln!("main {:?} title {:?}", structure.main, structure.title);
            for (block, class) in page.blocks.iter().zip(&structure.classes) {
                let text: String = block.text.chars().take(50).collect();
                eprintln!(
                    "{:18} {:4} ld={:.2} {:60} {text}",
                    class.unwrap_or("-"),
                    block.element,
                    block.link_density(),
                    page.path(block)
                        .chars()
                        .rev()
                        .take(60)
                        .collect::<String>()
                        .chars()
                        .rev()
                        .collect::<String>(),
                );
            }
        }
        let paragraphs: Vec<String> = match mode.as_str() {
            "blocks" => page
                .blocks
                .iter()
                .filter(|b| !b.hidden)
                .map(|b| b.text.clone())
                .collect(),
            "structure" => page
                .blocks
                .iter()
                .zip(&structure.classes)
                .filter(|(_, c)| c.is_none())
                .map(|(b, _)| b.text.clone())
                .collect(),
            _ => {
                let mut text = String::new();
                for (block, class) in page.blocks.iter().zip(&structure.classes) {
                    if class.is_none() {
                        text.push_str(&block.text);
                        text.push('\n');
                    }
                }
                let clean = cleaner.clean(chaff::Document::new(name.clone(), text));
                clean.kept().map(str::to_owned).collect()
            }
        };
        let record = serde_json::json!({"id": name, "paragraphs": paragraphs});
        writeln!(out, "{record}").unwrap();
    }
    out.flush().unwrap();
    let seconds = started.elapsed().as_secs_f64();
    eprintln!(
        "{} pages, {:.1} MB of HTML in {:.3} s: {:.1} MB/s",
        pages.len(),
        bytes as f64 / 1e6,
        seconds,
        bytes as f64 / 1e6 / seconds
    );
}

/// The `.html` and `.html.gz` pages of `dir` in name order, as
/// `(NAME.txt, bytes)`.
fn load(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.to_string_lossy();
            name.ends_with(".html") || name.ends_with(".html.gz")
        })
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            let mut bytes = std::fs::read(&path).unwrap();
            if name.ends_with(".gz") {
                let mut plain = Vec::new();
                flate2::read::MultiGzDecoder::new(&bytes[..])
                    .read_to_end(&mut plain)
                    .unwrap();
                bytes = plain;
            }
            let stem = name
                .trim_end_matches(".gz")
                .trim_end_matches(".html")
                .to_owned();
            (format!("{stem}.txt"), bytes)
        })
        .collect()
}
