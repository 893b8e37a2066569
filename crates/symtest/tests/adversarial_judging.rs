//! `symtest grade` against samples paid for passing on how answers are
//! judged: ints against floats, printed numbers, expected exceptions, NaNs
//! and big integers in APPS data, fenced code inside strings; and the
//! integrity of what a verdict is keyed by (resuming, repeated identities,
//! problems without tests). Each test states the class of attack it guards
//! against.

mod common;

use common::*;
use serde_json::{Value, json};

/// A problems file `TASK.jsonl` of one suite: task `task`, whose function
/// `f` has the one test `test`.
fn one_call_test(dir: &TempDir, task: &str, test: Value) -> std::path::PathBuf {
    dir.jsonl(
        &format!("{task}.jsonl"),
        &[json!({"task_id": task, "entry_point": "f", "mode": "call", "tests": [test]})],
    )
}

/// Class 5: an expected int is matched exactly; tolerance only where a
/// float is expected.
#[test]
fn ints_are_compared_exactly() {
    let dir = TempDir::new("ints");
    let n: u64 = 123_456_789_123;
    let sum = u128::from(n) * u128::from(n + 1) / 2;
    let fact200 = "788657867364790503552363213932185062295135977687173263294742533244359449963403342920304284011984623904177212138919638830257642790242637105061926624952829931113462857270763317237396988943922445621451664240254033291864131227428294853277524242407573903240321257405579568660226031904170324062351700858796178922222789623703897374720000000000000000000000000000000000000000000000000";
    let problems = dir.jsonl(
        "problems.jsonl",
        &[
            json!({"task_id": "tri", "entry_point": "tri", "mode": "call", "tests": [{"input": format!("({n},)"), "expected": sum.to_string()}]}),
            json!({"task_id": "fact", "entry_point": "fact", "mode": "call", "tests": [{"input": "(200,)", "expected": fact200}]}),
            json!({"task_id": "half", "entry_point": "half", "mode": "call", "tests": [{"input": "()", "expected": "0.5"}]}),
        ],
    );
    let cases = [
        (
            "tri",
            "exact",
            "def tri(n):\n    return n * (n + 1) // 2\n",
            "passed",
        ),
        (
            "tri",
            "true_division",
            "def tri(n):\n    return n * (n + 1) / 2\n",
            "failed",
        ),
        (
            "tri",
            "off_by_7",
            "def tri(n):\n    return float(n * (n + 1) // 2 + 7)\n",
            "failed",
        ),
        (
            "tri",
            "complex",
            "def tri(n):\n    return complex(n * (n + 1) // 2, 0)\n",
            "failed",
        ),
        (
            "fact",
            "exact",
            "import math\ndef fact(n):\n    return math.factorial(n)\n",
            "passed",
        ),
        (
            "fact",
            "inf",
            "def fact(n):\n    return float('inf')\n",
            "failed",
        ),
        // 200! has no float: Python raises, as it should.
        (
            "fact",
            "float",
            "import math\ndef fact(n):\n    return float(math.factorial(n))\n",
            "runtime_error",
        ),
        (
            "half",
            "close",
            "def half():\n    return 0.5000000001\n",
            "passed",
        ),
        ("half", "far", "def half():\n    return 0.51\n", "failed"),
    ];
    assert_statuses(&dir, &problems, &cases, &[]);
}

/// Class 8: numbers in standard output are tokens; only an expected real
/// number is compared as one.
#[test]
fn printed_numbers_are_judged_as_judges_do() {
    let dir = TempDir::new("tokens");
    let bits = "1101011010110110110101011011010110101101101101010110110101101011011011010101101101011010110110110101011011010110101101101101";
    let problems = dir.jsonl(
        "problems.jsonl",
        &[
            json!({"task_id": "thousand", "mode": "stdio", "tests": [{"input": "", "expected": "1000\n"}]}),
            json!({"task_id": "third", "mode": "stdio", "tests": [{"input": "", "expected": "0.333333\n"}]}),
            json!({"task_id": "bits", "mode": "stdio", "tests": [{"input": "", "expected": format!("{bits}\n")}]}),
        ],
    );
    let print = |s: &str| format!("print({s:?})\n");
    let cases = [
        ("thousand", "plain", print("1000"), "passed"),
        ("thousand", "exponent", print("1e+03"), "failed"),
        ("thousand", "plus", print("+1000"), "failed"),
        ("thousand", "zeros", print("001000"), "failed"),
        ("thousand", "float", print("1000.0"), "failed"),
        ("third", "more_digits", print("0.3333333333"), "passed"),
        ("third", "wrong", print("0.3334"), "failed"),
        (
            "bits",
            "prefix",
            print(&format!("{}{}", &bits[..9], "0".repeat(bits.len() - 9))),
            "failed",
        ),
        ("bits", "right", print(bits), "passed"),
    ];
    let samples = samples_of(
        &dir,
        cases
            .iter()
            .map(|(t, id, code, _)| (*t, *id, code.as_str())),
    );
    let got = grade(&dir, &problems, &samples, &[]);
    for (t, id, _, want) in &cases {
        assert_eq!(&status_of(&got, t, id), want, "{t} {id}");
    }
    // APPS' lenient judge, when asked for.
    let got = grade(&dir, &problems, &samples, &["--judge", "apps"]);
    assert_eq!(status_of(&got, "thousand", "exponent"), "passed");
}

