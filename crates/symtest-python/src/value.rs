//! Run-time values: every value concrete, scalars with an optional symbolic
//! shadow, containers holding values that keep theirs (and a list's length
//! its own, when it came from a symbolic input).

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

use symtest_pyvalue::pyhash;
use symtest_term::Term;

use crate::builtins::{Builtin, ExcType, ModuleId};
use crate::fxhash::FxHashMap;
use crate::int::PyInt;
use crate::ir::FuncDef;
use crate::set_table::{HASH_MODULUS, SetTable, int_hash};
use crate::sites::SiteId;

#[derive(Clone, Debug)]
pub enum Val {
    None,
    Bool(bool, Option<Term>),
    Int(PyInt, Option<Term>),
    Float(f64, Option<Term>),
    Str(Rc<str>, Option<Term>),
    Bytes(Rc<[u8]>),
    List(Rc<RefCell<ListObj>>),
    Tuple(Rc<TupleObj>),
    Dict(Rc<RefCell<DictObj>>),
    Set(Rc<RefCell<SetObj>>),
    Range(Rc<RangeObj>),
    Slice(Rc<[Val; 3]>),
    Func(Rc<Closure>),
    Builtin(Builtin),
    Method(Rc<(Val, Rc<str>)>),
    Iter(Rc<RefCell<IterObj>>),
    Module(ModuleId),
    Exc(Rc<ExcObj>),
    Opaque(Rc<Opaque>),
    Ellipsis,
}

#[derive(Debug, Default)]
pub struct ListObj {
    pub items: Vec<Val>,
    /// The length's shadow, while it is symbolic.
    pub len: Option<Term>,
    pub deque: bool,
}

#[derive(Debug, Default)]
pub struct TupleObj {
    pub items: Vec<Val>,
    pub len: Option<Term>,
}

#[derive(Clone, Debug)]
pub enum DictFlavor {
    Plain,
    Counter,
    /// `defaultdict(factory)`.
    Default(Val),
}

/// An insertion-ordered hash map keyed by the concrete key.
#[derive(Debug)]
pub struct DictObj {
    pub entries: Vec<Option<(Val, Val)>>,
    pub index: FxHashMap<Key, usize>,
    pub live: usize,
    pub flavor: DictFlavor,
}

/// A set: its values by entry, the entry of each key, and CPython's hash
/// table over the entries while every element's hash is known (it gives the
/// iteration order; without it, the order is insertion order).
#[derive(Debug)]
pub struct SetObj {
    entries: Vec<Option<Val>>,
    index: FxHashMap<Key, usize>,
    pub live: usize,
    pub frozen: bool,
    table: Option<SetTable>,
}

#[derive(Debug)]
pub struct RangeObj {
    pub start: PyInt,
    pub stop: PyInt,
    pub step: PyInt,
    pub start_t: Option<Term>,
    pub stop_t: Option<Term>,
}

pub struct Env {
    pub slots: RefCell<Vec<Option<Val>>>,
    pub parent: Option<Rc<Env>>,
}

impl std::fmt::Debug for Env {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Env({} slots)", self.slots.borrow().len())
    }
}

#[derive(Debug)]
pub struct Closure {
    pub def: Rc<FuncDef>,
    pub env: Option<Rc<Env>>,
    pub defaults: Vec<Val>,
    pub kw_defaults: Vec<Val>,
    /// `functools.lru_cache` / `cache`: results by concrete arguments.
    pub memo: Option<RefCell<FxHashMap<Vec<Key>, Val>>>,
}

#[derive(Debug)]
pub struct ExcObj {
    pub kind: ExcType,
    pub args: Vec<Val>,
    /// CPython's class, when an external call raised a subclass the
    /// interpreter does not model (`calendar.IllegalMonthError`): `kind` is
    /// its nearest modelled base, which `except` clauses match.
    pub class: Option<Rc<str>>,
}

impl ExcObj {
    /// The class's name, as CPython prints it.
    pub fn name(&self) -> &str {
        self.class.as_deref().unwrap_or(self.kind.name())
    }
}

