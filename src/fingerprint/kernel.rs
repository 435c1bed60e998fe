//! The bit-counting kernel, the crate's SIMD (and most of its `unsafe`):
//! per-bit counts of a block of hashes with the widest instruction set the
//! CPU has, picked at run time, each variant the same loop and all giving
//! the same counts; and the sketch's two remixes of a block of hashes
//! ([`mix_pairs`]), eight lanes at a time where the CPU multiplies 64-bit
//! lanes.

/// Adds bit `i` of every hash to `ones[i]`, with the widest vector
/// instructions this CPU has. Every variant is the same loop compiled for
/// different instruction sets, so all give the same counts.
///
/// ```text
/// counts can overflow only after 2^32 hashes: the callers count one
/// paragraph at a time (u32 shingle counts).
/// ```
#[inline]
pub fn count_bits(hashes: &[u64], ones: &mut [u32; 64]) {
    #[cfg(target_arch = "x86_64")]
    {
        match *KERNEL {
            Kernel::Avx512 => {
                // SAFETY: the CPU has AVX-512 F and BW (checked at start-up).
                return unsafe { count_bits_avx512(hashes, ones) };
            }
            Kernel::Avx2 => {
                // SAFETY: the CPU has AVX2 (checked at start-up).
                return unsafe { count_bits_avx2(hashes, ones) };
            }
            Kernel::Portable => {}
        }
    }
    count_bits_portable(hashes, ones)
}

/// The instruction set [`count_bits`] uses on this machine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kernel {
    /// AVX-512 F + BW.
    Avx512,
    /// AVX2.
    Avx2,
    /// Whatever the build targets (SSE2 on a default x86-64 build).
    Portable,
}

static KERNEL: std::sync::LazyLock<Kernel> = std::sync::LazyLock::new(detect_kernel);

fn detect_kernel() -> Kernel {
    #[cfg(target_arch = "x86_64")]
    {
        if std::env::var_os("CHAFF_PORTABLE_KERNEL").is_some() {
            return Kernel::Portable;
        }
        if is_x86_feature_detected!("avx512f") && is_x86_feature_detected!("avx512bw") {
            return Kernel::Avx512;
        }
        if is_x86_feature_detected!("avx2") {
            return Kernel::Avx2;
        }
    }
    Kernel::Portable
}

/// The kernel chosen for this machine (`CHAFF_PORTABLE_KERNEL` set in the
/// environment forces the portable one).
///
/// ```
/// let kernel = chaff::fingerprint::kernel();
/// println!("{kernel:?}");
/// ```
pub fn kernel() -> Kernel {
    *KERNEL
}

#[inline(always)]
fn count_bits_portable(hashes: &[u64], ones: &mut [u32; 64]) {
    for &hash in hashes {
        for (i, count) in ones.iter_mut().enumerate() {
            *count += ((hash >> i) & 1) as u32;
        }
    }
}

/// AVX2: 64 byte counters in two registers. Each hash is broadcast, every
/// byte of it spread over eight lanes (`vpshufb`), tested against that
/// lane's bit (`vpand`, `vpcmpeqb`: 0xFF where set) and subtracted (adding
/// one). The byte counters are widened into `ones` every 255 hashes, before
/// they can wrap.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn count_bits_avx2(hashes: &[u64], ones: &mut [u32; 64]) {
    use std::arch::x86_64::*;
    // Lane i of the low register holds bit i of the hash, lane i of the
    // high one bit 32 + i. vpshufb indexes within each 128-bit half, and
    // the broadcast puts all eight hash bytes in both halves.
    let spread_low = _mm256_setr_epi8(
        0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, //
        2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3,
    );
    let spread_high = _mm256_setr_epi8(
        4, 4, 4, 4, 4, 4, 4, 4, 5, 5, 5, 5, 5, 5, 5, 5, //
        6, 6, 6, 6, 6, 6, 6, 6, 7, 7, 7, 7, 7, 7, 7, 7,
    );
    let bit_of_lane = _mm256_set1_epi64x(0x8040_2010_0804_0201u64 as i64);
    for block in hashes.chunks(255) {
        let mut low = _mm256_setzero_si256();
        let mut high = _mm256_setzero_si256();
        for &hash in block {
            let all = _mm256_set1_epi64x(hash as i64);
            let set_low = _mm256_cmpeq_epi8(
                _mm256_and_si256(_mm256_shuffle_epi8(all, spread_low), bit_of_lane),
                bit_of_lane,
            );
            let set_high = _mm256_cmpeq_epi8(
                _mm256_and_si256(_mm256_shuffle_epi8(all, spread_high), bit_of_lane),
                bit_of_lane,
            );
            low = _mm256_sub_epi8(low, set_low);
            high = _mm256_sub_epi8(high, set_high);
        }
        let mut counts = [0u8; 64];
        // SAFETY: `counts` is 64 bytes; unaligned stores.
        unsafe {
            _mm256_storeu_si256(counts.as_mut_ptr().cast(), low);
            _mm256_storeu_si256(counts.as_mut_ptr().add(32).cast(), high);
        }
        for (total, count) in ones.iter_mut().zip(counts) {
            *total += u32::from(count);
        }
    }
}

