//! The string constructors, with SMT-LIB's semantics (see
//! [`crate::value::strings`]): constants fold, and lengths, characters and
//! values of numbers written as text become arithmetic where that is exact.

use num_bigint::BigInt;

use super::arith::sum;
use crate::term::{Op, Term};
use crate::value::{Sort, Value, strings};

/// `0 <= c <= MAX_CODE`: `str.from_code(c)` is one character.
fn code_in_range(c: &Term) -> Term {
    Term::and([
        c.greater_eq(&Term::int(0)),
        c.less_eq(&Term::int(i64::from(strings::MAX_CODE))),
    ])
}

fn str_const(t: &Term) -> Option<&str> {
    t.as_const().and_then(Value::as_str)
}

fn int_const(t: &Term) -> Option<&BigInt> {
    t.as_const().and_then(Value::as_int)
}

/// String operations (SMT-LIB semantics; see [`crate::value::strings`]).
impl Term {
    /// A Str constant.
    pub fn string(s: &str) -> Term {
        Term::constant(Value::str(s))
    }

    /// `str.len`: the number of code points, as an Int.
    pub fn str_len(&self) -> Term {
        if let Some(s) = str_const(self) {
            return Term::int(strings::len(s));
        }
        if *self.op() == Op::StrConcat {
            return sum(self.args().iter().map(Term::str_len));
        }
        if let Some(t) = crate::digits::len(self) {
            return t;
        }
        if *self.op() == Op::StrFromCode {
            // One character when the code is in range, else none.
            let ok = code_in_range(&self.args()[0]);
            return Term::ite(&ok, &Term::int(1), &Term::int(0));
        }
        Term::intern(Op::StrLen, vec![self.clone()], Sort::Int)
    }

    /// `str.at(self, i)`: the one-character string at code point `i`, `""` out
    /// of range. A Bool index is read as 0 or 1, as Python's `s[True]` is.
    pub fn str_at(&self, i: &Term) -> Term {
        let i = i.numeric();
        if let (Some(s), Some(i)) = (str_const(self), int_const(&i)) {
            return Term::string(&strings::at(s, i));
        }
        if let Some(t) = crate::digits::at(self, &i) {
            return t;
        }
        Term::intern(Op::StrAt, vec![self.clone(), i], Sort::Str)
    }

    /// `str.substr(self, offset, len)`: up to `len` code points from `offset`,
    /// `""` when `offset` is out of range or `len` is not positive (Bools read
    /// as 0 or 1).
    pub fn str_substr(&self, offset: &Term, len: &Term) -> Term {
        let (offset, len) = (offset.numeric(), len.numeric());
        if let (Some(s), Some(o), Some(l)) = (str_const(self), int_const(&offset), int_const(&len))
        {
            return Term::string(&strings::substr(s, o, l));
        }
        Term::intern(Op::StrSubstr, vec![self.clone(), offset, len], Sort::Str)
    }

    /// `t` occurs in `self`.
    pub fn str_contains(&self, t: &Term) -> Term {
        let args = vec![self.clone(), t.clone()];
        self.str_has(t, |s, x| s.contains(x), Op::StrContains, args)
    }

    /// `self` starts with `p`.
    pub fn str_starts_with(&self, p: &Term) -> Term {
        let args = vec![p.clone(), self.clone()];
        self.str_has(p, |s, x| s.starts_with(x), Op::StrPrefixOf, args)
    }

    /// `self` ends with `x`.
    pub fn str_ends_with(&self, x: &Term) -> Term {
        let args = vec![x.clone(), self.clone()];
        self.str_has(x, |s, t| s.ends_with(t), Op::StrSuffixOf, args)
    }

    /// Whether `self` holds `part` (`holds` on constants): true for an
    /// empty or identical part, else the term `op(args)`.
    fn str_has(&self, part: &Term, holds: fn(&str, &str) -> bool, op: Op, args: Vec<Term>) -> Term {
        if let (Some(s), Some(x)) = (str_const(self), str_const(part)) {
            return Term::bool(holds(s, x));
        }
        if str_const(part).is_some_and(str::is_empty) || self == part {
            return Term::bool(true);
        }
        Term::intern(op, args, Sort::Bool)
    }

