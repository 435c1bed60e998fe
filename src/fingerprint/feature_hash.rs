//! The feature hash: the 64-bit hash of one shingle, SipHash-2-4 as the
//! `simhash` crate has it, or the fast default.

use std::hash::{Hash, Hasher};

use serde::{Deserialize, Serialize};
use siphasher::sip::SipHasher;
use xxhash_rust::xxh3::xxh3_64;

use super::shingle::Shingle;
use crate::chars::is_cjk;

/// The 64-bit hash of one shingle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FeatureHash {
    /// SipHash-2-4 with zero keys over the shingle as `Hash for str` feeds
    /// it: the `simhash` crate's own feature hash, so fingerprints equal
    /// `simhash::simhash_stream` over the same shingles. About 15 ns a
    /// shingle.
    SipHash24,
    /// The default, about 1 ns a shingle: a CJK shingle of up to three
    /// characters is its code points packed into 63 bits and mixed with
    /// murmur3's 64-bit finalizer (a bijection, so two different shingles
    /// never share a hash); longer CJK shingles and word shingles take
    /// XXH3-64 of their UTF-8 bytes.
    Fast,
}

impl FeatureHash {
    /// Hashes one shingle given as text.
    ///
    /// ```
    /// use chaff::fingerprint::FeatureHash;
    /// assert_ne!(FeatureHash::SipHash24.hash("呼和浩"), FeatureHash::Fast.hash("呼和浩"));
    /// ```
    pub fn hash(self, shingle: &str) -> u64 {
        match self {
            FeatureHash::SipHash24 => siphash(shingle),
            FeatureHash::Fast => {
                let chars: Vec<char> = shingle.chars().collect();
                if chars.iter().all(|c| is_cjk(*c) || c.is_numeric()) && !chars.is_empty() {
                    self.hash_shingle(Shingle::Cjk(&chars), &mut String::new())
                } else {
                    xxh3_64(shingle.as_bytes())
                }
            }
        }
    }

    /// Hashes one shingle; `buffer` is scratch space for the text form.
    /// The common case (a CJK 3-gram under the fast hash) is inlined into
    /// the shingle loop; the rest is not.
    #[inline(always)]
    pub(super) fn hash_shingle(self, shingle: Shingle<'_>, buffer: &mut String) -> u64 {
        match (self, shingle) {
            (FeatureHash::Fast, Shingle::Cjk(chars)) if chars.len() <= 3 => {
                let mut packed = chars.len() as u64;
                for c in chars {
                    packed = (packed << 21) | u64::from(*c);
                }
                fmix64(packed)
            }
            _ => self.hash_shingle_text(shingle, buffer),
        }
    }

    #[inline(never)]
    fn hash_shingle_text(self, shingle: Shingle<'_>, buffer: &mut String) -> u64 {
        let text = match shingle {
            Shingle::Words(words) => words,
            Shingle::Cjk(_) => {
                shingle.write_to(buffer);
                buffer.as_str()
            }
        };
        match self {
            FeatureHash::Fast => xxh3_64(text.as_bytes()),
            FeatureHash::SipHash24 => siphash(text),
        }
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
