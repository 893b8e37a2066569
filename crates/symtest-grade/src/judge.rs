//! How a program's standard output is compared with the expected output.
//!
//! The default (`tokens`) is the judge of competitive programming: the two
//! outputs split on whitespace must have the same tokens; a token of the
//! expected output that is a decimal number with a fraction or an exponent
//! (`0.333333`, `1e-9`) may be matched by any decimal number within the
//! float tolerance (absolute, or relative to the expected value, whichever
//! is larger); every other token must match exactly, as text. So `001000`,
//! `+1000` and `1e+03` do not match `1000`, the first digits of a long
//! binary string do not match it, and numbers too large for a float are
//! compared as text. `exact` wants the same lines (trailing spaces and blank
//! lines at the end aside); `apps` is the lenient judge of the APPS
//! benchmark (tokens compared as floats when both parse as one).

use crate::kind::{display_by_name, parse_by_name};

use symtest_sandbox::{PyValue, Tolerance, py_eq};

/// How standard output is compared with the expected output.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Judge {
    /// The same lines, trailing spaces and blank lines at the end aside.
    Exact,
    /// The same whitespace-separated tokens; an expected real number may be
    /// matched by a decimal number within the tolerance.
    Tokens {
        /// The largest difference accepted, absolute or relative to the
        /// expected number (whichever is larger).
        float_tolerance: f64,
    },
    /// APPS' own lenient judge: tokens that both parse as floats compared
    /// as floats.
    Apps {
        /// How close two floats must be.
        tolerance: Tolerance,
    },
}

impl Default for Judge {
    fn default() -> Self {
        Judge::Tokens {
            float_tolerance: 1e-6,
        }
    }
}

/// The judge's name as the command line takes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum JudgeKind {
    /// [`Judge::Exact`].
    Exact,
    /// [`Judge::Tokens`], the default.
    #[default]
    Tokens,
    /// [`Judge::Apps`].
    Apps,
}

impl JudgeKind {
    /// The name `--judge` takes.
    pub fn name(self) -> &'static str {
        match self {
            JudgeKind::Exact => "exact",
            JudgeKind::Tokens => "tokens",
            JudgeKind::Apps => "apps",
        }
    }
}

parse_by_name!(
    JudgeKind,
    [Exact, Tokens, Apps],
    "judge",
    "tokens, exact or apps"
);

fn lines(s: &str) -> Vec<&str> {
    let mut out: Vec<&str> = s.lines().map(str::trim_end).collect();
    while out.last().is_some_and(|l| l.is_empty()) {
        out.pop();
    }
    out
}

/// The tokens of an output: split on ASCII whitespace, vertical tab
/// included (as C's `isspace` and Python's `str.split` have it).
fn tokens(s: &str) -> impl Iterator<Item = &str> {
    s.split(|c: char| c.is_ascii_whitespace() || c == '\x0b')
        .filter(|t| !t.is_empty())
}

/// A decimal number as judges print them: digits, an optional fraction, an
/// optional exponent; no `inf`, `nan`, hex or underscores.
fn decimal(t: &str) -> Option<f64> {
    let b = t.as_bytes();
    let mut i = usize::from(matches!(b.first(), Some(b'+' | b'-')));
    let digits = |i: &mut usize| {
        let start = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - start
    };
    let int = digits(&mut i);
    let mut frac = 0;
    if b.get(i) == Some(&b'.') {
        i += 1;
        frac = digits(&mut i);
    }
    if int + frac == 0 {
        return None;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return None;
        }
    }
    if i != b.len() {
        return None;
    }
    t.parse::<f64>().ok().filter(|f| f.is_finite())
}

/// An expected token that stands for a real number (a fraction or an exponent).
fn real_token(t: &str) -> Option<f64> {
    if t.contains(['.', 'e', 'E']) {
        decimal(t)
    } else {
        None
    }
}

fn token_matches(got: &str, expected: &str, tol: f64) -> bool {
    if got == expected {
        return true;
    }
    match (real_token(expected), decimal(got)) {
        (Some(e), Some(g)) => (g - e).abs() <= tol * e.abs().max(1.0),
        _ => false,
    }
}

impl Judge {
    /// The judge's name, as `--judge` takes it.
    pub fn name(&self) -> &'static str {
        match self {
            Judge::Exact => "exact",
            Judge::Tokens { .. } => "tokens",
            Judge::Apps { .. } => "apps",
        }
    }

    /// Whether `got` is an acceptable output where `expected` was expected.
    pub fn matches(&self, got: &str, expected: &str) -> bool {
        match *self {
            Judge::Exact => lines(got) == lines(expected),
            Judge::Tokens { float_tolerance } => {
                let mut a = tokens(got);
                let mut b = tokens(expected);
                loop {
                    match (a.next(), b.next()) {
                        (None, None) => return true,
                        (Some(x), Some(y)) if token_matches(x, y, float_tolerance) => {}
                        _ => return false,
                    }
                }
            }
            Judge::Apps { tolerance } => {
                if lines(got) == lines(expected) {
                    return true;
                }
                let a: Vec<&str> = got.split_whitespace().collect();
                let b: Vec<&str> = expected.split_whitespace().collect();
                a.len() == b.len()
                    && a.iter().zip(&b).all(|(x, y)| {
                        x == y
                            || matches!((x.parse::<f64>(), y.parse::<f64>()), (Ok(p), Ok(q))
                                if py_eq(&PyValue::Float(p), &PyValue::Float(q), tolerance))
                    })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_match_as_judges_do() {
        let j = Judge::default();
        assert!(j.matches("1 2\n3  \n\n", "1 2\n3"));
        assert!(j.matches("1\n2\n", "1 2"));
        assert!(j.matches("0.3333333333", "0.333333"));
        assert!(j.matches("3", "3.0000001"));
        assert!(!j.matches("1 2", "1 3"));
        assert!(!j.matches("", "1"));
        assert!(!j.matches("1 2 3", "1 2"));
        assert!(j.matches("1\x0b2\x0c3\r\n", "1 2 3"));
        // The float tolerance is absolute near zero, relative beyond 1.
        assert!(j.matches("0.0000009", "0.0"));
        assert!(!j.matches("0.000002", "0.0"));
        assert!(j.matches("123456800000", "123456789012.5"));
        assert!(!j.matches("123457000000", "123456789012.5"));
    }

    #[test]
    fn numbers_written_differently_are_different_answers() {
        let j = Judge::default();
        for got in ["1e+03", "+1000", "001000", "1000.0", "1000.4"] {
            assert!(!j.matches(got, "1000"), "{got}");
        }
        // A long binary string: its first digits are not the answer.
        assert!(!j.matches("110101101000000000", "110101101011011011"));
        // Beyond floats, text decides.
        assert!(!j.matches("2e308", "3e308"));
        assert!(!j.matches("inf", "1e400"));
        assert!(!j.matches("nan", "0.5"));
        assert!(!j.matches("0x10", "16.0"));
        assert!(j.matches("1e3", "1000.0"));
    }

    #[test]
    fn apps_and_exact_are_there_when_asked() {
        let apps = Judge::Apps {
            tolerance: Tolerance::default(),
        };
        assert!(apps.matches("1e+03", "1000"));
        assert!(Judge::Exact.matches("a b\n", "a b"));
        assert!(!Judge::Exact.matches("a  b", "a b"));
        assert_eq!("apps".parse::<JudgeKind>(), Ok(JudgeKind::Apps));
        assert!("fuzzy".parse::<JudgeKind>().is_err());
    }
}
