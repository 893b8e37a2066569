//! A parsed Python program and what callers ask of it before exploring:
//! its functions, their annotated types, the branch sites a function can
//! reach, and concrete runs.

use std::rc::Rc;

use symtest_explore::SiteId;
use symtest_pyvalue::PyValue;

use crate::error::{PythonError, SyntaxError};
use crate::fxhash::FxHashSet;
use crate::interp::{
    Flow, Interp, Limits, Silent, describe, exception_message, from_pyvalue, to_pyvalue,
};
use crate::ir::{Def, FuncDef, Module, Place, Stmt};
use crate::lower::{Lowered, lower_source};
use crate::sites::Sites;
use crate::ty::Ty;

/// A Python module, parsed and lowered once, to explore or run.
pub struct Program {
    source: String,
    lowered: Lowered,
}

/// How a concrete run ended.
#[derive(Clone, Debug, PartialEq)]
pub enum RunResult {
    /// The function returned this plain value.
    Returned(PyValue),
    /// A value that is not plain data (a function, an iterator): its repr.
    ReturnedOther(String),
    /// An exception the run did not catch.
    Raised(PyException),
    /// A bound or an unsupported construct.
    Stopped(String),
}

/// A Python exception as CPython reports an uncaught one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PyException {
    /// The exception's class (`ValueError`).
    pub type_name: String,
    /// What `str()` of the exception gives; empty when it was raised without one.
    pub message: String,
}

impl std::fmt::Display for PyException {
    /// `ValueError: message`, or the class alone when there is no message
    /// (the last line of CPython's traceback).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.message.is_empty() {
            f.write_str(&self.type_name)
        } else {
            write!(f, "{}: {}", self.type_name, self.message)
        }
    }
}

impl Program {
    /// Parses and lowers `source` (nothing runs yet).
    pub fn parse(source: &str) -> Result<Program, SyntaxError> {
        Ok(Program {
            source: source.to_string(),
            lowered: lower_source(source)?,
        })
    }

    /// The source text it was parsed from.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The lowered module.
    pub(crate) fn module(&self) -> &Module {
        &self.lowered.module
    }

    /// The program's decision points.
    pub fn sites(&self) -> &Sites {
        &self.lowered.sites
    }

    /// The functions the top level defines, in order, those in its `if`
    /// and `try` blocks too (a definition that depends on the Python
    /// version or on an import).
    fn top_level_defs(&self) -> Vec<(&str, &Rc<FuncDef>)> {
        fn walk<'m>(m: &'m Module, s: &'m Stmt, out: &mut Vec<(&'m str, &'m Rc<FuncDef>)>) {
            match s {
                Stmt::Def(Def {
                    func,
                    target: Place::Global(slot),
                    ..
                }) => out.push((&*m.global_names[*slot as usize], func)),
                Stmt::If { .. } | Stmt::Try { .. } => s.nested().for_each(|b| walk(m, b, out)),
                _ => {}
            }
        }
        let m = &self.lowered.module;
        let mut out = Vec::new();
        m.body.iter().for_each(|s| walk(m, s, &mut out));
        out
    }

    /// The names of the top-level functions.
    pub fn function_names(&self) -> Vec<String> {
        self.top_level_defs()
            .into_iter()
            .map(|(n, _)| n.to_string())
            .collect()
    }

    /// The last top-level definition of `name`.
    pub fn function(&self, name: &str) -> Result<Rc<FuncDef>, PythonError> {
        self.top_level_defs()
            .into_iter()
            .rev()
            .find(|(n, _)| *n == name)
            .map(|(_, f)| f.clone())
            .ok_or_else(|| PythonError::NoSuchFunction {
                name: name.to_string(),
                available: self.function_names(),
            })
    }

    /// Parameters with the types their annotations give (`None`: not
    /// annotated, or not a type symtest models), and whether each has a default.
    pub fn annotated_params(
        &self,
        entry: &str,
    ) -> Result<Vec<(String, Option<Ty>, bool)>, PythonError> {
        let f = self.function(entry)?;
        Ok(f.params
            .iter()
            .map(|p| {
                (
                    p.name.to_string(),
                    p.annotation.as_deref().and_then(|a| Ty::parse(a).ok()),
                    p.has_default,
                )
            })
            .collect())
    }

    /// The user branch sites inside `entry` and the top-level functions it
    /// can reach by name (what its branch coverage counts).
    pub fn reachable_sites(&self, entry: &str) -> Result<Vec<SiteId>, PythonError> {
        let defs = self.top_level_defs();
        let root = self.function(entry)?;
        let mut spans: Vec<(u32, u32)> = Vec::new();
        let mut seen: FxHashSet<*const FuncDef> = FxHashSet::default();
        let mut stack = vec![root];
        let names = &self.lowered.module.global_names;
        while let Some(f) = stack.pop() {
            if !seen.insert(Rc::as_ptr(&f)) {
                continue;
            }
            spans.push(f.span);
            let mut reads: Vec<u32> = f.reads_globals.clone();
            // Nested functions' reads count for their parent too.
            for g in &self.lowered.module.functions {
                if g.span.0 > f.span.0 && g.span.1 <= f.span.1 {
                    reads.extend(g.reads_globals.iter().copied());
                }
            }
            for slot in reads {
                let name = &*names[slot as usize];
                for (n, g) in &defs {
                    if *n == name {
                        stack.push((*g).clone());
                    }
                }
            }
        }
        Ok(self
            .lowered
            .sites
            .user
            .iter()
            .enumerate()
            .filter(|(_, s)| {
                spans
                    .iter()
                    .any(|(a, b)| s.pos.offset >= *a && s.pos.offset < *b)
            })
            .map(|(i, _)| SiteId(i as u32))
            .collect())
    }

    /// Runs the module's top level once, as every run does before calling
    /// its function: an error when it raises or stops (an unsupported
    /// import or call), since then no function of the module can run.
    pub fn check_top_level(&self, limits: Limits) -> Result<(), PythonError> {
        self.check_top_level_with(limits, None)
    }

    /// [`Program::check_top_level`] with external calls: what the
    /// interpreter cannot run at the top level is computed by `external`.
    pub fn check_top_level_with(
        &self,
        limits: Limits,
        external: Option<Rc<dyn crate::external::External>>,
    ) -> Result<(), PythonError> {
        let mut silent = Silent;
        let mut interp = Interp::new(self.module(), &mut silent, limits);
        interp.set_external(external);
        interp
            .run_module()
            .map_err(|e| PythonError::ModuleFailed(describe(&e)))
    }

    /// Runs `entry(*args)` concretely.
    pub fn run(&self, entry: &str, args: &[PyValue], limits: Limits) -> RunResult {
        let mut silent = Silent;
        let mut interp = Interp::new(self.module(), &mut silent, limits);
        if let Err(e) = interp.run_module() {
            return RunResult::Stopped(format!("the module's top level failed: {}", describe(&e)));
        }
        let Some(f) = interp.global(entry) else {
            return RunResult::Stopped(format!("{entry} is not defined"));
        };
        let args = args.iter().map(from_pyvalue).collect();
        match interp.call(&f, args, Vec::new(), None) {
            Ok(v) => match to_pyvalue(&v) {
                Some(p) => RunResult::Returned(p),
                None => RunResult::ReturnedOther(crate::interp::repr(&v)),
            },
            Err(Flow::Exc(e)) => RunResult::Raised(PyException {
                type_name: e.name().to_string(),
                message: exception_message(&e),
            }),
            Err(Flow::Stop(s)) => RunResult::Stopped(s),
        }
    }
}
