//! Stage 2: the comparison key of a paragraph.
//!
//! The key is what rules and duplicate detection look at; the paragraph text
//! itself is never rewritten. The key is the text after
//!
//! 1. Unicode NFKC (full-width `，` becomes `,`, `Ａ` becomes `A`, the
//!    ideographic space becomes a space), skipped when the NFKC quick check
//!    says the text is already normalized,
//! 2. removal of invisible characters: zero-width characters, bidi controls,
//!    the soft hyphen, the byte-order mark and C0/C1 controls,
//! 3. whitespace folding: every run of whitespace becomes one ASCII space,
//!    and the key is trimmed.

use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfkc_quick};
use xxhash_rust::xxh3::xxh3_64;

use crate::chars::{IDEOGRAPH_FIRST, IDEOGRAPH_LAST, is_ideograph, is_invisible};

/// Writes the comparison key of `text` into `key` (cleared first).
///
/// Reusing one `String` across paragraphs keeps the hot path free of
/// allocations.
///
/// ```
/// let mut key = String::new();
/// chaff::normalize::comparison_key_into("  全角，标点\u{200B}  and\u{3000}spaces ", &mut key);
/// assert_eq!(key, "全角,标点 and spaces");
/// ```
pub fn comparison_key_into(text: &str, key: &mut String) {
    key.clear();
    key.reserve(text.len());
    let mut folder = Folder::default();
    // Characters whose NFKC is known without a table lookup are pushed
    // directly; everything else is normalized in segments. A segment may
    // end before a fast character because no fast character combines with
    // what precedes it; a fast character followed by a slow one joins the
    // slow segment, since the slow one may combine with it.
    let mut slow_start: Option<usize> = None;
    let mut chars = text.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        let next_is_fast = chars
            .peek()
            .is_none_or(|&(_, next)| fast_nfkc(next).is_some());
        match fast_nfkc(c) {
            Some(mapped) if next_is_fast => {
                if let Some(start) = slow_start.take() {
                    folder.push_normalized(&text[start..at], key);
                }
                folder.push(mapped, key);
            }
            _ => {
                slow_start.get_or_insert(at);
            }
        }
    }
    if let Some(start) = slow_start {
        folder.push_normalized(&text[start..], key);
    }
}

/// NFKC of characters that need no table: ASCII, CJK unified ideographs and
/// the common CJK punctuation (unchanged), full-width ASCII (shifted to
/// ASCII) and the ideographic space (a space). None of them is changed by
/// or takes part in canonical composition with what precedes it.
#[inline]
fn fast_nfkc(c: char) -> Option<char> {
    match c {
        '\0'..='\u{7F}'
        | IDEOGRAPH_FIRST..=IDEOGRAPH_LAST
        | '\u{3001}'..='\u{3002}'
        | '\u{3008}'..='\u{3011}'
        | '\u{2018}'..='\u{2019}'
        | '\u{201C}'..='\u{201D}' => Some(c),
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0),
        '\u{3000}' => Some(' '),
        _ => None,
    }
}

/// Whitespace folding and invisible removal over normalized characters.
#[derive(Default)]
struct Folder {
    pending_space: bool,
}

impl Folder {
    #[inline]
    fn push(&mut self, c: char, key: &mut String) {
        if is_ideograph(c) || c.is_ascii_graphic() {
            // Neither whitespace nor invisible.
            if self.pending_space {
                key.push(' ');
                self.pending_space = false;
            }
            key.push(c);
        } else if c.is_whitespace() {
            self.pending_space = !key.is_empty();
        } else if !is_invisible(c) {
            if self.pending_space {
                key.push(' ');
                self.pending_space = false;
            }
            key.push(c);
        }
    }

    fn push_normalized(&mut self, segment: &str, key: &mut String) {
        if is_nfkc_quick(segment.chars()) == IsNormalized::Yes {
            segment.chars().for_each(|c| self.push(c, key));
        } else {
            segment.nfkc().for_each(|c| self.push(c, key));
        }
    }
}

/// The comparison key of `text`, as a new `String`.
///
/// ```
/// assert_eq!(chaff::normalize::comparison_key("Ｃｈａｆｆ　１２３"), "Chaff 123");
/// ```
pub fn comparison_key(text: &str) -> String {
    let mut key = String::new();
    comparison_key_into(text, &mut key);
    key
}

/// The 64-bit hash of a comparison key: XXH3-64 of its UTF-8 bytes. The
/// one key hash of the crate: the exact-repeat key
/// ([`Fingerprint::exact`](crate::fingerprint::Fingerprint::exact)) and the
/// key of site templates (collision odds in the [`dedup`](crate::dedup)
/// docs).
///
/// ```
/// use chaff::normalize::{comparison_key, key_hash};
/// assert_eq!(key_hash(&comparison_key("全角，标点")), key_hash(&comparison_key("全角,标点")));
/// ```
#[inline]
pub fn key_hash(key: &str) -> u64 {
    xxh3_64(key.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_and_half_width_punctuation_compare_equal() {
        assert_eq!(
            comparison_key("增长4.4%，较1—10月提高"),
            comparison_key("增长4.4%,较1—10月提高")
        );
    }

    #[test]
    fn folds_whitespace_and_drops_invisibles() {
        assert_eq!(
            comparison_key("\u{FEFF}a\u{00A0}\u{00A0}b\t\u{200D}c\u{202E}"),
            "a b c"
        );
        assert_eq!(comparison_key(" \u{3000}\u{200B} "), "");
    }

    #[test]
    fn already_normalized_text_is_unchanged() {
        let text = "呼和浩特市2023年工作回顾";
        assert_eq!(comparison_key(text), text);
    }

    /// The key as the definition says: NFKC of the whole text, then
    /// invisible removal and whitespace folding.
    fn reference_key(text: &str) -> String {
        let normalized: String = text.nfkc().filter(|c| !is_invisible(*c)).collect();
        normalized.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    #[test]
    fn fast_path_equals_whole_text_nfkc() {
        let cases = [
            "e\u{301}tude ｅ\u{301} Ａ\u{30A}",
            "呼\u{200B}和浩特，２０２３年…“引号”\u{3000}（括号）",
            "\u{FF21}\u{0308}\u{0323}x",
            "ｶﾞｷﾞ ㌀ ﬁ ① ¼ ℡",
            "각\u{11A8} 가\u{11A8} \u{1100}\u{1161}",
            "a\u{0301}\u{0302}。\u{0301}",
            "",
        ];
        for text in cases {
            assert_eq!(comparison_key(text), reference_key(text), "{text:?}");
        }
        let seeds = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/seeds");
        for entry in std::fs::read_dir(seeds).unwrap() {
            let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            for line in text.lines() {
                assert_eq!(comparison_key(line), reference_key(line), "{line:?}");
            }
        }
    }

    #[test]
    fn invisible_between_spaces_does_not_double_the_space() {
        assert_eq!(comparison_key("a \u{200B} b"), "a b");
    }
}
