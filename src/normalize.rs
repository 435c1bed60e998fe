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
//!
//! # Typographic folding
//!
//! Duplicate detection looks at the key after one more step,
//! [`fold_into`]: the typographic variants of the same text are made one.
//! Lower case; curly and straight quotes, 「」 and “”, 『』 and ‘’, « » and
//! ″ all become `"` or `'`; every dash (‐ ‑ ‒ – — ― − and the full-width
//! and small forms) becomes `-`, a run of dashes one `-`, without spaces
//! around it; the ideographic full stop 。 becomes `.`, and a run of full
//! stops one `.` (NFKC makes `…` `...`; `⋯` and `……` end a line as `.` and
//! `...` do), the middle dots `·‧・•` one `·`, the lenticular and
//! tortoise-shell brackets `【】〔〕〖〗` `[` and `]`, the title brackets
//! `《》〈〉` `<` and `>`; and a
//! space next to a CJK character or CJK punctuation is dropped ("共 5 项"
//! and "共5项"). Full and half width are NFKC's. The folded key is what the
//! exact key hashes, what the shingles are cut from and what the one-edit
//! comparison of short paragraphs reads, so the exact and the near
//! comparison ignore the same differences at every length (see
//! [`dedup`](crate::dedup)). Rules and layout read the unfolded key.

use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfkc_quick};
use xxhash_rust::xxh3::xxh3_64;

use crate::chars::{IDEOGRAPH_FIRST, IDEOGRAPH_LAST, is_cjk, is_ideograph, is_invisible};

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
    let bytes = text.as_bytes();
    let mut folder = Folder::default();
    // Characters whose NFKC is known without a table lookup are pushed
    // directly; everything else is normalized in segments. A segment may
    // end before a fast character because no fast character combines with
    // what precedes it; a fast character followed by a slow one joins the
    // slow segment, since the slow one may combine with it.
    let mut slow_start: Option<usize> = None;
    let mut at = 0;
    while at < bytes.len() {
        if slow_start.is_none() {
            // The common case, copied as it stands: a run of ASCII graphic
            // characters and ideographs (their own NFKC, neither space nor
            // invisible), less its last character when a slow one follows.
            let (mut end, last_len) = plain_run(bytes, at);
            if end < bytes.len() && !text[end..].chars().next().is_some_and(is_fast) {
                end -= last_len;
            }
            if end > at {
                folder.push_run(&text[at..end], key);
                at = end;
                continue;
            }
        }
        let Some(c) = text[at..].chars().next() else {
            break;
        };
        let next = at + c.len_utf8();
        let next_is_fast = text[next..].chars().next().is_none_or(is_fast);
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
        at = next;
    }
    if let Some(start) = slow_start {
        folder.push_normalized(&text[start..], key);
    }
}

/// Where the run of ASCII graphic characters, CJK unified ideographs and
/// the CJK punctuation that is its own NFKC (`、。〈〉《》「」『』【】‘’“”`)
/// that starts at `at` ends, and the byte length of its last character (0
/// for an empty run).
#[inline]
fn plain_run(bytes: &[u8], mut at: usize) -> (usize, usize) {
    let mut last_len = 0;
    while at < bytes.len() {
        let b = bytes[at];
        if b.is_ascii_graphic() {
            at += 1;
            last_len = 1;
        } else if ((0xE4..=0xE9).contains(&b) && is_ideograph_at(bytes, at))
            || is_own_cjk_punctuation_at(bytes, at)
        {
            at += 3;
            last_len = 3;
        } else {
            break;
        }
    }
    (at, last_len)
}

/// Whether the three bytes at `at` encode U+3001–U+3002, U+3008–U+3011,
/// U+2018–U+2019 or U+201C–U+201D: CJK punctuation that [`fast_nfkc`]
/// keeps as it is.
#[inline]
fn is_own_cjk_punctuation_at(bytes: &[u8], at: usize) -> bool {
    matches!(
        bytes.get(at..at + 3),
        Some(&[0xE3, 0x80, 0x81..=0x82 | 0x88..=0x91] | &[0xE2, 0x80, 0x98..=0x99 | 0x9C..=0x9D])
    )
}

