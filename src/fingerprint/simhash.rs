//! SimHash assembly: bit `i` of the SimHash is set where more than half of
//! the feature hashes have bit `i` set (Charikar's sign of the +1/-1 sum),
//! counted a block at a time by the [`kernel`](super::kernel).

use super::kernel::count_bits;

/// SimHash of a stream of feature hashes.
///
/// ```
/// // bit i is set where more than half of the hashes have it set
/// assert_eq!(chaff::fingerprint::simhash([0b011, 0b110, 0b010].into_iter()), 0b010);
/// ```
pub fn simhash(hashes: impl Iterator<Item = u64>) -> u64 {
    let mut counter = BitCounter::new();
    hashes.for_each(|h| counter.add(h));
    counter.finish().0
}

/// Per-bit counts of set bits over a stream of hashes, taken in blocks so
/// that the counting loop runs over a slice.
struct BitCounter {
    block: [u64; BLOCK],
    pending: usize,
    ones: [u32; 64],
    total: u64,
}

const BLOCK: usize = 64;

impl BitCounter {
    fn new() -> Self {
        BitCounter {
            block: [0; BLOCK],
            pending: 0,
            ones: [0; 64],
            total: 0,
        }
    }

    #[inline]
    fn add(&mut self, hash: u64) {
        self.block[self.pending] = hash;
        self.pending += 1;
        if self.pending == BLOCK {
            self.flush();
        }
    }

    fn flush(&mut self) {
        count_bits(&self.block[..self.pending], &mut self.ones);
        self.total += self.pending as u64;
        self.pending = 0;
    }

    /// The SimHash and the number of hashes counted. Bit `i` is set where
    /// bit `i` was set in more than half of the hashes: the sign of the
    /// reference's +1/-1 weight.
    fn finish(mut self) -> (u64, u64) {
        self.flush();
        let mut simhash = 0u64;
        for (i, ones) in self.ones.iter().enumerate() {
            if 2 * u64::from(*ones) > self.total {
                simhash |= 1 << i;
            }
        }
        (simhash, self.total)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counter_flushes_without_losing_counts() {
        // 1000 hashes with bit 0 set and 999 without: more than 255 per lane
        let hashes = std::iter::repeat_n(1u64, 1000).chain(std::iter::repeat_n(2u64, 999));
        assert_eq!(simhash(hashes), 1);
        let hashes = std::iter::repeat_n(1u64, 999).chain(std::iter::repeat_n(2u64, 1000));
        assert_eq!(simhash(hashes), 2);
    }
}
