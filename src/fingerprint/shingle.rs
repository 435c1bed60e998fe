//! Shingles: the comparison key read as runs of one script, CJK runs cut
//! into character windows and word runs into word windows (see the
//! [module docs](super)), with the character tables that keep the
//! per-character tests off the standard library's binary searches.

use super::FingerprintConfig;
use crate::chars::{is_cjk, is_ideograph};

/// One shingle: consecutive characters of a CJK run or of a word run.
/// The feature hash reads only the characters, so the kind says where the
/// shingle came from and nothing more.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shingle<'a> {
    /// Consecutive characters of a CJK run (punctuation and spaces
    /// skipped).
    Cjk(&'a [char]),
    /// Consecutive characters of a word run: lowercased letters and digits,
    /// the words separated by one space (punctuation skipped).
    Word(&'a [char]),
    /// A fact counted again, as text `#n#` and its characters: copy `n`
    /// (of [`FingerprintConfig::fact_copies`]) of a number (a run of
    /// digits), or copy `n` (of [`FingerprintConfig::signature_copies`]) of
    /// the fact signature of a key with fewer than one letter in eight CJK:
    /// `~`, then its
    /// numbers and month and weekday names in order, each after a space
    /// (`~ 7 september 2019`).
    Fact(&'a [char], u8),
}

impl<'a> Shingle<'a> {
    /// The shingle's characters, for a character window (`None` for a
    /// [`Shingle::Fact`], whose text is written by [`Shingle::write_to`]).
    pub fn chars(self) -> Option<&'a [char]> {
        match self {
            Shingle::Cjk(chars) | Shingle::Word(chars) => Some(chars),
            Shingle::Fact(..) => None,
        }
    }

    /// The shingle as text.
    ///
    /// ```
    /// use chaff::fingerprint::Shingle;
    /// let mut text = String::new();
    /// Shingle::Cjk(&['呼', '和', '浩']).write_to(&mut text);
    /// assert_eq!(text, "呼和浩");
    /// Shingle::Word(&['e', ' ', 'c', 'i', 't']).write_to(&mut text);
    /// assert_eq!(text, "e cit");
    /// ```
    pub fn write_to(self, text: &mut String) {
        text.clear();
        match self {
            Shingle::Cjk(chars) | Shingle::Word(chars) => text.extend(chars),
            Shingle::Fact(digits, copy) => {
                use std::fmt::Write;
                // writing to a String cannot fail
                let _ = write!(text, "#{copy}#");
                text.extend(digits);
            }
        }
    }
}

/// Cuts keys into shingles in one pass, reusing its buffers from one key
/// to the next.
#[derive(Debug, Clone, Default)]
pub struct Shingler {
    /// The tail of the current CJK run.
    cjk: Vec<char>,
    /// The tail of the current word run: lowercased words separated by
    /// single spaces.
    word: Vec<char>,
    /// The current number (run of digits).
    digits: Vec<char>,
    /// The start of the current word (lowercased), up to
    /// [`MAX_DATE_WORD`] characters: is it a month or weekday name?
    date_word: Vec<char>,
    /// The key's fact signature: `~`, then each number and month or
    /// weekday name, in order, after a space.
    signature: Vec<char>,
    /// Scratch space for shingles as text.
    pub(super) text: String,
    /// Scratch space for shingle hashes.
    pub(super) hashes: Vec<u64>,
    /// The folded form of the key last fingerprinted.
    pub(super) folded: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Script {
    Cjk,
    Word,
}

/// A run's buffer is cut back to its last window once it holds this many
/// characters, so that memory does not grow with the key's length.
const RUN_BUFFER: usize = 4 * super::MAX_SHINGLE;

impl Shingler {
    /// A shingler with empty buffers.
    pub fn new() -> Self {
        Self::default()
    }

    /// The folded form of the key last given to
    /// [`fingerprint`](super::fingerprint) or
    /// [`fingerprint_with_sketch`](super::fingerprint_with_sketch).
    pub fn folded(&self) -> &str {
        &self.folded
    }

    /// Calls `each` with every shingle of `key` as text.
    ///
    /// ```
    /// use chaff::fingerprint::{FingerprintConfig, Shingler};
    /// let mut shingler = Shingler::new();
    /// let mut shingles = Vec::new();
    /// shingler.for_each_shingle("呼和浩特, The Green City", &FingerprintConfig::default(), |s| shingles.push(s.to_owned()));
    /// assert_eq!(
    ///     shingles,
    ///     ["呼和浩", "和浩特", "the ", "he g", "e gr", " gre", "gree", "reen", "een ", "en c", "n ci", " cit", "city"]
    /// );
    /// ```
    pub fn for_each_shingle(
        &mut self,
        key: &str,
        config: &FingerprintConfig,
        mut each: impl FnMut(&str),
    ) {
        let mut text = std::mem::take(&mut self.text);
        self.for_each(key, config, |shingle| {
            shingle.write_to(&mut text);
            each(&text);
        });
        self.text = text;
    }

    /// Calls `each` with every shingle of `key`.
    ///
    /// A **CJK run** is ideographs, kana and hangul, with the digits met
    /// inside it; punctuation and spaces inside it are skipped. A **word
    /// run** is alphanumeric words (lowercased) not in a CJK run, read as
    /// the words separated by one space (whatever punctuation or spacing
    /// stood between them). Each run gives its windows of
    /// `cjk_shingle_chars` or `word_shingle_chars` characters; a run
    /// shorter than the window is one shingle. Every number is counted
    /// again as `fact_copies` [`Shingle::Fact`]s; a key with fewer than one
    /// letter in eight CJK that states a number or names a month or weekday
    /// (English, in full, "may" left out: a common verb) gets
    /// `signature_copies` copies of its **fact signature**, those facts in
    /// order (see the [module docs](super), "Numbers and dates").
    ///
    /// ```
    /// use chaff::fingerprint::{FingerprintConfig, Shingler};
    /// let config = FingerprintConfig { fact_copies: 0, signature_copies: 1, ..FingerprintConfig::default() };
    /// let mut facts = Vec::new();
    /// Shingler::new().for_each_shingle("meet on 7 september 2019", &config, |s| {
    ///     if s.starts_with('#') { facts.push(s.to_owned()) }
    /// });
    /// assert_eq!(facts[0], "#0#~ 7 september 2019");
    /// // one copy per 6 characters of the key (24), at least `signature_copies`
    /// assert_eq!(facts.len(), 4);
    /// ```
    pub fn for_each(
        &mut self,
        key: &str,
        config: &FingerprintConfig,
        each: impl FnMut(Shingle<'_>),
    ) {
        self.for_each_counting(key, config, each);
    }

    /// [`Shingler::for_each`], returning the number of characters of
    /// `key` (read in the same pass).
    pub(super) fn for_each_counting(
        &mut self,
        key: &str,
        config: &FingerprintConfig,
        mut each: impl FnMut(Shingle<'_>),
    ) -> usize {
        let mut chars = 0;
        let cjk_width = config.cjk_shingle_chars.max(1);
        let word_width = config.word_shingle_chars.max(1);
        let fact_copies = config.fact_copies.min(super::MAX_FACT_COPIES) as u8;
        self.cjk.clear();
        self.word.clear();
        self.digits.clear();
        let mut script: Option<Script> = None;
        let mut in_word = false;
        let signature_copies = config.signature_copies.min(super::MAX_FACT_COPIES) as u8;
        // Letters of CJK runs and of word runs: the signature is for keys
        // written mostly in Latin (or another cased) script.
        let (mut cjk_letters, mut word_letters) = (0usize, 0usize);
        self.signature.clear();
        self.date_word.clear();
        for c in key.chars() {
            chars += 1;
            let digit = is_numeric(c);
            if digit {
                if self.digits.len() < super::MAX_SHINGLE {
                    self.digits.push(c);
                }
            } else if !self.digits.is_empty() {
                self.end_number(fact_copies, &mut each);
            }
            let cjk_letter = is_ideograph(c) || (!c.is_ascii() && is_cjk(c));
            let cjk = cjk_letter || (script != Some(Script::Word) && is_numeric(c));
            if cjk {
                cjk_letters += usize::from(cjk_letter);
                if in_word {
                    self.end_signature_word();
                }
                if script == Some(Script::Word) {
                    self.end_word_run(word_width, &mut each);
                }
                script = Some(Script::Cjk);
                in_word = false;
                push_char(&mut self.cjk, c, cjk_width, &mut |s| each(Shingle::Cjk(s)));
            } else if is_alphanumeric(c) {
                if script == Some(Script::Cjk) {
                    self.end_cjk_run(cjk_width, &mut each);
                }
                script = Some(Script::Word);
                word_letters += 1;
                if !in_word {
                    if !self.word.is_empty() {
                        push_char(&mut self.word, ' ', word_width, &mut |s| {
                            each(Shingle::Word(s))
                        });
                    }
                    in_word = true;
                    self.date_word.clear();
                }
                if c.is_ascii() {
                    let lower = c.to_ascii_lowercase();
                    if self.date_word.len() < MAX_DATE_WORD {
                        self.date_word.push(lower);
                    }
                    push_char(&mut self.word, lower, word_width, &mut |s| {
                        each(Shingle::Word(s))
                    });
                } else {
                    for lower in c.to_lowercase() {
                        if self.date_word.len() < MAX_DATE_WORD {
                            self.date_word.push(lower);
                        }
                        push_char(&mut self.word, lower, word_width, &mut |s| {
                            each(Shingle::Word(s))
                        });
                    }
                }
            } else {
                if in_word {
                    self.end_signature_word();
                }
                in_word = false;
            }
        }
        if in_word {
            self.end_signature_word();
        }
        if !self.digits.is_empty() {
            self.end_number(fact_copies, &mut each);
        }
        // Fewer than one letter in eight is CJK: a name or a term in CJK
        // script does not take an English line's facts away.
        if cjk_letters * 8 < cjk_letters + word_letters && !self.signature.is_empty() {
            // At least one copy per SIGNATURE_CHARS_PER_COPY characters, so
            // that a changed fact weighs as much in a long line as in a
            // short one.
            let copies = if signature_copies == 0 {
                0
            } else {
                (chars / SIGNATURE_CHARS_PER_COPY)
                    .clamp(usize::from(signature_copies), super::MAX_FACT_COPIES)
                    as u8
            };
            for copy in 0..copies {
                each(Shingle::Fact(&self.signature, copy));
            }
        }
        match script {
            Some(Script::Cjk) => self.end_cjk_run(cjk_width, &mut each),
            Some(Script::Word) => self.end_word_run(word_width, &mut each),
            None => {}
        }
        chars
    }

    /// A word of a word run ends: a month or weekday name joins the fact
    /// signature.
    fn end_signature_word(&mut self) {
        if self.date_word.len() < MAX_DATE_WORD && is_date_word(&self.date_word) {
            self.push_signature_fact(SignatureFact::Word);
        }
    }

    /// Appends the current date word or number to the fact signature,
    /// unless it holds [`MAX_SIGNATURE`] characters already.
    fn push_signature_fact(&mut self, which: SignatureFact) {
        if self.signature.len() >= MAX_SIGNATURE {
            return;
        }
        if self.signature.is_empty() {
            self.signature.push('~');
        }
        self.signature.push(' ');
        let from = match which {
            SignatureFact::Word => &self.date_word,
            SignatureFact::Number => &self.digits,
        };
        self.signature.extend(from);
    }

    /// A number ends: its `copies` fact shingles, and it joins the fact
    /// signature.
    fn end_number(&mut self, copies: u8, each: &mut impl FnMut(Shingle<'_>)) {
        self.push_signature_fact(SignatureFact::Number);
        for copy in 0..copies {
            each(Shingle::Fact(&self.digits, copy));
        }
        self.digits.clear();
    }

    /// A CJK run ends: a run shorter than the window is one shingle.
    fn end_cjk_run(&mut self, width: usize, each: &mut impl FnMut(Shingle<'_>)) {
        if !self.cjk.is_empty() && self.cjk.len() < width {
            each(Shingle::Cjk(&self.cjk));
        }
        self.cjk.clear();
    }

    /// A word run ends: a run shorter than the window is one shingle.
    fn end_word_run(&mut self, width: usize, each: &mut impl FnMut(Shingle<'_>)) {
        if !self.word.is_empty() && self.word.len() < width {
            each(Shingle::Word(&self.word));
        }
        self.word.clear();
    }
}

/// What joins the fact signature.
#[derive(Clone, Copy)]
enum SignatureFact {
    /// The current word ([`Shingler::date_word`]).
    Word,
    /// The current number ([`Shingler::digits`]).
    Number,
}

/// A word is read for [`is_date_word`] up to this many characters.
const MAX_DATE_WORD: usize = 12;
/// A key's fact signature counts at least one copy per this many
/// characters of the key (and at least
/// [`FingerprintConfig::signature_copies`], at most
/// [`MAX_FACT_COPIES`](super::MAX_FACT_COPIES)): the 8 copies measured on
/// lines of 40–99 characters are one per 6 characters of a 48-character
/// line, and a long line whose date or figure changed must differ as much.
/// With 8 copies for every length, lines of 100–200 characters that
/// differ in a month, a weekday, a year or a percentage merged (exact
/// Jaccard 0.69–0.78), and 2,317 of 50,000 template lines that each state
/// another meeting number and date were dropped as near repeats; with
/// this, 88 (`BENCHMARKS.md`, "Fact signature by length, session 7").
pub const SIGNATURE_CHARS_PER_COPY: usize = 6;

/// The fact signature takes no more facts once it holds this many
/// characters (a number holds at most [`super::MAX_SHINGLE`]), so that
/// memory does not grow with the key's length.
const MAX_SIGNATURE: usize = 256;

/// Whether a lowercased word is a month or weekday name, English, in
/// full; "may" is left out (a common verb), "march" is not.
fn is_date_word(word: &[char]) -> bool {
    const NAMES: &[&str] = &[
        "january",
        "february",
        "march",
        "april",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ];
    (4..=9).contains(&word.len())
        && NAMES
            .iter()
            .any(|name| name.len() == word.len() && name.chars().eq(word.iter().copied()))
}

/// Appends `c` to a run and, once the run has `width` characters, gives
/// the window it completes. A run that reached [`RUN_BUFFER`] characters
/// keeps only its last window first (the windows to come read no more).
#[inline(always)]
fn push_char(run: &mut Vec<char>, c: char, width: usize, each: &mut impl FnMut(&[char])) {
    if run.len() >= RUN_BUFFER {
        run.drain(..run.len() + 1 - width);
    }
    run.push(c);
    if run.len() >= width {
        each(&run[run.len() - width..]);
    }
}

/// `char::is_numeric` and `char::is_alphanumeric` of the characters
/// between U+2000 and U+303F (general and CJK punctuation: what is left of
/// the punctuation of Chinese text after NFKC), precomputed: the standard
/// library answers them from its tables one binary search at a time.
const PUNCTUATION_BLOCKS: std::ops::Range<u32> = 0x2000..0x3040;

static PUNCTUATION_CLASSES: std::sync::LazyLock<Vec<u8>> = std::sync::LazyLock::new(|| {
    PUNCTUATION_BLOCKS
        .map(|code| {
            char::from_u32(code).map_or(0, |c| {
                u8::from(c.is_numeric()) | (u8::from(c.is_alphanumeric()) << 1)
            })
        })
        .collect()
});

#[inline]
fn punctuation_class(c: char) -> Option<u8> {
    let code = c as u32;
    PUNCTUATION_BLOCKS
        .contains(&code)
        .then(|| PUNCTUATION_CLASSES[(code - PUNCTUATION_BLOCKS.start) as usize])
}

/// CJK unified ideographs and hangul syllables: letters (`Lo`), none of
/// them numeric (checked against the standard library's tables in the
/// tests), so the most frequent characters of CJK text skip its binary
/// searches (7–9% of the binary's samples in `perf` on the generated crawl,
/// session 6).
#[inline]
fn is_cjk_letter(c: char) -> bool {
    is_ideograph(c) || matches!(c, '\u{AC00}'..='\u{D7A3}')
}

#[inline]
fn is_numeric(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_digit()
    } else if is_cjk_letter(c) {
        false
    } else if let Some(class) = punctuation_class(c) {
        class & 1 != 0
    } else {
        c.is_numeric()
    }
}

#[inline]
fn is_alphanumeric(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else if is_cjk_letter(c) {
        true
    } else if let Some(class) = punctuation_class(c) {
        class & 2 != 0
    } else {
        c.is_alphanumeric()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shingles(key: &str, config: &FingerprintConfig) -> Vec<String> {
        let mut out = Vec::new();
        Shingler::new().for_each_shingle(key, config, |s| out.push(s.to_owned()));
        out
    }

    /// Without the numbers counted again, for the order of the windows.
    fn windows() -> FingerprintConfig {
        FingerprintConfig {
            fact_copies: 0,
            signature_copies: 0,
            ..FingerprintConfig::default()
        }
    }

    #[test]
    fn the_class_shortcuts_answer_as_the_standard_library() {
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            assert_eq!(is_numeric(c), c.is_numeric(), "{c:?} U+{:04X}", c as u32);
            assert_eq!(
                is_alphanumeric(c),
                c.is_alphanumeric(),
                "{c:?} U+{:04X}",
                c as u32
            );
        }
    }

    #[test]
    fn cjk_runs_take_their_digits_and_skip_punctuation() {
        let config = windows();
        assert_eq!(shingles("增长8.4%,", &config), ["增长8", "长84"]);
        assert_eq!(shingles("年", &config), ["年"]);
        assert!(shingles("", &config).is_empty());
        assert!(shingles("。,!?", &config).is_empty());
    }

    #[test]
    fn mixed_text_gets_word_and_character_shingles() {
        let config = windows();
        assert_eq!(
            shingles("ICP备16003084号 Hello, World", &config),
            [
                "icp", "备16", "160", "600", "003", "030", "308", "084", "84号", "hell", "ello",
                "llo ", "lo w", "o wo", " wor", "worl", "orld"
            ]
        );
        // spacing and punctuation between words are one space
        assert_eq!(
            shingles("Hello  World", &config),
            shingles("hello—world!", &config)
        );
        assert_eq!(shingles("a b", &config), ["a b"]);
    }

    #[test]
    fn every_number_is_counted_again_as_facts() {
        let config = FingerprintConfig {
            fact_copies: 2,
            signature_copies: 0,
            ..FingerprintConfig::default()
        };
        assert_eq!(
            shingles("Page 12 of 3", &config),
            [
                "page", "age ", "ge 1", "e 12", "#0#12", "#1#12", " 12 ", "12 o", "2 of", " of ",
                "of 3", "#0#3", "#1#3"
            ]
        );
        assert_eq!(
            shingles("增长8.4%", &config),
            ["增长8", "#0#8", "#1#8", "长84", "#0#4", "#1#4"]
        );
    }

    /// The fact signature of a key (with `fact_copies` 0 and
    /// `signature_copies` 2) and how many times it is counted.
    fn signature(key: &str) -> Option<(String, usize)> {
        let config = FingerprintConfig {
            fact_copies: 0,
            signature_copies: 2,
            ..FingerprintConfig::default()
        };
        let mut facts = shingles(key, &config);
        facts.retain(|s| s.starts_with('#'));
        let texts: Vec<&str> = facts
            .iter()
            .map(|s| s.rsplit('#').next().unwrap())
            .collect();
        assert!(texts.iter().all(|t| *t == texts[0]), "{facts:?}");
        texts.first().map(|t| (t.to_string(), facts.len()))
    }

    #[test]
    fn latin_keys_get_a_signature_of_their_numbers_and_dates() {
        assert_eq!(
            signature("the council will meet again on 7 september 2019."),
            Some(("~ 7 september 2019".into(), 8))
        );
        assert_eq!(
            signature("around 57.7 people attended on friday"),
            Some(("~ 57 7 friday".into(), 6))
        );
        // a longer key counts one copy per 6 characters, at most 64
        let long = format!("{}on 7 september 2019", "word ".repeat(40));
        assert_eq!(signature(&long).unwrap().1, long.chars().count() / 6);
        assert_eq!(
            signature(&"word ".repeat(400).replace("word word", "7 july"))
                .unwrap()
                .1,
            64
        );
        // "may" is a verb more often than a month; no fact, no signature
        assert_eq!(
            signature("you may attend the meeting in the town hall"),
            None
        );
        // a short key counts `signature_copies`
        assert_eq!(signature("on 7 july"), Some(("~ 7 july".into(), 2)));
        // a month's name misspelt is no month
        assert_eq!(signature("the council will meet in septembr"), None);
    }

    #[test]
    fn keys_written_in_cjk_get_no_signature() {
        assert_eq!(signature("2023年1月全市居民消费价格同比上涨"), None);
        assert_eq!(signature("ICP备16003084号 March 2019"), None);
        // a name in CJK script inside an English line (3 of 63 letters)
        assert_eq!(
            signature("Kim Min-su (김민수) told the council on 7 September 2019 it would wait."),
            Some(("~ 7 september 2019".into(), 11))
        );
        // one letter in eight is CJK: none
        assert_eq!(signature("谢谢 Thanks on Friday"), None);
        assert_eq!(
            signature("谢 Thanks on Friday"),
            Some(("~ friday".into(), 3))
        );
        // numbers still count again
        let config = FingerprintConfig::default();
        let facts = shingles("2023年1月", &config);
        assert_eq!(facts.iter().filter(|s| s.starts_with('#')).count(), 16);
    }

    #[test]
    fn long_runs_keep_bounded_buffers() {
        let config = FingerprintConfig::default();
        let text = "abc ".repeat(1000);
        let all = shingles(&text, &config);
        assert_eq!(all.len(), 4000 - 1 - 3);
        assert!(all.iter().all(|s| s.chars().count() == 4));
        let mut shingler = Shingler::new();
        shingler.for_each_shingle(&text, &config, |_| {});
        assert!(shingler.word.capacity() <= 2 * RUN_BUFFER);
        // a key with thousands of numbers keeps a bounded signature
        let numbers = "7 july 2019 ".repeat(1000);
        shingler.for_each_shingle(&numbers, &config, |_| {});
        assert!(shingler.signature.len() <= MAX_SIGNATURE + super::super::MAX_SHINGLE + 1);
        assert!(shingler.date_word.capacity() <= 2 * MAX_DATE_WORD);
    }
}
