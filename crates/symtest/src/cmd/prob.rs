//! `symtest prob`: exact probabilities of a probabilistic program's paths.

use std::collections::BTreeMap;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use serde_json::{Value as Json, json};
use symtest_explore::prob::{Dist, decimal, parse_number, ratio, to_f64};
use symtest_explore::{ExploreOptions, Strategy};
use symtest_minic::Config;
use symtest_prob::{OrdKey, ProbJob, ProbResult, RegionResult, moments, run_prob};
use symtest_solve::SolverOptions;
use symtest_term::{BigRational, Value};

use super::common::interrupt_flag;
use crate::cli::ProbArgs;

fn read_program(args: &ProbArgs) -> Result<(String, String)> {
    super::common::read_program(args.program.as_deref(), args.file.as_deref(), "prob")
}

fn name_value<'a>(text: &'a str, flag: &str, example: &str) -> Result<(&'a str, &'a str)> {
    let (name, value) = text
        .split_once('=')
        .with_context(|| format!("{flag} '{text}': expected NAME=VALUE, e.g. {example}"))?;
    let name = name.trim();
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        bail!("{flag} '{text}': '{name}' is not a variable name");
    }
    Ok((name, value))
}

fn config(args: &ProbArgs) -> Result<Config> {
    let mut cfg = Config {
        loop_bound: args.runs.loop_bound,
        ..Config::default()
    };
    for d in &args.dist {
        let (name, text) = name_value(d, "--dist", "x=binomial(3,0.2)")?;
        let dist = Dist::parse(text).map_err(|e| anyhow::anyhow!("--dist {name}: {e}"))?;
        cfg.dists.insert(name.to_string(), dist);
    }
    for i in &args.input {
        let (name, text) = name_value(i, "--input", "a=3")?;
        let r = parse_number(text)
            .with_context(|| format!("--input {name}: '{text}' is not a number"))?;
        let v = if r.is_integer() {
            Value::Int(r.to_integer())
        } else {
            Value::Real(r)
        };
        if cfg.dists.contains_key(name) {
            bail!("{name} is given both --dist and --input");
        }
        cfg.fixed.insert(name.to_string(), v);
    }
    Ok(cfg)
}

pub fn run(args: &ProbArgs) -> Result<u8> {
    let (source, origin) = read_program(args)?;
    let timeout = args
        .timeout
        .map(|s| {
            Duration::try_from_secs_f64(s).map_err(|_| {
                anyhow::anyhow!("--timeout must be a non-negative number of seconds, got {s}")
            })
        })
        .transpose()?;
    let job = ProbJob {
        source,
        config: config(args)?,
        observe: args.observe.clone(),
        solver: SolverOptions::default(),
        explore: ExploreOptions {
            strategy: Strategy::Dfs,
            max_runs: args.runs.max_runs,
            timeout,
            interrupt: Some(interrupt_flag()?),
            ..ExploreOptions::default()
        },
        max_states: args.max_states,
    };
    let result = match run_prob(&job) {
        Ok(r) => r,
        Err(symtest_prob::ProbError::Parse(e)) => bail!("{origin}:{e}"),
        Err(e) => bail!("{origin}: {e}"),
    };
    if let Some(v) = &args.observe
        && result.paths.iter().all(|p| p.observed.is_empty())
        && !result.paths.is_empty()
    {
        eprintln!("warning: --observe {v}: no run assigned or read a variable named '{v}'");
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(&to_json(&result, args))?);
    } else {
        print!("{}", render(&result, args, &origin));
    }
    Ok(0)
}

fn exact(r: &BigRational, digits: u32) -> String {
    let d = decimal(r, digits);
    let q = ratio(r);
    if d == q { q } else { format!("{q} ({d})") }
}

fn dist_lines(out: &mut String, d: &BTreeMap<OrdKey, BigRational>, digits: u32) {
    let width = d.keys().map(|k| k.text.len()).max().unwrap_or(0);
    for (k, p) in d {
        out.push_str(&format!("  {:<width$}  {}\n", k.text, exact(p, digits)));
    }
}

fn moment_line(d: &BTreeMap<OrdKey, BigRational>, digits: u32) -> String {
    match moments(d) {
        Some((m, v)) => {
            let numeric: BigRational = d
                .iter()
                .filter(|(k, _)| k.number.is_some())
                .map(|(_, p)| p.clone())
                .sum();
            let total: BigRational = d.values().cloned().sum();
            let note = if numeric == total {
                String::new()
            } else {
                format!(
                    "  (given a numeric result, mass {})",
                    exact(&numeric, digits)
                )
            };
            format!(
                "E = {}   Var = {}{note}\n",
                exact(&m, digits),
                exact(&v, digits)
            )
        }
        None => "E and Var: no run returned a number\n".into(),
    }
}

