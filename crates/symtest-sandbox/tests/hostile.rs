//! Hostile programs: each is contained, gets the right verdict, and leaves
//! the pool healthy. These need root (jobs run under their own uids) or the
//! test says which mechanism is missing.

mod common;

use std::net::TcpListener;
use std::time::{Duration, Instant};

use common::*;
use symtest_sandbox::{
    Call, CallResult, CheckOutcome, Job, JobResult, LoadError, PyValue, StdioResult, StdioRun, Task,
};

#[test]
fn plain_verdicts() {
    assert!(matches!(
        one("def f():\n    return [1, (2, 'x'), {3: None}]\n", 2000),
        CallResult::Returned { .. }
    ));
    assert!(
        matches!(one("def f():\n    raise ValueError('no')\n", 2000), CallResult::Raised { type_name, message, .. } if type_name == "ValueError" && message == "no")
    );
    let job = Job {
        source: "def f(:\n".into(),
        task: Task::Calls {
            entry: "f".into(),
            calls: vec![],
            want_args: false,
            load_budget: Duration::from_secs(2),
        },
    };
    assert!(matches!(
        pool().run(&job),
        Ok(JobResult::Calls {
            load: Err(LoadError::Compile { .. }),
            ..
        })
    ));
    let job = Job {
        source: "import numpy\ndef f():\n    return 1\n".into(),
        task: Task::Calls {
            entry: "f".into(),
            calls: vec![],
            want_args: false,
            load_budget: Duration::from_secs(2),
        },
    };
    // Installed packages are not readable from the sandbox.
    assert!(
        matches!(pool().run(&job), Ok(JobResult::Calls { load: Err(LoadError::Raised { type_name, .. }), .. }) if type_name == "ModuleNotFoundError")
    );
    assert_healthy();
}

#[test]
fn infinite_loop_times_out() {
    let started = Instant::now();
    assert!(matches!(
        one("def f():\n    while True:\n        pass\n", 500),
        CallResult::Timeout { .. }
    ));
    assert_within(started, 5);
    assert_healthy();
}

#[test]
fn fork_bomb_is_contained_and_cleaned_up() {
    // A pool of its own, so that no other test's jobs run under its uid.
    let own = own_pool();
    let (first, last) = own.job_uids().expect("running as root");
    let job = Job {
        source: "import os\ndef f():\n    while True:\n        try:\n            os.fork()\n        except OSError:\n            pass\n".into(),
        task: Task::Calls {
            entry: "f".into(),
            calls: vec![Call { args: vec![], budget: Duration::from_millis(1500) }],
            want_args: false,
            load_budget: Duration::from_secs(2),
        },
    };
    let peak = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let watcher = {
        let peak = peak.clone();
        std::thread::spawn(move || {
            let end = Instant::now() + Duration::from_millis(1200);
            while Instant::now() < end {
                let n = processes_of_uids(first, last);
                peak.fetch_max(n, std::sync::atomic::Ordering::Relaxed);
                std::thread::sleep(Duration::from_millis(20));
            }
        })
    };
    let r = own.run(&job).expect("runs");
    watcher.join().expect("watcher");
    assert!(
        matches!(&r, JobResult::Calls { results, .. } if matches!(results[0], CallResult::Timeout { .. })),
        "{r:?}"
    );
    // RLIMIT_NPROC held the bomb to a few dozen processes...
    let peak = peak.load(std::sync::atomic::Ordering::Relaxed);
    assert!(peak > 1 && peak <= 32, "peak {peak}");
    // ...and killing the job's group took every one of them.
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(processes_of_uids(first, last), 0);
    assert_healthy();
}

#[test]
fn memory_bomb_is_refused() {
    let r = one(
        "def f():\n    x = []\n    while True:\n        x.append(bytearray(50_000_000))\n",
        5000,
    );
    assert!(
        matches!(&r, CallResult::Raised { type_name, .. } if type_name == "MemoryError"),
        "{r:?}"
    );
    assert_healthy();
}

