//! Exploration results for people (Gymbo's summary) and for machines (JSON).

use std::cell::RefCell;
use std::fmt::Write;

use serde::Serialize;
use serde_json::Value as Json;
use symtest_explore::{Exploration, Literal, Outcome, PathConstraint, SiteId};
use symtest_term::{Model, Simplifier, Value, Var, smtlib};

/// How to print a report.
#[derive(Clone, Debug, Default)]
pub struct ReportOptions {
    /// Print variables by their source names instead of `var_<n>`.
    pub names: bool,
    /// List every feasible prefix as Gymbo does, not only complete paths.
    pub prefixes: bool,
    /// Counts only.
    pub quiet: bool,
    /// JSON without the lists of paths and constraints (for huge explorations).
    pub summary: bool,
    /// The solver's name, for the header.
    pub solver: String,
    /// The search strategy's name, for the header.
    pub strategy: String,
    /// The arguments each path's input stands for, in the source language
    /// (Python); empty when the inputs are the variables themselves.
    pub path_args: Vec<String>,
    /// Print path constraints whole, however long (else cut at [`SHOWN_CHARS`]).
    pub full_constraints: bool,
    /// Python with external calls: what they came to.
    pub external: Option<symtest_gen::external::ExternalStats>,
    /// Python with external calls: the paths run again in CPython.
    pub cpython_check: Option<crate::explore::CpythonCheck>,
}

/// Constraints longer than this many characters are cut for display
/// unless [`ReportOptions::full_constraints`] asks for them whole.
pub const SHOWN_CHARS: usize = 2000;

/// Prints path constraints simplified (one [`Simplifier`] for the whole
/// report: paths share their prefixes) and cut to [`SHOWN_CHARS`].
struct Shower {
    simp: RefCell<Simplifier>,
    full: bool,
}

impl Shower {
    fn new(o: &ReportOptions) -> Shower {
        Shower {
            simp: RefCell::new(Simplifier::new()),
            full: o.full_constraints,
        }
    }

    /// The constraint with each decision's condition simplified; input
    /// domains (bounds, lengths) dropped when `domains` is false.
    fn simplified(&self, c: &PathConstraint, domains: bool) -> PathConstraint {
        let mut simp = self.simp.borrow_mut();
        PathConstraint(
            c.0.iter()
                .filter(|l| domains || l.site != SiteId::DOMAIN)
                .map(|l| Literal {
                    cond: simp.simplify(&l.cond),
                    ..l.clone()
                })
                .collect(),
        )
    }

    /// `s` cut to [`SHOWN_CHARS`] characters unless whole ones were asked
    /// for; true when it was cut.
    fn cut(&self, s: String) -> (String, bool) {
        if self.full {
            return (s, false);
        }
        match s.char_indices().nth(SHOWN_CHARS) {
            Some((at, _)) => (format!("{}...", &s[..at]), true),
            None => (s, false),
        }
    }

    /// The constraint for the text report: input domains (noise: they hold
    /// on every path) left out, simplified, cut with a note.
    fn text(&self, c: &PathConstraint, names: bool) -> String {
        let c = self.simplified(c, false);
        let whole = if names {
            c.named().to_string()
        } else {
            c.to_string()
        };
        let len = whole.chars().count();
        match self.cut(whole) {
            (s, true) => format!(
                "{s} [cut at {SHOWN_CHARS} of {len} characters; --full-constraints prints it whole]"
            ),
            (s, false) => s,
        }
    }
}

/// `var_0 (a) = 3, var_1 (b) = -2` for the inputs the model gives.
pub fn params(model: &Model, inputs: &[Var]) -> String {
    let mut parts = Vec::new();
    for v in inputs {
        if let Some(val) = model.get(v) {
            parts.push(format!("var_{} ({}) = {}", v.index, v.name, val));
        }
    }
    if parts.is_empty() {
        "(none)".into()
    } else {
        parts.join(", ")
    }
}

