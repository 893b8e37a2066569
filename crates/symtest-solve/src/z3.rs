//! The exact backend: Z3, used incrementally.
//!
//! Consecutive queries from a depth-first exploration share long prefixes, so
//! the backend keeps Z3's assertion stack in step with the query: one scope
//! per constraint, popping only what differs from the previous query.

use std::ffi::CStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use num_bigint::BigInt;
use symtest_term::fxhash::FxHashMap;
use symtest_term::{
    BigRational, Model, Op, Rounding, Sort, Term, Value, Var, lower, postorder, vars_of,
};
use z3::ast::{Ast, Bool, Int, Real, Regexp, String as ZString};
use z3::{Params, SatResult};

use crate::answer::{Answer, Backend, Query};

#[derive(Clone)]
enum Z {
    B(Bool),
    I(Int),
    R(Real),
    S(ZString),
}

/// How often the watcher of an interruptible call looks at the flag.
const WATCH_EVERY: Duration = Duration::from_millis(20);

/// Drops translation caches past this many entries; they only save work.
const CACHE_LIMIT: usize = 200_000;

/// The Z3 backend: keeps one Z3 solver whose assertion stack follows the
/// queries, and caches the translation of every term it has seen.
pub struct Z3Backend {
    solver: z3::Solver,
    /// Ids of the constraints currently asserted, one Z3 scope each.
    stack: Vec<u64>,
    asts: FxHashMap<u64, Z>,
    /// Keeps every translated term alive so its id cannot be reused while cached.
    pinned: Vec<Term>,
    /// The timeout the solver's parameters hold; `None` when none were
    /// set since the solver was made or reset.
    timeout: Option<Option<Duration>>,
    /// Set from elsewhere (Ctrl-C): a call in progress is interrupted.
    interrupt: Option<Arc<AtomicBool>>,
    watcher: Option<Watcher>,
}

/// The thread-local Z3 context, to interrupt from another thread.
struct RawContext(z3_sys::Z3_context);

// SAFETY: only `Z3_interrupt` is called through it, which Z3 documents as
// safe to call from another thread; the watcher is joined (on drop of the
// backend) before the context could go.
unsafe impl Send for RawContext {}

/// A thread that interrupts Z3 as soon as the interrupt flag is set: Z3 can
/// spend minutes in one call (`push` internalises assertions outside the
/// timeout), and an interrupted exploration should stop within a second.
struct Watcher {
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Watcher {
    fn start(flag: Arc<AtomicBool>) -> Watcher {
        let ctx = RawContext(z3::Context::thread_local().get_z3_context());
        let stop = Arc::new(AtomicBool::new(false));
        let done = Arc::clone(&stop);
        let thread = std::thread::spawn(move || {
            let ctx = ctx;
            while !done.load(Ordering::Relaxed) {
                if flag.load(Ordering::Relaxed) {
                    // SAFETY: see `RawContext`.
                    unsafe { z3_sys::Z3_interrupt(ctx.0) };
                    return;
                }
                std::thread::sleep(WATCH_EVERY);
            }
        });
        Watcher {
            stop,
            thread: Some(thread),
        }
    }
}

impl Drop for Watcher {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Default for Z3Backend {
    fn default() -> Self {
        Z3Backend::new()
    }
}

impl Z3Backend {
    /// A backend with an empty assertion stack and no time limit set yet.
    pub fn new() -> Z3Backend {
        Z3Backend {
            solver: z3::Solver::new(),
            stack: Vec::new(),
            asts: FxHashMap::default(),
            pinned: Vec::new(),
            timeout: None,
            interrupt: None,
            watcher: None,
        }
    }

    /// Runs `f` (Z3 calls); when the interrupt flag was set meanwhile (the
    /// watcher interrupted Z3, see [`Watcher`]) the solver's stack is
    /// unknown, so it is reset and the answer is `Unknown`.
    fn interruptible(&mut self, f: impl FnOnce(&mut Self) -> Answer) -> Answer {
        let Some(flag) = self.interrupt.clone() else {
            return f(self);
        };
        if flag.load(Ordering::Relaxed) {
            return Answer::Unknown("interrupted".into());
        }
        let answer = f(self);
        if flag.load(Ordering::Relaxed) {
            self.solver.reset();
            self.stack.clear();
            self.timeout = None;
            return Answer::Unknown("interrupted".into());
        }
        answer
    }

