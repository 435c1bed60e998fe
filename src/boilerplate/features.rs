//! The statistical layer: what a line's own text says about it.
//!
//! Rules name chrome they know; this layer scores what they have never
//! seen, from the features that jusText (Pomikálek 2011) and trafilatura
//! found to separate running text from page furniture:
//!
//! | feature | running text | chrome |
//! |---|---|---|
//! | sentence endings (`。！？.!?`) | nearly always | rarely |
//! | stop-word density | CJK function characters ≈ 8–15 % of ideographs; English stop words ≈ 35–50 % of words | near 0 |
//! | digits and symbols | dates and figures inside prose, < 30 % | phone numbers, postcodes, registration numbers |
//! | link-like tokens | rare | URLs, e-mail addresses, domains |
//! | position | between other text | after the last paragraph of text (footers) |
//!
//! Three decisions, each conservative (all of its conditions must hold), so
//! that headings, titles and short captions, which also lack sentence
//! endings and stop words, are kept:
//!
//! - `link_density`: more than 80 % of the line's characters are in
//!   link-like tokens. jusText drops a block whose anchor text exceeds 20 %
//!   of it; from plain text we only see URLs, e-mails and domains, so the
//!   bar is higher.
//! - `digit_row`: no sentence ending, stop-word density below the "low"
//!   mark, and at least half of the characters digits or symbols. Phone,
//!   postcode and registration rows are 60–90 %; prose with figures stays
//!   near 20 % ("1—11月,全市规模以上工业增加值同比增长7.3%。"), numbered
//!   headings below 40 % ("一、2023年工作回顾").
//! - `page_tail`: after the page's last *good* paragraph (at least
//!   [`GOOD_MIN_CHARS_CJK`] ideographs or [`GOOD_MIN_CHARS`] Latin characters, a sentence ending, stop-word density at
//!   the "high" mark), a line of at most [`TAIL_MAX_CHARS`] characters with
//!   no sentence ending and low stop-word density is footer furniture.
//!   Pages with no good paragraph (lists of headlines) are left alone.
//!
//! The density marks follow jusText's `stopwords_low`/`stopwords_high`
//! (0.30/0.32 of words) for English. For Chinese, counted over ideographs,
//! they are 0.01 and 0.015, from the gold-labelled sample pages: of 225
//! prose paragraphs (25+ ideographs with a sentence ending) none has
//! density 0, the 5th percentile is 0.017 and the median 0.062; of 84 short
//! boilerplate lines 70 have density 0. Short content lines (headings) are
//! often 0 too, which is why density alone never drops a line.

use std::sync::LazyLock;

use crate::chars::{IDEOGRAPHS, is_cjk, is_soft_punctuation};

/// Ideographs that are function words in running Chinese: particles,
/// prepositions, conjunctions, pronouns, common auxiliaries. Characters
/// that as often start chrome words are left out: 们 (联系我们), 地 (地图,
/// 地址), 会 (会员), 个 (个人中心), 和 (place names such as 呼和浩特).
const CJK_STOP_CHARS: &str = "的了是在与及对为也将把被从以而并等之其这那就都要能不到说着过得向于由或但还又很更最已让给此该各每我你他她它";

/// English stop words (the most frequent function words).
#[rustfmt::skip]
const ENGLISH_STOP_WORDS: &[&str] = &[
    "a", "an", "the", "of", "and", "or", "but", "to", "in", "on", "at", "by", "for", "with",
    "from", "as", "is", "are", "was", "were", "be", "been", "being", "it", "its", "this",
    "that", "these", "those", "he", "she", "they", "we", "you", "i", "his", "her", "their",
    "our", "your", "not", "no", "have", "has", "had", "will", "would", "can", "could",
    "should", "may", "which", "who", "what", "when", "where", "there", "than", "then", "so",
    "if", "about", "into", "over", "after", "before", "also", "said", "do", "does", "did",
];

