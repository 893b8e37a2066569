//! `symtest grade`: every sample through the sandbox, one outcome line each,
//! and a summary.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use symtest_formats::dataset::{self, Problem, RowError};
use symtest_formats::samples::{Sample, read_samples};
use symtest_grade::outcomes::{Existing, Writer, done_digests, latest, read_existing};
use symtest_grade::summary::{Summary, summarize};
use symtest_grade::{
    GradeError, GradeOptions, GradeSettings, Grader, Outcome, Status, graded_digest,
};

use super::common::{interrupt_flag, progress, sandbox};
use super::lines::{describe, say, say_raw};
use crate::cli::{GradeArgs, JudgeArgs};

fn warn_rows(what: &str, errors: &[RowError]) {
    if errors.is_empty() {
        return;
    }
    eprintln!("warning: {} {what} skipped:", errors.len());
    for e in errors.iter().take(10) {
        eprintln!("  {e}");
    }
    if errors.len() > 10 {
        eprintln!("  ... and {} more", errors.len() - 10);
    }
}

pub fn grade_options(j: &JudgeArgs) -> Result<GradeOptions> {
    GradeSettings {
        reward: j.reward,
        timeout_factor: j.timeout_factor,
        timeout_floor: j.timeout_floor,
        default_timeout: j.default_timeout,
        judge: j.judge.kind(),
        float_tolerance: j.float_tolerance,
        rtol: j.rtol,
        atol: j.atol,
        extract: !j.no_extract,
    }
    .options(|name| format!("--{}", name.replace('_', "-")))
    .map_err(anyhow::Error::msg)
}

/// Loads a problem file, warning about unusable rows; fails when nothing is usable.
pub fn load_problems(
    path: &std::path::Path,
    format: Option<dataset::Format>,
) -> Result<BTreeMap<String, Problem>> {
    let loaded =
        dataset::load(path, format).with_context(|| format!("cannot read {}", path.display()))?;
    warn_rows("problem rows", &loaded.errors);
    if loaded.problems.is_empty() {
        bail!("{} holds no usable problems", path.display());
    }
    Ok(loaded.problems)
}

/// The samples to grade on this run, and how many were left out.
struct Todo {
    samples: Vec<Sample>,
    /// Samples naming no loaded problem.
    unknown: usize,
}

/// The samples not yet graded with these problems, settings and
/// completions; `existing` is what the output already holds.
fn samples_to_grade(
    args: &GradeArgs,
    problems: &BTreeMap<String, Problem>,
    opts: &GradeOptions,
    existing: &Existing,
) -> Result<Todo> {
    let done = done_digests(existing);
    let (samples, errors) = read_samples(&args.samples)
        .with_context(|| format!("cannot read {}", args.samples.display()))?;
    warn_rows("sample rows", &errors);
    let (known, unknown): (Vec<Sample>, Vec<Sample>) = samples
        .into_iter()
        .partition(|s| problems.contains_key(&s.task_id));
    if let Some(first) = unknown.first() {
        eprintln!(
            "warning: {} samples name no loaded problem and are skipped (first: {}:{} task '{}')",
            unknown.len(),
            args.samples.display(),
            first.line,
            first.task_id
        );
    }
    // A sample is done when its latest verdict was given on the same
    // problem, settings and completion; anything else is graded (again).
    let mut stale = 0usize;
    let todo: Vec<Sample> = known
        .into_iter()
        .filter(|s| {
            let Some(p) = problems.get(&s.task_id) else {
                return false;
            };
            match done.get(&(s.task_id.clone(), s.sample_id.clone())) {
                Some(Some(d)) if *d == graded_digest(p, opts, &s.completion) => false,
                Some(_) => {
                    stale += 1;
                    true
                }
                None => true,
            }
        })
        .collect();
    if !existing.outcomes.is_empty() {
        eprintln!(
            "resuming: {} samples already graded in {}, {} to go{}",
            done.len().saturating_sub(stale),
            args.output.display(),
            todo.len(),
            if stale > 0 {
                format!(
                    " ({stale} of them graded again: their completion, problem or grading settings changed)"
                )
            } else {
                String::new()
            }
        );
    }
    Ok(Todo {
        samples: todo,
        unknown: unknown.len(),
    })
}