/// Gymbo's result summary, extended with what Gymbo does not report.
pub fn text(ex: &Exploration, sites: &[(SiteId, String)], o: &ReportOptions) -> String {
    let mut s = String::new();
    let show = Shower::new(o);
    let constraint = |c: &PathConstraint, names: bool| show.text(c, names);
    let sat = if o.prefixes {
        ex.prefixes.len()
    } else {
        ex.paths.len()
    };
    if !o.quiet && !ex.inputs.is_empty() {
        let inputs: Vec<String> = ex
            .inputs
            .iter()
            .map(|v| format!("var_{} = {} ({})", v.index, v.name, v.sort))
            .collect();
        let _ = writeln!(s, "Inputs: {}", inputs.join(", "));
    }
    let _ = writeln!(s, "---------------------------");
    let _ = writeln!(s, "Result Summary");
    let _ = writeln!(s, "#SAT: {sat}");
    let _ = writeln!(s, "#UNSAT: {}", ex.infeasible.len());
    let _ = writeln!(s, "#UNKNOWN: {}", ex.unknown.len());
    if !o.quiet {
        if o.prefixes {
            let _ = writeln!(s, "List of SAT Path Constraints (every feasible prefix)");
            for p in &ex.prefixes {
                let _ = writeln!(s, "# {}", constraint(&p.constraint, o.names));
                let _ = writeln!(s, "  params: {}", params(&p.input, &ex.inputs));
            }
        } else {
            let _ = writeln!(s, "List of SAT Path Constraints");
            for (i, p) in ex.paths.iter().enumerate() {
                let _ = writeln!(s, "# {}", constraint(&p.constraint, o.names));
                match o.path_args.get(i) {
                    Some(args) => {
                        let _ = writeln!(s, "  args: {args}");
                    }
                    None => {
                        let _ = writeln!(s, "  params: {}", params(&p.input, &ex.inputs));
                    }
                }
                let _ = write!(s, "  {}", p.outcome);
                if p.depth_cut {
                    let _ = write!(s, " (branches past the depth bound not recorded)");
                }
                let _ = writeln!(s);
                for why in &p.concretised {
                    let _ = writeln!(s, "  concretised: {why}");
                }
            }
        }
        if !ex.infeasible.is_empty() {
            let _ = writeln!(s, "List of UNSAT Path Constraints");
            for c in &ex.infeasible {
                let _ = writeln!(s, "# {}", constraint(c, o.names));
            }
        }
        if !ex.unknown.is_empty() {
            let _ = writeln!(s, "List of UNKNOWN Path Constraints");
            for u in &ex.unknown {
                let _ = writeln!(s, "# {}", constraint(&u.constraint, o.names));
                let _ = writeln!(s, "  reason: {}", u.reason);
            }
        }
        if !ex.divergences.is_empty() {
            let _ = writeln!(s, "Divergences (the run left the solved path)");
            for d in &ex.divergences {
                let _ = writeln!(s, "# expected {}", constraint(&d.expected, o.names));
                let _ = writeln!(s, "  followed {}", constraint(&d.actual, o.names));
                let _ = writeln!(s, "  params: {}", params(&d.input, &ex.inputs));
            }
        }
    }
    let _ = writeln!(s, "---------------------------");
    let (covered, total) = coverage(ex, sites);
    let _ = writeln!(
        s,
        "Branch coverage: {covered} of {total} directions ({} branch sites)",
        sites.len()
    );
    if !o.quiet {
        let missing = uncovered(ex, sites);
        if !missing.is_empty() {
            let _ = writeln!(s, "Never taken: {}", missing.join(", "));
        }
    }
    let st = &ex.stats;
    let sv = &st.solver;
    let _ = writeln!(
        s,
        "Search time: {:.3} s ({}; {}: {} to {}, {} from cache, {} by model reuse; {} rejected)",
        st.elapsed.as_secs_f64(),
        plural(st.runs, "run"),
        plural(sv.queries, "query"),
        sv.backend_calls,
        o.solver,
        sv.cache_hits,
        sv.model_reuse,
        plural(sv.rejected_models, "model"),
    );
    if let Some(e) = &o.external {
        external_text(&mut s, e, o.quiet);
    }
    if let Some(c) = &o.cpython_check
        && !c.disagreements.is_empty()
    {
        let _ = writeln!(
            s,
            "Interpreter errors: CPython disagrees on {} of {} paths checked (symtest's mistakes, not the program's):",
            c.disagreements.len(),
            c.compared
        );
        for (call, mine, theirs) in &c.disagreements {
            let _ = writeln!(s, "  {call}: the interpreter {mine}; CPython {theirs}");
        }
    }
    let _ = write!(s, "{}", incompleteness(ex));
    s
}

