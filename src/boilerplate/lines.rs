//! Per-line evidence for the page model ([`super::page`]).
//!
//! One pass over a line's comparison key measures what separates running
//! text from page furniture in Chinese and in the spaced scripts alike
//! (METHODS.md, "What follows for chaff"):
//!
//! | evidence | running text | furniture |
//! |---|---|---|
//! | length, per script ([`LineEvidence::text_length`]) | long | short |
//! | function words ([`LineEvidence::function_density`]) | CJK ≈ 10–25 % of ideographs; English ≈ 35–50 % of words | near 0 |
//! | punctuation ([`LineEvidence::punctuation_density`]) | a clause mark every 10–20 ideographs or words | none, or separators |
//! | how the line ends ([`Ending`]) | a sentence end | nothing, `...`, a colon |
//! | digits, dates, link-like tokens, separators | few | many |
//!
//! Structural hints from an HTML reader ([`LineHints`]) are optional: the
//! model uses them when present and works from the text alone otherwise.

use std::sync::LazyLock;

use regex::Regex;

use super::stopwords::{LANGUAGE_COUNT, cjk_function_chars, language_mask, language_mask_of_bytes};
use crate::chars::{ideograph_at, is_han_or_kana as is_ideograph};

/// What an HTML reader knows about the block a line came from. Every field
/// is optional; text input has none of them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LineHints {
    /// Share of the block's characters inside links (`<a>`), 0 to 1.
    pub link_density: Option<f32>,
    /// `Some(1..=6)` for `<h1>`…`<h6>`.
    pub heading_level: Option<u8>,
    /// The block is an item of a list (`<li>`, `<dd>`, `<dt>`).
    pub in_list: bool,
    /// Lower-case `class` and `id` tokens of the block and its ancestors.
    pub class_tokens: Vec<String>,
    /// Tag names from the root to the block (`["html", "body", "div", "p"]`).
    pub tag_path: Vec<String>,
}

/// How a line ends, after closing quotes and brackets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// `。` `.` `!` `?` (and their full-width forms): a sentence ends.
    Sentence,
    /// `,` `、` `;`: the text goes on.
    Clause,
    /// `:`: a label, or an introduction to what follows.
    Colon,
    /// `...` (or `…`): a teaser cut short.
    Truncated,
    /// Anything else: a heading, a link, a label, a name.
    Open,
}

/// The measurements of one line (its comparison key).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LineEvidence {
    /// Characters other than spaces.
    pub chars: u16,
    /// CJK ideographs and kana.
    pub ideographs: u16,
    /// Of those, function characters (`stopwords::CJK_FUNCTION_CHARS`).
    pub function_chars: u16,
    /// Words of the spaced scripts (Latin, Cyrillic, Greek, Hangul…).
    pub words: u16,
    /// Words that start with an upper-case letter.
    pub capitalized: u16,
    /// Stop words per language of [`super::stopwords::LANGUAGES`].
    pub stop_words: [u16; LANGUAGE_COUNT],
    /// Sentence ends inside the line (`。!?;`, a `.` closing a word).
    pub sentence_ends: u16,
    /// Clause marks (`,` `、` `:`), and spaces after a clause's worth of
    /// ideographs, which informal Chinese writing uses as commas.
    pub clause_marks: u16,
    /// ASCII digits.
    pub digits: u16,
    /// Characters in link-like tokens (URLs, e-mail addresses, domains).
    pub link_chars: u16,
    /// Separators between menu items (`|` `·` `•` `>` `»` `›` `丨`, a lone `-` or `/`).
    pub separators: u16,
    /// Holds a date or a time of day.
    pub date: bool,
    /// How the line ends.
    pub ending: Ending,
    /// Opens like a list item (a bullet, `1.`, `(1)`, `一、`).
    pub list_marker: bool,
    /// Reads like a line of program code (`def parse():`,
    /// `client = redis.Redis()`, `import json`): code blocks in technical
    /// articles are short lines without prose, and belong to the text.
    pub code: bool,
}

