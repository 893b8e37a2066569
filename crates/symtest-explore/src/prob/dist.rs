//! Discrete distributions of random inputs, with exact probabilities.

use std::fmt;

use num_traits::{One, Signed, Zero};
use symtest_term::{BigInt, BigRational, Term};

use super::rational::ratio as fmt_rational;

/// What a distribution written in a program or on the command line got wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DistError {
    /// A name that is none of the distributions; holds it.
    #[error("unknown distribution '{0}' (expected bernoulli, uniform, binomial or categorical)")]
    Unknown(String),
    /// The wrong number or kind of arguments for the distribution.
    #[error("{name} takes {expected}, found {found}")]
    Arity {
        /// The distribution's name.
        name: &'static str,
        /// What it takes, in words.
        expected: &'static str,
        /// The arguments as given.
        found: String,
    },
    /// A probability below 0 or above 1; holds it.
    #[error("probability {0} is outside [0, 1]")]
    Probability(String),
    /// Arguments of the right shape with no distribution behind them (an empty
    /// range, a non-integer bound, categorical weights not summing to 1, a support
    /// too large); holds the explanation.
    #[error("{0}")]
    Invalid(String),
    /// Text that does not read as `name(arguments)` with numbers as arguments.
    #[error("cannot read '{text}' as a distribution: {why}")]
    Syntax {
        /// The text as given.
        text: String,
        /// What is wrong with it.
        why: String,
    },
}

/// One argument as written: `p`, or `value: p` in a categorical.
#[derive(Clone, Debug, PartialEq)]
pub struct DistArg {
    /// The value before `:`, in a categorical's `value: p`.
    pub key: Option<BigRational>,
    /// The number (after `:` when there is a key).
    pub value: BigRational,
}

/// A distribution over integers: every value of its support with its
/// probability (positive, summing to exactly 1).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dist {
    /// How it was written, for reports (`binomial(3, 1/5)`).
    pub name: String,
    /// Values in increasing order, each with a positive probability.
    pub support: Vec<(BigInt, BigRational)>,
}

fn prob(p: &BigRational) -> Result<BigRational, DistError> {
    if p.is_negative() || *p > BigRational::one() {
        return Err(DistError::Probability(fmt_rational(p)));
    }
    Ok(p.clone())
}

fn integer(x: &BigRational, what: &str) -> Result<BigInt, DistError> {
    if !x.is_integer() {
        return Err(DistError::Invalid(format!(
            "{what} must be an integer, found {}",
            fmt_rational(x)
        )));
    }
    Ok(x.to_integer())
}

impl Dist {
    /// `x ~ bernoulli(p)`: 1 with probability p, else 0.
    pub fn bernoulli(p: &BigRational) -> Result<Dist, DistError> {
        let p = prob(p)?;
        Ok(Dist::from_pairs(
            format!("bernoulli({})", fmt_rational(&p)),
            vec![
                (BigInt::zero(), BigRational::one() - &p),
                (BigInt::one(), p),
            ],
        ))
    }

    /// `x ~ uniform(lo, hi)`: each integer of `lo..=hi` equally likely.
    pub fn uniform(lo: &BigInt, hi: &BigInt) -> Result<Dist, DistError> {
        if lo > hi {
            return Err(DistError::Invalid(format!(
                "uniform({lo}, {hi}) is empty: the low end is above the high end"
            )));
        }
        let n = hi - lo + BigInt::one();
        if n > BigInt::from(1_000_000) {
            return Err(DistError::Invalid(format!(
                "uniform({lo}, {hi}) has {n} values; at most 1,000,000 are supported"
            )));
        }
        let p = BigRational::new(BigInt::one(), n);
        let mut support = Vec::new();
        let mut v = lo.clone();
        while &v <= hi {
            support.push((v.clone(), p.clone()));
            v += 1;
        }
        Ok(Dist::from_pairs(format!("uniform({lo}, {hi})"), support))
    }

