//! Smart constructors: every term is built here, folded and simplified on the
//! way in, so that the rest of the engine sees a canonical form.
//!
//! Every rewrite is an equivalence over all models (no rewrite assumes a
//! divisor is non-zero), so simplification can never change an answer.

use std::ops;

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{One, Zero};

use crate::fxhash::FxHashSet;
use crate::term::{Op, Term, Var};
use crate::value::{Rounding, Sort, Value, int_div, int_rem};

mod arith;
mod strings;

use arith::constant_of;
pub use arith::{product, sum};
pub use strings::concat;

impl Term {
    /// The constant term of `v`, of `v`'s sort.
    pub fn constant(v: Value) -> Term {
        let sort = v.sort();
        Term::intern(Op::Const(v), Vec::new(), sort)
    }

    /// The Bool constant `b`.
    pub fn bool(b: bool) -> Term {
        Term::constant(Value::Bool(b))
    }

    /// An Int constant.
    pub fn int(i: impl Into<BigInt>) -> Term {
        Term::constant(Value::Int(i.into()))
    }

    /// A Real constant (a whole number stays a Real).
    pub fn real(r: BigRational) -> Term {
        Term::constant(Value::Real(r))
    }

    /// The default value of `sort` as a constant: `false`, `0`, `0.0` or `""`.
    pub fn zero(sort: Sort) -> Term {
        Term::constant(sort.default_value())
    }

    /// The term of a symbolic input, of the variable's sort.
    pub fn var(v: Var) -> Term {
        let sort = v.sort;
        Term::intern(Op::Var(v), Vec::new(), sort)
    }

    /// Conjunction, flattened, without duplicates; `true` when empty.
    pub fn and(items: impl IntoIterator<Item = Term>) -> Term {
        junction(items, true)
    }

    /// Disjunction, flattened, without duplicates; `false` when empty.
    pub fn or(items: impl IntoIterator<Item = Term>) -> Term {
        junction(items, false)
    }

    /// `a → b`, as `¬a ∨ b`.
    pub fn implies(&self, other: &Term) -> Term {
        Term::or([!self, other.truthy()])
    }

    /// If-then-else. Branches of different numeric sorts meet at Real.
    pub fn ite(cond: &Term, then: &Term, other: &Term) -> Term {
        let cond = cond.truthy();
        // Branches meet at one sort before a constant condition picks one, so
        // that the sort never depends on whether the condition folded.
        let (a, b) = unify(then, other);
        if cond.is_true() {
            return a;
        }
        if cond.is_false() {
            return b;
        }
        if a == b {
            return a;
        }
        if a.sort() == Sort::Bool {
            if a.is_true() && b.is_false() {
                return cond;
            }
            if a.is_false() && b.is_true() {
                return !&cond;
            }
        }
        let sort = a.sort();
        Term::intern(Op::Ite, vec![cond, a, b], sort)
    }

    /// The truth of a value as C and Python read it: a number is true when
    /// non-zero, a string when non-empty.
    pub fn truthy(&self) -> Term {
        match self.sort() {
            Sort::Bool => self.clone(),
            Sort::Str => self.str_len().greater(&Term::int(0)),
            s => !&self.equal(&Term::zero(s)),
        }
    }

    /// A Bool read as a number is 1 or 0; numbers are unchanged.
    pub fn numeric(&self) -> Term {
        if self.sort() == Sort::Bool {
            Term::ite(self, &Term::int(1), &Term::int(0))
        } else {
            self.clone()
        }
    }

    /// `self == other`. Bools meet numbers as 0/1 and Int meets Real as Real; a
    /// string never equals a non-string, so that comparison folds to `false`.
    pub fn equal(&self, other: &Term) -> Term {
        if (self.sort() == Sort::Str) != (other.sort() == Sort::Str) {
            // A string never equals a number or a truth value.
            return Term::bool(false);
        }
        let (a, b) = unify(self, other);
        if a == b {
            return Term::bool(true);
        }
        if let (Some(x), Some(y)) = (a.as_const(), b.as_const()) {
            return Term::bool(x == y);
        }
        if a.sort() == Sort::Bool {
            for (c, t) in [(&a, &b), (&b, &a)] {
                if c.is_true() {
                    return t.clone();
                }
                if c.is_false() {
                    return !t;
                }
            }
        }
        for (lhs, rhs) in [(&a, &b), (&b, &a)] {
            if let Some(folded) = fold_ite_eq(lhs, rhs) {
                return folded;
            }
        }
        Term::intern(Op::Eq, vec![a, b], Sort::Bool)
    }

    /// `self != other`, as the negation of [`Term::equal`].
    pub fn distinct(&self, other: &Term) -> Term {
        !&self.equal(other)
    }

