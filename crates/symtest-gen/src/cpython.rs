//! The second phase: every candidate runs in CPython, in the sandbox, for
//! the reference's answer, and again in the reference with a probe on each
//! branch site for the branch directions it takes.

use std::time::Instant;

use symtest_explore::SiteId;
use symtest_sandbox::{Call, CallResult, Pool};

use crate::model::{GenError, LOAD_BUDGET, Prepared, ms_since};
use crate::probe::{self, Probed};

/// CPython's answers on the candidates.
pub(crate) struct Answers {
    /// The reference's result on each candidate, in order.
    pub expected: Vec<CallResult>,
    /// The branch directions each candidate took (`None` when it did not
    /// finish, or the probes' answer was unreadable).
    pub probed: Vec<Option<Probed>>,
    /// The branch sites reachable from the entry.
    pub sites: Vec<SiteId>,
    /// Milliseconds of the reference's runs.
    pub reference_ms: f64,
    /// Milliseconds of the probed runs.
    pub probe_ms: f64,
}

/// Runs the reference on `calls`, then the probed reference (with at most
/// `mutants` mutants to tell apart) on the calls that finished (inputs the reference cannot finish are dropped anyway:
/// they are not run a second time for coverage).
pub(crate) fn answers(
    prepared: &Prepared,
    calls: &[Call],
    pool: &Pool,
    mutants: usize,
) -> Result<Answers, GenError> {
    let reference = &prepared.reference;
    let phase = Instant::now();
    let expected = run_calls(pool, &reference.source, &reference.entry, calls)?;
    let reference_ms = ms_since(phase);

    let phase = Instant::now();
    let sites = prepared
        .program
        .reachable_sites(&reference.entry)
        .map_err(|e| GenError::Entry(e.to_string()))?;
    let probed_src = probe::instrumented(
        &prepared.program,
        &reference.source,
        &reference.entry,
        &sites,
        mutants,
    );
    let finished: Vec<usize> = (0..calls.len())
        .filter(|&i| {
            matches!(
                expected[i],
                CallResult::Returned { .. } | CallResult::Raised { .. }
            )
        })
        .collect();
    let probe_calls: Vec<Call> = finished.iter().map(|&i| calls[i].clone()).collect();
    let mut probed: Vec<Option<Probed>> = vec![None; calls.len()];
    for (&i, r) in finished
        .iter()
        .zip(run_calls(pool, &probed_src, probe::ENTRY, &probe_calls)?)
    {
        if let CallResult::Returned { value, .. } = r {
            probed[i] = probe::parse_hits(&value);
        }
    }
    Ok(Answers {
        expected,
        probed,
        sites,
        reference_ms,
        probe_ms: ms_since(phase),
    })
}

/// Calls `entry` of `source` on each of `calls` in the sandbox.
fn run_calls(
    pool: &Pool,
    source: &str,
    entry: &str,
    calls: &[Call],
) -> Result<Vec<CallResult>, GenError> {
    if calls.is_empty() {
        return Ok(Vec::new());
    }
    let answer = pool.run_calls(source, entry, calls, LOAD_BUDGET)?;
    answer.load.map_err(GenError::Load)?;
    Ok(answer.results)
}
