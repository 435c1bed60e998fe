//! The `chaff` command line (feature `cli`): the `chaff` binary and the
//! `clean` example are thin shells over [`main`].
//!
//! ```text
//! chaff pages/ --output clean.jsonl --report report.jsonl
//! cat crawl.jsonl | chaff - --threads 2 > clean.jsonl
//! chaff CC-*.warc.wet.gz --site-templates --skip-bad-records --save-state crawl.idx --output clean.jsonl.zst
//! ```

use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::io::{JsonlSink, OutputFile, TxtDirSink};
use crate::io::{Utf8Policy, documents, skip_bad_records};
use crate::report::RunRecord;
use crate::{CleanDocument, Cleaner, Config, Document, Error, Sink, Summary};
use clap::Parser;
use indicatif::{ProgressBar, ProgressStyle};

/// Turns scraped pages into clean, unique paragraphs.
#[derive(Parser, Debug)]
#[command(version, about)]
struct Args {
    /// Inputs: `.txt` pages, directories of them, `.jsonl` files of
    /// {"id", "text", "url"?} records, WARC/WET files (`.warc`, `.wet`),
    /// any of them `.gz` or `.zst` compressed, or `-` for standard input.
    /// Without inputs, the bundled sample pages.
    inputs: Vec<PathBuf>,

    /// Clean JSONL output ({"id", "text", "paragraphs"} per document),
    /// compressed when the name ends in .gz or .zst; standard output when
    /// absent.
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
    #[arg(long, default_value_t = crate::pipeline::DEFAULT_BATCH)]
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

    /// Report malformed records (bad JSON line, broken WARC record, invalid
    /// UTF-8) on standard error and go on, instead of stopping the run.
    #[arg(long)]
    skip_bad_records: bool,

    /// Learn site templates in a first pass over the inputs and drop them
    /// (reason `site_template`). Needs files, not standard input.
    #[arg(long)]
    site_templates: bool,

    /// Use site templates saved by --save-templates (no first pass).
    #[arg(long, conflicts_with = "site_templates")]
    load_templates: Option<PathBuf>,

    /// Save the learned site templates here.
    #[arg(long, requires = "site_templates")]
    save_templates: Option<PathBuf>,

    /// Deduplicate against the state an earlier run saved with --save-state.
    #[arg(long)]
    load_state: Option<PathBuf>,

    /// Save what this run has seen (with any loaded state) for later runs.
    #[arg(long)]
    save_state: Option<PathBuf>,

    /// Print nothing but errors (no progress bar, no summary).
    #[arg(long, short)]
    quiet: bool,
}

