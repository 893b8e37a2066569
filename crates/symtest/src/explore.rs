//! `symtest explore`: parse, explore, return the paths (the C-like language,
//! or a Python function).

use std::rc::Rc;
use symtest_explore::{Event, Exploration, ExploreOptions, Outcome, SiteId, explore};
use symtest_sandbox::{CallResult, PyValue};

use symtest_gen::external::{ExternalOptions, ExternalStats, PoolMaker, SandboxExternal};
use symtest_gen::types::TypesError;
use symtest_minic::{Config, MiniC, ParseError, parse};
use symtest_python::{Program, PySubject, PythonError, SyntaxError, Ty};
use symtest_solve::{Solver, SolverOptions};

/// Everything one exploration of a C-like program needs.
#[derive(Clone, Debug, Default)]
pub struct MinicJob {
    /// The program text.
    pub source: String,
    /// The language's settings (reals, loop bound).
    pub config: Config,
    /// The solver and its settings.
    pub solver: SolverOptions,
    /// Strategy and budgets.
    pub explore: ExploreOptions,
}

/// What came out, with the facts a report needs about the program.
pub struct MinicResult {
    /// Paths, infeasible and undecided constraints, coverage, statistics.
    pub exploration: Exploration,
    /// The branch sites coverage counts, described.
    pub sites: Vec<(SiteId, String)>,
    /// The backend that answered (`z3`, `gd`, `portfolio`).
    pub solver_name: &'static str,
    /// Python: each path's arguments as a call's argument list.
    pub path_args: Vec<String>,
    /// Python with external calls: what they came to.
    pub external: Option<ExternalStats>,
    /// Python with external calls: the paths run again in CPython.
    pub cpython_check: Option<CpythonCheck>,
}

/// The paths' inputs run again in CPython: where its result is not the
/// interpreter's, the interpreter is wrong (a symtest bug, not the
/// program's).
#[derive(Clone, Debug, Default)]
pub struct CpythonCheck {
    /// Paths whose results were compared.
    pub compared: usize,
    /// Where they differ: the call, the interpreter's outcome, CPython's.
    pub disagreements: Vec<(String, String, String)>,
}

/// Paths checked in CPython at most.
const MAX_CHECKED: usize = 200;

/// Whether CPython's result is the interpreter's outcome (`None`: they
/// cannot be compared).
fn agrees(o: &Outcome, r: &CallResult) -> Option<(bool, String)> {
    let cpython = match r {
        CallResult::Returned { value, .. } => format!("returns {}", value.repr_capped(200)),
        CallResult::Raised {
            type_name, message, ..
        } => format!(
            "error: {type_name}: {}",
            message.chars().take(200).collect::<String>()
        ),
        _ => return None,
    };
    let same = match (o, r) {
        (Outcome::Returned(v), CallResult::Returned { value, .. }) => value.repr() == *v,
        (
            Outcome::Error(e),
            CallResult::Raised {
                type_name, bases, ..
            },
        ) => {
            let kind = e.split(':').next().unwrap_or_default();
            kind == type_name || bases.iter().any(|b| b == kind)
        }
        (Outcome::Returned(_) | Outcome::Error(_), _) => false,
        _ => return None,
    };
    Some((same, cpython))
}

/// Runs the paths' inputs in CPython and compares.
fn check_in_cpython(
    oracle: &SandboxExternal,
    entry: &str,
    exploration: &Exploration,
    subject: &PySubject<'_>,
    path_args: &[String],
) -> Option<CpythonCheck> {
    let mut chosen = Vec::new();
    for (i, p) in exploration.paths.iter().enumerate() {
        if chosen.len() >= MAX_CHECKED {
            break;
        }
        if !matches!(p.outcome, Outcome::Returned(_) | Outcome::Error(_)) {
            continue;
        }
        if let Some(args) = subject.args_of(&exploration.inputs, &p.input) {
            chosen.push((i, args));
        }
    }
    let calls: Vec<Vec<PyValue>> = chosen.iter().map(|(_, a)| a.clone()).collect();
    let results = oracle.run_entry(entry, &calls)?;
    let mut check = CpythonCheck::default();
    for ((i, _), r) in chosen.iter().zip(&results) {
        let o = &exploration.paths[*i].outcome;
        if let Some((same, cpython)) = agrees(o, r) {
            check.compared += 1;
            if !same {
                let call = path_args.get(*i).cloned().unwrap_or_default();
                check.disagreements.push((call, o.to_string(), cpython));
            }
        }
    }
    Some(check)
}

