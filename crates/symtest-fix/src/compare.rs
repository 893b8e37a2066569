//! Comparing what the candidate did with what the original did twice: what
//! differs between the original's two runs (a time, an address, the order
//! of a set of strings) is not held against the candidate.

use symtest_sandbox::{CallResult, PyValue, Tolerance, py_eq};

/// How a candidate's value compares with the original's two.
#[derive(Debug, PartialEq)]
pub enum Cmp {
    /// Equal to the original's, which is the same in both runs.
    Same,
    /// Equal wherever the original's two runs agree; the rest varies.
    Varies,
    /// Different where the original's runs agree: where (a path of
    /// indices and keys, `""` at the top), the original's part and the
    /// candidate's.
    Differs(String, PyValue, PyValue),
    /// A different kind of result (raises where the original returns).
    Kind,
}

fn eq(a: &PyValue, b: &PyValue) -> bool {
    py_eq(a, b, Tolerance::EXACT)
}

fn join(out: Cmp, next: Cmp) -> Cmp {
    match (out, next) {
        (d @ (Cmp::Differs(..) | Cmp::Kind), _) | (_, d @ (Cmp::Differs(..) | Cmp::Kind)) => d,
        (Cmp::Varies, _) | (_, Cmp::Varies) => Cmp::Varies,
        _ => Cmp::Same,
    }
}

fn at(path: &str, step: &str) -> String {
    if path.is_empty() {
        step.to_string()
    } else {
        format!("{path}{step}")
    }
}

/// How long a value may be to be shown whole in a witness.
const SHORT: usize = 100;

/// Whether two values are containers a comparison can go into together.
fn same_shape(a: &PyValue, b: &PyValue) -> bool {
    use PyValue::{Dict, List, Tuple};
    match (a, b) {
        (Tuple(x), Tuple(y)) | (List(x), List(y)) => x.len() == y.len(),
        (Dict(_), Dict(_)) => true,
        _ => false,
    }
}

/// The fields of an object as the harness gives it
/// (`("<object>", class, ((name, value), ...))`).
fn fields(v: &PyValue) -> Option<Vec<(&str, &PyValue)>> {
    let PyValue::Tuple(t) = v else { return None };
    let [PyValue::Str(tag), PyValue::Str(_), PyValue::Tuple(pairs)] = t.as_slice() else {
        return None;
    };
    if tag != "<object>" {
        return None;
    }
    pairs
        .iter()
        .map(|p| match p {
            PyValue::Tuple(kv) => match kv.as_slice() {
                [PyValue::Str(k), v] => Some((k.as_str(), v)),
                _ => None,
            },
            _ => None,
        })
        .collect()
}

/// A key one dict has and another lacks.
fn absent() -> PyValue {
    PyValue::Str("<absent>".into())
}

/// `c` against the original's `o1` and `o2`, part by part. Where the
/// original's runs agree, a difference is shown at most `depth` levels
/// down (the part of a result, the global of a module).
pub fn values(o1: &PyValue, o2: &PyValue, c: &PyValue, depth: usize) -> Cmp {
    values_at(o1, o2, c, "", depth)
}

