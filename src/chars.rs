//! Character classes shared by the stages: which characters are CJK, which
//! are invisible or blank, and the punctuation classes that splitting and
//! the boilerplate layers look at.
//!
//! A leaf module: it imports nothing from the crate, and every stage that
//! asks "is this character …?" asks here, so a class is written once.

use std::ops::RangeInclusive;

/// The first character of the CJK Unified Ideographs block.
pub const IDEOGRAPH_FIRST: char = '\u{4E00}';
/// The last character of the CJK Unified Ideographs block.
pub const IDEOGRAPH_LAST: char = '\u{9FFF}';
/// The CJK Unified Ideographs block (U+4E00–U+9FFF): nearly every
/// character of modern Chinese text, and the hot path of every stage.
pub const IDEOGRAPHS: RangeInclusive<char> = IDEOGRAPH_FIRST..=IDEOGRAPH_LAST;

/// Whether `c` is in the CJK Unified Ideographs block ([`IDEOGRAPHS`]).
///
/// ```
/// assert!(chaff::chars::is_ideograph('中'));
/// assert!(!chaff::chars::is_ideograph('か'));
/// ```
#[inline]
pub fn is_ideograph(c: char) -> bool {
    matches!(c, IDEOGRAPH_FIRST..=IDEOGRAPH_LAST)
}

/// The CJK unified ideograph ([`IDEOGRAPHS`]) whose UTF-8 encoding starts
/// at byte `at` of `bytes`, if one does: read from its three bytes (lead
/// byte E4–E9), without the general decoding of a `str`'s characters, for
/// the loops that walk Chinese text a character at a time.
///
/// ```
/// let text = "a中";
/// assert_eq!(chaff::chars::ideograph_at(text.as_bytes(), 1), Some('中'));
/// assert_eq!(chaff::chars::ideograph_at(text.as_bytes(), 0), None);
/// assert_eq!(chaff::chars::ideograph_at("か".as_bytes(), 0), None);
/// ```
#[inline]
pub fn ideograph_at(bytes: &[u8], at: usize) -> Option<char> {
    match bytes.get(at..at + 3) {
        Some(&[lead @ 0xE4..=0xE9, b1, b2]) if b1 & 0xC0 == 0x80 && b2 & 0xC0 == 0x80 => {
            let code =
                (u32::from(lead & 0x0F) << 12) | (u32::from(b1 & 0x3F) << 6) | u32::from(b2 & 0x3F);
            char::from_u32(code).filter(|&c| is_ideograph(c))
        }
        _ => None,
    }
}

/// CJK ideographs, kana and hangul: scripts written without spaces
/// between words.
///
/// ```
/// assert!(chaff::chars::is_cjk('中') && chaff::chars::is_cjk('か') && chaff::chars::is_cjk('한'));
/// assert!(!chaff::chars::is_cjk('a') && !chaff::chars::is_cjk('，'));
/// ```
#[inline]
pub fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{3040}'..='\u{30FF}'
        | '\u{3400}'..='\u{4DBF}'
        | IDEOGRAPH_FIRST..=IDEOGRAPH_LAST
        | '\u{AC00}'..='\u{D7AF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{2FA1F}')
}

/// CJK ideographs (all blocks) and kana, without hangul: the scripts whose
/// characters each carry a word or a syllable and are written without
/// spaces. Hangul is written with spaces between words, so the page model
/// counts it by words.
///
/// ```
/// assert!(chaff::chars::is_han_or_kana('中') && chaff::chars::is_han_or_kana('か'));
/// assert!(!chaff::chars::is_han_or_kana('한') && !chaff::chars::is_han_or_kana('a'));
/// ```
#[inline]
pub fn is_han_or_kana(c: char) -> bool {
    is_cjk(c) && !matches!(c, '\u{AC00}'..='\u{D7AF}')
}

/// True for characters that render as nothing: zero-width characters,
/// bidi controls, the soft hyphen, the byte-order mark, variation selectors
/// and control characters other than whitespace.
///
/// ```
/// assert!(chaff::chars::is_invisible('\u{200B}'));
/// assert!(!chaff::chars::is_invisible('a'));
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
///
/// ```
/// assert!(chaff::chars::is_blank('\u{3000}') && chaff::chars::is_blank('\u{FEFF}'));
/// ```
pub fn is_blank(c: char) -> bool {
    c.is_whitespace() || is_invisible(c)
}

/// Marks that end a sentence, full and half width (`。！？!?；;｡`): the
/// splitter reads a line ending in one as a complete block.
///
/// ```
/// assert!(chaff::chars::is_sentence_end('。') && !chaff::chars::is_sentence_end('，'));
/// ```
pub fn is_sentence_end(c: char) -> bool {
    matches!(c, '。' | '！' | '？' | '!' | '?' | '；' | ';' | '｡')
}

/// Marks between the clauses of a sentence (`，,、､`).
///
/// ```
/// assert!(chaff::chars::is_clause_mark('、') && !chaff::chars::is_clause_mark('。'));
/// ```
pub fn is_clause_mark(c: char) -> bool {
    matches!(c, '，' | ',' | '、' | '､')
}

/// Punctuation that running text has and menus do not, as it stands in a
/// comparison key (after NFKC): the layout layer's test of "punctuated".
///
/// ```
/// assert!(chaff::chars::is_text_punctuation('。') && !chaff::chars::is_text_punctuation('|'));
/// ```
pub fn is_text_punctuation(c: char) -> bool {
    matches!(
        c,
        ',' | '.' | '!' | '?' | ';' | ':' | '、' | '。' | '“' | '”' | '"' | '(' | ')' | '《' | '》'
    )
}

/// Punctuation inside prose that is not a sentence ending, and neither
/// digit nor symbol (for the text-statistics layer's digit share).
///
/// ```
/// assert!(chaff::chars::is_soft_punctuation('、') && !chaff::chars::is_soft_punctuation('%'));
/// ```
pub fn is_soft_punctuation(c: char) -> bool {
    matches!(
        c,
        ',' | '、'
            | ':'
            | '"'
            | '\''
            | '“'
            | '”'
            | '‘'
            | '’'
            | '('
            | ')'
            | '《'
            | '》'
            | '—'
            | '…'
            | '·'
            | '-'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ideograph_at_reads_exactly_the_unified_ideographs() {
        for c in (0..=u32::from(char::MAX)).filter_map(char::from_u32) {
            let mut text = String::from("a");
            text.push(c);
            text.push('b');
            let bytes = text.as_bytes();
            let expected = is_ideograph(c).then_some(c);
            assert_eq!(ideograph_at(bytes, 1), expected, "{c:?}");
            // Inside the character, and past the end of a cut text.
            for at in 2..1 + c.len_utf8() {
                assert_eq!(ideograph_at(bytes, at), None, "{c:?} at {at}");
            }
            assert_eq!(ideograph_at(&bytes[..c.len_utf8()], 1), None, "{c:?} cut");
        }
    }
}
