//! Scores chaff (or any cleaner's JSONL output) against gold labels.
//!
//! ```text
//! cargo run --release -p chaff-evaluate                               # chaff on the sample pages vs their gold
//! cargo run --release -p chaff-evaluate -- --gold GOLD_DIR PAGES...   # chaff on your labelled pages
//! cargo run --release -p chaff-evaluate -- --scored OUTPUT.jsonl      # someone's output vs the gold
//! cargo run --release -p chaff-evaluate -- --devset                   # the dev set: overall, per language,
//!                                                                     # source group and fold, and joins
//! cargo run --release -p chaff-evaluate -- --devset --favor precision # the same with another trade
//! ```

use std::path::PathBuf;
use std::process::ExitCode;

use chaff::boilerplate::Favor;
use chaff::io::{Utf8Policy, documents};
use chaff::{Cleaner, Config, Error};
use chaff_evaluate::devset::{breakdown, load_manifest, measure_joins};
use chaff_evaluate::{Figures, Gold, load_output};
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
    /// Score the dev set in this directory (its `pages/*.txt` in name order
    /// against `gold/`), with the breakdowns of its `MANIFEST.json` and the
    /// joins; without a value, the repository's `tests/fixtures/devset`.
    #[arg(long, num_args = 0..=1, default_missing_value = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/fixtures/devset"), conflicts_with_all = ["inputs", "gold"])]
    devset: Option<PathBuf>,
    /// The page model's trade: precision, balanced or recall.
    #[arg(long, default_value = "balanced")]
    favor: String,
    /// List every false and missed join.
    #[arg(long)]
    verbose: bool,
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

fn config(args: &Args) -> Result<Config, Error> {
    let mut config = Config::default();
    config.boilerplate.favor = match args.favor.as_str() {
        "precision" => Favor::Precision,
        "balanced" => Favor::Balanced,
        "recall" => Favor::Recall,
        other => {
            return Err(Error::Config(format!(
                "--favor {other:?}: expected precision, balanced or recall"
            )));
        }
    };
    Ok(config)
}

fn clean(inputs: &[PathBuf], config: Config) -> Result<Vec<(String, Vec<String>)>, Error> {
    let docs = documents(inputs, Utf8Policy::Strict).collect::<Result<Vec<_>, _>>()?;
    let mut cleaner = Cleaner::new(config)?;
    Ok(cleaner
        .clean_batch(docs)
        .into_iter()
        .map(|d| (d.id.to_string(), d.kept().map(str::to_owned).collect()))
        .collect())
}

fn devset(dir: &std::path::Path, args: &Args) -> Result<(), Error> {
    let config = config(args)?;
    let gold = Gold::load(&dir.join("gold"))?;
    let pages = load_manifest(&dir.join("MANIFEST.json"))?;
    // The `.txt` pages only, in name order: the directory also holds each
    // page's HTML, which the reader would take as more pages.
    let mut paths: Vec<PathBuf> = pages
        .iter()
        .map(|p| dir.join("pages").join(format!("{}.txt", p.name)))
        .collect();
    paths.sort();
    let output = clean(&paths, config.clone())?;
    let scores = gold.score(&output);
    let joins = measure_joins(&paths, &dir.join("gold"), &config.split)?;
    let rows = breakdown(&scores, &pages);
    if args.json {
        let rows: Vec<serde_json::Value> = rows
            .iter()
            .map(|(name, n, f)| {
                serde_json::json!({"group": name, "pages": n, "f1": f.f1(), "recall": f.recall(), "precision": f.precision(), "figures": f})
            })
            .collect();
        let json = serde_json::json!({"breakdown": rows, "joins": joins});
        println!(
            "{}",
            serde_json::to_string_pretty(&json).map_err(|e| Error::output("<stdout>", e.into()))?
        );
        return Ok(());
    }
    let num = |x: Option<f64>| x.map_or("  nan".to_owned(), |x| format!("{x:.3}"));
    println!(
        "{:<13} {:>5} {:>6} {:>6} {:>6} {:>13} {:>4} {:>4}",
        "group", "pages", "F1", "recall", "prec", "bp_leak", "dup", "unm"
    );
    for (name, n, f) in &rows {
        let Figures {
            boilerplate_leak,
            gold_boilerplate,
            dup_leak,
            unmatched,
            ..
        } = f;
        println!(
            "{:<13} {:>5} {:>6} {:>6} {:>6} {:>13} {:>4} {:>4}",
            name,
            n,
            num(f.f1()),
            num(f.recall()),
            num(Some(f.precision())),
            format!("{boilerplate_leak}/{gold_boilerplate}"),
            dup_leak,
            unmatched
        );
    }
    println!(
        "joins: made {}, gold {}, correct {}, false {}, missed {}{}",
        joins.made,
        joins.gold,
        joins.correct,
        joins.false_count(),
        joins.missed_count(),
        if joins.unaligned.is_empty() {
            String::new()
        } else {
            format!(" (unaligned: {})", joins.unaligned.join(", "))
        }
    );
    if args.verbose {
        for (page, line) in &joins.false_joins {
            println!("  false join   {page}: {line}");
        }
        for (page, line) in &joins.missed_joins {
            println!("  missed join  {page}: {line}");
        }
    }
    Ok(())
}

fn run(args: Args) -> Result<(), Error> {
    if let Some(dir) = &args.devset {
        return devset(dir, &args);
    }
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
            args.inputs.clone()
        };
        clean(&inputs, config(&args)?)?
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
