//! The interpreter's state and the rules every layer above shares: how a
//! run ends early ([`Flow`]), its bounds ([`Limits`]), the decisions it
//! reports to the explorer, and reading and writing names.

use std::cell::RefCell;
use std::rc::Rc;

use symtest_explore::Tracer;
use symtest_term::{Sort, Term, Value};

use crate::builtins::{self, ExcType};
use crate::int::PyInt;
use crate::ir::{Module, Name, Place};

use crate::sites::{SiteId, Sites};
use crate::value::{Env, ExcObj, Key, Val, key_of};

/// Ignores everything: for concrete runs.
pub(crate) struct Silent;

impl Tracer for Silent {
    fn input(&mut self, _name: &str, sort: Sort) -> (Value, Term) {
        (sort.default_value(), Term::constant(sort.default_value()))
    }
    fn branch(&mut self, _site: SiteId, _cond: &Term, _taken: bool) {}
    fn branch_concrete(&mut self, _site: SiteId, _taken: bool) {}
    fn assume(&mut self, _site: SiteId, _cond: &Term, _holds: bool) {}
    fn concretised(&mut self, _why: &str) {}
}

/// Why a run ended early, or how an exception travels.
#[derive(Clone, Debug)]
pub enum Flow {
    /// A Python exception, raised and caught by Python's rules.
    Exc(Rc<ExcObj>),
    /// The run ends (a bound, an unsupported construct): the reason.
    Stop(String),
}

/// The result of anything that runs Python: a value, or a [`Flow`].
pub type R<T> = Result<T, Flow>;

/// How a statement ends: normally, or by a jump its enclosing block or
/// function handles.
pub(crate) enum Ctrl {
    /// On to the next statement.
    Normal,
    /// `return`, with the value.
    Return(Val),
    /// `break`.
    Break,
    /// `continue`.
    Continue,
}

/// Bounds on one run.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Statements and loop iterations.
    pub max_steps: u64,
    /// Nested calls (CPython's default recursion limit is 1000).
    pub max_depth: u32,
    /// Elements in one list, string or range materialised.
    pub max_len: usize,
    /// Wall-clock time of one run: steps differ in cost (a loop that grows
    /// a string copies more each time), so the step bound alone is not one.
    pub max_time: std::time::Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_steps: 200_000,
            max_depth: 400,
            max_len: 1_000_000,
            max_time: std::time::Duration::from_secs(2),
        }
    }
}

/// One run of a module: its globals, the tracer decisions go to, and the
/// budget spent so far. Every file of `interp/` adds methods to it.
pub struct Interp<'a> {
    /// The lowered module being run.
    pub(crate) module: &'a Module,
    /// The module's globals, by slot (`None`: not bound yet).
    pub(crate) globals: Vec<Option<Val>>,
    /// Where decisions, assumptions and concretisations are reported.
    pub(crate) tracer: &'a mut dyn Tracer,
    /// The run's bounds.
    pub(crate) limits: Limits,
    /// Steps taken (statements, loop rounds, builtin iterations).
    steps: u64,
    /// When the run's time is up.
    deadline: std::time::Instant,
    /// Calls in progress.
    depth: u32,
    /// Exceptions being handled (for a bare `raise`).
    pub(super) handling: Vec<Rc<ExcObj>>,
    /// The next call is the entry call: its leading asserts are preconditions.
    pub(crate) entry_pending: bool,
    /// Operations run concretely on symbolic values so far.
    pub(crate) concretised: u64,
    /// Conditions the entry call's inputs must meet (besides its leading asserts).
    pub(crate) extra_preconditions: &'a [(crate::ir::Expr, SiteId)],
    /// The frame of the module's top level (no slots).
    empty_env: Rc<Env>,
    /// Standard input and output, in a whole-program run.
    pub(crate) io: Option<Box<super::io::Io>>,
    /// Where what the interpreter does not model is computed (CPython).
    pub(crate) external: Option<Rc<dyn crate::external::External>>,
    /// The values yielded so far by each generator function running.
    pub(crate) gen_buffers: Vec<Vec<Val>>,
}