    /// `self < other` on numbers (Bools read as 0/1).
    pub fn less(&self, other: &Term) -> Term {
        compare(self, other, false)
    }

    /// `self <= other` on numbers (Bools read as 0/1).
    pub fn less_eq(&self, other: &Term) -> Term {
        compare(self, other, true)
    }

    /// `a > b` is stored as `b < a`, as Gymbo prints it.
    pub fn greater(&self, other: &Term) -> Term {
        compare(other, self, false)
    }

    /// `self >= other`, stored as `other <= self`.
    pub fn greater_eq(&self, other: &Term) -> Term {
        compare(other, self, true)
    }

    /// `self + other`, through [`sum`] (flattened, constants combined).
    pub fn plus(&self, other: &Term) -> Term {
        sum([self.clone(), other.clone()])
    }

    /// `self - other`; the result is Real when either side is.
    pub fn minus(&self, other: &Term) -> Term {
        let (a, b) = unify_numeric(self, other);
        if let (Some(x), Some(y)) = (rational(&a), rational(&b)) {
            return constant_of(a.sort(), x - y);
        }
        if b.as_const().is_some_and(Value::is_zero) {
            return a;
        }
        if a == b {
            return Term::zero(a.sort());
        }
        let sort = a.sort();
        Term::intern(Op::Sub, vec![a, b], sort)
    }

    /// `self * other`, through [`product`] (flattened, constants combined).
    pub fn times(&self, other: &Term) -> Term {
        product([self.clone(), other.clone()])
    }

    /// Arithmetic negation `-self` (a Bool is read as 0/1; `--x` is `x`).
    pub fn negated(&self) -> Term {
        let a = self.numeric();
        if let Some(x) = rational(&a) {
            return constant_of(a.sort(), -x);
        }
        if let Op::Neg = a.op() {
            return a.args()[0].clone();
        }
        let sort = a.sort();
        Term::intern(Op::Neg, vec![a], sort)
    }

    /// Real division. Division by zero is left unevaluated (its value is
    /// unspecified, as in SMT-LIB); frontends guard it with a branch.
    pub fn divided_by(&self, other: &Term) -> Term {
        let a = self.to_real();
        let b = other.to_real();
        if let (Some(x), Some(y)) = (rational(&a), rational(&b))
            && !y.is_zero()
        {
            return Term::real(x / y);
        }
        if rational(&b).is_some_and(|y| y.is_one()) {
            return a;
        }
        Term::intern(Op::Div, vec![a, b], Sort::Real)
    }

    /// Integer quotient with the given rounding. Both sides must be Int
    /// (Bools are read as 0/1).
    pub fn int_div(&self, other: &Term, rounding: Rounding) -> Term {
        self.int_division(other, rounding, Op::IntDiv, int_div, |a| a)
    }

    /// Integer remainder matching [`Term::int_div`] with the same rounding.
    pub fn int_mod(&self, other: &Term, rounding: Rounding) -> Term {
        self.int_division(other, rounding, Op::IntMod, int_rem, |_| Term::int(0))
    }

    /// `op` (`Op::IntDiv` or `Op::IntMod`) of two Ints: `fold` on constants
    /// (unless the divisor is 0), `by_one(self)` when dividing by 1.
    fn int_division(
        &self,
        other: &Term,
        rounding: Rounding,
        op: fn(Rounding) -> Op,
        fold: fn(&BigInt, &BigInt, Rounding) -> Option<BigInt>,
        by_one: fn(Term) -> Term,
    ) -> Term {
        let a = self.numeric();
        let b = other.numeric();
        debug_assert!(a.sort() == Sort::Int && b.sort() == Sort::Int);
        if let (Some(Value::Int(x)), Some(Value::Int(y))) = (a.as_const(), b.as_const())
            && let Some(q) = fold(x, y, rounding)
        {
            return Term::int(q);
        }
        if b.as_const()
            .and_then(Value::as_int)
            .is_some_and(One::is_one)
        {
            return by_one(a);
        }
        Term::intern(op(rounding), vec![a, b], Sort::Int)
    }

    /// The floor of a Real (an Int is itself).
    pub fn to_int(&self) -> Term {
        let a = self.numeric();
        match (a.sort(), a.as_const()) {
            (Sort::Int, _) => a,
            (_, Some(Value::Real(r))) => Term::int(r.floor().to_integer()),
            _ => Term::intern(Op::ToInt, vec![a], Sort::Int),
        }
    }

    /// The number as a Real (an Int converts exactly, a Bool as 0/1).
    pub fn to_real(&self) -> Term {
        let a = self.numeric();
        match (a.sort(), a.as_const()) {
            (Sort::Real, _) => a,
            (_, Some(Value::Int(i))) => Term::real(BigRational::from_integer(i.clone())),
            _ => Term::intern(Op::ToReal, vec![a], Sort::Real),
        }
    }
}

