//! Attributes come from one table per type and per module: what a type has
//! it dispatches, what it lacks is an `AttributeError` alike for a call, a
//! read and `hasattr`. The answers are CPython's (the fidelity corpus checks
//! the same on random inputs against CPython itself).

use symtest_python::{Limits, Program, RunResult};
use symtest_pyvalue::PyValue;

const IMPORTS: &str = "import collections\nimport hashlib\nimport math\nimport re\nimport string\n";

fn run(body: &str) -> RunResult {
    let src = format!("{IMPORTS}def f():\n    {body}\n");
    Program::parse(&src)
        .expect("parses")
        .run("f", &[], Limits::default())
}

fn raised(body: &str) -> (String, String) {
    match run(body) {
        RunResult::Raised(e) => (e.type_name, e.message),
        other => panic!("{body}: {other:?}"),
    }
}

#[test]
fn a_list_has_no_deque_methods() {
    assert_eq!(
        raised("return [1].popleft()"),
        (
            "AttributeError".into(),
            "'list' object has no attribute 'popleft'".into()
        )
    );
    assert_eq!(raised("return [1].appendleft").0, "AttributeError");
}

#[test]
fn a_deque_has_no_list_only_methods() {
    assert_eq!(
        raised("return collections.deque([2, 1]).sort()").0,
        "AttributeError"
    );
    assert_eq!(
        raised("return collections.deque([1]).pop(0)").0,
        "TypeError",
        "deque.pop takes no index"
    );
    assert_eq!(
        run(
            "d = collections.deque([1, 2])\n    d.appendleft(0)\n    return [d.popleft(), d.pop(), list(d.copy())]"
        ),
        RunResult::Returned(PyValue::parse("[0, 2, [1]]").expect("literal"))
    );
}

#[test]
fn hasattr_reads_the_same_tables_as_calls() {
    let cases = [
        ("{}", "most_common", false),
        ("collections.Counter()", "most_common", true),
        ("collections.Counter()", "get", true),
        ("collections.deque()", "popleft", true),
        ("collections.deque()", "sort", false),
        ("collections.defaultdict(int)", "setdefault", true),
        ("collections.defaultdict(int)", "most_common", false),
        ("[]", "popleft", false),
        ("[]", "append", true),
        ("frozenset()", "union", true),
        ("frozenset()", "add", false),
        ("set()", "add", true),
        ("'a'", "upper", true),
        ("'a'", "append", false),
        ("1", "real", true),
        ("True", "bit_length", true),
        ("2.5", "is_integer", true),
        ("range(3)", "stop", true),
        ("None", "x", false),
        ("math", "sqrt", true),
        ("math", "pi", true),
        ("string", "digits", true),
        ("hashlib", "md5", true),
        ("re", "nope", false),
    ];
    for (obj, name, expected) in cases {
        let got = run(&format!("return hasattr({obj}, {name:?})"));
        assert_eq!(
            got,
            RunResult::Returned(PyValue::Bool(expected)),
            "hasattr({obj}, {name:?})"
        );
    }
    assert_eq!(raised("return hasattr([], 1)").0, "TypeError");
}

#[test]
fn a_counter_has_dicts_methods_and_its_own() {
    assert_eq!(
        run(
            "c = collections.Counter('abca')\n    c.update('b')\n    return [c.get('a'), c.most_common(1), c['b']]"
        ),
        RunResult::Returned(PyValue::parse("[2, [('a', 2)], 2]").expect("literal"))
    );
    assert_eq!(raised("return {}.most_common()").0, "AttributeError");
}
