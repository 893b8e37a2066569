//! `symtest grade` against samples paid for passing: samples with no task
//! logic that try to learn the answers from each other, copy a neighbour's
//! output, or pass on how numbers and exceptions are compared; and the
//! integrity of what is graded (what a verdict is keyed by, which problems
//! are refused). Each test states the class of attack it guards against.

mod common;

use std::process::Stdio;
use std::time::{Duration, Instant};

use common::*;
use serde_json::{Value, json};

/// HumanEval problems whose answers are booleans, not all true: a sample
/// that always guesses `True` fails them.
const BOOL_TASKS: [&str; 6] = [
    "HumanEval/0",
    "HumanEval/3",
    "HumanEval/52",
    "HumanEval/57",
    "HumanEval/61",
    "HumanEval/80",
];

/// A function body with no task logic: it keys each call by its arguments,
/// reads every log of earlier guesses it can find, infers which guesses were
/// right (under a sequential harness a call is followed by another only if
/// its assert passed), guesses accordingly, and logs its guess wherever it
/// can write. With any channel between samples it learns the answers.
fn guesser(tag: &str) -> String {
    format!(
        r#"    import os, json, random
    _key = repr(sorted(locals().items()))
    _logs = []
    for _d in ('.', '..', '../..', '/tmp', '/dev/shm', '/var/tmp', '/work', '/', os.path.expanduser('~')):
        try:
            _names = os.listdir(_d)
        except OSError:
            continue
        for _n in _names:
            if _n.startswith('guesses-{tag}-'):
                try:
                    with open(os.path.join(_d, _n)) as _f:
                        _logs.append([json.loads(_l) for _l in _f if _l.strip()])
                except (OSError, ValueError):
                    pass
    _right, _wrong = {{}}, {{}}
    for _log in _logs:
        for _i, (_k, _g) in enumerate(_log):
            if _i + 1 < len(_log):
                _right[_k] = _g
            else:
                _wrong[_k] = _g
    if _key in _right:
        _guess = _right[_key]
    elif _key in _wrong:
        _guess = not _wrong[_key]
    else:
        _guess = True
    _me = globals().setdefault('_guess_file', 'guesses-{tag}-%d' % random.getrandbits(48))
    for _d in ('.', '..', '/tmp', '/dev/shm', '/var/tmp', '/work'):
        try:
            with open(os.path.join(_d, _me), 'a') as _f:
                _f.write(json.dumps([_key, _guess]) + '\n')
        except OSError:
            pass
    return _guess
"#
    )
}

fn remove_guess_logs(tag: &str) {
    for d in ["/tmp", "/dev/shm", "/var/tmp"] {
        if let Ok(entries) = std::fs::read_dir(d) {
            for e in entries.flatten() {
                if e.file_name()
                    .to_string_lossy()
                    .starts_with(&format!("guesses-{tag}-"))
                {
                    let _ = std::fs::remove_file(e.path());
                }
            }
        }
    }
}

/// The control: under a plain harness sharing a folder between samples
/// (what an unisolated grader amounts to), the same guesser learns. Without
/// this, a guesser that never learns anything would make the test below
/// pass trivially.
#[test]
fn the_guesser_learns_where_samples_share_state() {
    let (_, rows) = humaneval();
    let dir = TempDir::new("guess-control");
    let tag = format!("control{}", std::process::id());
    let mut script = String::from(
        "import json, sys\nrows = [json.loads(l) for l in open(sys.argv[1])]\nbody = open(sys.argv[2]).read()\nfor r in rows:\n    passes = []\n    for i in range(10):\n        ns = {}\n        try:\n            exec(r['prompt'] + body, ns)\n            exec(r['test'], ns)\n            ns['check'](ns[r['entry_point']])\n            passes.append(1)\n        except Exception:\n            passes.append(0)\n    print(r['task_id'], ''.join(map(str, passes)))\n",
    );
    script.push('\n');
    let tasks: Vec<&Value> = rows
        .iter()
        .filter(|r| BOOL_TASKS.contains(&r["task_id"].as_str().unwrap_or("")))
        .collect();
    let tasks_file = dir.path("tasks.jsonl");
    std::fs::write(
        &tasks_file,
        tasks.iter().map(|r| format!("{r}\n")).collect::<String>(),
    )
    .expect("write");
    let body = dir.path("body.py");
    std::fs::write(&body, guesser(&tag)).expect("write");
    let sim = dir.path("sim.py");
    std::fs::write(&sim, script).expect("write");
    let work = dir.path("shared");
    std::fs::create_dir_all(&work).expect("dir");
    let o = std::process::Command::new("python3")
        .arg(&sim)
        .arg(&tasks_file)
        .arg(&body)
        .current_dir(&work)
        .output()
        .expect("python3 runs");
    remove_guess_logs(&tag);
    let text = String::from_utf8_lossy(&o.stdout).to_string();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mut learned = 0;
    for line in text.lines() {
        let passes = line.split_whitespace().nth(1).unwrap_or("");
        // The first guess fails (answers are not all true); a later one passes.
        assert!(passes.starts_with('0'), "{line}");
        learned += usize::from(passes.contains('1'));
    }
    assert!(
        learned >= 4,
        "the guesser learned only {learned} of 6 tasks:\n{text}"
    );
}

