//! `symtest pairs` and `symtest critic-data`.

use anyhow::{Context, Result, bail};
use serde::Serialize;
use symtest_formats::samples::read_samples;
use symtest_grade::outcomes::read_existing;
use symtest_grade::train_data::{critic_rows, join, pairs as make_pairs};

use super::common::write_atomic;
use super::grade::load_problems;
use crate::cli::{CriticArgs, GradedInputs, PairsArgs};

struct Inputs {
    problems: std::collections::BTreeMap<String, symtest_formats::dataset::Problem>,
    samples: Vec<symtest_formats::samples::Sample>,
    outcomes: Vec<symtest_grade::Outcome>,
}

fn read(i: &GradedInputs) -> Result<Inputs> {
    let problems = load_problems(&i.problems, i.format)?;
    let (samples, errors) =
        read_samples(&i.samples).with_context(|| format!("cannot read {}", i.samples.display()))?;
    if !errors.is_empty() {
        eprintln!(
            "warning: {} sample rows skipped (first: {})",
            errors.len(),
            errors[0]
        );
    }
    let existing = read_existing(&i.outcomes)
        .with_context(|| format!("cannot read {}", i.outcomes.display()))?;
    if let Some(line) = existing.bad_line {
        bail!("{}:{line} is not an outcome line", i.outcomes.display());
    }
    if existing.outcomes.is_empty() {
        bail!(
            "{} holds no outcomes: run `symtest grade` first",
            i.outcomes.display()
        );
    }
    Ok(Inputs {
        problems,
        samples,
        outcomes: existing.outcomes,
    })
}

/// Writes rows as jsonl, atomically (an interrupted run never leaves half a
/// file).
fn write_rows<T: Serialize>(path: &std::path::Path, rows: &[T]) -> Result<()> {
    let mut text = String::new();
    for r in rows {
        text.push_str(&serde_json::to_string(r)?);
        text.push('\n');
    }
    write_atomic(path, &text)
}

pub fn pairs(args: &PairsArgs) -> Result<u8> {
    let i = read(&args.inputs)?;
    let joined = join(&i.samples, &i.outcomes);
    let ps = make_pairs(
        &joined,
        &i.problems,
        args.max_per_problem,
        args.inputs.with_meta,
    );
    write_rows(&args.inputs.output, &ps)?;
    let with_pairs = {
        let mut tasks: Vec<&str> = Vec::new();
        for (t, rows) in &joined.by_task {
            let passed = rows
                .iter()
                .any(|(_, o)| o.status == symtest_grade::Status::Passed);
            let failed = rows
                .iter()
                .any(|(_, o)| o.status != symtest_grade::Status::Passed);
            if passed && failed {
                tasks.push(t);
            }
        }
        tasks.len()
    };
    println!(
        "{} pairs from {} problems with both a passing and a failing sample ({} problems graded{})",
        ps.len(),
        with_pairs,
        joined.by_task.len(),
        if joined.ungraded > 0 {
            format!("; {} samples not graded yet", joined.ungraded)
        } else {
            String::new()
        }
    );
    Ok(0)
}

pub fn critic(args: &CriticArgs) -> Result<u8> {
    let i = read(&args.inputs)?;
    let joined = join(&i.samples, &i.outcomes);
    let rows = critic_rows(&joined, &i.problems, args.inputs.with_meta);
    write_rows(&args.inputs.output, &rows)?;
    let mut counts = [0usize; 4];
    for r in &rows {
        counts[usize::from(r.label)] += 1;
    }
    println!(
        "{} rows: {} compile error (0), {} runtime error (1), {} failed (2), {} passed (3)",
        rows.len(),
        counts[0],
        counts[1],
        counts[2],
        counts[3]
    );
    Ok(0)
}
