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
//! mid-number ("…提供重" / "要支撑作用。…", "…paid from the trans-" /
//! "port budget…"). A wrong join costs far more than a missed one: it
//! corrupts the text and hides chrome inside a long "paragraph" (a dozen
//! headlines glued together pass every test of running text). So with
//! [`SplitConfig::repair_breaks`] on, a line is joined to the next
//! non-blank line only on strong evidence that one sentence runs across
//! the break.
//!
//! Never joined: a line that ends a block (terminal punctuation, a closing
//! quote or bracket, a colon, an ellipsis) or opens like a heading or list
//! item ("——", "(一)", "一、", "1.", a bullet), and a next line that opens
//! with anything but a letter, digit, ideograph or currency sign.
//!
//! Joined, on any one of these ([`BreakEvidence`]):
//!
//! * **hyphenated**: the line ends in a letter and a hyphen, the next opens
//!   in lower case (`trans-` / `port budget`); joined with nothing between;
//! * **open bracket**: the line opens a bracket or quote that the next line
//!   closes before opening another (`[HR. At-Tirmidzi … Al-Albani` /
//!   `dalam Shahih Al-Jami' no. 178]`);
//! * **dangling word**: a line of running text (eight words or more) ends
//!   in an article, preposition, conjunction or auxiliary, and the next
//!   opens in lower case, with a digit or a currency sign
//!   (`…expected to cost about` / `$4 million, according to…`);
//! * **repeated whole**: the two pieces joined stand whole elsewhere on the
//!   page (a title broken by `<br>` and printed again in the page's metadata);
//! * **split word** (CJK): the two ideographs that meet at the break also
//!   stand side by side at least twice elsewhere on the page ("提案办" + "理…"
//!   where "办理" recurs), and both lines are punctuated text;
//! * **broken paragraph** (CJK): the line is running text (a sentence ends
//!   before its last clause, or it is 40 characters or more with two clause
//!   marks), the next line completes a sentence, neither clause at the break
//!   has spaces (captions "…。王劲凯 摄" and label rows do), and neither the
//!   line before nor the line after is such a candidate too: a page whose
//!   paragraphs all end without a full stop is a style, not a break.
//!
//! Latin pieces are joined with a space, CJK pieces with nothing between.

use std::sync::LazyLock;

use memchr::memmem;
use regex::Regex;
use serde::{Deserialize, Serialize};

