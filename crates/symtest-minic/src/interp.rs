//! The concolic interpreter: every value is concrete, with a symbolic shadow
//! when it depends on an input.
//!
//! Concrete arithmetic is exact (unbounded integers, exact rationals) and
//! follows C: `/` and `%` on integers truncate toward zero. The shadows are
//! built with the same semantics, so a model of a path constraint drives the
//! interpreter down that path.

use symtest_term::fxhash::FxHashMap;

use num_bigint::BigInt;
use num_traits::Zero;
use symtest_explore::prob::Dist;
use symtest_explore::{Outcome, SiteId, Subject, Tracer};
use symtest_term::{BigRational, Rounding, Sort, Term, Value, int_div, int_rem};

use crate::ast::{BinOp, Expr, ExprKind, LogicOp, Program, Stmt, UnOp};
use crate::error::Pos;

/// How programs are run.
#[derive(Clone, Debug)]
pub struct Config {
    /// Inputs are Real instead of Int.
    pub reals: bool,
    /// Iterations of one `while` loop before the path is cut.
    pub loop_bound: u32,
    /// Inputs (variables read before assignment) that are random, with
    /// their distribution: Gymbo's plain syntax has no `~`.
    pub dists: FxHashMap<String, Dist>,
    /// Inputs fixed to a value instead of left symbolic.
    pub fixed: FxHashMap<String, Value>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            reals: false,
            loop_bound: 64,
            dists: FxHashMap::default(),
            fixed: FxHashMap::default(),
        }
    }
}

/// A parsed program ready to explore.
pub struct MiniC {
    program: Program,
    config: Config,
    /// Every random input seen so far (by input name) with its distribution.
    random: FxHashMap<String, Dist>,
}

/// How one run ended, with the shadows a probabilistic reading needs.
pub struct Ending {
    pub outcome: Outcome,
    /// The returned value's term (a constant when it does not depend on inputs).
    pub returned: Option<Term>,
    /// Every variable's term when the run ended.
    pub vars: FxHashMap<String, Term>,
}

impl MiniC {
    /// A program ready to explore under `config`.
    pub fn new(program: Program, config: Config) -> MiniC {
        MiniC {
            program,
            config,
            random: FxHashMap::default(),
        }
    }

    /// The parsed program.
    pub fn program(&self) -> &Program {
        &self.program
    }

    /// The random inputs runs have drawn so far: a `~` that runs again (in a
    /// loop) draws a new one, named `x#2`, `x#3`, ...
    pub fn random_inputs(&self) -> &FxHashMap<String, Dist> {
        &self.random
    }

    /// Runs once, like [`Subject::run`], keeping the returned term and the
    /// variables' terms.
    pub fn run_traced(&mut self, tracer: &mut dyn Tracer) -> Ending {
        let mut m = Machine {
            config: &self.config,
            tracer,
            env: FxHashMap::default(),
            draws: FxHashMap::default(),
            random: &mut self.random,
        };
        let result = m.block(&self.program.stmts);
        let vars = m.env.iter().map(|(k, v)| (k.clone(), v.term())).collect();
        let (outcome, returned) = match result {
            Ok(Flow::Return(v)) => (Outcome::Returned(show(&v.conc)), Some(v.term())),
            Ok(Flow::Next) => (Outcome::Finished, None),
            Err(Halt::Error(e)) => (Outcome::Error(e), None),
            Err(Halt::Stopped(e)) => (Outcome::Stopped(e), None),
        };
        Ending {
            outcome,
            returned,
            vars,
        }
    }
}

impl Subject for MiniC {
    fn run(&mut self, tracer: &mut dyn Tracer) -> Outcome {
        self.run_traced(tracer).outcome
    }

    fn describe_site(&self, site: SiteId) -> String {
        match self.program.sites.get(site.0 as usize) {
            Some(s) => format!("{} at {}", s.kind, s.pos),
            None => format!("branch #{}", site.0),
        }
    }

    fn site_count(&self) -> Option<usize> {
        Some(self.program.sites.len())
    }
}

/// C reads truth values as 1 and 0.
fn show(v: &Value) -> String {
    match v {
        Value::Bool(b) => u8::from(*b).to_string(),
        other => other.to_string(),
    }
}

/// A value and, when it depends on an input, its shadow.
#[derive(Clone, Debug)]
struct SVal {
    conc: Value,
    sym: Option<Term>,
}

