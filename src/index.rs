//! Stage 5: finding stored paragraphs by key, in memory that grows with
//! what is stored and nothing else.
//!
//! [`IdTable`] maps 64-bit keys (the exact key, the band keys of the
//! [near sketch](crate::fingerprint::sketch), the half keys of the one-edit
//! comparison) to the ids of the stored paragraphs that have them: a
//! SwissTable (`hashbrown`'s `HashTable`) of 4-byte ids, one control byte
//! each, at most 7/8 full, so 5.7 to 11.4 bytes per id (6.7 at 100 million
//! ids, 8.4 at 10 million). The key itself is not stored: the table asks the
//! caller for the key of an id when it grows, and a lookup gives every id
//! whose 7-bit tag matches, which the caller confirms against what it
//! stores for that id. A lookup reads one or two 16-byte control groups
//! and the ids they point to, whatever the number of ids stored: the cost
//! of a lookup does not grow with the corpus (Manku, Jain and Das Sarma's
//! tables "sized to the corpus", with the sizing left to the hash table).
//!
//! [`CuckooTable`] does the same for keys that hold a few ids each (the
//! band keys and half keys of the deduplicator, at most
//! [`BUCKET_CAP`](crate::dedup::BUCKET_CAP) each) in 4 bytes per slot, 83%
//! to 95% of them used: 4.2 to 4.8 bytes per id. It holds most of the
//! index (three band entries per long paragraph), and is what brings the
//! dedup state under 64 bytes per kept paragraph.
//!
//! [`Column`] is the append-only array the stores keep their per-id data
//! in: fixed chunks of 65,536 values, so it never holds more than one
//! chunk of unused room and never copies what it holds.
//!
//! # Lookups at corpus scale
//!
//! At 100 million paragraphs the tables and columns take 6 GB, and every
//! bucket and entry a lookup reads is a cache miss; with 4 KiB pages it is
//! a TLB miss too, whose page walk misses as well. Two things keep that
//! cost down, neither of which changes a result:
//!
//! * **Asking for everything first.** [`CuckooTable::prefetch`] and
//!   [`Column::prefetch`] ask the processor for a bucket or an entry and
//!   return at once, so a lookup asks for the buckets of all its keys, then
//!   for the entries of all their candidates, and the misses of each wave
//!   overlap (memory-level parallelism) instead of following one another.
//! * **Huge pages.** The bucket arrays and the chunks of the columns are
//!   allocated untouched and given `madvise(MADV_HUGEPAGE)` on their
//!   2 MiB-aligned interior before they are filled, so that where
//!   transparent huge pages are enabled for `madvise` (Linux) they are
//!   backed by 2 MiB pages and the page tables of the whole index fit in
//!   the caches. A hint: elsewhere, or with huge pages off, nothing changes.
//!
//! `examples/index_memory.rs` measures the whole (`BENCHMARKS.md`,
//! "Lookups at 100 million: prefetching and huge pages").

use hashbrown::HashTable;

