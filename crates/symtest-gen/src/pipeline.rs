//! The phases of [`generate`], in order.

use std::time::Instant;

use symtest_python::Program;
use symtest_sandbox::{Call, Pool, PyValue};

use crate::model::{GenError, GenOptions, GenStats, Generated, Prepared, Reference, ms_since};
use crate::types;
use crate::{candidates, cpython, fidelity, select};

/// Parses the reference and types its entry's parameters (`--types`, then
/// annotations, then the types of the seed calls).
fn prepare(
    reference: &Reference,
    seeds: &[Vec<PyValue>],
    opts: &GenOptions,
) -> Result<Prepared, GenError> {
    let program = Program::parse(&reference.source).map_err(|e| GenError::Syntax(e.to_string()))?;
    program
        .function(&reference.entry)
        .map_err(|e| GenError::Entry(e.to_string()))?;
    let params = types::resolve(&program, &reference.entry, &opts.types, seeds)?;
    Ok(Prepared {
        reference: reference.clone(),
        program,
        params,
    })
}

/// Generates the suite of one reference. `seeds` are calls to start from
/// (a dataset's own tests'); they are kept in the suite as `dataset` tests.
pub fn generate(
    reference: &Reference,
    seeds: &[Vec<PyValue>],
    pool: &Pool,
    opts: &GenOptions,
) -> Result<Generated, GenError> {
    let started = Instant::now();
    let prepared = prepare(reference, seeds, opts)?;
    let types = prepared
        .params
        .iter()
        .map(|(n, t, s)| (n.clone(), t.to_string(), s.name()))
        .collect();
    let explored = candidates::explore_reference(&prepared, seeds, opts)?;
    let candidates = explored.candidates;
    let calls: Vec<Call> = candidates
        .iter()
        .map(|c| Call {
            args: c.args.clone(),
            budget: opts.call_timeout,
        })
        .collect();
    let answers = cpython::answers(&prepared, &calls, pool, opts.mutants)?;
    let fidelity = fidelity::compare(&prepared, &candidates, &answers.expected);
    let selected = select::select(
        &prepared.program,
        candidates,
        answers.expected,
        answers.probed,
        &answers.sites,
        &select::SelectOptions {
            keep_raising: opts.keep_raising,
            no_minimise: opts.no_minimise,
        },
    );
    Ok(Generated {
        reference: prepared.reference,
        tests: selected.tests,
        stats: GenStats {
            types,
            exploration: explored.stats,
            reference_ms: answers.reference_ms,
            probe_ms: answers.probe_ms,
            fidelity,
            selection: selected.stats,
            total_ms: ms_since(started),
        },
    })
}