/// Class 8: an expected exception matches its class and subclasses, by the
/// class, not the name.
#[test]
fn expected_exceptions_match_by_class() {
    let dir = TempDir::new("raises");
    let problems = one_call_test(&dir, "r", json!({"input": "(1,)", "raises": "ValueError"}));
    let cases = [
        ("real", "def f(x):\n    raise ValueError('no')\n", "passed"),
        (
            "subclass",
            "def f(x):\n    raise UnicodeDecodeError('utf-8', b'x', 0, 1, 'bad')\n",
            "passed",
        ),
        (
            "lookalike",
            "class ValueError(Exception):\n    pass\ndef f(x):\n    raise ValueError('no')\n",
            "runtime_error",
        ),
        ("returns", "def f(x):\n    return None\n", "failed"),
    ];
    let cases = cases.map(|(id, code, want)| ("r", id, code, want));
    assert_statuses(&dir, &problems, &cases, &[]);
}

/// Class 8: running out of stack or memory is not an answer. Where any
/// `Exception` is expected (in a suite, or caught by a dataset's own test
/// code), a sample that recurses forever is a runtime error, not a pass.
#[test]
fn exhaustion_is_not_an_expected_exception() {
    let dir = TempDir::new("exhaustion");
    let suite = one_call_test(&dir, "any", json!({"input": "(1,)", "raises": "Exception"}));
    let humaneval = dir.jsonl(
        "humaneval.jsonl",
        &[
            json!({
                "task_id": "caught",
                "prompt": "def f(x):\n",
                "canonical_solution": "    raise ValueError(x)\n",
                "test": "def check(candidate):\n    try:\n        candidate(1)\n    except Exception:\n        return\n    assert False\n",
                "entry_point": "f",
            }),
        ],
    );
    let recurse = "def f(x):\n    return f(x)\n";
    let right = "def f(x):\n    raise KeyError(x)\n";
    assert_statuses(
        &dir,
        &suite,
        &[
            ("any", "recurse", recurse, "runtime_error"),
            ("any", "right", right, "passed"),
        ],
        &[],
    );
    assert_statuses(
        &dir,
        &humaneval,
        &[
            ("caught", "recurse", "    return f(x)\n", "runtime_error"),
            ("caught", "right", "    raise ValueError(x)\n", "passed"),
        ],
        &[],
    );
}

/// Class 5: APPS call problems whose outputs are not wrapped in a list of
/// one: the first element of an expected list is not an answer. A NaN
/// expected is matched by a NaN, and only by one.
#[test]
fn list_outputs_and_nans_are_compared_whole() {
    let dir = TempDir::new("apps-lists");
    let io = json!({"fn_name": "f", "inputs": [[1], [2]], "outputs": [[1, 2, 3], [2, 3, 4]]});
    let wrapped =
        json!({"fn_name": "f", "inputs": [[1], [2]], "outputs": [[[1, 2, 3]], [[2, 3, 4]]]});
    let problems = dir.jsonl(
        "problems.jsonl",
        &[
            json!({"problem_id": "bare", "question": "q", "solutions": "[]", "input_output": io.to_string()}),
            json!({"problem_id": "wrapped", "question": "q", "solutions": "[]", "input_output": wrapped.to_string()}),
        ],
    );
    let whole = "def f(x):\n    return [x, x + 1, x + 2]\n";
    let first = "def f(x):\n    return x\n";
    let mut rows = Vec::new();
    for task in ["bare", "wrapped"] {
        rows.push(json!({"task_id": task, "sample_id": "whole", "completion": whole}));
        rows.push(json!({"task_id": task, "sample_id": "first", "completion": first}));
    }
    let samples = dir.jsonl("samples.jsonl", &rows);
    let got = grade(&dir, &problems, &samples, &["--format", "apps"]);
    for task in ["bare", "wrapped"] {
        assert_eq!(status_of(&got, task, "whole"), "passed", "{task}");
        assert_eq!(status_of(&got, task, "first"), "failed", "{task}");
    }

    let nan = one_call_test(
        &dir,
        "nan",
        json!({"input": "(1,)", "expected": "[float('nan'), 1.5]"}),
    );
    let cases = [
        (
            "nan",
            "nan",
            "def f(x):\n    return [float('nan'), 1.5]\n",
            "passed",
        ),
        (
            "nan",
            "zero",
            "def f(x):\n    return [0.0, 1.5]\n",
            "failed",
        ),
        (
            "nan",
            "none",
            "def f(x):\n    return [None, 1.5]\n",
            "failed",
        ),
    ];
    assert_statuses(&dir, &nan, &cases, &[]);
}

