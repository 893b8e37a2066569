//! The last phase: candidates with a plain answer become tests, and the
//! generated ones are minimised by set cover over what each one covers.

use std::collections::BTreeSet;

use symtest_explore::SiteId;
use symtest_python::Program;
use symtest_sandbox::{CallResult, PyValue};

use crate::candidates::Candidate;
use crate::minimise::{greedy_cover, greedy_cover_beyond};
use crate::model::{Origin, SelectionStats, TestCase};
use crate::probe::Probed;

/// The kind of data item `probe.py` notes for a mutant an input tells apart.
const MUTANT: &str = "mut";

/// Branch directions `(site, taken)` a run of the reference took in CPython.
type Hits = BTreeSet<(u32, bool)>;

/// What a test covers, for the set cover.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Item {
    Branch(u32, bool),
    /// A branch direction taken on the way to a kind of answer: the answer
    /// `'Yes'` through the `else` of a loop's test, not only through its
    /// `if`.
    BranchTo(u32, bool, String),
    Condition(u32, bool),
    Pair([(u32, bool); 2]),
    Output(String),
    Edge(u32, bool),
    Data(String, u32, String),
    /// The answer itself (its `repr`), which the cover counts only in a
    /// second tier: see [`kept`].
    Answer(String),
    /// The path an input follows in the interpreter, counted only for the
    /// dataset's tests: see [`kept`].
    Path(String),
}

/// A candidate with its answer, before minimisation.
struct Scored {
    test: TestCase,
    items: BTreeSet<Item>,
    /// `Item::Answer` of its answer.
    answer: Item,
    /// `Item::Path` of the path it follows, when known.
    path: Option<Item>,
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
/// generated ones; then the dataset's tests that add an item the generated
/// tests kept do not cover (the generated tests make a suite on their own,
/// and the whole suite keeps only tests that add something).
pub(crate) fn select(
    program: &Program,
    candidates: Vec<Candidate>,
    expected: Vec<CallResult>,
    probed: Vec<Option<Probed>>,
    sites: &[SiteId],
    opts: &SelectOptions,
) -> Selected {
    let mutants = probed
        .iter()
        .flatten()
        .map(|p| p.mutants)
        .max()
        .unwrap_or(0);
    let (scored, dropped_raising, dropped_other) =
        score(candidates, expected, probed, opts.keep_raising);
    let keep = kept(&scored, opts.no_minimise);
    let told = |which: &mut dyn Iterator<Item = &Scored>| -> usize {
        which
            .flat_map(|s| s.items.iter())
            .filter(|i| matches!(i, Item::Data(kind, _, _) if kind == MUTANT))
            .collect::<BTreeSet<_>>()
            .len()
    };
    let mutants_found = told(&mut scored.iter());
    let mutants_told =
        told(&mut scored.iter().enumerate().filter_map(|(i, s)| {
            (keep.contains(&i) && s.test.origin != Origin::Dataset).then_some(s)
        }));
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
        mutants,
        mutants_found,
        mutants_told,
        ..SelectionStats::default()
    };
    for (i, s) in scored.into_iter().enumerate() {
        let dataset = s.test.origin == Origin::Dataset;
        if !keep.contains(&i) {
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

/// The indices of the tests kept. First a set cover of the generated tests
/// over what they cover (branches, decisions, edges, the probes' data
/// criteria, the kind of answer); then, in a second tier, generated tests
/// whose answer no kept test gives, at most as many as the first tier kept
/// (distinct answers stand for input variety the criteria do not name, but
/// on a function with many answers they would keep a test per path); then
/// the dataset's tests that add an item, an answer or a path to all those
/// (a path counts only there: each generated input has a path of its own).
fn kept(scored: &[Scored], no_minimise: bool) -> BTreeSet<usize> {
    if no_minimise {
        return (0..scored.len()).collect();
    }
    let (dataset, generated): (Vec<usize>, Vec<usize>) =
        (0..scored.len()).partition(|&i| scored[i].test.origin == Origin::Dataset);
    let items = |of: &[usize]| -> Vec<BTreeSet<Item>> {
        of.iter()
            .map(|&i| {
                let mut set = scored[i].items.clone();
                set.insert(scored[i].answer.clone());
                set.extend(scored[i].path.clone());
                set
            })
            .collect()
    };
    let first: Vec<usize> = greedy_cover(
        &generated
            .iter()
            .map(|&i| scored[i].items.clone())
            .collect::<Vec<_>>(),
    )
    .into_iter()
    .map(|k| generated[k])
    .collect();
    let mut answers: BTreeSet<&Item> = first.iter().map(|&i| &scored[i].answer).collect();
    let mut keep: BTreeSet<usize> = first.iter().copied().collect();
    let mut extra = 0;
    for &i in &generated {
        if extra >= first.len() {
            break;
        }
        if !keep.contains(&i) && answers.insert(&scored[i].answer) {
            keep.insert(i);
            extra += 1;
        }
    }
    let covered: BTreeSet<Item> = items(&keep.iter().copied().collect::<Vec<_>>())
        .into_iter()
        .flatten()
        .collect();
    keep.extend(
        greedy_cover_beyond(&items(&dataset), covered)
            .into_iter()
            .map(|k| dataset[k]),
    );
    keep
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
        let (hits, data) = p.map(|p| (p.hits, p.data)).unwrap_or_default();
        let mut items: BTreeSet<Item> = hits.iter().map(|&(s, d)| Item::Branch(s, d)).collect();
        items.extend(data.into_iter().map(|(k, p, w)| Item::Data(k, p, w)));
        let (kind, answer) = match (&expected, &raises) {
            (Some(v), _) => (shape(v), v.repr()),
            (None, Some(t)) => (format!("raise {t}"), format!("raise {t}")),
            (None, None) => (String::new(), String::new()),
        };
        items.extend(
            hits.iter()
                .map(|&(s, d)| Item::BranchTo(s, d, kind.clone())),
        );
        items.insert(Item::Output(kind));
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
            answer: Item::Answer(answer),
            path: c.followed.map(Item::Path),
            hits,
        });
    }
    (out, dropped_raising, dropped_other)
}