/// A space after a run of this many ideographs separates clauses (informal
/// writing); after fewer, it separates menu items or names
/// (`新闻中心 政务公开`).
const CLAUSE_IDEOGRAPHS: usize = 6;

/// One ideograph carries about as much text as this many Latin characters:
/// jusText's `length_low` of 70 characters against 25 ideographs for the
/// same role in Chinese (`features::GOOD_MIN_CHARS` / `GOOD_MIN_CHARS_CJK`).
pub const IDEOGRAPH_WEIGHT: f32 = 70.0 / 25.0;

static DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&ascii_word_boundaries(
        r"(?ix)
        \d{4}\s?[-/.年]\s?\d{1,2}\s?[-/.月]\s?\d{1,2}      # 2019-09-07, 2019年9月7日
        | \b\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}\b              # 9/7/2019, 07.09.19
        | \b\d{1,2}:\d{2}\b                                # 13:43
        | \d{1,2}月\d{1,2}日
        | \b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s\d{1,2}(?:st|nd|rd|th)?,?\s\d{4}
        | (?:^|[\s(])\d{1,2}\.?\s(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?,?\s\d{4}
        | \b\d+\s(?:seconds?|minutes?|mins?|hours?|hrs?|days?|weeks?)\sago\b
        | \d+\s?(?:分钟|小时|天)前 | ^(?:昨天|前天|今天|刚刚)
        ",
    ))
    .expect("static regex")
});

/// `pattern` with its word boundaries (`\b`) made ASCII: the regex crate's
/// lazy DFA handles only ASCII word boundaries, and on CJK text a Unicode
/// `\b` sends every search to its far slower PikeVM. The words the rules
/// look for are ASCII.
pub(crate) fn ascii_word_boundaries(pattern: &str) -> String {
    pattern.replace(r"\b", r"(?-u:\b)")
}

/// Where the first date or time in `key` stands, as a byte range.
pub fn date_span(key: &str) -> Option<(usize, usize)> {
    DATE.find(key).map(|m| (m.start(), m.end()))
}

/// A line of code: mostly ASCII, and a keyword opens it, or it is a call,
/// a definition or an assignment, or a lone bracket.
fn is_code(key: &str) -> bool {
    static CODE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(&ascii_word_boundaries(
            r"(?x)
            ^(?:import|from|def|class|return|elif|else:|try:|except|finally:|raise|yield|async|await
               |function|var|let|const|public|private|static|void|\#include|package|fn|pub|use|impl
               |print|console\.log|SELECT|INSERT|UPDATE|>>>|\$\ )\b
            | ^(?:if|for|while|with|switch|catch)\b.*[:{]$
            | ^[a-z_][\w.]*(?:\[[^\]]*\])?\s*[-+*/]?=\s*\S
            | ^[A-Za-z_][\w.]*\(.*\)\s*[:;{]?$
            | ^[})\]]+[;,]?$
            ",
        ))
        .expect("static regex")
    });
    let ascii = key.bytes().filter(u8::is_ascii).count();
    ascii * 2 >= key.len() && CODE.is_match(key)
}

/// The numerals that open Chinese list items (`一、`).
fn is_list_numeral(c: char) -> bool {
    matches!(
        c,
        '一' | '二' | '三' | '四' | '五' | '六' | '七' | '八' | '九' | '十'
    )
}

/// A line opens like a list item.
static LIST_MARKER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?:[•·●○◆◇■□▪▫►▶\-*–—]\s|\(?\d{1,3}[.)、]\s?|\(?[a-z][.)]\s|[(（][一二三四五六七八九十\d]{1,3}[)）]|[一二三四五六七八九十]{1,3}[、.])",
    )
    .expect("static regex")
});

