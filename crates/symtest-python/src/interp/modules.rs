//! The few module functions real solutions call (`math`, `itertools`, `re`,
//! `hashlib.md5`), numbers' and other objects' methods. Most run concretely:
//! a symbolic argument is concretised and counted.

use std::rc::Rc;

use num_traits::ToPrimitive;
use symtest_term::Term;

use super::call::Args;
use super::numeric::{Num, as_num};
use super::{Flow, Interp, R, exc, type_error, unsupported, value_error};
use crate::builtins::{Builtin, ExcType};
use crate::int::PyInt;
use crate::ir::{BinOp, Name};
use crate::sites::SiteId;
use crate::value::{Opaque, Val};

fn math_domain() -> Flow {
    value_error("math domain error")
}

impl Interp<'_> {
    fn float_of(&mut self, v: &Val) -> R<f64> {
        match as_num(v) {
            Some(Num::I(i, _)) => i
                .to_f64()
                .ok_or_else(|| exc(ExcType::OverflowError, "int too large to convert to float")),
            Some(Num::F(f, _)) => Ok(f),
            None => Err(type_error(format!(
                "must be real number, not {}",
                v.type_name()
            ))),
        }
    }

    fn note_concrete(&mut self, a: &Args, what: &str) {
        if a.pos.iter().any(Val::is_symbolic) {
            self.concretise(what);
        }
    }

    pub(crate) fn call_module_function(&mut self, b: Builtin, mut a: Args, site: SiteId) -> R<Val> {
        match b {
            Builtin::MathFloor | Builtin::MathCeil | Builtin::MathTrunc => {
                a.check(1, 1)?;
                let v = a.pos[0].clone();
                match as_num(&v) {
                    Some(Num::I(i, s)) => Ok(Val::Int(i, s)),
                    Some(Num::F(f, s)) => {
                        if !f.is_finite() {
                            return Err(if f.is_nan() {
                                value_error("cannot convert float NaN to integer")
                            } else {
                                exc(
                                    ExcType::OverflowError,
                                    "cannot convert float infinity to integer",
                                )
                            });
                        }
                        let r = match b {
                            Builtin::MathFloor => f.floor(),
                            Builtin::MathCeil => f.ceil(),
                            _ => f.trunc(),
                        };
                        let i = num_rational::BigRational::from_float(r)
                            .map(|x| x.to_integer())
                            .unwrap_or_default();
                        let shadow = s.map(|t| match b {
                            Builtin::MathFloor => t.to_int(),
                            Builtin::MathCeil => t.negated().to_int().negated(),
                            _ => Term::ite(
                                &t.greater_eq(&Term::zero(symtest_term::Sort::Real)),
                                &t.to_int(),
                                &t.negated().to_int().negated(),
                            ),
                        });
                        Ok(Val::Int(PyInt::from_big(i), shadow))
                    }
                    None => Err(type_error(format!(
                        "must be real number, not {}",
                        v.type_name()
                    ))),
                }
            }
            Builtin::MathSqrt => {
                a.check(1, 1)?;
                self.note_concrete(&a, "math.sqrt");
                let x = self.float_of(&a.pos[0])?;
                if x < 0.0 {
                    return Err(math_domain());
                }
                Ok(Val::Float(x.sqrt(), None))
            }
            Builtin::MathIsqrt => {
                a.check(1, 1)?;
                self.note_concrete(&a, "math.isqrt");
                let n = self.int_arg(&a.pos[0], "isqrt")?;
                if n.is_negative() {
                    return Err(value_error("isqrt() argument must be nonnegative"));
                }
                Ok(Val::Int(PyInt::from_big(n.to_big().sqrt()), None))
            }
            Builtin::MathFabs => {
                a.check(1, 1)?;
                let f = self.float_val(&a.pos[0])?;
                let Val::Float(x, s) = f else {
                    return Err(type_error("fabs"));
                };
                Ok(Val::Float(
                    x.abs(),
                    s.map(|t| {
                        Term::ite(
                            &t.greater_eq(&Term::zero(symtest_term::Sort::Real)),
                            &t,
                            &t.negated(),
                        )
                    }),
                ))
            }
            Builtin::MathFactorial => {
                a.check(1, 1)?;
                self.note_concrete(&a, "math.factorial");
                let n = self.int_arg(&a.pos[0], "factorial")?;
                if n.is_negative() {
                    return Err(value_error("factorial() not defined for negative values"));
                }
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
            Builtin::MathGcd | Builtin::MathLcm => {
                self.note_concrete(&a, "math.gcd");
                let mut acc = num_bigint::BigInt::from(if b == Builtin::MathGcd { 0 } else { 1 });
                for v in a.pos.clone() {
                    let x = self.int_arg(&v, "gcd")?.to_big();
                    use num_integer::Integer;
                    acc = if b == Builtin::MathGcd {
                        acc.gcd(&x)
                    } else {
                        acc.lcm(&x)
                    };
                }
                Ok(Val::Int(PyInt::from_big(acc), None))
            }
            Builtin::MathLog | Builtin::MathLog2 | Builtin::MathLog10 | Builtin::MathExp => {
                a.check(1, 2)?;
                self.note_concrete(&a, "math.log/exp");
                let x = self.float_of(&a.pos[0])?;
                let r = match b {
                    Builtin::MathExp => x.exp(),
                    _ => {
                        if x <= 0.0 {
                            return Err(math_domain());
                        }
                        match (b, a.get(1)) {
                            (Builtin::MathLog2, _) => x.log2(),
                            (Builtin::MathLog10, _) => x.log10(),
                            (_, Some(base)) => {
                                let base = self.float_of(&base.clone())?;
                                x.ln() / base.ln()
                            }
                            _ => x.ln(),
                        }
                    }
                };
                if r.is_infinite() && b == Builtin::MathExp {
                    return Err(exc(ExcType::OverflowError, "math range error"));
                }
                Ok(Val::Float(r, None))
            }
            Builtin::MathProd => {
                let start = a.kw("start");
                a.check(1, 1)?;
                let mut acc = start.unwrap_or(Val::int(1));
                for x in self.collect(&a.pos[0].clone())? {
                    acc = self.binop(BinOp::Mul, acc, x, site)?;
                }
                Ok(acc)
            }
            Builtin::MathComb | Builtin::MathPerm => {
                a.check(1, 2)?;
                self.note_concrete(&a, "math.comb/perm");
                let n = self.int_arg(&a.pos[0], "comb")?.to_big();
                let k = match a.get(1) {
                    Some(v) => self.int_arg(&v.clone(), "comb")?.to_big(),
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
                if b == Builtin::MathComb {
                    for i in 1..=k {
                        acc /= i;
                    }
                }
                Ok(Val::Int(PyInt::from_big(acc), None))
            }
            Builtin::MathIsclose => {
                let rel = a.kw("rel_tol");
                let abs = a.kw("abs_tol");
                a.check(2, 2)?;
                self.note_concrete(&a, "math.isclose");
                let x = self.float_of(&a.pos[0])?;
                let y = self.float_of(&a.pos[1])?;
                let rel = match rel {
                    Some(v) => self.float_of(&v)?,
                    None => 1e-9,
                };
                let abs = match abs {
                    Some(v) => self.float_of(&v)?,
                    None => 0.0,
                };
                let close = x == y || (x - y).abs() <= (rel * x.abs().max(y.abs())).max(abs);
                Ok(Val::bool(close))
            }
            Builtin::MathIsnan | Builtin::MathIsinf => {
                a.check(1, 1)?;
                let x = self.float_of(&a.pos[0])?;
                Ok(Val::bool(if b == Builtin::MathIsnan {
                    x.is_nan()
                } else {
                    x.is_infinite()
                }))
            }
            Builtin::MathSin
            | Builtin::MathCos
            | Builtin::MathTan
            | Builtin::MathAtan
            | Builtin::MathHypot => {
                self.note_concrete(&a, "trigonometry");
                let xs: Vec<f64> = a
                    .pos
                    .clone()
                    .iter()
                    .map(|v| self.float_of(v))
                    .collect::<R<_>>()?;
                let x = xs
                    .first()
                    .copied()
                    .ok_or_else(|| type_error("missing argument"))?;
                Ok(Val::Float(
                    match b {
                        Builtin::MathSin => x.sin(),
                        Builtin::MathCos => x.cos(),
                        Builtin::MathTan => x.tan(),
                        Builtin::MathAtan => x.atan(),
                        _ => xs.iter().map(|v| v * v).sum::<f64>().sqrt(),
                    },
                    None,
                ))
            }
            Builtin::Permutations | Builtin::Combinations => {
                a.check(1, 2)?;
                let items = self.collect(&a.pos[0].clone())?;
                let n = items.len();
                let r = match a.get(1) {
                    Some(Val::None) | None => n,
                    Some(v) => self
                        .int_arg(&v.clone(), "permutations")?
                        .to_usize()
                        .unwrap_or(0),
                };
                let idx = if b == Builtin::Permutations {
                    permutations(n, r, self.limits.max_len)?
                } else {
                    combinations(n, r, self.limits.max_len)?
                };
                let out = idx
                    .into_iter()
                    .map(|ix| Val::tuple(ix.into_iter().map(|i| items[i].clone()).collect()))
                    .collect();
                Ok(self.items_iter(out))
            }
            Builtin::Product => {
                let repeat = a.kw("repeat");
                let repeat = match repeat {
                    Some(v) => self.int_arg(&v, "product")?.to_usize().unwrap_or(1),
                    None => 1,
                };
                let mut pools = Vec::new();
                for v in a.pos.clone() {
                    pools.push(self.collect(&v)?);
                }
                let pools: Vec<Vec<Val>> = (0..repeat).flat_map(|_| pools.clone()).collect();
                let mut acc: Vec<Vec<Val>> = vec![Vec::new()];
                for pool in pools {
                    let mut next = Vec::new();
                    for prefix in &acc {
                        for x in &pool {
                            let mut p = prefix.clone();
                            p.push(x.clone());
                            next.push(p);
                        }
                    }
                    if next.len() > self.limits.max_len {
                        return Err(Flow::Stop("itertools.product too large".into()));
                    }
                    acc = next;
                }
                Ok(self.items_iter(acc.into_iter().map(Val::tuple).collect()))
            }
            Builtin::Accumulate => {
                let initial = a.kw("initial");
                let func = a.kw("func");
                a.check(1, 2)?;
                let func = func.or_else(|| a.get(1).cloned());
                let mut out = Vec::new();
                let mut acc = initial;
                if let Some(x) = &acc {
                    out.push(x.clone());
                }
                for x in self.collect(&a.pos[0].clone())? {
                    let next = match acc.take() {
                        None => x,
                        Some(cur) => match &func {
                            Some(f) if !matches!(f, Val::None) => {
                                self.call(f, vec![cur, x], Vec::new(), Some(site))?
                            }
                            _ => self.binop(BinOp::Add, cur, x, site)?,
                        },
                    };
                    out.push(next.clone());
                    acc = Some(next);
                }
                Ok(self.items_iter(out))
            }
            Builtin::Chain => {
                let mut out = Vec::new();
                for v in a.pos.clone() {
                    out.extend(self.collect(&v)?);
                }
                Ok(self.items_iter(out))
            }
            Builtin::ReSplit
            | Builtin::ReFindall
            | Builtin::ReSub
            | Builtin::ReMatch
            | Builtin::ReSearch
            | Builtin::ReFullmatch => self.regex_call(b, a, site),
            Builtin::Md5 => {
                a.check(0, 1)?;
                let data = match a.get(0) {
                    None => Vec::new(),
                    Some(Val::Bytes(b)) => b.to_vec(),
                    Some(other) => {
                        return Err(type_error(format!(
                            "object supporting the buffer API required, not {}",
                            other.type_name()
                        )));
                    }
                };
                Ok(Val::Opaque(Rc::new(Opaque::Md5(data))))
            }
            other => Err(unsupported(format!("{other}()"))),
        }
    }

    fn regex_call(&mut self, b: Builtin, mut a: Args, site: SiteId) -> R<Val> {
        let count_kw = a.kw("count").or_else(|| a.kw("maxsplit"));
        let _flags = a.kw("flags");
        let _ = site;
        self.note_concrete(&a, "regular expression");
        let pattern = match a.get(0) {
            Some(Val::Str(p, _)) => p.clone(),
            _ => return Err(type_error("first argument must be a string pattern")),
        };
        let re = regex::Regex::new(&translate_pattern(&pattern))
            .map_err(|e| unsupported(format!("regular expression {pattern:?} ({e})")))?;
        let text_at = if b == Builtin::ReSub { 2 } else { 1 };
        let text = match a.get(text_at) {
            Some(Val::Str(s, _)) => s.clone(),
            Some(other) => {
                return Err(type_error(format!(
                    "expected string or bytes-like object, got '{}'",
                    other.type_name()
                )));
            }
            None => return Err(type_error("missing string argument")),
        };
        let limit = match count_kw.or_else(|| a.get(text_at + 1).cloned()) {
            Some(v) => self.int_arg(&v, "re")?.to_usize().unwrap_or(0),
            None => 0,
        };
        let group_val = |m: Option<regex::Match<'_>>| match m {
            Some(m) => Val::str(m.as_str()),
            None => Val::None,
        };
        match b {
            Builtin::ReSplit => {
                let mut out = Vec::new();
                let mut last = 0;
                for (n, caps) in re.captures_iter(&text).enumerate() {
                    if limit > 0 && n >= limit {
                        break;
                    }
                    let Some(m) = caps.get(0) else { continue };
                    if m.start() == m.end() && m.start() == last && m.start() != 0 {
                        continue;
                    }
                    out.push(Val::str(&text[last..m.start()]));
                    for g in 1..caps.len() {
                        out.push(group_val(caps.get(g)));
                    }
                    last = m.end();
                }
                out.push(Val::str(&text[last..]));
                Ok(Val::list(out))
            }
            Builtin::ReFindall => {
                let mut out = Vec::new();
                for caps in re.captures_iter(&text) {
                    let v = match caps.len() {
                        1 => group_val(caps.get(0)),
                        2 => match caps.get(1) {
                            Some(m) => Val::str(m.as_str()),
                            None => Val::str(""),
                        },
                        n => Val::tuple(
                            (1..n)
                                .map(|g| match caps.get(g) {
                                    Some(m) => Val::str(m.as_str()),
                                    None => Val::str(""),
                                })
                                .collect(),
                        ),
                    };
                    out.push(v);
                }
                Ok(Val::list(out))
            }
            Builtin::ReSub => {
                let repl = a.arg(1)?.clone();
                let mut out = String::new();
                let mut last = 0;
                for (n, caps) in re.captures_iter(&text).enumerate() {
                    if limit > 0 && n >= limit {
                        break;
                    }
                    let Some(m) = caps.get(0) else { continue };
                    out.push_str(&text[last..m.start()]);
                    match &repl {
                        Val::Str(r, _) => out.push_str(&expand_template(r, &caps)),
                        f => {
                            let groups: Vec<Option<Rc<str>>> = (0..caps.len())
                                .map(|g| caps.get(g).map(|x| Rc::from(x.as_str())))
                                .collect();
                            let mv = Val::Opaque(Rc::new(Opaque::Match {
                                text: Rc::from(m.as_str()),
                                span: (m.start(), m.end()),
                                groups,
                            }));
                            match self.call(f, vec![mv], Vec::new(), None)? {
                                Val::Str(s, _) => out.push_str(&s),
                                _ => return Err(type_error("expected str instance")),
                            }
                        }
                    }
                    last = m.end();
                }
                out.push_str(&text[last..]);
                Ok(Val::str(&out))
            }
            _ => {
                let caps = match b {
                    Builtin::ReMatch => re
                        .captures(&text)
                        .filter(|c| c.get(0).is_some_and(|m| m.start() == 0)),
                    Builtin::ReFullmatch => re.captures(&text).filter(|c| {
                        c.get(0)
                            .is_some_and(|m| m.start() == 0 && m.end() == text.len())
                    }),
                    _ => re.captures(&text),
                };
                Ok(match caps {
                    None => Val::None,
                    Some(c) => {
                        let m = c.get(0);
                        let groups = (0..c.len())
                            .map(|g| c.get(g).map(|x| Rc::from(x.as_str())))
                            .collect();
                        Val::Opaque(Rc::new(Opaque::Match {
                            text: Rc::from(m.map_or("", |m| m.as_str())),
                            span: m.map_or((0, 0), |m| (m.start(), m.end())),
                            groups,
                        }))
                    }
                })
            }
        }
    }

    pub(crate) fn number_method(
        &mut self,
        recv: &Val,
        name: &str,
        pos: Vec<Val>,
        kw: Vec<(Name, Val)>,
        _site: SiteId,
    ) -> R<Val> {
        let a = Args::new(pos, kw, "number method");
        match (recv, name) {
            (Val::Int(..) | Val::Bool(..), "bit_length") => {
                a.check(0, 0)?;
                if recv.is_symbolic() {
                    self.concretise("bit_length");
                }
                let i = self.int_arg(recv, "bit_length")?;
                Ok(Val::int(i.abs().bits() as i64))
            }
            (Val::Int(..) | Val::Bool(..), "bit_count") => {
                a.check(0, 0)?;
                if recv.is_symbolic() {
                    self.concretise("bit_count");
                }
                let i = self.int_arg(recv, "bit_count")?;
                let ones = i.to_str_radix(2).chars().filter(|c| *c == '1').count();
                Ok(Val::int(ones))
            }
            (Val::Float(f, s), "is_integer") => {
                let shadow = s.as_ref().map(|t| t.to_int().to_real().equal(t));
                Ok(Val::Bool(f.fract() == 0.0 && f.is_finite(), shadow))
            }
            (_, "conjugate") => Ok(recv.clone()),
            _ => Err(exc(
                ExcType::AttributeError,
                format!("'{}' object has no attribute '{name}'", recv.type_name()),
            )),
        }
    }

    pub(crate) fn object_method(
        &mut self,
        recv: &Val,
        name: &str,
        pos: Vec<Val>,
        kw: Vec<(Name, Val)>,
        _site: SiteId,
    ) -> R<Val> {
        let a = Args::new(pos, kw, "method");
        match recv {
            Val::Bytes(b) => match name {
                "decode" => String::from_utf8(b.to_vec())
                    .map(|s| Val::str(&s))
                    .map_err(|_| value_error("'utf-8' codec can't decode bytes")),
                "hex" => Ok(Val::str(
                    &b.iter().map(|x| format!("{x:02x}")).collect::<String>(),
                )),
                _ => Err(exc(
                    ExcType::AttributeError,
                    format!("'bytes' object has no attribute '{name}'"),
                )),
            },
            Val::Opaque(o) => match (&**o, name) {
                (Opaque::Md5(data), "hexdigest") => Ok(Val::str(
                    &md5(data)
                        .iter()
                        .map(|x| format!("{x:02x}"))
                        .collect::<String>(),
                )),
                (Opaque::Md5(data), "digest") => Ok(Val::Bytes(Rc::from(md5(data).to_vec()))),
                (Opaque::Match { groups, .. }, "group") => {
                    let g = match a.get(0) {
                        Some(v) => self.int_arg(&v.clone(), "group")?.to_usize().unwrap_or(0),
                        None => 0,
                    };
                    match groups.get(g) {
                        Some(Some(s)) => Ok(Val::Str(s.clone(), None)),
                        Some(None) => Ok(Val::None),
                        None => Err(exc(ExcType::IndexError, "no such group")),
                    }
                }
                (Opaque::Match { groups, .. }, "groups") => Ok(Val::tuple(
                    groups
                        .iter()
                        .skip(1)
                        .map(|g| match g {
                            Some(s) => Val::Str(s.clone(), None),
                            None => Val::None,
                        })
                        .collect(),
                )),
                (Opaque::Match { span, .. }, "start") => Ok(Val::int(span.0)),
                (Opaque::Match { span, .. }, "end") => Ok(Val::int(span.1)),
                (Opaque::Match { span, .. }, "span") => {
                    Ok(Val::tuple(vec![Val::int(span.0), Val::int(span.1)]))
                }
                (Opaque::Unsupported(what), _) => Err(unsupported(format!("{what}.{name}"))),
                _ => Err(exc(
                    ExcType::AttributeError,
                    format!("'{}' object has no attribute '{name}'", recv.type_name()),
                )),
            },
            _ => Err(exc(
                ExcType::AttributeError,
                format!("'{}' object has no attribute '{name}'", recv.type_name()),
            )),
        }
    }
}

