//! Branch coverage of the reference in CPython: the reference is compiled
//! with a probe on each branch site (found by the byte offset of its
//! condition or iterable, the same key the interpreter's sites carry) and
//! run in the sandbox on every test input.

use std::collections::BTreeSet;

use symtest_explore::SiteId;
use symtest_python::Program;

use crate::model::py_str;
use symtest_sandbox::PyValue;

pub(crate) const PROBES: &str = include_str!("probe.py");

/// The function the sandbox calls instead of the entry.
pub const ENTRY: &str = "__symtest_entry__";

/// A program that loads `source` with probes on `sites` and at most
/// `mutants` mutants of it to tell apart.
pub fn instrumented(
    program: &Program,
    source: &str,
    entry: &str,
    sites: &[SiteId],
    mutants: usize,
) -> String {
    let user = &program.sites().user;
    let list: Vec<String> = sites
        .iter()
        .filter_map(|s| {
            let u = user.get(s.0 as usize)?;
            Some(format!("({}, {}, {})", s.0, py_str(u.kind.name()), u.key))
        })
        .collect();
    format!(
        "{PROBES}\n__symtest_load__({}, [{}], {}, {mutants})\n",
        py_str(source),
        list.join(", "),
        py_str(entry)
    )
}

/// What one probed call saw: the directions taken, the data criteria met
/// (`probe.py` says which), and whether it raised.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Probed {
    pub hits: BTreeSet<(u32, bool)>,
    /// `(kind, place, what)`: a table key read, a sign reaching an operator,
    /// a loop's step count, a branch direction on a loop's last step.
    pub data: BTreeSet<(String, u32, String)>,
    pub raised: Option<String>,
    /// Mutants of the reference the probes ran the input on.
    pub mutants: usize,
}

/// Reads the value the probed entry returns.
pub fn parse_hits(v: &PyValue) -> Option<Probed> {
    let PyValue::Tuple(parts) = v else {
        return None;
    };
    let (kind, exc, hits, data, made) = match parts.as_slice() {
        [PyValue::Str(k), PyValue::Str(e), PyValue::List(h)] => (k, e, h, &[][..], 0),
        [
            PyValue::Str(k),
            PyValue::Str(e),
            PyValue::List(h),
            PyValue::List(d),
        ] => (k, e, h, d.as_slice(), 0),
        [
            PyValue::Str(k),
            PyValue::Str(e),
            PyValue::List(h),
            PyValue::List(d),
            PyValue::Int(n),
        ] => (k, e, h, d.as_slice(), usize::try_from(n).ok()?),
        _ => return None,
    };
    let mut out = Probed {
        raised: (kind == "raised").then(|| exc.clone()),
        mutants: made,
        ..Probed::default()
    };
    for h in hits {
        let PyValue::Tuple(pair) = h else {
            return None;
        };
        match pair.as_slice() {
            [PyValue::Int(site), PyValue::Bool(taken)] => {
                out.hits.insert((u32::try_from(site).ok()?, *taken));
            }
            _ => return None,
        }
    }
    for d in data {
        let PyValue::Tuple(item) = d else {
            return None;
        };
        match item.as_slice() {
            [PyValue::Str(kind), PyValue::Int(place), PyValue::Str(what)] => {
                let place = u32::try_from(place).ok()?;
                out.data.insert((kind.clone(), place, what.clone()));
            }
            _ => return None,
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hits_are_read_back() {
        let v = PyValue::parse("('returned', '', [(0, True), (2, False)])").expect("literal");
        let p = parse_hits(&v).expect("hits");
        assert_eq!(
            p.hits.into_iter().collect::<Vec<_>>(),
            vec![(0, true), (2, false)]
        );
        assert!(p.raised.is_none());
        let v = PyValue::parse("('raised', 'ValueError', [])").expect("literal");
        assert_eq!(
            parse_hits(&v).expect("hits").raised.as_deref(),
            Some("ValueError")
        );
        assert!(parse_hits(&PyValue::None).is_none());
        let v = PyValue::parse("('returned', '', [(1, True)], [('key', 3, \"'six'\")])")
            .expect("literal");
        let p = parse_hits(&v).expect("hits");
        assert_eq!(
            p.data.into_iter().collect::<Vec<_>>(),
            vec![("key".to_string(), 3, "'six'".to_string())]
        );
        let v = PyValue::parse("('returned', '', [], [('mut', 4, '')], 12)").expect("literal");
        let p = parse_hits(&v).expect("hits");
        assert_eq!(p.mutants, 12);
        assert!(
            parse_hits(&PyValue::parse("('returned', '', [], [], -1)").expect("literal")).is_none()
        );
    }

    #[test]
    fn the_program_names_every_site_by_offset() {
        let src =
            "def f(x):\n    if x > 1:\n        return [y for y in range(x) if y]\n    return 0\n";
        let p = Program::parse(src).expect("parses");
        let sites = p.reachable_sites("f").expect("sites");
        let text = instrumented(&p, src, "f", &sites, 0);
        assert!(text.contains("'if', 17"), "{text}");
        assert!(text.contains("'compif'"));
        assert!(text.ends_with("'f', 0)\n"));
    }
}
