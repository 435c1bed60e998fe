//! The command line's arguments, grouped as `--help` shows them.

use std::path::PathBuf;

use clap::Parser;

const EXAMPLES: &str = "\
Examples:
  chaff pages/ -o clean.jsonl -r report.jsonl
      clean a directory of pages (searched recursively), with the reason for every dropped paragraph
  zcat crawl.jsonl.gz | chaff --skip-bad-records > clean.jsonl
      clean JSONL records from standard input, skipping malformed ones
  chaff CC-*.warc.wet.gz --site-templates --save-state seen.idx -o clean.jsonl.zst
      clean a crawl, learning each site's templates; keep what was seen for the next run

Without -o, JSONL goes to standard output when it is a file or a pipe; on a
terminal chaff shows a sample of what it kept and dropped instead. Outputs
appear only when complete; chaff never writes over one of its inputs.
Given no input and nothing on standard input, the `clean` example
(cargo run --example clean) cleans the bundled sample pages; the chaff
command asks for inputs.";

/// An input format `--format` can force.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum InputFormat {
    /// One page of text per file.
    Txt,
    /// One HTML page per file.
    Html,
    /// JSONL records.
    Jsonl,
    /// WARC or WET records.
    Warc,
}

impl From<InputFormat> for crate::io::Format {
    fn from(format: InputFormat) -> Self {
        match format {
            InputFormat::Txt => crate::io::Format::Txt,
            InputFormat::Html => crate::io::Format::Html,
            InputFormat::Jsonl => crate::io::Format::Jsonl,
            InputFormat::Warc => crate::io::Format::Wet,
        }
    }
}

/// Turns scraped pages into clean, unique paragraphs: drops boilerplate and
/// repeated or near-repeated paragraphs, and says why for each one.
#[derive(Parser, Debug)]
#[command(name = "chaff", version, about, after_help = EXAMPLES, term_width = 100)]
pub(crate) struct Args {
    /// Files or directories to clean: `.txt` and `.html`/`.htm` pages,
    /// `.jsonl` records ({"id", "text" or "html", "url"?, …}), WARC/WET
    /// files (`conversion` records, and `response` records of HTML pages),
    /// plain, gzip or zstd (directories are searched recursively for these,
    /// any case), or `-` for standard input (JSONL, WARC, HTML or text, from
    /// its first bytes). Without inputs, standard input when it is a file or
    /// a pipe.
    #[arg(help_heading = "Input", value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,

    /// Read every input file, and standard input, as this format instead of
    /// by its name or content.
    #[arg(long, value_enum, help_heading = "Input", value_name = "FORMAT")]
    pub format: Option<InputFormat>,

    /// Report malformed records (a bad JSON line, a broken WARC record,
    /// invalid UTF-8, a record cut off by a truncated .gz/.zst) on standard
    /// error and go on, instead of stopping.
    #[arg(long, help_heading = "Input")]
    pub skip_bad_records: bool,

    /// Replace invalid UTF-8 instead of failing (counted in the summary).
    #[arg(long, help_heading = "Input")]
    pub lossy: bool,

