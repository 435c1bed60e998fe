//! A synthetic crawl for benchmarks: seeded, deterministic, any size.
//!
//! ```text
//! cargo run --release --example generate -- --size 100MB --output crawl.jsonl
//! cargo run --release --example generate -- --size 1GB --seed 2 --sites 500 --output big.jsonl
//! ```
//!
//! The crawl is JSONL (`{"id", "url", "text"}` per page) built from the
//! bundled material: the sentences of the five sample pages (Chinese) and of
//! `tests/fixtures/english`. Each site has its own template (menu, breadcrumb,
//! metadata rows, widgets, a footer with its own registration number and a
//! site slogan repeated on every page); each article is new paragraphs
//! recombined from the material's sentences with changed figures. Some
//! articles are reposted: exactly on another site, or with edits
//! (punctuation width, a few characters substituted, inserted or deleted,
//! two sentences swapped). A fifth of the sites are English; Chinese
//! articles sometimes carry an English paragraph.
//!
//! The same `--seed`, `--size` and `--sites` give the same bytes on any
//! machine (with this `Cargo.lock`'s `rand`).

use std::io::BufWriter;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;

#[path = "../benches/support/crawl.rs"]
mod crawl;
#[path = "../benches/support/seeds.rs"]
mod seeds;

/// Generates a synthetic crawl for benchmarks: seeded, deterministic, any
/// size (JSONL of `{"id", "url", "text"}`).
#[derive(Parser, Debug)]
#[command(name = "generate")]
struct Args {
    /// Approximate size of the crawl: bytes, or with KB, MB, GB.
    #[arg(long, default_value = "10MB")]
    size: String,

    /// Random seed.
    #[arg(long, default_value_t = 1)]
    seed: u64,

    /// Number of sites.
    #[arg(long, default_value_t = 200)]
    sites: usize,

    /// Output file (standard output when absent).
    #[arg(long, short)]
    output: Option<PathBuf>,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let Some(size) = parse_size(&args.size) else {
        eprintln!("generate: cannot read size {:?} (try 10MB, 1GB)", args.size);
        return ExitCode::FAILURE;
    };
    let result = match &args.output {
        Some(path) => std::fs::File::create(path)
            .and_then(|file| crawl::generate(BufWriter::new(file), size, args.seed, args.sites)),
        None => crawl::generate(
            BufWriter::new(std::io::stdout().lock()),
            size,
            args.seed,
            args.sites,
        ),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("generate: {err}");
            ExitCode::FAILURE
        }
    }
}

fn parse_size(text: &str) -> Option<u64> {
    let text = text.trim().to_ascii_uppercase();
    let (number, unit) = match text.find(|c: char| c.is_ascii_alphabetic()) {
        Some(at) => text.split_at(at),
        None => (text.as_str(), ""),
    };
    let number: f64 = number.trim().parse().ok()?;
    let unit = match unit.trim() {
        "" | "B" => 1.0,
        "KB" | "K" => 1e3,
        "MB" | "M" => 1e6,
        "GB" | "G" => 1e9,
        _ => return None,
    };
    Some((number * unit) as u64)
}