/// What was computed in CPython: counts, then each target with its count.
fn external_text(s: &mut String, e: &symtest_gen::external::ExternalStats, quiet: bool) {
    if e.calls + e.values == 0 {
        return;
    }
    let _ = writeln!(
        s,
        "External (run in CPython, concretely): {}, {}; {}{}",
        plural(e.calls, "call"),
        plural(e.values, "module value"),
        plural(e.jobs, "sandbox job"),
        if e.failed > 0 {
            format!(", {} without an answer", e.failed)
        } else {
            String::new()
        }
    );
    if !quiet {
        for (target, n) in &e.by_target {
            let _ = writeln!(s, "  {target}: {n}");
        }
    }
}

/// Why the paths listed may not be all there are, a line each: the budget
/// that stopped the search, then each bound or unsupported construct that
/// cut paths (nothing when the exploration is complete).
fn incompleteness(ex: &Exploration) -> String {
    let mut s = String::new();
    if !ex.stop.is_complete() {
        let _ = writeln!(
            s,
            "Stopped early: {} ({} open directions left)",
            ex.stop.describe(),
            ex.stats.frontier_left
        );
    }
    for c in ex.cuts() {
        let what = if c.reason == "undecided by the solver" {
            plural(c.count, "direction")
        } else {
            plural(c.count, "path")
        };
        let _ = writeln!(s, "Incomplete: {} ({what})", c.reason);
    }
    s
}

fn plural(n: u64, noun: &str) -> String {
    match (n, noun) {
        (1, _) => format!("1 {noun}"),
        (_, "query") => format!("{n} queries"),
        _ => format!("{n} {noun}s"),
    }
}

/// Directions covered and the total over the given sites (two per site):
/// a frontend's internal decision points do not count.
pub fn coverage(ex: &Exploration, sites: &[(SiteId, String)]) -> (usize, usize) {
    let covered = sites
        .iter()
        .flat_map(|(id, _)| [(*id, true), (*id, false)])
        .filter(|d| ex.coverage.contains(d))
        .count();
    (covered, 2 * sites.len())
}

fn uncovered(ex: &Exploration, sites: &[(SiteId, String)]) -> Vec<String> {
    let mut out = Vec::new();
    for (id, name) in sites {
        for dir in [true, false] {
            if !ex.coverage.contains(&(*id, dir)) {
                out.push(format!("{name} ({})", if dir { "true" } else { "false" }));
            }
        }
    }
    out
}

/// A value as JSON: integers as numbers when they fit 64 bits (else decimal
/// strings), reals as exact strings (`"0.25"`, `"1/3"`), truth values as booleans.
pub fn value_json(v: &Value) -> Json {
    match v {
        Value::Bool(b) => Json::Bool(*b),
        Value::Int(i) => match i64::try_from(i) {
            Ok(x) => Json::from(x),
            Err(_) => Json::String(i.to_string()),
        },
        Value::Real(_) => Json::String(v.to_string()),
        Value::Str(s) => Json::String(s.to_string()),
    }
}

fn params_json(m: &Model, inputs: &[Var]) -> serde_json::Map<String, Json> {
    let mut out = serde_json::Map::new();
    for v in inputs {
        if let Some(val) = m.get(v) {
            out.insert(v.name.to_string(), value_json(val));
        }
    }
    out
}

#[derive(Serialize)]
struct JInput {
    var: String,
    name: String,
    sort: String,
}

#[derive(Serialize)]
struct JConstraint {
    constraint: String,
    named: String,
    smtlib: String,
    /// Some form was longer than [`SHOWN_CHARS`] and was cut.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    truncated: bool,
}