/// Runs the command line with the process arguments; the exit code.
///
/// `samples` is what to clean when no input is given (the `clean` example
/// passes the bundled sample pages).
pub fn main(samples: Option<&std::path::Path>) -> ExitCode {
    let args = Args::parse();
    let _ = samples;
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
        config.fingerprint.feature_hash = crate::fingerprint::FeatureHash::SipHash24;
    }
    config.split.repair_breaks &= !args.no_repair;
    if args.no_boilerplate {
        config.boilerplate.rules = false;
        config.boilerplate.layout = false;
        config.boilerplate.features = false;
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
    let mut skipped = 0u64;
    let templates = if args.site_templates {
        if inputs.iter().any(|p| p.as_os_str() == "-") {
            return Err(Error::Config(
                "--site-templates reads the inputs twice and cannot read standard input".into(),
            ));
        }
        let progress = progress_bar(args.quiet, "learning site templates");
        let stream = read_inputs(
            &inputs,
            policy,
            args.skip_bad_records,
            &mut skipped,
            &progress,
        );
        let templates = crate::pipeline::learn_site_templates(stream, &config, args.batch)?;
        progress.finish_and_clear();
        if let Some(path) = &args.save_templates {
            crate::pipeline::save_site_templates(&templates, path)?;
        }
        skipped = 0; // the cleaning pass reports them again
        Some(templates)
    } else {
        args.load_templates
            .as_deref()
            .map(crate::pipeline::load_site_templates)
            .transpose()?
    };
    let mut cleaner = match &args.load_state {
        Some(path) => Cleaner::with_state(config, path)?,
        None => Cleaner::new(config)?,
    };
    if let Some(templates) = templates {
        if !args.quiet {
            eprintln!("site templates: {} paragraphs", templates.len());
        }
        cleaner.set_site_templates(Arc::new(templates));
    }
    let progress = progress_bar(args.quiet, "cleaning");
    let stream = read_inputs(
        &inputs,
        policy,
        args.skip_bad_records,
        &mut skipped,
        &progress,
    );
    let report = args.report.as_ref().map(OutputFile::create).transpose()?;

    let report = (|| -> Result<Option<OutputFile>, Error> {
        if let Some(dir) = &args.output_dir {
            let mut sink = Progress::new(TxtDirSink::new(dir, report)?, &progress);
            cleaner.run(stream, args.batch, &mut sink)?;
            Ok(sink.inner.into_report())
        } else if let Some(path) = &args.output {
            let mut sink = Progress::new(
                JsonlSink::new(OutputFile::create(path)?, report, path),
                &progress,
            );
            cleaner.run(stream, args.batch, &mut sink)?;
            let (clean, report) = sink.inner.into_inner();
            clean.commit()?;
            Ok(report)
        } else {
            let stdout = BufWriter::new(std::io::stdout().lock());
            let mut sink = Progress::new(JsonlSink::new(stdout, report, "<stdout>"), &progress);
            cleaner.run(stream, args.batch, &mut sink)?;
            let (mut clean, report) = sink.inner.into_inner();
            clean.flush().map_err(|e| Error::output("<stdout>", e))?;
            Ok(report)
        }
    })()?;
    progress.finish_and_clear();
    if let Some(report) = report {
        report.commit()?;
    }
    if let Some(path) = &args.save_state {
        cleaner.save_state(path)?;
    }
    let elapsed = started.elapsed();
    let summary = cleaner.summary();
    if let Some(path) = &args.summary {
        let mut record = cleaner.run_record();
        record.records_skipped = skipped;
        record.seconds = elapsed.as_secs_f64();
        let mut file = OutputFile::create(path)?;
        serde_json::to_writer_pretty(&mut file, &record)
            .map_err(|e| Error::output(path, e.into()))?;
        writeln!(file).map_err(|e| Error::output(path, e))?;
        file.commit()?;
    }
    if !args.quiet {
        print_summary(summary, elapsed.as_secs_f64(), rayon::current_num_threads());
        if skipped > 0 {
            eprintln!("malformed records skipped: {skipped}");
        }
    }
    if args.timings {
        eprint!("{}", cleaner.timings());
    }
    Ok(())
}

/// The documents of the inputs; with `skip`, malformed records are printed
/// (above the progress bar) and counted instead of ending the run.
fn read_inputs<'a>(
    inputs: &[PathBuf],
    policy: Utf8Policy,
    skip: bool,
    skipped: &'a mut u64,
    progress: &'a ProgressBar,
) -> Box<dyn Iterator<Item = Result<Document, Error>> + 'a> {
    let stream = documents(inputs, policy);
    if skip {
        Box::new(skip_bad_records(stream, move |e| {
            *skipped += 1;
            progress.suspend(|| eprintln!("chaff: skipped: {e}"));
        }))
    } else {
        Box::new(stream)
    }
}

/// A spinner with records/s and MB/s, drawn on standard error only when it
/// is a terminal (indicatif hides it otherwise) and not with --quiet.
fn progress_bar(quiet: bool, stage: &'static str) -> ProgressBar {
    if quiet {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new_spinner();
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} {prefix} {elapsed} {pos} records ({per_sec}) {msg}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar.set_prefix(stage);
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}

/// Counts cleaned documents and bytes on the progress bar.
struct Progress<'a, S> {
    inner: S,
    bar: &'a ProgressBar,
    bytes: u64,
    started: Instant,
}

impl<'a, S> Progress<'a, S> {
    fn new(inner: S, bar: &'a ProgressBar) -> Self {
        Progress {
            inner,
            bar,
            bytes: 0,
            started: Instant::now(),
        }
    }
}

impl<S: Sink> Sink for Progress<'_, S> {
    fn begin(&mut self) -> Result<(), Error> {
        self.inner.begin()
    }

    fn finish(&mut self, record: &RunRecord) -> Result<(), Error> {
        self.inner.finish(record)
    }

    fn accept(&mut self, document: CleanDocument) -> Result<(), Error> {
        self.bytes += document.bytes_in as u64;
        self.bar.inc(1);
        if self.bar.position().is_multiple_of(256) {
            let seconds = self.started.elapsed().as_secs_f64().max(1e-9);
            self.bar.set_message(format!(
                "{:.1} MB, {:.1} MB/s",
                self.bytes as f64 / 1e6,
                self.bytes as f64 / 1e6 / seconds
            ));
        }
        self.inner.accept(document)
    }
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
