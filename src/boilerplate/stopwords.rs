//! Function words, the evidence that a line is running text.
//!
//! jusText (Pomikálek 2011) separates prose from page furniture by its
//! stop-word density: prose is 30 % or more function words, menus and
//! headlines far fewer. It ships a stop list per language and picks one per
//! page; trafilatura, when it does not know the language, uses the union of
//! all of them. We keep one short list per language (the most frequent
//! function words: articles, prepositions, conjunctions, pronouns,
//! auxiliaries) and pick the language of a page as the list that covers
//! most of its words ([`crate::boilerplate::lines::PageLanguage`]).
//!
//! Chinese has no spaces to count words by, and jusText has no Chinese list
//! (METHODS.md). Its function words are single characters: particles,
//! prepositions, conjunctions, pronouns, common auxiliaries
//! ([`CJK_FUNCTION_CHARS`]), counted per ideograph, in simplified and
//! traditional forms.

use std::collections::HashMap;
use std::sync::LazyLock;

use crate::chars::{IDEOGRAPH_FIRST, IDEOGRAPH_LAST, is_ideograph};

/// The languages with a stop list, in the order of the bits of
/// [`language_mask`].
pub const LANGUAGES: [&str; 12] = [
    "en", "de", "fr", "es", "pt", "it", "nl", "cs", "pl", "id", "ru", "sv",
];

/// Number of stop lists.
pub const LANGUAGE_COUNT: usize = LANGUAGES.len();

#[rustfmt::skip]
const STOP_WORDS: [&str; LANGUAGE_COUNT] = [
    // en
    "a an the of and or but nor to in on at by for with from as into onto about over under after \
     before between through during without within against among is are was were be been being am \
     it its this that these those there here he she they we you i me him her them us his hers their \
     our your my not no have has had having do does did will would can could should may might must \
     shall which who whom whose what when where why how than then so if because while also said \
     says just only very more most some any all each both such own same other out up down off again once",
    // de
    "der die das den dem des ein eine einen einem einer eines und oder aber in im an am auf aus bei \
     mit nach von vom zu zum zur für über unter vor durch gegen ohne um als wie ist sind war waren \
     wird werden wurde wurden hat haben hatte sein nicht auch noch nur schon sich es er sie wir ihr \
     ich du man dass daß so wenn dann denn doch bis dieser diese dieses mehr kann können muss soll",
    // fr
    "le la les un une des du de et ou mais que qui dont où à au aux en dans sur sous par pour avec \
     sans chez entre est sont était été être a ont avait avoir ce cette ces cet il elle ils elles on \
     nous vous je tu ne pas plus se sa son ses leur leurs y comme si aussi très tout tous",
    // es
    "el la los las un una unos unas y o pero que de del al a en con por para sin sobre entre es son \
     fue era ser está están ha han había se su sus lo le les no más como cuando donde muy también ya \
     este esta estos estas ese esa yo tú él ella nosotros ellos hay porque si",
    // pt
    "o a os as um uma uns umas e ou mas que de do da dos das em no na nos nas por pelo pela para com \
     sem sobre entre é são foi era ser está estão tem têm há se seu sua seus suas não mais como \
     quando onde muito também já este esta isso ele ela eles elas ao à às porque",
    // it
    "il lo la i gli le un una uno e o ma che di del della dei delle a al alla in nel nella con per su \
     da dal tra fra è sono era essere ha hanno si non più come anche questo questa quello quella lui \
     lei loro se perché",
    // nl
    "de het een en of maar dat die van in op aan met voor door bij uit naar over is zijn was waren \
     wordt worden heeft hebben had niet ook nog wel al er hij zij ze we wij je ik als dan om te",
    // cs
    "a i v ve na se s z ze k do od o u za pro po při je jsou byl byla bylo být má mají to ten ta \
     tento tato které který která že ale jak jako také už jen není by aby nebo když co",
    // pl
    "i w we na z ze do od o u za dla po przy jest są był była było być ma mają to ten ta te które \
     który która że ale jak jako także już tylko nie się by aby lub gdy co",
    // id
    "yang dan di ke dari ini itu dengan untuk pada adalah dalam tidak akan juga atau oleh karena \
     sebagai bahwa ada tersebut telah sudah bisa dapat mereka kita kami saya ia dia nya lebih jika seperti",
    // ru
    "и в во не что он на я с со как а то все она так его но да ты к у же вы за бы по только ее мне \
     было вот от меня еще нет о из ему теперь когда даже ну ли если уже или ни быть был него до вас \
     там потом себя ничего ей может они тут где есть надо ней для мы тебя их чем была сам без тоже \
     себе под будет это этот эта эти",
    // sv
    "och i att det som en på är av för med till den har de inte om ett han men var jag sig från vi \
     så kan man när år säger hon under också efter eller nu sin där",
];