/// Asks the processor to bring the cache lines of `value` into its caches
/// and returns at once: a lookup that will read several places of a large
/// table asks for all of them first, so that their cache misses overlap
/// instead of following one another. A hint only (`_mm_prefetch` with
/// `_MM_HINT_T0` on x86-64, nothing elsewhere): it changes no result.
#[inline(always)]
pub(crate) fn prefetch<T>(value: &T) {
    #[cfg(target_arch = "x86_64")]
    {
        use core::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        let first = (value as *const T).cast::<i8>();
        // The last byte too: a packed value may straddle two cache lines.
        let last = first.wrapping_add(std::mem::size_of::<T>().saturating_sub(1));
        // SAFETY: a prefetch is a hint that never faults and reads nothing
        // the program sees; both addresses are inside `value` anyway.
        unsafe {
            _mm_prefetch::<_MM_HINT_T0>(first);
            _mm_prefetch::<_MM_HINT_T0>(last);
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = value;
}

/// A hash multimap from 64-bit keys to `u32` ids.
///
/// ```
/// use chaff::index::IdTable;
/// let keys = [10u64, 20, 10];
/// let mut table = IdTable::default();
/// for (id, key) in keys.iter().enumerate() {
///     table.insert(*key, id as u32, |id| keys[id as usize]);
/// }
/// let mut ids: Vec<u32> = table.candidates(10).filter(|id| keys[*id as usize] == 10).collect();
/// ids.sort();
/// assert_eq!(ids, [0, 2]);
/// assert_eq!(table.len(), 3);
/// ```
#[derive(Debug, Clone, Default)]
pub struct IdTable {
    table: HashTable<u32>,
}

/// The table hash of a key: keys are hashes already, but the table takes
/// its 7-bit tag from the top bits and its position from the low ones, so
/// both must be mixed.
#[inline]
fn table_hash(key: u64) -> u64 {
    crate::fingerprint::mix64(key)
}

impl IdTable {
    /// Every id stored under `key`, and now and then (one in 128 of the
    /// other ids the lookup passes) an id stored under another key: the
    /// caller confirms each.
    #[inline]
    pub fn candidates(&self, key: u64) -> impl Iterator<Item = u32> + '_ {
        self.table.iter_hash(table_hash(key)).copied()
    }

    /// Stores `id` under `key`. `key_of` gives the key of any stored id
    /// (the table calls it when it grows).
    pub fn insert(&mut self, key: u64, id: u32, key_of: impl Fn(u32) -> u64) {
        self.table
            .insert_unique(table_hash(key), id, |id| table_hash(key_of(*id)));
    }

    /// How many ids are stored.
    pub fn len(&self) -> usize {
        self.table.len()
    }

    /// Whether nothing is stored.
    pub fn is_empty(&self) -> bool {
        self.table.is_empty()
    }

    /// Bytes the table holds: 5 per bucket (an id and its control byte).
    pub fn memory_bytes(&self) -> usize {
        let buckets = if self.table.capacity() == 0 {
            0
        } else {
            (self.table.capacity() * 8 / 7).next_power_of_two()
        };
        buckets * 5
    }
}

/// The size of a transparent huge page on x86-64 and most AArch64 Linux
/// kernels (`/sys/kernel/mm/transparent_hugepage/hpage_pmd_size`).
const HUGE_PAGE: usize = 2 << 20;

/// Asks the kernel to back the spare capacity of `buffer` (not touched
/// yet, so that it is faulted in as huge pages) with transparent huge pages
/// where whole ones fit: `madvise(MADV_HUGEPAGE)` on the 2 MiB-aligned
/// interior. At corpus scale every lookup reads tables of gigabytes at
/// random; with 4 KiB pages each read also misses the TLB and its page
/// walk misses the caches (the page tables of 6 GB take 12 MB), with
/// 2 MiB pages the page tables of the whole index fit in the L1 cache.
/// A hint: where the kernel has no transparent huge pages (other systems,
/// or `never` in `/sys/kernel/mm/transparent_hugepage/enabled`) nothing
/// changes, and on systems set to `always` it is what happens anyway.
fn advise_huge_pages<T>(buffer: &mut Vec<T>) {
    let bytes = buffer.capacity() * std::mem::size_of::<T>();
    let start = buffer.as_mut_ptr() as usize;
    let first = start.next_multiple_of(HUGE_PAGE);
    let end = (start + bytes) / HUGE_PAGE * HUGE_PAGE;
    if end <= first {
        return;
    }
    advise_huge(first, end - first);
}

/// `madvise(MADV_HUGEPAGE)` on `len` bytes from `start`, both multiples of
/// [`HUGE_PAGE`], inside an allocation the caller owns.
#[cfg(target_os = "linux")]
fn advise_huge(start: usize, len: usize) {
    // SAFETY: `MADV_HUGEPAGE` changes only how the kernel backs these
    // pages, never their contents or who may read them, and the range lies
    // inside an allocation the caller owns. The result is ignored: a
    // kernel without transparent huge pages refuses the hint (`EINVAL`)
    // and the pages stay as they were.
    unsafe {
        libc::madvise(start as *mut libc::c_void, len, libc::MADV_HUGEPAGE);
    }
}

#[cfg(not(target_os = "linux"))]
fn advise_huge(_start: usize, _len: usize) {}

/// Ids per bucket of a [`CuckooTable`]: 8 of 4 bytes, 32 bytes, half a
/// cache line.
const BUCKET: usize = 8;
/// Bits of a [`CuckooTable`] slot that hold the id at least; the others
/// (16 at most) hold a tag from the key's hash.
const MIN_ID_BITS: u32 = 16;
/// The most bits an id takes: a tag keeps 2.
const MAX_ID_BITS: u32 = 30;
/// An empty slot (all ones: the tag all ones with an id all ones, which no
/// id takes).
const EMPTY: u32 = u32::MAX;
/// The largest id a [`CuckooTable`] stores: 2^30 - 2.
pub const CUCKOO_MAX_ID: u32 = (1 << MAX_ID_BITS) - 2;
/// A [`CuckooTable`] grows when it is this full (19/20)…
const MAX_LOAD: (usize, usize) = (19, 20);
/// …by this factor (8/7), so it is never less than 83% full once grown:
/// 4.2 to 4.8 bytes per id. (By 5/4 it would be 76% full after growing,
/// which at 100 million ids costs 2.4 bytes more per long paragraph, for
/// a third fewer placements when growing.)
const GROWTH: (usize, usize) = (8, 7);
/// Evictions tried before an id goes to the stash.
const MAX_KICKS: usize = 500;
/// A table whose stash holds more than this (and more than one id in 64)
/// grows, when half full: ids that found no place at 95% find one in a
/// larger table, unless one key holds more ids than its two buckets take.
const MAX_STASH: usize = 16;

#[derive(Debug, Clone, Copy)]
#[repr(align(32))]
struct Bucket([u32; BUCKET]);

/// A hash multimap from 64-bit keys to ids below [`CUCKOO_MAX_ID`], for keys
/// that hold few ids each (the band and half keys of the deduplicator hold
/// at most [`BUCKET_CAP`](crate::dedup::BUCKET_CAP)): 4 bytes per slot and
/// 95% of the slots used at most, 83% at least once it has grown, so 4.2
/// to 4.8 bytes per id, against 5.7 to 11.4 for [`IdTable`].
///
/// A bucketized cuckoo hash table (Pagh and Rodler, "Cuckoo hashing", 2001;
/// buckets of several slots as in Fan et al., "MemC3", NSDI 2013, where 8
/// slots per bucket reach 95% occupancy) with a stash for the rare id that
/// finds no place (Kirsch, Mitzenmacher and Wieder, 2009): every key has two
/// buckets of 8 slots, a slot holds an id and, in the bits the ids do not
/// use yet, a tag of the key's hash (16 bits while the ids are below 2^16,
/// 5 below 2^27), and a lookup reads the two buckets (and the stash,
/// almost always empty).
/// The number of buckets is any integer (Lemire's multiply-shift maps the
/// hash to a bucket), so the table grows by a seventh, not by doubling. The
/// key itself is not stored: the table asks the caller for the key of an id
/// when it moves one, and a lookup gives every id of the two buckets whose
/// tag matches (one in 2^tag bits of the others), which the caller confirms.
///
/// ```
/// use chaff::index::CuckooTable;
/// let keys = [10u64, 20, 10];
/// let mut table = CuckooTable::default();
/// for (id, key) in keys.iter().enumerate() {
///     table.insert(*key, id as u32, |id| keys[id as usize]);
/// }
/// let mut ids: Vec<u32> = table.candidates(10).filter(|id| keys[*id as usize] == 10).collect();
/// ids.sort();
/// assert_eq!(ids, [0, 2]);
/// assert_eq!(table.len(), 3);
/// ```
#[derive(Debug, Clone, Default)]
pub struct CuckooTable {
    buckets: Vec<Bucket>,
    len: usize,
    /// Bits of a slot that hold the id (at least [`MIN_ID_BITS`] once
    /// something is stored): every stored id is below `2^id_bits - 1`.
    id_bits: u32,
    /// Ids that found no place, with their keys.
    stash: Vec<(u64, u32)>,
    /// State of the generator that picks which id to evict (xorshift):
    /// deterministic, so the same insertions give the same table.
    kick: u64,
}

/// The two buckets and the tag of a key in a table of `buckets` buckets
/// (at least 2) whose ids take `id_bits`.
#[inline]
fn cuckoo_place(key: u64, buckets: usize, id_bits: u32) -> (usize, usize, u32) {
    let hash = table_hash(key);
    let n = buckets as u64;
    let first = (((hash & 0xFFFF_FFFF) * n) >> 32) as usize;
    let mut second = (((hash >> 32) * n) >> 32) as usize;
    if second == first {
        second = if first + 1 == buckets { 0 } else { first + 1 };
    }
    // The top bits of another product: independent of the bucket numbers.
    let tag = (hash.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (32 + id_bits)) as u32;
    (first, second, tag)
}

impl CuckooTable {
    /// Every id stored under `key`, and now and then (one in 16 of the
    /// other ids of its two buckets) an id stored under another key: the
    /// caller confirms each.
    #[inline]
    pub fn candidates(&self, key: u64) -> impl Iterator<Item = u32> + '_ {
        let id_bits = self.id_bits;
        let (a, b, tag) = if self.buckets.is_empty() {
            (None, None, 0)
        } else {
            let (first, second, tag) = cuckoo_place(key, self.buckets.len(), id_bits);
            // Both buckets read before either is scanned: two cache misses
            // at once, not one after the other.
            (Some(self.buckets[first]), Some(self.buckets[second]), tag)
        };
        let mask = (1u32 << id_bits).wrapping_sub(1);
        a.into_iter()
            .chain(b)
            .flat_map(|bucket| bucket.0)
            .filter_map(move |slot| {
                (slot != EMPTY && slot >> id_bits == tag).then_some(slot & mask)
            })
            .chain(
                self.stash
                    .iter()
                    .filter(move |(stashed, _)| *stashed == key)
                    .map(|(_, id)| *id),
            )
    }

    /// Asks the processor for the two buckets of `key` without reading
    /// them (a prefetch, on x86-64; nothing elsewhere): a caller that will
    /// look up several keys asks for all of them first, and their cache
    /// misses overlap. Changes no result.
    ///
    /// ```
    /// use chaff::index::CuckooTable;
    /// let mut table = CuckooTable::default();
    /// table.insert(10, 0, |_| 10);
    /// table.prefetch(10);
    /// table.prefetch(20);
    /// assert_eq!(table.candidates(10).collect::<Vec<_>>(), [0]);
    /// ```
    #[inline]
    pub fn prefetch(&self, key: u64) {
        if self.buckets.len() >= 2 {
            let (first, second, _) = cuckoo_place(key, self.buckets.len(), self.id_bits);
            prefetch(&self.buckets[first]);
            prefetch(&self.buckets[second]);
        }
    }

    /// Stores `id` (at most [`CUCKOO_MAX_ID`]) under `key`. `key_of` gives the
    /// key of any stored id (the table calls it when it moves one).
    ///
    /// # Panics
    ///
    /// If `id` is above [`CUCKOO_MAX_ID`]: the caller keeps its ids below.
    pub fn insert(&mut self, key: u64, id: u32, key_of: impl Fn(u32) -> u64) {
        assert!(id <= CUCKOO_MAX_ID, "id {id} above CUCKOO_MAX_ID");
        let slots = self.buckets.len() * BUCKET;
        if (self.len + 1) * MAX_LOAD.1 > slots * MAX_LOAD.0
            || (self.stash.len() > MAX_STASH.max(self.len / 64) && self.len * 2 > slots)
        {
            self.rebuild(self.id_bits, &key_of);
        }
        let id_bits = MIN_ID_BITS.max(u32::BITS - (id + 1).leading_zeros());
        if id_bits > self.id_bits {
            // The tags take a bit less: every slot is rewritten.
            let buckets = self.buckets.len();
            self.rebuild_into(buckets, id_bits, &key_of);
        }
        self.len += 1;
        self.place(key, id, &key_of);
    }

    /// Puts an id in one of its buckets, evicting others to theirs if
    /// both are full; in the stash when that fails.
    fn place(&mut self, mut key: u64, mut id: u32, key_of: &impl Fn(u32) -> u64) {
        let buckets = self.buckets.len();
        let id_bits = self.id_bits;
        let mask = (1u32 << id_bits) - 1;
        for _ in 0..MAX_KICKS {
            let (first, second, tag) = cuckoo_place(key, buckets, id_bits);
            let slot = tag << id_bits | id;
            for bucket in [first, second] {
                if let Some(free) = self.buckets[bucket].0.iter_mut().find(|s| **s == EMPTY) {
                    *free = slot;
                    return;
                }
            }
            self.kick ^= self.kick << 13;
            self.kick ^= self.kick >> 7;
            self.kick ^= self.kick << 17;
            let bucket = if self.kick & 1 == 0 { first } else { second };
            let victim = std::mem::replace(
                &mut self.buckets[bucket].0[(self.kick >> 1) as usize % BUCKET],
                slot,
            );
            id = victim & mask;
            key = key_of(id);
        }
        self.stash.push((key, id));
    }

    /// Moves every id to a table a seventh larger.
    fn rebuild(&mut self, id_bits: u32, key_of: &impl Fn(u32) -> u64) {
        let old = self.buckets.len();
        let buckets = (old * GROWTH.0 / GROWTH.1).max(old + 1).max(8);
        self.rebuild_into(buckets, id_bits.max(MIN_ID_BITS), key_of);
    }

    /// Moves every id to a table of `buckets` buckets whose ids take
    /// `id_bits`, in the order of the ids, so that `key_of` reads the
    /// caller's data in order rather than at random.
    fn rebuild_into(&mut self, buckets: usize, id_bits: u32, key_of: &impl Fn(u32) -> u64) {
        let mask = (1u32 << self.id_bits).wrapping_sub(1);
        let mut ids: Vec<u32> = self
            .buckets
            .iter()
            .flat_map(|b| b.0)
            .filter(|slot| *slot != EMPTY)
            .map(|slot| slot & mask)
            .collect();
        ids.sort_unstable();
        self.buckets = Vec::new();
        let buckets = buckets.max(2);
        self.buckets = Vec::with_capacity(buckets);
        advise_huge_pages(&mut self.buckets);
        self.buckets.resize(buckets, Bucket([EMPTY; BUCKET]));
        self.id_bits = id_bits;
        let stash = std::mem::take(&mut self.stash);
        if self.kick == 0 {
            self.kick = 0x9E37_79B9_7F4A_7C15;
        }
        for id in ids {
            self.place(key_of(id), id, key_of);
        }
        for (key, id) in stash {
            self.place(key, id, key_of);
        }
    }

    /// How many ids are stored.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether nothing is stored.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Bytes the table holds: 4 per slot, 16 per stashed id.
    pub fn memory_bytes(&self) -> usize {
        self.buckets.capacity() * std::mem::size_of::<Bucket>() + self.stash.capacity() * 16
    }
}

