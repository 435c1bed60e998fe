//! Stage 1: a page becomes paragraphs.
//!
//! Every non-blank line is a paragraph. Line breaks are `\n`, `\r\n`, `\r`,
//! U+2028 and U+2029; a line that holds only whitespace or invisible
//! characters is blank. A paragraph's text is the line with its outer blanks
//! trimmed and nothing else changed.
//!
//! # Repairing scraper breaks
//!
//! Scrapers sometimes cut a paragraph mid-sentence, mid-word or even
//! mid-number ("…提供重" / "要支撑作用。…", "30.5亿" / "元,…"). With
//! [`SplitConfig::repair_breaks`] on, a line is joined (with nothing in
//! between) to the next non-blank line when the line plainly stops
//! mid-sentence and the next line plainly continues it:
//!
//! * the line does not end in terminal punctuation or a closing bracket, and
//!   does not open like a heading ("——", "(一)", "一、", "第…章", a bullet);
//! * the next line opens with a letter, digit or ideograph, not with a quote,
//!   bracket, dash or bullet that starts a new block;
//! * and the line reads as running text, not as a title or a label:
//!   - Latin: it has at least five words, ends in a lowercase letter or a
//!     comma, and the next line opens in lowercase (the pieces are joined
//!     with a space);
//!   - CJK: its last clause has no spaces (captions such as
//!     "…。王劲凯 摄" and label rows do), and either it holds a sentence end
//!     before its last clause, ends in a comma, or holds commas and is at
//!     least [`LONG_LINE_CHARS`] long. A short line with commas is ambiguous
//!     (a heading such as "强化指导抓培育,提案质量再提升" looks the same):
//!     it is joined only when the two characters that meet at the break also
//!     stand side by side elsewhere on the page ("提案办" + "理…" where "办理"
//!     recurs), evidence that the break split a word.

use std::sync::LazyLock;

use memchr::memmem;
use regex::Regex;
use serde::{Deserialize, Serialize};

use crate::chars::{is_blank, is_cjk, is_clause_mark, is_sentence_end};
use crate::error::Error;

/// How pages are split into paragraphs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SplitConfig {
    /// Join lines that a scraper broke mid-sentence (see the module docs).
    pub repair_breaks: bool,
}

impl Default for SplitConfig {
    fn default() -> Self {
        SplitConfig {
            repair_breaks: true,
        }
    }
}

impl SplitConfig {
    /// Checks the values that have limits (none here yet).
    pub fn validate(&self) -> Result<(), Error> {
        Ok(())
    }
}

/// A CJK line with commas but no sentence end is taken as running text
/// from this many characters on (the seeds' headings stay under 36).
pub const LONG_LINE_CHARS: usize = 40;

/// A Latin line is running text from this many words on.
const LATIN_PROSE_WORDS: usize = 5;

/// A line that ends in a comma is running text from this many characters on.
const COMMA_LINE_CHARS: usize = 16;

/// One paragraph of a page, as it stands in the input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Paragraph {
    /// The paragraph's text: the input's characters, outer blanks trimmed,
    /// repaired pieces concatenated.
    pub text: String,
    /// 1-based line of the paragraph's first character.
    pub line: usize,
    /// Byte offset of the paragraph's first character in the page.
    pub byte_offset: usize,
    /// How many input lines the paragraph was joined from (1 if none).
    pub lines_joined: usize,
    /// Where the repaired breaks are: for each line joined on, the byte
    /// offset in `text` at which that line's text begins (after the space
    /// put between Latin words). Empty when nothing was joined; always
    /// `lines_joined - 1` long.
    pub joins: Vec<usize>,
}

/// A non-blank line: trimmed text, 1-based line number, byte offset.
struct Line<'a> {
    text: &'a str,
    number: usize,
    byte_offset: usize,
}

