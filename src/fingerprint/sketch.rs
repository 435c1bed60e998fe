//! The near sketch: what finds and confirms near-duplicate candidates
//! without the shingle set, computed from the same feature hashes as the
//! SimHash in the same pass.
//!
//! * **Band keys** (finding): a one-permutation MinHash (Li, Owen and
//!   Zhang, NIPS 2012) of the shingle hashes, remixed: [`BINS`] bins by the
//!   remixed hash's top bits, the smallest value in each; empty bins take
//!   the value of the next non-empty bin to the right, mixed with the
//!   distance (rotation densification, Shrivastava and Li, ICML 2014).
//!   Every [`ROWS`] consecutive bins make a band, hashed to a 32-bit key:
//!   two sets share a band with probability about `J^ROWS`. For the query
//!   side, [`NearSketch::probes`] adds for each band the keys with one bin
//!   replaced by that bin's second-smallest value, which is what a stored
//!   copy holds when the query gained a shingle that took the minimum
//!   (multi-probe LSH, Lv et al., VLDB 2007).
//! * **Odd sketch** (confirming): the shingle set sampled to at most
//!   [`ODD_SAMPLE`] elements (the elements whose second remixed hash has at
//!   least `level` trailing zeros, `level` the smallest that keeps the
//!   sample that small), each toggling one of 128 bits (Mitzenmacher, Pagh
//!   and Pham, WWW 2014). The bits where two sketches of the same level
//!   differ estimate the size of the symmetric difference of the samples,
//!   and with the sample sizes their Jaccard similarity
//!   ([`odd_jaccard`]); the estimate is sharpest where near-duplicate
//!   decisions are made (standard error about 0.04 at J = 0.7, on the
//!   labelled corpus of `examples/neardup_options.rs`). The query side
//!   keeps the sketches of the levels around its own, since a stored
//!   paragraph of a near size may sit one level up or down.
//!
//! Both are deterministic functions of the shingle set.

use super::kernel::mix_pairs;
use super::mix64;

/// Bins of the one-permutation MinHash.
pub const BINS: usize = BANDS * ROWS;
/// Bands searched per paragraph.
pub const BANDS: usize = 3;
/// Bins per band.
pub const ROWS: usize = 4;
/// The largest odd-sketch sample.
pub const ODD_SAMPLE: usize = 128;

const MINHASH_SEED: u64 = 0x5851_f42d_4c95_7f2d;
const ODD_SEED: u64 = 0x0dd5_ce7c_4e1a_b17e;
const BAND_SEED: u64 = 0xa076_1d64_78bd_642f;

/// The near sketch as it is stored with a kept paragraph: 30 bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct StoredSketch {
    /// The band keys.
    pub bands: [u32; BANDS],
    /// The odd sketch of the sample at `level`.
    pub odd: u128,
    /// How many distinct shingles the sample holds (at most [`ODD_SAMPLE`]).
    pub odd_size: u8,
    /// The sampling level.
    pub level: u8,
}

/// The near sketch of a paragraph about to be looked up: its stored form
/// and what a lookup needs beside it.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct NearSketch {
    /// What is stored if the paragraph is kept.
    pub stored: StoredSketch,
    /// For each band, the keys with one bin replaced by its second-smallest
    /// value (0 where the bin has none: empty, filled or a single value).
    pub probes: [[u32; ROWS]; BANDS],
    /// Odd sketches and sample sizes at `level - 1`, `level` and
    /// `level + 1` (the first unused at level 0).
    pub odd_levels: [(u128, u16); 3],
}

impl NearSketch {
    /// The odd sketch and sample size at `level`, if it is one of the three
    /// kept.
    pub fn odd_at(&self, level: u8) -> Option<(u128, u16)> {
        // index 0 is level - 1, which exists only above level 0: at level 0
        // no level is asked for that would need it.
        let index = (usize::from(level) + 1).checked_sub(usize::from(self.stored.level))?;
        self.odd_levels.get(index).copied()
    }
}

