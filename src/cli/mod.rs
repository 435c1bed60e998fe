//! The `chaff` command line (feature `cli`): the `chaff` binary and the
//! `clean` example are thin shells over [`main`]. `chaff --help` lists the
//! options.
//!
//! ```text
//! chaff pages/ --output clean.jsonl --report report.jsonl
//! cat crawl.jsonl | chaff --threads 2 > clean.jsonl
//! chaff CC-*.warc.wet.gz --site-templates --skip-bad-records --save-state crawl.idx --output clean.jsonl.zst
//! ```
//!
//! A run checks everything it can before reading any input: the
//! configuration, that every input exists (directories are expanded), and
//! every output location (the `outputs` module: none is an input, no two collide,
//! each can be created). Then it reads, cleaning as it goes, writes every
//! output under a temporary name, and renames them all into place at the
//! end. Exit status: 0 on success (and when standard output is closed
//! early, as by `| head`), 2 when a check refuses the run before any input
//! is read, 1 when the run fails.

mod args;
mod outputs;
mod preview;
mod progress;

use std::io::{BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use clap::Parser;
use indicatif::ProgressBar;

use crate::audit::{AuditConfig, AuditSink};
use crate::io::{
    AtomicFile, InputFiles, JsonlSink, OutputFile, RecordShape, TxtDirSink, Utf8Policy,
    found_documents, input_files, skip_bad_records,
};
use crate::{Cleaner, Config, Document, Error, Sink};
use args::Args;
use outputs::Inputs;
use preview::Preview;
use progress::Progress;

/// Malformed records printed one by one; the rest are counted.
const SKIPS_PRINTED: u64 = 50;
/// Skipped files named one by one; the rest are counted.
const SKIPPED_FILES_NAMED: usize = 20;

/// How a run failed: before reading any input (a refused check, exit 2) or
/// during the work (exit 1).
struct Failure {
    error: Error,
    before_work: bool,
    /// Lines printed after the error (what was and was not written).
    notes: Vec<String>,
}

fn refused(error: Error) -> Failure {
    Failure {
        error,
        before_work: true,
        notes: Vec::new(),
    }
}

fn failed(error: Error) -> Failure {
    Failure {
        error,
        before_work: false,
        notes: Vec::new(),
    }
}

/// Runs the command line with the process arguments; the exit code.
///
/// `samples` is what to clean when no input is given and nothing is piped
/// in (the `clean` example passes the bundled sample pages; the `chaff`
/// binary passes `None` and asks for inputs).
pub fn main(samples: Option<&Path>) -> ExitCode {
    outputs::guard_standard_descriptors();
    remove_temporaries_on_signals();
    let args = match Args::try_parse() {
        Ok(args) => args,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(e.exit_code().clamp(0, 255) as u8);
        }
    };
    match run(&args, samples) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) if is_closed_stdout(&failure.error) => {
            let failure = failure.error;
            // `chaff … | head`: the reader had enough. Quiet, unless other
            // outputs were asked for, which the run did not finish.
            let files = outputs::locations(&args)
                .iter()
                .filter(|l| outputs::is_kept_elsewhere(l))
                .filter(|l| Some(l.path.as_path()) != failure.error_path())
                .count();
            if files == 0 {
                return ExitCode::SUCCESS;
            }
            eprintln!(
                "chaff: standard output was closed before the end of the run; the other outputs were not written"
            );
            ExitCode::FAILURE
        }
        Err(failure) => {
            eprintln!("chaff: {}", failure.error);
            for note in &failure.notes {
                eprintln!("chaff: {note}");
            }
            if let Some(hint) = hint(&failure.error, &args) {
                eprintln!("chaff: hint: {hint}");
            }
            ExitCode::from(if failure.before_work { 2 } else { 1 })
        }
    }
}

/// Standard output (`-`, `/dev/stdout` or a link to it) closed by its
/// reader: `chaff … | head`.
fn is_closed_stdout(error: &Error) -> bool {
    matches!(error, Error::Output { path, source }
        if source.kind() == std::io::ErrorKind::BrokenPipe
            && (path.as_os_str() == "-"
                || crate::io::atomic::destination(path)
                    .is_ok_and(|d| d == crate::io::atomic::Destination::Descriptor(1))))
}