/// Measures the reference of every task in `todo`; what was wrong with a
/// reference, by task. A sandbox failure stops the run.
fn calibrate_all(
    grader: &Grader,
    todo: &[Sample],
    workers: usize,
    stop: &AtomicBool,
    quiet: bool,
) -> Result<BTreeMap<String, String>> {
    let tasks: Vec<String> = todo
        .iter()
        .map(|s| s.task_id.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let bar = progress(tasks.len() as u64, "measuring references", quiet);
    let results = parallel(
        &tasks,
        workers,
        stop,
        |t| grader.calibrate(t),
        |_| bar.inc(1),
    );
    bar.finish_and_clear();
    let mut notes = BTreeMap::new();
    for (t, r) in tasks.iter().zip(results) {
        match r {
            Some(Ok(c)) => {
                if let Some(p) = &c.problem {
                    notes.insert(t.clone(), p.clone());
                }
            }
            Some(Err(e)) => {
                return Err(
                    anyhow::Error::new(e).context(format!("measuring the reference of {t}"))
                );
            }
            None => {}
        }
    }
    Ok(notes)
}

/// What a grading pass did.
#[derive(Default)]
struct Pass {
    graded: usize,
    grader_errors: usize,
    /// What stopped it, if anything but the end or Ctrl-C.
    failure: Option<anyhow::Error>,
}

/// Grades `todo` on `workers` threads, appending each outcome to `writer`
/// as it comes; a write or sandbox failure stops the pass.
fn grade_all(
    args: &GradeArgs,
    grader: &Grader,
    todo: &[Sample],
    workers: usize,
    stop: &AtomicBool,
    writer: &mut Writer,
) -> Pass {
    let bar = progress(todo.len() as u64, "grading", args.quiet || args.verbose);
    let mut pass = Pass::default();
    let mut passed = 0usize;
    let (tx, rx) = mpsc::channel::<(usize, Result<Outcome, GradeError>)>();
    let next = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for _ in 0..workers {
            let tx = tx.clone();
            let next = &next;
            let worker = std::thread::Builder::new().stack_size(symtest_gen::WORKER_STACK);
            let spawned = worker.spawn_scoped(scope, move || {
                while !stop.load(Ordering::Relaxed) {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(s) = todo.get(i) else { break };
                    let r = grader.grade(&s.task_id, &s.sample_id, &s.completion);
                    let failed = r.is_err();
                    if tx.send((i, r)).is_err() || failed {
                        break;
                    }
                }
            });
            spawned.expect("a worker thread");
        }
        drop(tx);
        for (_, r) in rx {
            match r {
                Ok(o) => {
                    if let Err(e) = writer.append(&o) {
                        pass.failure = Some(
                            anyhow::Error::new(e)
                                .context(format!("writing {}", args.output.display())),
                        );
                        stop.store(true, Ordering::Relaxed);
                        continue;
                    }
                    pass.graded += 1;
                    passed += usize::from(o.status == Status::Passed);
                    pass.grader_errors += usize::from(o.status == Status::GraderError);
                    if args.verbose {
                        // A closed pipe (`| head`) ends the printing, not the grading.
                        say(&describe(&o));
                    }
                    bar.inc(1);
                    bar.set_message(format!("{passed} passed"));
                }
                Err(e) => {
                    if pass.failure.is_none() {
                        pass.failure = Some(anyhow::Error::new(e).context("grading"));
                    }
                    stop.store(true, Ordering::Relaxed);
                }
            }
        }
    });
    bar.finish_and_clear();
    pass
}

pub fn run(args: &GradeArgs) -> Result<u8> {
    let opts = grade_options(&args.judge)?;
    let problems = Arc::new(load_problems(&args.problems, args.judge.format)?);
    let existing = read_existing(&args.output)
        .with_context(|| format!("cannot read {}", args.output.display()))?;
    if let Some(line) = existing.bad_line {
        bail!(
            "{}:{line} is not an outcome line; refusing to append to a file symtest did not write",
            args.output.display()
        );
    }
    let todo = samples_to_grade(args, &problems, &opts, &existing)?;
    let mut writer = Writer::open(&args.output, existing.valid_len)
        .with_context(|| format!("cannot write {}", args.output.display()))?;

    let started = Instant::now();
    let stop = interrupt_flag()?;
    let mut pass = Pass::default();
    let mut reference_notes: BTreeMap<String, String> = BTreeMap::new();
    let mut workers = 0;
    if let (Some(address), false) = (&args.ray, todo.samples.is_empty()) {
        let ray = super::grade_ray::grade_on_ray(
            args,
            address,
            &problems,
            &opts,
            &todo.samples,
            &stop,
            &mut writer,
        );
        pass.graded = ray.graded;
        pass.grader_errors = ray.grader_errors;
        pass.failure = ray.failure;
    } else if !todo.samples.is_empty() {
        let pool = Arc::new(sandbox(&args.sandbox)?);
        workers = pool.size();
        let grader = Grader::new(pool, problems.clone(), opts.clone());
        match calibrate_all(&grader, &todo.samples, workers, &stop, args.quiet) {
            Ok(notes) => reference_notes = notes,
            Err(e) => pass.failure = Some(e),
        }
        if pass.failure.is_none() && !stop.load(Ordering::Relaxed) {
            pass = grade_all(args, &grader, &todo.samples, workers, &stop, &mut writer);
        }
    }
    let elapsed = started.elapsed();
    let interrupted = stop.load(Ordering::Relaxed) && pass.failure.is_none();

    // The summary covers the whole file, earlier runs included: the latest
    // outcome of each sample.
    let all = latest(read_existing(&args.output)?.outcomes);
    let all: Vec<Outcome> = all
        .into_iter()
        .filter(|o| problems.contains_key(&o.task_id))
        .collect();
    let summary = summarize(&all, &args.ks);
    let graded = pass.graded;
    if args.json {
        let j = serde_json::json!({
            "summary": summary,
            "graded_now": graded,
            "seconds": elapsed.as_secs_f64(),
            "samples_per_second": rate(graded, elapsed),
            "workers": workers,
            "ray": args.ray,
            "skipped_samples": todo.unknown,
            "reference_problems": reference_notes,
            "interrupted": interrupted,
        });
        say(&serde_json::to_string_pretty(&j)?);
    } else {
        say_raw(&render(
            &summary,
            graded,
            elapsed,
            &match &args.ray {
                Some(address) => format!("on Ray: {address}"),
                None => format!("{workers} workers"),
            },
            &reference_notes,
            args.per_problem,
            opts.reward.name(),
        ));
        if interrupted {
            say(&format!(
                "interrupted: {} of {} samples graded; run the same command again to finish",
                graded,
                todo.samples.len()
            ));
        }
    }
    if pass.grader_errors > 0 {
        eprintln!(
            "warning: the sandbox could not judge {} samples (status grader_error, no \
             reward); run the same command again to retry them",
            pass.grader_errors
        );
    }
    if let Some(e) = pass.failure {
        return Err(e);
    }
    Ok(if interrupted {
        130
    } else if pass.grader_errors > 0 {
        GRADER_ERROR_EXIT
    } else {
        0
    })
}

