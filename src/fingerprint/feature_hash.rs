//! The feature hash: the 64-bit hash of one shingle, SipHash-2-4 as the
//! `simhash` crate has it, or the fast default.

use std::hash::{Hash, Hasher};

use serde::{Deserialize, Serialize};
use siphasher::sip::SipHasher;
use xxhash_rust::xxh3::xxh3_64;

use super::shingle::Shingle;

/// The 64-bit hash of one shingle: a function of its characters alone,
/// whichever run it came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FeatureHash {
    /// SipHash-2-4 with zero keys over the shingle as `Hash for str` feeds
    /// it: the `simhash` crate's own feature hash, so fingerprints equal
    /// `simhash::simhash_stream` over the same shingles. About 15 ns a
    /// shingle.
    SipHash24,
    /// The default, about 1 ns a shingle: a fact shingle (a number or a
    /// fact signature counted again, [`Shingle::Fact`]) is FNV-1a of its
    /// characters with the copy mixed in; a shingle of up to three
    /// characters is its code points packed 21 bits each, one of four or
    /// five characters below U+1000 (Latin, Greek, Cyrillic, and most
    /// alphabets of a word run) its code points packed 12 bits each, both
    /// tagged with the length and mixed with murmur3's 64-bit finalizer (a
    /// bijection, and the packings never meet, so two different shingles of
    /// these kinds never share a hash); other shingles take XXH3-64 of
    /// their UTF-8 bytes.
    Fast,
}

impl FeatureHash {
    /// Hashes one shingle given as text.
    ///
    /// ```
    /// use chaff::fingerprint::FeatureHash;
    /// assert_ne!(FeatureHash::SipHash24.hash("呼和浩"), FeatureHash::Fast.hash("呼和浩"));
    /// assert_ne!(FeatureHash::Fast.hash("green"), FeatureHash::Fast.hash("gre"));
    /// assert_ne!(FeatureHash::Fast.hash("#0#2024"), FeatureHash::Fast.hash("#1#2024"));
    /// ```
    pub fn hash(self, shingle: &str) -> u64 {
        match self {
            FeatureHash::SipHash24 => siphash(shingle),
            FeatureHash::Fast => parse_fact(shingle).map_or_else(
                || fast_text(shingle),
                |(digits, copy)| fast_fact(&digits, copy),
            ),
        }
    }

    /// Hashes one shingle; `buffer` is scratch space for the text form.
    /// The common cases (a CJK 3-gram or a Latin 5-gram under the fast
    /// hash) are inlined into the shingle loop; the rest is not.
    #[inline(always)]
    pub(super) fn hash_shingle(self, shingle: Shingle<'_>, buffer: &mut String) -> u64 {
        if self == FeatureHash::Fast {
            match shingle {
                Shingle::Fact(digits, copy) => return fast_fact(digits, copy),
                _ => {
                    if let Some(packed) = shingle.chars().and_then(pack) {
                        return fmix64(packed);
                    }
                }
            }
        }
        self.hash_shingle_text(shingle, buffer)
    }

    #[inline(never)]
    fn hash_shingle_text(self, shingle: Shingle<'_>, buffer: &mut String) -> u64 {
        shingle.write_to(buffer);
        match self {
            FeatureHash::Fast => fast_text(buffer),
            FeatureHash::SipHash24 => siphash(buffer),
        }
    }
}

/// The fast hash of a fact shingle (copy `copy` of a number): FNV-1a over
/// the digits' code points, the copy mixed in, through murmur3's
/// finalizer. No text is written: a key with many numbers costs no more
/// than as many windows.
#[inline]
fn fast_fact(digits: &[char], copy: u8) -> u64 {
    let mut hash = 0xcbf2_9ce4_8422_2325u64;
    for &c in digits {
        hash = (hash ^ u64::from(c)).wrapping_mul(0x0000_0100_0000_01b3);
    }
    fmix64(hash ^ (u64::from(copy) + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15))
}

/// The characters and the copy of a fact shingle's text (`#copy#digits`
/// or `#copy#~ signature`, see [`Shingle::Fact`]): windows never hold `#`,
/// so the form is unambiguous.
fn parse_fact(text: &str) -> Option<(Vec<char>, u8)> {
    let rest = text.strip_prefix('#')?;
    let (copy, digits) = rest.split_once('#')?;
    let copy: u8 = copy.parse().ok()?;
    let digits: Vec<char> = digits.chars().collect();
    (!digits.is_empty() && !digits.contains(&'#')).then_some((digits, copy))
}