impl Term {
    /// This node's operator applied to other arguments, through the smart
    /// constructors (so the result is simplified again).
    pub fn with_args(&self, args: Vec<Term>) -> Term {
        let a = |i: usize| &args[i];
        match self.op() {
            Op::Const(_) | Op::Var(_) => self.clone(),
            Op::Not => !a(0),
            Op::And => Term::and(args),
            Op::Or => Term::or(args),
            Op::Ite => Term::ite(a(0), a(1), a(2)),
            Op::Eq => a(0).equal(a(1)),
            Op::Lt => a(0).less(a(1)),
            Op::Le => a(0).less_eq(a(1)),
            Op::Add => sum(args),
            Op::Sub => a(0).minus(a(1)),
            Op::Mul => product(args),
            Op::Neg => a(0).negated(),
            Op::Div => a(0).divided_by(a(1)),
            Op::IntDiv(r) => a(0).int_div(a(1), *r),
            Op::IntMod(r) => a(0).int_mod(a(1), *r),
            Op::ToReal => a(0).to_real(),
            Op::ToInt => a(0).to_int(),
            Op::StrLen => a(0).str_len(),
            Op::StrAt => a(0).str_at(a(1)),
            Op::StrConcat => concat(args),
            Op::StrSubstr => a(0).str_substr(a(1), a(2)),
            Op::StrContains => a(0).str_contains(a(1)),
            Op::StrPrefixOf => a(1).str_starts_with(a(0)),
            Op::StrSuffixOf => a(1).str_ends_with(a(0)),
            Op::StrIndexOf => a(0).str_index_of(a(1), a(2)),
            Op::StrLt => a(0).str_less(a(1)),
            Op::StrLe => a(0).str_less_eq(a(1)),
            Op::StrToInt => a(0).str_to_int(),
            Op::IntToStr => a(0).int_to_str(),
            Op::StrToCode => a(0).str_to_code(),
            Op::StrFromCode => a(0).str_from_code(),
            Op::StrCharsIn(lo, hi) => a(0).str_chars_in(*lo, *hi),
        }
    }
}

fn junction(items: impl IntoIterator<Item = Term>, is_and: bool) -> Term {
    let op = if is_and { Op::And } else { Op::Or };
    let mut out: Vec<Term> = Vec::new();
    let mut seen: FxHashSet<Term> = FxHashSet::default();
    let mut pending: Vec<Term> = items.into_iter().collect();
    pending.reverse();
    while let Some(t) = pending.pop() {
        let t = t.truthy();
        if *t.op() == op {
            pending.extend(t.args().iter().rev().cloned());
            continue;
        }
        if let Some(Value::Bool(b)) = t.as_const() {
            if *b == is_and {
                continue;
            }
            return Term::bool(!is_and);
        }
        if seen.contains(&t) {
            continue;
        }
        let complement = !&t;
        if seen.contains(&complement) {
            return Term::bool(!is_and);
        }
        seen.insert(t.clone());
        out.push(t);
    }
    match out.len() {
        0 => Term::bool(is_and),
        1 => out.remove(0),
        _ => Term::intern(op, out, Sort::Bool),
    }
}

fn compare(a: &Term, b: &Term, or_equal: bool) -> Term {
    let (a, b) = unify_numeric(a, b);
    if a == b {
        return Term::bool(or_equal);
    }
    if let (Some(x), Some(y)) = (rational(&a), rational(&b)) {
        return Term::bool(if or_equal { x <= y } else { x < y });
    }
    let op = if or_equal { Op::Le } else { Op::Lt };
    Term::intern(op, vec![a, b], Sort::Bool)
}

/// `ite(c, k1, k2) == k` for constants folds to `c`, `¬c`, `true` or `false`.
fn fold_ite_eq(ite: &Term, k: &Term) -> Option<Term> {
    if *ite.op() != Op::Ite {
        return None;
    }
    let k = k.as_const()?;
    let [c, x, y] = ite.args() else {
        return None;
    };
    let (x, y) = (x.as_const()?, y.as_const()?);
    Some(match (x == k, y == k) {
        (true, true) => Term::bool(true),
        (true, false) => c.clone(),
        (false, true) => !c,
        (false, false) => Term::bool(false),
    })
}

/// Brings two terms to one sort: Bool meets a number as 0/1, Int meets Real as Real.
fn unify(a: &Term, b: &Term) -> (Term, Term) {
    match (a.sort(), b.sort()) {
        (x, y) if x == y => (a.clone(), b.clone()),
        (Sort::Bool, _) | (_, Sort::Bool) => unify(&a.numeric(), &b.numeric()),
        _ => (a.to_real(), b.to_real()),
    }
}