    /// `str.indexof(self, t, start)`: the first position at or after `start`
    /// where `t` occurs, -1 when there is none or `start` is out of range (a
    /// Bool `start` read as 0 or 1).
    pub fn str_index_of(&self, t: &Term, start: &Term) -> Term {
        let start = start.numeric();
        if let (Some(s), Some(x), Some(i)) = (str_const(self), str_const(t), int_const(&start)) {
            return Term::int(strings::index_of(s, x, i));
        }
        Term::intern(
            Op::StrIndexOf,
            vec![self.clone(), t.clone(), start],
            Sort::Int,
        )
    }

    /// `self < other` in lexicographic order of code points.
    pub fn str_less(&self, other: &Term) -> Term {
        if let (Some(a), Some(b)) = (str_const(self), str_const(other)) {
            return Term::bool(a < b);
        }
        if self == other {
            return Term::bool(false);
        }
        Term::intern(Op::StrLt, vec![self.clone(), other.clone()], Sort::Bool)
    }

    /// `self <= other` in lexicographic order of code points.
    pub fn str_less_eq(&self, other: &Term) -> Term {
        if let (Some(a), Some(b)) = (str_const(self), str_const(other)) {
            return Term::bool(a <= b);
        }
        if self == other {
            return Term::bool(true);
        }
        Term::intern(Op::StrLe, vec![self.clone(), other.clone()], Sort::Bool)
    }

    /// `str.to_int`: the decimal value of a non-empty string of ASCII digits,
    /// -1 for any other string.
    pub fn str_to_int(&self) -> Term {
        if let Some(s) = str_const(self) {
            return Term::int(strings::to_int(s));
        }
        if let Some(t) = crate::digits::to_int(self) {
            return t;
        }
        Term::intern(Op::StrToInt, vec![self.clone()], Sort::Int)
    }

    /// `str.from_int`: the decimal digits of a non-negative Int, `""` for a
    /// negative one (not Python's `str`, which keeps the sign).
    pub fn int_to_str(&self) -> Term {
        let n = self.numeric();
        if let Some(i) = int_const(&n) {
            return Term::string(&strings::from_int(i));
        }
        Term::intern(Op::IntToStr, vec![n], Sort::Str)
    }

    /// `str(n)` for a number of at most [`crate::digits::CASES`] digits, `""`
    /// for a longer one: what a frontend uses under the path assumption that
    /// `n` is that short. Its length, characters and value are arithmetic on
    /// `n`, which solvers decide far faster than `str.from_int`.
    pub fn short_int_to_str(n: &Term) -> Term {
        let n = n.numeric();
        Term::ite(
            &crate::digits::short_enough(&n),
            &n.int_to_str(),
            &Term::string(""),
        )
    }

    /// `str.to_code`: the code point of a one-character string, -1 for any other.
    /// Of `str.from_code(c)` it is `c` for a code in range (U+FFFD's for a
    /// surrogate, as [`strings::from_code`] has it) and -1 outside.
    pub fn str_to_code(&self) -> Term {
        if let Some(s) = str_const(self) {
            return Term::int(strings::to_code(s));
        }
        if *self.op() == Op::StrFromCode {
            let c = &self.args()[0];
            // A surrogate has no `char`: `from_code` gives U+FFFD for it.
            let surrogate = Term::and([
                c.greater_eq(&Term::int(0xd800)),
                c.less_eq(&Term::int(0xdfff)),
            ]);
            let code = Term::ite(&surrogate, &Term::int(0xfffd), c);
            return Term::ite(&code_in_range(c), &code, &Term::int(-1));
        }
        Term::intern(Op::StrToCode, vec![self.clone()], Sort::Int)
    }

    /// Every character of `self` has a code in `lo..=hi`.
    pub fn str_chars_in(&self, lo: u32, hi: u32) -> Term {
        if let Some(s) = str_const(self) {
            return Term::bool(s.chars().all(|c| (lo..=hi).contains(&u32::from(c))));
        }
        Term::intern(Op::StrCharsIn(lo, hi), vec![self.clone()], Sort::Bool)
    }

