//! Bounds a problem statement gives in the usual form: `1 ≤ n, m ≤ 100`,
//! `-10^9 <= a_i <= 10^9`, `$1 \le t \le 2 \cdot 10^5$`, `0 < k < n`
//! (a bound that is another name is not a number and is left out).
//! A bound applies to an input number when the program stores that number
//! in a variable of the stated name (`n`), or of its base (`a` for `a_i`,
//! `a_{i,j}`, `a_ij`): see `crate::stdin::Shape::name_position`.

use num_bigint::BigInt;
use num_traits::{One, Pow};

/// One bound found in a statement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stated {
    /// The names it bounds, as written (`n`, `a_i`).
    pub names: Vec<String>,
    /// The smallest value allowed.
    pub lo: Option<BigInt>,
    /// The largest value allowed.
    pub hi: Option<BigInt>,
    /// The text it was read from (normalised).
    pub text: String,
}

impl Stated {
    /// Whether a program variable called `var` is one of the names.
    pub fn bounds(&self, var: &str) -> bool {
        self.names.iter().any(|n| n == var || base(n) == var)
    }
}

/// The name without its subscript: `a` for `a_i`, `a_{ij}`, `a[i]`.
fn base(name: &str) -> &str {
    name.split(['_', '[']).next().unwrap_or(name)
}

/// Every bound of the form `number rel names rel number` (or one side of
/// it) in `text`, in order, at most one per name list.
pub fn stated_bounds(text: &str) -> Vec<Stated> {
    let toks = tokens(&normalise(text));
    let mut out: Vec<Stated> = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        if let Some((s, next)) = chain_at(&toks, i) {
            if !out.iter().any(|o| o.names == s.names) {
                out.push(s);
            }
            i = next;
        } else {
            i += 1;
        }
    }
    out
}

/// The statement with TeX and Unicode spellings made plain.
fn normalise(text: &str) -> String {
    let mut s = text.to_string();
    for (from, to) in [
        ("\\leqslant", "≤"),
        ("\\geqslant", "≥"),
        ("\\leq", "≤"),
        ("\\geq", "≥"),
        ("\\le", "≤"),
        ("\\ge", "≥"),
        ("\\lt", "<"),
        ("\\gt", ">"),
        ("&lt;", "<"),
        ("&gt;", ">"),
        ("&le;", "≤"),
        ("&ge;", "≥"),
        ("\\cdot", "*"),
        ("\\times", "*"),
        ("\\,", ""),
        ("\\ ", ""),
        ("<=", "≤"),
        (">=", "≥"),
        ("≦", "≤"),
        ("≧", "≥"),
        ("−", "-"),
        ("·", "*"),
        ("×", "*"),
        ("⋅", "*"),
        ("**", "^"),
        ("$", " "),
        ("\\(", " "),
        ("\\)", " "),
    ] {
        s = s.replace(from, to);
    }
    s
}

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Num(BigInt),
    Name(String),
    Rel(Rel),
    Comma,
    Other,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Rel {
    Le,
    Lt,
    Ge,
    Gt,
}

