//! The last phase: candidates with a plain answer become tests, and the
//! generated ones are minimised by set cover over what each one covers.

use std::collections::BTreeSet;

use symtest_explore::SiteId;
use symtest_python::Program;
use symtest_sandbox::CallResult;

use crate::candidates::Candidate;
use crate::minimise::greedy_cover;
use crate::model::{Origin, SelectionStats, TestCase};
use crate::probe::Probed;

/// Branch directions `(site, taken)` a run of the reference took in CPython.
type Hits = BTreeSet<(u32, bool)>;

/// What a test covers, for the set cover.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Item {
    Branch(u32, bool),
    Condition(u32, bool),
    Pair([(u32, bool); 2]),
    Output(String),
    Edge(u32, bool),
}

/// A candidate with its answer, before minimisation.
struct Scored {
    test: TestCase,
    items: BTreeSet<Item>,
    hits: Hits,
}

/// The tests kept and what they cover.
pub(crate) struct Selected {
    /// The dataset's tests first, then the generated ones kept.
    pub tests: Vec<TestCase>,
    /// What was kept and dropped, and the coverage.
    pub stats: SelectionStats,
}

/// Options of the selection.
pub(crate) struct SelectOptions {
    /// Keep inputs on which the reference raises.
    pub keep_raising: bool,
    /// Keep every generated test instead of a set cover.
    pub no_minimise: bool,
}

/// Turns answered candidates into tests and keeps a set cover of the
/// generated ones (every dataset test stays).
pub(crate) fn select(
    program: &Program,
    candidates: Vec<Candidate>,
    expected: Vec<CallResult>,
    probed: Vec<Option<Probed>>,
    sites: &[SiteId],
    opts: &SelectOptions,
) -> Selected {
    let (scored, dropped_raising, dropped_other) =
        score(candidates, expected, probed, opts.keep_raising);
    let generated: Vec<usize> = (0..scored.len())
        .filter(|&i| scored[i].test.origin != Origin::Dataset)
        .collect();
    let keep: BTreeSet<usize> = if opts.no_minimise {
        generated.iter().copied().collect()
    } else {
        let items: Vec<BTreeSet<Item>> =
            generated.iter().map(|&i| scored[i].items.clone()).collect();
        greedy_cover(&items)
            .into_iter()
            .map(|k| generated[k])
            .collect()
    };
    let branches: BTreeSet<(u32, bool)> = sites
        .iter()
        .flat_map(|s| [(s.0, true), (s.0, false)])
        .collect();
    let mut covered = BTreeSet::new();
    let mut covered_generated = BTreeSet::new();
    let mut tests = Vec::new();
    let mut out = SelectionStats {
        dropped_raising,
        dropped_other,
        branches: branches.len(),
        ..SelectionStats::default()
    };
    for (i, s) in scored.into_iter().enumerate() {
        let dataset = s.test.origin == Origin::Dataset;
        if !dataset && !keep.contains(&i) {
            continue;
        }
        covered.extend(s.hits.iter().copied());
        if dataset {
            out.dataset_tests += 1;
        } else {
            covered_generated.extend(s.hits.iter().copied());
            out.generated_tests += 1;
        }
        tests.push(s.test);
    }
    out.covered = branches.intersection(&covered).count();
    out.covered_generated = branches.intersection(&covered_generated).count();
    out.missed = branches
        .difference(&covered)
        .map(|&(s, d)| format!("{} {d}", program.sites().describe(SiteId(s))))
        .collect();
    Selected { tests, stats: out }
}

/// The candidates with a plain result (or, with `keep_raising`, an
/// expected raise), with what each covers; and how many were dropped
/// because the reference raised, or for another reason.
fn score(
    candidates: Vec<Candidate>,
    expected: Vec<CallResult>,
    probed: Vec<Option<Probed>>,
    keep_raising: bool,
) -> (Vec<Scored>, usize, usize) {
    let mut out = Vec::new();
    let (mut dropped_raising, mut dropped_other) = (0, 0);
    for ((c, r), p) in candidates.into_iter().zip(expected).zip(probed) {
        let (expected, raises, ref_ms) = match r {
            CallResult::Returned { value, ms, .. } => (Some(value), None, ms),
            CallResult::Raised { type_name, .. } if keep_raising => (None, Some(type_name), 0.0),
            CallResult::Raised { .. } => {
                dropped_raising += 1;
                continue;
            }
            _ => {
                dropped_other += 1;
                continue;
            }
        };
        let hits = p.map(|p| p.hits).unwrap_or_default();
        let mut items: BTreeSet<Item> = hits.iter().map(|&(s, d)| Item::Branch(s, d)).collect();
        items.insert(Item::Output(match (&expected, &raises) {
            (Some(v), _) => v.repr(),
            (None, Some(t)) => format!("raise {t}"),
            (None, None) => String::new(),
        }));
        items.extend(c.edges.iter().map(|&(s, d)| Item::Edge(s, d)));
        items.extend(c.conditions.iter().map(|&(s, d)| Item::Condition(s, d)));
        items.extend(c.pairs.iter().map(|&p| Item::Pair(p)));
        out.push(Scored {
            test: TestCase {
                args: c.args,
                expected,
                raises,
                origin: c.origin,
                path: c.path,
                ref_ms,
            },
            items,
            hits,
        });
    }
    (out, dropped_raising, dropped_other)
}