/// On SIGINT, SIGTERM and SIGHUP, removes the temporary outputs (see
/// [`crate::io::atomic::remove_temporaries`]) and ends as the signal would
/// have, so that an interrupted run leaves no `.partial` file behind.
fn remove_temporaries_on_signals() {
    #[cfg(unix)]
    {
        use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
        let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) else {
            return;
        };
        std::thread::spawn(move || {
            if let Some(signal) = signals.forever().next() {
                // Held until the process ends: no output is renamed into
                // place after its temporaries are gone.
                let _held = crate::io::atomic::remove_temporaries();
                let _ = signal_hook::low_level::emulate_default_handler(signal);
                std::process::exit(128 + signal);
            }
        });
    }
}

impl Error {
    /// The path an output error names.
    fn error_path(&self) -> Option<&Path> {
        match self {
            Error::Output { path, .. } => Some(path),
            _ => None,
        }
    }
}

/// A line of advice for errors a person can act on.
fn hint(error: &Error, args: &Args) -> Option<String> {
    match error {
        Error::InvalidUtf8 {
            looks_like: Some(encoding),
            source_name,
            ..
        } => Some(if source_name.as_os_str() == "<stdin>" {
            format!("convert it to UTF-8 first (… | iconv -f {encoding} -t UTF-8 | chaff); --lossy would only replace every {encoding} character with U+FFFD")
        } else {
            format!("convert it to UTF-8 first (iconv -f {encoding} -t UTF-8 FILE > FILE.utf8); --lossy would only replace every {encoding} character with U+FFFD")
        }),
        Error::InvalidUtf8 { .. } if !args.lossy => Some(
            "pass --lossy to replace what is not UTF-8 (counted in the summary), or convert the input first".into(),
        ),
        Error::BadRecord { .. } if !args.skip_bad_records => {
            Some("--skip-bad-records reports malformed records and goes on".into())
        }
        _ => None,
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
        config.fingerprint.cjk_shingle_chars = n.into();
    }
    if let Some(n) = args.word_shingle {
        config.fingerprint.word_shingle_chars = n.into();
    }
    if args.siphash {
        config.fingerprint.feature_hash = crate::fingerprint::FeatureHash::SipHash24;
    }
    if let Some(favor) = &args.favor {
        config.boilerplate.favor = match favor.as_str() {
            "precision" => crate::boilerplate::Favor::Precision,
            "recall" => crate::boilerplate::Favor::Recall,
            _ => crate::boilerplate::Favor::Balanced,
        };
    }
    config.split.repair_breaks &= !args.no_repair;
    if args.no_boilerplate {
        config.boilerplate.rules = false;
        config.boilerplate.layout = false;
        config.boilerplate.features = false;
        config.boilerplate.structure = false;
        config.boilerplate.model = false;
    }
    if args.no_dedup {
        config.dedup.exact = false;
        config.dedup.near = false;
    }
    config.dedup.near &= !args.no_near_dedup;
    config.dedup.trim_repeated_sentences |= args.trim_sentences;
    config.validate()?;
    Ok(config)
}

/// The audit report's settings: the defaults, the `--audit-*` flags, the
/// run's site rule.
fn audit_config_from(args: &Args, config: &Config) -> Result<AuditConfig, Error> {
    let mut audit = AuditConfig {
        sites: config.templates.clone(),
        ..AuditConfig::default()
    };
    if let Some(n) = args.audit_sample {
        audit.sample_pages = n;
    }
    if let Some(seed) = args.audit_seed {
        audit.seed = seed;
    }
    if let Some(n) = args.audit_top {
        audit.top_pages = n;
    }
    // A compressed report is no page a browser opens: refused rather than
    // compressed by its name as the other outputs are.
    if let Some(path) = &args.audit_html
        && let Some(ext) = path.extension().and_then(|e| e.to_str())
        && ["gz", "zst", "zstd", "bz2", "xz"].contains(&ext.to_ascii_lowercase().as_str())
    {
        return Err(Error::Config(format!(
            "--audit-html {}: the audit report is plain HTML for a browser and is never compressed; name it .html",
            path.display()
        )));
    }
    // A name that cannot be a file (it ends in / or /.) is refused before
    // the run, not when the report is renamed into place after it.
    if let Some(path) = &args.audit_html
        && path.as_os_str() != "-"
        && {
            let raw = path.to_string_lossy();
            raw.ends_with('/') || raw.ends_with("/.") || path.file_name().is_none()
        }
    {
        return Err(Error::Config(format!(
            "--audit-html {}: name a file, not a directory",
            path.display()
        )));
    }
    if let Some(mb) = args.audit_max_mb {
        if !(mb.is_finite() && mb > 0.0 && mb <= 2_000.0) {
            return Err(Error::Config(format!(
                "--audit-max-mb {}: give a size in MB between 1 and 2000",
                if mb.abs() < 1e6 {
                    format!("{mb}")
                } else {
                    format!("{mb:e}")
                }
            )));
        }
        audit.max_bytes = (mb * 1e6) as usize;
    }
    audit.validate()?;
    Ok(audit)
}

