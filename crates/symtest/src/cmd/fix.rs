//! `symtest fix`: findings in, verified fixes out.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use symtest_fix::finding::parse_sarif;
use symtest_fix::{
    Analyzer, CheckOptions, FileReport, Finding, FixOptions, Fixer, InputOptions, Llm, LlmOptions,
    ModuleSpec, output,
};

use super::common::{interrupt_flag, progress, sandbox, write_atomic};
use crate::cli::{FixArgs, FixFormat};

/// Findings given in a SARIF log, by file.
type Given = BTreeMap<PathBuf, Vec<Finding>>;

/// The analyzer that re-checks candidates, its name for the prompts, and
/// the findings of a SARIF log (empty when the analyzer finds them).
fn analyzer_and_findings(args: &FixArgs) -> Result<(Option<Analyzer>, String, Given)> {
    // --ruff, $SYMTEST_RUFF, the set-up's ruff beside this binary, PATH.
    let ruff_exe = || {
        args.ruff
            .clone()
            .or_else(|| std::env::var_os("SYMTEST_RUFF").map(PathBuf::from))
            .or_else(|| {
                let exe = std::env::current_exe().ok()?;
                symtest_fix::analyzer::ruff_near(exe.parent()?)
            })
            .unwrap_or_else(|| PathBuf::from("ruff"))
    };
    let mut given = Given::new();
    let (analyzer, tool) = match &args.sarif {
        Some(log) => {
            let text = std::fs::read_to_string(log)
                .with_context(|| format!("reading {}", log.display()))?;
            let base = log.parent().unwrap_or(Path::new("."));
            let (tool, findings) =
                parse_sarif(&text, base).with_context(|| format!("in {}", log.display()))?;
            for f in findings {
                given.entry(f.file.clone()).or_default().push(f);
            }
            let analyzer = if let Some(cmd) = &args.recheck {
                Some(Analyzer::Sarif {
                    template: cmd.clone(),
                })
            } else if tool.eq_ignore_ascii_case("ruff") {
                // The log's rules are checked again whatever the
                // configuration selects.
                let mut rules: Vec<&str> =
                    given.values().flatten().map(|f| f.rule.as_str()).collect();
                rules.sort_unstable();
                rules.dedup();
                let extend = (args.select.is_none() && !rules.is_empty()).then(|| rules.join(","));
                Some(Analyzer::ruff(ruff_exe(), args.select.clone(), extend)?)
            } else {
                eprintln!(
                    "note: candidates are not re-checked by {tool} (give --recheck 'CMD {{file}}' to re-check them)"
                );
                None
            };
            (
                analyzer,
                if tool.is_empty() {
                    "the analyzer".into()
                } else {
                    tool
                },
            )
        }
        None => (
            Some(Analyzer::ruff(ruff_exe(), args.select.clone(), None)?),
            "ruff".to_string(),
        ),
    };
    Ok((analyzer, tool, given))
}

/// The files to work on: those of the log (within the paths given, if
/// any), or every Python file of the paths.
fn files_to_fix(args: &FixArgs, given: &Given) -> Result<Vec<PathBuf>> {
    Ok(if args.sarif.is_some() {
        let wanted = python_files(&args.paths)?;
        given
            .keys()
            .filter(|f| args.paths.is_empty() || wanted.iter().any(|w| same_file(w, f)))
            .cloned()
            .collect()
    } else {
        if args.paths.is_empty() {
            bail!("give the Python files or folders to fix (or --sarif FILE)");
        }
        python_files(&args.paths)?
    })
}

/// The LLM client, when `--llm-url` is given.
fn llm_client(args: &FixArgs) -> Result<Option<Llm>> {
    Ok(match &args.llm_url {
        Some(url) => {
            let Some(model) = args.model.clone() else {
                bail!("--llm-url needs --model");
            };
            let api_key = match &args.api_key_env {
                Some(var) => Some(
                    std::env::var(var)
                        .with_context(|| format!("--api-key-env names {var}, which is not set"))?,
                ),
                None => None,
            };
            Some(
                Llm::new(
                    LlmOptions {
                        url: url.clone(),
                        model,
                        api_key,
                        timeout: Duration::from_secs_f64(args.llm_timeout.max(0.1)),
                        retries: args.llm_retries,
                        backoff: Duration::from_secs(1),
                    },
                    args.llm_log.as_deref(),
                )
                .context("opening the --llm-log file")?,
            )
        }
        None => None,
    })
}