    fn set_timeout(&mut self, timeout: Option<Duration>) {
        if self.timeout == Some(timeout) {
            return;
        }
        let mut p = Params::new();
        let ms = timeout.map_or(u32::MAX, |d| {
            u32::try_from(d.as_millis().max(1)).unwrap_or(u32::MAX)
        });
        p.set_u32("timeout", ms);
        // Z3 otherwise takes SIGINT for itself during a check (it cancels
        // the check and the process never hears of it): Ctrl-C is ours, and
        // reaches Z3 through the interrupt flag's watcher.
        p.set_bool("ctrl_c", false);
        self.solver.set_params(&p);
        self.timeout = Some(timeout);
    }

    fn translate(&mut self, t: &Term) -> Z {
        if let Some(z) = self.asts.get(&t.id()) {
            return z.clone();
        }
        if self.asts.len() > CACHE_LIMIT {
            self.asts.clear();
            self.pinned.clear();
        }
        let lowered = lower(t);
        for node in postorder(std::slice::from_ref(&lowered)) {
            if self.asts.contains_key(&node.id()) {
                continue;
            }
            let z = self.node(&node);
            self.asts.insert(node.id(), z);
            self.pinned.push(node);
        }
        let z = self
            .asts
            .get(&lowered.id())
            .cloned()
            .unwrap_or_else(|| Z::B(Bool::from_bool(true)));
        self.asts.insert(t.id(), z.clone());
        self.pinned.push(t.clone());
        z
    }

    fn child(&self, t: &Term) -> Z {
        // Post-order guarantees children are translated first.
        match self.asts.get(&t.id()) {
            Some(z) => z.clone(),
            None => unreachable!("child translated before parent"),
        }
    }