    /// `str.from_code`: the one-character string of a code point up to
    /// [`strings::MAX_CODE`], `""` outside that range.
    pub fn str_from_code(&self) -> Term {
        let n = self.numeric();
        if let Some(i) = int_const(&n) {
            return Term::string(&strings::from_code(i));
        }
        Term::intern(Op::StrFromCode, vec![n], Sort::Str)
    }
}

/// N-ary concatenation: flattened, adjacent constants merged, empties dropped.
pub fn concat(items: impl IntoIterator<Item = Term>) -> Term {
    let mut out: Vec<Term> = Vec::new();
    let mut pending: Vec<Term> = items.into_iter().collect();
    pending.reverse();
    while let Some(t) = pending.pop() {
        if *t.op() == Op::StrConcat {
            pending.extend(t.args().iter().rev().cloned());
            continue;
        }
        match (str_const(&t), out.last().and_then(str_const)) {
            (Some(""), _) => {}
            (Some(b), Some(a)) => {
                let merged = Term::string(&format!("{a}{b}"));
                out.pop();
                out.push(merged);
            }
            _ => out.push(t),
        }
    }
    match out.len() {
        0 => Term::string(""),
        1 => out.remove(0),
        _ => Term::intern(Op::StrConcat, out, Sort::Str),
    }
}

#[cfg(test)]
mod tests {
    use crate::term::{Op, Term, Var};
    use crate::value::{Sort, Value};

    use super::concat;

    #[test]
    fn strings_fold_and_simplify() {
        let s = Term::var(Var::new(0, "s", Sort::Str));
        let t = concat([
            Term::string("ab"),
            Term::string(""),
            Term::string("c"),
            s.clone(),
        ]);
        assert_eq!(t.args().len(), 2);
        assert_eq!(t.args()[0].as_const(), Some(&Value::str("abc")));
        assert_eq!(
            concat([Term::string("a"), Term::string("b")]).as_const(),
            Some(&Value::str("ab"))
        );
        // len(s + "abc") is len(s) + 3.
        assert_eq!(t.str_len(), &s.str_len() + &Term::int(3));
        assert!(s.str_contains(&Term::string("")).is_true());
        assert_eq!(
            Term::string("x").str_at(&Term::int(0)).as_const(),
            Some(&Value::str("x"))
        );
        assert!(s.equal(&Term::int(3)).is_false());
        assert_eq!(
            Term::int(97).str_from_code().as_const(),
            Some(&Value::str("a"))
        );
        let c = Term::var(Var::new(1, "c", Sort::Int));
        assert_eq!(c.str_from_code().str_to_code().op(), &Op::Ite);
    }

    /// Found by `tests/rewrites/`: a truth value as a string index made an
    /// ill-sorted term, which evaluation refused.
    #[test]
    fn string_indices_read_truth_values_as_numbers() {
        let p = Var::new(0, "p", Sort::Bool);
        let s = Term::string("ab");
        let at = s.str_at(&Term::var(p.clone()));
        let sub = s.str_substr(&Term::var(p.clone()), &Term::bool(true));
        let find = s.str_index_of(&Term::string(""), &Term::var(p.clone()));
        let mut m = crate::eval::Model::new();
        m.insert(&p, Value::Bool(true));
        assert_eq!(at.eval(&m), Ok(Value::str("b")));
        assert_eq!(sub.eval(&m), Ok(Value::str("b")));
        assert_eq!(find.eval(&m), Ok(Value::int(1)));
        assert_eq!(
            s.str_at(&Term::bool(false)).as_const(),
            Some(&Value::str("a"))
        );
    }

    /// Found by `tests/rewrites/`: `to_code(from_code(c))` was `c` for a
    /// surrogate `c`, where folding the constant gives U+FFFD's code.
    #[test]
    fn the_code_of_a_surrogate_is_the_replacement_character() {
        let c = Var::new(0, "c", Sort::Int);
        let round = Term::var(c.clone()).str_from_code().str_to_code();
        for code in [0xd7ff, 0xd800, 0xdfff, 0xe000, -1, 0x2ffff, 0x30000] {
            let mut m = crate::eval::Model::new();
            m.insert(&c, Value::int(code));
            let folded = Term::int(code).str_from_code().str_to_code();
            assert_eq!(round.eval(&m).ok().as_ref(), folded.as_const(), "{code:#x}");
        }
    }
}
