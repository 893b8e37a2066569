//! One finding at a time: where it is in the text the earlier fixes left,
//! its candidates, and their verdicts.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use symtest_python::outline::outline;

use super::behaviour::{self, Behaviour};
use super::changes::{Changes, apply};
use super::error::FixError;
use super::finding::{Edit, Finding, offset, pos_at};
use super::fixer::Fixer;
use super::llm::LlmError;
use super::project::ModuleSpec;
use super::propose::{self, Source};
use super::report::{CandidateReport, FindingReport, Outcome};
use super::verify::Refusal;
use super::{finding, output, verify};

/// A file being worked on.
pub(crate) struct State {
    pub original: String,
    /// The original with the accepted fixes applied.
    pub text: String,
    /// The accepted fixes, as changes of the original.
    pub changes: Changes,
    /// The analyzer's findings on `text`, once asked for.
    current: Option<Vec<Finding>>,
    /// The analyzer's findings on the original.
    baseline: Option<Vec<Finding>>,
    /// Findings of `current` already taken for an earlier finding.
    claimed: HashSet<(String, usize, usize)>,
    /// `E711 at 3:8` of each finding fixed, by index.
    labels: HashMap<usize, String>,
    /// How the sandbox imports the file.
    pub module: ModuleSpec,
    /// Rule and byte range in the original of every finding of the file.
    pub originals: Vec<(String, (usize, usize))>,
}

/// Where a finding of the original is in the current text.
enum Located {
    At(Finding),
    Resolved(String),
    Lost(String),
}

impl State {
    pub fn new(original: &str, module: ModuleSpec) -> State {
        State {
            module,
            original: original.to_string(),
            text: original.to_string(),
            changes: Changes::default(),
            current: None,
            baseline: None,
            claimed: HashSet::new(),
            labels: HashMap::new(),
            originals: Vec::new(),
        }
    }

    fn locate(&mut self, f: &Finding, current: Option<&[Finding]>) -> Located {
        let (s, e) = f.span(&self.original);
        let touched = self.changes.touches(s, e);
        let (cs, ce) = self.changes.span(s, e);
        let Some(current) = current else {
            // Nothing re-runs the analyzer: the finding as given, moved.
            if touched {
                return Located::Lost(
                    "an earlier fix changed its text, and no analyzer re-checks it (give --recheck)"
                        .into(),
                );
            }
            return Located::At(self.moved(f, cs, ce));
        };
        // Where the findings of the original that no fix touched are now:
        // those are theirs.
        let theirs: HashSet<(usize, usize)> = self
            .originals
            .iter()
            .filter(|(rule, sp)| *rule == f.rule && *sp != (s, e))
            .filter(|(_, sp)| !self.changes.touches(sp.0, sp.1))
            .map(|(_, sp)| self.changes.span(sp.0, sp.1))
            .collect();
        let free: Vec<(&Finding, (usize, usize))> = current
            .iter()
            .filter(|g| g.rule == f.rule)
            .map(|g| (g, g.span(&self.text)))
            .filter(|(g, sp)| !self.claimed.contains(&(g.rule.clone(), sp.0, sp.1)))
            .collect();
        let found = free.iter().find(|(_, sp)| *sp == (cs, ce)).or_else(|| {
            if !touched {
                return None;
            }
            // An earlier fix changed its text, and may have moved it (a
            // sorted import): the same rule and message, not another
            // finding's, nearest to where the changed text is; else the same
            // rule there.
            let same = |g: &&(&Finding, (usize, usize))| {
                g.0.message == f.message && !theirs.contains(&g.1)
            };
            free.iter()
                .filter(same)
                .min_by_key(|(_, (gs, _))| gs.abs_diff(cs))
                .or_else(|| free.iter().find(|(_, (gs, ge))| *gs <= ce && cs <= *ge))
        });
        if let Some((g, sp)) = found {
            self.claimed.insert((g.rule.clone(), sp.0, sp.1));
            let mut g = (*g).clone();
            // The log's own fix, where the fixes before left its text.
            if f.fix.is_some() && !touched {
                let given = self.moved(f, cs, ce).fix;
                if given.is_some() {
                    g.fix = given;
                }
            }
            return Located::At(g);
        }
        let seen = self
            .baseline
            .iter()
            .flatten()
            .any(|g| g.rule == f.rule && g.span(&self.original) == (s, e));
        if !seen {
            return Located::Lost(format!(
                "the analyzer that re-checks fixes does not report {} here in the original file, so it cannot tell whether a fix resolves it",
                f.rule
            ));
        }
        let by = self
            .changes
            .list()
            .iter()
            .find(|c| c.start <= e && s <= c.end)
            .and_then(|c| self.labels.get(&c.owner));
        Located::Resolved(match by {
            Some(label) => {
                format!("resolved by the fix of {label}: the analyzer no longer reports it")
            }
            None => "the analyzer no longer reports it after the earlier fixes in this file".into(),
        })
    }

