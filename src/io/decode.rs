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

/// The encoding that bytes which are not UTF-8 read as, when they read as
/// Chinese text in GB18030 (the superset of GBK and GB2312 that Chinese
/// sites still serve): a window of up to 1 KiB from the first invalid byte
/// decodes without error and holds at least two ideographs.
///
/// ```
/// let (gbk, _, _) = encoding_rs::GBK.encode("市统计局发布数据");
/// assert_eq!(chaff::io::looks_like(&gbk), Some("GB18030"));
/// assert_eq!(chaff::io::looks_like(b"\xFF\xFE binary"), None);
/// ```
pub fn looks_like(bytes: &[u8]) -> Option<&'static str> {
    let window = &bytes[..bytes.len().min(1024)];
    // The window may end inside a character of up to 4 bytes.
    (0..4.min(window.len() + 1)).find_map(|cut| {
        let text = encoding_rs::GB18030
            .decode_without_bom_handling_and_without_replacement(&window[..window.len() - cut])?;
        let ideographs = text
            .chars()
            .filter(|c| ('\u{4E00}'..='\u{9FFF}').contains(c))
            .count();
        (ideographs >= 2).then_some("GB18030")
    })
}

/// Decodes `bytes` read from `source`, whose first byte sits at
/// `base_offset` and on line `base_line` of the source.
///
/// ```
/// use chaff::io::{decode, Utf8Policy};
/// let err = decode(b"ok\nbad \xFF".to_vec(), "x.txt".as_ref(), 1, 0, Utf8Policy::Strict).unwrap_err();
/// assert_eq!(err.to_string(), "x.txt:2: invalid UTF-8 at byte offset 7");
/// let (gbk, _, _) = encoding_rs::GBK.encode("正文:市统计局发布数据");
/// let err = decode(gbk.into_owned(), "gbk.txt".as_ref(), 1, 0, Utf8Policy::Strict).unwrap_err();
/// assert_eq!(err.to_string(), "gbk.txt:1: invalid UTF-8 at byte offset 0 (the bytes read as GB18030 text)");
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
                        looks_like: looks_like(&bytes[valid..]),
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