/// The Jaccard similarity two odd sketches of the same level estimate:
/// `differ` differing bits out of 128 estimate the symmetric difference
/// `d = ln(1 - 2 differ/128) / ln(1 - 2/128)`, and with the sample sizes
/// `(a + b - d) / (a + b + d)`. 0 when half the bits or more differ.
///
/// ```
/// use chaff::fingerprint::sketch::odd_jaccard;
/// assert_eq!(odd_jaccard(0, 40, 40), 1.0);
/// // about 6 elements differ: 37 shared of 43
/// assert!((odd_jaccard(6, 40, 40) - 37.0 / 43.0).abs() < 0.01);
/// assert_eq!(odd_jaccard(64, 40, 40), 0.0);
/// ```
pub fn odd_jaccard(differ: u32, a: u16, b: u16) -> f64 {
    let bits = 128.0;
    let differ = f64::from(differ);
    if 2.0 * differ >= bits {
        return 0.0;
    }
    let difference = (1.0 - 2.0 * differ / bits).ln() / (1.0f64 - 2.0 / bits).ln();
    let sizes = f64::from(a) + f64::from(b);
    if sizes == 0.0 {
        return 1.0;
    }
    ((sizes - difference) / (sizes + difference)).clamp(0.0, 1.0)
}

/// Builds a [`NearSketch`] from a stream of shingle hashes (repeats
/// allowed), in bounded memory.
#[derive(Debug, Clone)]
pub struct SketchBuilder {
    min: [u64; BINS],
    second: [u64; BINS],
    /// The distinct odd-sketch samples seen so far (open addressing,
    /// 0 for empty, a sample of 0 stored as 1: it differs only in its
    /// lowest bit, which no level reads). Emptied by truncation when a key
    /// starts and sized by each block to hold it (at least [`FIRST_SLOTS`]
    /// slots, at most the set's logical size), so that a paragraph of a
    /// few dozen shingles zeroes and probes a few cache lines, not a
    /// table made for thousands; it grows fourfold when half full.
    slots: Vec<u64>,
    /// How many samples `slots` holds.
    held: usize,
    /// The samples the set may hold before it is thinned, times two (the
    /// set's logical size: [`SLOTS`], doubled when thinning cannot make
    /// room). Kept from one key to the next, as the set itself was.
    capacity: usize,
    /// Scratch space for the samples while the table is rebuilt.
    moved: Vec<u64>,
    /// Scratch space for the remixed hashes of a block: the MinHash
    /// remixes, then the odd-sketch ones ([`MIX_BLOCK`] each).
    mixed: Vec<u64>,
    /// Samples are the remixed hashes with at least `floor` trailing zeros.
    floor: u32,
    /// For every number `t` of trailing zeros (the last entry for
    /// `LEVELS - 1` and more): the odd sketch and the number of the samples
    /// with exactly `t`. The sample at level `l` is every sample with `l`
    /// or more, so its sketch and size are sums over `t >= l` ([`Self::level`]):
    /// a new sample updates one entry instead of one per level.
    odd: [u128; LEVELS],
    count: [u32; LEVELS],
    /// The largest `t` with a sample (0 when there is none).
    top: usize,
    any: bool,
}

/// Levels tracked: enough for 128 × 2^40 distinct shingles.
const LEVELS: usize = 48;
/// Slots of the sample set; it holds at most half as many samples.
const SLOTS: usize = 4096;
/// Hashes remixed at a time (2 × 2 KiB of scratch space).
const MIX_BLOCK: usize = 256;
/// The smallest table a key starts with (512 bytes, 32 samples).
const FIRST_SLOTS: usize = 64;

impl Default for SketchBuilder {
    fn default() -> Self {
        SketchBuilder {
            min: [u64::MAX; BINS],
            second: [u64::MAX; BINS],
            slots: Vec::new(),
            held: 0,
            capacity: SLOTS,
            moved: Vec::new(),
            mixed: Vec::new(),
            floor: 0,
            odd: [0; LEVELS],
            count: [0; LEVELS],
            top: 0,
            any: false,
        }
    }
}