    /// A finding of the original, and its fix, at their places in the
    /// current text (none of it touched by a change).
    fn moved(&self, f: &Finding, start: usize, end: usize) -> Finding {
        let mut m = f.moved(&self.text, start, end);
        if let Some(fix) = &mut m.fix {
            let mut edits = Vec::new();
            for ed in &fix.edits {
                let (a, b) = (
                    offset(&self.original, ed.start),
                    offset(&self.original, ed.end),
                );
                if self.changes.touches(a, b) {
                    m.fix = None;
                    return m;
                }
                let (x, y) = self.changes.span(a, b);
                edits.push(Edit {
                    start: pos_at(&self.text, x),
                    end: pos_at(&self.text, y),
                    content: ed.content.clone(),
                });
            }
            fix.edits = edits;
        }
        m
    }
}

impl Fixer<'_> {
    /// Finds the `k`th finding of the file in the current text and works on
    /// it; an accepted fix becomes part of the text.
    pub(crate) fn work_on(
        &self,
        path: &Path,
        state: &mut State,
        k: usize,
        f: Finding,
    ) -> Result<FindingReport, FixError> {
        let current = match self.analyzer {
            Some(a) => {
                if state.baseline.is_none() {
                    state.baseline = Some(a.check(path, &state.original)?);
                }
                if state.current.is_none() {
                    state.current = if state.changes.list().is_empty() {
                        state.baseline.clone()
                    } else {
                        Some(a.check(path, &state.text)?)
                    };
                }
                state.current.clone()
            }
            None => None,
        };
        let at = match state.locate(&f, current.as_deref()) {
            Located::At(g) => g,
            Located::Resolved(why) => {
                return Ok(FindingReport::unworked(f, Outcome::Resolved(why)));
            }
            Located::Lost(why) => return Ok(FindingReport::unworked(f, Outcome::Skipped(why))),
        };
        let fr = self.fix_one(path, state, k, f, &at, current.as_deref().unwrap_or(&[]))?;
        if let Outcome::Fixed(i) = fr.outcome {
            let text = fr.candidates[i].text.clone();
            state.changes = state.changes.then(&state.text, &text, k);
            state.text = text;
            state.current = None;
            state.claimed.clear();
            state.labels.insert(
                k,
                format!(
                    "{} at {}:{}",
                    fr.finding.rule, fr.finding.start.line, fr.finding.start.col
                ),
            );
        }
        Ok(fr)
    }

    fn fix_one(
        &self,
        path: &Path,
        state: &State,
        k: usize,
        finding: Finding,
        at: &Finding,
        current: &[Finding],
    ) -> Result<FindingReport, FixError> {
        let text = state.text.as_str();
        let ctx = propose::context(text, at);
        let mut fr = FindingReport {
            context: ctx.what.clone(),
            candidates: Vec::new(),
            outcome: Outcome::Rejected,
            notes: Vec::new(),
            changes: Vec::new(),
            finding,
        };
        let mut proposals = Vec::new();
        if self.opts.analyzer_fixes
            && let Some(p) = propose::analyzer_proposal(text, at)
        {
            proposals.push(p);
        }
        if let Some(llm) = self.llm {
            let doc = self.analyzer.and_then(|a| a.rule_doc(&at.rule));
            match propose::llm_proposals(
                llm,
                text,
                at,
                doc.as_deref(),
                &self.tool,
                self.opts.candidates,
            ) {
                Ok((ps, skipped)) => {
                    fr.notes.extend(skipped);
                    for p in ps {
                        if proposals
                            .iter()
                            .any(|q: &propose::Proposal| q.text == p.text)
                        {
                            fr.notes.push(format!(
                                "{}: the same change as the analyzer's fix",
                                p.source.describe()
                            ));
                        } else {
                            proposals.push(p);
                        }
                    }
                }
                Err(LlmError::Fatal(m)) => return Err(FixError::Llm(m)),
                Err(LlmError::Failed(m)) => fr.notes.push(m),
            }
        }
        if proposals.is_empty() {
            fr.outcome = Outcome::Skipped(if self.llm.is_some() {
                "no candidate: the analyzer has no fix and the LLM gave none".into()
            } else {
                "no candidate: the analyzer has no fix (give --llm-url for LLM candidates)".into()
            });
            return Ok(fr);
        }
        let mut cache = HashMap::new();
        let job = Job {
            path,
            k,
            at,
            current,
        };
        for p in proposals {
            let c = self.judge(state, &job, p, &mut cache)?;
            fr.candidates.push(c);
        }
        // CORE's order, behaviour first: checked and equal, then the
        // ranker's score, then the smaller change.
        let best = fr
            .candidates
            .iter()
            .enumerate()
            .filter(|(_, c)| c.accepted)
            .min_by_key(|(_, c)| {
                (
                    !matches!(c.behaviour, Some(Behaviour::Same { .. })),
                    std::cmp::Reverse(c.score.unwrap_or(0)),
                    c.diff.len(),
                )
            })
            .map(|(i, _)| i);
        fr.outcome = match best {
            Some(i) => Outcome::Fixed(i),
            None => Outcome::Rejected,
        };
        Ok(fr)
    }

    /// The re-check's refusal in a line (lines of the original); or, when
    /// every finding the candidate brings is a known follow-up of the rule
    /// and `--allow-followups` is given, what it lets through.
    fn refusal(&self, state: &State, f: &Finding, r: Refusal) -> Result<String, String> {
        let news = match r {
            Refusal::Still => {
                return Err(format!(
                    "the analyzer still reports {}: {}",
                    f.rule, f.message
                ));
            }
            Refusal::New(news) => news,
        };
        let line = |n: &verify::New| pos_at(&state.original, n.at).line;
        let known: Vec<(&verify::New, &str)> = news
            .iter()
            .filter_map(|n| Some((n, verify::follow_up(&f.rule, &n.rule)?)))
            .collect();
        if known.len() < news.len() {
            let parts: Vec<String> = news
                .iter()
                .map(|n| format!("{} at line {}: {}", n.rule, line(n), n.message))
                .collect();
            return Err(format!(
                "the analyzer reports new findings: {}",
                parts.join("; ")
            ));
        }
        let (n, reason) = known[0];
        let said = format!(
            "{} at line {}, a known follow-up of {} ({reason})",
            n.rule,
            line(n),
            f.rule
        );
        if self.opts.allow_followups {
            Ok(format!("; it brings {said}, allowed by --allow-followups"))
        } else {
            Err(format!(
                "it brings {said}; --allow-followups accepts such fixes"
            ))
        }
    }

    fn judge(
        &self,
        state: &State,
        job: &Job,
        p: propose::Proposal,
        cache: &mut HashMap<String, behaviour::Planned>,
    ) -> Result<CandidateReport, FixError> {
        let Job {
            path,
            k,
            at: f,
            current,
        } = *job;
        let name = path.to_string_lossy();
        let combined = state.changes.then(&state.text, &p.text, k);
        let changes = combined.of(k);
        let diff = output::unified(&state.original, &apply(&state.original, &changes), &name);
        let mut c = CandidateReport {
            source: p.source,
            text: p.text,
            changes,
            diff,
            verifier: None,
            behaviour: None,
            score: None,
            accepted: false,
            why: String::new(),
        };
        if let Err(e) = outline(&c.text) {
            c.verifier = Some(format!("does not parse: line {}: {}", e.line, e.message));
            c.why = c.verifier.clone().unwrap_or_default();
            return Ok(c);
        }
        let mut note = String::new();
        if let Some(a) = self.analyzer {
            let after = a.check(path, &c.text)?;
            let place = |fs: &[Finding], changes: &Changes, text: &str| -> Vec<usize> {
                fs.iter()
                    .map(|g| changes.to_original(g.span(text).0))
                    .collect()
            };
            let (pb, pa) = (
                place(current, &state.changes, &state.text),
                place(&after, &combined, &c.text),
            );
            let before: Vec<verify::Placed> = current.iter().zip(pb).collect();
            let placed: Vec<verify::Placed> = after.iter().zip(pa).collect();
            let fixed_at = state.changes.to_original(f.span(&state.text).0);
            match verify::recheck(&before, &placed, f, fixed_at) {
                Ok(()) => {}
                Err(r) => match self.refusal(state, f, r) {
                    Ok(allowed) => note = allowed,
                    Err(why) => {
                        c.verifier = Some(why.clone());
                        c.why = why;
                        return Ok(c);
                    }
                },
            }
        }
        let b = behaviour::check(
            self.pool,
            &state.module,
            &state.text,
            &c.text,
            f.start.line,
            &self.opts.check,
            cache,
        );
        if let Some(llm) = self.llm {
            match propose::rank(llm, f, &self.tool, &c.diff) {
                Ok(s) => c.score = Some(s),
                Err(LlmError::Fatal(m)) => return Err(FixError::Llm(m)),
                Err(LlmError::Failed(m)) => c.why = format!("ranker: {m}; "),
            }
        }
        let safe = c.source == Source::Analyzer(finding::Applicability::Safe);
        let (accepted, why) = verdict(&b, self.opts.accept_unchecked || safe);
        c.behaviour = Some(b);
        let ranked_out = c.score.is_some_and(|s| s <= 1);
        c.accepted = accepted && !ranked_out;
        c.why.push_str(&why);
        c.why.push_str(&note);
        if accepted && ranked_out {
            c.why.push_str(&format!(
                "; the ranker rejects it ({}/3)",
                c.score.unwrap_or(0)
            ));
        }
        Ok(c)
    }
}