impl SVal {
    fn concrete(conc: Value) -> SVal {
        SVal { conc, sym: None }
    }

    fn term(&self) -> Term {
        self.sym
            .clone()
            .unwrap_or_else(|| Term::constant(self.conc.clone()))
    }

    fn truth(&self) -> bool {
        !self.conc.is_zero()
    }
}

enum Flow {
    Next,
    Return(SVal),
}

enum Halt {
    Error(String),
    Stopped(String),
}

struct Machine<'a> {
    config: &'a Config,
    tracer: &'a mut dyn Tracer,
    env: FxHashMap<String, SVal>,
    /// How often each `~` variable was drawn in this run.
    draws: FxHashMap<String, u32>,
    random: &'a mut FxHashMap<String, Dist>,
}

impl Machine<'_> {
    fn block(&mut self, stmts: &[Stmt]) -> Result<Flow, Halt> {
        for s in stmts {
            if let Flow::Return(v) = self.stmt(s)? {
                return Ok(Flow::Return(v));
            }
        }
        Ok(Flow::Next)
    }

    fn stmt(&mut self, s: &Stmt) -> Result<Flow, Halt> {
        match s {
            Stmt::Empty => Ok(Flow::Next),
            Stmt::Expr(e) => {
                self.expr(e)?;
                Ok(Flow::Next)
            }
            Stmt::Block(b) => self.block(b),
            Stmt::Return(e) => Ok(Flow::Return(self.expr(e)?)),
            Stmt::Sample { name, dist, pos } => {
                let n = self.draws.entry(name.clone()).or_insert(0);
                *n += 1;
                let input = if *n == 1 {
                    name.clone()
                } else {
                    format!("{name}#{n}")
                };
                let v = self.draw(&input, dist, &format!("at {pos}"))?;
                self.env.insert(name.clone(), v);
                Ok(Flow::Next)
            }
            Stmt::If {
                cond,
                then,
                other,
                site,
            } => {
                let c = self.expr(cond)?;
                if self.decide(*site, &c) {
                    self.stmt(then)
                } else if let Some(o) = other {
                    self.stmt(o)
                } else {
                    Ok(Flow::Next)
                }
            }
            Stmt::While {
                cond,
                body,
                site,
                pos,
            } => {
                let mut iterations = 0u32;
                loop {
                    let c = self.expr(cond)?;
                    if !self.decide(*site, &c) {
                        return Ok(Flow::Next);
                    }
                    if iterations == self.config.loop_bound {
                        return Err(Halt::Stopped(format!(
                            "the loop at {pos} reached the unrolling bound of {} iterations",
                            self.config.loop_bound
                        )));
                    }
                    iterations += 1;
                    if let Flow::Return(v) = self.stmt(body)? {
                        return Ok(Flow::Return(v));
                    }
                }
            }
        }
    }

    /// The truth of `c`, reported to the tracer when it has a shadow.
    fn decide(&mut self, site: SiteId, c: &SVal) -> bool {
        let taken = c.truth();
        match &c.sym {
            Some(t) => self.tracer.branch(site, &t.truthy(), taken),
            None => self.tracer.branch_concrete(site, taken),
        }
        taken
    }

    /// A random input: symbolic, restricted to the support of `dist`.
    fn draw(&mut self, input: &str, dist: &Dist, at: &str) -> Result<SVal, Halt> {
        let (conc, sym) = self.tracer.input(input, Sort::Int);
        self.random.insert(input.to_string(), dist.clone());
        let holds = matches!(&conc, Value::Int(i) if dist.contains(i));
        self.tracer
            .assume(SiteId::DOMAIN, &dist.domain(&sym), holds);
        if !holds {
            return Err(Halt::Stopped(format!(
                "{input} = {conc} {at} is outside the support of {dist}"
            )));
        }
        Ok(SVal {
            conc,
            sym: Some(sym),
        })
    }

    fn read(&mut self, name: &str) -> Result<SVal, Halt> {
        if let Some(v) = self.env.get(name) {
            return Ok(v.clone());
        }
        if let Some(v) = self.config.fixed.get(name) {
            let v = SVal::concrete(v.clone());
            self.env.insert(name.to_string(), v.clone());
            return Ok(v);
        }
        if let Some(dist) = self.config.dists.get(name) {
            let v = self.draw(name, dist, "(--dist)")?;
            self.env.insert(name.to_string(), v.clone());
            return Ok(v);
        }
        // Read before any assignment: a symbolic input.
        let sort = if self.config.reals {
            Sort::Real
        } else {
            Sort::Int
        };
        let (conc, sym) = self.tracer.input(name, sort);
        let v = SVal {
            conc,
            sym: Some(sym),
        };
        self.env.insert(name.to_string(), v.clone());
        Ok(v)
    }

    fn expr(&mut self, e: &Expr) -> Result<SVal, Halt> {
        match &e.kind {
            ExprKind::Num(v) => Ok(SVal::concrete(v.clone())),
            ExprKind::Var(name) => self.read(name),
            ExprKind::Assign(name, rhs) => {
                let v = self.expr(rhs)?;
                self.env.insert(name.clone(), v.clone());
                Ok(v)
            }
            ExprKind::Unary(op, x) => {
                let v = self.expr(x)?;
                Ok(unary(*op, &v))
            }
            ExprKind::Binary { op, lhs, rhs, site } => {
                let site = site.as_ref();
                let a = self.expr(lhs)?;
                let b = self.expr(rhs)?;
                if *op == BinOp::Rem && (a.conc.sort() == Sort::Real || b.conc.sort() == Sort::Real)
                {
                    return Err(Halt::Error(format!(
                        "'%' needs integer operands, found a real at {}",
                        e.pos
                    )));
                }
                if matches!(op, BinOp::Div | BinOp::Rem) {
                    self.check_divisor(site, &b, e.pos)?;
                }
                Ok(binary(*op, &a, &b))
            }
            ExprKind::Logic {
                op,
                lhs,
                rhs,
                site,
                pure_rhs,
            } => {
                let a = self.expr(lhs)?;
                let is_and = *op == LogicOp::And;
                if *pure_rhs {
                    // Both sides at once, one constraint (Gymbo's reading).
                    let b = self.expr(rhs)?;
                    let conc = if is_and {
                        a.truth() && b.truth()
                    } else {
                        a.truth() || b.truth()
                    };
                    let sym = (a.sym.is_some() || b.sym.is_some()).then(|| {
                        let parts = [a.term().truthy(), b.term().truthy()];
                        if is_and {
                            Term::and(parts)
                        } else {
                            Term::or(parts)
                        }
                    });
                    return Ok(SVal {
                        conc: Value::Bool(conc),
                        sym,
                    });
                }
                // The right side may assign or fail: C's short circuit is a branch.
                let Some(site) = site else {
                    unreachable!("the parser gives every impure && and || a site")
                };
                let left = self.decide(*site, &a);
                if left != is_and {
                    return Ok(SVal::concrete(Value::Bool(left)));
                }
                let b = self.expr(rhs)?;
                Ok(SVal {
                    conc: Value::Bool(b.truth()),
                    sym: b.sym.map(|t| t.truthy()),
                })
            }
        }
    }

    /// Division by zero ends the path with an error; a divisor that can be
    /// zero forks a branch toward that error.
    fn check_divisor(&mut self, site: Option<&SiteId>, b: &SVal, pos: Pos) -> Result<(), Halt> {
        let zero = b.conc.is_zero();
        match (site, &b.sym) {
            (Some(site), Some(t)) => {
                let z = Term::zero(t.sort());
                self.tracer.branch(*site, &t.numeric().equal(&z), zero);
            }
            (Some(site), None) => self.tracer.branch_concrete(*site, zero),
            // A literal divisor has no site: there is nothing to cover.
            (None, _) => {}
        }
        if zero {
            return Err(Halt::Error(format!("division by zero at {pos}")));
        }
        Ok(())
    }
}