fn values_at(o1: &PyValue, o2: &PyValue, c: &PyValue, path: &str, depth: usize) -> Cmp {
    let stable = eq(o1, o2);
    if stable && eq(o1, c) {
        return Cmp::Same;
    }
    // Shown whole where it reads in a line; a long one is followed down to
    // the part that differs.
    if stable && depth == 0 && (o1.repr_capped(SHORT).len() < SHORT || !same_shape(o1, c)) {
        return Cmp::Differs(path.to_string(), o1.clone(), c.clone());
    }
    let depth = depth.saturating_sub(1);
    use PyValue::{Dict, List, Tuple};
    let mut out = Cmp::Same;
    // An object as the harness gives it: its fields by name.
    if let (Some(x), Some(y), Some(z)) = (fields(o1), fields(o2), fields(c))
        && x.len() == y.len()
        && y.len() == z.len()
        && x.iter()
            .zip(&y)
            .zip(&z)
            .all(|((a, b), d)| a.0 == b.0 && b.0 == d.0)
    {
        for ((a, b), d) in x.iter().zip(&y).zip(&z) {
            out = join(
                out,
                values_at(a.1, b.1, d.1, &at(path, &format!(".{}", a.0)), depth),
            );
            if matches!(out, Cmp::Differs(..)) {
                break;
            }
        }
        return out;
    }
    match (o1, o2, c) {
        (Tuple(x), Tuple(y), Tuple(z)) | (List(x), List(y), List(z))
            if x.len() == y.len() && y.len() == z.len() =>
        {
            for (i, ((a, b), d)) in x.iter().zip(y).zip(z).enumerate() {
                out = join(out, values_at(a, b, d, &at(path, &format!("[{i}]")), depth));
                if matches!(out, Cmp::Differs(..)) {
                    break;
                }
            }
            out
        }
        (Dict(x), Dict(y), Dict(z)) => {
            let get = |d: &[(PyValue, PyValue)], k: &PyValue| {
                d.iter()
                    .find(|(key, _)| eq(key, k))
                    .map_or_else(absent, |(_, v)| v.clone())
            };
            let mut keys: Vec<&PyValue> = Vec::new();
            for (k, _) in x.iter().chain(z).chain(y) {
                if !keys.iter().any(|seen| eq(seen, k)) {
                    keys.push(k);
                }
            }
            for k in keys {
                let step = format!("[{}]", k.repr());
                out = join(
                    out,
                    values_at(&get(x, k), &get(y, k), &get(z, k), &at(path, &step), depth),
                );
                if matches!(out, Cmp::Differs(..)) {
                    break;
                }
            }
            out
        }
        _ if stable => Cmp::Differs(path.to_string(), o1.clone(), c.clone()),
        _ => Cmp::Varies,
    }
}

/// A call's result against the original's two.
pub fn results(o1: &CallResult, o2: &CallResult, c: &CallResult) -> Cmp {
    use CallResult::*;
    let same_kind = |a: &CallResult, b: &CallResult| match (a, b) {
        (Raised { type_name: x, .. }, Raised { type_name: y, .. }) => x == y,
        (Timeout { .. }, Timeout { .. }) | (Crashed { .. }, Crashed { .. }) => true,
        (Unsupported { type_name: x }, Unsupported { type_name: y }) => x == y,
        _ => false,
    };
    match (o1, o2, c) {
        (Returned { value: x, .. }, Returned { value: y, .. }, Returned { value: z, .. }) => {
            values(x, y, z, 1)
        }
        (Returned { .. }, Returned { .. }, _) => Cmp::Kind,
        _ if same_kind(o1, o2) && same_kind(o1, c) => Cmp::Same,
        _ if same_kind(o1, o2) => Cmp::Kind,
        _ => Cmp::Varies,
    }
}