/// Python regex syntax the `regex` crate spells differently.
fn translate_pattern(p: &str) -> String {
    p.replace("(?P<", "(?<").replace("\\Z", "\\z")
}

/// `\1`, `\g<1>`, `\g<name>` and escapes in a `re.sub` template.
fn expand_template(t: &str, caps: &regex::Captures<'_>) -> String {
    let mut out = String::new();
    let cs: Vec<char> = t.chars().collect();
    let mut i = 0;
    while i < cs.len() {
        if cs[i] == '\\' && i + 1 < cs.len() {
            let c = cs[i + 1];
            if c.is_ascii_digit() {
                let g = c.to_digit(10).unwrap_or(0) as usize;
                out.push_str(caps.get(g).map_or("", |m| m.as_str()));
                i += 2;
                continue;
            }
            if c == 'g'
                && cs.get(i + 2) == Some(&'<')
                && let Some(end) = cs[i + 3..].iter().position(|x| *x == '>')
            {
                let name: String = cs[i + 3..i + 3 + end].iter().collect();
                let m = match name.parse::<usize>() {
                    Ok(g) => caps.get(g),
                    Err(_) => caps.name(&name),
                };
                out.push_str(m.map_or("", |m| m.as_str()));
                i += 4 + end;
                continue;
            }
            let esc = match c {
                'n' => Some('\n'),
                't' => Some('\t'),
                '\\' => Some('\\'),
                'r' => Some('\r'),
                _ => None,
            };
            match esc {
                Some(e) => out.push(e),
                None => {
                    out.push('\\');
                    out.push(c);
                }
            }
            i += 2;
            continue;
        }
        out.push(cs[i]);
        i += 1;
    }
    out
}