impl SketchBuilder {
    /// Starts a new sketch, reusing buffers.
    pub fn clear(&mut self) {
        self.min = [u64::MAX; BINS];
        self.second = [u64::MAX; BINS];
        // every slot is empty again: the next block zeroes as many as it
        // needs, keeping the allocation
        self.slots.clear();
        self.held = 0;
        self.floor = 0;
        // entries above `top` are zero already
        self.odd[..=self.top].fill(0);
        self.count[..=self.top].fill(0);
        self.top = 0;
        self.any = false;
    }

    /// Adds the hashes of a block of shingles.
    pub fn add(&mut self, hashes: &[u64]) {
        if hashes.is_empty() {
            return;
        }
        self.any = true;
        self.reserve(hashes.len());
        let mut mixed = std::mem::take(&mut self.mixed);
        mixed.resize(2 * MIX_BLOCK, 0);
        let (minhash, odd) = mixed.split_at_mut(MIX_BLOCK);
        for block in hashes.chunks(MIX_BLOCK) {
            // both remixes of the block first, eight lanes at a time where
            // the CPU can
            mix_pairs(block, [MINHASH_SEED, ODD_SEED], minhash, odd);
            self.add_mixed(&minhash[..block.len()], &odd[..block.len()]);
        }
        self.mixed = mixed;
    }

    /// Adds a block of hashes given as their two remixes: `minhash` for
    /// the MinHash bins, `odd` for the odd sketch. The state the loop
    /// reads for every hash is held in locals (the compiler cannot keep
    /// fields in registers across stores into the table), written back
    /// around the rare growth or thinning of the table.
    #[inline(always)]
    fn add_mixed(&mut self, minhash: &[u64], odd: &[u64]) {
        let (mut min, mut second) = (self.min, self.second);
        let mut slots = std::mem::take(&mut self.slots);
        let (mut floor, mut held, mut top) = (self.floor, self.held, self.top);
        let mut mask = slots.len() - 1;
        let mut limit = self.capacity.min(slots.len());
        for (&v, &w) in minhash.iter().zip(odd) {
            let bin = ((v >> 32) as usize * BINS) >> 32;
            // Selects, not branches: which hash takes a bin's minimum is
            // a coin toss the branch predictor loses. The larger of `v` and
            // the minimum is the second-smallest candidate, unless they are
            // equal (a repeat), when it is no candidate (all ones).
            let larger = v.max(min[bin]) | u64::from(v == min[bin]).wrapping_neg();
            second[bin] = second[bin].min(larger);
            min[bin] = min[bin].min(v);
            if w.trailing_zeros() < floor {
                continue;
            }
            // the sample set: open addressing, a sample of 0 stored as 1
            let stored = w.max(1);
            let mut slot = (stored >> 40) as usize & mask;
            loop {
                match slots[slot] {
                    0 => break,
                    sample if sample == stored => break,
                    _ => slot = (slot + 1) & mask,
                }
            }
            if slots[slot] != 0 {
                continue;
            }
            slots[slot] = stored;
            held += 1;
            // a new sample: the sketch of its number of trailing zeros
            let zeros = (w.trailing_zeros() as usize).min(LEVELS - 1);
            self.odd[zeros] ^= 1u128 << (w >> 57);
            self.count[zeros] += 1;
            top = top.max(zeros);
            if held * 2 > limit {
                (self.slots, self.held, self.top) = (slots, held, top);
                if held * 2 > self.capacity {
                    self.thin();
                } else {
                    self.rebuild(self.slots.len() * 4);
                }
                slots = std::mem::take(&mut self.slots);
                (floor, held) = (self.floor, self.held);
                mask = slots.len() - 1;
                limit = self.capacity.min(slots.len());
            }
        }
        (self.min, self.second) = (min, second);
        (self.slots, self.floor, self.held, self.top) = (slots, floor, held, top);
    }

