//! N-ary sums and products: nested ones flattened, constants combined.

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{One, Zero};

use crate::term::{Op, Term};
use crate::value::{Sort, Value};

/// N-ary sum with constants combined and zeros dropped.
pub fn sum(items: impl IntoIterator<Item = Term>) -> Term {
    arith_nary(items, Op::Add)
}

/// N-ary product with constants combined; a zero factor makes zero.
pub fn product(items: impl IntoIterator<Item = Term>) -> Term {
    arith_nary(items, Op::Mul)
}

fn arith_nary(items: impl IntoIterator<Item = Term>, op: Op) -> Term {
    let is_add = op == Op::Add;
    let items: Vec<Term> = items.into_iter().map(|t| t.numeric()).collect();
    let sort = if items.iter().any(|t| t.sort() == Sort::Real) {
        Sort::Real
    } else {
        Sort::Int
    };
    // Integer sums and products stay in integers: rationals normalise by gcd on every step.
    let mut int_acc = if is_add {
        BigInt::zero()
    } else {
        BigInt::one()
    };
    let mut real_acc = if is_add {
        BigRational::zero()
    } else {
        BigRational::one()
    };
    let mut rest = Vec::new();
    let mut pending = items;
    pending.reverse();
    while let Some(t) = pending.pop() {
        let t = if sort == Sort::Real { t.to_real() } else { t };
        if *t.op() == op {
            pending.extend(t.args().iter().rev().cloned());
            continue;
        }
        match t.as_const() {
            Some(Value::Int(x)) if is_add => int_acc += x,
            Some(Value::Int(x)) => int_acc *= x,
            Some(Value::Real(x)) if is_add => real_acc += x,
            Some(Value::Real(x)) => real_acc *= x,
            _ => rest.push(t),
        }
    }
    let acc = if sort == Sort::Int {
        BigRational::from_integer(int_acc)
    } else {
        real_acc
    };
    if !is_add && acc.is_zero() {
        return Term::zero(sort);
    }
    let neutral = if is_add { acc.is_zero() } else { acc.is_one() };
    if !neutral {
        let c = constant_of(sort, acc.clone());
        if is_add {
            rest.push(c);
        } else {
            rest.insert(0, c);
        }
    }
    match rest.len() {
        // Only reached when the constant part is neutral: 0 for sums, 1 for products.
        0 => constant_of(sort, acc),
        1 => rest.remove(0),
        _ => Term::intern(op, rest, sort),
    }
}

pub(super) fn constant_of(sort: Sort, x: BigRational) -> Term {
    if sort == Sort::Int && x.is_integer() {
        Term::int(x.to_integer())
    } else {
        Term::real(x)
    }
}