/// Whether standard input is a file or a pipe someone gave us (not a
/// terminal, not `/dev/null`, not closed).
fn stdin_is_given() -> bool {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        return false;
    }
    #[cfg(unix)]
    {
        use std::os::fd::AsFd;
        use std::os::unix::fs::FileTypeExt;
        let Ok(fd) = stdin.as_fd().try_clone_to_owned() else {
            return false;
        };
        std::fs::File::from(fd).metadata().is_ok_and(|m| {
            let kind = m.file_type();
            kind.is_file() || kind.is_fifo() || kind.is_socket()
        })
    }
    #[cfg(not(unix))]
    true
}

/// The inputs to read: those given; without any, standard input when it is
/// given, else the samples, else a refusal.
fn input_paths(args: &Args, samples: Option<&Path>) -> Result<Vec<PathBuf>, Error> {
    if !args.inputs.is_empty() {
        if args.inputs.iter().filter(|p| p.as_os_str() == "-").count() > 1 {
            return Err(Error::Usage("`-` (standard input) is given twice".into()));
        }
        return Ok(args.inputs.clone());
    }
    if stdin_is_given() {
        return Ok(vec![PathBuf::from("-")]);
    }
    match samples {
        Some(samples) => {
            if !args.quiet {
                eprintln!(
                    "chaff: no inputs given: cleaning the bundled sample pages in {} (give files, directories, or - for standard input)",
                    samples.display()
                );
            }
            Ok(vec![samples.to_path_buf()])
        }
        None => Err(Error::Usage(
            "no inputs: give files or directories to clean, - for standard input, or pipe data in (chaff --help)"
                .into(),
        )),
    }
}

/// Where clean documents go.
enum Destination {
    Jsonl(OutputFile),
    Stdout,
    Dir(TxtDirSink<OutputFile>),
    /// Nothing written: a sample is shown on the terminal.
    Preview,
}

/// Every output, open, in the order of [`outputs::locations`].
struct Opened {
    clean: Destination,
    report: Option<OutputFile>,
    summary: Option<OutputFile>,
    state: Option<AtomicFile>,
    templates: Option<AtomicFile>,
    audit: Option<OutputFile>,
}

fn open_outputs(args: &Args) -> Result<Opened, Error> {
    let file = |path: &Option<PathBuf>| -> Result<Option<OutputFile>, Error> {
        path.as_ref().map(OutputFile::create).transpose()
    };
    let clean = match (&args.output, &args.output_dir) {
        (Some(path), _) if path.as_os_str() == "-" => Destination::Stdout,
        (Some(path), _) => Destination::Jsonl(OutputFile::create(path)?),
        (None, Some(dir)) => {
            Destination::Dir(TxtDirSink::new(dir, None)?.drop_empty(args.drop_empty))
        }
        (None, None) if std::io::stdout().is_terminal() => Destination::Preview,
        (None, None) => Destination::Stdout,
    };
    let report = match &args.report {
        Some(path) if path.as_os_str() == "-" => Some(OutputFile::create("/dev/stdout")?),
        _ => file(&args.report)?,
    };
    let summary = match &args.summary {
        Some(path) if path.as_os_str() == "-" => Some(OutputFile::create("/dev/stdout")?),
        _ => file(&args.summary)?,
    };
    let state = args
        .save_state
        .as_ref()
        .map(AtomicFile::create)
        .transpose()?;
    let templates = args
        .save_templates
        .as_ref()
        .map(AtomicFile::create)
        .transpose()?;
    let audit = match &args.audit_html {
        Some(path) if path.as_os_str() == "-" => Some(OutputFile::create("/dev/stdout")?),
        _ => file(&args.audit_html)?,
    };
    Ok(Opened {
        clean,
        report,
        summary,
        state,
        templates,
        audit,
    })
}

