//! Random expressions of every sort and operator, and random models.

use num_bigint::BigInt;
use num_rational::BigRational;
use proptest::prelude::*;
use proptest::strategy::Union;
use symtest_term::Rounding;

use super::expr::{Cmp, E, Expr, Fn1, Fn2, bx};
use super::reference::V;

type Gen = BoxedStrategy<Expr>;

fn union(arms: Vec<(u32, Gen)>) -> Gen {
    Union::new_weighted(arms).boxed()
}

/// Expressions of each sort, up to some depth.
#[derive(Clone)]
struct Level {
    int: Gen,
    real: Gen,
    boolean: Gen,
    string: Gen,
}

impl Level {
    /// Anything read as a number: Ints, Reals and Bools.
    fn number(&self) -> Gen {
        union(vec![
            (3, self.int.clone()),
            (2, self.real.clone()),
            (1, self.boolean.clone()),
        ])
    }

    /// What integer division and string indices take: Ints and Bools.
    fn integer(&self) -> Gen {
        union(vec![(5, self.int.clone()), (1, self.boolean.clone())])
    }

    fn any(&self) -> Gen {
        union(vec![(3, self.number()), (1, self.string.clone())])
    }
}

/// Small numbers (divisors of zero among them), and powers of ten give or
/// take one (where decimal strings change length).
fn int_const() -> impl Strategy<Value = i64> {
    prop_oneof![
        4 => -3i64..=3,
        2 => any::<i16>().prop_map(i64::from),
        1 => (0u32..=18, -1i64..=1, any::<bool>()).prop_map(|(k, d, neg)| {
            let v = 10i64.pow(k) + d;
            if neg { -v } else { v }
        }),
    ]
}

const STRINGS: [&str; 10] = ["", "0", "7", "42", "007", "-1", "ab", "a1", "é", "9x"];

fn leaves() -> Level {
    Level {
        int: prop_oneof![(0usize..3).prop_map(E::Var), int_const().prop_map(E::Int)].boxed(),
        real: prop_oneof![
            (3usize..5).prop_map(E::Var),
            (-20i64..20, 1u8..6).prop_map(|(n, d)| E::Real(n, d)),
        ]
        .boxed(),
        boolean: prop_oneof![
            (5usize..7).prop_map(E::Var),
            any::<bool>().prop_map(E::Bool)
        ]
        .boxed(),
        string: prop::sample::select(STRINGS.to_vec())
            .prop_map(E::Str)
            .boxed(),
    }
}

fn rounding() -> impl Strategy<Value = Rounding> {
    prop::sample::select(vec![Rounding::Trunc, Rounding::Floor, Rounding::Euclid])
}

fn some(x: Gen) -> impl Strategy<Value = Vec<Expr>> {
    prop::collection::vec(x, 2..4)
}

/// One level deeper: every operator over the level below.
fn deeper(below: &Level) -> Level {
    Level {
        int: int_ops(below),
        real: real_ops(below),
        boolean: bool_ops(below),
        string: string_ops(below),
    }
}

fn unary(x: Gen, f: fn(Box<Expr>) -> Expr) -> (u32, Gen) {
    (1, x.prop_map(move |x| f(bx(x))).boxed())
}

fn binary(x: Gen, y: Gen, f: fn(Box<Expr>, Box<Expr>) -> Expr) -> Gen {
    (x, y).prop_map(move |(x, y)| f(bx(x), bx(y))).boxed()
}

fn ite(c: Gen, x: Gen, y: Gen) -> (u32, Gen) {
    let ite = (c, x, y).prop_map(|(c, x, y)| E::Ite(bx(c), bx(x), bx(y)));
    (1, ite.boxed())
}

