//! Decoding bytes as UTF-8, strictly (an error naming source, line and
//! byte offset) or lossily (replacements counted).

use std::path::Path;

use crate::error::Error;

/// What to do with bytes that are not UTF-8.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Utf8Policy {
    /// Fail with [`Error::InvalidUtf8`] naming the source, line and offset.
    #[default]
    Strict,
    /// Replace each invalid sequence with U+FFFD and count it in the
    /// document (and so in the summary).
    Lossy,
}

/// Decodes `bytes` read from `source`, whose first byte sits at
/// `base_offset` and on line `base_line` of the source.
///
/// ```
/// use chaff::io::{decode, Utf8Policy};
/// let err = decode(b"ok\nbad \xFF".to_vec(), "x.txt".as_ref(), 1, 0, Utf8Policy::Strict).unwrap_err();
/// assert_eq!(err.to_string(), "x.txt:2: invalid UTF-8 at byte offset 7");
/// let (text, replaced) = decode(b"bad \xFF\xFE".to_vec(), "x.txt".as_ref(), 1, 0, Utf8Policy::Lossy)?;
/// assert_eq!((text.as_str(), replaced), ("bad \u{FFFD}\u{FFFD}", 2));
/// # Ok::<(), chaff::Error>(())
/// ```
pub fn decode(
    bytes: Vec<u8>,
    source: &Path,
    base_line: usize,
    base_offset: usize,
    policy: Utf8Policy,
) -> Result<(String, usize), Error> {
    match String::from_utf8(bytes) {
        Ok(text) => Ok((text, 0)),
        Err(err) => {
            let bytes = err.into_bytes();
            match policy {
                Utf8Policy::Strict => {
                    let valid = std::str::from_utf8(&bytes)
                        .map_err(|e| e.valid_up_to())
                        .err()
                        .unwrap_or(0);
                    Err(Error::InvalidUtf8 {
                        source_name: source.to_path_buf(),
                        line: base_line + memchr::memchr_iter(b'\n', &bytes[..valid]).count(),
                        byte_offset: base_offset + valid,
                    })
                }
                Utf8Policy::Lossy => {
                    let replaced = bytes
                        .utf8_chunks()
                        .filter(|c| !c.invalid().is_empty())
                        .count();
                    Ok((String::from_utf8_lossy(&bytes).into_owned(), replaced))
                }
            }
        }
    }
}
