//! The chaff command line: a thin shell over the library.
//!
//! ```text
//! cargo run --release --example clean                      # the bundled sample pages
//! cargo run --release --example clean -- pages/ --output clean.jsonl --report report.jsonl
//! cat crawl.jsonl | cargo run --release --example clean -- - --threads 2 > clean.jsonl
//! ```

use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use chaff::read::{Utf8Policy, documents};
use chaff::write::{AtomicFile, JsonlSink, TxtDirSink};
use chaff::{Cleaner, Config, Error, Summary};
use clap::Parser;

/// Turns scraped pages into clean, unique paragraphs.
#[derive(Parser, Debug)]
#[command(version, about)]
struct Args {
    /// Inputs: `.txt` pages, directories of them, `.jsonl` files of
    /// {"id", "text", "url"?} records, or `-` for standard input.
    /// Without inputs, the bundled sample pages.
    inputs: Vec<PathBuf>,

    /// Clean JSONL output ({"id", "text", "paragraphs"} per document);
    /// standard output when absent.
    #[arg(long, short)]
    output: Option<PathBuf>,

    /// Write each clean document to DIR/ID.txt instead of JSONL.
    #[arg(long, conflicts_with = "output")]
    output_dir: Option<PathBuf>,

    /// Report JSONL: one line per dropped paragraph with its reason.
    #[arg(long, short)]
    report: Option<PathBuf>,

    /// Write the summary and the configuration used as JSON here.
    #[arg(long)]
    summary: Option<PathBuf>,

    /// Worker threads (default: all cores).
    #[arg(long, short = 'j')]
    threads: Option<usize>,

    /// Documents cleaned together in one parallel batch.
    #[arg(long, default_value_t = chaff::pipeline::DEFAULT_BATCH)]
    batch: usize,

    /// Read the whole configuration from a JSON file (flags below override it).
    #[arg(long)]
    config: Option<PathBuf>,

    /// Largest Hamming distance between SimHashes of near repeats.
    #[arg(long)]
    max_hamming: Option<u32>,

    /// Characters per shingle in CJK text.
    #[arg(long)]
    cjk_shingle: Option<usize>,

    /// Words per shingle in Latin text.
    #[arg(long)]
    word_shingle: Option<usize>,

    /// Hash shingles with the simhash crate's SipHash (slower; fingerprints
    /// equal to the crate's) instead of the fast hash.
    #[arg(long)]
    siphash: bool,

    /// Do not repair paragraphs broken mid-sentence.
    #[arg(long)]
    no_repair: bool,

    /// Do not drop boilerplate.
    #[arg(long)]
    no_boilerplate: bool,

    /// Do not drop repeats.
    #[arg(long)]
    no_dedup: bool,

    /// Print where the time went, per stage.
    #[arg(long)]
    timings: bool,

    /// Drop exact repeats only.
    #[arg(long)]
    no_near_dedup: bool,

    /// Trim sentences of kept paragraphs that repeat earlier paragraphs'
    /// sentences (reported as `trimmed_sentences`).
    #[arg(long)]
    trim_sentences: bool,

    /// Replace invalid UTF-8 instead of failing (counted in the summary).
    #[arg(long)]
    lossy: bool,

    /// Print nothing but errors.
    #[arg(long, short)]
    quiet: bool,
}

fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("chaff: {err}");
            ExitCode::FAILURE
        }
    }
}

fn config_from(args: &Args) -> Result<Config, Error> {
    let mut config = match &args.config {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
            serde_json::from_str(&text)
                .map_err(|e| Error::Config(format!("{}: {e}", path.display())))?
        }
        None => Config::default(),
    };
    if let Some(k) = args.max_hamming {
        config.dedup.max_hamming = k;
    }
    if let Some(n) = args.cjk_shingle {
        config.fingerprint.cjk_shingle_chars = n;
    }
    if let Some(n) = args.word_shingle {
        config.fingerprint.word_shingle_words = n;
    }
    if args.siphash {
        config.fingerprint.feature_hash = chaff::fingerprint::FeatureHash::SipHash24;
    }
    config.split.repair_breaks &= !args.no_repair;
    if args.no_boilerplate {
        config.boilerplate.rules = false;
        config.boilerplate.layout = false;
    }
    if args.no_dedup {
        config.dedup.exact = false;
        config.dedup.near = false;
    }
    config.dedup.near &= !args.no_near_dedup;
    config.dedup.trim_repeated_sentences |= args.trim_sentences;
    Ok(config)
}

fn run(args: &Args) -> Result<(), Error> {
    let config = config_from(args)?;
    let mut cleaner = Cleaner::new(config)?;
    let inputs = if args.inputs.is_empty() {
        vec![PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/seeds"
        ))]
    } else {
        args.inputs.clone()
    };
    let policy = if args.lossy {
        Utf8Policy::Lossy
    } else {
        Utf8Policy::Strict
    };
    rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads.unwrap_or(0))
        .build_global()
        .map_err(|e| Error::Config(format!("thread pool: {e}")))?;
    let started = Instant::now();
    let stream = documents(&inputs, policy);
    let report = args.report.as_ref().map(AtomicFile::create).transpose()?;

    let report = (|| -> Result<Option<AtomicFile>, Error> {
        if let Some(dir) = &args.output_dir {
            let mut sink = TxtDirSink::new(dir, report)?;
            cleaner.run(stream, args.batch, &mut sink)?;
            Ok(sink.into_report())
        } else if let Some(path) = &args.output {
            let mut sink = JsonlSink::new(AtomicFile::create(path)?, report, path);
            cleaner.run(stream, args.batch, &mut sink)?;
            let (clean, report) = sink.into_inner();
            clean.commit()?;
            Ok(report)
        } else {
            let stdout = BufWriter::new(std::io::stdout().lock());
            let mut sink = JsonlSink::new(stdout, report, "<stdout>");
            cleaner.run(stream, args.batch, &mut sink)?;
            let (mut clean, report) = sink.into_inner();
            clean.flush().map_err(|e| Error::io("<stdout>", e))?;
            Ok(report)
        }
    })()?;
    if let Some(report) = report {
        report.commit()?;
    }
    let elapsed = started.elapsed();
    let summary = cleaner.summary();
    if let Some(path) = &args.summary {
        let mut file = AtomicFile::create(path)?;
        let json = serde_json::json!({ "summary": summary, "config": cleaner.config(), "seconds": elapsed.as_secs_f64() });
        writeln!(file, "{json:#}").map_err(|e| Error::io(path, e))?;
        file.commit()?;
    }
    if !args.quiet {
        print_summary(summary, elapsed.as_secs_f64(), rayon::current_num_threads());
    }
    if args.timings {
        eprint!("{}", cleaner.timings());
    }
    Ok(())
}

fn print_summary(summary: &Summary, seconds: f64, threads: usize) {
    let megabytes = summary.bytes_in as f64 / 1e6;
    eprint!("{summary}");
    eprintln!(
        "elapsed: {seconds:.3} s on {threads} threads, {:.1} MB/s",
        if seconds > 0.0 {
            megabytes / seconds
        } else {
            0.0
        }
    );
}