#[inline]
fn is_fast(c: char) -> bool {
    fast_nfkc(c).is_some()
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

    /// [`Self::push`] of every character of `run`, which holds only ASCII
    /// graphic characters and ideographs (neither whitespace nor
    /// invisible).
    #[inline]
    fn push_run(&mut self, run: &str, key: &mut String) {
        if self.pending_space {
            key.push(' ');
            self.pending_space = false;
        }
        key.push_str(run);
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

/// The 64-bit hash of a key: XXH3-64 of its UTF-8 bytes. The one key hash
/// of the crate: of the folded key, the exact-repeat key
/// ([`Fingerprint::exact`](crate::fingerprint::Fingerprint::exact)); of the
/// comparison key, the key of site templates (collision odds in the
/// [`dedup`](crate::dedup) docs).
///
/// ```
/// use chaff::normalize::{comparison_key, key_hash};
/// assert_eq!(key_hash(&comparison_key("全角，标点")), key_hash(&comparison_key("全角,标点")));
/// ```
#[inline]
pub fn key_hash(key: &str) -> u64 {
    xxh3_64(key.as_bytes())
}

/// What one character of a comparison key becomes in the folded key.
enum Folded {
    /// The character itself, or its replacement.
    One(char),
    /// A dash: runs of dashes and the spaces around them become one `-`.
    Dash,
    /// More than one character (lower case of some letters, `⋯`).
    Many,
}

#[inline]
fn fold_char(c: char) -> Folded {
    match c {
        'A'..='Z' => Folded::One(c.to_ascii_lowercase()),
        '\0'..='\u{7F}' if c != '-' => Folded::One(c),
        '-'
        | '\u{2010}'..='\u{2015}'
        | '\u{2212}'
        | '\u{2E3A}'
        | '\u{2E3B}'
        | '\u{FE58}'
        | '\u{FE63}'
        | '\u{FF0D}' => Folded::Dash,
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '\u{2035}'
        | '\u{2039}' | '\u{203A}' | '\u{300E}' | '\u{300F}' | '\u{FF07}' | '\u{00B4}' => {
            Folded::One('\'')
        }
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' | '\u{2036}'
        | '\u{00AB}' | '\u{00BB}' | '\u{300C}' | '\u{300D}' | '\u{301D}' | '\u{301E}'
        | '\u{301F}' | '\u{FF02}' => Folded::One('"'),
        '\u{3002}' | '\u{FF61}' => Folded::One('.'),
        '\u{00B7}' | '\u{2022}' | '\u{2027}' | '\u{30FB}' | '\u{FF65}' => Folded::One('\u{00B7}'),
        '\u{3010}' | '\u{3014}' | '\u{3016}' | '\u{FF3B}' => Folded::One('['),
        '\u{3011}' | '\u{3015}' | '\u{3017}' | '\u{FF3D}' => Folded::One(']'),
        '\u{3008}' | '\u{300A}' => Folded::One('<'),
        '\u{3009}' | '\u{300B}' => Folded::One('>'),
        '\u{22EF}' => Folded::Many,
        _ if is_ideograph(c) => Folded::One(c),
        _ => {
            let mut lower = c.to_lowercase();
            match (lower.next(), lower.next()) {
                (Some(one), None) => Folded::One(one),
                _ => Folded::Many,
            }
        }
    }
}

/// Whether a space next to `c` is dropped by the folding: CJK characters
/// and CJK punctuation (U+3000–U+303F and the full-width forms that NFKC
/// keeps).
#[inline]
fn joins_without_space(c: char) -> bool {
    is_cjk(c) || matches!(c, '\u{3000}'..='\u{303F}' | '\u{FF5F}'..='\u{FF65}')
}

/// Writes the folded form of a comparison key into `folded` (cleared
/// first): the typographic folding of the [module docs](self).
///
/// ```
/// use chaff::normalize::{comparison_key, fold};
/// let same = |a: &str, b: &str| fold(&comparison_key(a)) == fold(&comparison_key(b));
/// assert!(same("“We don’t know yet,” the spokesman said.", "\"We don't know yet,\" the spokesman said."));
/// assert!(same("CITY COUNCIL APPROVES BUDGET", "City council approves budget"));
/// assert!(same("会议于「本周五」举行", "会议于“本周五”举行"));
/// assert!(same("Roads — and schools — first", "Roads - and schools - first"));
/// assert!(same("共 5 项。", "共5项."));
/// assert!(same("Talks will resume next week...", "Talks will resume next week."));
/// assert!(same("会议将于下周继续……", "会议将于下周继续..."));
/// assert!(same("《人民日报》报道", "<人民日报>报道"));
/// assert!(!same("版本 3.14", "版本 314"));
/// assert!(!same("2023年1月", "2023年2月"));
/// ```
pub fn fold_into(key: &str, folded: &mut String) {
    folded.clear();
    folded.reserve(key.len());
    let bytes = key.as_bytes();
    let mut state = FoldState::default();
    let mut at = 0;
    while at < bytes.len() {
        // The common case, copied as it stands: ideographs and ASCII that
        // fold to themselves, with no space or dash before them to decide
        // about, and single spaces between two such ASCII characters (kept:
        // neither side is CJK). [`fold_step`] would give the same.
        if !state.pending_space && !state.after_dash {
            let start = at;
            while at < bytes.len() {
                let b = bytes[at];
                if folds_to_itself(b) {
                    at += 1;
                } else if b == b' '
                    && at > start
                    && folds_to_itself(bytes[at - 1])
                    && bytes.get(at + 1).copied().is_some_and(folds_to_itself)
                {
                    at += 2;
                } else if (0xE4..=0xE9).contains(&b) && is_ideograph_at(bytes, at) {
                    at += 3;
                } else {
                    break;
                }
            }
            if at > start {
                folded.push_str(&key[start..at]);
                state.last = key[..at].chars().next_back();
                continue;
            }
        }
        let Some(c) = key[at..].chars().next() else {
            break;
        };
        at += c.len_utf8();
        fold_step(c, &mut state, folded);
    }
}

/// What folding remembers from the characters before the next one.
#[derive(Default)]
struct FoldState {
    /// Spaces were met since the last character written.
    pending_space: bool,
    /// The last character written was a dash (spaces after it are dropped).
    after_dash: bool,
    /// The last character of the key read.
    last: Option<char>,
}

/// Folds the next character of a key, one at a time: what [`fold_into`]
/// does outside the runs it copies whole.
#[inline]
fn fold_step(c: char, state: &mut FoldState, folded: &mut String) {
    if c == ' ' {
        state.pending_space = true;
        return;
    }
    let mapped = fold_char(c);
    if let Folded::Dash = mapped {
        if !state.after_dash {
            folded.push('-');
        }
        state.after_dash = true;
        state.pending_space = false;
        state.last = Some('-');
        return;
    }
    if state.pending_space
        && !state.after_dash
        && state.last.is_some_and(|last| !joins_without_space(last))
        && !joins_without_space(c)
    {
        folded.push(' ');
    }
    // A run of full stops (an ellipsis, `……` after NFKC) is one: `.`,
    // `...` and `……` end a line alike.
    if matches!(mapped, Folded::One('.')) && !state.pending_space && folded.ends_with('.') {
        state.last = Some(c);
        return;
    }
    state.pending_space = false;
    state.after_dash = false;
    match mapped {
        Folded::One(one) => folded.push(one),
        Folded::Many if c == '\u{22EF}' => {
            if !folded.ends_with('.') {
                folded.push('.');
            }
        }
        _ => folded.extend(c.to_lowercase()),
    }
    state.last = Some(c);
}

/// Whether an ASCII byte folds to itself with nothing to decide about: not
/// upper case, not a dash, a space or a full stop.
#[inline]
fn folds_to_itself(b: u8) -> bool {
    b < 0x80 && !b.is_ascii_uppercase() && b != b'-' && b != b' ' && b != b'.'
}

/// Whether the three bytes at `at` encode a CJK unified ideograph
/// (U+4E00–U+9FFF: lead byte E4–E9).
#[inline]
fn is_ideograph_at(bytes: &[u8], at: usize) -> bool {
    match bytes.get(at..at + 3) {
        Some(&[lead, b1, b2]) => {
            let code =
                (u32::from(lead & 0x0F) << 12) | (u32::from(b1 & 0x3F) << 6) | u32::from(b2 & 0x3F);
            b1 & 0xC0 == 0x80 && b2 & 0xC0 == 0x80 && (0x4E00..=0x9FFF).contains(&code)
        }
        _ => false,
    }
}

/// The folded form of a comparison key, as a new `String` (see
/// [`fold_into`]).
pub fn fold(key: &str) -> String {
    let mut folded = String::new();
    fold_into(key, &mut folded);
    folded
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
            // Runs copied whole, ending where a slow character follows.
            "plain e\u{0301} text 汉字\u{FE00}字 a\u{0338}= 中\u{3099}x\u{200B}y  z",
            "ab\u{0301}",
            "字\u{0301}",
            "a\u{00A0}b 全角，字\u{2000}x\u{3000}",
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

    /// [`fold_into`] without its fast path: one character at a time.
    fn fold_into_reference(key: &str, folded: &mut String) {
        folded.clear();
        let mut state = FoldState::default();
        for c in key.chars() {
            fold_step(c, &mut state, folded);
        }
    }

    proptest::proptest! {
        /// The fast path of the folding changes nothing.
        #[test]
        fn folding_equals_the_character_at_a_time_folding(
            chars in proptest::collection::vec(proptest::sample::select(vec![
                'a', 'Z', '1', '.', ' ', '-', '\u{1}', '汉', '字', ',', '，', '。', '—',
                '“', '」', '·', '⋯', 'É', 'ß', 'İ', '\u{3000}', 'か', '한',
            ]), 0..24)
        ) {
            let key: String = chars.into_iter().collect();
            let (mut fast, mut reference) = (String::new(), String::new());
            fold_into(&key, &mut fast);
            fold_into_reference(&key, &mut reference);
            proptest::prop_assert_eq!(fast, reference);
        }

        /// The fast runs and segments give the key of the definition for
        /// any mix of plain, fast and slow characters.
        #[test]
        fn key_equals_whole_text_nfkc_for_any_mix(
            chars in proptest::collection::vec(proptest::sample::select(vec![
                'a', 'Z', '1', '.', ' ', '\t', '\n', '\u{7F}', '\u{1}', '汉', '字',
                '，', 'Ａ', '\u{3000}', '\u{00A0}', '\u{200B}', '\u{FEFF}', '\u{0301}',
                '、', '」', '《', '】', '‘', '”', '\u{3003}', '\u{3012}', '\u{201A}',
                '\u{0338}', '\u{3099}', '\u{FE00}', 'か', 'é', 'ﬁ', '①', '“', '。',
            ]), 0..24)
        ) {
            let text: String = chars.into_iter().collect();
            proptest::prop_assert_eq!(comparison_key(&text), reference_key(&text));
        }
    }

    #[test]
    fn folding_joins_typographic_variants_and_keeps_facts_apart() {
        let folded = |text: &str| fold(&comparison_key(text));
        assert_eq!(folded("ÉTÉ À PARIS"), "été à paris");
        assert_eq!(folded("『引文』与‘引文’"), "'引文'与'引文'");
        assert_eq!(folded("«Bonjour» „Hallo“"), "\"bonjour\" \"hallo\"");
        assert_eq!(folded("改革——发展"), "改革-发展");
        assert_eq!(folded("1990 – 2000"), "1990-2000");
        assert_eq!(folded("【通知】〔2024〕"), "[通知][2024]");
        assert_eq!(folded("马克・吐温 马克·吐温"), "马克·吐温马克·吐温");
        assert_eq!(folded("等等⋯"), "等等.");
        assert_eq!(folded("第 3 期 iPhone 15"), "第3期iphone 15");
        // What folding must not join: other digits, other words, a decimal point.
        assert_ne!(folded("增长1.5%"), folded("增长15%"));
        assert_ne!(folded("2023年1月"), folded("2023年11月"));
        assert_ne!(folded("a b"), folded("ab"));
    }

    #[test]
    fn invisible_between_spaces_does_not_double_the_space() {
        assert_eq!(comparison_key("a \u{200B} b"), "a b");
    }
}
