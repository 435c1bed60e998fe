//! Bytes of an HTML page to text: which encoding, and decoding it with
//! `encoding_rs` (the WHATWG Encoding Standard, as browsers decode).
//!
//! The encoding is chosen in this order:
//!
//! 1. a byte-order mark (UTF-8, UTF-16LE, UTF-16BE), as the HTML standard
//!    says: it overrides every declaration;
//! 2. **valid UTF-8 wins over a declaration**: bytes that hold non-ASCII
//!    characters and decode as UTF-8 without a single error are UTF-8.
//!    Chinese portals that declare `gb2312` while serving UTF-8 are common;
//!    the converse accident (GBK text that is by chance valid UTF-8) needs
//!    every lead byte to be followed by exactly the right continuation
//!    bytes, which Chinese text of more than a few characters never is;
//! 3. the charset of the transport's `Content-Type` header (HTTP, or the
//!    HTTP headers inside a WARC `response` record);
//! 4. a `<meta charset>` or `<meta http-equiv="Content-Type" content="…;
//!    charset=…">` within the first [`PRESCAN_BYTES`] bytes, found with
//!    html5ever's tokenizer (so comments, quotes and `<script>` are skipped
//!    as in a browser's prescan);
//! 5. `chardetng` (Firefox's detector) on the bytes, when nothing was
//!    declared or the declared encoding does not decode them without
//!    errors.
//!
//! `gb2312` and `gbk` labels decode as GB18030 (the Encoding Standard maps
//! them to its GBK decoder, which is the GB18030 decoder), so pages
//! declared as GB2312 that use GBK or GB18030 characters decode whole.

use std::cell::RefCell;

use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE};
use html5ever::tendril::StrTendril;
use html5ever::tokenizer::{
    BufferQueue, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};

/// How many leading bytes are searched for a `<meta>` declaration. The HTML
/// standard prescans 1024; Chinese portals often put a long comment or
/// script block first, so we read further (html2text and trafilatura read
/// the first few kilobytes too).
pub const PRESCAN_BYTES: usize = 4096;

/// Where the encoding of a page came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CharsetSource {
    /// A byte-order mark.
    Bom,
    /// The bytes are valid UTF-8 (whatever was declared).
    ValidUtf8,
    /// The `Content-Type` header of the transport.
    Header,
    /// A `<meta>` element.
    Meta,
    /// Detected from the bytes by `chardetng`.
    Detected,
}

/// A decoded page.
#[derive(Debug, Clone)]
pub struct Decoded {
    /// The page's text.
    pub text: String,
    /// The encoding it was decoded from.
    pub encoding: &'static Encoding,
    /// Where that encoding came from.
    pub source: CharsetSource,
    /// Byte sequences that were malformed in that encoding and became
    /// U+FFFD.
    pub replaced: usize,
}

/// Decodes the bytes of an HTML page. `content_type` is the transport's
/// `Content-Type` header value, if any.
///
/// ```
/// use chaff::html::charset::{decode, CharsetSource};
/// // GBK bytes of "中文" declared in a meta element
/// let page = b"<meta charset=gbk><p>\xd6\xd0\xce\xc4</p>";
/// let decoded = decode(page, None);
/// assert_eq!(decoded.text, "<meta charset=gbk><p>中文</p>");
/// assert_eq!(decoded.source, CharsetSource::Meta);
/// // declared gb2312, served as UTF-8
/// let decoded = decode("<meta charset=gb2312><p>中文</p>".as_bytes(), None);
/// assert_eq!((decoded.text.as_str(), decoded.source), ("<meta charset=gb2312><p>中文</p>", CharsetSource::ValidUtf8));
/// ```
pub fn decode(bytes: &[u8], content_type: Option<&str>) -> Decoded {
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        return decode_as(&bytes[bom_len..], encoding, CharsetSource::Bom);
    }
    let ascii = bytes.is_ascii();
    if !ascii && std::str::from_utf8(bytes).is_ok() {
        return decode_as(bytes, UTF_8, CharsetSource::ValidUtf8);
    }
    let declared = content_type
        .and_then(charset_of_content_type)
        .map(|e| (e, CharsetSource::Header))
        .or_else(|| prescan(bytes).map(|e| (e, CharsetSource::Meta)));
    if let Some((encoding, source)) = declared {
        // A page cannot really be UTF-16 if its declaration could be read
        // as ASCII (the standard says the same).
        let encoding = if encoding == UTF_16LE || encoding == UTF_16BE {
            UTF_8
        } else {
            encoding
        };
        let decoded = decode_as(bytes, encoding, source);
        if decoded.replaced == 0 || ascii {
            return decoded;
        }
        let detected = detect(bytes);
        if detected != encoding {
            let retry = decode_as(bytes, detected, CharsetSource::Detected);
            if retry.replaced < decoded.replaced {
                return retry;
            }
        }
        return decoded;
    }
    if ascii {
        return decode_as(bytes, UTF_8, CharsetSource::ValidUtf8);
    }
    decode_as(bytes, detect(bytes), CharsetSource::Detected)
}

