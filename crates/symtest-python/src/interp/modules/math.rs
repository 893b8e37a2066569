//! `math`. Floors, ceilings and `fabs` keep shadows; the rest run
//! concretely (a symbolic argument is concretised and counted).

use num_traits::ToPrimitive;
use symtest_term::{Sort, Term};

use crate::builtins::ExcType;
use crate::int::PyInt;
use crate::interp::args::Args;
use crate::interp::numeric::{Num, as_num, integral, trunc_term};
use crate::interp::state::{Flow, Interp, R, exc, type_error, value_error};
use crate::interp::tables::ModuleMember::{Function, Value};
use crate::interp::tables::{PyModule, Unknown};
use crate::ir::BinOp;
use crate::sites::SiteId;
use crate::value::Val;

/// `math`'s functions and constants.
pub(crate) static MODULE: PyModule = PyModule {
    members: &[
        (
            "atan",
            Function(|it, a, _| real_fn(it, &a, |xs| xs[0].atan())),
        ),
        ("ceil", Function(|it, a, _| to_int(it, &a, Rounding::Ceil))),
        ("comb", Function(|it, a, _| comb_perm(it, &a, true))),
        (
            "cos",
            Function(|it, a, _| real_fn(it, &a, |xs| xs[0].cos())),
        ),
        ("e", Value(|| Val::Float(std::f64::consts::E, None))),
        ("exp", Function(|it, a, _| log_exp(it, &a, Log::Exp))),
        ("fabs", Function(fabs)),
        ("factorial", Function(factorial)),
        (
            "floor",
            Function(|it, a, _| to_int(it, &a, Rounding::Floor)),
        ),
        ("gcd", Function(|it, a, _| gcd_lcm(it, &a, true))),
        (
            "hypot",
            Function(|it, a, _| real_fn(it, &a, |xs| xs.iter().map(|v| v * v).sum::<f64>().sqrt())),
        ),
        ("inf", Value(|| Val::Float(f64::INFINITY, None))),
        ("isclose", Function(isclose)),
        ("isinf", Function(isinf)),
        ("isnan", Function(isnan)),
        ("isqrt", Function(isqrt)),
        ("lcm", Function(|it, a, _| gcd_lcm(it, &a, false))),
        ("log", Function(|it, a, _| log_exp(it, &a, Log::Natural))),
        ("log10", Function(|it, a, _| log_exp(it, &a, Log::Ten))),
        ("log2", Function(|it, a, _| log_exp(it, &a, Log::Two))),
        ("nan", Value(|| Val::Float(f64::NAN, None))),
        ("perm", Function(|it, a, _| comb_perm(it, &a, false))),
        ("pi", Value(|| Val::Float(std::f64::consts::PI, None))),
        ("pow", Function(pow)),
        ("prod", Function(prod)),
        (
            "sin",
            Function(|it, a, _| real_fn(it, &a, |xs| xs[0].sin())),
        ),
        ("sqrt", Function(sqrt)),
        (
            "tan",
            Function(|it, a, _| real_fn(it, &a, |xs| xs[0].tan())),
        ),
        ("tau", Value(|| Val::Float(std::f64::consts::TAU, None))),
        (
            "trunc",
            Function(|it, a, _| to_int(it, &a, Rounding::Trunc)),
        ),
    ],
    unknown: Unknown::Unsupported,
};

fn math_domain() -> Flow {
    value_error("math domain error")
}

#[derive(Clone, Copy)]
enum Rounding {
    Floor,
    Ceil,
    Trunc,
}