fn run(args: &Args, samples: Option<&Path>) -> Result<(), Failure> {
    let started = Instant::now();
    // Checks, before any input is read.
    let config = config_from(args).map_err(refused)?;
    let audit_config = args
        .audit_html
        .as_ref()
        .map(|_| audit_config_from(args, &config))
        .transpose()
        .map_err(refused)?;
    let typed = input_paths(args, samples).map_err(refused)?;
    let found = input_files(&typed).map_err(refused)?;
    check_each_once(&found.files).map_err(refused)?;
    if args.site_templates {
        check_read_twice(&found.files).map_err(refused)?;
    }
    if !args.quiet {
        report_skipped_files(&found.skipped, &found.dangling);
        if found.files.is_empty() {
            eprintln!("chaff: no file to read in {}", join(&typed));
        }
    }
    let files = found.files.clone();
    let mut others: Vec<(&'static str, &Path)> = Vec::new();
    for (flag, path, whole) in [
        ("--load-state", &args.load_state, true),
        ("--load-templates", &args.load_templates, true),
        ("--config", &args.config, false),
    ] {
        if let Some(path) = path {
            check_saved_file(flag, path, whole).map_err(refused)?;
            others.push((flag, path));
        }
    }
    let inputs = Inputs {
        files: &files,
        dirs: &found.directories,
        dangling: &found.dangling,
        others,
    };
    let to_stdout =
        args.output.is_none() && args.output_dir.is_none() && !std::io::stdout().is_terminal();
    let mut locations = outputs::locations(args);
    if to_stdout {
        // The JSONL goes to standard output: it is an output like the others.
        locations.insert(0, outputs::stdout_location());
    }
    outputs::check(&locations, &inputs).map_err(refused)?;
    let threads = args.threads.map_or(0, usize::from);
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build_global()
        .map_err(|e| refused(Error::Config(format!("thread pool: {e}"))))?;
    let mut opened = open_outputs(args).map_err(refused)?;
    let templates = match &args.load_templates {
        Some(path) => Some(crate::pipeline::load_site_templates(path).map_err(refused)?),
        None => None,
    };
    let mut cleaner = match &args.load_state {
        Some(path) => Cleaner::with_state(config.clone(), path).map_err(refused)?,
        None => Cleaner::new(config.clone()).map_err(refused)?,
    };

    // The work.
    let policy = if args.lossy {
        Utf8Policy::Lossy
    } else {
        Utf8Policy::Strict
    };
    let batch = args.batch as usize;
    let templates = if args.site_templates {
        let bar = progress::bar(args.quiet, "learning site templates");
        // Malformed records are printed in the cleaning pass.
        let mut silent = Skips::silent();
        let stream = read_inputs(
            &found,
            args.format,
            policy,
            args.skip_bad_records,
            &mut silent,
        );
        let templates =
            crate::pipeline::learn_site_templates(stream, &config, batch).map_err(failed)?;
        bar.finish_and_clear();
        if let Some(file) = opened.templates.as_mut() {
            templates
                .save_to(
                    &mut *file,
                    args.save_templates.as_deref().unwrap_or(Path::new("")),
                )
                .map_err(failed)?;
        }
        Some(templates)
    } else {
        templates
    };
    let templates_learned = templates.as_ref().map(|t| t.len());
    if let Some(templates) = templates {
        if !args.quiet {
            eprintln!("chaff: site templates: {} paragraphs", templates.len());
        }
        cleaner.set_site_templates(Arc::new(templates));
    }
    let bar = progress::bar(args.quiet, "cleaning");
    let mut skips = Skips::printing(args.quiet, bar.clone());
    let stream = read_inputs(
        &found,
        args.format,
        policy,
        args.skip_bad_records,
        &mut skips,
    );
    let shape = RecordShape {
        paragraphs: args.paragraphs,
        drop_empty: args.drop_empty,
    };
    let report_name = args.report.clone().unwrap_or_default();
    let report = opened.report.take();
    let mut audit = match (opened.audit.take(), audit_config) {
        (Some(file), Some(audit_config)) => {
            let mut sink = AuditSink::new(
                file,
                args.audit_html.clone().unwrap_or_default(),
                audit_config,
            )
            .map_err(refused)?;
            if let Some(n) = templates_learned {
                sink.set_templates_learned(n);
            }
            Some(sink)
        }
        _ => None,
    };
    let mut shown = Vec::new();
    let mut renamed = Vec::new();
    let previewing = matches!(opened.clean, Destination::Preview);
    let (clean, report) = match std::mem::replace(&mut opened.clean, Destination::Preview) {
        Destination::Jsonl(file) => {
            let name = args.output.clone().unwrap_or_default();
            let sink = JsonlSink::new(file, report, name)
                .shape(shape)
                .report_name(&report_name);
            let sink = clean_into(&mut cleaner, stream, batch, sink, &mut audit, &bar)?;
            let (file, report) = sink.into_inner();
            (Some(file), report)
        }
        Destination::Stdout => {
            let stdout = BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
            let sink = JsonlSink::new(stdout, report, "-")
                .shape(shape)
                .report_name(&report_name);
            let sink = clean_into(&mut cleaner, stream, batch, sink, &mut audit, &bar)?;
            let (mut stdout, report) = sink.into_inner();
            stdout.flush().map_err(|e| failed(Error::output("-", e)))?;
            (None, report)
        }
        Destination::Dir(dir) => {
            let sink = clean_into(
                &mut cleaner,
                stream,
                batch,
                with_report(dir, report),
                &mut audit,
                &bar,
            )?;
            let (dir, report) = sink.into_parts();
            renamed = dir.renamed().to_vec();
            // The directory is moved into place with the other outputs.
            opened.clean = Destination::Dir(dir);
            (None, report)
        }
        Destination::Preview => {
            let sink = JsonlSink::new(std::io::sink(), report, "")
                .shape(shape)
                .report_name(&report_name);
            let preview = Preview {
                inner: sink,
                shown: Vec::new(),
            };
            let preview = clean_into(&mut cleaner, stream, batch, preview, &mut audit, &bar)?;
            shown = preview.shown;
            (None, preview.inner.into_inner().1)
        }
    };
    bar.finish_and_clear();
    let skipped = skips.count;
    let elapsed = started.elapsed();

    // Every output written out, then every one renamed into place.
    let mut record = cleaner.run_record();
    record.records_skipped = skipped;
    record.seconds = elapsed.as_secs_f64();
    record.inputs = files.iter().map(|f| f.display().to_string()).collect();
    let read = [
        ("--config", &args.config),
        ("--load-state", &args.load_state),
        ("--load-templates", &args.load_templates),
    ];
    for (flag, path) in read {
        if let Some(path) = path {
            record.files.insert(flag.into(), path.display().to_string());
        }
    }
    for location in &locations {
        let flag = match location.flag {
            "standard output" => "--output",
            flag => flag,
        };
        record
            .files
            .insert(flag.into(), location.path.display().to_string());
    }
    if let (Some(file), Some(path)) = (opened.summary.as_mut(), &args.summary) {
        serde_json::to_writer_pretty(&mut *file, &record)
            .map_err(|e| failed(Error::output(path, e.into())))?;
        writeln!(file).map_err(|e| failed(Error::output(path, e)))?;
    }
    if let (Some(file), Some(path)) = (opened.state.as_mut(), &args.save_state) {
        cleaner.save_state_to(&mut *file, path).map_err(failed)?;
    }
    let mut clean = clean;
    let mut report = report;
    let mut audit = audit.map(AuditSink::into_inner);
    for file in [
        clean.as_mut(),
        report.as_mut(),
        opened.summary.as_mut(),
        audit.as_mut(),
    ]
    .into_iter()
    .flatten()
    {
        file.finish().map_err(failed)?;
    }
    for file in [opened.templates.as_mut(), opened.state.as_mut()]
        .into_iter()
        .flatten()
    {
        file.finish().map_err(failed)?;
    }
    // Renamed into place in the order of `outputs::locations`: the clean
    // output first (a directory of pages is the likeliest to fail, and
    // what the others describe), the state last (it makes later runs drop
    // what this one kept, so it must not appear without the output).
    let mut pending: Vec<(String, Pending)> = Vec::new();
    let named = |flag: &str, path: &Option<PathBuf>| {
        format!(
            "{flag} {}",
            crate::error::shown(path.as_deref().unwrap_or(Path::new("")))
        )
    };
    if let Destination::Dir(dir) = std::mem::replace(&mut opened.clean, Destination::Preview) {
        pending.push((named("--output-dir", &args.output_dir), Pending::Dir(dir)));
    }
    if let Some(file) = clean {
        pending.push((named("--output", &args.output), Pending::File(file)));
    }
    if let Some(file) = report {
        pending.push((named("--report", &args.report), Pending::File(file)));
    }
    if let Some(file) = opened.summary.take() {
        pending.push((named("--summary", &args.summary), Pending::File(file)));
    }
    if let Some(file) = audit {
        pending.push((named("--audit-html", &args.audit_html), Pending::File(file)));
    }
    if let Some(file) = opened.templates.take() {
        pending.push((
            named("--save-templates", &args.save_templates),
            Pending::Atomic(file),
        ));
    }
    if let Some(file) = opened.state.take() {
        pending.push((
            named("--save-state", &args.save_state),
            Pending::Atomic(file),
        ));
    }
    commit_all(pending)?;

    // What happened.
    if !args.quiet {
        if previewing {
            print_preview(&shown, &record.summary, args);
        }
        report_renamed(&renamed, args.output_dir.as_deref());
        eprint!("{}", record.summary);
        eprintln!(
            "elapsed: {:.3} s on {}, {}/s of wall time",
            elapsed.as_secs_f64(),
            match rayon::current_num_threads() {
                1 => "1 thread".to_string(),
                n => format!("{n} threads"),
            },
            progress::megabytes(
                (record.summary.bytes_in as f64 / elapsed.as_secs_f64().max(1e-3)) as u64
            )
        );
        if skipped > 0 {
            eprintln!("chaff: malformed records skipped: {skipped}");
        }
        if record.summary.documents == 0 && files.iter().any(|f| f.as_os_str() == "-") {
            eprintln!("chaff: standard input is empty: no documents");
        }
        if let Some(path) = &args.audit_html
            && path.as_os_str() != "-"
        {
            let absolute = std::path::absolute(path).unwrap_or_else(|_| path.clone());
            eprintln!(
                "chaff: audit report: {} (open file://{} in a browser)",
                path.display(),
                absolute.display()
            );
        }
    }
    if args.timings {
        eprint!("{}", cleaner.timings());
    }
    Ok(())
}

/// An output finished and waiting to be renamed into place.
enum Pending {
    Dir(TxtDirSink<OutputFile>),
    File(OutputFile),
    Atomic(AtomicFile),
}

impl Pending {
    fn commit(self) -> Result<(), Error> {
        match self {
            Pending::Dir(dir) => dir.commit().map(|_| ()),
            Pending::File(file) => file.commit(),
            Pending::Atomic(file) => file.commit(),
        }
    }
}

/// Renames the outputs into place in order; when one fails, stops there
/// and says which were written and which were not.
fn commit_all(pending: Vec<(String, Pending)>) -> Result<(), Failure> {
    let mut done: Vec<String> = Vec::new();
    let mut pending = pending.into_iter();
    while let Some((name, output)) = pending.next() {
        if let Err(error) = output.commit() {
            let rest: Vec<String> = pending.map(|(name, _)| name).collect();
            let mut notes = Vec::new();
            if !done.is_empty() {
                notes.push(format!("written: {}", done.join(", ")));
            }
            let mut missing = vec![name];
            missing.extend(rest);
            notes.push(format!("not written: {}", missing.join(", ")));
            return Err(Failure {
                error,
                before_work: false,
                notes,
            });
        }
        done.push(name);
    }
    Ok(())
}

/// Refuses a file given twice (named twice, in two directories given, by
/// a link or a hard link): it would be cleaned twice, its second reading
/// all repeats of the first.
fn check_each_once(files: &[PathBuf]) -> Result<(), Error> {
    let mut seen: std::collections::HashMap<crate::io::atomic::FileId, &PathBuf> =
        std::collections::HashMap::new();
    for file in files {
        if file.as_os_str() == "-" {
            continue;
        }
        let Some(id) = crate::io::atomic::FileId::of(file) else {
            continue;
        };
        if let Some(first) = seen.insert(id, file) {
            return Err(Error::Usage(format!(
                "{} and {} are the same file: give each input once (it would be cleaned twice, the second time all repeats)",
                crate::error::shown(first),
                crate::error::shown(file)
            )));
        }
    }
    Ok(())
}

/// With `--site-templates` every input is read twice: refuses what can be
/// read only once (standard input, a pipe, a device, `<(…)`).
fn check_read_twice(files: &[PathBuf]) -> Result<(), Error> {
    for file in files {
        let once = file.as_os_str() == "-" || std::fs::metadata(file).is_ok_and(|m| !m.is_file());
        if once {
            let what = if file.as_os_str() == "-" {
                "standard input".to_owned()
            } else {
                format!("{} (not a regular file)", crate::error::shown(file))
            };
            return Err(Error::Usage(format!(
                "--site-templates reads the inputs twice, and {what} can be read only once; save it to a file first"
            )));
        }
    }
    Ok(())
}

/// Checks a file given to a `--load-…` or `--config` flag before the run:
/// it exists and is not a directory; a saved state or templates file
/// (`whole`), which is read whole and checked against its length, is a
/// regular file. The error names the flag.
fn check_saved_file(flag: &str, path: &Path, whole: bool) -> Result<(), Error> {
    let problem = match std::fs::metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Some("does not exist".to_owned()),
        Err(e) => Some(e.to_string()),
        Ok(meta) if meta.is_dir() => Some("is a directory".to_owned()),
        Ok(meta) if whole && !meta.is_file() => Some(
            "is not a regular file (a pipe or a device); a saved file is read whole and checked against its length: give the file itself"
                .to_owned(),
        ),
        Ok(_) => None,
    };
    match problem {
        Some(problem) => Err(Error::io(
            path,
            std::io::Error::other(format!("{flag} {problem}")),
        )),
        None => Ok(()),
    }
}