use crate::chars::{is_blank, is_cjk, is_clause_mark, is_ideograph, is_sentence_end};
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
    let lines: Vec<Line<'_>> = lines(page).collect();
    let texts: Vec<&str> = lines.iter().map(|l| l.text).collect();
    // Sorted on first use: only the repeated-whole test asks, and only for
    // a CJK break with two pieces of five characters or more.
    let by_length: std::cell::OnceCell<Vec<&str>> = std::cell::OnceCell::new();
    let context = || {
        by_length
            .get_or_init(|| {
                let mut sorted = texts.clone();
                sorted.sort_unstable_by_key(|t| std::cmp::Reverse(t.len()));
                sorted
            })
            .as_slice()
    };
    let broken: Vec<bool> = if config.repair_breaks {
        (0..texts.len().saturating_sub(1))
            .map(|k| broken_paragraph(texts[k], texts[k + 1]))
            .collect()
    } else {
        Vec::new()
    };
    let mut paragraphs: Vec<Paragraph> = Vec::new();
    for (k, line) in lines.iter().enumerate() {
        if config.repair_breaks
            && k > 0
            && let Some(last) = paragraphs.last_mut()
        {
            let lone_candidate = broken[k - 1]
                && !(k >= 2 && (broken[k - 2] || unfinished(texts[k - 2])))
                && !broken.get(k).copied().unwrap_or(false);
            let page = Page {
                text: page,
                by_length: &context,
            };
            if let Some((_, separator)) =
                continuation(&last.text, texts[k - 1], line.text, &page, lone_candidate)
            {
                last.text.push_str(separator);
                last.joins.push(last.text.len());
                last.text.push_str(line.text);
                last.lines_joined += 1;
                continue;
            }
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

/// The line opens like a heading or a list item ([`HEADING_START`]). The
/// first character decides most lines without the regex: every branch of
/// the pattern opens with one of these (`\d` is any Unicode decimal digit,
/// which `char::is_numeric` includes; no unified ideograph is numeric, and
/// asking only the others skips its table lookup on Chinese lines).
fn heading_start(line: &str) -> bool {
    line.chars().next().is_some_and(|c| {
        c.is_ascii_digit()
            || (!is_ideograph(c) && !c.is_ascii() && c.is_numeric())
            || matches!(
                c,
                '—' | '-'
                    | '（'
                    | '('
                    | '一'
                    | '二'
                    | '三'
                    | '四'
                    | '五'
                    | '六'
                    | '七'
                    | '八'
                    | '九'
                    | '十'
                    | '百'
                    | '第'
                    | '•'
                    | '·'
                    | '●'
                    | '◆'
                    | '■'
                    | '□'
                    | '▪'
                    | '►'
                    | '▶'
                    | '*'
                    | '#'
            )
    }) && HEADING_START.is_match(line)
}

/// What the repair looks at besides the two lines: the page, and its lines
/// longest first (sorted when first asked for).
struct Page<'a, F: Fn() -> &'a [&'a str]> {
    text: &'a str,
    by_length: &'a F,
}

/// Why a line break was repaired.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BreakEvidence {
    /// `trans-` / `port budget`.
    Hyphenated,
    /// A bracket or quote opened before the break is closed after it.
    OpenBracket,
    /// Running text ends in a word that cannot end a sentence.
    DanglingWord,
    /// The joined text stands whole elsewhere on the page.
    RepeatedWhole,
    /// The ideographs that meet at the break are a pair the page repeats.
    SplitWord,
    /// A lone unfinished line of running text, completed by the next.
    BrokenParagraph,
}

/// English words that cannot end a sentence: articles, prepositions,
/// conjunctions, auxiliaries, possessives.
#[rustfmt::skip]
const DANGLING_WORDS: &[&str] = &[
    "a", "an", "the", "of", "to", "in", "on", "at", "by", "for", "with", "from", "about", "into",
    "onto", "over", "under", "after", "before", "between", "through", "during", "without",
    "within", "against", "among", "and", "or", "but", "nor", "than", "as", "is", "are", "was",
    "were", "be", "been", "has", "have", "had", "will", "would", "can", "could", "should", "may",
    "might", "must", "shall", "its", "their", "our", "your", "my", "whose", "very", "some", "such",
];

/// A Latin line is running text from this many words on.
const RUNNING_TEXT_WORDS: usize = 8;
/// A CJK line with clause marks but no sentence end is running text from
/// this many characters on (the seeds' headings stay under 36).
pub const LONG_LINE_CHARS: usize = 40;

/// Whether the paragraph `paragraph`, whose last line is `line`, is
/// continued by `next`, with the evidence and what goes between the pieces:
/// a space between Latin words, nothing in CJK text. `lone_candidate` says
/// that this break, and neither of its neighbours, is a
/// [`broken_paragraph`] candidate.
fn continuation<'a>(
    paragraph: &str,
    line: &str,
    next: &str,
    page: &Page<'a, impl Fn() -> &'a [&'a str]>,
    lone_candidate: bool,
) -> Option<(BreakEvidence, &'static str)> {
    let (Some(last), Some(first)) = (line.chars().next_back(), next.chars().next()) else {
        return None;
    };
    if !(first.is_alphanumeric() || matches!(first, '$' | '€' | '£' | '¥')) || heading_start(line)
    {
        return None;
    }
    let cjk = is_cjk(last) || is_cjk(first);
    let separator = if cjk { "" } else { " " };
    if !ends_block(last) {
        if last == '-'
            && first.is_lowercase()
            && line.chars().rev().nth(1).is_some_and(char::is_lowercase)
        {
            return Some((BreakEvidence::Hyphenated, ""));
        }
        if closes_open_bracket(line, next) && !first.is_uppercase() {
            return Some((BreakEvidence::OpenBracket, separator));
        }
        if !cjk && dangling_word(line) && (first.is_lowercase() || !first.is_alphabetic()) {
            return Some((BreakEvidence::DanglingWord, " "));
        }
        if repeated_whole(paragraph, next, separator, page.by_length) {
            return Some((BreakEvidence::RepeatedWhole, separator));
        }
        if split_word(line, last, next, first, page.text) {
            return Some((BreakEvidence::SplitWord, ""));
        }
    }
    (lone_candidate && broken_paragraph(line, next)).then_some((BreakEvidence::BrokenParagraph, ""))
}

/// Running text that does not end a block: the line before a lone broken
/// paragraph is not one (else the page's paragraphs end without full stops
/// by style).
fn unfinished(line: &str) -> bool {
    line.chars().next_back().is_some_and(|c| !ends_block(c)) && running_text(line)
}

/// A sentence ends before the line's last character, or the line is
/// [`LONG_LINE_CHARS`] long with two clause marks.
fn running_text(line: &str) -> bool {
    let body = line.trim_end_matches(|c| is_clause_mark(c) || is_sentence_end(c));
    let body = &body[..body.len() - body.chars().next_back().map_or(0, char::len_utf8)];
    body.contains(['。', '；', ';'])
        || (line.chars().count() >= LONG_LINE_CHARS && body.matches(is_clause_mark).count() >= 2)
}

/// The line opens a bracket or quote more often than it closes it, and
/// `next` closes it before opening another.
fn closes_open_bracket(line: &str, next: &str) -> bool {
    const PAIRS: [(char, char); 8] = [
        ('(', ')'),
        ('（', '）'),
        ('[', ']'),
        ('【', '】'),
        ('“', '”'),
        ('「', '」'),
        ('『', '』'),
        ('《', '》'),
    ];
    if !line.contains(|c| PAIRS.iter().any(|&(open, _)| open == c)) {
        return false;
    }
    PAIRS.iter().any(|&(open, close)| {
        line.matches(open).count() > line.matches(close).count()
            && next
                .find(close)
                .is_some_and(|at| next.find(open).is_none_or(|o| at < o))
    })
}

/// A line of running text whose last word cannot end a sentence.
fn dangling_word(line: &str) -> bool {
    let mut words = line.split_whitespace();
    let Some(last) = words.next_back() else {
        return false;
    };
    words.count() + 1 >= RUNNING_TEXT_WORDS
        && last.bytes().all(|b| b.is_ascii_alphabetic())
        && DANGLING_WORDS.contains(&last.to_ascii_lowercase().as_str())
}

/// CJK: the paragraph and `next` joined stand whole elsewhere on the page,
/// inside one of its lines (`by_length`, longest first). Not for spaced
/// scripts, where a menu printed one item a line and again on one line
/// looks the same.
fn repeated_whole<'a>(
    paragraph: &str,
    next: &str,
    separator: &str,
    by_length: impl Fn() -> &'a [&'a str],
) -> bool {
    let (a, b) = (paragraph.chars().count(), next.chars().count());
    if !separator.is_empty() || a < 5 || b < 5 || a + b < 16 {
        return false;
    }
    let joined = paragraph.len() + next.len();
    let mut longer = by_length()
        .iter()
        .take_while(|line| line.len() >= joined)
        .peekable();
    if longer.peek().is_none() {
        return false;
    }
    let finder = memmem::Finder::new(paragraph.as_bytes());
    longer.any(|line| {
        finder
            .find_iter(line.as_bytes())
            .any(|at| line[at + paragraph.len()..].starts_with(next))
    })
}