pub fn run(args: &FixArgs) -> Result<u8> {
    let (analyzer, tool, mut given) = analyzer_and_findings(args)?;
    let files = files_to_fix(args, &given)?;
    let llm = llm_client(args)?;
    // Jobs read the files' projects (to import them as the projects do)
    // and, with --python naming a virtual environment, its packages.
    let site = match &args.sandbox.python {
        Some(python) => {
            symtest_fix::project::venv_site_packages(python).map_err(anyhow::Error::msg)?
        }
        None => Vec::new(),
    };
    let mut sandbox_args = args.sandbox.clone();
    for f in &files {
        for p in ModuleSpec::find(f, &site).read_paths() {
            if !sandbox_args.sandbox_read.contains(&p) {
                sandbox_args.sandbox_read.push(p);
            }
        }
    }
    let pool = sandbox(&sandbox_args)?;
    let interrupt = interrupt_flag()?;
    let opts = FixOptions {
        candidates: args.candidates,
        analyzer_fixes: !args.no_analyzer_fixes,
        accept_unchecked: args.accept_unchecked,
        allow_followups: args.allow_followups,
        check: CheckOptions {
            inputs: InputOptions {
                max_inputs: args.max_inputs.max(1),
                explore_timeout: Duration::from_secs_f64(args.explore_timeout.max(0.0)),
            },
            call_timeout: Duration::from_secs_f64(args.call_timeout.max(0.01)),
        },
        interrupt: Some(interrupt.clone()),
    };
    let fixer = Fixer {
        analyzer: analyzer.as_ref(),
        tool,
        llm: llm.as_ref(),
        pool: &pool,
        site,
        opts: &opts,
    };

    let pb = progress(files.len() as u64, "fixing", args.quiet);
    let mut reports = Vec::new();
    for file in &files {
        if interrupt.load(Ordering::Relaxed) {
            break;
        }
        pb.set_message(file.display().to_string());
        let report = fixer.fix_file(file, given.remove(file), &mut |f| {
            pb.set_message(format!("{}:{} {}", file.display(), f.start.line, f.rule));
        })?;
        let name = file.display().to_string();
        let say = |line: String| {
            if pb.is_hidden() {
                eprintln!("{line}");
            } else {
                pb.println(line);
            }
        };
        if let Some(e) = &report.error {
            say(format!("{name}: {e}"));
        }
        for fr in &report.findings {
            say(output::describe_finding(&name, fr));
        }
        if args.write && report.fixed != report.original && report.error.is_none() {
            write_atomic(file, &report.fixed)?;
        }
        reports.push(report);
        pb.inc(1);
    }
    pb.finish_and_clear();

    let out = match args.format {
        FixFormat::Json => serde_json::to_string_pretty(&output::json_report(&reports))? + "\n",
        FixFormat::Sarif => {
            serde_json::to_string_pretty(&output::sarif(&reports, env!("CARGO_PKG_VERSION")))?
                + "\n"
        }
        FixFormat::Diff => reports
            .iter()
            .map(|r| output::unified(&r.original, &r.fixed, &r.path.to_string_lossy()))
            .collect(),
    };
    match &args.output {
        Some(p) => write_atomic(p, &out)?,
        None => print!("{out}"),
    }
    let interrupted = interrupt.load(Ordering::Relaxed);
    print_totals(args, &reports, interrupted);
    let left = output::totals(&reports);
    let errors = reports.iter().any(|r| r.error.is_some());
    Ok(if interrupted {
        130
    } else if (left.rejected + left.skipped > 0 || errors) && !args.exit_zero {
        // As `ruff check`: findings remain.
        2
    } else {
        0
    })
}

/// The closing line on stderr.
fn print_totals(args: &FixArgs, reports: &[FileReport], interrupted: bool) {
    let t = output::totals(reports);
    eprintln!(
        "{} finding{} in {} file{}: {} fixed, {} rejected, {} skipped (candidates rejected: {} by the analyzer, {} by the behaviour check, {} by the ranker){}{}",
        t.findings,
        if t.findings == 1 { "" } else { "s" },
        reports.len(),
        if reports.len() == 1 { "" } else { "s" },
        t.fixed,
        t.rejected,
        t.skipped,
        t.by_verifier,
        t.by_behaviour,
        t.by_ranker,
        if args.write && t.fixed > 0 {
            "; files written"
        } else {
            ""
        },
        if interrupted {
            "; interrupted: the rest was not worked on"
        } else {
            ""
        },
    );
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(x), Ok(y)) => x == y,
        _ => a == b,
    }
}

/// The files, and every `*.py` below the folders (hidden folders, virtual
/// environments and caches left out), sorted.
fn python_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for p in paths {
        let meta = std::fs::metadata(p).with_context(|| format!("{}", p.display()))?;
        if meta.is_dir() {
            walk(p, &mut out).with_context(|| format!("listing {}", p.display()))?;
        } else {
            out.push(p.clone());
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let name = path.file_name().map(|n| n.to_string_lossy().to_string());
        let name = name.unwrap_or_default();
        if path.is_dir() {
            if !name.starts_with('.') && name != "__pycache__" && name != "venv" {
                walk(&path, out)?;
            }
        } else if name.ends_with(".py") {
            out.push(path);
        }
    }
    Ok(())
}