/// Splits `page` into paragraphs.
///
/// ```
/// use chaff::split::{split_paragraphs, SplitConfig};
/// let page = "标题\n\n第一段。全市工业平稳运行,提供重\n\n要支撑作用。\r\n  第二段。  ";
/// let paragraphs = split_paragraphs(page, &SplitConfig::default());
/// let texts: Vec<&str> = paragraphs.iter().map(|p| p.text.as_str()).collect();
/// assert_eq!(texts, ["标题", "第一段。全市工业平稳运行,提供重要支撑作用。", "第二段。"]);
/// assert_eq!(paragraphs[1].lines_joined, 2);
/// assert_eq!(&paragraphs[1].text[paragraphs[1].joins[0]..], "要支撑作用。"); // where the second line begins
/// assert_eq!(paragraphs[2].line, 6);
/// ```
pub fn split_paragraphs(page: &str, config: &SplitConfig) -> Vec<Paragraph> {
    let mut paragraphs: Vec<Paragraph> = Vec::new();
    for line in lines(page) {
        if let Some(last) = paragraphs.last_mut()
            && config.repair_breaks
            && let Some(separator) = continuation(&last.text, line.text, page)
        {
            last.text.push_str(separator);
            last.joins.push(last.text.len());
            last.text.push_str(line.text);
            last.lines_joined += 1;
            continue;
        }
        paragraphs.push(Paragraph {
            text: line.text.to_owned(),
            line: line.number,
            byte_offset: line.byte_offset,
            lines_joined: 1,
            joins: Vec::new(),
        });
    }
    paragraphs
}

/// The sentences of a paragraph as byte ranges that tile it: each ends
/// after a sentence-ending mark (`。！？!?`, `……`, a `.` before a space) and the
/// closing quotes and brackets and spaces that follow it.
///
/// ```
/// let text = "第一句。“第二句！”Third one. Fourth";
/// let sentences: Vec<&str> = chaff::split::sentence_ranges(text)
///     .into_iter()
///     .map(|range| &text[range])
///     .collect();
/// assert_eq!(sentences, ["第一句。", "“第二句！”", "Third one. ", "Fourth"]);
/// ```
pub fn sentence_ranges(text: &str) -> Vec<std::ops::Range<usize>> {
    let mut ranges = Vec::new();
    let mut start = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((_, c)) = chars.next() {
        let ends = match c {
            '。' | '！' | '？' | '!' | '?' => true,
            '.' => chars.peek().is_some_and(|(_, next)| next.is_whitespace()),
            // "……", the Chinese ellipsis, ends a sentence as often as not.
            '…' => chars.next_if(|(_, next)| *next == '…').is_some(),
            _ => false,
        };
        if !ends {
            continue;
        }
        while let Some(&(_, next)) = chars.peek() {
            if matches!(next, '”' | '’' | '"' | '」' | '』' | ')' | '）' | '】')
                || next.is_whitespace()
            {
                chars.next();
            } else {
                break;
            }
        }
        let end = chars.peek().map_or(text.len(), |(i, _)| *i);
        ranges.push(start..end);
        start = end;
    }
    if start < text.len() {
        ranges.push(start..text.len());
    }
    ranges
}

/// The non-blank lines of `page`, trimmed.
fn lines(page: &str) -> impl Iterator<Item = Line<'_>> {
    let bytes = page.as_bytes();
    let mut start = 0;
    let mut number = 1;
    std::iter::from_fn(move || {
        while start <= bytes.len() {
            let (end, next, breaks) = next_break(bytes, start);
            let raw = &page[start..end];
            let line_number = number;
            let line_start = start;
            number += breaks;
            start = next;
            // A line of only whitespace and invisible characters is blank;
            // the others lose only their whitespace at the edges (and a
            // byte-order mark before the text, never content), so the text
            // stays the input's own (a trailing U+FE0F of `❤️`, a leading
            // bidi control); the comparison key drops the invisibles.
            let blank = raw.chars().all(is_blank);
            let trimmed_front =
                raw.trim_start_matches(|c: char| c.is_whitespace() || c == '\u{FEFF}');
            let text = trimmed_front.trim_end_matches(char::is_whitespace);
            if !blank {
                return Some(Line {
                    text,
                    number: line_number,
                    byte_offset: line_start + (raw.len() - trimmed_front.len()),
                });
            }
        }
        None
    })
}

