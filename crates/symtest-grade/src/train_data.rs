//! Training data from graded samples: DPO preference pairs in TRL's format
//! (`prompt, chosen, rejected`) and CodeRL's critic data (`prompt,
//! completion, label`).

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::Serialize;

use crate::{Outcome, Status};
use symtest_formats::dataset::Problem;
use symtest_formats::samples::Sample;

/// A DPO preference pair in TRL's format: a passing completion over a
/// failing one of the same prompt.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Pair {
    /// The problem as the model was shown it.
    pub prompt: String,
    /// The passing completion.
    pub chosen: String,
    /// The failing completion.
    pub rejected: String,
    /// Where the pair comes from, when asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub meta: Option<PairMeta>,
}

/// Where a preference pair comes from.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct PairMeta {
    /// The problem.
    pub task_id: String,
    /// The chosen sample's id.
    pub chosen_id: String,
    /// The rejected sample's id.
    pub rejected_id: String,
    /// The chosen reward minus the rejected one.
    pub margin: f64,
    /// The rejected sample's verdict.
    pub rejected_status: Status,
}

/// A row of CodeRL's critic data: a completion and its verdict's label.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct CriticRow {
    /// The problem as the model was shown it.
    pub prompt: String,
    /// The graded completion.
    pub completion: String,
    /// CodeRL: 0 compile error, 1 runtime error (or timeout), 2 failed test, 3 passed.
    pub label: u8,
    /// The problem, when asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub task_id: Option<String>,
    /// The sample, when asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sample_id: Option<String>,
}

/// Samples joined with their verdicts, grouped by problem. Left out and
/// counted: samples with no outcome (not graded yet), with a grader error
/// (no verdict), or whose outcome was given for another text of the
/// completion (the samples file changed since).
pub struct Joined<'a> {
    /// Each problem's samples with their outcomes, in samples-file order.
    pub by_task: BTreeMap<&'a str, Vec<(&'a Sample, &'a Outcome)>>,
    /// Samples with no outcome.
    pub ungraded: usize,
    /// Samples whose outcome is a grader error.
    pub grader_errors: usize,
    /// Samples whose outcome was given on another text of the completion.
    pub stale: usize,
}

impl<'a> Joined<'a> {
    /// Each problem with its samples and their outcomes, for the problems
    /// among `problems` (the others' samples are left out).
    fn with_problems<'p>(
        &'p self,
        problems: &'p BTreeMap<String, Problem>,
    ) -> impl Iterator<Item = (&'a str, &'p Problem, &'p [(&'a Sample, &'a Outcome)])> {
        self.by_task
            .iter()
            .filter_map(|(task, rows)| Some((*task, problems.get(*task)?, rows.as_slice())))
    }
}

/// The reward of a joined outcome (every one has a verdict).
fn reward(o: &Outcome) -> f64 {
    o.reward.unwrap_or(0.0)
}

/// Joins samples with their outcomes by `(task_id, sample_id)`.
pub fn join<'a>(samples: &'a [Sample], outcomes: &'a [Outcome]) -> Joined<'a> {
    let index: HashMap<(&str, &str), &Outcome> = outcomes
        .iter()
        .map(|o| ((o.task_id.as_str(), o.sample_id.as_str()), o))
        .collect();
    let mut by_task: BTreeMap<&str, Vec<(&Sample, &Outcome)>> = BTreeMap::new();
    let (mut ungraded, mut grader_errors, mut stale) = (0, 0, 0);
    for s in samples {
        match index.get(&(s.task_id.as_str(), s.sample_id.as_str())) {
            None => ungraded += 1,
            Some(o) if !o.status.is_verdict() => grader_errors += 1,
            Some(o)
                if o.completion_sha256
                    .as_ref()
                    .is_some_and(|h| *h != crate::sha256_hex(&[s.completion.as_bytes()])) =>
            {
                stale += 1
            }
            Some(o) => by_task.entry(&s.task_id).or_default().push((s, o)),
        }
    }
    Joined {
        by_task,
        ungraded,
        grader_errors,
        stale,
    }
}

/// CodeRL's reward, used to order rejected samples when the recorded reward
/// does not separate them (binary rewards): a compile error is further from
/// a pass than a wrong answer.
fn severity(s: Status) -> f64 {
    crate::RewardKind::Coderl.reward(s, 0, 1).unwrap_or(0.0)
}