impl Shower {
    /// The three forms of a constraint, simplified (input domains kept:
    /// machines may re-check them), each cut to [`SHOWN_CHARS`].
    fn json(&self, c: &PathConstraint) -> JConstraint {
        let c = self.simplified(c, true);
        let terms = c.terms();
        let smt = match terms.len() {
            0 => "true".to_string(),
            1 => smtlib::to_smtlib(&terms[0]),
            _ => format!(
                "(and {})",
                terms
                    .iter()
                    .map(smtlib::to_smtlib)
                    .collect::<Vec<_>>()
                    .join(" ")
            ),
        };
        let (constraint, a) = self.cut(c.to_string());
        let (named, b) = self.cut(c.named().to_string());
        let (smtlib, d) = self.cut(smt);
        JConstraint {
            constraint,
            named,
            smtlib,
            truncated: a || b || d,
        }
    }
}

#[derive(Serialize)]
struct JCut {
    reason: String,
    count: u64,
}

#[derive(Serialize)]
struct JOutcome {
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    value: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<String>,
}

fn outcome_json(o: &Outcome) -> JOutcome {
    let (kind, value, message) = match o {
        Outcome::Returned(v) => ("returned", Some(v.clone()), None),
        Outcome::Finished => ("finished", None, None),
        Outcome::Error(e) => ("error", None, Some(e.clone())),
        Outcome::Stopped(e) => ("stopped", None, Some(e.clone())),
    };
    JOutcome {
        kind,
        value,
        message,
    }
}

#[derive(Serialize)]
struct JPath {
    #[serde(flatten)]
    constraint: JConstraint,
    params: serde_json::Map<String, Json>,
    #[serde(skip_serializing_if = "Option::is_none")]
    args: Option<String>,
    outcome: JOutcome,
    depth_cut: bool,
    concretised: Vec<String>,
}

#[derive(Serialize)]
struct JPrefix {
    #[serde(flatten)]
    constraint: JConstraint,
    params: serde_json::Map<String, Json>,
}

#[derive(Serialize)]
struct JUnknown {
    #[serde(flatten)]
    constraint: JConstraint,
    reason: String,
}

#[derive(Serialize)]
struct JDivergence {
    expected: JConstraint,
    actual: JConstraint,
    params: serde_json::Map<String, Json>,
}

#[derive(Serialize)]
struct JCoverage {
    directions_covered: usize,
    directions_total: usize,
    sites: usize,
    never_taken: Vec<String>,
}

#[derive(Serialize)]
struct JStats {
    runs: u64,
    elapsed_ms: f64,
    queries: u64,
    backend_calls: u64,
    cache_hits: u64,
    model_reuse: u64,
    rejected_models: u64,
    sliced_away: u64,
    solver_ms: f64,
    depth_cut_paths: u64,
    concretisations: u64,
    open_directions: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    peak_rss_kib: Option<u64>,
    backend: serde_json::Map<String, Json>,
}

#[derive(Serialize)]
struct JReport {
    solver: String,
    strategy: String,
    inputs: Vec<JInput>,
    sat: usize,
    unsat_count: usize,
    unknown_count: usize,
    divergence_count: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    paths: Option<Vec<JPath>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    prefixes: Option<Vec<JPrefix>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    unsat: Option<Vec<JConstraint>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    unknown: Option<Vec<JUnknown>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    divergences: Option<Vec<JDivergence>>,
    coverage: JCoverage,
    stop: String,
    complete: bool,
    cuts: Vec<JCut>,
    stats: JStats,
    #[serde(skip_serializing_if = "Option::is_none")]
    external: Option<JExternal>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cpython_check: Option<JCheck>,
}

/// The paths run again in CPython; disagreements are the interpreter's errors.
#[derive(Serialize)]
struct JCheck {
    compared: usize,
    disagreements: Vec<JDisagreement>,
}

#[derive(Serialize)]
struct JDisagreement {
    args: String,
    interpreter: String,
    cpython: String,
}

/// External calls: requests by kind, sandbox jobs, and requests by target.
#[derive(Serialize)]
struct JExternal {
    calls: u64,
    values: u64,
    jobs: u64,
    failed: u64,
    by_target: std::collections::BTreeMap<String, u64>,
}