    /// `x ~ binomial(n, p)`: successes in n independent Bernoulli(p) trials.
    pub fn binomial(n: u32, p: &BigRational) -> Result<Dist, DistError> {
        let p = prob(p)?;
        if n > 10_000 {
            return Err(DistError::Invalid(format!(
                "binomial({n}, ..) has too many trials; at most 10,000 are supported"
            )));
        }
        let q = BigRational::one() - &p;
        let mut support = Vec::new();
        let mut choose = BigInt::one();
        for k in 0..=n {
            let pk = BigRational::from_integer(choose.clone()) * pow(&p, k) * pow(&q, n - k);
            support.push((BigInt::from(k), pk));
            choose = choose * BigInt::from(n - k) / BigInt::from(k + 1);
        }
        Ok(Dist::from_pairs(
            format!("binomial({n}, {})", fmt_rational(&p)),
            support,
        ))
    }

    /// `x ~ categorical(v1: p1, v2: p2, ...)`: the probabilities must sum to 1.
    pub fn categorical(pairs: &[(BigInt, BigRational)]) -> Result<Dist, DistError> {
        let mut total = BigRational::zero();
        let mut seen = std::collections::BTreeSet::new();
        for (v, p) in pairs {
            prob(p)?;
            if !seen.insert(v.clone()) {
                return Err(DistError::Invalid(format!(
                    "categorical lists the value {v} twice"
                )));
            }
            total += p;
        }
        if !total.is_one() {
            return Err(DistError::Invalid(format!(
                "categorical probabilities sum to {}, not 1",
                fmt_rational(&total)
            )));
        }
        let shown: Vec<String> = pairs
            .iter()
            .map(|(v, p)| format!("{v}: {}", fmt_rational(p)))
            .collect();
        Ok(Dist::from_pairs(
            format!("categorical({})", shown.join(", ")),
            pairs.to_vec(),
        ))
    }

