//! Shingles: the comparison key read as runs of one script, CJK runs cut
//! into character windows and word runs into word windows (see the
//! [module docs](super)), with the character tables that keep the
//! per-character tests off the standard library's binary searches.

use super::FingerprintConfig;
use crate::chars::{is_cjk, is_ideograph};

/// One shingle: characters of a CJK run, or words of a word run joined by
/// single spaces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shingle<'a> {
    /// Consecutive characters of a CJK run.
    Cjk(&'a [char]),
    /// Consecutive lowercased words of a word run, joined by spaces.
    Words(&'a str),
}

impl Shingle<'_> {
    /// The shingle as text.
    ///
    /// ```
    /// use chaff::fingerprint::Shingle;
    /// let mut text = String::new();
    /// Shingle::Cjk(&['呼', '和', '浩']).write_to(&mut text);
    /// assert_eq!(text, "呼和浩");
    /// ```
    pub fn write_to(self, text: &mut String) {
        text.clear();
        match self {
            Shingle::Cjk(chars) => text.extend(chars),
            Shingle::Words(words) => text.push_str(words),
        }
    }
}

/// Cuts keys into shingles in one pass, reusing its buffers from one key
/// to the next.
#[derive(Debug, Clone, Default)]
pub struct Shingler {
    /// The current CJK run.
    cjk: Vec<char>,
    /// The current word run: lowercased words joined by single spaces.
    words: String,
    /// Where each word of `words` starts.
    word_starts: Vec<usize>,
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
    /// assert_eq!(shingles, ["呼和浩", "和浩特", "the green", "green city"]);
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
    /// run** is alphanumeric words (lowercased) not in a CJK run. Each run
    /// gives its windows of `cjk_shingle_chars` characters or
    /// `word_shingle_words` words; a run shorter than the window is one
    /// shingle.
    pub fn for_each(
        &mut self,
        key: &str,
        config: &FingerprintConfig,
        mut each: impl FnMut(Shingle<'_>),
    ) {
        let cjk_width = config.cjk_shingle_chars.max(1);
        let word_width = config.word_shingle_words.max(1);
        self.cjk.clear();
        self.words.clear();
        self.word_starts.clear();
        let mut script: Option<Script> = None;
        let mut in_word = false;
        for c in key.chars() {
            let cjk = is_ideograph(c)
                || (!c.is_ascii() && is_cjk(c))
                || (script != Some(Script::Word) && is_numeric(c));
            if cjk {
                if script == Some(Script::Word) {
                    if in_word {
                        self.end_word(word_width, &mut each);
                    }
                    self.end_word_run(word_width, &mut each);
                }
                script = Some(Script::Cjk);
                in_word = false;
                self.cjk.push(c);
                if self.cjk.len() >= cjk_width {
                    each(Shingle::Cjk(&self.cjk[self.cjk.len() - cjk_width..]));
                }
            } else if is_alphanumeric(c) {
                if script == Some(Script::Cjk) {
                    self.end_cjk_run(cjk_width, &mut each);
                }
                script = Some(Script::Word);
                if !in_word {
                    if !self.words.is_empty() {
                        self.words.push(' ');
                    }
                    self.word_starts.push(self.words.len());
                    in_word = true;
                }
                push_lowercase(&mut self.words, c);
            } else {
                if in_word {
                    self.end_word(word_width, &mut each);
                }
                in_word = false;
            }
        }
        if in_word {
            self.end_word(word_width, &mut each);
        }
        match script {
            Some(Script::Cjk) => self.end_cjk_run(cjk_width, &mut each),
            Some(Script::Word) => self.end_word_run(word_width, &mut each),
            None => {}
        }
    }

    /// A CJK run ends: a run shorter than the window is one shingle.
    fn end_cjk_run(&mut self, width: usize, each: &mut impl FnMut(Shingle<'_>)) {
        if !self.cjk.is_empty() && self.cjk.len() < width {
            each(Shingle::Cjk(&self.cjk));
        }
        self.cjk.clear();
    }

    /// A word ends: once the run has `width` words, each word completes a
    /// window.
    fn end_word(&mut self, width: usize, each: &mut impl FnMut(Shingle<'_>)) {
        let words = self.word_starts.len();
        if words >= width {
            let start = self.word_starts[words - width];
            each(Shingle::Words(&self.words[start..]));
        }
    }

    /// A word run ends: a run shorter than the window is one shingle.
    fn end_word_run(&mut self, width: usize, each: &mut impl FnMut(Shingle<'_>)) {
        if !self.word_starts.is_empty() && self.word_starts.len() < width {
            each(Shingle::Words(&self.words));
        }
        self.words.clear();
        self.word_starts.clear();
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

#[inline]
fn is_numeric(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_digit()
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
    } else if let Some(class) = punctuation_class(c) {
        class & 2 != 0
    } else {
        c.is_alphanumeric()
    }
}

fn push_lowercase(text: &mut String, c: char) {
    if c.is_ascii() {
        text.push(c.to_ascii_lowercase());
    } else {
        text.extend(c.to_lowercase());
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

    #[test]
    fn cjk_runs_take_their_digits_and_skip_punctuation() {
        let config = FingerprintConfig::default();
        assert_eq!(shingles("增长8.4%,", &config), ["增长8", "长84"]);
        assert_eq!(shingles("年", &config), ["年"]);
        assert!(shingles("", &config).is_empty());
        assert!(shingles("。,!?", &config).is_empty());
    }

    #[test]
    fn mixed_text_gets_word_and_character_shingles() {
        let config = FingerprintConfig::default();
        assert_eq!(
            shingles("ICP备16003084号 Hello World", &config),
            [
                "icp",
                "备16",
                "160",
                "600",
                "003",
                "030",
                "308",
                "084",
                "84号",
                "hello world"
            ]
        );
    }
}