    /// Clean JSONL, one record per document: {"id", "url"?, the input
    /// record's other fields, "text"}; `.gz`/`.zst` compress; `-` is
    /// standard output.
    #[arg(long, short, help_heading = "Output", value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Write each document's kept paragraphs to DIR/ID.txt instead (DIR
    /// must not exist or be empty; it appears when the run is complete).
    #[arg(
        long,
        conflicts_with = "output",
        help_heading = "Output",
        value_name = "DIR"
    )]
    pub output_dir: Option<PathBuf>,

    /// Add "paragraphs", the kept paragraphs as an array, to each record
    /// ("text" holds them joined by newlines).
    #[arg(long, help_heading = "Output")]
    pub paragraphs: bool,

    /// Write no record (or file) for a document with no paragraph kept.
    #[arg(long, help_heading = "Output")]
    pub drop_empty: bool,

    /// Report JSONL: one line per dropped paragraph with its reason.
    #[arg(long, short, help_heading = "Output", value_name = "FILE")]
    pub report: Option<PathBuf>,

    /// Write the run's record as JSON: chaff version, inputs,
    /// configuration, counts, timings.
    #[arg(long, help_heading = "Output", value_name = "FILE")]
    pub summary: Option<PathBuf>,

    /// Write an HTML page showing what was cleaned: the summary, then a
    /// sample of pages with every paragraph, dropped ones struck through
    /// with their reason (open it in a browser; self-contained, no
    /// network). Always plain HTML: a .gz or .zst name is refused.
    #[arg(long, help_heading = "Output", value_name = "FILE")]
    pub audit_html: Option<PathBuf>,

    /// Print nothing but errors: no progress, no summary, no sample.
    #[arg(long, short, help_heading = "Output")]
    pub quiet: bool,

    /// Print where the time went, per stage.
    #[arg(long, help_heading = "Output")]
    pub timings: bool,

    /// Read the whole configuration from a JSON file (the flags below
    /// override it).
    #[arg(long, help_heading = "Cleaning", value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Do not repair paragraphs broken mid-sentence.
    #[arg(long, help_heading = "Cleaning")]
    pub no_repair: bool,

    /// Do not drop boilerplate.
    #[arg(long, help_heading = "Cleaning")]
    pub no_boilerplate: bool,

    /// Trade precision for recall in boilerplate removal: `precision` drops
    /// borderline lines, `recall` keeps them (trafilatura's favor_precision /
    /// favor_recall; figures of each on the dev set in QUALITY.md)
    /// [default: balanced]
    #[arg(long, help_heading = "Cleaning", value_name = "TRADE",
          value_parser = ["precision", "balanced", "recall"])]
    pub favor: Option<String>,

    /// Learn site templates in a first pass over the inputs and drop them
    /// (reason `site_template`). Needs files, not standard input.
    #[arg(long, help_heading = "Cleaning")]
    pub site_templates: bool,

    /// Save the learned site templates here.
    #[arg(
        long,
        requires = "site_templates",
        help_heading = "Cleaning",
        value_name = "FILE"
    )]
    pub save_templates: Option<PathBuf>,

    /// Use site templates saved by --save-templates (no first pass).
    #[arg(
        long,
        conflicts_with = "site_templates",
        help_heading = "Cleaning",
        value_name = "FILE"
    )]
    pub load_templates: Option<PathBuf>,

    /// Do not drop repeats.
    #[arg(long, help_heading = "Dedup")]
    pub no_dedup: bool,

    /// Drop exact repeats only.
    #[arg(long, help_heading = "Dedup")]
    pub no_near_dedup: bool,

    /// Largest Hamming distance between the SimHashes of long near
    /// repeats, 0 to 64 (a gate: candidates come from MinHash bands)
    /// [default: 14]
    #[arg(long, help_heading = "Dedup", value_name = "BITS")]
    pub max_hamming: Option<u32>,

    /// Characters per shingle in CJK text [default: 3]
    #[arg(long, help_heading = "Dedup", value_name = "N",
          value_parser = clap::value_parser!(u16).range(1..=MAX_SHINGLE))]
    pub cjk_shingle: Option<u16>,

    /// Characters per shingle in Latin and other word runs [default: 4]
    #[arg(long, help_heading = "Dedup", value_name = "N",
          value_parser = clap::value_parser!(u16).range(1..=MAX_SHINGLE))]
    pub word_shingle: Option<u16>,

    /// Hash shingles with the simhash crate's SipHash (slower; the crate's
    /// fingerprints) instead of the fast hash.
    #[arg(long, help_heading = "Dedup")]
    pub siphash: bool,

    /// Trim the sentences of kept paragraphs that repeat earlier
    /// paragraphs' sentences (reported as `trimmed_sentences`).
    #[arg(long, help_heading = "Dedup")]
    pub trim_sentences: bool,

    /// Deduplicate against the state an earlier run saved with --save-state.
    #[arg(long, help_heading = "Dedup", value_name = "FILE")]
    pub load_state: Option<PathBuf>,

    /// Save what this run has seen (with any loaded state) for later runs
    /// (may be the --load-state file).
    #[arg(long, help_heading = "Dedup", value_name = "FILE")]
    pub save_state: Option<PathBuf>,

    /// Pages in the audit's sample (the smallest hashes of the ids)
    /// [default: 50]
    #[arg(
        long,
        help_heading = "Audit",
        value_name = "N",
        requires = "audit_html"
    )]
    pub audit_sample: Option<usize>,

    /// Seed of the audit's sample: another seed, another sample [default: 0]
    #[arg(
        long,
        help_heading = "Audit",
        value_name = "SEED",
        requires = "audit_html"
    )]
    pub audit_seed: Option<u64>,

    /// Pages in each of four lists shown beside the sample: most dropped
    /// paragraphs, most dropped bytes, longest paragraph dropped as
    /// boilerplate, nothing kept; --audit-sample + 4 × --audit-top is at
    /// most 1000 [default: 20]
    #[arg(
        long,
        help_heading = "Audit",
        value_name = "N",
        requires = "audit_html"
    )]
    pub audit_top: Option<usize>,

    /// Largest size of the audit page in MB, 1 to 2000; longer pages are
    /// cut, with a note [default: 20]
    #[arg(
        long,
        help_heading = "Audit",
        value_name = "MB",
        requires = "audit_html"
    )]
    pub audit_max_mb: Option<f64>,

    /// Worker threads [default: all cores]
    #[arg(long, short = 'j', help_heading = "Performance", value_name = "N",
          value_parser = clap::value_parser!(u16).range(1..=MAX_THREADS))]
    pub threads: Option<u16>,

    /// Documents cleaned together in one parallel batch (three batches are
    /// held in memory: one read, one cleaned, one deduplicated and written).
    #[arg(long, help_heading = "Performance", value_name = "N",
          default_value_t = crate::pipeline::DEFAULT_BATCH as u32,
          value_parser = clap::value_parser!(u32).range(1..=MAX_BATCH))]
    pub batch: u32,
}

