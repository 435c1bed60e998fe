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
    /// What `text` holds: the page's text, or its HTML markup.
    #[serde(default, skip_serializing_if = "Kind::is_text")]
    pub kind: Kind,
    /// The input record's other fields (a crawl's `date`, language tags,
    /// …), in their order: carried through to the clean output untouched.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// What a [`Document`]'s `text` holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// The page's text, one paragraph or more per line.
    #[default]
    Text,
    /// The page's HTML markup (decoded to text): the pipeline reads its
    /// blocks, and the boilerplate stage its structure.
    Html,
}

impl Kind {
    fn is_text(&self) -> bool {
        *self == Kind::Text
    }
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

    /// A document from an id and the page's HTML.
    ///
    /// ```
    /// let doc = chaff::Document::html("a.html", "<p>正文。</p>");
    /// assert_eq!(doc.kind, chaff::document::Kind::Html);
    /// ```
    pub fn html(id: impl Into<String>, html: impl Into<String>) -> Self {
        Document {
            kind: Kind::Html,
            ..Document::new(id, html)
        }
    }
}