#[test]
fn files_outside_scratch_are_out_of_reach() {
    let dir = temp("files");
    let victim = dir.join("victim.txt");
    std::fs::write(&victim, "keep me").expect("write");
    let canary = dir.join("canary.txt");
    let src = format!(
        "import os\ndef f():\n    errors = []\n    for op in (lambda: open({c:?}, 'w').write('x'), lambda: os.remove({v:?}), lambda: open('/tmp/symtest-escape', 'w').write('x')):\n        try:\n            op()\n        except OSError as e:\n            errors.append(type(e).__name__)\n    return errors\n",
        c = canary.display().to_string(),
        v = victim.display().to_string()
    );
    let r = one(&src, 2000);
    assert!(
        matches!(&r, CallResult::Returned { value: PyValue::List(xs), .. } if xs.len() == 3),
        "{r:?}"
    );
    assert!(!canary.exists());
    assert_eq!(std::fs::read_to_string(&victim).expect("read"), "keep me");
    assert!(!std::path::Path::new("/tmp/symtest-escape").exists());
    std::fs::remove_dir_all(&dir).ok();
    assert_healthy();
}

/// A folder given to read (a project to import) is shown where the host
/// has it, read-only, whatever it is called: a project in a folder named
/// `work` loads, and the job's own folder is under the sandbox's jobs'
/// place, apart from it.
#[test]
fn a_folder_given_to_read_is_shown_where_it_is_apart_from_the_jobs() {
    let dir = temp("read").join("work").join("proj");
    std::fs::create_dir_all(dir.join("pkg")).expect("folders");
    std::fs::write(dir.join("pkg/__init__.py"), "ANSWER = 42\n").expect("write");
    let dir = dir.canonicalize().expect("real path");
    let pool = symtest_sandbox::Pool::new(&symtest_sandbox::SandboxConfig {
        jobs: 1,
        extra_read: vec![dir.clone()],
        ..symtest_sandbox::SandboxConfig::default()
    })
    .unwrap_or_else(|e| panic!("{e}"));
    let src = format!(
        "import os, sys\nsys.path.insert(0, {d:?})\nimport pkg\ndef f():\n    try:\n        open(os.path.join({d:?}, 'x'), 'w')\n        wrote = True\n    except OSError:\n        wrote = False\n    return [pkg.ANSWER, wrote, os.path.dirname(os.getcwd())]\n",
        d = dir.display().to_string()
    );
    let job = Job {
        source: src,
        task: Task::Calls {
            entry: "f".into(),
            calls: vec![Call {
                args: vec![],
                budget: Duration::from_secs(2),
            }],
            want_args: false,
            load_budget: Duration::from_secs(2),
        },
    };
    let r = pool.run(&job).unwrap_or_else(|e| panic!("{e}"));
    let JobResult::Calls {
        load: Ok(_),
        results,
    } = &r
    else {
        panic!("{r:?}")
    };
    let want = PyValue::List(vec![
        PyValue::from(42),
        PyValue::Bool(false),
        PyValue::Str(symtest_sandbox::jobs_dir().display().to_string()),
    ]);
    assert!(
        matches!(&results[0], CallResult::Returned { value, .. } if *value == want),
        "{results:?}"
    );
    assert!(!dir.join("x").exists());
    std::fs::remove_dir_all(temp("read")).ok();
}

#[test]
fn grader_files_can_be_neither_read_nor_overwritten() {
    let dir = temp("grader");
    let problems = dir.join("problems.jsonl");
    std::fs::write(&problems, "{\"task_id\": \"secret\", \"expected\": 42}\n").expect("write");
    let src = format!(
        "def f():\n    got = []\n    try:\n        got.append(open({p:?}).read())\n    except OSError as e:\n        got.append(type(e).__name__)\n    try:\n        open({p:?}, 'w').write('{{}}')\n    except OSError as e:\n        got.append(type(e).__name__)\n    return got\n",
        p = problems.display().to_string()
    );
    let r = one(&src, 2000);
    assert!(
        // Not in the job's view of the filesystem at all.
        matches!(&r, CallResult::Returned { value, .. } if value.repr() == "['FileNotFoundError', 'FileNotFoundError']"),
        "{r:?}"
    );
    assert!(
        std::fs::read_to_string(&problems)
            .expect("read")
            .contains("secret")
    );
    std::fs::remove_dir_all(&dir).ok();
    assert_healthy();
}

#[test]
fn no_network_even_to_loopback() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.set_nonblocking(true).expect("nonblocking");
    let port = listener.local_addr().expect("addr").port();
    let src = format!(
        "import socket\ndef f():\n    try:\n        socket.create_connection(('127.0.0.1', {port}), timeout=2).sendall(b'leak')\n        return 'connected'\n    except OSError as e:\n        return type(e).__name__\n"
    );
    let r = one(&src, 5000);
    assert!(
        matches!(&r, CallResult::Returned { value: PyValue::Str(s), .. } if s != "connected"),
        "{r:?}"
    );
    assert_not_connected(listener.accept());
    assert_healthy();
}

