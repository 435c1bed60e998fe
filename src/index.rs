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
//! [`Column`] is the append-only array the stores keep their per-id data
//! in: fixed chunks of 65,536 values, so it never holds more than one
//! chunk of unused room and never copies what it holds.

use hashbrown::HashTable;

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
            self.chunks.push(Vec::with_capacity(CHUNK));
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