/// The candidate at hand: the file, the finding's index, where it is in
/// the current text, and what the analyzer reports there.
#[derive(Clone, Copy)]
struct Job<'a> {
    path: &'a Path,
    k: usize,
    at: &'a Finding,
    current: &'a [Finding],
}

/// Whether a behaviour verdict lets a candidate through, and why, in a line.
fn verdict(b: &Behaviour, unchecked_ok: bool) -> (bool, String) {
    match b {
        Behaviour::Differs(w) => (
            false,
            format!(
                "behaviour differs: {}: original {}, candidate {}",
                w.call, w.original, w.candidate
            ),
        ),
        Behaviour::NotChecked { why } if !unchecked_ok => (
            false,
            format!(
                "behaviour not checked ({}); --accept-unchecked accepts such candidates",
                output::cut(why, 200)
            ),
        ),
        Behaviour::NotChecked { why } => (
            true,
            format!("behaviour not checked ({})", output::cut(why, 200)),
        ),
        Behaviour::Same { checked, varying } => {
            let n: usize = checked.iter().map(|k| k.inputs).sum();
            let mut why = if checked.is_empty() {
                "the module loads the same way; no function changed".to_string()
            } else {
                format!(
                    "same behaviour on {n} inputs of {}",
                    output::some_of(checked.iter().map(|k| k.target.as_str()), 3)
                )
            };
            if *varying > 0 {
                why.push_str(&format!(
                    " ({varying} of the original's results vary between two runs of it; what varies was not compared)"
                ));
            }
            (true, why)
        }
    }
}