/// Class 1, channels between jobs: 60 guessing samples on real HumanEval
/// tasks, graded together on one pool. Every sample must get the verdict a
/// fresh guesser gets: nothing it wrote or read may reach another sample.
#[test]
fn samples_with_no_logic_learn_nothing_from_each_other() {
    let (he, _) = humaneval();
    let dir = TempDir::new("guess");
    let tag = format!("sandbox{}", std::process::id());
    let body = guesser(&tag);
    let mut samples = Vec::new();
    for t in BOOL_TASKS {
        for i in 0..10 {
            samples.push(json!({"task_id": t, "sample_id": format!("g{i}"), "completion": body}));
        }
    }
    let samples = dir.jsonl("samples.jsonl", &samples);
    let got = grade(&dir, &he, &samples, &["-j", "2"]);
    assert_eq!(got.len(), 60);
    // A fresh guesser, alone in a run of its own.
    let fresh = dir.jsonl(
        "fresh.jsonl",
        &BOOL_TASKS
            .iter()
            .map(|t| json!({"task_id": t, "sample_id": "fresh", "completion": body}))
            .collect::<Vec<_>>(),
    );
    let alone = grade(&dir, &he, &fresh, &["-j", "1"]);
    remove_guess_logs(&tag);
    for t in BOOL_TASKS {
        let want = status_of(&alone, t, "fresh");
        assert_ne!(want, "passed", "{t}: always-true guesses pass it");
        for i in 0..10 {
            assert_eq!(status_of(&got, t, &format!("g{i}")), want, "{t} g{i}");
        }
    }
}

/// A samples file of `(task, sample id, completion)`.
fn samples_of<'a>(
    dir: &TempDir,
    rows: impl Iterator<Item = (&'a str, &'a str, &'a str)>,
) -> std::path::PathBuf {
    dir.jsonl(
        "samples.jsonl",
        &rows
            .map(|(t, id, code)| json!({"task_id": t, "sample_id": id, "completion": code}))
            .collect::<Vec<_>>(),
    )
}

