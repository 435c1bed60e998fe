//! Where cleaned documents go. A neutral module: the pipeline hands
//! documents to a [`Sink`], the writers in `io` implement it, and so can a
//! caller.

use crate::error::Error;
use crate::report::CleanDocument;

/// Where cleaned documents go, one at a time and in input order.
pub trait Sink {
    /// Takes one cleaned document.
    fn accept(&mut self, document: CleanDocument) -> Result<(), Error>;
}

impl Sink for Vec<CleanDocument> {
    fn accept(&mut self, document: CleanDocument) -> Result<(), Error> {
        self.push(document);
        Ok(())
    }
}