/// Ideographs that are function words in running Chinese, simplified and
/// traditional: particles, prepositions, conjunctions, pronouns, common
/// auxiliaries. Characters that as often start chrome words are left out:
/// 们 (联系我们), 地 (地图, 地址), 会 (会员), 个 (个人中心), 和 (place names
/// such as 呼和浩特), 上/下 (上一篇, 下一页).
pub const CJK_FUNCTION_CHARS: &str = "的了是在与及对为也将把被从以而并等之其这那就都要能不到说着过得向于由或但还又很更最已让给此该各每我你他她它\
     與對為將從這說著過還讓給該於並";

/// FNV-1a (Fowler–Noll–Vo), for the stop table's short keys: a
/// multiply and a xor per byte, several times faster than SipHash on words
/// of two to ten bytes. The table is built from our constant lists, so
/// hash flooding does not apply.
#[derive(Default)]
struct Fnv(u64);

impl std::hash::Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut hash = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for &b in bytes {
            hash = (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = hash;
    }

    /// A slice's length prefix (the table's keys are byte slices): one
    /// round, not one per byte of a `usize`.
    fn write_usize(&mut self, n: usize) {
        let hash = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        self.0 = (hash ^ n as u64).wrapping_mul(0x0100_0000_01b3);
    }
}

type StopTable = HashMap<&'static [u8], u16, std::hash::BuildHasherDefault<Fnv>>;

/// Every stop word with the languages that list it.
static STOP_TABLE: LazyLock<StopTable> = LazyLock::new(|| {
    let mut table = StopTable::default();
    for (bit, words) in STOP_WORDS.iter().enumerate() {
        for word in words.split_whitespace() {
            *table.entry(word.as_bytes()).or_default() |= 1 << bit;
        }
    }
    table
});

/// The languages (bits in [`LANGUAGES`] order) whose stop list holds
/// `word`, given in lower case; 0 for none.
///
/// ```
/// use chaff::boilerplate::stopwords::{language_mask, LANGUAGES};
/// let en = LANGUAGES.iter().position(|l| *l == "en").unwrap();
/// assert_ne!(language_mask("the") & (1 << en), 0);
/// assert_eq!(language_mask("budget"), 0);
/// ```
pub fn language_mask(lowercase_word: &str) -> u16 {
    language_mask_of_bytes(lowercase_word.as_bytes())
}

/// [`language_mask`] of a word's UTF-8 bytes (an ASCII word lower-cased in
/// place, without checking it again as a `str`).
pub(crate) fn language_mask_of_bytes(lowercase_word: &[u8]) -> u16 {
    STOP_TABLE.get(lowercase_word).copied().unwrap_or(0)
}

/// Whether `c` is a Chinese function character ([`CJK_FUNCTION_CHARS`]).
///
/// ```
/// assert!(chaff::boilerplate::stopwords::is_cjk_function_char('的'));
/// assert!(!chaff::boilerplate::stopwords::is_cjk_function_char('国'));
/// ```
pub fn is_cjk_function_char(c: char) -> bool {
    cjk_function_chars().contains(c)
}

/// The bit table of [`CJK_FUNCTION_CHARS`], for loops that ask of every
/// ideograph of a line ([`super::lines::LineEvidence::measure`]).
pub(crate) fn cjk_function_chars() -> &'static FunctionChars {
    static TABLE: LazyLock<FunctionChars> = LazyLock::new(|| {
        const FIRST: usize = IDEOGRAPH_FIRST as usize;
        let mut bits = vec![0u64; (IDEOGRAPH_LAST as usize - FIRST) / 64 + 1];
        for c in CJK_FUNCTION_CHARS.chars() {
            let at = c as usize - FIRST;
            bits[at / 64] |= 1 << (at % 64);
        }
        FunctionChars { bits }
    });
    &TABLE
}

/// One bit per unified ideograph: set for the function characters.
pub(crate) struct FunctionChars {
    bits: Vec<u64>,
}

impl FunctionChars {
    /// Whether `c` is a function character.
    pub(crate) fn contains(&self, c: char) -> bool {
        is_ideograph(c) && {
            let at = c as usize - IDEOGRAPH_FIRST as usize;
            self.bits[at / 64] & (1 << (at % 64)) != 0
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_list_is_lower_case_and_non_empty() {
        for (words, lang) in STOP_WORDS.iter().zip(LANGUAGES) {
            assert!(words.split_whitespace().count() >= 30, "{lang}");
            for word in words.split_whitespace() {
                assert_eq!(word, word.to_lowercase(), "{lang}: {word}");
            }
        }
    }

    #[test]
    fn function_chars_are_ideographs_and_exclude_chrome_starters() {
        for c in CJK_FUNCTION_CHARS.chars() {
            assert!(is_ideograph(c), "{c}");
        }
        for c in ['们', '地', '会', '个', '和', '上', '下'] {
            assert!(!is_cjk_function_char(c), "{c}");
        }
    }

    #[test]
    fn a_word_can_belong_to_several_languages() {
        let mask = language_mask("de");
        let bit = |l: &str| 1u16 << LANGUAGES.iter().position(|x| *x == l).unwrap();
        assert_ne!(mask & bit("fr"), 0);
        assert_ne!(mask & bit("es"), 0);
        assert_eq!(mask & bit("en"), 0);
    }
}