/// What kind of answer a test expects, for the set cover: the type, the
/// sign (or zero) of a number, a short text itself, whether a longer text
/// or a container is empty, holds one item or more. Distinct answers of one kind add nothing: counting each
/// value kept a test for every path whose answer was new.
fn shape(v: &PyValue) -> String {
    let size = |n: usize| match n {
        0 => "0",
        1 => "1",
        _ => "n",
    };
    match v {
        PyValue::Bool(b) => b.to_string(),
        PyValue::Int(i) => format!("int {}", i.sign() as i8),
        PyValue::Float(f) if f.is_nan() => "float nan".to_string(),
        PyValue::Float(f) => format!("float {}", f.partial_cmp(&0.0).map_or(0, |o| o as i8)),
        // A short text is often one of a few answers ('Yes', 'NO', 'A+').
        PyValue::Str(s) if s.chars().count() <= 8 => v.repr(),
        PyValue::Str(s) => format!("str {}", size(s.chars().count())),
        PyValue::List(xs) => format!("list {}", size(xs.len())),
        PyValue::Tuple(xs) => format!("tuple {}", size(xs.len())),
        PyValue::Dict(xs) => format!("dict {}", size(xs.len())),
        PyValue::Set(xs) | PyValue::FrozenSet(xs) => format!("set {}", size(xs.len())),
        other => other.repr(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape_of(literal: &str) -> String {
        shape(&PyValue::parse(literal).expect("literal"))
    }

    #[test]
    fn answers_of_one_kind_share_a_shape() {
        assert_eq!(shape_of("3"), shape_of("70"));
        assert_ne!(shape_of("3"), shape_of("0"));
        assert_ne!(shape_of("-3"), shape_of("3"));
        assert_eq!(shape_of("[1, 2]"), shape_of("[5, 6, 7]"));
        assert_ne!(shape_of("[]"), shape_of("[1]"));
        assert_eq!(
            shape_of("'a long answer here'"),
            shape_of("'another long one'")
        );
        assert_ne!(shape_of("'Yes'"), shape_of("'No'"));
        assert_ne!(shape_of("True"), shape_of("False"));
    }
}