/// From `start`, the end of the line, the start of the next one and how
/// many line numbers the break counts for (0 at the end of the page).
fn next_break(bytes: &[u8], start: usize) -> (usize, usize, usize) {
    let mut from = start;
    while let Some(found) = memchr::memchr3(b'\n', b'\r', 0xE2, &bytes[from..]) {
        let at = from + found;
        match bytes[at] {
            b'\n' => return (at, at + 1, 1),
            b'\r' if bytes.get(at + 1) == Some(&b'\n') => return (at, at + 2, 1),
            b'\r' => return (at, at + 1, 1),
            // U+2028 LINE SEPARATOR, U+2029 PARAGRAPH SEPARATOR
            _ if bytes.get(at + 1) == Some(&0x80)
                && matches!(bytes.get(at + 2), Some(0xA8 | 0xA9)) =>
            {
                return (at, at + 3, 1);
            }
            _ => from = at + 1,
        }
    }
    (bytes.len(), bytes.len() + 1, 0)
}

static HEADING_START: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?:——|--|[（(][一二三四五六七八九十百\d]{1,4}[）)]|[一二三四五六七八九十百]{1,4}[、.．]|\d{1,3}[、．]|第[一二三四五六七八九十百\d]{1,4}[章节篇部条款]|[•·●◆■□▪►▶*#])",
    )
    .expect("static regex")
});

/// Whether the paragraph ending in `line` is continued by `next`, and if so
/// what goes between the pieces: a space between Latin words, nothing in
/// CJK text.
fn continuation(line: &str, next: &str, page: &str) -> Option<&'static str> {
    let (Some(last), Some(first)) = (line.chars().next_back(), next.chars().next()) else {
        return None;
    };
    if ends_block(last) || !first.is_alphanumeric() || HEADING_START.is_match(line) {
        return None;
    }
    if (last.is_ascii_lowercase() || last == ',')
        && first.is_ascii_lowercase()
        && line.split_whitespace().count() >= LATIN_PROSE_WORDS
    {
        return Some(" ");
    }
    if !is_cjk(first) && !is_cjk(last) {
        return None;
    }
    continues_cjk(line, last, first, page).then_some("")
}

/// The CJK half of [`continuation`].
fn continues_cjk(line: &str, last: char, first: char, page: &str) -> bool {
    if !(is_cjk(last) || last.is_alphanumeric() || is_clause_mark(last)) {
        return false;
    }
    let before_last = &line[..line.len() - last.len_utf8()];
    let last_clause = before_last
        .rsplit(is_sentence_end)
        .next()
        .unwrap_or(before_last);
    if last_clause.chars().any(char::is_whitespace) {
        return false;
    }
    if before_last.contains(is_sentence_end) {
        return true;
    }
    let chars = line.chars().count();
    if is_clause_mark(last) {
        return chars >= COMMA_LINE_CHARS;
    }
    if !before_last.contains(is_clause_mark) {
        return false;
    }
    chars >= LONG_LINE_CHARS || junction_recurs(last, first, page)
}

/// Whether `last` followed by `first` stands elsewhere in the page at least
/// twice.
fn junction_recurs(last: char, first: char, page: &str) -> bool {
    let mut junction = [0u8; 8];
    let n = last.encode_utf8(&mut junction).len();
    let m = first.encode_utf8(&mut junction[n..]).len();
    memmem::find_iter(page.as_bytes(), &junction[..n + m])
        .take(2)
        .count()
        >= 2
}

