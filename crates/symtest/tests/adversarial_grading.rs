//! `symtest grade` against samples paid for passing: samples with no task
//! logic that try to learn the answers from each other or copy a
//! neighbour's output, graders side by side, a killed grader, samples that
//! hold the grader or turn a verdict into none. How answers are judged is
//! attacked in `adversarial_judging.rs`. Each test states the class of
//! attack it guards against.

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
    for _d in ('.', '..', '../..', '/tmp', '/dev/shm', '/var/tmp', '{jobs}', '/', os.path.expanduser('~')):
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
    for _d in ('.', '..', '/tmp', '/dev/shm', '/var/tmp', '{jobs}'):
        try:
            with open(os.path.join(_d, _me), 'a') as _f:
                _f.write(json.dumps([_key, _guess]) + '\n')
        except OSError:
            pass
    return _guess
"#,
        jobs = symtest_sandbox::jobs_dir().display()
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
for root in ('.', '..', '../..', 'JOBS', '/tmp', '/dev/shm'):
    scan(root, 0)
numbers = [t for f in found for t in f.split() if t.isdigit() and t not in data.split()]
print(numbers[-1] if numbers else 0)
"#
    .replace("JOBS", &symtest_sandbox::jobs_dir().display().to_string());
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
        &"    for d in ('/tmp', '..', 'JOBS', '/dev/shm'):\n        try:\n            open(d + '/spam', 'w').write('x' * (1 << 20))\n        except OSError:\n            pass\n    return x * 2\n"
            .replace("JOBS", &symtest_sandbox::jobs_dir().display().to_string()),
    ];
    let hostile = hostile_dir.jsonl(
        "samples.jsonl",
        &(0..30)
            .map(|i| json!({"task_id": "double", "sample_id": i, "completion": attacks[i % attacks.len()]}))
            .collect::<Vec<_>>(),
    );
    let their_out = hostile_dir.path("out.jsonl");
    let extra = ["-j", "1", "--timeout-floor", "0.5"];
    let mut other = start(
        grade_command(&hostile_problems, &hostile, &their_out, &extra),
        Stdio::piped(),
    );
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
    let theirs = outcomes(&their_out);
    assert_eq!(theirs.len(), 30);
    assert!(
        theirs.iter().all(|o| o["status"] != "grader_error"),
        "{theirs:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(120));
}

/// `command` started, its standard output discarded and its standard error
/// to `stderr`.
fn start(mut command: std::process::Command, stderr: Stdio) -> std::process::Child {
    command
        .stdout(Stdio::null())
        .stderr(stderr)
        .spawn()
        .expect("spawn")
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
    let extra = ["-j", "2", "--default-timeout", "60"];
    let out = dir.path("out.jsonl");
    let mut grader = start(
        grade_command(&problems, &samples, &out, &extra),
        Stdio::null(),
    );
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

/// Classes 1 and 3 (passing without the logic, turning a failure into no
/// verdict): a sample's own signals and timers. It ignores every signal it
/// may and loops; or arms a timer whose handler exits the process, raises
/// `SystemExit` or an exception of its own into whatever runs next (the
/// harness answering for it, the next call) once its one right answer is
/// given. Each is a timeout or a failure: never a pass, never a grader
/// error.
#[test]
fn a_samples_signals_and_timers_do_not_change_its_verdict() {
    let dir = TempDir::new("timers");
    let humaneval = tiny_humaneval(&dir);
    let calls = dir.jsonl(
        "calls.jsonl",
        &[
            json!({"task_id": "double", "entry_point": "f", "mode": "call", "prompt": "def f(x):\n",
            "tests": [
                {"input": "(2,)", "expected": "4"},
                {"input": "(5,)", "expected": "10"},
                {"input": "(7,)", "expected": "14"},
            ]}),
        ],
    );
    let arm = |handler: &str, timer: &str| {
        format!(
            "    import os, signal\n    class Stop(BaseException):\n        pass\n    def fire(*_):\n        {handler}\n    signal.signal(signal.{sig}, fire)\n    signal.setitimer(signal.{timer}, 0.0005, 0.0005)\n    return x * 2 if x == 2 else -1\n",
            sig = if timer == "ITIMER_PROF" {
                "SIGPROF"
            } else {
                "SIGALRM"
            },
        )
    };
    let ignoring = "    import signal\n    for s in signal.Signals:\n        try:\n            signal.signal(s, signal.SIG_IGN)\n        except (OSError, ValueError, RuntimeError):\n            pass\n    while True:\n        pass\n";
    let samples: Vec<(&str, String)> = vec![
        ("ignores", ignoring.to_string()),
        ("exits", arm("os._exit(0)", "ITIMER_REAL")),
        ("system_exit", arm("raise SystemExit(0)", "ITIMER_REAL")),
        ("own_exception", arm("raise Stop()", "ITIMER_PROF")),
    ];
    let samples = samples_of(
        &dir,
        samples
            .iter()
            .map(|(id, code)| ("double", *id, code.as_str())),
    );
    for problems in [&humaneval, &calls] {
        let got = grade(&dir, problems, &samples, &["--default-timeout", "1"]);
        assert_eq!(status_of(&got, "double", "ignores"), "timeout", "{got:?}");
        for id in ["exits", "system_exit", "own_exception"] {
            let status = status_of(&got, "double", id);
            assert!(
                status == "failed" || status == "runtime_error",
                "{id}: {status} {got:?}"
            );
        }
    }
}