    /// Builds a distribution from a call as written (`name(args)`).
    pub fn from_call(name: &str, args: &[DistArg]) -> Result<Dist, DistError> {
        let plain = |expected: &'static str, n: usize| -> Result<Vec<BigRational>, DistError> {
            if args.len() != n || args.iter().any(|a| a.key.is_some()) {
                return Err(DistError::Arity {
                    name: static_name(name),
                    expected,
                    found: describe_args(args),
                });
            }
            Ok(args.iter().map(|a| a.value.clone()).collect())
        };
        match name {
            "bernoulli" => {
                let a = plain("one probability", 1)?;
                Dist::bernoulli(&a[0])
            }
            "uniform" => {
                let a = plain("two integers (low, high)", 2)?;
                Dist::uniform(&integer(&a[0], "low")?, &integer(&a[1], "high")?)
            }
            "binomial" => {
                let a = plain("a trial count and a probability", 2)?;
                let n = integer(&a[0], "the trial count")?;
                let n = u32::try_from(n.clone()).map_err(|_| {
                    DistError::Invalid(format!("the trial count must be 0 or more, found {n}"))
                })?;
                Dist::binomial(n, &a[1])
            }
            "categorical" => {
                if args.is_empty() || args.iter().any(|a| a.key.is_none()) {
                    return Err(DistError::Arity {
                        name: "categorical",
                        expected: "value: probability pairs",
                        found: describe_args(args),
                    });
                }
                let mut pairs = Vec::new();
                for a in args {
                    let key = a.key.as_ref().map(|k| integer(k, "a categorical value"));
                    if let Some(k) = key {
                        pairs.push((k?, a.value.clone()));
                    }
                }
                Dist::categorical(&pairs)
            }
            other => Err(DistError::Unknown(other.to_string())),
        }
    }

    /// Reads `binomial(3, 0.2)`, `categorical(1: 1/2, 2: 1/2)` and the like.
    pub fn parse(text: &str) -> Result<Dist, DistError> {
        let syntax = |why: &str| DistError::Syntax {
            text: text.to_string(),
            why: why.to_string(),
        };
        let t = text.trim();
        let open = t
            .find('(')
            .ok_or_else(|| syntax("expected name(arguments)"))?;
        let inner = t[open + 1..]
            .strip_suffix(')')
            .ok_or_else(|| syntax("expected ')' at the end"))?;
        let name = t[..open].trim();
        let mut args = Vec::new();
        if !inner.trim().is_empty() {
            for part in inner.split(',') {
                let (key, value) = match part.split_once(':') {
                    Some((k, v)) => (Some(k), v),
                    None => (None, part),
                };
                let key = match key {
                    Some(k) => Some(
                        parse_number(k)
                            .ok_or_else(|| syntax(&format!("'{}' is not a number", k.trim())))?,
                    ),
                    None => None,
                };
                let value = parse_number(value)
                    .ok_or_else(|| syntax(&format!("'{}' is not a number", value.trim())))?;
                args.push(DistArg { key, value });
            }
        }
        Dist::from_call(name, &args)
    }

    fn from_pairs(name: String, pairs: Vec<(BigInt, BigRational)>) -> Dist {
        let mut support: Vec<(BigInt, BigRational)> =
            pairs.into_iter().filter(|(_, p)| !p.is_zero()).collect();
        support.sort_by(|a, b| a.0.cmp(&b.0));
        Dist { name, support }
    }

    /// The condition that `x` lies in the support.
    pub fn domain(&self, x: &Term) -> Term {
        let lo = self
            .support
            .first()
            .map(|(v, _)| v.clone())
            .unwrap_or_default();
        let hi = self
            .support
            .last()
            .map(|(v, _)| v.clone())
            .unwrap_or_default();
        let contiguous = BigInt::from(self.support.len()) == &hi - &lo + BigInt::one();
        if contiguous {
            Term::and([x.greater_eq(&Term::int(lo)), x.less_eq(&Term::int(hi))])
        } else {
            Term::or(
                self.support
                    .iter()
                    .map(|(v, _)| x.equal(&Term::int(v.clone()))),
            )
        }
    }

    /// True when `v` has a positive probability.
    pub fn contains(&self, v: &BigInt) -> bool {
        self.support.iter().any(|(x, _)| x == v)
    }

    /// The mean, exactly.
    pub fn mean(&self) -> BigRational {
        self.support
            .iter()
            .map(|(v, p)| BigRational::from_integer(v.clone()) * p)
            .sum()
    }
}

impl fmt::Display for Dist {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}

fn pow(x: &BigRational, n: u32) -> BigRational {
    let mut out = BigRational::one();
    for _ in 0..n {
        out *= x;
    }
    out
}

fn static_name(name: &str) -> &'static str {
    match name {
        "bernoulli" => "bernoulli",
        "uniform" => "uniform",
        "binomial" => "binomial",
        _ => "categorical",
    }
}

fn describe_args(args: &[DistArg]) -> String {
    if args.is_empty() {
        return "no arguments".into();
    }
    let shown: Vec<String> = args
        .iter()
        .map(|a| match &a.key {
            Some(k) => format!("{}: {}", fmt_rational(k), fmt_rational(&a.value)),
            None => fmt_rational(&a.value),
        })
        .collect();
    format!("({})", shown.join(", "))
}