#[derive(Debug)]
pub enum Opaque {
    /// A value of a construct the interpreter does not model; using it stops the run.
    Unsupported(String),
    /// `hashlib.md5(data)`.
    Md5(Vec<u8>),
    /// `functools.lru_cache(...)` waiting for its function.
    CacheDecorator,
    /// `functools.cmp_to_key(f)`.
    CmpToKey(Val),
    /// A `re` match: the matched text, its span and its groups.
    Match {
        text: Rc<str>,
        span: (usize, usize),
        groups: Vec<Option<Rc<str>>>,
    },
    /// A compiled `re` pattern and its flags (`re.UNICODE` included).
    Pattern { pattern: Rc<str>, flags: i64 },
    /// `functools.partial`-like placeholder for a key wrapped by `cmp_to_key`.
    KeyWrapper { cmp: Val, value: Val },
    /// `sys.stdin` (and `sys.stdin.buffer`, read as text).
    Stdin,
    /// `sys.stdout`, or `sys.stderr` when `err`.
    Stdout { err: bool },
    /// A value that lives in CPython (external calls).
    External(ExtObj),
}

/// A value that lives in CPython: how to compute it there, its class, and
/// the calls of its methods made since (replayed, as every external call
/// runs in a fresh CPython).
#[derive(Debug)]
pub struct ExtObj {
    pub recipe: Rc<crate::external::Recipe>,
    pub type_name: Rc<str>,
    pub history: RefCell<Vec<Rc<crate::external::Recipe>>>,
    /// A lazy object in CPython took it: what it holds there is not known.
    pub entangled: std::cell::Cell<bool>,
}

/// Where an iterator reads from; `next` is in [`crate::interp::iter`].
#[derive(Debug)]
pub enum IterObj {
    /// A list, tuple or string read live by position.
    Seq {
        seq: Val,
        index: usize,
    },
    /// Values computed ahead (dict views, sets, eager generators).
    Items(VecDeque<Val>),
    Range(RangeIter),
    Enumerate {
        inner: Val,
        count: PyInt,
    },
    Zip(Vec<Val>),
    Map {
        func: Val,
        iters: Vec<Val>,
    },
    Filter {
        func: Val,
        inner: Val,
        site: SiteId,
    },
    Reversed {
        seq: Val,
        left: usize,
    },
    /// An iterator that crossed to CPython: its values come from there.
    External(Val),
    /// `itertools.islice`, lazily, as CPython's (`cnt` items read, `next`
    /// the index of the next to give).
    Islice {
        inner: Val,
        cnt: usize,
        next: usize,
        stop: Option<usize>,
        step: usize,
    },
    /// What a generator function yielded (it ran eagerly), then how it ended
    /// when it did not return (raised after these values, or was cut).
    Generated {
        items: VecDeque<Val>,
        then: Option<GenEnd>,
    },
    Done,
}

/// How a generator that ran eagerly ended after its values, when it did
/// not return: what its consumer meets after the last value.
#[derive(Clone, Debug)]
pub enum GenEnd {
    /// It raised.
    Raise(Rc<ExcObj>),
    /// It yielded more values than are computed ahead.
    Cut(String),
}

/// A range being iterated.
#[derive(Debug)]
pub struct RangeIter {
    /// The next value.
    pub next: PyInt,
    pub stop: PyInt,
    pub step: PyInt,
    /// The start's shadow; with the steps taken, `k`, it gives the shadow of
    /// the value (`start + k * step`).
    pub start_t: Option<Term>,
    pub stop_t: Option<Term>,
    pub k: u64,
}

/// A hashable value's identity for dict and set lookup: values Python
/// considers equal (`1`, `1.0`, `True`) share a key.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Key {
    None,
    Int(KeyInt),
    Float(u64),
    Str(Rc<str>),
    Bytes(Rc<[u8]>),
    Tuple(Rc<[Key]>),
    FrozenSet(Rc<[Key]>),
    Ellipsis,
    Named(&'static str),
    Ptr(usize),
}

/// An int inside a [`Key`] (ordered, unlike [`PyInt`]).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct KeyInt(pub PyInt);

impl PartialOrd for KeyInt {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for KeyInt {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.cmp(&other.0)
    }
}

impl Val {
    pub fn int(i: impl Into<PyInt>) -> Val {
        Val::Int(i.into(), None)
    }

    pub fn bool(b: bool) -> Val {
        Val::Bool(b, None)
    }

    pub fn str(s: &str) -> Val {
        Val::Str(Rc::from(s), None)
    }

    pub fn list(items: Vec<Val>) -> Val {
        Val::List(Rc::new(RefCell::new(ListObj {
            items,
            len: None,
            deque: false,
        })))
    }

