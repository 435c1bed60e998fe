//! The sketch builder as it was before session 7 (a hash set with a
//! list of used slots, one table size to start every key), kept as the
//! reference the faster builder is tested against: both must give the same
//! [`NearSketch`] for every stream of hashes.

use super::super::mix64;
use super::{
    BAND_SEED, BANDS, BINS, MINHASH_SEED, NearSketch, ODD_SAMPLE, ODD_SEED, ROWS, StoredSketch,
    band_key,
};

/// Builds a [`NearSketch`] from a stream of shingle hashes (repeats
/// allowed), in bounded memory.
#[derive(Debug, Clone)]
pub struct ReferenceBuilder {
    min: [u64; BINS],
    second: [u64; BINS],
    /// The distinct odd-sketch samples seen so far (open addressing,
    /// 0 for empty, a sample of 0 stored as 1: it differs only in its
    /// lowest bit, which no level reads): `slots` holds them, `used` where.
    /// The table starts at [`FIRST_SLOTS`] each key and grows fourfold when half
    /// full, so a short paragraph probes a few hot cache lines instead of
    /// the whole set's worth.
    slots: Vec<u64>,
    used: Vec<u32>,
    /// The samples the set may hold before it is thinned, times two (the
    /// set's logical size: [`SLOTS`], doubled when thinning cannot make
    /// room). Kept from one key to the next, as the set itself was.
    capacity: usize,
    /// Scratch space for the samples while the table is rebuilt.
    moved: Vec<u64>,
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
/// Slots of the table each key starts with (8 KiB: a paragraph of up to
/// 512 distinct shingles never grows it).
const FIRST_SLOTS: usize = 1024;

impl Default for ReferenceBuilder {
    fn default() -> Self {
        ReferenceBuilder {
            min: [u64::MAX; BINS],
            second: [u64::MAX; BINS],
            slots: vec![0; FIRST_SLOTS],
            used: Vec::new(),
            capacity: SLOTS,
            moved: Vec::new(),
            floor: 0,
            odd: [0; LEVELS],
            count: [0; LEVELS],
            top: 0,
            any: false,
        }
    }
}

impl ReferenceBuilder {
    /// Starts a new sketch, reusing buffers.
    pub fn clear(&mut self) {
        self.min = [u64::MAX; BINS];
        self.second = [u64::MAX; BINS];
        for &slot in &self.used {
            self.slots[slot as usize] = 0;
        }
        self.used.clear();
        // every slot is empty again: back to the small table, keeping the
        // allocation
        self.slots.truncate(FIRST_SLOTS);
        self.floor = 0;
        self.odd = [0; LEVELS];
        self.count = [0; LEVELS];
        self.top = 0;
        self.any = false;
    }

    /// Adds the hashes of a block of shingles.
    pub fn add(&mut self, hashes: &[u64]) {
        self.any |= !hashes.is_empty();
        for &hash in hashes {
            let v = mix64(hash ^ MINHASH_SEED);
            let bin = ((v >> 32) as usize * BINS) >> 32;
            // Selects, not branches: which hash takes a bin's minimum is
            // a coin toss the branch predictor loses.
            let (min, second) = (self.min[bin], self.second[bin]);
            self.second[bin] = if v < min {
                min
            } else if v > min {
                second.min(v)
            } else {
                second
            };
            self.min[bin] = min.min(v);
            let w = mix64(hash ^ ODD_SEED);
            if w.trailing_zeros() >= self.floor && self.insert(w.max(1)) {
                self.sample(w);
            }
        }
    }

    /// Adds a new sample to the sketches of every level it belongs to
    /// (levels `floor` to its trailing zeros).
    #[inline]
    fn sample(&mut self, w: u64) {
        let zeros = (w.trailing_zeros() as usize).min(LEVELS - 1);
        self.odd[zeros] ^= 1u128 << (w >> 57);
        self.count[zeros] += 1;
        self.top = self.top.max(zeros);
        if self.used.len() * 2 > self.capacity {
            self.thin();
        } else if self.used.len() * 2 > self.slots.len() {
            self.rebuild(self.slots.len() * 4);
        }
    }

    /// Whether `w` was not in the sample set (and now is).
    #[inline]
    fn insert(&mut self, w: u64) -> bool {
        let mask = self.slots.len() - 1;
        let mut slot = (w >> 40) as usize & mask;
        loop {
            match self.slots[slot] {
                0 => {
                    self.slots[slot] = w;
                    self.used.push(slot as u32);
                    return true;
                }
                held if held == w => return false,
                _ => slot = (slot + 1) & mask,
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
            self.used
                .iter()
                .map(|&slot| self.slots[slot as usize])
                .filter(|w| w.trailing_zeros() >= floor),
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
        moved.extend(self.used.iter().map(|&slot| self.slots[slot as usize]));
        self.refill(moved, size);
    }

    /// Empties the table, makes it at least `size` slots and at least
    /// twice the samples, and inserts `samples` (distinct) into it.
    fn refill(&mut self, samples: Vec<u64>, size: usize) {
        for &slot in &self.used {
            self.slots[slot as usize] = 0;
        }
        self.used.clear();
        let mut size = size.max(self.slots.len());
        while samples.len() * 2 > size {
            size *= 2;
        }
        self.slots.resize(size, 0);
        let mask = self.slots.len() - 1;
        for &w in &samples {
            let mut slot = (w >> 40) as usize & mask;
            while self.slots[slot] != 0 {
                slot = (slot + 1) & mask;
            }
            self.slots[slot] = w;
            self.used.push(slot as u32);
        }
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
            bands[band] = band_key(band, rows);
            for row in 0..ROWS {
                if let Some(second) = alternative[band * ROWS + row] {
                    let mut replaced = [0u64; ROWS];
                    replaced.copy_from_slice(rows);
                    replaced[row] = second;
                    probes[band][row] = band_key(band, &replaced);
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