/// Int-sorted operators: arithmetic, the three divisions, conversions, and
/// numbers read from strings.
fn int_ops(below: &Level) -> Gen {
    let (i, s) = (below.integer(), below.string.clone());
    let division = |f: fn(Rounding, Box<Expr>, Box<Expr>) -> Expr| {
        let d = (rounding(), i.clone(), i.clone()).prop_map(move |(r, x, y)| f(r, bx(x), bx(y)));
        (3, d.boxed())
    };
    let index_of = (s.clone(), s.clone(), i.clone());
    union(vec![
        (3, leaves().int),
        (2, some(i.clone()).prop_map(E::Sum).boxed()),
        (2, some(i.clone()).prop_map(E::Product).boxed()),
        (1, binary(i.clone(), i.clone(), E::Minus)),
        unary(i.clone(), E::Neg),
        division(E::IntDiv),
        division(E::IntMod),
        unary(below.number(), E::ToInt),
        unary(below.boolean.clone(), E::Numeric),
        ite(below.boolean.clone(), i.clone(), i),
        unary(s.clone(), |x| E::Fn1(Fn1::Len, x)),
        unary(s.clone(), |x| E::Fn1(Fn1::StrToInt, x)),
        unary(s, |x| E::Fn1(Fn1::ToCode, x)),
        (
            1,
            index_of
                .prop_map(|(x, t, k)| E::IndexOf(bx(x), bx(t), bx(k)))
                .boxed(),
        ),
    ])
}

/// Real-sorted operators, each with a Real operand, mixed with any number.
fn real_ops(below: &Level) -> Gen {
    let (n, r) = (below.number(), below.real.clone());
    let with_real = (r.clone(), n.clone(), any::<bool>())
        .prop_map(|(r, x, first)| if first { vec![r, x] } else { vec![x, r] });
    union(vec![
        (3, leaves().real),
        (2, with_real.clone().prop_map(E::Sum).boxed()),
        (2, with_real.clone().prop_map(E::Product).boxed()),
        (
            1,
            with_real
                .prop_map(|xs| E::Minus(bx(xs[0].clone()), bx(xs[1].clone())))
                .boxed(),
        ),
        unary(r.clone(), E::Neg),
        (3, binary(n.clone(), n.clone(), E::Div)),
        unary(n.clone(), E::ToReal),
        ite(below.boolean.clone(), r, n),
    ])
}

/// Bool-sorted operators: connectives over values of any sort (read for
/// their truth), comparisons, and string relations.
fn bool_ops(below: &Level) -> Gen {
    let (n, b, s, a) = (
        below.number(),
        below.boolean.clone(),
        below.string.clone(),
        below.any(),
    );
    let compare = |ops: Vec<Cmp>, x: Gen| {
        let c = (prop::sample::select(ops), x.clone(), x);
        (3, c.prop_map(|(o, x, y)| E::Cmp(o, bx(x), bx(y))).boxed())
    };
    let relation = prop::sample::select(vec![
        Fn2::Contains,
        Fn2::StartsWith,
        Fn2::EndsWith,
        Fn2::Less,
        Fn2::LessEq,
    ]);
    let chars_in = (s.clone(), 40u32..60, 50u32..130);
    union(vec![
        (3, leaves().boolean),
        unary(a.clone(), E::Not),
        (2, some(a.clone()).prop_map(E::And).boxed()),
        (2, some(a.clone()).prop_map(E::Or).boxed()),
        (1, binary(a.clone(), a.clone(), E::Implies)),
        compare(vec![Cmp::Eq, Cmp::Ne], a.clone()),
        compare(vec![Cmp::Lt, Cmp::Le, Cmp::Gt, Cmp::Ge], n),
        unary(a, E::Truthy),
        ite(b.clone(), b.clone(), b),
        (
            2,
            (relation, s.clone(), s)
                .prop_map(|(f, x, y)| E::Fn2(f, bx(x), bx(y)))
                .boxed(),
        ),
        (
            1,
            chars_in
                .prop_map(|(x, lo, hi)| E::CharsIn(bx(x), lo, hi))
                .boxed(),
        ),
    ])
}

/// Str-sorted operators: numbers as text (the short form among them),
/// characters from codes, concatenation, characters and slices.
fn string_ops(below: &Level) -> Gen {
    let (i, s) = (below.integer(), below.string.clone());
    let index = union(vec![
        (2, (-1i64..=20).prop_map(E::Int).boxed()),
        (1, i.clone()),
    ]);
    let substr = (s.clone(), i.clone(), i.clone());
    union(vec![
        (3, leaves().string),
        (
            2,
            i.clone().prop_map(|x| E::Fn1(Fn1::FromInt, bx(x))).boxed(),
        ),
        (
            3,
            i.clone().prop_map(|x| E::Fn1(Fn1::ShortStr, bx(x))).boxed(),
        ),
        unary(i, |x| E::Fn1(Fn1::FromCode, x)),
        (2, some(s.clone()).prop_map(E::Concat).boxed()),
        (2, binary(s.clone(), index, |x, k| E::Fn2(Fn2::At, x, k))),
        (
            1,
            substr
                .prop_map(|(x, o, l)| E::Substr(bx(x), bx(o), bx(l)))
                .boxed(),
        ),
        ite(below.boolean.clone(), s.clone(), s),
    ])
}

