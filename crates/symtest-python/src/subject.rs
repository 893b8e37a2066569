//! A Python function as the explorer's [`Subject`]: each run builds the
//! inputs from the parameter types, runs the module's top level, calls the
//! function, and reports how it ended.

use std::rc::Rc;

use symtest_explore::{Outcome, SiteId, Subject, Tracer};
use symtest_pyvalue::PyValue;
use symtest_term::{Model, Value, Var};

use crate::error::PythonError;
use crate::fxhash::FxHashMap;
use crate::inputs::{Builder, InputOptions, ModelSource, TracerSource, seed_values};
use crate::interp::{Flow, Interp, Limits, describe, repr, to_pyvalue};
use crate::ir::{Expr, FuncDef};
use crate::program::Program;
use crate::sites::Sites;
use crate::ty::Ty;
use crate::value::Val;

/// Counts over all runs of a subject.
#[derive(Clone, Debug, Default)]
pub struct SubjectStats {
    /// Runs of the function.
    pub runs: u64,
    /// Shadows dropped (operations run concretely).
    pub concretised: u64,
    /// Runs that ended on a bound or an unsupported construct.
    pub stopped: u64,
    /// Why runs stopped, with counts.
    pub stop_reasons: FxHashMap<String, u64>,
    /// What was concretised, with counts.
    pub concretised_what: FxHashMap<String, u64>,
}

/// One function of a program with typed parameters, as the explorer's
/// subject: its inputs are the parameters' values.
pub struct PySubject<'p> {
    program: &'p Program,
    func: Rc<FuncDef>,
    entry: String,
    params: Vec<(String, Ty)>,
    /// How inputs are built from the types.
    pub options: InputOptions,
    /// The bounds of each run.
    pub limits: Limits,
    preconditions: Vec<(Expr, SiteId)>,
    sites: Sites,
    /// Counts over the runs so far.
    pub stats: SubjectStats,
    /// Where what the interpreter does not model is computed (CPython), if anywhere.
    pub external: Option<Rc<dyn crate::external::External>>,
}

/// A tracer that forwards to another and counts concretisations.
pub(crate) struct Counting<'t> {
    inner: &'t mut dyn Tracer,
    pub(crate) what: Vec<String>,
}

impl<'t> Counting<'t> {
    pub(crate) fn new(inner: &'t mut dyn Tracer) -> Counting<'t> {
        Counting {
            inner,
            what: Vec::new(),
        }
    }
}

impl Tracer for Counting<'_> {
    fn input(&mut self, name: &str, sort: symtest_term::Sort) -> (Value, symtest_term::Term) {
        self.inner.input(name, sort)
    }
    fn branch(&mut self, site: SiteId, cond: &symtest_term::Term, taken: bool) {
        self.inner.branch(site, cond, taken);
    }
    fn branch_concrete(&mut self, site: SiteId, taken: bool) {
        self.inner.branch_concrete(site, taken);
    }
    fn assume(&mut self, site: SiteId, cond: &symtest_term::Term, holds: bool) {
        self.inner.assume(site, cond, holds);
    }
    fn concretised(&mut self, why: &str) {
        self.what.push(why.to_string());
        self.inner.concretised(why);
    }
}

impl<'p> PySubject<'p> {
    /// `params` gives the explored parameters in order (a prefix of the
    /// function's positional parameters; the rest keep their defaults).
    pub fn new(
        program: &'p Program,
        entry: &str,
        params: Vec<(String, Ty)>,
    ) -> Result<PySubject<'p>, PythonError> {
        let func = program.function(entry)?;
        for (i, (name, _)) in params.iter().enumerate() {
            match func.params.get(i) {
                Some(p) if *p.name == **name => {}
                _ => return Err(PythonError::UnknownParam(name.clone())),
            }
        }
        Ok(PySubject {
            program,
            func,
            entry: entry.to_string(),
            params,
            options: InputOptions::default(),
            limits: Limits::default(),
            preconditions: Vec::new(),
            sites: program.sites().clone(),
            stats: SubjectStats::default(),
            external: None,
        })
    }

    /// The explored parameters and their types, in order.
    pub fn params(&self) -> &[(String, Ty)] {
        &self.params
    }

    /// Adds a precondition: a Python expression over the parameters that
    /// generated inputs must satisfy.
    pub fn add_precondition(&mut self, text: &str) -> Result<(), PythonError> {
        let e = crate::lower::lower_expression_in(
            text,
            &self.func,
            self.program.module(),
            &mut self.sites,
        )
        .map_err(|e| PythonError::BadPrecondition {
            text: text.to_string(),
            message: e.to_string(),
        })?;
        let site = self.sites.add_internal("precondition", e.pos);
        self.preconditions.push((e, site));
        Ok(())
    }

    /// The explorer's named values for one example call (`None` when an
    /// argument does not fit its parameter's type).
    pub fn seed(&self, args: &[PyValue]) -> Option<FxHashMap<String, Value>> {
        let mut out = FxHashMap::default();
        for ((name, ty), v) in self.params.iter().zip(args) {
            if !seed_values(ty, name, v, &mut out) {
                return None;
            }
        }
        (args.len() >= self.params.len()).then_some(out)
    }

    /// The arguments a path's input stands for.
    pub fn args_of(&self, vars: &[Var], model: &Model) -> Option<Vec<PyValue>> {
        let mut src = ModelSource { vars, model };
        let mut b = Builder {
            src: &mut src,
            opts: &self.options,
        };
        self.params
            .iter()
            .map(|(name, ty)| to_pyvalue(&b.build_param(ty, name)))
            .collect()
    }

    /// The program's sites and the subject's own (its preconditions').
    pub fn sites(&self) -> &Sites {
        &self.sites
    }
}

impl Subject for PySubject<'_> {
    fn run(&mut self, tracer: &mut dyn Tracer) -> Outcome {
        self.stats.runs += 1;
        let mut counting = Counting {
            inner: tracer,
            what: Vec::new(),
        };
        let args: Vec<Val> = {
            let mut src = TracerSource {
                tracer: &mut counting,
            };
            let mut b = Builder {
                src: &mut src,
                opts: &self.options,
            };
            self.params
                .iter()
                .map(|(name, ty)| b.build_param(ty, name))
                .collect()
        };
        let module = self.program.module();
        let mut interp = Interp::new(module, &mut counting, self.limits.clone());
        interp.extra_preconditions = &self.preconditions;
        interp.set_external(self.external.clone());
        let outcome = match interp.run_module() {
            Err(e) => Outcome::Stopped(format!("the module's top level failed: {}", describe(&e))),
            Ok(()) => match interp.global(&self.entry) {
                None => Outcome::Stopped(format!("{} is not defined", self.entry)),
                Some(f) => match interp.call_entry(&f, args) {
                    Ok(v) => Outcome::Returned(repr(&v)),
                    Err(Flow::Exc(e)) => Outcome::Error(describe(&Flow::Exc(e))),
                    Err(Flow::Stop(s)) => Outcome::Stopped(s),
                },
            },
        };
        drop(interp);
        for w in counting.what {
            self.stats.concretised += 1;
            *self.stats.concretised_what.entry(w).or_default() += 1;
        }
        if let Outcome::Stopped(why) = &outcome {
            self.stats.stopped += 1;
            *self.stats.stop_reasons.entry(why.clone()).or_default() += 1;
        }
        outcome
    }

    fn describe_site(&self, site: SiteId) -> String {
        self.sites.describe(site)
    }

    fn site_count(&self) -> Option<usize> {
        Some(self.sites.user.len())
    }
}
