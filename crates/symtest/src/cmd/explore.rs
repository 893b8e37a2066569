//! `symtest explore`: run the C-like language's explorer and report.

use std::io::IsTerminal;
use std::time::Duration;

use crate::explore::{MinicJob, PythonJob, PythonJobError, explore_minic, explore_python_external};
use crate::report::{self, ReportOptions};
use anyhow::{Context, Result, bail};
use indicatif::{ProgressBar, ProgressStyle};
use symtest_explore::{Event, ExploreOptions};
use symtest_gen::external::ExternalOptions;
use symtest_gen::parse_overrides;
use symtest_minic::Config;
use symtest_solve::{Answer, GdOptions, SolverOptions};
use symtest_term::smtlib;

use super::common::interrupt_flag;
use crate::cli::ExploreArgs;

/// Exit status when a Python module's top level fails to load.
const LOAD_FAILED: u8 = 2;

fn read_program(args: &ExploreArgs) -> Result<(String, String)> {
    super::common::read_program(args.program.as_deref(), args.file.as_deref(), "explore")
}

/// `file.py::func`: the Python file and the function to explore.
fn python_target(args: &ExploreArgs) -> Result<Option<(String, String, String)>> {
    let Some(p) = args.program.as_deref() else {
        return Ok(None);
    };
    let Some((file, func)) = p.rsplit_once("::") else {
        return Ok(None);
    };
    if !file.ends_with(".py") {
        return Ok(None);
    }
    if func.is_empty() {
        bail!("name the function after '::' (e.g. {file}::my_function)");
    }
    let source = std::fs::read_to_string(file).with_context(|| format!("cannot read {file}"))?;
    Ok(Some((source, file.to_string(), func.to_string())))
}

/// The exploration the flags ask for (solver, budgets, the C-like
/// language's settings).
fn minic_job(args: &ExploreArgs, source: &str) -> Result<MinicJob> {
    let secs = |s: f64, what: &str| -> Result<Duration> {
        Duration::try_from_secs_f64(s).map_err(|_| {
            anyhow::anyhow!("{what} must be a non-negative number of seconds, got {s}")
        })
    };
    // `--timeout 0` is no wall-clock budget at all.
    let timeout = Some(secs(args.timeout, "--timeout")?).filter(|t| !t.is_zero());
    let query_timeout = secs(args.query_timeout, "--query-timeout")?;
    Ok(MinicJob {
        source: source.to_string(),
        config: Config {
            reals: args.reals,
            loop_bound: args.runs.loop_bound,
            ..Config::default()
        },
        solver: SolverOptions {
            kind: args.solver,
            gd: GdOptions {
                iters: args.gd.iters,
                step: args.gd.step,
                eps: args.gd.eps,
                restarts: args.gd.restarts,
                init_low: args.gd.init_low,
                init_high: args.gd.init_high,
                seed: args.seed,
                sign_gradient: !args.gd.plain_gradient,
                dpll: args.gd.dpll,
                dpll_rounds: GdOptions::default().dpll_rounds,
            },
            query_timeout: Some(query_timeout),
            cache: !args.no_cache,
            slicing: !args.no_slicing,
        },
        explore: ExploreOptions {
            strategy: args.strategy,
            max_depth: args.max_depth,
            max_runs: args.runs.max_runs,
            patience: args.patience,
            patience_time: None,
            max_sat: args.max_sat,
            max_unsat: args.max_unsat,
            timeout,
            shallow_first: false,
            first_decisions: None,
            seed: args.seed,
            collect_prefixes: args.prefixes,
            interrupt: Some(interrupt_flag()?),
            seeds: Vec::new(),
        },
    })
}

/// External calls for the Python file `file`: the module as CPython imports
/// it (its dotted name and import root, which jobs may read), and a pool
/// made with the sandbox flags when first needed.
fn external_setup(
    args: &ExploreArgs,
    file: &str,
) -> Option<(ExternalOptions, symtest_gen::external::PoolMaker)> {
    if args.external_calls == 0 {
        return None;
    }
    let spec = symtest_fix::project::ModuleSpec::find(std::path::Path::new(file), &[]);
    let mut sandbox = args.sandbox.clone();
    sandbox.sandbox_read.extend(spec.read_paths());
    let options = ExternalOptions {
        module: spec.name.clone(),
        root: spec.root.as_ref().map(|r| r.to_string_lossy().to_string()),
        source: None,
        budget: args.external_calls,
        call_budget: Duration::from_secs(2),
        load_budget: Duration::from_secs(5),
    };
    let make = move || {
        super::common::sandbox(&sandbox)
            .map(std::sync::Arc::new)
            .map_err(|e| format!("{e:#}"))
    };
    Some((options, Box::new(make)))
}