    /// Makes the table big enough for `more` samples beyond those it
    /// holds (a power of two from [`FIRST_SLOTS`] up to the set's logical
    /// size), moving the samples if it grows. Only the table's layout
    /// depends on its size, never which samples it holds.
    #[inline]
    fn reserve(&mut self, more: usize) {
        let wanted = (self.held + more)
            .saturating_mul(4)
            .checked_next_power_of_two()
            .unwrap_or(usize::MAX)
            .clamp(FIRST_SLOTS, self.capacity.max(FIRST_SLOTS));
        if wanted > self.slots.len() {
            if self.held == 0 {
                self.slots.clear();
                self.slots.resize(wanted, 0);
            } else {
                self.rebuild(wanted);
            }
        }
    }

    /// Raises the sampling floor while the level can be told from fewer
    /// samples, dropping the samples below it: the final level is at least
    /// `floor + 2` whenever the floor is raised, so the sketch one level
    /// below it stays known. A paragraph whose samples cannot be thinned
    /// (over 2,048 distinct above a floor whose level needs them) keeps
    /// its floor and its set grows.
    fn thin(&mut self) {
        while self.level((self.floor as usize + 2).min(LEVELS - 1)).1 > ODD_SAMPLE as u32
            && (self.floor as usize) + 2 < LEVELS
        {
            self.floor += 1;
        }
        let floor = self.floor;
        let mut moved = std::mem::take(&mut self.moved);
        moved.clear();
        moved.extend(
            self.slots
                .iter()
                .copied()
                .filter(|&w| w != 0 && w.trailing_zeros() >= floor),
        );
        if moved.len() * 2 > self.capacity {
            self.capacity *= 2;
        }
        self.refill(moved, self.slots.len());
    }

    /// Moves the samples to a table of `size` slots.
    fn rebuild(&mut self, size: usize) {
        let mut moved = std::mem::take(&mut self.moved);
        moved.clear();
        moved.extend(self.slots.iter().copied().filter(|&w| w != 0));
        self.refill(moved, size);
    }

    /// Empties the table, makes it at least `size` slots and at least
    /// twice the samples, and inserts `samples` (distinct) into it.
    fn refill(&mut self, samples: Vec<u64>, size: usize) {
        let mut size = size.max(self.slots.len());
        while samples.len() * 2 > size {
            size *= 2;
        }
        self.slots.clear();
        self.slots.resize(size, 0);
        let mask = self.slots.len() - 1;
        for &w in &samples {
            let mut slot = (w >> 40) as usize & mask;
            while self.slots[slot] != 0 {
                slot = (slot + 1) & mask;
            }
            self.slots[slot] = w;
        }
        self.held = samples.len();
        self.moved = samples;
    }

    /// The odd sketch and the size of the sample at `level` (at least
    /// `floor`; below it, samples were dropped).
    fn level(&self, level: usize) -> (u128, u32) {
        let (mut odd, mut count) = (0, 0);
        for zeros in level..=self.top {
            odd ^= self.odd[zeros];
            count += self.count[zeros];
        }
        (odd, count)
    }