impl<'a> Interp<'a> {
    /// An interpreter for `module` that reports to `tracer`; nothing runs yet.
    pub fn new(module: &'a Module, tracer: &'a mut dyn Tracer, limits: Limits) -> Interp<'a> {
        Interp {
            module,
            globals: vec![None; module.global_names.len()],
            tracer,
            deadline: std::time::Instant::now() + limits.max_time,
            limits,
            steps: 0,
            depth: 0,
            handling: Vec::new(),
            entry_pending: false,
            concretised: 0,
            extra_preconditions: &[],
            empty_env: Rc::new(Env {
                slots: RefCell::new(Vec::new()),
                parent: None,
            }),
            io: None,
            external: None,
            gen_buffers: Vec::new(),
        }
    }

    /// Computes in CPython, through `external`, what the interpreter does
    /// not model.
    pub fn set_external(&mut self, external: Option<Rc<dyn crate::external::External>>) {
        self.external = external;
    }

    /// Runs the module's top level (definitions, imports, constants). With
    /// external calls, a statement the interpreter cannot run does not stop
    /// the module: the globals it binds are CPython's (see `interp::external`).
    pub fn run_module(&mut self) -> R<()> {
        let env = self.empty_env.clone();
        if self.external.is_none() {
            return self.exec_block(&self.module.body, &env).map(|_| ());
        }
        let module = self.module;
        for s in &module.body {
            if let Err(flow) = self.exec_block(std::slice::from_ref(s), &env) {
                self.globals_from_cpython(s, flow)?;
            }
        }
        self.classes_from_cpython();
        Ok(())
    }

    /// The value of global `name`, if bound.
    pub fn global(&self, name: &str) -> Option<Val> {
        let i = self.module.global_names.iter().position(|n| &**n == name)?;
        self.globals[i].clone()
    }

    /// Calls `f` with the inputs; its leading asserts act as preconditions.
    pub fn call_entry(&mut self, f: &Val, args: Vec<Val>) -> R<Val> {
        self.entry_pending = true;
        let r = self.call(f, args, Vec::new(), None);
        self.entry_pending = false;
        r
    }

    /// The top level's frame.
    pub(crate) fn empty_env(&self) -> Rc<Env> {
        self.empty_env.clone()
    }

    /// Steps taken so far.
    pub(crate) fn steps_taken(&self) -> u64 {
        self.steps
    }

    /// Counts a step; stops the run past the step or time budget.
    pub(crate) fn step(&mut self) -> R<()> {
        self.steps += 1;
        if self.steps > self.limits.max_steps {
            return Err(Flow::Stop(format!(
                "step budget ({}) exhausted",
                self.limits.max_steps
            )));
        }
        if self.steps.is_multiple_of(256) && std::time::Instant::now() > self.deadline {
            return Err(Flow::Stop(format!(
                "time budget ({:.1} s) exhausted",
                self.limits.max_time.as_secs_f64()
            )));
        }
        Ok(())
    }

    /// Counts a call in progress; stops the run past the depth bound.
    pub(crate) fn enter(&mut self) -> R<()> {
        self.depth += 1;
        if self.depth > self.limits.max_depth {
            self.depth -= 1;
            return Err(Flow::Stop(format!(
                "recursion deeper than {} calls",
                self.limits.max_depth
            )));
        }
        Ok(())
    }

    /// A call has returned.
    pub(crate) fn leave(&mut self) {
        self.depth -= 1;
    }

    /// Reports a decision: a branch when the condition has a shadow, else
    /// (at user sites) coverage only.
    pub(crate) fn decide(&mut self, site: SiteId, cond: Option<&Term>, taken: bool) {
        match cond {
            Some(t) if !t.is_const() => self.tracer.branch(site, t, taken),
            _ => {
                if Sites::is_user(site) {
                    self.tracer.branch_concrete(site, taken);
                }
            }
        }
    }

    /// Keeps the current concrete value of `term`: later models must agree
    /// with it (an operation that cannot be modelled used it).
    pub(crate) fn pin(&mut self, site: SiteId, term: &Term, value: Value) {
        let cond = term.equal(&Term::constant(value));
        if !cond.is_const() {
            self.tracer.assume(site, &cond, true);
        }
    }

    /// Reports that an operation ran concretely on a symbolic value (`why`
    /// says which).
    pub(crate) fn concretise(&mut self, why: &str) {
        self.concretised += 1;
        self.tracer.concretised(why);
    }

    /// A name neither the module nor the interpreter's builtins bind:
    /// CPython's builtin of that name (with external calls), else `NameError`.
    fn missing_name(&mut self, name: &Name) -> R<Val> {
        if &**name == "__name__" && self.io.is_some() {
            return Ok(Val::str("__main__"));
        }
        if self.external.is_some()
            && let Some(v) = self.ext_builtin_name(name)?
        {
            return Ok(v);
        }
        Err(exc(
            ExcType::NameError,
            format!("name '{name}' is not defined"),
        ))
    }

    /// The value of a name; `NameError` / `UnboundLocalError` when unbound.
    pub(crate) fn load(&mut self, place: &Place, name: &Name, env: &Rc<Env>) -> R<Val> {
        match place {
            Place::Local(s) => env.slots.borrow()[*s as usize].clone().ok_or_else(|| {
                exc(
                    ExcType::UnboundLocalError,
                    format!("local variable '{name}' referenced before assignment"),
                )
            }),
            Place::Outer { depth, slot } => {
                let mut e = env.clone();
                for _ in 0..*depth {
                    let Some(p) = e.parent.clone() else {
                        return Err(exc(
                            ExcType::NameError,
                            format!("name '{name}' is not defined"),
                        ));
                    };
                    e = p;
                }
                let v = e.slots.borrow().get(*slot as usize).cloned().flatten();
                v.ok_or_else(|| {
                    exc(
                        ExcType::NameError,
                        format!(
                            "cannot access free variable '{name}' where it is not associated with a value in enclosing scope"
                        ),
                    )
                })
            }
            Place::Global(s) => {
                if let Some(v) = &self.globals[*s as usize] {
                    return Ok(v.clone());
                }
                match builtins::lookup(name) {
                    Some(b) => Ok(Val::Builtin(b)),
                    None => self.missing_name(name),
                }
            }
            Place::Builtin(b) => Ok(Val::Builtin(*b)),
            Place::Missing => self.missing_name(name),
        }
    }

    /// Binds a name.
    pub(crate) fn store(&mut self, place: &Place, v: Val, env: &Rc<Env>) -> R<()> {
        match place {
            Place::Local(s) => {
                env.slots.borrow_mut()[*s as usize] = Some(v);
            }
            Place::Outer { depth, slot } => {
                let mut e = env.clone();
                for _ in 0..*depth {
                    let Some(p) = e.parent.clone() else {
                        return Err(Flow::Stop("nonlocal frame missing".into()));
                    };
                    e = p;
                }
                e.slots.borrow_mut()[*slot as usize] = Some(v);
            }
            Place::Global(s) => self.globals[*s as usize] = Some(v),
            Place::Builtin(_) | Place::Missing => {
                return Err(Flow::Stop("assignment to an unresolved name".into()));
            }
        }
        Ok(())
    }

    /// `del name`; `NameError` when unbound.
    pub(crate) fn delete(&mut self, place: &Place, name: &Name, env: &Rc<Env>) -> R<()> {
        let gone = match place {
            Place::Local(s) => env.slots.borrow_mut()[*s as usize].take().is_none(),
            Place::Global(s) => self.globals[*s as usize].take().is_none(),
            _ => return Err(Flow::Stop("del of an outer name".into())),
        };
        if gone {
            return Err(exc(
                ExcType::NameError,
                format!("name '{name}' is not defined"),
            ));
        }
        Ok(())
    }
}

