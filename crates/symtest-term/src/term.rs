//! The hash-consed term DAG.
//!
//! Structurally equal terms are the same allocation, so equality and hashing
//! are pointer-cheap and shared subterms are stored once. Nodes are interned
//! in a global sharded table of weak references; a node leaves the table when
//! its last handle is dropped, so long explorations do not accumulate garbage.

use std::fmt;
use std::hash::{Hash, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, LazyLock, Mutex, MutexGuard, PoisonError, Weak};

use crate::fxhash::{FxBuildHasher, FxHasher};
use crate::value::{Rounding, Sort, Value};

/// A symbolic input. Identity is the index (stable within one exploration);
/// the name is what the program called it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Var {
    /// The variable's number: it prints as `var_<index>` and keys it in a
    /// [`crate::Model`]. Two variables with one index are one input.
    pub index: u32,
    /// The name the program gave the input (for messages and [`Term::named`]).
    pub name: Arc<str>,
    /// The sort of the values the input takes.
    pub sort: Sort,
}

impl Var {
    /// A variable with the given index, source name and sort.
    pub fn new(index: u32, name: impl Into<Arc<str>>, sort: Sort) -> Var {
        Var {
            index,
            name: name.into(),
            sort,
        }
    }
}

/// The operator at a node. Children live in [`Term::args`].
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Op {
    /// A constant; no children.
    Const(Value),
    /// A symbolic input; no children.
    Var(Var),
    /// Negation of one Bool child.
    Not,
    /// Conjunction of two or more Bool children (flattened, no duplicates).
    And,
    /// Disjunction of two or more Bool children (flattened, no duplicates).
    Or,
    /// `Ite(c, a, b)`: `a` if `c` else `b`.
    Ite,
    /// Equality of two children of one sort.
    Eq,
    /// `a < b` on numbers; `a > b` is stored as `b < a`.
    Lt,
    /// `a <= b` on numbers; `a >= b` is stored as `b <= a`.
    Le,
    /// Sum of two or more children of the node's sort (flattened, constants
    /// combined into one, last).
    Add,
    /// `a - b`.
    Sub,
    /// Product of two or more children of the node's sort (flattened, constants
    /// combined into one, first).
    Mul,
    /// Arithmetic negation of one child.
    Neg,
    /// Real division.
    Div,
    /// Integer division with the given rounding.
    IntDiv(Rounding),
    /// Integer remainder matching `IntDiv` with the same rounding.
    IntMod(Rounding),
    /// Int to Real.
    ToReal,
    /// The floor of a Real, as an Int (SMT-LIB's `to_int`).
    ToInt,
    /// `str.len(s)`.
    StrLen,
    /// `str.at(s, i)`: the character at `i`, `""` out of range.
    StrAt,
    /// N-ary concatenation.
    StrConcat,
    /// `str.substr(s, offset, len)`.
    StrSubstr,
    /// `str.contains(s, t)`: `t` occurs in `s`.
    StrContains,
    /// `str.prefixof(p, s)`: `s` starts with `p`.
    StrPrefixOf,
    /// `str.suffixof(x, s)`: `s` ends with `x`.
    StrSuffixOf,
    /// `str.indexof(s, t, start)`.
    StrIndexOf,
    /// Lexicographic order by code point.
    StrLt,
    /// Lexicographic order by code point, or equal.
    StrLe,
    /// `str.to_int`: -1 unless the string is all digits.
    StrToInt,
    /// `str.from_int`: `""` for negatives.
    IntToStr,
    /// `str.to_code`: -1 unless one character.
    StrToCode,
    /// `str.from_code`: `""` out of range.
    StrFromCode,
    /// Every character's code lies in `lo..=hi` (a regular-language
    /// membership in SMT-LIB): how inputs are kept to readable characters.
    StrCharsIn(u32, u32),
}

pub(crate) struct Node {
    op: Op,
    args: Box<[Term]>,
    sort: Sort,
    id: u64,
    hash: u64,
}

/// A handle to an interned term. Cloning is a reference-count increment.
#[derive(Clone)]
pub struct Term(Arc<Node>);

impl Term {
    /// The operator at this node.
    pub fn op(&self) -> &Op {
        &self.0.op
    }

    /// The children, in the operator's order.
    pub fn args(&self) -> &[Term] {
        &self.0.args
    }

    /// The sort of the term's value.
    pub fn sort(&self) -> Sort {
        self.0.sort
    }

    /// A process-wide unique number; never reused while the process lives.
    pub fn id(&self) -> u64 {
        self.0.id
    }

    /// The value, when this node is a constant.
    pub fn as_const(&self) -> Option<&Value> {
        match &self.0.op {
            Op::Const(v) => Some(v),
            _ => None,
        }
    }

    /// The variable, when this node is a symbolic input.
    pub fn as_var(&self) -> Option<&Var> {
        match &self.0.op {
            Op::Var(v) => Some(v),
            _ => None,
        }
    }

    /// True when this node is a constant.
    pub fn is_const(&self) -> bool {
        matches!(self.0.op, Op::Const(_))
    }