impl LineEvidence {
    /// Measures a comparison key (NFKC, whitespace folded).
    ///
    /// ```
    /// use chaff::boilerplate::lines::{Ending, LineEvidence};
    /// let e = LineEvidence::measure("市政府召开常务会议,研究部署了今年的重点工作。");
    /// assert_eq!(e.ending, Ending::Sentence);
    /// assert!(e.function_chars >= 2);
    /// let e = LineEvidence::measure("Home | News | Sport | Weather");
    /// assert_eq!(e.separators, 3);
    /// assert_eq!(e.ending, Ending::Open);
    /// ```
    pub fn measure(key: &str) -> LineEvidence {
        let mut e = LineEvidence {
            chars: 0,
            ideographs: 0,
            function_chars: 0,
            words: 0,
            capitalized: 0,
            stop_words: [0; LANGUAGE_COUNT],
            sentence_ends: 0,
            clause_marks: 0,
            digits: 0,
            link_chars: 0,
            separators: 0,
            date: false,
            ending: ending(key),
            list_marker: key
                .chars()
                .next()
                .is_some_and(|c| !c.is_alphabetic() || c.is_ascii() || is_list_numeral(c))
                && LIST_MARKER.is_match(key),
            code: false,
        };
        let mut lower = String::new();
        let function_chars = cjk_function_chars();
        // Ideographs ending the previous token, if it ends in a clause's
        // worth of them.
        let mut previous_run = 0usize;
        for token in tokens(key) {
            let first = token.chars().next().unwrap_or(' ');
            if previous_run >= CLAUSE_IDEOGRAPHS && is_ideograph(first) {
                e.clause_marks = e.clause_marks.saturating_add(1);
            }
            if token.len() == first.len_utf8() && matches!(first, '-' | '/' | '–' | '—') {
                // One character: a separator between menu items.
                e.chars = e.chars.saturating_add(1);
                e.separators = e.separators.saturating_add(1);
                previous_run = 0;
                continue;
            }
            if super::features::is_link_like(token) {
                // ASCII: as many characters as bytes, none an ideograph.
                e.chars = e.chars.saturating_add(count(token.len()));
                e.link_chars = e.link_chars.saturating_add(count(token.len()));
                previous_run = 0;
                continue;
            }
            // One pass over the token: its length, the ideographs ending
            // it, and what each character counts for. ASCII and unified
            // ideographs (nearly every character of English and Chinese
            // text) are read from their bytes ([`ideograph_at`]), the
            // others decoded.
            let (mut token_chars, mut run) = (0usize, 0usize);
            let mut letters = false;
            let mut previous = ' ';
            let bytes = token.as_bytes();
            let mut at = 0;
            while at < bytes.len() {
                let (c, ideograph) = if bytes[at].is_ascii() {
                    (char::from(bytes[at]), false)
                } else if let Some(c) = ideograph_at(bytes, at) {
                    (c, true)
                } else {
                    match token[at..].chars().next() {
                        Some(c) => (c, is_ideograph(c)),
                        None => break,
                    }
                };
                at += c.len_utf8();
                token_chars += 1;
                if ideograph {
                    run += 1;
                    e.ideographs = e.ideographs.saturating_add(1);
                    e.function_chars = e
                        .function_chars
                        .saturating_add(u16::from(function_chars.contains(c)));
                    previous = c;
                    continue;
                }
                run = 0;
                if c.is_ascii_digit() {
                    e.digits = e.digits.saturating_add(1);
                } else if is_alphabetic(c) {
                    letters = true;
                } else {
                    match c {
                        '。' | '!' | '?' | ';' | '｡' => {
                            e.sentence_ends = e.sentence_ends.saturating_add(1);
                        }
                        '.' if token[at..]
                            .chars()
                            .next()
                            .is_none_or(|n| !n.is_alphanumeric())
                            && (previous.is_alphabetic() || previous == ')') =>
                        {
                            e.sentence_ends = e.sentence_ends.saturating_add(1);
                        }
                        ',' | '、' | ':' => e.clause_marks = e.clause_marks.saturating_add(1),
                        '|' | '·' | '•' | '>' | '»' | '›' | '¦' | '丨' => {
                            e.separators = e.separators.saturating_add(1);
                        }
                        _ => {}
                    }
                }
                previous = c;
            }
            e.chars = e.chars.saturating_add(count(token_chars));
            previous_run = run;
            if letters {
                e.words = e.words.saturating_add(1);
                let word = token.trim_matches(|c: char| !c.is_alphabetic());
                if word.chars().next().is_some_and(char::is_uppercase) {
                    e.capitalized = e.capitalized.saturating_add(1);
                }
                if !word.is_empty() && word.len() <= 16 && !word.chars().any(is_ideograph) {
                    let mask = if word.is_ascii() {
                        let mut bytes = [0u8; 16];
                        bytes[..word.len()].copy_from_slice(word.as_bytes());
                        bytes[..word.len()].make_ascii_lowercase();
                        language_mask_of_bytes(&bytes[..word.len()])
                    } else {
                        lower.clear();
                        lower.extend(word.chars().flat_map(char::to_lowercase));
                        language_mask(&lower)
                    };
                    if mask != 0 {
                        for (bit, n) in e.stop_words.iter_mut().enumerate() {
                            *n = n.saturating_add(u16::from(mask & (1 << bit) != 0));
                        }
                    }
                }
            }
        }
        e.code = key.len() <= 200 && is_code(key);
        // Hangul, Cyrillic and Latin digits and letters only matter as words.
        e.date = e.digits > 0 && key.len() <= 400 && DATE.is_match(key)
            || key.starts_with(['昨', '前', '今', '刚']) && DATE.is_match(key);
        e
    }