fn permutations(n: usize, r: usize, max: usize) -> R<Vec<Vec<usize>>> {
    let mut out = Vec::new();
    if r > n {
        return Ok(out);
    }
    let mut cur = Vec::with_capacity(r);
    let mut used = vec![false; n];
    fn go(
        n: usize,
        r: usize,
        cur: &mut Vec<usize>,
        used: &mut [bool],
        out: &mut Vec<Vec<usize>>,
        max: usize,
    ) -> R<()> {
        if cur.len() == r {
            out.push(cur.clone());
            if out.len() > max {
                return Err(Flow::Stop("itertools.permutations too large".into()));
            }
            return Ok(());
        }
        for i in 0..n {
            if !used[i] {
                used[i] = true;
                cur.push(i);
                go(n, r, cur, used, out, max)?;
                cur.pop();
                used[i] = false;
            }
        }
        Ok(())
    }
    go(n, r, &mut cur, &mut used, &mut out, max)?;
    Ok(out)
}

fn combinations(n: usize, r: usize, max: usize) -> R<Vec<Vec<usize>>> {
    let mut out = Vec::new();
    if r > n {
        return Ok(out);
    }
    let mut idx: Vec<usize> = (0..r).collect();
    loop {
        out.push(idx.clone());
        if out.len() > max {
            return Err(Flow::Stop("itertools.combinations too large".into()));
        }
        let mut i = r;
        loop {
            if i == 0 {
                return Ok(out);
            }
            i -= 1;
            if idx[i] != i + n - r {
                break;
            }
            if i == 0 && idx[0] == n - r {
                return Ok(out);
            }
        }
        idx[i] += 1;
        for j in i + 1..r {
            idx[j] = idx[j - 1] + 1;
        }
    }
}