    /// True when this node is the constant `true` (a term that merely holds in
    /// every model is not).
    pub fn is_true(&self) -> bool {
        matches!(self.0.op, Op::Const(Value::Bool(true)))
    }

    /// True when this node is the constant `false`.
    pub fn is_false(&self) -> bool {
        matches!(self.0.op, Op::Const(Value::Bool(false)))
    }

    /// Interns a node without simplifying it. Frontends use the smart
    /// constructors in `construct`; this is their last step.
    pub(crate) fn intern(op: Op, args: Vec<Term>, sort: Sort) -> Term {
        let hash = structural_hash(&op, &args, sort);
        let mut shard = table().shard(hash);
        let mut stale = Vec::new();
        if let Some(bucket) = shard.get(&hash) {
            for (_, weak) in bucket {
                if let Some(node) = weak.upgrade() {
                    if node.op == op && node.sort == sort && same_args(&node.args, &args) {
                        return Term(node);
                    }
                    // Dropping a handle can free a node, and freeing takes this
                    // shard's lock: let it happen after the lock is released.
                    stale.push(node);
                }
            }
        }
        let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
        let node = Arc::new(Node {
            op,
            args: args.into_boxed_slice(),
            sort,
            id,
            hash,
        });
        shard
            .entry(hash)
            .or_default()
            .push((id, Arc::downgrade(&node)));
        drop(shard);
        drop(stale);
        Term(node)
    }
}

fn same_args(a: &[Term], b: &[Term]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| Arc::ptr_eq(&x.0, &y.0))
}

fn structural_hash(op: &Op, args: &[Term], sort: Sort) -> u64 {
    let mut h = FxHasher::default();
    op.hash(&mut h);
    sort.hash(&mut h);
    for a in args {
        h.write_u64(a.id());
    }
    h.finish()
}

static NEXT_ID: AtomicU64 = AtomicU64::new(0);

const SHARDS: usize = 64;

type Bucket = Vec<(u64, Weak<Node>)>;
type ShardMap = std::collections::HashMap<u64, Bucket, FxBuildHasher>;

struct Table {
    shards: Vec<Mutex<ShardMap>>,
}

impl Table {
    fn shard(&self, hash: u64) -> MutexGuard<'_, ShardMap> {
        // Spread on high bits: the low bits of the hash feed HashMap buckets.
        let i = (hash >> 58) as usize % SHARDS;
        self.shards[i]
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

fn table() -> &'static Table {
    static TABLE: LazyLock<Table> = LazyLock::new(|| Table {
        shards: (0..SHARDS)
            .map(|_| Mutex::new(ShardMap::default()))
            .collect(),
    });
    &TABLE
}

/// Number of live interned nodes (for tests and statistics).
pub fn live_terms() -> usize {
    table()
        .shards
        .iter()
        .map(|s| {
            s.lock()
                .unwrap_or_else(PoisonError::into_inner)
                .values()
                .map(Vec::len)
                .sum::<usize>()
        })
        .sum()
}

impl Drop for Node {
    fn drop(&mut self) {
        {
            let mut shard = table().shard(self.hash);
            if let Some(bucket) = shard.get_mut(&self.hash) {
                bucket.retain(|(id, _)| *id != self.id);
                if bucket.is_empty() {
                    shard.remove(&self.hash);
                }
            }
        }
        // Free long chains iteratively: recursive drops of a deep term would
        // overflow the stack.
        let mut pending: Vec<Term> = std::mem::take(&mut self.args).into_vec();
        while let Some(t) = pending.pop() {
            if let Some(mut node) = Arc::into_inner(t.0) {
                pending.extend(std::mem::take(&mut node.args).into_vec());
            }
        }
    }
}

impl PartialEq for Term {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl Eq for Term {}

impl Hash for Term {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u64(self.0.id);
    }
}

impl PartialOrd for Term {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Term {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.id.cmp(&other.0.id)
    }
}

impl fmt::Debug for Term {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_structure_is_one_node() {
        let x = Term::var(Var::new(0, "x", Sort::Int));
        let a = x.plus(&Term::int(1)).less(&Term::int(3));
        let b = x.plus(&Term::int(1)).less(&Term::int(3));
        assert_eq!(a, b);
        assert_eq!(a.id(), b.id());
        let c = x.plus(&Term::int(2)).less(&Term::int(3));
        assert_ne!(a, c);
    }

    #[test]
    fn dropped_terms_leave_the_table() {
        let name = "dropped_terms_leave_the_table";
        let x = Term::var(Var::new(7, name, Sort::Int));
        let id = {
            let t = x.times(&x).plus(&Term::int(12345)).less_eq(&x);
            t.id()
        };
        // Rebuilding after the drop makes a new node, which shows the old one left.
        let again = x.times(&x).plus(&Term::int(12345)).less_eq(&x);
        assert_ne!(again.id(), id);
    }

    #[test]
    fn deep_chains_drop_without_overflow() {
        let x = Term::var(Var::new(0, "deep_x", Sort::Int));
        let y = Term::var(Var::new(1, "deep_y", Sort::Int));
        let mut t = x;
        for _ in 0..200_000 {
            t = t.minus(&y);
        }
        drop(t);
    }
}
