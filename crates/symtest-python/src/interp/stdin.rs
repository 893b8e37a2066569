//! A whole program's standard input in a run: lines are made
//! when the program reads them (from the example being replayed, or from
//! the explorer's variables in the shape learnt so far, `crate::stdin`),
//! and the strings handed out are remembered by address, so that `split`,
//! `strip`, `int` and `float` of them give tokens whose values keep their
//! variables. What is printed is in `stdout.rs`.

use std::cell::RefCell;
use std::rc::Rc;

use num_bigint::BigInt;
use symtest_term::{Sort, Term, Value};

use super::io::{Io, LineRec, Mark, Tok};
use super::state::{Flow, Interp, R, exc, val_of_value};
use crate::builtins::ExcType;
use crate::sites::{INPUT_SITE, SiteId};
use crate::stdin::{Kind, Shape, Slot, TextClass};
use crate::value::{ListObj, Val};

/// The bounds of a number read at token `pos` of a row at `slot` (facts
/// kept at `at`): from the examples' smallest and largest there, widened to
/// the options' bound (never below zero where every example was at least
/// zero, nor below one where every example was at least one); the
/// statement's bounds on the variable it goes into win where given (within
/// the options' bound, or the examples' values where larger).
fn int_bounds(
    shape: &Shape,
    slot: Slot,
    pos: u32,
    at: (Slot, u32),
    bound: i64,
) -> (BigInt, BigInt) {
    let b = BigInt::from(bound);
    let seen_lo = shape.int_min.get(&at);
    let seen_hi = shape.int_max.get(&at);
    let mut lo = match seen_lo {
        Some(m) if *m >= BigInt::from(1) => BigInt::from(1),
        Some(m) if *m >= BigInt::from(0) => BigInt::from(0),
        Some(m) => m.clone().min(-b.clone()),
        None => -b.clone(),
    };
    let mut hi = match seen_hi {
        Some(m) => m.clone().max(b.clone()),
        None => b.clone(),
    };
    if let Some(s) = shape.stated_at(slot, pos) {
        let floor = seen_lo.map_or(-b.clone(), |m| m.clone().min(-b.clone()));
        let roof = seen_hi.map_or(b.clone(), |m| m.clone().max(b.clone()));
        let l = s.lo.clone().map_or(lo.clone(), |l| l.max(floor));
        let h = s.hi.clone().map_or(hi.clone(), |h| h.min(roof));
        if l <= h {
            (lo, hi) = (l, h);
        }
    }
    (lo, hi)
}

