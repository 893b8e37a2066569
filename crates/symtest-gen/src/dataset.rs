//! From a dataset's problem to what [`generate`](crate::generate) takes: the
//! reference, its entry point and the calls the dataset's own tests make.

use std::time::Duration;

use symtest_formats::dataset::StdioCase;
use symtest_formats::dataset::{Problem, Tests};
use symtest_sandbox::{CheckAnswer, CheckOutcome, CheckTask, Pool, PyValue, StdioResult};

use crate::model::{GenError, GenOptions, Generated, Origin, Reference, TestCase};
use crate::pipeline::generate;
use crate::stdio::{generate_stdio, stdio_runs};

/// Time the dataset's tests get to run against the reference.
const CHECK_BUDGET: Duration = Duration::from_secs(60);

/// Time the reference gets on one of a dataset's hidden stdin tests (they
/// can be large: CodeContests' generated tests).
const HIDDEN_BUDGET: Duration = Duration::from_secs(10);

/// A problem's reference and its seed calls.
#[derive(Clone, Debug)]
pub struct Seeded {
    /// The reference solution (prompt and solution as one module).
    pub reference: Reference,
    /// The arguments of every call the dataset's tests make.
    pub seeds: Vec<Vec<PyValue>>,
    /// Set when the reference does not pass its own tests (its calls are
    /// still seeds): what the tests said.
    pub fails_own_tests: Option<CheckOutcome>,
}

/// The reference of `problem` and the calls its tests make. A test written
/// as code (HumanEval's `check`, MBPP's asserts) runs in the sandbox,
/// recording each call.
pub fn seeds_of(problem: &Problem, pool: &Pool) -> Result<Seeded, GenError> {
    let source = problem.reference.clone().ok_or(GenError::NoReference)?;
    let entry = problem.entry_point.clone().ok_or(GenError::NoEntry)?;
    let (seeds, fails_own_tests) = match &problem.tests {
        Tests::Calls { cases, .. } => (cases.iter().map(|c| c.args.clone()).collect(), None),
        Tests::Stdio { .. } => return Err(GenError::Stdio),
        Tests::Check {
            test,
            bind,
            call_check,
            harness_prompt,
        } => {
            let check = CheckTask {
                entry: entry.clone(),
                prompt: harness_prompt.clone(),
                test: test.clone(),
                bind: bind.clone(),
                call_check: *call_check,
                budget: CHECK_BUDGET,
                test_budget: CHECK_BUDGET,
                record_calls: true,
            };
            let CheckAnswer {
                load,
                outcome,
                calls,
                ..
            } = pool.run_check(&source, check)?;
            load.map_err(GenError::Load)?;
            // A reference that fails its own tests still gives its calls.
            (
                calls,
                outcome.filter(|o| !matches!(o, CheckOutcome::Passed)),
            )
        }
    };
    Ok(Seeded {
        reference: Reference {
            source,
            entry,
            stdio: false,
        },
        seeds,
        fails_own_tests,
    })
}

/// What to say for a panic caught around [`generate_problem`] (its
/// payload): a bug in symtest, with the panic's message.
pub fn panic_error(panic: &(dyn std::any::Any + Send)) -> String {
    let what = panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "a panic".into());
    format!("internal error (a bug in symtest): {what}")
}

/// Adds a dataset's hidden stdin tests to a suite, each expecting the
/// dataset's own output; the reference runs on them for its times (which
/// set the graders' time limits).
fn add_hidden(
    generated: &mut Generated,
    hidden: &[&StdioCase],
    pool: &Pool,
    opts: &GenOptions,
) -> Result<(), GenError> {
    if hidden.is_empty() {
        return Ok(());
    }
    let budget = opts.call_timeout.max(HIDDEN_BUDGET);
    let runs = stdio_runs(hidden.iter().map(|c| &c.stdin), budget);
    let results = pool.run_stdio(&generated.reference.source, &runs)?;
    for (c, r) in hidden.iter().zip(results) {
        let ref_ms = match r {
            StdioResult::Finished { ms, .. } => ms,
            StdioResult::Failed(_) => budget.as_secs_f64() * 1000.0,
        };
        generated.tests.push(TestCase {
            args: vec![PyValue::Str(c.stdin.clone())],
            expected: Some(PyValue::Str(c.expected.clone())),
            raises: None,
            origin: Origin::Dataset,
            path: None,
            ref_ms,
        });
        generated.stats.selection.dataset_tests += 1;
    }
    Ok(())
}

/// [`seeds_of`] then [`generate`]: the suite of a dataset's problem.
pub fn generate_problem(
    problem: &Problem,
    pool: &Pool,
    opts: &GenOptions,
) -> Result<(Seeded, Generated), GenError> {
    if let Tests::Stdio { cases } = &problem.tests {
        let source = problem.reference.clone().ok_or(GenError::NoReference)?;
        // Only the statement's examples are seeds; the hidden tests join
        // the suite as they are, so grading against it uses them all.
        let examples: Vec<String> = cases
            .iter()
            .filter(|c| c.example)
            .map(|c| c.stdin.clone())
            .collect();
        let reference = Reference {
            source,
            entry: String::new(),
            stdio: true,
        };
        let mut generated = generate_stdio(&reference, &examples, &problem.prompt, pool, opts)?;
        let hidden: Vec<&StdioCase> = cases.iter().filter(|c| !c.example).collect();
        add_hidden(&mut generated, &hidden, pool, opts)?;
        let seeded = Seeded {
            reference,
            seeds: examples
                .into_iter()
                .map(|e| vec![PyValue::Str(e)])
                .collect(),
            fails_own_tests: None,
        };
        return Ok((seeded, generated));
    }
    let seeded = seeds_of(problem, pool)?;
    let generated = generate(&seeded.reference, &seeded.seeds, pool, opts)?;
    Ok((seeded, generated))
}
