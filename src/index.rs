//! Stage 5: finding earlier fingerprints within a Hamming distance.
//!
//! [`SimhashIndex`] answers "which stored fingerprint is nearest to this
//! one, if any is within `k` bits?" without scanning them all. It uses the
//! pigeonhole principle: split the 64 bits into `k + 1` blocks; two
//! fingerprints that differ in at most `k` bits agree exactly on at least
//! one block. One table per block maps the block's value to the
//! fingerprints that have it; a query looks up its own block values and
//! verifies each candidate with a popcount. The search is exact: every
//! fingerprint within `k` is found and nothing beyond `k` is returned.
//!
//! Memory: 8 bytes for the fingerprint plus `4 (k + 1)` bytes of table
//! entries per indexed paragraph, plus bucket overhead. Expected candidates
//! per query on random fingerprints: `n (k + 1) / 2^(64 / (k + 1))`, i.e.
//! `n / 16384` at the default `k = 3`.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use crate::Error;

/// The largest supported Hamming distance.
pub const MAX_DISTANCE: u32 = 15;

/// An exact near-neighbour index over 64-bit fingerprints.
///
/// ```
/// use chaff::index::SimhashIndex;
/// let mut index = SimhashIndex::new(3)?;
/// let first = index.insert(0b1111_0000);
/// assert_eq!(index.nearest(0b1111_0111), Some((first, 3)));
/// assert_eq!(index.nearest(0b1111_1111), None); // 4 bits away
/// # Ok::<(), chaff::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct SimhashIndex {
    max_distance: u32,
    blocks: Vec<Block>,
    tables: Vec<HashMap<u64, Vec<u32>, BuildHasherDefault<BlockHasher>>>,
    fingerprints: Vec<u64>,
}

#[derive(Debug, Clone, Copy)]
struct Block {
    shift: u32,
    mask: u64,
}

impl SimhashIndex {
    /// An empty index that finds fingerprints within `max_distance` bits.
    ///
    /// Fails when `max_distance` exceeds [`MAX_DISTANCE`].
    pub fn new(max_distance: u32) -> Result<Self, Error> {
        if max_distance > MAX_DISTANCE {
            return Err(Error::Config(format!(
                "Hamming distance {max_distance} is above the supported maximum {MAX_DISTANCE}"
            )));
        }
        let count = max_distance + 1;
        let mut blocks = Vec::with_capacity(count as usize);
        let mut shift = 0;
        for i in 0..count {
            let width = 64 / count + u32::from(i < 64 % count);
            let mask = if width == 64 {
                u64::MAX
            } else {
                (1u64 << width) - 1
            };
            blocks.push(Block { shift, mask });
            shift += width;
        }
        Ok(SimhashIndex {
            max_distance,
            tables: vec![HashMap::default(); blocks.len()],
            blocks,
            fingerprints: Vec::new(),
        })
    }

    /// The distance this index searches within.
    pub fn max_distance(&self) -> u32 {
        self.max_distance
    }

    /// How many fingerprints are stored.
    pub fn len(&self) -> usize {
        self.fingerprints.len()
    }

    /// Whether nothing is stored.
    pub fn is_empty(&self) -> bool {
        self.fingerprints.is_empty()
    }

    /// Stores a fingerprint and returns its id (0, 1, 2… in insertion order).
    pub fn insert(&mut self, fingerprint: u64) -> u32 {
        let id = self.fingerprints.len() as u32;
        self.fingerprints.push(fingerprint);
        for (block, table) in self.blocks.iter().zip(&mut self.tables) {
            table
                .entry((fingerprint >> block.shift) & block.mask)
                .or_default()
                .push(id);
        }
        id
    }

    /// The stored fingerprint nearest to `fingerprint` within the distance,
    /// as `(id, distance)`; among equally near ones, the earliest.
    pub fn nearest(&self, fingerprint: u64) -> Option<(u32, u32)> {
        let mut best: Option<(u32, u32)> = None;
        for (block, table) in self.blocks.iter().zip(&self.tables) {
            let Some(ids) = table.get(&((fingerprint >> block.shift) & block.mask)) else {
                continue;
            };
            for &id in ids {
                let distance = (self.fingerprints[id as usize] ^ fingerprint).count_ones();
                if distance <= self.max_distance
                    && best.is_none_or(|(best_id, best_distance)| {
                        (distance, id) < (best_distance, best_id)
                    })
                {
                    best = Some((id, distance));
                }
            }
        }
        best
    }
}

/// The block values are bits of a SimHash, already well spread: a
/// multiplicative mix is all the table needs.
#[derive(Debug, Default, Clone, Copy)]
struct BlockHasher(u64);

impl Hasher for BlockHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
    }

    fn write_u64(&mut self, value: u64) {
        self.0 = (self.0 ^ value).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_distances_it_cannot_serve() {
        assert!(SimhashIndex::new(MAX_DISTANCE + 1).is_err());
        assert!(SimhashIndex::new(0).is_ok());
    }

    #[test]
    fn blocks_cover_all_64_bits_once() {
        for k in 0..=MAX_DISTANCE {
            let index = SimhashIndex::new(k).unwrap();
            let mut covered = 0u64;
            for block in &index.blocks {
                let bits = block.mask << block.shift;
                assert_eq!(covered & bits, 0);
                covered |= bits;
            }
            assert_eq!(covered, u64::MAX, "k = {k}");
        }
    }

    #[test]
    fn finds_the_nearest_and_the_earliest_on_ties() {
        let mut index = SimhashIndex::new(3).unwrap();
        let far = index.insert(0b111);
        let near = index.insert(0b1);
        let tie = index.insert(0b1);
        assert_eq!(index.nearest(0), Some((near, 1)));
        assert_ne!(near, tie);
        assert_eq!(index.nearest(0b111), Some((far, 0)));
        assert_eq!(index.nearest(u64::MAX), None);
    }
}