/// Runs the cleaner into `sink`, beside the audit report's sink if there is
/// one, with the progress bar; gives the sink back (and the audit sink, in
/// `audit`, with its report written).
fn clean_into<S: Sink>(
    cleaner: &mut Cleaner,
    stream: impl Iterator<Item = Result<Document, Error>>,
    batch: usize,
    sink: S,
    audit: &mut Option<AuditSink<OutputFile>>,
    bar: &ProgressBar,
) -> Result<S, Failure> {
    match audit.take() {
        Some(auditor) => {
            let tee = run_with_progress(cleaner, stream, batch, auditor.tee(sink), bar)?;
            let (sink, auditor) = tee.into_parts();
            *audit = Some(auditor);
            Ok(sink)
        }
        None => run_with_progress(cleaner, stream, batch, sink, bar),
    }
}

/// Runs the cleaner into `sink` with the progress bar; gives the sink back.
fn run_with_progress<S: Sink>(
    cleaner: &mut Cleaner,
    stream: impl Iterator<Item = Result<Document, Error>>,
    batch: usize,
    sink: S,
    bar: &ProgressBar,
) -> Result<S, Failure> {
    let mut sink = Progress::new(sink, bar);
    let result = cleaner.run(stream, batch, &mut sink);
    if result.is_err() {
        bar.finish_and_clear();
    }
    result.map_err(failed)?;
    Ok(sink.inner)
}