/// Class 5: APPS integers beyond 64 bits are ints, as Python's json reads
/// them: an expected Fibonacci number is matched exactly (a float formula
/// right to 16 digits fails), and a huge argument reaches the program as
/// an int.
#[test]
fn apps_big_integers_are_exact() {
    let dir = TempDir::new("apps-bigint");
    let fib = |n: usize| {
        let (mut a, mut b) = ("0".to_string(), "1".to_string());
        for _ in 0..n {
            let c = add_decimal(&a, &b);
            a = b;
            b = c;
        }
        a
    };
    // Raw JSON text, so that the numbers keep every digit.
    let io = format!(
        r#"{{"fn_name": "fib", "inputs": [[100], [120]], "outputs": [[{}], [{}]]}}"#,
        fib(100),
        fib(120)
    );
    let io2 =
        r#"{"fn_name": "last", "inputs": [[1000000000000000000000000000007]], "outputs": [[7]]}"#;
    let problems = dir.jsonl(
        "problems.jsonl",
        &[
            json!({"problem_id": "fib", "question": "q", "solutions": "[]", "input_output": io}),
            json!({"problem_id": "last", "question": "q", "solutions": "[]", "input_output": io2}),
        ],
    );
    let exact = "def fib(n):\n    a, b = 0, 1\n    for _ in range(n):\n        a, b = b, a + b\n    return a\n";
    let binet = "def fib(n):\n    return round(((1 + 5 ** 0.5) / 2) ** n / 5 ** 0.5)\n";
    let cases = [
        ("fib", "exact", exact, "passed"),
        ("fib", "binet", binet, "failed"),
        ("last", "mod", "def last(n):\n    return n % 10\n", "passed"),
    ];
    assert_statuses(&dir, &problems, &cases, &["--format", "apps"]);
}

