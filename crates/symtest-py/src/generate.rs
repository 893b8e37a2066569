//! `generate`: path-covering test suites for a problem set's references,
//! the rows `symtest gen` writes.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use pyo3::prelude::*;
use pyo3::types::PyList;
use serde_json::{Value as Json, json};
use symtest_formats::dataset::Problem;
use symtest_gen::dataset::{generate_problem, panic_error};
use symtest_gen::{ExternalCalls, GenOptions, GenSettings, suite_row};
use symtest_sandbox::Pool;
use symtest_solve::SolverKind;

use crate::common::{Sandboxing, build_pool, interruptible, parallel};
use crate::convert::to_py;
use crate::errors::BindError;
use crate::problems::Problems;

/// One problem's suite row, or `{"task_id", "error"}`; a panic is reported
/// as a bug, not lost.
fn generate_one(p: &Problem, pool: &Pool, opts: &GenOptions) -> Json {
    let failed = |why: String| json!({"task_id": p.task_id, "error": why});
    match catch_unwind(AssertUnwindSafe(|| generate_problem(p, pool, opts))) {
        Ok(Ok((_, generated))) => suite_row(&p.task_id, &p.prefix, &generated),
        Ok(Err(e)) => failed(e.to_string()),
        Err(panic) => failed(panic_error(&*panic)),
    }
}

/// Generates a suite for each problem (or those in `only`), in parallel;
/// one row per problem in task-id order. A problem that could not be done
/// is `{"task_id": ..., "error": ...}`. Ctrl-C stops the work and raises.
#[pyfunction]
#[pyo3(signature = (
    problems, *, only=None, timeout=3.0, max_runs=400, patience=40, patience_time=0.5,
    max_boundary=120, mutants=64, call_timeout=0.5, query_timeout=0.5, solver="z3", keep_raising=false,
    minimise=true, types=None, assume=Vec::new(), max_tokens=None, external_calls=50, workers=None, python=None, memory_mb=2048,
    allow_weaker_isolation=false
))]
#[allow(clippy::too_many_arguments)]
pub fn generate<'py>(
    py: Python<'py>,
    problems: PyRef<'py, Problems>,
    only: Option<Vec<String>>,
    timeout: f64,
    max_runs: u64,
    patience: u64,
    patience_time: f64,
    max_boundary: usize,
    mutants: usize,
    call_timeout: f64,
    query_timeout: f64,
    solver: &str,
    keep_raising: bool,
    minimise: bool,
    types: Option<&str>,
    assume: Vec<String>,
    max_tokens: Option<u32>,
    external_calls: u64,
    workers: Option<usize>,
    python: Option<PathBuf>,
    memory_mb: u64,
    allow_weaker_isolation: bool,
) -> PyResult<Bound<'py, PyList>> {
    let stop = Arc::new(AtomicBool::new(false));
    let mut opts = GenSettings {
        types: types.map(str::to_string),
        assume,
        keep_raising,
        minimise,
        timeout,
        max_runs,
        patience,
        patience_time,
        max_boundary,
        mutants,
        call_timeout,
        query_timeout,
        solver: SolverKind::from_str(solver).map_err(BindError::Invalid)?,
        max_tokens,
    }
    .options(stop.clone())
    .map_err(|e| BindError::Invalid(e.to_string()))?;
    let mut todo: Vec<&Problem> = problems.map.values().collect();
    if let Some(only) = &only {
        if let Some(id) = only.iter().find(|id| !problems.map.contains_key(*id)) {
            return Err(BindError::UnknownTask(id.clone()).into());
        }
        todo.retain(|p| only.contains(&p.task_id));
    }
    let pool = build_pool(
        py,
        Sandboxing {
            workers,
            python,
            memory_mb,
            output_mb: 16,
            sandbox_read: Vec::new(),
            allow_weaker_isolation,
        },
    )?;
    let pool = Arc::new(pool);
    opts.external = (external_calls > 0).then(|| ExternalCalls {
        pool: pool.clone(),
        budget: external_calls,
    });
    let threads = pool.size();
    let rows = interruptible(py, &stop, || {
        parallel(&todo, threads, |p| generate_one(p, &pool, &opts))
    })?;
    let rows = rows
        .iter()
        .map(|r| to_py(py, r))
        .collect::<PyResult<Vec<_>>>()?;
    PyList::new(py, rows)
}