/// A Python exception of a builtin class with one message argument.
pub(crate) fn exc(kind: ExcType, msg: impl Into<String>) -> Flow {
    let msg: String = msg.into();
    Flow::Exc(Rc::new(ExcObj {
        kind,
        args: vec![Val::Str(Rc::from(msg.as_str()), None)],
        class: None,
    }))
}

/// Python's `TypeError` with a message.
pub(crate) fn type_error(msg: impl Into<String>) -> Flow {
    exc(ExcType::TypeError, msg)
}

/// Python's `ValueError` with a message.
pub(crate) fn value_error(msg: impl Into<String>) -> Flow {
    exc(ExcType::ValueError, msg)
}

/// Stops the run: `what` is a construct the interpreter does not model.
pub(crate) fn unsupported(what: impl std::fmt::Display) -> Flow {
    Flow::Stop(format!("unsupported: {what}"))
}

/// The term of a scalar: its shadow, or its constant.
pub(crate) fn term_of(v: &Val) -> Option<Term> {
    match v {
        Val::Bool(b, s) => Some(s.clone().unwrap_or_else(|| Term::bool(*b))),
        Val::Int(i, s) => Some(s.clone().unwrap_or_else(|| Term::int(i.to_big()))),
        Val::Float(f, s) => match s {
            Some(t) => Some(t.clone()),
            None => Value::real_from_f64(*f).map(Term::constant),
        },
        Val::Str(x, s) => Some(s.clone().unwrap_or_else(|| Term::string(x))),
        _ => None,
    }
}

/// The concrete value of an input of `sort` as an interpreter value.
pub(crate) fn val_of_value(v: &Value, shadow: Option<Term>) -> Val {
    match v {
        Value::Bool(b) => Val::Bool(*b, shadow),
        Value::Int(i) => Val::Int(PyInt::from_big(i.clone()), shadow),
        Value::Real(_) => Val::Float(v.to_f64(), shadow),
        Value::Str(s) => Val::Str(Rc::from(&**s), shadow),
    }
}

/// The key of a value, or Python's `TypeError` for unhashable ones.
pub(crate) fn hash_key(v: &Val) -> R<Key> {
    key_of(v).ok_or_else(|| type_error(format!("unhashable type: '{}'", v.type_name())))
}