/// Whether bytes are binary data rather than a page in any text encoding:
/// more than 2 % of the first 8 KB are control bytes other than tab, line
/// feed, form feed, carriage return and escape (text in any ASCII-compatible
/// encoding has none; UTF-16 without a byte-order mark would, and is not
/// read as a page). 2 % leaves room for the stray control characters that
/// real pages carry.
///
/// ```
/// use chaff::html::charset::looks_binary;
/// assert!(!looks_binary("<p>正文</p>\r\n".as_bytes()));
/// assert!(looks_binary(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10"));
/// ```
pub fn looks_binary(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(8192)];
    let control = head
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | 0x0C | b'\r' | 0x1B))
        .count();
    control * 50 > head.len()
}

fn detect(bytes: &[u8]) -> &'static Encoding {
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    detector.guess(None, chardetng::Utf8Detection::Allow)
}

fn decode_as(bytes: &[u8], encoding: &'static Encoding, source: CharsetSource) -> Decoded {
    let (text, replaced) = if encoding == UTF_8 {
        let replaced = bytes
            .utf8_chunks()
            .filter(|c| !c.invalid().is_empty())
            .count();
        (String::from_utf8_lossy(bytes).into_owned(), replaced)
    } else {
        let mut decoder = encoding.new_decoder_without_bom_handling();
        let mut text = String::with_capacity(
            decoder
                .max_utf8_buffer_length(bytes.len())
                .unwrap_or(bytes.len()),
        );
        let (_, _, had_errors) = decoder.decode_to_string(bytes, &mut text, true);
        let replaced = if had_errors {
            text.matches('\u{FFFD}').count()
        } else {
            0
        };
        (text, replaced)
    };
    Decoded {
        text,
        encoding,
        source,
        replaced,
    }
}

/// The encoding named by the `charset` parameter of a `Content-Type`
/// value (`text/html; charset=GBK`), if it names one `encoding_rs` knows.
///
/// ```
/// use chaff::html::charset::charset_of_content_type;
/// assert_eq!(charset_of_content_type("text/html; charset=\"gb2312\"").unwrap().name(), "GBK");
/// assert_eq!(charset_of_content_type("text/html"), None);
/// ```
pub fn charset_of_content_type(value: &str) -> Option<&'static Encoding> {
    let lower = value.to_ascii_lowercase();
    let at = lower.find("charset")?;
    let rest = lower[at + "charset".len()..].trim_start();
    let rest = rest.strip_prefix('=')?.trim_start();
    let rest = rest.trim_start_matches(['"', '\'']);
    let end = rest
        .find(|c: char| c == '"' || c == '\'' || c == ';' || c.is_ascii_whitespace())
        .unwrap_or(rest.len());
    Encoding::for_label(&rest.as_bytes()[..end])
}

/// The encoding declared by a `<meta>` element in the first
/// [`PRESCAN_BYTES`] bytes, if any.
///
/// ```
/// use chaff::html::charset::prescan;
/// let page = br#"<!-- <meta charset="utf-8"> --><meta http-equiv="Content-Type" content="text/html; charset=gb2312">"#;
/// assert_eq!(prescan(page).unwrap().name(), "GBK");
/// ```
pub fn prescan(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(PRESCAN_BYTES)];
    // Every byte to one character (windows-1252 would map 0x80–0x9F to
    // other characters; ISO-8859-1's identity keeps the ASCII structure
    // and cannot fail).
    let text: String = head.iter().map(|&b| b as char).collect();
    let sink = MetaSink {
        found: RefCell::new(None),
    };
    let tokenizer = Tokenizer::new(sink, TokenizerOpts::default());
    let input = BufferQueue::default();
    input.push_back(StrTendril::from_slice(&text));
    let _ = tokenizer.feed(&input);
    tokenizer.end();
    tokenizer.sink.found.take()
}

/// Watches the tokens for the first `<meta>` that declares an encoding.
struct MetaSink {
    found: RefCell<Option<&'static Encoding>>,
}