    /// The sketch of everything added, or `None` when nothing was.
    pub fn finish(&mut self) -> Option<NearSketch> {
        if !self.any {
            return None;
        }
        // the sketch and size of each level from `floor` up, as sums of
        // the entries from the top down
        let mut levels = [(0u128, 0u32); LEVELS];
        let (mut odd, mut count) = (0, 0);
        for zeros in (self.floor as usize..=self.top).rev() {
            odd ^= self.odd[zeros];
            count += self.count[zeros];
            levels[zeros] = (odd, count);
        }
        let mut level = self.floor as usize;
        while level + 1 < LEVELS && levels[level].1 > ODD_SAMPLE as u32 {
            level += 1;
        }
        let at_level = |level: usize| -> (u128, u16) {
            match levels.get(level) {
                Some(&(odd, count)) => (odd, count.min(u32::from(u16::MAX)) as u16),
                None => (0, 0),
            }
        };
        let (odd, odd_size) = at_level(level);
        let below = if level == 0 {
            (0, 0)
        } else {
            at_level(level - 1)
        };
        let mut filled = [0u64; BINS];
        let mut alternative = [None; BINS];
        for (i, value) in filled.iter_mut().enumerate() {
            let mut j = i;
            let mut distance = 0u64;
            while self.min[j] == u64::MAX {
                j = (j + 1) % BINS;
                distance += 1;
            }
            *value = if distance == 0 {
                self.min[i]
            } else {
                mix64(self.min[j] ^ distance.wrapping_mul(BAND_SEED))
            };
            if distance == 0 && self.second[i] != u64::MAX {
                alternative[i] = Some(self.second[i]);
            }
        }
        let mut bands = [0u32; BANDS];
        let mut probes = [[0u32; ROWS]; BANDS];
        for band in 0..BANDS {
            let rows = &filled[band * ROWS..band * ROWS + ROWS];
            // `band_key` a row at a time: `prefix[r]` has mixed rows
            // before `r`, which a probe replacing row `r` shares
            let mut prefix = [BAND_SEED ^ band as u64; ROWS + 1];
            for (row, value) in rows.iter().enumerate() {
                prefix[row + 1] = mix64(prefix[row] ^ value);
            }
            bands[band] = prefix[ROWS] as u32;
            for row in 0..ROWS {
                if let Some(second) = alternative[band * ROWS + row] {
                    let mut key = mix64(prefix[row] ^ second);
                    for value in &rows[row + 1..] {
                        key = mix64(key ^ value);
                    }
                    probes[band][row] = key as u32;
                }
            }
        }
        Some(NearSketch {
            stored: StoredSketch {
                bands,
                odd,
                odd_size: odd_size.min(u16::from(u8::MAX)) as u8,
                level: level.min(usize::from(u8::MAX)) as u8,
            },
            probes,
            odd_levels: [below, (odd, odd_size), at_level(level + 1)],
        })
    }
}

/// The 32-bit key of one band's bin values.
fn band_key(band: usize, rows: &[u64]) -> u32 {
    let mut key = BAND_SEED ^ band as u64;
    for row in rows {
        key = mix64(key ^ row);
    }
    key as u32
}

#[doc(hidden)]
pub mod reference;

#[cfg(test)]
mod tests {
    use super::*;

    fn sketch(hashes: &[u64]) -> NearSketch {
        let mut builder = SketchBuilder::default();
        builder.clear();
        for block in hashes.chunks(100) {
            builder.add(block);
        }
        builder.finish().unwrap()
    }

    fn hashes(range: std::ops::Range<u64>) -> Vec<u64> {
        range
            .map(|i| mix64(i.wrapping_mul(0x9E37_79B9_7F4A_7C15)))
            .collect()
    }

    /// The inverse of [`mix64`] (murmur3's finalizer is a bijection): the
    /// hash whose odd-sketch remix is `w`.
    fn hash_with_odd_remix(w: u64) -> u64 {
        fn inverse(c: u64) -> u64 {
            // Newton's iteration for 1/c mod 2^64 (c odd): each step
            // doubles the correct low bits, from 3.
            let mut y = c;
            for _ in 0..6 {
                y = y.wrapping_mul(2u64.wrapping_sub(c.wrapping_mul(y)));
            }
            y
        }
        let mut x = w;
        x ^= x >> 33;
        x = x.wrapping_mul(inverse(0xc4ce_b9fe_1a85_ec53));
        x ^= x >> 33;
        x = x.wrapping_mul(inverse(0xff51_afd7_ed55_8ccd));
        x ^= x >> 33;
        x ^ ODD_SEED
    }