    fn node(&self, t: &Term) -> Z {
        let args: Vec<Z> = t.args().iter().map(|a| self.child(a)).collect();
        let bools = || args.iter().map(as_bool).collect::<Vec<_>>();
        match t.op() {
            Op::Const(Value::Bool(b)) => Z::B(Bool::from_bool(*b)),
            Op::Const(Value::Int(i)) => Z::I(int_numeral(i)),
            Op::Const(Value::Real(r)) => Z::R(real_numeral(r)),
            Op::Const(Value::Str(s)) => Z::S(string_literal(s)),
            Op::Var(v) => var_const(v),
            Op::Not => Z::B(as_bool(&args[0]).not()),
            Op::And => Z::B(Bool::and(&bools())),
            Op::Or => Z::B(Bool::or(&bools())),
            Op::Ite => {
                let c = as_bool(&args[0]);
                match (&args[1], &args[2]) {
                    (Z::B(a), Z::B(b)) => Z::B(c.ite(a, b)),
                    (Z::I(a), Z::I(b)) => Z::I(c.ite(a, b)),
                    (Z::S(a), Z::S(b)) => Z::S(c.ite(a, b)),
                    (a, b) => Z::R(c.ite(&as_real(a), &as_real(b))),
                }
            }
            Op::Eq => Z::B(match (&args[0], &args[1]) {
                (Z::B(a), Z::B(b)) => a.iff(b),
                (Z::I(a), Z::I(b)) => a.eq(b),
                (Z::S(a), Z::S(b)) => a.eq(b),
                (Z::S(_), _) | (_, Z::S(_)) => Bool::from_bool(false),
                (a, b) => as_real(a).eq(as_real(b)),
            }),
            Op::Lt | Op::Le => {
                let le = *t.op() == Op::Le;
                Z::B(match (&args[0], &args[1]) {
                    (Z::I(a), Z::I(b)) if le => a.le(b),
                    (Z::I(a), Z::I(b)) => a.lt(b),
                    (a, b) if le => as_real(a).le(as_real(b)),
                    (a, b) => as_real(a).lt(as_real(b)),
                })
            }
            Op::Add | Op::Sub | Op::Mul => {
                let is = |z: &Z| matches!(z, Z::I(_));
                if t.sort() == Sort::Int && args.iter().all(is) {
                    let xs: Vec<Int> = args.iter().map(as_int).collect();
                    Z::I(match t.op() {
                        Op::Add => Int::add(&xs),
                        Op::Sub => Int::sub(&xs),
                        _ => Int::mul(&xs),
                    })
                } else {
                    let xs: Vec<Real> = args.iter().map(as_real).collect();
                    Z::R(match t.op() {
                        Op::Add => Real::add(&xs),
                        Op::Sub => Real::sub(&xs),
                        _ => Real::mul(&xs),
                    })
                }
            }
            Op::Neg => match &args[0] {
                Z::I(a) => Z::I(a.unary_minus()),
                a => Z::R(as_real(a).unary_minus()),
            },
            Op::Div => Z::R(as_real(&args[0]).div(as_real(&args[1]))),
            Op::IntDiv(Rounding::Euclid) => Z::I(as_int(&args[0]).div(as_int(&args[1]))),
            Op::IntMod(Rounding::Euclid) => Z::I(as_int(&args[0]).modulo(as_int(&args[1]))),
            Op::IntDiv(_) | Op::IntMod(_) => unreachable!("division is lowered before translation"),
            Op::ToReal => Z::R(as_real(&args[0])),
            Op::ToInt => Z::I(as_real(&args[0]).to_int()),
            Op::StrLen => Z::I(as_str(&args[0]).length()),
            Op::StrAt => Z::S(as_str(&args[0]).at(as_int(&args[1]))),
            Op::StrConcat => {
                let xs: Vec<ZString> = args.iter().map(as_str).collect();
                Z::S(ZString::concat(&xs))
            }
            Op::StrSubstr => Z::S(as_str(&args[0]).substr(as_int(&args[1]), as_int(&args[2]))),
            Op::StrContains => Z::B(as_str(&args[0]).contains(as_str(&args[1]))),
            Op::StrPrefixOf => Z::B(as_str(&args[0]).prefix(as_str(&args[1]))),
            Op::StrSuffixOf => Z::B(as_str(&args[0]).suffix(as_str(&args[1]))),
            Op::StrLt => Z::B(as_str(&args[0]).str_lt(as_str(&args[1]))),
            Op::StrLe => Z::B(as_str(&args[0]).str_le(as_str(&args[1]))),
            // SAFETY (these five): each constructor takes the sorts given
            // (strings, ints) and returns the sort wrapped; every AST here is
            // of this thread's context.
            Op::StrIndexOf => Z::I(unsafe {
                raw3(
                    z3_sys::Z3_mk_seq_index,
                    &as_str(&args[0]),
                    &as_str(&args[1]),
                    &as_int(&args[2]),
                )
            }),
            Op::StrToInt => Z::I(unsafe { raw1(z3_sys::Z3_mk_str_to_int, &as_str(&args[0])) }),
            Op::IntToStr => Z::S(unsafe { raw1(z3_sys::Z3_mk_int_to_str, &as_int(&args[0])) }),
            Op::StrToCode => Z::I(unsafe { raw1(z3_sys::Z3_mk_string_to_code, &as_str(&args[0])) }),
            Op::StrFromCode => {
                Z::S(unsafe { raw1(z3_sys::Z3_mk_string_from_code, &as_int(&args[0])) })
            }
            Op::StrCharsIn(lo, hi) => {
                let ch = |c: u32| char::from_u32(c).unwrap_or(' ');
                let class = Regexp::range(&ch(*lo), &ch(*hi)).star();
                Z::B(as_str(&args[0]).regex_matches(&class))
            }
        }
    }

    fn sync_stack(&mut self, constraints: &[Term]) {
        let common = self
            .stack
            .iter()
            .zip(constraints)
            .take_while(|(id, c)| **id == c.id())
            .count();
        if self.stack.len() > common {
            let n = u32::try_from(self.stack.len() - common).unwrap_or(u32::MAX);
            self.solver.pop(n);
            self.stack.truncate(common);
        }
        for c in &constraints[common..] {
            let z = self.translate(c);
            self.solver.push();
            self.solver.assert(as_bool(&z));
            self.stack.push(c.id());
        }
    }

