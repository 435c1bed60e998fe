//! Scores chaff (or any cleaner's JSONL output) against gold labels.
//!
//! ```text
//! cargo run --release -p chaff-evaluate                               # chaff on the sample pages vs their gold
//! cargo run --release -p chaff-evaluate -- --gold GOLD_DIR PAGES...   # chaff on your labelled pages
//! cargo run --release -p chaff-evaluate -- --scored OUTPUT.jsonl      # someone's output vs the gold
//! ```

use std::path::PathBuf;
use std::process::ExitCode;

use chaff::io::{Utf8Policy, documents};
use chaff::{Cleaner, Config, Error};
use chaff_evaluate::{Gold, load_output};
use clap::Parser;

/// Scores clean output against gold paragraph labels (same rules as score.py).
#[derive(Parser, Debug)]
struct Args {
    /// Pages to clean and score (default: the bundled sample pages).
    inputs: Vec<PathBuf>,
    /// Directory of gold `*.jsonl` files [default: tests/fixtures/gold of
    /// the chaff checkout this program was built from].
    #[arg(long)]
    gold: Option<PathBuf>,
    /// Score this clean JSONL ({"id", "paragraphs"} per page) instead of running chaff.
    #[arg(long, conflicts_with = "inputs")]
    scored: Option<PathBuf>,
    /// Print the figures as JSON.
    #[arg(long)]
    json: bool,
}

fn main() -> ExitCode {
    match run(Args::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("evaluate: {err}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: Args) -> Result<(), Error> {
    let gold_dir = args.gold.clone().unwrap_or_else(|| {
        PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../tests/fixtures/gold"
        ))
    });
    let gold = Gold::load(&gold_dir)?;
    let output: Vec<(String, Vec<String>)> = if let Some(path) = &args.scored {
        load_output(path)?
    } else {
        let inputs = if args.inputs.is_empty() {
            vec![PathBuf::from(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../tests/fixtures/seeds"
            ))]
        } else {
            args.inputs
        };
        let docs = documents(&inputs, Utf8Policy::Strict).collect::<Result<Vec<_>, _>>()?;
        let mut cleaner = Cleaner::new(Config::default())?;
        cleaner
            .clean_batch(docs)
            .into_iter()
            .map(|d| (d.id.to_string(), d.kept().map(str::to_owned).collect()))
            .collect()
    };
    if !output.is_empty() && gold.matching(&output) == 0 {
        eprintln!(
            "evaluate: warning: no output id names a page of the gold in {} (first id: {:?}); \
             ids are matched by file name less .txt/.html/.jsonl, so every page scores 0",
            gold_dir.display(),
            output[0].0
        );
    }
    let scores = gold.score(&output);
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&scores)
                .map_err(|e| Error::output("<stdout>", e.into()))?
        );
    } else {
        println!("{scores}");
    }
    Ok(())
}