    /// Length in Latin-equivalent characters: other characters count 1,
    /// ideographs [`IDEOGRAPH_WEIGHT`].
    pub fn text_length(&self) -> f32 {
        f32::from(self.chars - self.ideographs.min(self.chars))
            + f32::from(self.ideographs) * IDEOGRAPH_WEIGHT
    }

    /// Whether the line is measured as Chinese (more ideographs than words).
    pub fn is_cjk(&self) -> bool {
        self.ideographs > 0 && self.ideographs >= self.words
    }

    /// Function words per unit of text: per ideograph for a Chinese line,
    /// per word of `language` for the others.
    pub fn function_density(&self, language: &PageLanguage) -> f32 {
        if self.is_cjk() {
            share(self.function_chars, self.ideographs)
        } else {
            language
                .index
                .map_or(0.0, |i| share(self.stop_words[i], self.words))
        }
    }

    /// Sentence ends and clause marks per unit of text (ideograph or word).
    pub fn punctuation_density(&self) -> f32 {
        let units = if self.is_cjk() {
            self.ideographs
        } else {
            self.words
        };
        share(self.sentence_ends + self.clause_marks, units)
    }

    /// Share of characters that are digits.
    pub fn digit_share(&self) -> f32 {
        share(self.digits, self.chars)
    }

    /// Share of characters in link-like tokens.
    pub fn link_share(&self) -> f32 {
        share(self.link_chars, self.chars)
    }

    /// Share of words that start in upper case (title case: "Obama Urges
    /// Sudan to Allow Aid Groups Back").
    pub fn capitalized_share(&self) -> f32 {
        share(self.capitalized, self.words)
    }
}

/// The tokens of a key between its spaces, found with `memchr` (a key is
/// mostly one long token in Chinese text).
fn tokens(key: &str) -> impl Iterator<Item = &str> {
    let mut start = 0;
    memchr::memchr_iter(b' ', key.as_bytes())
        .chain(std::iter::once(key.len()))
        .map(move |end| {
            let token = &key[start..end];
            start = end + 1;
            token
        })
        .filter(|t| !t.is_empty())
}

