//! The progress line: records, records per second and megabytes, on
//! standard error only when it is a terminal (and not with `--quiet`).

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{HumanCount, ProgressBar, ProgressState, ProgressStyle};

use crate::error::Error;
use crate::report::{CleanDocument, RunRecord};
use crate::sink::Sink;

/// A spinner with the record count and human rates (`1,533/s`), hidden
/// unless standard error is a terminal.
pub(crate) fn bar(quiet: bool, stage: &'static str) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new_spinner();
    let style = ProgressStyle::with_template(
        "{spinner} {prefix} {elapsed} {human_pos} records ({rate}) {msg}",
    )
    .unwrap_or_else(|_| ProgressStyle::default_spinner())
    .with_key(
        "rate",
        |state: &ProgressState, w: &mut dyn std::fmt::Write| {
            let _ = write!(w, "{}/s", HumanCount(state.per_sec().round() as u64));
        },
    );
    bar.set_style(style);
    bar.set_prefix(stage);
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}

/// Megabytes with one decimal and thousands separators: `1,234.5 MB`.
pub(crate) fn megabytes(bytes: u64) -> String {
    let tenths = (bytes + 50_000) / 100_000;
    format!("{}.{} MB", HumanCount(tenths / 10), tenths % 10)
}

/// Counts cleaned documents and bytes on the progress bar.
pub(crate) struct Progress<'a, S> {
    pub inner: S,
    bar: &'a ProgressBar,
    bytes: u64,
    started: Instant,
}

impl<'a, S> Progress<'a, S> {
    pub fn new(inner: S, bar: &'a ProgressBar) -> Self {
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
        if self.bar.position().is_multiple_of(64) {
            let seconds = self.started.elapsed().as_secs_f64().max(1e-3);
            self.bar.set_message(format!(
                "{}, {}/s",
                megabytes(self.bytes),
                megabytes((self.bytes as f64 / seconds) as u64)
            ));
        }
        self.inner.accept(document)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn megabytes_are_human() {
        assert_eq!(super::megabytes(0), "0.0 MB");
        assert_eq!(super::megabytes(1_234_567_890), "1,234.6 MB");
    }
}