    #[test]
    fn the_inverse_remix_inverts() {
        for w in [0, 1, 1 << 20, u64::MAX, 0x1234_5678_9abc_def0] {
            assert_eq!(mix64(hash_with_odd_remix(w) ^ ODD_SEED), w);
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(96))]
        /// The builder gives what the builder of session 6 gave
        /// ([`reference::ReferenceBuilder`]) for every stream of keys: any
        /// block sizes, repeats, builders reused from key to key (the set's
        /// logical size carries over), hashes whose remixes are 0 (the
        /// sample stored as 1, a bin minimum of 0), and odd-sketch remixes
        /// that all share trailing zeros, so that thinning cannot make room
        /// and the set doubles.
        #[test]
        fn the_builder_equals_the_reference_builder(
            keys in proptest::collection::vec(
                (1u64..30_000, 0usize..9_000, 1usize..5_000, 0u32..24, proptest::bool::ANY),
                1..4,
            ),
        ) {
            let mut builder = SketchBuilder::default();
            let mut reference = reference::ReferenceBuilder::default();
            for (universe, len, block, shared_zeros, exact_zeros) in keys {
                let hashes: Vec<u64> = (0..len as u64)
                    .map(|i| {
                        let id = mix64(i ^ 0x77) % universe;
                        match id {
                            0 => ODD_SEED,     // odd-sketch remix 0
                            1 => MINHASH_SEED, // MinHash remix 0
                            _ if shared_zeros > 0 => {
                                // remixes with at least (or exactly)
                                // `shared_zeros` trailing zeros
                                let high = mix64(id) | u64::from(exact_zeros);
                                hash_with_odd_remix(high << shared_zeros)
                            }
                            _ => mix64(id.wrapping_mul(0x9E37_79B9_7F4A_7C15)),
                        }
                    })
                    .collect();
                builder.clear();
                reference.clear();
                for chunk in hashes.chunks(block) {
                    builder.add(chunk);
                    reference.add(chunk);
                }
                proptest::prop_assert_eq!(builder.finish(), reference.finish());
            }
        }
    }

    #[test]
    fn repeats_and_order_do_not_change_the_sketch() {
        let mut set = hashes(0..3000);
        let once = sketch(&set);
        set.extend(hashes(0..3000));
        set.reverse();
        assert_eq!(sketch(&set), once);
        assert!(once.stored.level >= 4, "3000 shingles are sampled");
        assert!(usize::from(once.stored.odd_size) <= ODD_SAMPLE);
    }

    #[test]
    fn nothing_gives_no_sketch() {
        let mut builder = SketchBuilder::default();
        builder.clear();
        builder.add(&[]);
        assert!(builder.finish().is_none());
    }

    #[test]
    fn the_odd_estimate_follows_the_jaccard_similarity() {
        for size in [30u64, 100, 400, 2000] {
            let a = sketch(&hashes(0..size));
            for share in [1.0, 0.9, 0.7, 0.4] {
                // b shares `share` of a's elements and adds as many new ones
                let kept = (size as f64 * share) as u64;
                let mut b_set = hashes(0..kept);
                b_set.extend(hashes(10_000_000..10_000_000 + size - kept));
                let b = sketch(&b_set);
                let truth = kept as f64 / (2 * size - kept) as f64;
                let (odd, odd_size) = b.odd_at(a.stored.level).unwrap();
                let estimate = odd_jaccard(
                    (odd ^ a.stored.odd).count_ones(),
                    u16::from(a.stored.odd_size),
                    odd_size,
                );
                // Sharp where decisions are made, saturating far below them.
                if truth >= 0.5 {
                    assert!(
                        (estimate - truth).abs() < 0.1,
                        "size {size}, J {truth}: {estimate}"
                    );
                } else {
                    assert!(estimate < 0.6, "size {size}, J {truth}: {estimate}");
                }
            }
        }
    }

    #[test]
    fn a_gained_minimum_is_found_by_a_probe() {
        let base = hashes(0..200);
        let stored = sketch(&base);
        // Find an element that would take some bin's minimum and add it.
        let mut query_set = base.clone();
        let new = (1_000_000..2_000_000u64)
            .map(mix64)
            .find(|h| mix64(h ^ MINHASH_SEED) < 1 << 50)
            .unwrap();
        query_set.push(new);
        let query = sketch(&query_set);
        let matched = (0..BANDS).any(|band| {
            query.stored.bands[band] == stored.stored.bands[band]
                || query.probes[band].contains(&stored.stored.bands[band])
        });
        assert!(matched);
    }
}