/// The statement as numbers, names, relations and commas (anything else
/// is `Other`, which breaks a chain).
fn tokens(s: &str) -> Vec<Tok> {
    let cs: Vec<char> = s.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < cs.len() {
        let c = cs[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == ',' {
            out.push(Tok::Comma);
            i += 1;
        } else if let Some(r) = match c {
            '≤' => Some(Rel::Le),
            '<' => Some(Rel::Lt),
            '≥' => Some(Rel::Ge),
            '>' => Some(Rel::Gt),
            _ => None,
        } {
            out.push(Tok::Rel(r));
            i += 1;
        } else if c.is_ascii_digit()
            || (c == '-' && cs.get(i + 1).is_some_and(char::is_ascii_digit))
        {
            let (n, next) = number(&cs, i);
            out.push(n.map_or(Tok::Other, Tok::Num));
            i = next;
        } else if c.is_ascii_alphabetic() {
            let (name, next) = name(&cs, i);
            // Words of prose ("and" lists names; others break a chain).
            if name == "and" {
                out.push(Tok::Comma);
            } else if name.len() > 1
                && !name.contains(['_', '['])
                && name.chars().all(char::is_alphabetic)
                && name.len() > 3
            {
                out.push(Tok::Other);
            } else {
                out.push(Tok::Name(name));
            }
            i = next;
        } else {
            out.push(Tok::Other);
            i += 1;
        }
    }
    out
}

/// A number at `i`: `-12`, `10^5`, `10^{18}`, `2*10^5`, `1e9`, `10^9+7`.
fn number(cs: &[char], mut i: usize) -> (Option<BigInt>, usize) {
    let neg = cs[i] == '-';
    if neg {
        i += 1;
    }
    let digits = |i: &mut usize| -> String {
        let mut d = String::new();
        while *i < cs.len() && cs[*i].is_ascii_digit() {
            d.push(cs[*i]);
            *i += 1;
        }
        d
    };
    let skip_ws = |i: &mut usize| {
        while *i < cs.len() && cs[*i] == ' ' {
            *i += 1;
        }
    };
    let mut v: BigInt = match digits(&mut i).parse() {
        Ok(v) => v,
        Err(_) => return (None, i),
    };
    // A decimal point makes it no integer bound.
    if cs.get(i) == Some(&'.') && cs.get(i + 1).is_some_and(char::is_ascii_digit) {
        i += 1;
        digits(&mut i);
        return (None, i);
    }
    if matches!(cs.get(i), Some('e' | 'E')) && cs.get(i + 1).is_some_and(char::is_ascii_digit) {
        i += 1;
        let e: u32 = digits(&mut i).parse().unwrap_or(0).min(100);
        v *= BigInt::from(10).pow(e);
    }
    let mut j = i;
    skip_ws(&mut j);
    // `2 * 10^5`: a factor then a power.
    if cs.get(j) == Some(&'*') {
        let mut k = j + 1;
        skip_ws(&mut k);
        if cs.get(k).is_some_and(char::is_ascii_digit) {
            let (f, next) = number(cs, k);
            if let Some(f) = f {
                v *= f;
                i = next;
            }
        }
    } else if cs.get(j) == Some(&'^') {
        let mut k = j + 1;
        skip_ws(&mut k);
        let braced = cs.get(k) == Some(&'{');
        if braced {
            k += 1;
        }
        let e: u32 = digits(&mut k).parse().unwrap_or(0).min(100);
        if braced && cs.get(k) == Some(&'}') {
            k += 1;
        }
        v = v.pow(e);
        i = k;
        // `10^9 + 7`
        let mut m = i;
        skip_ws(&mut m);
        if matches!(cs.get(m), Some('+' | '-')) {
            let sign = cs[m];
            let mut n = m + 1;
            skip_ws(&mut n);
            let d = digits(&mut n);
            if let Ok(d) = d.parse::<BigInt>() {
                v = if sign == '+' { v + d } else { v - d };
                i = n;
            }
        }
    }
    (Some(if neg { -v } else { v }), i)
}

/// A name at `i` with its subscript: `n`, `a_i`, `a_{i,j}`, `a[i]`.
fn name(cs: &[char], mut i: usize) -> (String, usize) {
    let mut s = String::new();
    while i < cs.len() && (cs[i].is_ascii_alphanumeric() || cs[i] == '_') {
        s.push(cs[i]);
        i += 1;
        if s.ends_with('_') && cs.get(i) == Some(&'{') {
            i = copy_through(cs, i, '}', &mut s);
        }
    }
    if cs.get(i) == Some(&'[') {
        i = copy_through(cs, i, ']', &mut s);
    }
    (s, i)
}

/// Copies `cs[i..]` into `s` up to and including the first `close` (or to
/// the end); returns the index after what was copied.
fn copy_through(cs: &[char], mut i: usize, close: char, s: &mut String) -> usize {
    while i < cs.len() && cs[i] != close {
        s.push(cs[i]);
        i += 1;
    }
    if i < cs.len() {
        s.push(close);
        i += 1;
    }
    i
}

/// Names separated by commas from `i`: the names and where they end.
fn names_at(toks: &[Tok], mut i: usize) -> Option<(Vec<String>, usize)> {
    let mut names = Vec::new();
    loop {
        match toks.get(i) {
            Some(Tok::Name(n)) => names.push(n.clone()),
            _ => return None,
        }
        i += 1;
        if toks.get(i) == Some(&Tok::Comma) && matches!(toks.get(i + 1), Some(Tok::Name(_))) {
            i += 1;
        } else {
            return Some((names, i));
        }
    }
}

/// The bound a relation gives, from the number's side: `lo` for
/// `number ≤ x`, tightened by one for `<`.
fn lower(n: &BigInt, rel: Rel) -> Option<BigInt> {
    match rel {
        Rel::Le => Some(n.clone()),
        Rel::Lt => Some(n + BigInt::one()),
        _ => None,
    }
}

fn upper(n: &BigInt, rel: Rel) -> Option<BigInt> {
    match rel {
        Rel::Le => Some(n.clone()),
        Rel::Lt => Some(n - BigInt::one()),
        _ => None,
    }
}

/// A chain starting at `i`: `num rel names [rel num]` or `names rel num`.
fn chain_at(toks: &[Tok], i: usize) -> Option<(Stated, usize)> {
    let render = |names: &[String], lo: &Option<BigInt>, hi: &Option<BigInt>| {
        let mut t = String::new();
        if let Some(l) = lo {
            t.push_str(&format!("{l} ≤ "));
        }
        t.push_str(&names.join(", "));
        if let Some(h) = hi {
            t.push_str(&format!(" ≤ {h}"));
        }
        t
    };
    let stated = |names: Vec<String>, lo: Option<BigInt>, hi: Option<BigInt>| Stated {
        text: render(&names, &lo, &hi),
        names,
        lo,
        hi,
    };
    match (toks.get(i), toks.get(i + 1)) {
        (Some(Tok::Num(a)), Some(Tok::Rel(r1))) => {
            let (names, j) = names_at(toks, i + 2)?;
            let lo = lower(a, *r1)?;
            let hi = match (toks.get(j), toks.get(j + 1)) {
                (Some(Tok::Rel(r2)), Some(Tok::Num(b))) => upper(b, *r2).map(|h| (h, j + 2)),
                _ => None,
            };
            match hi {
                Some((h, next)) => Some((stated(names, Some(lo), Some(h)), next)),
                None => Some((stated(names, Some(lo), None), j)),
            }
        }
        (Some(Tok::Name(_)), _) => {
            let (names, j) = names_at(toks, i)?;
            match (toks.get(j), toks.get(j + 1)) {
                (Some(Tok::Rel(r)), Some(Tok::Num(b))) => {
                    let s = match r {
                        Rel::Le | Rel::Lt => stated(names, None, upper(b, *r)),
                        Rel::Ge => stated(names, Some(b.clone()), None),
                        Rel::Gt => stated(names, Some(b + BigInt::one()), None),
                    };
                    Some((s, j + 2))
                }
                _ => None,
            }
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> (Vec<String>, Option<i64>, Option<i64>) {
        let s = stated_bounds(text);
        assert_eq!(s.len(), 1, "{text}: {s:?}");
        let to = |b: &Option<BigInt>| b.as_ref().map(|v| i64::try_from(v).expect("small"));
        (s[0].names.clone(), to(&s[0].lo), to(&s[0].hi))
    }

    #[test]
    fn usual_spellings() {
        let n = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            one("The first line contains n and m (1 ≤ n, m ≤ 100)."),
            (n(&["n", "m"]), Some(1), Some(100))
        );
        assert_eq!(
            one("(-100 ≤ a_ij ≤ 100)"),
            (n(&["a_ij"]), Some(-100), Some(100))
        );
        assert_eq!(
            one("$1 \\le t \\le 2 \\cdot 10^5$"),
            (n(&["t"]), Some(1), Some(200_000))
        );
        assert_eq!(
            one("-10^{9} <= a_{i} <= 10^{9}"),
            (n(&["a_{i}"]), Some(-1_000_000_000), Some(1_000_000_000))
        );
        assert_eq!(one("0 < k < 10"), (n(&["k"]), Some(1), Some(9)));
        assert_eq!(one("n ≤ 10^5"), (n(&["n"]), None, Some(100_000)));
        assert_eq!(one("1 ≤ q ≤ 1e5"), (n(&["q"]), Some(1), Some(100_000)));
        assert_eq!(
            one("1 ≤ x ≤ 10^9+7"),
            (n(&["x"]), Some(1), Some(1_000_000_007))
        );
    }

    #[test]
    fn prose_and_names_as_bounds_are_left_out() {
        assert!(stated_bounds("Print the answer modulo 998244353.").is_empty());
        // `1 ≤ k ≤ n`: k's lower bound only.
        let s = stated_bounds("1 ≤ k ≤ n");
        assert_eq!(s.len(), 1);
        assert!(s[0].hi.is_none());
        assert!(stated_bounds("values between 1 and 5").is_empty());
        // A decimal is no integer bound.
        assert!(stated_bounds("0.5 ≤ x ≤ 2").iter().all(|s| s.lo.is_none()));
    }

    #[test]
    fn names_match_their_base() {
        let s = &stated_bounds("1 ≤ a_{i,j} ≤ 9")[0];
        assert!(s.bounds("a"));
        assert!(s.bounds("a_{i,j}"));
        assert!(!s.bounds("b"));
    }

    #[test]
    fn any_text_is_total() {
        for t in [
            "", "≤", "1 ≤", "≤ 5", "1 ≤ ,", "10^", "10^{", "2*", "-", "a_{", "x[", "1e",
        ] {
            let _ = stated_bounds(t);
        }
    }
}