    /// A list whose length has the shadow `len` (while it is symbolic).
    pub fn list_with_len(items: Vec<Val>, len: Option<Term>) -> Val {
        Val::List(Rc::new(RefCell::new(ListObj {
            items,
            len,
            deque: false,
        })))
    }

    /// A `collections.deque` of `items`.
    pub fn deque(items: Vec<Val>) -> Val {
        Val::List(Rc::new(RefCell::new(ListObj {
            items,
            len: None,
            deque: true,
        })))
    }

    pub fn tuple(items: Vec<Val>) -> Val {
        Val::Tuple(Rc::new(TupleObj { items, len: None }))
    }

    pub fn type_name(&self) -> &'static str {
        match self {
            Val::None => "NoneType",
            Val::Bool(..) => "bool",
            Val::Int(..) => "int",
            Val::Float(..) => "float",
            Val::Str(..) => "str",
            Val::Bytes(_) => "bytes",
            Val::List(l) => {
                if l.borrow().deque {
                    "collections.deque"
                } else {
                    "list"
                }
            }
            Val::Tuple(_) => "tuple",
            Val::Dict(d) => match d.borrow().flavor {
                DictFlavor::Plain => "dict",
                DictFlavor::Counter => "Counter",
                DictFlavor::Default(_) => "collections.defaultdict",
            },
            Val::Set(s) => {
                if s.borrow().frozen {
                    "frozenset"
                } else {
                    "set"
                }
            }
            Val::Range(_) => "range",
            Val::Slice(_) => "slice",
            Val::Func(_) => "function",
            Val::Builtin(_) => "builtin_function_or_method",
            Val::Method(_) => "method",
            Val::Iter(_) => "iterator",
            Val::Module(_) => "module",
            Val::Exc(e) => e.kind.name(),
            Val::Opaque(o) => match &**o {
                Opaque::Md5(_) => "_hashlib.HASH",
                Opaque::Match { .. } => "re.Match",
                Opaque::Pattern { .. } => "re.Pattern",
                Opaque::Stdin | Opaque::Stdout { .. } => "_io.TextIOWrapper",
                _ => "object",
            },
            Val::Ellipsis => "ellipsis",
        }
    }

    /// The symbolic shadow of a scalar, if it has one.
    pub fn shadow(&self) -> Option<&Term> {
        match self {
            Val::Bool(_, t) | Val::Int(_, t) | Val::Float(_, t) | Val::Str(_, t) => t.as_ref(),
            _ => None,
        }
    }

    /// The same value without its shadows (deeply for containers it owns).
    pub fn is_symbolic(&self) -> bool {
        match self {
            Val::Bool(_, t) | Val::Int(_, t) | Val::Float(_, t) | Val::Str(_, t) => t.is_some(),
            Val::List(l) => {
                let l = l.borrow();
                l.len.is_some() || l.items.iter().any(Val::is_symbolic)
            }
            Val::Tuple(t) => t.len.is_some() || t.items.iter().any(Val::is_symbolic),
            Val::Dict(d) => d
                .borrow()
                .entries
                .iter()
                .flatten()
                .any(|(k, v)| k.is_symbolic() || v.is_symbolic()),
            Val::Set(s) => s.borrow().iter().any(Val::is_symbolic),
            _ => false,
        }
    }
}

impl DictObj {
    pub fn new(flavor: DictFlavor) -> DictObj {
        DictObj {
            entries: Vec::new(),
            index: FxHashMap::default(),
            live: 0,
            flavor,
        }
    }

    pub fn get(&self, key: &Key) -> Option<&(Val, Val)> {
        self.index.get(key).and_then(|i| self.entries[*i].as_ref())
    }

    /// Inserts or replaces the value; an existing key keeps its place (and its key object).
    pub fn insert(&mut self, key: Key, k: Val, v: Val) {
        if let Some(i) = self.index.get(&key)
            && let Some(e) = self.entries[*i].as_mut()
        {
            e.1 = v;
            return;
        }
        self.index.insert(key, self.entries.len());
        self.entries.push(Some((k, v)));
        self.live += 1;
    }

    pub fn remove(&mut self, key: &Key) -> Option<(Val, Val)> {
        let i = self.index.remove(key)?;
        let e = self.entries[i].take();
        self.live -= 1;
        if self.entries.len() > 32 && self.live * 2 < self.entries.len() {
            self.compact();
        }
        e
    }