/// Stop-word density marks, Chinese (share of ideographs).
const CJK_STOP_LOW: f32 = 0.01;
const CJK_STOP_HIGH: f32 = 0.015;
/// Stop-word density marks, English (share of words), jusText's defaults.
const LATIN_STOP_LOW: f32 = 0.30;
const LATIN_STOP_HIGH: f32 = 0.32;
/// Share of characters in link-like tokens above which a line is links.
const MAX_LINK_SHARE: f32 = 0.8;
/// Share of digits and symbols from which an unpunctuated line is a row
/// of numbers.
const MIN_DIGIT_SHARE: f32 = 0.5;
/// A good paragraph has at least this many characters: jusText's
/// `length_low` (70) for Latin text; for Chinese, [`GOOD_MIN_CHARS_CJK`].
pub const GOOD_MIN_CHARS: usize = 70;
/// A good Chinese paragraph has at least this many characters: 25 (an
/// ideograph carries about as much as three Latin characters).
pub const GOOD_MIN_CHARS_CJK: usize = 25;
/// The longest line the page-tail decision drops.
pub const TAIL_MAX_CHARS: usize = 40;

/// The features of one line (its comparison key).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct TextFeatures {
    /// Characters other than spaces.
    pub chars: usize,
    /// Sentence-ending punctuation marks.
    pub sentence_ends: usize,
    /// Digits and symbols (not letters, ideographs or punctuation).
    pub digits_and_symbols: usize,
    /// Characters inside link-like tokens (URLs, e-mails, domains).
    pub link_chars: usize,
    /// Ideographs (CJK characters).
    pub ideographs: usize,
    /// Those of the ideographs that are function characters.
    pub ideograph_stops: usize,
    /// Latin words.
    pub words: usize,
    /// Those of the words that are stop words.
    pub word_stops: usize,
}

impl TextFeatures {
    /// Measures a comparison key.
    ///
    /// ```
    /// use chaff::boilerplate::TextFeatures;
    /// let f = TextFeatures::of("电话:0471-6601234 邮编:010010");
    /// assert_eq!(f.sentence_ends, 0);
    /// assert!(f.digit_share() > 0.5);
    /// ```
    pub fn of(key: &str) -> TextFeatures {
        let mut f = TextFeatures::default();
        for token in key.split(' ').filter(|t| !t.is_empty()) {
            let token_chars = token.chars().count();
            f.chars += token_chars;
            if is_link_like(token) {
                f.link_chars += token_chars;
                continue;
            }
            let mut chars = token.chars().peekable();
            while let Some(c) = chars.next() {
                if is_cjk(c) {
                    f.ideographs += 1;
                    f.ideograph_stops += usize::from(is_cjk_stop_char(c));
                } else if matches!(c, '。' | '!' | '?' | '！' | '？' | ';' | '；') {
                    f.sentence_ends += 1;
                } else if c == '.' {
                    // A full stop, not a decimal point or an abbreviation dot
                    // inside a token.
                    f.sentence_ends += usize::from(chars.peek().is_none());
                    f.digits_and_symbols += usize::from(chars.peek().is_some());
                } else if c.is_ascii() {
                    f.digits_and_symbols +=
                        usize::from(!c.is_ascii_alphabetic() && !is_soft_punctuation(c));
                } else if !c.is_alphabetic() && !is_soft_punctuation(c) {
                    f.digits_and_symbols += 1;
                }
            }
            let word = token.trim_matches(|c: char| !c.is_alphanumeric());
            if !word.is_empty() && word.bytes().all(|b| b.is_ascii_alphabetic()) {
                f.words += 1;
                f.word_stops += usize::from(is_english_stop_word(word));
            }
        }
        f
    }

    /// Share of characters that are digits or symbols.
    pub fn digit_share(&self) -> f32 {
        share(self.digits_and_symbols, self.chars)
    }

    /// Share of characters in link-like tokens.
    pub fn link_share(&self) -> f32 {
        share(self.link_chars, self.chars)
    }

    /// Whether the line is measured as Chinese: more ideographs than
    /// Latin words.
    fn is_cjk(&self) -> bool {
        self.ideographs >= self.words
    }

    /// Stop-word density against the low and high marks of the line's
    /// script: `(density, low, high)`.
    fn stop_density(&self) -> (f32, f32, f32) {
        if self.is_cjk() {
            (
                share(self.ideograph_stops, self.ideographs),
                CJK_STOP_LOW,
                CJK_STOP_HIGH,
            )
        } else {
            (
                share(self.word_stops, self.words),
                LATIN_STOP_LOW,
                LATIN_STOP_HIGH,
            )
        }
    }

