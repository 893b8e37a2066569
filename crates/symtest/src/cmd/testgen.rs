//! `symtest gen`: suites for every problem, in parallel, resumable.

use std::collections::{BTreeMap, HashSet};
use std::fs::{File, OpenOptions};
use std::io::{self, BufRead, BufReader, Write};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use serde_json::{Value as Json, json};
use symtest_formats::dataset::Problem;
use symtest_formats::dataset::emit::Emit;
use symtest_gen::dataset::{generate_problem, panic_error};
use symtest_gen::{ExternalCalls, GenOptions, GenSettings, Generated, pytest_file, suite_row};
use symtest_sandbox::{CheckOutcome, Pool};

use super::common::{interrupt_flag, progress, sandbox};
use super::grade::{load_problems, parallel};
use crate::cli::GenArgs;

/// Task ids already in the output, and the length of its whole valid lines.
fn existing_rows(path: &Path) -> Result<(HashSet<String>, u64)> {
    let f = match File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok((HashSet::new(), 0)),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    };
    let mut reader = BufReader::new(f);
    let (mut done, mut valid, mut n) = (HashSet::new(), 0u64, 0usize);
    let mut line = String::new();
    loop {
        line.clear();
        let read = reader
            .read_line(&mut line)
            .with_context(|| format!("cannot read {}", path.display()))?;
        if read == 0 || !line.ends_with('\n') {
            break;
        }
        n += 1;
        if line.trim().is_empty() {
            valid += read as u64;
            continue;
        }
        let row: Json = serde_json::from_str(&line)
            .ok()
            .filter(|r: &Json| r.get("tests").is_some())
            .with_context(|| {
                format!(
                    "{}:{n} is not a suite row; refusing to append to a file symtest did not write",
                    path.display()
                )
            })?;
        if let Some(id) = row.get("task_id").and_then(Json::as_str) {
            done.insert(id.to_string());
        }
        valid += read as u64;
    }
    Ok((done, valid))
}

/// One problem's suite.
struct Suite {
    task_id: String,
    /// The code completions continue (HumanEval's prompt).
    prompt: String,
    generated: Generated,
}

impl Suite {
    fn row(&self) -> Json {
        suite_row(&self.task_id, &self.prompt, &self.generated)
    }
}

/// One problem's result as the report shows it.
enum Done {
    Ok(Box<Suite>),
    Failed(String),
}

/// What a dataset's tests said of a reference that fails them, in a few words.
fn describe_check(o: &CheckOutcome) -> String {
    let at = |line: &Option<u32>| line.map(|l| format!(" at line {l}")).unwrap_or_default();
    match o {
        CheckOutcome::Passed => "passed".into(),
        CheckOutcome::Failed { line, .. } => format!("an assertion failed{}", at(line)),
        CheckOutcome::Raised {
            type_name, line, ..
        } => format!("{type_name} raised{}", at(line)),
        CheckOutcome::Unsupported { type_name, .. } => format!("it returned a {type_name}"),
        CheckOutcome::Timeout { budget } => format!("over {:.0} s", budget.as_secs_f64()),
        CheckOutcome::Crashed { why, .. } => format!("crashed: {why}"),
        CheckOutcome::TestError { message } => format!("the test code is broken: {message}"),
    }
}

/// Generates one problem's suite; a panic is reported as a bug, not lost.
fn generate_one(p: &Problem, pool: &Pool, opts: &GenOptions) -> Done {
    match catch_unwind(AssertUnwindSafe(|| generate_problem(p, pool, opts))) {
        Ok(Ok((seeded, generated))) => {
            if let Some(o) = &seeded.fails_own_tests {
                eprintln!(
                    "note: {}: the reference does not pass its own tests ({}); its calls are seeds all the same",
                    p.task_id,
                    describe_check(o)
                );
            }
            Done::Ok(Box::new(Suite {
                task_id: p.task_id.clone(),
                prompt: p.prefix.clone(),
                generated,
            }))
        }
        Ok(Err(e)) => Done::Failed(e.to_string()),
        Err(panic) => Done::Failed(panic_error(&*panic)),
    }
}

fn file_name(task_id: &str) -> String {
    let safe: String = task_id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    format!("test_{safe}.py")
}

/// The problems asked for (`--only` checked against the file).
fn problems_asked(args: &GenArgs) -> Result<BTreeMap<String, Problem>> {
    let mut problems = load_problems(&args.problems, args.format)?;
    if !args.only.is_empty() {
        for id in &args.only {
            if !problems.contains_key(id) {
                bail!(
                    "--only names '{id}', which is not in {}",
                    args.problems.display()
                );
            }
        }
        problems.retain(|id, _| args.only.contains(id));
    }
    Ok(problems)
}