/// The sum of two non-negative decimal numbers, as text.
fn add_decimal(a: &str, b: &str) -> String {
    let (a, b): (Vec<u8>, Vec<u8>) = (a.bytes().rev().collect(), b.bytes().rev().collect());
    let mut out = Vec::new();
    let mut carry = 0;
    for i in 0..a.len().max(b.len()) {
        let d = carry + a.get(i).map_or(0, |c| c - b'0') + b.get(i).map_or(0, |c| c - b'0');
        out.push(b'0' + d % 10);
        carry = d / 10;
    }
    if carry > 0 {
        out.push(b'0' + carry);
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// Class 8: a plain completion is graded as written, even when a string in
/// it holds a fenced block; a chat answer still has its code taken out.
#[test]
fn a_fence_inside_a_string_is_not_the_answer() {
    let dir = TempDir::new("fence");
    let problems = tiny_humaneval(&dir);
    let plain =
        "    doc = \"\"\"\n```python\ndef f(x):\n    return 0\n```\n\"\"\"\n    return x * 2\n";
    let fenced_wrong =
        "    doc = \"\"\"\n```python\ndef f(x):\n    return x * 2\n```\n\"\"\"\n    return 0\n";
    let chat = "Here you go:\n```python\ndef f(x):\n    return x * 2\n```\n";
    let cases = [
        ("double", "plain", plain, "passed"),
        ("double", "fenced_wrong", fenced_wrong, "failed"),
        ("double", "chat", chat, "passed"),
    ];
    assert_statuses(&dir, &problems, &cases, &[]);
}

/// Class 8: a verdict is kept on resume only for what was graded: the same
/// problem, settings and completion.
#[test]
fn resuming_regrades_what_changed() {
    let dir = TempDir::new("resume");
    let problems = tiny_humaneval(&dir);
    let out = dir.path("out.jsonl");
    let run = |samples: &std::path::Path, extra: &[&str]| {
        let o = grade_command(&problems, samples, &out, extra)
            .output()
            .expect("runs");
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8_lossy(&o.stderr).to_string()
    };
    let first = dir.jsonl(
        "a.jsonl",
        &[
            json!({"task_id": "double", "sample_id": "s", "completion": "    return 0\n"}),
            json!({"task_id": "double", "sample_id": "t", "completion": "    return x * 2\n"}),
        ],
    );
    run(&first, &[]);
    assert_eq!(status_of(&outcomes(&out), "double", "s"), "failed");
    // Same ids, one completion changed: only that one is graded again.
    let second = dir.jsonl(
        "b.jsonl",
        &[
            json!({"task_id": "double", "sample_id": "s", "completion": "    return x + x\n"}),
            json!({"task_id": "double", "sample_id": "t", "completion": "    return x * 2\n"}),
        ],
    );
    let said = run(&second, &[]);
    assert!(said.contains("1 of them graded again"), "{said}");
    let o = outcomes(&out);
    assert_eq!(o.len(), 3);
    assert_eq!(status_of(&o, "double", "s"), "passed");
    // Another reward setting: every verdict is given again.
    run(&second, &["--reward", "coderl"]);
    assert_eq!(outcomes(&out).len(), 5);
}

/// Class 8: two rows with one identity would share a verdict.
#[test]
fn repeated_sample_identities_are_refused() {
    let dir = TempDir::new("dups");
    let problems = tiny_humaneval(&dir);
    let samples = dir.jsonl(
        "samples.jsonl",
        &[
            json!({"task_id": "double", "sample_id": 1, "completion": "    return x * 2\n"}),
            json!({"task_id": "double", "sample_id": "1", "completion": "    return 0\n"}),
        ],
    );
    let out = dir.path("out.jsonl");
    let o = grade_command(&problems, &samples, &out, &[])
        .output()
        .expect("runs");
    assert!(o.status.success());
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("repeats line 1"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let got = outcomes(&out);
    assert_eq!(got.len(), 1);
    assert_eq!(got[0]["status"], "passed");
}

/// Class 8 (stdin): a problem whose every expected output is blank would
/// pay a program that prints nothing; it is refused when loaded, and the
/// other problems of the file are graded.
#[test]
fn stdin_problems_expecting_only_blank_output_are_refused() {
    let dir = TempDir::new("blank");
    let blank = json!({"inputs": ["3\n", "5\n"], "outputs": ["\n", " "]});
    let fine = json!({"inputs": ["3\n"], "outputs": ["6\n"]});
    let problems = dir.jsonl(
        "problems.jsonl",
        &[
            json!({"problem_id": "e1", "question": "Read n.", "solutions": "[]", "input_output": blank.to_string()}),
            json!({"problem_id": "e2", "question": "Print 2n.", "solutions": "[]", "input_output": fine.to_string()}),
        ],
    );
    let samples = dir.jsonl(
        "samples.jsonl",
        &[
            json!({"task_id": "e1", "sample_id": "nothing", "completion": "pass\n"}),
            json!({"task_id": "e2", "sample_id": "nothing", "completion": "pass\n"}),
        ],
    );
    let out = dir.path("out.jsonl");
    let o = symtest_std()
        .args(["grade", "-q"])
        .arg(&problems)
        .arg(&samples)
        .arg("-o")
        .arg(&out)
        .output()
        .expect("runs");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("expects no output"), "{err}");
    let got = outcomes(&out);
    assert!(
        got.iter().all(|r| r["status"] != "passed"),
        "a program printing nothing passed: {got:?}"
    );
    assert!(got.iter().any(|r| r["task_id"] == "e2"), "{got:?}");
}

/// Class 8: a problem every sample would pass is refused when loaded.
#[test]
fn problems_without_tests_are_refused() {
    let dir = TempDir::new("notests");
    let problems = dir.jsonl(
        "problems.jsonl",
        &[
            json!({"task_id": "a", "entry_point": "f", "mode": "call", "tests": []}),
            json!({"task_id": "b", "prompt": "def f():\n", "test": "x = 1\n", "entry_point": "f", "canonical_solution": "    pass\n"}),
        ],
    );
    let samples = dir.jsonl(
        "samples.jsonl",
        &[json!({"task_id": "a", "completion": "def f():\n    pass\n"})],
    );
    let o = symtest_std()
        .args(["grade", "-q"])
        .arg(&problems)
        .arg(&samples)
        .arg("-o")
        .arg(dir.path("out.jsonl"))
        .output()
        .expect("runs");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success());
    assert!(err.contains("no tests"), "{err}");
    assert!(err.contains("holds no usable problems"), "{err}");
}