    fn low_stop_density(&self) -> bool {
        let (density, low, _) = self.stop_density();
        density < low
    }

    /// Reads as running text: long enough, ends a sentence, has the stop
    /// words of prose.
    pub fn is_good(&self) -> bool {
        let (density, _, high) = self.stop_density();
        let min_chars = if self.is_cjk() {
            GOOD_MIN_CHARS_CJK
        } else {
            GOOD_MIN_CHARS
        };
        self.chars >= min_chars && self.sentence_ends > 0 && density >= high
    }
}

fn is_cjk_stop_char(c: char) -> bool {
    static STOP_BITS: LazyLock<Vec<u64>> = LazyLock::new(|| {
        // One bit per character of the CJK Unified Ideographs block.
        let first = *IDEOGRAPHS.start() as u32;
        let mut bits = vec![0u64; (*IDEOGRAPHS.end() as u32 - first) as usize / 64 + 1];
        for c in CJK_STOP_CHARS.chars() {
            let at = (c as u32 - first) as usize;
            bits[at / 64] |= 1 << (at % 64);
        }
        bits
    });
    IDEOGRAPHS.contains(&c) && {
        let at = (c as u32 - *IDEOGRAPHS.start() as u32) as usize;
        STOP_BITS[at / 64] & (1 << (at % 64)) != 0
    }
}

/// `word` is ASCII letters.
fn is_english_stop_word(word: &str) -> bool {
    static SORTED: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
        let mut words = ENGLISH_STOP_WORDS.to_vec();
        words.sort_unstable();
        words
    });
    let mut lower = [0u8; 6];
    if word.len() > lower.len() {
        return false;
    }
    for (to, from) in lower.iter_mut().zip(word.bytes()) {
        *to = from.to_ascii_lowercase();
    }
    std::str::from_utf8(&lower[..word.len()])
        .is_ok_and(|lower| SORTED.binary_search(&lower).is_ok())
}

fn share(part: usize, whole: usize) -> f32 {
    if whole == 0 {
        0.0
    } else {
        part as f32 / whole as f32
    }
}

/// A URL, an e-mail address or a bare domain.
pub(crate) fn is_link_like(token: &str) -> bool {
    if !token.is_ascii() || !token.contains(['.', '@', ':']) {
        return false;
    }
    // ASCII case-insensitive throughout, without a lower-case copy per token.
    let ends_with = |text: &str, suffix: &str| {
        text.len() >= suffix.len()
            && text.as_bytes()[text.len() - suffix.len()..].eq_ignore_ascii_case(suffix.as_bytes())
    };
    if token.contains("://")
        || token
            .get(..4)
            .is_some_and(|p| p.eq_ignore_ascii_case("www."))
    {
        return true;
    }
    if let Some((user, host)) = token.split_once('@') {
        return !user.is_empty() && host.contains('.') && !host.ends_with('.');
    }
    const SUFFIXES: &[&str] = &[
        ".com", ".cn", ".net", ".org", ".gov", ".edu", ".html", ".htm", ".shtml", ".php", ".asp",
        ".aspx", ".jsp",
    ];
    let trimmed = token.trim_end_matches(['/', ')']);
    trimmed.contains('.') && SUFFIXES.iter().any(|s| ends_with(trimmed, s))
}

