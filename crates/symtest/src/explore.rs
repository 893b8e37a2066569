//! `symtest explore` for the C-like language: parse, explore, return the
//! paths.

use symtest_explore::{Event, Exploration, ExploreOptions, explore};
use symtest_minic::{Config, MiniC, ParseError, parse};
use symtest_solve::{Solver, SolverOptions};

/// Everything one exploration of a C-like program needs.
#[derive(Clone, Debug, Default)]
pub struct MinicJob {
    pub source: String,
    pub config: Config,
    pub solver: SolverOptions,
    pub explore: ExploreOptions,
}

/// What came out, with the facts a report needs about the program.
pub struct MinicResult {
    pub exploration: Exploration,
    /// `describe_site` for each branch site, by index.
    pub sites: Vec<String>,
    pub solver_name: &'static str,
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
        .map(|s| format!("{} at {}", s.kind, s.pos))
        .collect();
    let mut subject = MiniC::new(program, job.config.clone());
    let mut solver = Solver::new(job.solver.clone());
    let exploration = explore(&mut subject, &mut solver, &job.explore, on_event);
    Ok(MinicResult {
        exploration,
        sites,
        solver_name: solver.backend_name(),
    })
}