/// The fast hash of a shingle's text: packed when it is short enough,
/// XXH3-64 of its bytes otherwise.
fn fast_text(text: &str) -> u64 {
    let mut chars = ['\0'; 5];
    let mut len = 0;
    for c in text.chars() {
        if len == chars.len() {
            return xxh3_64(text.as_bytes());
        }
        chars[len] = c;
        len += 1;
    }
    pack(&chars[..len]).map_or_else(|| xxh3_64(text.as_bytes()), fmix64)
}

/// The characters of a short shingle packed into 63 bits, one to one: up
/// to three characters at 21 bits each after the length (`len << 63`
/// keeps bit 63 for three, bit 43 marks two and bit 21 one); four or five
/// characters below U+1000 at 12 bits each after the length (bit 50 marks
/// four, bits 62 and 60 five, bit 63 clear). No two packings meet.
#[inline(always)]
fn pack(chars: &[char]) -> Option<u64> {
    match chars.len() {
        1..=3 => {
            let mut packed = chars.len() as u64;
            for c in chars {
                packed = (packed << 21) | u64::from(*c);
            }
            Some(packed)
        }
        4..=5 => {
            let mut packed = chars.len() as u64;
            for &c in chars {
                if u32::from(c) >= 0x1000 {
                    return None;
                }
                packed = (packed << 12) | u64::from(c);
            }
            Some(packed)
        }
        _ => None,
    }
}

fn siphash(text: &str) -> u64 {
    let mut hasher = SipHasher::default();
    text.hash(&mut hasher);
    hasher.finish()
}

/// Murmur3's 64-bit finalizer: a bijection that spreads every input bit
/// over the output.
#[inline]
pub(crate) fn fmix64(mut x: u64) -> u64 {
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^= x >> 33;
    x = x.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    x ^ (x >> 33)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_shingles_pack_one_to_one() {
        let mut seen = std::collections::HashMap::new();
        let alphabet = ['a', 'z', ' ', '0', 'é', 'я', '\u{fff}', '呼', '\u{10ffff}'];
        let mut texts: Vec<Vec<char>> = vec![Vec::new()];
        for _ in 0..5 {
            let longer: Vec<Vec<char>> = texts
                .iter()
                .flat_map(|t| {
                    alphabet.iter().map(move |c| {
                        let mut t = t.clone();
                        t.push(*c);
                        t
                    })
                })
                .collect();
            texts.extend(longer);
        }
        texts.sort();
        texts.dedup();
        for chars in texts {
            if let Some(packed) = pack(&chars) {
                assert!(packed < 1 << 63 || chars.len() == 3, "{chars:?}");
                if let Some(other) = seen.insert(packed, chars.clone()) {
                    panic!("{chars:?} and {other:?} pack alike");
                }
            }
        }
        assert_eq!(pack(&['a', 'b', 'c', 'd', '呼']), None);
        assert_eq!(pack(&['a'; 6]), None);
    }

    #[test]
    fn facts_hash_alike_from_text_and_from_the_shingle() {
        let digits = ['2', '0', '2', '4'];
        let mut text = String::new();
        for copy in [0, 1, 15, 63] {
            let shingle = Shingle::Fact(&digits, copy);
            shingle.write_to(&mut text);
            for hash in [FeatureHash::Fast, FeatureHash::SipHash24] {
                assert_eq!(
                    hash.hash(&text),
                    hash.hash_shingle(shingle, &mut String::new()),
                    "{text}"
                );
            }
        }
        let signature: Vec<char> = "~ 7 september 2019".chars().collect();
        for copy in [0, 7] {
            let shingle = Shingle::Fact(&signature, copy);
            shingle.write_to(&mut text);
            assert_eq!(text, format!("#{copy}#~ 7 september 2019"));
            assert_eq!(
                FeatureHash::Fast.hash(&text),
                FeatureHash::Fast.hash_shingle(shingle, &mut String::new())
            );
        }
        assert_ne!(
            FeatureHash::Fast.hash("#0#~ 7"),
            FeatureHash::Fast.hash("#0#7")
        );
        assert_eq!(parse_fact("#a#12"), None);
        assert_eq!(parse_fact("#1#"), None);
        assert_eq!(parse_fact("#1#1#2"), None);
    }
}