impl TokenSink for MetaSink {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        if self.found.borrow().is_some() {
            return TokenSinkResult::Continue;
        }
        let Token::TagToken(tag) = token else {
            return TokenSinkResult::Continue;
        };
        if tag.kind != TagKind::StartTag {
            return TokenSinkResult::Continue;
        }
        match &*tag.name {
            "meta" => {
                let attr = |name: &str| {
                    tag.attrs
                        .iter()
                        .find(|a| (*a.name.local).eq_ignore_ascii_case(name))
                        .map(|a| a.value.trim().to_owned())
                };
                let found = attr("charset")
                    .and_then(|label| Encoding::for_label(label.as_bytes()))
                    .or_else(|| {
                        let is_content_type = attr("http-equiv")
                            .is_some_and(|v| v.eq_ignore_ascii_case("content-type"));
                        attr("content")
                            .filter(|_| is_content_type)
                            .and_then(|content| charset_of_content_type(&content))
                    });
                *self.found.borrow_mut() = found;
                TokenSinkResult::Continue
            }
            // Their content is not markup: the tokenizer must read it raw,
            // as the tree builder would tell it.
            "script" | "style" | "title" | "textarea" | "xmp" | "iframe" | "noembed"
            | "noframes" => TokenSinkResult::RawData(match &*tag.name {
                "title" | "textarea" => html5ever::tokenizer::states::RawKind::Rcdata,
                "script" => html5ever::tokenizer::states::RawKind::ScriptData,
                _ => html5ever::tokenizer::states::RawKind::Rawtext,
            }),
            _ => TokenSinkResult::Continue,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gbk(text: &str) -> Vec<u8> {
        encoding_rs::GBK.encode(text).0.into_owned()
    }

    #[test]
    fn bom_overrides_the_declaration() {
        let mut page = vec![0xEF, 0xBB, 0xBF];
        page.extend_from_slice("<meta charset=gbk><p>中文</p>".as_bytes());
        let decoded = decode(&page, Some("text/html; charset=gbk"));
        assert_eq!(decoded.source, CharsetSource::Bom);
        assert_eq!(decoded.text, "<meta charset=gbk><p>中文</p>");
        let mut utf16 = vec![0xFF, 0xFE];
        for unit in "<p>中文</p>".encode_utf16() {
            utf16.extend_from_slice(&unit.to_le_bytes());
        }
        assert_eq!(decode(&utf16, None).text, "<p>中文</p>");
    }

    #[test]
    fn header_before_meta() {
        let page =
            gbk("<meta charset=big5><p>经济运行总体平稳，全市规模以上工业增加值同比增长。</p>");
        let decoded = decode(&page, Some("text/html; charset=GBK"));
        assert_eq!(decoded.source, CharsetSource::Header);
        assert!(decoded.text.contains("经济运行总体平稳"));
    }

    #[test]
    fn http_equiv_and_gb18030_characters_under_a_gb2312_label() {
        // 𠀀 (U+20000) exists only in GB18030's four-byte range.
        let text = "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\"></head><body><p>罕见字𠀀出现在正文里。</p></body></html>";
        let page = encoding_rs::GB18030.encode(text).0.into_owned();
        let decoded = decode(&page, None);
        assert_eq!(decoded.source, CharsetSource::Meta);
        assert_eq!(decoded.text, text);
        assert_eq!(decoded.replaced, 0);
    }

    #[test]
    fn a_wrong_declaration_is_overruled() {
        // GBK bytes declared as UTF-8 (the page's own declaration is wrong).
        let page = gbk(
            "<meta charset=utf-8><title>新闻</title><p>市统计局发布数据，全市经济运行总体平稳，居民收入稳步增长。</p>",
        );
        let decoded = decode(&page, None);
        assert_eq!(decoded.source, CharsetSource::Detected);
        assert_eq!(decoded.encoding, encoding_rs::GBK);
        assert!(decoded.text.contains("居民收入稳步增长"));
        // Nothing declared at all.
        let page = gbk("<p>市统计局发布数据，全市经济运行总体平稳，居民收入稳步增长。</p>");
        assert!(decode(&page, None).text.contains("居民收入稳步增长"));
    }

    #[test]
    fn meta_inside_a_comment_or_script_does_not_count() {
        let page = b"<script>var s='<meta charset=big5>';</script><!-- <meta charset=koi8-r> --><meta charset=windows-1251>";
        assert_eq!(prescan(page).unwrap().name(), "windows-1251");
    }
}