/// Preference pairs: a passing completion over a failing one of the same
/// problem, the largest reward margins first, at most `cap` per problem,
/// each rejected sample used once before any is reused, identical texts never
/// paired.
pub fn pairs(
    joined: &Joined<'_>,
    problems: &BTreeMap<String, Problem>,
    cap: usize,
    with_meta: bool,
) -> Vec<Pair> {
    let mut out = Vec::new();
    for (task, problem, rows) in joined.with_problems(problems) {
        let mut chosen: Vec<&(&Sample, &Outcome)> = rows
            .iter()
            .filter(|(_, o)| o.status == Status::Passed)
            .collect();
        let mut rejected: Vec<&(&Sample, &Outcome)> = rows
            .iter()
            .filter(|(_, o)| o.status != Status::Passed)
            .collect();
        if chosen.is_empty() || rejected.is_empty() {
            continue;
        }
        chosen.sort_by(|a, b| {
            reward(b.1)
                .total_cmp(&reward(a.1))
                .then_with(|| a.0.sample_id.cmp(&b.0.sample_id))
        });
        rejected.sort_by(|a, b| {
            reward(a.1)
                .total_cmp(&reward(b.1))
                .then_with(|| severity(a.1.status).total_cmp(&severity(b.1.status)))
                .then_with(|| a.0.sample_id.cmp(&b.0.sample_id))
        });
        let mut seen: HashSet<(&str, &str)> = HashSet::new();
        let mut made = 0;
        'rounds: for round in 0..chosen.len() {
            for (i, r) in rejected.iter().enumerate() {
                if made >= cap {
                    break 'rounds;
                }
                let c = chosen[(i + round) % chosen.len()];
                if c.0.completion == r.0.completion
                    || !seen.insert((&c.0.sample_id, &r.0.sample_id))
                {
                    continue;
                }
                out.push(Pair {
                    prompt: problem.prompt.clone(),
                    chosen: c.0.completion.clone(),
                    rejected: r.0.completion.clone(),
                    meta: with_meta.then(|| PairMeta {
                        task_id: task.to_string(),
                        chosen_id: c.0.sample_id.clone(),
                        rejected_id: r.0.sample_id.clone(),
                        margin: reward(c.1) - reward(r.1),
                        rejected_status: r.1.status,
                    }),
                });
                made += 1;
            }
        }
    }
    out
}

/// One critic row per graded sample.
pub fn critic_rows(
    joined: &Joined<'_>,
    problems: &BTreeMap<String, Problem>,
    with_meta: bool,
) -> Vec<CriticRow> {
    let mut out = Vec::new();
    for (task, problem, rows) in joined.with_problems(problems) {
        for (s, o) in rows {
            let Some(label) = o.status.critic_label() else {
                continue;
            };
            out.push(CriticRow {
                prompt: problem.prompt.clone(),
                completion: s.completion.clone(),
                label,
                task_id: with_meta.then(|| task.to_string()),
                sample_id: with_meta.then(|| s.sample_id.clone()),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use symtest_formats::dataset::Tests;

    fn sample(id: &str, text: &str) -> Sample {
        Sample {
            task_id: "t".into(),
            sample_id: id.into(),
            completion: text.into(),
            line: 1,
        }
    }

    fn outcome(id: &str, status: Status, reward: f64) -> Outcome {
        Outcome {
            task_id: "t".into(),
            sample_id: id.into(),
            status,
            passed: 0,
            total: 1,
            reward: Some(reward),
            first_failure: None,
            ms: 0.0,
            completion_sha256: None,
            graded_sha256: None,
        }
    }

    fn problems() -> BTreeMap<String, Problem> {
        let mut m = BTreeMap::new();
        m.insert(
            "t".into(),
            Problem {
                task_id: "t".into(),
                prompt: "P".into(),
                prefix: String::new(),
                reference: None,
                entry_point: None,
                tests: Tests::Stdio { cases: vec![] },
            },
        );
        m
    }

    #[test]
    fn pairs_prefer_large_margins_and_respect_the_cap() {
        let samples = vec![
            sample("good", "ok"),
            sample("good2", "ok too"),
            sample("wrong", "w"),
            sample("broken", "b"),
            sample("crash", "c"),
            sample("same", "ok"),
        ];
        let outcomes = vec![
            outcome("good", Status::Passed, 1.0),
            outcome("good2", Status::Passed, 1.0),
            outcome("wrong", Status::Failed, -0.3),
            outcome("broken", Status::CompileError, -1.0),
            outcome("crash", Status::RuntimeError, -0.6),
            outcome("same", Status::Failed, -0.3),
        ];
        let joined = join(&samples, &outcomes);
        let ps = pairs(&joined, &problems(), 3, true);
        assert_eq!(ps.len(), 3);
        let rejected: Vec<&str> = ps
            .iter()
            .map(|p| p.meta.as_ref().unwrap().rejected_id.as_str())
            .collect();
        // "same" has the chosen sample's very text: it is skipped, not paired.
        assert_eq!(rejected, ["broken", "crash", "wrong"]);
        assert!(ps.iter().all(|p| p.chosen != p.rejected));
        assert!(ps.iter().all(|p| p.prompt == "P"));
        let all = pairs(&joined, &problems(), 100, false);
        // 2 chosen x 4 rejected, minus the pair with identical text.
        assert_eq!(all.len(), 7);
        let critic = critic_rows(&joined, &problems(), false);
        let labels: Vec<u8> = critic.iter().map(|c| c.label).collect();
        assert_eq!(labels, [3, 3, 2, 0, 1, 2]);
    }

    #[test]
    fn verdicts_on_other_texts_and_grader_errors_make_no_training_data() {
        let samples = vec![sample("a", "new text"), sample("b", "x"), sample("c", "y")];
        let mut stale = outcome("a", Status::Passed, 1.0);
        stale.completion_sha256 = Some(crate::sha256_hex(&[b"old text"]));
        let mut lost = outcome("b", Status::GraderError, 0.0);
        lost.reward = None;
        let outcomes = vec![stale, lost, outcome("c", Status::Failed, 0.0)];
        let joined = join(&samples, &outcomes);
        assert_eq!(
            (joined.stale, joined.grader_errors, joined.ungraded),
            (1, 1, 0)
        );
        let critic = critic_rows(&joined, &problems(), true);
        assert_eq!(critic.len(), 1);
        assert_eq!(critic[0].sample_id.as_deref(), Some("c"));
        assert!(pairs(&joined, &problems(), 10, false).is_empty());
    }
}
