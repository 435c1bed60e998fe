//! Where cleaned documents go. A neutral module: the pipeline hands
//! documents to a [`Sink`], the writers in `io` implement it, and so can a
//! caller, with a type of its own or a closure ([`from_fn`]).
//!
//! After ripgrep's `grep-searcher` sinks: default `begin`/`finish`, blanket
//! implementations for `&mut S` and `Box<S>`, and a closure adapter.

use crate::error::Error;
use crate::report::{CleanDocument, RunRecord};

/// Where cleaned documents go, one at a time and in input order.
///
/// [`Cleaner::run`](crate::Cleaner::run) calls [`Sink::begin`] once before
/// the first document, [`Sink::accept`] for each document, and
/// [`Sink::finish`] once after the last when the run ended without error.
pub trait Sink {
    /// Called before the first document of a run. Does nothing by default.
    fn begin(&mut self) -> Result<(), Error> {
        Ok(())
    }

    /// Takes one cleaned document.
    fn accept(&mut self, document: CleanDocument) -> Result<(), Error>;

    /// Called after the last document of a run that ended without error,
    /// with the run's record (configuration, counts, timings). Does nothing
    /// by default.
    fn finish(&mut self, record: &RunRecord) -> Result<(), Error> {
        let _ = record;
        Ok(())
    }
}

impl<S: Sink + ?Sized> Sink for &mut S {
    fn begin(&mut self) -> Result<(), Error> {
        (**self).begin()
    }

    fn accept(&mut self, document: CleanDocument) -> Result<(), Error> {
        (**self).accept(document)
    }

    fn finish(&mut self, record: &RunRecord) -> Result<(), Error> {
        (**self).finish(record)
    }
}

impl<S: Sink + ?Sized> Sink for Box<S> {
    fn begin(&mut self) -> Result<(), Error> {
        (**self).begin()
    }

    fn accept(&mut self, document: CleanDocument) -> Result<(), Error> {
        (**self).accept(document)
    }

    fn finish(&mut self, record: &RunRecord) -> Result<(), Error> {
        (**self).finish(record)
    }
}

impl Sink for Vec<CleanDocument> {
    fn accept(&mut self, document: CleanDocument) -> Result<(), Error> {
        self.push(document);
        Ok(())
    }
}

/// A [`Sink`] made of a closure; see [`from_fn`].
#[derive(Debug, Clone)]
pub struct FnSink<F>(F);

/// A [`Sink`] that calls `accept` with every cleaned document.
///
/// ```
/// use chaff::{Cleaner, Config, Document};
/// let mut kept = 0;
/// let mut sink = chaff::sink::from_fn(|document: chaff::CleanDocument| {
///     kept += document.kept().count();
///     Ok(())
/// });
/// let docs = vec![Ok(Document::new("a", "分享到:\n正文一段。"))];
/// Cleaner::new(Config::default())?.run(docs, 64, &mut sink)?;
/// assert_eq!(kept, 1);
/// # Ok::<(), chaff::Error>(())
/// ```
pub fn from_fn<F>(accept: F) -> FnSink<F>
where
    F: FnMut(CleanDocument) -> Result<(), Error>,
{
    FnSink(accept)
}

impl<F> Sink for FnSink<F>
where
    F: FnMut(CleanDocument) -> Result<(), Error>,
{
    fn accept(&mut self, document: CleanDocument) -> Result<(), Error> {
        (self.0)(document)
    }
}