/// AVX-512 BW: 64 byte counters in one register, lane `i` for bit `i`.
/// The hash itself is the write mask of a byte-wise add of one
/// (`vpaddb` under `k`), so a hash costs a mask move and an add. Two
/// registers take alternate hashes, so that one add need not wait for the
/// other. The byte counters are widened into `ones` every 255 hashes
/// (at most 128 per register), before they can wrap.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512bw")]
unsafe fn count_bits_avx512(hashes: &[u64], ones: &mut [u32; 64]) {
    use std::arch::x86_64::*;
    let one = _mm512_set1_epi8(1);
    for block in hashes.chunks(255) {
        let mut even = _mm512_setzero_si512();
        let mut odd = _mm512_setzero_si512();
        let mut pairs = block.chunks_exact(2);
        for pair in &mut pairs {
            even = _mm512_mask_add_epi8(even, pair[0], even, one);
            odd = _mm512_mask_add_epi8(odd, pair[1], odd, one);
        }
        if let [last] = pairs.remainder() {
            even = _mm512_mask_add_epi8(even, *last, even, one);
        }
        // at most 128 + 127: no byte wraps
        let counts = _mm512_add_epi8(even, odd);
        let mut bytes = [0u8; 64];
        // SAFETY: `bytes` is 64 bytes; an unaligned store.
        unsafe { _mm512_storeu_si512(bytes.as_mut_ptr().cast(), counts) };
        for (total, count) in ones.iter_mut().zip(bytes) {
            *total += u32::from(count);
        }
    }
}

/// Murmur3's finalizer ([`fmix64`](super::mix64)) of `hash ^ seeds[0]`
/// and of `hash ^ seeds[1]` for every hash of a block, into `first` and
/// `second` (as long as `hashes`: extra room is left as it was). With
/// AVX-512 DQ (64-bit lane multiplies) eight hashes are mixed at a time;
/// every variant is the same loop, so all give the same values as the
/// scalar finalizer (tested).
#[inline]
pub(crate) fn mix_pairs(hashes: &[u64], seeds: [u64; 2], first: &mut [u64], second: &mut [u64]) {
    #[cfg(target_arch = "x86_64")]
    if *MIX_AVX512 {
        // SAFETY: the CPU has AVX-512 F and DQ (checked at start-up).
        return unsafe { mix_pairs_avx512(hashes, seeds, first, second) };
    }
    mix_pairs_portable(hashes, seeds, first, second)
}

/// Whether [`mix_pairs`] may use AVX-512 F + DQ (`CHAFF_PORTABLE_KERNEL`
/// set in the environment forces the portable loop, as for [`count_bits`]).
#[cfg(target_arch = "x86_64")]
static MIX_AVX512: std::sync::LazyLock<bool> = std::sync::LazyLock::new(|| {
    std::env::var_os("CHAFF_PORTABLE_KERNEL").is_none()
        && is_x86_feature_detected!("avx512f")
        && is_x86_feature_detected!("avx512dq")
});