/// An exact number: `3`, `-2`, `0.25`, `1/3`, `1e-3`.
pub fn parse_number(text: &str) -> Option<BigRational> {
    let t = text.trim();
    if let Some((n, d)) = t.split_once('/') {
        let n = parse_number(n)?;
        let d = parse_number(d)?;
        if d.is_zero() {
            return None;
        }
        return Some(n / d);
    }
    let (mantissa, exp) = match t.split_once(['e', 'E']) {
        Some((m, e)) => (m, e.parse::<i32>().ok()?),
        None => (t, 0),
    };
    let (neg, digits) = match mantissa.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, mantissa.strip_prefix('+').unwrap_or(mantissa)),
    };
    let (int_part, frac_part) = digits.split_once('.').unwrap_or((digits, ""));
    if int_part.is_empty() && frac_part.is_empty() {
        return None;
    }
    if !int_part
        .chars()
        .chain(frac_part.chars())
        .all(|c| c.is_ascii_digit())
    {
        return None;
    }
    let all: BigInt = format!("{int_part}{frac_part}0").parse::<BigInt>().ok()? / 10;
    let scale = i32::try_from(frac_part.len()).ok()? - exp;
    let ten = BigInt::from(10);
    let mut r = BigRational::from_integer(all);
    if scale >= 0 {
        r /= BigRational::from_integer(ten.pow(scale.unsigned_abs()));
    } else {
        r *= BigRational::from_integer(ten.pow(scale.unsigned_abs()));
    }
    Some(if neg { -r } else { r })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(s: &str) -> BigRational {
        parse_number(s).expect("a number")
    }

    fn total(d: &Dist) -> BigRational {
        d.support.iter().map(|(_, p)| p.clone()).sum()
    }

    #[test]
    fn numbers_are_read_exactly() {
        assert_eq!(q("0.3"), BigRational::new(3.into(), 10.into()));
        assert_eq!(q("1/3"), BigRational::new(1.into(), 3.into()));
        assert_eq!(q("-2"), BigRational::from_integer((-2).into()));
        assert_eq!(q("2.5e-1"), BigRational::new(1.into(), 4.into()));
        assert!(parse_number("abc").is_none());
        assert!(parse_number("1/0").is_none());
        assert!(parse_number(".").is_none());
    }

    #[test]
    fn binomial_weights_are_exact() {
        let d = Dist::parse("binomial(3, 0.2)").expect("parses");
        assert_eq!(total(&d), BigRational::one());
        // P(X >= 2) = 3 * 0.04 * 0.8 + 0.008 = 0.104
        let p: BigRational = d
            .support
            .iter()
            .filter(|(v, _)| *v >= BigInt::from(2))
            .map(|(_, p)| p.clone())
            .sum();
        assert_eq!(p, q("0.104"));
    }

    #[test]
    fn every_distribution_sums_to_one() {
        for text in [
            "bernoulli(0.3)",
            "bernoulli(1)",
            "uniform(1, 6)",
            "uniform(-2, 2)",
            "binomial(10, 1/3)",
            "categorical(1: 0.5, 5: 0.25, -3: 0.25)",
        ] {
            let d = Dist::parse(text).expect(text);
            assert_eq!(total(&d), BigRational::one(), "{text}");
            assert!(d.support.windows(2).all(|w| w[0].0 < w[1].0), "{text}");
        }
        assert_eq!(Dist::parse("uniform(1, 6)").expect("die").mean(), q("3.5"));
    }

    #[test]
    fn bad_distributions_say_what_is_wrong() {
        let err = |t: &str| Dist::parse(t).expect_err(t).to_string();
        assert!(err("bernoulli(1.5)").contains("outside [0, 1]"));
        assert!(err("uniform(3, 1)").contains("empty"));
        assert!(err("poisson(2)").contains("unknown distribution"));
        assert!(err("categorical(1: 0.5, 2: 0.4)").contains("sum to 9/10"));
        assert!(err("categorical(1: 0.5, 1: 0.5)").contains("twice"));
        assert!(err("binomial(3)").contains("takes a trial count"));
        assert!(err("bernoulli 0.3").contains("expected name(arguments)"));
        assert!(err("uniform(1.5, 3)").contains("must be an integer"));
    }

    #[test]
    fn non_contiguous_supports_get_a_disjunction() {
        let d = Dist::parse("categorical(1: 0.5, 5: 0.5)").expect("parses");
        let x = Term::var(symtest_term::Var::new(0, "x", symtest_term::Sort::Int));
        let dom = d.domain(&x);
        assert_eq!(*dom.op(), symtest_term::Op::Or);
        let u = Dist::parse("uniform(1, 3)").expect("parses").domain(&x);
        assert_eq!(*u.op(), symtest_term::Op::And);
    }
}
