//! Stage 5: finding earlier fingerprints within a Hamming distance.
//!
//! [`SimhashIndex`] answers "which stored fingerprints are within `k` bits
//! of this one?" without scanning them all: a multi-index search in the
//! style of Manku, Jain and Das Sarma (WWW 2007). The 64 bits are split into
//! four 16-bit blocks. If two fingerprints differ in at most `k` bits, one of
//! the four blocks differs in at most `r = k / 4` bits (pigeonhole: four
//! blocks with `r + 1` differences each would make `4r + 4 > k`). One table
//! per block maps the block's value to the ids stored with it; a query
//! probes, in each table, its own block value and every value within `r`
//! bits of it, and verifies each candidate with a popcount. The search is
//! exact: every stored fingerprint within `k` is found, none beyond.
//!
//! Each table is an array of 65,536 buckets indexed by the block value
//! (no hashing), and each bucket holds the full fingerprints with their ids,
//! so verifying a candidate reads memory the probe has already brought in
//! instead of a random slot of one large array.
//!
//! Memory: 12 bytes per entry in each of the four tables (a fingerprint
//! and an id), 48 bytes per indexed paragraph plus 8 for the fingerprint
//! list, and up to 50% of vector growth slack; 4 × 65,536 slot numbers
//! (1 MiB, zeroed pages the system maps on first touch), a 48-byte header
//! per block value that occurs, and occupancy bitmaps (32 KiB).
//!
//! Work per query: `4 Σ_{i≤r} C(16, i)` probes (4 at `k ≤ 3`, 68 at
//! `k ≤ 7`, 548 at `k ≤ 11`) and, on random fingerprints,
//! `n · 4 Σ_{i≤r} C(16, i) / 65,536` candidates (`n / 16,384` at `k ≤ 3`,
//! `n / 964` at `k ≤ 7`, `n / 120` at `k ≤ 11`), each an XOR and a popcount
//! over contiguous memory. The probes cost about the same whatever `n`; the
//! candidates grow with it, which is what limits `k = 11` on corpora of tens
//! of millions of paragraphs (see `BENCHMARKS.md`).

use crate::error::Error;

/// The largest supported Hamming distance.
pub const MAX_DISTANCE: u32 = 15;

const BLOCKS: usize = 4;
const BLOCK_BITS: u32 = 16;
const BUCKETS: usize = 1 << BLOCK_BITS;

/// The entries of one block value: fingerprints and their ids, side by
/// side, so that the scan reads fingerprints only.
#[derive(Debug, Clone, Default)]
struct Bucket {
    fingerprints: Vec<u64>,
    ids: Vec<u32>,
}

/// One table: the entries by the value of one 16-bit block.
#[derive(Debug, Clone)]
struct Table {
    /// `slot[value]`: 1 + the index in `buckets` of the bucket of `value`,
    /// or 0. Zeroed memory, so a new table costs nothing until used.
    slot: Vec<u32>,
    /// The buckets of the values that occur.
    buckets: Vec<Bucket>,
    /// One bit per value that occurs, so probes of empty buckets stay in an
    /// 8 KiB bitmap.
    occupied: Vec<u64>,
}

impl Table {
    fn new() -> Self {
        Table {
            slot: vec![0; BUCKETS],
            buckets: Vec::new(),
            occupied: vec![0; BUCKETS / 64],
        }
    }

    fn bucket_mut(&mut self, value: usize) -> &mut Bucket {
        if self.slot[value] == 0 {
            self.buckets.push(Bucket::default());
            self.slot[value] = self.buckets.len() as u32;
            self.occupied[value / 64] |= 1 << (value % 64);
        }
        &mut self.buckets[self.slot[value] as usize - 1]
    }
}