#[inline(always)]
fn mix_pairs_portable(hashes: &[u64], seeds: [u64; 2], first: &mut [u64], second: &mut [u64]) {
    for ((&hash, a), b) in hashes.iter().zip(first).zip(second) {
        *a = super::mix64(hash ^ seeds[0]);
        *b = super::mix64(hash ^ seeds[1]);
    }
}

/// The portable loop compiled for AVX-512 F + DQ, where `vpmullq`
/// multiplies eight 64-bit lanes at once.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512dq")]
unsafe fn mix_pairs_avx512(hashes: &[u64], seeds: [u64; 2], first: &mut [u64], second: &mut [u64]) {
    mix_pairs_portable(hashes, seeds, first, second)
}

/// The portable kernel, for comparing the dispatched one against.
#[doc(hidden)]
pub fn count_bits_reference(hashes: &[u64], ones: &mut [u32; 64]) {
    count_bits_portable(hashes, ones)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_mix_kernel_mixes_like_the_scalar_finalizer() {
        let hashes: Vec<u64> = (0..300u64)
            .map(|i| i.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ (i << 60))
            .chain([0, u64::MAX])
            .collect();
        let seeds = [0x5851_f42d_4c95_7f2d, 0];
        for len in [0, 1, 7, 8, 9, 255, hashes.len()] {
            // room beyond the hashes is left as it was
            let (mut first, mut second) = (vec![1; len + 3], vec![2; len + 3]);
            mix_pairs(&hashes[..len], seeds, &mut first, &mut second);
            for (i, &hash) in hashes[..len].iter().enumerate() {
                assert_eq!(first[i], super::super::mix64(hash ^ seeds[0]), "{len} {i}");
                assert_eq!(second[i], super::super::mix64(hash ^ seeds[1]), "{len} {i}");
            }
            assert_eq!((&first[len..], &second[len..]), (&[1; 3][..], &[2; 3][..]));
            #[cfg(target_arch = "x86_64")]
            if is_x86_feature_detected!("avx512f") && is_x86_feature_detected!("avx512dq") {
                let (mut a, mut b) = (vec![0; len], vec![0; len]);
                // SAFETY: AVX-512 F and DQ are present (checked above).
                unsafe { mix_pairs_avx512(&hashes[..len], seeds, &mut a, &mut b) };
                assert_eq!((&a[..], &b[..]), (&first[..len], &second[..len]));
            }
        }
    }

    #[test]
    fn every_kernel_counts_like_the_portable_loop() {
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let mut hashes: Vec<u64> = (0..2000)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                state
            })
            .collect();
        // runs of all-ones that would wrap a byte counter at 256
        hashes.extend(std::iter::repeat_n(u64::MAX, 600));
        hashes.extend([0, 1, 1 << 63, 0x8000_0000, 0x0101_0101_0101_0101]);
        for len in [0, 1, 7, 254, 255, 256, 511, 2000, hashes.len()] {
            let mut expected = [0u32; 64];
            count_bits_reference(&hashes[..len], &mut expected);
            let mut got = [0u32; 64];
            count_bits(&hashes[..len], &mut got);
            assert_eq!(got, expected, "{len} hashes, kernel {:?}", kernel());
            #[cfg(target_arch = "x86_64")]
            if is_x86_feature_detected!("avx2") {
                let mut avx2 = [0u32; 64];
                // SAFETY: AVX2 is present (checked above).
                unsafe { count_bits_avx2(&hashes[..len], &mut avx2) };
                assert_eq!(avx2, expected, "{len} hashes, AVX2");
            }
            #[cfg(target_arch = "x86_64")]
            if is_x86_feature_detected!("avx512f") && is_x86_feature_detected!("avx512bw") {
                let mut avx512 = [0u32; 64];
                // SAFETY: AVX-512 F and BW are present (checked above).
                unsafe { count_bits_avx512(&hashes[..len], &mut avx512) };
                assert_eq!(avx512, expected, "{len} hashes, AVX-512");
            }
        }
    }
}