fn render(r: &ProbResult, args: &ProbArgs, origin: &str) -> String {
    let digits = args.digits;
    let mut out = String::new();
    out.push_str(&format!("program: {origin}\n"));
    if r.random.is_empty() {
        out.push_str("random inputs: none (every path has probability 1 or 0)\n");
    } else {
        let shown: Vec<String> = r.random.iter().map(|(n, d)| format!("{n} ~ {d}")).collect();
        out.push_str(&format!("random inputs: {}\n", shown.join(", ")));
    }
    if !r.symbolic.is_empty() {
        out.push_str(&format!(
            "symbolic inputs: {} (results per input region)\n",
            r.symbolic.join(", ")
        ));
    }
    out.push('\n');
    for (i, p) in r.paths.iter().enumerate() {
        let c = if p.constraint.is_empty() {
            "(no branch)".to_string()
        } else {
            p.constraint.clone()
        };
        out.push_str(&format!("path {}: {c}\n", i + 1));
        if let Some(region) = &p.region {
            out.push_str(&format!("  region: {region}\n"));
        }
        out.push_str(&format!(
            "  probability {}\n",
            exact(&p.probability, digits)
        ));
        match p.returns.as_slice() {
            [(k, _)] => out.push_str(&format!("  {}\n", ends(k))),
            many => {
                let shown: Vec<String> = many
                    .iter()
                    .map(|(k, w)| format!("{} w.p. {}", k.text, ratio(w)))
                    .collect();
                out.push_str(&format!("  returns {}\n", shown.join(", ")));
            }
        }
    }
    for region in &r.regions {
        out.push('\n');
        render_region(&mut out, r, region, args);
    }
    out.push_str(&format!(
        "\n{} paths, {} runs, {} solver calls; explored in {:.1} ms, weighed in {:.1} ms\n",
        r.paths.len(),
        r.runs,
        r.solver_calls,
        r.explore_time.as_secs_f64() * 1000.0,
        r.weigh_time.as_secs_f64() * 1000.0
    ));
    out
}

fn ends(k: &OrdKey) -> String {
    if k.number.is_some() {
        format!("returns {}", k.text)
    } else {
        k.text.clone()
    }
}

fn render_region(out: &mut String, r: &ProbResult, region: &RegionResult, args: &ProbArgs) {
    let digits = args.digits;
    if let Some(name) = &region.region {
        out.push_str(&format!("region {name}:\n"));
    }
    out.push_str("return value:\n");
    dist_lines(out, &region.returns, digits);
    out.push_str(&moment_line(&region.returns, digits));
    if let Some(v) = &args.observe {
        out.push_str(&format!("{v} at the end:\n"));
        dist_lines(out, &region.observed, digits);
        out.push_str(&moment_line(&region.observed, digits));
    }
    let status = if r.complete() {
        if r.cut > 0 {
            format!(
                "complete; {} path(s) cut by the loop bound are included as 'stopped'",
                r.cut
            )
        } else {
            "complete: every path explored".to_string()
        }
    } else {
        let mut why = vec![r.stop.describe().to_string()];
        if r.unknown > 0 {
            why.push(format!("{} undecided direction(s)", r.unknown));
        }
        format!("incomplete: {}", why.join(", "))
    };
    out.push_str(&format!(
        "explored probability mass: {} ({status})\n",
        exact(&region.mass, digits)
    ));
}

fn prob_json(p: &BigRational) -> Json {
    json!({"exact": ratio(p), "value": to_f64(p)})
}

fn dist_json(d: &BTreeMap<OrdKey, BigRational>) -> Json {
    Json::Array(
        d.iter()
            .map(|(k, p)| json!({"value": k.text, "probability": prob_json(p)}))
            .collect(),
    )
}

fn moments_json(d: &BTreeMap<OrdKey, BigRational>) -> Json {
    match moments(d) {
        Some((m, v)) => json!({"mean": prob_json(&m), "variance": prob_json(&v)}),
        None => Json::Null,
    }
}

fn to_json(r: &ProbResult, args: &ProbArgs) -> Json {
    let paths: Vec<Json> = r
        .paths
        .iter()
        .map(|p| {
            json!({
                "constraint": p.constraint,
                "region": p.region,
                "outcome": p.outcome.to_string(),
                "probability": prob_json(&p.probability),
                "returns": p.returns.iter().map(|(k, w)| json!({"value": k.text, "probability": prob_json(w)})).collect::<Vec<_>>(),
                "peak_states": p.peak_states,
            })
        })
        .collect();
    let regions: Vec<Json> = r
        .regions
        .iter()
        .map(|g| {
            let mut o = json!({
                "region": g.region,
                "mass": prob_json(&g.mass),
                "paths": g.paths,
                "returns": dist_json(&g.returns),
                "return_moments": moments_json(&g.returns),
            });
            if args.observe.is_some() {
                o["observe"] = json!({
                    "variable": args.observe,
                    "distribution": dist_json(&g.observed),
                    "moments": moments_json(&g.observed),
                });
            }
            o
        })
        .collect();
    json!({
        "random": r.random.iter().map(|(n, d)| json!({"name": n, "distribution": d.to_string()})).collect::<Vec<_>>(),
        "symbolic": r.symbolic,
        "paths": paths,
        "regions": regions,
        "complete": r.complete(),
        "stop": r.stop.describe(),
        "unknown": r.unknown,
        "cut_paths": r.cut,
        "runs": r.runs,
        "solver_calls": r.solver_calls,
        "explore_ms": r.explore_time.as_secs_f64() * 1000.0,
        "weigh_ms": r.weigh_time.as_secs_f64() * 1000.0,
    })
}