/// The 16-bit values within each radius of 0, nearest first, computed once.
static PROBES: std::sync::LazyLock<Vec<Vec<u16>>> = std::sync::LazyLock::new(|| {
    (0..=MAX_DISTANCE / BLOCKS as u32)
        .map(|radius| {
            let mut probes: Vec<u16> = (0..=u16::MAX)
                .filter(|v| v.count_ones() <= radius)
                .collect();
            probes.sort_by_key(|v| v.count_ones());
            probes
        })
        .collect()
});

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
    /// Every 16-bit value within the probe radius of 0, nearest first.
    probes: &'static [u16],
    /// Created on the first insert, so an unused index costs nothing.
    tables: Vec<Table>,
    fingerprints: Vec<u64>,
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
        let radius = (max_distance / BLOCKS as u32) as usize;
        Ok(SimhashIndex {
            max_distance,
            probes: &PROBES[radius],
            tables: Vec::new(),
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

    /// The stored fingerprints, by id.
    pub fn fingerprints(&self) -> &[u64] {
        &self.fingerprints
    }

    /// Stores a fingerprint and returns its id (0, 1, 2… in insertion order).
    pub fn insert(&mut self, fingerprint: u64) -> u32 {
        if self.tables.is_empty() {
            self.tables = (0..BLOCKS).map(|_| Table::new()).collect();
        }
        let id = self.fingerprints.len() as u32;
        self.fingerprints.push(fingerprint);
        for (block, table) in self.tables.iter_mut().enumerate() {
            let bucket = table.bucket_mut(block_value(fingerprint, block));
            bucket.fingerprints.push(fingerprint);
            bucket.ids.push(id);
        }
        id
    }

    /// Every stored fingerprint within the distance, as `(id, distance)`,
    /// nearest first and earliest first among equals.
    ///
    /// ```
    /// use chaff::index::SimhashIndex;
    /// let mut index = SimhashIndex::new(8)?;
    /// index.insert(0xFF);   // id 0, 8 bits from 0
    /// index.insert(0x1);    // id 1, 1 bit from 0
    /// index.insert(0xFFFF); // id 2, 16 bits from 0
    /// assert_eq!(index.within(0), [(1, 1), (0, 8)]);
    /// # Ok::<(), chaff::Error>(())
    /// ```
    pub fn within(&self, fingerprint: u64) -> Vec<(u32, u32)> {
        let mut found = Vec::new();
        for (block, table) in self.tables.iter().enumerate() {
            let value = block_value(fingerprint, block);
            for &probe in self.probes {
                let bucket = value ^ usize::from(probe);
                if table.occupied[bucket / 64] & (1 << (bucket % 64)) == 0 {
                    continue;
                }
                let bucket = &table.buckets[table.slot[bucket] as usize - 1];
                scan(
                    &bucket.fingerprints,
                    &bucket.ids,
                    fingerprint,
                    self.max_distance,
                    &mut found,
                );
            }
        }
        found.sort_unstable();
        found.dedup();
        found
            .into_iter()
            .map(|(distance, id)| (id, distance))
            .collect()
    }

    /// The stored fingerprint nearest to `fingerprint` within the distance,
    /// as `(id, distance)`; among equally near ones, the earliest.
    pub fn nearest(&self, fingerprint: u64) -> Option<(u32, u32)> {
        self.within(fingerprint).first().copied()
    }
}

/// The block keys of a fingerprint: two fingerprints within `max_distance`
/// bits share at least one key, so near pairs can be found by grouping on
/// keys (a join) instead of through an index.
///
/// The pigeonhole argument of [`SimhashIndex`]: two fingerprints within
/// `k` bits have a 16-bit block that differs in at most `r = k / 4` bits.
/// Each side lists, per block, every value within `s = ⌈r / 2⌉` bits of its
/// own; values `r` bits apart have a common value within `s` of both. A
/// key is the block's number (bits 16–17) and the value (bits 0–15); there
/// are `4 Σ_{i≤s} C(16, i)` keys: 4 at `k ≤ 3`, 68 at `k ≤ 11`, 548 at
/// `k ≤ 15`. The keys are listed in increasing order.
///
/// Fails when `max_distance` exceeds [`MAX_DISTANCE`].
///
/// ```
/// use chaff::index::block_keys;
/// let a = 0x0123_4567_89AB_CDEFu64;
/// let b = a ^ 0b111 ^ (0b11 << 16) ^ (0b11 << 32) ^ (0b11 << 48); // 9 bits away
/// let (ka, kb) = (block_keys(a, 11)?, block_keys(b, 11)?);
/// assert_eq!(ka.len(), 68);
/// assert!(ka.iter().any(|k| kb.binary_search(k).is_ok()));
/// assert_eq!(block_keys(a, 3)?.len(), 4);
/// # Ok::<(), chaff::Error>(())
/// ```
pub fn block_keys(fingerprint: u64, max_distance: u32) -> Result<Vec<u64>, Error> {
    if max_distance > MAX_DISTANCE {
        return Err(Error::Config(format!(
            "Hamming distance {max_distance} is above the supported maximum {MAX_DISTANCE}"
        )));
    }
    let radius = max_distance / BLOCKS as u32;
    let probes = &PROBES[radius.div_ceil(2) as usize];
    let mut keys = Vec::with_capacity(BLOCKS * probes.len());
    for block in 0..BLOCKS {
        let value = block_value(fingerprint, block);
        let start = keys.len();
        keys.extend(
            probes
                .iter()
                .map(|probe| ((block as u64) << BLOCK_BITS) | (value ^ usize::from(*probe)) as u64),
        );
        keys[start..].sort_unstable();
    }
    Ok(keys)
}

/// Pushes `(distance, id)` for every fingerprint of a bucket within
/// `max_distance` of `query`, with the CPU's popcount instruction where it
/// has one (a default x86-64 build counts bits in a dozen instructions).
#[inline]
fn scan(
    fingerprints: &[u64],
    ids: &[u32],
    query: u64,
    max_distance: u32,
    found: &mut Vec<(u32, u32)>,
) {
    #[cfg(target_arch = "x86_64")]
    if *HAS_POPCNT {
        // SAFETY: the CPU has POPCNT and AVX2 (checked at start-up).
        return unsafe { scan_popcnt(fingerprints, ids, query, max_distance, found) };
    }
    scan_portable(fingerprints, ids, query, max_distance, found)
}

#[cfg(target_arch = "x86_64")]
static HAS_POPCNT: std::sync::LazyLock<bool> = std::sync::LazyLock::new(|| {
    is_x86_feature_detected!("popcnt") && is_x86_feature_detected!("avx2")
});

#[inline(always)]
fn scan_portable(
    fingerprints: &[u64],
    ids: &[u32],
    query: u64,
    max_distance: u32,
    found: &mut Vec<(u32, u32)>,
) {
    for (fingerprint, id) in fingerprints.iter().zip(ids) {
        let distance = (fingerprint ^ query).count_ones();
        if distance <= max_distance {
            found.push((distance, *id));
        }
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "popcnt,avx2")]
unsafe fn scan_popcnt(
    fingerprints: &[u64],
    ids: &[u32],
    query: u64,
    max_distance: u32,
    found: &mut Vec<(u32, u32)>,
) {
    scan_portable(fingerprints, ids, query, max_distance, found)
}

fn block_value(fingerprint: u64, block: usize) -> usize {
    ((fingerprint >> (block as u32 * BLOCK_BITS)) & 0xFFFF) as usize
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
    fn finds_every_fingerprint_within_k_and_none_beyond() {
        // adversarial: all differences packed into as few blocks as possible,
        // and spread evenly over all four
        let base = 0x0123_4567_89AB_CDEFu64;
        for k in 0..=MAX_DISTANCE {
            let mut index = SimhashIndex::new(k).unwrap();
            let packed = |d: u32| if d == 0 { 0 } else { u64::MAX >> (64 - d) };
            let spread = |d: u32| (0..d).fold(0u64, |m, i| m | 1 << ((i % 4) * 16 + i / 4));
            let mut expected = Vec::new();
            for d in 0..=k + 2 {
                for flips in [packed(d), spread(d)] {
                    let id = index.insert(base ^ flips);
                    if d <= k {
                        expected.push((id, d));
                    }
                }
            }
            let mut found = index.within(base);
            found.sort_unstable();
            expected.sort_unstable();
            assert_eq!(found, expected, "k = {k}");
        }
    }

    #[test]
    fn block_keys_are_shared_by_every_pair_within_k() {
        let base = 0x0123_4567_89AB_CDEFu64;
        let packed = |d: u32| if d == 0 { 0 } else { u64::MAX >> (64 - d) };
        let spread = |d: u32| (0..d).fold(0u64, |m, i| m | 1 << ((i % 4) * 16 + i / 4));
        for k in 0..=MAX_DISTANCE {
            let keys = block_keys(base, k).unwrap();
            let shares = |other: u64| {
                let theirs = block_keys(other, k).unwrap();
                keys.iter().any(|key| theirs.binary_search(key).is_ok())
            };
            for d in 0..=k {
                assert!(shares(base ^ packed(d)), "k = {k}, packed {d}");
                assert!(shares(base ^ spread(d)), "k = {k}, spread {d}");
            }
            // beyond what two radii of s = ⌈r / 2⌉ cover in every block
            let s = (k / 4).div_ceil(2);
            let everywhere = (0..4).fold(0u64, |m, b| m | (packed(2 * s + 1) << (16 * b)));
            assert!(!shares(base ^ everywhere), "k = {k}");
        }
        assert!(block_keys(base, MAX_DISTANCE + 1).is_err());
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