/// Parses and explores the program; a syntax error comes back as a value.
pub fn explore_minic(
    job: &MinicJob,
    on_event: &mut dyn FnMut(Event<'_>),
) -> Result<MinicResult, ParseError> {
    let program = parse(&job.source)?;
    let sites = program
        .sites
        .iter()
        .enumerate()
        .map(|(i, s)| (SiteId(i as u32), format!("{} at {}", s.kind, s.pos)))
        .collect();
    let mut subject = MiniC::new(program, job.config.clone());
    let mut solver = Solver::new(job.solver.clone());
    let exploration = explore(&mut subject, &mut solver, &job.explore, on_event);
    Ok(MinicResult {
        exploration,
        sites,
        solver_name: solver.backend_name(),
        path_args: Vec::new(),
        external: None,
        cpython_check: None,
    })
}

/// A Python function to explore: `file.py::func` with its types.
#[derive(Clone, Debug, Default)]
pub struct PythonJob {
    /// The module's text.
    pub source: String,
    /// The function explored.
    pub entry: String,
    /// Types that win over annotations.
    pub types: Vec<(String, Ty)>,
    /// Preconditions (Python expressions over the parameters).
    pub assume: Vec<String>,
    /// The solver and its settings.
    pub solver: SolverOptions,
    /// Strategy and budgets.
    pub explore: ExploreOptions,
}

/// Why a Python function could not be explored.
#[derive(Debug, thiserror::Error)]
pub enum PythonJobError {
    /// The module's top level raised or stopped: no function of it can run.
    #[error(transparent)]
    Load(PythonError),
    /// The module does not parse.
    #[error(transparent)]
    Syntax(#[from] SyntaxError),
    /// The parameters' types cannot be told or are not modelled.
    #[error(transparent)]
    Types(#[from] TypesError),
    /// What else is wrong with the program or the request: an unknown
    /// function or parameter, a precondition.
    #[error(transparent)]
    Request(PythonError),
}

/// Explores one Python function; what is wrong with the program or the
/// request comes back as an error, before any exploration.
pub fn explore_python(
    job: &PythonJob,
    on_event: &mut dyn FnMut(Event<'_>),
) -> Result<MinicResult, PythonJobError> {
    explore_python_external(job, None, on_event)
}

/// [`explore_python`] with external calls: what the interpreter does not
/// model is computed by the module in CPython, in the sandbox (`external`:
/// the settings, and how to make the pool when first needed).
pub fn explore_python_external(
    job: &PythonJob,
    external: Option<(ExternalOptions, PoolMaker)>,
    on_event: &mut dyn FnMut(Event<'_>),
) -> Result<MinicResult, PythonJobError> {
    let program = Program::parse(&job.source)?;
    let typed = symtest_gen::types::resolve(&program, &job.entry, &job.types, &[])?
        .into_iter()
        .map(|(name, ty, _)| (name, ty))
        .collect();
    let mut subject =
        PySubject::new(&program, &job.entry, typed).map_err(PythonJobError::Request)?;
    for a in &job.assume {
        subject
            .add_precondition(a)
            .map_err(PythonJobError::Request)?;
    }
    let oracle = external.map(|(o, make)| Rc::new(SandboxExternal::new(o, make)));
    subject.external = oracle
        .clone()
        .map(|o| o as Rc<dyn symtest_python::external::External>);
    program
        .check_top_level_with(subject.limits.clone(), subject.external.clone())
        .map_err(PythonJobError::Load)?;
    let mut solver = Solver::new(job.solver.clone());
    let exploration = explore(&mut subject, &mut solver, &job.explore, on_event);
    let sites = program
        .reachable_sites(&job.entry)
        .map_err(PythonJobError::Request)?
        .into_iter()
        .map(|s| (s, subject.sites().describe(s)))
        .collect();
    let path_args: Vec<String> = exploration
        .paths
        .iter()
        .map(|p| match subject.args_of(&exploration.inputs, &p.input) {
            Some(args) => {
                let parts: Vec<String> = args.iter().map(|a| a.repr()).collect();
                format!("{}({})", job.entry, parts.join(", "))
            }
            None => "(not expressible as Python values)".into(),
        })
        .collect();
    // The stats are taken first: the check's job is not an external call.
    let external = oracle.as_ref().map(|o| o.stats());
    let cpython_check = oracle
        .as_ref()
        .and_then(|o| check_in_cpython(o, &job.entry, &exploration, &subject, &path_args));
    Ok(MinicResult {
        cpython_check,
        exploration,
        sites,
        solver_name: solver.backend_name(),
        path_args,
        external,
    })
}