/// Printed text of the candidate against the original's two, line by
/// line: where the original's runs print as many lines, the candidate must
/// print as many, and each line both runs print alike. What differs (the
/// whole texts when the lines do not pair up), or `None`.
pub fn output(o1: &str, o2: &str, c: &str) -> Option<(String, String)> {
    if o1 == o2 {
        return (o1 != c).then(|| (o1.to_string(), c.to_string()));
    }
    let lines = |s: &str| {
        s.split_inclusive('\n')
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    let (l1, l2, lc) = (lines(o1), lines(o2), lines(c));
    if l1.len() != l2.len() {
        return None;
    }
    if lc.len() != l1.len() {
        return Some((o1.to_string(), c.to_string()));
    }
    l1.into_iter()
        .zip(l2)
        .zip(lc)
        .find(|((a, b), d)| a == b && a != d)
        .map(|((a, _), d)| (a, d))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn int(i: i64) -> PyValue {
        PyValue::Int(i.into())
    }

    #[test]
    fn a_long_difference_is_followed_to_the_field_that_differs() {
        let obj = |x: i64| {
            PyValue::Tuple(vec![
                PyValue::Str("<object>".into()),
                PyValue::Str("C".into()),
                PyValue::Tuple(vec![
                    PyValue::Tuple(vec![
                        PyValue::Str("big".into()),
                        PyValue::Str("z".repeat(200)),
                    ]),
                    PyValue::Tuple(vec![PyValue::Str("n".into()), int(x)]),
                ]),
            ])
        };
        assert_eq!(
            values(&obj(1), &obj(1), &obj(2), 0),
            Cmp::Differs(".n".into(), int(1), int(2))
        );
    }

    #[test]
    fn printed_lines_are_compared_where_the_original_prints_them_alike() {
        let some = |a: &str, b: &str| Some((a.to_string(), b.to_string()));
        assert_eq!(output("a\n", "a\n", "a\n"), None);
        assert_eq!(output("a\n", "a\n", ""), some("a\n", ""));
        // A time on a line of its own: the other lines are still compared.
        assert_eq!(output("a\nt=1\n", "a\nt=2\n", "a\nt=3\n"), None);
        assert_eq!(
            output("a\nt=1\n", "a\nt=2\n", "b\nt=3\n"),
            some("a\n", "b\n")
        );
        assert_eq!(
            output("a\nt=1\n", "a\nt=2\n", "t=3\n"),
            some("a\nt=1\n", "t=3\n")
        );
        // As many lines as the run likes: nothing to hold against a fix.
        assert_eq!(output("a\n", "a\nb\n", ""), None);
    }

    #[test]
    fn what_varies_between_runs_of_the_original_is_not_compared() {
        let t = |a: i64, b: f64| PyValue::Tuple(vec![int(a), PyValue::Float(b)]);
        assert_eq!(values(&t(1, 0.5), &t(1, 0.5), &t(1, 0.5), 1), Cmp::Same);
        assert_eq!(values(&t(1, 0.5), &t(1, 0.7), &t(1, 0.9), 1), Cmp::Varies);
        assert_eq!(
            values(&t(1, 0.5), &t(1, 0.7), &t(2, 0.9), 1),
            Cmp::Differs("[0]".into(), int(1), int(2))
        );
        let d = |t: f64, x: i64| {
            PyValue::Dict(vec![
                (PyValue::Str("t".into()), PyValue::Float(t)),
                (PyValue::Str("x".into()), int(x)),
            ])
        };
        assert_eq!(values(&d(1.0, 3), &d(2.0, 3), &d(3.0, 3), 1), Cmp::Varies);
        assert!(matches!(
            values(&d(1.0, 3), &d(2.0, 3), &d(3.0, 4), 1),
            Cmp::Differs(p, _, _) if p == "['x']"
        ));
        // A shape that varies hides what is inside it.
        let l = |n: usize| PyValue::List(vec![int(0); n]);
        assert_eq!(values(&l(1), &l(2), &l(3), 1), Cmp::Varies);
        // Where the original is stable, a difference is shown whole at the
        // depth asked for; a key the candidate lacks is absent.
        let g = |v: Option<i64>| {
            PyValue::Dict(
                v.map(|v| (PyValue::Str("FLAG".into()), int(v)))
                    .into_iter()
                    .collect(),
            )
        };
        assert_eq!(
            values(&g(Some(1)), &g(Some(1)), &g(None), 1),
            Cmp::Differs("['FLAG']".into(), int(1), absent())
        );
        let nested = |x: i64| PyValue::Tuple(vec![PyValue::List(vec![int(x), int(2)])]);
        assert_eq!(
            values(&nested(1), &nested(1), &nested(3), 1),
            Cmp::Differs(
                "[0]".into(),
                PyValue::List(vec![int(1), int(2)]),
                PyValue::List(vec![int(3), int(2)])
            )
        );
    }
}