/// The generation options the flags ask for.
fn gen_options(args: &GenArgs, stop: Arc<AtomicBool>) -> Result<GenOptions> {
    GenSettings {
        types: args.types.clone(),
        assume: args.assume.clone(),
        keep_raising: args.keep_raising,
        minimise: !args.no_minimise,
        timeout: args.timeout,
        max_runs: args.max_runs,
        patience: args.patience,
        patience_time: args.patience_time,
        max_boundary: args.max_boundary,
        mutants: args.mutants,
        call_timeout: args.call_timeout,
        query_timeout: args.query_timeout,
        solver: args.solver,
        max_tokens: args.max_tokens,
    }
    .options(stop)
    .map_err(|e| anyhow::anyhow!(e.as_flag()))
}

pub fn run(args: &GenArgs) -> Result<u8> {
    let problems = problems_asked(args)?;
    let stop = interrupt_flag()?;
    let mut opts = gen_options(args, stop.clone())?;
    let (done, valid) = existing_rows(&args.output)?;
    let todo: Vec<&Problem> = problems
        .values()
        .filter(|p| !done.contains(&p.task_id))
        .collect();
    if !done.is_empty() {
        eprintln!(
            "resuming: {} problems already in {}, {} to go",
            done.len(),
            args.output.display(),
            todo.len()
        );
    }
    if let Some(dir) = &args.pytest {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let file = OpenOptions::new()
        .create(true)
        .append(true)
        .open(&args.output)
        .with_context(|| format!("cannot write {}", args.output.display()))?;
    if file.metadata()?.len() > valid {
        file.set_len(valid)?;
    }
    let writer = Mutex::new(file);
    let write_error: Mutex<Option<anyhow::Error>> = Mutex::new(None);

    let started = Instant::now();
    let pool = Arc::new(sandbox(&args.sandbox)?);
    opts.external = (args.external_calls > 0).then(|| ExternalCalls {
        pool: pool.clone(),
        budget: args.external_calls,
    });
    let workers = args.parallel.unwrap_or_else(|| pool.size()).max(1);
    let bar = progress(todo.len() as u64, "generating", args.quiet);
    let results = parallel(
        &todo,
        workers,
        &stop,
        |p| generate_one(p, &pool, &opts),
        |d| {
            if let Done::Ok(suite) = d {
                // Rows are written only when whole; a problem stopped by
                // Ctrl-C mid-way is generated again on the next run.
                if !stop.load(std::sync::atomic::Ordering::Relaxed)
                    || suite.generated.stats.exploration.stop != "interrupted"
                {
                    let mut line = suite.row().to_string();
                    line.push('\n');
                    let res = writer
                        .lock()
                        .map_err(|_| anyhow::anyhow!("writer lock"))
                        .and_then(|mut f| {
                            f.write_all(line.as_bytes())?;
                            f.flush()?;
                            Ok(())
                        });
                    let res = res.and_then(|()| match &args.pytest {
                        Some(dir) => {
                            let path = dir.join(file_name(&suite.task_id));
                            std::fs::write(&path, pytest_file(&suite.task_id, &suite.generated))
                                .with_context(|| format!("cannot write {}", path.display()))
                        }
                        None => Ok(()),
                    });
                    if let Err(e) = res
                        && let Ok(mut w) = write_error.lock()
                    {
                        w.get_or_insert(e);
                    }
                }
            }
            bar.inc(1);
        },
    );
    bar.finish_and_clear();
    if let Some(e) = write_error.lock().ok().and_then(|mut w| w.take()) {
        return Err(e);
    }
    let mut report: BTreeMap<String, &Done> = BTreeMap::new();
    for (p, r) in todo.iter().zip(&results) {
        if let Some(d) = r {
            report.insert(p.task_id.clone(), d);
        }
    }
    print_table(&report);
    let interrupted = stop.load(std::sync::atomic::Ordering::Relaxed);
    let summary = totals(&report, started.elapsed());
    println!(
        "{} problems: {} generated, {} failed; {} tests ({} generated, {} from the dataset); \
         full branch coverage on {}/{}; fidelity {}/{}; {:.1} s",
        report.len(),
        summary["generated"],
        summary["failed"],
        summary["tests"],
        summary["generated_tests"],
        summary["dataset_tests"],
        summary["full_coverage"],
        summary["generated"],
        summary["fidelity_equal"],
        summary["fidelity_compared"],
        started.elapsed().as_secs_f64()
    );
    if interrupted {
        eprintln!(
            "interrupted: {} problems left; run the same command again to continue",
            todo.len() - report.len()
        );
    }
    if let Some(emit) = args.emit
        && !interrupted
    {
        emit_shape(args, emit)?;
    }
    if let Some(path) = &args.report {
        let rows: Vec<Json> = report
            .iter()
            .map(|(id, d)| match d {
                Done::Ok(suite) => {
                    let mut row = suite.row();
                    let stats = row["stats"].take();
                    let tests = suite.generated.tests.len();
                    json!({"task_id": id, "ok": true, "tests": tests, "stats": stats})
                }
                Done::Failed(e) => json!({"task_id": id, "ok": false, "error": e}),
            })
            .collect();
        let text = serde_json::to_string_pretty(&json!({"totals": summary, "problems": rows}))?;
        std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(if summary["failed"] == 0 && !interrupted {
        0
    } else {
        2
    })
}

/// Where `--emit` writes: beside the output, `STEM.SHAPE.jsonl`.
fn emit_path(output: &Path, emit: Emit) -> std::path::PathBuf {
    let name = output
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stem = name
        .strip_suffix(".jsonl")
        .or_else(|| name.strip_suffix(".json"))
        .unwrap_or(&name);
    output.with_file_name(format!("{stem}.{}.jsonl", emit.name()))
}

/// Every suite of the output (those of earlier runs too) in a dataset's shape.
fn emit_shape(args: &GenArgs, emit: Emit) -> Result<()> {
    let out = emit_path(&args.output, emit);
    let done = symtest_formats::dataset::emit::write(
        emit,
        &args.problems,
        args.format,
        &args.output,
        &out,
    )
    .with_context(|| format!("cannot write {}", out.display()))?;
    for e in &done.errors {
        eprintln!("warning: --emit {emit}: {e}");
    }
    println!(
        "{} problems written in {emit}'s shape to {}{}",
        done.rows,
        out.display(),
        if done.skipped_tests > 0 {
            format!(
                " ({} tests expecting an exception or a value JSON cannot hold left out)",
                done.skipped_tests
            )
        } else {
            String::new()
        }
    );
    Ok(())
}

fn totals(report: &BTreeMap<String, &Done>, elapsed: Duration) -> Json {
    let (mut ok, mut failed, mut tests, mut gen_tests, mut ds_tests, mut full) = (0, 0, 0, 0, 0, 0);
    let (mut fc, mut fe, mut branches, mut covered) = (0, 0, 0, 0);
    for d in report.values() {
        match d {
            Done::Ok(suite) => {
                let g = &suite.generated;
                ok += 1;
                tests += g.tests.len();
                let (k, f) = (&g.stats.selection, &g.stats.fidelity);
                gen_tests += k.generated_tests;
                ds_tests += k.dataset_tests;
                full += usize::from(g.stats.full_coverage());
                fc += f.compared;
                fe += f.equal;
                branches += k.branches;
                covered += k.covered;
            }
            Done::Failed(_) => failed += 1,
        }
    }
    json!({
        "problems": report.len(),
        "generated": ok,
        "failed": failed,
        "tests": tests,
        "generated_tests": gen_tests,
        "dataset_tests": ds_tests,
        "full_coverage": full,
        "branches": branches,
        "covered": covered,
        "fidelity_compared": fc,
        "fidelity_equal": fe,
        "seconds": (elapsed.as_secs_f64() * 10.0).round() / 10.0,
    })
}

fn print_table(report: &BTreeMap<String, &Done>) {
    println!(
        "{:<18} {:>6} {:>5} {:>5} {:>5} {:>6} {:>6} {:>9} {:>9} {:>7}",
        "problem",
        "paths",
        "unsat",
        "unkn",
        "conc",
        "tests",
        "data",
        "coverage",
        "fidelity",
        "time"
    );
    for (id, d) in report {
        match d {
            Done::Ok(suite) => {
                let s = &suite.generated.stats;
                let (e, f, k) = (&s.exploration, &s.fidelity, &s.selection);
                println!(
                    "{:<18} {:>6} {:>5} {:>5} {:>5} {:>6} {:>6} {:>4}/{:<4} {:>4}/{:<4} {:>6.2}s",
                    id,
                    e.paths,
                    e.unsat,
                    e.unknown,
                    e.concretisations,
                    k.generated_tests,
                    k.dataset_tests,
                    k.covered,
                    k.branches,
                    f.equal,
                    f.compared,
                    s.total_ms / 1000.0
                );
                if e.unsupported() {
                    println!("{:<18}   exploration stopped: {}", "", e.stop);
                }
                if !k.missed.is_empty() {
                    println!("{:<18}   not covered: {}", "", k.missed.join(", "));
                }
                for diff in &f.diffs {
                    println!("{:<18}   fidelity: {diff}", "");
                }
            }
            Done::Failed(e) => println!("{id:<18} FAILED: {e}"),
        }
    }
}