/// The clause before the break and the clause after it: no spaces in either
/// (captions and label rows have them), and both lines carry clause or
/// sentence marks (headlines and menus mostly do not).
fn clauses_meet(line: &str, next: &str) -> bool {
    let before = line
        .trim_end_matches(is_clause_mark)
        .rsplit(|c| is_sentence_end(c) || is_clause_mark(c))
        .next()
        .unwrap_or(line);
    let after = next
        .split(|c| is_sentence_end(c) || is_clause_mark(c))
        .next()
        .unwrap_or(next);
    !before.chars().any(char::is_whitespace)
        && !after.chars().any(char::is_whitespace)
        && next.contains(|c| is_sentence_end(c) || is_clause_mark(c))
}

/// CJK: the ideographs that meet at the break stand side by side at least
/// twice elsewhere on the page.
fn split_word(line: &str, last: char, next: &str, first: char, page: &str) -> bool {
    is_cjk(last)
        && is_cjk(first)
        && line.contains(|c| is_sentence_end(c) || is_clause_mark(c))
        && clauses_meet(line, next)
        && junction_recurs(last, first, page)
}

/// CJK: a line of running text left unfinished (it ends in an ideograph, a
/// digit or a comma), and a next line that completes a sentence. Only a
/// candidate: [`split_paragraphs`] takes it when its neighbours are not.
fn broken_paragraph(line: &str, next: &str) -> bool {
    let (Some(last), Some(first)) = (line.chars().next_back(), next.chars().next()) else {
        return false;
    };
    if !(is_cjk(last) || last.is_ascii_digit() || is_clause_mark(last))
        || !(is_cjk(first) || first.is_ascii_digit())
        || heading_start(line)
    {
        return false;
    }
    let running = running_text(line);
    let completes = next
        .trim_end_matches(['”', '’', '"', '」', '』', ')', '）'])
        .ends_with(is_sentence_end);
    running && completes && clauses_meet(line, next)
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
        // Break repair joins on strong evidence only (a lone unfinished
        // CJK line completed by the next, an English line ending in a word
        // that cannot end a sentence).
        let page = "我市正积极扩大有效投资。呼和浩特市正\n积极谋划和储备项目。";
        let paragraph = &split_paragraphs(page, &SplitConfig::default())[0];
        assert_eq!(paragraph.lines_joined, 2);
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
                "积极谋划和储备项目。"
            ]
        );
        let english = &split_paragraphs(
            "The new bridge is expected to cost about\n$4 million, according to the city.",
            &SplitConfig::default(),
        )[0];
        assert_eq!(
            &english.text[english.joins[0]..],
            "$4 million, according to the city."
        );
        assert_eq!(
            &english.text[..english.joins[0]],
            "The new bridge is expected to cost about "
        );
        let single = &split_paragraphs("One line.", &SplitConfig::default())[0];
        assert!(single.joins.is_empty());
    }

    #[test]
    fn english_broken_mid_sentence_is_joined() {
        assert_eq!(
            texts(
                "The council said the new depot would be paid from the trans-\nport budget, not from parking fees.\nNext item."
            ),
            [
                "The council said the new depot would be paid from the trans-port budget, not from parking fees.",
                "Next item."
            ]
        );
        assert_eq!(
            texts(
                "The new bridge over the river is expected to cost about\n$4 million, according to the city.\nNext item."
            ),
            [
                "The new bridge over the river is expected to cost about $4 million, according to the city.",
                "Next item."
            ]
        );
    }

    #[test]
    fn a_bracket_or_quote_closed_on_the_next_line_is_one_paragraph() {
        let page = "[Quoted from the city archive, volume 12, kept by the clerk\nof the council in 1921]\nNext.";
        assert_eq!(texts(page).len(), 2);
        let page = "他说：“我们会继续推进老旧小区改造，让居民住得更\n舒心、更安心。”\n下一段。";
        assert_eq!(texts(page).len(), 2);
    }

    #[test]
    fn a_title_broken_by_br_and_printed_whole_elsewhere_is_joined() {
        let page = "标题：青山县人民政府关于加强春季森林防火工作的通告\n青山县人民政府关于加强\n春季森林防火工作的通告\n各乡镇人民政府：";
        assert_eq!(
            texts(page)[1],
            "青山县人民政府关于加强春季森林防火工作的通告"
        );
    }

    #[test]
    fn bullet_items_headlines_and_menus_are_never_glued() {
        let bullets = "Release notes for this week:\nalice fixed the crash on startup\nbob landed the new toolbar\ncarol updated the docs";
        assert_eq!(texts(bullets).len(), 4);
        let headlines = "县领导调研春耕生产工作，要求抓好农资供应\n全县完成植树造林3万亩！森林覆盖率再创新高\n青山县举办春季招聘会，提供岗位两千个";
        assert_eq!(texts(headlines).len(), 3);
        let menu = "Brasil\nDeutschland\nEspaña\nBrasil Deutschland España";
        assert_eq!(texts(menu).len(), 4);
        let footer = "会议要求，各部门要把任务落到实处，确保春耕生产顺利推进，为全年粮食丰收打\n网站地图 联系我们 网站声明";
        assert_eq!(texts(footer).len(), 2);
    }

    #[test]
    fn caption_heading_and_paragraph_stay_apart() {
        let page = "村民在田间查看麦苗长势。李明 摄\n一、强化组织领导\n各乡镇要成立工作专班，明确责任人，确保各项措施落到实处。";
        assert_eq!(texts(page).len(), 3);
    }

    #[test]
    fn paragraphs_ending_without_full_stops_by_style_stay_apart() {
        let page = "本作的玩法是经典纸牌，加入了装备、升级和技能等元素。这些元素会让玩家更快地完成牌组\n游戏中设计了五百多个关卡，玩家可以在休闲的同时逐步成长。这一点很受欢迎\n游戏在商店售价三十六元，支持两种系统，暂时没有中文。";
        assert_eq!(texts(page).len(), 3);
    }

    #[test]
    fn the_first_character_filter_agrees_with_the_heading_pattern() {
        for c in ('\0'..='\u{FFFF}').chain(['\u{1D7CE}', '\u{104A0}', '\u{1E950}']) {
            for rest in [
                "",
                "、",
                "、标题",
                "一）",
                "1、",
                "12、",
                "章",
                "-",
                "—",
                ")",
            ] {
                let line = format!("{c}{rest}");
                assert_eq!(
                    heading_start(&line),
                    HEADING_START.is_match(&line),
                    "{line:?}"
                );
            }
        }
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