impl Interp<'_> {
    fn io(&mut self) -> R<&mut Io> {
        self.io.as_deref_mut().ok_or_else(|| {
            Flow::Stop("unsupported: standard input outside a whole-program run".into())
        })
    }

    /// A domain assumption on the input. Replaying an example that breaks
    /// it, nothing is assumed (the example still runs); otherwise a run
    /// whose values break it stops.
    fn assume_input(&mut self, cond: Term, holds: bool) -> R<()> {
        if holds {
            if !cond.is_const() {
                self.tracer.assume(INPUT_SITE, &cond, true);
            }
            return Ok(());
        }
        if self.io.as_ref().is_some_and(|io| io.seed.is_some()) {
            return Ok(());
        }
        Err(Flow::Stop("precondition not met".into()))
    }

    fn input_var(&mut self, name: &str, sort: Sort) -> (Value, Term) {
        self.tracer.input(name, sort)
    }

    /// A number variable within `lo..=hi`. A value outside (a variable no
    /// path has constrained yet keeps its default) is brought to the
    /// nearest bound, the same way every time the model is read.
    fn bounded_int(&mut self, name: &str, lo: &BigInt, hi: &BigInt) -> R<(BigInt, Term)> {
        let (v, t) = self.input_var(name, Sort::Int);
        let n = v.as_int().cloned().unwrap_or_default();
        let n = n.clamp(lo.clone(), hi.clone().max(lo.clone()));
        let cond = Term::and([
            t.greater_eq(&Term::int(lo.clone())),
            t.less_eq(&Term::int(hi.clone())),
        ]);
        self.assume_input(cond, true)?;
        Ok((n, t))
    }

    /// A text variable of `class`, at most `max_text` characters (a value
    /// outside is mended the same way every time: characters outside the
    /// class dropped, cut to length, padded with the class's first).
    fn text_var(&mut self, name: &str, class: TextClass) -> R<(Rc<str>, Term)> {
        let (v, t) = self.input_var(name, Sort::Str);
        let max = self.io()?.opts.max_text;
        let in_class = |c: &char| (class.lo..=class.hi).contains(&u32::from(*c));
        let mut s: String = v
            .as_str()
            .unwrap_or_default()
            .chars()
            .filter(in_class)
            .take(max as usize)
            .collect();
        let fill = char::from_u32(class.lo).unwrap_or('a');
        while s.chars().count() < class.min_len as usize {
            s.push(fill);
        }
        let cond = Term::and([
            t.str_len().less_eq(&Term::int(i64::from(max))),
            t.str_len().greater_eq(&Term::int(i64::from(class.min_len))),
            t.str_chars_in(class.lo, class.hi),
        ]);
        self.assume_input(cond, true)?;
        Ok((Rc::from(s.as_str()), t))
    }

    /// Reads the next line (`input()`: without its newline); `None` at the
    /// end of the input.
    pub(crate) fn read_line(&mut self, slot: Slot) -> R<Option<usize>> {
        let io = self.io()?;
        if io.drained {
            return Ok(None);
        }
        let i = io.lines.len();
        let seed_line = match &io.seed {
            Some(lines) => match lines.get(i) {
                Some(l) => Some(l.clone()),
                None => return Ok(None),
            },
            None => None,
        };
        let rec = match seed_line {
            Some(text) => {
                // A line the examples showed is split gets no text variable
                // (as when it is made): runs must decide alike.
                let split = self.io()?.shape.borrow().split.get(&slot) == Some(&true);
                let t = (!split).then(|| self.input_var(&format!("L{i}"), Sort::Str).1);
                let text: Rc<str> = Rc::from(text.as_str());
                LineRec {
                    slot,
                    val: Val::Str(text.clone(), t),
                    text,
                    toks: None,
                    count: None,
                    split: false,
                }
            }
            None => {
                let split = self.io()?.shape.borrow().split.get(&slot).copied();
                if split.unwrap_or(true) {
                    self.made_row(i, slot)?
                } else {
                    let class = {
                        let io = self.io()?;
                        let shape = io.shape.borrow();
                        shape
                            .text
                            .get(&(slot, u32::MAX))
                            .copied()
                            .unwrap_or(TextClass::DEFAULT)
                    };
                    let (text, t) = self.text_var(&format!("L{i}"), class)?;
                    LineRec {
                        slot,
                        val: Val::Str(text.clone(), Some(t)),
                        text,
                        toks: None,
                        count: None,
                        split: false,
                    }
                }
            }
        };
        let val = rec.val.clone();
        let io = self.io()?;
        io.lines.push(rec);
        io.mark(&val, Mark::Line(i));
        Ok(Some(i))
    }

    /// Line `i` as handed out, with its newline when `newline`.
    pub(crate) fn line_val(&mut self, i: usize, newline: bool) -> R<Val> {
        let io = self.io()?;
        let Some(rec) = io.lines.get(i) else {
            return Ok(Val::str(""));
        };
        let val = rec.val.clone();
        if !newline {
            return Ok(val);
        }
        let Val::Str(s, sh) = &val else {
            return Ok(val);
        };
        let text = format!("{s}\n");
        let shadow = sh
            .as_ref()
            .map(|t| symtest_term::concat([t.clone(), Term::string("\n")]));
        let v = Val::Str(Rc::from(text.as_str()), shadow);
        io.mark(&v, Mark::Line(i));
        Ok(v)
    }

    /// A row made from the explorer's variables: its count (tied to an
    /// earlier number, fixed, or a variable) and its tokens.
    fn made_row(&mut self, i: usize, slot: Slot) -> R<LineRec> {
        let (link, fixed, seen, max_tokens) = {
            let io = self.io()?;
            let shape = io.shape.borrow();
            let link = shape.links.get(&slot).and_then(|keys| {
                keys.iter()
                    .filter_map(|k| io.recent.get(k))
                    .max_by_key(|(line, _, _)| *line)
                    .map(|(_, v, t)| (v.clone(), t.clone()))
            });
            let seen = shape.counts.get(&slot).copied();
            let fixed = seen.filter(|(a, b)| a == b).map(|(a, _)| a);
            (link, fixed, seen, io.opts.max_tokens)
        };
        let (n, count) = if let Some((v, t)) = link {
            let cond = Term::and([
                t.greater_eq(&Term::int(0)),
                t.less_eq(&Term::int(i64::from(max_tokens))),
            ]);
            let holds = v >= BigInt::from(0) && v <= BigInt::from(max_tokens);
            self.assume_input(cond, holds)?;
            (u32::try_from(v).unwrap_or(0), Some(t))
        } else if let Some(c) = fixed {
            (c, None)
        } else {
            let lo = seen.map(|(a, _)| a.min(1)).unwrap_or(1);
            let hi = seen.map(|(_, b)| b).unwrap_or(0).max(max_tokens);
            let (v, t) =
                self.bounded_int(&format!("L{i}.n"), &BigInt::from(lo), &BigInt::from(hi))?;
            (u32::try_from(v).unwrap_or(0), Some(t))
        };
        let mut toks = Vec::with_capacity(n as usize);
        for j in 0..n {
            toks.push(self.made_token(i, slot, j)?);
        }
        let text: Vec<&str> = toks.iter().map(|t| &*t.text).collect();
        let text: Rc<str> = Rc::from(text.join(" ").as_str());
        Ok(LineRec {
            slot,
            val: Val::Str(text.clone(), None),
            text,
            toks: Some(toks),
            count,
            split: true,
        })
    }

    fn made_token(&mut self, i: usize, slot: Slot, j: u32) -> R<Tok> {
        let (kind, at, bound, class) = {
            let io = self.io()?;
            let shape = io.shape.borrow();
            let at = shape.nearest(slot, j);
            (
                shape.kind(slot, j),
                at,
                io.opts.int_bound,
                shape.text.get(&at).copied().unwrap_or(TextClass::DEFAULT),
            )
        };
        let name = format!("L{i}.{j}");
        Ok(match kind {
            Kind::Int => {
                let (lo, hi) = {
                    let io = self.io()?;
                    int_bounds(&io.shape.borrow(), slot, j, at, bound)
                };
                let (v, t) = self.bounded_int(&name, &lo, &hi)?;
                Tok {
                    text: Rc::from(v.to_string().as_str()),
                    num: Some(val_of_value(&Value::Int(v), Some(t))),
                    shadow: None,
                }
            }
            Kind::Float => {
                let (v, t) = self.input_var(&name, Sort::Real);
                let f = v.to_f64();
                let b = bound as f64;
                let cond = Term::and([
                    t.greater_eq(&Term::int(-bound).to_real()),
                    t.less_eq(&Term::int(bound).to_real()),
                ]);
                self.assume_input(cond, (-b..=b).contains(&f))?;
                let num = Val::Float(f, Some(t));
                Tok {
                    text: Rc::from(super::repr(&num).as_str()),
                    num: Some(num),
                    shadow: None,
                }
            }
            Kind::Word => {
                let (text, t) = self.text_var(&name, class)?;
                let text = self.keyword_token(j, text, &t)?;
                Tok {
                    text,
                    num: None,
                    shadow: Some(t),
                }
            }
        })
    }

    /// The tokens of line `i`, made from its text the first time (replaying
    /// an example, the count and every token are variables seeded with it;
    /// a line made as text gives plain tokens).
    fn row(&mut self, i: usize) -> R<Vec<Tok>> {
        let (slot, text, toks, replay) = {
            let io = self.io()?;
            let Some(rec) = io.lines.get_mut(i) else {
                return Ok(Vec::new());
            };
            rec.split = true;
            (
                rec.slot,
                rec.text.clone(),
                rec.toks.clone(),
                io.seed.is_some(),
            )
        };
        if let Some(t) = toks {
            return Ok(t);
        }
        let words: Vec<&str> = text.split_whitespace().collect();
        let mut toks = Vec::with_capacity(words.len());
        let mut count = None;
        if replay {
            let n = u32::try_from(words.len()).unwrap_or(u32::MAX);
            let io = self.io()?;
            let equal: Vec<(Slot, u32)> = io
                .recent
                .iter()
                .filter(|(_, (_, v, _))| *v == BigInt::from(n))
                .map(|(k, _)| *k)
                .collect();
            let mut shape = io.shape.borrow_mut();
            shape.saw_count(slot, n, equal);
            for (j, w) in words.iter().enumerate() {
                shape.saw_token(slot, j as u32, w);
            }
            // The count is the earlier number it equals in every example so
            // far (as later runs make it), else the example's constant.
            let link = shape.links.get(&slot).and_then(|keys| {
                keys.iter()
                    .filter_map(|k| io.recent.get(k))
                    .max_by_key(|(line, _, _)| *line)
                    .map(|(_, _, t)| t.clone())
            });
            drop(shape);
            if let Some(t) = link {
                let max = io.opts.max_tokens;
                let cond = Term::and([
                    t.greater_eq(&Term::int(0)),
                    t.less_eq(&Term::int(i64::from(max))),
                ]);
                self.assume_input(cond, n <= max)?;
                count = Some(t);
            } else {
                // Rows of this place had other lengths in the examples: the
                // count is a variable, as when a run makes the row, so a
                // token read past a short row's end is a decision there.
                let io = self.io()?;
                let seen = io.shape.borrow().counts.get(&slot).copied();
                let max_tokens = io.opts.max_tokens;
                if let Some((a, b)) = seen.filter(|(a, b)| a != b) {
                    let (lo, hi) = (a.min(1), b.max(max_tokens));
                    let (_, t) = self.input_var(&format!("L{i}.n"), Sort::Int);
                    let cond = Term::and([
                        t.greater_eq(&Term::int(i64::from(lo))),
                        t.less_eq(&Term::int(i64::from(hi))),
                    ]);
                    self.assume_input(cond, (lo..=hi).contains(&n))?;
                    count = Some(t);
                }
            }
        } else {
            self.concretise("split of a line made as text");
        }
        for (j, w) in words.iter().enumerate() {
            let text: Rc<str> = Rc::from(*w);
            let tok = if !replay {
                Tok {
                    text,
                    num: None,
                    shadow: None,
                }
            } else {
                let name = format!("L{i}.{j}");
                match Kind::of_text(w) {
                    Kind::Int => {
                        let (_, t) = self.input_var(&name, Sort::Int);
                        let v: BigInt = w.parse().unwrap_or_default();
                        let (lo, hi) = {
                            let io = self.io()?;
                            let shape = io.shape.borrow();
                            int_bounds(&shape, slot, j as u32, (slot, j as u32), io.opts.int_bound)
                        };
                        let cond = Term::and([
                            t.greater_eq(&Term::int(lo.clone())),
                            t.less_eq(&Term::int(hi.clone())),
                        ]);
                        self.assume_input(cond, v >= lo && v <= hi)?;
                        Tok {
                            text,
                            num: Some(val_of_value(&Value::Int(v), Some(t))),
                            shadow: None,
                        }
                    }
                    Kind::Float => {
                        let (_, t) = self.input_var(&name, Sort::Real);
                        let f: f64 = w.parse().unwrap_or_default();
                        Tok {
                            text,
                            num: Some(Val::Float(f, Some(t))),
                            shadow: None,
                        }
                    }
                    Kind::Word => {
                        let (_, t) = self.input_var(&name, Sort::Str);
                        let text = self.keyword_token(j as u32, text, &t)?;
                        Tok {
                            text,
                            num: None,
                            shadow: Some(t),
                        }
                    }
                }
            };
            toks.push(tok);
        }
        let io = self.io()?;
        if let Some(rec) = io.lines.get_mut(i) {
            rec.toks = Some(toks.clone());
            rec.count = count;
        }
        Ok(toks)
    }

    fn tok_vals(&mut self, i: usize, toks: &[Tok]) -> R<Vec<Val>> {
        let io = self.io()?;
        Ok(toks
            .iter()
            .enumerate()
            .map(|(j, t)| {
                let v = Val::Str(t.text.clone(), t.shadow.clone());
                io.mark(&v, Mark::Tok(i, j));
                v
            })
            .collect())
    }

    /// `s.split()` of a string read from standard input: its tokens, the
    /// list's length their count's term. `None`: not such a string.
    pub(crate) fn stdin_split(&mut self, s: &Val) -> R<Option<Val>> {
        let Some(m) = self.io.as_ref().and_then(|io| io.mark_of(s)) else {
            return Ok(None);
        };
        let (items, len) = match m {
            Mark::Tok(..) => (vec![s.clone()], None),
            Mark::Line(i) => {
                let toks = self.row(i)?;
                let items = self.tok_vals(i, &toks)?;
                let len = self.io()?.lines.get(i).and_then(|r| r.count.clone());
                (items, len)
            }
            Mark::Block(a, b) => {
                let mut items = Vec::new();
                let mut lens = Vec::new();
                let mut symbolic = false;
                for i in a..b {
                    let toks = self.row(i)?;
                    let n = toks.len();
                    items.extend(self.tok_vals(i, &toks)?);
                    match self.io()?.lines.get(i).and_then(|r| r.count.clone()) {
                        Some(t) => {
                            symbolic = true;
                            lens.push(t);
                        }
                        None => lens.push(Term::int(n as i64)),
                    }
                }
                (items, symbolic.then(|| symtest_term::sum(lens)))
            }
        };
        Ok(Some(Val::List(Rc::new(RefCell::new(ListObj {
            items,
            len,
            deque: false,
        })))))
    }

    /// `s.splitlines()` of what a read to the end gave: its lines, each
    /// still known, the list's length the count's term.
    pub(crate) fn stdin_splitlines(&mut self, s: &Val) -> R<Option<Val>> {
        let Some(Mark::Block(a, b)) = self.io.as_ref().and_then(|io| io.mark_of(s)) else {
            return Ok(None);
        };
        let items = (a..b)
            .map(|i| self.line_val(i, false))
            .collect::<R<Vec<Val>>>()?;
        let len = self.io()?.rest_terms.get(&a).cloned();
        Ok(Some(Val::List(Rc::new(RefCell::new(ListObj {
            items,
            len,
            deque: false,
        })))))
    }

    /// `s.strip()` (and its one-sided forms, without characters or with
    /// only white space) of a string read from standard input: the same
    /// line without its newline, still known.
    pub(crate) fn stdin_strip(&mut self, s: &Val, stripped: &str) -> R<Option<Val>> {
        let Some(m) = self.io.as_ref().and_then(|io| io.mark_of(s)) else {
            return Ok(None);
        };
        if let Val::Str(text, _) = s
            && &**text == stripped
        {
            return Ok(Some(s.clone()));
        }
        let v = match m {
            Mark::Line(i) => {
                let bare = self.line_val(i, false)?;
                match &bare {
                    Val::Str(t, _) if &**t == stripped => bare,
                    _ => Val::str(stripped),
                }
            }
            _ => Val::str(stripped),
        };
        self.io()?.mark(&v, m);
        Ok(Some(v))
    }

    /// The number a token (or a line of one token) read from standard
    /// input stands for, when `int()`/`float()` read it: its variable.
    pub(crate) fn stdin_number(&mut self, s: &Val, float: bool) -> R<Option<Val>> {
        let Some(m) = self.io.as_ref().and_then(|io| io.mark_of(s)) else {
            return Ok(None);
        };
        let (i, j) = match m {
            Mark::Tok(i, j) => (i, j),
            Mark::Line(i) => {
                let toks = self.row(i)?;
                let count = self.io()?.lines.get(i).and_then(|r| r.count.clone());
                if let Some(t) = count {
                    self.assume_input(t.equal(&Term::int(1)), toks.len() == 1)?;
                }
                if toks.len() != 1 {
                    return Ok(None);
                }
                (i, 0)
            }
            Mark::Block(..) => return Ok(None),
        };
        let (slot, tok) = {
            let io = self.io()?;
            let Some(rec) = io.lines.get(i) else {
                return Ok(None);
            };
            let Some(tok) = rec.toks.as_ref().and_then(|t| t.get(j)).cloned() else {
                return Ok(None);
            };
            (rec.slot, tok)
        };
        let Some(num) = tok.num else {
            return Ok(None);
        };
        let pos = u32::try_from(j).unwrap_or(u32::MAX);
        match &num {
            Val::Int(v, Some(t)) if !float => {
                let io = self.io()?;
                io.recent.insert((slot, pos), (i, v.to_big(), t.clone()));
                if io.seed.is_none() {
                    io.shape
                        .borrow_mut()
                        .kinds
                        .entry((slot, pos))
                        .or_insert(Kind::Int);
                }
                Ok(Some(num))
            }
            Val::Int(..) if !float => Ok(Some(num)),
            Val::Int(..) => Ok(Some(self.float_val(&num)?)),
            Val::Float(..) if float => Ok(Some(num)),
            _ => Ok(None),
        }
    }

    /// Reads every line left (`sys.stdin.read()`, `readlines()`, iteration
    /// over `sys.stdin`): the range of lines, and the count's term.
    pub(crate) fn read_rest(&mut self, site: SiteId) -> R<(usize, usize, Option<Term>)> {
        let (start, replay, seen, max_lines, drained) = {
            let io = self.io()?;
            let seen = io.shape.borrow().rest.get(&site).copied();
            (
                io.lines.len(),
                io.seed.as_ref().map(|s| s.len()),
                seen,
                io.opts.max_lines,
                io.drained,
            )
        };
        if drained {
            return Ok((start, start, None));
        }
        let (n, term) = match replay {
            Some(total) => {
                let n = total.saturating_sub(start);
                let (_, t) = self.input_var(&format!("L{start}.rest"), Sort::Int);
                let io = self.io()?;
                io.shape
                    .borrow_mut()
                    .saw_rest(site, u32::try_from(n).unwrap_or(u32::MAX));
                (n, Some(t))
            }
            // Always a variable (as when replaying): how many lines a
            // program reads to the end is the input's size.
            None => {
                let lo = seen.map(|(a, _)| a.min(1)).unwrap_or(1);
                let hi = seen.map(|(_, b)| b).unwrap_or(0).max(max_lines);
                let (v, t) = self.bounded_int(
                    &format!("L{start}.rest"),
                    &BigInt::from(lo),
                    &BigInt::from(hi),
                )?;
                (usize::try_from(v).unwrap_or(0), Some(t))
            }
        };
        for k in 0..n {
            let slot = (site, u32::try_from(k).unwrap_or(u32::MAX));
            if self.read_line(slot)?.is_none() {
                break;
            }
        }
        let io = self.io()?;
        io.drained = true;
        if let Some(t) = &term {
            io.rest_terms.insert(start, t.clone());
        }
        Ok((start, io.lines.len(), term))
    }

    /// `sys.stdin.read()`: every line left as one text.
    pub(crate) fn read_all(&mut self, site: SiteId) -> R<Val> {
        let (a, b, _) = self.read_rest(site)?;
        let io = self.io()?;
        let mut text = String::new();
        for l in &io.lines[a..b] {
            text.push_str(&l.text);
            text.push('\n');
        }
        let v = Val::str(&text);
        io.mark(&v, Mark::Block(a, b));
        Ok(v)
    }

    /// `sys.stdin.readlines()` (and iteration over `sys.stdin`): every line
    /// left, each with its newline; the list's length is the count's term.
    pub(crate) fn read_lines(&mut self, site: SiteId) -> R<Val> {
        let (a, b, term) = self.read_rest(site)?;
        let items = (a..b)
            .map(|i| self.line_val(i, true))
            .collect::<R<Vec<Val>>>()?;
        Ok(Val::List(Rc::new(RefCell::new(ListObj {
            items,
            len: term,
            deque: false,
        }))))
    }

    /// `input()`: the next line without its newline; `EOFError` past the end.
    pub(crate) fn input_line(&mut self, site: SiteId) -> R<Val> {
        match self.read_line((site, 0))? {
            Some(i) => self.line_val(i, false),
            None => Err(exc(ExcType::EOFError, "EOF when reading a line")),
        }
    }

    /// `sys.stdin.readline()`: the next line with its newline; `""` past the end.
    pub(crate) fn readline(&mut self, site: SiteId) -> R<Val> {
        match self.read_line((site, 0))? {
            Some(i) => self.line_val(i, true),
            None => Ok(Val::str("")),
        }
    }

    /// Keeps word token `j` (variable `t`, value `text`) to the position's
    /// keywords when it has some: the value mended to the first keyword
    /// when it is none of them, the same way every time.
    fn keyword_token(&mut self, j: u32, text: Rc<str>, t: &Term) -> R<Rc<str>> {
        let words = {
            let io = self.io()?;
            io.shape.borrow().keywords(j)
        };
        let Some(words) = words else {
            return Ok(text);
        };
        let cond = Term::or(words.iter().map(|w| t.equal(&Term::string(w))));
        let holds = words.iter().any(|w| **w == *text);
        self.assume_input(cond, holds)?;
        Ok(if holds {
            text
        } else {
            Rc::from(words[0].as_str())
        })
    }
}