/// A directory of pages and the report beside it.
struct DirWithReport {
    dir: TxtDirSink<OutputFile>,
    report: Option<OutputFile>,
}

fn with_report(dir: TxtDirSink<OutputFile>, report: Option<OutputFile>) -> DirWithReport {
    DirWithReport { dir, report }
}

impl DirWithReport {
    fn into_parts(self) -> (TxtDirSink<OutputFile>, Option<OutputFile>) {
        (self.dir, self.report)
    }
}

impl Sink for DirWithReport {
    fn accept(&mut self, document: crate::CleanDocument) -> Result<(), Error> {
        if let Some(report) = &mut self.report {
            let name = report.path().to_path_buf();
            crate::io::write_report_entries(report, &document)
                .map_err(|e| Error::output(name, e))?;
        }
        self.dir.accept(document)
    }
}

/// Malformed records met while reading: counted, and printed (the first
/// [`SKIPS_PRINTED`]) above the progress bar unless quiet.
struct Skips {
    count: u64,
    print: Option<ProgressBar>,
}

impl Skips {
    fn silent() -> Self {
        Skips {
            count: 0,
            print: None,
        }
    }

    fn printing(quiet: bool, bar: ProgressBar) -> Self {
        Skips {
            count: 0,
            print: (!quiet).then_some(bar),
        }
    }

