//! Whether an exploration found every path there is, and if not, why not:
//! a budget that stopped the search, or a bound or unsupported construct
//! that cut paths short while the search itself ran to the end.

use crate::explorer::Exploration;
use crate::path::StopReason;
use crate::subject::Outcome;

/// The prefix a frontend gives a stop on a construct it does not model.
pub const UNSUPPORTED: &str = "unsupported: ";

/// One reason the paths found may not be all there are, with how many
/// paths (or directions) it concerns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cut {
    /// What cut them: `depth bound (256 branches)`, a frontend's stop
    /// message (`recursion deeper than 200 calls`, `unsupported: ...`),
    /// `undecided by the solver`.
    pub reason: String,
    /// How many paths (for the solver: directions) it cut.
    pub count: u64,
}

impl Exploration {
    /// Every bound, unsupported construct or undecided query that cut a
    /// path, most frequent first. Runs stopped because their input broke a
    /// precondition are not cuts: no wanted input takes them.
    pub fn cuts(&self) -> Vec<Cut> {
        let mut cuts: Vec<Cut> = Vec::new();
        let mut add = |reason: String, n: u64| match cuts.iter_mut().find(|c| c.reason == reason) {
            Some(c) => c.count += n,
            None => cuts.push(Cut { reason, count: n }),
        };
        if self.stats.depth_cut_paths > 0 {
            add(
                format!("depth bound ({} branches)", self.max_depth),
                self.stats.depth_cut_paths,
            );
        }
        for p in &self.paths {
            if let Outcome::Stopped(why) = &p.outcome
                && !p.constraint.breaks_assumption()
            {
                add(why.clone(), 1);
            }
        }
        if !self.unknown.is_empty() {
            add(
                "undecided by the solver".to_string(),
                self.unknown.len() as u64,
            );
        }
        cuts.sort_by(|a, b| b.count.cmp(&a.count).then(a.reason.cmp(&b.reason)));
        cuts
    }

    /// True when the search ran to the end and nothing cut a path: the
    /// paths found are every path there is.
    pub fn is_complete(&self) -> bool {
        self.stop.is_complete() && self.cuts().is_empty()
    }

    /// The first construct the frontend did not model (`unsupported: ...`),
    /// if a path stopped on one.
    pub fn unsupported(&self) -> Option<&str> {
        self.paths.iter().find_map(|p| match &p.outcome {
            Outcome::Stopped(why) if why.starts_with(UNSUPPORTED) => Some(why.as_str()),
            _ => None,
        })
    }

    /// Why the exploration stopped, in a short phrase for reports: the
    /// unsupported construct that cut a path (`unsupported: ...`); else the
    /// budget that stopped it; `all branches explored` only when it is true
    /// and nothing cut a path; else `search finished; paths cut`.
    pub fn stop_text(&self) -> String {
        if let Some(u) = self.unsupported() {
            return u.to_string();
        }
        if !self.stop.is_complete() {
            return self.stop.describe().to_string();
        }
        if self.cuts().is_empty() {
            self.stop.describe().to_string()
        } else {
            "search finished; paths cut (see the cuts)".to_string()
        }
    }

    /// [`Self::stop_text`] as a name for machines: the [`StopReason`]'s
    /// name, or `unsupported: ...` when an exhausted search met an
    /// unsupported construct.
    pub fn stop_name(&self) -> String {
        if self.stop == StopReason::Exhausted
            && let Some(u) = self.unsupported()
        {
            return u.to_string();
        }
        self.stop.name().to_string()
    }
}