pub fn run(args: &ExploreArgs) -> Result<u8> {
    let python = python_target(args)?;
    if python.is_none() && (args.types.is_some() || !args.assume.is_empty()) {
        bail!("--types and --assume are for Python functions (symtest explore file.py::function)");
    }
    let (source, origin) = match &python {
        Some((s, f, _)) => (s.clone(), f.clone()),
        None => read_program(args)?,
    };
    if args.gd.init_low > args.gd.init_high {
        bail!(
            "--init-low ({}) is above --init-high ({})",
            args.gd.init_low,
            args.gd.init_high
        );
    }
    let job = minic_job(args, &source)?;

    let spinner = (!args.json && args.verbose == 0 && std::io::stderr().is_terminal()).then(|| {
        let pb = ProgressBar::new_spinner();
        pb.set_style(
            ProgressStyle::with_template("{spinner} exploring: {msg} [{elapsed}]")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        pb.enable_steady_tick(Duration::from_millis(120));
        pb
    });
    let verbose = args.verbose;
    let mut paths = 0u64;
    let mut runs = 0u64;
    let mut on_event = |e: Event<'_>| match e {
        Event::Run {
            index,
            constraint,
            input,
            outcome,
            new_path,
        } => {
            runs = index;
            paths += u64::from(new_path);
            if let Some(pb) = &spinner
                && index % 64 == 0
            {
                pb.set_message(format!("{runs} runs, {paths} paths"));
            }
            if verbose >= 1 {
                let inputs: Vec<String> =
                    input.iter().map(|(i, v)| format!("var_{i}={v}")).collect();
                eprintln!(
                    "run {index}: {constraint} with {} -> {outcome}{}",
                    inputs.join(" "),
                    if new_path { "" } else { " (seen before)" }
                );
            }
        }
        Event::Query { constraint, answer } => {
            if verbose >= 1 {
                let why = match answer {
                    Answer::Unknown(r) => format!(" ({r})"),
                    _ => String::new(),
                };
                eprintln!("query {constraint} -> {}{why}", answer.kind());
            }
            if verbose >= 2 {
                eprint!("{}", smtlib::script(&constraint.terms()));
            }
        }
    };
    let outcome = match &python {
        Some((_, _, entry)) => {
            let types = match &args.types {
                Some(t) => parse_overrides(t).map_err(|e| anyhow::anyhow!("--types: {e}"))?,
                None => Vec::new(),
            };
            let pjob = PythonJob {
                source: source.clone(),
                entry: entry.clone(),
                types,
                assume: args.assume.clone(),
                solver: job.solver.clone(),
                explore: job.explore.clone(),
            };
            let external = external_setup(args, &origin);
            explore_python_external(&pjob, external, &mut on_event).map_err(|e| {
                let code = match e {
                    PythonJobError::Load(_) => LOAD_FAILED,
                    _ => 1,
                };
                (format!("{origin}: {e}\n"), code)
            })
        }
        None => explore_minic(&job, &mut on_event).map_err(|e| (e.render(&source, &origin), 1)),
    };
    let result = match outcome {
        Ok(r) => r,
        Err((message, code)) => {
            if let Some(pb) = &spinner {
                pb.finish_and_clear();
            }
            eprint!("{message}");
            return Ok(code);
        }
    };
    if let Some(pb) = &spinner {
        pb.finish_and_clear();
    }
    let opts = ReportOptions {
        names: args.names,
        prefixes: args.prefixes,
        quiet: args.quiet,
        summary: args.summary,
        solver: result.solver_name.to_string(),
        strategy: args.strategy.to_string(),
        path_args: result.path_args.clone(),
        full_constraints: args.full_constraints,
        external: result.external.clone(),
        cpython_check: result.cpython_check.clone(),
    };
    let ex = &result.exploration;
    if args.json {
        let j = report::json(ex, &result.sites, &opts).context("writing JSON")?;
        println!("{j}");
    } else {
        print!("{}", report::text(ex, &result.sites, &opts));
    }
    Ok(if ex.stop == symtest_explore::StopReason::Interrupted {
        130
    } else {
        0
    })
}