    fn read_model(&self, constraints: &[Term]) -> Result<Model, String> {
        let z3_model = self
            .solver
            .get_model()
            .ok_or_else(|| "z3 answered sat without a model".to_string())?;
        let mut model = Model::new();
        for v in vars_of(constraints) {
            let value = match var_const(&v) {
                Z::B(b) => z3_model
                    .eval(&b, true)
                    .and_then(|x| x.as_bool())
                    .map(Value::Bool),
                Z::I(i) => z3_model
                    .eval(&i, true)
                    .and_then(|x| numeral(&x))
                    .and_then(|s| s.parse::<BigInt>().ok())
                    .map(Value::Int),
                Z::R(r) => z3_model
                    .eval(&r, true)
                    .and_then(|x| numeral(&x))
                    .and_then(|s| parse_rational(&s))
                    .map(Value::Real),
                Z::S(s) => z3_model
                    .eval(&s, true)
                    .and_then(|x| string_value(&x))
                    .map(|s| Value::str(&s)),
            };
            let value = value.ok_or_else(|| {
                format!(
                    "z3's value for {} is not a rational number (an algebraic number)",
                    v.name
                )
            })?;
            model.insert(&v, value);
        }
        Ok(model)
    }
}

impl Backend for Z3Backend {
    fn name(&self) -> &'static str {
        "z3"
    }

    fn solve(&mut self, query: &Query<'_>) -> Answer {
        self.set_timeout(query.timeout);
        if vars_of(query.constraints)
            .iter()
            .any(|v| v.sort == Sort::Str)
        {
            // Z3 internalises pending assertions on `push`, outside the
            // timeout: its string theory can spend minutes there. Strings
            // are solved from scratch, where `check` bounds the time.
            if !self.stack.is_empty() {
                self.solver.reset();
                self.stack.clear();
            }
            // A reset may drop parameters: set the timeout again.
            self.timeout = None;
            self.set_timeout(query.timeout.or(Some(Duration::from_secs(3600))));
            let answer = self.interruptible(|z| {
                for c in query.constraints {
                    let t = z.translate(c);
                    z.solver.assert(as_bool(&t));
                }
                z.check_now(query.constraints)
            });
            self.solver.reset();
            self.timeout = None;
            return answer;
        }
        self.interruptible(|z| {
            z.sync_stack(query.constraints);
            z.check_now(query.constraints)
        })
    }