/// `char::is_alphabetic`, without its table lookup for the punctuation of
/// running text (general punctuation, CJK symbols and punctuation), none
/// of which is alphabetic.
fn is_alphabetic(c: char) -> bool {
    match u32::from(c) {
        0..=0x7F => c.is_ascii_alphabetic(),
        0x2000..=0x206F | 0x3000..=0x3004 | 0x3008..=0x3020 => false,
        _ => c.is_alphabetic(),
    }
}

fn count(n: usize) -> u16 {
    u16::try_from(n).unwrap_or(u16::MAX)
}

fn share(part: u16, whole: u16) -> f32 {
    if whole == 0 {
        0.0
    } else {
        f32::from(part) / f32::from(whole)
    }
}

/// How `key` ends, looking through closing quotes and brackets.
fn ending(key: &str) -> Ending {
    let trimmed = key.trim_end_matches([
        '"', '\'', '”', '’', '」', '』', ')', ']', '】', '》', '〉', ' ', '*',
    ]);
    if trimmed.ends_with("..") || trimmed.ends_with('…') {
        return Ending::Truncated;
    }
    match trimmed.chars().next_back() {
        Some('。' | '.' | '!' | '?' | '｡') => Ending::Sentence,
        Some(',' | '、' | ';') => Ending::Clause,
        Some(':') => Ending::Colon,
        _ => Ending::Open,
    }
}

/// The page's language for stop-word counting: the list that covers most
/// of its words, if it covers enough of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageLanguage {
    /// Index into [`super::stopwords::LANGUAGES`], or `None` when no list
    /// covers at least [`PageLanguage::MIN_COVERAGE`] of the words (Korean,
    /// or a language without a list): then only punctuation speaks for
    /// prose.
    pub index: Option<usize>,
}

impl PageLanguage {
    /// The share of a page's words a stop list must cover to be taken as
    /// its language. Prose is 30–50 % function words (jusText's marks are
    /// 0.30/0.32); a page is half prose or less, and our lists are short.
    pub const MIN_COVERAGE: f32 = 0.10;

