//! Cleans the dev set's HTML pages, in name order, and writes JSONL for
//! `tests/fixtures/gold/score.py`.
//!
//! ```sh
//! cargo run --release --example html_eval -- [PAGES_DIR] [--output OUT.jsonl] [--mode blocks|structure|clean] [--threads N] [--explain PAGE]
//! python3 tests/fixtures/gold/score.py tests/fixtures/devset/gold OUT.jsonl
//! python3 tests/fixtures/devset/tools/stats.py OUT.jsonl
//! ```
//!
//! `--mode blocks` keeps every visible block (the segmentation's ceiling on
//! recall), `structure` the blocks the structural layer keeps; `clean` (the
//! default) runs the full pipeline (`Document::html` through a `Cleaner`,
//! dedup included) on `--threads` threads (default 1). The time printed
//! covers decoding, parsing and cleaning, not reading the files; MB/s per
//! core is over the process's CPU time. `--explain PAGE` prints the
//! structural layer's verdict on every block of the pages whose name
//! starts with PAGE.

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
    let mut threads = 1;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--output" => output = args.next().expect("--output FILE").into(),
            "--mode" => mode = args.next().expect("--mode blocks|clean"),
            "--threads" => threads = args.next().expect("--threads N").parse().unwrap(),
            "--explain" => explain = Some(args.next().expect("--explain PAGE")),
            _ => dir = arg.into(),
        }
    }
    let pages = load(&dir);
    let bytes: usize = pages.iter().map(|(_, b)| b.len()).sum();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    let (cpu_before, started) = (cpu_seconds(), Instant::now());
    let mut records: Vec<(String, Vec<String>)> = Vec::new();
    pool.install(|| {
        let documents = pages.iter().map(|(name, html)| {
            let decoded = chaff::html::decode(html, None);
            Ok(chaff::Document::html(name.clone(), decoded.text))
        });
        match mode.as_str() {
            "blocks" | "structure" => {
                for document in documents {
                    let document: chaff::Document = document.unwrap();
                    let page = Page::parse(&document.text);
                    let keys: Vec<String> = page
                        .blocks
                        .iter()
                        .map(|b| chaff::normalize::comparison_key(&b.text))
                        .collect();
                    let structure = chaff::boilerplate::structure::classify(&page, &keys);
                    if explain
                        .as_deref()
                        .is_some_and(|e| document.id.starts_with(e))
                    {
                        print_explanation(&page, &structure);
                    }
                    let kept = page
                        .blocks
                        .iter()
                        .zip(&structure.classes)
                        .filter(|(b, c)| {
                            if mode == "blocks" {
                                !b.hidden
                            } else {
                                c.is_none()
                            }
                        })
                        .map(|(b, _)| b.text.clone())
                        .collect();
                    records.push((document.id, kept));
                }
            }
            _ => {
                let mut cleaner = chaff::Cleaner::new(chaff::Config::default()).unwrap();
                let mut sink =
                    chaff::sink::from_fn(|clean: chaff::CleanDocument| -> chaff::Result<()> {
                        records.push((
                            clean.id.to_string(),
                            clean.kept().map(str::to_owned).collect(),
                        ));
                        Ok(())
                    });
                cleaner.run(documents, 512, &mut sink).unwrap();
            }
        }
    });
    let seconds = started.elapsed().as_secs_f64();
    let cpu = cpu_seconds() - cpu_before;
    let mut out = std::io::BufWriter::new(std::fs::File::create(&output).unwrap());
    for (id, paragraphs) in records {
        let record = serde_json::json!({"id": id, "paragraphs": paragraphs});
        writeln!(out, "{record}").unwrap();
    }
    out.flush().unwrap();
    let mb = bytes as f64 / 1e6;
    eprintln!(
        "{} pages, {mb:.1} MB of HTML (decode, parse, clean) on {threads} thread(s): {seconds:.3} s, \
         {:.1} MB/s; {cpu:.3} CPU-s, {:.1} MB/s per core",
        pages.len(),
        mb / seconds,
        mb / cpu
    );
}

/// User and system CPU time of this process so far, from /proc (Linux);
/// 0 elsewhere.
fn cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return 0.0;
    };
    // Fields after the command name (which may hold spaces) in parentheses.
    let rest = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = [11, 12]
        .iter()
        .filter_map(|&i| fields.get(i)?.parse::<f64>().ok())
        .sum();
    ticks / 100.0 // USER_HZ
}

fn print_explanation(page: &Page, structure: &chaff::boilerplate::structure::Structure) {
    eprintln!("main {:?} title {:?}", structure.main, structure.title);
    for (block, class) in page.blocks.iter().zip(&structure.classes) {
        let text: String = block.text.chars().take(50).collect();
        let path = page.path(block);
        let path: String = path
            .chars()
            .skip(path.chars().count().saturating_sub(60))
            .collect();
        eprintln!(
            "{:18} {:4} ld={:.2} {path:60} {text}",
            class.unwrap_or("-"),
            block.element,
            block.link_density(),
        );
    }
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