/// The whole exploration as pretty JSON, fields in a reading order. `sat`
/// counts paths, or prefixes with `prefixes`.
pub fn json(
    ex: &Exploration,
    sites: &[(SiteId, String)],
    o: &ReportOptions,
) -> serde_json::Result<String> {
    let (covered, total) = coverage(ex, sites);
    let st = &ex.stats;
    let lists = !o.summary;
    let show = Shower::new(o);
    let report = JReport {
        solver: o.solver.clone(),
        strategy: o.strategy.clone(),
        inputs: ex
            .inputs
            .iter()
            .map(|v| JInput {
                var: format!("var_{}", v.index),
                name: v.name.to_string(),
                sort: v.sort.to_string(),
            })
            .collect(),
        sat: if o.prefixes {
            ex.prefixes.len()
        } else {
            ex.paths.len()
        },
        unsat_count: ex.infeasible.len(),
        unknown_count: ex.unknown.len(),
        divergence_count: ex.divergences.len(),
        paths: lists.then(|| {
            ex.paths
                .iter()
                .enumerate()
                .map(|(i, p)| JPath {
                    args: o.path_args.get(i).cloned(),
                    constraint: show.json(&p.constraint),
                    params: params_json(&p.input, &ex.inputs),
                    outcome: outcome_json(&p.outcome),
                    depth_cut: p.depth_cut,
                    concretised: p.concretised.clone(),
                })
                .collect()
        }),
        prefixes: (lists && o.prefixes).then(|| {
            ex.prefixes
                .iter()
                .map(|p| JPrefix {
                    constraint: show.json(&p.constraint),
                    params: params_json(&p.input, &ex.inputs),
                })
                .collect()
        }),
        unsat: lists.then(|| ex.infeasible.iter().map(|c| show.json(c)).collect()),
        unknown: lists.then(|| {
            ex.unknown
                .iter()
                .map(|u| JUnknown {
                    constraint: show.json(&u.constraint),
                    reason: u.reason.clone(),
                })
                .collect()
        }),
        divergences: lists.then(|| {
            ex.divergences
                .iter()
                .map(|d| JDivergence {
                    expected: show.json(&d.expected),
                    actual: show.json(&d.actual),
                    params: params_json(&d.input, &ex.inputs),
                })
                .collect()
        }),
        coverage: JCoverage {
            directions_covered: covered,
            directions_total: total,
            sites: sites.len(),
            never_taken: uncovered(ex, sites),
        },
        stop: ex.stop_name(),
        complete: ex.is_complete(),
        cuts: ex
            .cuts()
            .into_iter()
            .map(|c| JCut {
                reason: c.reason,
                count: c.count,
            })
            .collect(),
        stats: JStats {
            runs: st.runs,
            elapsed_ms: st.elapsed.as_secs_f64() * 1000.0,
            queries: st.solver.queries,
            backend_calls: st.solver.backend_calls,
            cache_hits: st.solver.cache_hits,
            model_reuse: st.solver.model_reuse,
            rejected_models: st.solver.rejected_models,
            sliced_away: st.solver.sliced_away,
            solver_ms: st.solver.backend_time.as_secs_f64() * 1000.0,
            depth_cut_paths: st.depth_cut_paths,
            concretisations: st.concretisations,
            open_directions: st.frontier_left,
            peak_rss_kib: crate::sysinfo::peak_rss_kib(),
            backend: st
                .solver
                .backend_counters
                .iter()
                .map(|(k, v)| ((*k).to_string(), Json::from(*v)))
                .collect(),
        },
        external: o.external.as_ref().map(|e| JExternal {
            calls: e.calls,
            values: e.values,
            jobs: e.jobs,
            failed: e.failed,
            by_target: e.by_target.clone(),
        }),
        cpython_check: o.cpython_check.as_ref().map(|c| JCheck {
            compared: c.compared,
            disagreements: c
                .disagreements
                .iter()
                .map(|(a, i, c)| JDisagreement {
                    args: a.clone(),
                    interpreter: i.clone(),
                    cpython: c.clone(),
                })
                .collect(),
        }),
    };
    serde_json::to_string_pretty(&report)
}