    /// Picks the language of the lines measured.
    ///
    /// ```
    /// use chaff::boilerplate::lines::{LineEvidence, PageLanguage};
    /// use chaff::boilerplate::stopwords::LANGUAGES;
    /// let lines = ["Die Stadt hat den Haushalt für das nächste Jahr beschlossen."].map(LineEvidence::measure);
    /// let language = PageLanguage::detect(&lines);
    /// assert_eq!(language.index.map(|i| LANGUAGES[i]), Some("de"));
    /// ```
    pub fn detect(lines: &[LineEvidence]) -> PageLanguage {
        let mut hits = [0u32; LANGUAGE_COUNT];
        let mut words = 0u32;
        for line in lines {
            words += u32::from(line.words);
            for (total, n) in hits.iter_mut().zip(line.stop_words) {
                *total += u32::from(n);
            }
        }
        let best = (0..LANGUAGE_COUNT).max_by_key(|&i| (hits[i], std::cmp::Reverse(i)));
        PageLanguage {
            index: best
                .filter(|&i| words > 0 && hits[i] as f32 >= Self::MIN_COVERAGE * words as f32),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::comparison_key;

    fn measure(text: &str) -> LineEvidence {
        LineEvidence::measure(&comparison_key(text))
    }

    #[test]
    fn endings_in_both_widths() {
        assert_eq!(
            measure("会议要求各部门把任务落到实处。").ending,
            Ending::Sentence
        );
        assert_eq!(measure("他说：“我们会继续努力！”").ending, Ending::Sentence);
        assert_eq!(measure("常见的原因主要包括：").ending, Ending::Colon);
        assert_eq!(measure("The plan covers:").ending, Ending::Colon);
        assert_eq!(measure("京沪高速北京方向，").ending, Ending::Clause);
        assert_eq!(measure("市领导调研春耕生产工作…").ending, Ending::Truncated);
        assert_eq!(
            measure("Council backs new bus lanes...").ending,
            Ending::Truncated
        );
        assert_eq!(measure("春耕生产有序推进").ending, Ending::Open);
    }

    #[test]
    fn prose_and_chrome_differ_in_both_scripts() {
        let language = PageLanguage { index: Some(0) };
        let prose =
            measure("市政府召开常务会议，研究部署了今年的重点工作，会议要求各部门把任务落到实处。");
        let menu = measure("新闻中心 政务公开 办事服务 互动交流");
        assert!(prose.function_density(&language) > 0.1);
        assert!(prose.punctuation_density() > 0.05);
        assert_eq!(menu.function_density(&language), 0.0);
        assert_eq!(menu.punctuation_density(), 0.0);
        let prose = measure(
            "The council approved the budget on Monday, and the mayor said it would fund more buses.",
        );
        let menu = measure("News Sport Weather Travel Culture");
        assert!(prose.function_density(&language) > 0.3);
        assert_eq!(menu.function_density(&language), 0.0);
        assert!(menu.capitalized_share() == 1.0);
    }

    #[test]
    fn spaces_between_ideographs_are_clause_marks() {
        let e = measure("一波寒流报到 已将后山一带染成红色 也是拍照的好时节");
        assert_eq!(e.clause_marks, 2);
    }

    #[test]
    fn dates_times_and_ages() {
        for text in [
            "2019-09-07 13:43:45 来源: 某某日报",
            "发布时间：2022年02月11日",
            "By Jane Doe March 9, 2017",
            "24 July 2015",
            "12-27 18:40",
            "49 minutes ago",
            "3小时前",
        ] {
            assert!(measure(text).date, "{text}");
        }
        for text in ["全年增长7.3%", "第3版", "The 2 cats sat."] {
            assert!(!measure(text).date, "{text}");
        }
    }

    #[test]
    fn separators_links_and_list_markers() {
        assert_eq!(measure("首页|新闻|图片|评论").separators, 3);
        assert_eq!(measure("搜狐首页 - 新闻 - 体育").separators, 2);
        assert_eq!(measure("www.example.gov.cn").link_share(), 1.0);
        for text in [
            "1. 坚持稳中求进",
            "• two new teachers",
            "(三)加强组织领导",
            "二、主要任务",
        ] {
            assert!(measure(text).list_marker, "{text}");
        }
        assert!(!measure("2023年全市经济运行平稳").list_marker);
    }

    #[test]
    fn code_lines() {
        for text in [
            "import json",
            "def parse():",
            "client = redis.Redis()",
            "handler.insert_one(json.loads(data))",
            "print('完成')",
            "if not data:",
            "}",
            "const total = items.length;",
        ] {
            assert!(measure(text).code, "{text}");
        }
        for text in [
            "The council approved the budget (after a long debate).",
            "Import duties rose in May.",
            "会议要求各部门把任务落到实处。",
            "Total = 12 districts",
        ] {
            assert!(!measure(text).code, "{text}");
        }
    }

    #[test]
    fn the_punctuation_shortcut_agrees_with_is_alphabetic() {
        for c in '\0'..=char::MAX {
            assert_eq!(is_alphabetic(c), c.is_alphabetic(), "{c:?}");
        }
    }

    #[test]
    fn language_is_the_best_covering_list_or_none() {
        let page: Vec<LineEvidence> = [
            "El ayuntamiento aprobó el presupuesto para el próximo año.",
            "La alcaldesa dijo que se construirán dos escuelas.",
        ]
        .iter()
        .map(|t| measure(t))
        .collect();
        let language = PageLanguage::detect(&page);
        assert_eq!(
            language
                .index
                .map(|i| super::super::stopwords::LANGUAGES[i]),
            Some("es")
        );
        let korean = [measure(
            "시의회는 내년 예산을 승인했다. 시장은 버스를 늘리겠다고 말했다.",
        )];
        assert_eq!(PageLanguage::detect(&korean).index, None);
        assert_eq!(korean[0].words, 8);
        assert_eq!(korean[0].sentence_ends, 2);
    }
}
