//! `explore`: every path of a C-like program or a Python function, as the
//! JSON `symtest explore --json` prints.

use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use pyo3::prelude::*;
use symtest::explore::{MinicJob, PythonJob, explore_minic, explore_python};
use symtest::report::{self, ReportOptions};
use symtest_explore::{Event, ExploreOptions, Strategy};
use symtest_minic::Config;
use symtest_solve::{SolverKind, SolverOptions};

use crate::common::{interruptible, seconds};
use crate::errors::BindError;

/// Explores `program`: Gymbo's C-like language, or, with `function`, that
/// function of a Python module. Returns the report `symtest explore --json`
/// prints (paths with their inputs, infeasible and undecided constraints,
/// coverage, statistics). Ctrl-C stops the search and raises.
#[pyfunction]
#[pyo3(signature = (
    program, function=None, *, solver="z3", strategy="dfs", reals=false, loop_bound=64,
    max_depth=256, max_runs=None, max_sat=None, max_unsat=None, patience=None, timeout=None,
    query_timeout=10.0, seed=42, prefixes=false, names=false, types=None, assume=Vec::new()
))]
#[allow(clippy::too_many_arguments)]
pub fn explore<'py>(
    py: Python<'py>,
    program: String,
    function: Option<String>,
    solver: &str,
    strategy: &str,
    reals: bool,
    loop_bound: u32,
    max_depth: u32,
    max_runs: Option<u64>,
    max_sat: Option<u64>,
    max_unsat: Option<u64>,
    patience: Option<u64>,
    timeout: Option<f64>,
    query_timeout: f64,
    seed: u64,
    prefixes: bool,
    names: bool,
    types: Option<&str>,
    assume: Vec<String>,
) -> PyResult<Bound<'py, PyAny>> {
    let stop = Arc::new(AtomicBool::new(false));
    let solver_opts = SolverOptions {
        kind: SolverKind::from_str(solver).map_err(BindError::Invalid)?,
        query_timeout: Some(seconds(query_timeout, "query_timeout")?),
        ..SolverOptions::default()
    };
    let explore_opts = ExploreOptions {
        strategy: Strategy::from_str(strategy).map_err(BindError::Invalid)?,
        max_depth,
        max_runs,
        patience,
        patience_time: None,
        max_sat,
        max_unsat,
        timeout: timeout.map(|t| seconds(t, "timeout")).transpose()?,
        shallow_first: false,
        first_decisions: None,
        seed,
        collect_prefixes: prefixes,
        interrupt: Some(stop.clone()),
        seeds: Vec::new(),
    };
    if function.is_none() && (types.is_some() || !assume.is_empty()) {
        return Err(BindError::Invalid("types and assume are for Python functions".into()).into());
    }
    let types = match types {
        Some(t) => symtest_gen::parse_overrides(t)
            .map_err(|e| BindError::Invalid(format!("types: {e}")))?,
        None => Vec::new(),
    };
    let strategy_name = strategy.to_string();
    let text = interruptible(py, &stop, move || -> Result<String, BindError> {
        let mut quiet = |_: Event<'_>| {};
        let result = match function {
            Some(entry) => explore_python(
                &PythonJob {
                    source: program,
                    entry,
                    types,
                    assume,
                    solver: solver_opts,
                    explore: explore_opts,
                },
                &mut quiet,
            )
            .map_err(|e| BindError::Explore(e.to_string()))?,
            None => explore_minic(
                &MinicJob {
                    source: program.clone(),
                    config: Config {
                        reals,
                        loop_bound,
                        ..Config::default()
                    },
                    solver: solver_opts,
                    explore: explore_opts,
                },
                &mut quiet,
            )
            .map_err(|e| BindError::Explore(e.render(&program, "<program>")))?,
        };
        let opts = ReportOptions {
            names,
            prefixes,
            quiet: false,
            summary: false,
            solver: result.solver_name.to_string(),
            strategy: strategy_name,
            path_args: result.path_args.clone(),
            full_constraints: false,
            external: result.external.clone(),
            cpython_check: result.cpython_check.clone(),
        };
        report::json(&result.exploration, &result.sites, &opts)
            .map_err(|e| BindError::Explore(format!("the report as JSON: {e}")))
    })??;
    py.import("json")?.getattr("loads")?.call1((text,))
}
