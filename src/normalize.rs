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
    let mut pending_space = false;
    let mut push = |c: char, key: &mut String| {
        if c.is_whitespace() {
            pending_space = !key.is_empty();
        } else if !is_invisible(c) {
            if pending_space {
                key.push(' ');
                pending_space = false;
            }
            key.push(c);
        }
    };
    if is_nfkc_quick(text.chars()) == IsNormalized::Yes {
        for c in text.chars() {
            push(c, key);
        }
    } else {
        for c in text.nfkc() {
            push(c, key);
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

/// True for characters that render as nothing: zero-width characters,
/// bidi controls, the soft hyphen, the byte-order mark, variation selectors
/// and control characters other than whitespace.
///
/// ```
/// assert!(chaff::normalize::is_invisible('\u{200B}'));
/// assert!(!chaff::normalize::is_invisible('a'));
/// ```
pub fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}'
        | '\u{034F}'
        | '\u{061C}'
        | '\u{115F}'..='\u{1160}'
        | '\u{17B4}'..='\u{17B5}'
        | '\u{180B}'..='\u{180F}'
        | '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}'
        | '\u{3164}'
        | '\u{FE00}'..='\u{FE0F}'
        | '\u{FEFF}'
        | '\u{FFA0}'
        | '\u{FFF0}'..='\u{FFF8}'
        | '\u{E0000}'..='\u{E007F}')
        || (c.is_control() && !c.is_whitespace())
}

/// True for characters that count as blank at the edge of a line:
/// whitespace and invisible characters.
pub(crate) fn is_blank(c: char) -> bool {
    c.is_whitespace() || is_invisible(c)
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

    #[test]
    fn invisible_between_spaces_does_not_double_the_space() {
        assert_eq!(comparison_key("a \u{200B} b"), "a b");
    }
}