/// `floor`, `ceil` or `trunc`: an int as it is; a float rounded, its shadow
/// rounded the same way.
fn to_int(_: &mut Interp<'_>, a: &Args, how: Rounding) -> R<Val> {
    a.check(1, 1)?;
    let v = a.pos[0].clone();
    match as_num(&v) {
        Some(Num::I(i, s)) => Ok(Val::Int(i, s)),
        Some(Num::F(f, s)) => {
            let r = match how {
                Rounding::Floor => f.floor(),
                Rounding::Ceil => f.ceil(),
                Rounding::Trunc => f.trunc(),
            };
            let shadow = s.map(|t| match how {
                Rounding::Floor => t.to_int(),
                Rounding::Ceil => t.negated().to_int().negated(),
                Rounding::Trunc => trunc_term(&t),
            });
            Ok(Val::Int(integral(r)?, shadow))
        }
        None => Err(type_error(format!(
            "must be real number, not {}",
            v.type_name()
        ))),
    }
}

fn sqrt(it: &mut Interp<'_>, a: Args, _: SiteId) -> R<Val> {
    a.check(1, 1)?;
    it.note_concrete(&a, "math.sqrt");
    let x = it.float_of(&a.pos[0])?;
    if x < 0.0 {
        return Err(math_domain());
    }
    Ok(Val::Float(x.sqrt(), None))
}

/// The one int argument of `function` (`math.isqrt`), which must not be
/// negative (`negative` is CPython's message when it is); run concretely.
fn natural_arg(it: &mut Interp<'_>, a: &Args, function: &str, negative: &str) -> R<PyInt> {
    a.check(1, 1)?;
    it.note_concrete(a, function);
    let name = function.trim_start_matches("math.");
    let n = it.int_arg(&a.pos[0], name)?;
    if n.is_negative() {
        return Err(value_error(negative));
    }
    Ok(n)
}

fn isqrt(it: &mut Interp<'_>, a: Args, _: SiteId) -> R<Val> {
    let n = natural_arg(it, &a, "math.isqrt", "isqrt() argument must be nonnegative")?;
    Ok(Val::Int(PyInt::from_big(n.to_big().sqrt()), None))
}

fn fabs(it: &mut Interp<'_>, a: Args, _: SiteId) -> R<Val> {
    a.check(1, 1)?;
    let f = it.float_val(&a.pos[0])?;
    let Val::Float(x, s) = f else {
        return Err(type_error("fabs"));
    };
    Ok(Val::Float(
        x.abs(),
        s.map(|t| Term::ite(&t.greater_eq(&Term::zero(Sort::Real)), &t, &t.negated())),
    ))
}

fn factorial(it: &mut Interp<'_>, a: Args, _: SiteId) -> R<Val> {
    let n = natural_arg(
        it,
        &a,
        "math.factorial",
        "factorial() not defined for negative values",
    )?;
    let n = n
        .to_i64()
        .filter(|n| *n <= 20_000)
        .ok_or_else(|| Flow::Stop("factorial of a huge number".into()))?;
    let mut acc = num_bigint::BigInt::from(1);
    for k in 2..=n {
        acc *= k;
    }
    Ok(Val::Int(PyInt::from_big(acc), None))
}