fn unary(op: UnOp, v: &SVal) -> SVal {
    match op {
        UnOp::Plus => SVal {
            conc: numeric(&v.conc),
            sym: v.sym.as_ref().map(Term::numeric),
        },
        UnOp::Minus => SVal {
            conc: match numeric(&v.conc) {
                Value::Int(i) => Value::Int(-i),
                Value::Real(r) => Value::Real(-r),
                b => b,
            },
            sym: v.sym.as_ref().map(Term::negated),
        },
        UnOp::Not => SVal {
            conc: Value::Bool(!v.truth()),
            sym: v.sym.as_ref().map(|t| !t),
        },
    }
}

/// Truth values become 1 and 0 in arithmetic.
fn numeric(v: &Value) -> Value {
    match v {
        Value::Bool(b) => Value::Int(BigInt::from(u8::from(*b))),
        other => other.clone(),
    }
}

/// Two numbers in one sort: Int if both are, else Real.
enum Pair {
    Ints(BigInt, BigInt),
    Reals(BigRational, BigRational),
}

fn pair(a: &Value, b: &Value) -> Pair {
    match (numeric(a), numeric(b)) {
        (Value::Int(x), Value::Int(y)) => Pair::Ints(x, y),
        (x, y) => Pair::Reals(
            x.to_rational().unwrap_or_else(BigRational::zero),
            y.to_rational().unwrap_or_else(BigRational::zero),
        ),
    }
}

