//! CPython's hash table of a set (`Objects/setobject.c`, 3.11), kept beside
//! a set's entries while every element's hash is known (ints, bools, floats,
//! tuples and frozensets of them: `symtest_pyvalue::pyhash`), so that a set
//! iterates, pops and copies in CPython's order. Slots hold the index of an
//! entry of the set; the set itself owns the values.

/// The smallest table (`PySet_MINSIZE`).
const MIN_SIZE: usize = 8;
/// Slots probed linearly after the first before perturbing (`LINEAR_PROBES`).
const LINEAR_PROBES: usize = 9;
/// `PERTURB_SHIFT`.
const PERTURB_SHIFT: u32 = 5;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Slot {
    Empty,
    /// A deleted element's slot: probing goes on past it.
    Dummy,
    Full {
        hash: i64,
        entry: usize,
    },
}

/// The slots of a set's table, with CPython's counters.
#[derive(Clone, Debug)]
pub struct SetTable {
    slots: Vec<Slot>,
    /// Slots not empty (elements and dummies).
    fill: usize,
    /// Elements.
    used: usize,
    /// Where `pop` starts looking (`so->finger`).
    finger: usize,
}

impl Default for SetTable {
    fn default() -> Self {
        SetTable::with_finger(0)
    }
}

/// CPython's hash of an int (`long_hash`): the value modulo the Mersenne
/// prime 2**61 - 1 with the sign kept, and -1 taken as -2.
pub fn int_hash(magnitude_mod: u64, negative: bool) -> i64 {
    // `magnitude_mod` < 2**61, so it fits.
    let h = magnitude_mod as i64;
    let h = if negative { -h } else { h };
    if h == -1 { -2 } else { h }
}

/// The modulus of [`int_hash`].
pub const HASH_MODULUS: u64 = (1 << 61) - 1;

impl SetTable {
    fn with_finger(finger: usize) -> SetTable {
        SetTable {
            slots: vec![Slot::Empty; MIN_SIZE],
            fill: 0,
            used: 0,
            finger,
        }
    }

    fn mask(&self) -> usize {
        self.slots.len() - 1
    }

    /// The slots CPython visits for `hash`, in order, until `stop` says
    /// which one ends the search.
    fn probe(&self, hash: i64, mut stop: impl FnMut(usize, Slot) -> bool) -> usize {
        let mask = self.mask();
        // `size_t` arithmetic: the hash's bits taken as unsigned.
        let mut perturb = hash as u64;
        let mut i = (hash as u64 as usize) & mask;
        loop {
            let probes = if i + LINEAR_PROBES <= mask {
                LINEAR_PROBES
            } else {
                0
            };
            for j in i..=i + probes {
                if stop(j, self.slots[j]) {
                    return j;
                }
            }
            perturb >>= PERTURB_SHIFT;
            i = (i
                .wrapping_mul(5)
                .wrapping_add(1)
                .wrapping_add(perturb as usize))
                & mask;
        }
    }

    /// `set_add_entry` for an element known to be absent: the first dummy on
    /// its probe path if there is one before an empty slot, else the empty
    /// slot (then a resize when the table is 60% full).
    pub fn insert(&mut self, hash: i64, entry: usize) {
        let mut freeslot = None;
        let empty = self.probe(hash, |j, s| match s {
            Slot::Empty => true,
            Slot::Dummy => {
                freeslot.get_or_insert(j);
                false
            }
            Slot::Full { .. } => false,
        });
        self.used += 1;
        if let Some(j) = freeslot {
            self.slots[j] = Slot::Full { hash, entry };
            return;
        }
        self.slots[empty] = Slot::Full { hash, entry };
        self.fill += 1;
        if self.fill * 5 >= self.mask() * 3 {
            self.resize(self.grown_size());
        }
    }

    /// The argument CPython gives `set_table_resize` after an insertion or
    /// a `difference_update`.
    fn grown_size(&self) -> usize {
        if self.used > 50_000 {
            self.used * 2
        } else {
            self.used * 4
        }
    }

    /// `set_discard_entry`: the element's slot becomes a dummy.
    pub fn remove(&mut self, hash: i64, entry: usize) {
        let j = self.probe(hash, |_, s| {
            s == Slot::Empty || s == Slot::Full { hash, entry }
        });
        if self.slots[j] != Slot::Empty {
            self.slots[j] = Slot::Dummy;
            self.used -= 1;
        }
    }