    fn skip(&mut self, error: &Error) {
        self.count += 1;
        if let Some(bar) = &self.print {
            if self.count <= SKIPS_PRINTED {
                bar.suspend(|| eprintln!("chaff: skipped: {error}"));
            } else if self.count == SKIPS_PRINTED + 1 {
                bar.suspend(|| {
                    eprintln!("chaff: more malformed records skipped; the count is in the summary")
                });
            }
        }
    }
}

/// The documents of the input files; with `skip`, malformed records go to
/// `skips` instead of ending the run.
fn read_inputs<'a>(
    found: &InputFiles,
    format: Option<args::InputFormat>,
    policy: Utf8Policy,
    skip: bool,
    skips: &'a mut Skips,
) -> Box<dyn Iterator<Item = Result<Document, Error>> + 'a> {
    let stream = found_documents(found, policy, format.map(Into::into));
    if skip {
        Box::new(skip_bad_records(stream, move |e| skips.skip(e)))
    } else {
        Box::new(stream)
    }
}

fn join(paths: &[PathBuf]) -> String {
    paths
        .iter()
        .map(|p| crate::error::shown(p))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Up to [`SKIPPED_FILES_NAMED`] paths, and how many more.
fn some_of(paths: &[PathBuf]) -> String {
    let mut names: Vec<String> = paths
        .iter()
        .take(SKIPPED_FILES_NAMED)
        .map(|p| crate::error::shown(p))
        .collect();
    if paths.len() > SKIPPED_FILES_NAMED {
        names.push(format!("and {} more", paths.len() - SKIPPED_FILES_NAMED));
    }
    names.join(", ")
}

fn report_skipped_files(skipped: &[PathBuf], dangling: &[PathBuf]) {
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    if !skipped.is_empty() {
        eprintln!(
            "chaff: skipped {} file{} whose name is not one a directory is searched for (.txt, .text, .html, .htm, .xhtml, .shtml, .jsonl, .ndjson, .warc, .wet; plain, .gz or .zst; server pages such as .php, .asp, .jsp and files with no ending when they start with <!doctype html or <html; a .json file is read when named): {}",
            skipped.len(),
            plural(skipped.len()),
            some_of(skipped)
        );
    }
    if !dangling.is_empty() {
        eprintln!(
            "chaff: skipped {} link{} that lead{} nowhere: {}",
            dangling.len(),
            plural(dangling.len()),
            if dangling.len() == 1 { "s" } else { "" },
            some_of(dangling)
        );
    }
}

fn report_renamed(renamed: &[(String, String)], dir: Option<&Path>) {
    let Some(dir) = dir else { return };
    if renamed.is_empty() {
        return;
    }
    eprintln!(
        "chaff: --output-dir {}: {} document{} written under another name, their id's file name being taken:",
        dir.display(),
        renamed.len(),
        if renamed.len() == 1 { "" } else { "s" }
    );
    for (id, file) in renamed.iter().take(SKIPPED_FILES_NAMED) {
        eprintln!("  {id:?} -> {file}");
    }
    if renamed.len() > SKIPPED_FILES_NAMED {
        eprintln!("  and {} more", renamed.len() - SKIPPED_FILES_NAMED);
    }
}

fn print_preview(shown: &[crate::CleanDocument], summary: &crate::Summary, args: &Args) {
    let mut out = std::io::stdout().lock();
    let _ = write!(out, "{}", preview::render(shown));
    if summary.documents as usize > shown.len() {
        let _ = writeln!(
            out,
            "… and {} more documents.",
            summary.documents as usize - shown.len()
        );
    }
    let written: Vec<&str> = [
        args.report.as_ref().map(|_| "the report"),
        args.audit_html.as_ref().map(|_| "the audit report"),
    ]
    .into_iter()
    .flatten()
    .collect();
    let _ = writeln!(
        out,
        "{}: -o FILE (or -o -, or a redirection) writes the clean JSONL, -r FILE the reason for every dropped paragraph, --audit-html FILE a page to see them in a browser.\n",
        if written.is_empty() {
            "Nothing was written".to_owned()
        } else {
            format!(
                "No clean output was written, only {}",
                written.join(" and ")
            )
        }
    );
}