/// Class 1 for whole programs: samples that copy whatever output they can
/// find, graded next to correct samples at the same time.
#[test]
fn a_stdio_sample_cannot_copy_its_neighbours_output() {
    let dir = TempDir::new("copier");
    let mut tests = Vec::new();
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    for _ in 0..12 {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let a = (x >> 20) % 1_000_000_000_000;
        let b = (x >> 3) % 1_000_000_000_000;
        tests.push(json!({"input": format!("{a} {b}\n"), "expected": format!("{}\n", u128::from(a) * u128::from(b))}));
    }
    let problems = dir.jsonl(
        "problems.jsonl",
        &[json!({"task_id": "mul", "mode": "stdio", "tests": tests})],
    );
    let copier = r#"import os, sys
data = sys.stdin.read()
found = []
def scan(d, depth):
    if depth > 3:
        return
    try:
        names = os.listdir(d)
    except OSError:
        return
    for n in names:
        p = os.path.join(d, n)
        if os.path.isdir(p) and not os.path.islink(p):
            scan(p, depth + 1)
        elif n.startswith(('stdout', 'stdin', 'out', 'answer')) or n.endswith('.txt'):
            try:
                found.append(open(p).read())
            except OSError:
                pass
for root in ('.', '..', '../..', '/work', '/tmp', '/dev/shm'):
    scan(root, 0)
numbers = [t for f in found for t in f.split() if t.isdigit() and t not in data.split()]
print(numbers[-1] if numbers else 0)
"#;
    let correct = "a, b = map(int, input().split())\nprint(a * b)\n";
    let mut samples = Vec::new();
    for i in 0..6 {
        samples.push(
            json!({"task_id": "mul", "sample_id": format!("copier{i}"), "completion": copier}),
        );
        samples.push(
            json!({"task_id": "mul", "sample_id": format!("correct{i}"), "completion": correct}),
        );
    }
    let samples = dir.jsonl("samples.jsonl", &samples);
    let got = grade(&dir, &problems, &samples, &["-j", "2"]);
    for i in 0..6 {
        assert_eq!(status_of(&got, "mul", &format!("correct{i}")), "passed");
        assert_eq!(status_of(&got, "mul", &format!("copier{i}")), "failed");
    }
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
    let samples = samples_of(&dir, cases.iter().map(|(t, id, code, _)| (*t, *id, *code)));
    let got = grade(&dir, &problems, &samples, &[]);
    for (t, id, _, want) in cases {
        assert_eq!(status_of(&got, t, id), want, "{t} {id}");
    }
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
    let problems = dir.jsonl(
        "problems.jsonl",
        &[json!({"task_id": "r", "entry_point": "f", "mode": "call", "tests": [{"input": "(1,)", "raises": "ValueError"}]})],
    );
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
    let samples = dir.jsonl(
        "samples.jsonl",
        &cases
            .iter()
            .map(|(id, code, _)| json!({"task_id": "r", "sample_id": id, "completion": code}))
            .collect::<Vec<_>>(),
    );
    let got = grade(&dir, &problems, &samples, &[]);
    for (id, _, want) in cases {
        assert_eq!(status_of(&got, "r", id), want, "{id}");
    }
}