fn unify_numeric(a: &Term, b: &Term) -> (Term, Term) {
    unify(&a.numeric(), &b.numeric())
}

fn rational(t: &Term) -> Option<BigRational> {
    match t.as_const()? {
        Value::Bool(_) => None,
        v => v.to_rational(),
    }
}

impl ops::Not for &Term {
    type Output = Term;

    fn not(self) -> Term {
        let a = self.truthy();
        if let Some(Value::Bool(b)) = a.as_const() {
            return Term::bool(!b);
        }
        if let Op::Not = a.op() {
            return a.args()[0].clone();
        }
        Term::intern(Op::Not, vec![a], Sort::Bool)
    }
}

impl ops::Not for Term {
    type Output = Term;

    fn not(self) -> Term {
        !&self
    }
}

impl ops::Neg for &Term {
    type Output = Term;

    fn neg(self) -> Term {
        self.negated()
    }
}

macro_rules! binary_operator {
    ($trait:ident, $method:ident, $inherent:ident) => {
        impl ops::$trait<&Term> for &Term {
            type Output = Term;

            fn $method(self, other: &Term) -> Term {
                self.$inherent(other)
            }
        }

        impl ops::$trait<Term> for Term {
            type Output = Term;

            fn $method(self, other: Term) -> Term {
                self.$inherent(&other)
            }
        }
    };
}

binary_operator!(Add, add, plus);
binary_operator!(Sub, sub, minus);
binary_operator!(Mul, mul, times);
binary_operator!(Div, div, divided_by);

#[cfg(test)]
mod tests {
    use super::*;

    fn int_var(i: u32, name: &str) -> Term {
        Term::var(Var::new(i, name, Sort::Int))
    }

    #[test]
    fn constants_fold() {
        let t = &(&Term::int(2) + &Term::int(3)) * &Term::int(4);
        assert_eq!(t.as_const(), Some(&Value::int(20)));
        assert!(Term::int(3).less(&Term::int(4)).is_true());
        assert!(
            Term::int(7)
                .int_div(&Term::int(0), Rounding::Trunc)
                .as_const()
                .is_none()
        );
        let half = Term::int(1) / Term::int(2);
        assert_eq!(half.as_const(), Value::ratio(1, 2).as_ref());
    }

    #[test]
    fn sums_flatten_and_combine_constants() {
        let a = int_var(0, "a");
        let t = &(&(&a + &Term::int(1)) + &Term::int(2)) - &Term::int(0);
        assert_eq!(*t.op(), Op::Add);
        assert_eq!(t.args().len(), 2);
        assert_eq!(t.args()[1].as_const(), Some(&Value::int(3)));
        assert_eq!(&a + &Term::int(0), a);
        assert!((&a * &Term::int(0)).as_const().is_some_and(Value::is_zero));
    }

    #[test]
    fn boolean_laws() {
        let a = int_var(0, "a");
        let p = a.less(&Term::int(3));
        assert_eq!(!!p.clone(), p);
        assert!(Term::and([p.clone(), !&p]).is_false());
        assert!(Term::or([p.clone(), !&p]).is_true());
        assert_eq!(Term::and([p.clone(), Term::bool(true), p.clone()]), p);
        assert!(Term::and(Vec::new()).is_true());
        // C truth: ite(p, 1, 0) != 0 is p again.
        assert_eq!(p.numeric().truthy(), p);
    }

    #[test]
    fn greater_is_stored_as_swapped_less() {
        let a = int_var(0, "a");
        assert_eq!(a.greater(&Term::int(4)), Term::int(4).less(&a));
    }

    /// Found by `tests/rewrites/`: `ite(false, 1.5, x)` was the Int `x`,
    /// while `ite(c, 1.5, x)` is a Real.
    #[test]
    fn a_constant_condition_keeps_the_sort_of_the_ite() {
        let x = int_var(0, "x");
        let half = Term::int(1) / Term::int(2);
        let c = Term::var(Var::new(1, "c", Sort::Bool));
        assert_eq!(Term::ite(&c, &half, &x).sort(), Sort::Real);
        assert_eq!(Term::ite(&Term::bool(false), &half, &x), x.to_real());
        assert_eq!(Term::ite(&Term::bool(true), &x, &half), x.to_real());
        assert_eq!(Term::ite(&Term::bool(true), &x, &Term::int(3)), x);
    }

    #[test]
    fn mixed_sorts_meet_at_real() {
        let x = Term::var(Var::new(0, "x", Sort::Real));
        let t = x.times(&Term::int(4)).equal(&Term::int(1));
        assert_eq!(t.args()[0].sort(), Sort::Real);
        assert_eq!(t.args()[1].sort(), Sort::Real);
    }
}