/// Exit status when some samples got no verdict (grader errors).
pub const GRADER_ERROR_EXIT: u8 = 3;

fn rate(n: usize, d: Duration) -> f64 {
    if d.as_secs_f64() > 0.0 {
        n as f64 / d.as_secs_f64()
    } else {
        0.0
    }
}

/// Runs `f` over `items` on `workers` threads; `None` for items not started
/// because of an interrupt.
pub fn parallel<T: Sync, R: Send>(
    items: &[T],
    workers: usize,
    stop: &AtomicBool,
    f: impl Fn(&T) -> R + Sync,
    on_done: impl Fn(&R) + Sync,
) -> Vec<Option<R>> {
    let next = AtomicUsize::new(0);
    let slots: Vec<std::sync::Mutex<Option<R>>> =
        items.iter().map(|_| std::sync::Mutex::new(None)).collect();
    std::thread::scope(|scope| {
        for _ in 0..workers.max(1) {
            let worker = std::thread::Builder::new().stack_size(symtest_gen::WORKER_STACK);
            let spawned = worker.spawn_scoped(scope, || {
                while !stop.load(Ordering::Relaxed) {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(item) = items.get(i) else { break };
                    let r = f(item);
                    on_done(&r);
                    if let Ok(mut slot) = slots[i].lock() {
                        *slot = Some(r);
                    }
                }
            });
            spawned.expect("a worker thread");
        }
    });
    slots
        .into_iter()
        .map(|m| {
            m.into_inner()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
        })
        .collect()
}

fn render(
    s: &Summary,
    graded: usize,
    elapsed: Duration,
    place: &str,
    reference_notes: &BTreeMap<String, String>,
    per_problem: bool,
    reward: &str,
) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "graded {graded} samples in {:.1} s ({:.1} samples/s, {place})",
        elapsed.as_secs_f64(),
        rate(graded, elapsed)
    );
    let _ = writeln!(
        out,
        "{} samples over {} problems in the outcomes file:",
        s.samples, s.problems
    );
    let _ = writeln!(out, "  {:<15} {:>8} {:>7}", "status", "samples", "share");
    for st in Status::ALL {
        let n = s.statuses.get(st.name()).copied().unwrap_or(0);
        let share = if s.samples > 0 {
            100.0 * n as f64 / s.samples as f64
        } else {
            0.0
        };
        let _ = writeln!(out, "  {:<15} {:>8} {:>6.1}%", st.name(), n, share);
    }
    let _ = writeln!(out, "  mean reward ({reward}): {:.4}", s.mean_reward);
    if s.pass_at.is_empty() {
        let _ = writeln!(out, "  pass@k: no k with enough samples for every problem");
    } else {
        let ks: Vec<String> = s
            .pass_at
            .iter()
            .map(|(k, v)| format!("{k} {v:.4}"))
            .collect();
        let _ = writeln!(out, "  {}", ks.join("   "));
    }
    if per_problem {
        let _ = writeln!(out, "per problem:");
        for p in &s.per_problem {
            let ks: Vec<String> = p
                .pass_at
                .iter()
                .map(|(k, v)| format!("{k} {v:.3}"))
                .collect();
            let _ = writeln!(
                out,
                "  {:<24} {:>3}/{:<3} {}",
                p.task_id,
                p.passed,
                p.samples,
                ks.join("  ")
            );
        }
    }
    if !reference_notes.is_empty() {
        let _ = writeln!(
            out,
            "warning: {} problems' references could not calibrate time limits (default limit used):",
            reference_notes.len()
        );
        for (t, why) in reference_notes.iter().take(10) {
            let _ = writeln!(out, "  {t}: {why}");
        }
    }
    out
}