/// The statistical verdict on every line of a page that the rules kept:
/// `Some(reason)` drops it.
pub fn classify(keys: &[&str], kept_by_rules: &[bool]) -> Vec<Option<&'static str>> {
    let features: Vec<TextFeatures> = keys.iter().map(|k| TextFeatures::of(k)).collect();
    let last_good = features.iter().rposition(TextFeatures::is_good);
    features
        .iter()
        .enumerate()
        .map(|(i, f)| {
            if !kept_by_rules[i] || f.chars == 0 {
                return None;
            }
            if f.link_share() > MAX_LINK_SHARE {
                return Some("link_density");
            }
            let plain = f.sentence_ends == 0 && f.low_stop_density();
            if plain && f.digit_share() >= MIN_DIGIT_SHARE {
                return Some("digit_row");
            }
            if plain && f.chars <= TAIL_MAX_CHARS && last_good.is_some_and(|last| i > last) {
                return Some("page_tail");
            }
            None
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(text: &str) -> String {
        crate::normalize::comparison_key(text)
    }

    #[test]
    fn prose_is_good_in_both_scripts() {
        for text in [
            "市政府召开常务会议，研究部署了今年的重点工作，会议要求各部门把任务落到实处。",
            "The council approved the new budget on Monday, and the mayor said it would fund more buses.",
        ] {
            assert!(TextFeatures::of(&key(text)).is_good(), "{text}");
        }
    }

    #[test]
    fn links_and_numbers_are_not_text() {
        let f = TextFeatures::of(&key("http://www.example.gov.cn/zwgk/index.html"));
        assert_eq!(f.link_share(), 1.0);
        let f = TextFeatures::of(&key("info@city.example.org"));
        assert_eq!(f.link_share(), 1.0);
        let f = TextFeatures::of(&key("电话：0571-87654321　传真：0571-87654322"));
        assert!(f.digit_share() >= MIN_DIGIT_SHARE, "{f:?}");
        for text in [
            "1—11月，全市规模以上工业增加值同比增长7.3%。",
            "一、2023年工作回顾",
        ] {
            let f = TextFeatures::of(&key(text));
            assert!(f.digit_share() < MIN_DIGIT_SHARE, "{text}: {f:?}");
        }
    }

    /// Classifies a page of `(text, expected class)` with no rule drops and
    /// compares.
    fn assert_classes(page: &[(&str, Option<&'static str>)]) {
        let keys: Vec<String> = page.iter().map(|(t, _)| key(t)).collect();
        let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
        let classes = classify(&keys, &vec![true; keys.len()]);
        let expected: Vec<_> = page.iter().map(|(_, class)| *class).collect();
        assert_eq!(classes, expected);
    }

    /// A county portal in the layout of none of the samples: the rules know
    /// none of its footer rows.
    #[test]
    fn unseen_portal_loses_its_footer_and_keeps_its_article() {
        let page = [
            ("青山县召开2024年春耕生产工作会议", None),
            (
                "3月12日,青山县召开春耕生产工作会议,总结去年农业农村工作,安排部署今年的春耕备耕任务。",
                None,
            ),
            (
                "会议指出,各乡镇要把粮食生产摆在突出位置,确保种子、化肥等农资供应充足,价格稳定。",
                None,
            ),
            ("二是抓好高标准农田建设", None),
            (
                "全年计划新建高标准农田5.2万亩,其中3月底前完成招标,6月底前完成主体工程。",
                None,
            ),
            ("青山县人民政府办公室 主办", Some("page_tail")),
            ("www.qingshan.gov.cn", Some("link_density")),
            ("0476-8123456 025500", Some("digit_row")),
            ("县政务服务中心 县融媒体中心", Some("page_tail")),
        ];
        assert_classes(&page);
    }

    #[test]
    fn unseen_english_site_loses_its_footer() {
        let page = [
            ("City to expand night bus service", None),
            (
                "The transit authority will add six night routes from April, the board said on Tuesday after a vote.",
                None,
            ),
            (
                "Riders can find the new timetables at https://transit.example.org/night",
                None,
            ),
            ("Springfield Transit Authority", Some("page_tail")),
            ("https://transit.example.org", Some("link_density")),
            ("+1 555 0100 / 555 0199", Some("digit_row")),
        ];
        assert_classes(&page);
    }

    #[test]
    fn a_page_of_headlines_is_left_alone() {
        let keys = [
            "春耕生产有序推进",
            "全县完成植树造林3万亩",
            "县领导调研乡村振兴工作",
        ];
        assert_eq!(classify(&keys, &[true; 3]), [None, None, None]);
    }

    #[test]
    fn tables_of_figures_inside_an_article_are_not_dropped_for_position() {
        // A heading and short rows before the last good paragraph stay.
        let keys = [
            "主要经济指标",
            "地区生产总值增长7.3%",
            "全市地区生产总值完成3802亿元,比上年增长7.3%,增速居全区第一,经济运行总体平稳。",
        ];
        let keys: Vec<String> = keys.iter().map(|t| key(t)).collect();
        let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
        assert_eq!(classify(&keys, &[true; 3]), [None, None, None]);
    }
}
