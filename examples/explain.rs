//! Shows what the page model saw on a page: per paragraph, its class, its
//! value for the main text region, whether it is in a region or a title,
//! and the verdict.
//!
//! ```text
//! cargo run --release --example explain -- page.txt [--favor precision|balanced|recall]
//! ```
//!
//! Columns: paragraph index, `R` in a region / `T` title, class, value,
//! verdict (`-` kept), the first characters of the comparison key.

use std::process::ExitCode;

use chaff::boilerplate::lines::LineEvidence;
use chaff::boilerplate::named_rule;
use chaff::boilerplate::page::{Favor, explain};
use chaff::normalize::comparison_key;
use chaff::split::{SplitConfig, split_paragraphs};
use clap::Parser;

/// Prints the page model's view of a page.
#[derive(Parser, Debug)]
struct Args {
    /// A page as text.
    page: std::path::PathBuf,
    /// precision, balanced or recall.
    #[arg(long, default_value = "balanced")]
    favor: String,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let favor = match args.favor.as_str() {
        "precision" => Favor::Precision,
        "balanced" => Favor::Balanced,
        "recall" => Favor::Recall,
        other => {
            eprintln!("explain: unknown favor {other:?}");
            return ExitCode::FAILURE;
        }
    };
    let text = match std::fs::read_to_string(&args.page) {
        Ok(text) => text,
        Err(err) => {
            eprintln!("explain: {}: {err}", args.page.display());
            return ExitCode::FAILURE;
        }
    };
    let keys: Vec<String> = split_paragraphs(&text, &SplitConfig::default())
        .iter()
        .map(|p| comparison_key(&p.text))
        .collect();
    let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
    let evidence: Vec<LineEvidence> = keys.iter().map(|k| LineEvidence::measure(k)).collect();
    let rules: Vec<Option<&'static str>> = keys
        .iter()
        .zip(&evidence)
        .map(|(k, e)| named_rule(k, e))
        .collect();
    let view = explain(&keys, &evidence, &rules, None, favor);
    println!("regions {:?} titles {:?}", view.regions, view.titles);
    for (i, (line, key)) in view.lines.iter().zip(&keys).enumerate() {
        let place = if view.titles.contains(&i) {
            "T"
        } else if view.regions.iter().any(|r| r.contains(&i)) {
            "R"
        } else {
            " "
        };
        println!(
            "{i}\t{place}\t{}\t{:.0}\t{}\t{}",
            line.class,
            line.value,
            line.verdict.unwrap_or("-"),
            key.chars().take(70).collect::<String>()
        );
    }
    ExitCode::SUCCESS
}