fn binary(op: BinOp, a: &SVal, b: &SVal) -> SVal {
    let conc = concrete_binary(op, &a.conc, &b.conc);
    let sym =
        (a.sym.is_some() || b.sym.is_some()).then(|| symbolic_binary(op, &a.term(), &b.term()));
    SVal { conc, sym }
}

/// `b` is non-zero for `/` and `%` (checked before).
fn concrete_binary(op: BinOp, a: &Value, b: &Value) -> Value {
    let p = pair(a, b);
    match (op, p) {
        (BinOp::Add, Pair::Ints(x, y)) => Value::Int(x + y),
        (BinOp::Add, Pair::Reals(x, y)) => Value::Real(x + y),
        (BinOp::Sub, Pair::Ints(x, y)) => Value::Int(x - y),
        (BinOp::Sub, Pair::Reals(x, y)) => Value::Real(x - y),
        (BinOp::Mul, Pair::Ints(x, y)) => Value::Int(x * y),
        (BinOp::Mul, Pair::Reals(x, y)) => Value::Real(x * y),
        (BinOp::Div, Pair::Ints(x, y)) => {
            Value::Int(int_div(&x, &y, Rounding::Trunc).unwrap_or_default())
        }
        (BinOp::Rem, Pair::Ints(x, y)) => {
            Value::Int(int_rem(&x, &y, Rounding::Trunc).unwrap_or_default())
        }
        (BinOp::Div, Pair::Reals(x, y)) if !y.is_zero() => Value::Real(x / y),
        (BinOp::Div | BinOp::Rem, Pair::Reals(..)) => Value::Real(BigRational::zero()),
        (BinOp::Lt, p) => Value::Bool(cmp(&p).is_lt()),
        (BinOp::Le, p) => Value::Bool(cmp(&p).is_le()),
        (BinOp::Gt, p) => Value::Bool(cmp(&p).is_gt()),
        (BinOp::Ge, p) => Value::Bool(cmp(&p).is_ge()),
        (BinOp::Eq, p) => Value::Bool(cmp(&p).is_eq()),
        (BinOp::Ne, p) => Value::Bool(cmp(&p).is_ne()),
    }
}

fn cmp(p: &Pair) -> std::cmp::Ordering {
    match p {
        Pair::Ints(x, y) => x.cmp(y),
        Pair::Reals(x, y) => x.cmp(y),
    }
}

fn symbolic_binary(op: BinOp, a: &Term, b: &Term) -> Term {
    let (a, b) = (a.numeric(), b.numeric());
    let ints = a.sort() == Sort::Int && b.sort() == Sort::Int;
    match op {
        BinOp::Add => a.plus(&b),
        BinOp::Sub => a.minus(&b),
        BinOp::Mul => a.times(&b),
        BinOp::Div if ints => a.int_div(&b, Rounding::Trunc),
        BinOp::Div => a.divided_by(&b),
        BinOp::Rem if ints => a.int_mod(&b, Rounding::Trunc),
        // Refused before evaluation (C has no `%` on doubles).
        BinOp::Rem => a.int_mod(&b, Rounding::Trunc),
        BinOp::Lt => a.less(&b),
        BinOp::Le => a.less_eq(&b),
        BinOp::Gt => a.greater(&b),
        BinOp::Ge => a.greater_eq(&b),
        BinOp::Eq => a.equal(&b),
        BinOp::Ne => a.distinct(&b),
    }
}