    fn compact(&mut self) {
        let entries: Vec<Option<(Val, Val)>> = std::mem::take(&mut self.entries)
            .into_iter()
            .filter(Option::is_some)
            .collect();
        self.index.clear();
        self.entries = entries;
        // Keys are rebuilt by the caller's key function; kept positions suffice here.
        let keys: Vec<(Key, usize)> = self
            .entries
            .iter()
            .enumerate()
            .filter_map(|(i, e)| e.as_ref().and_then(|(k, _)| key_of(k).map(|key| (key, i))))
            .collect();
        self.index.extend(keys);
    }

    pub fn iter(&self) -> impl Iterator<Item = &(Val, Val)> {
        self.entries.iter().flatten()
    }

    pub fn clear(&mut self) {
        self.entries.clear();
        self.index.clear();
        self.live = 0;
    }
}

impl SetObj {
    pub fn new(frozen: bool) -> SetObj {
        SetObj {
            entries: Vec::new(),
            index: FxHashMap::default(),
            live: 0,
            frozen,
            table: Some(SetTable::default()),
        }
    }

    pub fn contains(&self, key: &Key) -> bool {
        self.index.contains_key(key)
    }

    /// The keys of the elements (in no particular order).
    pub fn keys(&self) -> impl Iterator<Item = &Key> {
        self.index.keys()
    }

    /// Adds `v` (under `key`) unless an element has that key.
    pub fn insert(&mut self, key: Key, v: Val) -> bool {
        if self.index.contains_key(&key) {
            return false;
        }
        let entry = self.entries.len();
        if let Some(t) = &mut self.table {
            match key_hash(&key) {
                Some(h) => t.insert(h, entry),
                None => self.table = None,
            }
        }
        self.index.insert(key, entry);
        self.entries.push(Some(v));
        self.live += 1;
        true
    }

    pub fn remove(&mut self, key: &Key) -> Option<Val> {
        let i = self.index.remove(key)?;
        if let (Some(t), Some(h)) = (&mut self.table, key_hash(key)) {
            t.remove(h, i);
        }
        self.live -= 1;
        self.entries[i].take()
    }

    /// `set.pop`'s element, removed: CPython's choice when the table is
    /// known, else the oldest.
    pub fn pop(&mut self) -> Option<Val> {
        let entry = match &mut self.table {
            Some(t) => t.pop()?,
            None => self.entries.iter().position(Option::is_some)?,
        };
        let v = self.entries[entry].take()?;
        if let Some(k) = key_of(&v) {
            self.index.remove(&k);
        }
        self.live -= 1;
        Some(v)
    }

    /// The elements in iteration order.
    pub fn iter(&self) -> impl Iterator<Item = &Val> {
        let order: Vec<usize> = match &self.table {
            Some(t) => t.order().collect(),
            None => (0..self.entries.len()).collect(),
        };
        order
            .into_iter()
            .filter_map(move |i| self.entries[i].as_ref())
    }

    /// The elements in the order they were added: membership questions
    /// decide equalities in this order, which does not change with the
    /// values as the iteration order does.
    pub fn in_insertion_order(&self) -> impl Iterator<Item = &Val> {
        self.entries.iter().flatten()
    }

    /// Whether the iteration order is CPython's (every hash known).
    pub fn hash_ordered(&self) -> bool {
        self.table.is_some()
    }

    pub fn clear(&mut self) {
        self.entries.clear();
        self.index.clear();
        self.live = 0;
        self.table = Some(
            self.table
                .as_ref()
                .map(SetTable::cleared)
                .unwrap_or_default(),
        );
    }

    /// The resize CPython makes before adding `extra` elements of a set or
    /// dict.
    pub fn reserve(&mut self, extra: usize) {
        if let Some(t) = &mut self.table {
            t.reserve(extra);
        }
    }

    /// After removing elements of another set or iterable: CPython drops
    /// the dummies when they are over a quarter of the table.
    pub fn drop_dummies(&mut self) {
        if let Some(t) = &mut self.table {
            t.drop_dummies();
        }
    }

    /// `set_merge` of `other` into this set when that needs no comparison
    /// (this set is empty); `false` (and nothing done) otherwise.
    pub fn merge_clean(&mut self, other: &SetObj) -> bool {
        if self.live != 0 || !self.table.as_ref().is_some_and(SetTable::is_clean) {
            return false;
        }
        let Some(theirs) = &other.table else {
            return false;
        };
        let base = self.entries.len();
        let mut map = FxHashMap::default();
        for (k, &i) in &other.index {
            if let Some(v) = &other.entries[i] {
                map.insert(i, base + map.len());
                self.entries.push(Some(v.clone()));
                self.index.insert(k.clone(), base + map.len() - 1);
            }
        }
        self.live = map.len();
        if let Some(t) = &mut self.table {
            t.merge_clean(theirs, |i| map.get(&i).copied().unwrap_or(0));
        }
        true
    }