/// The longest shingle the command line takes (the library's limit).
const MAX_SHINGLE: i64 = crate::fingerprint::MAX_SHINGLE as i64;
/// The most worker threads the command line takes.
const MAX_THREADS: i64 = 1024;
/// The largest batch the command line takes.
const MAX_BATCH: i64 = 1_000_000;

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_arguments_are_consistent() {
        Args::command().debug_assert();
    }

    #[test]
    fn the_defaults_in_the_help_are_the_configurations() {
        let config = crate::Config::default();
        let help = Args::command().render_long_help().to_string();
        let flat = help.split_whitespace().collect::<Vec<_>>().join(" ");
        let audit = crate::audit::AuditConfig::default();
        for (flag, default) in [
            ("--max-hamming", config.dedup.max_hamming as usize),
            ("--cjk-shingle", config.fingerprint.cjk_shingle_chars),
            ("--word-shingle", config.fingerprint.word_shingle_chars),
            ("--audit-sample", audit.sample_pages),
            ("--audit-seed", audit.seed as usize),
            ("--audit-top", audit.top_pages),
            ("--audit-max-mb", audit.max_bytes / 1_000_000),
        ] {
            let at = flat.find(flag).unwrap();
            let after = &flat[at..];
            let default_at = after.find("[default: ").unwrap();
            assert!(
                after[default_at..].starts_with(&format!("[default: {default}]")),
                "{flag}: {}",
                &after[..default_at + 14]
            );
        }
        for heading in [
            "Input:",
            "Output:",
            "Cleaning:",
            "Dedup:",
            "Audit:",
            "Performance:",
            "Examples:",
        ] {
            assert!(help.contains(heading), "{heading}");
        }
    }
}