/// `gcd` or `lcm` of any number of ints.
fn gcd_lcm(it: &mut Interp<'_>, a: &Args, is_gcd: bool) -> R<Val> {
    use num_integer::Integer;
    it.note_concrete(a, "math.gcd");
    let mut acc = num_bigint::BigInt::from(if is_gcd { 0 } else { 1 });
    for v in a.pos.clone() {
        let x = it.int_arg(&v, "gcd")?.to_big();
        acc = if is_gcd { acc.gcd(&x) } else { acc.lcm(&x) };
    }
    Ok(Val::Int(PyInt::from_big(acc), None))
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Log {
    Natural,
    Two,
    Ten,
    Exp,
}

/// Logarithms (`log` with an optional base) and `exp`, concretely.
fn log_exp(it: &mut Interp<'_>, a: &Args, how: Log) -> R<Val> {
    a.check(1, 2)?;
    it.note_concrete(a, "math.log/exp");
    let x = it.float_of(&a.pos[0])?;
    let r = if how == Log::Exp {
        x.exp()
    } else {
        if x <= 0.0 {
            return Err(math_domain());
        }
        match (how, a.get(1)) {
            (Log::Two, _) => x.log2(),
            (Log::Ten, _) => x.log10(),
            (_, Some(base)) => {
                let base = it.float_of(&base.clone())?;
                x.ln() / base.ln()
            }
            _ => x.ln(),
        }
    };
    if r.is_infinite() && how == Log::Exp {
        return Err(exc(ExcType::OverflowError, "math range error"));
    }
    Ok(Val::Float(r, None))
}

fn prod(it: &mut Interp<'_>, mut a: Args, site: SiteId) -> R<Val> {
    let start = a.kw("start");
    a.check(1, 1)?;
    let mut acc = start.unwrap_or(Val::int(1));
    for x in it.collect(&a.pos[0].clone())? {
        acc = it.binop(BinOp::Mul, acc, x, site)?;
    }
    Ok(acc)
}

/// `comb(n, k)` or `perm(n[, k])`, exactly.
fn comb_perm(it: &mut Interp<'_>, a: &Args, is_comb: bool) -> R<Val> {
    a.check(1, 2)?;
    it.note_concrete(a, "math.comb/perm");
    let n = it.int_arg(&a.pos[0], "comb")?.to_big();
    let k = match a.get(1) {
        Some(v) => it.int_arg(&v.clone(), "comb")?.to_big(),
        None => n.clone(),
    };
    let zero = num_bigint::BigInt::from(0);
    if n < zero || k < zero {
        return Err(value_error("n and k must be non-negative integers"));
    }
    if k > n {
        return Ok(Val::int(0));
    }
    let k = k.to_i64().unwrap_or(0);
    let mut acc = num_bigint::BigInt::from(1);
    for i in 0..k {
        acc *= &n - i;
    }
    if is_comb {
        for i in 1..=k {
            acc /= i;
        }
    }
    Ok(Val::Int(PyInt::from_big(acc), None))
}

fn isclose(it: &mut Interp<'_>, mut a: Args, _: SiteId) -> R<Val> {
    let rel = a.kw("rel_tol");
    let abs = a.kw("abs_tol");
    a.check(2, 2)?;
    it.note_concrete(&a, "math.isclose");
    let x = it.float_of(&a.pos[0])?;
    let y = it.float_of(&a.pos[1])?;
    let rel = match rel {
        Some(v) => it.float_of(&v)?,
        None => 1e-9,
    };
    let abs = match abs {
        Some(v) => it.float_of(&v)?,
        None => 0.0,
    };
    let close = x == y || (x - y).abs() <= (rel * x.abs().max(y.abs())).max(abs);
    Ok(Val::bool(close))
}

fn isnan(it: &mut Interp<'_>, a: Args, _: SiteId) -> R<Val> {
    a.check(1, 1)?;
    Ok(Val::bool(it.float_of(&a.pos[0])?.is_nan()))
}

fn isinf(it: &mut Interp<'_>, a: Args, _: SiteId) -> R<Val> {
    a.check(1, 1)?;
    Ok(Val::bool(it.float_of(&a.pos[0])?.is_infinite()))
}

/// A function of the arguments as floats (at least one), concretely.
fn real_fn(it: &mut Interp<'_>, a: &Args, f: fn(&[f64]) -> f64) -> R<Val> {
    it.note_concrete(a, "trigonometry");
    let xs: Vec<f64> = a
        .pos
        .clone()
        .iter()
        .map(|v| it.float_of(v))
        .collect::<R<_>>()?;
    if xs.is_empty() {
        return Err(type_error("missing argument"));
    }
    Ok(Val::Float(f(&xs), None))
}

/// `math.pow(x, y)`: `x ** y` of the arguments as floats.
fn pow(it: &mut Interp<'_>, a: Args, site: SiteId) -> R<Val> {
    a.check(2, 3)?;
    let fx = it.float_val(a.arg(0)?)?;
    let fy = it.float_val(a.arg(1)?)?;
    it.binop(BinOp::Pow, fx, fy, site)
}