pub(crate) fn expr(depth: usize) -> Gen {
    let mut level = leaves();
    for _ in 0..depth {
        level = deeper(&level);
    }
    level.any()
}

/// Expressions over the short decimal form of an integer expression: its
/// length, its value, its characters and their values (`int(str(n)[i])`),
/// through `ite`s and next to characters from codes.
pub(crate) fn digits_expr() -> Gen {
    let below = deeper(&leaves());
    let short = below
        .integer()
        .prop_map(|n| E::Fn1(Fn1::ShortStr, bx(n)))
        .boxed();
    let at = (short.clone(), -2i64..=21)
        .prop_map(|(s, i)| E::Fn2(Fn2::At, bx(s), bx(E::Int(i))))
        .boxed();
    let code = below
        .integer()
        .prop_map(|c| E::Fn1(Fn1::FromCode, bx(c)))
        .boxed();
    let either = |x: Gen, y: Gen| {
        (below.boolean.clone(), x, y)
            .prop_map(|(c, x, y)| E::Ite(bx(c), bx(x), bx(y)))
            .boxed()
    };
    let text = union(vec![
        (3, short.clone()),
        (3, at.clone()),
        (1, code.clone()),
        (1, either(at.clone(), code)),
        (1, either(short, below.string.clone())),
    ]);
    let value = |s: Gen| s.prop_map(|s| E::Fn1(Fn1::StrToInt, bx(s))).boxed();
    union(vec![
        (
            2,
            text.clone().prop_map(|s| E::Fn1(Fn1::Len, bx(s))).boxed(),
        ),
        (3, value(text.clone())),
        (
            1,
            text.clone()
                .prop_map(|s| E::Fn1(Fn1::ToCode, bx(s)))
                .boxed(),
        ),
        (
            1,
            (text.clone(), text.clone())
                .prop_map(|(x, y)| E::Cmp(Cmp::Eq, bx(x), bx(y)))
                .boxed(),
        ),
        // The digit sum of `n`, as `for d in str(n): total += int(d)`.
        (
            2,
            prop::collection::vec(value(at), 1..5)
                .prop_map(E::Sum)
                .boxed(),
        ),
        (
            1,
            some(text)
                .prop_map(|xs| E::Fn1(Fn1::Len, bx(E::Concat(xs))))
                .boxed(),
        ),
    ])
}

/// Integers of every size that matters: divisors of zero, small numbers,
/// powers of ten give or take one (up to 10^19, past the short form), and
/// any 64-bit number.
fn int_value() -> impl Strategy<Value = BigInt> {
    prop_oneof![
        3 => (-3i64..=3).prop_map(BigInt::from),
        2 => (-1000i64..=1000).prop_map(BigInt::from),
        2 => (0u32..=19, -1i64..=1, any::<bool>()).prop_map(|(k, d, neg)| {
            let v = BigInt::from(10u8).pow(k) + d;
            if neg { -v } else { v }
        }),
        1 => any::<i64>().prop_map(BigInt::from),
    ]
}

fn real_value() -> impl Strategy<Value = V> {
    (-12i64..=12, 1i64..=4).prop_map(|(n, d)| V::R(BigRational::new(n.into(), d.into())))
}

/// Values of the variables, in the order of [`VARS`].
pub(crate) fn model() -> impl Strategy<Value = Vec<V>> {
    (
        (int_value(), int_value(), int_value()),
        (real_value(), real_value()),
        (any::<bool>(), any::<bool>()),
    )
        .prop_map(|((x, y, z), (r, s), (p, q))| {
            vec![V::I(x), V::I(y), V::I(z), r, s, V::B(p), V::B(q)]
        })
}