#[test]
fn killing_the_parent_fails() {
    let r = one(
        "import os, signal\ndef f():\n    out = []\n    for pid in (os.getppid(), 1):\n        try:\n            os.kill(pid, signal.SIGKILL)\n            out.append('killed')\n        except OSError as e:\n            out.append(type(e).__name__)\n    return out\n",
        2000,
    );
    assert!(
        matches!(&r, CallResult::Returned { value, .. } if !value.repr().contains("killed")),
        "{r:?}"
    );
    assert_healthy();
}

#[test]
fn exiting_early_never_passes() {
    let test = "def check(candidate):\n    assert candidate(1) == 2\n";
    assert_eq!(
        check("def f(x):\n    return x + 1\n", test),
        CheckOutcome::Passed
    );
    let o = check("import os\ndef f(x):\n    os._exit(0)\n", test);
    assert!(
        matches!(&o, CheckOutcome::Crashed { why, .. } if why.contains("code 0")),
        "{o:?}"
    );
    // SystemExit from the candidate may not steer the test: it arrives as
    // a RuntimeError.
    let o = check("import sys\ndef f(x):\n    sys.exit(0)\n", test);
    assert!(
        matches!(&o, CheckOutcome::Raised { type_name, message, .. } if type_name == "RuntimeError" && message.contains("SystemExit")),
        "{o:?}"
    );
    assert_healthy();
}

#[test]
fn flooding_stdout_is_capped() {
    let job = Job {
        source: "import sys\nsys.stdout.write('x' * 100_000_000)\nsys.stdout.flush()\n".into(),
        task: Task::Stdio {
            runs: vec![StdioRun {
                stdin: String::new(),
                budget: Duration::from_secs(10),
            }],
        },
    };
    let r = pool().run(&job).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        matches!(&r, JobResult::Stdio { results } if matches!(&results[0], StdioResult::Failed(LoadError::Raised { type_name, .. }) if type_name == "OSError")
            || matches!(&results[0], StdioResult::Failed(LoadError::Crashed { why }) if why.contains("SIGXFSZ"))),
        "{r:?}"
    );
    assert_healthy();
}

#[test]
fn deep_recursion_is_contained() {
    // Recursion through C overflows the machine stack: the job dies alone.
    let r = one(
        "import sys\nsys.setrecursionlimit(10**8)\ndef f():\n    x = []\n    for _ in range(10**6):\n        x = [x]\n    return repr(x)\n",
        10_000,
    );
    assert!(
        matches!(&r, CallResult::Crashed { why } if why.contains("SIGSEGV")),
        "{r:?}"
    );
    // Python-level recursion (heap frames in 3.11+) ends in memory or time limits.
    let r = one(
        "import sys\nsys.setrecursionlimit(10**8)\ndef f(n=0):\n    return f(n + 1)\n",
        3000,
    );
    assert!(!matches!(r, CallResult::Returned { .. }), "{r:?}");
    assert_healthy();
}

#[test]
fn faked_equality_fails() {
    let test = "def check(candidate):\n    assert candidate(1) == 2\n";
    let sources = [
        "class Yes:\n    def __eq__(self, other):\n        return True\ndef f(x):\n    return Yes()\n",
        "class Int(int):\n    def __eq__(self, other):\n        return True\ndef f(x):\n    return Int(7)\n",
        "import builtins\nbuiltins.type = lambda x: int\nclass Yes:\n    def __eq__(self, o):\n        return True\ndef f(x):\n    return Yes()\n",
    ];
    for src in sources {
        let o = check(src, test);
        assert!(
            matches!(o, CheckOutcome::Unsupported { .. }),
            "{src}: {o:?}"
        );
        let r = call_job(src, "f", vec![PyValue::from(1)], 2000).remove(0);
        assert!(matches!(r, CallResult::Unsupported { .. }), "{src}: {r:?}");
    }
    assert_healthy();
}

#[test]
fn timeouts_in_the_middle_leave_later_calls_graded() {
    let job = f_on_each(
        "def f(x):\n    while x == 2:\n        pass\n    return x * 10\n",
        1..=3,
        2000,
        300,
    );
    let JobResult::Calls { results, .. } = pool().run(&job).expect("runs") else {
        panic!("calls")
    };
    assert!(matches!(&results[0], CallResult::Returned { value, .. } if value.repr() == "10"));
    assert!(matches!(&results[1], CallResult::Timeout { .. }));
    assert!(matches!(&results[2], CallResult::Returned { value, .. } if value.repr() == "30"));
}