/// MD5 (RFC 1321), for `hashlib.md5(...).hexdigest()`.
pub(crate) fn md5(data: &[u8]) -> [u8; 16] {
    const S: [u32; 64] = [
        7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 5, 9, 14, 20, 5, 9, 14, 20, 5,
        9, 14, 20, 5, 9, 14, 20, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 6, 10,
        15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21,
    ];
    let k: Vec<u32> = (0..64)
        .map(|i| ((i as f64 + 1.0).sin().abs() * 4294967296.0) as u32)
        .collect();
    let mut msg = data.to_vec();
    let bit_len = (data.len() as u64).wrapping_mul(8);
    msg.push(0x80);
    while msg.len() % 64 != 56 {
        msg.push(0);
    }
    msg.extend_from_slice(&bit_len.to_le_bytes());
    let (mut a0, mut b0, mut c0, mut d0) =
        (0x67452301u32, 0xefcdab89u32, 0x98badcfeu32, 0x10325476u32);
    for chunk in msg.chunks(64) {
        let m: Vec<u32> = chunk
            .chunks(4)
            .map(|w| u32::from_le_bytes([w[0], w[1], w[2], w[3]]))
            .collect();
        let (mut a, mut b, mut c, mut d) = (a0, b0, c0, d0);
        for i in 0..64 {
            let (f, g) = match i / 16 {
                0 => ((b & c) | (!b & d), i),
                1 => ((d & b) | (!d & c), (5 * i + 1) % 16),
                2 => (b ^ c ^ d, (3 * i + 5) % 16),
                _ => (c ^ (b | !d), (7 * i) % 16),
            };
            let f = f.wrapping_add(a).wrapping_add(k[i]).wrapping_add(m[g]);
            a = d;
            d = c;
            c = b;
            b = b.wrapping_add(f.rotate_left(S[i]));
        }
        a0 = a0.wrapping_add(a);
        b0 = b0.wrapping_add(b);
        c0 = c0.wrapping_add(c);
        d0 = d0.wrapping_add(d);
    }
    let mut out = [0u8; 16];
    out[..4].copy_from_slice(&a0.to_le_bytes());
    out[4..8].copy_from_slice(&b0.to_le_bytes());
    out[8..12].copy_from_slice(&c0.to_le_bytes());
    out[12..].copy_from_slice(&d0.to_le_bytes());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(d: [u8; 16]) -> String {
        d.iter().map(|x| format!("{x:02x}")).collect()
    }

    #[test]
    fn md5_matches_the_rfc_vectors() {
        assert_eq!(hex(md5(b"")), "d41d8cd98f00b204e9800998ecf8427e");
        assert_eq!(hex(md5(b"abc")), "900150983cd24fb0d6963f7d28e17f72");
        assert_eq!(hex(md5(b"Hello world")), "3e25960a79dbc69b674cd4ec67a72c62");
    }

    #[test]
    fn itertools_orders() {
        assert_eq!(
            combinations(4, 2, 100).expect("small"),
            [[0, 1], [0, 2], [0, 3], [1, 2], [1, 3], [2, 3]]
        );
        assert_eq!(permutations(3, 2, 100).expect("small").len(), 6);
        assert_eq!(permutations(3, 2, 100).expect("small")[1], [0, 2]);
    }
}