    /// `set_swap_bodies`: this set takes `other`'s elements and table,
    /// keeping its own kind and `pop` finger.
    pub fn take_body(&mut self, other: SetObj) {
        self.table = match (other.table, &self.table) {
            (Some(t), Some(mine)) => Some(t.with_finger_of(mine)),
            (t, _) => t,
        };
        self.entries = other.entries;
        self.index = other.index;
        self.live = other.live;
    }
}

/// CPython's hash of a key when the interpreter knows it: ints and bools,
/// floats but NaN, and tuples and frozensets of those. Strings' hashes are
/// randomised per process, and `None`'s and a NaN's are addresses.
fn key_hash(key: &Key) -> Option<i64> {
    let h = match key {
        // The common case without a big int.
        Key::Int(KeyInt(PyInt::Small(x))) => {
            return Some(int_hash(x.unsigned_abs() % HASH_MODULUS, *x < 0));
        }
        Key::Int(KeyInt(i)) => pyhash::int_hash(&i.to_big()),
        Key::Float(bits) => {
            let f = f64::from_bits(*bits);
            if f.is_nan() {
                return None;
            }
            pyhash::float_hash(f)
        }
        Key::Tuple(items) => pyhash::tuple_hash(lanes(items)?.into_iter()),
        Key::FrozenSet(items) => pyhash::frozenset_hash(lanes(items)?.into_iter()),
        _ => return None,
    };
    // CPython's `Py_hash_t`: the same bits, signed.
    Some(h as i64)
}

/// The hashes of keys, as `tuple_hash` and `frozenset_hash` take them.
fn lanes(items: &[Key]) -> Option<Vec<u64>> {
    items
        .iter()
        .map(|k| key_hash(k).map(|h| h as u64))
        .collect()
}

/// The hash key of a value; `None` when unhashable (lists, dicts, sets).
pub fn key_of(v: &Val) -> Option<Key> {
    Some(match v {
        Val::None => Key::None,
        Val::Bool(b, _) => Key::Int(KeyInt(PyInt::Small(i64::from(*b)))),
        Val::Int(i, _) => Key::Int(KeyInt(i.clone())),
        Val::Float(f, _) => {
            if f.fract() == 0.0 && f.is_finite() && f.abs() < 9.0e15 {
                Key::Int(KeyInt(PyInt::Small(*f as i64)))
            } else {
                Key::Float(f.to_bits())
            }
        }
        Val::Str(s, _) => Key::Str(s.clone()),
        Val::Bytes(b) => Key::Bytes(b.clone()),
        Val::Tuple(t) => Key::Tuple(
            t.items
                .iter()
                .map(key_of)
                .collect::<Option<Vec<Key>>>()?
                .into(),
        ),
        Val::Set(s) => {
            let s = s.borrow();
            if !s.frozen {
                return None;
            }
            let mut keys: Vec<Key> = s.keys().cloned().collect();
            keys.sort();
            Key::FrozenSet(keys.into())
        }
        Val::Ellipsis => Key::Ellipsis,
        Val::Builtin(Builtin::Stdlib { module, name }) => {
            Key::Tuple(vec![Key::Named(module.name()), Key::Named(name)].into())
        }
        Val::Builtin(b) => Key::Named(b.name()),
        Val::Module(m) => Key::Named(m.name()),
        Val::Func(f) => Key::Ptr(Rc::as_ptr(f) as *const () as usize),
        Val::Exc(e) => Key::Ptr(Rc::as_ptr(e) as *const () as usize),
        Val::Opaque(o) => Key::Ptr(Rc::as_ptr(o) as *const () as usize),
        Val::Range(r) => Key::Tuple(
            vec![
                Key::Named("range"),
                Key::Int(KeyInt(r.start.clone())),
                Key::Int(KeyInt(r.stop.clone())),
                Key::Int(KeyInt(r.step.clone())),
            ]
            .into(),
        ),
        Val::List(_) | Val::Dict(_) | Val::Slice(_) | Val::Method(_) | Val::Iter(_) => return None,
    })
}