    fn set_interrupt(&mut self, flag: Option<Arc<AtomicBool>>) {
        self.watcher = None;
        self.watcher = flag.clone().map(Watcher::start);
        self.interrupt = flag;
    }
}

impl Z3Backend {
    fn check_now(&mut self, constraints: &[Term]) -> Answer {
        match self.solver.check() {
            SatResult::Sat => match self.read_model(constraints) {
                Ok(m) => Answer::Sat(m),
                Err(why) => Answer::Unknown(why),
            },
            SatResult::Unsat => Answer::Unsat,
            SatResult::Unknown => Answer::Unknown(format!(
                "z3: {}",
                self.solver
                    .get_reason_unknown()
                    .unwrap_or_else(|| "unknown".into())
            )),
        }
    }
}

/// Runs `f` with a Z3 context of its own on this thread, made for it and
/// dropped after it. Z3's answers depend on what its context saw before
/// (its internal term numbering): an exploration run in a fresh context
/// gives the same paths whatever ran on this thread before it. Z3 objects
/// must not leave `f` (the solvers built in it are dropped in it).
pub fn fresh_context<R>(f: impl FnOnce() -> R) -> R {
    /// `z3::with_z3_config` wants `Send + Sync` to keep Z3 objects of one
    /// context out of another; the closure runs on this thread, there and
    /// then, and returns no Z3 object.
    struct OnThisThread<T>(T);
    // SAFETY: the wrapped values never cross a thread: `with_z3_config`
    // calls the closure on the calling thread before it returns.
    unsafe impl<T> Send for OnThisThread<T> {}
    // SAFETY: as above; no reference to them is shared with another thread.
    unsafe impl<T> Sync for OnThisThread<T> {}
    let job = OnThisThread(f);
    let out = z3::with_z3_config(&z3::Config::new(), move || {
        let job = job;
        OnThisThread((job.0)())
    });
    out.0
}

fn var_const(v: &Var) -> Z {
    let name = format!("var_{}", v.index);
    match v.sort {
        Sort::Bool => Z::B(Bool::new_const(name)),
        Sort::Int => Z::I(Int::new_const(name)),
        Sort::Real => Z::R(Real::new_const(name)),
        Sort::Str => Z::S(ZString::new_const(name)),
    }
}

/// A string literal from its code points: `Z3_mk_string` would read
/// backslashes in the text as escapes.
fn string_literal(s: &str) -> ZString {
    let ctx = z3::Context::thread_local();
    let codes: Vec<u32> = s.chars().map(|c| c as u32).collect();
    let len = u32::try_from(codes.len()).unwrap_or(u32::MAX);
    // SAFETY: `codes` outlives the call; Z3 copies it. The result is a valid
    // string AST of this context, which `wrap` takes a reference to.
    unsafe {
        match z3_sys::Z3_mk_u32string(ctx.get_z3_context(), len, codes.as_ptr()) {
            Some(ast) => ZString::wrap(&ctx, ast),
            None => unreachable!("Z3_mk_u32string accepts any code points"),
        }
    }
}

/// The code points of a string value in a model.
fn string_value(s: &ZString) -> Option<std::string::String> {
    let ctx = s.get_ctx().get_z3_context();
    // SAFETY: the AST is a live string value of this context; the buffer is
    // sized from Z3's own length.
    unsafe {
        if !z3_sys::Z3_is_string(ctx, s.get_z3_ast()) {
            return None;
        }
        let n = z3_sys::Z3_get_string_length(ctx, s.get_z3_ast());
        let mut codes = vec![0u32; n as usize];
        z3_sys::Z3_get_string_contents(ctx, s.get_z3_ast(), n, codes.as_mut_ptr());
        Some(
            codes
                .into_iter()
                .map(|c| char::from_u32(c).unwrap_or('\u{fffd}'))
                .collect(),
        )
    }
}

type RawMk1 = unsafe extern "C" fn(z3_sys::Z3_context, z3_sys::Z3_ast) -> Option<z3_sys::Z3_ast>;
type RawMk3 = unsafe extern "C" fn(
    z3_sys::Z3_context,
    z3_sys::Z3_ast,
    z3_sys::Z3_ast,
    z3_sys::Z3_ast,
) -> Option<z3_sys::Z3_ast>;

/// One of the string functions the `z3` crate has no method for.
///
/// # Safety
///
/// `mk` must be a Z3 constructor taking one AST of `a`'s sort and returning
/// an AST of `R`'s sort; `a` must belong to this thread's context.
unsafe fn raw1<A: Ast, R: Ast>(mk: RawMk1, a: &A) -> R {
    let ctx = z3::Context::thread_local();
    // SAFETY: the caller's contract: `a` is a live AST of this context, of
    // the sort `mk` expects, and `mk` builds an AST of `R`'s sort.
    unsafe {
        match mk(ctx.get_z3_context(), a.get_z3_ast()) {
            Some(ast) => R::wrap(&ctx, ast),
            None => unreachable!("Z3 built the string term"),
        }
    }
}

/// As [`raw1`], with three arguments.
///
/// # Safety
///
/// `mk` must be a Z3 constructor taking ASTs of the sorts of `a`, `b` and
/// `c` and returning an AST of `R`'s sort; all three must belong to this
/// thread's context.
unsafe fn raw3<A: Ast, B: Ast, C: Ast, R: Ast>(mk: RawMk3, a: &A, b: &B, c: &C) -> R {
    let ctx = z3::Context::thread_local();
    // SAFETY: the caller's contract: live ASTs of this context, of the sorts
    // `mk` expects, and `mk` builds an AST of `R`'s sort.
    unsafe {
        match mk(
            ctx.get_z3_context(),
            a.get_z3_ast(),
            b.get_z3_ast(),
            c.get_z3_ast(),
        ) {
            Some(ast) => R::wrap(&ctx, ast),
            None => unreachable!("Z3 built the string term"),
        }
    }
}

fn as_str(z: &Z) -> ZString {
    match z {
        Z::S(s) => s.clone(),
        // Sorts are checked when terms are built.
        _ => unreachable!("a string operation on a non-string"),
    }
}

fn int_numeral(i: &BigInt) -> Int {
    i.to_string()
        .parse::<Int>()
        .unwrap_or_else(|_| unreachable!("a decimal integer is a z3 numeral"))
}

fn real_numeral(r: &BigRational) -> Real {
    match Real::from_rational_str(&r.numer().to_string(), &r.denom().to_string()) {
        Some(x) => x,
        None => unreachable!("a reduced fraction is a z3 numeral"),
    }
}

fn as_bool(z: &Z) -> Bool {
    match z {
        Z::B(b) => b.clone(),
        Z::S(s) => s.length().eq(Int::from_i64(0)).not(),
        // Sorts are checked when terms are built; a number read as a truth value is non-zero.
        Z::I(i) => i.eq(Int::from_i64(0)).not(),
        Z::R(r) => r.eq(Real::from_rational(0, 1)).not(),
    }
}

fn as_int(z: &Z) -> Int {
    match z {
        Z::I(i) => i.clone(),
        Z::S(_) => unreachable!("a string where a number belongs"),
        Z::R(r) => r.to_int(),
        Z::B(b) => b.ite(&Int::from_i64(1), &Int::from_i64(0)),
    }
}

fn as_real(z: &Z) -> Real {
    match z {
        Z::R(r) => r.clone(),
        Z::S(_) => unreachable!("a string where a number belongs"),
        Z::I(i) => i.to_real(),
        Z::B(b) => b.ite(&Real::from_rational(1, 1), &Real::from_rational(0, 1)),
    }
}

/// The decimal or `n/d` text of a numeral AST; `None` for anything else
/// (algebraic numbers, unevaluated terms).
fn numeral<A: Ast>(a: &A) -> Option<String> {
    let ctx = a.get_ctx().get_z3_context();
    // SAFETY: `ctx` and the AST come from the same live context; the string Z3
    // returns stays valid until the next API call, and is copied before that.
    unsafe {
        if !z3_sys::Z3_is_numeral_ast(ctx, a.get_z3_ast()) {
            return None;
        }
        let p = z3_sys::Z3_get_numeral_string(ctx, a.get_z3_ast());
        if p.is_null() {
            return None;
        }
        CStr::from_ptr(p).to_str().ok().map(str::to_owned)
    }
}

fn parse_rational(s: &str) -> Option<BigRational> {
    match s.split_once('/') {
        Some((n, d)) => {
            let d: BigInt = d.trim().parse().ok()?;
            if d == BigInt::from(0) {
                return None;
            }
            Some(BigRational::new(n.trim().parse().ok()?, d))
        }
        None => Some(BigRational::from_integer(s.trim().parse().ok()?)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(constraints: &[Term]) -> Answer {
        let hint = Model::new();
        Z3Backend::new().solve(&Query {
            constraints,
            hint: &hint,
            timeout: None,
        })
    }

    #[test]
    fn solves_a_nonlinear_system() {
        let a = Term::var(Var::new(0, "a", Sort::Int));
        let b = Term::var(Var::new(1, "b", Sort::Int));
        let cs = [
            a.times(&b).equal(&Term::int(12)),
            a.plus(&b).equal(&Term::int(7)),
        ];
        let Answer::Sat(m) = q(&cs) else {
            panic!("expected sat")
        };
        assert!(symtest_term::satisfies(&m, &cs));
    }

    #[test]
    fn proves_unsat() {
        let a = Term::var(Var::new(0, "a", Sort::Int));
        let cs = [a.less(&Term::int(3)), Term::int(4).less(&a)];
        assert_eq!(q(&cs), Answer::Unsat);
    }

    #[test]
    fn reads_rational_models() {
        let x = Term::var(Var::new(0, "x", Sort::Real));
        let cs = [x.times(&Term::int(4)).equal(&Term::int(1))];
        let Answer::Sat(m) = q(&cs) else {
            panic!("expected sat")
        };
        assert_eq!(m.get_index(0), Value::ratio(1, 4).as_ref());
    }

    #[test]
    fn c_division_semantics_survive_translation() {
        // -7 / 2 == -3 in C; Euclid would say -4.
        let a = Term::var(Var::new(0, "a", Sort::Int));
        let cs = [
            a.equal(&Term::int(-7)),
            a.int_div(&Term::int(2), Rounding::Trunc)
                .equal(&Term::int(-3)),
            a.int_mod(&Term::int(2), Rounding::Trunc)
                .equal(&Term::int(-1)),
        ];
        assert!(q(&cs).is_sat());
    }

    #[test]
    fn solves_string_constraints_exactly() {
        let s = Term::var(Var::new(0, "s", Sort::Str));
        let cs = [
            s.str_len().equal(&Term::int(4)),
            s.str_at(&Term::int(0)).equal(&Term::string("(")),
            s.str_contains(&Term::string("\\x")),
            s.str_index_of(&Term::string("q"), &Term::int(0))
                .equal(&Term::int(-1)),
            s.str_at(&Term::int(3))
                .str_to_code()
                .greater(&Term::int(200)),
        ];
        let Answer::Sat(m) = q(&cs) else {
            panic!("expected sat")
        };
        assert!(symtest_term::satisfies(&m, &cs), "{m:?}");
        let v = m.get_index(0).and_then(Value::as_str).unwrap().to_string();
        assert!(v.starts_with('(') && v.contains("\\x"), "{v:?}");
        let digits = [
            s.str_to_int().equal(&Term::int(42)),
            s.str_len().equal(&Term::int(3)),
        ];
        let Answer::Sat(m) = q(&digits) else {
            panic!("expected sat")
        };
        assert_eq!(m.get_index(0).and_then(Value::as_str), Some("042"));
        let n = Term::var(Var::new(1, "n", Sort::Int));
        let unsat = [n.int_to_str().equal(&Term::string("-5"))];
        assert_eq!(q(&unsat), Answer::Unsat);
    }

    #[test]
    fn keeps_characters_in_a_range() {
        let s = Term::var(Var::new(0, "s", Sort::Str));
        let cs = [
            s.str_chars_in(32, 126),
            s.str_len().equal(&Term::int(3)),
            s.str_at(&Term::int(1)).str_to_code().less(&Term::int(40)),
        ];
        let Answer::Sat(m) = q(&cs) else {
            panic!("expected sat")
        };
        assert!(symtest_term::satisfies(&m, &cs), "{m:?}");
        let v = m.get_index(0).and_then(Value::as_str).unwrap().to_string();
        assert!(v.chars().all(|c| (' '..='~').contains(&c)), "{v:?}");
        let unsat = [
            s.str_chars_in(32, 126),
            s.str_contains(&Term::string("\u{7f}")),
        ];
        assert_eq!(q(&unsat), Answer::Unsat);
    }

    #[test]
    fn chooses_between_strings() {
        let s = Term::var(Var::new(0, "s", Sort::Str));
        let n = Term::var(Var::new(1, "n", Sort::Int));
        let pick = Term::ite(&n.less(&Term::int(0)), &Term::string("neg"), &s);
        let cs = [pick.equal(&Term::string("ab")), n.equal(&Term::int(5))];
        let Answer::Sat(m) = q(&cs) else {
            panic!("expected sat")
        };
        assert!(symtest_term::satisfies(&m, &cs), "{m:?}");
    }

    #[test]
    fn incremental_stack_follows_queries() {
        let a = Term::var(Var::new(0, "a", Sort::Int));
        let c1 = a.less(&Term::int(3));
        let c2 = Term::int(4).less(&a);
        let c3 = a.greater(&Term::int(0));
        let mut z = Z3Backend::new();
        let hint = Model::new();
        let mut ask = |cs: &[Term]| {
            z.solve(&Query {
                constraints: cs,
                hint: &hint,
                timeout: None,
            })
        };
        assert!(ask(&[c1.clone(), c3.clone()]).is_sat());
        assert!(ask(&[c1.clone(), c2.clone()]).is_unsat());
        assert!(ask(std::slice::from_ref(&c2)).is_sat());
        assert!(ask(&[c1, c3]).is_sat());
    }
}