/// Values per chunk of a [`Column`].
const CHUNK: usize = 1 << 16;

/// An append-only array in fixed chunks.
///
/// ```
/// use chaff::index::Column;
/// let mut column = Column::default();
/// for i in 0..100_000u32 {
///     column.push(i * 2);
/// }
/// assert_eq!((column.len(), column[70_000]), (100_000, 140_000));
/// ```
#[derive(Debug, Clone)]
pub struct Column<T> {
    chunks: Vec<Vec<T>>,
    len: usize,
}

impl<T> Default for Column<T> {
    fn default() -> Self {
        Column {
            chunks: Vec::new(),
            len: 0,
        }
    }
}

impl<T> Column<T> {
    /// Appends a value.
    pub fn push(&mut self, value: T) {
        if self.len.is_multiple_of(CHUNK) {
            let mut chunk = Vec::with_capacity(CHUNK);
            advise_huge_pages(&mut chunk);
            self.chunks.push(chunk);
        }
        if let Some(chunk) = self.chunks.last_mut() {
            chunk.push(value);
        }
        self.len += 1;
    }

    /// How many values are stored.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether nothing is stored.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The value at `index`, if there is one.
    #[inline]
    pub fn get(&self, index: usize) -> Option<&T> {
        self.chunks.get(index / CHUNK)?.get(index % CHUNK)
    }

