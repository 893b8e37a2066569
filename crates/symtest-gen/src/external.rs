//! External calls in the sandbox: what the interpreter does not model is
//! computed by the module under test as CPython imports it, one sandbox job
//! per distinct recipe (the module's code is untrusted), with answers
//! cached for the exploration and a budget of jobs.

use std::cell::{OnceCell, RefCell};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use symtest_python::external::{Answer, ENTRY, External, Recipe, program, program_from_source};
use symtest_sandbox::{Call, CallResult, Pool, PyValue};

/// Makes the pool on first use (a module that needs no external call never
/// starts one), or hands out one already made.
pub type PoolMaker = Box<dyn Fn() -> Result<Arc<Pool>, String>>;

/// Settings of external calls for one exploration.
#[derive(Clone, Debug)]
pub struct ExternalOptions {
    /// The module's dotted name, as CPython imports it.
    pub module: String,
    /// The folder put first on `sys.path` (the module's import root).
    pub root: Option<String>,
    /// The module's text, when it is no file CPython can import (a
    /// dataset's reference): it runs as a fresh module's code instead.
    pub source: Option<String>,
    /// Sandbox jobs at most (distinct recipes); past it a run stops.
    pub budget: u64,
    /// CPU time of one call.
    pub call_budget: Duration,
    /// CPU time of importing the module.
    pub load_budget: Duration,
}

/// What external calls came to in one exploration.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ExternalStats {
    /// Requests of calls (and methods, attributes, items) of values in CPython.
    pub calls: u64,
    /// Requests of module globals the interpreter could not compute.
    pub values: u64,
    /// Sandbox jobs run (the rest were answered from the cache).
    pub jobs: u64,
    /// Requests refused: the budget was spent, a job failed or timed out.
    pub failed: u64,
    /// Requests by what was asked (`textwrap._whitespace_only_re.sub(...)`).
    pub by_target: BTreeMap<String, u64>,
}

/// An [`External`] that runs recipes in the sandbox.
pub struct SandboxExternal {
    options: ExternalOptions,
    make_pool: PoolMaker,
    pool: OnceCell<Result<Arc<Pool>, String>>,
    cache: RefCell<BTreeMap<String, Answer>>,
    stats: RefCell<ExternalStats>,
    load_failed: RefCell<Option<String>>,
}

impl SandboxExternal {
    /// External calls into `options.module`, with a pool made by `make_pool`
    /// when first needed.
    pub fn new(options: ExternalOptions, make_pool: PoolMaker) -> SandboxExternal {
        SandboxExternal {
            options,
            make_pool,
            pool: OnceCell::new(),
            cache: RefCell::new(BTreeMap::new()),
            stats: RefCell::new(ExternalStats::default()),
            load_failed: RefCell::new(None),
        }
    }

    /// The program of a job computing `expression` with the module loaded.
    fn job_source(&self, expression: &str) -> String {
        match &self.options.source {
            Some(text) => program_from_source(text, expression),
            None => program(
                &self.options.module,
                self.options.root.as_deref(),
                expression,
            ),
        }
    }

    /// The counts so far.
    pub fn stats(&self) -> ExternalStats {
        self.stats.borrow().clone()
    }

    fn run(&self, recipe: &Recipe) -> (String, Answer) {
        let mut values: Vec<PyValue> = Vec::new();
        let expression = recipe.to_python(&mut values);
        let key = format!(
            "{expression}\u{0}{}",
            values
                .iter()
                .map(PyValue::repr)
                .collect::<Vec<_>>()
                .join("\u{0}")
        );
        if let Some(a) = self.cache.borrow().get(&key) {
            return (key, a.clone());
        }
        if let Some(why) = &*self.load_failed.borrow() {
            return (key, Answer::Failed(why.clone()));
        }
        if self.stats.borrow().jobs >= self.options.budget {
            return (
                key,
                Answer::Failed(format!(
                    "the budget of {} external calls is spent",
                    self.options.budget
                )),
            );
        }
        let pool = match self.pool.get_or_init(|| (self.make_pool)()) {
            Ok(p) => p,
            Err(e) => return (key, Answer::Failed(format!("no sandbox: {e}"))),
        };
        self.stats.borrow_mut().jobs += 1;
        let source = self.job_source(&expression);
        let call = Call {
            args: values,
            budget: self.options.call_budget,
        };
        let answer = match pool.run_calls(&source, ENTRY, &[call], self.options.load_budget) {
            Err(e) => Answer::Failed(format!("the sandbox failed: {e}")),
            Ok(a) => match a.load {
                Err(e) => {
                    let why = format!("the module does not load in CPython ({e})");
                    *self.load_failed.borrow_mut() = Some(why.clone());
                    Answer::Failed(why)
                }
                Ok(_) => match a.results.into_iter().next() {
                    Some(r) => answer_of(r),
                    None => Answer::Failed("no answer".into()),
                },
            },
        };
        self.cache.borrow_mut().insert(key.clone(), answer.clone());
        (key, answer)
    }
}

impl SandboxExternal {
    /// Calls the module's `entry` on each argument tuple in CPython, in one
    /// sandbox job (what the interpreter's paths are checked against).
    /// `None` when CPython could not answer (no sandbox, the module does not
    /// load): nothing is compared then.
    pub fn run_entry(&self, entry: &str, calls: &[Vec<PyValue>]) -> Option<Vec<CallResult>> {
        if calls.is_empty() {
            return Some(Vec::new());
        }
        let pool = self.pool.get_or_init(|| (self.make_pool)()).as_ref().ok()?;
        let expression = format!(
            "getattr({}, {})(*_a)",
            symtest_python::external::SELF,
            PyValue::Str(entry.into()).repr()
        );
        let source = self.job_source(&expression);
        let calls: Vec<Call> = calls
            .iter()
            .map(|args| Call {
                args: args.clone(),
                budget: self.options.call_budget,
            })
            .collect();
        let answer = pool
            .run_calls(&source, ENTRY, &calls, self.options.load_budget)
            .ok()?;
        answer.load.ok()?;
        Some(answer.results)
    }
}

/// A sandbox call's result as an external answer.
fn answer_of(r: CallResult) -> Answer {
    match r {
        CallResult::Returned { value, .. } => Answer::Value(value),
        CallResult::Raised {
            type_name,
            message,
            bases,
        } => Answer::Raised {
            type_name,
            message,
            bases,
        },
        CallResult::Unsupported { type_name } => Answer::Object { type_name },
        CallResult::Timeout { budget } => Answer::Failed(format!(
            "timed out ({:.1} s of CPU time)",
            budget.as_secs_f64()
        )),
        CallResult::Crashed { why } => Answer::Failed(format!("crashed ({why})")),
    }
}

impl External for SandboxExternal {
    fn eval(&self, recipe: &Recipe) -> Answer {
        let (_, answer) = self.run(recipe);
        let mut s = self.stats.borrow_mut();
        if matches!(recipe, Recipe::Global(_)) {
            s.values += 1;
        } else {
            s.calls += 1;
        }
        if matches!(answer, Answer::Failed(_)) {
            s.failed += 1;
        }
        *s.by_target.entry(recipe.describe()).or_default() += 1;
        answer
    }
}
