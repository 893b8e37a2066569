//! The decimal digits of `str.from_int(n)` as integer arithmetic.
//!
//! Code over numbers often walks their digits (`for d in str(n)`,
//! `int(str(n)[i])`, `len(str(n))`). Z3's string theory treats
//! `str.from_int` as an opaque function it learns lazily, and such queries
//! often time out; the same facts stated with `<`, `div` and `mod` by
//! constants are linear and quick. The rewrites apply to the short form
//! [`Term::short_int_to_str`], `str(n)` for numbers of at most [`CASES`]
//! digits and `""` beyond, which a frontend uses under the path assumption
//! that `n` is that short; on it they are exact (the cases `n < 10^k` are
//! spelled out and there is nothing past them).

use num_bigint::BigInt;
use num_traits::ToPrimitive;

use crate::term::{Op, Term};
use crate::value::Rounding;

/// Numbers of up to this many digits are spelled out; inputs are far shorter.
pub const CASES: u32 = 18;

fn pow10(k: u32) -> Term {
    Term::int(BigInt::from(10u8).pow(k))
}

/// `n < 10^CASES`.
pub(crate) fn short_enough(n: &Term) -> Term {
    n.less(&pow10(CASES))
}

/// `n` when `t` is [`Term::short_int_to_str`]`(n)`.
fn short_arg(t: &Term) -> Option<&Term> {
    if *t.op() != Op::Ite {
        return None;
    }
    let [cond, then, other] = t.args() else {
        return None;
    };
    let n = (*then.op() == Op::IntToStr).then(|| &then.args()[0])?;
    (other.as_const().and_then(|v| v.as_str()) == Some("") && *cond == short_enough(n)).then_some(n)
}

/// The cases `n < 10^lo`, ..., `n < 10^CASES` (for `n >= 0`) with the value
/// `f(k)` for a number of `k` digits; `longer` for longer numbers, which the
/// short form has turned into `""`.
fn by_length(n: &Term, lo: u32, f: impl Fn(u32) -> Term, longer: Term) -> Term {
    (lo..=CASES).rev().fold(longer, |rest, k| {
        Term::ite(&n.less(&pow10(k)), &f(k), &rest)
    })
}

/// `len` of the short form.
pub(crate) fn len(s: &Term) -> Option<Term> {
    let n = short_arg(s)?;
    let digits = by_length(n, 1, Term::int, Term::int(0));
    Some(Term::ite(&n.less(&Term::int(0)), &Term::int(0), &digits))
}

/// `str.at` of the short form at a constant `i`: the character whose code is
/// `48 + (n div 10^(k-1-i)) mod 10` for a `k`-digit `n`, `""` past the end.
pub(crate) fn at(s: &Term, i: &Term) -> Option<Term> {
    let n = short_arg(s)?;
    let i = i.as_const()?.as_int()?;
    let Some(i) = i.to_u32().filter(|i| *i < CASES) else {
        // A negative index or one past every short number.
        return Some(Term::string(""));
    };
    let digit = |k: u32| {
        n.int_div(&pow10(k - 1 - i), Rounding::Floor)
            .int_mod(&Term::int(10), Rounding::Floor)
            .plus(&Term::int(48))
            .str_from_code()
    };
    let known = by_length(n, i + 1, digit, Term::string(""));
    // Fewer than i + 1 digits (a negative n has none).
    let short = if i == 0 {
        n.less(&Term::int(0))
    } else {
        n.less(&pow10(i))
    };
    Some(Term::ite(&short, &Term::string(""), &known))
}

/// A term `to_int` rewrites: the short form, a character from its code, or
/// an `ite` with such a branch (told by shape, without building anything).
fn holds_digits(t: &Term) -> bool {
    match t.op() {
        Op::StrFromCode => true,
        Op::Ite => short_arg(t).is_some() || t.args()[1..].iter().any(holds_digits),
        _ => false,
    }
}

/// `str.to_int` of the short form, of one character from its code, and
/// through an `ite` with such a branch.
pub(crate) fn to_int(s: &Term) -> Option<Term> {
    if let Some(n) = short_arg(s) {
        let ok = Term::and([n.greater_eq(&Term::int(0)), short_enough(n)]);
        return Some(Term::ite(&ok, n, &Term::int(-1)));
    }
    match s.op() {
        Op::StrFromCode => {
            let c = &s.args()[0];
            let digit = Term::and([c.greater_eq(&Term::int(48)), c.less_eq(&Term::int(57))]);
            Some(Term::ite(&digit, &c.minus(&Term::int(48)), &Term::int(-1)))
        }
        // Only where a branch is one of ours: a general string `ite` would
        // grow without making anything easier.
        Op::Ite if s.args()[1..].iter().any(holds_digits) => {
            let a = s.args();
            Some(Term::ite(&a[0], &a[1].str_to_int(), &a[2].str_to_int()))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use num_bigint::BigInt;

    use crate::eval::Model;
    use crate::term::{Term, Var};
    use crate::value::{Sort, Value, strings};

    /// Every rewrite evaluates like the SMT-LIB function it replaces.
    #[test]
    fn rewrites_agree_with_the_string_functions() {
        let v = Var::new(0, "n", Sort::Int);
        let n = Term::var(v.clone());
        let s = Term::short_int_to_str(&n);
        let len = s.str_len();
        let whole = s.str_to_int();
        let ats: Vec<(i64, Term, Term)> = (-1..22)
            .map(|i| {
                let c = s.str_at(&Term::int(i));
                (i, c.clone(), c.str_to_int())
            })
            .collect();
        for t in [&len, &whole].into_iter().chain(ats.iter().map(|a| &a.2)) {
            let strings_left = crate::visit::postorder(std::slice::from_ref(t))
                .iter()
                .filter(|x| x.sort() == Sort::Str)
                .count();
            assert_eq!(strings_left, 0, "{t}");
        }
        let mut samples: Vec<BigInt> = vec![
            BigInt::from(-7),
            BigInt::from(0),
            BigInt::from(9),
            BigInt::from(10),
            BigInt::from(1_000_000),
            BigInt::from(u64::MAX),
            BigInt::from(10u8).pow(18) - 1,
            BigInt::from(10u8).pow(18),
            BigInt::from(10u8).pow(25) + 3,
        ];
        samples.extend((0..200).map(|i| BigInt::from(i * 7919 % 100_003)));
        for x in samples {
            let mut m = Model::new();
            m.insert(&v, Value::Int(x.clone()));
            let text = if x < BigInt::from(10u8).pow(super::CASES) {
                strings::from_int(&x)
            } else {
                String::new()
            };
            let eval = |t: &Term| t.eval(&m).expect("evaluates");
            assert_eq!(eval(&len), Value::Int(strings::len(&text)), "len of {x}");
            assert_eq!(eval(&whole), Value::Int(strings::to_int(&text)), "{x}");
            for (i, c, ci) in &ats {
                let want = strings::at(&text, &BigInt::from(*i));
                assert_eq!(eval(c), Value::str(&want), "str({x})[{i}]");
                assert_eq!(
                    eval(ci),
                    Value::Int(strings::to_int(&want)),
                    "int(str({x})[{i}])"
                );
            }
        }
    }
}