    /// The entries in slot order: the set's iteration order.
    pub fn order(&self) -> impl Iterator<Item = usize> + '_ {
        self.slots.iter().filter_map(|s| match s {
            Slot::Full { entry, .. } => Some(*entry),
            _ => None,
        })
    }

    /// `set.pop`'s choice: the first element from the finger on (wrapping),
    /// removed; the finger moves past it.
    pub fn pop(&mut self) -> Option<usize> {
        if self.used == 0 {
            return None;
        }
        let n = self.slots.len();
        let start = self.finger & self.mask();
        for k in 0..n {
            let j = (start + k) % n;
            if let Slot::Full { entry, .. } = self.slots[j] {
                self.slots[j] = Slot::Dummy;
                self.used -= 1;
                self.finger = j + 1;
                return Some(entry);
            }
        }
        None
    }

    /// `set_table_resize(so, minused)`: the smallest power of two above
    /// `minused` (at least 8), elements reinserted in slot order, dummies
    /// dropped.
    fn resize(&mut self, minused: usize) {
        let mut size = MIN_SIZE;
        while size <= minused {
            size <<= 1;
        }
        let old = std::mem::replace(&mut self.slots, vec![Slot::Empty; size]);
        self.fill = self.used;
        for s in old {
            if let Slot::Full { hash, entry } = s {
                self.insert_clean(hash, entry);
            }
        }
    }

    /// `set_insert_clean`: into the first empty slot of the probe path (the
    /// table has no dummies and the element is absent).
    fn insert_clean(&mut self, hash: i64, entry: usize) {
        let j = self.probe(hash, |_, s| s == Slot::Empty);
        self.slots[j] = Slot::Full { hash, entry };
    }

    /// The resize `set_merge` and the dict case of `set_update_internal` do
    /// before adding `extra` elements.
    pub fn reserve(&mut self, extra: usize) {
        if (self.fill + extra) * 5 >= self.mask() * 3 {
            self.resize((self.used + extra) * 2);
        }
    }

    /// The end of `set_difference_update_internal`: a resize when more than
    /// a quarter of the table is dummies.
    pub fn drop_dummies(&mut self) {
        if self.fill - self.used > self.mask() / 4 {
            self.resize(self.grown_size());
        }
    }

    /// Whether `set_merge` into this table adds `other`'s elements without
    /// comparisons: this table is empty.
    pub fn is_clean(&self) -> bool {
        self.fill == 0
    }

    /// `set_merge` into this empty table (after [`SetTable::reserve`]):
    /// `other`'s slots copied as they are when the sizes agree and `other`
    /// has no dummies, else reinserted in `other`'s slot order. `entry` maps
    /// `other`'s entries to this set's.
    pub fn merge_clean(&mut self, other: &SetTable, entry: impl Fn(usize) -> usize) {
        self.fill = other.used;
        self.used = other.used;
        if self.slots.len() == other.slots.len() && other.fill == other.used {
            for (mine, theirs) in self.slots.iter_mut().zip(&other.slots) {
                if let Slot::Full { hash, entry: e } = *theirs {
                    *mine = Slot::Full {
                        hash,
                        entry: entry(e),
                    };
                }
            }
            return;
        }
        for s in &other.slots {
            if let Slot::Full { hash, entry: e } = *s {
                self.insert_clean(hash, entry(e));
            }
        }
    }

    /// The table after `clear()`: the smallest, the finger kept.
    pub fn cleared(&self) -> SetTable {
        SetTable::with_finger(self.finger)
    }

    /// This table with `other`'s finger (`set_swap_bodies` leaves it).
    pub fn with_finger_of(mut self, other: &SetTable) -> SetTable {
        self.finger = other.finger;
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn build(xs: &[i64]) -> SetTable {
        let mut t = SetTable::default();
        for (i, x) in xs.iter().enumerate() {
            t.insert(int_hash(x.unsigned_abs(), *x < 0), i);
        }
        t
    }

    fn order(t: &SetTable, xs: &[i64]) -> Vec<i64> {
        t.order().map(|i| xs[i]).collect()
    }

    // Expected orders are CPython 3.11's `list(s)`.
    #[test]
    fn iteration_follows_cpython() {
        let xs = [7, 15];
        assert_eq!(order(&build(&xs), &xs), vec![15, 7]);
        let xs = [14, 13];
        assert_eq!(order(&build(&xs), &xs), vec![13, 14]);
        let xs = [-1, -2, 5, 100, 33, 8];
        assert_eq!(order(&build(&xs), &xs), vec![33, 100, 5, 8, -2, -1]);
    }

    #[test]
    fn a_dummy_on_the_path_is_reused() {
        // s = {1, 9}; s.remove(1); s.add(17) -> [17, 9]
        let xs = [1, 9, 17];
        let mut t = build(&xs[..2]);
        t.remove(int_hash(1, false), 0);
        t.insert(int_hash(17, false), 2);
        assert_eq!(order(&t, &xs), vec![17, 9]);
    }

    #[test]
    fn pop_starts_at_the_finger() {
        // s = {1, 2, 3, 4}; pop, pop, s.add(1); pop -> 3
        let xs = [1, 2, 3, 4, 1];
        let mut t = build(&xs[..4]);
        assert_eq!(t.pop(), Some(0));
        assert_eq!(t.pop(), Some(1));
        t.insert(int_hash(1, false), 4);
        assert_eq!(t.pop(), Some(2));
        assert_eq!(order(&t, &xs), vec![1, 4]);
    }

    #[test]
    fn hashes_of_negative_ints() {
        assert_eq!(int_hash(1, true), -2);
        assert_eq!(int_hash(2, true), -2);
        assert_eq!(int_hash(HASH_MODULUS - 1, false), (1 << 61) - 2);
    }
}