    /// Asks the processor for the value at `index`, if there is one,
    /// without reading it (a prefetch, on x86-64; nothing elsewhere), as
    /// [`CuckooTable::prefetch`] does for buckets.
    ///
    /// ```
    /// use chaff::index::Column;
    /// let mut column = Column::default();
    /// column.push(7u64);
    /// column.prefetch(0);
    /// column.prefetch(1); // past the end: nothing
    /// assert_eq!(column[0], 7);
    /// ```
    #[inline]
    pub fn prefetch(&self, index: usize) {
        if let Some(value) = self.get(index) {
            prefetch(value);
        }
    }

    /// The values in order.
    pub fn iter(&self) -> impl Iterator<Item = &T> {
        self.chunks.iter().flatten()
    }

    /// Bytes the column holds.
    pub fn memory_bytes(&self) -> usize {
        self.chunks.len() * CHUNK * std::mem::size_of::<T>()
    }
}

impl<T> std::ops::Index<usize> for Column<T> {
    type Output = T;

    #[inline]
    fn index(&self, index: usize) -> &T {
        &self.chunks[index / CHUNK][index % CHUNK]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_every_id_of_a_key_through_growth() {
        let keys: Vec<u64> = (0..50_000u64).map(|i| i % 1000).collect();
        let mut table = IdTable::default();
        for (id, key) in keys.iter().enumerate() {
            table.insert(*key, id as u32, |id| keys[id as usize]);
        }
        for key in [0u64, 1, 999] {
            let mut found: Vec<u32> = table
                .candidates(key)
                .filter(|id| keys[*id as usize] == key)
                .collect();
            found.sort_unstable();
            let expected: Vec<u32> = (0..50_000u32)
                .filter(|i| u64::from(*i) % 1000 == key)
                .collect();
            assert_eq!(found, expected);
        }
        assert_eq!(
            table
                .candidates(5000)
                .filter(|id| keys[*id as usize] == 5000)
                .count(),
            0
        );
    }

    #[test]
    fn a_cuckoo_table_finds_every_id_through_growth_and_stash() {
        // Most keys hold 1 to 4 ids (what the deduplicator stores), a few
        // hold 40, more than their two buckets take: the stash holds those.
        // 100,000 ids: the tags lose a bit at 2^16.
        let keys: Vec<u64> = (0..100_000u64)
            .map(|i| if i % 100 == 0 { i % 7 } else { 1000 + i / 3 })
            .collect();
        let mut table = CuckooTable::default();
        for (id, key) in keys.iter().enumerate() {
            table.insert(*key, id as u32, |id| keys[id as usize]);
        }
        assert_eq!(table.len(), keys.len());
        assert!(!table.stash.is_empty());
        for key in [0u64, 3, 6, 1000, 1001, 5000, 33_999] {
            let mut found: Vec<u32> = table
                .candidates(key)
                .filter(|id| keys[*id as usize] == key)
                .collect();
            found.sort_unstable();
            let expected: Vec<u32> = (0..keys.len() as u32)
                .filter(|i| keys[*i as usize] == key)
                .collect();
            assert!(!expected.is_empty());
            assert_eq!(found, expected, "key {key}");
        }
        assert_eq!(
            table
                .candidates(7)
                .filter(|id| keys[*id as usize] == 7)
                .count(),
            0
        );
        // 4 bytes a slot, at most 95% and (grown by a seventh) at least 83% used.
        let per_id = table.memory_bytes() as f64 / table.len() as f64;
        assert!((4.0..6.0).contains(&per_id), "{per_id} bytes per id");
    }

    #[test]
    fn a_cuckoo_table_is_full_to_its_load_factor() {
        let keys: Vec<u64> = (0..200_000u64).map(|i| i * 0x9E37_79B9).collect();
        let mut table = CuckooTable::default();
        for (id, key) in keys.iter().enumerate() {
            table.insert(*key, id as u32, |id| keys[id as usize]);
            let slots = table.buckets.len() * BUCKET;
            assert!(table.len() * 20 <= slots * 19);
            if table.len() > 1000 {
                assert!(
                    table.len() * 100 >= slots * 82,
                    "{} in {slots}",
                    table.len()
                );
            }
        }
        assert!(table.stash.is_empty());
        for (id, key) in keys.iter().enumerate().step_by(997) {
            assert!(table.candidates(*key).any(|found| found == id as u32));
        }
    }

    #[test]
    fn a_column_crosses_chunks() {
        let mut column = Column::default();
        for i in 0..(CHUNK as u64 * 2 + 5) {
            column.push(i);
        }
        assert_eq!(column.get(CHUNK), Some(&(CHUNK as u64)));
        assert_eq!(column.get(CHUNK * 2 + 5), None);
        assert_eq!(column.iter().count(), CHUNK * 2 + 5);
    }
}