/// Characters after which a line is a complete block.
fn ends_block(c: char) -> bool {
    is_sentence_end(c)
        || matches!(
            c,
            '…' | '"'
                | '”'
                | '’'
                | '\''
                | ')'
                | '）'
                | ']'
                | '】'
                | '』'
                | '」'
                | '》'
                | '〉'
                | ':'
                | '：'
                | '.'
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(page: &str) -> Vec<String> {
        split_paragraphs(page, &SplitConfig::default())
            .into_iter()
            .map(|p| p.text)
            .collect()
    }

    #[test]
    fn every_line_break_kind_splits() {
        assert_eq!(
            texts("a\nb\r\nc\rd\u{2028}e\u{2029}f"),
            ["a", "b", "c", "d", "e", "f"]
        );
    }

    #[test]
    fn line_numbers_and_offsets_point_at_the_text() {
        let page = "\n\n  甲\r\n\r\n乙";
        let paragraphs = split_paragraphs(page, &SplitConfig::default());
        assert_eq!(paragraphs[0].line, 3);
        assert_eq!(&page[paragraphs[0].byte_offset..][..3], "甲");
        assert_eq!(paragraphs[1].line, 5);
        assert_eq!(&page[paragraphs[1].byte_offset..], "乙");
    }

    #[test]
    fn blank_and_invisible_lines_are_not_paragraphs() {
        assert!(texts("").is_empty());
        assert!(texts(" \n\u{3000}\n\u{200B}\u{FEFF}\n\t").is_empty());
    }

    #[test]
    fn heading_is_not_glued_to_its_paragraph() {
        let page =
            "工业增势不减 支柱行业助推有力\n1—11月,呼和浩特市规模以上工业增加值同比增长8.4%。";
        assert_eq!(texts(page).len(), 2);
        let page = "(一)着力抓统筹、提质效,经济发展稳步恢复\n一是稳经济政策措施落地落实。";
        assert_eq!(texts(page).len(), 2);
    }

    #[test]
    fn caption_is_not_joined_to_the_next_caption() {
        assert_eq!(texts("俯瞰城市南部。王劲凯 摄\n交通网。王劲凯 摄").len(), 2);
    }

    #[test]
    fn prose_broken_mid_word_is_joined() {
        let page = "据悉,这两家制造业创新中心分别是内蒙古自治区载运装备智能化与安全服役创新中心、内蒙古自治区商\n\n业航天动力制造业创新中心。";
        assert_eq!(texts(page).len(), 1);
        let page = "我市正积极扩大有效投资。呼和浩特市正\n积极谋划和储备项目。";
        assert_eq!(
            texts(page),
            ["我市正积极扩大有效投资。呼和浩特市正积极谋划和储备项目。"]
        );
    }

    #[test]
    fn short_comma_line_joins_only_when_the_break_split_a_word() {
        let heading = "强化指导抓培育,提案质量再提升\n确保提案工作与时代发展同频。";
        assert_eq!(texts(heading).len(), 2);
        let broken =
            "提案办理工作成效明显。\n今年8月,市政协组织召开提案办\n理协商座谈会。提案办理再提速。";
        assert_eq!(texts(broken).len(), 2);
    }

    #[test]
    fn next_line_opening_a_quote_starts_a_new_paragraph() {
        let page =
            "代表们关心的问题,从一条路什么时候修好,大\n“人才强市25条”同时明确健全人才服务体系。";
        assert_eq!(texts(page).len(), 2);
    }

    #[test]
    fn joins_point_at_the_start_of_each_joined_line() {
        let page = "我市正积极扩大有效投资。呼和浩特市正\n积极谋划和储备项目,\n全力推进项目建设。";
        let paragraph = &split_paragraphs(page, &SplitConfig::default())[0];
        assert_eq!(paragraph.lines_joined, 3);
        let pieces: Vec<&str> = [0]
            .iter()
            .chain(&paragraph.joins)
            .zip(paragraph.joins.iter().chain([&paragraph.text.len()]))
            .map(|(&start, &end)| &paragraph.text[start..end])
            .collect();
        assert_eq!(
            pieces,
            [
                "我市正积极扩大有效投资。呼和浩特市正",
                "积极谋划和储备项目,",
                "全力推进项目建设。"
            ]
        );
        let english = &split_paragraphs(
            "The council approved the budget for\nthe coming year.",
            &SplitConfig::default(),
        )[0];
        assert_eq!(&english.text[english.joins[0]..], "the coming year.");
        assert_eq!(
            &english.text[..english.joins[0]],
            "The council approved the budget for "
        );
        let single = &split_paragraphs("One line.", &SplitConfig::default())[0];
        assert!(single.joins.is_empty());
    }

    #[test]
    fn english_broken_mid_sentence_is_joined() {
        assert_eq!(
            texts("The council approved the budget for\nthe coming year.\nNext item."),
            [
                "The council approved the budget for the coming year.",
                "Next item."
            ]
        );
    }

    #[test]
    fn repair_can_be_switched_off() {
        let page = "内蒙古自治区载运装备智能化与安全服役创新中心、内蒙古自治区商\n业航天动力制造业创新中心。";
        let config = SplitConfig {
            repair_breaks: false,
        };
        assert_eq!(split_paragraphs(page, &config).len(), 2);
    }
}