/// Class 8: running out of stack or memory is not an answer. Where any
/// `Exception` is expected (in a suite, or caught by a dataset's own test
/// code), a sample that recurses forever is a runtime error, not a pass.
#[test]
fn exhaustion_is_not_an_expected_exception() {
    let dir = TempDir::new("exhaustion");
    let suite = dir.jsonl(
        "suite.jsonl",
        &[json!({"task_id": "any", "entry_point": "f", "mode": "call", "tests": [{"input": "(1,)", "raises": "Exception"}]})],
    );
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
    let samples = dir.jsonl(
        "samples.jsonl",
        &[
            json!({"task_id": "any", "sample_id": "recurse", "completion": recurse}),
            json!({"task_id": "any", "sample_id": "right", "completion": "def f(x):\n    raise KeyError(x)\n"}),
        ],
    );
    let got = grade(&dir, &suite, &samples, &[]);
    assert_eq!(status_of(&got, "any", "recurse"), "runtime_error");
    assert_eq!(status_of(&got, "any", "right"), "passed");
    let samples = dir.jsonl(
        "samples2.jsonl",
        &[
            json!({"task_id": "caught", "sample_id": "recurse", "completion": "    return f(x)\n"}),
            json!({"task_id": "caught", "sample_id": "right", "completion": "    raise ValueError(x)\n"}),
        ],
    );
    let got = grade(&dir, &humaneval, &samples, &[]);
    assert_eq!(status_of(&got, "caught", "recurse"), "runtime_error");
    assert_eq!(status_of(&got, "caught", "right"), "passed");
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

    let nan = dir.jsonl(
        "nan.jsonl",
        &[json!({"task_id": "nan", "entry_point": "f", "mode": "call", "tests": [{"input": "(1,)", "expected": "[float('nan'), 1.5]"}]})],
    );
    let samples = dir.jsonl(
        "nan_samples.jsonl",
        &[
            json!({"task_id": "nan", "sample_id": "nan", "completion": "def f(x):\n    return [float('nan'), 1.5]\n"}),
            json!({"task_id": "nan", "sample_id": "zero", "completion": "def f(x):\n    return [0.0, 1.5]\n"}),
            json!({"task_id": "nan", "sample_id": "none", "completion": "def f(x):\n    return [None, 1.5]\n"}),
        ],
    );
    let got = grade(&dir, &nan, &samples, &[]);
    assert_eq!(status_of(&got, "nan", "nan"), "passed");
    assert_eq!(status_of(&got, "nan", "zero"), "failed");
    assert_eq!(status_of(&got, "nan", "none"), "failed");
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
    let samples = dir.jsonl(
        "samples.jsonl",
        &[
            json!({"task_id": "fib", "sample_id": "exact", "completion": exact}),
            json!({"task_id": "fib", "sample_id": "binet", "completion": binet}),
            json!({"task_id": "last", "sample_id": "mod", "completion": "def last(n):\n    return n % 10\n"}),
        ],
    );
    let got = grade(&dir, &problems, &samples, &["--format", "apps"]);
    assert_eq!(status_of(&got, "fib", "exact"), "passed");
    assert_eq!(status_of(&got, "fib", "binet"), "failed");
    assert_eq!(status_of(&got, "last", "mod"), "passed");
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

fn tiny_humaneval(dir: &TempDir) -> std::path::PathBuf {
    dir.jsonl(
        "problems.jsonl",
        &[json!({
            "task_id": "double",
            "prompt": "def f(x):\n",
            "canonical_solution": "    return x * 2\n",
            "test": "def check(candidate):\n    assert candidate(2) == 4\n    assert candidate(5) == 10\n",
            "entry_point": "f",
        })],
    )
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
    let samples = dir.jsonl(
        "samples.jsonl",
        &[
            json!({"task_id": "double", "sample_id": "plain", "completion": plain}),
            json!({"task_id": "double", "sample_id": "fenced_wrong", "completion": fenced_wrong}),
            json!({"task_id": "double", "sample_id": "chat", "completion": chat}),
        ],
    );
    let got = grade(&dir, &problems, &samples, &[]);
    assert_eq!(status_of(&got, "double", "plain"), "passed");
    assert_eq!(status_of(&got, "double", "fenced_wrong"), "failed");
    assert_eq!(status_of(&got, "double", "chat"), "passed");
}

/// Class 8: a verdict is kept on resume only for what was graded: the same
/// problem, settings and completion.
#[test]
fn resuming_regrades_what_changed() {
    let dir = TempDir::new("resume");
    let problems = tiny_humaneval(&dir);
    let out = dir.path("out.jsonl");
    let run = |samples: &std::path::Path, extra: &[&str]| {
        let o = grade_into(&problems, samples, &out, extra);
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
    let o = grade_into(&problems, &samples, &out, &[]);
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

/// Class 6: printing verdicts into a pipe that closes early is not a crash.
#[test]
fn verbose_output_into_a_closed_pipe_is_fine() {
    let dir = TempDir::new("pipe");
    let problems = tiny_humaneval(&dir);
    let samples = dir.jsonl(
        "samples.jsonl",
        &(0..20)
            .map(|i| json!({"task_id": "double", "sample_id": i, "completion": "    return x * 2\n"}))
            .collect::<Vec<_>>(),
    );
    let bin = assert_cmd::cargo::cargo_bin("symtest");
    let o = std::process::Command::new("bash")
        .arg("-c")
        .arg(format!(
            "set -o pipefail; {} grade -v -k 1 {} {} -o {} | head -1; echo \"status ${{PIPESTATUS[0]}}\"",
            bin.display(),
            problems.display(),
            samples.display(),
            dir.path("out.jsonl").display()
        ))
        .output()
        .expect("bash");
    let out = String::from_utf8_lossy(&o.stdout);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!err.contains("panicked"), "{err}");
    assert!(out.contains("status 0"), "{out}\n{err}");
    assert_eq!(outcomes(&dir.path("out.jsonl")).len(), 20);
}

/// Class 7: two graders on one machine, one of them fed hostile samples,
/// do not disturb each other: every correct sample of the other passes,
/// none is a grader error.
#[test]
fn graders_side_by_side_keep_their_verdicts() {
    let (he, rows) = humaneval();
    let dir = TempDir::new("side");
    let hostile_dir = TempDir::new("side-hostile");
    let hostile_problems = tiny_humaneval(&hostile_dir);
    let attacks = [
        "    import os\n    while True:\n        try:\n            os.fork()\n        except OSError:\n            pass\n",
        "    x = []\n    while True:\n        x.append(b'x' * (64 << 20))\n",
        "    n = 0\n    while True:\n        open('f%d' % n, 'wb').write(b'x' * (1 << 20))\n        n += 1\n",
        "    import time\n    time.sleep(60)\n",
        "    for d in ('/tmp', '..', '/work', '/dev/shm'):\n        try:\n            open(d + '/spam', 'w').write('x' * (1 << 20))\n        except OSError:\n            pass\n    return x * 2\n",
    ];
    let hostile = hostile_dir.jsonl(
        "samples.jsonl",
        &(0..30)
            .map(|i| json!({"task_id": "double", "sample_id": i, "completion": attacks[i % attacks.len()]}))
            .collect::<Vec<_>>(),
    );
    let mut other = std::process::Command::new(assert_cmd::cargo::cargo_bin("symtest"))
        .args([
            "grade",
            "-q",
            "-k",
            "1",
            "-j",
            "1",
            "--timeout-floor",
            "0.5",
        ])
        .arg(&hostile_problems)
        .arg(&hostile)
        .arg("-o")
        .arg(hostile_dir.path("out.jsonl"))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let canonical: Vec<Value> = rows
        .iter()
        .take(40)
        .map(|r| json!({"task_id": r["task_id"], "sample_id": "c", "completion": r["canonical_solution"]}))
        .collect();
    let samples = dir.jsonl("samples.jsonl", &canonical);
    let started = Instant::now();
    let got = grade(&dir, &he, &samples, &["-j", "1"]);
    let status = other.wait().expect("the hostile run ends");
    assert!(
        status.success(),
        "the hostile run: {:?}",
        other.stderr.take().map(|mut e| {
            let mut s = String::new();
            let _ = std::io::Read::read_to_string(&mut e, &mut s);
            s
        })
    );
    assert_eq!(got.len(), 40);
    for o in &got {
        assert_eq!(o["status"], "passed", "{o}");
    }
    let theirs = outcomes(&hostile_dir.path("out.jsonl"));
    assert_eq!(theirs.len(), 30);
    assert!(
        theirs.iter().all(|o| o["status"] != "grader_error"),
        "{theirs:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(120));
}

/// The pid and parent pid of every process, with the cgroups it is in.
fn processes() -> Vec<(u32, u32, String)> {
    let mut out = Vec::new();
    for e in std::fs::read_dir("/proc").expect("/proc").flatten() {
        let Ok(pid) = e.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(status) = std::fs::read_to_string(e.path().join("status")) else {
            continue;
        };
        let ppid = status
            .lines()
            .find_map(|l| l.strip_prefix("PPid:"))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(0);
        let cgroup = std::fs::read_to_string(e.path().join("cgroup")).unwrap_or_default();
        out.push((pid, ppid, cgroup));
    }
    out
}

/// Class 2: a grader killed by any means takes its workers, its test
/// process and every job with it.
#[test]
fn a_killed_grader_leaves_no_process_behind() {
    let dir = TempDir::new("killed");
    let problems = tiny_humaneval(&dir);
    let sleeper =
        "    import os, time\n    if os.fork() == 0:\n        time.sleep(60)\n    time.sleep(60)\n";
    let samples = samples_of(
        &dir,
        (0..4).map(|i| ("double", ["a", "b", "c", "d"][i], sleeper)),
    );
    let mut grader = symtest_std()
        .args([
            "grade",
            "-q",
            "-k",
            "1",
            "-j",
            "2",
            "--default-timeout",
            "60",
        ])
        .arg(&problems)
        .arg(&samples)
        .arg("-o")
        .arg(dir.path("out.jsonl"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    let gpid = grader.id();
    let tag = format!("symtest-{gpid}-");
    // Wait for running jobs (in the pool's cgroups), then note every
    // process that descends from the grader.
    let end = Instant::now() + Duration::from_secs(20);
    let mut ours: Vec<u32> = Vec::new();
    while Instant::now() < end {
        let all = processes();
        let jobs = all.iter().filter(|(_, _, cg)| cg.contains(&tag)).count();
        if jobs >= 2 {
            let mut family = vec![gpid];
            loop {
                let before = family.len();
                for (pid, ppid, _) in &all {
                    if family.contains(ppid) && !family.contains(pid) {
                        family.push(*pid);
                    }
                }
                if family.len() == before {
                    break;
                }
            }
            ours = family;
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    // Workers are process 1 of their namespaces: what they forked is not
    // their child on the host but shows in the cgroup; both are checked.
    assert!(
        ours.len() >= 4,
        "the grader's processes were not found: {ours:?}"
    );
    grader.kill().expect("SIGKILL");
    let _ = grader.wait();
    let end = Instant::now() + Duration::from_secs(5);
    loop {
        let all = processes();
        let left: Vec<&(u32, u32, String)> = all
            .iter()
            .filter(|(pid, _, cg)| cg.contains(&tag) || (ours.contains(pid) && *pid != gpid))
            .collect();
        if left.is_empty() {
            break;
        }
        assert!(
            Instant::now() < end,
            "processes outlived the grader: {:?}",
            left.iter().map(|(p, pp, _)| (p, pp)).collect::<Vec<_>>()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Class 9 (holding the grader): a program that sleeps uses no CPU, so only
/// the wall clock stops it. Each test's wall limit is a few times its
/// budget, and the whole job's is a few times the sum of its budgets: a
/// sleeper that prints the right answer and then sleeps in each of 20 tests
/// is a timeout, and frees its slot in seconds, not in 20 wall limits.
#[test]
fn a_sleeper_cannot_hold_a_slot_for_every_test() {
    let dir = TempDir::new("sleeper");
    let tests: Vec<Value> = (0..20)
        .map(|i| json!({"input": format!("{i}\n"), "expected": format!("{}\n", i * 2)}))
        .collect();
    let problems = dir.jsonl(
        "problems.jsonl",
        &[json!({"task_id": "double", "mode": "stdio", "tests": tests})],
    );
    let sleeper =
        "import sys, time\nprint(int(input()) * 2)\nsys.stdout.flush()\ntime.sleep(1.5)\n";
    let correct = "print(int(input()) * 2)\n";
    let samples = dir.jsonl(
        "samples.jsonl",
        &[
            json!({"task_id": "double", "sample_id": "sleeper", "completion": sleeper}),
            json!({"task_id": "double", "sample_id": "correct", "completion": correct}),
        ],
    );
    let started = Instant::now();
    let got = grade(
        &dir,
        &problems,
        &samples,
        &["-j", "2", "--default-timeout", "0.1"],
    );
    let took = started.elapsed();
    assert_eq!(status_of(&got, "double", "sleeper"), "timeout");
    assert_eq!(status_of(&got, "double", "correct"), "passed");
    // 20 tests of 0.1 s: 7 s for the job at most (20 per-test wall limits
    // of 0.8 s would be 16 s; before, 20 of 2 s were 40 s).
    assert!(
        took < Duration::from_secs(12),
        "grading a sleeper took {took:?}"
    );
}

/// Class 3 (turning a verdict into no verdict): a program padded past what
/// a job takes, or nested past what a parser takes, is refused as a program
/// that does not compile, never a grader error (which has no reward, and
/// would fail the server's health).
#[test]
fn a_huge_program_is_a_compile_error_not_a_grader_error() {
    let dir = TempDir::new("huge");
    let problems = tiny_humaneval(&dir);
    let mut padded = String::from("    return x * 2\n");
    let line = format!("#{}\n", "x".repeat(1023));
    while padded.len() <= 17 << 20 {
        padded.push_str(&line);
    }
    let fence = format!("```python\n{}```\n", "```\n".repeat(1 << 20));
    // A million brackets: the grader's parser (which decides whether the
    // answer is plain Python or fenced) refuses it by its depth, as CPython
    // does, instead of growing its stack by gigabytes.
    let deep = format!("```python\nx = {}\n```\n", "(".repeat(1_000_000));
    let samples = dir.jsonl(
        "samples.jsonl",
        &[
            json!({"task_id": "double", "sample_id": "padded", "completion": padded}),
            json!({"task_id": "double", "sample_id": "fences", "completion": fence}),
            json!({"task_id": "double", "sample_id": "deep", "completion": deep}),
        ],
    );
    let got = grade(&dir, &problems, &samples, &[]);
    assert_eq!(status_of(&got, "double", "padded"), "compile_error");
    assert_ne!(status_of(&got, "double", "fences"), "grader_error");
    assert_eq!(status_of(&got, "double", "deep"), "compile_error");
}
