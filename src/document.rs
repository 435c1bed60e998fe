//! The input document: what readers make, the pipeline cleans, and
//! anyone can build by hand. A neutral module: readers (`io`), the
//! pipeline and callers import it; it imports nothing from the crate.

use serde::{Deserialize, Serialize};

/// One input document.
///
/// Serializes as a JSONL input record reads (`{"id", "text", "url"?, …}`),
/// its other fields in `extra`, so a document survives a round trip
/// through JSON:
///
/// ```
/// let mut doc = chaff::Document::new("a", "正文。");
/// doc.url = Some("https://example.cn/a".into());
/// doc.extra.insert("date".into(), "2024-05-01".into());
/// let json = serde_json::to_string(&doc)?;
/// assert_eq!(json, r#"{"id":"a","text":"正文。","url":"https://example.cn/a","date":"2024-05-01"}"#);
/// assert_eq!(serde_json::from_str::<chaff::Document>(&json)?, doc);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Document {
    /// The document's id (a file name, a record id).
    pub id: String,
    /// The page text.
    pub text: String,
    /// The page's URL, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Invalid UTF-8 sequences replaced while decoding (0 when the input
    /// was valid).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub replaced_invalid_utf8: usize,
    /// The input record's other fields (a crawl's `date`, language tags,
    /// …), in their order: carried through to the clean output untouched.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

impl Document {
    /// A document from an id and its text.
    ///
    /// ```
    /// let doc = chaff::Document::new("a.txt", "正文。");
    /// assert_eq!(doc.id, "a.txt");
    /// ```
    pub fn new(id: impl Into<String>, text: impl Into<String>) -> Self {
        Document {
            id: id.into(),
            text: text.into(),
            ..Document::default()
        }
    }
}
